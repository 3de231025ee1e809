//! Live updates: `GET /api/events` streams server-sent events, one `changed` event whenever
//! anything changes, its data `{"version", "workspace"}` (the ARM id of the workspace that
//! changed, or empty when the directory did), so each studio reads again only what it shows.
//! EventSource cannot send headers, so the session comes in the cookie signing in set (the
//! studio's way) or as `?access_token=` (for other clients).

use crate::auth::{cookie_token, hash_token};
use crate::state::{now_ms, AppState};
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use azimuth_core::ArmError;
use futures_util::stream;
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;

/// `GET /api/events?access_token=...`.
pub async fn events(
    State(state): State<Arc<AppState>>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let signed_in = cookie_token(&headers)
        .or(query.get("access_token").map(String::as_str))
        .and_then(|t| state.with_db(|db| db.session_member(&hash_token(t), now_ms())));
    if signed_in.is_none() {
        return crate::arm::error_response(&ArmError::new(
            "InvalidAuthenticationToken",
            "Live updates need a signed-in session: sign in (which sets the session cookie) or add ?access_token=<token>.",
        ));
    }
    let receiver = state.subscribe();
    // The current version first, so a client that reconnects catches up at once.
    let first = Some(crate::state::Change {
        version: state.version(),
        workspace: String::new(),
    });
    let events = stream::unfold((receiver, first), |(mut receiver, first)| async move {
        let reconnect = first.is_some();
        let change = match first {
            Some(c) => c,
            None => match receiver.recv().await {
                Ok(v) => v,
                // Changes were missed: every studio reads everything again.
                Err(RecvError::Lagged(_)) => crate::state::Change {
                    version: 0,
                    workspace: String::new(),
                },
                Err(RecvError::Closed) => return None,
            },
        };
        let data = serde_json::json!({"version": change.version, "workspace": change.workspace});
        let mut event = Event::default().event("changed").data(data.to_string());
        if reconnect {
            // Browsers wait about 3 s before reconnecting unless told; after a server restart
            // the studio should be live again within a second.
            event = event.retry(std::time::Duration::from_secs(1));
        }
        Some((Ok::<_, Infallible>(event), (receiver, None)))
    });
    Sse::new(events)
        .keep_alive(KeepAlive::default())
        .into_response()
}
