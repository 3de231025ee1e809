//! Where a model registered in the wizard comes from, and its Source step: a job's output (a
//! folder of its files, or one of its named outputs, such as an AutoML job's `best_model`), a
//! datastore path, files from this computer, uploaded into `workspaceblobstore` under
//! `LocalUpload/<time>/<name>/` with the upload the Data wizard uses, or a CLI v2 YAML file
//! (`yaml_source.rs`) that says which of these it is.

use super::register::RegisterForm;
use super::yaml_source::yaml_fields;
use crate::components::{picked_files, radio_card, TextField};
use crate::store::{use_store, Store, Upload};
use azimuth_core::ArmError;
use leptos::prelude::*;
use serde_json::Value;

/// Where the model's files come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// A job's output.
    Job,
    /// A datastore path.
    Datastore,
    /// Files from this computer.
    Local,
    /// An `az ml model create -f` file, whose path is one of the others.
    Yaml,
}

impl Source {
    /// The choice as the Source step labels it.
    pub fn label(self) -> &'static str {
        match self {
            Source::Job => "From a job output",
            Source::Datastore => "From datastore",
            Source::Local => "From local files",
            Source::Yaml => "From a YAML file",
        }
    }
}

/// The datastore files from this computer go to.
pub const UPLOAD_STORE: &str = "workspaceblobstore";

/// The named outputs of a job as ARM answers it: each one's name and type.
pub fn job_outputs(job: &Value) -> Vec<(String, String)> {
    job["properties"]["outputs"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, o)| {
            let kind = o["jobOutputType"].as_str().unwrap_or_default();
            (name.clone(), kind.to_owned())
        })
        .collect()
}

/// The model URI of `path` in job `job`'s outputs: inside one of its named `outputs` when the
/// path starts with that output's name (`azureml://jobs/{job}/outputs/{output}[/paths/...]`),
/// otherwise a folder of its files (`azureml://jobs/{job}/outputs/artifacts/paths/{path}/`).
/// A whole URI (`azureml://...`, `runs:/...`) is taken as it is.
pub fn job_uri(job: &str, path: &str, outputs: &[(String, String)]) -> String {
    let path = path.trim();
    if path.contains(":/") {
        return path.to_owned();
    }
    let path = path.trim_matches('/');
    let (first, rest) = path.split_once('/').unwrap_or((path, ""));
    if outputs.iter().any(|(name, _)| name == first) {
        return match rest {
            "" => format!("azureml://jobs/{job}/outputs/{first}"),
            rest => format!("azureml://jobs/{job}/outputs/{first}/paths/{rest}"),
        };
    }
    format!("azureml://jobs/{job}/outputs/artifacts/paths/{path}/")
}

/// The folder files from this computer go to: `LocalUpload/<time>/<name>/` (`<model name>`
/// until it is given).
pub fn local_folder(stamp: &str, name: &str) -> String {
    let name = match name.trim() {
        "" => "<model name>",
        n => n,
    };
    format!("LocalUpload/{stamp}/{name}/")
}

/// A picked file's path in the model's folder: a picked folder's own name is left out, so its
/// files (its `MLmodel`) are at the top of the model.
fn inside(relative: &str) -> &str {
    relative.split_once('/').map_or(relative, |(_, rest)| rest)
}

/// Uploads the picked files into the model's folder, each with its progress in `uploads`.
pub async fn upload_files(
    store: Store,
    form: RegisterForm,
    uploads: RwSignal<Vec<(String, Upload)>>,
) -> Result<(), ArmError> {
    let folder = local_folder(&form.stamp.get_value(), &form.name.get_untracked());
    let picked = form.files.get_untracked();
    uploads.set(
        picked
            .iter()
            .map(|p| (p.relative.clone(), Upload::new()))
            .collect(),
    );
    for (p, (_, progress)) in picked.iter().zip(uploads.get_untracked()) {
        let at = format!("{folder}{}", inside(&p.relative));
        store
            .upload_file(UPLOAD_STORE, &at, &p.file, false, progress)
            .await?;
    }
    Ok(())
}

/// What the job's outputs are, under the job field.
fn outputs_note(form: RegisterForm) -> impl IntoView {
    move || {
        match form.outputs.get() {
        None => None,
        Some(Err(e)) => Some(view! { <p class="muted" role="status">{format!("{e} The path is taken as a folder of the job's files.")}</p> }.into_any()),
        Some(Ok(o)) if o.is_empty() => Some(view! { <p class="muted">"This job has no named outputs: the path is a folder of its files, as its Outputs + logs tab shows them."</p> }.into_any()),
        Some(Ok(o)) => {
            let names: Vec<String> = o.iter().map(|(n, t)| if t.is_empty() { n.clone() } else { format!("{n} ({t})") }).collect();
            Some(view! { <p class="muted">{format!("Its outputs: {}. A path that starts with an output's name is in that output; any other path is a folder of the job's files.", names.join(", "))}</p> }.into_any())
        }
    }
    }
}

/// The file and folder pickers of files from this computer, and where they will go.
pub fn local_pickers(form: RegisterForm) -> impl IntoView {
    let files_input = NodeRef::<leptos::html::Input>::new();
    let folder_input = NodeRef::<leptos::html::Input>::new();
    let pick = move |input: NodeRef<leptos::html::Input>| {
        if let Some(el) = input.get() {
            form.files.set(picked_files(&el));
        }
    };
    view! {
        <label class="field">
            <span class="field__label">"Files to upload"</span>
            <input node_ref=files_input type="file" multiple on:change=move |_| pick(files_input) />
        </label>
        <label class="field">
            <span class="field__label">"Or a folder to upload"</span>
            <input node_ref=folder_input type="file" multiple prop:webkitdirectory=true on:change=move |_| pick(folder_input) />
        </label>
        <p class="muted">{move || {
            let count = form.files.with(Vec::len);
            let to = local_folder(&form.stamp.get_value(), &form.name.get());
            match count {
                0 => format!("They go to {to} in {UPLOAD_STORE} when you select Register."),
                1 => format!("1 file chosen; it goes to {to} in {UPLOAD_STORE} when you select Register."),
                n => format!("{n} files chosen; they go to {to} in {UPLOAD_STORE} when you select Register."),
            }
        }}</p>
    }
}

/// The Source step.
pub fn source_step(form: RegisterForm) -> impl IntoView {
    let store = use_store();
    let datastores = Memo::new(move |_| {
        store.workspace.with(|w| {
            w.datastores
                .iter()
                .filter(|d| w.datastore_root(&d.resource.name).is_ok())
                .map(|d| d.resource.name.clone())
                .collect::<Vec<_>>()
        })
    });
    let choice = move |s: Source, note: &'static str| {
        radio_card(
            "model-source",
            move || form.source.get() == s,
            move || form.source.set(s),
            s.label(),
            note,
        )
    };
    let fields = move || {
        match form.source.get() {
        Source::Job => view! {
            <TextField label="Job name" id="model-job" value=form.job hint="The job's name (its run id), as its page shows it." />
            <TextField label="Path within its outputs" id="model-job-path" value=form.job_path placeholder="outputs/model" hint="A folder of the job's files, such as outputs/model, or one of its outputs, such as best_model." />
            {outputs_note(form)}
        }
        .into_any(),
        Source::Datastore => view! {
            <div class="field">
                <label class="field__label" for="model-datastore">"Datastore"</label>
                <select id="model-datastore" on:change=move |ev| form.datastore.set(event_target_value(&ev)) prop:value=move || form.datastore.get()>
                    {move || datastores.get().into_iter().map(|d| view! { <option value=d.clone()>{d.clone()}</option> }).collect_view()}
                </select>
            </div>
            <TextField label="Path" id="model-path" value=form.path placeholder="models/diabetes/" hint="The folder that holds the model's files; for an MLflow model, the one with its MLmodel file." />
        }
        .into_any(),
        Source::Local => local_pickers(form).into_any(),
        Source::Yaml => yaml_fields(form).into_any(),
    }
    };
    view! {
        <fieldset class="radio-group">
            <legend>"Source"</legend>
            {choice(Source::Job, "A job's output or a folder of its files, such as the best model of an Automated ML job")}
            {choice(Source::Datastore, "A folder in one of the workspace's datastores")}
            {choice(Source::Local, "Upload a model's files or its folder from this computer")}
            {choice(Source::Yaml, "An az ml model create -f file: its name, version, type, path, description and tags")}
        </fieldset>
        {fields}
    }
}
