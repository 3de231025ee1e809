//! The Compute clusters tab: every cluster with its allocation state, node counts and tier; "+ New"
//! opens the cluster wizard at its own URL.

use super::actions::LifecycleButtons;
use super::new_cluster::new_cluster_wizard;
use super::tabs::ComputeTabs;
use crate::components::{
    format_iso_time, format_price, Appearance, Button, Icon, IconName, StateBadge,
};
use crate::components::{search_box, select_cell};
use crate::lazy;
use crate::router::{navigate, query_state, use_location};
use crate::shell::Breadcrumbs;
use crate::store::use_store;
use azimuth_core::compute::catalogue::find_vm_size;
use azimuth_core::compute::cluster::{scale_field, validate_scale_settings};
use azimuth_core::compute::cost::hourly_cost;
use azimuth_core::compute::ScaleSettings;
use azimuth_core::workspace::roles::Action;
use azimuth_core::{StoredCompute, Workspace};
use leptos::prelude::*;

/// One row of the clusters table.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct ClusterRow {
    /// Position in the table (in the workspace's order).
    at: usize,
    name: String,
    state: String,
    nodes: String,
    node_states: String,
    size: String,
    tier: &'static str,
    /// Estimated cost per hour of the nodes it has now.
    cost: String,
    created_on: String,
}

/// The state a cluster shows: provisioning while it is created or deleted, then its allocation.
pub fn cluster_state(c: &StoredCompute) -> String {
    let props = &c.resource.properties;
    match props.provisioning_state.as_deref() {
        Some(p @ ("Creating" | "Deleting" | "Failed")) => p.to_owned(),
        _ => props
            .properties
            .allocation_state
            .clone()
            .unwrap_or_default(),
    }
}

/// "2 idle, 1 preparing": the non-zero node state counts, or "No nodes".
pub fn node_states(c: &StoredCompute) -> String {
    let counts = c
        .resource
        .properties
        .properties
        .node_state_counts
        .clone()
        .unwrap_or_default();
    let parts: Vec<String> = [
        (counts.idle_node_count, "idle"),
        (counts.running_node_count, "running"),
        (counts.preparing_node_count, "preparing"),
        (counts.unusable_node_count, "unusable"),
        (counts.leaving_node_count, "leaving"),
        (counts.preempted_node_count, "preempted"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, label)| format!("{n} {label}"))
    .collect();
    if parts.is_empty() {
        "No nodes".into()
    } else {
        parts.join(", ")
    }
}

/// A scale form's minimum, maximum and idle seconds read and checked by the engine's rules: the
/// settings, or each field's error in that order (the wizard's and the Resize form's).
pub fn read_scale(min: &str, max: &str, idle: &str) -> Result<ScaleSettings, [Option<String>; 3]> {
    let whole = |text: &str| text.trim().parse::<u32>().ok();
    // Seconds past any integer type are still a number: the engine's limit says what fits.
    let seconds = |text: &str| {
        let digits = text.trim();
        (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| digits.parse::<u64>().unwrap_or(u64::MAX))
    };
    let (min, max, idle) = (whole(min), whole(max), seconds(idle));
    let mut errors = [
        min.is_none()
            .then(|| "Enter the minimum as a whole number from 0 to 100.".to_owned()),
        max.is_none()
            .then(|| "Enter the maximum as a whole number from 1 to 100.".to_owned()),
        idle.is_none()
            .then(|| "Enter the idle time as a whole number of seconds, such as 120.".to_owned()),
    ];
    if let (Some(min), Some(max)) = (min, max) {
        let scale = ScaleSettings {
            min_node_count: min,
            max_node_count: max,
            node_idle_time_before_scale_down: idle.map(|s| format!("PT{s}S")),
        };
        match validate_scale_settings(Some(&scale)) {
            Err(e) => {
                let at = if e.target() == Some(scale_field::IDLE) {
                    2
                } else {
                    1
                };
                errors[at] = Some(e.message().to_owned());
            }
            Ok(()) if idle.is_some() => return Ok(scale),
            Ok(()) => {}
        }
    }
    Err(errors)
}

/// "Dedicated" or "Low priority", from ARM's `vmPriority`.
pub fn tier(vm_priority: Option<&str>) -> &'static str {
    match vm_priority {
        Some("LowPriority") => "Low priority",
        _ => "Dedicated",
    }
}

fn row(at: usize, c: &StoredCompute, w: &Workspace) -> ClusterRow {
    let inner = &c.resource.properties.properties;
    let size = find_vm_size(&inner.vm_size).map_or_else(
        || inner.vm_size.clone(),
        |s| format!("{} ({})", s.name, s.summary()),
    );
    ClusterRow {
        at,
        name: c.resource.name.clone(),
        state: cluster_state(c),
        nodes: format!(
            "{} / {}",
            inner.current_node_count.unwrap_or(0),
            inner.target_node_count.unwrap_or(0)
        ),
        node_states: node_states(c),
        size,
        tier: tier(inner.vm_priority.as_deref()),
        cost: format_price(hourly_cost(c, w)),
        created_on: c
            .resource
            .properties
            .created_on
            .as_deref()
            .map(format_iso_time)
            .unwrap_or_default(),
    }
}

/// The compute clusters tab.
#[component]
pub fn ClustersPage() -> impl IntoView {
    let store = use_store();
    let path = use_location().path;
    let selected = RwSignal::new(Vec::<String>::new());
    let search = query_state::<String>("search");
    // Every cluster's row, rebuilt only when the workspace changes.
    let rows = Memo::new(move |_| {
        store.workspace.with(|w| {
            w.clusters()
                .enumerate()
                .map(|(at, c)| row(at, c, w))
                .collect::<Vec<_>>()
        })
    });
    // Which rows the search lets through (by position): a keystroke toggles `hidden` rather than
    // rebuilding the table. ASCII case folding, as on the instances tab.
    let shown = Memo::new(move |_| {
        let query = search.get().to_ascii_lowercase();
        rows.with(|rows| {
            rows.iter()
                .map(|r| {
                    query.is_empty()
                        || [r.name.as_str(), &r.size, &r.state, r.tier]
                            .iter()
                            .any(|f| f.to_ascii_lowercase().contains(&query))
                })
                .collect::<Vec<bool>>()
        })
    });
    let selection = Signal::derive(move || {
        let chosen = selected.get();
        shown.with(|shown| {
            rows.with(|rows| {
                rows.iter()
                    .filter(|r| shown.get(r.at).copied().unwrap_or(false))
                    .filter(|r| chosen.contains(&r.name))
                    .map(|r| r.name.clone())
                    .collect::<Vec<_>>()
            })
        })
    });
    let create_refusal = move || store.refusal(Action::WriteCompute);
    view! {
        <Breadcrumbs items=vec![("Compute".into(), "/compute/instances".into()), ("Compute clusters".into(), "".into())] />
        <header class="page-header">
            <h1>"Compute"</h1>
        </header>
        <ComputeTabs />
        <p class="muted tab-intro">
            "Compute clusters are scalable sets of virtual machines for training jobs: they grow to the maximum number of nodes a job needs and shrink back to the minimum when idle."
        </p>
        <div class="toolbar" role="toolbar" aria-label="Compute cluster actions">
            <Button appearance=Appearance::Primary blocked=Signal::derive(create_refusal) on_click=move |_| navigate("/compute/create/cluster")>
                "+ New"
            </Button>
            <Button appearance=Appearance::Subtle on_click=move |_| store.refresh()>
                <Icon name=IconName::Refresh />
                "Refresh"
            </Button>
            <LifecycleButtons selection cluster=true />
        </div>
        <div class="filters">
            {search_box("Search compute clusters", search)}
        </div>
        <div class="table-wrap">
            <table class="data-table" aria-label="Compute clusters">
                <thead>
                    <tr>
                        <th scope="col" class="data-table__check"><span class="visually-hidden">"Select"</span></th>
                        <th scope="col">"Name"</th>
                        <th scope="col">"State"</th>
                        <th scope="col">"Nodes (current / target)"</th>
                        <th scope="col">"Node states"</th>
                        <th scope="col">"Virtual machine size"</th>
                        <th scope="col">"Tier"</th>
                        <th scope="col" title="Estimated: Linux, pay as you go, for the nodes the cluster has now">"Cost (est.)"</th>
                        <th scope="col">"Created on"</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || rows.get() key=|r| r.clone() let:r>
                        {
                            let name = r.name.clone();
                            let state = r.state.clone();
                            let at = r.at;
                            let hidden = move || !shown.with(|s| s.get(at).copied().unwrap_or(false));
                            view! {
                                <tr prop:hidden=hidden>
                                    {select_cell(name.clone(), selected)}
                                    <td class="data-table__name">
                                        <a href=crate::router::href(&format!("/compute/clusters/{name}"))>{name.clone()}</a>
                                    </td>
                                    <td><StateBadge state=Signal::stored(state) /></td>
                                    <td>{r.nodes}</td>
                                    <td>{r.node_states}</td>
                                    <td>{r.size}</td>
                                    <td>{r.tier}</td>
                                    <td class="data-table__number">{r.cost}</td>
                                    <td>{r.created_on}</td>
                                </tr>
                            }
                        }
                    </For>
                </tbody>
            </table>
            <Show when=move || shown.with(|s| !s.contains(&true))>
                <div class="table-empty">
                    {move || if rows.with(Vec::is_empty) {
                        "No compute clusters yet. Select \"+ New\" to create one for training jobs."
                    } else {
                        "No compute cluster matches the search."
                    }}
                </div>
            </Show>
        </div>
        <Show when=move || path.get() == "/compute/create/cluster">
            {lazy::show(new_cluster_wizard(), String::new())}
        </Show>
    }
}
