//! The same rows and seed give the same leaderboard wherever the engine runs: this native run
//! of a sweep is held to `fixtures/automl/leaderboard.json`, which the browser's component
//! tests (tests/components/training.rs, in wasm) hold their run to as well, within 1e-6.
//! `AZIMUTH_BLESS=1 cargo test -p azimuth-core --test automl_leaderboard` writes the file anew
//! after a deliberate change to the engine.

use azimuth_core::jobs::automl::fixture::{check_same_leaderboard, fixture_leaderboard};
use serde_json::Value;

const EXPECTED: &str = "tests/fixtures/automl/leaderboard.json";

#[test]
fn a_sweep_gives_the_leaderboard_the_fixture_holds() {
    let got = fixture_leaderboard(include_bytes!("fixtures/automl/rows.csv")).unwrap();
    if std::env::var_os("AZIMUTH_BLESS").is_some() {
        std::fs::write(EXPECTED, serde_json::to_string_pretty(&got).unwrap() + "\n").unwrap();
    }
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(EXPECTED).unwrap()).unwrap();
    check_same_leaderboard(&got, &expected, 1e-9).unwrap();
    let trials = got["trials"].as_array().unwrap();
    let algorithms: std::collections::BTreeSet<&str> = trials
        .iter()
        .map(|t| t["algorithm"].as_str().unwrap())
        .filter(|a| *a != "VotingEnsemble")
        .collect();
    assert_eq!(
        algorithms.len(),
        8,
        "every algorithm is tried: {algorithms:?}"
    );
    // Last, the best model's test on the fifth of the rows no trial saw.
    let test = trials.last().unwrap();
    assert_eq!(
        test["child"],
        format!("{}_test", got["best"].as_str().unwrap())
    );
    let rows = test["params"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["key"] == "test_rows");
    assert_eq!(rows.unwrap()["value"], "72");
}
