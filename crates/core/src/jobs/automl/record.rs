//! What an AutoML trial leaves, the same wherever it trains: its child run's id, its
//! hyperparameters as params, its charts (confusion matrix, ROC and precision-recall curves),
//! and the best model's MLflow model folder.

use crate::jobs::Tag;
use azimuth_ml::metrics::{self, Curve};
use azimuth_ml::sweep::{Sweep, TrainedModel, Trial};
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
pub fn charts(sweep: &Sweep, trial: &Trial) -> Value {
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

/// The files of an MLflow model folder for `model`, trained by run `run_id`.
pub fn model_folder(model: &TrainedModel, run_id: &str) -> Vec<(String, Vec<u8>)> {
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
