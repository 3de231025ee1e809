//! What the "Register a model" wizard checks as it is filled in, before anything is sent: the
//! model's URI from the Source step (or what is missing), the name and version (Azure's rule for
//! asset names; a version that exists already), the tags; and what it fills in: the version the
//! model's next (unless a YAML file names the version), a job's named outputs as its name is
//! typed.

use super::register::RegisterForm;
use super::sources::{job_outputs, job_uri, local_folder, Source, UPLOAD_STORE};
use crate::store::Store;
use azimuth_core::arm::versioned::asset_name_error;
use azimuth_core::data::uri::datastore_uri;
use azimuth_core::models::ModelSource;
use azimuth_core::Workspace;
use leptos::prelude::*;

/// The version model `name` gets next in `w` (1 for a new model).
pub fn next_version(w: &Workspace, name: &str) -> String {
    w.model_container(name)
        .map(|c| {
            c.properties
                .next_version
                .clone()
                .unwrap_or_else(|| w.next_model_version(name))
        })
        .unwrap_or_else(|| "1".into())
}

/// The wizard's checks; cheap to copy into closures.
#[derive(Clone, Copy)]
pub struct Checks {
    /// The version the model gets next (1 for a new model).
    pub next: Memo<String>,
    /// Whether a model of the name entered exists.
    pub exists: Memo<bool>,
    /// What is wrong with the name.
    pub name_error: Signal<Option<String>>,
    /// What is wrong with the version.
    pub version_error: Signal<Option<String>>,
    /// The model's URI, or what is missing for it.
    pub target: Signal<Result<String, String>>,
    /// What is wrong with the Source step.
    pub target_error: Signal<Option<String>>,
    /// What is wrong with the Model settings step.
    pub settings_error: Signal<Option<String>>,
}

impl Checks {
    /// The checks of `form`; a missing name is flagged once the person `tried` to register.
    pub fn new(store: Store, form: RegisterForm, tried: RwSignal<bool>) -> Checks {
        let next = Memo::new(move |_| {
            let name = form.name.get();
            store.workspace.with(|w| next_version(w, name.trim()))
        });
        let exists = Memo::new(move |_| {
            let name = form.name.get();
            store
                .workspace
                .with(|w| w.model_container(name.trim()).is_some())
        });
        let name_error = Signal::derive(move || match form.name.get().trim() {
            "" => tried
                .get()
                .then(|| "Enter a name for the model.".to_owned()),
            n => asset_name_error(n, "name"),
        });
        let version_error = Signal::derive(move || {
            let (name, version) = (form.name.get(), form.version.get());
            let (name, version) = (name.trim(), version.trim());
            let taken = store
                .workspace
                .with(|w| w.model_version(name, version).is_some());
            asset_name_error(version, "version").or_else(|| taken.then(|| format!("Version {version} of {name} exists already, and versions cannot change. Register this one as version {}.", next.get())))
        });
        let target = Signal::derive(move || target(form));
        // Files from this computer go to a folder the wizard names, valid once the model's name
        // is (which Model settings checks).
        let target_error = Signal::derive(move || match target.get() {
            Err(e) => Some(e),
            Ok(_) if form.uploads() => None,
            Ok(uri) => ModelSource::parse(&uri).err(),
        });
        let settings_error = Signal::derive(move || {
            name_error
                .get()
                .or_else(|| version_error.get())
                .or_else(|| form.tags.error())
        });
        follow_next_version(form, next);
        follow_job_outputs(store, form);
        Checks {
            next,
            exists,
            name_error,
            version_error,
            target,
            target_error,
            settings_error,
        }
    }
}

/// The model's URI from the Source step, or what is missing for it.
fn target(form: RegisterForm) -> Result<String, String> {
    match form.source.get() {
        Source::Job => {
            let (job, path) = (form.job.get(), form.job_path.get());
            if job.trim().is_empty() {
                return Err("Enter the name of the job whose output holds the model.".into());
            }
            if path.trim().is_empty() {
                return Err("Enter where the model is in the job's outputs: a folder such as outputs/model, or one of its outputs, such as best_model.".into());
            }
            match form.outputs.get() {
                None => Err("Reading the job's outputs…".into()),
                Some(read) => Ok(job_uri(job.trim(), &path, &read.unwrap_or_default())),
            }
        }
        Source::Datastore => match form.path.get().trim() {
            "" => Err("Enter the path of the model's folder in the datastore.".into()),
            p => Ok(datastore_uri(&form.datastore.get(), p)),
        },
        Source::Local => upload_uri(form, "the model's files or its folder"),
        Source::Yaml => match form.yaml.get() {
            None => Err("Choose the model's YAML file, as az ml model create -f takes it.".into()),
            Some(read) => {
                let model = read
                    .model
                    .map_err(|e| format!("{} cannot be used: {e}", read.file))?;
                match model.local {
                    None => Ok(model.resource.properties.model_uri),
                    Some(path) => {
                        upload_uri(form, &format!("{path}, which the YAML file's path names,"))
                    }
                }
            }
        },
    }
}

/// The URI of the folder the files picked go to, or that `what` is still to be chosen.
fn upload_uri(form: RegisterForm, what: &str) -> Result<String, String> {
    match form.files.with(Vec::is_empty) {
        true => Err(format!("Choose {what} to upload.")),
        false => Ok(datastore_uri(
            UPLOAD_STORE,
            &local_folder(&form.stamp.get_value(), &form.name.get()),
        )),
    }
}

/// Keeps the version at the model's next until the person types another (or a YAML file
/// names one).
fn follow_next_version(form: RegisterForm, next: Memo<String>) {
    let offered = StoredValue::new(String::new());
    Effect::new(move |_| {
        let n = next.get();
        let typed = form.version.get_untracked();
        let named = untrack(|| form.yaml_model()).and_then(|m| m.version);
        if named.as_ref() != Some(&typed) && (typed.is_empty() || typed == offered.get_value()) {
            form.version.set(n.clone());
        }
        offered.set_value(n);
    });
}

/// Reads the job's named outputs again as its name changes (a late answer for a name no longer
/// there is dropped).
fn follow_job_outputs(store: Store, form: RegisterForm) {
    Effect::new(move |_| {
        let job = form.job.get().trim().to_owned();
        form.outputs.set(None);
        if job.is_empty() {
            return;
        }
        leptos::task::spawn_local(async move {
            let read = store.job(&job).await;
            if form.job.try_with_untracked(|j| j.trim() == job) == Some(true) {
                let shown = read
                    .map(|j| job_outputs(&j))
                    .map_err(|e| e.message().to_owned());
                form.outputs.set(Some(shown));
            }
        });
    });
}
