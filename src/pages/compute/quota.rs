//! `/compute/quota`: vCPU quota per virtual machine family in the workspace's region, what the
//! computes use of it now, and what they cost at their current state.

use crate::components::{format_price, format_usd};
use crate::shell::Breadcrumbs;
use crate::store::use_store;
use azimuth_core::compute::catalogue::{find_vm_size, VmKind};
use azimuth_core::compute::cost::{hourly_cost, HOURS_PER_MONTH};
use azimuth_core::compute::quota::{is_low_priority, machines_held};
use azimuth_core::{StoredCompute, Workspace};
use leptos::prelude::*;

/// The workspace's estimated cost at its current state: per hour, per day and per month.
#[component]
pub fn CostSummary(
    /// One line on what is counted instead of the whole paragraph (Home).
    #[prop(optional)]
    brief: bool,
) -> impl IntoView {
    let store = use_store();
    let per_hour = move || store.workspace.with(|w| w.hourly_cost());
    let figure = move |label: &'static str, hours: u64| {
        view! {
            <div>
                <dt>{label}</dt>
                <dd>{move || format_usd(per_hour() * hours)}</dd>
            </div>
        }
    };
    view! {
        <dl class="cost-summary" aria-label="Estimated cost at the current state">
            {figure("Per hour", 1)}
            {figure("Per day", 24)}
            {figure("Per month", HOURS_PER_MONTH)}
        </dl>
        <p class="muted">
            {if brief {
                "Running compute instances and cluster nodes, at their current state."
            } else {
                "Estimates at the current state, for Linux, pay as you go, in the workspace's region: running compute instances and the nodes compute clusters have now (low priority about 80 % cheaper). Stopped instances, storage and networking are not counted."
            }}
        </p>
    }
}

/// The name of the low-priority pool's row.
const LOW_PRIORITY_ROW: &str = "Low priority (all families)";

/// One family's row: its name, kind, usage and limit, and the computes holding its quota.
#[derive(Clone, PartialEq)]
struct FamilyRow {
    family: &'static str,
    kind: &'static str,
    used: u32,
    limit: u32,
    holders: String,
    /// Cents per hour.
    cost: u64,
}

/// Each family's dedicated quota, then the region's low-priority pool, with the computes that
/// hold them and what those cost.
fn quota_rows(w: &Workspace) -> Vec<FamilyRow> {
    // Every compute holding quota, once: its family, or None for the low-priority pool.
    let holding: Vec<(Option<&str>, &StoredCompute)> = w
        .computes
        .iter()
        .map(std::sync::Arc::as_ref)
        .filter(|c| machines_held(c) > 0)
        .filter_map(|c| {
            let size = find_vm_size(&c.resource.properties.properties.vm_size)?;
            Some(((!is_low_priority(&c.resource)).then_some(size.family), c))
        })
        .collect();
    let row =
        |family: &'static str, kind: &'static str, used: u32, limit: u32, pool: Option<&str>| {
            let holders: Vec<&StoredCompute> = holding
                .iter()
                .filter(|(p, _)| *p == pool)
                .map(|(_, c)| *c)
                .collect();
            FamilyRow {
                family,
                kind,
                used,
                limit,
                holders: holders
                    .iter()
                    .map(|c| c.resource.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                cost: holders.iter().map(|c| hourly_cost(c, w)).sum(),
            }
        };
    let mut rows: Vec<FamilyRow> = w
        .quota_usage()
        .into_iter()
        .map(|u| {
            let kind = match u.kind {
                VmKind::Cpu => "CPU",
                VmKind::Gpu => "GPU",
            };
            row(u.family, kind, u.used, u.limit, Some(u.family))
        })
        .collect();
    let pool = w.low_priority_usage();
    rows.push(row(
        LOW_PRIORITY_ROW,
        "CPU and GPU",
        pool.used,
        pool.limit,
        None,
    ));
    rows
}

/// The quota and costs page.
#[component]
pub fn QuotaPage() -> impl IntoView {
    let store = use_store();
    let only_used = RwSignal::new(false);
    let rows = Memo::new(move |_| store.workspace.with(quota_rows));
    let region = move || store.workspace.with(|w| w.region().display_name.to_owned());
    view! {
        <Breadcrumbs items=vec![("Compute".into(), "/compute/instances".into()), ("Quota and costs".into(), "".into())] />
        <header class="page-header">
            <h1>"Quota and costs"</h1>
        </header>
        <section class="card" aria-labelledby="cost-title">
            <h2 id="cost-title">"Estimated cost"</h2>
            <CostSummary />
        </section>
        <section class="card" aria-labelledby="quota-title">
            <h2 id="quota-title">"vCPU quota by virtual machine family"</h2>
            <p class="muted">
                {move || format!("The subscription's limits in {}, and what all its workspaces there use. ", region())}
                "A compute instance holds its vCPUs until it is deleted, or while stopped unless it releases them on stop; a compute cluster holds them for each node it has. Low-priority nodes draw from one regional pool instead of their family's quota. A create or resize that needs more than is left is refused with QuotaExceeded."
            </p>
            <label class="checkbox">
                <input type="checkbox" prop:checked=move || only_used.get() on:change=move |ev| only_used.set(event_target_checked(&ev)) />
                "Show only families in use"
            </label>
            <div class="table-wrap">
                <table class="data-table quota-table" aria-labelledby="quota-title">
                    <thead>
                        <tr>
                            <th scope="col">"Virtual machine family"</th>
                            <th scope="col">"Type"</th>
                            <th scope="col">"Usage"</th>
                            <th scope="col">"vCPUs used"</th>
                            <th scope="col">"Limit"</th>
                            <th scope="col">"Held by"</th>
                            <th scope="col">"Cost (est.)"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || {
                            rows.get()
                                .into_iter()
                                .filter(|r| !only_used.get() || r.used > 0)
                                .map(|r| view! {
                                    <tr>
                                        <td class="data-table__name">{r.family}</td>
                                        <td>{r.kind}</td>
                                        <td><meter min="0" max=r.limit value=r.used aria-label=format!("{} usage", r.family)></meter></td>
                                        <td class="data-table__number">{r.used}</td>
                                        <td class="data-table__number">{r.limit}</td>
                                        <td>{r.holders}</td>
                                        <td class="data-table__number">{format_price(r.cost)}</td>
                                    </tr>
                                })
                                .collect_view()
                        }}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
