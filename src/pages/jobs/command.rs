//! What a command job's page shows of the job itself (ARM's view of it): why it is where it is
//! (waiting, failed with the end of its log, canceled by whom), its command, environment,
//! compute, inputs and outputs, and its CLI v2 YAML.

use super::job::key_values;
use crate::components::{prop, prop_view};
use azimuth_core::jobs::yaml::job_yaml;
use leptos::prelude::*;
use serde_json::Value;

/// Azure's status of a job, as ARM answers it.
pub fn arm_status(job: &Value) -> Option<String> {
    job["properties"]["status"].as_str().map(str::to_owned)
}

/// Whether a status is an end.
pub fn is_terminal(status: &str) -> bool {
    matches!(
        status,
        "Completed" | "Failed" | "Canceled" | "NotResponding" | "Paused"
    )
}

/// Why the job is where it is, when the server says: a message bar (an error for a failure).
pub fn status_reason(job: &Value) -> impl IntoView {
    let reason = job["properties"]["statusReason"]
        .as_str()
        .filter(|r| !r.is_empty())?;
    let failed = job["properties"]["status"] == "Failed";
    let (first, rest) = reason.split_once('\n').unwrap_or((reason, ""));
    let class = if failed {
        "message-bar message-bar--error"
    } else {
        "message-bar"
    };
    Some(view! {
        <div class=class role=if failed { "alert" } else { "status" }>
            <p>{first.to_owned()}</p>
            {(!rest.is_empty()).then(|| view! { <pre class="log-tail">{rest.to_owned()}</pre> })}
        </div>
    })
}

/// The command job's card: what it runs, where and with what, and its YAML; `on_server` when
/// a server runs it (a browser runs no command).
pub fn command_card(name: &str, job: &Value, on_server: bool) -> impl IntoView {
    let p = &job["properties"];
    let command = p["command"].as_str().unwrap_or_default();
    if command.is_empty() {
        return None;
    }
    let text = |key: &str| p[key].as_str().unwrap_or_default().to_owned();
    let compute = p["computeId"]
        .as_str()
        .map_or("Serverless".to_owned(), |id| {
            id.rsplit('/').next().unwrap_or(id).to_owned()
        });
    let inputs: Vec<(String, String)> = p["inputs"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| {
            let shown = v["value"]
                .as_str()
                .or(v["uri"].as_str())
                .unwrap_or_default();
            (k.clone(), shown.to_owned())
        })
        .collect();
    let outputs: Vec<(String, String)> = p["outputs"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v["uri"].as_str().unwrap_or_default().to_owned()))
        .collect();
    let yaml = job_yaml(name, p);
    Some(view! {
        <section class="card card--wide">
            <h2>"Command"</h2>
            <pre class="code-block"><code>{command.to_owned()}</code></pre>
            <dl class="props">
                {prop_view("Environment", view! {
                    <span>{text("environmentId")}</span>
                    <span class="field__hint props__note">{if on_server {
                        "No image is pulled here: the command runs with the server's Python, in a sandbox on the server's machine."
                    } else {
                        "No image is pulled here: a workspace kept in your browser runs no command; on azimuth-server it runs with the server's Python."
                    }}</span>
                })}
                {prop("Compute", compute)}
                {prop("Timeout", p["limits"]["timeout"].as_str().unwrap_or_default().to_owned())}
                {prop("Code", text("codeId"))}
            </dl>
            <h3>"Inputs"</h3>
            {key_values(inputs, "Inputs", "No inputs.")}
            <h3>"Outputs"</h3>
            {key_values(outputs, "Outputs", "No outputs.")}
            <details class="disclosure">
                <summary>"CLI v2 YAML (az ml job create -f)"</summary>
                <pre class="code-block"><code>{yaml}</code></pre>
            </details>
        </section>
    })
}
