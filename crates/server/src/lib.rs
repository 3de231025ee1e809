//! azimuth-server: one shared workspace for a class, a demo or a team. It answers Azure ML's ARM
//! REST API for computes, decided by the same azimuth-core engine the browser uses, keeps the
//! workspace in SQLite, and serves the studio.

pub mod arm;
pub mod auth;
pub mod catalogue;
pub mod config;
pub mod db;
pub mod events;
pub mod openapi;
pub mod security;
pub mod state;
pub mod static_files;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::{Json, Router};
use azimuth_core::ArmError;
use serde::Deserialize;
use serde_json::json;
use state::AppState;
use std::sync::Arc;

/// Largest request body accepted.
pub const MAX_BODY: usize = 1 << 20;

/// The server's routes.
pub fn app(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/api/health", get(health))
        .route("/api/members", get(members))
        .route("/api/session", post(sign_in).delete(sign_out))
        .route("/api/events", get(events::events))
        .route("/api/workspace", get(workspace))
        .route("/api/settings", axum::routing::put(settings))
        .route(
            "/api/computes/{name}/applications/{app}",
            post(open_application),
        )
        .route("/api/computes/{name}/skipShutdown", post(skip_shutdown))
        .route("/api/clock", post(move_clock))
        .route(
            "/studio.json",
            get(|| async { Json(json!({"store": "server"})) }),
        )
        .route("/openapi.json", get(|| async { Json(openapi::document()) }))
        .route("/subscriptions", any(arm_request))
        .route("/subscriptions/{*rest}", any(arm_request))
        .fallback(fallback)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(axum::middleware::map_response(security::add_headers))
        .with_state(state)
}

async fn arm_request(
    State(state): State<Arc<AppState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    match body {
        Ok(body) => arm::handle(state, method, uri, headers, body).await,
        Err(rejection) => arm::error_response(&body_error(&rejection)),
    }
}

fn body_error(rejection: &BytesRejection) -> ArmError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ArmError::new(
            "RequestEntityTooLarge",
            format!(
                "The request body is larger than {} bytes (1 MiB).",
                MAX_BODY
            ),
        )
    } else {
        ArmError::new(
            "InvalidRequestContent",
            format!("The request body could not be read: {rejection}."),
        )
    }
}

/// A small `/api` body read as JSON; the error shows the shape wanted.
fn json_body<T: serde::de::DeserializeOwned>(
    body: Result<Bytes, BytesRejection>,
    shape: &str,
) -> Result<T, ArmError> {
    let bytes = body.map_err(|r| body_error(&r))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| ArmError::new("InvalidRequestContent", format!("Send {shape}: {e}.")))
}

async fn health(State(state): State<Arc<AppState>>) -> Response {
    if state.with_db(|db| db.healthy()) {
        Json(json!({"status": "ok"})).into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"status": "database unavailable"})),
        )
            .into_response()
    }
}

/// The header of `GET /api/workspace` with the server's time (milliseconds since the epoch):
/// the studio measures time by it, so a browser whose clock is off (or a server whose clock an
/// Owner moved) still warns of a shutdown at the right moment.
pub const TIME_HEADER: &str = "x-azimuth-time";

/// `GET /api/workspace`: the whole workspace for the studio's server store (signed in only).
/// It also (re)sets the event stream's session cookie, so a studio that resumes a session
/// gets live updates without the token in a URL, and gives the server's time.
async fn workspace(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    match auth::member_of(&state, &headers) {
        Ok(_) => {
            let text = state.read(azimuth_core::workspace::snapshot::encode);
            let cookie = auth::events_cookie(auth::bearer_token(&headers));
            (
                [
                    (
                        axum::http::header::CONTENT_TYPE,
                        "application/json".to_owned(),
                    ),
                    (axum::http::header::SET_COOKIE, cookie),
                    (
                        axum::http::HeaderName::from_static(TIME_HEADER),
                        state.now().to_string(),
                    ),
                ],
                text,
            )
                .into_response()
        }
        Err(e) => arm::error_response(&e),
    }
}

/// `POST /api/computes/{name}/applications/{app}`: the assigned user opens an application of a
/// running instance (it counts as activity for idle shutdown); answers its address.
async fn open_application(
    State(state): State<Arc<AppState>>,
    axum::extract::Path((name, app)): axum::extract::Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let result = auth::member_of(&state, &headers)
        .and_then(|me| state.change(|w, now| w.open_application(&me, &name, &app, now)));
    match result {
        Ok(uri) => Json(json!({ "endpointUri": uri })).into_response(),
        Err(e) => arm::error_response(&e),
    }
}

/// `POST /api/computes/{name}/skipShutdown`: "Skip this shutdown" (the next idle shutdown waits
/// a whole idle time again, or the next scheduled stop does not happen); answers which one.
async fn skip_shutdown(
    State(state): State<Arc<AppState>>,
    axum::extract::Path(name): axum::extract::Path<String>,
    headers: HeaderMap,
) -> Response {
    let result = auth::member_of(&state, &headers)
        .and_then(|me| state.change(|w, now| w.skip_shutdown(&me, &name, now)));
    match result {
        Ok((at, trigger)) => Json(json!({
            "skipped": azimuth_core::time::format_iso(at),
            "trigger": trigger.as_str(),
        }))
        .into_response(),
        Err(e) => arm::error_response(&e),
    }
}

/// `POST /api/clock`'s body.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct MoveClock {
    advance_minutes: u32,
}

/// `POST /api/clock`: an Owner moves the clock of a `--movable-clock` server forward; whatever
/// falls due meanwhile (idle shutdown, schedules, operations) happens. Answers the new time.
async fn move_clock(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let request = json_body::<MoveClock>(body, r#"{"advanceMinutes": <whole minutes>}"#);
    let result = request.and_then(|r| {
        let me = auth::member_of(&state, &headers)?;
        state.move_clock(&me, r.advance_minutes)
    });
    match result {
        Ok(now) => Json(json!({"now": azimuth_core::time::format_iso(now)})).into_response(),
        Err(e) => arm::error_response(&e),
    }
}

async fn members(State(state): State<Arc<AppState>>) -> Json<serde_json::Value> {
    Json(state.read(|w| {
        json!({
            "workspace": w.resource.name,
            "members": w.members.iter().map(|m| json!({"name": m.name, "role": m.role})).collect::<Vec<_>>(),
            "accessKeyRequired": state.config.access_key.is_some(),
        })
    }))
}

/// `PUT /api/settings`'s body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    pace: azimuth_core::Pace,
}

/// `PUT /api/settings`: an Owner sets the pace of simulated operations for everyone.
async fn settings(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let request = json_body::<Settings>(body, r#"{"pace": "instant" | "fast" | "realistic"}"#);
    let result = request.and_then(|s| {
        let me = auth::member_of(&state, &headers)?;
        state.change(|w, now| w.set_pace(&me, s.pace, now))
    });
    match result {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => arm::error_response(&e),
    }
}

/// `POST /api/session`'s body.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SignIn {
    member: String,
    access_key: Option<String>,
}

async fn sign_in(
    State(state): State<Arc<AppState>>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let request = json_body::<SignIn>(body, r#"{"member": "<name>", "accessKey": "<key>"}"#);
    match request.and_then(|r| auth::sign_in(&state, &r.member, r.access_key.as_deref())) {
        Ok((token, member)) => (
            [(
                axum::http::header::SET_COOKIE,
                auth::events_cookie(Some(&token)),
            )],
            Json(json!({"token": token, "member": member})),
        )
            .into_response(),
        Err(e) => arm::error_response(&e),
    }
}

async fn sign_out(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    if let Some(token) = auth::bearer_token(&headers) {
        state.with_db(|db| db.delete_session(&auth::hash_token(token)));
    }
    (
        StatusCode::NO_CONTENT,
        [(axum::http::header::SET_COOKIE, auth::events_cookie(None))],
    )
        .into_response()
}

async fn fallback(
    State(state): State<Arc<AppState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if uri.path().starts_with("/api/") {
        return arm::error_response(&ArmError::new(
            "NotFound",
            format!("There is no API at {}.", uri.path()),
        ));
    }
    if method != Method::GET && method != Method::HEAD {
        return arm::error_response(&ArmError::new(
            "MethodNotAllowed",
            format!("{method} is not supported at {}.", uri.path()),
        ));
    }
    let accepts_brotli = headers
        .get(axum::http::header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|e| e.trim().starts_with("br")));
    static_files::serve(&state.config.dist, &uri, accepts_brotli).await
}
