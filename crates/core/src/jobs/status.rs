//! Azure ML's job statuses, the order a job moves through them, and what MLflow sees of them
//! (a job is an MLflow run: Queued is SCHEDULED, Completed is FINISHED, Failed is FAILED,
//! Canceled is KILLED).

use super::tracking::RunStatus;
use crate::arm::json_de::FromValue;
use serde::{Deserialize, Serialize};

/// A job's status, with Azure's words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, FromValue)]
pub enum JobStatus {
    /// Submitted, not yet looked at.
    NotStarted,
    /// Being started.
    Starting,
    /// Its compute is being provisioned.
    Provisioning,
    /// Its code and inputs are being put in place.
    Preparing,
    /// Waiting for its compute (or for a runner).
    Queued,
    /// Its command runs.
    Running,
    /// Its outputs are being kept.
    Finalizing,
    /// Someone asked to cancel it; its process is being ended.
    CancelRequested,
    /// Ended well.
    Completed,
    /// Ended badly.
    Failed,
    /// Canceled by someone.
    Canceled,
    /// Stopped answering.
    NotResponding,
    /// Paused.
    Paused,
    /// Not known.
    Unknown,
}

impl JobStatus {
    /// Every status, in the order a job goes through them.
    pub const ALL: [JobStatus; 14] = [
        Self::NotStarted,
        Self::Starting,
        Self::Provisioning,
        Self::Preparing,
        Self::Queued,
        Self::Running,
        Self::Finalizing,
        Self::CancelRequested,
        Self::Completed,
        Self::Failed,
        Self::Canceled,
        Self::NotResponding,
        Self::Paused,
        Self::Unknown,
    ];

    /// Azure's word for it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotStarted => "NotStarted",
            Self::Starting => "Starting",
            Self::Provisioning => "Provisioning",
            Self::Preparing => "Preparing",
            Self::Queued => "Queued",
            Self::Running => "Running",
            Self::Finalizing => "Finalizing",
            Self::CancelRequested => "CancelRequested",
            Self::Completed => "Completed",
            Self::Failed => "Failed",
            Self::Canceled => "Canceled",
            Self::NotResponding => "NotResponding",
            Self::Paused => "Paused",
            Self::Unknown => "Unknown",
        }
    }

    /// The status named `text` (any case).
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(text))
    }

    /// Whether the job has ended (azure-ai-ml's terminal bucket).
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            Self::Completed | Self::Failed | Self::Canceled | Self::NotResponding | Self::Paused
        )
    }

    /// Whether its process may be running (so a server that stopped meanwhile left it behind).
    pub fn has_process(self) -> bool {
        matches!(
            self,
            Self::Preparing | Self::Running | Self::Finalizing | Self::CancelRequested
        )
    }

    /// What MLflow's clients see.
    pub fn run_status(self) -> RunStatus {
        match self {
            Self::NotStarted
            | Self::Starting
            | Self::Provisioning
            | Self::Preparing
            | Self::Queued
            | Self::Paused => RunStatus::Scheduled,
            Self::Running | Self::Finalizing | Self::CancelRequested | Self::Unknown => {
                RunStatus::Running
            }
            Self::Completed => RunStatus::Finished,
            Self::Failed | Self::NotResponding => RunStatus::Failed,
            Self::Canceled => RunStatus::Killed,
        }
    }

    /// The status of a run that no job runner looks after (one an `mlflow` client made).
    pub fn of_run(status: RunStatus) -> Self {
        match status {
            RunStatus::Running => Self::Running,
            RunStatus::Scheduled => Self::Queued,
            RunStatus::Finished => Self::Completed,
            RunStatus::Failed => Self::Failed,
            RunStatus::Killed => Self::Canceled,
        }
    }

    /// Whether a job in this status may move to `next`: forward only, never out of an end.
    pub fn may_become(self, next: Self) -> bool {
        if self.is_terminal() {
            return false;
        }
        let rank = |s: Self| match s {
            Self::NotStarted => 0,
            Self::Starting | Self::Provisioning | Self::Queued => 1,
            Self::Preparing => 2,
            Self::Running => 3,
            Self::Finalizing => 4,
            Self::CancelRequested => 5,
            _ => 6,
        };
        next.is_terminal() || rank(next) > rank(self) || (self == next && !self.is_terminal())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_move_forward_and_mlflow_sees_them() {
        assert_eq!(JobStatus::parse("queued"), Some(JobStatus::Queued));
        assert_eq!(JobStatus::parse("Done"), None);
        assert!(JobStatus::Queued.may_become(JobStatus::Preparing));
        assert!(JobStatus::Running.may_become(JobStatus::CancelRequested));
        assert!(JobStatus::Running.may_become(JobStatus::Failed));
        assert!(!JobStatus::Running.may_become(JobStatus::Queued));
        assert!(!JobStatus::Completed.may_become(JobStatus::Running));
        assert!(!JobStatus::Canceled.may_become(JobStatus::Canceled));
        assert_eq!(JobStatus::Queued.run_status(), RunStatus::Scheduled);
        assert_eq!(JobStatus::Canceled.run_status(), RunStatus::Killed);
        for s in JobStatus::ALL {
            let seen = JobStatus::of_run(s.run_status());
            assert_eq!(seen.run_status(), s.run_status(), "{s:?}");
        }
        assert!(JobStatus::Finalizing.has_process() && !JobStatus::Queued.has_process());
    }
}
