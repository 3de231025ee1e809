//! What a batch endpoint's job shows of its scoring (a pipeline job whose properties say so,
//! `azureml.batchrun`): the endpoint and deployment that scored it, the model, the compute,
//! its input and where its predictions are.

use super::job::key_values;
use crate::components::{prop, prop_view};
use crate::pages::endpoints::batch::{batch_endpoint_href, compute_name, output_action_label};
use crate::pages::endpoints::model_link;
use leptos::prelude::*;
use serde_json::Value;

/// Whether a job (as ARM answers it) is a batch endpoint's.
pub fn is_batch(job: &Value) -> bool {
    job["properties"]["properties"]["azureml.batchrun"] == "true"
}

/// A batch endpoint's job's card: what scored it, on what, and where its predictions went.
pub fn batch_card(job: &Value) -> Option<impl IntoView> {
    if !is_batch(job) {
        return None;
    }
    let p = &job["properties"];
    let setting = |key: &str| {
        p["properties"][format!("azureml.{key}")]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let endpoint = setting("endpointName");
    let href = batch_endpoint_href(&endpoint, "jobs");
    let compute = p["computeId"]
        .as_str()
        .map(compute_name)
        .unwrap_or("—")
        .to_owned();
    let inputs: Vec<(String, String)> = p["inputs"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v["uri"].as_str().unwrap_or_default().to_owned()))
        .collect();
    let output = p["outputs"]["score"]["uri"].as_str().unwrap_or_default();
    let file = setting("outputFileName");
    let action = setting("outputAction");
    let predictions = match action.as_str() {
        "SummaryOnly" => {
            "None: the deployment keeps a summary only (see the job's log).".to_owned()
        }
        _ => format!("{output}{file}"),
    };
    let threshold = match setting("errorThreshold").as_str() {
        "-1" => "-1 (failed mini-batches are ignored)".to_owned(),
        t => t.to_owned(),
    };
    Some(view! {
        <section class="card card--wide" aria-label="Batch scoring">
            <h2>"Batch scoring"</h2>
            <dl class="props">
                {prop_view("Batch endpoint", view! { <a href=href>{endpoint}</a> })}
                {prop("Deployment", setting("deploymentName"))}
                {prop_view("Model", model_link(&setting("modelId")))}
                {prop("Compute", compute)}
                {prop("Mini-batch size", format!("{} file(s)", setting("miniBatchSize")))}
                {prop("Error threshold", threshold)}
                {prop("Output action", output_action_label(&action).to_owned())}
                {prop("Predictions", predictions)}
            </dl>
            <h3>"Input"</h3>
            {key_values(inputs, "Inputs", "No input.")}
        </section>
    })
}
