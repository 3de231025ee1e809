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
//!
//! A `runs` event (`{"workspace"}`) says that runs of a workspace the person may read (the
//! watched one, when the stream names one) were created, logged to or changed: read again the
//! runs shown. Changes within a quarter of a second come as one event.

use crate::auth::{cookie_token, hash_token};
use crate::db::TokenKind;
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
/// it (datastores without their secrets, endpoints without their keys); `None` when it would pass [`MAX_EVENT`].
pub fn detail(version: u64, workspace: &str, changes: &Changes) -> Option<Arc<str>> {
    let redacted;
    let keyed = |e: &Arc<azimuth_core::endpoints::StoredEndpoint>| e.keys.is_some();
    let changes = if changes.datastores.iter().any(|d| d.secrets.is_some())
        || changes.endpoints.endpoints.iter().any(keyed)
    {
        let mut endpoints = changes.endpoints.clone();
        endpoints.endpoints = azimuth_core::endpoints::without_keys(&endpoints.endpoints);
        redacted = Changes {
            datastores: azimuth_core::data::datastore::without_secrets(&changes.datastores),
            endpoints,
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

/// How long a stream gathers `runs` changes into one event: a script logging a metric a
/// millisecond does not send the studio a thousand events a second.
const RUNS_GATHER: std::time::Duration = std::time::Duration::from_millis(250);

/// One client's event stream: installation changes, runs changes, and what is due to be sent.
struct Streams {
    changes: Receiver<Change>,
    runs: Receiver<Arc<str>>,
    first: Option<Change>,
    /// Workspaces whose `runs` event is due.
    pending: Vec<Arc<str>>,
}

impl Streams {
    /// The next event for `member`: a `changed` event, or a `runs` event (`{"workspace"}`) for
    /// a workspace they may read whose runs changed; `None` once the server stops.
    async fn next(
        &mut self,
        state: &AppState,
        member: &str,
        watched: Option<&str>,
    ) -> Option<Event> {
        if let Some(first) = self.first.take() {
            let data = data_for(state, member, watched, &first);
            // Browsers wait about 3 s before reconnecting unless told; after a server restart
            // the studio should be live again within a second.
            return Some(
                Event::default()
                    .event("changed")
                    .data(data)
                    .retry(std::time::Duration::from_secs(1)),
            );
        }
        loop {
            if let Some(workspace) = self.pending.pop() {
                let data = serde_json::json!({ "workspace": &*workspace }).to_string();
                return Some(Event::default().event("runs").data(data));
            }
            tokio::select! {
                change = next_change(&mut self.changes) => {
                    let data = data_for(state, member, watched, &change?);
                    return Some(Event::default().event("changed").data(data));
                }
                first = self.runs.recv() => {
                    let mut changed = match first {
                        Ok(ws) => vec![ws],
                        // Changes were missed: the watched workspace's runs may be among them.
                        Err(RecvError::Lagged(_)) => watched.map(Arc::from).into_iter().collect(),
                        Err(RecvError::Closed) => return None,
                    };
                    tokio::time::sleep(RUNS_GATHER).await;
                    while let Ok(ws) = self.runs.try_recv() {
                        changed.push(ws);
                    }
                    changed.sort();
                    changed.dedup();
                    changed.retain(|ws| {
                        watched.is_none_or(|w| w.eq_ignore_ascii_case(ws))
                            && state.check_access(member, ws).is_ok()
                    });
                    self.pending = changed;
                }
            }
        }
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
        .and_then(|t| {
            state.with_db(|db| db.token_member(TokenKind::Session, &hash_token(t), now_ms()))
        });
    let Some(member) = signed_in else {
        return crate::arm::error_response(&ArmError::new(
            "InvalidAuthenticationToken",
            "Live updates need a signed-in session: sign in (which sets the session cookie) or add ?access_token=<token>.",
        ));
    };
    let watched = query.get("workspace").cloned();
    let streams = Streams {
        changes: state.subscribe(),
        runs: state.tracking.subscribe(),
        // The current version first, so a client that reconnects catches up at once.
        first: Some(Change {
            version: state.version(),
            workspace: String::new(),
            detail: None,
        }),
        pending: Vec::new(),
    };
    let events = stream::unfold(streams, move |mut streams| {
        let (state, member, watched) = (Arc::clone(&state), member.clone(), watched.clone());
        async move {
            let event = streams.next(&state, &member, watched.as_deref()).await?;
            Some((Ok::<_, Infallible>(event), streams))
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
