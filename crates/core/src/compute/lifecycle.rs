//! The compute instance lifecycle: operations, the states they pass through, how long they take
//! at each pace, and which transitions are allowed.

use crate::arm::json_de::FromValue;
use crate::arm::ArmError;
use crate::time::Millis;
use serde::{Deserialize, Serialize};

/// How fast simulated operations complete.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "lowercase")]
pub enum Pace {
    /// Operations complete at once.
    Instant,
    /// Seconds: a new instance runs after about 10 s (the default, for demos and labs).
    #[default]
    Fast,
    /// Minutes, like the real service.
    Realistic,
}

impl Pace {
    /// Every pace, for the settings panel.
    pub const ALL: [Pace; 3] = [Pace::Instant, Pace::Fast, Pace::Realistic];

    /// The name the settings panel shows.
    pub fn label(self) -> &'static str {
        match self {
            Self::Instant => "Instant",
            Self::Fast => "Fast",
            Self::Realistic => "Realistic",
        }
    }

    /// What the pace means, in a sentence.
    pub fn description(self) -> &'static str {
        match self {
            Self::Instant => "Operations finish immediately.",
            Self::Fast => "Operations take seconds: a new instance runs after about 10 s.",
            Self::Realistic => "Operations take minutes, as in Azure.",
        }
    }

    /// How long an operation takes at this pace.
    pub fn duration(self, op: Operation) -> Millis {
        let (fast, realistic) = match op {
            Operation::Create => (10_000, 240_000),
            Operation::Start => (5_000, 120_000),
            Operation::Stop => (4_000, 60_000),
            Operation::Restart => (6_000, 150_000),
            Operation::Delete => (3_000, 90_000),
        };
        match self {
            Self::Instant => 0,
            Self::Fast => fast,
            Self::Realistic => realistic,
        }
    }
}

/// An operation on a compute instance (ARM's `lastOperation.operationName`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, FromValue)]
pub enum Operation {
    /// Provision a new instance.
    Create,
    /// Start a stopped instance.
    Start,
    /// Stop a running instance.
    Stop,
    /// Restart a running instance.
    Restart,
    /// Delete the instance.
    Delete,
}

/// Who or what started an operation (ARM's `operationTrigger`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, FromValue)]
pub enum Trigger {
    /// A person.
    User,
    /// A start/stop schedule.
    Schedule,
    /// Idle shutdown.
    IdleShutdown,
}

impl Trigger {
    /// ARM's string.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::User => "User",
            Self::Schedule => "Schedule",
            Self::IdleShutdown => "IdleShutdown",
        }
    }
}

impl Operation {
    /// The permission the operation needs.
    pub fn action(self) -> crate::workspace::roles::Action {
        match self {
            Self::Delete => crate::workspace::roles::Action::DeleteCompute,
            Self::Create => crate::workspace::roles::Action::WriteCompute,
            _ => crate::workspace::roles::Action::OperateCompute,
        }
    }

    /// ARM's `operationName`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "Create",
            Self::Start => "Start",
            Self::Stop => "Stop",
            Self::Restart => "Restart",
            Self::Delete => "Delete",
        }
    }

    /// The state an instance shows while the operation runs.
    pub fn transient_state(self) -> &'static str {
        match self {
            Self::Create => "Creating",
            Self::Start => "Starting",
            Self::Stop => "Stopping",
            Self::Restart => "Restarting",
            Self::Delete => "Deleting",
        }
    }

    /// The state after the operation (`None`: the instance is gone).
    pub fn final_state(self) -> Option<&'static str> {
        match self {
            Self::Create | Self::Start | Self::Restart => Some("Running"),
            Self::Stop => Some("Stopped"),
            Self::Delete => None,
        }
    }

    /// The past-tense verb for activity entries.
    pub fn past_tense(self) -> &'static str {
        match self {
            Self::Create => "created",
            Self::Start => "started",
            Self::Stop => "stopped",
            Self::Restart => "restarted",
            Self::Delete => "deleted",
        }
    }

    /// Whether the operation may begin from `state` (with nothing else in flight); the error is ARM's.
    pub fn check_allowed(
        self,
        name: &str,
        state: &str,
        busy: Option<Operation>,
    ) -> Result<(), ArmError> {
        if let Some(running) = busy {
            return Err(ArmError::new(
                "Conflict",
                format!(
                    "Compute instance '{name}' is {}: the {} operation is still in progress. Try again when it has finished.",
                    running.transient_state().to_ascii_lowercase(),
                    running.as_str()
                ),
            ));
        }
        let (allowed, code, needed): (&[&str], &str, &str) = match self {
            Self::Create => return Ok(()),
            Self::Start => (
                &["Stopped"],
                "StartComputeInstanceOnlyAllowedInStoppedState",
                "Stopped",
            ),
            Self::Stop => (
                &["Running", "JobRunning"],
                "StopComputeInstanceOnlyAllowedInRunningState",
                "Running",
            ),
            Self::Restart => (
                &["Running", "JobRunning"],
                "RestartComputeInstanceOnlyAllowedInRunningState",
                "Running",
            ),
            Self::Delete => return Ok(()),
        };
        if allowed.contains(&state) {
            Ok(())
        } else {
            Err(ArmError::new(
                code,
                format!(
                    "Compute instance '{name}' is {state}. {} is only allowed when the instance is {needed}.",
                    self.as_str()
                ),
            ))
        }
    }
}

/// An operation in flight: from its transient state to its final one, starting at `started_at`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct Transition {
    /// The operation.
    pub operation: Operation,
    /// Who or what started it.
    pub trigger: Trigger,
    /// When it started.
    pub started_at: Millis,
    /// How long it takes.
    pub duration: Millis,
}

impl Transition {
    /// When the operation completes.
    pub fn ends_at(&self) -> Millis {
        self.started_at + self.duration
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Operation::*;

    #[test]
    fn transition_table() {
        let states = ["Running", "Stopped", "Creating", "CreateFailed", "Unusable"];
        let expected = [
            (Start, [false, true, false, false, false]),
            (Stop, [true, false, false, false, false]),
            (Restart, [true, false, false, false, false]),
            (Delete, [true, true, true, true, true]),
        ];
        for (op, allowed) in expected {
            for (state, ok) in states.iter().zip(allowed) {
                assert_eq!(
                    op.check_allowed("ci", state, None).is_ok(),
                    ok,
                    "{op:?} from {state}"
                );
            }
        }
    }

    #[test]
    fn refusals_carry_arm_codes() {
        let e = Start.check_allowed("ci-a", "Running", None).unwrap_err();
        assert_eq!(e.code(), "StartComputeInstanceOnlyAllowedInStoppedState");
        assert!(e
            .message()
            .contains("only allowed when the instance is Stopped"));
        let busy = Delete
            .check_allowed("ci-a", "Starting", Some(Start))
            .unwrap_err();
        assert_eq!(busy.code(), "Conflict");
        assert_eq!(
            Stop.check_allowed("x", "Stopped", None).unwrap_err().code(),
            "StopComputeInstanceOnlyAllowedInRunningState"
        );
    }

    #[test]
    fn paces() {
        assert_eq!(Pace::Instant.duration(Create), 0);
        assert_eq!(Pace::Fast.duration(Create), 10_000);
        assert!(Pace::Realistic.duration(Start) > Pace::Fast.duration(Start));
        assert_eq!(serde_json::to_string(&Pace::Fast).unwrap(), "\"fast\"");
    }
}
