//! Azure ML CLI v2 YAML of an AutoML classification job (`type: automl`,
//! `autoMLJob.schema.json`): read into the ARM body a PUT of `.../jobs/{name}` takes, and
//! written from a job as ARM answers it. Enum values are taken in Azure's PascalCase or the
//! CLI's snake_case (`AUCWeighted` or `auc_weighted`, `LightGBM` or `light_gbm`).

use crate::jobs::yaml::{read_common, write_compute, write_header, write_strings, ImportedJob};
use crate::yaml_in::{Field, YamlError};
use crate::yaml_out::{raw, text, write, Node};
use azimuth_ml::decimal::parse_f64;
use serde_json::{json, Map, Value};

/// The CLI v2 schema of an AutoML job file.
pub const AUTOML_SCHEMA: &str = "https://azuremlschemas.azureedge.net/latest/autoMLJob.schema.json";

/// Azure's classification algorithms (`ClassificationModels`): those trained here and the rest.
fn algorithms() -> Vec<&'static str> {
    let trained = azimuth_ml::models::Algorithm::ALL.map(|a| a.name());
    trained.into_iter().chain(super::NOT_TRAINED).collect()
}

/// The primary metrics: ARM's names.
fn metrics() -> Vec<&'static str> {
    azimuth_ml::sweep::PrimaryMetric::ALL
        .map(|m| m.arm_name())
        .to_vec()
}

/// `AUC_weighted`, `auc_weighted` and `AUCWeighted` all read the same.
fn plain(s: &str) -> String {
    s.replace('_', "").to_ascii_lowercase()
}

/// The name among `names` a YAML value gives, in either spelling.
fn named(field: &Field<'_>, names: &[&'static str]) -> Result<&'static str, YamlError> {
    let value = field.string()?;
    names
        .iter()
        .find(|n| plain(n) == plain(&value))
        .copied()
        .ok_or_else(|| field.expected(&format!("one of {}", names.join(", "))))
}

/// A number (`0.2`, `1e-3`).
fn number(field: &Field<'_>) -> Result<f64, YamlError> {
    field
        .plain()
        .and_then(parse_f64)
        .filter(|n| n.is_finite())
        .ok_or_else(|| field.expected("a number"))
}

/// A data input (`{type: mltable, path: ...}`).
fn data(field: Field<'_>) -> Result<Value, YamlError> {
    let map = field.map()?;
    map.only("type path mode description", "a data input")?;
    let kind = map
        .opt("type", |f| f.string())?
        .unwrap_or_else(|| "mltable".into());
    Ok(json!({"jobInputType": kind, "uri": map.required("path")?.string()?}))
}

fn strings(field: &Field<'_>) -> Result<Vec<Value>, YamlError> {
    field
        .items(true)?
        .iter()
        .map(|f| f.string().map(Value::String))
        .collect()
}

/// Reads an AutoML job file's document (its `type` already read as `automl`).
pub(crate) fn automl_from_yaml(doc: Field<'_>) -> Result<ImportedJob, YamlError> {
    doc.only("$schema type name display_name experiment_name description tags properties compute task primary_metric target_column_name positive_label log_verbosity training_data validation_data test_data validation_data_size test_data_size n_cross_validations cv_split_column_names weight_column_name limits featurization training outputs", "an AutoML job file")?;
    let task = doc.required("task")?;
    let task_name = task.string()?;
    if !task_name.eq_ignore_ascii_case("classification") {
        return Err(task.fail(format!("Automated ML here trains classification models; a {task_name} task cannot be submitted yet")));
    }
    let mut t = Map::new();
    t.insert("taskType".into(), json!("Classification"));
    t.insert(
        "targetColumnName".into(),
        json!(doc.required("target_column_name")?.string()?),
    );
    t.insert("trainingData".into(), data(doc.required("training_data")?)?);
    for (yaml, arm) in [
        ("validation_data", "validationData"),
        ("test_data", "testData"),
    ] {
        if let Some(f) = doc.get(yaml) {
            t.insert(arm.into(), data(f)?);
        }
    }
    if let Some(m) = doc.get("primary_metric") {
        t.insert("primaryMetric".into(), json!(named(&m, &metrics())?));
    }
    for (yaml, arm) in [
        ("positive_label", "positiveLabel"),
        ("log_verbosity", "logVerbosity"),
        ("weight_column_name", "weightColumnName"),
    ] {
        if let Some(v) = doc.opt(yaml, |f| f.string())? {
            t.insert(arm.into(), json!(v));
        }
    }
    for (yaml, arm) in [
        ("validation_data_size", "validationDataSize"),
        ("test_data_size", "testDataSize"),
    ] {
        if let Some(v) = doc.opt(yaml, number)? {
            t.insert(arm.into(), json!(v));
        }
    }
    if let Some(folds) = doc.get("n_cross_validations") {
        let value = if folds
            .plain()
            .is_some_and(|p| p.eq_ignore_ascii_case("auto"))
        {
            json!({"mode": "Auto"})
        } else {
            json!({"mode": "Custom", "value": folds.whole(2..=50)?})
        };
        t.insert("nCrossValidations".into(), value);
    }
    if let Some(limits) = doc.get("limits") {
        t.insert("limitSettings".into(), limits_from(limits)?);
    }
    if let Some(f) = doc.get("featurization") {
        t.insert("featurizationSettings".into(), featurization_from(f)?);
    }
    if let Some(f) = doc.get("training") {
        t.insert("trainingSettings".into(), training_from(f)?);
    }
    let mut p = Map::new();
    p.insert("jobType".into(), json!("AutoML"));
    read_common(&doc, &mut p)?;
    if let Some(outputs) = doc.get("outputs") {
        let mut out = Map::new();
        for (name, o) in outputs.map()?.entries() {
            let o = o.map()?;
            o.only("type path", "an output")?;
            let mut entry = json!({"jobOutputType": o.opt("type", |f| f.string())?.unwrap_or_else(|| "mlflow_model".into())});
            if let Some(path) = o.opt("path", |f| f.string())? {
                entry["uri"] = json!(path);
            }
            out.insert(name.to_owned(), entry);
        }
        p.insert("outputs".into(), Value::Object(out));
    }
    p.insert("taskDetails".into(), Value::Object(t));
    Ok(ImportedJob {
        name: doc.opt("name", |f| f.string())?,
        body: json!({ "properties": p }),
        local_code: None,
    })
}

fn limits_from(field: Field<'_>) -> Result<Value, YamlError> {
    let l = field.map()?;
    l.only("timeout_minutes trial_timeout_minutes max_trials max_concurrent_trials max_cores_per_trial max_nodes enable_early_termination exit_score", "limits")?;
    let mut out = Map::new();
    for (yaml, arm) in [
        ("timeout_minutes", "timeout"),
        ("trial_timeout_minutes", "trialTimeout"),
    ] {
        if let Some(m) = l.opt(yaml, |f| f.whole(1..=168 * 60))? {
            out.insert(arm.into(), json!(format!("PT{m}M")));
        }
    }
    for (yaml, arm) in [
        ("max_trials", "maxTrials"),
        ("max_concurrent_trials", "maxConcurrentTrials"),
        ("max_nodes", "maxNodes"),
    ] {
        if let Some(n) = l.opt(yaml, |f| f.whole(1..=1000))? {
            out.insert(arm.into(), json!(n));
        }
    }
    if let Some(b) = l.opt("enable_early_termination", |f| f.boolean())? {
        out.insert("enableEarlyTermination".into(), json!(b));
    }
    if let Some(v) = l.opt("exit_score", number)? {
        out.insert("exitScore".into(), json!(v));
    }
    Ok(Value::Object(out))
}

fn featurization_from(field: Field<'_>) -> Result<Value, YamlError> {
    let f = field.map()?;
    f.only("mode blocked_transformers column_name_and_types transformer_params enable_dnn_featurization", "featurization")?;
    let mut out = Map::new();
    if let Some(mode) = f.get("mode") {
        out.insert(
            "mode".into(),
            json!(mode.choice(&[("auto", "Auto"), ("custom", "Custom"), ("off", "Off")])?),
        );
    }
    if let Some(b) = f.get("blocked_transformers") {
        out.insert("blockedTransformers".into(), Value::Array(strings(&b)?));
    }
    if let Some(types) = f.get("column_name_and_types") {
        let mut map = Map::new();
        for (column, kind) in types.map()?.entries() {
            map.insert(column.to_owned(), json!(kind.string()?));
        }
        out.insert("columnNameAndTypes".into(), Value::Object(map));
    }
    if let Some(params) = f.get("transformer_params") {
        let params = params.map()?;
        params.only("imputer", "transformer_params")?;
        let mut imputers = Vec::new();
        for item in params.required("imputer")?.items(false)? {
            let item = item.map()?;
            let fields = strings(&item.required("fields")?)?;
            let strategy = item
                .required("parameters")?
                .map()?
                .required("strategy")?
                .string()?;
            imputers.push(json!({"fields": fields, "parameters": {"strategy": strategy}}));
        }
        out.insert("transformerParams".into(), json!({"imputer": imputers}));
    }
    Ok(Value::Object(out))
}

fn training_from(field: Field<'_>) -> Result<Value, YamlError> {
    let t = field.map()?;
    t.only("allowed_training_algorithms blocked_training_algorithms enable_vote_ensemble enable_stack_ensemble enable_model_explainability enable_onnx_compatible_models enable_dnn_training ensemble_model_download_timeout_minutes stack_ensemble_settings", "training")?;
    let mut out = Map::new();
    for (yaml, arm) in [
        ("allowed_training_algorithms", "allowedTrainingAlgorithms"),
        ("blocked_training_algorithms", "blockedTrainingAlgorithms"),
    ] {
        if let Some(list) = t.get(yaml) {
            let names: Result<Vec<Value>, YamlError> = list
                .items(true)?
                .iter()
                .map(|f| named(f, &algorithms()).map(|n| json!(n)))
                .collect();
            out.insert(arm.into(), Value::Array(names?));
        }
    }
    for (yaml, arm) in [
        ("enable_vote_ensemble", "enableVoteEnsemble"),
        ("enable_stack_ensemble", "enableStackEnsemble"),
        ("enable_model_explainability", "enableModelExplainability"),
        (
            "enable_onnx_compatible_models",
            "enableOnnxCompatibleModels",
        ),
        ("enable_dnn_training", "enableDnnTraining"),
    ] {
        if let Some(b) = t.opt(yaml, |f| f.boolean())? {
            out.insert(arm.into(), json!(b));
        }
    }
    Ok(Value::Object(out))
}

/// CLI spelling of an ARM name: `AUCWeighted` → `auc_weighted`, `LightGBM` → `light_gbm`.
fn snake(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, c) in chars.iter().enumerate() {
        let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
        let prev_lower = i > 0 && chars[i - 1].is_ascii_lowercase();
        if c.is_ascii_uppercase() && i > 0 && (prev_lower || next_lower) {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// The CLI v2 YAML of an AutoML job, from the job as ARM answers it (`properties`).
pub fn automl_yaml(name: &str, properties: &Value) -> String {
    let t = &properties["taskDetails"];
    let s = |v: &Value| v.as_str().filter(|v| !v.is_empty()).map(str::to_owned);
    let mut doc = write_header(AUTOML_SCHEMA, "automl", name, properties);
    doc.extend(write_compute(properties));
    doc.push(("task".into(), raw("classification")));
    if let Some(m) = s(&t["primaryMetric"]) {
        doc.push(("primary_metric".into(), raw(snake(&m))));
    }
    doc.push((
        "target_column_name".into(),
        text(&s(&t["targetColumnName"]).unwrap_or_default()),
    ));
    if let Some(v) = s(&t["positiveLabel"]) {
        doc.push(("positive_label".into(), text(&v)));
    }
    for (arm, yaml) in [
        ("trainingData", "training_data"),
        ("validationData", "validation_data"),
        ("testData", "test_data"),
    ] {
        if let Some(uri) = s(&t[arm]["uri"]) {
            let kind = s(&t[arm]["jobInputType"]).unwrap_or_else(|| "mltable".into());
            doc.push((
                yaml.into(),
                Node::Map(vec![
                    ("type".into(), raw(kind)),
                    ("path".into(), text(&uri)),
                ]),
            ));
        }
    }
    for (arm, yaml) in [
        ("validationDataSize", "validation_data_size"),
        ("testDataSize", "test_data_size"),
    ] {
        if let Some(v) = t[arm].as_f64() {
            doc.push((yaml.into(), raw(v)));
        }
    }
    match (
        t["nCrossValidations"]["mode"].as_str(),
        t["nCrossValidations"]["value"].as_u64(),
    ) {
        (Some(m), Some(v)) if m.eq_ignore_ascii_case("Custom") => {
            doc.push(("n_cross_validations".into(), raw(v)))
        }
        (Some(_), _) => doc.push(("n_cross_validations".into(), raw("auto"))),
        _ => {}
    }
    let l = &t["limitSettings"];
    let mut limits = Vec::new();
    for (arm, yaml) in [
        ("timeout", "timeout_minutes"),
        ("trialTimeout", "trial_timeout_minutes"),
    ] {
        if let Some(seconds) = l[arm]
            .as_str()
            .and_then(crate::time::parse_duration_seconds)
        {
            limits.push((yaml.to_owned(), raw(seconds.div_ceil(60))));
        }
    }
    for (arm, yaml) in [
        ("maxTrials", "max_trials"),
        ("maxConcurrentTrials", "max_concurrent_trials"),
        ("maxNodes", "max_nodes"),
        ("enableEarlyTermination", "enable_early_termination"),
        ("exitScore", "exit_score"),
    ] {
        if !l[arm].is_null() {
            limits.push((yaml.to_owned(), raw(crate::arm::json::to_json(&l[arm]))));
        }
    }
    if !limits.is_empty() {
        doc.push(("limits".into(), Node::Map(limits)));
    }
    let f = &t["featurizationSettings"];
    let mut featurization = Vec::new();
    if let Some(m) = s(&f["mode"]) {
        featurization.push(("mode".to_owned(), raw(m.to_ascii_lowercase())));
    }
    if let Some(b) = f["blockedTransformers"]
        .as_array()
        .filter(|b| !b.is_empty())
    {
        featurization.push((
            "blocked_transformers".to_owned(),
            Node::List(
                b.iter()
                    .map(|v| text(v.as_str().unwrap_or_default()))
                    .collect(),
            ),
        ));
    }
    if let Some(types) = f["columnNameAndTypes"]
        .as_object()
        .filter(|m| !m.is_empty())
    {
        featurization.push((
            "column_name_and_types".to_owned(),
            Node::Map(
                types
                    .iter()
                    .map(|(k, v)| (k.clone(), text(v.as_str().unwrap_or_default())))
                    .collect(),
            ),
        ));
    }
    if let Some(imputers) = f["transformerParams"]["imputer"]
        .as_array()
        .filter(|i| !i.is_empty())
    {
        let items = imputers.iter().map(|i| {
            let fields = i["fields"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|f| text(f.as_str().unwrap_or_default()))
                .collect();
            Node::Map(vec![
                ("fields".into(), Node::List(fields)),
                (
                    "parameters".into(),
                    Node::Map(vec![(
                        "strategy".into(),
                        text(i["parameters"]["strategy"].as_str().unwrap_or("mean")),
                    )]),
                ),
            ])
        });
        featurization.push((
            "transformer_params".to_owned(),
            Node::Map(vec![("imputer".into(), Node::List(items.collect()))]),
        ));
    }
    if !featurization.is_empty() {
        doc.push(("featurization".into(), Node::Map(featurization)));
    }
    let tr = &t["trainingSettings"];
    let mut training = Vec::new();
    for (arm, yaml) in [
        ("allowedTrainingAlgorithms", "allowed_training_algorithms"),
        ("blockedTrainingAlgorithms", "blocked_training_algorithms"),
    ] {
        if let Some(list) = tr[arm].as_array().filter(|l| !l.is_empty()) {
            training.push((
                yaml.to_owned(),
                Node::List(
                    list.iter()
                        .map(|v| raw(snake(v.as_str().unwrap_or_default())))
                        .collect(),
                ),
            ));
        }
    }
    for (arm, yaml) in [
        ("enableVoteEnsemble", "enable_vote_ensemble"),
        ("enableStackEnsemble", "enable_stack_ensemble"),
        ("enableModelExplainability", "enable_model_explainability"),
    ] {
        if let Some(b) = tr[arm].as_bool() {
            training.push((yaml.to_owned(), raw(b)));
        }
    }
    if !training.is_empty() {
        doc.push(("training".into(), Node::Map(training)));
    }
    if let Some(tags) = write_strings(properties, "tags") {
        doc.push(("tags".into(), tags));
    }
    write(doc)
}
