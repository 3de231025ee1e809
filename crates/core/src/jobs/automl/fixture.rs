//! The cross-build check of the training engine: a fixed sweep over a given table, as JSON, and
//! the comparison of two such leaderboards within a tolerance. The native tests and the
//! browser's (wasm) component tests both hold their run to one committed file, so the server
//! and the browser's worker give the same leaderboard for the same data.

use super::drive::trials_of;
use super::rows::{frame_of, table_rows};
use super::AutoMLTask;
use crate::arm::json::to_json;
use serde_json::{json, Value};

/// The leaderboard of the fixed sweep (3 classes of `Plan`, 12 trials drawn 3 at a time,
/// 3-fold CV, a fifth of the rows held out for the test, seed 42) over the CSV `rows`: each
/// trial's child, algorithm, params and metrics (the best model's test last), and the best
/// child.
pub fn fixture_leaderboard(rows: &[u8]) -> Result<Value, String> {
    let task = AutoMLTask::from_value(&json!({
        "taskType": "Classification", "targetColumnName": "Plan", "primaryMetric": "AUCWeighted",
        "trainingData": {"jobInputType": "mltable", "uri": "azureml:rows:1"},
        "nCrossValidations": {"mode": "Custom", "value": 3}, "testDataSize": 0.2,
        "limitSettings": {"maxTrials": 12, "maxConcurrentTrials": 3, "enableEarlyTermination": false}
    }))
    .map_err(|e| e.message().to_owned())?;
    let table = table_rows(None, "rows.csv", rows)?;
    let (trials, outcome) = trials_of("fixture", &task, frame_of(table, None, None)?, 3)
        .map_err(|h| h.reason.unwrap_or_default())?;
    let trials: Vec<Value> = trials
        .iter()
        .map(|t| json!({"child": t.child, "algorithm": t.algorithm, "params": t.params, "metrics": t.metrics}))
        .collect();
    Ok(json!({"trials": trials, "best": outcome.best_child}))
}

/// Whether two leaderboards hold the same trials in the same order with the same params, and
/// metrics within `tolerance` of each other (NaN equal to NaN); or the first difference.
pub fn check_same_leaderboard(got: &Value, expected: &Value, tolerance: f64) -> Result<(), String> {
    let list = |v: &Value| v["trials"].as_array().cloned().unwrap_or_default();
    let (got_trials, expected_trials) = (list(got), list(expected));
    if got_trials.len() != expected_trials.len() || got["best"] != expected["best"] {
        return Err(format!(
            "{} trials (best {}), expected {} (best {})",
            got_trials.len(),
            to_json(&got["best"]),
            expected_trials.len(),
            to_json(&expected["best"])
        ));
    }
    for (g, e) in got_trials.iter().zip(&expected_trials) {
        for key in ["child", "algorithm", "params"] {
            if g[key] != e[key] {
                return Err(format!(
                    "trial {}: {key} {} != {}",
                    to_json(&e["child"]),
                    to_json(&g[key]),
                    to_json(&e[key])
                ));
            }
        }
        let metrics = |v: &Value| v["metrics"].as_array().cloned().unwrap_or_default();
        let (gm, em) = (metrics(g), metrics(e));
        if gm.len() != em.len() {
            return Err(format!(
                "trial {}: {} metrics, expected {}",
                to_json(&e["child"]),
                gm.len(),
                em.len()
            ));
        }
        for (a, b) in gm.iter().zip(&em) {
            let (x, y) = (
                a[1].as_f64().unwrap_or(f64::NAN),
                b[1].as_f64().unwrap_or(f64::NAN),
            );
            let same = (x.is_nan() && y.is_nan()) || (x - y).abs() <= tolerance;
            if a[0] != b[0] || !same {
                return Err(format!(
                    "trial {}: {} = {x}, expected {} = {y}",
                    to_json(&e["child"]),
                    to_json(&a[0]),
                    to_json(&b[0])
                ));
            }
        }
    }
    Ok(())
}
