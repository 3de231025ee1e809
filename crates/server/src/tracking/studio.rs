//! What the studio's Jobs pages read, shaped for them so only what is shown travels:
//! `GET /api/jobs/experiments?wsid=` (experiments with their run counts),
//! `GET /api/jobs/table?wsid=&experiment=&filter=&sort=&desc=&columns=&offset=&limit=&view=`
//! (one page of the runs table, decided by the engine's table rule) and
//! `GET /api/jobs/metric?wsid=&run=&key=&x=step|time&from=&to=&buckets=` (a metric's history,
//! whole when it is short, otherwise each bucket's first and last x and least and greatest
//! value, so no spike is averaged away; SQLite does the bucketing).

use super::{caller, error_response, ok};
use crate::state::AppState;
use crate::{wsid, QueryMap};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use azimuth_core::jobs::experiment;
use azimuth_core::jobs::filter::parse as parse_filter;
use azimuth_core::jobs::table::{page_size, table, Column, TableQuery};
use azimuth_core::jobs::{TrackingError, ViewType};
use serde_json::json;
use std::sync::Arc;

/// Answers with `read` run on the threads meant for blocking work (it reads SQLite).
async fn answer(
    state: Arc<AppState>,
    query: QueryMap,
    headers: HeaderMap,
    read: fn(&AppState, &QueryMap, &HeaderMap) -> Result<serde_json::Value, TrackingError>,
) -> Response {
    let result = super::blocking(move || Some(read(&state, &query, &headers))).await;
    match result {
        Some(Ok(value)) => ok(value),
        Some(Err(e)) => error_response(&e),
        None => error_response(&TrackingError::new("INTERNAL_ERROR", "No answer was made.")),
    }
}

fn number(query: &QueryMap, key: &str) -> Result<Option<i64>, TrackingError> {
    query
        .get(key)
        .filter(|v| !v.is_empty())
        .map(|v| {
            v.parse().map_err(|_| {
                TrackingError::invalid(format!("'{key}' must be a whole number, not '{v}'."))
            })
        })
        .transpose()
}

/// `GET /api/jobs/experiments`: each experiment with how many live runs it holds and when
/// the newest started.
pub(crate) async fn experiments(
    State(state): State<Arc<AppState>>,
    query: QueryMap,
    headers: HeaderMap,
) -> Response {
    answer(state, query, headers, read_experiments).await
}

fn read_experiments(
    state: &AppState,
    query: &QueryMap,
    headers: &HeaderMap,
) -> Result<serde_json::Value, TrackingError> {
    let who = caller(state, headers, &wsid(query).map_err(super::from_arm)?)?;
    state.tracking.read(&who.ws, state.now(), |runs| {
        let list = experiment::summaries(&runs.experiments, runs.runs.values().map(|(_, r)| r));
        json!({ "experiments": list })
    })
}

/// `GET /api/jobs/table`.
pub(crate) async fn runs_table(
    State(state): State<Arc<AppState>>,
    query: QueryMap,
    headers: HeaderMap,
) -> Response {
    answer(state, query, headers, read_table).await
}

fn read_table(
    state: &AppState,
    query: &QueryMap,
    headers: &HeaderMap,
) -> Result<serde_json::Value, TrackingError> {
    {
        let who = caller(state, headers, &wsid(query).map_err(super::from_arm)?)?;
        let text = |k: &str| query.get(k).map(String::as_str).unwrap_or_default();
        let columns = text("columns")
            .split(',')
            .filter(|c| !c.is_empty())
            .map(Column::parse_asked)
            .collect::<Result<Vec<_>, _>>()?;
        let sort = match text("sort") {
            "" => None,
            spec => Some((Column::parse_asked(spec)?, text("desc") == "true")),
        };
        let view = match text("view") {
            "deleted" => ViewType::DeletedOnly,
            "all" => ViewType::All,
            _ => ViewType::ActiveOnly,
        };
        let limit = page_size(number(query, "limit")?.unwrap_or(100).max(0) as usize);
        let table_query = TableQuery {
            experiment: Some(text("experiment").to_owned()).filter(|e| !e.is_empty()),
            view,
            filter: parse_filter(text("filter"))?,
            sort,
            columns,
            offset: number(query, "offset")?.unwrap_or(0).max(0) as usize,
            limit,
            now: state.now(),
        };
        state.tracking.read(&who.ws, state.now(), |runs| {
            let page = table(
                runs.runs.values().map(|(_, r)| r),
                &runs.experiments,
                &table_query,
            );
            serde_json::to_value(page).unwrap_or_default()
        })
    }
}

/// Most buckets a chart asks for.
const MAX_BUCKETS: i64 = 4000;

/// `GET /api/jobs/metric`.
pub(crate) async fn metric(
    State(state): State<Arc<AppState>>,
    query: QueryMap,
    headers: HeaderMap,
) -> Response {
    answer(state, query, headers, read_metric).await
}

fn read_metric(
    state: &AppState,
    query: &QueryMap,
    headers: &HeaderMap,
) -> Result<serde_json::Value, TrackingError> {
    {
        let who = caller(state, headers, &wsid(query).map_err(super::from_arm)?)?;
        let run = query.get("run").cloned().unwrap_or_default();
        let key = query.get("key").cloned().unwrap_or_default();
        let by_time = query.get("x").is_some_and(|x| x == "time");
        let buckets = number(query, "buckets")?
            .unwrap_or(1000)
            .clamp(1, MAX_BUCKETS);
        let series = state.tracking.read(&who.ws, state.now(), |runs| {
            runs.runs
                .get(&run)
                .map(|(seq, r)| (*seq, r.metrics.get(&key).map(|m| m.number)))
        })?;
        let Some((seq, number_in_run)) = series else {
            return Err(super::store::run_not_found(&run));
        };
        let Some(metric) = number_in_run else {
            return Ok(json!({ "key": key, "total": 0, "points": [] }));
        };
        let range = (number(query, "from")?, number(query, "to")?);
        let shape = state
            .tracking
            .sampled(seq, metric, by_time, range, buckets)?;
        Ok(json!({
            "key": key,
            "first": shape.first,
            "last": shape.last,
            "total": shape.total,
            "points": shape.points,
            "buckets": shape.buckets,
        }))
    }
}
