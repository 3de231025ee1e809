//! An AutoML job as ARM describes it (`jobType: AutoML`, its `taskDetails`): classification of
//! a tabular data asset, with Azure's primary metrics, validation, limits, featurization and
//! training settings; checked when submitted, and read into the training engine's sweep
//! settings ([`AutoMLTask::sweep_settings`]). What Azure has and this engine does not (other
//! task types, weight and CV split columns, stack ensembles, LightGBM, cores per trial) is
//! refused or named in [`AutoMLTask::notes`], which the job's log shows.

use super::command::{bad, JobInput};
use crate::arm::json_de::FromValue;
use crate::arm::ArmError;
use crate::time::parse_duration_seconds;
use azimuth_ml::featurize::{self, Impute, Kind, Mode};
use azimuth_ml::models::Algorithm;
use azimuth_ml::sweep::{PrimaryMetric, Settings};
use azimuth_ml::testing::TestData;
use azimuth_ml::validate::Validation;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The output an AutoML job leaves its best model in.
pub const BEST_MODEL: &str = "best_model";
/// Azure's classification algorithms this engine does not train.
pub const NOT_TRAINED: [&str; 5] = [
    "SGD",
    "MultinomialNaiveBayes",
    "SVM",
    "LightGBM",
    "XGBoostClassifier",
];
/// Azure's task types.
pub const TASK_TYPES: [&str; 10] = [
    "Classification",
    "Regression",
    "Forecasting",
    "ImageClassification",
    "ImageClassificationMultilabel",
    "ImageObjectDetection",
    "ImageInstanceSegmentation",
    "TextClassification",
    "TextClassificationMultilabel",
    "TextNER",
];
/// The most trials a job may ask for (Azure's limit).
pub const MAX_TRIALS: u64 = 1000;
/// Trials when a job names no limit (Azure's default).
pub const DEFAULT_TRIALS: u64 = 1000;

/// `nCrossValidations`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct CrossValidations {
    /// `Auto` or `Custom`.
    pub mode: String,
    /// The folds, for `Custom`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<u64>,
}

/// `limitSettings`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct LimitSettings {
    /// Trials, at most.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_trials: Option<u64>,
    /// Trials at once, at most.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_concurrent_trials: Option<u64>,
    /// Nodes, at most.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_nodes: Option<u64>,
    /// The whole job's time, ISO 8601.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
    /// One trial's time, ISO 8601.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trial_timeout: Option<String>,
    /// Stop when trials stop improving.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_early_termination: Option<bool>,
    /// Stop once the primary metric reaches this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_score: Option<f64>,
    /// Anything else, kept as sent.
    #[serde(flatten)]
    pub rest: Map<String, Value>,
}

/// One imputer of `transformerParams.imputer`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct ImputerParams {
    /// The columns.
    #[serde(default)]
    pub fields: Vec<String>,
    /// `{"strategy": "mean" | "median" | "most_frequent"}`.
    #[serde(default)]
    pub parameters: BTreeMap<String, Value>,
}

/// `featurizationSettings`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct FeaturizationSettings {
    /// `Auto`, `Custom` or `Off`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// Transformers not to use.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blocked_transformers: Vec<String>,
    /// Column types by name (`Numeric`, `Categorical`, ...).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub column_name_and_types: BTreeMap<String, String>,
    /// `{"imputer": [...]}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub transformer_params: BTreeMap<String, Vec<ImputerParams>>,
    /// Anything else, kept as sent.
    #[serde(flatten)]
    pub rest: Map<String, Value>,
}

/// `trainingSettings`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct TrainingSettings {
    /// Algorithms allowed (empty: all).
    #[serde(default)]
    pub allowed_training_algorithms: Vec<String>,
    /// Algorithms blocked.
    #[serde(default)]
    pub blocked_training_algorithms: Vec<String>,
    /// Whether a VotingEnsemble ends the sweep (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_vote_ensemble: Option<bool>,
    /// Whether a StackEnsemble does (not trained here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_stack_ensemble: Option<bool>,
    /// Anything else, kept as sent.
    #[serde(flatten)]
    pub rest: Map<String, Value>,
}

/// An AutoML job's `taskDetails`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct AutoMLTask {
    /// `Classification` (the only one trained here).
    pub task_type: String,
    /// The metric trials are ranked by (`AUCWeighted` when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_metric: Option<String>,
    /// The column to predict.
    #[serde(default)]
    pub target_column_name: String,
    /// The training data (an `mltable` input).
    #[serde(default)]
    pub training_data: JobInput,
    /// The validation data, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation_data: Option<JobInput>,
    /// The test data, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_data: Option<JobInput>,
    /// Folds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n_cross_validations: Option<CrossValidations>,
    /// The share held out for validation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation_data_size: Option<f64>,
    /// The share held out for testing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_data_size: Option<f64>,
    /// The positive class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub positive_label: Option<String>,
    /// Limits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit_settings: Option<LimitSettings>,
    /// Featurization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub featurization_settings: Option<FeaturizationSettings>,
    /// Algorithms and ensembles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training_settings: Option<TrainingSettings>,
    /// Anything else (`logVerbosity`, `weightColumnName`, ...), kept as sent.
    #[serde(flatten)]
    pub rest: Map<String, Value>,
}

impl AutoMLTask {
    /// Reads and checks `taskDetails`.
    pub fn from_value(value: &Value) -> Result<AutoMLTask, ArmError> {
        let mut task: AutoMLTask = crate::arm::json_de::from_value(value.clone())
            .map_err(|e| bad(format!("properties.taskDetails is not valid: {e}.")))?;
        task.check()?;
        // Kept as ARM names it, however it was sent (`auc_weighted` is `AUCWeighted`).
        task.primary_metric = task
            .primary_metric
            .as_deref()
            .and_then(PrimaryMetric::parse)
            .map(|m| m.arm_name().to_owned());
        task.task_type = "Classification".into();
        Ok(task)
    }

    /// The rules a submission must meet.
    pub fn check(&self) -> Result<(), ArmError> {
        if !self.task_type.eq_ignore_ascii_case("Classification") {
            let known = TASK_TYPES
                .iter()
                .any(|t| t.eq_ignore_ascii_case(&self.task_type));
            return Err(bad(if known {
                format!("Automated ML here trains classification models; a {} task cannot be submitted yet.", self.task_type)
            } else {
                format!(
                    "taskDetails.taskType must be one of {}, not '{}'.",
                    TASK_TYPES.join(", "),
                    self.task_type
                )
            }));
        }
        if self.target_column_name.trim().is_empty() {
            return Err(bad("An AutoML job needs its target column (taskDetails.targetColumnName): the column to predict."));
        }
        for key in ["weightColumnName", "cvSplitColumnNames"] {
            if self.rest.get(key).is_some_and(|v| !v.is_null()) {
                return Err(bad(format!("taskDetails.{key} is not supported here yet: its column would be trained on as a feature. Leave it out (drop the column from the table if it should not be learned from).")));
            }
        }
        self.check_data("trainingData", Some(&self.training_data))?;
        self.check_data("validationData", self.validation_data.as_ref())?;
        self.check_data("testData", self.test_data.as_ref())?;
        if let Some(metric) = &self.primary_metric {
            if PrimaryMetric::parse(metric).is_none() {
                let names: Vec<&str> = PrimaryMetric::ALL.iter().map(|m| m.arm_name()).collect();
                return Err(bad(format!(
                    "taskDetails.primaryMetric must be one of {}, not '{metric}'.",
                    names.join(", ")
                )));
            }
        }
        for (name, share) in [
            ("validationDataSize", self.validation_data_size),
            ("testDataSize", self.test_data_size),
        ] {
            if share.is_some_and(|s| !(s > 0.0 && s < 1.0)) {
                return Err(bad(format!(
                    "taskDetails.{name} must be between 0 and 1 (a share of the rows)."
                )));
            }
        }
        if self.test_data.is_some() && self.test_data_size.is_some() {
            return Err(bad(
                "Give test data, or a test data size: only one of them.",
            ));
        }
        self.validation()?;
        self.check_limits()?;
        self.algorithms()?;
        self.featurization()?;
        Ok(())
    }

    fn check_data(&self, key: &str, input: Option<&JobInput>) -> Result<(), ArmError> {
        let Some(input) = input else { return Ok(()) };
        if input.job_input_type != "mltable" {
            return Err(bad(format!(
                "taskDetails.{key} must be an mltable input (a tabular data asset), not '{}'.",
                input.job_input_type
            )));
        }
        if input.uri.as_deref().is_none_or(|u| u.trim().is_empty()) {
            return Err(bad(format!(
                "taskDetails.{key} needs its uri, e.g. azureml:diabetes:1."
            )));
        }
        Ok(())
    }

    fn limits(&self) -> LimitSettings {
        self.limit_settings.clone().unwrap_or_default()
    }

    fn check_limits(&self) -> Result<(), ArmError> {
        let limits = self.limits();
        if limits.max_trials.is_some_and(|t| t == 0 || t > MAX_TRIALS) {
            return Err(bad(format!(
                "limitSettings.maxTrials must be from 1 to {MAX_TRIALS}."
            )));
        }
        if limits.max_concurrent_trials == Some(0) || limits.max_nodes == Some(0) {
            return Err(bad(
                "limitSettings.maxConcurrentTrials and maxNodes must be at least 1.",
            ));
        }
        for (key, text) in [
            ("timeout", &limits.timeout),
            ("trialTimeout", &limits.trial_timeout),
        ] {
            if let Some(text) = text {
                if parse_duration_seconds(text).is_none_or(|s| s == 0 || s > 168 * 3600) {
                    return Err(bad(format!("limitSettings.{key} must be an ISO 8601 duration from PT1S to P7D (e.g. PT15M), not '{text}'.")));
                }
            }
        }
        Ok(())
    }

    /// The job's timeout and one trial's, in seconds.
    pub fn timeouts(&self) -> (Option<u64>, Option<u64>) {
        let limits = self.limits();
        let seconds = |t: &Option<String>| t.as_deref().and_then(parse_duration_seconds);
        (seconds(&limits.timeout), seconds(&limits.trial_timeout))
    }

    /// Trials at once, at most (1 when not said).
    pub fn max_concurrent_trials(&self) -> u64 {
        self.limits().max_concurrent_trials.unwrap_or(1)
    }

    /// Trials that run at once on a compute of `nodes` nodes: as many as the job asks, no more
    /// than the compute's nodes (as Azure runs a trial per node).
    pub fn concurrent_trials(&self, nodes: usize) -> usize {
        (self.max_concurrent_trials() as usize).clamp(1, nodes.max(1))
    }

    fn validation(&self) -> Result<Validation, ArmError> {
        let folds = self.n_cross_validations.as_ref();
        let custom_folds = folds.filter(|f| f.mode.eq_ignore_ascii_case("Custom"));
        if let Some(f) = folds {
            if !f.mode.eq_ignore_ascii_case("Custom") && !f.mode.eq_ignore_ascii_case("Auto") {
                return Err(bad(format!(
                    "nCrossValidations.mode must be Auto or Custom, not '{}'.",
                    f.mode
                )));
            }
        }
        if self.validation_data.is_some()
            && (custom_folds.is_some() || self.validation_data_size.is_some())
        {
            return Err(bad("Give validation data, or a validation size, or cross-validation folds: only one of them."));
        }
        if custom_folds.is_some() && self.validation_data_size.is_some() {
            return Err(bad(
                "Give a validation size or cross-validation folds, not both.",
            ));
        }
        if let Some(f) = custom_folds {
            return match f.value {
                Some(k) if (2..=50).contains(&k) => Ok(Validation::KFold { folds: k as usize }),
                _ => Err(bad("nCrossValidations.value must be from 2 to 50 folds.")),
            };
        }
        if let Some(share) = self.validation_data_size {
            return Ok(Validation::Split { share });
        }
        Ok(Validation::Auto)
    }

    /// The algorithms the sweep may try, Azure's names read; an error when none is left.
    fn algorithms(&self) -> Result<(Vec<Algorithm>, Vec<Algorithm>), ArmError> {
        let training = self.training_settings.clone().unwrap_or_default();
        let read = |names: &[String], key: &str| -> Result<Vec<Algorithm>, ArmError> {
            let mut out = Vec::new();
            for name in names {
                match Algorithm::parse(name) {
                    Some(a) => out.push(a),
                    None if NOT_TRAINED.iter().any(|n| n.eq_ignore_ascii_case(&name.replace('_', ""))) => {}
                    None => return Err(bad(format!("trainingSettings.{key} names '{name}', which is not a classification algorithm."))),
                }
            }
            Ok(out)
        };
        let allowed = read(
            &training.allowed_training_algorithms,
            "allowedTrainingAlgorithms",
        )?;
        let blocked = read(
            &training.blocked_training_algorithms,
            "blockedTrainingAlgorithms",
        )?;
        if !training.allowed_training_algorithms.is_empty() && allowed.is_empty() {
            let ours: Vec<&str> = Algorithm::ALL.iter().map(|a| a.name()).collect();
            return Err(bad(format!(
                "None of the allowed algorithms is trained here; allow one of {}.",
                ours.join(", ")
            )));
        }
        let left = Algorithm::ALL
            .iter()
            .filter(|a| (allowed.is_empty() || allowed.contains(a)) && !blocked.contains(a))
            .count();
        if left == 0 {
            return Err(bad("Every algorithm is blocked: allow at least one."));
        }
        Ok((allowed, blocked))
    }

    fn featurization(&self) -> Result<featurize::Settings, ArmError> {
        let Some(f) = &self.featurization_settings else {
            return Ok(featurize::Settings::default());
        };
        let mode = match f
            .mode
            .as_deref()
            .unwrap_or("Auto")
            .to_ascii_lowercase()
            .as_str()
        {
            "auto" => Mode::Auto,
            "custom" => Mode::Custom,
            "off" => Mode::Off,
            other => {
                return Err(bad(format!(
                    "featurizationSettings.mode must be Auto, Custom or Off, not '{other}'."
                )))
            }
        };
        let mut column_types = BTreeMap::new();
        for (column, kind) in &f.column_name_and_types {
            let kind = match kind.to_ascii_lowercase().as_str() {
                "numeric" => Kind::Numeric,
                "categorical" => Kind::Categorical,
                "ignore" => Kind::Ignore,
                _ => return Err(bad(format!("'{column}' is given the type '{kind}': columns here are Numeric, Categorical or Ignore."))),
            };
            column_types.insert(column.clone(), kind);
        }
        let mut imputers = BTreeMap::new();
        for imputer in f.transformer_params.get("imputer").into_iter().flatten() {
            let strategy = imputer
                .parameters
                .get("strategy")
                .and_then(Value::as_str)
                .unwrap_or("mean");
            let impute = match strategy.to_ascii_lowercase().as_str() {
                "mean" => Impute::Mean,
                "median" => Impute::Median,
                "most_frequent" | "mostfrequent" => Impute::MostFrequent,
                _ => return Err(bad(format!("The imputer strategy '{strategy}' is not known: use mean, median or most_frequent."))),
            };
            for field in &imputer.fields {
                imputers.insert(field.clone(), impute);
            }
        }
        Ok(featurize::Settings {
            mode,
            column_types,
            imputers,
            blocked: f.blocked_transformers.clone(),
        })
    }

    /// The training engine's settings for this task, seeded by `seed`.
    pub fn sweep_settings(&self, seed: u64) -> Result<Settings, ArmError> {
        let limits = self.limits();
        let (allowed, blocked) = self.algorithms()?;
        let training = self.training_settings.clone().unwrap_or_default();
        Ok(Settings {
            target: self.target_column_name.clone(),
            positive_label: self.positive_label.clone(),
            primary_metric: self
                .primary_metric
                .as_deref()
                .and_then(PrimaryMetric::parse)
                .unwrap_or_default(),
            allowed,
            blocked,
            max_trials: limits.max_trials.unwrap_or(DEFAULT_TRIALS) as usize,
            exit_score: limits.exit_score,
            early_termination: limits.enable_early_termination.unwrap_or(true),
            validation: self.validation()?,
            featurization: self.featurization()?,
            vote_ensemble: training.enable_vote_ensemble.unwrap_or(true),
            test: match self.test_data_size {
                Some(share) => TestData::Split { share },
                // The job's own test rows come after its training (and validation) rows;
                // where they start is known once they are read.
                None => TestData::None,
            },
            seed,
        })
    }

    /// What the job asks that this engine does differently, for its page.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        let training = self.training_settings.clone().unwrap_or_default();
        let skipped: Vec<&String> = training
            .allowed_training_algorithms
            .iter()
            .filter(|n| Algorithm::parse(n).is_none())
            .collect();
        if !skipped.is_empty() {
            let names: Vec<&str> = skipped.iter().map(|s| s.as_str()).collect();
            notes.push(format!(
                "Not trained here, so left out of the sweep: {}.",
                names.join(", ")
            ));
        }
        if training.enable_stack_ensemble == Some(true) {
            notes.push("A StackEnsemble is not trained here; the VotingEnsemble is.".into());
        }
        let limits = self.limits();
        if limits
            .rest
            .get("maxCoresPerTrial")
            .is_some_and(|v| v.as_i64() != Some(-1))
        {
            notes.push(
                "maxCoresPerTrial is kept but not used: a trial trains on one thread.".into(),
            );
        }
        notes
    }
}

pub mod drive;
pub mod fixture;
pub mod record;
pub mod rows;
pub mod yaml;

#[cfg(test)]
mod tests;
