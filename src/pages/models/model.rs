//! A model's page, at `/models/{name}/versions/{version}` (and `/models/{name}`: its latest
//! version): a version picker, the toolbar (Deploy, Edit, Archive or Restore, Delete, Download YAML),
//! and the tabs Details (`details.rs`), Versions (every version, each linked) and Artifacts
//! (the files of the version's folder, to look at and download).

use super::details::DetailsTab;
use super::edit::{DeleteDialog, EditDialog};
use super::{tags_view, type_label, version_href};
use crate::components::{format_iso_time, Appearance, Button, Icon, IconName};
use crate::pages::jobs::FolderFiles;
use crate::router::{navigate, query_state};
use crate::shell::Breadcrumbs;
use crate::store::{download, use_store};
use azimuth_core::models::yaml::model_yaml;
use azimuth_core::models::ModelVersionResource;
use azimuth_core::workspace::roles::Action;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// Which dialog of the toolbar is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Asking {
    Nothing,
    Edit,
    Delete,
}

crate::lazy_page! {
    /// The Artifacts tab over the model's folder `uri`, in a chunk of its own that the page
    /// downloads when the tab is first chosen.
    artifacts_tab in model__artifacts => |uri| view! { <ArtifactsTab uri /> }.into_any()
}

/// The page of model `name`, at the version in the address (its latest when none).
#[component]
pub fn ModelPage(
    /// The model's name, from the address.
    name: String,
) -> impl IntoView {
    let store = use_store();
    let name = StoredValue::new(name);
    let params = use_params_map();
    let asked = Memo::new(move |_| params.with(|p| p.get("version").unwrap_or_default()));
    let tab = query_state::<String>("tab");
    let asking = RwSignal::new(Asking::Nothing);
    let close = Callback::new(move |_| asking.set(Asking::Nothing));
    let container = Memo::new(move |_| {
        store
            .workspace
            .with(|w| w.model_container(&name.get_value()).cloned())
    });
    let versions = Memo::new(move |_| {
        store.workspace.with(|w| {
            w.model_versions(&name.get_value())
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let current = Memo::new(move |_| {
        let wanted = asked.get();
        let pick = match wanted.is_empty() {
            true => container
                .with(|c| c.as_ref().and_then(|c| c.properties.latest_version.clone()))
                .unwrap_or_default(),
            false => wanted,
        };
        versions.with(|v| v.iter().find(|v| v.name == pick).cloned())
    });
    let tab_button = move |id: &'static str, label: &'static str| {
        let selected =
            move || (tab.get() == id || (id == "details" && tab.get().is_empty())).to_string();
        view! {
            <button type="button" role="tab" class="tabs__tab" aria-selected=selected on:click=move |_| tab.set(if id == "details" { String::new() } else { id.to_owned() })>
                {label}
            </button>
        }
    };
    let crumbs = move || {
        let version = current.with(|v| v.as_ref().map(|v| format!("Version {}", v.name)));
        let mut items = vec![
            ("Models".to_owned(), "/models".into()),
            (
                name.get_value(),
                format!("/models/{}", name.get_value()).into(),
            ),
        ];
        items.extend(version.map(|v| (v, "".into())));
        items
    };
    view! {
        {move || view! { <Breadcrumbs items=crumbs() /> }}
        <Show
            when=move || current.with(Option::is_some)
            fallback=move || view! {
                <section class="empty-state">
                    <h1>"Model not found"</h1>
                    <p>{move || format!("There is no model {}{} in this workspace.", name.get_value(), if asked.get().is_empty() { String::new() } else { format!(" version {}", asked.get()) })}</p>
                    <a href=crate::router::href("/models")>"All models"</a>
                </section>
            }
        >
            <header class="page-header page-header--with-badge">
                <h1>{name.get_value()}</h1>
                {move || container.with(|c| c.as_ref().is_some_and(|c| c.properties.is_archived)).then(|| view! { <span class="tag">"Archived"</span> })}
                <div class="field field--inline">
                    <label class="field__label" for="model-version-pick">"Version"</label>
                    <select id="model-version-pick" on:change=move |ev| navigate(&format!("/models/{}/versions/{}", name.get_value(), event_target_value(&ev))) prop:value=move || current.get().map(|v| v.name).unwrap_or_default()>
                        {move || versions.get().into_iter().rev().map(|v| {
                            let label = if v.properties.is_archived { format!("{} (archived)", v.name) } else { v.name.clone() };
                            view! { <option value=v.name.clone()>{label}</option> }
                        }).collect_view()}
                    </select>
                </div>
            </header>
            {toolbar(name, current, asking)}
            <div class="tabs" role="tablist" aria-label="Model">
                {tab_button("details", "Details")}
                {tab_button("versions", "Versions")}
                {tab_button("artifacts", "Artifacts")}
            </div>
            {move || {
                // A deleted version leaves nothing to show (the page says so above).
                let Some(version) = current.get() else { return ().into_any() };
                let model = name.get_value();
                match tab.get().as_str() {
                    "versions" => view! { <div role="tabpanel">{versions_tab(&model, versions.get())}</div> }.into_any(),
                    "artifacts" => view! { <div role="tabpanel">{crate::lazy::show(artifacts_tab(), version.properties.model_uri.clone())}</div> }.into_any(),
                    _ => view! { <div role="tabpanel"><DetailsTab name=model version /></div> }.into_any(),
                }
            }}
            // Read once as the dialog opens: a change of the version while it is open (from
            // another studio, or the dialog's own save) does not rebuild it.
            {move || match (asking.get(), current.get_untracked()) {
                (Asking::Edit, Some(version)) => view! { <EditDialog name=name.get_value() version close /> }.into_any(),
                (Asking::Delete, Some(version)) => {
                    let count = versions.with_untracked(Vec::len);
                    view! { <DeleteDialog name=name.get_value() version=version.name count close /> }.into_any()
                }
                _ => ().into_any(),
            }}
        </Show>
    }
}

/// The toolbar: Deploy (to a real-time endpoint), Batch endpoint (to a new batch endpoint), Refresh, Edit, Archive or Restore, Delete and Download YAML of the version shown.
fn toolbar(
    name: StoredValue<String>,
    current: Memo<Option<ModelVersionResource>>,
    asking: RwSignal<Asking>,
) -> impl IntoView {
    let store = use_store();
    let refusal = Signal::derive(move || store.refusal(Action::WriteModels));
    let deploy_refusal = Signal::derive(move || {
        store.refusal(Action::WriteEndpoints).or_else(|| {
            current.with(|v| v.as_ref().and_then(crate::pages::endpoints::deploy_refusal))
        })
    });
    let deploy = move |_| {
        if let Some(v) = current.get_untracked() {
            navigate(&format!(
                "/endpoints/create?model={}&version={}",
                name.get_value(),
                v.name
            ));
        }
    };
    let deploy_batch = move |_| {
        if let Some(v) = current.get_untracked() {
            navigate(&format!(
                "/endpoints/batch/create?model={}&version={}",
                name.get_value(),
                v.name
            ));
        }
    };
    let archived = move || current.with(|v| v.as_ref().is_some_and(|v| v.properties.is_archived));
    let toggle_archived = move |_| {
        let Some(mut body) = current.get_untracked() else {
            return;
        };
        body.properties.is_archived = !body.properties.is_archived;
        let model = name.get_value();
        leptos::task::spawn_local(async move {
            let _ = store.change_model_version(&model, body).await;
        });
    };
    let download_yaml = move |_| {
        if let Some(v) = current.get_untracked() {
            let model = name.get_value();
            let file = format!("{model}-{}.yml", v.name);
            download(&file, &model_yaml(&model, &v), "application/yaml");
        }
    };
    view! {
        <div class="toolbar" role="toolbar" aria-label="Model actions">
            <Button appearance=Appearance::Primary blocked=deploy_refusal on_click=deploy>
                "Deploy"
            </Button>
            <Button appearance=Appearance::Secondary blocked=deploy_refusal on_click=deploy_batch>
                "Batch endpoint"
            </Button>
            <Button appearance=Appearance::Subtle on_click=move |_| store.refresh()>
                <Icon name=IconName::Refresh />
                "Refresh"
            </Button>
            <Button appearance=Appearance::Subtle blocked=refusal on_click=move |_| asking.set(Asking::Edit)>
                "Edit"
            </Button>
            <Button appearance=Appearance::Subtle blocked=refusal on_click=toggle_archived>
                {move || if archived() { "Restore" } else { "Archive" }}
            </Button>
            <Button appearance=Appearance::Subtle blocked=refusal on_click=move |_| asking.set(Asking::Delete)>
                <Icon name=IconName::Delete />
                "Delete"
            </Button>
            <Button appearance=Appearance::Subtle on_click=download_yaml>
                <Icon name=IconName::Download />
                "Download YAML"
            </Button>
        </div>
    }
}

/// The Versions tab: every version, newest first, each linked to its page.
fn versions_tab(name: &str, all: Vec<ModelVersionResource>) -> impl IntoView {
    let kind = all
        .last()
        .map(|v| v.properties.model_type.clone())
        .unwrap_or_default();
    let register = crate::router::href(&format!("/models/register?name={name}&type={kind}"));
    let rows = all
        .into_iter()
        .rev()
        .map(|v| {
            let system = v.system_data.clone().unwrap_or_default();
            let p = v.properties;
            view! {
                <tr>
                    <td class="data-table__name">
                        <a href=version_href(name, &v.name)>{format!("Version {}", v.name)}</a>
                        {p.is_archived.then(|| view! { <span class="tag">"Archived"</span> })}
                    </td>
                    <td>{type_label(&p.model_type).to_owned()}</td>
                    <td>{p.stage.unwrap_or_default()}</td>
                    <td>{format_iso_time(&system.created_at)}</td>
                    <td>{system.created_by}</td>
                    <td>{tags_view(&p.tags)}</td>
                    <td class="cell-wrap">{p.description.unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="toolbar" role="toolbar" aria-label="Version actions">
            <a class="button" href=register>"+ Register new version"</a>
        </div>
        <div class="table-wrap">
            <table class="data-table" aria-label="Versions">
                <thead>
                    <tr>
                        <th scope="col">"Version"</th>
                        <th scope="col">"Type"</th>
                        <th scope="col">"Stage"</th>
                        <th scope="col">"Created on"</th>
                        <th scope="col">"Created by"</th>
                        <th scope="col">"Tags"</th>
                        <th scope="col">"Description"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// The Artifacts tab: the files of the folder the version's URI names (a job's output looked
/// up in the job), as a tree to look at and download.
#[component]
fn ArtifactsTab(uri: String) -> impl IntoView {
    let store = use_store();
    let folder = RwSignal::new(None::<Result<(String, String), String>>);
    leptos::task::spawn_local(async move {
        let found = store.model_folder(&uri).await;
        folder.try_set(Some(found.map_err(|e| e.message().to_owned())));
    });
    move || {
        match folder.get() {
        None => view! { <p class="muted">"Reading…"</p> }.into_any(),
        Some(Err(e)) => view! { <div class="message-bar message-bar--warning" role="status">{e}</div> }.into_any(),
        Some(Ok((datastore, root))) => view! {
            <p class="muted">{format!("The model's folder: {}/ in {datastore}.", root.trim_end_matches('/'))}</p>
            <FolderFiles datastore root empty="The model's folder is empty, or no longer there." label="Model files" />
        }
        .into_any(),
    }
    }
}
