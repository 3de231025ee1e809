//! An attached compute's page (`/compute/kubernetes/{name}`, `/compute/attached/{name}`): its
//! properties, Detach, its CLI v2 YAML (for the kinds the CLI has a file type for) and ARM JSON.
//! Secrets were never kept, so none can show.

use super::super::actions::LifecycleButtons;
use super::{attached_cells, kubernetes_cells};
use crate::components::prop;
use crate::components::{format_iso_time, CodeView, StateBadge};
use crate::router::leave_to;
use crate::shell::Breadcrumbs;
use crate::store::use_store;
use azimuth_core::compute::attach::{attached_kind, AttachedKind};
use azimuth_core::compute::yaml::compute_yaml;
use azimuth_core::StoredCompute;
use leptos::prelude::*;

/// The properties of an attached compute as (label, value) lines.
fn properties(c: &StoredCompute, kubernetes: bool) -> Vec<(&'static str, String)> {
    let compute = &c.resource.properties;
    let labels: &[&'static str] = if kubernetes {
        &[
            "Kubernetes cluster",
            "Namespace",
            "Instance types",
            "Azure Machine Learning extension",
        ]
    } else {
        &["Type", "Resource", "Address"]
    };
    let cells = if kubernetes {
        kubernetes_cells(c)
    } else {
        attached_cells(c)
    };
    let mut lines: Vec<_> = labels.iter().copied().zip(cells).collect();
    lines.push((
        "Provisioning state",
        compute.provisioning_state.clone().unwrap_or_default(),
    ));
    lines.push((
        "Resource ID",
        compute.resource_id.clone().unwrap_or_default(),
    ));
    let account = compute.properties.administrator_account.as_ref();
    if let Some(account) = account {
        lines.push(("Administrator", account.username.clone()));
    }
    let created = compute.created_on.as_deref().map(format_iso_time);
    lines.push(("Created on", created.unwrap_or_default()));
    lines
}

/// The details page of one attached compute.
#[component]
pub fn AttachedDetailsPage(
    /// The compute's name, from the path.
    name: String,
    /// Reached from the Kubernetes clusters tab.
    kubernetes: bool,
) -> impl IntoView {
    let store = use_store();
    let name = Signal::stored(name);
    let wanted = move |c: &StoredCompute| {
        attached_kind(&c.resource).is_some_and(|k| (k == AttachedKind::Kubernetes) == kubernetes)
    };
    let compute = Memo::new(move |_| {
        store
            .workspace
            .with(|w| w.compute(&name.get()).filter(|c| wanted(c)).cloned())
    });
    let (list, title) = if kubernetes {
        ("/compute/kubernetes", "Kubernetes clusters")
    } else {
        ("/compute/attached", "Attached computes")
    };
    let on_deleted = Callback::new(move |_| leave_to(list));
    view! {
        <Breadcrumbs items=vec![
            ("Compute".into(), "/compute/instances".into()),
            (title.into(), list.into()),
            (name.get_untracked(), "".into()),
        ] />
        <Show
            when=move || compute.with(Option::is_some)
            fallback=move || view! {
                <section class="empty-state">
                    <h1>{move || name.get()}</h1>
                    <p>"Nothing with this name is attached to the workspace. It may have been detached."</p>
                    <p><a href=crate::router::href(list)>{format!("Back to the {title} tab")}</a></p>
                </section>
            }
        >
            <header class="page-header page-header--with-badge">
                <h1>{move || name.get()}</h1>
                <StateBadge state=Signal::derive(move || compute.with(|c| c.as_ref().and_then(|c| c.resource.properties.provisioning_state.clone()).unwrap_or_default())) />
            </header>
            <div class="toolbar" role="toolbar" aria-label=format!("{title} actions")>
                <LifecycleButtons selection=Signal::derive(move || vec![name.get()]) on_deleted attached=true />
            </div>
            <section class="card" aria-labelledby="props-title">
                <h2 id="props-title">"Properties"</h2>
                <dl class="props">
                    {move || compute.with(|c| c.as_ref().map(|c| properties(c, kubernetes).into_iter().map(|(l, v)| prop(l, v)).collect_view()))}
                </dl>
            </section>
            {move || compute.with(|c| c.as_ref().map(|c| {
                let file = |ext: &str| format!("{}.{ext}", c.resource.name);
                let yaml = store.workspace.with(|w| compute_yaml(&c.resource, w)).map(|yaml| {
                    view! { <CodeView title="Azure ML CLI v2 YAML" code=yaml file_name=file("yml") /> }
                });
                let json = azimuth_core::arm::json::to_pretty_json(&c.resource);
                view! {
                    {yaml}
                    <CodeView title="ARM JSON" code=json file_name=file("json") />
                }
            }))}
        </Show>
    }
}
