//! AutoML jobs on the server: the training engine (`azimuth-ml`) runs on the job's own thread,
//! never the API's. The job's training data (an MLTable folder or a delimited file) is read
//! whole, its trials run one after another, and each is kept as a child run of the job
//! (`<job>_<n>`, tagged `mlflow.parentRunId`) with its hyperparameters as params, every metric
//! under Azure's names, and its confusion matrix and curves as an artifact. The job's run
//! logs its best primary metric so far at each trial (a chart of the sweep's progress), its
//! guardrails and featurization as artifacts, and a line per trial in its log. The best trial,
//! trained again on every row, is the `best_model` output and the best child's `outputs/model`:
//! an MLflow model folder (`MLmodel`, the model file) as Azure leaves it.

mod data;

use super::runner::JobKey;
use crate::state::AppState;
use azimuth_core::data::uri::{parse_data_uri, DataUri};
use azimuth_core::jobs::automl::BEST_MODEL;
use azimuth_core::jobs::run::{run_folder, NewRun, StoredRun, ARTIFACT_STORE, PARENT_TAG};
use azimuth_core::jobs::status::JobStatus;
use azimuth_core::jobs::submit::{output_uri, run_artifact_uri};
use azimuth_core::jobs::{Metric, RunStatus, Tag};
use azimuth_core::workspace::Workspace;
use azimuth_ml::metrics::{self, Curve};
use azimuth_ml::sweep::{Sweep, TrainedModel, Trial};
use data::read_data;
use serde_json::{json, Value};
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// The seed of every AutoML job's draws: the same data gives the same leaderboard.
const SEED: u64 = 42;
/// Points kept of each curve an artifact holds.
const CURVE_POINTS: usize = 200;
/// The model file in a model folder.
pub const MODEL_FILE: &str = "model.azimuth";

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
    let (frame, first_validation_row) = read_data(state, ws, task)?;
    let mut settings = task
        .sweep_settings(SEED)
        .map_err(|e| e.message().to_owned())?;
    if let Some(first) = first_validation_row {
        settings.validation = azimuth_ml::validate::Validation::User {
            first_validation_row: first,
        };
    }
    log.line(&format!(
        "Read {} rows of {} columns; predicting '{}'.",
        frame.rows(),
        frame.names.len(),
        task.target_column_name
    ));
    let mut sweep =
        Sweep::new(frame, settings).map_err(|e| format!("It cannot train on its data: {e}"))?;
    for note in task.notes() {
        log.line(&note);
    }
    write_json(
        state,
        ws,
        &key.name,
        "automl/guardrails.json",
        &json!(sweep.guardrails()),
    )?;
    write_json(
        state,
        ws,
        &key.name,
        "automl/featurization.json",
        &json!(sweep.featurization()),
    )?;
    if key.set(state, JobStatus::Running, None) != Some(JobStatus::Running) {
        return Ok((JobStatus::Canceled, None));
    }
    let started = Instant::now();
    let (timeout, _) = task.timeouts();
    let primary = task
        .primary_metric
        .clone()
        .unwrap_or_else(|| "AUCWeighted".into());
    let mut best = f64::NEG_INFINITY;
    let mut stopped: Option<String> = None;
    let compute = super::runner::compute_of(state, key);
    while let Some(params) = sweep.next_trial() {
        if cancel.load(Ordering::SeqCst) {
            return Ok((JobStatus::Canceled, None));
        }
        // Its compute deleted or stopped (or its workspace deleted) ends it, as a command job.
        if let Some(why) =
            super::placement::refusal(state, &key.arm_id, compute.as_deref(), &key.name)
        {
            log.line(&why);
            return Ok((JobStatus::Failed, Some(why)));
        }
        if timeout.is_some_and(|t| started.elapsed().as_secs() >= t) {
            stopped = Some("its experiment timeout".into());
            break;
        }
        let at = Instant::now();
        let trial = sweep.run(params).clone();
        let seconds = at.elapsed().as_secs_f64();
        keep_trial(state, key, ws, parent, &sweep, &trial, seconds)?;
        best = best.max(trial.primary);
        log_metric(state, key, &trial_metric(&primary), best, trial.iteration)?;
        log.line(&format!(
            "Trial {}: {} {} = {:.4} in {seconds:.2} s (best so far {best:.4}).",
            trial.iteration, trial.algorithm, primary, trial.primary
        ));
    }
    if cancel.load(Ordering::SeqCst) {
        return Ok((JobStatus::Canceled, None));
    }
    if let Some(why) = &stopped {
        log.line(&format!(
            "Stopped after {} trials: {why}.",
            sweep.trials().len()
        ));
    }
    if let Some(ensemble) = sweep.ensemble().cloned() {
        keep_trial(state, key, ws, parent, &sweep, &ensemble, 0.0)?;
        log.line(&format!(
            "VotingEnsemble of trials {:?}: {:.4}.",
            ensemble.members.iter().map(|m| m.0).collect::<Vec<_>>(),
            ensemble.primary
        ));
    } else if sweep.trials().len() > 1 {
        log.line(
            "No VotingEnsemble: no blend of the best trials scored better than the best alone.",
        );
    }
    let winner = sweep.best().cloned().ok_or("No trial ran.")?;
    let model = sweep.final_model(&winner)?;
    let child = child_id(&key.name, winner.iteration);
    let folder = model_folder(&model, &child);
    for (name, bytes) in &folder {
        write_artifact(state, ws, &child, &format!("outputs/model/{name}"), bytes)?;
    }
    write_output(
        state,
        ws,
        &key.name,
        job.spec.outputs.get(BEST_MODEL).and_then(|o| o.uri.clone()),
        &folder,
    )?;
    let now = state.now();
    state
        .tracking
        .change_run(&key.ws, now, &key.name, |run| {
            run.set_tag(&Tag {
                key: "azureml.automl_best_child_run_id".into(),
                value: child.clone(),
            });
            run.set_tag(&Tag {
                key: "azureml.run_algorithm".into(),
                value: winner.algorithm.clone(),
            });
            Ok(((), Vec::new()))
        })
        .map_err(|e| e.message)?;
    log.line(&format!(
        "Best: trial {} ({}), {primary} = {:.4}; kept as {BEST_MODEL}.",
        winner.iteration, winner.algorithm, winner.primary
    ));
    Ok((
        JobStatus::Completed,
        stopped.map(|why| format!("Stopped early at {why}; the best trial so far is kept.")),
    ))
}

/// The metric the job's own run charts: the primary metric's name as runs log it.
fn trial_metric(primary: &str) -> String {
    azimuth_ml::sweep::PrimaryMetric::parse(primary)
        .map_or_else(|| primary.to_owned(), |m| m.metric().to_owned())
}

/// A child run's id: `<job>_<trial>`, as Azure names AutoML's children.
fn child_id(job: &str, iteration: usize) -> String {
    format!("{job}_{iteration}")
}

/// Keeps a trial as a finished child run of the job, with its params, metrics and charts.
fn keep_trial(
    state: &AppState,
    key: &JobKey,
    ws: &Workspace,
    parent: &StoredRun,
    sweep: &Sweep,
    trial: &Trial,
    seconds: f64,
) -> Result<(), String> {
    let id = child_id(&key.name, trial.iteration);
    let now = state.now();
    let taken = state
        .tracking
        .read(&key.ws, now, |runs| runs.runs.contains_key(&id))
        .map_err(|e| e.message)?;
    if taken {
        return Err(format!("A run named {id} already exists in this workspace, and AutoML names its trials <job>_<trial>: submit the job under another name."));
    }
    let tags = [
        Tag {
            key: PARENT_TAG.into(),
            value: key.name.clone(),
        },
        Tag {
            key: "azureml.run_algorithm".into(),
            value: trial.algorithm.clone(),
        },
    ];
    let run = StoredRun::new(NewRun {
        run_id: &id,
        experiment_id: &parent.info.experiment_id,
        user: &parent.info.user_id,
        run_name: Some(&id),
        generated_name: id.clone(),
        start_time: now - (seconds * 1000.0) as i64,
        artifact_uri: run_artifact_uri(&id),
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
            key: (*name).to_owned(),
            value: *value,
            timestamp: now,
            step: 0,
        })
        .collect();
    let params = hyperparameters(trial);
    state
        .tracking
        .change_run(&key.ws, now, &id, |run| {
            let numbers = run.log(&metrics, &params, &[]);
            run.update(Some(RunStatus::Finished), Some(now), None, now)?;
            Ok((
                (),
                numbers.into_iter().zip(metrics.iter().cloned()).collect(),
            ))
        })
        .map_err(|e| e.message)?;
    write_json(state, ws, &id, "automl/charts.json", &charts(sweep, trial))?;
    state.tracking.announce(&key.arm_id);
    Ok(())
}

/// A trial's hyperparameters as params: `algorithm` first, each of its own, an ensemble's
/// members (trial:weight), and all of them in one `hyperparameters` line (the leaderboard's
/// column).
fn hyperparameters(trial: &Trial) -> Vec<Tag> {
    let tag = |key: &str, value: String| Tag {
        key: key.to_owned(),
        value,
    };
    let mut own = Vec::new();
    if let Some(Value::Object(fields)) = trial.params.as_ref().map(|p| json!(p)) {
        for (k, v) in fields.iter().filter(|(k, _)| *k != "algorithm") {
            own.push(tag(k, v.to_string()));
        }
    }
    if !trial.members.is_empty() {
        let members: Vec<String> = trial
            .members
            .iter()
            .map(|(t, w)| format!("{t}:{w:.3}"))
            .collect();
        own.push(tag("ensemble_members", members.join(",")));
    }
    let line: Vec<String> = own
        .iter()
        .map(|t| format!("{}={}", t.key, t.value))
        .collect();
    let mut params = vec![tag("algorithm", trial.algorithm.clone())];
    params.extend(own);
    params.push(tag("hyperparameters", line.join(", ")));
    params
}

/// A trial's confusion matrix and its ROC and precision-recall curves per class, over every
/// fold's validation rows.
fn charts(sweep: &Sweep, trial: &Trial) -> Value {
    let target = sweep.target();
    let truth = sweep.validation_labels();
    let pooled = sweep.pooled(trial);
    let classes = target.classes.len();
    let curves = |make: fn(&[bool], &[f64]) -> Curve| -> Vec<Value> {
        (0..classes)
            .map(|c| {
                let is_class: Vec<bool> = truth.iter().map(|t| *t == c).collect();
                let curve = metrics::downsample(
                    &make(&is_class, &metrics::class_scores(&pooled, c)),
                    CURVE_POINTS,
                );
                json!({"class": target.classes[c], "curve": curve})
            })
            .collect()
    };
    json!({
        "classes": target.classes,
        "confusion_matrix": metrics::confusion_matrix(&truth, &pooled.predicted(), classes),
        "roc": curves(metrics::roc_curve),
        "precision_recall": curves(metrics::precision_recall_curve),
    })
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

/// The files of an MLflow model folder for `model`, trained by run `run_id`.
fn model_folder(model: &TrainedModel, run_id: &str) -> Vec<(String, Vec<u8>)> {
    let inputs: Vec<Value> = model
        .featurizer
        .report()
        .iter()
        .map(|c| json!({"name": c.column, "type": if c.detected == "Numeric" { "double" } else { "string" }}))
        .collect();
    let outputs = json!([{"name": model.target, "type": "string"}]);
    let quoted = |v: &Value| serde_json::to_string(&v.to_string()).unwrap_or_default();
    let mlmodel = format!(
        "artifact_path: model\nflavors:\n  azimuth:\n    model_file: {MODEL_FILE}\n    algorithm: {}\n    classes: {}\n    azimuth_version: {}\nrun_id: {run_id}\nsignature:\n  inputs: {}\n  outputs: {}\n",
        model.algorithm,
        json!(model.classes),
        env!("CARGO_PKG_VERSION"),
        quoted(&json!(inputs)),
        quoted(&outputs),
    );
    vec![
        ("MLmodel".into(), mlmodel.into_bytes()),
        (MODEL_FILE.into(), model.to_bytes()),
    ]
}

/// Writes the model folder to the job's `best_model` output.
fn write_output(
    state: &AppState,
    ws: &Workspace,
    job: &str,
    uri: Option<String>,
    files: &[(String, Vec<u8>)],
) -> Result<(), String> {
    let uri = uri.unwrap_or_else(|| output_uri(job, BEST_MODEL));
    let Ok(DataUri::Datastore {
        datastore, path, ..
    }) = parse_data_uri(&uri)
    else {
        return Err(format!(
            "Its best model goes to '{uri}', which is not a datastore path of this workspace."
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
struct Log(std::fs::File);

impl Log {
    fn open(state: &AppState, ws: &Workspace, job: &str) -> Result<Log, String> {
        super::process::log_file(state, ws, job).map(Log)
    }

    fn line(&mut self, text: &str) {
        let _ = writeln!(self.0, "{text}");
    }
}
