//! How a sweep validates its trials, as Azure's AutoML does: with no validation data, a 10%
//! holdout above 20,000 rows, else cross-validation (10 folds under 1,000 rows, 3 above); or
//! what the job asks: a train-validation split, k folds, or the user's validation rows. Folds
//! and splits are stratified (each keeps the classes' shares) and drawn from the sweep's seed.

use crate::random::Rng;
use serde::{Deserialize, Serialize};

/// Rows above which Auto holds out a share instead of cross-validating.
pub const HOLDOUT_ABOVE: usize = 20_000;
/// The share Auto holds out.
pub const AUTO_HOLDOUT: f64 = 0.1;

/// What the job asks for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "mode")]
pub enum Validation {
    /// Chosen by the data's size.
    Auto,
    /// A share of the rows held out (`validationDataSize`).
    Split {
        /// The share, in (0, 1).
        share: f64,
    },
    /// `folds`-fold cross-validation (`nCrossValidations`).
    KFold {
        /// Folds, 2 or more.
        folds: usize,
    },
    /// The rows from `first_validation_row` on are the user's validation data.
    User {
        /// The first row of the validation data (the training data's rows come first).
        first_validation_row: usize,
    },
}

/// A fold: rows a model learns from, rows it is scored on.
#[derive(Clone, Debug, PartialEq)]
pub struct Fold {
    /// Training rows.
    pub train: Vec<usize>,
    /// Validation rows.
    pub valid: Vec<usize>,
}

/// The folds a sweep scores every trial on, and what the guardrail says of them.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// The folds (one for a split).
    pub folds: Vec<Fold>,
    /// How the trials are validated, in a sentence ("Validation split handling").
    pub description: String,
}

/// The folds for `labels` (each row's class) under `validation`, or why there can be none.
pub fn plan(
    labels: &[usize],
    classes: usize,
    validation: &Validation,
    seed: u64,
) -> Result<Plan, String> {
    let rows = labels.len();
    let mut rng = Rng::new(seed ^ 0x5EED_F01D);
    match *validation {
        Validation::Auto if rows > HOLDOUT_ABOVE => Ok(Plan {
            folds: vec![holdout(labels, classes, AUTO_HOLDOUT, &mut rng)?],
            description: format!(
                "The data has {rows} rows, more than {HOLDOUT_ABOVE}: 10% of them were held out for validation."
            ),
        }),
        Validation::Auto => {
            let folds = if rows < 1_000 { 10 } else { 3 };
            let plan = k_fold(labels, classes, folds, &mut rng)?;
            Ok(Plan {
                folds: plan,
                description: format!(
                    "The data has {rows} rows, no more than {HOLDOUT_ABOVE}: {folds}-fold cross-validation was used."
                ),
            })
        }
        Validation::Split { share } => {
            if !(share > 0.0 && share < 1.0) {
                return Err(format!("The validation data size must be between 0 and 1, not {share}."));
            }
            Ok(Plan {
                folds: vec![holdout(labels, classes, share, &mut rng)?],
                description: format!(
                    "{}% of the rows were held out for validation, as the job asks.",
                    (share * 100.0).round()
                ),
            })
        }
        Validation::KFold { folds } => Ok(Plan {
            folds: k_fold(labels, classes, folds, &mut rng)?,
            description: format!("{folds}-fold cross-validation, as the job asks."),
        }),
        Validation::User {
            first_validation_row,
        } => {
            if first_validation_row == 0 || first_validation_row >= rows {
                return Err("The validation data and the training data must each have rows.".into());
            }
            Ok(Plan {
                folds: vec![Fold {
                    train: (0..first_validation_row).collect(),
                    valid: (first_validation_row..rows).collect(),
                }],
                description: format!(
                    "The job's validation data ({} rows) scored the trials.",
                    rows - first_validation_row
                ),
            })
        }
    }
}

/// Each class's rows, shuffled.
fn by_class(labels: &[usize], classes: usize, rng: &mut Rng) -> Vec<Vec<usize>> {
    let mut groups = vec![Vec::new(); classes];
    for (i, &y) in labels.iter().enumerate() {
        groups[y].push(i);
    }
    for group in &mut groups {
        rng.shuffle(group);
    }
    groups
}

/// Holds out `share` of each class's rows (`valid`: the rows held out), either side possibly
/// empty.
pub(crate) fn stratified(labels: &[usize], classes: usize, share: f64, rng: &mut Rng) -> Fold {
    let mut fold = Fold {
        train: Vec::new(),
        valid: Vec::new(),
    };
    for group in by_class(labels, classes, rng) {
        let held = ((group.len() as f64 * share).round() as usize).min(group.len());
        fold.valid.extend_from_slice(&group[..held]);
        fold.train.extend_from_slice(&group[held..]);
    }
    fold.train.sort_unstable();
    fold.valid.sort_unstable();
    fold
}

/// Holds out `share` of each class's rows for validation, leaving rows on both sides.
fn holdout(labels: &[usize], classes: usize, share: f64, rng: &mut Rng) -> Result<Fold, String> {
    let fold = stratified(labels, classes, share, rng);
    if fold.train.is_empty() || fold.valid.is_empty() {
        return Err(format!(
            "Holding out {}% of {} rows leaves no rows to {}: choose another validation size.",
            (share * 100.0).round(),
            labels.len(),
            if fold.valid.is_empty() {
                "validate on"
            } else {
                "train on"
            }
        ));
    }
    Ok(fold)
}

/// `k` folds, each class's rows dealt to them in turn.
fn k_fold(labels: &[usize], classes: usize, k: usize, rng: &mut Rng) -> Result<Vec<Fold>, String> {
    if k < 2 {
        return Err(format!("Cross-validation needs at least 2 folds, not {k}."));
    }
    if labels.len() < k {
        return Err(format!(
            "{k}-fold cross-validation needs at least {k} rows; the data has {}.",
            labels.len()
        ));
    }
    let mut member = vec![0usize; labels.len()];
    let mut next = 0;
    for group in by_class(labels, classes, rng) {
        for row in group {
            member[row] = next % k;
            next += 1;
        }
    }
    Ok((0..k)
        .map(|f| Fold {
            train: (0..labels.len()).filter(|i| member[*i] != f).collect(),
            valid: (0..labels.len()).filter(|i| member[*i] == f).collect(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_picks_by_size_and_folds_keep_the_class_shares() {
        let labels: Vec<usize> = (0..900).map(|i| usize::from(i % 3 == 0)).collect();
        let plan = plan(&labels, 2, &Validation::Auto, 1).unwrap();
        assert_eq!(plan.folds.len(), 10);
        let labels: Vec<usize> = (0..3000).map(|i| usize::from(i % 4 == 0)).collect();
        let three = super::plan(&labels, 2, &Validation::Auto, 1).unwrap();
        assert_eq!(three.folds.len(), 3);
        let mut seen = vec![0; labels.len()];
        for fold in &three.folds {
            assert_eq!(fold.train.len() + fold.valid.len(), labels.len());
            let positives = fold.valid.iter().filter(|i| labels[**i] == 1).count();
            assert!((249..=251).contains(&positives), "{positives}");
            for i in &fold.valid {
                seen[*i] += 1;
            }
        }
        assert!(seen.iter().all(|s| *s == 1), "every row validated once");
        let big: Vec<usize> = (0..20_001).map(|i| i % 2).collect();
        let held = super::plan(&big, 2, &Validation::Auto, 1).unwrap();
        assert_eq!(held.folds.len(), 1);
        assert_eq!(held.folds[0].valid.len(), 2000);
        assert!(held.description.contains("10%"));
    }

    #[test]
    fn what_the_job_asks_is_done_or_refused_clearly() {
        let labels: Vec<usize> = (0..100).map(|i| i % 2).collect();
        let split = plan(&labels, 2, &Validation::Split { share: 0.2 }, 3).unwrap();
        assert_eq!(split.folds[0].valid.len(), 20);
        assert_eq!(
            plan(&labels, 2, &Validation::KFold { folds: 5 }, 3)
                .unwrap()
                .folds
                .len(),
            5
        );
        let user = plan(
            &labels,
            2,
            &Validation::User {
                first_validation_row: 80,
            },
            3,
        )
        .unwrap();
        assert_eq!(user.folds[0].valid, (80..100).collect::<Vec<_>>());
        assert!(plan(&labels, 2, &Validation::KFold { folds: 1 }, 3)
            .unwrap_err()
            .contains("at least 2"));
        assert!(plan(&labels, 2, &Validation::Split { share: 1.5 }, 3)
            .unwrap_err()
            .contains("between 0 and 1"));
        let tiny = plan(&labels, 2, &Validation::Split { share: 0.001 }, 3);
        assert!(tiny.unwrap_err().contains("no rows to validate on"));
        assert_eq!(
            plan(&labels, 2, &Validation::KFold { folds: 5 }, 3),
            plan(&labels, 2, &Validation::KFold { folds: 5 }, 3)
        );
    }
}
