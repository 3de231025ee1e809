//! The Kubernetes clusters and Attached computes tabs: what is attached (with its state, and for
//! Kubernetes its namespace, instance types and extension), "+ New" to attach one, and Detach.

mod details;
mod form;

use super::actions::LifecycleButtons;
use super::tabs::ComputeTabs;
use crate::components::select_cell;
use crate::components::{format_iso_time, Appearance, Button, StateBadge};
use crate::router::{navigate, use_location};
use crate::shell::Breadcrumbs;
use crate::store::use_store;
use azimuth_core::compute::attach::{attached_kind, AttachedKind};
use azimuth_core::workspace::roles::Action;
use azimuth_core::StoredCompute;
pub use details::AttachedDetailsPage;
use form::AttachDialog;
use leptos::prelude::*;

/// One row: the name, then the text of each column after it.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Row {
    name: String,
    state: String,
    cells: Vec<String>,
}

/// The last segment of an ARM resource id (the resource's own name).
fn resource_name(id: Option<&str>) -> String {
    id.and_then(|id| id.rsplit('/').next())
        .unwrap_or_default()
        .to_owned()
}

/// The columns of a Kubernetes row after Name and State.
pub(super) fn kubernetes_cells(c: &StoredCompute) -> Vec<String> {
    let compute = &c.resource.properties;
    let inner = &compute.properties;
    let id = compute.resource_id.as_deref();
    let service = match id {
        Some(id) if id.contains("/Microsoft.Kubernetes/") => "Azure Arc",
        _ => "AKS",
    };
    let default = inner.default_instance_type.clone().unwrap_or_default();
    let types = inner
        .instance_types
        .iter()
        .flat_map(|t| t.keys())
        .map(|t| {
            if *t == default {
                format!("{t} (default)")
            } else {
                t.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    let extension = match compute.provisioning_state.as_deref() {
        Some("Succeeded") => format!(
            "Running ({})",
            inner
                .extension_instance_release_train
                .as_deref()
                .unwrap_or("stable")
        ),
        Some("Creating") => "Connecting".into(),
        other => other.unwrap_or_default().to_owned(),
    };
    vec![
        format!("{} ({service})", resource_name(id)),
        inner.namespace.clone().unwrap_or_default(),
        types,
        extension,
    ]
}

/// The columns of another attached compute's row after Name and State.
pub(super) fn attached_cells(c: &StoredCompute) -> Vec<String> {
    let compute = &c.resource.properties;
    let inner = &compute.properties;
    let endpoint = inner
        .address
        .as_ref()
        .map(|a| format!("{a}:{}", inner.ssh_port.unwrap_or(22)))
        .or_else(|| inner.workspace_url.clone())
        .or_else(|| inner.pool_name.clone())
        .unwrap_or_default();
    vec![
        attached_kind(&c.resource)
            .map(AttachedKind::label)
            .unwrap_or_default()
            .to_owned(),
        resource_name(compute.resource_id.as_deref()),
        endpoint,
    ]
}

/// A Kubernetes clusters or Attached computes tab.
#[component]
pub fn AttachedPage(
    /// The Kubernetes tab; otherwise the other attached computes.
    kubernetes: bool,
) -> impl IntoView {
    let store = use_store();
    let path = use_location().path;
    let (title, list_path, about, columns): (_, _, _, &[&str]) = if kubernetes {
        (
            "Kubernetes clusters",
            "/compute/kubernetes",
            "Azure Kubernetes Service or Azure Arc-enabled Kubernetes clusters attached to the workspace, with the Azure Machine Learning extension installed: training jobs and online endpoints run on them in a namespace, sized by instance types.",
            &["Kubernetes cluster", "Namespace", "Instance types", "Extension"],
        )
    } else {
        (
            "Attached computes",
            "/compute/attached",
            "Compute that lives outside the workspace and runs its jobs: a virtual machine reached over SSH, Azure Databricks, HDInsight or a Synapse Spark pool. Detaching leaves the resource itself as it is.",
            &["Type", "Resource", "Address"],
        )
    };
    let rows = Memo::new(move |_| {
        store.workspace.with(|w| {
            let row = |c: &StoredCompute| Row {
                name: c.resource.name.clone(),
                state: c
                    .resource
                    .properties
                    .provisioning_state
                    .clone()
                    .unwrap_or_default(),
                cells: if kubernetes {
                    kubernetes_cells(c)
                } else {
                    attached_cells(c)
                }
                .into_iter()
                .chain(
                    c.resource
                        .properties
                        .created_on
                        .as_deref()
                        .map(format_iso_time),
                )
                .collect(),
            };
            if kubernetes {
                w.kubernetes_computes().map(row).collect::<Vec<_>>()
            } else {
                w.attached_computes().map(row).collect()
            }
        })
    });
    let selected = RwSignal::new(Vec::<String>::new());
    let selection = Signal::derive(move || {
        let rows = rows.get();
        let mut names = selected.get();
        names.retain(|n| rows.iter().any(|r| &r.name == n));
        names
    });
    let attach_path = if kubernetes {
        "/compute/attach/kubernetes"
    } else {
        "/compute/attach/compute"
    };
    let refusal = move || store.refusal(Action::WriteCompute);
    view! {
        <Breadcrumbs items=vec![("Compute".into(), "/compute/instances".into()), (title.into(), "".into())] />
        <header class="page-header">
            <h1>"Compute"</h1>
        </header>
        <ComputeTabs />
        <p class="muted tab-intro">{about}</p>
        <div class="toolbar" role="toolbar" aria-label=format!("{title} actions")>
            <Button appearance=Appearance::Primary blocked=Signal::derive(refusal) on_click=move |_| navigate(attach_path)>
                "+ New"
            </Button>
            <LifecycleButtons selection attached=true />
        </div>
        <div class="table-wrap">
            <table class="data-table" aria-label=title>
                <thead>
                    <tr>
                        <th scope="col" class="data-table__check"><span class="visually-hidden">"Select"</span></th>
                        <th scope="col">"Name"</th>
                        <th scope="col">"State"</th>
                        {columns.iter().map(|c| view! { <th scope="col">{*c}</th> }).collect_view()}
                        <th scope="col">"Created on"</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || rows.get() key=|r| r.clone() let:r>
                        {
                            let name = r.name.clone();
                            view! {
                                <tr>
                                    {select_cell(name.clone(), selected)}
                                    <td class="data-table__name">
                                        <a href=crate::router::href(&format!("{list_path}/{name}"))>{name.clone()}</a>
                                    </td>
                                    <td><StateBadge state=Signal::stored(r.state.clone()) /></td>
                                    {r.cells.iter().map(|c| view! { <td>{c.clone()}</td> }).collect_view()}
                                </tr>
                            }
                        }
                    </For>
                </tbody>
            </table>
            <Show when=move || rows.with(Vec::is_empty)>
                <div class="table-empty">
                    {if kubernetes {
                        "No Kubernetes clusters attached yet. Select \"+ New\" to attach an AKS or Azure Arc cluster."
                    } else {
                        "No attached computes yet. Select \"+ New\" to attach a virtual machine, Databricks, HDInsight or Synapse Spark."
                    }}
                </div>
            </Show>
        </div>
        <Show when=move || path.get() == attach_path>
            <AttachDialog kubernetes close_to=list_path />
        </Show>
    }
}
