//! `/jobs/create`: "Submit a job from YAML". A command job file (`az ml job create -f`),
//! pasted or uploaded, is read as the CLI reads it and checked by the engine; a `code:` folder
//! on this computer is chosen here and uploaded first, to workspaceblobstore's
//! `LocalUpload/<job>/<folder>/` as the CLI does; then the job is submitted and its page opens.

use crate::components::{guard_close, picked_files, ImportSummary, Picked, TextField, YamlFile};
use crate::router::{leave_held, leave_to, release_page};
use crate::shell::Breadcrumbs;
use crate::store::{use_store, Upload};
use azimuth_core::jobs::command::JobSpec;
use azimuth_core::jobs::job::check_job_name;
use azimuth_core::jobs::names::job_name;
use azimuth_core::jobs::yaml::{job_from_yaml, ImportedJob};
use azimuth_core::workspace::roles::Action;
use leptos::prelude::*;

/// The datastore a job's local code goes to, as the CLI sends it.
const CODE_STORE: &str = "workspaceblobstore";

fn random_name() -> String {
    let mut bytes = [0u8; 12];
    for b in &mut bytes {
        *b = (js_sys::Math::random() * 256.0) as u8;
    }
    job_name(bytes)
}

/// What the file will submit, in the studio's words.
fn summary(job: &ImportedJob, name: &str) -> Vec<(&'static str, String)> {
    let p = &job.body["properties"];
    let text = |key: &str| p[key].as_str().unwrap_or_default().to_owned();
    let count = |key: &str| p[key].as_object().map_or(0, |m| m.len());
    let mut lines = vec![
        ("Job name", name.to_owned()),
        ("Display name", text("displayName")),
        (
            "Experiment",
            p["experimentName"].as_str().unwrap_or("Default").to_owned(),
        ),
        ("Command", text("command")),
        ("Environment", text("environmentId")),
        (
            "Compute",
            p["computeId"].as_str().unwrap_or("Serverless").to_owned(),
        ),
    ];
    lines.push((
        "Code",
        match &job.local_code {
            Some(folder) => {
                format!("{folder} from this computer, uploaded to {CODE_STORE}/LocalUpload/{name}/")
            }
            None => text("codeId"),
        },
    ));
    let plural = |n: usize, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    lines.push((
        "Inputs and outputs",
        format!(
            "{}, {}",
            plural(count("inputs"), "input"),
            plural(count("outputs"), "output")
        ),
    ));
    if let Some(t) = p["limits"]["timeout"].as_str() {
        lines.push(("Timeout", t.to_owned()));
    }
    lines
}

/// The "Submit a job from YAML" page.
#[component]
pub fn CreateJobPage() -> impl IntoView {
    let store = use_store();
    let text = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let suggested = StoredValue::new(random_name());
    let files = RwSignal::new_local(Vec::<Picked>::new());
    let input = NodeRef::<leptos::html::Input>::new();
    let sending = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let unsaved = Signal::derive(move || !text.with(|t| t.trim().is_empty()));
    let guard = guard_close(unsaved, Callback::new(move |_| leave_held("/jobs/all")));
    let parsed = Memo::new(move |_| {
        let text = text.get();
        (!text.trim().is_empty()).then(|| {
            let job = job_from_yaml(&text).map_err(|e| e.to_string())?;
            JobSpec::from_properties(&job.body["properties"])
                .map_err(|e| e.message().to_owned())?;
            Ok::<_, String>(job)
        })
    });
    // The file's name, unless the person typed another; a name of our own otherwise.
    let chosen = move || {
        let typed = name.get().trim().to_owned();
        if !typed.is_empty() {
            return typed;
        }
        match parsed.get() {
            Some(Ok(ImportedJob { name: Some(n), .. })) => n,
            _ => suggested.get_value(),
        }
    };
    let summary_lines = Signal::derive(move || {
        parsed.get().map(|r| {
            let name = chosen();
            check_job_name(&name).map_err(|e| e.message().to_owned())?;
            r.map(|job| summary(&job, &name))
        })
    });
    let needs_code = Signal::derive(move || {
        matches!(
            parsed.get(),
            Some(Ok(ImportedJob {
                local_code: Some(_),
                ..
            }))
        )
    });
    let on_create = Callback::new(move |_| {
        let Some(Ok(mut job)) = parsed.get_untracked() else {
            return;
        };
        let job_name = chosen();
        sending.set(true);
        failure.set(None);
        leptos::task::spawn_local(async move {
            if job.local_code.is_some() {
                let picked = files.get_untracked();
                let top = picked
                    .first()
                    .and_then(|p| p.relative.split('/').next())
                    .unwrap_or_default()
                    .to_owned();
                for p in &picked {
                    let at = format!("LocalUpload/{job_name}/{}", p.relative);
                    if let Err(e) = store
                        .upload_file(CODE_STORE, &at, &p.file, true, Upload::new())
                        .await
                    {
                        failure.set(Some(format!("{} The job was not submitted.", e.message())));
                        sending.set(false);
                        return;
                    }
                }
                job.body["properties"]["codeId"] = format!(
                    "azureml://datastores/{CODE_STORE}/paths/LocalUpload/{job_name}/{top}/"
                )
                .into();
            }
            let sent = store.submit_job(&job_name, &job.body).await;
            sending.set(false);
            match sent {
                Ok(_) => {
                    release_page();
                    leave_to(&format!("/jobs/runs/{job_name}"));
                }
                Err(e) => failure.set(Some(e.message().to_owned())),
            }
        });
    });
    let blocked = Signal::derive(move || {
        store
            .refusal(Action::WriteJobs)
            .or_else(|| match summary_lines.get() {
                None => Some("Paste or upload a command job YAML file first.".into()),
                Some(Err(_)) => Some("Fix the file first.".into()),
                Some(Ok(_)) if needs_code.get() && files.with(Vec::is_empty) => {
                    Some("Choose the code folder the file names first.".into())
                }
                Some(Ok(_)) => None,
            })
    });
    view! {
        <Breadcrumbs items=vec![("Jobs".into(), "/jobs".into()), ("Submit from YAML".into(), "".into())] />
        <header class="page-header">
            <h1>"Submit a job from YAML"</h1>
        </header>
        <p class="muted tab-intro">
            "An Azure ML CLI v2 command job file, as " <code>"az ml job create -f"</code>
            {if store.is_shared() {
                " takes it. Its command runs on this server in a sandbox, with the server's Python (no image is pulled); what it logs with mlflow lands in the job."
            } else {
                " takes it. This workspace is kept in your browser, which runs no commands: the job is kept, with its code, and waits as Queued. On azimuth-server started with --job-runner local it runs."
            }}
        </p>
        <YamlFile text placeholder="$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json\ncode: src\ncommand: python train.py --C ${{inputs.C}}\ninputs:\n  C: 0.8\nenvironment: azureml:AzureML-sklearn-1.0-ubuntu20.04-py38-cpu@latest\nexperiment_name: my-experiment" />
        <TextField label="Job name" id="job-name" value=name placeholder=suggested.get_value() hint="Letters, digits, '-' and '_'. Leave it empty to use the file's name, or the one shown." />
        <Show when=move || needs_code.get()>
            <label class="field">
                <span class="field__label">{move || format!("Code folder ({})", parsed.get().and_then(Result::ok).and_then(|j| j.local_code).unwrap_or_default())}</span>
                <input node_ref=input type="file" prop:webkitdirectory=true multiple=true on:change=move |_| {
                    if let Some(el) = input.get() {
                        files.set(picked_files(&el));
                    }
                } />
                <span class="field__hint">{move || {
                    let n = files.with(Vec::len);
                    if n == 0 { "The file's code: is a folder on your computer; choose it to upload it with the job.".to_owned() } else { format!("{n} file{} chosen.", if n == 1 { "" } else { "s" }) }
                }}</span>
            </label>
        </Show>
        {move || failure.get().map(|e| view! { <div class="message-bar message-bar--error" role="alert">{e}</div> })}
        <ImportSummary summary=summary_lines blocked sending on_create guard create_label="Submit" />
    }
}
