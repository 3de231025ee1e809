//! A run as a store keeps it: what it is, its params and tags by key, and a summary of each
//! metric (its history is kept apart, append-only). The rules of logging live here: params
//! never change value, a deleted run takes nothing, `mlflow.runName` and the run's name are one.

use super::filter::{Attribute, FieldValue, Fields};
use super::limits::{check_name, check_param, check_tag};
use super::metrics::MetricSummary;
use super::tracking::{
    LifecycleStage, Metric, Run, RunData, RunInfo, RunStatus, Tag, TrackingError,
};
use crate::arm::json_de::FromValue;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The tag MLflow keeps a run's name in.
pub const RUN_NAME_TAG: &str = "mlflow.runName";
/// The tag MLflow keeps the person who ran it in.
pub const USER_TAG: &str = "mlflow.user";
/// The datastore runs keep their files in, as on Azure.
pub const ARTIFACT_STORE: &str = "workspaceartifactstore";
/// The folder of [`ARTIFACT_STORE`] that holds runs' files.
pub const RUNS_FOLDER: &str = "ExperimentRun";

/// A run's folder in [`ARTIFACT_STORE`], where Azure ML keeps it: `ExperimentRun/dcid.<run id>`.
pub fn run_folder(run_id: &str) -> String {
    format!("{RUNS_FOLDER}/dcid.{run_id}")
}

/// The run a path of [`ARTIFACT_STORE`] lies in, if it lies in one.
pub fn run_of_path(path: &str) -> Option<&str> {
    path.strip_prefix(RUNS_FOLDER)?
        .strip_prefix("/dcid.")?
        .split('/')
        .next()
        .filter(|id| !id.is_empty())
}

/// The most input datasets a run logs.
pub const MAX_DATASETS: usize = 100;
/// The tag that names a child run's parent.
pub const PARENT_TAG: &str = "mlflow.parentRunId";
/// The tag of a run an AutoML job made (`automl`), as Azure's run property.
pub const RUN_SOURCE_TAG: &str = "azureml.runsource";
/// Tags Azure keeps as a job's properties rather than its tags (`azureml.` ones).
pub const PROPERTY_TAG_PREFIX: &str = "azureml.";
/// Why a run that is not a submitted job ended as it did (an AutoML trial past its iteration
/// timeout): its job's `statusReason`.
pub const STATUS_REASON_TAG: &str = "azureml.status_reason";

/// A metric's summary and its number within the run (the order it was first logged in), which
/// names its history in the store.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct StoredMetric {
    /// The metric's number within the run.
    pub number: u32,
    /// Latest, least, greatest and count.
    #[serde(flatten)]
    pub summary: MetricSummary,
}

/// A run as stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct StoredRun {
    /// What the run is.
    pub info: RunInfo,
    /// Params by key.
    #[serde(default)]
    pub params: BTreeMap<String, String>,
    /// Tags by key.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Metric summaries by key.
    #[serde(default)]
    pub metrics: BTreeMap<String, StoredMetric>,
    /// Datasets logged as inputs (`log-inputs`), as MLflow sent them.
    #[serde(default)]
    pub datasets: Vec<serde_json::Value>,
    /// What a command job keeps beside its run (none for a run an `mlflow` client made).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job: Option<super::job::StoredJob>,
    /// Every value of each metric as (step, timestamp, value), in the order logged, for a
    /// store that keeps histories with their run (the browser's; see [`StoredRun::keep_history`]).
    /// A server keeps them in tables of their own and leaves this empty.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub history: BTreeMap<String, Vec<(i64, i64, f64)>>,
}

/// What a new run starts with.
pub struct NewRun<'a> {
    /// Its id (also the job's name).
    pub run_id: &'a str,
    /// Its experiment's id.
    pub experiment_id: &'a str,
    /// The person who creates it (their sign-in name).
    pub user: &'a str,
    /// Its name, if one was given (or in the `mlflow.runName` tag).
    pub run_name: Option<&'a str>,
    /// A name to use when none was given.
    pub generated_name: String,
    /// When it started (ms).
    pub start_time: i64,
    /// Where its artifacts go.
    pub artifact_uri: String,
    /// Its first tags.
    pub tags: &'a [Tag],
}

fn not_active(run_id: &str) -> TrackingError {
    TrackingError::invalid(format!(
        "The run {run_id} must be in the 'active' state. Current state is deleted."
    ))
}

impl StoredRun {
    /// A new run, RUNNING.
    pub fn new(new: NewRun<'_>) -> Result<Self, TrackingError> {
        new.tags.iter().try_for_each(check_tag)?;
        let tagged = new.tags.iter().find(|t| t.key == RUN_NAME_TAG);
        let name = new
            .run_name
            .filter(|n| !n.is_empty())
            .or(tagged.map(|t| t.value.as_str()).filter(|n| !n.is_empty()))
            .map_or(new.generated_name, str::to_owned);
        check_name("run", &name)?;
        let mut tags: BTreeMap<String, String> = new
            .tags
            .iter()
            .map(|t| (t.key.clone(), t.value.clone()))
            .collect();
        tags.insert(RUN_NAME_TAG.to_owned(), name.clone());
        // Who ran it is who signed in, whatever the client's machine calls its user.
        tags.insert(USER_TAG.to_owned(), new.user.to_owned());
        Ok(Self {
            info: RunInfo {
                run_id: new.run_id.to_owned(),
                run_uuid: new.run_id.to_owned(),
                run_name: name,
                experiment_id: new.experiment_id.to_owned(),
                user_id: new.user.to_owned(),
                status: RunStatus::Running,
                start_time: new.start_time,
                end_time: None,
                artifact_uri: new.artifact_uri,
                lifecycle_stage: LifecycleStage::Active,
            },
            params: BTreeMap::new(),
            tags,
            metrics: BTreeMap::new(),
            datasets: Vec::new(),
            job: None,
            history: BTreeMap::new(),
        })
    }

    /// The run as `runs/get` answers it.
    pub fn to_run(&self) -> Run {
        let pairs = |map: &BTreeMap<String, String>| {
            map.iter()
                .map(|(k, v)| Tag {
                    key: k.clone(),
                    value: v.clone(),
                })
                .collect()
        };
        Run {
            info: self.info.clone(),
            data: RunData {
                metrics: self
                    .metrics
                    .values()
                    .map(|m| m.summary.last.clone())
                    .collect(),
                params: pairs(&self.params),
                tags: pairs(&self.tags),
            },
            inputs: serde_json::json!({ "dataset_inputs": self.datasets }),
        }
    }

    /// Refuses when the run is deleted.
    pub fn check_active(&self) -> Result<(), TrackingError> {
        if self.info.lifecycle_stage == LifecycleStage::Deleted {
            return Err(not_active(&self.info.run_id));
        }
        Ok(())
    }

    /// Checks params against those already logged: a param keeps its first value.
    pub fn check_params(&self, params: &[Tag]) -> Result<(), TrackingError> {
        for param in params {
            check_param(param)?;
            if let Some(old) = self.params.get(&param.key).filter(|v| **v != param.value) {
                return Err(TrackingError::invalid(format!(
                    "Changing param values is not allowed. Param with key='{}' was already logged with value='{old}' for run ID='{}'. Attempted logging new value '{}'.",
                    param.key, self.info.run_id, param.value
                )));
            }
        }
        Ok(())
    }

    /// Logs params, metrics and tags (already checked with [`crate::jobs::limits::check_batch`]
    /// and [`StoredRun::check_params`]); answers each metric with its number in the run, for
    /// its history.
    pub fn log(&mut self, metrics: &[Metric], params: &[Tag], tags: &[Tag]) -> Vec<u32> {
        for param in params {
            self.params
                .entry(param.key.clone())
                .or_insert_with(|| param.value.clone());
        }
        for tag in tags {
            self.set_tag(tag);
        }
        metrics
            .iter()
            .map(|metric| {
                let next = u32::try_from(self.metrics.len()).unwrap_or(u32::MAX);
                let stored = self
                    .metrics
                    .entry(metric.key.clone())
                    .and_modify(|m| m.summary.add(metric))
                    .or_insert_with(|| StoredMetric {
                        number: next,
                        summary: MetricSummary::new(metric),
                    });
                stored.number
            })
            .collect()
    }

    /// Logs `metrics` (see [`StoredRun::log`]) and keeps each value in the run's own
    /// [`StoredRun::history`].
    pub fn log_with_history(&mut self, metrics: &[Metric], params: &[Tag]) {
        self.log(metrics, params, &[]);
        for m in metrics {
            let points = self.history.entry(m.key.clone()).or_default();
            points.push((m.step, m.timestamp, m.value));
        }
    }

    /// Sets a tag (the name tag renames the run).
    pub fn set_tag(&mut self, tag: &Tag) {
        if tag.key == RUN_NAME_TAG {
            self.info.run_name = tag.value.clone();
        }
        self.tags.insert(tag.key.clone(), tag.value.clone());
    }

    /// Removes a tag, or says it is not there.
    pub fn delete_tag(&mut self, key: &str) -> Result<(), TrackingError> {
        if self.tags.remove(key).is_none() {
            return Err(TrackingError::not_found(format!(
                "No tag with name: {key} in run with id {}",
                self.info.run_id
            )));
        }
        Ok(())
    }

    /// `runs/update` of an active run: a new status (an ended run gets its end time, `now`
    /// when none is given), end time or name.
    pub fn update(
        &mut self,
        status: Option<RunStatus>,
        end_time: Option<i64>,
        run_name: Option<&str>,
        now: i64,
    ) -> Result<(), TrackingError> {
        self.check_active()?;
        if let Some(name) = run_name.filter(|n| !n.is_empty()) {
            check_name("run", name)?;
            self.set_tag(&Tag {
                key: RUN_NAME_TAG.to_owned(),
                value: name.to_owned(),
            });
        }
        if self.job.is_some() {
            // A command job's process decides its status, whatever its script tells MLflow.
            return Ok(());
        }
        if let Some(status) = status {
            self.info.status = status;
        }
        if end_time.is_some() {
            self.info.end_time = end_time;
        } else if self.info.status.is_terminal() && self.info.end_time.is_none() {
            self.info.end_time = Some(now);
        }
        Ok(())
    }

    /// `runs/log-inputs`: datasets the run used, each kept once (by name and digest), at most
    /// [`MAX_DATASETS`] in all.
    pub fn log_inputs(&mut self, datasets: Vec<serde_json::Value>) -> Result<(), TrackingError> {
        self.check_active()?;
        let identity = |d: &serde_json::Value| {
            let d = &d["dataset"];
            (
                crate::arm::json::to_json(&d["name"]),
                crate::arm::json::to_json(&d["digest"]),
            )
        };
        for dataset in datasets {
            if self
                .datasets
                .iter()
                .any(|d| identity(d) == identity(&dataset))
            {
                continue;
            }
            if self.datasets.len() >= MAX_DATASETS {
                return Err(TrackingError::invalid(format!(
                    "A run can log at most {MAX_DATASETS} input datasets."
                )));
            }
            self.datasets.push(dataset);
        }
        Ok(())
    }

    /// Marks the run deleted or live again.
    pub fn set_stage(&mut self, stage: LifecycleStage) {
        self.info.lifecycle_stage = stage;
    }
}

impl Fields for StoredRun {
    fn attribute(&self, attribute: Attribute) -> Option<FieldValue<'_>> {
        let info = &self.info;
        Some(match attribute {
            Attribute::RunId => FieldValue::Text(&info.run_id),
            Attribute::RunName => FieldValue::Text(&info.run_name),
            Attribute::Status => FieldValue::Text(info.status.as_str()),
            Attribute::UserId => FieldValue::Text(&info.user_id),
            Attribute::StartTime => FieldValue::Number(info.start_time as f64),
            Attribute::EndTime => FieldValue::Number(info.end_time? as f64),
            Attribute::ArtifactUri => FieldValue::Text(&info.artifact_uri),
            Attribute::ExperimentId => FieldValue::Text(&info.experiment_id),
        })
    }

    fn metric(&self, key: &str) -> Option<f64> {
        self.metrics.get(key).map(|m| m.summary.last.value)
    }

    fn param(&self, key: &str) -> Option<&str> {
        self.params.get(key).map(String::as_str)
    }

    fn tag(&self, key: &str) -> Option<&str> {
        self.tags.get(key).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(key: &str, value: &str) -> Tag {
        Tag {
            key: key.into(),
            value: value.into(),
        }
    }

    fn run(tags: &[Tag]) -> StoredRun {
        StoredRun::new(NewRun {
            run_id: "abc",
            experiment_id: "e1",
            user: "ada@contoso.com",
            run_name: None,
            generated_name: "bold_owl_1".into(),
            start_time: 5,
            artifact_uri: "mlflow-artifacts:/x".into(),
            tags,
        })
        .unwrap()
    }

    #[test]
    fn runs_keep_their_files_where_azure_does() {
        assert_eq!(run_folder("abc"), "ExperimentRun/dcid.abc");
        assert_eq!(
            run_of_path("ExperimentRun/dcid.abc/outputs/x.txt"),
            Some("abc")
        );
        assert_eq!(run_of_path("ExperimentRun/dcid."), None);
        assert_eq!(run_of_path("LocalUpload/x"), None);
    }

    #[test]
    fn a_run_is_named_and_attributed() {
        let r = run(&[tag(USER_TAG, "root")]);
        assert_eq!(r.info.run_name, "bold_owl_1");
        assert_eq!(r.tags[USER_TAG], "ada@contoso.com", "the signed-in person");
        let named = run(&[tag(RUN_NAME_TAG, "baseline")]);
        assert_eq!(named.info.run_name, "baseline");
        assert_eq!(named.to_run().info.run_uuid, "abc");
    }

    #[test]
    fn params_keep_their_first_value_and_names_stay_in_step() {
        let mut r = run(&[]);
        r.check_params(&[tag("lr", "0.1")]).unwrap();
        r.log(&[], &[tag("lr", "0.1")], &[tag(RUN_NAME_TAG, "renamed")]);
        assert_eq!(r.info.run_name, "renamed");
        assert!(r.check_params(&[tag("lr", "0.1")]).is_ok());
        let error = r.check_params(&[tag("lr", "0.2")]).unwrap_err();
        assert!(error
            .message
            .contains("Changing param values is not allowed"));
        r.update(Some(RunStatus::Finished), Some(9), Some("final"), 10)
            .unwrap();
        assert_eq!(r.tags[RUN_NAME_TAG], "final");
        assert_eq!(
            (r.info.status, r.info.end_time),
            (RunStatus::Finished, Some(9))
        );
        assert!(r.delete_tag("nothing").is_err());
        let mut ended = run(&[]);
        ended
            .update(Some(RunStatus::Killed), None, None, 77)
            .unwrap();
        assert_eq!(
            ended.info.end_time,
            Some(77),
            "an ended run gets its end time"
        );
        let dataset = serde_json::json!({"dataset": {"name": "iris", "digest": "abc"}});
        ended.log_inputs(vec![dataset.clone(), dataset]).unwrap();
        assert_eq!(
            ended.datasets.len(),
            1,
            "one dataset logged twice is kept once"
        );
        r.set_stage(LifecycleStage::Deleted);
        assert!(r
            .check_active()
            .unwrap_err()
            .message
            .contains("'active' state"));
    }

    #[test]
    fn metrics_are_numbered_and_summarised() {
        let mut r = run(&[]);
        let m = |key: &str, step: i64, value: f64| Metric {
            key: key.into(),
            value,
            timestamp: 1,
            step,
        };
        assert_eq!(
            r.log(
                &[m("loss", 0, 0.9), m("acc", 0, 0.5), m("loss", 1, 0.4)],
                &[],
                &[]
            ),
            [0, 1, 0]
        );
        assert_eq!(r.metric("loss"), Some(0.4));
        assert_eq!(r.metrics["loss"].summary.max, 0.9);
        assert_eq!(r.to_run().data.metrics.len(), 2);
    }
}
