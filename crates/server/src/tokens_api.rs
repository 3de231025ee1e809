//! The `/api/tokens` routes: a signed-in person's tokens for scripts (`MLFLOW_TRACKING_TOKEN`),
//! made, listed (never shown again: a name, when it was made and when it expires) and taken
//! back. A token for scripts logs runs with its owner's role and can do nothing else, these
//! routes included.

use crate::arm::error_response;
use crate::db::ScriptTokenRow;
use crate::state::AppState;
use crate::{auth, json_body};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use azimuth_core::time::format_iso;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;

/// `POST /api/tokens`'s body, which may be left out.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct NewToken {
    #[serde(default)]
    name: String,
}

fn listed(row: &ScriptTokenRow) -> Value {
    json!({
        "id": row.id,
        "name": row.name,
        "createdOn": (row.created_at > 0).then(|| format_iso(row.created_at)),
        "expiresOn": format_iso(row.expires_at),
    })
}

/// `POST /api/tokens` (`{"name": ...}`, or nothing): makes a token for scripts, which logs runs
/// through the tracking API (with the person's role, for 90 days) and can do nothing else.
/// Answers it, the one time it is shown, with how it is listed.
pub async fn create(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let asked = match &body {
        Ok(bytes) if bytes.iter().all(u8::is_ascii_whitespace) => Ok(NewToken::default()),
        _ => json_body::<NewToken>(body, r#"{"name": "laptop"} or nothing"#),
    };
    let made = auth::member_of(&state, &headers)
        .and_then(|me| asked.and_then(|a| auth::new_script_token(&state, &me, &a.name)));
    match made {
        Ok(made) => {
            let mut answer = listed(&made.row);
            answer["token"] = json!(made.token);
            Json(answer).into_response()
        }
        Err(e) => error_response(&e),
    }
}

/// `GET /api/tokens`: the person's tokens for scripts that still work, newest first.
pub async fn list(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let rows = auth::member_of(&state, &headers).and_then(|me| auth::script_tokens(&state, &me));
    match rows {
        Ok(rows) => {
            Json(json!({"value": rows.iter().map(listed).collect::<Vec<_>>()})).into_response()
        }
        Err(e) => error_response(&e),
    }
}

/// `DELETE /api/tokens/{id}`: takes back one of the person's tokens; it stops working at once.
pub async fn revoke(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let gone = auth::member_of(&state, &headers)
        .and_then(|me| auth::revoke_script_token(&state, &me, &id));
    match gone {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => error_response(&e),
    }
}
