//! MLflow's metric histories: `metrics/get-history` (a run's metric, page by page, each page
//! token naming where the last page ended) and `metrics/get-history-bulk-interval` (one metric
//! of several runs, each sampled evenly between two steps).

use super::points::{Place, Point};
use super::request::{one_or_many, page_size, run_id};
use super::store::{run_not_found, Tracking};
use super::Caller;
use azimuth_core::jobs::tracking::int64_opt;
use azimuth_core::jobs::{Metric, TrackingError};
use serde::Deserialize;
use serde_json::{json, Value};

/// `metrics/get-history`'s arguments.
#[derive(Deserialize)]
pub(super) struct History {
    run_id: Option<String>,
    run_uuid: Option<String>,
    metric_key: String,
    #[serde(default, with = "int64_opt")]
    max_results: Option<i64>,
    page_token: Option<String>,
}

/// `metrics/get-history-bulk-interval`'s arguments.
#[derive(Deserialize)]
pub(super) struct BulkInterval {
    #[serde(default, deserialize_with = "one_or_many")]
    run_ids: Vec<String>,
    metric_key: String,
    #[serde(default, with = "int64_opt")]
    start_step: Option<i64>,
    #[serde(default, with = "int64_opt")]
    end_step: Option<i64>,
    #[serde(default, with = "int64_opt")]
    max_results: Option<i64>,
}

/// The run's row number and the metric's number in it, when the run logged that metric.
fn series(
    store: &Tracking,
    who: &Caller,
    now: i64,
    id: &str,
    key: &str,
) -> Result<Option<(i64, u32)>, TrackingError> {
    store.read(&who.ws, now, |runs| {
        let (seq, run) = runs.runs.get(id).ok_or_else(|| run_not_found(id))?;
        Ok(run.metrics.get(key).map(|m| (*seq, m.number)))
    })?
}

fn points_json(key: &str, points: &[Point], run_id: Option<&str>) -> Vec<Value> {
    points
        .iter()
        .map(|p| {
            let metric = Metric {
                key: key.to_owned(),
                value: p.value,
                timestamp: p.timestamp,
                step: p.step,
            };
            let mut value = serde_json::to_value(metric).unwrap_or_default();
            if let (Some(id), Some(object)) = (run_id, value.as_object_mut()) {
                object.insert("run_id".into(), json!(id));
            }
            value
        })
        .collect()
}

/// Most values of a history in one page.
const HISTORY_PAGE: usize = 25_000;

/// A page token: where the last page ended, `step.timestamp.row`.
fn token(place: Place) -> String {
    format!("{}.{}.{}", place.0, place.1, place.2)
}

fn read_token(text: Option<&str>) -> Result<Option<Place>, TrackingError> {
    let Some(text) = text.filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let bad = || TrackingError::invalid(format!("Invalid page token '{text}'."));
    let mut parts = text
        .splitn(3, '.')
        .map(|p| p.parse::<i64>().map_err(|_| bad()));
    let mut next = || parts.next().ok_or_else(bad)?;
    Ok(Some((next()?, next()?, next()?)))
}

/// `metrics/get-history`.
pub(super) fn history(
    store: &Tracking,
    who: &Caller,
    now: i64,
    r: History,
) -> Result<Value, TrackingError> {
    let id = run_id(r.run_id, r.run_uuid)?;
    let size = page_size(r.max_results, HISTORY_PAGE, HISTORY_PAGE)?;
    let after = read_token(r.page_token.as_deref())?;
    let Some((seq, number)) = series(store, who, now, &id, &r.metric_key)? else {
        return Ok(json!({ "metrics": [] }));
    };
    // One more than a page tells whether another page follows.
    let mut read = store.history(seq, number, after, size + 1)?;
    let more = read.len() > size;
    read.truncate(size);
    let next = more
        .then(|| read.last().map(|(_, place)| token(*place)))
        .flatten();
    let points: Vec<Point> = read.into_iter().map(|(p, _)| p).collect();
    Ok(json!({ "metrics": points_json(&r.metric_key, &points, None), "next_page_token": next }))
}

/// `metrics/get-history-bulk-interval`: at most `max_results` values of each run between two
/// steps, spread evenly, its first and last always among them.
pub(super) fn bulk_interval(
    store: &Tracking,
    who: &Caller,
    now: i64,
    r: BulkInterval,
) -> Result<Value, TrackingError> {
    if r.run_ids.is_empty() || r.run_ids.len() > 100 {
        return Err(TrackingError::invalid(format!(
            "Give between 1 and 100 run_ids; {} were given.",
            r.run_ids.len()
        )));
    }
    let size = page_size(r.max_results, 320, 2500)?;
    let steps = (
        r.start_step.unwrap_or(i64::MIN),
        r.end_step.unwrap_or(i64::MAX),
    );
    let mut metrics = Vec::new();
    for id in &r.run_ids {
        if let Some((seq, number)) = series(store, who, now, id, &r.metric_key)? {
            let sampled = store.sample(seq, number, steps, size)?;
            metrics.extend(points_json(&r.metric_key, &sampled, Some(id)));
        }
    }
    Ok(json!({ "metrics": metrics }))
}
