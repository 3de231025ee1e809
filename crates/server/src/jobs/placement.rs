//! A job and its compute, for the runner: before a job starts, its compute gives it a place
//! (a cluster's node, scaled up for it if need be) or it waits, saying why; while it runs, a
//! compute deleted or stopped ends it; when it ends, its node is given back. The decisions are
//! the engine's (`azimuth_core::compute::jobs`).

use crate::state::AppState;
use azimuth_core::compute::jobs::{compute_name, Placement};
use std::sync::Arc;

/// Asks the job's compute for a place. A request that changes nothing (the job still waits for
/// a busy cluster) is answered from a copy, so waiting jobs write nothing and wake no studio.
pub fn place(state: &AppState, arm_id: &str, compute_id: &str, job: &str) -> Placement {
    let compute = compute_name(compute_id);
    let now = state.now();
    let preview = state.read(|t| {
        t.workspace(arm_id).map(|w| {
            let mut copy = w.clone();
            let placement = copy.place_job(compute, job, now);
            let changed = copy.serial != w.serial
                || copy
                    .computes
                    .iter()
                    .zip(&w.computes)
                    .any(|(a, b)| !Arc::ptr_eq(a, b));
            (placement, changed)
        })
    });
    match preview {
        None => Placement::Refused("Its workspace was deleted.".into()),
        Some((placement, false)) => placement,
        Some(_) => state
            .change_workspace(arm_id, |_, w, now| Ok(w.place_job(compute, job, now)))
            .unwrap_or_else(|e| Placement::Waiting(e.message().to_owned())),
    }
}

/// Gives back what the job held on its compute.
pub fn release(state: &AppState, arm_id: &str, compute_id: &str, job: &str) {
    let compute = compute_name(compute_id);
    let held = state.read(|t| {
        t.workspace(arm_id).is_some_and(|w| {
            w.compute(compute)
                .is_some_and(|c| c.nodes.iter().any(|n| n.job.as_deref() == Some(job)))
        })
    });
    if held {
        let _ = state.change_workspace(arm_id, |_, w, now| {
            w.release_job(compute, job, now);
            Ok(())
        });
    }
}

/// Why a running job cannot go on (its workspace deleted; its compute, if it names one,
/// deleted or stopped), if it cannot.
pub fn refusal(
    state: &AppState,
    arm_id: &str,
    compute_id: Option<&str>,
    job: &str,
) -> Option<String> {
    state.read(|t| match t.workspace(arm_id) {
        Some(w) => compute_id.and_then(|c| w.job_refusal(compute_name(c), job)),
        None => Some("Its workspace was deleted.".into()),
    })
}
