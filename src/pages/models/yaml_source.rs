//! The Source step's "From a YAML file": an `az ml model create -f` file (`model.schema.json`)
//! read by the engine (`azimuth_core::models::yaml`), which fills in the wizard's other steps.
//! Its mistakes are shown with their line and field; what it gives is shown; and when its
//! `path` is on the person's computer, the files that path names are asked for, to be uploaded
//! as "From local files" does. A workspace URI is registered as "From a job output" does.

use super::checks::next_version;
use super::register::RegisterForm;
use super::sources::local_pickers;
use super::{tags_view, type_label};
use crate::components::{file_text, prop, prop_view};
use crate::store::{use_store, Store};
use azimuth_core::models::model_type;
use azimuth_core::models::yaml::{model_from_yaml, ImportedModel};
use leptos::prelude::*;

/// A YAML file read in the Source step: its name, and the model it gives or what is wrong.
#[derive(Clone, Debug, PartialEq)]
pub struct YamlRead {
    /// The file's name.
    pub file: String,
    /// The model it gives, or its mistake (with its line and field).
    pub model: Result<ImportedModel, String>,
}

/// Fills in the wizard from the model a file gives (its type, name, version or the model's
/// next, description and tags); files picked before are let go.
fn fill(store: Store, form: RegisterForm, m: &ImportedModel) {
    let props = &m.resource.properties;
    form.kind
        .set(model_type(&props.model_type).unwrap_or("custom_model"));
    form.name.set(m.name.clone());
    let next = || store.workspace.with_untracked(|w| next_version(w, &m.name));
    form.version.set(m.version.clone().unwrap_or_else(next));
    form.description
        .set(props.description.clone().unwrap_or_default());
    form.tags.set(&props.tags);
    form.files.set(Vec::new());
}

/// Reads the file picked in `input` and fills in the wizard from it.
fn read(store: Store, form: RegisterForm, input: web_sys::HtmlInputElement) {
    let Some(file) = input.files().and_then(|f| f.get(0)) else {
        return;
    };
    leptos::task::spawn_local(async move {
        let model = file_text(&file)
            .await
            .and_then(|text| model_from_yaml(&text).map_err(|e| e.to_string()));
        form.yaml.set(Some(YamlRead {
            file: file.name(),
            model: model.clone(),
        }));
        if let Ok(m) = &model {
            fill(store, form, m);
        }
    });
}

/// The last part of a local path (`model` of `./model/`), or `None` for the file's own folder.
fn named(path: &str) -> Option<&str> {
    let last = path
        .trim_end_matches(['/', '\\'])
        .rsplit(['/', '\\'])
        .next();
    last.filter(|n| !matches!(*n, "" | "."))
}

/// What to pick for local path `path`, then the pickers, and a note when what was picked
/// seems not to be what the path names.
fn local_files(form: RegisterForm, path: String) -> impl IntoView {
    let name = named(&path).map(str::to_owned);
    let is_file = name
        .as_deref()
        .is_some_and(|n| n.contains('.') && !n.starts_with('.'));
    let ask = match (&name, is_file) {
        (Some(n), true) => format!("The file's path, {path}, is a file on the computer the YAML file was written on. Choose {n} to upload it."),
        (Some(n), false) => format!("The file's path, {path}, is a folder on the computer the YAML file was written on. Choose the folder {n}, or the files in it, to upload them."),
        (None, _) => format!("The file's path, {path}, is the folder the YAML file is in. Choose that folder, or the files in it, to upload them."),
    };
    let mismatch = move || {
        let want = name.as_deref()?;
        form.files.with(|picked| {
            let first = |p: &str| p.split('/').next().unwrap_or_default().to_owned();
            let found = picked.iter().any(|p| first(&p.relative) == want);
            let folder = picked.first().filter(|p| p.relative.contains('/'));
            match (found, folder) {
                (true, _) => None,
                (false, Some(p)) => Some(format!(
                    "You chose the folder {}; the YAML file's path names {want}.",
                    first(&p.relative)
                )),
                (false, None) if is_file && !picked.is_empty() => Some(format!(
                    "None of the files chosen is {want}, which the YAML file's path names."
                )),
                _ => None,
            }
        })
    };
    view! {
        <p class="message-bar model-yaml__ask">{ask}</p>
        {local_pickers(form)}
        <p class="field__hint" role="status">{mismatch}</p>
    }
}

/// What a file asks for (its local path's files), then what it gives, as the CLI would
/// register it.
fn given(store: Store, form: RegisterForm, file: String, m: ImportedModel) -> impl IntoView {
    let props = m.resource.properties;
    let next = || store.workspace.with_untracked(|w| next_version(w, &m.name));
    let version = m
        .version
        .unwrap_or_else(|| format!("{}, the model's next (the file names none)", next()));
    let kind = format!("{} ({})", type_label(&props.model_type), props.model_type);
    let path = m.local.clone().unwrap_or(props.model_uri);
    let title = format!("What {file} gives");
    view! {
        {m.local.map(|path| local_files(form, path))}
        <section class="model-yaml" aria-labelledby="model-yaml-title">
            <h4 class="model-yaml__title" id="model-yaml-title">{title}</h4>
            <dl class="props props--review">
                {prop("Name", m.name)}
                {prop("Version", version)}
                {prop("Model type", kind)}
                {prop_view("Path", view! { <code class="model-uri">{path}</code> })}
                {prop("Description", props.description.unwrap_or_default())}
                {prop_view("Tags", tags_view(&props.tags))}
            </dl>
        </section>
    }
}

/// The fields of "From a YAML file": the file, then its mistake or what it gives.
pub fn yaml_fields(form: RegisterForm) -> impl IntoView {
    let store = use_store();
    let shown = move || {
        form.yaml.get().map(|r| match r.model {
            Err(e) => view! {
                <div class="message-bar message-bar--error" role="alert">{format!("{} cannot be used: {e}", r.file)}</div>
            }
            .into_any(),
            Ok(m) => given(store, form, r.file, m).into_any(),
        })
    };
    view! {
        <div class="field">
            <label class="field__label" for="model-yaml">"YAML file"</label>
            <input id="model-yaml" type="file" accept=".yml,.yaml,text/yaml,application/yaml" aria-describedby="model-yaml-hint" on:change=move |ev| read(store, form, event_target(&ev)) />
            <p class="field__hint" id="model-yaml-hint">"A model file as az ml model create -f takes it (model.schema.json). It fills in the model type and settings, which you can still change."</p>
        </div>
        {shown}
    }
}
