//! Runs an AutoML sweep natively and prints each trial as a JSON line, for `cargo xtask bench`:
//!
//!     automl <file.csv> <target> [--folds K] [--trials N] [--seed S]
//!     automl --make-table <file.csv> <rows> <features> [--seed S]
//!     automl --write-sample <name> <file.csv>
//!
//! The second form writes the bench's synthetic table: numeric features (some informative,
//! some noise, a few values missing), two categorical ones, and a class that follows a
//! non-linear score of them with noise.

use azimuth_core::data::preview::{preview, Format};
use azimuth_ml::featurize::Frame;
use azimuth_ml::random::Rng;
use azimuth_ml::sweep::{Settings, Sweep, Trial};
use azimuth_ml::validate::Validation;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let option = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .map(|v| v.parse::<u64>().expect("a number"))
    };
    let seed = option("--seed").unwrap_or(42);
    if args.first().map(String::as_str) == Some("--make-table") {
        let rows = args[2].parse().expect("rows");
        let features = args[3].parse().expect("features");
        std::fs::write(&args[1], make_table(rows, features, seed)).expect("written");
        return;
    }
    if args.first().map(String::as_str) == Some("--write-sample") {
        let text = azimuth_core::data::samples::sample_csv(&args[1]).expect("a sample's name");
        std::fs::write(&args[2], text).expect("written");
        return;
    }
    let text = std::fs::read(&args[0]).expect("the table");
    let format = Format::Delimited {
        delimiter: b',',
        header: true,
    };
    let started = Instant::now();
    let table = preview(&text, true, format, usize::MAX).expect("a CSV");
    let frame = Frame::from_text(table.columns, table.rows);
    let mut settings = Settings::new(&args[1], option("--trials").unwrap_or(8) as usize);
    settings.validation = Validation::KFold {
        folds: option("--folds").unwrap_or(3) as usize,
    };
    settings.seed = seed;
    settings.early_termination = false;
    let mut sweep = Sweep::new(frame, settings).expect("a sweep");
    println!(
        "{{\"prepared_seconds\": {:.3}}}",
        started.elapsed().as_secs_f64()
    );
    while let Some(params) = sweep.next_trial() {
        let at = Instant::now();
        let trial = sweep.run(params);
        print_trial(trial, at);
    }
    let at = Instant::now();
    if let Some(trial) = sweep.ensemble() {
        print_trial(trial, at);
    }
    let best = sweep.best().expect("a trial");
    println!(
        "{{\"best\": \"{}\", \"AUC_weighted\": {:.6}, \"total_seconds\": {:.3}}}",
        best.algorithm,
        best.primary,
        started.elapsed().as_secs_f64()
    );
}

/// A trial's line: its algorithm, primary metric, accuracy and time since `at`.
fn print_trial(trial: &Trial, at: Instant) {
    println!(
        "{{\"algorithm\": \"{}\", \"AUC_weighted\": {:.6}, \"accuracy\": {:.6}, \"seconds\": {:.3}}}",
        trial.algorithm,
        trial.primary,
        trial.metric("accuracy").unwrap_or(f64::NAN),
        at.elapsed().as_secs_f64()
    );
}

/// The bench's synthetic classification table, as CSV.
fn make_table(rows: usize, features: usize, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::new();
    let names: Vec<String> = (0..features).map(|j| format!("x{j}")).collect();
    out.push_str(&names.join(","));
    out.push_str(",colour,size,label\n");
    let colours = ["red", "green", "blue", "amber"];
    let sizes = ["S", "M", "L"];
    for _ in 0..rows {
        let x: Vec<f64> = (0..features).map(|_| rng.unit() * 2.0 - 1.0).collect();
        let colour = rng.below(colours.len());
        let size = rng.below(sizes.len());
        // Informative: the first 8 features, non-linearly; the rest are noise.
        let score = 1.5 * x[0] - 1.2 * x[1]
            + x[2] * x[3] * 2.0
            + (x[4] * 3.0).sin()
            + if x[5] > 0.3 { 0.8 } else { -0.4 }
            + 0.6 * x[6] * x[6]
            - 0.5 * x[7].abs()
            + [0.5, -0.3, 0.0, 0.4][colour]
            + [-0.2, 0.0, 0.3][size]
            + (rng.unit() - 0.5) * 1.5;
        let cells: Vec<String> = x
            .iter()
            .map(|v| {
                if rng.unit() < 0.01 {
                    String::new()
                } else {
                    format!("{v:.4}")
                }
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push_str(&format!(
            ",{},{},{}\n",
            colours[colour],
            sizes[size],
            u8::from(score > 0.3)
        ));
    }
    out
}
