//! /compute/instances: the compute instances table with its toolbar, search and filter; at
//! /compute/create/instance the "+ New" wizard opens over it.

use super::actions::LifecycleButtons;
use super::new_instance::new_instance_wizard;
use super::tabs::ComputeTabs;
use crate::components::search_box;
use crate::components::{
    format_iso_time, format_price, Appearance, Button, Icon, IconName, StateBadge,
};
use crate::lazy;
use crate::router::{navigate, query_state, use_location};
use crate::shell::Breadcrumbs;
use crate::store::{use_store, Store};
use azimuth_core::compute::application_refusal;
use azimuth_core::compute::catalogue::find_vm_size;
use azimuth_core::compute::cost::hourly_cost;
use azimuth_core::workspace::roles::{Action, Member};
use azimuth_core::{StoredCompute, Workspace};
use leptos::prelude::*;

/// The applications of an instance: the label the studio shows and ARM's displayName.
pub const APPLICATIONS: [(&str, &str); 4] = [
    ("JupyterLab", "Jupyter Lab"),
    ("Jupyter", "Jupyter"),
    ("VS Code (Web)", "VS Code"),
    ("Terminal", "Terminal"),
];

/// One table row, computed from the workspace.
#[derive(Clone, PartialEq)]
struct Row {
    /// Position in the table (in the workspace's order).
    at: usize,
    name: String,
    state: String,
    size: String,
    size_summary: String,
    /// Estimated cost per hour in the current state.
    cost: String,
    created_by: String,
    assigned_to: String,
    created_on: String,
    app_refusal: Option<String>,
}

/// The display name of the member with a user name or object id, or the id itself.
pub fn member_label(w: &Workspace, id: &str) -> String {
    w.members
        .iter()
        .find(|m| m.object_id == id || m.user_name == id)
        .map_or_else(|| id.to_owned(), |m| m.name.clone())
}

fn row(at: usize, w: &Workspace, c: &StoredCompute, me: &Member) -> Row {
    let inner = &c.resource.properties.properties;
    let size = find_vm_size(&inner.vm_size);
    Row {
        at,
        name: c.resource.name.clone(),
        state: inner.state.clone().unwrap_or_else(|| "Unknown".into()),
        size: inner.vm_size.clone(),
        size_summary: size.map(|s| s.summary()).unwrap_or_default(),
        cost: format_price(hourly_cost(c, w)),
        created_by: inner
            .created_by
            .as_ref()
            .map(|b| member_label(w, &b.user_id))
            .unwrap_or_default(),
        assigned_to: inner
            .personal_compute_instance_settings
            .as_ref()
            .map(|p| member_label(w, &p.assigned_user.object_id))
            .unwrap_or_default(),
        created_on: c
            .resource
            .properties
            .created_on
            .as_deref()
            .map(format_iso_time)
            .unwrap_or_default(),
        app_refusal: application_refusal(c, me),
    }
}

/// Opens an application of an instance: in a new tab when the server runs it for real (a tab
/// opened in the click itself, which no popup blocker stops, then sent to its one-time link),
/// otherwise it says what Azure would open.
pub fn open_application(store: Store, name: String, label: &'static str, arm_name: &'static str) {
    let tab = store
        .is_shared()
        .then(|| {
            window()
                .open_with_url_and_target("about:blank", "_blank")
                .ok()
                .flatten()
        })
        .flatten();
    leptos::task::spawn_local(async move {
        match store.open_application(&name, arm_name).await {
            Ok(uri) if uri.contains("ticket=") => match tab {
                Some(tab) => {
                    let _ = tab.set_opener(&wasm_bindgen::JsValue::NULL);
                    let _ = tab.location().set_href(&uri);
                }
                None => store.notify(false, format!("{label} on {name}"), format!("Your browser blocked the new tab; allow pop-ups for this studio and open {label} again.")),
            },
            Ok(uri) => {
                if let Some(tab) = tab {
                    let _ = tab.close();
                }
                store.notify(
                    false,
                    format!("{label} on {name}"),
                    format!("In Azure this opens {uri}. Azimuth simulates the machine, so no server runs there; opening it counts as activity for idle shutdown. An azimuth-server started with --instance-runtime local opens it for real."),
                );
            }
            Err(_) => {
                if let Some(tab) = tab {
                    let _ = tab.close();
                }
            }
        }
    });
}

/// The application buttons of one instance.
#[component]
pub fn ApplicationLinks(
    /// The instance.
    #[prop(into)]
    name: String,
    /// Why the viewer cannot open them, or `None`.
    #[prop(into)]
    refusal: Signal<Option<String>>,
) -> impl IntoView {
    let store = use_store();
    APPLICATIONS
        .into_iter()
        .map(|(label, arm_name)| {
            let name = name.clone();
            view! {
                <button
                    type="button"
                    class="link-button"
                    aria-disabled=move || refusal.get().map(|_| "true")
                    title=move || refusal.get()
                    on:click=move |_| {
                        if refusal.get_untracked().is_none() {
                            open_application(store, name.clone(), label, arm_name);
                        }
                    }
                >
                    {label}
                </button>
            }
        })
        .collect_view()
}

/// The compute instances tab.
#[component]
pub fn InstancesPage() -> impl IntoView {
    let store = use_store();
    let path = use_location().path;
    let search = query_state::<String>("search");
    let only_mine = query_state::<bool>("mine");
    let selected = RwSignal::new(Vec::<String>::new());
    // Every instance's row, rebuilt only when the workspace or the signed-in member changes.
    let rows = Memo::new(move |_| {
        let me = store.me();
        store.workspace.with(|w| {
            w.instances()
                .enumerate()
                .map(|(at, c)| row(at, w, c, &me))
                .collect::<Vec<_>>()
        })
    });
    // Which rows (by position in `rows`) the search and "Show only my compute" let through.
    // Filtering hides rows rather than removing them, so a keystroke toggles an attribute instead
    // of rebuilding the table.
    let shown = Memo::new(move |_| {
        let me = store.member_name.get();
        // ASCII case folding: names and sizes are ASCII, and full Unicode folding would add its
        // tables to the wasm.
        let query = search.get().to_ascii_lowercase();
        let mine = only_mine.get();
        rows.with(|rows| {
            rows.iter()
                .map(|r| {
                    (!mine || r.created_by == me || r.assigned_to == me)
                        && (query.is_empty()
                            || [&r.name, &r.size, &r.created_by, &r.assigned_to, &r.state]
                                .iter()
                                .any(|f| f.to_ascii_lowercase().contains(&query)))
                })
                .collect::<Vec<bool>>()
        })
    });
    // The shown rows' names, in the table's order.
    let shown_names = move || -> Vec<String> {
        shown.with(|shown| {
            rows.with(|rows| {
                rows.iter()
                    .zip(shown)
                    .filter(|(_, on)| **on)
                    .map(|(r, _)| r.name.clone())
                    .collect()
            })
        })
    };
    // Selection only ever holds computes that are shown, in the table's order.
    let selection = Signal::derive(move || {
        let picked = selected.get();
        let mut names = shown_names();
        names.retain(|n| picked.contains(n));
        names
    });
    let toggle = move |name: String, on: bool| {
        selected.update(|s| {
            s.retain(|n| n != &name);
            if on {
                s.push(name);
            }
        })
    };
    let all_selected = move || {
        let count = shown.with(|s| s.iter().filter(|on| **on).count());
        count > 0 && selection.get().len() == count
    };
    let create_refusal = move || store.refusal(Action::WriteCompute);
    let wizard_open = move || path.get() == "/compute/create/instance";
    let open_wizard = move |_| navigate("/compute/create/instance");
    view! {
        <Breadcrumbs items=vec![("Compute".into(), "/compute/instances".into()), ("Compute instances".into(), "".into())] />
        <header class="page-header">
            <h1>"Compute"</h1>
        </header>
        <ComputeTabs />
        <p class="muted tab-intro">
            "Compute instances are development workstations that data scientists use to work with data and models."
        </p>
        <div class="toolbar" role="toolbar" aria-label="Compute instance actions">
            <Button
                appearance=Appearance::Primary
                blocked=Signal::derive(create_refusal)
                on_click=open_wizard
            >
                "+ New"
            </Button>
            <Button appearance=Appearance::Subtle on_click=move |_| store.refresh()>
                <Icon name=IconName::Refresh />
                "Refresh"
            </Button>
            <LifecycleButtons selection />
        </div>
        <div class="filters">
            {search_box("Search compute instances", search)}
            <label class="checkbox">
                <input type="checkbox" prop:checked=move || only_mine.get() on:change=move |ev| only_mine.set(event_target_checked(&ev)) />
                "Show only my compute"
            </label>
        </div>
        <div class="table-wrap">
            <table class="data-table" aria-label="Compute instances">
                <thead>
                    <tr>
                        <th scope="col" class="data-table__check">
                            <input
                                type="checkbox"
                                aria-label="Select all compute instances"
                                prop:checked=all_selected
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    selected.set(if on { untrack(shown_names) } else { Vec::new() });
                                }
                            />
                        </th>
                        <th scope="col">"Name"</th>
                        <th scope="col">"State"</th>
                        <th scope="col">"Virtual machine size"</th>
                        <th scope="col" title="Estimated: Linux, pay as you go; nothing while stopped">"Cost (est.)"</th>
                        <th scope="col">"Created by"</th>
                        <th scope="col">"Assigned to"</th>
                        <th scope="col">"Created on"</th>
                        <th scope="col">"Applications"</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || rows.get() key=|r| r.name.clone() let:r>
                        {
                            let name = r.name.clone();
                            let live = Memo::new({
                                let name = name.clone();
                                move |_| rows.with(|rows| rows.iter().find(|x| x.name == name).cloned())
                            });
                            let hidden = move || {
                                let at = live.with(|r| r.as_ref().map(|r| r.at));
                                !at.is_some_and(|at| shown.with(|s| s.get(at).copied().unwrap_or(false)))
                            };
                            let is_selected = {
                                let name = name.clone();
                                move || selection.get().contains(&name)
                            };
                            view! {
                                <tr class:row--selected=is_selected.clone() prop:hidden=hidden>
                                    <td class="data-table__check">
                                        <input
                                            type="checkbox"
                                            aria-label=format!("Select {name}")
                                            prop:checked=is_selected.clone()
                                            on:change={
                                                let name = name.clone();
                                                move |ev| toggle(name.clone(), event_target_checked(&ev))
                                            }
                                        />
                                    </td>
                                    <td class="data-table__name">
                                        <a href=crate::router::href(&format!("/compute/instances/{name}"))>{name.clone()}</a>
                                    </td>
                                    <td>
                                        <StateBadge state=Signal::derive(move || live.get().map(|r| r.state).unwrap_or_default()) />
                                    </td>
                                    <td>
                                        <span>{r.size.clone()}</span>
                                        <span class="muted cell-sub">{r.size_summary.clone()}</span>
                                    </td>
                                    <td class="data-table__number">{move || live.get().map(|r| r.cost).unwrap_or_default()}</td>
                                    <td class="data-table__person">{r.created_by.clone()}</td>
                                    <td class="data-table__person">{move || live.get().map(|r| r.assigned_to).unwrap_or_default()}</td>
                                    <td>{r.created_on.clone()}</td>
                                    <td class="data-table__apps">
                                        <ApplicationLinks
                                            name=name.clone()
                                            refusal=Signal::derive(move || live.get().and_then(|r| r.app_refusal))
                                        />
                                    </td>
                                </tr>
                            }
                        }
                    </For>
                </tbody>
            </table>
            <Show when=move || shown.with(|s| !s.contains(&true))>
                <div class="table-empty">
                    {move || {
                        if store.workspace.with(|w| w.instances().next().is_none()) {
                            "No compute instances yet. Select \"+ New\" to create a development workstation."
                        } else {
                            "No compute instance matches the search or filter."
                        }
                    }}
                </div>
            </Show>
        </div>
        <Show when=wizard_open>
            {lazy::show(new_instance_wizard(), String::new())}
        </Show>
    }
}
