//! What the AutoML wizard holds, each step's errors, and the ARM body it submits.

use azimuth_core::jobs::command::JobSpec;
use azimuth_core::jobs::job::check_job_name;
use azimuth_core::ml::decimal::parse_f64;
use leptos::prelude::*;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// How trials are validated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValidationType {
    /// By the data's size.
    Auto,
    /// A share held out.
    Split,
    /// k folds.
    KFold,
}

/// What the best model is tested on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TestType {
    /// Not tested.
    None,
    /// A share of the training rows held out.
    Split,
    /// A data asset of its own.
    Data,
}

/// Where it trains.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ComputeType {
    /// No compute named.
    Serverless,
    /// A compute cluster.
    Cluster,
    /// A compute instance.
    Instance,
}

/// The wizard's fields.
#[derive(Clone, Copy)]
pub struct AutomlForm {
    /// The job's name.
    pub name: RwSignal<String>,
    /// Its experiment.
    pub experiment: RwSignal<String>,
    /// What it is for.
    pub description: RwSignal<String>,
    /// Tags, `key=value` per line.
    pub tags: RwSignal<String>,
    /// The data asset (name) and its version.
    pub data: RwSignal<Option<(String, String)>>,
    /// The column to predict.
    pub target: RwSignal<String>,
    /// The primary metric's ARM name.
    pub metric: RwSignal<String>,
    /// The positive class.
    pub positive: RwSignal<String>,
    /// Use every algorithm.
    pub all_models: RwSignal<bool>,
    /// The algorithms allowed when not all.
    pub allowed: RwSignal<Vec<String>>,
    /// The algorithms blocked.
    pub blocked: RwSignal<Vec<String>>,
    /// Featurization on.
    pub featurization: RwSignal<bool>,
    /// Columns given a feature type (Numeric, Categorical, Ignore); the others are Auto.
    pub column_types: RwSignal<BTreeMap<String, String>>,
    /// Columns given an imputer strategy (mean, median, most_frequent); the others are Auto.
    pub imputers: RwSignal<BTreeMap<String, String>>,
    /// Max trials.
    pub max_trials: RwSignal<String>,
    /// Max concurrent trials.
    pub concurrent: RwSignal<String>,
    /// Metric score threshold.
    pub exit_score: RwSignal<String>,
    /// Experiment timeout (minutes).
    pub timeout: RwSignal<String>,
    /// Iteration timeout (minutes).
    pub trial_timeout: RwSignal<String>,
    /// Enable early termination.
    pub early: RwSignal<bool>,
    /// Validation type.
    pub validation: RwSignal<ValidationType>,
    /// The share held out (percent) for a split.
    pub split: RwSignal<String>,
    /// Folds for k-fold.
    pub folds: RwSignal<String>,
    /// What the best model is tested on.
    pub test: RwSignal<TestType>,
    /// The share of the training rows held out for testing (percent).
    pub test_split: RwSignal<String>,
    /// The test data asset (name) and its version.
    pub test_data: RwSignal<Option<(String, String)>>,
    /// Compute type.
    pub compute_type: RwSignal<ComputeType>,
    /// The compute's name.
    pub compute: RwSignal<String>,
}

impl AutomlForm {
    /// A new form, with Azure's defaults and the job name `name`.
    pub fn new(name: String) -> AutomlForm {
        AutomlForm {
            name: RwSignal::new(name),
            experiment: RwSignal::new(String::new()),
            description: RwSignal::new(String::new()),
            tags: RwSignal::new(String::new()),
            data: RwSignal::new(None),
            target: RwSignal::new(String::new()),
            metric: RwSignal::new("AUCWeighted".into()),
            positive: RwSignal::new(String::new()),
            all_models: RwSignal::new(true),
            allowed: RwSignal::new(Vec::new()),
            blocked: RwSignal::new(Vec::new()),
            featurization: RwSignal::new(true),
            column_types: RwSignal::new(BTreeMap::new()),
            imputers: RwSignal::new(BTreeMap::new()),
            max_trials: RwSignal::new("20".into()),
            concurrent: RwSignal::new("1".into()),
            exit_score: RwSignal::new(String::new()),
            timeout: RwSignal::new("60".into()),
            trial_timeout: RwSignal::new(String::new()),
            early: RwSignal::new(true),
            validation: RwSignal::new(ValidationType::Auto),
            split: RwSignal::new("20".into()),
            folds: RwSignal::new("5".into()),
            test: RwSignal::new(TestType::None),
            test_split: RwSignal::new("10".into()),
            test_data: RwSignal::new(None),
            compute_type: RwSignal::new(ComputeType::Serverless),
            compute: RwSignal::new(String::new()),
        }
    }

    /// Basic settings' error.
    pub fn basics_error(&self) -> Option<String> {
        let name = self.name.get();
        if let Err(e) = check_job_name(name.trim()) {
            return Some(e.message().to_owned());
        }
        if self.experiment.with(|e| e.trim().is_empty()) {
            return Some("Name an experiment: an existing one, or a new one.".into());
        }
        self.tags_map().err()
    }

    /// Trains on the data asset `picked` (name, version): its columns are another table's, so
    /// the target and positive class are chosen again.
    pub fn pick_data(&self, picked: (String, String)) {
        self.data.set(Some(picked));
        self.target.set(String::new());
        self.positive.set(String::new());
    }

    /// Task type & data's error.
    pub fn data_error(&self) -> Option<String> {
        self.data
            .with(Option::is_none)
            .then(|| "Choose the tabular data asset to train on.".into())
    }

    /// Task settings' error.
    pub fn settings_error(&self) -> Option<String> {
        if self.target.with(|t| t.is_empty()) {
            return Some("Choose the target column: the one to predict.".into());
        }
        if !self.all_models.get() && self.allowed.with(Vec::is_empty) {
            return Some("Allow at least one model, or use all supported models.".into());
        }
        self.limits()
            .err()
            .or_else(|| self.validation_json().err())
            .or_else(|| self.test_json().err())
    }

    /// What is wrong with the test percentage, when a train-test split is chosen.
    pub fn test_split_error(&self) -> Option<String> {
        (self.test.get() == TestType::Split)
            .then(|| self.test_json().err())
            .flatten()
    }

    /// The test data as the Review names it (or what is wrong with it).
    pub fn test_summary(&self) -> String {
        if let Err(e) = self.test_json() {
            return e;
        }
        match (self.test.get(), self.test_data.get()) {
            (TestType::Split, _) => format!(
                "{}% of the training data held out",
                self.test_split.get().trim()
            ),
            (TestType::Data, Some((name, version))) => format!("{name}:{version}"),
            _ => "None".into(),
        }
    }

    /// Compute's error.
    pub fn compute_error(&self) -> Option<String> {
        (self.compute_type.get() != ComputeType::Serverless && self.compute.with(|c| c.is_empty()))
            .then(|| "Choose the compute to train on.".into())
    }

    fn tags_map(&self) -> Result<Map<String, Value>, String> {
        let mut out = Map::new();
        for line in self
            .tags
            .get()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            let (k, v) = line.split_once('=').ok_or_else(|| {
                format!("Write each tag as key=value, one per line ('{line}' has no '=').")
            })?;
            out.insert(k.trim().to_owned(), Value::String(v.trim().to_owned()));
        }
        Ok(out)
    }

    fn limits(&self) -> Result<Value, String> {
        let whole = |label: &str,
                     text: String,
                     range: std::ops::RangeInclusive<u64>|
         -> Result<Option<u64>, String> {
            let text = text.trim().to_owned();
            if text.is_empty() {
                return Ok(None);
            }
            match text.parse::<u64>() {
                Ok(n) if range.contains(&n) => Ok(Some(n)),
                _ => Err(format!(
                    "{label} must be a whole number from {} to {}.",
                    range.start(),
                    range.end()
                )),
            }
        };
        let mut out = Map::new();
        if let Some(n) = whole("Max trials", self.max_trials.get(), 1..=1000)? {
            out.insert("maxTrials".into(), json!(n));
        }
        if let Some(n) = whole("Max concurrent trials", self.concurrent.get(), 1..=100)? {
            out.insert("maxConcurrentTrials".into(), json!(n));
        }
        if let Some(m) = whole("Experiment timeout", self.timeout.get(), 1..=168 * 60)? {
            out.insert("timeout".into(), json!(format!("PT{m}M")));
        }
        if let Some(m) = whole("Iteration timeout", self.trial_timeout.get(), 1..=168 * 60)? {
            out.insert("trialTimeout".into(), json!(format!("PT{m}M")));
        }
        let score = self.exit_score.get();
        if !score.trim().is_empty() {
            match parse_f64(score.trim()) {
                Some(v) if (0.0..=1.0).contains(&v) => {
                    out.insert("exitScore".into(), json!(v));
                }
                _ => return Err("Metric score threshold must be a number from 0 to 1.".into()),
            }
        }
        out.insert("enableEarlyTermination".into(), json!(self.early.get()));
        Ok(Value::Object(out))
    }

    fn validation_json(&self) -> Result<Map<String, Value>, String> {
        let mut out = Map::new();
        match self.validation.get() {
            ValidationType::Auto => {}
            ValidationType::Split => match self.split.get().trim().parse::<u64>() {
                Ok(p) if (1..=90).contains(&p) => {
                    out.insert("validationDataSize".into(), json!(p as f64 / 100.0));
                }
                _ => {
                    return Err(
                        "The validation share must be a whole percentage from 1 to 90.".into(),
                    )
                }
            },
            ValidationType::KFold => match self.folds.get().trim().parse::<u64>() {
                Ok(k) if (2..=50).contains(&k) => {
                    out.insert(
                        "nCrossValidations".into(),
                        json!({"mode": "Custom", "value": k}),
                    );
                }
                _ => return Err("The number of cross validations must be from 2 to 50.".into()),
            },
        }
        Ok(out)
    }

    /// `testDataSize` (a share of the training rows) or `testData` (an asset), as Azure writes them.
    fn test_json(&self) -> Result<Map<String, Value>, String> {
        let mut out = Map::new();
        match self.test.get() {
            TestType::None => {}
            TestType::Split => match self.test_split.get().trim().parse::<u64>() {
                Ok(p) if (1..=50).contains(&p) => {
                    out.insert("testDataSize".into(), json!(p as f64 / 100.0));
                }
                _ => return Err("The test percentage must be a whole number from 1 to 50.".into()),
            },
            TestType::Data => {
                let (name, version) = self
                    .test_data
                    .get()
                    .ok_or("Choose the data asset to test the model on.")?;
                out.insert("testData".into(), data_input(&name, &version));
            }
        }
        Ok(out)
    }

    /// The ARM body to PUT, checked by the engine as the server will check it.
    pub fn body(&self, compute_ids: impl Fn(&str) -> Option<String>) -> Result<Value, String> {
        let (data, version) = self.data.get().ok_or("Choose the data first.")?;
        let mut task = Map::new();
        task.insert("taskType".into(), json!("Classification"));
        task.insert("targetColumnName".into(), json!(self.target.get()));
        task.insert("primaryMetric".into(), json!(self.metric.get()));
        task.insert("trainingData".into(), data_input(&data, &version));
        let positive = self.positive.get();
        if !positive.is_empty() {
            task.insert("positiveLabel".into(), json!(positive));
        }
        task.insert("limitSettings".into(), self.limits()?);
        task.extend(self.validation_json()?);
        task.extend(self.test_json()?);
        task.insert("featurizationSettings".into(), self.featurization_json());
        let allowed = if self.all_models.get() {
            Vec::new()
        } else {
            self.allowed.get()
        };
        task.insert(
            "trainingSettings".into(),
            json!({"allowedTrainingAlgorithms": allowed, "blockedTrainingAlgorithms": self.blocked.get(), "enableVoteEnsemble": true}),
        );
        let mut p = Map::new();
        p.insert("jobType".into(), json!("AutoML"));
        p.insert("experimentName".into(), json!(self.experiment.get().trim()));
        let description = self.description.get();
        if !description.trim().is_empty() {
            p.insert("description".into(), json!(description.trim()));
        }
        p.insert("tags".into(), Value::Object(self.tags_map()?));
        if self.compute_type.get() != ComputeType::Serverless {
            let id =
                compute_ids(&self.compute.get()).ok_or("The chosen compute no longer exists.")?;
            p.insert("computeId".into(), json!(id));
        }
        p.insert("taskDetails".into(), Value::Object(task));
        JobSpec::from_properties(&Value::Object(p.clone())).map_err(|e| e.message().to_owned())?;
        Ok(json!({ "properties": p }))
    }

    /// `featurizationSettings`: Off, Auto, or Custom with the columns' types and imputers
    /// (the target's own left out).
    pub fn featurization_json(&self) -> Value {
        if !self.featurization.get() {
            return json!({"mode": "Off"});
        }
        let target = self.target.get();
        let types: Map<String, Value> = self
            .column_types
            .get()
            .into_iter()
            .filter(|(c, _)| *c != target)
            .map(|(c, t)| (c, json!(t)))
            .collect();
        let imputers: Vec<Value> = self
            .imputers
            .get()
            .into_iter()
            .filter(|(c, _)| *c != target)
            .map(|(c, s)| json!({"fields": [c], "parameters": {"strategy": s}}))
            .collect();
        if types.is_empty() && imputers.is_empty() {
            return json!({"mode": "Auto"});
        }
        json!({"mode": "Custom", "columnNameAndTypes": types, "transformerParams": {"imputer": imputers}})
    }
}

/// A Table data asset's version as a job's input (the training or test data).
fn data_input(name: &str, version: &str) -> Value {
    json!({"jobInputType": "mltable", "uri": format!("azureml:{name}:{version}")})
}
