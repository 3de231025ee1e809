//! The batch endpoint wizard's steps: Endpoint (name, checked as it is typed, and
//! description), Model (the online wizard's list), Deployment (its name, mini-batches, output
//! and error threshold), Compute (the workspace's clusters, or where to create one) and Review
//! (what will be made, and the deployment's CLI YAML).

use super::form::BatchForm;
use super::output_action_label;
use crate::components::{prop, prop_view, radio_card, CodeView, TextField};
use crate::store::Store;
use azimuth_core::compute::cluster::is_cluster;
use azimuth_core::endpoints::batch::yaml::batch_deployment_yaml;
use azimuth_core::endpoints::deployments::parse_model_reference;
use leptos::prelude::*;

/// The Endpoint step: the new endpoint's name and description.
pub fn endpoint_step(store: Store, form: BatchForm) -> impl IntoView {
    let name_error = Signal::derive(move || form.endpoint_name_error(store));
    view! {
        <p class="muted">"A batch endpoint takes jobs: each scores a data asset or a folder of files with the endpoint's default deployment (or the one a job names). Callers sign in with their own Microsoft Entra ID token."</p>
        <TextField label="Endpoint name" id="batch-endpoint-name" value=form.endpoint_name required=true error=name_error
            hint="3 to 32 letters, digits and hyphens, starting with a letter and ending with a letter or digit; unique among the region's batch and real-time endpoints." />
        <TextField label="Description" id="batch-endpoint-description" value=form.description multiline=true />
    }
}

/// The Deployment step: its name, how input is split, where predictions go, failures allowed.
pub fn deployment_step(form: BatchForm) -> impl IntoView {
    let name_error = Signal::derive(move || form.deployment_name_error());
    let size_error = Signal::derive(move || form.mini_batch_size().err());
    let file_error = Signal::derive(move || form.output_file_error());
    let threshold_error = Signal::derive(move || form.error_threshold().err());
    let action = move |value: &'static str, note: &'static str| {
        radio_card(
            "batch-output-action",
            move || form.output_action.get() == value,
            move || form.output_action.set(value),
            output_action_label(value),
            note,
        )
    };
    view! {
        <TextField label="Deployment name" id="batch-deployment-name" value=form.deployment required=true error=name_error
            hint="The same rule as an endpoint's name; the first deployment becomes the endpoint's default." />
        <TextField label="Mini-batch size" id="batch-mini-batch-size" value=form.mini_batch_size required=true error=size_error
            hint="How many files each mini-batch scores at once." />
        <fieldset class="radio-group">
            <legend>"Output action"</legend>
            {action("AppendRow", "Every prediction is appended to the output file, with its row and file.")}
            {action("SummaryOnly", "Only the job's summary is kept: no output file of predictions.")}
        </fieldset>
        <TextField label="Output file name" id="batch-output-file" value=form.output_file_name required=true error=file_error />
        <TextField label="Error threshold" id="batch-error-threshold" value=form.error_threshold required=true error=threshold_error
            hint="How many mini-batches may fail before the job fails; -1 ignores failures." />
    }
}

/// One compute cluster, as the Compute step lists it.
#[derive(Clone, Debug, PartialEq)]
struct Cluster {
    name: String,
    size: String,
    nodes: String,
}

/// The Compute step: the workspace's compute clusters with a radio each, and the instance count.
pub fn compute_step(store: Store, form: BatchForm) -> impl IntoView {
    let clusters = Memo::new(move |_| {
        store.workspace.with(|w| {
            w.computes
                .iter()
                .filter(|c| is_cluster(&c.resource))
                .map(|c| {
                    let p = &c.resource.properties.properties;
                    let max = p
                        .scale_settings
                        .as_ref()
                        .map(|s| s.max_node_count)
                        .unwrap_or(0);
                    Cluster {
                        name: c.resource.name.clone(),
                        size: p.vm_size.clone(),
                        nodes: format!("{max}"),
                    }
                })
                .collect::<Vec<_>>()
        })
    });
    let count_error = Signal::derive(move || form.instance_count().err());
    let rows = move || {
        clusters
            .get()
            .into_iter()
            .map(|c| {
                let (name, pick) = (c.name.clone(), c.name.clone());
                view! {
                    <tr>
                        <td>
                            <input type="radio" name="batch-compute" aria-label=c.name.clone()
                                prop:checked=move || form.compute.with(|n| *n == name)
                                on:change=move |_| form.compute.set(pick.clone()) />
                        </td>
                        <td>{c.name}</td>
                        <td>{c.size}</td>
                        <td class="data-table__number">{c.nodes}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <p class="muted">"The deployment's jobs run on a compute cluster of this workspace (the scoring itself runs on azimuth-server's machine)."</p>
        <Show when=move || clusters.with(Vec::is_empty)>
            <div class="message-bar message-bar--warning" role="status">
                "This workspace has no compute cluster. "
                <a href=crate::router::href("/compute/create/cluster")>"Create a compute cluster"</a>
                " on the Compute page, then come back."
            </div>
        </Show>
        <div class="table-wrap table-wrap--short">
            <table class="data-table data-table--compact" aria-label="Compute clusters">
                <thead><tr>
                    <th scope="col"><span class="visually-hidden">"Select"</span></th>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Virtual machine size"</th>
                    <th scope="col">"Maximum nodes"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <p class="field__error" role="alert">{move || form.tried.get().then(|| form.compute_error(store)).flatten().unwrap_or_default()}</p>
        <TextField label="Instance count" id="batch-instance-count" value=form.instance_count required=true error=count_error
            hint="How many of the cluster's nodes a job uses." />
    }
}

/// The Review step: what will be made, and the deployment's CLI YAML.
pub fn review_step(store: Store, form: BatchForm) -> impl IntoView {
    let model = move || {
        parse_model_reference(&form.model.get())
            .map(|(m, v)| format!("{m}:{v}"))
            .unwrap_or_default()
    };
    let yaml = Signal::derive(move || {
        form.model.track();
        form.compute.track();
        let endpoint = form.endpoint_name.get().trim().to_owned();
        let mut body = form.deployment_body(store);
        body.name = form.deployment.get().trim().to_owned();
        batch_deployment_yaml(&endpoint, &body)
    });
    view! {
        <dl class="props props--review">
            {prop_view("Endpoint", move || form.endpoint_name.get().trim().to_owned())}
            {prop("Authentication type", "Microsoft Entra ID token".to_owned())}
            {prop_view("Model", model)}
            {prop_view("Deployment", move || form.deployment.get().trim().to_owned())}
            {prop_view("Compute", move || form.compute.get())}
            {prop_view("Mini-batch size", move || form.mini_batch_size.get())}
            {prop_view("Output action", move || output_action_label(form.output_action.get()).to_owned())}
            {prop_view("Output file name", move || form.output_file_name.get())}
            {prop_view("Error threshold", move || form.error_threshold.get())}
        </dl>
        <CodeView title="Deployment YAML" code=yaml file_name=Signal::derive(move || format!("{}.yml", form.deployment.get().trim())) />
    }
}
