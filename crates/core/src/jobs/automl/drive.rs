//! An AutoML job's sweep from its rows to its best model, the same on the server (on the job's
//! thread) and in the browser (in the Web Worker): what each step leaves is handed to the host
//! as an [`Event`] (a log line, the guardrails, a trial as a child run, the test of the best
//! model), and the host may halt the sweep between trials (Cancel, its compute gone). Trials
//! are drawn as many at a time as may run at once (`maxConcurrentTrials`, no more than the
//! compute's nodes): the server trains them on threads of their own, a browser's worker one
//! after another, and both give the same trials, in the same order, with the same metrics. A
//! trial past its iteration timeout stops between folds and is kept as failed.

pub use super::record::TrialRecord;
use super::record::{child_id, model_folder, record, test_record, trial_metric, SEED};
pub use super::rows::Rows;
use super::AutoMLTask;
use crate::arm::json_de::FromValue;
use crate::jobs::status::JobStatus;
use crate::jobs::Tag;
use azimuth_ml::models::Params;
use azimuth_ml::sweep::Sweep;
use azimuth_ml::testing::TestData;
use azimuth_ml::validate::Validation;
use azimuth_ml::Probabilities;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// What a step of the sweep leaves for the host to keep.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FromValue)]
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
    /// The best model was scored on the test rows: a child run of the best trial's run.
    Tested {
        /// The best trial's run, which made the model.
        model_run: String,
        /// The test's run.
        record: TrialRecord,
    },
}

/// How a sweep ended well.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FromValue)]
pub struct Outcome {
    /// The best trial's child run.
    pub best_child: String,
    /// Its algorithm.
    pub algorithm: String,
    /// The files of its MLflow model folder (`MLmodel`, the model), trained again on every row.
    pub folder: Vec<(String, Vec<u8>)>,
    /// Why it stopped before its last trial (its experiment timeout), if it did.
    pub stopped: Option<String>,
    /// The run of the best model's test, if the job has test data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_run: Option<String>,
}

impl Outcome {
    /// The tags the job's run gets for its best model (the studio's "Best model" and the
    /// leaderboard read them): its child run and algorithm, and its test's run.
    pub fn best_tags(&self) -> Vec<Tag> {
        let tag = |key: &str, value: &str| Tag {
            key: key.to_owned(),
            value: value.to_owned(),
        };
        let mut tags = vec![
            tag("azureml.automl_best_child_run_id", &self.best_child),
            tag("azureml.run_algorithm", &self.algorithm),
        ];
        if let Some(run) = &self.test_run {
            tags.push(tag(TEST_RUN_TAG, run));
        }
        tags
    }
}

/// Why a sweep ended without a best model: a status (Canceled, Failed) and its reason.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FromValue)]
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

/// The job's tag naming its best model's test run.
pub const TEST_RUN_TAG: &str = "azureml.automl_test_run_id";

/// A clock: seconds since any fixed instant (trials on other threads read it too).
pub type Clock<'a> = dyn Fn() -> f64 + Sync + 'a;

/// Runs job `job`'s sweep of `task` over `rows` to its best model, on a compute of `nodes`
/// nodes. `seconds` reads a clock; `on` keeps each event, and halts the sweep by answering
/// `Err`.
pub fn drive(
    job: &str,
    task: &AutoMLTask,
    rows: Rows,
    nodes: usize,
    seconds: &Clock<'_>,
    on: &mut dyn FnMut(Event) -> Result<(), Halt>,
) -> Result<Outcome, Halt> {
    let mut settings = task
        .sweep_settings(SEED)
        .map_err(|e| Halt::failed(e.message()))?;
    if let Some(first) = rows.first_validation_row {
        settings.validation = Validation::User {
            first_validation_row: first,
        };
    }
    if let Some(first) = rows.first_test_row {
        settings.test = TestData::User {
            first_test_row: first,
        };
    }
    let frame = rows.frame;
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
    let at_once = task.concurrent_trials(nodes);
    if at_once > 1 {
        on(Event::Log(format!(
            "Up to {at_once} trials at a time (maxConcurrentTrials {}, on a compute of {nodes} nodes); {}.",
            task.max_concurrent_trials(),
            AT_ONCE
        )))?;
    }
    let stopped = run_trials(job, task, &mut sweep, at_once, seconds, on)?;
    on(Event::BeforeTrial)?;
    if let Some(why) = &stopped {
        let line = format!("Stopped after {} trials: {why}.", sweep.trials().len());
        on(Event::Log(line))?;
    }
    let best = sweep.best().map_or(f64::NEG_INFINITY, |t| t.primary);
    if let Some(ensemble) = sweep.ensemble().cloned() {
        let best = best.max(ensemble.primary);
        on(Event::Trial(record(job, &sweep, &ensemble, 0.0, best)))?;
        on(Event::Log(format!(
            "VotingEnsemble of trials {}: {:.4}.",
            ensemble
                .members
                .iter()
                .map(|m| m.0.to_string())
                .collect::<Vec<_>>()
                .join(", "),
            ensemble.primary
        )))?;
    } else if sweep.trials().len() > 1 {
        on(Event::Log(
            "No VotingEnsemble: no blend of the best trials scored better than the best alone."
                .into(),
        ))?;
    }
    let winner = sweep.best().cloned().ok_or_else(|| {
        Halt::failed(match sweep.trials().first().and_then(|t| t.failed.as_ref()) {
            Some(why) => format!("No trial finished. The first one failed: {why} Raise the iteration timeout, or train on fewer rows."),
            None => "No trial ran.".into(),
        })
    })?;
    let model = sweep.final_model(&winner).map_err(Halt::failed)?;
    let best_child = child_id(job, winner.iteration);
    on(Event::Log(format!(
        "Best: trial {} ({}), {primary} = {:.4}; kept as {}.",
        winner.iteration,
        winner.algorithm,
        winner.primary,
        super::BEST_MODEL
    )))?;
    let at = seconds();
    let test_run = match sweep.test(&model) {
        Some(tested) => {
            let took = seconds() - at;
            let record = test_record(&best_child, &sweep, &winner, tested, took);
            on(Event::Log(format!(
                "Tested the best model on {} rows of test data: {primary} = {:.4} (validation: {:.4}).",
                record.params.iter().find(|p| p.key == "test_rows").map_or("", |p| &p.value),
                record.primary,
                winner.primary
            )))?;
            let run = record.child.clone();
            on(Event::Tested {
                model_run: best_child.clone(),
                record,
            })?;
            Some(run)
        }
        None => None,
    };
    Ok(Outcome {
        folder: model_folder(&model, &best_child),
        best_child,
        algorithm: winner.algorithm,
        stopped: stopped
            .map(|why| format!("Stopped early at {why}; the best trial so far is kept.")),
        test_run,
    })
}

/// How the trials drawn together train here.
#[cfg(not(target_arch = "wasm32"))]
const AT_ONCE: &str = "they train at once, each on a thread of its own";
/// How the trials drawn together train here.
#[cfg(target_arch = "wasm32")]
const AT_ONCE: &str = "this tab's worker trains them one after another";

/// Runs the sweep's trials, `at_once` drawn at a time, handing each to `on` in order; answers
/// why it stopped early, if it did.
fn run_trials(
    job: &str,
    task: &AutoMLTask,
    sweep: &mut Sweep,
    at_once: usize,
    seconds: &Clock<'_>,
    on: &mut dyn FnMut(Event) -> Result<(), Halt>,
) -> Result<Option<String>, Halt> {
    let primary = progress_metric(task);
    let started = seconds();
    let (timeout, trial_timeout) = task.timeouts();
    let mut best = f64::NEG_INFINITY;
    loop {
        let batch = sweep.next_trials(at_once);
        if batch.is_empty() {
            return Ok(None);
        }
        on(Event::BeforeTrial)?;
        if timeout.is_some_and(|t| seconds() - started >= t as f64) {
            return Ok(Some("its experiment timeout".into()));
        }
        let first = sweep.next_iteration();
        let trained = train_batch(sweep, first, &batch, seconds, trial_timeout);
        for (params, (folds, took)) in batch.into_iter().zip(trained) {
            let why = || {
                let limit = trial_timeout.map_or_else(String::new, |t| match t % 60 {
                    0 => format!("{} min", t / 60),
                    _ => format!("{t} s"),
                });
                format!(
                    "Its iteration timeout ({limit}) ended it before it had trained on every fold."
                )
            };
            let trial = sweep.keep(params, folds.ok_or_else(why)).clone();
            if trial.failed.is_none() {
                best = best.max(trial.primary);
            }
            on(Event::Trial(record(job, sweep, &trial, took, best)))?;
            on(Event::Log(match &trial.failed {
                None => format!(
                    "Trial {}: {} {primary} = {:.4} in {took:.2} s (best so far {best:.4}).",
                    trial.iteration, trial.algorithm, trial.primary
                ),
                Some(why) => format!(
                    "Trial {}: {} failed after {took:.2} s. {why}",
                    trial.iteration, trial.algorithm
                ),
            }))?;
        }
    }
}

/// Trains the trials of `batch` (the first is trial `first`): each one's probabilities per
/// fold (`None` once it passed `limit` seconds) and how long it took.
fn train_batch(
    sweep: &Sweep,
    first: usize,
    batch: &[Params],
    seconds: &Clock<'_>,
    limit: Option<u64>,
) -> Vec<(Option<Vec<Probabilities>>, f64)> {
    let one = |k: usize, params: &Params| {
        let at = seconds();
        let go_on = || limit.is_none_or(|l| seconds() - at < l as f64);
        let folds = sweep.train(first + k, params, &go_on);
        (folds, seconds() - at)
    };
    #[cfg(not(target_arch = "wasm32"))]
    if batch.len() > 1 {
        return std::thread::scope(|scope| {
            let threads: Vec<_> = batch
                .iter()
                .enumerate()
                .map(|(k, params)| scope.spawn(move || one(k, params)))
                .collect();
            threads
                .into_iter()
                .map(|t| t.join().unwrap_or((None, 0.0)))
                .collect()
        });
    }
    batch.iter().enumerate().map(|(k, p)| one(k, p)).collect()
}

/// Runs a sweep on a compute of `nodes` nodes with nothing to keep but its trials (and the
/// best model's test, last) and no clock (every trial takes no time): for comparing the
/// leaderboard two builds of the engine give.
pub fn trials_of(
    job: &str,
    task: &AutoMLTask,
    rows: Rows,
    nodes: usize,
) -> Result<(Vec<TrialRecord>, Outcome), Halt> {
    let mut trials = Vec::new();
    let mut keep = |event: Event| {
        if let Event::Trial(t) | Event::Tested { record: t, .. } = event {
            trials.push(t);
        }
        Ok(())
    };
    let outcome = drive(job, task, rows, nodes, &|| 0.0, &mut keep)?;
    Ok((trials, outcome))
}

/// The metric the job's own run charts (the primary metric as runs log it), for its host.
pub fn progress_metric(task: &AutoMLTask) -> String {
    trial_metric(task.primary_metric.as_deref().unwrap_or("AUCWeighted"))
}
