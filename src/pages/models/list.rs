//! The Model List: every model with its latest version's type, stage, tags and who registered
//! it when; "+ Register" opens the "Register a model" wizard at its own address
//! (`/models/register`); rows chosen are archived (and, shown with "Show archived", restored).

use super::register::register_model_wizard;
use super::{tags_view, type_label};
use crate::components::{
    format_iso_time, search_box, select_cell, Appearance, Button, Icon, IconName,
};
use crate::lazy;
use crate::router::{navigate, query_state, use_location};
use crate::shell::Breadcrumbs;
use crate::store::use_store;
use azimuth_core::models::ModelContainerResource;
use azimuth_core::workspace::roles::Action;
use azimuth_core::Workspace;
use leptos::prelude::*;
use std::collections::BTreeMap;

/// One row of the table.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Row {
    name: String,
    version: String,
    model_type: String,
    created_on: String,
    created_by: String,
    tags: BTreeMap<String, String>,
    stage: String,
    archived: bool,
}

/// A row: the model, told by its latest version (who registered that, when, and its stage).
fn row(c: &ModelContainerResource, w: &Workspace) -> Row {
    let latest = c.properties.latest_version.clone().unwrap_or_default();
    let version = w.model_version(&c.name, &latest);
    let system = version
        .and_then(|v| v.system_data.clone())
        .or_else(|| c.system_data.clone())
        .unwrap_or_default();
    let props = version.map(|v| v.properties.clone()).unwrap_or_default();
    let mut tags = c.properties.tags.clone();
    tags.extend(props.tags);
    Row {
        name: c.name.clone(),
        version: latest,
        model_type: type_label(&props.model_type).to_owned(),
        created_on: format_iso_time(&system.created_at),
        created_by: system.created_by,
        tags,
        stage: props.stage.unwrap_or_default(),
        archived: c.properties.is_archived,
    }
}

/// The Model List, at `/models` (and under its wizard, `/models/register`).
#[component]
pub fn ModelsPage() -> impl IntoView {
    let store = use_store();
    let path = use_location().path;
    let search = query_state::<String>("search");
    let archived = query_state::<bool>("archived");
    let selected = RwSignal::new(Vec::<String>::new());
    let rows = Memo::new(move |_| {
        store
            .workspace
            .with(|w| w.models.iter().map(|c| row(c, w)).collect::<Vec<_>>())
    });
    let shows = move |r: &Row| {
        let query = search.get().to_ascii_lowercase();
        (archived.get() || !r.archived)
            && (query.is_empty()
                || [&r.name, &r.model_type, &r.stage]
                    .iter()
                    .any(|f| f.to_ascii_lowercase().contains(&query))
                || r.tags.iter().any(|(k, v)| {
                    k.to_ascii_lowercase().contains(&query)
                        || v.to_ascii_lowercase().contains(&query)
                }))
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
    let write_refusal = Signal::derive(move || store.refusal(Action::WriteModels));
    let set_archived = move |to: bool| {
        let names = chosen.get_untracked();
        leptos::task::spawn_local(async move {
            for name in names {
                let _ = store.set_model_archived(&name, to).await;
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
        <Breadcrumbs items=vec![("Models".into(), "".into())] />
        <header class="page-header">
            <h1>"Models"</h1>
        </header>
        <p class="muted tab-intro">
            "Models are named, versioned folders of a trained model's files: an MLflow model a job logged, or any files. Endpoints and jobs use them as azureml:<name>:<version>."
        </p>
        <div class="toolbar" role="toolbar" aria-label="Model actions">
            <Button appearance=Appearance::Primary blocked=write_refusal on_click=move |_| navigate("/models/register")>
                "+ Register"
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
            {search_box("Search models", search)}
            <label class="checkbox">
                <input type="checkbox" prop:checked=move || archived.get() on:change=move |ev| archived.set(event_target_checked(&ev)) />
                "Show archived"
            </label>
        </div>
        <div class="table-wrap">
            <table class="data-table" aria-label="Model List">
                <thead>
                    <tr>
                        <th scope="col" class="data-table__check"><span class="visually-hidden">"Select"</span></th>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Version"</th>
                        <th scope="col">"Type"</th>
                        <th scope="col">"Created on"</th>
                        <th scope="col">"Created by"</th>
                        <th scope="col">"Tags"</th>
                        <th scope="col">"Stage"</th>
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
                            let link = crate::router::href(&format!("/models/{name}"));
                            view! {
                                <tr prop:hidden=hidden>
                                    {select_cell(name.clone(), selected)}
                                    <td class="data-table__name">
                                        <a href=link>{name.clone()}</a>
                                        {r.archived.then(|| view! { <span class="tag">"Archived"</span> })}
                                    </td>
                                    <td>{r.version}</td>
                                    <td>{r.model_type}</td>
                                    <td>{r.created_on}</td>
                                    <td>{r.created_by}</td>
                                    <td>{tags_view(&r.tags)}</td>
                                    <td>{r.stage}</td>
                                </tr>
                            }
                        }
                    </For>
                </tbody>
            </table>
            <Show when=move || visible.with(Vec::is_empty)>
                <div class="table-empty">
                    {move || if rows.with(Vec::is_empty) {
                        "No models yet. Train one with Automated ML or a job, then choose \"Register model\" on the job's page; or select \"+ Register\" to register files from this computer or a datastore."
                    } else {
                        "No model matches. Archived ones show with \"Show archived\"."
                    }}
                </div>
            </Show>
        </div>
        <Show when=move || path.get() == "/models/register">
            {lazy::show(register_model_wizard(), String::new())}
        </Show>
    }
}
