//! AutoML jobs on the server: the sweep (`azimuth_core::jobs::automl::drive`, the same as in the
//! browser's worker) runs on the job's own thread, never the API's. The job's training data (an
//! MLTable folder or a delimited file) is read whole, and what each step leaves is kept here:
//! each trial as a child run of the job (`<job>_<n>`, tagged `mlflow.parentRunId`) with its
//! hyperparameters as params, every metric under Azure's names, and its confusion matrix and
//! curves as an artifact (a trial past its iteration timeout as a failed run, saying so); the
//! job's run logs its best primary metric so far at each trial (a chart of the sweep's
//! progress), its guardrails and featurization as artifacts, and a line per step in its log.
//! The best trial, trained again on every row, is the `best_model` output and the best child's
//! `outputs/model`: an MLflow model folder as Azure leaves it. With test data, the best
//! model's test is a child run of the best trial (`<best child>_test`). Trials drawn together
//! train at once, on threads of the job's own (as many as the compute has nodes).

pub(in crate::jobs) mod data;

use super::runner::JobKey;
use crate::state::AppState;
use azimuth_core::data::uri::{parse_data_uri, DataUri};
use azimuth_core::jobs::automl::drive::{drive, progress_metric, Event, Halt, TrialRecord};
use azimuth_core::jobs::automl::BEST_MODEL;
use azimuth_core::jobs::run::{run_folder, NewRun, StoredRun, ARTIFACT_STORE};
use azimuth_core::jobs::status::JobStatus;
use azimuth_core::jobs::submit::{output_uri, run_artifact_uri};
use azimuth_core::jobs::Metric;
use azimuth_core::workspace::Workspace;
use data::read_data;
use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// Runs an AutoML job to its end: its final status and why.
pub(super) fn run(
    state: &AppState,
    key: &JobKey,
    ws: &Workspace,
    parent: &StoredRun,
    cancel: &AtomicBool,
) -> Result<(JobStatus, Option<String>), String> {
    let job = parent.job.as_ref().ok_or("It has no task.")?;
    let task = job.spec.task_details.as_ref().ok_or("It has no task.")?;
    let preparing = Some("Reading its training data.".to_owned());
    if key.set(state, JobStatus::Preparing, preparing) != Some(JobStatus::Preparing) {
        return Ok((JobStatus::Canceled, job.reason.clone()));
    }
    let mut log = Log::open(state, ws, &key.name)?;
    let rows = read_data(state, ws, task)?;
    let compute = super::runner::compute_of(state, key);
    let nodes = compute
        .as_deref()
        .and_then(|c| ws.compute_nodes(azimuth_core::compute::jobs::compute_name(c)))
        .unwrap_or(1);
    let metric = progress_metric(task);
    let clock = Instant::now();
    let seconds = move || clock.elapsed().as_secs_f64();
    let halt = |e: String| Halt::failed(e);
    let mut on = |event: Event| -> Result<(), Halt> {
        match event {
            Event::Log(line) => log.line(&line),
            Event::Prepared {
                guardrails,
                featurization,
            } => {
                write_json(state, ws, &key.name, "automl/guardrails.json", &guardrails)
                    .map_err(halt)?;
                write_json(
                    state,
                    ws,
                    &key.name,
                    "automl/featurization.json",
                    &featurization,
                )
                .map_err(halt)?;
                if key.set(state, JobStatus::Running, None) != Some(JobStatus::Running) {
                    return Err(canceled());
                }
            }
            Event::BeforeTrial => {
                if cancel.load(Ordering::SeqCst) {
                    return Err(canceled());
                }
                // Its compute deleted or stopped (or its workspace deleted) ends it, as a
                // command job.
                if let Some(why) =
                    super::placement::refusal(state, &key.arm_id, compute.as_deref(), &key.name)
                {
                    log.line(&why);
                    return Err(Halt::failed(why));
                }
            }
            Event::Trial(trial) => {
                keep_trial(state, key, ws, parent, &key.name, &trial).map_err(halt)?;
                if trial.failed.is_none() {
                    log_metric(state, key, &metric, trial.best_so_far, trial.iteration)
                        .map_err(halt)?;
                }
            }
            Event::Tested { model_run, record } => {
                keep_trial(state, key, ws, parent, &model_run, &record).map_err(halt)?;
            }
        }
        Ok(())
    };
    let outcome = match drive(&key.name, task, rows, nodes, &seconds, &mut on) {
        Ok(outcome) => outcome,
        Err(Halt { status, reason }) => return Ok((status, reason)),
    };
    for (name, bytes) in &outcome.folder {
        let path = format!("outputs/model/{name}");
        write_artifact(state, ws, &outcome.best_child, &path, bytes)?;
    }
    let uri = job.spec.outputs.get(BEST_MODEL).and_then(|o| o.uri.clone());
    let uri = uri.unwrap_or_else(|| output_uri(&key.name, BEST_MODEL));
    write_output(state, ws, &uri, &outcome.folder)?;
    let now = state.now();
    state
        .tracking
        .change_run(&key.ws, now, &key.name, |run| {
            outcome.best_tags().iter().for_each(|t| run.set_tag(t));
            Ok(((), Vec::new()))
        })
        .map_err(|e| e.message)?;
    Ok((JobStatus::Completed, outcome.stopped))
}

fn canceled() -> Halt {
    Halt {
        status: JobStatus::Canceled,
        reason: None,
    }
}

/// Keeps a trial as an ended child run of run `parent_run` (the job's, or the best trial's for
/// its test), with its params, metrics and charts.
fn keep_trial(
    state: &AppState,
    key: &JobKey,
    ws: &Workspace,
    parent: &StoredRun,
    parent_run: &str,
    trial: &TrialRecord,
) -> Result<(), String> {
    let id = &trial.child;
    let now = state.now();
    let taken = state
        .tracking
        .read(&key.ws, now, |runs| runs.runs.contains_key(id))
        .map_err(|e| e.message)?;
    if taken {
        return Err(format!("A run named {id} already exists in this workspace, and AutoML names its trials <job>_<trial>: submit the job under another name."));
    }
    let tags = trial.tags(parent_run);
    let run = StoredRun::new(NewRun {
        run_id: id,
        experiment_id: &parent.info.experiment_id,
        user: &parent.info.user_id,
        run_name: Some(id),
        generated_name: id.clone(),
        start_time: now - (trial.seconds * 1000.0) as i64,
        artifact_uri: run_artifact_uri(id),
        tags: &tags,
    })
    .map_err(|e| e.message)?;
    state
        .tracking
        .insert_run(&key.ws, now, run)
        .map_err(|e| e.message)?;
    let metrics: Vec<Metric> = trial
        .metrics
        .iter()
        .map(|(name, value)| Metric {
            key: name.clone(),
            value: *value,
            timestamp: now,
            step: 0,
        })
        .collect();
    state
        .tracking
        .change_run(&key.ws, now, id, |run| {
            let numbers = run.log(&metrics, &trial.params, &[]);
            run.update(Some(trial.status()), Some(now), None, now)?;
            Ok((
                (),
                numbers.into_iter().zip(metrics.iter().cloned()).collect(),
            ))
        })
        .map_err(|e| e.message)?;
    if !trial.charts.is_null() {
        write_json(state, ws, id, "automl/charts.json", &trial.charts)?;
    }
    state.tracking.announce(&key.arm_id);
    Ok(())
}

/// Logs one point of the job's own run.
fn log_metric(
    state: &AppState,
    key: &JobKey,
    name: &str,
    value: f64,
    step: usize,
) -> Result<(), String> {
    let now = state.now();
    let metric = Metric {
        key: name.to_owned(),
        value,
        timestamp: now,
        step: step as i64,
    };
    state
        .tracking
        .change_run(&key.ws, now, &key.name, |run| {
            let numbers = run.log(std::slice::from_ref(&metric), &[], &[]);
            Ok(((), numbers.into_iter().zip([metric.clone()]).collect()))
        })
        .map_err(|e| e.message)?;
    state.tracking.announce(&key.arm_id);
    Ok(())
}

/// Writes `files` (path in the folder, bytes) to a job's output folder `uri`.
pub(super) fn write_output(
    state: &AppState,
    ws: &Workspace,
    uri: &str,
    files: &[(String, Vec<u8>)],
) -> Result<(), String> {
    let Ok(DataUri::Datastore {
        datastore, path, ..
    }) = parse_data_uri(uri)
    else {
        return Err(format!(
            "Its output goes to '{uri}', which is not a datastore path of this workspace."
        ));
    };
    let root = ws
        .datastore_root(&datastore)
        .map_err(|e| e.message().to_owned())?;
    for (name, bytes) in files {
        let at = state
            .storage
            .local_path(&root, &format!("{}/{name}", path.trim_end_matches('/')))
            .ok_or("this server keeps files where a job's outputs cannot be written")?;
        write_file(&at, bytes)?;
    }
    Ok(())
}

/// Writes a file of run `run_id`'s artifacts.
fn write_artifact(
    state: &AppState,
    ws: &Workspace,
    run_id: &str,
    path: &str,
    bytes: &[u8],
) -> Result<(), String> {
    let root = ws
        .datastore_root(ARTIFACT_STORE)
        .map_err(|e| e.message().to_owned())?;
    let at = state
        .storage
        .local_path(&root, &format!("{}/{path}", run_folder(run_id)))
        .ok_or("this server keeps files where a job's artifacts cannot be written")?;
    write_file(&at, bytes)
}

fn write_json(
    state: &AppState,
    ws: &Workspace,
    run_id: &str,
    path: &str,
    value: &Value,
) -> Result<(), String> {
    write_artifact(state, ws, run_id, path, value.to_string().as_bytes())
}

fn write_file(at: &Path, bytes: &[u8]) -> Result<(), String> {
    let name = at
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let failed =
        |e: std::io::Error| format!("Its file {name} could not be written ({}).", e.kind());
    if let Some(parent) = at.parent() {
        std::fs::create_dir_all(parent).map_err(failed)?;
    }
    std::fs::write(at, bytes).map_err(failed)
}

/// The job's log, written a line at a time (the studio tails it live).
pub(super) struct Log(std::fs::File);

impl Log {
    /// Opens job `job`'s log.
    pub(super) fn open(state: &AppState, ws: &Workspace, job: &str) -> Result<Log, String> {
        super::process::log_file(state, ws, job).map(Log)
    }

    /// Writes a line.
    pub(super) fn line(&mut self, text: &str) {
        let _ = writeln!(self.0, "{text}");
    }
}
