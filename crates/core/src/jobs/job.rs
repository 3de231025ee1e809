//! A job over ARM: every MLflow run is a job named by its run id, and a command job is a run
//! that also keeps what was asked of it ([`JobSpec`]) and Azure's status. The job's display
//! name, experiment and tags are the run's, kept once. ARM's resource is built here.

use super::command::JobSpec;
use super::limits::check_name;
use super::run::{run_folder, StoredRun, ARTIFACT_STORE, PROPERTY_TAG_PREFIX, STATUS_REASON_TAG};
use super::status::JobStatus;
use super::tracking::{LifecycleStage, Tag};
use crate::arm::json_de::FromValue;
use crate::arm::{ArmError, SystemData};
use crate::time::format_iso;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// The ARM resource type of a job.
pub const JOB_TYPE: &str = "Microsoft.MachineLearningServices/workspaces/jobs";
/// The experiment of a job that names none (what azure-ai-ml and the CLI fall back to).
pub const DEFAULT_EXPERIMENT_NAME: &str = "Default";
/// The longest display name or description.
pub const MAX_TEXT: usize = 5_000;
/// Where a command job's output and errors go, in its run's artifacts (as in Azure ML).
pub const JOB_LOG: &str = "user_logs/std_log.txt";

/// What a command job keeps beside its run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct StoredJob {
    /// What was asked of it.
    pub spec: JobSpec,
    /// Azure's status.
    pub status: JobStatus,
    /// Why it waits, or why it ended as it did, for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// When its command started (ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started: Option<i64>,
    /// The member who submitted it (its process logs as them).
    #[serde(default)]
    pub submitted_by: String,
}

/// What a job submission (`PUT .../jobs/{name}`) asks, taken apart.
#[derive(Debug)]
pub struct Submission {
    /// The command job.
    pub spec: JobSpec,
    /// Its display name, if given.
    pub display_name: Option<String>,
    /// Its experiment's name ([`DEFAULT_EXPERIMENT_NAME`] when none is given).
    pub experiment_name: String,
    /// Its tags.
    pub tags: Vec<Tag>,
    /// Whether it is archived (`isArchived`): an archived job is a deleted run, and back.
    pub archived: Option<bool>,
}

fn bad(message: impl Into<String>) -> ArmError {
    ArmError::new("UserError", message)
}

/// Checks a job's name as Azure does: letters, digits, `-` and `_`, starting with a letter or
/// digit, at most 255 characters.
pub fn check_job_name(name: &str) -> Result<(), ArmError> {
    let mut chars = name.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && name.len() <= 255;
    if ok {
        Ok(())
    } else {
        Err(ArmError::new("ValidationError", format!("'{name}' cannot name a job: use letters, digits, '-' and '_', starting with a letter or digit, at most 255 characters.")))
    }
}

impl Submission {
    /// Reads a PUT body (`{"properties": {...}}`).
    pub fn from_body(body: &Value) -> Result<Self, ArmError> {
        let properties = body
            .get("properties")
            .ok_or_else(|| bad("The request must have 'properties'."))?;
        let spec = JobSpec::from_properties(properties)?;
        let text = |key: &str| -> Result<Option<String>, ArmError> {
            match properties.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) if s.len() <= MAX_TEXT => Ok(Some(s.clone())),
                Some(Value::String(_)) => Err(bad(format!(
                    "properties.{key} can be at most {MAX_TEXT} characters."
                ))),
                Some(_) => Err(bad(format!("properties.{key} must be a string."))),
            }
        };
        if spec
            .description
            .as_ref()
            .is_some_and(|d| d.len() > MAX_TEXT)
        {
            return Err(bad(format!(
                "properties.description can be at most {MAX_TEXT} characters."
            )));
        }
        let display_name = text("displayName")?.filter(|n| !n.trim().is_empty());
        if let Some(name) = &display_name {
            check_name("run", name).map_err(|e| bad(e.message))?;
        }
        let experiment_name = text("experimentName")?
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_EXPERIMENT_NAME.to_owned());
        let tags = match properties.get("tags") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Object(map)) => map
                .iter()
                .map(|(k, v)| Tag {
                    key: k.clone(),
                    value: v
                        .as_str()
                        .map_or_else(|| crate::arm::json::to_json(v), str::to_owned),
                })
                .collect(),
            Some(_) => return Err(bad("properties.tags must be an object of strings.")),
        };
        for tag in &tags {
            super::limits::check_tag(tag).map_err(|e| bad(e.message))?;
        }
        let archived = match properties.get("isArchived") {
            None | Some(Value::Null) => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(_) => return Err(bad("properties.isArchived must be true or false.")),
        };
        Ok(Self {
            spec,
            display_name,
            experiment_name,
            tags,
            archived,
        })
    }
}

impl StoredRun {
    /// Azure's status of the job this run is.
    pub fn job_status(&self) -> JobStatus {
        self.job
            .as_ref()
            .map_or_else(|| JobStatus::of_run(self.info.status), |j| j.status)
    }

    /// Moves a command job to `next` (forward only), with why (`None` when there is nothing
    /// to say); MLflow sees the same. Answers whether anything changed.
    pub fn set_job_status(&mut self, next: JobStatus, reason: Option<String>, now: i64) -> bool {
        let Some(job) = self.job.as_mut() else {
            return false;
        };
        if !job.status.may_become(next) {
            return false;
        }
        if next == JobStatus::Running && job.started.is_none() {
            job.started = Some(now);
        }
        job.status = next;
        job.reason = reason;
        self.info.status = next.run_status();
        if next.is_terminal() {
            self.info.end_time = Some(now);
        }
        true
    }
}

/// Where a job's resource lives and links to.
pub struct JobPlace<'a> {
    /// The workspace's ARM id.
    pub workspace: &'a str,
    /// The job's experiment's name.
    pub experiment_name: &'a str,
    /// The workspace's MLflow tracking URI.
    pub tracking_uri: &'a str,
    /// The job's page in the studio.
    pub studio_url: String,
}

/// The job's implicit `default` output: its run's folder in the artifact store.
pub fn default_output(run_id: &str) -> Value {
    json!({
        "jobOutputType": "uri_folder",
        "mode": "ReadWriteMount",
        "uri": format!("azureml://datastores/{ARTIFACT_STORE}/paths/{}/", run_folder(run_id)),
    })
}

/// The job as ARM answers it.
pub fn job_resource(run: &StoredRun, place: &JobPlace<'_>) -> Value {
    let info = &run.info;
    let tags: Map<String, Value> = run
        .tags
        .iter()
        .filter(|(k, _)| !k.starts_with("mlflow.") && !k.starts_with(PROPERTY_TAG_PREFIX))
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    let mut properties = match &run.job {
        Some(job) => serde_json::to_value(&job.spec).unwrap_or_else(|_| json!({})),
        // A run an `mlflow` client made: a job with no command of its own.
        None => json!({ "jobType": "Command", "command": "" }),
    };
    // What a job's run set on itself as Azure's properties (an AutoML job's best child, say).
    let azure: Vec<(&String, &String)> = run
        .tags
        .iter()
        .filter(|(k, _)| k.starts_with(PROPERTY_TAG_PREFIX))
        .collect();
    if !azure.is_empty() {
        if let Some(map) = properties.as_object_mut() {
            let own = map.entry("properties").or_insert_with(|| json!({}));
            if let Some(own) = own.as_object_mut() {
                for (k, v) in azure {
                    own.insert(k.clone(), Value::String(v.clone()));
                }
            }
        }
    }
    let status = run.job_status();
    let fields = [
        ("displayName", Value::String(info.run_name.clone())),
        (
            "experimentName",
            Value::String(place.experiment_name.to_owned()),
        ),
        ("tags", Value::Object(tags)),
        ("status", Value::String(status.as_str().to_owned())),
        (
            "services",
            json!({
                "Studio": {"jobServiceType": "Studio", "endpoint": place.studio_url},
                "Tracking": {"jobServiceType": "Tracking", "endpoint": place.tracking_uri},
            }),
        ),
    ];
    if let Some(map) = properties.as_object_mut() {
        for (key, value) in fields {
            map.insert(key.to_owned(), value);
        }
        let outputs = map
            .entry("outputs")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(outputs) = outputs.as_object_mut() {
            outputs.insert("default".into(), default_output(&info.run_id));
        }
        let reason = match &run.job {
            Some(job) => job.reason.as_ref(),
            None => run.tags.get(STATUS_REASON_TAG),
        };
        if let Some(reason) = reason {
            map.insert("statusReason".into(), Value::String(reason.clone()));
        }
        let archived = info.lifecycle_stage == LifecycleStage::Deleted;
        map.insert("isArchived".into(), Value::Bool(archived));
    }
    let created = format_iso(info.start_time);
    json!({
        "id": format!("{}/jobs/{}", place.workspace, info.run_id),
        "name": info.run_id,
        "type": JOB_TYPE,
        "properties": properties,
        "systemData": SystemData::created(&info.user_id, &created),
    })
}

#[cfg(test)]
mod tests;
