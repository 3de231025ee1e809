//! Jobs over ARM: `.../jobs` (paged; by `listViewType`, `jobType`, `tag`, and Azimuth's
//! `experimentName` and `status`), `.../jobs/{name}` (PUT submits a command job, GET, DELETE
//! archives) and `POST .../jobs/{name}/cancel`. A job is a run of the tracking store: an MLflow
//! run is a job named by its run id, and a submitted job is a run the `mlflow` client sees.

pub(crate) mod codes;
mod submit;

use super::AssetRequest as Request;
use super::{method_not_allowed, next_link, skip_of, PAGE_SIZE};
use crate::state::AppState;
use crate::tracking::{caller_of, Caller};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use azimuth_core::jobs::experiment::name_of;
use azimuth_core::jobs::job::{job_resource, JobPlace};
use azimuth_core::jobs::links::job_page;
use azimuth_core::jobs::run::StoredRun;
use azimuth_core::jobs::status::JobStatus;
use azimuth_core::jobs::submit::job_not_found;
use azimuth_core::jobs::LifecycleStage;
use azimuth_core::ArmError;
use serde_json::{json, Value};

/// What a jobs path names inside a workspace.
#[derive(Debug, PartialEq)]
pub enum JobTarget {
    /// `.../jobs`.
    List,
    /// `.../jobs/{name}`.
    One(String),
    /// `.../jobs/{name}/cancel`.
    Cancel(String),
    /// `.../codes/{name}`.
    Code(String),
    /// `.../codes/{name}/versions`.
    CodeVersions(String),
    /// `.../codes/{name}/versions/{version}`.
    CodeVersion(String, String),
    /// `.../codes/{name}/versions/{version}/startPendingUpload`.
    PendingUpload(String, String),
}

/// Starts job `name` of a submission the engine made (a batch endpoint's invocation, say):
/// Queued and handed to the runner, as a PUT would; answers the job.
pub(crate) fn start_job(
    state: &AppState,
    who: &Caller,
    name: &str,
    s: azimuth_core::jobs::job::Submission,
) -> Result<Value, ArmError> {
    check_write(who)?;
    let exists = state
        .tracking
        .read(&who.ws, state.now(), |runs| runs.runs.contains_key(name))
        .map_err(ArmError::from)?;
    if exists {
        return Err(ArmError::new("Conflict", format!("A job named '{name}' already exists in this workspace; name the invocation's job differently.")));
    }
    submit::submit(state, who, name, s, state.now())?;
    state.tracking.announce(&who.arm_id);
    read_job(state, who, name)
}

/// Answers a jobs request.
pub fn handle(
    state: &AppState,
    r: &Request<'_>,
    method: &Method,
    target: JobTarget,
) -> Result<Response, ArmError> {
    let who = caller_of(state, r.member, r.workspace)?;
    match (target, method.clone()) {
        (JobTarget::List, Method::GET) => list(state, &who, r),
        (JobTarget::One(name), Method::GET) => {
            let job = read_job(state, &who, &name)?;
            Ok((StatusCode::OK, axum::Json(job)).into_response())
        }
        (JobTarget::One(name), Method::PUT) => submit::put(state, &who, &name, r.body),
        (JobTarget::One(name), Method::DELETE) => archive(state, &who, &name),
        (JobTarget::Cancel(name), Method::POST) => cancel(state, &who, &name),
        (JobTarget::Code(name), Method::GET) => codes::get_container(state, &who, &name),
        (JobTarget::CodeVersions(name), Method::GET) => {
            let query: Vec<(String, String)> =
                serde_urlencoded::from_str(r.uri.query().unwrap_or("")).unwrap_or_default();
            let hash = query
                .iter()
                .find(|(k, _)| k == "hash")
                .map(|(_, v)| v.as_str());
            codes::list_versions(state, &who, &name, hash)
        }
        (JobTarget::CodeVersion(name, v), Method::GET) => {
            codes::get_version(state, &who, &name, &v)
        }
        (JobTarget::CodeVersion(name, v), Method::PUT) => {
            codes::put_version(state, &who, &name, &v, r.body)
        }
        (JobTarget::PendingUpload(name, v), Method::POST) => {
            codes::start_pending_upload(state, &who, &name, &v)
        }
        (JobTarget::Code(_) | JobTarget::CodeVersions(_), m) => Err(method_not_allowed(&m, "GET")),
        (JobTarget::CodeVersion(..), m) => Err(method_not_allowed(&m, "GET or PUT")),
        (JobTarget::PendingUpload(..), m) => Err(method_not_allowed(&m, "POST")),
        (JobTarget::List, m) => Err(method_not_allowed(&m, "GET")),
        (JobTarget::One(_), m) => Err(method_not_allowed(&m, "GET, PUT or DELETE")),
        (JobTarget::Cancel(_), m) => Err(method_not_allowed(&m, "POST")),
    }
}

/// Where the studio shows job `name` of the workspace `ws`.
pub fn studio_url(state: &AppState, ws: &str, name: &str) -> String {
    format!("{}{}", state.config.public_base(), job_page(ws, name))
}

/// The workspace's tracking URI.
fn tracking_uri(state: &AppState, who: &Caller) -> String {
    state
        .read(|t| {
            t.workspace(&who.arm_id)
                .map(|w| w.resource.properties.ml_flow_tracking_uri.clone())
        })
        .unwrap_or_default()
}

/// A run as ARM's job, with its experiment's name.
fn resource(state: &AppState, who: &Caller, run: &StoredRun, experiment: &str) -> Value {
    let tracking = tracking_uri(state, who);
    job_resource(
        run,
        &JobPlace {
            workspace: &who.arm_id,
            experiment_name: experiment,
            tracking_uri: &tracking,
            studio_url: studio_url(state, &who.arm_id, &run.info.run_id),
        },
    )
}

fn experiment_name(runs: &crate::tracking::store::Runs, id: &str) -> String {
    name_of(&runs.experiments, id).to_owned()
}

/// The job `name` as ARM answers it.
pub(crate) fn read_job(state: &AppState, who: &Caller, name: &str) -> Result<Value, ArmError> {
    let (run, experiment) = state
        .tracking
        .read(&who.ws, state.now(), |runs| {
            runs.runs
                .get(name)
                .map(|(_, run)| (run.clone(), experiment_name(runs, &run.info.experiment_id)))
        })
        .map_err(ArmError::from)?
        .ok_or_else(|| job_not_found(name))?;
    Ok(resource(state, who, &run, &experiment))
}

/// A query parameter by name (any case).
fn param(query: &[(String, String)], name: &str) -> Option<String> {
    query
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.clone())
}

fn list(state: &AppState, who: &Caller, r: &Request<'_>) -> Result<Response, ArmError> {
    let query: Vec<(String, String)> =
        serde_urlencoded::from_str(r.uri.query().unwrap_or("")).unwrap_or_default();
    let view = param(&query, "listViewType").unwrap_or_else(|| "ActiveOnly".into());
    let wanted_stage = match view.to_ascii_lowercase().as_str() {
        "activeonly" => Some(LifecycleStage::Active),
        "archivedonly" => Some(LifecycleStage::Deleted),
        "all" => None,
        _ => {
            return Err(ArmError::new(
                "UserError",
                format!("listViewType must be ActiveOnly, ArchivedOnly or All, not '{view}'."),
            ))
        }
    };
    let job_type = param(&query, "jobType");
    let tag = param(&query, "tag");
    let experiment = param(&query, "experimentName");
    let status = match param(&query, "status") {
        Some(s) => Some(
            JobStatus::parse(&s)
                .ok_or_else(|| ArmError::new("UserError", format!("'{s}' is not a job status.")))?,
        ),
        None => None,
    };
    let skip = skip_of(r.uri.query().unwrap_or(""));
    let (page, total) = state
        .tracking
        .read(&who.ws, state.now(), |runs| {
            let mut found: Vec<(&StoredRun, String)> = runs
                .runs
                .values()
                .map(|(_, run)| (run, experiment_name(runs, &run.info.experiment_id)))
                .filter(|(run, exp)| {
                    wanted_stage.is_none_or(|s| run.info.lifecycle_stage == s)
                        && job_type
                            .as_deref()
                            .is_none_or(|t| t.eq_ignore_ascii_case("Command"))
                        && tag.as_deref().is_none_or(|t| run.tags.contains_key(t))
                        && experiment.as_deref().is_none_or(|e| e == exp)
                        && status.is_none_or(|s| run.job_status() == s)
                })
                .collect();
            found.sort_by(|a, b| {
                (b.0.info.start_time, &b.0.info.run_id)
                    .cmp(&(a.0.info.start_time, &a.0.info.run_id))
            });
            let total = found.len();
            let page: Vec<(StoredRun, String)> = found
                .into_iter()
                .skip(skip)
                .take(PAGE_SIZE)
                .map(|(run, exp)| (run.clone(), exp))
                .collect();
            (page, total)
        })
        .map_err(ArmError::from)?;
    let value: Vec<Value> = page
        .iter()
        .map(|(run, exp)| resource(state, who, run, exp))
        .collect();
    let mut body = json!({ "value": value });
    if let Some(link) = next_link(total, skip, r.uri, r.headers) {
        body["nextLink"] = Value::String(link);
    }
    Ok((StatusCode::OK, axum::Json(body)).into_response())
}

/// Refuses a caller whose role may not write jobs.
pub(super) fn check_write(who: &Caller) -> Result<(), ArmError> {
    who.check_write().map_err(ArmError::from)
}

/// DELETE: an ended job is archived (MLflow sees a deleted run, which `runs/restore` and
/// `isArchived: false` bring back); a job that has not ended must be canceled first.
fn archive(state: &AppState, who: &Caller, name: &str) -> Result<Response, ArmError> {
    check_write(who)?;
    let now = state.now();
    let found = state
        .tracking
        .read(&who.ws, now, |runs| {
            runs.runs.get(name).map(|(_, r)| r.job_status())
        })
        .map_err(ArmError::from)?;
    let Some(status) = found else {
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    if !status.is_terminal() {
        return Err(ArmError::new(
            "Conflict",
            format!(
                "The job '{name}' is {}; cancel it first, then delete it.",
                status.as_str()
            ),
        ));
    }
    state
        .tracking
        .change_run(&who.ws, now, name, |run| {
            run.set_stage(LifecycleStage::Deleted);
            Ok(((), Vec::new()))
        })
        .map_err(ArmError::from)?;
    state.tracking.announce(&who.arm_id);
    Ok(StatusCode::OK.into_response())
}

/// Cancel: a job that has not started is Canceled at once; one whose command runs is
/// CancelRequested until the runner has ended its process.
fn cancel(state: &AppState, who: &Caller, name: &str) -> Result<Response, ArmError> {
    check_write(who)?;
    let now = state.now();
    let (status, compute) = state
        .tracking
        .change_run(&who.ws, now, name, |run| {
            let status = run.cancel(&who.user_name, now)?;
            let compute = run.job.as_ref().and_then(|j| j.spec.compute_id.clone());
            Ok(((status, compute), Vec::new()))
        })
        .map_err(|e| {
            if e.error_code == "RESOURCE_DOES_NOT_EXIST" {
                job_not_found(name)
            } else {
                ArmError::from(e)
            }
        })?;
    if status == JobStatus::CancelRequested {
        if let Some(runner) = &state.runner {
            runner.cancel(&who.ws, name);
        }
    } else if let Some(compute) = compute {
        // A job canceled while it waited gives back the node its cluster was preparing for it.
        crate::jobs::placement::release(state, &who.arm_id, &compute, name);
    }
    state.tracking.announce(&who.arm_id);
    Ok((StatusCode::OK, axum::Json(json!({}))).into_response())
}
