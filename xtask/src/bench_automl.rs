//! `cargo xtask bench automl`: the training engine beside scikit-learn (pip-installed into
//! `target/bench-python` for the bench only), on the same tables with 3-fold cross-validation:
//! a synthetic 10,000 x 20 table (numbers with a few missing, two categories, a non-linear
//! class) and the diabetes sample. Azimuth's sweep trains its 8 algorithms' defaults natively
//! (`crates/ml/examples/automl.rs`, what the server runs); scikit-learn's side is the best of
//! LogisticRegression, RandomForest and HistGradientBoosting (`bench/automl.py`). Budgets:
//! the 10,000-row sweep in 15 s or less on the server and 60 s or less in the browser's Web
//! Worker (`bench/automl.mjs`, the built studio in headless Chromium), and a best AUC_weighted
//! no more than 0.02 under scikit-learn's.

use crate::bench::Context;
use crate::bench_jobs::bench_python;
use crate::{cmd, Result};
use serde_json::Value;
use std::process::Command;

/// The budgets.
const MAX_SERVER_SECONDS: f64 = 15.0;
const MAX_AUC_GAP: f64 = 0.02;

/// One side's result: wall time and best AUC_weighted.
struct Side {
    seconds: f64,
    auc: f64,
    best: String,
}

/// The last JSON line of a run (`{"best": ..., "AUC_weighted": ..., "total_seconds": ...}`).
fn last_line(output: &[u8]) -> Result<Side> {
    let text = String::from_utf8_lossy(output);
    let line = text
        .lines()
        .rev()
        .find(|l| l.contains("\"best\""))
        .ok_or_else(|| format!("no result in:\n{text}"))?;
    let v: Value = serde_json::from_str(line)?;
    Ok(Side {
        seconds: v["total_seconds"].as_f64().unwrap_or(f64::NAN),
        auc: v["AUC_weighted"].as_f64().unwrap_or(f64::NAN),
        best: v["best"].as_str().unwrap_or_default().to_owned(),
    })
}

fn run_captured(cmd: &mut Command) -> Result<Vec<u8>> {
    println!("$ {}", cmd::display(cmd));
    let out = cmd.output()?;
    if !out.status.success() {
        return Err(format!(
            "`{}` failed:\n{}",
            cmd::display(cmd),
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    print!("{}", String::from_utf8_lossy(&out.stdout));
    Ok(out.stdout)
}

/// The bench's Python with scikit-learn and pandas (pip-installed for the benches only).
pub(crate) fn sklearn_python() -> Result<std::path::PathBuf> {
    let python = bench_python()?;
    let has_sklearn = Command::new(&python)
        .args(["-c", "import sklearn, pandas"])
        .status()
        .is_ok_and(|s| s.success());
    if !has_sklearn {
        cmd::run(&mut cmd::command(
            &python.to_string_lossy(),
            &[
                "-m",
                "pip",
                "install",
                "--disable-pip-version-check",
                "--quiet",
                "scikit-learn",
                "pandas",
            ],
        ))?;
    }
    Ok(python)
}

/// Writes the diabetes sample to `path` (the engine's example does), building it first.
pub(crate) fn write_diabetes(path: &std::path::Path) -> Result<()> {
    cmd::run(&mut cmd::command(
        "cargo",
        &[
            "build",
            "--release",
            "-p",
            "azimuth-ml",
            "--example",
            "automl",
        ],
    ))?;
    let example = cmd::cargo_target().join("release/examples/automl");
    cmd::run(&mut cmd::command(
        &example.to_string_lossy(),
        &["--write-sample", "diabetes", &path.to_string_lossy()],
    ))
}

/// Runs the bench.
pub fn automl(context: &Context) -> Result<bool> {
    let python = sklearn_python()?;
    cmd::run(&mut cmd::command(
        "cargo",
        &[
            "build",
            "--release",
            "-p",
            "azimuth-ml",
            "--example",
            "automl",
        ],
    ))?;
    let example = cmd::cargo_target().join("release/examples/automl");
    let example = example.to_string_lossy().into_owned();
    let dir = context.out_dir.join("automl");
    std::fs::create_dir_all(&dir)?;
    let table = dir.join("table.csv");
    let diabetes = dir.join("diabetes.csv");
    cmd::run(&mut cmd::command(
        &example,
        &["--make-table", &table.to_string_lossy(), "10000", "20"],
    ))?;
    cmd::run(&mut cmd::command(
        &example,
        &["--write-sample", "diabetes", &diabetes.to_string_lossy()],
    ))?;
    let script = cmd::root().join("xtask/bench/automl.py");
    let mut rows = Vec::new();
    let mut met = true;
    for (name, path, target) in [
        ("10,000 x 20 synthetic", &table, "label"),
        ("diabetes sample (1,000 rows)", &diabetes, "Diabetic"),
    ] {
        let ours = last_line(&run_captured(&mut cmd::command(
            &example,
            &[
                &path.to_string_lossy(),
                target,
                "--folds",
                "3",
                "--trials",
                "8",
            ],
        ))?)?;
        let mut sklearn = Command::new(&python);
        sklearn
            .arg(&script)
            .arg(path)
            .args([target, "--folds", "3"]);
        let theirs = last_line(&run_captured(&mut sklearn)?)?;
        let gap = theirs.auc - ours.auc;
        met &= gap <= MAX_AUC_GAP;
        if target == "label" {
            met &= ours.seconds <= MAX_SERVER_SECONDS;
        }
        rows.push(serde_json::json!({
            "table": name,
            "azimuth": {"seconds": ours.seconds, "best_auc_weighted": ours.auc, "best": ours.best},
            "scikit_learn": {"seconds": theirs.seconds, "best_auc_weighted": theirs.auc, "best": theirs.best},
            "auc_gap": gap,
        }));
        println!(
            "{name}: azimuth {:.2} s, best {} AUC_weighted {:.4} | scikit-learn {:.2} s, best {} {:.4} | gap {gap:+.4} (budget <= {MAX_AUC_GAP})",
            ours.seconds, ours.best, ours.auc, theirs.seconds, theirs.best, theirs.auc
        );
    }
    println!("the same sweeps in the studio's Web Worker (headless Chromium):");
    let site = crate::serve::serve_dir(&context.dist, "127.0.0.1:0")?;
    for (name, path, target, row) in [
        ("10,000 x 20 synthetic", &table, "label", 0),
        ("diabetes sample (1,000 rows)", &diabetes, "Diabetic", 1),
    ] {
        let out = dir.join(format!("browser-{target}.json"));
        let in_budget = crate::bench::run_node_bench(&[
            "xtask/bench/automl.mjs",
            &site.url(),
            "--csv",
            &path.to_string_lossy(),
            "--target",
            target,
            "--out",
            &out.to_string_lossy(),
        ])?;
        let browser: Value = serde_json::from_str(&std::fs::read_to_string(&out)?)?;
        let seconds = browser["median"].as_f64().unwrap_or(f64::NAN) / 1000.0;
        let native = rows[row]["azimuth"]["seconds"].as_f64().unwrap_or(f64::NAN);
        if target == "label" {
            met &= in_budget;
        }
        println!(
            "{name}: browser worker {seconds:.2} s ({:.1}x the server's), best {} AUC_weighted {:.4}, longest frame gap {:.0} ms{}",
            seconds / native,
            browser["best"].as_str().unwrap_or_default(),
            browser["auc_weighted"].as_f64().unwrap_or(f64::NAN),
            browser["longest_frame_gap_ms"].as_f64().unwrap_or(f64::NAN),
            if target == "label" { " (budget <= 60 s)" } else { "" },
        );
        rows[row]["browser_worker"] = browser;
    }
    drop(site);
    std::fs::write(
        context.out_dir.join("automl.json"),
        serde_json::to_string_pretty(&rows)?,
    )?;
    Ok(met)
}
