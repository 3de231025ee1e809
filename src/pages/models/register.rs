//! The "Register a model" wizard (`/models/register`), in the studio's steps: Model type
//! (MLflow, Unspecified type, Triton), Source (`sources.rs`; a YAML file fills in the other
//! steps), Model settings (name, version defaulting to the model's next, description, tags;
//! checked in `checks.rs`) and Review. The address's `?job=`, `?path=` and `?type=` fill in a
//! job's output, so a job's page links here; `?name=` adds a version to a model. Files from this
//! computer go up first; the version is registered only once all are stored, and whatever the
//! store refuses is shown beside Register.

use super::checks::Checks;
use super::sources::{source_step, upload_files, Source, UPLOAD_STORE};
use super::yaml_source::YamlRead;
use super::{tags_view, type_label};
use crate::components::{
    guard_close, prop, prop_view, radio_card, Appearance, Button, Dialog, DiscardPrompt,
    GuardedClose, Picked, TagList, TagsEditor, TextField, WizardSteps,
};
use crate::router::{leave_to, query_param};
use crate::store::{use_store, Store, Upload};
use azimuth_core::models::yaml::ImportedModel;
use azimuth_core::models::{model_type, ModelVersionProperties, ModelVersionResource};
use azimuth_core::workspace::roles::Action;
use leptos::prelude::*;

const STEPS: [&str; 4] = ["Model type", "Source", "Model settings", "Review"];

/// The model types, with their labels and notes.
const TYPES: [(&str, &str); 3] = [
    (
        "mlflow_model",
        "A folder an MLflow run logged, holding its MLmodel file (mlflow_model)",
    ),
    (
        "custom_model",
        "Any files: a pickle, weights, a scoring script (custom_model)",
    ),
    (
        "triton_model",
        "A Triton Inference Server model repository (triton_model)",
    ),
];

/// A job's named outputs (each one's name and type), or why they could not be read.
pub type JobOutputs = Result<Vec<(String, String)>, String>;

/// What the wizard holds; cheap to copy into closures.
#[derive(Clone, Copy)]
pub struct RegisterForm {
    /// The model type, as azure-ai-ml spells it.
    pub kind: RwSignal<&'static str>,
    /// Where the files come from.
    pub source: RwSignal<Source>,
    /// The job whose output holds the model.
    pub job: RwSignal<String>,
    /// The path in the job's outputs.
    pub job_path: RwSignal<String>,
    /// The job's named outputs, once read (or why they could not be).
    pub outputs: RwSignal<Option<JobOutputs>>,
    /// The datastore of a datastore path.
    pub datastore: RwSignal<String>,
    /// The path in it.
    pub path: RwSignal<String>,
    /// Files picked on this computer.
    pub files: RwSignal<Vec<Picked>, LocalStorage>,
    /// The YAML file read, once one is chosen.
    pub yaml: RwSignal<Option<YamlRead>>,
    /// The time the upload's folder is named by.
    pub stamp: StoredValue<String>,
    /// The model's name.
    pub name: RwSignal<String>,
    /// The version to register.
    pub version: RwSignal<String>,
    /// Its description.
    pub description: RwSignal<String>,
    /// Its tags.
    pub tags: TagList,
}

impl RegisterForm {
    /// The model the YAML file gives, when that is the source and it was read (reactive).
    pub fn yaml_model(&self) -> Option<ImportedModel> {
        match self.source.get() {
            Source::Yaml => self.yaml.with(|y| y.as_ref()?.model.clone().ok()),
            _ => None,
        }
    }

    /// Whether the files picked on this computer are uploaded on Register (reactive).
    pub fn uploads(&self) -> bool {
        match self.source.get() {
            Source::Local => true,
            Source::Yaml => self.yaml_model().is_some_and(|m| m.local.is_some()),
            _ => false,
        }
    }
}

crate::lazy_page! {
    /// The wizard, in a chunk of its own.
    pub(crate) register_model_wizard in model_register => |_| view! { <RegisterModelWizard /> }.into_any()
}

/// The form, filled in from the address.
fn form_from_address(now: i64) -> RegisterForm {
    let asked = |key: &str| query_param(key).unwrap_or_default();
    let kind = query_param("type")
        .and_then(|t| model_type(&t))
        .unwrap_or("mlflow_model");
    let job = asked("job");
    RegisterForm {
        kind: RwSignal::new(kind),
        source: RwSignal::new(if job.is_empty() {
            Source::Local
        } else {
            Source::Job
        }),
        job: RwSignal::new(job),
        job_path: RwSignal::new(asked("path")),
        outputs: RwSignal::new(None),
        datastore: RwSignal::new(UPLOAD_STORE.to_owned()),
        path: RwSignal::new(String::new()),
        files: RwSignal::new_local(Vec::new()),
        yaml: RwSignal::new(None),
        stamp: StoredValue::new(crate::pages::data::upload_stamp(now)),
        name: RwSignal::new(asked("name")),
        version: RwSignal::new(String::new()),
        description: RwSignal::new(String::new()),
        tags: TagList::new(&Default::default()),
    }
}

/// How far a registration is: its uploads, whether it is under way, and what went wrong.
#[derive(Clone, Copy)]
struct Progress {
    uploads: RwSignal<Vec<(String, Upload)>>,
    registering: RwSignal<bool>,
    failure: RwSignal<Option<String>>,
}

/// The version to register, as the form says (with a YAML file's stage, properties and job).
fn version_body(form: RegisterForm, model_uri: String) -> ModelVersionResource {
    let base = untrack(|| form.yaml_model())
        .map(|m| m.resource.properties)
        .unwrap_or_default();
    ModelVersionResource {
        properties: ModelVersionProperties {
            model_type: form.kind.get_untracked().into(),
            model_uri,
            description: Some(form.description.get_untracked().trim().to_owned())
                .filter(|d| !d.is_empty()),
            tags: untrack(|| form.tags.map()),
            ..base
        },
        ..ModelVersionResource::default()
    }
}

/// Uploads the files from this computer (if any), then registers the version; leaves the
/// wizard once it is registered, or says why not beside Register.
fn register(store: Store, form: RegisterForm, model_uri: String, p: Progress, guard: GuardedClose) {
    p.failure.set(None);
    p.registering.set(true);
    let name = form.name.get_untracked().trim().to_owned();
    let version = form.version.get_untracked().trim().to_owned();
    let body = version_body(form, model_uri);
    let uploads = untrack(|| form.uploads());
    leptos::task::spawn_local(async move {
        if uploads {
            if let Err(e) = upload_files(store, form, p.uploads).await {
                p.failure
                    .set(Some(format!("{} No model was registered.", e.message())));
                p.registering.set(false);
                return;
            }
        }
        let registered = store.register_model_version(&name, &version, body).await;
        p.registering.set(false);
        match registered {
            Ok(()) => guard.leave.run(()),
            Err(e) => p.failure.set(Some(e.message().to_owned())),
        }
    });
}

/// The Model type step.
fn type_step(form: RegisterForm) -> impl IntoView {
    view! {
        <fieldset class="radio-group">
            <legend>"Model type"</legend>
            {TYPES.map(|(kind, note)| radio_card("model-type", move || form.kind.get() == kind, move || form.kind.set(kind), type_label(kind), note))}
        </fieldset>
    }
}

/// The Model settings step.
fn settings_step(form: RegisterForm, checks: Checks) -> impl IntoView {
    view! {
        <TextField label="Name" id="model-name" value=form.name required=true error=checks.name_error hint="Letters, digits, '-', '_' and '.'. An existing model's name adds a version to it." />
        <p class="muted" aria-live="polite">{move || checks.exists.get().then(|| format!("{} exists: this registers its version {}.", form.name.get().trim(), checks.next.get()))}</p>
        <TextField label="Version" id="model-version" value=form.version required=true error=checks.version_error hint="The model's next version unless you choose another." />
        <TextField label="Description" id="model-description" value=form.description multiline=true />
        <div class="field">
            <span class="field__label">"Tags"</span>
            <TagsEditor tags=form.tags />
        </div>
    }
}

/// The Review step, with each upload's progress once Register is selected.
fn review_step(form: RegisterForm, checks: Checks, p: Progress) -> impl IntoView {
    view! {
        <dl class="props props--review">
            {prop_view("Model type", move || type_label(form.kind.get()).to_owned())}
            {prop_view("Source", move || form.source.get().label())}
            {prop_view("Path", view! { <code>{move || checks.target.get().unwrap_or_else(|e| e)}</code> })}
            {prop_view("Name", move || form.name.get())}
            {prop_view("Version", move || form.version.get())}
            {prop_view("Description", move || form.description.get())}
            {prop_view("Tags", move || tags_view(&form.tags.map()))}
            {yaml_rows(form)}
        </dl>
        <ul class="uploads" aria-label="Uploads">
            {move || p.uploads.get().into_iter().map(|(file, u)| view! {
                <li class="upload">
                    <span class="upload__name">{file.clone()}</span>
                    <progress max="100" aria-label=format!("Uploading {file}") prop:value=move || { let t = u.total.get(); if t > 0.0 { (u.sent.get() / t * 100.0) as u32 } else { 0 } }></progress>
                </li>
            }).collect_view()}
        </ul>
    }
}

/// What a YAML file gives beyond the Model settings: the file (and its local path), the stage
/// and properties.
fn yaml_rows(form: RegisterForm) -> impl IntoView {
    move || {
        let file = form.yaml.with(|y| y.as_ref().map(|r| r.file.clone()))?;
        let m = form.yaml_model()?;
        let props = m.resource.properties;
        let listed: Vec<String> = props
            .properties
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect();
        let file = match m.local {
            Some(path) => format!("{file} (path: {path})"),
            None => file,
        };
        Some(view! {
            {prop("YAML file", file)}
            {props.stage.map(|s| prop("Stage", s))}
            {(!listed.is_empty()).then(|| prop("Properties", listed.join(", ")))}
        })
    }
}

/// The wizard dialog, at `/models/register`.
#[component]
pub fn RegisterModelWizard() -> impl IntoView {
    let store = use_store();
    let form = form_from_address(store.now());
    let step = RwSignal::new(0usize);
    let tried = RwSignal::new(false);
    let p = Progress {
        uploads: RwSignal::new(Vec::new()),
        registering: RwSignal::new(false),
        failure: RwSignal::new(None),
    };
    let checks = Checks::new(store, form, tried);
    let unsaved = Signal::derive(move || {
        !form.name.get().is_empty()
            || !form.files.with(Vec::is_empty)
            || !form.path.get().is_empty()
            || !form.tags.is_empty()
            || form.yaml.with(Option::is_some)
    });
    let guard = guard_close(unsaved, Callback::new(|_| leave_to("/models")));
    // A file chosen anew (a YAML file, files to upload) answers what Register said was wrong.
    Effect::new(move |_| {
        form.yaml.track();
        form.files.track();
        p.failure.set(None);
    });
    let step_error = move |i: usize| match STEPS[i] {
        "Source" => checks.target_error.get(),
        "Model settings" => checks.settings_error.get(),
        _ => None,
    };
    // A step with a problem is shown with it; otherwise the files go up and the version is sent.
    let on_register = move |_| {
        tried.set(true);
        if let Some((i, e)) = (0..STEPS.len()).find_map(|i| step_error(i).map(|e| (i, e))) {
            step.set(i);
            p.failure.set(Some(e));
        } else if let Ok(uri) = checks.target.get_untracked() {
            register(store, form, uri, p, guard);
        }
    };
    let cancel_uploads = move |_| {
        p.uploads
            .with_untracked(|u| u.iter().for_each(|(_, u)| u.cancel()))
    };
    let title = move || STEPS[step.get().min(STEPS.len() - 1)];
    let panel = move || match title() {
        "Model type" => type_step(form).into_any(),
        "Source" => source_step(form).into_any(),
        "Model settings" => settings_step(form, checks).into_any(),
        _ => review_step(form, checks, p).into_any(),
    };
    let step_errors = move |i: usize| tried.get() && step_error(i).is_some();
    view! {
        <Dialog title="Register a model" class="dialog--wizard" on_close=guard.request keep_on_outside_click=true>
            <div class="wizard">
                <WizardSteps titles=&STEPS current=step select=Callback::new(move |i| step.set(i)) has_errors=Callback::new(step_errors) />
                <div class="wizard__panel" role="tabpanel" id="wizard-panel" aria-label=title>
                    <h3 class="wizard__panel-title">{title}</h3>
                    {panel}
                </div>
            </div>
            <div class="dialog__actions wizard__footer model-register__footer">
                <Show when=move || { step.get() + 1 >= STEPS.len() } fallback=move || view! { <Button appearance=Appearance::Primary on_click=move |_| step.update(|s| *s += 1)>"Next"</Button> }>
                    <Button appearance=Appearance::Primary blocked=Signal::derive(move || store.refusal(Action::WriteModels)) disabled=p.registering on_click=on_register>"Register"</Button>
                </Show>
                <Show when=move || { step.get() > 0 }>
                    <Button on_click=move |_| step.update(|s| *s -= 1)>"Back"</Button>
                </Show>
                <Show when=move || p.registering.get() && form.uploads() fallback=move || view! { <Button on_click=move |_| guard.request.run(())>"Cancel"</Button> }>
                    <Button on_click=cancel_uploads>"Cancel upload"</Button>
                </Show>
                <Show when=move || p.failure.with(Option::is_some)>
                    <div class="message-bar message-bar--error model-register__failure" role="alert">{move || p.failure.get().unwrap_or_default()}</div>
                </Show>
            </div>
            <DiscardPrompt guard title="Discard the new model?" />
        </Dialog>
    }
}
