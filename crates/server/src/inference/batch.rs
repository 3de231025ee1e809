//! Batch endpoints' invocations, at each batch endpoint's `scoringUri`
//! (`POST /inference/{region}/{endpoint}/jobs`): the caller signs in as themselves (a session's
//! or a script's token, as azure-ai-ml's `batch_endpoints.invoke` sends it) and, allowed to
//! submit jobs in the endpoint's workspace, starts the engine's batch job
//! (`azimuth_core::endpoints::batch::invoke`), which the job runner scores
//! (`crate::jobs::batch`). The answer is the job; refusals are ARM's errors.

use crate::arm::jobs::{read_job, start_job};
use crate::arm::{error_response, AssetRequest};
use crate::state::{random_guid, AppState};
use crate::tracking::caller_of;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use azimuth_core::endpoints::batch::invoke::BatchSettings;
use azimuth_core::ArmError;
use serde_json::Value;
use std::sync::Arc;

/// `POST {scoringUri}` of a batch endpoint: starts a job scoring the body's input.
pub async fn invoke(
    State(state): State<Arc<AppState>>,
    Path((region, name)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let started =
        tokio::task::spawn_blocking(move || start(&state, &region, &name, &headers, &body)).await;
    match started {
        Ok(Ok(job)) => (StatusCode::OK, axum::Json(job)).into_response(),
        Ok(Err(e)) => error_response(&e),
        Err(_) => error_response(&ArmError::new(
            "ServiceUnavailable",
            "The invocation was interrupted; invoke the endpoint again.",
        )),
    }
}

fn start(
    state: &AppState,
    region: &str,
    name: &str,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Value, ArmError> {
    let me = crate::auth::member_of(state, headers)?;
    let workspace = state
        .read(|t| {
            t.workspaces
                .iter()
                .find(|w| {
                    w.deleted_at.is_none()
                        && w.resource.location.eq_ignore_ascii_case(region)
                        && w.batch_endpoint(name).is_ok()
                })
                .map(|w| w.id().to_owned())
        })
        .ok_or_else(|| {
            ArmError::new(
                "ResourceNotFound",
                format!("There is no batch endpoint '{name}' in {region}."),
            )
        })?;
    state.check_access(&me, &workspace)?;
    let who = caller_of(state, &me, &workspace)?;
    let body: Value = serde_json::from_slice(body).map_err(|e| {
        ArmError::new(
            "InvalidRequestContent",
            format!("The invocation is not valid JSON: {e}."),
        )
    })?;
    let job = match body["properties"]["name"].as_str() {
        Some(n) => n.to_owned(),
        None => format!(
            "batchjob-{}",
            random_guid().map_err(|e| ArmError::new("ServiceUnavailable", e))?
        ),
    };
    azimuth_core::jobs::job::check_job_name(&job)?;
    let asked = headers
        .get("azureml-model-deployment")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let submission = state.read_workspace(&me, &workspace, |w| {
        w.invoke_batch(&me, name, asked.as_deref(), &job, &body)
    })??;
    start_job(state, &who, &job, submission)
}

/// The jobs batch endpoint `name` started (`GET .../batchEndpoints/{name}/jobs`), newest first.
pub fn endpoint_jobs(
    state: &AppState,
    r: &AssetRequest,
    name: &str,
) -> Result<Vec<Value>, ArmError> {
    let endpoint = state.read_workspace(r.member, r.workspace, |w| {
        w.batch_endpoint(name).map(|e| e.resource.name.clone())
    })??;
    let who = caller_of(state, r.member, r.workspace)?;
    let mut names: Vec<(i64, String)> = state
        .tracking
        .read(&who.ws, state.now(), |runs| {
            runs.runs
                .values()
                .filter_map(|(_, run)| {
                    let settings = BatchSettings::of(&run.job.as_ref()?.spec)?;
                    (settings.endpoint == endpoint)
                        .then(|| (run.info.start_time, run.info.run_id.clone()))
                })
                .collect()
        })
        .map_err(ArmError::from)?;
    names.sort_by(|a, b| b.cmp(a));
    names
        .iter()
        .map(|(_, job)| read_job(state, &who, job))
        .collect()
}
