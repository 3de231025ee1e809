//! Submitting a job (`PUT .../jobs/{name}`): a new command job is checked by the engine, made a
//! run of its experiment (made if new), Queued with the reason it waits, and handed to the
//! runner; a PUT of a job that exists changes only what may change.

use super::{check_write, read_job};
use crate::state::AppState;
use crate::tracking::Caller;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use azimuth_core::jobs::job::{check_job_name, Submission};
use azimuth_core::jobs::run::StoredRun;
use azimuth_core::jobs::submit::{complete, job_experiment, queued_run, Submitter};
use azimuth_core::ArmError;
use serde_json::Value;

/// Answers a PUT of job `name`: 201 for a new job, 200 for a change.
pub(super) fn put(
    state: &AppState,
    who: &Caller,
    name: &str,
    body: &Bytes,
) -> Result<Response, ArmError> {
    check_job_name(name)?;
    let body: Value = serde_json::from_slice(body).map_err(|e| {
        ArmError::new(
            "InvalidRequestContent",
            format!("The request body is not valid JSON: {e}."),
        )
    })?;
    let mut submission = Submission::from_body(&body)?;
    check_write(who)?;
    if let Some(code) = &submission.spec.code_id {
        super::codes::code_location(state, (&who.ws, &who.arm_id), code)?;
    }
    state.read(|t| match t.workspace(&who.arm_id) {
        Some(ws) => complete(ws, name, &mut submission),
        None => Err(ArmError::new(
            "ResourceNotFound",
            "The workspace no longer exists.",
        )),
    })?;
    let now = state.now();
    let existing = state
        .tracking
        .read(&who.ws, now, |runs| {
            runs.runs.get(name).map(|(_, r)| r.clone())
        })
        .map_err(ArmError::from)?;
    let created = existing.is_none();
    if let Some(run) = existing {
        change(state, who, &run, submission, now)?;
    } else {
        submit(state, who, name, submission, now)?;
    }
    state.tracking.announce(&who.arm_id);
    let job = read_job(state, who, name)?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, axum::Json(job)).into_response())
}

pub(super) fn submit(
    state: &AppState,
    who: &Caller,
    name: &str,
    s: Submission,
    now: i64,
) -> Result<(), ArmError> {
    let id = crate::state::random_guid().map_err(|e| ArmError::new("ServiceUnavailable", e))?;
    let experiment_id = state
        .tracking
        .change_experiments(&who.ws, now, |all| {
            job_experiment(all, &s.experiment_name, id, now)
        })
        .map_err(ArmError::from)?;
    let waiting = match &state.runner {
        Some(_) => crate::jobs::recovery::WAITING,
        None => crate::jobs::recovery::NO_RUNNER,
    };
    let by = Submitter {
        user: &who.user_name,
        member: &who.member,
        now,
    };
    let run = queued_run(name, &experiment_id, s, &by, waiting)?;
    state
        .tracking
        .insert_run(&who.ws, now, run)
        .map_err(ArmError::from)?;
    if let Some(runner) = &state.runner {
        runner.enqueue(&who.ws, &who.arm_id, name);
    }
    Ok(())
}

/// A PUT of a job that exists: its display name, description, tags and archived state change;
/// what it runs does not.
fn change(
    state: &AppState,
    who: &Caller,
    run: &StoredRun,
    s: Submission,
    now: i64,
) -> Result<(), ArmError> {
    state
        .tracking
        .change_run(&who.ws, now, &run.info.run_id, |run| {
            run.change_job(&s, now).map(|()| ((), Vec::new()))
        })
        .map_err(ArmError::from)
}
