//! /workspaces/{resourceGroup}/{name}: a workspace's overview, as the Azure portal's blade shows
//! it: the Essentials (resource group, location, subscription, storage account, Key Vault,
//! Application Insights, container registry, Studio web URL, MLflow tracking URI) and "Launch
//! studio".

use super::{region_name, studio_link};
use crate::components::{CodeView, StateBadge};
use crate::store::use_session;
use azimuth_core::arm::json::to_pretty_json;
use leptos::prelude::*;

/// The last segment of an ARM id (a resource's name), or "None".
fn name_of(id: &str) -> String {
    if id.is_empty() {
        "None".into()
    } else {
        id.rsplit('/').next().unwrap_or(id).to_owned()
    }
}

/// A workspace's overview page.
#[component]
pub fn WorkspaceOverview(
    /// The resource group, from the address.
    group: String,
    /// The workspace's name, from the address.
    name: String,
) -> impl IntoView {
    let session = use_session();
    let (g, n) = (group.clone(), name.clone());
    let found = Memo::new(move |_| {
        session.installation.with(|i| {
            i.workspaces
                .iter()
                .find(|w| {
                    w.resource_group.eq_ignore_ascii_case(&g) && w.name.eq_ignore_ascii_case(&n)
                })
                .cloned()
        })
    });
    document().set_title(&format!("{name} · Workspaces · Azimuth"));
    let origin = window().location().origin().unwrap_or_default();
    view! {
        <main class="start" id="main">
            <p><a href="/workspaces" rel="external">"All workspaces"</a></p>
            {move || match found.get() {
                None => view! {
                    <h1>{name.clone()}</h1>
                    <p role="alert">{format!("You hold no role in a workspace named {name} in {group}, or it does not exist.")}</p>
                }.into_any(),
                Some(w) => {
                    let p = &w.resource.properties;
                    let link = studio_link(&w.id);
                    let subscription = session.installation.with_untracked(|i| format!("{} ({})", i.subscription_name, i.subscription_id));
                    let essentials = [
                        ("Resource group", w.resource_group.clone()),
                        ("Location", region_name(&w.location)),
                        ("Subscription", subscription),
                        ("Storage", name_of(&p.storage_account)),
                        ("Key Vault", name_of(&p.key_vault)),
                        ("Application Insights", name_of(&p.application_insights)),
                        ("Container Registry", name_of(p.container_registry.as_deref().unwrap_or_default())),
                        ("Studio web URL", format!("{origin}{link}")),
                        ("MLflow tracking URI", p.ml_flow_tracking_uri.clone()),
                    ];
                    let json = to_pretty_json(&w.resource);
                    view! {
                        <div class="start__head">
                            <h1>{w.name.clone()}</h1>
                            <StateBadge state=w.provisioning_state.clone() />
                            <a class="button button--primary" href=link rel="external">"Launch studio"</a>
                        </div>
                        <h2>"Essentials"</h2>
                        <dl class="properties" aria-label="Essentials">
                            {essentials.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
                        </dl>
                        <CodeView title="JSON View" code=json file_name=format!("{}.json", w.name) />
                    }.into_any()
                }
            }}
        </main>
    }
}
