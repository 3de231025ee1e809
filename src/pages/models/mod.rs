//! The Models page (Assets ▸ Models): the Model List, the "Register a model" wizard, and a
//! model's page with its Details, Versions and Artifacts.

mod checks;
mod details;
mod edit;
mod list;
mod model;
mod register;
mod sources;
mod yaml_source;

pub use list::ModelsPage;
pub use model::ModelPage;

use leptos::prelude::*;
use std::collections::BTreeMap;

/// A model type as the studio names it (Azure's studio says "Unspecified type" for
/// `custom_model`).
pub fn type_label(model_type: &str) -> &str {
    match model_type {
        "mlflow_model" => "MLflow",
        "custom_model" => "Unspecified type",
        "triton_model" => "Triton",
        other => other,
    }
}

/// The address of a model's version page.
pub fn version_href(name: &str, version: &str) -> String {
    crate::router::href(&format!("/models/{name}/versions/{version}"))
}

/// Tags as a list of `name: value` chips (or a dash when there are none).
pub fn tags_view(tags: &BTreeMap<String, String>) -> impl IntoView {
    if tags.is_empty() {
        return view! { <span class="muted">"—"</span> }.into_any();
    }
    view! {
        <ul class="model-tags">
            {tags.iter().map(|(k, v)| {
                let text = if v.is_empty() { k.clone() } else { format!("{k}: {v}") };
                view! { <li class="model-tags__tag">{text}</li> }
            }).collect_view()}
        </ul>
    }
    .into_any()
}
