//! Command jobs that really run: the local runner (`--job-runner local`), the sandbox each
//! command runs in, and the job's working folder. Jobs over ARM are `arm/jobs.rs`; a job's
//! rules (its spec, statuses, what may change) are the engine's (`azimuth_core::jobs`).

pub mod automl;
pub mod batch;
pub mod placement;
pub mod process;
pub mod recovery;
pub mod runner;
pub mod sandbox;
pub mod workdir;

use crate::state::AppState;
use std::sync::Arc;

/// At start: jobs whose process the last server took with it are Failed, saying so; with a
/// runner, what it left running is ended and the jobs still waiting are queued again; without
/// one, waiting jobs say that no runner will take them.
pub fn recover(state: &Arc<AppState>) {
    // No job runs yet: the tokens of those the last server ran are of no use to anyone.
    state.with_db(|db| db.delete_tokens(crate::db::TokenKind::Job));
    match &state.runner {
        Some(runner) => {
            runner.recover(state);
            runner.start(state);
        }
        None => recovery::fail_abandoned(state),
    }
}
