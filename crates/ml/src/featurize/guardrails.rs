//! The data guardrails of a training run, as the studio's "Data guardrails" tab shows them.

use super::{imputer, Encoding, Featurizer, Frame, Plan, Step, Target, HASH_BUCKETS};
use serde::{Deserialize, Serialize};

/// A guardrail's outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum GuardrailState {
    /// Nothing to fix.
    Passed,
    /// A problem was found and handled.
    Done,
    /// A problem was found that the user should look at.
    Alerted,
}

/// One row of the "Data guardrails" tab.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Guardrail {
    /// The check's name.
    pub name: String,
    /// Its outcome.
    pub state: GuardrailState,
    /// What was found, in a sentence or two.
    pub description: String,
    /// One line per class or column concerned.
    pub details: Vec<String>,
}

/// A guardrail: `found`'s state and description when something was found, else Passed.
fn rail(
    name: &str,
    found: Option<(GuardrailState, String)>,
    passed: &str,
    details: Vec<String>,
) -> Guardrail {
    let (state, description) = found.unwrap_or((GuardrailState::Passed, passed.to_string()));
    let name = name.to_string();
    Guardrail {
        name,
        state,
        description,
        details,
    }
}

/// The data guardrails of a training run over `rows` (all but "Validation split handling").
pub fn guardrails(
    featurizer: &Featurizer,
    frame: &Frame,
    rows: &[usize],
    target: &Target,
) -> Vec<Guardrail> {
    let steps = &featurizer.steps;
    vec![
        class_balance(rows, target),
        missing_values(steps, frame, rows),
        high_cardinality(steps),
    ]
}

/// Alerted when the smallest class has fewer than a fifth of the largest's rows.
fn class_balance(rows: &[usize], target: &Target) -> Guardrail {
    let mut counts = vec![0usize; target.classes.len()];
    for &i in rows {
        counts[target.labels[i]] += 1;
    }
    let details = target.classes.iter().zip(&counts);
    let details = details.map(|(c, n)| format!("{c}: {n} rows")).collect();
    let least = counts.iter().min().copied().unwrap_or(0);
    let most = counts.iter().max().copied().unwrap_or(0);
    let found = (least * 5 < most).then(|| (GuardrailState::Alerted, format!(
        "Imbalanced classes were detected: the smallest class has {least} rows, {}% of the largest's {most}. A model may favor the larger classes: add rows of the smaller ones, or judge models by a metric that weighs classes evenly, such as AUC weighted.",
        least * 100 / most
    )));
    let passed = "Your inputs were analyzed, and all classes are balanced in your training data.";
    rail("Class balancing detection", found, passed, details)
}

/// Done when a kept column has missing values in the rows: how many, and what fills them.
fn missing_values(steps: &[Step], frame: &Frame, rows: &[usize]) -> Guardrail {
    let mut details = Vec::new();
    for Step { name, plan } in steps {
        let how = match plan {
            Plan::Numeric {
                impute: Some((impute, _)),
                ..
            } => imputer(*impute).1.to_string(),
            Plan::Categorical { fill, .. } => format!("the most frequent value, '{fill}'"),
            _ => continue,
        };
        let Some(column) = frame.column(name).map(|j| &frame.columns[j]) else {
            continue;
        };
        let missing = rows.iter().filter(|&&i| column.text(i).is_none()).count();
        if missing > 0 {
            let total = rows.len();
            details.push(format!(
                "{name}: {missing} missing of {total} rows, imputed with {how}"
            ));
        }
    }
    let done = "Missing feature values were detected in the training data and imputed.";
    let found = (!details.is_empty()).then(|| (GuardrailState::Done, done.to_string()));
    let passed = "No missing feature values were detected in the training data.";
    rail("Missing feature values imputation", found, passed, details)
}

/// Done when a column was hashed or dropped as an identifier.
fn high_cardinality(steps: &[Step]) -> Guardrail {
    let mut details = Vec::new();
    for Step { name, plan } in steps {
        match plan {
            Plan::Categorical { encoding: Encoding::Hashed { distinct }, .. } => details.push(format!(
                "{name}: {distinct} distinct values, hashed into {HASH_BUCKETS} columns (HashOneHotEncoder)"
            )),
            Plan::Dropped { identifier: true, .. } => {
                details.push(format!("{name}: every value is different, dropped as an identifier"))
            }
            _ => {}
        }
    }
    let done = "High-cardinality features were detected in your inputs and handled.";
    let found = (!details.is_empty()).then(|| (GuardrailState::Done, done.to_string()));
    let passed = "Your inputs were analyzed, and no high-cardinality features were detected.";
    rail("High cardinality feature detection", found, passed, details)
}
