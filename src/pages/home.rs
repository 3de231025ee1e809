//! Home: the workspace at a glance, with compute by state, quota in use, estimated cost and
//! recent activity.

use crate::components::{format_time, StateBadge};
use crate::pages::compute::CostSummary;
use crate::shell::Breadcrumbs;
use crate::store::use_store;
use azimuth_core::compute::quota::machines_held;
use azimuth_core::workspace::roles::Action;
use leptos::prelude::*;

/// The studio's home page.
#[component]
pub fn HomePage() -> impl IntoView {
    let store = use_store();
    let counts = move || {
        store.workspace.with(|w| {
            // A handful of states: a sorted Vec does what a map would, with less code in the wasm.
            let mut by_state: Vec<(String, usize)> = Vec::new();
            for c in w.instances() {
                let s = c
                    .resource
                    .properties
                    .properties
                    .state
                    .as_deref()
                    .unwrap_or("Unknown");
                // Kept in order as it grows (no sort: std's would add kilobytes to the wasm).
                match by_state.binary_search_by(|(k, _)| k.as_str().cmp(s)) {
                    Ok(i) => by_state[i].1 += 1,
                    Err(i) => by_state.insert(i, (s.to_owned(), 1)),
                }
            }
            by_state
        })
    };
    let total = move || store.workspace.with(|w| w.instances().count());
    // Clusters (and the nodes they have now), Kubernetes clusters, attached computes.
    let others = move || {
        store.workspace.with(|w| {
            let nodes = w.clusters().map(machines_held).sum::<u32>() as usize;
            (
                w.clusters().count(),
                nodes,
                w.kubernetes_computes().count(),
                w.attached_computes().count(),
            )
        })
    };
    let quota = move || {
        store.workspace.with(|w| {
            let pool = w.low_priority_usage();
            let mut rows: Vec<(&'static str, u32, u32)> = w
                .quota_usage()
                .into_iter()
                .map(|u| (u.family, u.used, u.limit))
                .collect();
            rows.push(("Low priority", pool.used, pool.limit));
            rows.retain(|(_, used, _)| *used > 0);
            rows
        })
    };
    let activity = move || {
        store
            .workspace
            .with(|w| w.activity.iter().take(8).cloned().collect::<Vec<_>>())
    };
    let can_create = move || store.refusal(Action::WriteCompute).is_none();
    view! {
        <Breadcrumbs items=vec![("Home".into(), "/".into())] />
        <header class="page-header">
            <h1>{move || store.workspace.with(|w| w.resource.properties.friendly_name.clone())}</h1>
            <p class="muted">{move || store.workspace.with(|w| w.resource.properties.description.clone())}</p>
        </header>
        <div class="home-grid">
            <section class="card" aria-labelledby="home-compute">
                <h2 id="home-compute">"Compute instances"</h2>
                <p class="card__figure">
                    <span class="card__number">{total}</span>
                    {move || if total() == 1 { " instance" } else { " instances" }}
                </p>
                <ul class="state-counts" aria-label="Compute instances by state">
                    {move || {
                        counts()
                            .into_iter()
                            .map(|(state, n)| {
                                view! {
                                    <li>
                                        <StateBadge state=state.clone() />
                                        <span class="state-counts__n">{n}</span>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
                <ul class="kind-counts" aria-label="Other compute">
                    {move || {
                        let (clusters, nodes, kubernetes, attached) = others();
                        let plural = |n: usize, one: &'static str, many: &'static str| if n == 1 { one } else { many };
                        view! {
                            <li><a href=crate::router::href("/compute/clusters")>{format!("{clusters} {} ", plural(clusters, "compute cluster", "compute clusters"))}</a>{format!("({nodes} {})", plural(nodes, "node", "nodes"))}</li>
                            <li><a href=crate::router::href("/compute/kubernetes")>{format!("{kubernetes} {}", plural(kubernetes, "Kubernetes cluster", "Kubernetes clusters"))}</a></li>
                            <li><a href=crate::router::href("/compute/attached")>{format!("{attached} {}", plural(attached, "attached compute", "attached computes"))}</a></li>
                        }
                    }}
                </ul>
                <div class="card__links">
                    <a href=crate::router::href("/compute/instances")>"View compute"</a>
                    <Show when=can_create>
                        <a href=crate::router::href("/compute/create/instance")>"+ New compute instance"</a>
                    </Show>
                </div>
            </section>
            <section class="card" aria-labelledby="home-quota">
                <h2 id="home-quota">"vCPU quota in use"</h2>
                <Show
                    when=move || !quota().is_empty()
                    fallback=|| view! { <p class="muted">"No compute is holding quota."</p> }
                >
                    <ul class="quota-list">
                        {move || {
                            quota()
                                .into_iter()
                                .map(|(family, used, limit)| {
                                    view! {
                                        <li>
                                            <span title=family>{family}</span>
                                            <meter min="0" max=limit value=used aria-label=format!("{family} vCPUs")></meter>
                                            <span>{format!("{used} of {limit} vCPUs")}</span>
                                        </li>
                                    }
                                })
                                .collect_view()
                        }}
                    </ul>
                </Show>
            </section>
            <section class="card" aria-labelledby="home-cost">
                <h2 id="home-cost">"Estimated cost"</h2>
                <CostSummary brief=true />
                <div class="card__links">
                    <a href=crate::router::href("/compute/quota")>"View quota and costs"</a>
                </div>
            </section>
            <section class="card" aria-labelledby="home-members">
                <h2 id="home-members">"Members"</h2>
                <ul class="members">
                    {move || {
                        store
                            .workspace
                            .with(|w| w.members.clone())
                            .into_iter()
                            .map(|m| {
                                view! {
                                    <li>
                                        <span class="avatar avatar--small" aria-hidden="true">{m.initials()}</span>
                                        <span>{m.name.clone()}</span>
                                        <span class="muted">{m.role.display_name()}</span>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </section>
            <section class="card card--wide" aria-labelledby="home-activity">
                <h2 id="home-activity">"Recent activity"</h2>
                <Show
                    when=move || !activity().is_empty()
                    fallback=|| {
                        view! {
                            <p class="muted">
                                "Nothing yet. Create a compute instance from " <a href=crate::router::href("/compute/instances")>"Compute"</a> "."
                            </p>
                        }
                    }
                >
                    <ul class="activity">
                        {move || {
                            activity()
                                .into_iter()
                                .map(|a| {
                                    view! {
                                        <li>
                                            <span class="activity__who">{a.actor}</span>
                                            " "
                                            <span>{a.text}</span>
                                            <time class="muted">{format_time(a.at)}</time>
                                        </li>
                                    }
                                })
                                .collect_view()
                        }}
                    </ul>
                </Show>
            </section>
        </div>
    }
}
