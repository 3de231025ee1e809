//! `/data/import`: "Create from YAML" for data. A data asset file (`az ml data create -f`) or a
//! datastore file (`az ml datastore create -f`), pasted or uploaded, is read as the CLI reads
//! it, checked by the engine, and shown as what it will create; "Create" then sends it. Errors
//! name their line and field; a datastore's secret in the file is used once and never shown.

use super::datastores::{credentials_label, kind_label};
use super::type_label;
use crate::components::{guard_close, ImportSummary, YamlFile};
use crate::router::{leave_held, leave_to, release_page};
use crate::shell::Breadcrumbs;
use crate::store::use_store;
use azimuth_core::data::datastore::describe;
use azimuth_core::data::yaml_in::{asset_from_yaml, ImportedAsset, ImportedData};
use azimuth_core::workspace::roles::Action;
use azimuth_core::Workspace;
use leptos::prelude::*;

/// A data file checked against the workspace: the version it creates, or why it cannot.
fn check_data(d: &ImportedData, w: &Workspace) -> Result<String, String> {
    let props = &d.resource.properties;
    let existing = w.data_container(&d.name);
    if let Some(c) = existing.filter(|c| c.properties.data_type != props.data_type) {
        return Err(format!("{} is a {}; its versions keep that type, so this file's type {} cannot be a version of it.", d.name, type_label(&c.properties.data_type), props.data_type));
    }
    let next = existing
        .and_then(|c| c.properties.next_version.clone())
        .unwrap_or_else(|| "1".into());
    let version = d.version.clone().unwrap_or(next);
    if w.data_versions(&d.name).any(|v| v.name == version) {
        return Err(format!("Version {version} of {} exists, and versions never change. Leave version out of the file to create the next one.", d.name));
    }
    w.check_data_uri(&props.data_type, &props.data_uri)
        .map_err(|e| e.message().to_owned())?;
    Ok(version)
}

/// What the file will create, in the studio's words (never a secret).
fn summary(asset: &ImportedAsset, version: &str) -> Vec<(&'static str, String)> {
    match asset {
        ImportedAsset::Data(d) => {
            let props = &d.resource.properties;
            let mut lines = vec![
                ("Data asset", d.name.clone()),
                ("Version", version.to_owned()),
                ("Type", type_label(&props.data_type)),
                ("URI", props.data_uri.clone()),
            ];
            if let Some(text) = props.description.clone().filter(|d| !d.is_empty()) {
                lines.push(("Description", text));
            }
            lines
        }
        ImportedAsset::Datastore(s) => {
            let props = &s.resource.properties;
            let secret = props.credentials.secrets.is_some();
            vec![
                ("Datastore", s.name.clone()),
                ("Type", kind_label(&props.datastore_type).to_owned()),
                ("Where", describe(props)),
                (
                    "Credentials",
                    format!(
                        "{}{}",
                        credentials_label(&props.credentials.credentials_type),
                        if secret {
                            " (kept by the workspace, never shown again)"
                        } else {
                            ""
                        }
                    ),
                ),
            ]
        }
    }
}

/// The "Create from YAML" page for data.
#[component]
pub fn DataImportPage() -> impl IntoView {
    let store = use_store();
    let text = RwSignal::new(String::new());
    let sending = RwSignal::new(false);
    let unsaved = Signal::derive(move || !text.with(|t| t.trim().is_empty()));
    let guard = guard_close(unsaved, Callback::new(move |_| leave_held("/data")));
    let result = Memo::new(move |_| {
        let text = text.get();
        (!text.trim().is_empty()).then(|| {
            let asset = asset_from_yaml(&text).map_err(|e| e.to_string())?;
            let version = match &asset {
                ImportedAsset::Data(d) => store.workspace.with(|w| check_data(d, w))?,
                ImportedAsset::Datastore(_) => String::new(),
            };
            Ok::<_, String>((asset, version))
        })
    });
    let summary = Signal::derive(move || {
        result
            .get()
            .map(|r| r.map(|(asset, version)| summary(&asset, &version)))
    });
    let on_create = Callback::new(move |_| {
        let Some(Ok((asset, version))) = result.get_untracked() else {
            return;
        };
        sending.set(true);
        leptos::task::spawn_local(async move {
            let (sent, page) = match asset {
                ImportedAsset::Data(d) => {
                    let page = format!("/data/assets/{}", d.name);
                    (
                        store
                            .create_data_version(&d.name, &version, d.resource)
                            .await,
                        page,
                    )
                }
                ImportedAsset::Datastore(s) => {
                    let page = format!("/data/datastores/{}", s.name);
                    (store.put_datastore(&s.name, s.resource).await, page)
                }
            };
            sending.set(false);
            if sent.is_ok() {
                release_page();
                leave_to(&page);
            }
        });
    });
    let blocked = Signal::derive(move || {
        let action = match result.get() {
            Some(Ok((ImportedAsset::Datastore(_), _))) => Action::WriteDatastore,
            _ => Action::WriteData,
        };
        store.refusal(action).or_else(|| match result.get() {
            None => Some("Paste or upload a data asset or datastore YAML file first.".into()),
            Some(Err(_)) => Some("Fix the file first.".into()),
            Some(Ok(_)) => None,
        })
    });
    view! {
        <Breadcrumbs items=vec![("Data".into(), "/data".into()), ("Create from YAML".into(), "".into())] />
        <header class="page-header">
            <h1>"Create from YAML"</h1>
        </header>
        <p class="muted tab-intro">
            "An Azure ML CLI v2 file, as " <code>"az ml data create -f"</code> " or "
            <code>"az ml datastore create -f"</code>
            " takes it: a data asset (uri_file, uri_folder or mltable, at an azureml:// or https:// path), or an Azure Blob, Data Lake Gen2 or File share datastore. A key, SAS token or client secret in the file is used once and never shown."
        </p>
        <YamlFile text placeholder="$schema: https://azuremlschemas.azureedge.net/latest/data.schema.json\nname: titanic\ntype: uri_file\npath: azureml://datastores/workspaceblobstore/paths/data/titanic.csv" />
        <ImportSummary summary blocked sending on_create guard />
    }
}
