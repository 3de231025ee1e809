//! Online endpoints' scoring, at each endpoint's `scoringUri`
//! (`/inference/{region}/{endpoint}/score`): the caller signs in with a key (or an AMLToken
//! endpoint's token), a deployment is picked (the `azureml-model-deployment` header, else the
//! traffic split; mirrored traffic is scored too and its answer dropped), and its model, read
//! once from the workspace's storage and kept in memory, scores the rows (the engine's
//! `azimuth_core::endpoints::score`). Every refusal is a 4xx in MLflow's shape (`error_code`,
//! `message`); each deployment keeps a log of its starts, requests and errors (`getLogs`).

pub mod batch;
mod figures;
mod keys;
mod models;
mod swagger;

pub use figures::{logs, metrics};
pub use keys::{fresh_key, token};
pub use models::check_model;
pub use swagger::swagger;

use crate::auth::random_bytes;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use azimuth_core::endpoints::score::{read_request, score};
use azimuth_core::endpoints::{EndpointKeys, StoredDeployment};
use azimuth_core::ml::sweep::TrainedModel;
use azimuth_core::models::ModelVersionResource;
use azimuth_core::Workspace;
use figures::{LogLine, Minute};
use keys::signed_in;
pub(crate) use models::model_for;
use serde_json::{json, Value};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// The models loaded for scoring (by model version id: versions never change), each
/// deployment's log and its request figures per minute.
#[derive(Default)]
pub struct Inference {
    models: Mutex<HashMap<String, Arc<TrainedModel>>>,
    logs: Mutex<HashMap<String, VecDeque<LogLine>>>,
    minutes: Mutex<HashMap<String, VecDeque<Minute>>>,
    /// What requests need of each endpoint (by lowercase region and name), as of an
    /// installation version: read again only after a change.
    found: std::sync::RwLock<HashMap<(String, String), Read>>,
}

/// An endpoint as requests need it, and the installation version it was read at.
type Read = (u64, Arc<Found>);

/// A scoring refusal, answered in MLflow's shape (`error_code`, `message`).
struct Refusal {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let body = json!({"error_code": self.code, "message": self.message});
        (self.status, Json(body)).into_response()
    }
}

fn refuse(status: StatusCode, code: &'static str, message: impl Into<String>) -> Refusal {
    Refusal {
        status,
        code,
        message: message.into(),
    }
}

/// What a request needs of the endpoint, read at once.
struct Found {
    workspace: String,
    endpoint_id: String,
    mode: String,
    keys: EndpointKeys,
    traffic: Vec<(String, u32)>,
    mirror: Vec<(String, u32)>,
    deployments: Vec<Deployed>,
}

/// A deployment as a request needs it.
struct Deployed {
    name: String,
    id: String,
    state: String,
    /// Its model version, or why it has none (deleted).
    model: Result<Arc<ModelVersionResource>, String>,
}

/// The endpoint `name` of region `region` as requests need it: from memory unless something
/// changed since it was read.
fn find(state: &AppState, region: &str, name: &str) -> Option<Arc<Found>> {
    let key = (region.to_ascii_lowercase(), name.to_ascii_lowercase());
    let version = state.version();
    let cached = state
        .inference
        .found
        .read()
        .ok()
        .and_then(|f| f.get(&key).cloned());
    if let Some((_, found)) = cached.filter(|(at, _)| *at == version) {
        return Some(found);
    }
    let found = Arc::new(read_found(state, region, name)?);
    if let Ok(mut all) = state.inference.found.write() {
        all.insert(key, (version, found.clone()));
    }
    Some(found)
}

/// The endpoint `name` of region `region`, with its workspace's ARM id and its deployments.
fn read_found(state: &AppState, region: &str, name: &str) -> Option<Found> {
    state.read(|t| {
        let w = t.workspaces.iter().find(|w| {
            w.deleted_at.is_none()
                && w.resource.location.eq_ignore_ascii_case(region)
                && w.endpoint(name).is_ok()
        })?;
        let e = w.endpoint(name).ok()?;
        let p = &e.resource.properties;
        let listed = |m: &std::collections::BTreeMap<String, u32>| {
            m.iter().map(|(k, v)| (k.clone(), *v)).collect()
        };
        let deployments = w
            .deployments_of(name)
            .map(|d| Deployed {
                name: d.resource.name.clone(),
                id: d.resource.id.clone(),
                state: d
                    .resource
                    .properties
                    .provisioning_state
                    .clone()
                    .unwrap_or_default(),
                model: model_version(w, d),
            })
            .collect();
        Some(Found {
            workspace: w.id().to_owned(),
            endpoint_id: e.resource.id.clone(),
            mode: p.auth_mode.clone(),
            keys: e.keys.clone().unwrap_or_default(),
            traffic: listed(&p.traffic),
            mirror: listed(&p.mirror_traffic),
            deployments,
        })
    })
}

/// A deployment's model version (shared, not copied), or why it is gone.
fn model_version(w: &Workspace, d: &StoredDeployment) -> Result<Arc<ModelVersionResource>, String> {
    let id = w
        .model_of(&d.resource.properties.model)
        .map_err(|e| {
            format!(
                "The deployment's model is gone ({}); deploy a registered model.",
                e.message()
            )
        })?
        .id
        .clone();
    w.model_versions
        .iter()
        .find(|v| v.id == id)
        .cloned()
        .ok_or_else(|| format!("The model version {id} is gone."))
}

/// `POST {scoringUri}`: the request's rows scored by a deployment of the endpoint.
pub async fn score_request(
    State(state): State<Arc<AppState>>,
    Path((region, name)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(found) = find(&state, &region, &name) else {
        return refuse(
            StatusCode::NOT_FOUND,
            "ENDPOINT_NOT_FOUND",
            format!("There is no online endpoint '{name}' in {region}."),
        )
        .into_response();
    };
    if let Err(refused) = sign_in(&state, &found, &headers) {
        return refused.into_response();
    }
    let asked = headers
        .get("azureml-model-deployment")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let chosen = match asked.or_else(|| draw(&found.traffic)) {
        Some(name) => name,
        None => return refuse(StatusCode::FAILED_DEPENDENCY, "NO_DEPLOYMENT", "No deployment gets traffic: give one a share of the endpoint's traffic, or name one in the azureml-model-deployment header.").into_response(),
    };
    let answer = score_with(&state, &found, &chosen, &body);
    for (mirror, share) in &found.mirror {
        if percent() < *share && !mirror.eq_ignore_ascii_case(&chosen) {
            let _ = score_with(&state, &found, mirror, &body);
        }
    }
    answer
}

/// Refuses a caller without one of the endpoint's keys (or, for AMLToken, a token of its own).
fn sign_in(state: &AppState, found: &Found, headers: &HeaderMap) -> Result<(), Refusal> {
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .unwrap_or("");
    if signed_in(
        bearer.trim(),
        &found.endpoint_id,
        &found.mode,
        &found.keys,
        state.now(),
    ) {
        return Ok(());
    }
    let what = match found.mode.as_str() {
        "AMLToken" => "a token from the endpoint's token action",
        _ => "one of the endpoint's keys",
    };
    Err(refuse(
        StatusCode::UNAUTHORIZED,
        "UNAUTHORIZED",
        format!("Sign in with Authorization: Bearer <{what}>."),
    ))
}

/// The rows of `body` scored by deployment `name`, and a line in its log.
fn score_with(state: &AppState, found: &Found, name: &str, body: &[u8]) -> Response {
    let started = Instant::now();
    let Some(d) = found
        .deployments
        .iter()
        .find(|d| d.name.eq_ignore_ascii_case(name))
    else {
        return refuse(
            StatusCode::NOT_FOUND,
            "DEPLOYMENT_NOT_FOUND",
            format!("The endpoint has no deployment '{name}'."),
        )
        .into_response();
    };
    let answer = scored(state, found, d, body);
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    state
        .inference
        .count(&d.id, state.now(), ms, answer.is_err());
    let (rows, status) = match &answer {
        Ok((rows, _)) => (*rows, 200),
        Err(refused) => (0, refused.status.as_u16()),
    };
    let at = state.now();
    state.inference.log(
        &d.id,
        LogLine::Scored {
            at,
            rows,
            status,
            ms,
        },
    );
    match answer {
        Ok((_, value)) => {
            let header = [("azureml-model-deployment", d.name.clone())];
            (StatusCode::OK, header, Json(value)).into_response()
        }
        Err(refused) => refused.into_response(),
    }
}

/// The rows of `body` scored by deployment `d`: how many, and the answer.
fn scored(
    state: &AppState,
    found: &Found,
    d: &Deployed,
    body: &[u8],
) -> Result<(usize, Value), Refusal> {
    if d.state != "Succeeded" {
        return Err(refuse(
            StatusCode::FAILED_DEPENDENCY,
            "DEPLOYMENT_NOT_READY",
            format!(
                "The deployment '{}' is {}; it scores once it has Succeeded.",
                d.name, d.state
            ),
        ));
    }
    let version = d.model.as_ref().map_err(|e| {
        refuse(
            StatusCode::FAILED_DEPENDENCY,
            "MODEL_UNAVAILABLE",
            e.clone(),
        )
    })?;
    let model = model_for(state, &found.workspace, &d.id, version)
        .map_err(|e| refuse(StatusCode::FAILED_DEPENDENCY, "MODEL_UNAVAILABLE", e))?;
    let bad = |status: u16, message: String| {
        refuse(
            StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
            "BAD_REQUEST",
            message,
        )
    };
    let request = read_request(body).map_err(|e| bad(e.status, e.message))?;
    let value = score(&model, &request).map_err(|e| bad(e.status, e.message))?;
    Ok((request.frame.rows(), value))
}

fn stamp(state: &AppState) -> String {
    azimuth_core::time::format_iso(state.now())
}

/// A random whole percent, 0 to 99.
fn percent() -> u32 {
    random_bytes::<4>().map_or(0, |b| u32::from_le_bytes(b) % 100)
}

/// The deployment the traffic split sends a request to, if any gets traffic.
fn draw(traffic: &[(String, u32)]) -> Option<String> {
    let mut left = percent();
    for (name, share) in traffic.iter().filter(|(_, s)| *s > 0) {
        if left < *share {
            return Some(name.clone());
        }
        left -= share;
    }
    None
}
