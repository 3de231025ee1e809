//! The studio's own reads of the installation (`/api/workspace`, `/api/installation`, the
//! one-request start `/api/open`) and the portal's Recover, beside the ARM API: each answer
//! carries the server's time, the installation's version and the event stream's cookie.

use crate::state::AppState;
use crate::{arm, auth, json_body, wsid, QueryMap};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use std::sync::Arc;

/// The header of `GET /api/workspace` with the server's time (milliseconds since the epoch):
/// the studio measures time by it, so a browser whose clock is off (or a server whose clock an
/// Owner moved) still warns of a shutdown at the right moment.
pub const TIME_HEADER: &str = "x-azimuth-time";

/// The header of `GET /api/workspace` with the installation's version of what it holds: a
/// studio applies only the `changed` events of later versions.
pub const VERSION_HEADER: &str = "x-azimuth-version";

/// `GET /api/workspace?wsid=...`: one workspace, as the studio's server store reads it (signed
/// in, and holding a role in it), answered as every studio read is ([`studio_answer`]).
pub(crate) async fn workspace(
    State(state): State<Arc<AppState>>,
    query: QueryMap,
    headers: HeaderMap,
) -> Response {
    let result = auth::member_of(&state, &headers).and_then(|me| {
        let id = wsid(&query)?;
        state.read_workspace(&me, &id, |w| versioned(&state, w))
    });
    match result {
        Ok((text, version)) => studio_answer(&state, &headers, text, version),
        Err(e) => arm::error_response(&e),
    }
}

/// A workspace's JSON and the installation's version of it (read under the same lock, so the
/// version is the one of what it holds).
fn versioned(state: &AppState, w: &azimuth_core::Workspace) -> (String, u64) {
    (
        azimuth_core::workspace::snapshot::encode_workspace(&w.without_secrets()),
        state.version(),
    )
}

/// A studio read's answer: the JSON `body`, the event stream's cookie (so a studio that resumes
/// a session gets live updates without the token in a URL), the server's time and the version.
fn studio_answer(state: &AppState, headers: &HeaderMap, body: String, version: u64) -> Response {
    let cookie = auth::events_cookie(auth::bearer_token(headers));
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
            (
                axum::http::HeaderName::from_static(VERSION_HEADER),
                version.to_string(),
            ),
        ],
        body,
    )
        .into_response()
}

/// `GET /api/installation`: what the studio's start page shows the signed-in person: the
/// directory's ids, who they are, the resource groups and workspaces they can see (with their
/// roles), and the soft-deleted workspaces they may recover or purge.
pub(crate) async fn installation(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Response {
    let result = auth::member_of(&state, &headers).map(|me| state.read(|t| t.overview(&me)));
    match result {
        Ok(body) => Json(body).into_response(),
        Err(e) => arm::error_response(&e),
    }
}

/// `GET /api/open?wsid=<asked>&last=<ARM id>`: what a studio starting up needs, in one answer:
/// `{"installation": <as GET /api/installation>, "workspace": <the workspace it opens, as GET
/// /api/workspace, or null>}`, the workspace chosen by the rule every studio uses
/// (`Installation::opening`), answered as every studio read is ([`studio_answer`]; version 0
/// when no workspace opens).
pub(crate) async fn open(
    State(state): State<Arc<AppState>>,
    query: QueryMap,
    headers: HeaderMap,
) -> Response {
    let me = match auth::member_of(&state, &headers) {
        Ok(me) => me,
        Err(e) => return arm::error_response(&e),
    };
    let asked = query
        .get("wsid")
        .map(String::as_str)
        .filter(|w| !w.is_empty());
    let last = query.get("last").map(String::as_str);
    let installation = state.read(|t| t.overview(&me));
    let (workspace, version) = match installation.opening(asked, last) {
        azimuth_core::workspace::overview::Opening::Open(id) => state
            .read_workspace(&me, &id, |w| versioned(&state, w))
            .map_or((None, 0), |(text, version)| (Some(text), version)),
        _ => (None, 0),
    };
    let body = format!(
        r#"{{"installation":{},"workspace":{}}}"#,
        serde_json::to_string(&installation).unwrap_or_default(),
        workspace.as_deref().unwrap_or("null")
    );
    studio_answer(&state, &headers, body, version)
}

/// `POST /api/workspaces/recover`'s body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Recover {
    id: String,
}

/// `POST /api/workspaces/recover` with `{"id": "<ARM id>"}`: recovers a soft-deleted workspace
/// (the portal's "Recover"; ARM has no call for it).
pub(crate) async fn recover_workspace(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let request = json_body::<Recover>(body, r#"{"id": "<the workspace's ARM id>"}"#);
    let result = request.and_then(|r| {
        let me = auth::member_of(&state, &headers)?;
        state.change_tenant(|t, now| t.recover_workspace(&me, &r.id, now))
    });
    match result {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => arm::error_response(&e),
    }
}
