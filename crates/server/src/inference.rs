//! Online endpoints' scoring, at each endpoint's `scoringUri`
//! (`/inference/{region}/{endpoint}/score`): the caller signs in with a key (or an AMLToken
//! endpoint's token), a deployment is picked (the `azureml-model-deployment` header, else the
//! traffic split; mirrored traffic is scored too and its answer dropped), and its model, read
//! once from the workspace's storage and kept in memory, scores the rows (the engine's
//! `azimuth_core::endpoints::score`). Every refusal is a 4xx in MLflow's shape (`error_code`,
//! `message`); each deployment keeps a log of its starts, requests and errors (`getLogs`).

use crate::auth::{hex, random_bytes};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use azimuth_core::endpoints::score::{read_request, score};
use azimuth_core::endpoints::{EndpointKeys, StoredDeployment};
use azimuth_core::jobs::automl::record::MODEL_FILE;
use azimuth_core::jobs::submit::output_uri;
use azimuth_core::ml::sweep::TrainedModel;
use azimuth_core::models::{ModelSource, ModelVersionResource};
use azimuth_core::{ArmError, Workspace};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Lines of log kept per deployment.
const LOG_LINES: usize = 1_000;
/// How long a token lasts, in milliseconds (Azure's: an hour).
const TOKEN_LIFE: i64 = 3_600_000;

/// Minutes of request figures kept per deployment.
const MINUTES_KEPT: usize = 60;
/// Latency buckets: bucket `i` holds times up to `FIRST_BUCKET_MS * BUCKET_GROWTH^i`.
const BUCKETS: usize = 80;
const FIRST_BUCKET_MS: f64 = 0.01;
const BUCKET_GROWTH: f64 = 1.2;

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

/// A line of a deployment's log, written out when read (a request's costs no formatting).
enum LogLine {
    /// A request: when, how many rows, its status and time in milliseconds.
    Scored {
        at: i64,
        rows: usize,
        status: u16,
        ms: f64,
    },
    /// Anything else, as written.
    Text(String),
}

impl LogLine {
    fn text(&self) -> String {
        match self {
            LogLine::Scored {
                at,
                rows,
                status,
                ms,
            } => format!(
                "{} POST /score: {rows} rows, {status} in {ms:.2} ms",
                azimuth_core::time::format_iso(*at)
            ),
            LogLine::Text(text) => text.clone(),
        }
    }
}

/// One minute of a deployment's requests: how many, how many refused, and their times.
struct Minute {
    at: i64,
    requests: u64,
    errors: u64,
    latency: [u32; BUCKETS],
}

impl Minute {
    /// The time under which `share` of the requests took, in milliseconds (a bucket's top).
    fn quantile(&self, share: f64) -> f64 {
        let wanted = (self.requests as f64 * share).ceil() as u64;
        let mut seen = 0u64;
        for (i, n) in self.latency.iter().enumerate() {
            seen += u64::from(*n);
            if seen >= wanted.max(1) {
                return FIRST_BUCKET_MS * BUCKET_GROWTH.powi(i as i32);
            }
        }
        FIRST_BUCKET_MS * BUCKET_GROWTH.powi(BUCKETS as i32 - 1)
    }
}

/// A new endpoint key: 32 random bytes as hex.
pub fn fresh_key() -> Result<String, ArmError> {
    Ok(hex(&random_bytes::<32>()?))
}

/// An AMLToken endpoint's token for callers, as Azure answers `token`: signed with the
/// endpoint's primary key (regenerating it ends every token), good for an hour.
pub fn token(endpoint_id: &str, keys: &EndpointKeys, now: i64) -> Value {
    let expiry = now + TOKEN_LIFE;
    json!({
        "accessToken": format!("{expiry}.{}", signature(endpoint_id, keys, expiry)),
        "tokenType": "Bearer",
        "expiryTimeUtc": expiry / 1000,
        "refreshAfterTimeUtc": (now + TOKEN_LIFE / 2) / 1000,
    })
}

fn signature(endpoint_id: &str, keys: &EndpointKeys, expiry: i64) -> String {
    let text = format!(
        "{}|{}|{expiry}",
        keys.primary_key,
        endpoint_id.to_ascii_lowercase()
    );
    hex(&Sha256::digest(text.as_bytes()))
}

/// Whether `given` (a bearer token) signs a caller in to the endpoint: one of its keys, or
/// for an AMLToken endpoint a token it gave that has not expired.
fn signed_in(given: &str, endpoint_id: &str, mode: &str, keys: &EndpointKeys, now: i64) -> bool {
    if mode == "AMLToken" {
        let Some((expiry, sig)) = given.split_once('.') else {
            return false;
        };
        let Ok(expiry) = expiry.parse::<i64>() else {
            return false;
        };
        return expiry > now && same(sig, &signature(endpoint_id, keys, expiry));
    }
    same(given, &keys.primary_key) || same(given, &keys.secondary_key)
}

/// Compares two secrets in time that does not depend on where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

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

/// A model version's model: from memory, or read from its folder (then kept).
fn model_for(
    state: &AppState,
    workspace: &str,
    deployment: &str,
    version: &ModelVersionResource,
) -> Result<Arc<TrainedModel>, String> {
    if let Some(model) = state
        .inference
        .models
        .lock()
        .ok()
        .and_then(|m| m.get(&version.id).cloned())
    {
        return Ok(model);
    }
    let w = state
        .read(|t| t.workspace(workspace).cloned())
        .ok_or("its workspace was deleted")?;
    let model = Arc::new(load(state, &w, version)?);
    let loaded = format!(
        "{} loaded model {} ({})",
        stamp(state),
        version.id,
        model.algorithm
    );
    state.inference.log(deployment, LogLine::Text(loaded));
    if let Ok(mut models) = state.inference.models.lock() {
        models.insert(version.id.clone(), model.clone());
    }
    Ok(model)
}

/// Reads a model version's model file from the workspace's storage.
fn load(
    state: &AppState,
    w: &Workspace,
    version: &ModelVersionResource,
) -> Result<TrainedModel, String> {
    let source = ModelSource::parse(&version.properties.model_uri)?;
    let wsid = w.resource.properties.workspace_id.clone();
    let (datastore, folder) = source.folder(|job, output| {
        state
            .tracking
            .read(&wsid, state.now(), |runs| {
                let (_, run) = runs.runs.get(job)?;
                let uri = run
                    .job
                    .as_ref()?
                    .spec
                    .outputs
                    .get(output)
                    .and_then(|o| o.uri.clone());
                Some(uri.unwrap_or_else(|| output_uri(job, output)))
            })
            .ok()
            .flatten()
    })?;
    let root = w
        .datastore_root(&datastore)
        .map_err(|e| e.message().to_owned())?;
    let path = format!("{}/{MODEL_FILE}", folder.trim_end_matches('/'));
    let at = state
        .storage
        .local_path(&root, &path)
        .ok_or("the model's files are kept where this server cannot read them")?;
    let bytes = std::fs::read(&at)
        .map_err(|e| format!("its file {MODEL_FILE} could not be read ({})", e.kind()))?;
    TrainedModel::from_bytes(&bytes)
}

/// Refuses a deployment of a model whose file cannot be read and loaded.
pub fn check_model(
    state: &AppState,
    member: &str,
    workspace: &str,
    reference: &str,
) -> Result<(), ArmError> {
    let w = state.read_workspace(member, workspace, Clone::clone)?;
    let version = w.model_of(reference)?.clone();
    if !version.properties.flavors.contains_key("azimuth") {
        return Ok(()); // The engine refuses it, saying why.
    }
    load(state, &w, &version).map(drop).map_err(|e| {
        ArmError::new(
            "ValidationError",
            format!(
                "Version {} of the model cannot be deployed: {e}.",
                version.name
            ),
        )
        .at("properties.model")
    })
}

/// The last `tail` lines of a deployment's log.
pub fn logs(state: &AppState, deployment_id: &str, tail: usize) -> String {
    let Ok(logs) = state.inference.logs.lock() else {
        return String::new();
    };
    let lines = logs.get(deployment_id).map(|l| {
        let skip = l.len().saturating_sub(tail);
        l.iter().skip(skip).map(LogLine::text).collect::<Vec<_>>()
    });
    lines.unwrap_or_default().join("\n")
}

impl Inference {
    /// Counts a request of deployment `id` that took `ms` at `now`.
    fn count(&self, id: &str, now: i64, ms: f64, refused: bool) {
        let Ok(mut all) = self.minutes.lock() else {
            return;
        };
        let minutes = all.entry(id.to_owned()).or_default();
        let at = now - now.rem_euclid(60_000);
        if minutes.back().is_none_or(|m| m.at != at) {
            if minutes.len() == MINUTES_KEPT {
                minutes.pop_front();
            }
            minutes.push_back(Minute {
                at,
                requests: 0,
                errors: 0,
                latency: [0; BUCKETS],
            });
        }
        if let Some(m) = minutes.back_mut() {
            m.requests += 1;
            m.errors += u64::from(refused);
            let bucket = ((ms / FIRST_BUCKET_MS).max(1.0).ln() / BUCKET_GROWTH.ln()).ceil();
            m.latency[(bucket as usize).min(BUCKETS - 1)] += 1;
        }
    }

    /// Deployment `id`'s figures of the last hour, a minute at a time.
    fn figures(&self, id: &str, now: i64) -> Value {
        let all = self.minutes.lock().ok();
        let minutes: Vec<Value> = all
            .iter()
            .flat_map(|a| a.get(id))
            .flatten()
            .filter(|m| m.at > now - 3_600_000)
            .map(|m| {
                json!({"at": m.at, "requests": m.requests, "errors": m.errors,
                    "p50": m.quantile(0.5), "p99": m.quantile(0.99)})
            })
            .collect();
        let total = |key: &str| {
            minutes
                .iter()
                .map(|m| m[key].as_u64().unwrap_or(0))
                .sum::<u64>()
        };
        json!({"requests": total("requests"), "errors": total("errors"), "minutes": minutes})
    }

    fn log(&self, deployment_id: &str, line: LogLine) {
        if let Ok(mut logs) = self.logs.lock() {
            let lines = logs.entry(deployment_id.to_owned()).or_default();
            if lines.len() == LOG_LINES {
                lines.pop_front();
            }
            lines.push_back(line);
        }
    }
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

/// `GET /api/endpoints/metrics?wsid=&endpoint=`: each deployment's requests, errors and
/// p50/p99 latency per minute over the last hour, for the endpoint's Monitoring tab.
pub async fn metrics(
    State(state): State<Arc<AppState>>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let read = || -> Result<Value, ArmError> {
        let me = crate::auth::member_of(&state, &headers)?;
        let text = |k: &str| query.get(k).map(String::as_str).unwrap_or("");
        let deployments = state.read_workspace(&me, text("wsid"), |w| {
            w.endpoint(text("endpoint"))?;
            let ids: Vec<(String, String)> = w
                .deployments_of(text("endpoint"))
                .map(|d| (d.resource.name.clone(), d.resource.id.clone()))
                .collect();
            Ok::<_, ArmError>(ids)
        })??;
        let now = state.now();
        let each = deployments
            .into_iter()
            .map(|(name, id)| (name, state.inference.figures(&id, now)));
        Ok(json!({ "deployments": each.collect::<serde_json::Map<String, Value>>() }))
    };
    match read() {
        Ok(v) => (StatusCode::OK, Json(v)).into_response(),
        Err(e) => crate::arm::error_response(&e),
    }
}

/// `GET {swaggerUri}`: the scoring request as OpenAPI describes it, with the columns the
/// endpoint's model takes (that of the deployment with the most traffic).
pub async fn swagger(
    State(state): State<Arc<AppState>>,
    Path((region, name)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let Some(found) = find(&state, &region, &name) else {
        let missing = format!("There is no online endpoint '{name}' in {region}.");
        return refuse(StatusCode::NOT_FOUND, "ENDPOINT_NOT_FOUND", missing).into_response();
    };
    if let Err(refused) = sign_in(&state, &found, &headers) {
        return refused.into_response();
    }
    let busiest = found
        .traffic
        .iter()
        .max_by_key(|(_, share)| *share)
        .map(|(n, _)| n.clone());
    let deployed = found
        .deployments
        .iter()
        .find(|d| {
            busiest
                .as_deref()
                .is_some_and(|b| d.name.eq_ignore_ascii_case(b))
        })
        .or(found.deployments.first());
    let model = deployed.and_then(|d| {
        let version = d.model.as_ref().ok()?;
        model_for(&state, &found.workspace, &d.id, version).ok()
    });
    let Some(model) = model else {
        let why = "The endpoint has no deployment with a model to describe yet.";
        return refuse(StatusCode::FAILED_DEPENDENCY, "NO_DEPLOYMENT", why).into_response();
    };
    (StatusCode::OK, Json(openapi(&name, &model))).into_response()
}

/// The OpenAPI document of an endpoint's scoring with `model`.
fn openapi(endpoint: &str, model: &TrainedModel) -> Value {
    let plans = model.featurizer.report();
    let columns: Vec<&str> = model.featurizer.inputs();
    let example: Vec<Value> = columns
        .iter()
        .map(|c| match plans.iter().find(|p| p.column == *c) {
            Some(p) if p.detected == "Numeric" => json!(0.0),
            _ => json!(""),
        })
        .collect();
    let cell = json!({"oneOf": [{"type": "number"}, {"type": "string"}, {"type": "null"}]});
    json!({
        "openapi": "3.0.1",
        "info": {"title": endpoint, "version": "1.0", "description": format!("Scores rows with {} ({}), predicting {}.", model.algorithm, model.classes.join(", "), model.target)},
        "paths": {"/score": {"post": {
            "summary": "Predictions for the rows given (params.predict_method: predict_proba for each class's probability).",
            "security": [{"Bearer": []}],
            "requestBody": {"required": true, "content": {"application/json": {
                "schema": {"type": "object", "properties": {"input_data": {"type": "object",
                    "properties": {"columns": {"type": "array", "items": {"type": "string", "enum": columns}},
                        "index": {"type": "array", "items": {"type": "integer"}},
                        "data": {"type": "array", "items": {"type": "array", "items": cell}}}}}},
                "example": {"input_data": {"columns": columns, "index": [0], "data": [example]}}}}},
            "responses": {
                "200": {"description": "A prediction per row", "content": {"application/json": {"schema": {"type": "array"}}}},
                "400": {"description": "A row or column that cannot be scored, named"},
                "401": {"description": "No key or token, or a wrong one"}}}}},
        "components": {"securitySchemes": {"Bearer": {"type": "http", "scheme": "bearer"}}},
    })
}
