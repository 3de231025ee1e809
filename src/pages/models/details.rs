//! A model version's Details tab: its attributes (what, where from, who and when, the job that
//! made it), an MLflow model's flavors, and its signature: the columns it takes and gives, read
//! from the `MLmodel` file in its folder.

use super::{tags_view, type_label};
use crate::components::{format_iso_time, prop, prop_view};
use crate::store::use_store;
use azimuth_core::models::mlmodel::{read_mlmodel, SignatureColumn};
use azimuth_core::models::{FlavorData, ModelVersionResource};
use leptos::prelude::*;
use std::collections::BTreeMap;

/// The Details tab of version `version` of model `name`.
#[component]
pub fn DetailsTab(
    /// The model's name.
    name: String,
    /// The version shown.
    version: ModelVersionResource,
) -> impl IntoView {
    let props = version.properties.clone();
    let system = version.system_data.clone().unwrap_or_default();
    let job = props.job_name.clone().map(|job| {
        let link = crate::router::href(&format!("/jobs/runs/{job}"));
        view! { <a href=link>{job}</a> }
    });
    let mlflow = props.model_type == "mlflow_model";
    view! {
        <div class="details">
            <section class="card" aria-labelledby="model-attributes">
                <h2 id="model-attributes">"Attributes"</h2>
                <dl class="props">
                    {prop("Name", name.clone())}
                    {prop("Version", version.name.clone())}
                    {prop("Type", format!("{} ({})", type_label(&props.model_type), props.model_type))}
                    {prop("Created on", format_iso_time(&system.created_at))}
                    {prop("Created by", system.created_by.clone())}
                    {prop("Modified on", format_iso_time(&system.last_modified_at))}
                    {prop("Description", props.description.clone().unwrap_or_default())}
                    {prop("Stage", props.stage.clone().unwrap_or_default())}
                    {prop("State", if props.is_archived { "Archived" } else { "Active" }.to_owned())}
                    {prop_view("Tags", tags_view(&props.tags))}
                    {prop_view("Job", job.map(IntoAny::into_any).unwrap_or_else(|| view! { <span>"—"</span> }.into_any()))}
                    {prop_view("Path", view! { <code class="model-uri">{props.model_uri.clone()}</code> })}
                    {prop_view("Asset ID", view! { <code>{format!("azureml:{name}:{}", version.name)}</code> })}
                </dl>
            </section>
            <section class="card" aria-labelledby="model-flavors">
                <h2 id="model-flavors">"Flavors"</h2>
                {flavors(&props.flavors)}
            </section>
            {mlflow.then(|| view! { <Signature uri=props.model_uri.clone() /> })}
        </div>
    }
}

/// The flavors as a table: each flavor's settings.
fn flavors(all: &BTreeMap<String, FlavorData>) -> AnyView {
    if all.is_empty() {
        return view! { <p class="muted">"No flavors: only an MLflow model has them, from its MLmodel file."</p> }.into_any();
    }
    view! {
        <table class="data-table model-flavors" aria-label="Flavors">
            <thead><tr><th scope="col">"Flavor"</th><th scope="col">"Settings"</th></tr></thead>
            <tbody>
                {all.iter().map(|(flavor, data)| view! {
                    <tr>
                        <th scope="row">{flavor.clone()}</th>
                        <td class="cell-wrap">
                            <ul class="model-settings">
                                {data.data.iter().map(|(k, v)| view! { <li><code>{format!("{k}: {v}")}</code></li> }).collect_view()}
                            </ul>
                        </td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// One side of a signature, as a table of columns and types.
fn columns(label: &'static str, columns: Vec<SignatureColumn>) -> impl IntoView {
    if columns.is_empty() {
        return view! { <p class="muted">{format!("{label}: none given.")}</p> }.into_any();
    }
    view! {
        <table class="data-table model-signature__table" aria-label=label>
            <caption>{label}</caption>
            <thead><tr><th scope="col">"Name"</th><th scope="col">"Type"</th></tr></thead>
            <tbody>
                {columns.into_iter().map(|c| view! {
                    <tr>
                        <th scope="row">{c.name.unwrap_or_else(|| "(unnamed)".into())}</th>
                        <td>{c.column_type}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// An MLflow model's signature, read from the `MLmodel` file in its folder.
#[component]
fn Signature(uri: String) -> impl IntoView {
    let store = use_store();
    let read = RwSignal::new(None::<Result<(Vec<SignatureColumn>, Vec<SignatureColumn>), String>>);
    leptos::task::spawn_local(async move {
        let answer = async {
            let (datastore, folder) = store
                .model_folder(&uri)
                .await
                .map_err(|e| e.message().to_owned())?;
            let text = store
                .read_mlmodel_file(&datastore, &folder)
                .await
                .map_err(|e| format!("Its MLmodel file could not be read: {}", e.message()))?;
            read_mlmodel(&text)
                .map(|m| (m.inputs, m.outputs))
                .map_err(|e| format!("The model's signature cannot be read: {e}."))
        };
        let answer = answer.await;
        read.try_set(Some(answer));
    });
    view! {
        <section class="card model-signature" aria-labelledby="model-signature">
            <h2 id="model-signature">"MLflow signature"</h2>
            {move || match read.get() {
                None => view! { <p class="muted">"Reading the MLmodel file…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="muted" role="status">{e}</p> }.into_any(),
                Some(Ok((inputs, outputs))) if inputs.is_empty() && outputs.is_empty() => view! {
                    <p class="muted">"This model has no signature: it was logged without one (mlflow infers it from an input_example)."</p>
                }.into_any(),
                Some(Ok((inputs, outputs))) => view! {
                    <div class="model-signature__sides">
                        {columns("Inputs", inputs)}
                        {columns("Outputs", outputs)}
                    </div>
                }.into_any(),
            }}
        </section>
    }
}
