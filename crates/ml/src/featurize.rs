//! A table's columns made into features the way Azure ML's AutoML featurizes tabular
//! classification data: types inferred from the text, the target split off, identifier-like,
//! constant and empty columns dropped, numbers imputed and standardized, categories imputed and
//! one-hot (or, past [`ONE_HOT_MAX`] values, hash one-hot) encoded, all learned from the
//! training rows only and saved with the model to score new rows. [`guardrails`] reports what
//! was found as the studio's "Data guardrails" tab.

use crate::Features;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Display;

/// The most classes a target column may have.
pub const MAX_CLASSES: usize = 100;
/// The most distinct values a categorical column may have to be one-hot encoded.
pub const ONE_HOT_MAX: usize = 30;
/// The columns a hashed categorical column becomes.
pub const HASH_BUCKETS: usize = 32;

/// Cells that mean "no value" (trimmed, compared case-insensitively).
const MISSING: [&str; 7] = ["", "na", "n/a", "nan", "null", "none", "?"];
/// Why a column set to Ignore is dropped.
const IGNORED: &str = "it is set to Ignore in the featurization settings";
/// The transformers that can be blocked (Azure's names).
const BLOCKABLE: [&str; 2] = ["OneHotEncoder", "HashOneHotEncoder"];

/// A table's columns, typed.
#[derive(Clone, Debug, PartialEq)]
pub struct Frame {
    /// The columns' names.
    pub names: Vec<String>,
    /// The columns, each as long as the table.
    pub columns: Vec<Column>,
}

/// A column's values, `None` where missing.
#[derive(Clone, Debug, PartialEq)]
pub enum Column {
    /// Every present value is a number.
    Numeric(Vec<Option<f64>>),
    /// Text (trimmed).
    Categorical(Vec<Option<String>>),
}

/// A cell's trimmed text, or `None` when it marks a missing value.
fn present(cell: &str) -> Option<&str> {
    let text = cell.trim();
    (!MISSING.iter().any(|m| text.eq_ignore_ascii_case(m))).then_some(text)
}

/// A finite number from text.
fn number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A number in its shortest form: 1.0 → "1" (and -0 → "0").
fn show(value: f64) -> String {
    format!("{}", value + 0.0)
}

impl Column {
    /// The number of rows.
    fn len(&self) -> usize {
        match self {
            Column::Numeric(v) => v.len(),
            Column::Categorical(v) => v.len(),
        }
    }

    /// Row `i` as a number (`None` when missing or not a number).
    fn number(&self, i: usize) -> Option<f64> {
        match self {
            Column::Numeric(v) => v[i],
            Column::Categorical(v) => v[i].as_deref().and_then(number),
        }
    }

    /// Row `i` as text (numbers in their shortest form).
    fn text(&self, i: usize) -> Option<String> {
        match self {
            Column::Numeric(v) => v[i].map(show),
            Column::Categorical(v) => v[i].clone(),
        }
    }

    /// The rows `which`, in that order.
    fn keep(&self, which: &[usize]) -> Column {
        match self {
            Column::Numeric(v) => Column::Numeric(which.iter().map(|&i| v[i]).collect()),
            Column::Categorical(v) => {
                Column::Categorical(which.iter().map(|&i| v[i].clone()).collect())
            }
        }
    }
}

impl Frame {
    /// A frame from text rows, each column Numeric when every present value is a number.
    pub fn from_text(names: Vec<String>, rows: Vec<Vec<String>>) -> Frame {
        let columns = (0..names.len())
            .map(|j| {
                let cells: Vec<Option<String>> = rows
                    .iter()
                    .map(|row| row.get(j).and_then(|c| present(c)).map(str::to_string))
                    .collect();
                let numbers: Option<Vec<Option<f64>>> = cells
                    .iter()
                    .map(|c| c.as_deref().map_or(Some(None), |t| number(t).map(Some)))
                    .collect();
                numbers.map_or(Column::Categorical(cells), Column::Numeric)
            })
            .collect();
        Frame { names, columns }
    }

    /// The number of rows.
    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, Column::len)
    }

    /// The index of the column named `name`.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }
}

/// The column to predict, as class indexes.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    /// The column's name.
    pub name: String,
    /// The classes, sorted (numerically for a numeric column).
    pub classes: Vec<String>,
    /// Each kept row's class, an index into `classes`.
    pub labels: Vec<usize>,
    /// The rows dropped because their target was missing.
    pub dropped_rows: usize,
    /// Each kept row's index in the frame it was split from.
    pub kept: Vec<usize>,
}

/// Splits the target column off `frame`, dropping the rows without a target; returns the
/// features' frame, the target and the positive class's index.
pub fn split_target(
    mut frame: Frame,
    target: &str,
    positive_label: Option<&str>,
) -> Result<(Frame, Target, usize), String> {
    let Some(j) = frame.column(target) else {
        let names = frame.names.join(", ");
        return Err(format!("There is no column '{target}' to predict: the columns are {names}. Choose one of them."));
    };
    let (name, column) = (frame.names.remove(j), frame.columns.remove(j));
    let texts: Vec<Option<String>> = (0..column.len()).map(|i| column.text(i)).collect();
    let kept: Vec<usize> = (0..texts.len()).filter(|&i| texts[i].is_some()).collect();
    let classes = class_names(&column, &kept);
    let numeric = matches!(column, Column::Numeric(_));
    check_classes(&name, &classes, kept.len(), numeric)?;
    let labels = texts
        .iter()
        .flatten()
        .filter_map(|t| find_class(&classes, t))
        .collect();
    let positive = match positive_label {
        None => classes.len() - 1,
        Some(label) => find_class(&classes, label).ok_or_else(|| {
            format!(
                "The positive label '{label}' is not one of '{name}''s classes ({}): choose one of them.",
                classes.join(", ")
            )
        })?,
    };
    frame.columns = frame.columns.iter().map(|c| c.keep(&kept)).collect();
    let dropped_rows = texts.len() - kept.len();
    let target = Target {
        name,
        classes,
        labels,
        dropped_rows,
        kept,
    };
    Ok((frame, target, positive))
}

/// The distinct present values of `rows`, sorted (numerically for numbers).
fn class_names(column: &Column, rows: &[usize]) -> Vec<String> {
    match column {
        Column::Numeric(_) => {
            let mut values: Vec<f64> = rows.iter().filter_map(|&i| column.number(i)).collect();
            values.sort_by(f64::total_cmp);
            values.dedup();
            values.into_iter().map(show).collect()
        }
        Column::Categorical(_) => {
            let set: BTreeSet<String> = rows.iter().filter_map(|&i| column.text(i)).collect();
            set.into_iter().collect()
        }
    }
}

/// Refuses a target a classifier cannot learn.
fn check_classes(name: &str, classes: &[String], rows: usize, numeric: bool) -> Result<(), String> {
    match classes {
        [] => Err(format!(
            "'{name}' has no values: it is missing in every row. Choose a column with values to predict."
        )),
        [only] => Err(format!(
            "'{name}' has only one value, {only}: a classifier needs at least two classes. Choose another column to predict, or add rows of other classes."
        )),
        _ if classes.len() > MAX_CLASSES || (rows > 20 && classes.len() * 2 > rows) => {
            let looks = if numeric { "a number to predict (regression)" } else { "an identifier" };
            Err(format!(
                "'{name}' has {} distinct values in {rows} rows, too many classes to classify (at most {MAX_CLASSES}, and no more than half the rows): it looks like {looks}. Choose a column of categories, or train a regression model for a number.",
                classes.len()
            ))
        }
        _ => Ok(()),
    }
}

/// The index of the class `label` names (as written, else as the same number: "1.0" is "1").
fn find_class(classes: &[String], label: &str) -> Option<usize> {
    let label = label.trim();
    let exact = classes.iter().position(|c| c == label);
    let same = || {
        classes
            .iter()
            .position(|c| Some(c) == number(label).map(show).as_ref())
    };
    exact.or_else(same)
}

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
            Some(other) => Err(format!("is categorical, so it can only be imputed with its most frequent value (MostFrequent), not {other:?}.")),
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
        for step in &self.steps {
            let Plan::Numeric { impute, .. } = &step.plan else {
                continue;
            };
            let column = frame.column(&step.name).map(|j| &frame.columns[j]);
            if let Some(Column::Categorical(cells)) = column {
                if let Some(Some(text)) = cells.first() {
                    return Err(format!(
                        "'{}' needs a number, but the request has '{text}'.",
                        step.name
                    ));
                }
            }
            if impute.is_none() && column.and_then(|c| c.number(0)).is_none() {
                return Err(format!("'{}' has no value, and the model was trained with featurization off, which does not impute: send a number for it.", step.name));
            }
        }
        Ok(self.transform(&frame, &[0]).values)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A frame from comma-separated lines, the first naming the columns.
    fn frame(csv: &str) -> Frame {
        let split = |l: &str| l.split(',').map(str::to_string).collect::<Vec<_>>();
        let mut lines = csv.lines().map(split);
        let names = lines.next().unwrap();
        Frame::from_text(names, lines.collect())
    }

    fn all(frame: &Frame) -> Vec<usize> {
        (0..frame.rows()).collect()
    }

    fn fit(frame: &Frame, settings: &Settings) -> Result<Featurizer, String> {
        Featurizer::fit(frame, &all(frame), settings)
    }

    fn custom(types: &[(&str, Kind)], imputers: &[(&str, Impute)]) -> Settings {
        let column_types = types.iter().map(|(n, k)| (n.to_string(), *k)).collect();
        let imputers = imputers.iter().map(|(n, i)| (n.to_string(), *i)).collect();
        let mode = Mode::Custom;
        Settings {
            mode,
            column_types,
            imputers,
            ..Settings::default()
        }
    }

    fn reason(fz: &Featurizer, column: usize) -> String {
        fz.report()[column].reason.clone().unwrap_or_default()
    }

    #[test]
    fn infers_types_and_missing_markers() {
        let f = frame("a,b,c,d\n1,x,NA,\n2.5, y ,n/a\n?,NULL,None,nan");
        assert_eq!(f.rows(), 3);
        assert_eq!(
            f.columns[0],
            Column::Numeric(vec![Some(1.0), Some(2.5), None])
        );
        let b = vec![Some("x".into()), Some("y".into()), None];
        assert_eq!(f.columns[1], Column::Categorical(b));
        assert_eq!(f.columns[2], Column::Numeric(vec![None; 3]));
        assert_eq!(f.columns[3], Column::Numeric(vec![None; 3]), "short rows");
        assert_eq!(f.column("b"), Some(1));
        let inf = vec![Some("1".into()), Some("inf".into())];
        assert_eq!(frame("a\n1\ninf").columns[0], Column::Categorical(inf));
    }

    #[test]
    fn numeric_imputation_and_scaling_learn_from_training_rows() {
        let f = frame("x,y\n1,a\n3,b\n,a\n1000,b");
        let fz = Featurizer::fit(&f, &[0, 1, 2], &Settings::default()).unwrap();
        // Mean 2 fills row 2; the imputed 1, 3, 2 have deviation sqrt(2/3).
        let sd = (2.0f64 / 3.0).sqrt();
        let out = fz.transform(&f, &[0, 2, 3]);
        assert_eq!(fz.feature_names(), ["x", "y_a", "y_b"]);
        assert!((out.row(0)[0] + 1.0 / sd).abs() < 1e-12);
        assert_eq!(out.row(1)[0], 0.0, "the missing value is the training mean");
        assert!(
            (out.row(2)[0] - 998.0 / sd).abs() < 1e-9,
            "row 3 is not learned"
        );
        let plan = &fz.report()[0];
        assert_eq!(plan.transformations, ["MeanImputer", "StandardScaler"]);
    }

    #[test]
    fn one_hot_encodes_and_unseen_values_are_zeros() {
        let f = frame("City,n\nOslo,1\nLima,2\nOslo,3\n,4\nRome,5");
        let fz = Featurizer::fit(&f, &[0, 1, 2, 3], &Settings::default()).unwrap();
        assert_eq!(fz.feature_names(), ["City_Lima", "City_Oslo", "n"]);
        let out = fz.transform(&f, &[1, 3, 4]);
        assert_eq!(&out.row(0)[..2], [1.0, 0.0]);
        assert_eq!(
            &out.row(1)[..2],
            [0.0, 1.0],
            "missing is Oslo, the most frequent"
        );
        assert_eq!(&out.row(2)[..2], [0.0, 0.0], "Rome was never seen");
        let plan = &fz.report()[0];
        assert_eq!(plan.transformations, ["ModeCatImputer", "OneHotEncoder"]);
    }

    #[test]
    fn hashes_above_thirty_categories_or_when_one_hot_is_blocked() {
        let rows: Vec<String> = (0..80).map(|i| format!("c{}", i % 40)).collect();
        let f = frame(&format!("Code\n{}", rows.join("\n")));
        let fz = fit(&f, &Settings::default()).unwrap();
        assert_eq!(fz.feature_names().len(), HASH_BUCKETS);
        assert_eq!(fz.feature_names()[7], "Code_hash_7");
        let out = fz.transform(&f, &[3, 43]);
        assert_eq!(out.row(0), out.row(1), "c3 lands in the same bucket");
        assert_eq!(out.row(0).iter().sum::<f64>(), 1.0);
        assert_eq!(
            bucket("a"),
            (0xaf63_dc4c_8601_ec8c_u64 % 32) as usize,
            "FNV-1a 64"
        );
        let small = frame("g\na\nb\na");
        let blocked = vec!["OneHotEncoder".into()];
        let mut settings = Settings {
            blocked,
            ..Settings::default()
        };
        let plan = &fit(&small, &settings).unwrap().report()[0];
        assert_eq!(plan.transformations[1], "HashOneHotEncoder");
        settings.blocked.push("HashOneHotEncoder".into());
        assert!(reason(&fit(&small, &settings).unwrap(), 0).contains("both blocked"));
        settings.blocked = vec!["Scaler".into()];
        assert!(fit(&small, &settings).unwrap_err().contains("'Scaler'"));
    }

    #[test]
    fn drops_identifier_constant_and_empty_columns() {
        let rows = (0..25).map(|i| format!("{},N{i},7,,{}", 100 + i * 3, i % 4));
        let f = frame(&format!(
            "Id,Name,Same,Empty,k\n{}",
            rows.collect::<Vec<_>>().join("\n")
        ));
        let fz = fit(&f, &Settings::default()).unwrap();
        let report = fz.report();
        let detected: Vec<&str> = report.iter().map(|p| p.detected.as_str()).collect();
        assert_eq!(
            detected,
            ["Dropped", "Dropped", "Dropped", "Dropped", "Numeric"]
        );
        assert!(reason(&fz, 0).contains("identifier") && reason(&fz, 1).contains("identifier"));
        assert!(reason(&fz, 2).contains("constant: 7"));
        assert!(reason(&fz, 3).contains("no values"));
        assert_eq!(fz.feature_names(), ["k"]);
        // With 20 rows or fewer, distinct whole numbers are kept.
        let twenty: Vec<usize> = (0..20).collect();
        let fz = Featurizer::fit(&f, &twenty, &Settings::default()).unwrap();
        assert_eq!(fz.report()[0].detected, "Numeric");
    }

    #[test]
    fn off_mode_refuses_text_and_missing_values() {
        let off = Settings {
            mode: Mode::Off,
            ..Settings::default()
        };
        let err = fit(&frame("a,b\n1,x\n2,y"), &off).unwrap_err();
        assert!(err.starts_with("'b' holds text") && err.contains("turn featurization on"));
        let err = fit(&frame("a\n1\n\n3"), &off).unwrap_err();
        assert!(err.starts_with("'a' has 1 missing") && err.contains("turn featurization on"));
        let f = frame("a,b\n1,4\n2,5");
        let fz = fit(&f, &off).unwrap();
        assert_eq!(fz.transform(&f, &[1]).values, [2.0, 5.0], "no scaling");
        let err = fz
            .transform_row(&["a".into()], &[Some("3".into())])
            .unwrap_err();
        assert!(err.contains("'b' has no value"), "{err}");
    }

    #[test]
    fn custom_mode_applies_types_and_imputers() {
        let f = frame("x,t,z\n1,a,5\n2,b,6\n9,a,\n,b,8");
        let types = [("t", Kind::Ignore), ("z", Kind::Categorical)];
        let fz = fit(&f, &custom(&types, &[("x", Impute::Median)])).unwrap();
        assert_eq!(fz.feature_names(), ["x", "z_5", "z_6", "z_8"]);
        assert_eq!(fz.report()[0].transformations[0], "MedianImputer");
        assert_eq!(
            reason(&fz, 1),
            "it is set to Ignore in the featurization settings"
        );
        // The median of 1, 2, 9 is 2, which row 3 takes: the same feature as row 1's.
        let out = fz.transform(&f, &[1, 3]);
        assert_eq!(out.row(0)[0], out.row(1)[0]);
        let err = fit(&f, &custom(&[("t", Kind::Numeric)], &[])).unwrap_err();
        assert!(err.starts_with("'t' is set to Numeric, but it holds 'a', which is not a number"));
        let err = fit(&f, &custom(&[], &[("t", Impute::Mean)])).unwrap_err();
        assert!(err.starts_with("'t' is categorical"), "{err}");
        let err = fit(&f, &custom(&[("nope", Kind::Ignore)], &[])).unwrap_err();
        assert!(err.contains("'nope'"), "{err}");
    }

    #[test]
    fn split_target_refuses_unusable_targets() {
        let f = frame("Age,Diabetic\n30,1\n40,1\n50,");
        let err = split_target(f.clone(), "Outcome", None).unwrap_err();
        assert!(
            err.contains("'Outcome'") && err.contains("Age, Diabetic"),
            "{err}"
        );
        let err = split_target(f, "Diabetic", None).unwrap_err();
        let single = "'Diabetic' has only one value, 1: a classifier needs at least two classes";
        assert!(err.starts_with(single), "{err}");
        let err = split_target(frame("Age,Empty\n1,\n2,"), "Empty", None).unwrap_err();
        assert!(err.starts_with("'Empty' has no values"), "{err}");
        let rows: Vec<String> = (0..30).map(|i| format!("{i},{}", i * 2)).collect();
        let f = frame(&format!("a,Price\n{}", rows.join("\n")));
        let err = split_target(f, "Price", None).unwrap_err();
        assert!(err.starts_with("'Price' has 30 distinct") && err.contains("regression"));
        let f = frame("Age,Label\n30,yes\n40,no");
        let err = split_target(f, "Label", Some("maybe")).unwrap_err();
        assert!(err.contains("'maybe'") && err.contains("'Label'") && err.contains("(no, yes)"));
    }

    #[test]
    fn numeric_classes_sort_numerically() {
        let f = frame("x,y\n1,10\n2,2.0\n3,\n4,1\n5,2");
        let (features, target, positive) = split_target(f.clone(), "y", None).unwrap();
        assert_eq!(target.classes, ["1", "2", "10"]);
        assert_eq!(target.labels, [2, 1, 0, 1]);
        assert_eq!(target.dropped_rows, 1);
        assert_eq!(positive, 2, "the greatest label");
        assert_eq!(features.names, ["x"]);
        let x = vec![Some(1.0), Some(2.0), Some(4.0), Some(5.0)];
        assert_eq!(features.columns[0], Column::Numeric(x));
        assert_eq!(split_target(f, "y", Some("1.0")).unwrap().2, 0);
    }

    #[test]
    fn guardrails_report_imbalance_imputation_and_cardinality() {
        let mut lines = vec!["Age,Town,Label".to_string()];
        for i in 0..50 {
            let age = if i % 10 == 0 {
                String::new()
            } else {
                (20 + i % 7).to_string()
            };
            let label = if i < 6 { "yes" } else { "no" };
            lines.push(format!("{age},t{},{label}", i % 40));
        }
        let (f, target, _) = split_target(frame(&lines.join("\n")), "Label", None).unwrap();
        let fz = fit(&f, &Settings::default()).unwrap();
        let rails = guardrails(&fz, &f, &all(&f), &target);
        let names: Vec<&str> = rails.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names[0], "Class balancing detection");
        assert_eq!(
            names[1..],
            [
                "Missing feature values imputation",
                "High cardinality feature detection"
            ]
        );
        assert_eq!(rails[0].state, GuardrailState::Alerted);
        assert_eq!(rails[0].details, ["no: 44 rows", "yes: 6 rows"]);
        assert_eq!(rails[1].state, GuardrailState::Done);
        assert_eq!(
            rails[1].details,
            ["Age: 5 missing of 50 rows, imputed with the mean"]
        );
        assert_eq!(rails[2].state, GuardrailState::Done);
        assert!(rails[2].details[0].starts_with("Town: 40 distinct values, hashed"));
        let json = serde_json::to_string(&rails[0]).unwrap();
        assert!(json.contains("\"state\":\"alerted\""), "{json}");
    }

    #[test]
    fn scores_a_request_by_column_name() {
        let f = frame("Age,Gender\n20,F\n40,M\n30,F");
        let fz = fit(&f, &Settings::default()).unwrap();
        let names = ["Gender".to_string(), "Age".to_string()];
        let row = fz.transform_row(&names, &[Some("M".into()), Some("30".into())]);
        assert_eq!(row.unwrap(), [0.0, 0.0, 1.0]);
        let row = fz.transform_row(&names[..1], &[None]).unwrap();
        assert_eq!(row, [0.0, 1.0, 0.0], "missing values are imputed");
        let err = fz
            .transform_row(&names, &[None, Some("old".into())])
            .unwrap_err();
        assert!(err.contains("'Age'") && err.contains("'old'"), "{err}");
        let saved = serde_json::to_string(&fz).unwrap();
        assert_eq!(serde_json::from_str::<Featurizer>(&saved).unwrap(), fz);
        let json = r#"{"mode":"custom","imputers":{"Age":"mostFrequent"}}"#;
        let settings: Settings = serde_json::from_str(json).unwrap();
        assert_eq!(settings.imputers["Age"], Impute::MostFrequent);
    }

    #[test]
    fn featurizes_the_diabetes_sample() {
        use azimuth_core::data::preview::{preview, Format};
        let csv = azimuth_core::data::samples::sample_csv("diabetes").unwrap();
        let format = Format::Delimited {
            delimiter: b',',
            header: true,
        };
        let table = preview(csv.as_bytes(), true, format, usize::MAX).unwrap();
        let f = Frame::from_text(table.columns, table.rows);
        let (f, target, positive) = split_target(f, "Diabetic", None).unwrap();
        assert_eq!(
            (target.classes.join(","), positive, target.dropped_rows),
            ("0,1".into(), 1, 0)
        );
        let fz = fit(&f, &Settings::default()).unwrap();
        assert_eq!(fz.report()[0].column, "PatientID");
        assert!(reason(&fz, 0).contains("identifier"));
        assert_eq!(fz.feature_names().len(), 8);
        let features = fz.transform(&f, &all(&f));
        assert_eq!((features.rows, features.cols), (1_000, 8));
        let glucose = (0..1_000).map(|i| features.row(i)[1]).sum::<f64>() / 1_000.0;
        assert!(glucose.abs() < 1e-9, "standardized to mean 0");
        let rails = guardrails(&fz, &f, &all(&f), &target);
        assert_eq!(rails[1].state, GuardrailState::Passed);
        let identifier = "PatientID: every value is different, dropped as an identifier";
        assert_eq!(rails[2].details, [identifier]);
    }
}
