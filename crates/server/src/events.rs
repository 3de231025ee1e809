//! Live updates: `GET /api/events` streams server-sent events, one `changed` event whenever
//! anything changes. Its data is `{"version", "workspace"}` (the ARM id of the workspace that
//! changed, or empty when the directory did: read again what you show). When the change touched
//! only a workspace's assets, someone who may read that workspace also gets `"changes":
//! {"computes", "deleted", "datastores", "deletedDatastores", "data", "dataVersions",
//! "activity", "settledAt", "serial"}`: the resources made or changed (each as GET returns it;
//! datastores never with their secrets), the names deleted and the new activity, to apply
//! without reading the workspace again; a change too big for [`MAX_EVENT`] bytes comes without
//! them.
//! Someone without a role there gets only `{"version"}`. A stream opened with `?workspace=<ARM
//! id>` (the studio's, which shows one workspace) gets what changed only for that workspace and
//! `{"version", "workspace"}` for the others. A version that jumps (or 0, when the
//! stream fell behind) means changes were missed: read everything again. EventSource cannot send
//! headers, so the session comes in the cookie signing in set (the studio's way) or as
//! `?access_token=` (for other clients).

use crate::auth::{cookie_token, hash_token};
use crate::state::{now_ms, AppState, Change};
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use azimuth_core::workspace::Changes;
use azimuth_core::ArmError;
use futures_util::stream;
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::broadcast::Receiver;

/// The most bytes of data an event carries; a change that needs more says only "read again".
pub const MAX_EVENT: usize = 4_096;

/// The data of a workspace's `changed` event with what the change did, for those who may read
/// it (datastores without their secrets); `None` when it would pass [`MAX_EVENT`].
pub fn detail(version: u64, workspace: &str, changes: &Changes) -> Option<Arc<str>> {
    let redacted;
    let changes = if changes.datastores.iter().any(|d| d.secrets.is_some()) {
        redacted = Changes {
            datastores: azimuth_core::data::datastore::without_secrets(&changes.datastores),
            ..changes.clone()
        };
        &redacted
    } else {
        changes
    };
    #[derive(serde::Serialize)]
    struct Detail<'a> {
        version: u64,
        workspace: &'a str,
        changes: &'a Changes,
    }
    let text = serde_json::to_string(&Detail {
        version,
        workspace,
        changes,
    })
    .ok()?;
    (text.len() <= MAX_EVENT).then(|| text.into())
}

/// The next change, or one of version 0 and no workspace (read everything again) when this
/// receiver fell behind and changes were missed; `None` once the server stops.
async fn next_change(receiver: &mut Receiver<Change>) -> Option<Change> {
    match receiver.recv().await {
        Ok(change) => Some(change),
        Err(RecvError::Lagged(_)) => Some(Change {
            version: 0,
            workspace: String::new(),
            detail: None,
        }),
        Err(RecvError::Closed) => None,
    }
}

/// The data `member` gets for a change: what it did when they may read the workspace (and it
/// is the one `watched`, when the stream named one), only the version when they may not.
fn data_for(state: &AppState, member: &str, watched: Option<&str>, change: &Change) -> String {
    let elsewhere = watched.is_some_and(|w| !w.eq_ignore_ascii_case(&change.workspace));
    if change.workspace.is_empty() {
        return serde_json::json!({"version": change.version, "workspace": ""}).to_string();
    }
    if state.check_access(member, &change.workspace).is_err() {
        return serde_json::json!({"version": change.version}).to_string();
    }
    match &change.detail {
        Some(detail) if !elsewhere => detail.to_string(),
        _ => serde_json::json!({"version": change.version, "workspace": change.workspace})
            .to_string(),
    }
}

/// `GET /api/events?access_token=...&workspace=...`.
pub async fn events(
    State(state): State<Arc<AppState>>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let signed_in = cookie_token(&headers)
        .or(query.get("access_token").map(String::as_str))
        .and_then(|t| state.with_db(|db| db.session_member(&hash_token(t), now_ms())));
    let Some(member) = signed_in else {
        return crate::arm::error_response(&ArmError::new(
            "InvalidAuthenticationToken",
            "Live updates need a signed-in session: sign in (which sets the session cookie) or add ?access_token=<token>.",
        ));
    };
    let watched = query.get("workspace").cloned();
    let receiver = state.subscribe();
    // The current version first, so a client that reconnects catches up at once.
    let first = Some(Change {
        version: state.version(),
        workspace: String::new(),
        detail: None,
    });
    let events = stream::unfold((receiver, first), move |(mut receiver, first)| {
        let (state, member, watched) = (Arc::clone(&state), member.clone(), watched.clone());
        async move {
            let reconnect = first.is_some();
            let change = match first {
                Some(c) => c,
                None => next_change(&mut receiver).await?,
            };
            let data = data_for(&state, &member, watched.as_deref(), &change);
            let mut event = Event::default().event("changed").data(data);
            if reconnect {
                // Browsers wait about 3 s before reconnecting unless told; after a server restart
                // the studio should be live again within a second.
                event = event.retry(std::time::Duration::from_secs(1));
            }
            Some((Ok::<_, Infallible>(event), (receiver, None)))
        }
    });
    Sse::new(events)
        .keep_alive(KeepAlive::default())
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use azimuth_core::Workspace;

    #[test]
    fn a_change_too_big_for_one_event_is_not_carried() {
        let now = 1_780_000_000_000;
        let before = Workspace::seed(now);
        let mut after = before.clone();
        let body = r#"{"properties":{"computeType":"ComputeInstance","properties":{"vmSize":"Standard_DS1_v2"}}}"#;
        let mut sizes = Vec::new();
        for name in ["ci-a", "ci-b", "ci-c"] {
            let request = serde_json::from_str(body).unwrap();
            after
                .put_compute("Ada Lovelace", name, request, now)
                .unwrap();
            let changes = after.changes_since(&before).unwrap();
            sizes.push(detail(7, before.id(), &changes).map(|d| d.len()));
        }
        assert!(sizes[0].is_some_and(|n| n <= MAX_EVENT), "{sizes:?}");
        assert_eq!(sizes[2], None, "three computes make more than 4 KB");
    }

    #[tokio::test]
    async fn a_receiver_that_fell_behind_is_told_to_read_everything_again() {
        let (sender, mut receiver) = tokio::sync::broadcast::channel(4);
        let detail = Some(Arc::from(r#"{"version":1}"#));
        for version in 1..=6 {
            let workspace = "/subscriptions/s/workspaces/w".to_owned();
            let detail = detail.clone();
            sender
                .send(Change {
                    version,
                    workspace,
                    detail,
                })
                .unwrap();
        }
        let missed = next_change(&mut receiver).await.unwrap();
        assert_eq!((missed.version, missed.workspace.as_str()), (0, ""));
        assert_eq!(missed.detail, None);
        assert_eq!(next_change(&mut receiver).await.unwrap().version, 3);
        drop(sender);
        for _ in 4..=6 {
            next_change(&mut receiver).await.unwrap();
        }
        assert!(next_change(&mut receiver).await.is_none());
    }
}
