//! `/api/2.0/mlflow/runs/…` and `/api/2.0/mlflow/metrics/…`: runs created, read, updated,
//! deleted, restored and searched; params, metrics, tags and inputs logged; metric histories
//! read whole (paged) or sampled across runs.

use super::request::{one_or_many, page_size, page_start, parse, run_id};
use super::store::{run_not_found, Tracking};
use super::{ok, Caller};
use crate::auth::{hex, random_bytes};
use crate::state::AppState;
use axum::http::Method;
use axum::response::Response;
use azimuth_core::jobs::experiment::{self, DEFAULT_EXPERIMENT_ID};
use azimuth_core::jobs::filter::parse as parse_filter;
use azimuth_core::jobs::limits::{check_batch, check_metric, check_param, check_tag};
use azimuth_core::jobs::names::job_name;
use azimuth_core::jobs::order::{compare_runs, parse_orders};
use azimuth_core::jobs::run::{NewRun, StoredRun};
use azimuth_core::jobs::submit::run_artifact_uri;
use azimuth_core::jobs::tracking::{double, int64, int64_opt};
use azimuth_core::jobs::{LifecycleStage, Metric, RunStatus, Tag, TrackingError, ViewType};
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize)]
struct Create {
    experiment_id: Option<String>,
    run_name: Option<String>,
    #[serde(default, with = "int64_opt")]
    start_time: Option<i64>,
    #[serde(default)]
    tags: Vec<Tag>,
}

#[derive(Deserialize)]
struct RunRef {
    run_id: Option<String>,
    run_uuid: Option<String>,
}

#[derive(Deserialize)]
struct Update {
    run_id: Option<String>,
    run_uuid: Option<String>,
    status: Option<RunStatus>,
    #[serde(default, with = "int64_opt")]
    end_time: Option<i64>,
    run_name: Option<String>,
}

#[derive(Deserialize)]
struct LogMetric {
    run_id: Option<String>,
    run_uuid: Option<String>,
    key: String,
    #[serde(with = "double")]
    value: f64,
    #[serde(with = "int64")]
    timestamp: i64,
    #[serde(default, with = "int64_opt")]
    step: Option<i64>,
}

#[derive(Deserialize)]
struct KeyValue {
    run_id: Option<String>,
    run_uuid: Option<String>,
    key: String,
    #[serde(default)]
    value: String,
}

#[derive(Deserialize)]
struct Batch {
    run_id: String,
    #[serde(default)]
    metrics: Vec<Metric>,
    #[serde(default)]
    params: Vec<Tag>,
    #[serde(default)]
    tags: Vec<Tag>,
}

#[derive(Deserialize)]
struct Inputs {
    run_id: String,
    #[serde(default)]
    datasets: Vec<Value>,
}

#[derive(Deserialize)]
struct Search {
    #[serde(default, deserialize_with = "one_or_many")]
    experiment_ids: Vec<String>,
    filter: Option<String>,
    #[serde(default)]
    run_view_type: ViewType,
    #[serde(default, with = "int64_opt")]
    max_results: Option<i64>,
    #[serde(default, deserialize_with = "one_or_many")]
    order_by: Vec<String>,
    page_token: Option<String>,
}

/// Answers `runs/{op}` and `metrics/{op}`, or `None` when there is no such call.
pub(super) fn call(
    state: &AppState,
    who: &Caller,
    method: &Method,
    name: &str,
    args: Value,
) -> Option<Result<Response, TrackingError>> {
    let store = &state.tracking;
    let now = state.now();
    let result = match (method.as_str(), name) {
        ("POST", "runs/create") => parse(args).and_then(|r| create(store, who, now, r)),
        ("GET", "runs/get") => parse::<RunRef>(args).and_then(|r| {
            let id = run_id(r.run_id, r.run_uuid)?;
            with_run(store, who, now, &id, |run| json!({ "run": run.to_run() }))
        }),
        ("POST", "runs/update") => parse::<Update>(args).and_then(|r| {
            who.check_write()?;
            let id = run_id(r.run_id, r.run_uuid)?;
            store.change_run(&who.ws, now, &id, |run| {
                run.update(r.status, r.end_time, r.run_name.as_deref(), now)?;
                Ok((json!({ "run_info": run.info }), Vec::new()))
            })
        }),
        ("POST", "runs/delete" | "runs/restore") => parse::<RunRef>(args).and_then(|r| {
            who.check_write()?;
            let id = run_id(r.run_id, r.run_uuid)?;
            let stage = if name == "runs/delete" {
                LifecycleStage::Deleted
            } else {
                LifecycleStage::Active
            };
            store.change_run(&who.ws, now, &id, |run| {
                run.set_stage(stage);
                Ok((json!({}), Vec::new()))
            })
        }),
        ("POST" | "GET", "runs/search") => parse(args).and_then(|r| search(store, who, now, r)),
        ("POST", "runs/log-metric") => parse::<LogMetric>(args).and_then(|r| {
            let id = run_id(r.run_id, r.run_uuid)?;
            let metric = Metric {
                key: r.key,
                value: r.value,
                timestamp: r.timestamp,
                step: r.step.unwrap_or(0),
            };
            check_metric(&metric)?;
            log(store, who, now, &id, &[metric], &[], &[])
        }),
        ("POST", "runs/log-parameter") => parse::<KeyValue>(args).and_then(|r| {
            let id = run_id(r.run_id, r.run_uuid)?;
            let param = Tag {
                key: r.key,
                value: r.value,
            };
            check_param(&param)?;
            log(store, who, now, &id, &[], &[param], &[])
        }),
        ("POST", "runs/set-tag") => parse::<KeyValue>(args).and_then(|r| {
            let id = run_id(r.run_id, r.run_uuid)?;
            let tag = Tag {
                key: r.key,
                value: r.value,
            };
            check_tag(&tag)?;
            log(store, who, now, &id, &[], &[], &[tag])
        }),
        ("POST", "runs/delete-tag") => parse::<KeyValue>(args).and_then(|r| {
            who.check_write()?;
            let id = run_id(r.run_id, r.run_uuid)?;
            store.change_run(&who.ws, now, &id, |run| {
                run.check_active()?;
                run.delete_tag(&r.key)?;
                Ok((json!({}), Vec::new()))
            })
        }),
        ("POST", "runs/log-batch") => parse::<Batch>(args).and_then(|r| {
            check_batch(&r.metrics, &r.params, &r.tags)?;
            log(store, who, now, &r.run_id, &r.metrics, &r.params, &r.tags)
        }),
        ("POST", "runs/log-inputs") => parse::<Inputs>(args).and_then(|r| {
            who.check_write()?;
            store.change_run(&who.ws, now, &r.run_id, |run| {
                run.log_inputs(r.datasets)?;
                Ok((json!({}), Vec::new()))
            })
        }),
        ("GET", "metrics/get-history") => {
            parse(args).and_then(|r| super::histories::history(store, who, now, r))
        }
        ("GET", "metrics/get-history-bulk-interval") => {
            parse(args).and_then(|r| super::histories::bulk_interval(store, who, now, r))
        }
        // MLflow 3 looks for a logged model before it reads `runs:/<id>/<path>`; this server
        // keeps none yet (models come with the models issue), so the search finds none.
        ("POST", "logged-models/search") => Ok(json!({ "models": [] })),
        _ => return None,
    };
    Some(result.map(ok))
}

fn with_run<T>(
    store: &Tracking,
    who: &Caller,
    now: i64,
    id: &str,
    f: impl FnOnce(&StoredRun) -> T,
) -> Result<T, TrackingError> {
    store.read(&who.ws, now, |runs| {
        runs.runs
            .get(id)
            .map(|(_, run)| f(run))
            .ok_or_else(|| run_not_found(id))
    })?
}

fn create(store: &Tracking, who: &Caller, now: i64, r: Create) -> Result<Value, TrackingError> {
    who.check_write()?;
    let asked = r
        .experiment_id
        .unwrap_or_else(|| DEFAULT_EXPERIMENT_ID.to_owned());
    let experiment_id = store.read(&who.ws, now, |runs| {
        let found = experiment::find(&runs.experiments, &asked)?;
        if found.lifecycle_stage == LifecycleStage::Deleted {
            return Err(TrackingError::invalid(format!(
                "The experiment {asked} must be in the 'active' state. Current state is deleted."
            )));
        }
        Ok(found.experiment_id.clone())
    })??;
    let unavailable = |e: azimuth_core::ArmError| {
        TrackingError::new("TEMPORARILY_UNAVAILABLE", e.message().to_owned())
    };
    let run_id = hex(&random_bytes::<16>().map_err(unavailable)?);
    let run = StoredRun::new(NewRun {
        run_id: &run_id,
        experiment_id: &experiment_id,
        user: &who.user_name,
        run_name: r.run_name.as_deref(),
        generated_name: job_name(random_bytes::<12>().map_err(unavailable)?),
        start_time: r.start_time.unwrap_or(now),
        artifact_uri: run_artifact_uri(&run_id),
        tags: &r.tags,
    })?;
    let answer = json!({ "run": run.to_run() });
    store.insert_run(&who.ws, now, run)?;
    Ok(answer)
}

/// Logs into an active run; params keep their first value.
fn log(
    store: &Tracking,
    who: &Caller,
    now: i64,
    id: &str,
    metrics: &[Metric],
    params: &[Tag],
    tags: &[Tag],
) -> Result<Value, TrackingError> {
    who.check_write()?;
    store.change_run(&who.ws, now, id, |run| {
        run.check_active()?;
        run.check_params(params)?;
        let numbers = run.log(metrics, params, tags);
        Ok((
            json!({}),
            numbers.into_iter().zip(metrics.iter().cloned()).collect(),
        ))
    })
}

fn search(store: &Tracking, who: &Caller, now: i64, r: Search) -> Result<Value, TrackingError> {
    let filter = parse_filter(r.filter.as_deref().unwrap_or(""))?;
    let orders = parse_orders(&r.order_by)?;
    let size = page_size(r.max_results, 1000, 50_000)?;
    let start = page_start(r.page_token.as_deref())?;
    store.read(&who.ws, now, |runs| {
        let ids: Vec<&str> = r
            .experiment_ids
            .iter()
            .filter_map(|id| experiment::find(&runs.experiments, id).ok())
            .map(|e| e.experiment_id.as_str())
            .collect();
        let mut found: Vec<&StoredRun> = runs
            .runs
            .values()
            .map(|(_, run)| run)
            .filter(|run| ids.contains(&run.info.experiment_id.as_str()))
            .filter(|run| r.run_view_type.shows(run.info.lifecycle_stage))
            .filter(|run| filter.as_ref().is_none_or(|f| f.matches(*run)))
            .collect();
        found.sort_by(|a, b| compare_runs(*a, *b, &orders));
        let page: Vec<_> = found
            .iter()
            .skip(start)
            .take(size)
            .map(|run| run.to_run())
            .collect();
        let next = (start.saturating_add(size) < found.len()).then(|| (start + size).to_string());
        json!({ "runs": page, "next_page_token": next })
    })
}
