//! Scoring in the page, for a workspace kept in this browser (there is no REST endpoint without
//! azimuth-server): the deployment is picked as the server picks it (the one named, else by the
//! traffic split), its model read once from this browser's files and kept, the request scored
//! by the engine's `score`, and the answer shaped as the server's (a JSON array, or MLflow's
//! `error_code` and `message`; the engine's part is a chunk of its own, `scorer.rs`). Each
//! deployment keeps the page's own log lines.

use super::remote::ScoreAnswer;
use super::scorer::{request_scorer, Outcome};
use super::{Part, Store};
use azimuth_core::arm::json::to_json;
use azimuth_core::jobs::automl::record::MODEL_FILE;
use azimuth_core::models::ModelVersionResource;
use azimuth_core::time::format_iso;
use leptos::prelude::*;
use std::cell::RefCell;
use std::collections::HashMap;

/// The largest model file read.
const MODEL_BYTES: u64 = 512 * 1024 * 1024;
/// Log lines kept per deployment.
const LOG_LINES: usize = 1_000;

thread_local! {
    /// Each deployment's log lines, by its id.
    static LOGS: RefCell<HashMap<String, Vec<String>>> = RefCell::new(HashMap::new());
}

fn log(deployment_id: &str, line: String) {
    LOGS.with(|l| {
        let mut logs = l.borrow_mut();
        let lines = logs.entry(deployment_id.to_owned()).or_default();
        if lines.len() == LOG_LINES {
            lines.remove(0);
        }
        lines.push(line);
    });
}

/// The last `tail` lines this page logged for a deployment.
pub(super) fn page_log(deployment_id: &str, tail: usize) -> String {
    LOGS.with(|l| {
        let logs = l.borrow();
        let lines = logs
            .get(deployment_id)
            .map(Vec::as_slice)
            .unwrap_or_default();
        lines[lines.len().saturating_sub(tail)..].join("\n")
    })
}

/// An answer in MLflow's error shape.
fn refusal(status: u16, code: &str, message: impl Into<String>) -> ScoreAnswer {
    let body = serde_json::json!({"error_code": code, "message": message.into()});
    ScoreAnswer {
        status,
        status_text: String::new(),
        body: to_json(&body),
        deployment: None,
    }
}

/// The deployment the traffic split sends a request to, if any gets traffic.
fn draw(traffic: &[(String, u32)]) -> Option<String> {
    let mut left = (js_sys::Math::random() * 100.0) as u32;
    for (name, share) in traffic.iter().filter(|(_, s)| *s > 0) {
        if left < *share {
            return Some(name.clone());
        }
        left -= share;
    }
    None
}

/// A deployment as scoring needs it: its name, id, state and model version.
struct Picked {
    name: String,
    id: String,
    state: String,
    model: Result<ModelVersionResource, String>,
}

/// The deployment of endpoint `endpoint` that answers: `asked`, else the traffic's pick.
fn pick(store: &Store, endpoint: &str, asked: Option<&str>) -> Result<Picked, ScoreAnswer> {
    store.workspace.with_untracked(|w| {
        let e = w
            .endpoint(endpoint)
            .map_err(|e| refusal(404, "ENDPOINT_NOT_FOUND", e.message()))?;
        let traffic: Vec<(String, u32)> = e
            .resource
            .properties
            .traffic
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        let name = match asked.map(str::to_owned).or_else(|| draw(&traffic)) {
            Some(name) => name,
            None => return Err(refusal(424, "NO_DEPLOYMENT", "No deployment gets traffic: give one a share of the endpoint's traffic, or pick one to test.")),
        };
        let d = w
            .deployment(endpoint, &name)
            .map_err(|_| refusal(404, "DEPLOYMENT_NOT_FOUND", format!("The endpoint has no deployment '{name}'.")))?;
        let props = &d.resource.properties;
        Ok(Picked {
            name: d.resource.name.clone(),
            id: d.resource.id.clone(),
            state: props.provisioning_state.clone().unwrap_or_default(),
            model: w
                .model_of(&props.model)
                .cloned()
                .map_err(|e| format!("The deployment's model is gone ({}); deploy a registered model.", e.message())),
        })
    })
}

/// The bytes of a model version's file, read from its folder in this browser's files.
pub(super) async fn model_bytes(
    store: &Store,
    version: &ModelVersionResource,
) -> Result<Vec<u8>, String> {
    let (datastore, folder) = store
        .model_folder(&version.properties.model_uri)
        .await
        .map_err(|e| e.message().to_owned())?;
    let path = match folder.trim_matches('/') {
        "" => MODEL_FILE.to_owned(),
        f => format!("{f}/{MODEL_FILE}"),
    };
    let (bytes, _) = store
        .read_file(&datastore, &path, MODEL_BYTES, Part::Start)
        .await
        .map_err(|e| format!("its file {MODEL_FILE} could not be read: {}", e.message()))?;
    Ok(bytes)
}

/// `request` scored by a deployment of endpoint `endpoint`, in this page.
pub(super) async fn score_here(
    store: &Store,
    endpoint: &str,
    asked: Option<&str>,
    request: &str,
) -> ScoreAnswer {
    let started = super::endpoints::performance_now();
    let d = match pick(store, endpoint, asked) {
        Ok(d) => d,
        Err(refused) => return refused,
    };
    let (answer, rows) = scored(store, &d, request).await;
    let ms = super::endpoints::performance_now() - started;
    let stamp = format_iso(store.now());
    let line = match answer.status {
        200 => format!("{stamp} POST /score: {rows} rows, 200 in {ms:.2} ms"),
        status => format!("{stamp} POST /score: {status} in {ms:.2} ms"),
    };
    log(&d.id, line);
    ScoreAnswer {
        deployment: Some(d.name),
        ..answer
    }
}

/// The rows of `request` scored by deployment `d`, and how many.
async fn scored(store: &Store, d: &Picked, request: &str) -> (ScoreAnswer, usize) {
    if d.state != "Succeeded" {
        let message = format!(
            "The deployment '{}' is {}; it scores once it has Succeeded.",
            d.name, d.state
        );
        return (refusal(424, "DEPLOYMENT_NOT_READY", message), 0);
    }
    let version = match &d.model {
        Ok(v) => v,
        Err(e) => return (refusal(424, "MODEL_UNAVAILABLE", e.clone()), 0),
    };
    let Ok(score_with) = request_scorer().await else {
        let message =
            "The page's scoring could not be downloaded. Check the connection, then try again.";
        return (refusal(503, "SCORING_UNAVAILABLE", message), 0);
    };
    let request = request.as_bytes();
    let mut outcome = score_with(&version.id, None, request);
    if outcome == Outcome::NeedModel {
        outcome = match model_bytes(store, version).await {
            Ok(bytes) => score_with(&version.id, Some(&bytes), request),
            Err(e) => {
                let message = format!("The model cannot be read: {e}");
                return (refusal(424, "MODEL_UNAVAILABLE", message), 0);
            }
        };
    }
    let Outcome::Scored {
        status,
        body,
        rows,
        loaded,
    } = outcome
    else {
        return (
            refusal(424, "MODEL_UNAVAILABLE", "The model could not be kept."),
            0,
        );
    };
    if let Some(algorithm) = loaded {
        let stamp = format_iso(store.now());
        log(
            &d.id,
            format!("{stamp} loaded model {} ({algorithm})", version.id),
        );
    }
    let status_text = if status == 200 { "OK" } else { "" };
    let answer = ScoreAnswer {
        status,
        status_text: status_text.into(),
        body,
        deployment: None,
    };
    (answer, rows)
}
