//! What each deployment keeps of its requests: a log (`getLogs`) and its figures a minute at a
//! time (requests, errors, p50 and p99 latency; `/api/endpoints/metrics`).

use super::Inference;
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use azimuth_core::ArmError;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// Lines of log kept per deployment.
const LOG_LINES: usize = 1_000;
/// Minutes of request figures kept per deployment.
const MINUTES_KEPT: usize = 60;
/// Latency buckets: bucket `i` holds times up to `FIRST_BUCKET_MS * BUCKET_GROWTH^i`.
const BUCKETS: usize = 80;
const FIRST_BUCKET_MS: f64 = 0.01;
const BUCKET_GROWTH: f64 = 1.2;

/// A line of a deployment's log, written out when read (a request's costs no formatting).
pub(super) enum LogLine {
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
pub(super) struct Minute {
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
    pub(super) fn count(&self, id: &str, now: i64, ms: f64, refused: bool) {
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
    pub(super) fn figures(&self, id: &str, now: i64) -> Value {
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

    pub(super) fn log(&self, deployment_id: &str, line: LogLine) {
        if let Ok(mut logs) = self.logs.lock() {
            let lines = logs.entry(deployment_id.to_owned()).or_default();
            if lines.len() == LOG_LINES {
                lines.pop_front();
            }
            lines.push_back(line);
        }
    }
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
