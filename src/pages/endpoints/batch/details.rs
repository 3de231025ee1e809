//! A batch endpoint's Details tab (its attributes and a card per deployment, with "Set as
//! default" and Delete) and its CLI YAML tab (the endpoint's and each deployment's YAML, as
//! `az ml batch-endpoint create` / `batch-deployment create` take them).

use super::page::ShownBatch;
use super::{compute_name, output_action_label};
use crate::components::{
    format_iso_time, prop, prop_view, Appearance, Button, CodeView, Icon, IconName, StateBadge,
};
use crate::pages::endpoints::delete::DeleteDeploymentDialog;
use crate::pages::endpoints::model_link;
use crate::store::use_store;
use azimuth_core::arm::json::to_json;
use azimuth_core::endpoints::batch::yaml::{batch_deployment_yaml, batch_endpoint_yaml};
use azimuth_core::endpoints::batch::BatchDeploymentResource;
use azimuth_core::workspace::roles::Action;
use leptos::prelude::*;

/// What the REST endpoint is when the workspace is kept in the browser.
const NO_SERVER: &str = "None: a workspace kept in this browser has no REST endpoint. Serve it with azimuth-server to invoke the endpoint over HTTP.";

/// The Details tab.
#[component]
pub fn DetailsTab(
    /// The endpoint shown.
    shown: ShownBatch,
) -> impl IntoView {
    let attributes = move || {
        let e = shown.endpoint.get()?;
        let system = e.system_data.clone().unwrap_or_default();
        let p = e.properties.clone();
        let address = match p.scoring_uri.clone() {
            Some(uri) => view! { <code class="endpoint-uri">{uri}</code> }.into_any(),
            None => view! { <span class="muted">{NO_SERVER}</span> }.into_any(),
        };
        let state = p.provisioning_state.clone().unwrap_or_default();
        Some(view! {
            <dl class="props">
                {prop("Name", e.name.clone())}
                {prop("Description", p.description.clone().unwrap_or_default())}
                {prop_view("REST endpoint", address)}
                {prop("Authentication type", "Microsoft Entra ID token".to_owned())}
                {prop_view("Provisioning state", view! { <StateBadge state=Signal::stored(state) /> })}
                {prop("Default deployment", p.defaults.deployment_name.clone().unwrap_or_default())}
                {prop("Created on", format_iso_time(&system.created_at))}
                {prop("Created by", system.created_by.clone())}
            </dl>
        })
    };
    view! {
        <div class="details">
            <section class="card" aria-labelledby="batch-endpoint-attributes">
                <h2 id="batch-endpoint-attributes">"Attributes"</h2>
                {attributes}
            </section>
            <section class="endpoint-deployments" aria-label="Deployments">
                <h2>"Deployments"</h2>
                {move || {
                    let all = shown.deployments.get();
                    if all.is_empty() {
                        return view! { <p class="muted">"No deployment yet."</p> }.into_any();
                    }
                    all.into_iter().map(|d| view! { <DeploymentCard shown deployment=d /> }).collect_view().into_any()
                }}
            </section>
        </div>
    }
}

/// One batch deployment's card.
#[component]
fn DeploymentCard(shown: ShownBatch, deployment: BatchDeploymentResource) -> impl IntoView {
    let store = use_store();
    let deleting = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let name = StoredValue::new(deployment.name.clone());
    let p = deployment.properties.clone();
    let is_default = Memo::new(move |_| {
        shown.endpoint.with(|e| {
            e.as_ref()
                .and_then(|e| e.properties.defaults.deployment_name.clone())
                .is_some_and(|d| d == name.get_value())
        })
    });
    let refusal = Signal::derive(move || store.refusal(Action::WriteEndpoints));
    let make_default = move |_| {
        leptos::task::spawn_local(async move {
            let set = store
                .set_default_batch_deployment(&shown.name.get_value(), &name.get_value())
                .await;
            failure.set(set.err().map(|e| e.message().to_owned()));
        });
    };
    let (heading, labelled) = (
        format!("batch-deployment-{}", name.get_value()),
        format!("batch-deployment-{}", name.get_value()),
    );
    let state = p.provisioning_state.clone().unwrap_or_default();
    let threshold = match p.error_threshold {
        Some(-1) | None => "-1 (failures ignored)".to_owned(),
        Some(n) => n.to_string(),
    };
    let instances = p
        .resources
        .get("instanceCount")
        .map(to_json)
        .unwrap_or_default();
    view! {
        <section class="card endpoint-card" aria-labelledby=labelled>
            <header class="endpoint-card__header">
                <h3 id=heading>{name.get_value()}</h3>
                <StateBadge state=Signal::stored(state) />
                <Show when=move || is_default.get()>
                    <span class="endpoint-card__default">"Default"</span>
                </Show>
            </header>
            <dl class="props">
                {prop_view("Model", model_link(&p.model.asset_id))}
                {prop("Compute", compute_name(&p.compute).to_owned())}
                {prop("Instance count", instances)}
                {prop("Mini-batch size", p.mini_batch_size.to_string())}
                {prop("Output action", output_action_label(&p.output_action).to_owned())}
                {prop("Output file name", p.output_file_name.clone())}
                {prop("Error threshold", threshold)}
                {prop("Created on", format_iso_time(&deployment.system_data.clone().unwrap_or_default().created_at))}
            </dl>
            <div class="toolbar endpoint-card__actions">
                <Show when=move || !is_default.get()>
                    <Button appearance=Appearance::Subtle blocked=refusal on_click=make_default>
                        {format!("Set {} as default", name.get_value())}
                    </Button>
                </Show>
                <Button appearance=Appearance::Subtle blocked=refusal on_click=move |_| deleting.set(true)>
                    <Icon name=IconName::Delete />
                    {format!("Delete {}", name.get_value())}
                </Button>
            </div>
            <Show when=move || failure.with(Option::is_some)>
                <div class="message-bar message-bar--error" role="alert">{move || failure.get().unwrap_or_default()}</div>
            </Show>
            <Show when=move || deleting.get()>
                <DeleteDeploymentDialog endpoint=shown.name.get_value() name=name.get_value() close=Callback::new(move |_| deleting.set(false)) batch=true />
            </Show>
        </section>
    }
}

/// The CLI YAML tab: the endpoint's YAML, then each deployment's, as plain text.
#[component]
pub fn YamlTab(
    /// The endpoint shown.
    shown: ShownBatch,
) -> impl IntoView {
    let endpoint_yaml = Signal::derive(move || {
        shown
            .endpoint
            .with(|e| e.as_ref().map(batch_endpoint_yaml).unwrap_or_default())
    });
    let name = shown.name.get_value();
    view! {
        <p class="muted">"What az ml batch-endpoint create and az ml batch-deployment create take (with --file) to make the same endpoint and deployments in Azure Machine Learning."</p>
        <CodeView title="Endpoint YAML" code=endpoint_yaml file_name=format!("{name}.yml") />
        {move || shown.deployments.get().into_iter().map(|d| {
            let endpoint = shown.name.get_value();
            let yaml = batch_deployment_yaml(&endpoint, &d);
            view! {
                <CodeView title=format!("Deployment {} YAML", d.name) code=yaml file_name=format!("{}.yml", d.name) />
            }
        }).collect_view()}
    }
}
