//! The Data assets tab: every data asset with its latest version, type and dates; "+ Create"
//! opens the Create data asset wizard at its own address; archived assets show on request and
//! are restored from here.

use super::create::create_data_wizard;
use super::{type_label, DataTabs};
use crate::components::{
    format_iso_time, search_box, select_cell, Appearance, Button, Icon, IconName,
};
use crate::lazy;
use crate::router::{navigate, query_state, use_location};
use crate::shell::Breadcrumbs;
use crate::store::use_store;
use azimuth_core::data::DataContainerResource;
use azimuth_core::workspace::roles::Action;
use azimuth_core::Workspace;
use leptos::prelude::*;

/// One row of the table.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Row {
    name: String,
    version: String,
    data_type: String,
    description: String,
    created_on: String,
    modified_on: String,
    created_by: String,
    archived: bool,
}

/// A row: the asset, with its latest version's description when the asset has none.
fn row(c: &DataContainerResource, w: &Workspace) -> Row {
    let system = c.system_data.clone().unwrap_or_default();
    let latest = c.properties.latest_version.clone().unwrap_or_default();
    let description = c.properties.description.clone().or_else(|| {
        w.data_version(&c.name, &latest)
            .and_then(|v| v.properties.description.clone())
    });
    Row {
        name: c.name.clone(),
        version: latest,
        data_type: type_label(&c.properties.data_type),
        description: description.unwrap_or_default(),
        created_on: format_iso_time(&system.created_at),
        modified_on: format_iso_time(&system.last_modified_at),
        created_by: system.created_by,
        archived: c.properties.is_archived,
    }
}

/// The Data assets tab.
#[component]
pub fn DataAssetsPage() -> impl IntoView {
    let store = use_store();
    let path = use_location().path;
    let search = query_state::<String>("search");
    let archived = query_state::<bool>("archived");
    let selected = RwSignal::new(Vec::<String>::new());
    let rows = Memo::new(move |_| {
        store
            .workspace
            .with(|w| w.data.iter().map(|c| row(c, w)).collect::<Vec<_>>())
    });
    let shows = move |r: &Row| {
        let query = search.get().to_ascii_lowercase();
        (archived.get() || !r.archived)
            && (query.is_empty()
                || [&r.name, &r.description, &r.data_type]
                    .iter()
                    .any(|f| f.to_ascii_lowercase().contains(&query)))
    };
    let visible = Memo::new(move |_| {
        rows.with(|rows| {
            rows.iter()
                .filter(|r| shows(r))
                .map(|r| r.name.clone())
                .collect::<Vec<_>>()
        })
    });
    let chosen = Signal::derive(move || {
        let picked = selected.get();
        visible.with(|v| {
            v.iter()
                .filter(|n| picked.contains(n))
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let write_refusal = Signal::derive(move || store.refusal(Action::WriteData));
    let set_archived = move |to: bool| {
        let names = chosen.get_untracked();
        leptos::task::spawn_local(async move {
            for name in names {
                let _ = store.set_data_archived(&name, None, to).await;
            }
            selected.set(Vec::new());
        });
    };
    let any_archived = Signal::derive(move || {
        let picked = chosen.get();
        rows.with(|rows| rows.iter().any(|r| r.archived && picked.contains(&r.name)))
    });
    let none_chosen = Signal::derive(move || chosen.with(Vec::is_empty));
    view! {
        <Breadcrumbs items=vec![("Data".into(), "/data".into()), ("Data assets".into(), "".into())] />
        <header class="page-header">
            <h1>"Data"</h1>
        </header>
        <DataTabs />
        <p class="muted tab-intro">
            "Data assets are named, versioned references to a file, a folder or a table in a datastore or on the web. Jobs and automated ML read them as azureml:<name>:<version>."
        </p>
        <div class="toolbar" role="toolbar" aria-label="Data asset actions">
            <Button appearance=Appearance::Primary blocked=write_refusal on_click=move |_| navigate("/data/create")>
                "+ Create"
            </Button>
            <Button appearance=Appearance::Subtle blocked=write_refusal on_click=move |_| navigate("/data/import")>
                "Create from YAML"
            </Button>
            <Button appearance=Appearance::Subtle on_click=move |_| store.refresh()>
                <Icon name=IconName::Refresh />
                "Refresh"
            </Button>
            <Button appearance=Appearance::Subtle blocked=write_refusal disabled=none_chosen on_click=move |_| set_archived(true)>
                "Archive"
            </Button>
            <Show when=move || any_archived.get()>
                <Button appearance=Appearance::Subtle blocked=write_refusal on_click=move |_| set_archived(false)>
                    "Restore"
                </Button>
            </Show>
        </div>
        <div class="filters">
            {search_box("Search data assets", search)}
            <label class="checkbox">
                <input type="checkbox" prop:checked=move || archived.get() on:change=move |ev| archived.set(event_target_checked(&ev)) />
                "Include archived"
            </label>
        </div>
        <div class="table-wrap">
            <table class="data-table" aria-label="Data assets">
                <thead>
                    <tr>
                        <th scope="col" class="data-table__check"><span class="visually-hidden">"Select"</span></th>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Version"</th>
                        <th scope="col">"Type"</th>
                        <th scope="col">"Description"</th>
                        <th scope="col">"Created on"</th>
                        <th scope="col">"Modified on"</th>
                        <th scope="col">"Created by"</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || rows.get() key=|r| r.clone() let:r>
                        {
                            let name = r.name.clone();
                            let hidden = {
                                let name = name.clone();
                                move || !visible.with(|v| v.contains(&name))
                            };
                            let link = crate::router::href(&format!("/data/assets/{name}"));
                            view! {
                                <tr prop:hidden=hidden>
                                    {select_cell(name.clone(), selected)}
                                    <td class="data-table__name">
                                        <a href=link>{name.clone()}</a>
                                        {r.archived.then(|| view! { <span class="tag">"Archived"</span> })}
                                    </td>
                                    <td>{r.version}</td>
                                    <td>{r.data_type}</td>
                                    <td>{r.description}</td>
                                    <td>{r.created_on}</td>
                                    <td>{r.modified_on}</td>
                                    <td>{r.created_by}</td>
                                </tr>
                            }
                        }
                    </For>
                </tbody>
            </table>
            <Show when=move || visible.with(Vec::is_empty)>
                <div class="table-empty">
                    {move || if rows.with(Vec::is_empty) {
                        "No data assets yet. Select \"+ Create\" to upload a file or folder, or to point at data in a datastore or on the web."
                    } else {
                        "No data asset matches. Archived ones show with \"Include archived\"."
                    }}
                </div>
            </Show>
        </div>
        <Show when=move || path.get() == "/data/create">
            {lazy::show(create_data_wizard(), String::new())}
        </Show>
    }
}
