//! Test data, as Azure's AutoML takes it: a share of the training rows held out before the
//! sweep (`testDataSize`, each class keeping its share) or the job's own test rows
//! (`testData`). No trial sees them; the best model, trained on every other row, is scored on
//! them once at the end.

use crate::featurize::{Frame, Guardrail, GuardrailState, Target};
use crate::random::Rng;
use crate::validate::stratified;
use crate::Probabilities;
use serde::{Deserialize, Serialize};

/// What a job tests its best model on.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "mode")]
pub enum TestData {
    /// No test.
    #[default]
    None,
    /// A share of the training rows, held out (`testDataSize`).
    Split {
        /// The share, in (0, 1).
        share: f64,
    },
    /// The rows from `first_test_row` on are the job's test data (they come after the
    /// training rows and any validation rows).
    User {
        /// The first row of the test data.
        first_test_row: usize,
    },
}

/// The rows set aside for the test: their features' columns and their classes.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct TestSet {
    /// The rows, every column but the target.
    pub frame: Frame,
    /// Each row's class, an index into the target's classes.
    pub labels: Vec<usize>,
    /// The guardrail that says how they were set aside.
    pub guardrail: Guardrail,
}

/// The best model scored on the test rows.
#[derive(Clone, Debug, PartialEq)]
pub struct Tested {
    /// Every metric under Azure's names.
    pub metrics: Vec<(&'static str, f64)>,
    /// The primary metric.
    pub primary: f64,
    /// Each test row's class.
    pub truth: Vec<usize>,
    /// Each test row's class probabilities.
    pub probabilities: Probabilities,
}

/// The frame and target (both without the target's missing rows) split into the rows the sweep
/// trains and validates on and the test rows `asked` names, with the guardrail that says so.
/// A share is drawn only from the first `splittable` rows (the training rows: never the job's
/// validation rows).
pub(crate) fn set_aside(
    frame: Frame,
    mut target: Target,
    asked: &TestData,
    splittable: usize,
    seed: u64,
) -> Result<(Frame, Target, Option<TestSet>), String> {
    let rows = target.labels.len();
    let (test, description) = match *asked {
        TestData::None => return Ok((frame, target, None)),
        TestData::Split { share } => {
            if !(share > 0.0 && share < 1.0) {
                return Err(format!(
                    "The test data size must be between 0 and 1, not {share}."
                ));
            }
            let mut rng = Rng::new(seed ^ 0x7E57_DA7A);
            let held = stratified(
                &target.labels[..splittable],
                target.classes.len(),
                share,
                &mut rng,
            );
            let percent = (share * 100.0).round();
            if held.valid.is_empty() || held.train.is_empty() {
                return Err(format!(
                    "Holding out {percent}% of {splittable} training rows for the test leaves no rows to {}: choose another test data size.",
                    if held.valid.is_empty() { "test on" } else { "train on" }
                ));
            }
            let description = format!(
                "{percent}% of the training rows ({}) were held out to test the best model; no trial saw them.",
                held.valid.len()
            );
            (held.valid, description)
        }
        TestData::User { first_test_row } => {
            let first = target.kept.partition_point(|&i| i < first_test_row);
            if first == 0 || first >= rows {
                return Err("The test data has no rows with a value to predict.".into());
            }
            let description = format!(
                "The job's test data ({} rows) tests the best model; no trial saw them.",
                rows - first
            );
            ((first..rows).collect(), description)
        }
    };
    let mut is_test = vec![false; rows];
    test.iter().for_each(|&i| is_test[i] = true);
    let train: Vec<usize> = (0..rows).filter(|&i| !is_test[i]).collect();
    let set = TestSet {
        frame: frame.keep_rows(&test),
        labels: test.iter().map(|&i| target.labels[i]).collect(),
        guardrail: Guardrail {
            name: "Train-test data split".into(),
            state: GuardrailState::Done,
            description,
            details: Vec::new(),
        },
    };
    target.labels = train.iter().map(|&i| target.labels[i]).collect();
    target.kept = train.iter().map(|&i| target.kept[i]).collect();
    let mut seen = vec![false; target.classes.len()];
    target.labels.iter().for_each(|&c| seen[c] = true);
    if let Some(missing) = seen.iter().position(|s| !s) {
        return Err(format!(
            "The class '{}' of '{}' is only in the test data: the models cannot learn a class no training row has. Add training rows of it, or leave those rows out of the test data.",
            target.classes[missing], target.name
        ));
    }
    Ok((frame.keep_rows(&train), target, Some(set)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::featurize::split_target;

    fn frame(rows: usize) -> Frame {
        let names = vec!["x".to_owned(), "y".to_owned()];
        let rows = (0..rows)
            .map(|i| vec![i.to_string(), ["a", "b", "c"][i % 3].to_owned()])
            .collect();
        Frame::from_text(names, rows)
    }

    #[test]
    fn a_share_is_held_out_by_class_and_the_rest_trains() {
        let (f, t, _) = split_target(frame(90), "y", None).unwrap();
        let asked = TestData::Split { share: 0.2 };
        let (f, t, test) = set_aside(f, t, &asked, 90, 1).unwrap();
        let set = test.unwrap();
        assert_eq!((f.rows(), t.labels.len(), set.labels.len()), (72, 72, 18));
        for class in 0..3 {
            assert_eq!(set.labels.iter().filter(|c| **c == class).count(), 6);
        }
        let rail = &set.guardrail.description;
        assert!(rail.contains("20%"), "{rail}");
        let again = split_target(frame(90), "y", None).unwrap();
        let (_, t2, _) = set_aside(again.0, again.1, &asked, 90, 1).unwrap();
        assert_eq!(t2.kept, t.kept, "the same seed holds out the same rows");
    }

    #[test]
    fn the_jobs_test_rows_come_last_and_unknown_classes_are_refused() {
        let (f, t, _) = split_target(frame(30), "y", None).unwrap();
        let asked = TestData::User { first_test_row: 24 };
        let (f, _, test) = set_aside(f, t, &asked, 24, 1).unwrap();
        assert_eq!((f.rows(), test.unwrap().frame.rows()), (24, 6));
        let mut only_test = frame(30);
        let text = |s: &str| Some(s.to_owned());
        if let crate::featurize::Column::Categorical(y) = &mut only_test.columns[1] {
            y[29] = text("z");
        }
        let (f, t, _) = split_target(only_test, "y", None).unwrap();
        let refused = set_aside(f, t, &asked, 24, 1).unwrap_err();
        assert!(refused.contains("'z'") && refused.contains("only in the test data"));
        let (f, t, _) = split_target(frame(30), "y", None).unwrap();
        let none = set_aside(f, t, &TestData::User { first_test_row: 30 }, 30, 1);
        assert!(none.unwrap_err().contains("no rows"));
        let (f, t, _) = split_target(frame(30), "y", None).unwrap();
        let big = set_aside(f, t, &TestData::Split { share: 1.5 }, 30, 1);
        assert!(big.unwrap_err().contains("between 0 and 1"));
    }
}
