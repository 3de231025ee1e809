//! What an AutoML trial leaves, the same wherever it trains: its record as its child run keeps
//! it (id, tags, status, hyperparameters as params, metrics), its charts (confusion matrix, ROC
//! and precision-recall curves), the best model's test, and the best model's MLflow model
//! folder.

use crate::arm::json_de::FromValue;
use crate::jobs::run::{PARENT_TAG, STATUS_REASON_TAG};
use crate::jobs::{RunStatus, Tag};
use azimuth_ml::metrics::{self, Curve};
use azimuth_ml::sweep::{Sweep, TrainedModel, Trial};
use azimuth_ml::testing::Tested;
use azimuth_ml::Probabilities;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The seed of every AutoML job's draws: the same data gives the same leaderboard.
pub const SEED: u64 = 42;
/// Points kept of each curve an artifact holds.
const CURVE_POINTS: usize = 200;
/// The model file in a model folder.
pub const MODEL_FILE: &str = "model.azimuth";

/// The metric the job's own run charts: the primary metric's name as runs log it.
pub fn trial_metric(primary: &str) -> String {
    azimuth_ml::sweep::PrimaryMetric::parse(primary)
        .map_or_else(|| primary.to_owned(), |m| m.metric().to_owned())
}

/// A child run's id: `<job>_<trial>`, as Azure names AutoML's children.
pub fn child_id(job: &str, iteration: usize) -> String {
    format!("{job}_{iteration}")
}

/// The run of the best model's test: `<best child>_test`.
pub fn test_child_id(best_child: &str) -> String {
    format!("{best_child}_test")
}

/// A trial's hyperparameters as params: `algorithm` first, each of its own, an ensemble's
/// members (trial:weight), and all of them in one `hyperparameters` line (the leaderboard's
/// column).
pub fn hyperparameters(trial: &Trial) -> Vec<Tag> {
    let tag = |key: &str, value: String| Tag {
        key: key.to_owned(),
        value,
    };
    let mut own = Vec::new();
    if let Some(Value::Object(fields)) = trial.params.as_ref().map(|p| json!(p)) {
        for (k, v) in fields.iter().filter(|(k, _)| *k != "algorithm") {
            own.push(tag(k, crate::arm::json::to_json(v)));
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
pub fn charts(sweep: &Sweep, trial: &Trial) -> Value {
    let over = "Over every validation row of the trial's folds.";
    charts_of(
        sweep,
        &sweep.validation_labels(),
        &sweep.pooled(trial),
        over,
    )
}

/// The best model's charts over the test rows.
pub fn test_charts(sweep: &Sweep, tested: &Tested) -> Value {
    let over = format!(
        "Over the {} rows of the test data, which no trial saw, scored by the best model trained on every other row.",
        tested.truth.len()
    );
    charts_of(sweep, &tested.truth, &tested.probabilities, &over)
}

/// The confusion matrix and curves of `proba` against the classes `truth`, and which rows
/// they are `over`.
fn charts_of(sweep: &Sweep, truth: &[usize], proba: &Probabilities, over: &str) -> Value {
    let target = sweep.target();
    let classes = target.classes.len();
    let curves = |make: fn(&[bool], &[f64]) -> Curve| -> Vec<Value> {
        (0..classes)
            .map(|c| {
                let is_class: Vec<bool> = truth.iter().map(|t| *t == c).collect();
                let curve = metrics::downsample(
                    &make(&is_class, &metrics::class_scores(proba, c)),
                    CURVE_POINTS,
                );
                json!({"class": target.classes[c], "curve": curve})
            })
            .collect()
    };
    json!({
        "classes": target.classes,
        "over": over,
        "confusion_matrix": metrics::confusion_matrix(truth, &proba.predicted(), classes),
        "roc": curves(metrics::roc_curve),
        "precision_recall": curves(metrics::precision_recall_curve),
    })
}

/// The files of an MLflow model folder for `model`, trained by run `run_id`.
pub fn model_folder(model: &TrainedModel, run_id: &str) -> Vec<(String, Vec<u8>)> {
    let inputs: Vec<Value> = model
        .featurizer
        .report()
        .iter()
        .map(|c| json!({"name": c.column, "type": if c.detected == "Numeric" { "double" } else { "string" }}))
        .collect();
    let outputs = json!([{"name": model.target, "type": "string"}]);
    let quoted =
        |v: &Value| serde_json::to_string(&crate::arm::json::to_json(v)).unwrap_or_default();
    let mlmodel = format!(
        "artifact_path: model\nflavors:\n  azimuth:\n    model_file: {MODEL_FILE}\n    algorithm: {}\n    classes: {}\n    azimuth_version: {}\nrun_id: {run_id}\nsignature:\n  inputs: {}\n  outputs: {}\n",
        model.algorithm,
        crate::arm::json::to_json(&json!(model.classes)),
        env!("CARGO_PKG_VERSION"),
        quoted(&json!(inputs)),
        quoted(&outputs),
    );
    vec![
        ("MLmodel".into(), mlmodel.into_bytes()),
        (MODEL_FILE.into(), model.to_bytes()),
    ]
}

/// A finished trial, as its child run keeps it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FromValue)]
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
    /// The primary metric's value (NaN for a failed trial).
    #[serde(with = "azimuth_ml::metrics::nan_null")]
    pub primary: f64,
    /// The best primary metric so far, with this trial (the job's own run charts it).
    #[serde(with = "azimuth_ml::metrics::nan_null")]
    pub best_so_far: f64,
    /// Why it did not finish (its iteration timeout), if it did not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed: Option<String>,
}

impl TrialRecord {
    /// Its run's tags: its parent run (`parent_run`: the job's, or the best trial's for the
    /// test), its algorithm, and why it failed if it did.
    pub fn tags(&self, parent_run: &str) -> Vec<Tag> {
        let tag = |key: &str, value: &str| Tag {
            key: key.to_owned(),
            value: value.to_owned(),
        };
        let mut tags = vec![
            tag(PARENT_TAG, parent_run),
            tag("azureml.run_algorithm", &self.algorithm),
        ];
        if let Some(why) = &self.failed {
            tags.push(tag(STATUS_REASON_TAG, why));
        }
        tags
    }

    /// How its run ended.
    pub fn status(&self) -> RunStatus {
        if self.failed.is_some() {
            RunStatus::Failed
        } else {
            RunStatus::Finished
        }
    }
}

/// A trial as its child run keeps it.
pub(super) fn record(
    job: &str,
    sweep: &Sweep,
    trial: &Trial,
    seconds: f64,
    best: f64,
) -> TrialRecord {
    TrialRecord {
        iteration: trial.iteration,
        child: child_id(job, trial.iteration),
        algorithm: trial.algorithm.clone(),
        params: hyperparameters(trial),
        metrics: named(&trial.metrics),
        charts: if trial.failed.is_none() {
            charts(sweep, trial)
        } else {
            Value::Null
        },
        seconds,
        primary: trial.primary,
        best_so_far: best,
        failed: trial.failed.clone(),
    }
}

/// The best model's test, as its run keeps it: the best trial's algorithm, the test's metrics
/// and charts, and which model was tested on how many rows.
pub(super) fn test_record(
    best_child: &str,
    sweep: &Sweep,
    winner: &Trial,
    tested: Tested,
    seconds: f64,
) -> TrialRecord {
    let tag = |key: &str, value: String| Tag {
        key: key.to_owned(),
        value,
    };
    TrialRecord {
        iteration: winner.iteration,
        child: test_child_id(best_child),
        algorithm: winner.algorithm.clone(),
        params: vec![
            tag("algorithm", winner.algorithm.clone()),
            tag("model_run_id", best_child.to_owned()),
            tag("test_rows", tested.truth.len().to_string()),
        ],
        metrics: named(&tested.metrics),
        charts: test_charts(sweep, &tested),
        seconds,
        primary: tested.primary,
        best_so_far: f64::NAN,
        failed: None,
    }
}

fn named(metrics: &[(&'static str, f64)]) -> Vec<(String, f64)> {
    metrics
        .iter()
        .map(|(name, value)| ((*name).to_owned(), *value))
        .collect()
}
