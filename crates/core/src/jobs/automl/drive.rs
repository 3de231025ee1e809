//! An AutoML job's sweep from its rows to its best model, the same on the server (on the job's
//! thread) and in the browser (in the Web Worker): what each step leaves is handed to the host
//! as an [`Event`] (a log line, the guardrails, a trial as a child run), and the host may halt
//! the sweep between trials (Cancel, its compute gone). The same rows and seed give the same
//! trials, in the same order, with the same metrics, on both.

use super::record::{charts, child_id, hyperparameters, model_folder, trial_metric, SEED};
use super::AutoMLTask;
use crate::data::mltable::{MlTable, Storage};
use crate::data::preview::{preview, Format, Table};
use crate::jobs::status::JobStatus;
use crate::jobs::Tag;
use azimuth_ml::featurize::Frame;
use azimuth_ml::sweep::{Sweep, Trial};
use azimuth_ml::validate::Validation;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The largest table file an AutoML job trains on (the server's process and the browser's
/// page hold it whole).
pub const MAX_TABLE_BYTES: u64 = 200 << 20;

/// A finished trial, as its child run keeps it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrialRecord {
    /// The trial's number (the ensemble's comes after the last trial's).
    pub iteration: usize,
    /// The child run's id, `<job>_<iteration>`.
    pub child: String,
    /// The algorithm, under Azure's name.
    pub algorithm: String,
    /// Its params: `algorithm`, each hyperparameter, and `hyperparameters` in one line.
    pub params: Vec<Tag>,
    /// Every metric under Azure's names.
    pub metrics: Vec<(String, f64)>,
    /// Its confusion matrix and curves (`automl/charts.json`).
    pub charts: Value,
    /// How long it trained, in seconds.
    pub seconds: f64,
    /// The primary metric's value.
    pub primary: f64,
    /// The best primary metric so far, with this trial (the job's own run charts it).
    pub best_so_far: f64,
}

/// What a step of the sweep leaves for the host to keep.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Event {
    /// A line of the job's log.
    Log(String),
    /// The data guardrails and the featurization (the job's `automl/*.json` artifacts).
    Prepared {
        /// `automl/guardrails.json`.
        guardrails: Value,
        /// `automl/featurization.json`.
        featurization: Value,
    },
    /// The host may halt here, before the trial that follows.
    BeforeTrial,
    /// A trial (or the ensemble) finished: a child run of the job.
    Trial(TrialRecord),
}

/// How a sweep ended well.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// The best trial's child run.
    pub best_child: String,
    /// Its algorithm.
    pub algorithm: String,
    /// The files of its MLflow model folder (`MLmodel`, the model), trained again on every row.
    pub folder: Vec<(String, Vec<u8>)>,
    /// Why it stopped before its last trial (its experiment timeout), if it did.
    pub stopped: Option<String>,
}

impl Outcome {
    /// The tags the job's run gets for its best model (the studio's "Best model" and the
    /// leaderboard read them): its child run and algorithm.
    pub fn best_tags(&self) -> [Tag; 2] {
        let tag = |key: &str, value: &str| Tag {
            key: key.to_owned(),
            value: value.to_owned(),
        };
        [
            tag("azureml.automl_best_child_run_id", &self.best_child),
            tag("azureml.run_algorithm", &self.algorithm),
        ]
    }
}

/// Why a sweep ended without a best model: a status (Canceled, Failed) and its reason.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Halt {
    /// The job's status.
    pub status: JobStatus,
    /// Why, for the job's page.
    pub reason: Option<String>,
}

impl Halt {
    /// The job failed for `why`.
    pub fn failed(why: impl Into<String>) -> Halt {
        Halt {
            status: JobStatus::Failed,
            reason: Some(why.into()),
        }
    }
}

/// Every row of a table file: `bytes` of file `name` (a CSV, TSV or JSON lines file), or of
/// the first file of the MLTable `mltable` describes, shaped as its steps say.
pub fn table_rows(mltable: Option<&MlTable>, name: &str, bytes: &[u8]) -> Result<Table, String> {
    let Some(table) = mltable else {
        let format = Format::guess(name)
            .ok_or_else(|| format!("'{name}' is not a CSV, TSV or JSON lines file."))?;
        return preview(bytes, true, format, usize::MAX);
    };
    let Storage::Text(format) = table.storage else {
        return Err(
            "Parquet tables are not trained on here yet; use a delimited (CSV) table.".into(),
        );
    };
    let bytes = table.decode(bytes)?;
    Ok(table.shape_rows(preview(&bytes, true, format, usize::MAX)?))
}

/// The training rows: the training table, then the validation table's rows (answered with the
/// first validation row), which must have the same columns.
pub fn frame_of(train: Table, valid: Option<Table>) -> Result<(Frame, Option<usize>), String> {
    let Some(valid) = valid else {
        return Ok((Frame::from_text(train.columns, train.rows), None));
    };
    if valid.columns != train.columns {
        return Err(format!(
            "Its validation data has the columns {}, not the training data's {}.",
            valid.columns.join(", "),
            train.columns.join(", ")
        ));
    }
    let first = train.rows.len();
    let mut rows = train.rows;
    rows.extend(valid.rows);
    Ok((Frame::from_text(train.columns, rows), Some(first)))
}

/// Runs job `job`'s sweep of `task` over `frame` to its best model. `seconds` reads a clock
/// (seconds since any fixed instant); `on` keeps each event, and halts the sweep by answering
/// `Err`.
pub fn drive(
    job: &str,
    task: &AutoMLTask,
    (frame, first_validation_row): (Frame, Option<usize>),
    seconds: &dyn Fn() -> f64,
    on: &mut dyn FnMut(Event) -> Result<(), Halt>,
) -> Result<Outcome, Halt> {
    let mut settings = task
        .sweep_settings(SEED)
        .map_err(|e| Halt::failed(e.message()))?;
    if let Some(first) = first_validation_row {
        settings.validation = Validation::User {
            first_validation_row: first,
        };
    }
    on(Event::Log(format!(
        "Read {} rows of {} columns; predicting '{}'.",
        frame.rows(),
        frame.names.len(),
        task.target_column_name
    )))?;
    let mut sweep = Sweep::new(frame, settings)
        .map_err(|e| Halt::failed(format!("It cannot train on its data: {e}")))?;
    for note in task.notes() {
        on(Event::Log(note))?;
    }
    on(Event::Prepared {
        guardrails: json!(sweep.guardrails()),
        featurization: json!(sweep.featurization()),
    })?;
    let primary = task
        .primary_metric
        .clone()
        .unwrap_or_else(|| "AUCWeighted".into());
    let started = seconds();
    let (timeout, _) = task.timeouts();
    let mut best = f64::NEG_INFINITY;
    let mut stopped: Option<String> = None;
    while let Some(params) = sweep.next_trial() {
        on(Event::BeforeTrial)?;
        if timeout.is_some_and(|t| seconds() - started >= t as f64) {
            stopped = Some("its experiment timeout".into());
            break;
        }
        let at = seconds();
        let trial = sweep.run(params).clone();
        let took = seconds() - at;
        best = best.max(trial.primary);
        on(Event::Trial(record(job, &sweep, &trial, took, best)))?;
        on(Event::Log(format!(
            "Trial {}: {} {} = {:.4} in {took:.2} s (best so far {best:.4}).",
            trial.iteration, trial.algorithm, primary, trial.primary
        )))?;
    }
    on(Event::BeforeTrial)?;
    if let Some(why) = &stopped {
        let line = format!("Stopped after {} trials: {why}.", sweep.trials().len());
        on(Event::Log(line))?;
    }
    if let Some(ensemble) = sweep.ensemble().cloned() {
        best = best.max(ensemble.primary);
        on(Event::Trial(record(job, &sweep, &ensemble, 0.0, best)))?;
        on(Event::Log(format!(
            "VotingEnsemble of trials {:?}: {:.4}.",
            ensemble.members.iter().map(|m| m.0).collect::<Vec<_>>(),
            ensemble.primary
        )))?;
    } else if sweep.trials().len() > 1 {
        on(Event::Log(
            "No VotingEnsemble: no blend of the best trials scored better than the best alone."
                .into(),
        ))?;
    }
    let winner = sweep
        .best()
        .cloned()
        .ok_or_else(|| Halt::failed("No trial ran."))?;
    let model = sweep.final_model(&winner).map_err(Halt::failed)?;
    let best_child = child_id(job, winner.iteration);
    on(Event::Log(format!(
        "Best: trial {} ({}), {primary} = {:.4}; kept as {}.",
        winner.iteration,
        winner.algorithm,
        winner.primary,
        super::BEST_MODEL
    )))?;
    Ok(Outcome {
        folder: model_folder(&model, &best_child),
        best_child,
        algorithm: winner.algorithm,
        stopped: stopped
            .map(|why| format!("Stopped early at {why}; the best trial so far is kept.")),
    })
}

/// Runs a sweep with nothing to keep but its trials and no clock (every trial takes no
/// time): for comparing the leaderboard two builds of the engine give.
pub fn trials_of(
    job: &str,
    task: &AutoMLTask,
    rows: (Frame, Option<usize>),
) -> Result<(Vec<TrialRecord>, Outcome), Halt> {
    let mut trials = Vec::new();
    let mut keep = |event: Event| {
        if let Event::Trial(t) = event {
            trials.push(t);
        }
        Ok(())
    };
    let outcome = drive(job, task, rows, &|| 0.0, &mut keep)?;
    Ok((trials, outcome))
}

/// A trial as its child run keeps it.
fn record(job: &str, sweep: &Sweep, trial: &Trial, seconds: f64, best: f64) -> TrialRecord {
    TrialRecord {
        iteration: trial.iteration,
        child: child_id(job, trial.iteration),
        algorithm: trial.algorithm.clone(),
        params: hyperparameters(trial),
        metrics: trial
            .metrics
            .iter()
            .map(|(name, value)| ((*name).to_owned(), *value))
            .collect(),
        charts: charts(sweep, trial),
        seconds,
        primary: trial.primary,
        best_so_far: best,
    }
}

/// The metric the job's own run charts (the primary metric as runs log it), for its host.
pub fn progress_metric(task: &AutoMLTask) -> String {
    trial_metric(task.primary_metric.as_deref().unwrap_or("AUCWeighted"))
}
