//! Scoring requests as Azure's MLflow (no-code) online deployments take them, answered by a
//! model Azimuth trained, the same on the server and in the page:
//! - `{"input_data": {"columns": [...], "index": [...], "data": [[...], ...]}}` (pandas'
//!   split orientation, as the studio's Test tab and Azure's samples send it), or
//!   `{"input_data": [{"column": value, ...}, ...]}` (records);
//! - MLflow's own `{"dataframe_split": {...}}` and `{"dataframe_records": [...]}`;
//! - `"params": {"predict_method": "predict_proba"}` asks for each class's probability.
//!
//! The answer is a JSON array with a prediction per row (a number when the classes are
//! numbers), or with probabilities an object per row, class to probability. What cannot be
//! scored is a 400 naming the column, row or value; never a 500.

use azimuth_ml::decimal::parse_f64;
use azimuth_ml::featurize::Frame;
use azimuth_ml::sweep::TrainedModel;
use serde_json::{Map, Value};

/// The most rows one request may score.
pub const MAX_ROWS: usize = 10_000;

/// Why a request was not scored: its HTTP status and a message for the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScoreError {
    /// 400 for what the request holds, 413 for too many rows.
    pub status: u16,
    /// What is wrong, naming the column, row or value.
    pub message: String,
}

fn bad(message: impl Into<String>) -> ScoreError {
    ScoreError {
        status: 400,
        message: message.into(),
    }
}

/// A request's rows, read and ready to score.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    /// The rows, by column name.
    pub frame: Frame,
    /// Whether it asks for each class's probability rather than the predicted class.
    pub probabilities: bool,
}

/// Reads a request body, or says what is wrong with it.
pub fn read_request(body: &[u8]) -> Result<Request, ScoreError> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| bad(format!("The request is not JSON ({e}).")))?;
    let Value::Object(top) = value else {
        return Err(bad(EXPECTED));
    };
    let probabilities = match top.get("params").and_then(|p| p.get("predict_method")) {
        None => false,
        Some(m) if m == "predict_proba" => true,
        Some(m) if m == "predict" => false,
        Some(m) => {
            return Err(bad(format!(
                "params.predict_method is predict or predict_proba, not {}.",
                crate::arm::json::to_json(m)
            )))
        }
    };
    let given = ["input_data", "dataframe_split", "dataframe_records"]
        .iter()
        .find_map(|k| top.get(*k).map(|v| (*k, v)));
    let (columns, rows) = match given {
        Some(("dataframe_records", Value::Array(records))) => read_records(records)?,
        Some((_, Value::Array(records))) => read_records(records)?,
        Some((key, Value::Object(split))) if key != "dataframe_records" => read_split(split)?,
        Some((key, _)) => {
            return Err(bad(format!(
                "'{key}' is not in a shape this endpoint reads. {EXPECTED}"
            )))
        }
        None => return Err(bad(EXPECTED)),
    };
    if rows.len() > MAX_ROWS {
        return Err(ScoreError {
            status: 413,
            message: format!(
                "The request has {} rows; send at most {MAX_ROWS} at a time.",
                rows.len()
            ),
        });
    }
    Ok(Request {
        frame: Frame::from_text(columns, rows),
        probabilities,
    })
}

/// What a request must look like.
const EXPECTED: &str = "Send {\"input_data\": {\"columns\": [...], \"data\": [[...], ...]}} (or input_data as a list of records, or MLflow's dataframe_split or dataframe_records).";

/// Rows of the split orientation: `columns`, `data` (and `index`, which is not needed).
fn read_split(split: &Map<String, Value>) -> Result<(Vec<String>, Vec<Vec<String>>), ScoreError> {
    let columns: Vec<String> = match split.get("columns") {
        Some(Value::Array(names)) => names
            .iter()
            .map(|n| match n {
                Value::String(s) => Ok(s.clone()),
                other => Err(bad(format!(
                    "A column name must be text, not {}.",
                    crate::arm::json::to_json(other)
                ))),
            })
            .collect::<Result<_, _>>()?,
        _ => return Err(bad("'columns' must list the columns' names.")),
    };
    if let Some(name) = columns
        .iter()
        .enumerate()
        .find(|(i, n)| columns[..*i].contains(n))
    {
        return Err(bad(format!("The column '{}' is named twice.", name.1)));
    }
    let Some(Value::Array(data)) = split.get("data") else {
        return Err(bad("'data' must list the rows, each a list of values."));
    };
    let rows = data
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let Value::Array(cells) = row else {
                return Err(bad(format!("Row {i} of 'data' is not a list of values.")));
            };
            if cells.len() != columns.len() {
                return Err(bad(format!(
                    "Row {i} has {} values, but there are {} columns.",
                    cells.len(),
                    columns.len()
                )));
            }
            cells
                .iter()
                .zip(&columns)
                .map(|(c, name)| cell(c, i, name))
                .collect()
        })
        .collect::<Result<_, _>>()?;
    Ok((columns, rows))
}

/// Rows of records: each an object of column to value (the columns are every key seen).
fn read_records(records: &[Value]) -> Result<(Vec<String>, Vec<Vec<String>>), ScoreError> {
    let mut columns: Vec<String> = Vec::new();
    for (i, record) in records.iter().enumerate() {
        let Value::Object(fields) = record else {
            return Err(bad(format!(
                "Record {i} is not an object of column to value."
            )));
        };
        for key in fields.keys() {
            if !columns.contains(key) {
                columns.push(key.clone());
            }
        }
    }
    let rows = records
        .iter()
        .enumerate()
        .map(|(i, record)| {
            columns
                .iter()
                .map(|name| {
                    record
                        .get(name)
                        .map_or(Ok(String::new()), |c| cell(c, i, name))
                })
                .collect()
        })
        .collect::<Result<_, _>>()?;
    Ok((columns, rows))
}

/// A value as a cell's text: numbers in their shortest form, null as missing.
fn cell(value: &Value, row: usize, column: &str) -> Result<String, ScoreError> {
    match value {
        Value::Null => Ok(String::new()),
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        _ => Err(bad(format!(
            "Row {row}, column '{column}': a value must be a number, text or null, not {}.",
            crate::arm::json::to_json(value)
        ))),
    }
}

/// `request`'s rows scored by `model`: the JSON answer, or why they cannot be scored.
pub fn score(model: &TrainedModel, request: &Request) -> Result<Value, ScoreError> {
    model
        .featurizer
        .check_request(&request.frame, true)
        .map_err(bad)?;
    let proba = model.predict_proba(&request.frame);
    if request.probabilities {
        let rows = (0..proba.rows()).map(|i| {
            let each = model.classes.iter().zip(proba.row(i));
            Value::Object(each.map(|(c, p)| (c.clone(), Value::from(*p))).collect())
        });
        return Ok(Value::Array(rows.collect()));
    }
    let labels: Vec<Value> = model.classes.iter().map(|c| label(c)).collect();
    let rows = proba.predicted().into_iter().map(|c| labels[c].clone());
    Ok(Value::Array(rows.collect()))
}

/// A class as the answer gives it: a number when it is one (`1`, `0.5`), else its text.
fn label(class: &str) -> Value {
    if let Ok(whole) = class.parse::<i64>() {
        return Value::from(whole);
    }
    parse_f64(class)
        .and_then(serde_json::Number::from_f64)
        .map_or_else(|| Value::String(class.to_owned()), Value::Number)
}

#[cfg(test)]
pub(crate) mod tests;
