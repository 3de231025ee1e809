//! A job's life over ARM, the same wherever its runs are kept (azimuth-server's SQLite or this
//! browser's IndexedDB): a submission becomes a Queued run of its experiment, a PUT of a job
//! that exists changes only what may change, Cancel ends a waiting job at once and asks a
//! running one's process to stop.

use super::experiment::{self, NewExperiment};
use super::job::{StoredJob, Submission};
use super::run::{run_folder, NewRun, StoredRun, RUNS_FOLDER, RUN_SOURCE_TAG};
use super::status::JobStatus;
use super::tracking::{Experiment, LifecycleStage, RunStatus, Tag, TrackingError};
use crate::arm::ArmError;
use crate::workspace::Workspace;

/// The artifact location of a workspace's experiments: runs keep their files where Azure ML
/// keeps them, `ExperimentRun/dcid.<run id>/` in the artifact store.
pub fn artifact_root() -> String {
    format!("mlflow-artifacts:/{RUNS_FOLDER}")
}

/// A run's artifact URI.
pub fn run_artifact_uri(run_id: &str) -> String {
    format!("mlflow-artifacts:/{}", run_folder(run_id))
}

/// Why a job waits in a workspace kept in a browser, which runs no process.
pub const BROWSER_WAITS: &str = "This workspace is kept in your browser, which runs no commands, so the job waits here. Command jobs run on azimuth-server started with '--job-runner local': create the workspace there to run them.";

impl From<TrackingError> for ArmError {
    /// A tracking store's error as ARM says it.
    fn from(e: TrackingError) -> ArmError {
        let code = match e.error_code.as_str() {
            "RESOURCE_DOES_NOT_EXIST" => "ResourceNotFound",
            "PERMISSION_DENIED" => "AuthorizationFailed",
            "TEMPORARILY_UNAVAILABLE" | "INTERNAL_ERROR" => "ServiceUnavailable",
            _ => "UserError",
        };
        ArmError::new(code, e.message)
    }
}

/// The answer for a job that is not in the workspace.
pub fn job_not_found(name: &str) -> ArmError {
    ArmError::new(
        "ResourceNotFound",
        format!("The job '{name}' could not be found in this workspace."),
    )
}

/// The datastore a job's declared outputs go to when it does not say, as on Azure.
pub const OUTPUTS_STORE: &str = "workspaceblobstore";

/// Where a declared output is kept when the job does not say: `azureml/{job}/{output}/` of
/// [`OUTPUTS_STORE`], as on Azure.
pub fn output_uri(job: &str, output: &str) -> String {
    format!("azureml://datastores/{OUTPUTS_STORE}/paths/azureml/{job}/{output}/")
}

/// Fills in what Azure fills in for job `name` of workspace `ws`: an AutoML job's `best_model`
/// output, each declared output's place, and `computeId` as the ARM id of one of its computes
/// (given as that, as `azureml:<name>` or as a bare name), or says that compute does not exist.
pub fn complete(ws: &Workspace, name: &str, s: &mut Submission) -> Result<(), ArmError> {
    if s.spec.is_automl() {
        // An AutoML job always leaves its best model, as on Azure.
        s.spec
            .outputs
            .entry(super::automl::BEST_MODEL.to_owned())
            .or_insert_with(|| super::command::JobOutput {
                job_output_type: "mlflow_model".into(),
                ..Default::default()
            });
    }
    for (output, spec) in &mut s.spec.outputs {
        spec.uri.get_or_insert_with(|| output_uri(name, output));
    }
    let Some(asked) = s.spec.compute_id.as_deref() else {
        return Ok(());
    };
    let compute = asked
        .rsplit_once("/computes/")
        .map_or(asked.strip_prefix("azureml:").unwrap_or(asked), |(_, n)| n);
    let found = ws
        .computes
        .iter()
        .find(|c| c.resource.name.eq_ignore_ascii_case(compute))
        .ok_or_else(|| {
            ArmError::new(
                "UserError",
                format!("The compute '{compute}' does not exist in this workspace. Create it on the Compute page, or leave computeId out to run serverless."),
            )
        })?;
    s.spec.compute_id = Some(found.resource.id.clone());
    Ok(())
}

/// The id of the experiment a job submitted to experiment `name` joins: the live one of that
/// name, or a new one with id `id` (a deleted one of that name is refused).
pub fn job_experiment(
    experiments: &mut Vec<Experiment>,
    name: &str,
    id: String,
    now: i64,
) -> Result<String, TrackingError> {
    experiment::find_or_create(
        experiments,
        NewExperiment {
            id,
            name,
            artifact_location: artifact_root(),
            now,
            tags: &[],
        },
    )
}

/// Who submits a job and when.
pub struct Submitter<'a> {
    /// Their sign-in name (the run's user).
    pub user: &'a str,
    /// Their display name (the job's process logs as them).
    pub member: &'a str,
    /// When (ms).
    pub now: i64,
}

/// The run a new job `name` is: Queued in experiment `experiment_id`, waiting for `waiting`,
/// deleted at once when it was submitted archived.
pub fn queued_run(
    name: &str,
    experiment_id: &str,
    s: Submission,
    by: &Submitter<'_>,
    waiting: &str,
) -> Result<StoredRun, ArmError> {
    let mut tags = s.tags.clone();
    if s.spec.is_automl() {
        // What the Automated ML page lists (Azure's run property of the same name).
        tags.push(Tag {
            key: RUN_SOURCE_TAG.to_owned(),
            value: "automl".to_owned(),
        });
    }
    let mut run = StoredRun::new(NewRun {
        run_id: name,
        experiment_id,
        user: by.user,
        run_name: s.display_name.as_deref(),
        generated_name: name.to_owned(),
        start_time: by.now,
        artifact_uri: run_artifact_uri(name),
        tags: &tags,
    })?;
    run.job = Some(StoredJob {
        spec: s.spec,
        status: JobStatus::NotStarted,
        reason: None,
        started: None,
        submitted_by: by.member.to_owned(),
    });
    run.set_job_status(JobStatus::Queued, Some(waiting.to_owned()), by.now);
    if s.archived == Some(true) {
        run.set_stage(LifecycleStage::Deleted);
    }
    Ok(run)
}

impl StoredRun {
    /// A PUT of the job this run is: its display name, description, tags and archived state
    /// change; what it runs does not, and a run an `mlflow` client made has no command to PUT.
    /// A change refused changes nothing. (Errors are `UserError`s, MLflow's
    /// `INVALID_PARAMETER_VALUE` where a tracking store carries them.)
    pub fn change_job(&mut self, s: &Submission, now: i64) -> Result<(), TrackingError> {
        let mut next = self.clone();
        let Some(job) = &mut next.job else {
            return Err(TrackingError::invalid(format!("The job '{}' was logged by an MLflow client and has no command; change its name and tags through MLflow (runs/update, runs/set-tag) or the studio.", self.info.run_id)));
        };
        job.spec
            .check_change(&s.spec)
            .map_err(|e| TrackingError::invalid(e.message()))?;
        job.spec.description = s.spec.description.clone();
        if let Some(name) = &s.display_name {
            next.update(None, None, Some(name), now)?;
        }
        for tag in &s.tags {
            next.set_tag(tag);
        }
        if let Some(archived) = s.archived {
            next.set_stage(if archived {
                LifecycleStage::Deleted
            } else {
                LifecycleStage::Active
            });
        }
        *self = next;
        Ok(())
    }

    /// Cancels the job this run is, `by` whom: one that waits is Canceled at once, one whose
    /// process runs is CancelRequested (its runner ends it), a run an `mlflow` client made is
    /// KILLED. Answers the status it is left in.
    pub fn cancel(&mut self, by: &str, now: i64) -> Result<JobStatus, TrackingError> {
        let status = self.job_status();
        let reason = format!("Canceled by {by}.");
        if self.job.is_none() {
            if !status.is_terminal() {
                self.update(Some(RunStatus::Killed), None, None, now)?;
            }
        } else if status.has_process() {
            self.set_job_status(JobStatus::CancelRequested, Some(reason), now);
        } else {
            self.set_job_status(JobStatus::Canceled, Some(reason), now);
        }
        Ok(self.job_status())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn submission(body: serde_json::Value) -> Submission {
        Submission::from_body(&body).expect("a valid submission")
    }

    fn queued() -> StoredRun {
        let s = submission(json!({"properties": {
            "jobType": "Command", "command": "echo hi", "environmentId": "azureml:env:1",
            "displayName": "first", "tags": {"team": "a"}
        }}));
        let by = Submitter {
            user: "ada@contoso.com",
            member: "Ada Lovelace",
            now: 1_000,
        };
        queued_run("job_1", "e1", s, &by, BROWSER_WAITS).expect("queued")
    }

    #[test]
    fn a_submission_is_a_queued_run_saying_why_it_waits() {
        let run = queued();
        assert_eq!(run.job_status(), JobStatus::Queued);
        assert_eq!(run.info.run_name, "first");
        assert_eq!(run.info.user_id, "ada@contoso.com");
        assert_eq!(
            run.info.artifact_uri,
            "mlflow-artifacts:/ExperimentRun/dcid.job_1"
        );
        assert_eq!(run.tags["team"], "a");
        let job = run.job.as_ref().expect("a command job");
        assert_eq!(job.reason.as_deref(), Some(BROWSER_WAITS));
        assert_eq!(job.submitted_by, "Ada Lovelace");
    }

    #[test]
    fn a_change_keeps_what_runs_and_takes_names_and_tags() {
        let mut run = queued();
        let renamed = submission(json!({"properties": {
            "jobType": "Command", "command": "echo hi", "environmentId": "azureml:env:1",
            "displayName": "renamed", "tags": {"team": "b"}, "isArchived": true
        }}));
        run.change_job(&renamed, 2_000).expect("a change");
        assert_eq!(run.info.run_name, "renamed");
        assert_eq!(run.tags["team"], "b");
        assert_eq!(run.info.lifecycle_stage, LifecycleStage::Deleted);
        let other = submission(json!({"properties": {
            "jobType": "Command", "command": "echo bye", "environmentId": "azureml:env:1"
        }}));
        let before = run.clone();
        assert!(run.change_job(&other, 3_000).is_err());
        assert_eq!(run, before, "a refused change changes nothing");
    }

    #[test]
    fn cancel_ends_a_waiting_job_at_once_and_asks_a_running_one() {
        let mut waiting = queued();
        assert_eq!(waiting.cancel("ada", 5).unwrap(), JobStatus::Canceled);
        assert_eq!(waiting.info.end_time, Some(5));
        let mut running = queued();
        running.set_job_status(JobStatus::Running, None, 3);
        assert_eq!(
            running.cancel("ada", 5).unwrap(),
            JobStatus::CancelRequested
        );
        let reason = running.job.as_ref().and_then(|j| j.reason.clone());
        assert_eq!(reason.as_deref(), Some("Canceled by ada."));
    }

    #[test]
    fn tracking_errors_read_as_arm_errors() {
        let e: ArmError = TrackingError::not_found("gone").into();
        assert_eq!(e.code(), "ResourceNotFound");
        let e: ArmError = TrackingError::invalid("bad").into();
        assert_eq!(e.code(), "UserError");
    }
}
