//! A table's columns made into features the way Azure ML's AutoML featurizes tabular
//! classification data: types inferred from the text, the target split off, identifier-like,
//! constant and empty columns dropped, numbers imputed and standardized, categories imputed and
//! one-hot (or, past [`ONE_HOT_MAX`] values, hash one-hot) encoded, all learned from the
//! training rows only and saved with the model to score new rows. [`guardrails`] reports what
//! was found as the studio's "Data guardrails" tab.

mod frame;
mod guardrails;
mod target;

pub use frame::{Column, Frame};
pub use guardrails::{guardrails, Guardrail, GuardrailState};
pub use target::{split_target, Target, MAX_CLASSES};

use crate::Features;
use frame::number;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Display;

/// The most distinct values a categorical column may have to be one-hot encoded.
pub const ONE_HOT_MAX: usize = 30;
/// The columns a hashed categorical column becomes.
pub const HASH_BUCKETS: usize = 32;
/// Why a column set to Ignore is dropped.
const IGNORED: &str = "it is set to Ignore in the featurization settings";
/// The transformers that can be blocked (Azure's names).
const BLOCKABLE: [&str; 2] = ["OneHotEncoder", "HashOneHotEncoder"];

/// How columns are featurized.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Mode {
    /// Azure's defaults.
    #[default]
    Auto,
    /// No featurization: every column must already be a complete number.
    Off,
    /// The defaults with the settings' column types and imputers.
    Custom,
}

/// A column's type set by hand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Kind {
    /// Numbers.
    Numeric,
    /// Categories.
    Categorical,
    /// Not a feature.
    Ignore,
}

/// What fills a missing value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Impute {
    /// The training rows' mean.
    Mean,
    /// The training rows' median.
    Median,
    /// The training rows' most frequent value.
    MostFrequent,
}

impl Impute {
    /// The imputer's name as messages write it (`Debug` prints nothing in the release build).
    pub fn name(self) -> &'static str {
        match self {
            Self::Mean => "Mean",
            Self::Median => "Median",
            Self::MostFrequent => "MostFrequent",
        }
    }
}

/// Featurization settings, as an AutoML job's `featurization` section.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    /// Auto, Off or Custom.
    pub mode: Mode,
    /// Column types by column name (Custom; Off honors Ignore).
    pub column_types: BTreeMap<String, Kind>,
    /// Imputers by column name (Custom).
    pub imputers: BTreeMap<String, Impute>,
    /// Transformers not to use: "OneHotEncoder", "HashOneHotEncoder".
    pub blocked: Vec<String>,
}

/// How one column becomes features, learned by [`Featurizer::fit`] (externally tagged: model
/// files are postcard, which reads no internally tagged enums).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
enum Plan {
    Dropped {
        reason: String,
        identifier: bool,
    },
    Numeric {
        impute: Option<(Impute, f64)>,
        scaler: Option<(f64, f64)>,
    },
    Categorical {
        fill: String,
        encoding: Encoding,
    },
}

/// How categories become columns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
enum Encoding {
    OneHot(Vec<String>),
    Hashed { distinct: usize },
}

/// A column and its plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Step {
    name: String,
    plan: Plan,
}

/// A fitted featurization, saved with the model to score new rows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Featurizer {
    steps: Vec<Step>,
}

/// One column in AutoML's featurization summary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ColumnPlan {
    /// The column's name.
    pub column: String,
    /// "Numeric", "Categorical" or "Dropped".
    pub detected: String,
    /// The transformers applied, in order.
    pub transformations: Vec<String>,
    /// Why the column was dropped.
    pub reason: Option<String>,
}

/// A dropped column's plan.
fn dropped(reason: &str, identifier: bool) -> Plan {
    let reason = reason.to_string();
    Plan::Dropped { reason, identifier }
}

/// Sorted values as (value, count) runs.
fn runs<T: PartialEq>(sorted: Vec<T>) -> Vec<(T, usize)> {
    let mut runs: Vec<(T, usize)> = Vec::new();
    for v in sorted {
        match runs.last_mut() {
            Some((last, count)) if *last == v => *count += 1,
            _ => runs.push((v, 1)),
        }
    }
    runs
}

/// The most frequent value of runs (not empty): the smallest on a tie.
fn most_frequent<T: Clone>(runs: &[(T, usize)]) -> T {
    let most = runs
        .iter()
        .fold(&runs[0], |m, r| if r.1 > m.1 { r } else { m });
    most.0.clone()
}

/// The plan of a column dropped for its values in the training rows, if it is: no value, a
/// single value, or (when `identifier` may be) a different value in every row.
fn drop_check<T: Display>(runs: &[(T, usize)], identifier: bool) -> Option<Plan> {
    let present: usize = runs.iter().map(|r| r.1).sum();
    match runs {
        [] => Some(dropped("it has no values in the training rows", false)),
        [(only, _)] => Some(dropped(
            &format!("it is constant: {only} in every row that has a value"),
            false,
        )),
        _ if identifier && runs.len() == present => Some(dropped(
            "every value is different, as in an identifier",
            true,
        )),
        _ => None,
    }
}

/// The mean of `values` (not empty).
fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// The plan for a numeric column: imputed, then standardized.
fn plan_numeric(column: &Column, rows: &[usize], explicit: bool, impute: Impute) -> Plan {
    let mut values: Vec<f64> = rows.iter().filter_map(|&i| column.number(i)).collect();
    values.sort_by(f64::total_cmp);
    let whole = values.iter().all(|v| v.fract() == 0.0);
    let counts = runs(values.iter().map(|v| v + 0.0).collect());
    if let Some(plan) = drop_check(&counts, !explicit && whole && rows.len() > 20) {
        return plan;
    }
    let n = values.len();
    let fill = match impute {
        Impute::Mean => mean(&values),
        Impute::Median if n % 2 == 1 => values[n / 2],
        Impute::Median => (values[n / 2 - 1] + values[n / 2]) / 2.0,
        Impute::MostFrequent => most_frequent(&counts),
    };
    let imputed: Vec<f64> = rows
        .iter()
        .map(|&i| column.number(i).unwrap_or(fill))
        .collect();
    let center = mean(&imputed);
    let squares: Vec<f64> = imputed
        .iter()
        .map(|v| (v - center) * (v - center))
        .collect();
    let deviation = mean(&squares).sqrt();
    let scale = if deviation > 0.0 { deviation } else { 1.0 };
    let (impute, scaler) = (Some((impute, fill)), Some((center, scale)));
    Plan::Numeric { impute, scaler }
}

/// The plan for a categorical column: imputed, then one-hot or hash one-hot encoded.
fn plan_categorical(
    column: &Column,
    rows: &[usize],
    explicit: bool,
    blocked: (bool, bool),
) -> Plan {
    let mut texts: Vec<String> = rows.iter().filter_map(|&i| column.text(i)).collect();
    texts.sort();
    let counts = runs(texts);
    if let Some(plan) = drop_check(&counts, !explicit) {
        return plan;
    }
    let fill = most_frequent(&counts);
    let encoding = match (counts.len() <= ONE_HOT_MAX, blocked) {
        (_, (true, true)) => {
            return dropped("OneHotEncoder and HashOneHotEncoder are both blocked, so categories cannot be encoded: unblock one to use this column", false)
        }
        (true, (false, _)) | (false, (false, true)) => Encoding::OneHot(counts.into_iter().map(|r| r.0).collect()),
        _ => Encoding::Hashed { distinct: counts.len() },
    };
    Plan::Categorical { fill, encoding }
}

/// The plan for a column when featurization is off.
fn plan_off(column: &Column, ignore: bool) -> Result<Plan, String> {
    let missing = (0..column.len()).filter(|&i| column.text(i).is_none());
    let missing = missing.count();
    match column {
        _ if ignore => Ok(dropped(IGNORED, false)),
        Column::Categorical(_) => Err("holds text, and featurization is off: turn featurization on (Auto) to encode it, or set the column to Ignore.".to_string()),
        Column::Numeric(_) if missing > 0 => Err(format!(
            "has {missing} missing values, and featurization is off: turn featurization on (Auto) to impute them, or fill them in the data."
        )),
        Column::Numeric(_) => Ok(Plan::Numeric { impute: None, scaler: None }),
    }
}

/// Refuses settings that name unknown columns or transformers.
fn check_settings(frame: &Frame, settings: &Settings) -> Result<(), String> {
    for name in &settings.blocked {
        if !BLOCKABLE.contains(&name.as_str()) {
            return Err(format!("'{name}' is not a transformer that can be blocked here: only OneHotEncoder and HashOneHotEncoder can be."));
        }
    }
    if settings.mode == Mode::Auto {
        return Ok(());
    }
    let named = settings.column_types.keys().chain(settings.imputers.keys());
    if let Some(name) = named.into_iter().find(|n| frame.column(n).is_none()) {
        return Err(format!(
            "The featurization settings name '{name}', which is not a feature column (they are {}): remove it from the settings.",
            frame.names.join(", ")
        ));
    }
    Ok(())
}

impl Featurizer {
    /// Learns how to featurize `frame`'s columns from its training `rows`.
    pub fn fit(frame: &Frame, rows: &[usize], settings: &Settings) -> Result<Featurizer, String> {
        check_settings(frame, settings)?;
        let is_blocked = |t: &str| settings.blocked.iter().any(|b| b == t);
        let blocked = (is_blocked(BLOCKABLE[0]), is_blocked(BLOCKABLE[1]));
        let mut steps = Vec::new();
        for (name, column) in frame.names.iter().zip(&frame.columns) {
            let kind = settings.column_types.get(name).copied();
            let impute = settings.imputers.get(name).copied();
            let plan = match settings.mode {
                Mode::Off => plan_off(column, kind == Some(Kind::Ignore)),
                Mode::Auto => Self::plan(column, rows, (None, None), blocked),
                Mode::Custom => Self::plan(column, rows, (kind, impute), blocked),
            };
            let plan = plan.map_err(|e| format!("'{name}' {e}"))?;
            let name = name.clone();
            steps.push(Step { name, plan });
        }
        Ok(Featurizer { steps })
    }

    /// A column's plan in Auto or Custom mode.
    fn plan(
        column: &Column,
        rows: &[usize],
        (kind, impute): (Option<Kind>, Option<Impute>),
        blocked: (bool, bool),
    ) -> Result<Plan, String> {
        let numeric = match kind {
            Some(Kind::Ignore) => return Ok(dropped(IGNORED, false)),
            Some(k) => k == Kind::Numeric,
            None => matches!(column, Column::Numeric(_)),
        };
        if let (Some(Kind::Numeric), Column::Categorical(values)) = (kind, column) {
            if let Some(text) = values.iter().flatten().find(|t| number(t).is_none()) {
                return Err(format!("is set to Numeric, but it holds '{text}', which is not a number: set it to Categorical, or fix the value."));
            }
        }
        match impute {
            _ if numeric => Ok(plan_numeric(column, rows, kind.is_some(), impute.unwrap_or(Impute::Mean))),
            None | Some(Impute::MostFrequent) => Ok(plan_categorical(column, rows, kind.is_some(), blocked)),
            Some(other) => Err(format!("is categorical, so it can only be imputed with its most frequent value (MostFrequent), not {}.", other.name())),
        }
    }

    /// The features of `frame`'s `rows` (columns found by name; a missing column is missing).
    pub fn transform(&self, frame: &Frame, rows: &[usize]) -> Features {
        let sources: Vec<Option<&Column>> = self
            .steps
            .iter()
            .map(|s| frame.column(&s.name).map(|j| &frame.columns[j]))
            .collect();
        let cols = self.feature_names().len();
        let mut values = Vec::with_capacity(rows.len() * cols);
        for &i in rows {
            for (step, source) in self.steps.iter().zip(&sources) {
                step.plan.push(*source, i, &mut values);
            }
        }
        Features {
            rows: rows.len(),
            cols,
            values,
        }
    }

    /// The features of one request's values, given by column name.
    pub fn transform_row(
        &self,
        names: &[String],
        values: &[Option<String>],
    ) -> Result<Vec<f64>, String> {
        let cells = (0..names.len())
            .map(|j| values.get(j).cloned().flatten().unwrap_or_default())
            .collect();
        let frame = Frame::from_text(names.to_vec(), vec![cells]);
        self.check_request(&frame, false)?;
        Ok(self.transform(&frame, &[0]).values)
    }

    /// The columns a request must give (every column not dropped), in order.
    pub fn inputs(&self) -> Vec<&str> {
        self.steps
            .iter()
            .filter(|s| !matches!(s.plan, Plan::Dropped { .. }))
            .map(|s| s.name.as_str())
            .collect()
    }

    /// Why a request's rows cannot be scored, if they cannot: a column the model needs is
    /// missing (when `whole`: a request must name every input), a number is not one, or a
    /// value is missing where the model imputes nothing.
    pub fn check_request(&self, frame: &Frame, whole: bool) -> Result<(), String> {
        for step in &self.steps {
            let column = frame.column(&step.name).map(|j| &frame.columns[j]);
            if column.is_none() && whole && !matches!(step.plan, Plan::Dropped { .. }) {
                return Err(format!(
                    "The request has no column '{}'; the model takes {}.",
                    step.name,
                    self.inputs().join(", ")
                ));
            }
            let Plan::Numeric { impute, .. } = &step.plan else {
                continue;
            };
            if let Some(Column::Categorical(cells)) = column {
                if let Some((i, text)) = cells
                    .iter()
                    .enumerate()
                    .find_map(|(i, c)| c.as_ref().filter(|t| number(t).is_none()).map(|t| (i, t)))
                {
                    let row = if frame.rows() > 1 {
                        format!("row {i} has")
                    } else {
                        "the request has".into()
                    };
                    return Err(format!(
                        "'{}' needs a number, but {row} '{text}'.",
                        step.name
                    ));
                }
            }
            if impute.is_none() {
                if let Some(i) =
                    (0..frame.rows()).find(|&i| column.and_then(|c| c.number(i)).is_none())
                {
                    let row = if frame.rows() > 1 {
                        format!(" in row {i}")
                    } else {
                        String::new()
                    };
                    return Err(format!("'{}' has no value{row}, and the model was trained with featurization off, which does not impute: send a number for it.", step.name));
                }
            }
        }
        Ok(())
    }

    /// The features' names, e.g. "Age", "Gender_Female", "City_hash_7".
    pub fn feature_names(&self) -> Vec<String> {
        let mut names = Vec::new();
        for Step { name, plan } in &self.steps {
            match plan {
                Plan::Dropped { .. } => {}
                Plan::Numeric { .. } => names.push(name.clone()),
                Plan::Categorical {
                    encoding: Encoding::OneHot(values),
                    ..
                } => names.extend(values.iter().map(|v| format!("{name}_{v}"))),
                Plan::Categorical { .. } => {
                    names.extend((0..HASH_BUCKETS).map(|b| format!("{name}_hash_{b}")))
                }
            }
        }
        names
    }

    /// AutoML's featurization summary: each column, its type and its transformers.
    pub fn report(&self) -> Vec<ColumnPlan> {
        self.steps.iter().map(|s| s.plan.summary(&s.name)).collect()
    }
}

/// FNV-1a 64 over `text`'s UTF-8 bytes, as a bucket.
fn bucket(text: &str) -> usize {
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    (hash % HASH_BUCKETS as u64) as usize
}

impl Plan {
    /// Appends row `i`'s features from `source` (a NaN for a missing number with nothing to
    /// impute it, which fit refuses when featurization is off).
    fn push(&self, source: Option<&Column>, i: usize, out: &mut Vec<f64>) {
        match self {
            Plan::Dropped { .. } => {}
            Plan::Numeric { impute, scaler } => {
                let value = source
                    .and_then(|c| c.number(i))
                    .or(impute.map(|(_, fill)| fill))
                    .unwrap_or(f64::NAN);
                let (center, scale) = scaler.unwrap_or((0.0, 1.0));
                out.push((value - center) / scale);
            }
            Plan::Categorical { fill, encoding } => {
                let text = source.and_then(|c| c.text(i));
                let text = text.unwrap_or_else(|| fill.clone());
                match encoding {
                    Encoding::OneHot(values) => {
                        out.extend(values.iter().map(|v| if *v == text { 1.0 } else { 0.0 }))
                    }
                    Encoding::Hashed { .. } => {
                        let hit = bucket(&text);
                        out.extend((0..HASH_BUCKETS).map(|b| if b == hit { 1.0 } else { 0.0 }));
                    }
                }
            }
        }
    }

    /// The plan as a line of the featurization summary.
    fn summary(&self, column: &str) -> ColumnPlan {
        let (detected, transformations, reason) = match self {
            Plan::Dropped { reason, .. } => ("Dropped", vec![], Some(reason.clone())),
            Plan::Numeric { impute, scaler } => {
                let mut steps: Vec<&str> = impute.iter().map(|(i, _)| imputer(*i).0).collect();
                steps.extend(scaler.map(|_| "StandardScaler"));
                ("Numeric", steps, None)
            }
            Plan::Categorical { encoding, .. } => {
                let encoder = if matches!(encoding, Encoding::OneHot(_)) {
                    "OneHotEncoder"
                } else {
                    "HashOneHotEncoder"
                };
                ("Categorical", vec!["ModeCatImputer", encoder], None)
            }
        };
        let transformations = transformations.into_iter().map(str::to_string).collect();
        ColumnPlan {
            column: column.to_string(),
            detected: detected.to_string(),
            transformations,
            reason,
        }
    }
}

/// A numeric imputer's transformer name, and what it fills with.
fn imputer(impute: Impute) -> (&'static str, &'static str) {
    match impute {
        Impute::Mean => ("MeanImputer", "the mean"),
        Impute::Median => ("MedianImputer", "the median"),
        Impute::MostFrequent => ("MostFrequentImputer", "the most frequent value"),
    }
}

#[cfg(test)]
mod tests;
