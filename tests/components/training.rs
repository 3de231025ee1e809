//! The training engine in wasm gives the leaderboard the native engine gives: the same trials
//! in the same order, with metrics within 1e-6 of the committed native run
//! (crates/core/tests/fixtures/automl/leaderboard.json).

use azimuth_core::jobs::automl::fixture::{check_same_leaderboard, fixture_leaderboard};
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
fn the_wasm_engine_gives_the_native_leaderboard() {
    let got = fixture_leaderboard(include_bytes!(
        "../../crates/core/tests/fixtures/automl/rows.csv"
    ))
    .unwrap();
    let expected: serde_json::Value = serde_json::from_str(include_str!(
        "../../crates/core/tests/fixtures/automl/leaderboard.json"
    ))
    .unwrap();
    check_same_leaderboard(&got, &expected, 1e-6).unwrap();
}
