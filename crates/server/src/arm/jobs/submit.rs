//! Submitting a job (`PUT .../jobs/{name}`): a new command job is checked by the engine, made a
//! run of its experiment (made if new), Queued with the reason it waits, and handed to the
//! runner; a PUT of a job that exists changes only what may change.

use super::{arm, check_write, read_job};
use crate::state::AppState;
use crate::tracking::store::run_artifact_uri;
use crate::tracking::Caller;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use azimuth_core::jobs::experiment::{self, NewExperiment};
use azimuth_core::jobs::job::{check_job_name, StoredJob, Submission};
use azimuth_core::jobs::run::{NewRun, StoredRun};
use azimuth_core::jobs::status::JobStatus;
use azimuth_core::jobs::LifecycleStage;
use azimuth_core::ArmError;
use serde_json::Value;

/// `computeId` as the workspace's ARM id of one of its computes (`azureml:name` and a bare name
/// are accepted too), or why not.
fn compute_id(state: &AppState, who: &Caller, asked: &str) -> Result<String, ArmError> {
    let name = asked
        .rsplit_once("/computes/")
        .map_or(asked.strip_prefix("azureml:").unwrap_or(asked), |(_, n)| n);
    state.read(|t| {
        let ws = t.workspace(&who.arm_id);
        ws.and_then(|w| {
            w.computes
                .iter()
                .find(|c| c.resource.name.eq_ignore_ascii_case(name))
        })
        .map(|c| c.resource.id.clone())
        .ok_or_else(|| {
            ArmError::new(
                "UserError",
                format!("The compute '{name}' does not exist in this workspace. Create it on the Compute page, or leave computeId out to run serverless."),
            )
        })
    })
}

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
    for (output, spec) in &mut submission.spec.outputs {
        spec.uri
            .get_or_insert_with(|| crate::jobs::workdir::output_uri(name, output));
    }
    if let Some(code) = &submission.spec.code_id {
        super::codes::code_location(state, (&who.ws, &who.arm_id), code)?;
    }
    if let Some(asked) = submission.spec.compute_id.clone() {
        submission.spec.compute_id = Some(compute_id(state, who, &asked)?);
    }
    let now = state.now();
    let existing = state
        .tracking
        .read(&who.ws, now, |runs| {
            runs.runs.get(name).map(|(_, r)| r.clone())
        })
        .map_err(arm)?;
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

fn submit(
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
            experiment::find_or_create(
                all,
                NewExperiment {
                    id,
                    name: &s.experiment_name,
                    artifact_location: crate::tracking::store::artifact_root(),
                    now,
                    tags: &[],
                },
            )
        })
        .map_err(arm)?;
    let mut run = StoredRun::new(NewRun {
        run_id: name,
        experiment_id: &experiment_id,
        user: &who.user_name,
        run_name: s.display_name.as_deref(),
        generated_name: name.to_owned(),
        start_time: now,
        artifact_uri: run_artifact_uri(name),
        tags: &s.tags,
    })
    .map_err(arm)?;
    let waiting = match &state.runner {
        Some(_) => crate::jobs::recovery::WAITING,
        None => crate::jobs::recovery::NO_RUNNER,
    };
    run.job = Some(StoredJob {
        spec: s.spec,
        status: JobStatus::NotStarted,
        reason: None,
        started: None,
        submitted_by: who.member.clone(),
    });
    run.set_job_status(JobStatus::Queued, Some(waiting.to_owned()), now);
    if s.archived == Some(true) {
        run.set_stage(LifecycleStage::Deleted);
    }
    state.tracking.insert_run(&who.ws, now, run).map_err(arm)?;
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
    let Some(job) = &run.job else {
        return Err(ArmError::new("UserError", format!("The job '{}' was logged by an MLflow client and has no command; change its name and tags through MLflow (runs/update, runs/set-tag) or the studio.", run.info.run_id)));
    };
    job.spec.check_change(&s.spec)?;
    state
        .tracking
        .change_run(&who.ws, now, &run.info.run_id, |run| {
            if let Some(job) = run.job.as_mut() {
                job.spec.description = s.spec.description.clone();
            }
            if let Some(name) = &s.display_name {
                run.update(None, None, Some(name), now)?;
            }
            for tag in &s.tags {
                run.set_tag(tag);
            }
            if let Some(archived) = s.archived {
                run.set_stage(if archived {
                    LifecycleStage::Deleted
                } else {
                    LifecycleStage::Active
                });
            }
            Ok(((), Vec::new()))
        })
        .map_err(arm)
}
