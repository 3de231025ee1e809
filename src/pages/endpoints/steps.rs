//! The Create wizard's steps: Model (the registered versions; those that cannot be deployed
//! listed disabled with the reason), Endpoint (new, with Azure's name rule checked as it is
//! typed, or existing; its authentication), Deployment (name, VM size from the catalogue,
//! instance count, request settings and probes), Traffic and Review.

use super::form::DeployForm;
use super::settings::{settings_fields, settings_lines};
use super::traffic::TrafficEditor;
use super::{auth_label, deploy_refusal};
use crate::components::{format_iso_time, prop, prop_view, radio_card, CodeView, TextField};
use crate::pages::compute::size_picker::{SizePicker, VmKindPicker};
use crate::pages::models::type_label;
use crate::store::Store;
use azimuth_core::compute::catalogue::find_vm_size;
use azimuth_core::endpoints::deployments::{parse_model_reference, MAX_INSTANCES};
use leptos::prelude::*;

/// One registered model version, as the Model step lists it.
#[derive(Clone, Debug, PartialEq)]
struct Choice {
    id: String,
    name: String,
    version: String,
    kind: String,
    created: String,
    refusal: Option<String>,
    algorithm: String,
}

/// The Model step: every registered version, newest first, with a radio each; `model` is the
/// version chosen (its ARM id), `error` what is wrong with it once Next was pressed.
pub fn model_step(
    store: Store,
    model: RwSignal<String>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let choices = Memo::new(move |_| {
        store.workspace.with(|w| {
            w.model_versions
                .iter()
                .rev()
                .map(|v| {
                    let (name, version) = parse_model_reference(&v.id).unwrap_or_default();
                    let algorithm = v
                        .properties
                        .flavors
                        .get("azimuth")
                        .and_then(|f| f.data.get("algorithm").cloned());
                    Choice {
                        id: v.id.clone(),
                        name,
                        version,
                        kind: type_label(&v.properties.model_type).to_owned(),
                        created: format_iso_time(
                            &v.system_data.clone().unwrap_or_default().created_at,
                        ),
                        refusal: deploy_refusal(v),
                        algorithm: algorithm
                            .map(|a| format!("Trained by Azimuth ({a})"))
                            .unwrap_or_default(),
                    }
                })
                .collect::<Vec<_>>()
        })
    });
    let rows = move || {
        choices
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, c)| {
                let reason_id = format!("deploy-model-{i}-reason");
                let id = c.id.clone();
                let checked = {
                    let id = id.clone();
                    move || model.with(|m| *m == id)
                };
                let refused = c.refusal.is_some();
                view! {
                    <tr class:row--muted=refused>
                        <td>
                            <input type="radio" name="deploy-model" aria-label=format!("{}:{}", c.name, c.version)
                                aria-describedby=refused.then(|| reason_id.clone()) disabled=refused
                                prop:checked=checked on:change=move |_| model.set(id.clone()) />
                        </td>
                        <td>{c.name}</td>
                        <td>{c.version}</td>
                        <td>{c.kind}</td>
                        <td>{c.created}</td>
                        <td class="cell-wrap">
                            {match c.refusal {
                                Some(why) => view! { <span class="size-reason" id=reason_id>{why}</span> }.into_any(),
                                None => c.algorithm.into_any(),
                            }}
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <p class="muted">"Deploy a registered model version. Models Automated ML trained are scored without a scoring script or environment, as Azure scores MLflow models."</p>
        <Show when=move || choices.with(Vec::is_empty)>
            <div class="message-bar message-bar--warning" role="status">"No model is registered yet. Train one with Automated ML, then select \"Register model\" on the job's page."</div>
        </Show>
        <div class="table-wrap table-wrap--short">
            <table class="data-table data-table--compact" aria-label="Model versions">
                <thead><tr>
                    <th scope="col"><span class="visually-hidden">"Select"</span></th>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Version"</th>
                    <th scope="col">"Type"</th>
                    <th scope="col">"Created on"</th>
                    <th scope="col">"Deployable"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <p class="field__error" role="alert">{move || error.get().unwrap_or_default()}</p>
    }
}

/// The Endpoint step: a new endpoint (name, authentication, description) or an existing one.
pub fn endpoint_step(store: Store, form: DeployForm) -> impl IntoView {
    let names = Memo::new(move |_| {
        store.workspace.with(|w| {
            w.endpoints
                .iter()
                .map(|e| e.resource.name.clone())
                .collect::<Vec<_>>()
        })
    });
    let none_yet = move || names.with(Vec::is_empty);
    let name_error = Signal::derive(move || form.endpoint_name_error(store));
    let auth_radio = move |mode: &'static str, note: &'static str| {
        radio_card(
            "endpoint-auth",
            move || form.auth.get() == mode,
            move || form.auth.set(mode),
            auth_label(mode),
            note,
        )
    };
    view! {
        <fieldset class="radio-group radio-group--row">
            <legend>"Endpoint"</legend>
            <label class="radio-inline">
                <input type="radio" name="endpoint-kind" prop:checked=move || form.new_endpoint.get() on:change=move |_| form.new_endpoint.set(true) />
                "New"
            </label>
            <label class="radio-inline">
                <input type="radio" name="endpoint-kind" disabled=none_yet prop:checked=move || !form.new_endpoint.get() on:change=move |_| form.new_endpoint.set(false) />
                "Existing"
            </label>
        </fieldset>
        <Show when=move || form.new_endpoint.get() fallback=move || view! {
            <div class="field">
                <label class="field__label" for="existing-endpoint">"Existing endpoint"</label>
                <select id="existing-endpoint" class="field__input" prop:value=move || form.existing.get() on:change=move |ev| form.existing.set(event_target_value(&ev))>
                    {move || names.get().into_iter().map(|n| {
                        let chosen = { let n = n.clone(); move || form.existing.with(|e| *e == n) };
                        view! { <option value=n.clone() prop:selected=chosen>{n.clone()}</option> }
                    }).collect_view()}
                </select>
                <p class="field__hint">"The deployment is added beside the endpoint's others; the Traffic step sets its share."</p>
            </div>
        }>
            <TextField label="Endpoint name" id="endpoint-name" value=form.endpoint_name required=true error=name_error
                hint="3 to 32 letters, digits and hyphens, starting with a letter and ending with a letter or digit; unique in the workspace's region." />
            <fieldset class="radio-group">
                <legend>"Authentication type"</legend>
                {auth_radio("Key", "Callers send one of the endpoint's two keys; keys do not expire.")}
                {auth_radio("AMLToken", "Callers send a token from the endpoint's token action; a token lasts an hour.")}
            </fieldset>
            <TextField label="Description" id="endpoint-description" value=form.description multiline=true />
        </Show>
    }
}

/// The Deployment step: its name, VM size, instance count, and request settings and probes.
pub fn deployment_step(store: Store, form: DeployForm) -> impl IntoView {
    let name_error = Signal::derive(move || form.deployment_name_error(store));
    let count_error = Signal::derive(move || form.count().err());
    let needs = move || {
        let size = find_vm_size(&form.vm.size.get())?;
        let count = form.count().ok()?;
        Some(format!(
            "{count} × {} = {} vCPUs of the {} quota, held while the deployment exists.",
            size.name,
            count * size.vcpus,
            size.family
        ))
    };
    view! {
        <TextField label="Deployment name" id="deployment-name" value=form.deployment required=true error=name_error
            hint="The same rule as an endpoint's name; unique in its endpoint." />
        <VmKindPicker choice=form.vm what="deployment" />
        <SizePicker form=form.vm />
        <TextField label="Instance count" id="instance-count" value=form.count required=true error=count_error
            hint=format!("From 1 to {MAX_INSTANCES}. Requests are shared between the instances.") />
        <p class="muted" aria-live="polite">{needs}</p>
        {settings_fields(form.settings, form.tried)}
    }
}

/// The Traffic step: the endpoint's split once the deployment is there.
pub fn traffic_step(form: DeployForm) -> impl IntoView {
    view! {
        <p class="muted">"Each deployment's share of the endpoint's live traffic. A caller may also pick one deployment with the azureml-model-deployment header."</p>
        <TrafficEditor shares=form.traffic />
    }
}

/// A request body without the empty values a new resource leaves out (`""`, `{}`, `[]`).
fn pruned(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Object(fields) => Value::Object(
            fields
                .into_iter()
                .map(|(k, v)| (k, pruned(v)))
                .filter(|(_, v)| !matches!(v, Value::String(s) if s.is_empty()))
                .filter(|(_, v)| !matches!(v, Value::Object(o) if o.is_empty()))
                .filter(|(_, v)| !matches!(v, Value::Array(a) if a.is_empty()))
                .collect(),
        ),
        other => other,
    }
}

/// The Review step: what will be made, and the deployment's ARM request.
pub fn review_step(store: Store, form: DeployForm) -> impl IntoView {
    let model = move || {
        let id = form.model.get();
        parse_model_reference(&id)
            .map(|(m, v)| format!("{m}:{v}"))
            .unwrap_or_default()
    };
    let endpoint = move || match form.new_endpoint.get() {
        true => format!("{} (new)", form.endpoint()),
        false => format!("{} (existing)", form.endpoint()),
    };
    let traffic = move || match form.traffic.split() {
        Ok(split) => split
            .iter()
            .map(|(k, v)| format!("{k}: {v}%"))
            .collect::<Vec<_>>()
            .join(", "),
        Err(e) => e,
    };
    let deployment = Memo::new(move |_| {
        form.model.track();
        form.vm.size.track();
        form.count.track();
        form.settings.track();
        let location = store.workspace.with(|w| w.resource.location.clone());
        form.deployment_body(location)
    });
    let body = Signal::derive(move || {
        let body = serde_json::to_value(deployment.get()).unwrap_or_default();
        serde_json::to_string_pretty(&pruned(body)).unwrap_or_default()
    });
    let settings = move || {
        deployment.with(|d| settings_lines(&d.properties).map(|(label, line)| prop(label, line)))
    };
    let caption = Signal::derive(move || {
        format!(
            "PUT {}/onlineEndpoints/{}/deployments/{}",
            store.workspace_id(),
            form.endpoint(),
            form.deployment.get().trim()
        )
    });
    view! {
        <dl class="props props--review">
            {prop_view("Model", model)}
            {prop_view("Endpoint", endpoint)}
            {move || form.new_endpoint.get().then(|| prop("Authentication type", auth_label(form.auth.get()).to_owned()))}
            {prop_view("Deployment", move || form.deployment.get())}
            {prop_view("Instance type", move || form.vm.size.get())}
            {prop_view("Instance count", move || form.count.get())}
            {settings}
            {prop_view("Traffic", traffic)}
            {prop("Compute type", "Managed".to_owned())}
        </dl>
        <CodeView title="Deployment ARM request" code=body caption file_name=Signal::derive(move || format!("{}.json", form.deployment.get().trim())) />
    }
}
