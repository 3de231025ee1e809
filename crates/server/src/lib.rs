//! azimuth-server: one shared workspace for a class, a demo or a team. It answers Azure ML's ARM
//! REST API for computes, decided by the same azimuth-core engine the browser uses, keeps the
//! workspace in SQLite, and serves the studio.

pub mod arm;
pub mod auth;
pub mod blob_api;
pub mod catalogue;
pub mod config;
pub mod db;
pub mod events;
pub mod files_api;
pub mod files_tree;
pub mod inference;
pub mod jobs;
pub mod kernels;
pub mod models;
pub mod openapi;
pub mod people;
pub mod people_api;
pub mod security;
pub mod state;
pub mod static_files;
pub mod storage;
pub mod studio_api;
pub mod throttle;
pub mod tokens_api;
pub mod tracking;

use studio_api::{installation, open, recover_workspace, workspace};
pub use studio_api::{TIME_HEADER, VERSION_HEADER};

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, delete, get, post};
use axum::{Json, Router};
use azimuth_core::ArmError;
use serde::Deserialize;
use serde_json::json;
use state::AppState;
use std::sync::Arc;

/// Largest request body accepted.
pub const MAX_BODY: usize = 1 << 20;

/// The routes of the applications' own port: the instances' JupyterLab, passed through.
pub fn apps_app(state: Arc<AppState>) -> Router {
    Router::new()
        .route(
            "/apps/{id}/{*rest}",
            axum::routing::any(kernels::apps::proxy),
        )
        .with_state(state)
}

/// The server's routes.
pub fn app(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/api/health", get(health))
        .route("/api/members", get(members))
        .route("/api/session", post(sign_in).delete(sign_out))
        .route("/api/events", get(events::events))
        .route("/api/workspace", get(workspace))
        .route("/api/installation", get(installation))
        .route("/api/open", get(open))
        .route("/api/workspaces/recover", post(recover_workspace))
        .route("/api/settings", axum::routing::put(settings))
        .route(
            "/api/computes/{name}/applications/{app}",
            post(open_application),
        )
        .route("/api/computes/{name}/skipShutdown", post(skip_shutdown))
        .route(
            "/api/computes/{name}/kernels",
            get(kernels::api::list).post(kernels::api::start),
        )
        .route("/api/kernelspecs", get(kernels::api::kernelspecs))
        .route("/metadata/endpoints", get(kernels::api::cloud_metadata))
        .route("/api/kernels/identity", get(kernels::api::identity))
        .route(
            "/api/kernels/{id}",
            axum::routing::delete(kernels::api::shutdown),
        )
        .route("/api/kernels/{id}/execute", post(kernels::api::execute))
        .route("/api/kernels/{id}/{action}", post(kernels::api::act))
        .route("/api/clock", post(move_clock))
        .route(
            "/api/files",
            get(files_api::list)
                .put(files_api::upload)
                .delete(files_api::delete)
                .layer(DefaultBodyLimit::disable()),
        )
        .route("/api/files/content", get(files_api::content))
        .route("/api/files/folder", post(files_tree::make_folder))
        .route("/api/files/move", post(files_tree::move_path))
        .route("/api/files/profile", get(files_api::profile))
        .route("/api/files/preview", get(files_api::preview))
        .route("/api/jobs/experiments", get(tracking::studio::experiments))
        .route("/api/jobs/table", get(tracking::studio::runs_table))
        .route("/api/jobs/metric", get(tracking::studio::metric))
        .route(
            "/api/tokens",
            get(tokens_api::list).post(tokens_api::create),
        )
        .route("/api/tokens/{id}", delete(tokens_api::revoke))
        .route(
            "/blob/{account}/{upload}/{*path}",
            any(blob_api::blob).layer(DefaultBodyLimit::disable()),
        )
        .route("/api/password", post(people_api::set_password))
        .route("/api/people", get(people_api::list).post(people_api::add))
        .route("/api/people/reset", post(people_api::reset))
        .route("/api/people/remove", post(people_api::remove))
        .route(
            "/studio.json",
            get(|| async { Json(json!({"store": "server"})) }),
        )
        .route("/openapi.json", get(|| async { Json(openapi::document()) }))
        // MLflow's tracking API at each workspace's mlFlowTrackingUri; artifact uploads stream.
        .route(
            "/mlflow/{*rest}",
            any(tracking::handle).layer(DefaultBodyLimit::disable()),
        )
        // Each online endpoint's scoringUri.
        .route(
            "/inference/{region}/{endpoint}/score",
            post(inference::score_request),
        )
        .route(
            "/inference/{region}/{endpoint}/swagger.json",
            get(inference::swagger),
        )
        .route(
            "/inference/{region}/{endpoint}/jobs",
            post(inference::batch::invoke),
        )
        .route("/api/endpoints/metrics", get(inference::metrics))
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
pub(crate) fn json_body<T: serde::de::DeserializeOwned>(
    body: Result<Bytes, BytesRejection>,
    shape: &str,
) -> Result<T, ArmError> {
    let bytes = body.map_err(|r| body_error(&r))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| ArmError::new("InvalidRequestContent", format!("Send {shape}: {e}.")))
}

async fn health(State(state): State<Arc<AppState>>) -> Response {
    if state.with_db(|db| db.healthy()) {
        Json(json!({"status": "ok", "bytesWritten": state.bytes_written()})).into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"status": "database unavailable"})),
        )
            .into_response()
    }
}

/// The workspace a studio call names with `?wsid=` (its ARM id, or the studio's short form),
/// as its ARM id.
pub(crate) fn wsid(query: &std::collections::HashMap<String, String>) -> Result<String, ArmError> {
    use azimuth_core::workspace::overview::id_from_wsid;
    let asked = query.get("wsid").filter(|w| !w.is_empty()).ok_or_else(|| {
        ArmError::new(
            "BadRequest",
            "Name the workspace with ?wsid=/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.MachineLearningServices/workspaces/{name} (or the studio's short form, /subscriptions/{sub}/resourcegroups/{rg}/workspaces/{name}).",
        )
    })?;
    // The studio's addresses name it short: both forms name the same workspace.
    Ok(id_from_wsid(asked).unwrap_or_else(|| asked.clone()))
}

/// The query string as a map.
pub(crate) type QueryMap = axum::extract::Query<std::collections::HashMap<String, String>>;

/// `POST /api/computes/{name}/applications/{app}`: the assigned user opens an application of a
/// running instance (it counts as activity for idle shutdown); answers its address: with an
/// instance runtime, a one-time link to the real application on the applications' port.
async fn open_application(
    State(state): State<Arc<AppState>>,
    axum::extract::Path((name, app)): axum::extract::Path<(String, String)>,
    query: QueryMap,
    headers: HeaderMap,
) -> Response {
    let result = async {
        let me = auth::member_of(&state, &headers)?;
        let id = wsid(&query)?;
        state.check_access(&me, &id)?;
        let uri =
            state.change_workspace(&id, |_, w, now| w.open_application(&me, &name, &app, now))?;
        match &state.kernels {
            // With an instance runtime the application opens for real.
            Some(kernels) => kernels.open_app(&state, &me, &id, &name, &app).await,
            None => Ok(uri),
        }
    };
    match result.await {
        Ok(uri) => Json(json!({ "endpointUri": uri })).into_response(),
        Err(e) => arm::error_response(&e),
    }
}

/// `POST /api/computes/{name}/skipShutdown`: "Skip this shutdown" (the next idle shutdown waits
/// a whole idle time again, or the next scheduled stop does not happen); answers which one.
async fn skip_shutdown(
    State(state): State<Arc<AppState>>,
    axum::extract::Path(name): axum::extract::Path<String>,
    query: QueryMap,
    headers: HeaderMap,
) -> Response {
    let result = auth::member_of(&state, &headers).and_then(|me| {
        let id = wsid(&query)?;
        state.check_access(&me, &id)?;
        state.change_workspace(&id, |_, w, now| w.skip_shutdown(&me, &name, now))
    });
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

/// `GET /api/members`: who may sign in (the sign-in page's list).
async fn members(State(state): State<Arc<AppState>>) -> Json<serde_json::Value> {
    Json(state.read(|t| {
        json!({
            "installation": t.directory.subscription_name,
            // Only a demo lists its people: with passwords, the class roster is nobody's business
            // before signing in.
            "members": if state.config.demo {
                t.directory.people.iter().map(|p| json!({"name": p.name, "userName": p.user_name})).collect::<Vec<_>>()
            } else {
                Vec::new()
            },
            "accessKeyRequired": state.config.access_key.is_some(),
            "mode": if state.config.demo { "demo" } else { "password" },
        })
    }))
}

/// `PUT /api/settings`'s body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    pace: azimuth_core::Pace,
}

/// `PUT /api/settings?wsid=...`: an Owner sets the pace of simulated operations in a workspace
/// for everyone.
async fn settings(
    State(state): State<Arc<AppState>>,
    query: QueryMap,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let request = json_body::<Settings>(body, r#"{"pace": "instant" | "fast" | "realistic"}"#);
    let result = request.and_then(|s| {
        let me = auth::member_of(&state, &headers)?;
        let id = wsid(&query)?;
        state.check_access(&me, &id)?;
        state.change_workspace(&id, |_, w, now| w.set_pace(&me, s.pace, now))
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
    password: Option<String>,
}

async fn sign_in(
    State(state): State<Arc<AppState>>,
    client: throttle::Client,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let request = json_body::<SignIn>(body, r#"{"member": "<name>", "accessKey": "<key>"}"#);
    let signed_in = request.and_then(|r| {
        state.attempt_from(&client, || {
            auth::sign_in(
                &state,
                &r.member,
                r.access_key.as_deref(),
                r.password.as_deref(),
            )
        })
    });
    match signed_in {
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
        state
            .with_db(|db| db.delete_token(crate::db::TokenKind::Session, &auth::hash_token(token)));
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
    static_files::serve(
        &state.config.dist,
        &uri,
        static_files::accepts_brotli(&headers),
    )
    .await
}
