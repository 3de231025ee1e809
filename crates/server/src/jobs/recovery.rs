//! What a server finds at start of the jobs the last one left: those whose process went with
//! it end (Failed, or Canceled when someone had asked), their nodes given back; those that were
//! waiting wait again, saying for what (a runner's free slot, or a runner at all).

use super::placement;
use super::runner::{compute_of, JobKey};
use crate::state::AppState;
use azimuth_core::jobs::status::JobStatus;

/// Why a queued job waits when a runner will take it.
pub const WAITING: &str = "Waiting for a free slot of the server's job runner.";
/// Why a queued job waits on a server without a runner.
pub const NO_RUNNER: &str = "This server runs no jobs: it was started without '--job-runner local', so the job waits here. Whoever runs the server can restart it with '--job-runner local' (command jobs then run on the server's machine, in a sandbox).";

/// Without a runner: jobs that were running when the server stopped end, and waiting ones
/// say that no runner will take them.
pub fn fail_abandoned(state: &AppState) {
    settle_in_flight(state, NO_RUNNER);
}

/// Ends the jobs whose process the last server took with it, gives the waiting ones `waiting`
/// as their reason, and answers those.
pub(super) fn settle_in_flight(state: &AppState, waiting: &str) -> Vec<JobKey> {
    let mut queued = Vec::new();
    for (key, status) in jobs_in_flight(state) {
        if status.has_process() {
            fail_after_restart(state, &key, status);
        } else {
            key.set(state, JobStatus::Queued, Some(waiting.into()));
            queued.push(key);
        }
    }
    queued
}
/// The jobs that have not ended, in every workspace that still exists.
fn jobs_in_flight(state: &AppState) -> Vec<(JobKey, JobStatus)> {
    let found = state.tracking.unfinished_jobs().unwrap_or_default();
    found
        .into_iter()
        .filter_map(|(ws, name, status)| {
            let arm_id = state.read(|t| {
                t.workspaces
                    .iter()
                    .find(|w| w.resource.properties.workspace_id.eq_ignore_ascii_case(&ws))
                    .map(|w| w.id().to_owned())
            })?;
            Some((JobKey { ws, arm_id, name }, status))
        })
        .collect()
}
/// Ends a job whose process a stopped server took with it: Failed, saying so (Canceled when
/// someone had asked to cancel it), and its node given back.
fn fail_after_restart(state: &AppState, key: &JobKey, status: JobStatus) {
    let (ended, reason) = if status == JobStatus::CancelRequested {
        (
            JobStatus::Canceled,
            "Canceled; the server stopped while the job's process was being ended.",
        )
    } else {
        (JobStatus::Failed, "The server stopped while this job ran, and its process was ended with it. Submit the job again.")
    };
    key.set(state, ended, Some(reason.into()));
    if let Some(compute) = compute_of(state, key) {
        placement::release(state, &key.arm_id, &compute, &key.name);
    }
}
