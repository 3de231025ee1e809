//! `/api/2.0/mlflow/experiments/…`: create, get, get-by-name, search, update, delete, restore,
//! set-experiment-tag and delete-experiment-tag.

use super::request::{one_or_many, page_size, page_start, parse};
use super::{ok, Caller};
use crate::state::AppState;
use axum::http::Method;
use axum::response::Response;
use azimuth_core::jobs::experiment::{self, NewExperiment};
use azimuth_core::jobs::filter::parse as parse_filter;
use azimuth_core::jobs::order::{compare_runs, parse_orders};
use azimuth_core::jobs::submit::artifact_root;
use azimuth_core::jobs::tracking::int64_opt;
use azimuth_core::jobs::{LifecycleStage, Tag, TrackingError, ViewType};
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize)]
struct Create {
    name: String,
    #[serde(default)]
    tags: Vec<Tag>,
}

#[derive(Deserialize)]
struct ById {
    experiment_id: String,
}

#[derive(Deserialize)]
struct ByName {
    experiment_name: String,
}

#[derive(Deserialize)]
struct Update {
    experiment_id: String,
    new_name: String,
}

#[derive(Deserialize)]
struct SetTag {
    experiment_id: String,
    key: String,
    #[serde(default)]
    value: String,
}

#[derive(Deserialize)]
struct DeleteTag {
    experiment_id: String,
    key: String,
}

#[derive(Deserialize)]
struct Search {
    #[serde(default, with = "int64_opt")]
    max_results: Option<i64>,
    page_token: Option<String>,
    filter: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    order_by: Vec<String>,
    #[serde(default)]
    view_type: ViewType,
}

/// Answers `experiments/{op}`, or `None` when there is no such call.
pub(super) fn call(
    state: &AppState,
    who: &Caller,
    method: &Method,
    op: &str,
    args: Value,
) -> Option<Result<Response, TrackingError>> {
    let now = state.now();
    let store = &state.tracking;
    let read = |f: &dyn Fn(&[azimuth_core::jobs::Experiment]) -> Result<Value, TrackingError>| {
        store.read(&who.ws, now, |r| f(&r.experiments))?
    };
    let result = match (method.as_str(), op) {
        ("POST", "create") => parse::<Create>(args).and_then(|r| create(state, who, now, r)),
        ("GET", "get") => parse::<ById>(args).and_then(|r| {
            read(&|all| Ok(json!({ "experiment": experiment::find(all, &r.experiment_id)? })))
        }),
        ("GET", "get-by-name") => parse::<ByName>(args).and_then(|r| {
            read(&|all| {
                let found = all.iter().find(|e| e.name == r.experiment_name);
                let found = found.ok_or_else(|| {
                    TrackingError::not_found(format!(
                        "Could not find experiment with name '{}'",
                        r.experiment_name
                    ))
                })?;
                Ok(json!({ "experiment": found }))
            })
        }),
        ("GET" | "POST", "search") => {
            parse::<Search>(args).and_then(|r| search(store, who, now, r))
        }
        ("POST", "update") => write(who, args, |r: Update| {
            store.change_experiments(&who.ws, now, |all| {
                experiment::rename(all, &r.experiment_id, &r.new_name, now)
            })
        }),
        ("POST", "delete" | "restore") => {
            let stage = if op == "delete" {
                LifecycleStage::Deleted
            } else {
                LifecycleStage::Active
            };
            write(who, args, |r: ById| {
                store.change_experiments(&who.ws, now, |all| {
                    experiment::set_stage(all, &r.experiment_id, stage, now)
                })
            })
        }
        ("POST", "set-experiment-tag") => write(who, args, |r: SetTag| {
            let tag = Tag {
                key: r.key,
                value: r.value,
            };
            store.change_experiments(&who.ws, now, |all| {
                experiment::set_tag(all, &r.experiment_id, tag, now)
            })
        }),
        ("POST", "delete-experiment-tag") => write(who, args, |r: DeleteTag| {
            store.change_experiments(&who.ws, now, |all| {
                experiment::delete_tag(all, &r.experiment_id, &r.key, now)
            })
        }),
        _ => return None,
    };
    Some(result.map(ok))
}

fn create(state: &AppState, who: &Caller, now: i64, r: Create) -> Result<Value, TrackingError> {
    who.check_write()?;
    let id = crate::state::random_guid()
        .map_err(|e| TrackingError::new("TEMPORARILY_UNAVAILABLE", e))?;
    state.tracking.change_experiments(&who.ws, now, |all| {
        let created = experiment::create(
            all,
            NewExperiment {
                id,
                name: &r.name,
                artifact_location: artifact_root(),
                now,
                tags: &r.tags,
            },
        )?;
        let id = created.experiment_id.clone();
        all.push(created);
        Ok(json!({ "experiment_id": id }))
    })
}

/// A call that writes and answers `{}`.
fn write<T: serde::de::DeserializeOwned>(
    who: &Caller,
    args: Value,
    f: impl FnOnce(T) -> Result<(), TrackingError>,
) -> Result<Value, TrackingError> {
    who.check_write()?;
    f(parse(args)?)?;
    Ok(json!({}))
}

fn search(
    store: &super::store::Tracking,
    who: &Caller,
    now: i64,
    r: Search,
) -> Result<Value, TrackingError> {
    let filter = parse_filter(r.filter.as_deref().unwrap_or(""))?;
    let mut orders = parse_orders(&r.order_by)?;
    if orders.is_empty() {
        orders = parse_orders(&["creation_time DESC".to_owned()])?;
    }
    let size = page_size(r.max_results, 1000, 50_000)?;
    let start = page_start(r.page_token.as_deref())?;
    store.read(&who.ws, now, |runs| {
        let mut found: Vec<_> = runs
            .experiments
            .iter()
            .filter(|e| r.view_type.shows(e.lifecycle_stage))
            .filter(|e| filter.as_ref().is_none_or(|f| f.matches(*e)))
            .collect();
        found.sort_by(|a, b| compare_runs(*a, *b, &orders));
        let page: Vec<_> = found.iter().skip(start).take(size).collect();
        let next = (start.saturating_add(size) < found.len()).then(|| (start + size).to_string());
        json!({ "experiments": page, "next_page_token": next })
    })
}
