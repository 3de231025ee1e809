use super::*;
use crate::data::preview::{preview, Format};
use crate::data::samples::sample_csv;
use azimuth_ml::models::Algorithm;
use azimuth_ml::sweep::{Settings, Sweep};
use azimuth_ml::validate::Validation;
use serde_json::json;

/// A model of the diabetes sample (one LogisticRegression trial), and the sample's columns.
pub(crate) fn model() -> (TrainedModel, Vec<String>) {
    let text = sample_csv("diabetes").unwrap();
    let format = Format::Delimited {
        delimiter: b',',
        header: true,
    };
    let table = preview(text.as_bytes(), true, format, usize::MAX).unwrap();
    let columns = table.columns.clone();
    let mut settings = Settings::new("Diabetic", 1);
    settings.allowed = vec![Algorithm::LogisticRegression];
    settings.validation = Validation::KFold { folds: 2 };
    let mut sweep = Sweep::new(Frame::from_text(table.columns, table.rows), settings).unwrap();
    let params = sweep.next_trial().unwrap();
    let trial = sweep.run(params).clone();
    (sweep.final_model(&trial).unwrap(), columns)
}

fn scored(model: &TrainedModel, body: Value) -> Result<Value, ScoreError> {
    score(model, &read_request(body.to_string().as_bytes())?)
}

#[test]
fn split_and_record_requests_get_a_prediction_per_row() {
    let (model, columns) = model();
    let inputs: Vec<&str> = model.featurizer.inputs();
    assert!(!inputs.contains(&"PatientID"), "an identifier is no input");
    let row = |pregnant: u32, glucose: u32| {
        json!([1354778, pregnant, glucose, 80, 34, 23, 43.5, 1.2, 43])
    };
    assert_eq!(columns.len(), 10, "{columns:?}");
    let names: Vec<&String> = columns.iter().filter(|c| *c != "Diabetic").collect();
    let split = json!({"input_data": {"columns": names, "index": [0, 1], "data": [row(0, 80), row(9, 190)]}});
    let answer = scored(&model, split.clone()).unwrap();
    let labels = answer.as_array().unwrap();
    assert_eq!(labels.len(), 2);
    assert!(
        labels.iter().all(|l| l == &json!(0) || l == &json!(1)),
        "{answer}"
    );
    // The same rows as records, and as MLflow's dataframe_split, give the same answer.
    let records: Vec<Value> = [row(0, 80), row(9, 190)]
        .iter()
        .map(|r| {
            let cells = r.as_array().unwrap();
            Value::Object(
                names
                    .iter()
                    .map(|n| {
                        (
                            n.to_string(),
                            cells[names.iter().position(|m| m == n).unwrap()].clone(),
                        )
                    })
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        scored(&model, json!({"input_data": records})).unwrap(),
        answer
    );
    let mlflow = json!({"dataframe_split": split["input_data"]});
    assert_eq!(scored(&model, mlflow).unwrap(), answer);
    // Probabilities: one object per row, class to probability, summing to 1.
    let mut asked = split.clone();
    asked["params"] = json!({"predict_method": "predict_proba"});
    let proba = scored(&model, asked).unwrap();
    let first = proba[0].as_object().unwrap();
    let sum: f64 = first.values().map(|p| p.as_f64().unwrap()).sum();
    assert!(
        (sum - 1.0).abs() < 1e-9 && first.contains_key("1"),
        "{proba}"
    );
    // A missing value is imputed, as in training.
    let mut gap = split;
    gap["input_data"]["data"][0][2] = Value::Null;
    assert!(scored(&model, gap).is_ok());
}

#[test]
fn what_cannot_be_scored_is_a_400_naming_the_column_row_or_value() {
    let (model, columns) = model();
    let names: Vec<&String> = columns.iter().filter(|c| *c != "Diabetic").collect();
    let data = json!([[1, 0, 80, 80, 34, 23, 43.5, 1.2, 43]]);
    let err = |body: Value| scored(&model, body).unwrap_err();
    let missing = err(
        json!({"input_data": {"columns": &names[..8], "data": [[1, 0, 80, 80, 34, 23, 43.5, 1.2]]}}),
    );
    assert_eq!(missing.status, 400);
    assert!(
        missing.message.contains("no column 'Age'"),
        "{}",
        missing.message
    );
    let mut text = data.clone();
    text[0][2] = json!("high");
    let not_number = err(json!({"input_data": {"columns": names, "data": text}}));
    assert!(
        not_number
            .message
            .contains("'PlasmaGlucose' needs a number")
            && not_number.message.contains("'high'"),
        "{}",
        not_number.message
    );
    let short = err(json!({"input_data": {"columns": names, "data": [[1, 2]]}}));
    assert!(
        short.message.contains("Row 0 has 2 values"),
        "{}",
        short.message
    );
    let nested = err(
        json!({"input_data": {"columns": names, "data": [[1, [0], 80, 80, 34, 23, 43.5, 1.2, 43]]}}),
    );
    assert!(
        nested.message.contains("column 'Pregnancies'"),
        "{}",
        nested.message
    );
    assert!(err(json!({"rows": []})).message.contains("input_data"));
    assert!(read_request(b"{not json")
        .unwrap_err()
        .message
        .contains("not JSON"));
    let twice = err(json!({"input_data": {"columns": ["Age", "Age"], "data": []}}));
    assert!(twice.message.contains("named twice"));
    let method = err(
        json!({"input_data": {"columns": names, "data": data}, "params": {"predict_method": "explain"}}),
    );
    assert!(method.message.contains("predict_proba"));
    let many: Vec<Value> = (0..=MAX_ROWS).map(|_| data[0].clone()).collect();
    let too_many = err(json!({"input_data": {"columns": names, "data": many}}));
    assert_eq!(too_many.status, 413);
}
