//! The Endpoints page (Assets ▸ Endpoints): the real-time endpoints, the wizard that deploys a
//! model to one (`/endpoints/create`), and an endpoint's page with its Details, Test, Consume,
//! Monitoring, Logs and CLI YAML.

pub mod batch;
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
mod settings;
mod snippets;
mod steps;
mod test_tab;
mod traffic;
mod yaml_tab;

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

/// What is wrong with the model version `id` chosen to deploy, if anything (reactive).
pub fn model_choice_error(store: crate::store::Store, id: &str) -> Option<String> {
    use leptos::prelude::With;
    store
        .workspace
        .with(|w| match w.model_versions.iter().find(|v| v.id == id) {
            None => Some("Choose a model version to deploy.".to_owned()),
            Some(v) => deploy_refusal(v),
        })
}

/// The Endpoints page's heading and its two kinds of endpoint, each a tab at its own address
/// (`/endpoints`, `/endpoints/batch`), the current one marked.
fn kinds_header(path: leptos::prelude::Memo<String>) -> impl leptos::prelude::IntoView {
    use crate::components::tab_link;
    use leptos::prelude::*;
    view! {
        <crate::shell::Breadcrumbs items=vec![("Endpoints".into(), "".into())] />
        <header class="page-header">
            <h1>"Endpoints"</h1>
        </header>
        <nav class="tabs" aria-label="Kinds of endpoint">
            {tab_link(path, "/endpoints", "/endpoints/create", "Real-time endpoints")}
            {tab_link(path, "/endpoints/batch", "/endpoints/batch/create", "Batch endpoints")}
        </nav>
    }
}
