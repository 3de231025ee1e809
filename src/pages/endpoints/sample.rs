//! A scoring request to start from, for the Test tab's box and the Consume tab's snippets: the
//! columns the deployed model takes (its `MLmodel` signature, read as the Models page's Details
//! reads it) and two rows of the table its AutoML job trained on, or one row of placeholder
//! values when that table cannot be read. Made once per model version in a page's life.

use crate::pages::data::first_table;
use crate::store::{use_store, Store};
use azimuth_core::data::uri::{parse_data_uri, DataUri};
use azimuth_core::ml::decimal::parse_f64;
use azimuth_core::models::mlmodel::{read_mlmodel, SignatureColumn};
use leptos::prelude::*;
use serde_json::Value;
use std::cell::RefCell;
use std::collections::HashMap;

/// How many rows of the training table the sample carries.
const SAMPLE_ROWS: usize = 2;

thread_local! {
    /// Samples made, by model version reference.
    static SAMPLES: RefCell<HashMap<String, Result<String, String>>> = RefCell::new(HashMap::new());
}

/// A cell's text as the JSON value its column's type asks for.
fn value(text: &str, column_type: &str) -> Value {
    let text = text.trim();
    if text.is_empty() {
        return Value::Null;
    }
    if column_type == "string" {
        return Value::String(text.to_owned());
    }
    if let Ok(whole) = text.parse::<i64>() {
        return Value::from(whole);
    }
    parse_f64(text)
        .and_then(serde_json::Number::from_f64)
        .map_or_else(|| Value::String(text.to_owned()), Value::Number)
}

/// One row of placeholder values: 0 for a number, "text" for text.
fn placeholder(inputs: &[SignatureColumn]) -> Vec<Value> {
    inputs
        .iter()
        .map(|c| match c.column_type.as_str() {
            "string" => Value::String("text".into()),
            _ => Value::from(0),
        })
        .collect()
}

/// A value as compact JSON.
fn compact<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// The request body, in the split orientation, one row to a line.
fn body(columns: &[String], rows: &[Vec<Value>]) -> String {
    let index: Vec<usize> = (0..rows.len()).collect();
    let lines: Vec<String> = rows
        .iter()
        .map(|r| format!("      {}", compact(r)))
        .collect();
    format!(
        "{{\n  \"input_data\": {{\n    \"columns\": {},\n    \"index\": {},\n    \"data\": [\n{}\n    ]\n  }}\n}}",
        compact(&columns),
        compact(&index),
        lines.join(",\n")
    )
}

/// Rows of the table the model's AutoML job trained on, in the order of `inputs`.
async fn training_rows(
    store: Store,
    job: &str,
    inputs: &[SignatureColumn],
) -> Option<Vec<Vec<Value>>> {
    let job = store.job(job).await.ok()?;
    let uri = job["properties"]["taskDetails"]["trainingData"]["uri"].as_str()?;
    let DataUri::Asset { name, pick } = parse_data_uri(uri).ok()? else {
        return None;
    };
    let version = store
        .workspace
        .with_untracked(|w| w.resolve_data(&name, &pick).cloned())
        .ok()?;
    let table = first_table(store, &version).await.ok()?;
    let at: Vec<Option<usize>> = inputs
        .iter()
        .map(|c| {
            table
                .columns
                .iter()
                .position(|t| Some(t) == c.name.as_ref())
        })
        .collect();
    let rows: Vec<Vec<Value>> = table
        .rows
        .iter()
        .take(SAMPLE_ROWS)
        .map(|row| {
            at.iter()
                .zip(inputs)
                .map(|(i, c)| {
                    i.and_then(|i| row.get(i))
                        .map_or(Value::Null, |t| value(t, &c.column_type))
                })
                .collect()
        })
        .collect();
    (!rows.is_empty()).then_some(rows)
}

/// The sample request for the model version `reference` names, or why there is none.
async fn make(store: Store, reference: &str) -> Result<String, String> {
    let version = store
        .workspace
        .with_untracked(|w| w.model_of(reference).cloned())
        .map_err(|e| e.message().to_owned())?;
    let (datastore, folder) = store
        .model_folder(&version.properties.model_uri)
        .await
        .map_err(|e| e.message().to_owned())?;
    let text = store
        .read_mlmodel_file(&datastore, &folder)
        .await
        .map_err(|e| {
            format!(
                "The model's MLmodel file could not be read: {}",
                e.message()
            )
        })?;
    let inputs = read_mlmodel(&text)
        .map_err(|e| format!("The model's signature cannot be read: {e}."))?
        .inputs;
    let columns: Vec<String> = inputs.iter().filter_map(|c| c.name.clone()).collect();
    let rows = match &version.properties.job_name {
        Some(job) => training_rows(store, job, &inputs).await,
        None => None,
    };
    Ok(body(
        &columns,
        &rows.unwrap_or_else(|| vec![placeholder(&inputs)]),
    ))
}

/// The sample request for the model version `reference` gives (reactive: `None` while it is
/// being made, or when there is no reference).
pub fn use_sample(reference: Signal<Option<String>>) -> RwSignal<Option<Result<String, String>>> {
    let store = use_store();
    let sample = RwSignal::new(None);
    // Only another model makes another sample (not each change of the deployment naming it).
    let reference = Memo::new(move |_| reference.get());
    Effect::new(move |_| {
        let Some(key) = reference.get() else {
            sample.set(None);
            return;
        };
        if let Some(made) = SAMPLES.with(|s| s.borrow().get(&key).cloned()) {
            sample.set(Some(made));
            return;
        }
        sample.set(None);
        leptos::task::spawn_local(async move {
            let made = make(store, &key).await;
            SAMPLES.with(|s| s.borrow_mut().insert(key.clone(), made.clone()));
            // The tab may have been left, or another model chosen, before it was made.
            if reference.try_get_untracked().flatten().as_deref() == Some(key.as_str()) {
                let _ = sample.try_set(Some(made));
            }
        });
    });
    sample
}
