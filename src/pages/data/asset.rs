//! A data asset's page: a version picker and the studio's tabs: Overview (what the version is
//! and where it points, every version with Archive and Restore), Explore (`explore.rs`),
//! Profile (`profile.rs`) and Consume (its URIs, and azure-ai-ml and pandas code that reads it
//! from this server).

use super::type_label;
use crate::components::{format_iso_time, prop_view, Appearance, Button, CodeView};
use crate::router::query_state;
use crate::shell::Breadcrumbs;
use crate::store::use_store;
use azimuth_core::data::uri::{parse_data_uri, DataUri};
use azimuth_core::data::DataVersionResource;
use azimuth_core::workspace::roles::Action;
use leptos::prelude::*;

/// The page of data asset `name`.
#[component]
pub fn DataAssetPage(
    /// The asset's name, from the address.
    name: String,
) -> impl IntoView {
    let store = use_store();
    let name = StoredValue::new(name);
    let tab = query_state::<String>("tab");
    let asked = query_state::<String>("version");
    let container = Memo::new(move |_| {
        store
            .workspace
            .with(|w| w.data_container(&name.get_value()).cloned())
    });
    let versions = Memo::new(move |_| {
        store.workspace.with(|w| {
            w.data_versions(&name.get_value())
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let current = Memo::new(move |_| {
        let wanted = asked.get();
        let latest =
            container.with(|c| c.as_ref().and_then(|c| c.properties.latest_version.clone()));
        let pick = if wanted.is_empty() {
            latest.unwrap_or_default()
        } else {
            wanted
        };
        versions.with(|v| v.iter().find(|v| v.name == pick).cloned())
    });
    let tab_link = move |id: &'static str, label: &'static str| {
        let selected =
            move || (tab.get() == id || (id == "overview" && tab.get().is_empty())).to_string();
        view! {
            <button type="button" role="tab" class="tabs__tab" aria-selected=selected on:click=move |_| tab.set(id.to_owned())>
                {label}
            </button>
        }
    };
    view! {
        <Breadcrumbs items=vec![("Data".into(), "/data".into()), ("Data assets".into(), "/data".into()), (name.get_value(), "".into())] />
        <Show
            when=move || container.with(Option::is_some) && current.with(Option::is_some)
            fallback=move || view! {
                <section class="empty-state">
                    <h1>"Data asset not found"</h1>
                    <p>{move || format!("There is no data asset {}{} in this workspace.", name.get_value(), if asked.get().is_empty() { String::new() } else { format!(" version {}", asked.get()) })}</p>
                    <a href=crate::router::href("/data")>"All data assets"</a>
                </section>
            }
        >
            <header class="page-header page-header--with-badge">
                <h1>{name.get_value()}</h1>
                <div class="field field--inline">
                    <label class="field__label" for="data-version">"Version"</label>
                    <select id="data-version" on:change=move |ev| asked.set(event_target_value(&ev)) prop:value=move || current.get().map(|v| v.name).unwrap_or_default()>
                        {move || versions.get().into_iter().rev().map(|v| {
                            let label = if v.properties.is_archived { format!("{} (archived)", v.name) } else { v.name.clone() };
                            view! { <option value=v.name.clone()>{label}</option> }
                        }).collect_view()}
                    </select>
                </div>
            </header>
            <div class="tabs" role="tablist" aria-label="Data asset">
                {tab_link("overview", "Overview")}
                {tab_link("explore", "Explore")}
                {tab_link("profile", "Profile")}
                {tab_link("consume", "Consume")}
            </div>
            {move || {
                let version = current.get().expect("shown only with a version");
                match tab.get().as_str() {
                    "explore" => view! { <super::explore::Explore version /> }.into_any(),
                    "profile" => view! { <super::profile::ProfileTab version /> }.into_any(),
                    "consume" => consume(&name.get_value(), &version).into_any(),
                    _ => overview(store, &name.get_value(), &version, versions.get()).into_any(),
                }
            }}
        </Show>
    }
}

/// Where a version's data is in one of this installation's datastores: (datastore, path).
pub fn in_datastore(version: &DataVersionResource) -> Option<(String, String)> {
    match parse_data_uri(&version.properties.data_uri).ok()? {
        DataUri::Datastore {
            datastore, path, ..
        } => Some((datastore, path)),
        _ => None,
    }
}

fn overview(
    store: crate::store::Store,
    name: &str,
    version: &DataVersionResource,
    all: Vec<DataVersionResource>,
) -> impl IntoView {
    let props = version.properties.clone();
    let system = version.system_data.clone().unwrap_or_default();
    let place = in_datastore(version).map(|(ds, path)| {
        let folder = path
            .rsplit_once('/')
            .map(|(f, _)| format!("{f}/"))
            .unwrap_or_default();
        let link = crate::router::href(&format!("/data/datastores/{ds}?path={folder}"));
        view! { <a href=link>{format!("{ds} / {path}")}</a> }
    });
    let refusal = Signal::derive(move || store.refusal(Action::WriteData));
    let name = name.to_owned();
    let rows = all.into_iter().rev().map(|v| {
        let (asset, version) = (name.clone(), v.name.clone());
        let archived = v.properties.is_archived;
        let toggle = move |_| {
            let (asset, version) = (asset.clone(), version.clone());
            leptos::task::spawn_local(async move {
                let _ = store.set_data_archived(&asset, Some(&version), !archived).await;
            });
        };
        view! {
            <tr>
                <td>{v.name.clone()}</td>
                <td>{if archived { "Archived" } else { "Active" }}</td>
                <td>{v.system_data.as_ref().map(|s| format_iso_time(&s.created_at)).unwrap_or_default()}</td>
                <td>{v.system_data.map(|s| s.created_by).unwrap_or_default()}</td>
                <td>
                    <Button appearance=Appearance::Subtle blocked=refusal on_click=toggle>
                        {if archived { "Restore" } else { "Archive" }}
                        <span class="visually-hidden">{format!(" version {}", v.name)}</span>
                    </Button>
                </td>
            </tr>
        }
    }).collect_view();
    view! {
        <section class="card" aria-labelledby="props-title">
            <h2 id="props-title">"Properties"</h2>
            <dl class="props">
                {prop_view("Type", type_label(&props.data_type))}
                {prop_view("Version", format!("{}{}", version.name, if props.is_archived { " (archived)" } else { "" }))}
                {prop_view("Data source", place.map(|p| p.into_any()).unwrap_or_else(|| view! { <span>{props.data_uri.clone()}</span> }.into_any()))}
                {prop_view("URI", view! { <code>{props.data_uri.clone()}</code> })}
                {prop_view("Description", props.description.clone().unwrap_or_default())}
                {prop_view("Created by", system.created_by.clone())}
                {prop_view("Created on", format_iso_time(&system.created_at))}
            </dl>
        </section>
        <section class="card" aria-labelledby="versions-title">
            <h2 id="versions-title">"Versions"</h2>
            <div class="table-wrap">
                <table class="data-table" aria-labelledby="versions-title">
                    <thead><tr><th scope="col">"Version"</th><th scope="col">"State"</th><th scope="col">"Created on"</th><th scope="col">"Created by"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

/// The Consume tab: the asset's URIs and code that reads it.
fn consume(name: &str, version: &DataVersionResource) -> impl IntoView {
    let store = use_store();
    let v = version.name.clone();
    let (ws_id, shared) = (store.workspace_id(), store.is_shared());
    let origin = window().location().origin().unwrap_or_default();
    let parts: Vec<&str> = ws_id.split('/').collect();
    let (sub, group, ws) = (
        parts.get(2).copied().unwrap_or_default(),
        parts.get(4).copied().unwrap_or_default(),
        parts.last().copied().unwrap_or_default(),
    );
    let sdk = format!(
        "from azure.ai.ml import MLClient\n\n# A credential whose token is an Azimuth session: POST {origin}/api/session\n# with {{\"member\": ..., \"password\": ...}} answers {{\"token\": ...}}.\nml_client = MLClient(credential, \"{sub}\", \"{group}\", \"{ws}\",\n    cloud=\"Azimuth\", cloud_metadata={{\"resource_manager\": \"{origin}/\", \"active_directory\": \"{origin}\"}})\ndata = ml_client.data.get(\"{name}\", version=\"{v}\")\nprint(data.path)\n"
    );
    let pandas = in_datastore(version).map(|(ds, path)| {
        format!(
            "import pandas as pd\n\nurl = \"{origin}/api/files/content?wsid={ws_id}&datastore={ds}&path={path}\"\ndf = pd.read_csv(url, storage_options={{\"Authorization\": f\"Bearer {{token}}\"}})\ndf.head()\n"
        )
    });
    view! {
        <section class="card" aria-labelledby="uris-title">
            <h2 id="uris-title">"URIs"</h2>
            <dl class="props">
                {prop_view("Asset", view! { <code>{format!("azureml:{name}:{v}")}</code> })}
                {prop_view("Latest", view! { <code>{format!("azureml:{name}@latest")}</code> })}
                {prop_view("Data", view! { <code>{version.properties.data_uri.clone()}</code> })}
            </dl>
        </section>
        <CodeView title="CLI v2 YAML" code=Signal::stored(azimuth_core::data::yaml::data_yaml(name, version)) file_name=Signal::stored(format!("{name}-{}.yml", version.name)) />
        {if shared {
            view! {
                <CodeView title="azure-ai-ml" code=Signal::stored(sdk) file_name=Signal::stored("read_data.py".to_owned()) />
                {pandas.map(|p| view! { <CodeView title="pandas" code=Signal::stored(p) file_name=Signal::stored("read_with_pandas.py".to_owned()) /> })}
            }.into_any()
        } else {
            view! { <p class="muted">"This workspace is kept in this browser, so code outside it cannot reach it. On a shared workspace (azimuth-server), this tab shows azure-ai-ml and pandas code that reads the asset."</p> }.into_any()
        }}
    }
}
