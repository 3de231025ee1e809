//! The Datastores tab: the workspace's four default datastores and any registered, with where
//! each points and how it signs in; "+ Create" registers one (Azure Blob, ADLS Gen2, Azure Files).

use super::new_datastore::NewDatastoreDialog;
use super::DataTabs;
use crate::components::{format_iso_time, search_box, Appearance, Button, Icon, IconName};
use crate::router::{navigate, query_state, use_location};
use crate::shell::Breadcrumbs;
use crate::store::use_store;
use azimuth_core::data::datastore::describe;
use azimuth_core::data::StoredDatastore;
use azimuth_core::workspace::roles::Action;
use leptos::prelude::*;

/// One row of the table.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Row {
    name: String,
    kind: &'static str,
    place: String,
    credentials: String,
    is_default: bool,
    created_on: String,
}

/// A datastore type as the studio names it.
pub fn kind_label(datastore_type: &str) -> &'static str {
    match datastore_type {
        "AzureBlob" => "Azure Blob Storage",
        "AzureDataLakeGen2" => "Azure Data Lake Storage Gen2",
        "AzureFile" => "Azure File Share",
        _ => "Other",
    }
}

/// How a datastore signs in, in words.
pub fn credentials_label(credentials_type: &str) -> String {
    match credentials_type {
        "None" => "Identity-based (no secret)".into(),
        "AccountKey" => "Account key".into(),
        "Sas" => "SAS token".into(),
        "ServicePrincipal" => "Service principal".into(),
        other => other.to_owned(),
    }
}

fn row(d: &StoredDatastore) -> Row {
    let props = &d.resource.properties;
    Row {
        name: d.resource.name.clone(),
        kind: kind_label(&props.datastore_type),
        place: describe(props),
        credentials: credentials_label(&props.credentials.credentials_type),
        is_default: props.is_default,
        created_on: d
            .resource
            .system_data
            .as_ref()
            .map(|s| format_iso_time(&s.created_at))
            .unwrap_or_default(),
    }
}

/// The Datastores tab.
#[component]
pub fn DatastoresPage() -> impl IntoView {
    let store = use_store();
    let path = use_location().path;
    let search = query_state::<String>("search");
    let rows = Memo::new(move |_| {
        store
            .workspace
            .with(|w| w.datastores.iter().map(|d| row(d)).collect::<Vec<_>>())
    });
    let shown = move |r: &Row| {
        let query = search.get().to_ascii_lowercase();
        query.is_empty()
            || [r.name.as_str(), r.kind, &r.place]
                .iter()
                .any(|f| f.to_ascii_lowercase().contains(&query))
    };
    view! {
        <Breadcrumbs items=vec![("Data".into(), "/data".into()), ("Datastores".into(), "".into())] />
        <header class="page-header">
            <h1>"Data"</h1>
        </header>
        <DataTabs />
        <p class="muted tab-intro">
            "Datastores connect the workspace to storage. The four default ones are on the workspace's own storage account and hold its uploads, job outputs and notebooks; select one to browse its files."
        </p>
        <div class="toolbar" role="toolbar" aria-label="Datastore actions">
            <Button appearance=Appearance::Primary blocked=Signal::derive(move || store.refusal(Action::WriteDatastore)) on_click=move |_| navigate("/data/create/datastore")>
                "+ Create"
            </Button>
            <Button appearance=Appearance::Subtle blocked=Signal::derive(move || store.refusal(Action::WriteDatastore)) on_click=move |_| navigate("/data/import")>
                "Create from YAML"
            </Button>
            <Button appearance=Appearance::Subtle on_click=move |_| store.refresh()>
                <Icon name=IconName::Refresh />
                "Refresh"
            </Button>
        </div>
        <div class="filters">{search_box("Search datastores", search)}</div>
        <div class="table-wrap">
            <table class="data-table" aria-label="Datastores">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Type"</th>
                        <th scope="col">"Points at"</th>
                        <th scope="col">"Authentication"</th>
                        <th scope="col">"Created on"</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || rows.get() key=|r| r.clone() let:r>
                        {
                            let hidden = {
                                let r = r.clone();
                                move || !shown(&r)
                            };
                            let link = crate::router::href(&format!("/data/datastores/{}", r.name));
                            view! {
                                <tr prop:hidden=hidden>
                                    <td class="data-table__name">
                                        <a href=link>{r.name.clone()}</a>
                                        {r.is_default.then(|| view! { <span class="tag">"Default"</span> })}
                                    </td>
                                    <td>{r.kind}</td>
                                    <td>{r.place}</td>
                                    <td>{r.credentials}</td>
                                    <td>{r.created_on}</td>
                                </tr>
                            }
                        }
                    </For>
                </tbody>
            </table>
        </div>
        <Show when=move || path.get() == "/data/create/datastore">
            <NewDatastoreDialog />
        </Show>
    }
}
