//! `/automl/create`: "Submit an Automated ML job", the studio's steps: Training method, Basic
//! settings, Task type & data (a Table data asset, picked or created there: `data.rs`), Task
//! settings (`settings.rs`: target column, primary metric, positive class, models,
//! featurization, limits, validation and test data), Compute, Review. The form's body is checked
//! by the engine as the server checks it; Submit opens the job's page.

use super::data::DataStep;
use super::form::{AutomlForm, ComputeType};
use super::settings::{select, Columns, TaskSettings};
use crate::components::{
    guard_close, radio_card, Appearance, Button, DiscardPrompt, TextField, WizardSteps,
};
use crate::pages::data::first_table;
use crate::router::{leave_held, leave_to, release_page};
use crate::shell::Breadcrumbs;
use crate::store::use_store;
use azimuth_core::compute::{attach::attached_kind, cluster::is_cluster};
use azimuth_core::jobs::names::job_name;
use azimuth_core::ml::sweep::PrimaryMetric;
use azimuth_core::workspace::roles::Action;
use leptos::prelude::*;

const STEPS: &[&str] = &[
    "Training method",
    "Basic settings",
    "Task type & data",
    "Task settings",
    "Compute",
    "Review",
];

fn random_name() -> String {
    let mut bytes = [0u8; 12];
    for b in &mut bytes {
        *b = (js_sys::Math::random() * 256.0) as u8;
    }
    job_name(bytes)
}

/// The "Submit an Automated ML job" page.
#[component]
pub fn NewAutomlJobPage() -> impl IntoView {
    let store = use_store();
    let form = AutomlForm::new(random_name());
    let step = RwSignal::new(0usize);
    let tried = RwSignal::new(false);
    let sending = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let touched = Signal::derive(move || {
        form.data.with(Option::is_some) || !form.experiment.with(String::is_empty)
    });
    let guard = guard_close(touched, Callback::new(move |_| leave_held("/automl")));
    // The experiments there are, for the Basic settings' list.
    let experiments = RwSignal::new(Vec::<String>::new());
    leptos::task::spawn_local(async move {
        if let Ok(all) = store.job_experiments().await {
            experiments.try_set(all.into_iter().map(|e| e.name).collect());
        }
    });
    // The chosen table's first rows: its columns and the target's values.
    let columns: Columns = RwSignal::new(None);
    Effect::new(move |_| {
        let Some((name, version)) = form.data.get() else {
            return;
        };
        columns.set(None);
        let found = store
            .workspace
            .with_untracked(|w| w.data_version(&name, &version).cloned());
        leptos::task::spawn_local(async move {
            let read = match found {
                Some(v) => first_table(store, &v).await.map(|t| (t.columns, t.rows)),
                None => Err(format!("The data asset {name}:{version} no longer exists.")),
            };
            columns.try_set(Some(read));
        });
    });
    let step_error = move |i: usize| match i {
        1 => form.basics_error(),
        2 => form.data_error(),
        3 => form.settings_error(),
        4 => form.compute_error(),
        _ => None,
    };
    let compute_id = move |name: &str| {
        store.workspace.with_untracked(|w| {
            w.computes
                .iter()
                .find(|c| c.resource.name == name)
                .map(|c| c.resource.id.clone())
        })
    };
    let submit = move |_| {
        tried.set(true);
        if let Some(bad) = (1..5).find(|i| step_error(*i).is_some()) {
            step.set(bad);
            return;
        }
        let body = match form.body(compute_id) {
            Ok(body) => body,
            Err(e) => {
                failure.set(Some(e));
                return;
            }
        };
        let name = form.name.get_untracked().trim().to_owned();
        sending.set(true);
        failure.set(None);
        leptos::task::spawn_local(async move {
            let sent = store.submit_job(&name, &body).await;
            sending.set(false);
            match sent {
                Ok(_) => {
                    release_page();
                    leave_to(&format!("/jobs/runs/{name}"));
                }
                Err(e) => failure.set(Some(e.message().to_owned())),
            }
        });
    };

    let method_step = move || {
        view! {
            <fieldset class="radio-group">
                <legend>"Select the training method"</legend>
                {radio_card("automl-method", || true, || (), "Train automatically", "AutoML featurizes the data, trains classifiers with sampled hyperparameters, validates each honestly and ranks them.")}
            </fieldset>
        }
    };
    let basics_step = move || {
        let listed = "automl-experiments";
        view! {
            <TextField label="Job name" id="automl-name" value=form.name required=true hint="Letters, digits, '-' and '_'." />
            <label class="field" for="automl-experiment">
                <span class="field__label">"Experiment name"</span>
                <input id="automl-experiment" class="field__input" list=listed prop:value=move || form.experiment.get() on:input=move |ev| form.experiment.set(event_target_value(&ev)) placeholder="An existing experiment, or a new name" />
                <datalist id=listed>{move || experiments.get().into_iter().map(|e| view! { <option value=e></option> }).collect_view()}</datalist>
                <span class="field__hint">"Choose an existing experiment or type a new name."</span>
            </label>
            <TextField label="Description" id="automl-description" value=form.description multiline=true />
            <TextField label="Tags" id="automl-tags" value=form.tags multiline=true placeholder="course=dp-100" hint="key=value, one per line." />
        }
    };
    let compute_step = move || {
        let kind = form.compute_type.get();
        let names = store.workspace.with(|w| {
            w.computes
                .iter()
                .filter(|c| match kind {
                    ComputeType::Cluster => is_cluster(&c.resource),
                    ComputeType::Instance => {
                        !is_cluster(&c.resource) && attached_kind(&c.resource).is_none()
                    }
                    ComputeType::Serverless => false,
                })
                .map(|c| (c.resource.name.clone(), c.resource.name.clone()))
                .collect::<Vec<_>>()
        });
        view! {
            <fieldset class="radio-group">
                <legend>"Select compute type"</legend>
                {radio_card("automl-compute-type", move || form.compute_type.get() == ComputeType::Serverless, move || form.compute_type.set(ComputeType::Serverless), "Serverless", "No compute to manage.")}
                {radio_card("automl-compute-type", move || form.compute_type.get() == ComputeType::Cluster, move || { form.compute_type.set(ComputeType::Cluster); form.compute.set(String::new()); }, "Compute cluster", "A node is scaled up for the job and held while it trains.")}
                {radio_card("automl-compute-type", move || form.compute_type.get() == ComputeType::Instance, move || { form.compute_type.set(ComputeType::Instance); form.compute.set(String::new()); }, "Compute instance", "A running instance of yours.")}
            </fieldset>
            {(kind != ComputeType::Serverless).then(|| {
                let mut options = vec![(String::new(), "Choose a compute".to_owned())];
                options.extend(names);
                select("Select compute", "automl-compute", form.compute, options, "Trials train on the server's threads; the compute is held for the job as Azure holds it.")
            })}
        }
    };
    let review_step = move || {
        let data = form
            .data
            .get()
            .map_or_else(String::new, |(n, v)| format!("{n}:{v}"));
        let lines = vec![
            ("Job name", form.name.get()),
            ("Experiment", form.experiment.get()),
            ("Task type", "Classification".to_owned()),
            ("Training data", data),
            ("Target column", form.target.get()),
            (
                "Primary metric",
                PrimaryMetric::parse(&form.metric.get())
                    .map_or(String::new(), |m| m.label().to_owned()),
            ),
            ("Max trials", form.max_trials.get()),
            ("Test data", form.test_summary()),
            (
                "Featurization",
                match form.featurization_json()["mode"].as_str() {
                    Some("Custom") => format!(
                        "Custom: {} column types, {} imputers",
                        form.column_types.with(|m| m.len()),
                        form.imputers.with(|m| m.len())
                    ),
                    Some(mode) => mode.to_owned(),
                    None => String::new(),
                },
            ),
            (
                "Compute",
                if form.compute_type.get() == ComputeType::Serverless {
                    "Serverless".to_owned()
                } else {
                    form.compute.get()
                },
            ),
        ];
        view! {
            <dl class="props">
                {lines.into_iter().map(|(k, v)| crate::components::prop(k, v)).collect_view()}
            </dl>
            {(!store.is_shared()).then(|| view! {
                <div class="message-bar" role="status">"This workspace is kept in your browser: this tab trains the job in a Web Worker. Keep the tab open until it ends; closing or reloading it stops the job."</div>
            })}
        }
    };
    let panel = move || match step.get() {
        0 => method_step().into_any(),
        1 => basics_step().into_any(),
        2 => view! { <DataStep form /> }.into_any(),
        3 => view! { <TaskSettings form columns /> }.into_any(),
        4 => compute_step().into_any(),
        _ => review_step().into_any(),
    };
    view! {
        <Breadcrumbs items=vec![("Automated ML".into(), "/automl".into()), ("New Automated ML job".into(), "".into())] />
        <header class="page-header"><h1>"Submit an Automated ML job"</h1></header>
        <div class="wizard wizard--page">
            <WizardSteps titles=STEPS current=step select=Callback::new(move |i| step.set(i)) has_errors=Callback::new(move |i| tried.get() && step_error(i).is_some()) />
            <div class="wizard__panel" role="tabpanel" id="wizard-panel" aria-label=move || STEPS[step.get()]>
                <h3 class="wizard__panel-title">{move || STEPS[step.get()]}</h3>
                {panel}
                {move || (tried.get()).then(|| step_error(step.get())).flatten().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            </div>
        </div>
        <Show when=move || failure.with(Option::is_some)>
            <div class="message-bar message-bar--error" role="alert">{move || failure.get().unwrap_or_default()}</div>
        </Show>
        <div class="wizard__footer page-actions">
            <Show when=move || { step.get() > 0 }>
                <Button on_click=move |_| step.update(|s| *s -= 1)>"Back"</Button>
            </Show>
            <Show when=move || { step.get() + 1 < STEPS.len() } fallback=move || view! {
                <Button appearance=Appearance::Primary blocked=Signal::derive(move || store.refusal(Action::WriteJobs)) disabled=sending on_click=submit>"Submit training job"</Button>
            }>
                <Button appearance=Appearance::Primary on_click=move |_| step.update(|s| *s += 1)>"Next"</Button>
            </Show>
            <Button on_click=move |_| guard.request.run(())>"Cancel"</Button>
        </div>
        <DiscardPrompt guard title="Discard the new Automated ML job?" />
    }
}
