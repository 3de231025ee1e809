//! The Endpoints page (Assets ▸ Endpoints): the real-time endpoints, the wizard that deploys a
//! model to one (`/endpoints/create`), and an endpoint's page with its Details, Test, Consume,
//! Monitoring and Logs.

mod consume;
mod create;
mod delete;
mod details;
mod endpoint;
mod form;
mod list;
mod logs;
mod monitoring;
mod sample;
mod snippets;
mod steps;
mod test_tab;
mod traffic;

pub use endpoint::EndpointPage;
pub use list::EndpointsPage;

use azimuth_core::endpoints::deployments::parse_model_reference;

/// The address of an endpoint's page (a tab of it when `tab` is not empty).
pub fn endpoint_href(name: &str, tab: &str) -> String {
    let tab = match tab {
        "" => String::new(),
        t => format!("?tab={t}"),
    };
    crate::router::href(&format!("/endpoints/{name}{tab}"))
}

/// How callers sign in, in the studio's words.
pub fn auth_label(mode: &str) -> &str {
    match mode {
        "Key" => "Key-based authentication",
        "AMLToken" => "Azure Machine Learning token-based authentication",
        other => other,
    }
}

/// `name:version` of the model version a deployment names (its ARM id, or as written).
pub fn model_label(reference: &str) -> String {
    parse_model_reference(reference)
        .map_or_else(|| reference.to_owned(), |(m, v)| format!("{m}:{v}"))
}

/// A link to the page of the model version a deployment names.
pub fn model_link(reference: &str) -> leptos::prelude::AnyView {
    use leptos::prelude::*;
    match parse_model_reference(reference) {
        Some((model, version)) => {
            let href = crate::pages::models::version_href(&model, &version);
            view! { <a href=href>{format!("{model}:{version}")}</a> }.into_any()
        }
        None => view! { <span>{reference.to_owned()}</span> }.into_any(),
    }
}

/// Why a model version cannot be deployed here, if it cannot: only a model Azimuth trained
/// (with an `azimuth` flavor) is scored.
pub fn deploy_refusal(version: &azimuth_core::models::ModelVersionResource) -> Option<String> {
    (!version.properties.flavors.contains_key("azimuth")).then(|| {
        "Not trained by Azimuth (it has no azimuth flavor): only models Automated ML trained are scored here.".to_owned()
    })
}
