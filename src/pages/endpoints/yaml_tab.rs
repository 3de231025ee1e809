//! An endpoint's CLI YAML tab: the endpoint's Azure ML CLI v2 YAML, then each deployment's, as
//! plain text with Copy and Download, what `az ml online-endpoint create` and
//! `az ml online-deployment create` take (`--file`) to make the same in Azure.

use super::endpoint::Shown;
use crate::components::CodeView;
use azimuth_core::endpoints::yaml::{deployment_yaml, endpoint_yaml};
use leptos::prelude::*;

/// The CLI YAML tab.
#[component]
pub fn YamlTab(
    /// The endpoint shown.
    shown: Shown,
) -> impl IntoView {
    let endpoint = Signal::derive(move || {
        shown
            .endpoint
            .with(|e| e.as_ref().map(endpoint_yaml).unwrap_or_default())
    });
    let name = shown.name.get_value();
    view! {
        <p class="muted">"What az ml online-endpoint create and az ml online-deployment create take (with --file) to make the same endpoint and deployments in Azure Machine Learning."</p>
        <CodeView title="Endpoint YAML" code=endpoint file_name=format!("{name}.yml") />
        {move || shown.deployments.get().into_iter().map(|d| {
            let yaml = deployment_yaml(&shown.name.get_value(), &d);
            view! {
                <CodeView title=format!("Deployment {} YAML", d.name) code=yaml file_name=format!("{}.yml", d.name) />
            }
        }).collect_view()}
    }
}
