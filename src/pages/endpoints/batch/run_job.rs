//! "Create job" on a batch endpoint: the deployment (the default chosen first), the input (a
//! uri_folder or uri_file data asset of the workspace, or a datastore path) and, optionally,
//! the output file's name. Create invokes the endpoint and opens the new job's page; a refusal
//! is shown in the dialog, nothing typed lost.

use super::page::ShownBatch;
use crate::components::{Appearance, Button, Dialog, TextField};
use crate::router::navigate;
use crate::store::{use_store, BatchInput};
use leptos::prelude::*;

/// A data asset version that a batch job can score: its `azureml:` URI, label and input type.
#[derive(Clone, Debug, PartialEq)]
struct InputChoice {
    uri: String,
    label: String,
    input_type: &'static str,
}

/// The JSON input type of a data asset's type, when a batch job scores it.
fn input_type(data_type: &str) -> Option<&'static str> {
    match data_type {
        "uri_folder" => Some("UriFolder"),
        "uri_file" => Some("UriFile"),
        _ => None,
    }
}

/// The "Create job" dialog.
#[component]
pub fn CreateJobDialog(
    /// The endpoint shown.
    shown: ShownBatch,
    /// Closes the dialog.
    close: Callback<()>,
) -> impl IntoView {
    let store = use_store();
    let default = shown.endpoint.with_untracked(|e| {
        e.as_ref()
            .and_then(|e| e.properties.defaults.deployment_name.clone())
            .unwrap_or_default()
    });
    let deployment = RwSignal::new(default);
    let from_asset = RwSignal::new(true);
    let choices = Memo::new(move |_| {
        store.workspace.with(|w| {
            w.data_versions
                .iter()
                .filter(|v| !v.properties.is_archived)
                .filter_map(|v| {
                    let kind = input_type(&v.properties.data_type)?;
                    let asset = v.id.split("/data/").nth(1)?.split('/').next()?.to_owned();
                    Some(InputChoice {
                        uri: format!("azureml:{asset}:{}", v.name),
                        label: format!("{asset}:{} ({})", v.name, v.properties.data_type),
                        input_type: kind,
                    })
                })
                .collect::<Vec<_>>()
        })
    });
    let asset = RwSignal::new(
        choices.with_untracked(|c| c.first().map(|c| c.uri.clone()).unwrap_or_default()),
    );
    let path = RwSignal::new(String::new());
    let path_is_file = RwSignal::new(false);
    let output = RwSignal::new(String::new());
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let input = move || -> Result<BatchInput, String> {
        let (input_type, uri) = if from_asset.get_untracked() {
            let uri = asset.get_untracked();
            let kind =
                choices.with_untracked(|c| c.iter().find(|c| c.uri == uri).map(|c| c.input_type));
            (kind.ok_or("Choose the data asset to score.")?, uri)
        } else {
            let uri = path.get_untracked().trim().to_owned();
            if !uri.starts_with("azureml://datastores/") || !uri.contains("/paths/") {
                return Err(
                    "Type a datastore path as azureml://datastores/<datastore>/paths/<path>."
                        .into(),
                );
            }
            (
                if path_is_file.get_untracked() {
                    "UriFile"
                } else {
                    "UriFolder"
                },
                uri,
            )
        };
        let output = output.get_untracked().trim().to_owned();
        Ok(BatchInput {
            deployment: Some(deployment.get_untracked()).filter(|d| !d.is_empty()),
            input_type: input_type.to_owned(),
            uri,
            output_file_name: (!output.is_empty()).then_some(output),
        })
    };
    let create = move |_| {
        let asked = match input() {
            Ok(asked) => asked,
            Err(why) => return failure.set(Some(why)),
        };
        failure.set(None);
        busy.set(true);
        leptos::task::spawn_local(async move {
            let started = store
                .invoke_batch_endpoint(&shown.name.get_value(), asked)
                .await;
            busy.set(false);
            match started {
                Ok(job) => {
                    close.run(());
                    navigate(&format!("/jobs/runs/{job}"));
                }
                Err(e) => failure.set(Some(e.message().to_owned())),
            }
        });
    };
    let deployment_options = move || {
        shown.deployments.get().into_iter().map(|d| {
            let n = d.name.clone();
            let chosen = move || deployment.with(|c| *c == n);
            view! { <option value=d.name.clone() prop:selected=chosen>{d.name.clone()}</option> }
        }).collect_view()
    };
    let asset_options = move || {
        choices
            .get()
            .into_iter()
            .map(|c| {
                let uri = c.uri.clone();
                let chosen = move || asset.with(|a| *a == uri);
                view! { <option value=c.uri.clone() prop:selected=chosen>{c.label}</option> }
            })
            .collect_view()
    };
    view! {
        <Dialog title="Create job" on_close=close keep_on_outside_click=true>
            <div class="field">
                <label class="field__label" for="batch-job-deployment">"Deployment"</label>
                <select id="batch-job-deployment" class="field__input" on:change=move |ev| deployment.set(event_target_value(&ev))>
                    {deployment_options}
                </select>
            </div>
            <fieldset class="radio-group radio-group--row">
                <legend>"Input data"</legend>
                <label class="radio-inline">
                    <input type="radio" name="batch-job-input" prop:checked=move || from_asset.get() on:change=move |_| from_asset.set(true) />
                    "Data asset"
                </label>
                <label class="radio-inline">
                    <input type="radio" name="batch-job-input" prop:checked=move || !from_asset.get() on:change=move |_| from_asset.set(false) />
                    "Datastore path"
                </label>
            </fieldset>
            <Show when=move || from_asset.get() fallback=move || view! {
                <TextField label="Path" id="batch-job-path" value=path hint="azureml://datastores/workspaceblobstore/paths/<folder>/" />
                <label class="checkbox">
                    <input type="checkbox" prop:checked=move || path_is_file.get() on:change=move |ev| path_is_file.set(event_target_checked(&ev)) />
                    "The path is one file (uri_file), not a folder"
                </label>
            }>
                <div class="field">
                    <label class="field__label" for="batch-job-asset">"Data asset"</label>
                    <select id="batch-job-asset" class="field__input" on:change=move |ev| asset.set(event_target_value(&ev))>
                        {asset_options}
                    </select>
                    <p class="field__hint">{move || if choices.with(Vec::is_empty) {
                        "This workspace has no File (uri_file) or Folder (uri_folder) data asset: create one on the Data page, or choose a datastore path."
                    } else {
                        "A Folder's every file is scored, a mini-batch of files at a time; a File is scored alone."
                    }}</p>
                </div>
            </Show>
            <TextField label="Output file name" id="batch-job-output" value=output hint="Leave empty for the deployment's own (predictions.csv)." />
            <Show when=move || failure.with(Option::is_some)>
                <div class="message-bar message-bar--error" role="alert">{move || failure.get().unwrap_or_default()}</div>
            </Show>
            <div class="dialog__actions">
                <Button appearance=Appearance::Primary disabled=busy on_click=create>"Create"</Button>
                <Button on_click=move |_| close.run(())>"Cancel"</Button>
            </div>
        </Dialog>
    }
}
