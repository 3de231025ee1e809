//! MLflow's tracking messages as its REST API 2.0 carries them: proto field names in snake_case,
//! times as int64 milliseconds (numbers, or strings as protobuf's JSON writes them), doubles that
//! may be `"NaN"` or `"Infinity"`.

use crate::arm::json_de::FromValue;
use azimuth_ml::decimal::parse_f64;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An error in MLflow's shape: `{"error_code", "message"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, FromValue)]
pub struct TrackingError {
    /// MLflow's code, e.g. `RESOURCE_DOES_NOT_EXIST`.
    pub error_code: String,
    /// A sentence for people.
    pub message: String,
}

impl TrackingError {
    /// An error with `code` and `message`.
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Self {
            error_code: code.to_owned(),
            message: message.into(),
        }
    }

    /// `INVALID_PARAMETER_VALUE`: the request asks for something MLflow's rules refuse.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new("INVALID_PARAMETER_VALUE", message)
    }

    /// `RESOURCE_DOES_NOT_EXIST`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new("RESOURCE_DOES_NOT_EXIST", message)
    }

    /// The HTTP status MLflow answers this code with.
    pub fn http_status(&self) -> u16 {
        match self.error_code.as_str() {
            "RESOURCE_DOES_NOT_EXIST" | "NOT_FOUND" | "ENDPOINT_NOT_FOUND" => 404,
            "PERMISSION_DENIED" => 403,
            "UNAUTHENTICATED" => 401,
            "ALREADY_EXISTS" | "RESOURCE_CONFLICT" | "ABORTED" => 409,
            "REQUEST_LIMIT_EXCEEDED" => 429,
            "INTERNAL_ERROR" => 500,
            "TEMPORARILY_UNAVAILABLE" => 503,
            "NOT_IMPLEMENTED" => 501,
            _ => 400,
        }
    }
}

/// A key and a value: an experiment's or a run's tag, or a run's param.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, FromValue)]
pub struct Tag {
    /// The key.
    pub key: String,
    /// The value (MLflow sends none for an empty one).
    #[serde(default)]
    pub value: String,
}

/// Whether an experiment or a run is live or deleted (and restorable).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "snake_case")]
pub enum LifecycleStage {
    /// Live.
    #[default]
    Active,
    /// Deleted; can be restored.
    Deleted,
}

/// Which experiments or runs a search sees.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ViewType {
    /// Live ones (the default).
    #[default]
    ActiveOnly,
    /// Deleted ones.
    DeletedOnly,
    /// Both.
    All,
}

impl ViewType {
    /// Whether something in `stage` is seen.
    pub fn shows(self, stage: LifecycleStage) -> bool {
        match self {
            Self::ActiveOnly => stage == LifecycleStage::Active,
            Self::DeletedOnly => stage == LifecycleStage::Deleted,
            Self::All => true,
        }
    }
}

/// An experiment: a named group of runs (Azure's `experimentName`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FromValue)]
pub struct Experiment {
    /// Its id (a GUID, as Azure ML gives them).
    pub experiment_id: String,
    /// Its name, unique in the workspace.
    pub name: String,
    /// Where its runs' artifacts go.
    pub artifact_location: String,
    /// Live or deleted.
    pub lifecycle_stage: LifecycleStage,
    /// When it was last changed (ms).
    #[serde(with = "int64")]
    pub last_update_time: i64,
    /// When it was created (ms).
    #[serde(with = "int64")]
    pub creation_time: i64,
    /// Its tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

/// A run's state (Azure's job status seen through MLflow: Completed is FINISHED, Failed is
/// FAILED, Canceled is KILLED).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RunStatus {
    /// Running.
    #[default]
    Running,
    /// Waiting to run.
    Scheduled,
    /// Ended well.
    Finished,
    /// Ended badly.
    Failed,
    /// Stopped by someone.
    Killed,
}

impl RunStatus {
    /// The word MLflow uses, as in filters (`attributes.status = 'FINISHED'`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "RUNNING",
            Self::Scheduled => "SCHEDULED",
            Self::Finished => "FINISHED",
            Self::Failed => "FAILED",
            Self::Killed => "KILLED",
        }
    }

    /// Whether the run has ended.
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Finished | Self::Failed | Self::Killed)
    }
}

/// One value of a metric.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FromValue)]
pub struct Metric {
    /// The metric's name.
    pub key: String,
    /// The value (may be NaN or infinite).
    #[serde(with = "double")]
    pub value: f64,
    /// When it was measured (ms).
    #[serde(with = "int64", default)]
    pub timestamp: i64,
    /// The step it belongs to.
    #[serde(with = "int64", default)]
    pub step: i64,
}

/// What a run is: its id, name, experiment, person, status and times.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FromValue)]
pub struct RunInfo {
    /// The run id, which is also the job's name.
    pub run_id: String,
    /// The same id, under MLflow's old name for it.
    pub run_uuid: String,
    /// The run's display name.
    pub run_name: String,
    /// Its experiment.
    pub experiment_id: String,
    /// Who created it.
    pub user_id: String,
    /// Its state.
    pub status: RunStatus,
    /// When it started (ms).
    #[serde(with = "int64")]
    pub start_time: i64,
    /// When it ended (ms), once it has.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "int64_opt")]
    pub end_time: Option<i64>,
    /// Where its artifacts are.
    pub artifact_uri: String,
    /// Live or deleted.
    pub lifecycle_stage: LifecycleStage,
}

/// What a run logged: the latest value of each metric, its params and its tags.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
pub struct RunData {
    /// The latest value of each metric.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub metrics: Vec<Metric>,
    /// Params.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<Tag>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

/// A run as `runs/get` and `runs/search` answer it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FromValue)]
pub struct Run {
    /// What the run is.
    pub info: RunInfo,
    /// What it logged.
    pub data: RunData,
    /// Its inputs: `{"dataset_inputs": [...]}`, as logged.
    #[serde(default)]
    pub inputs: serde_json::Value,
}

/// An int64 as a JSON number, read from a number or a string (protobuf's JSON writes strings).
pub mod int64 {
    use super::*;

    /// Writes the number.
    pub fn serialize<S: Serializer>(value: &i64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(*value)
    }

    /// Reads a number or a string holding one.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        #[derive(Deserialize, FromValue)]
        #[serde(untagged)]
        enum Either {
            Number(i64),
            Text(String),
        }
        match Either::deserialize(d)? {
            Either::Number(n) => Ok(n),
            Either::Text(t) => t
                .trim()
                .parse()
                .map_err(|_| serde::de::Error::custom(format!("'{t}' is not a whole number"))),
        }
    }
}

/// An optional int64, as [`int64`].
pub mod int64_opt {
    use super::*;

    /// Writes the number, or null.
    pub fn serialize<S: Serializer>(value: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => s.serialize_i64(*v),
            None => s.serialize_none(),
        }
    }

    /// Reads a number, a string holding one, or null.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        #[derive(Deserialize, FromValue)]
        struct Wrapped(#[serde(with = "int64")] i64);
        Ok(Option::<Wrapped>::deserialize(d)?.map(|w| w.0))
    }
}

/// A double as protobuf's JSON writes it: a number, or `"NaN"`, `"Infinity"`, `"-Infinity"`.
pub mod double {
    use super::*;

    /// Writes a finite value as a number, others as protobuf's strings.
    pub fn serialize<S: Serializer>(value: &f64, s: S) -> Result<S::Ok, S::Error> {
        if value.is_nan() {
            s.serialize_str("NaN")
        } else if value.is_infinite() {
            s.serialize_str(if *value > 0.0 {
                "Infinity"
            } else {
                "-Infinity"
            })
        } else {
            s.serialize_f64(*value)
        }
    }

    /// Reads a number or one of protobuf's strings (or a number written as a string).
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        #[derive(Deserialize, FromValue)]
        #[serde(untagged)]
        enum Either {
            Number(f64),
            Text(String),
        }
        match Either::deserialize(d)? {
            Either::Number(n) => Ok(n),
            Either::Text(t) => match t.as_str() {
                "NaN" | "nan" => Ok(f64::NAN),
                "Infinity" | "inf" => Ok(f64::INFINITY),
                "-Infinity" | "-inf" => Ok(f64::NEG_INFINITY),
                other => parse_f64(other.trim())
                    .ok_or_else(|| serde::de::Error::custom(format!("'{t}' is not a number"))),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_read_protobuf_json_and_write_it_back() {
        let m: Metric = serde_json::from_str(
            r#"{"key": "loss", "value": "NaN", "timestamp": "1700000000000", "step": 3}"#,
        )
        .unwrap();
        assert!(m.value.is_nan());
        assert_eq!((m.timestamp, m.step), (1_700_000_000_000, 3));
        let text = serde_json::to_string(&m).unwrap();
        assert!(text.contains(r#""value":"NaN""#), "{text}");
        let m: Metric = serde_json::from_str(r#"{"key": "a", "value": -1.5e3}"#).unwrap();
        assert_eq!((m.value, m.step), (-1500.0, 0));
        assert!(serde_json::from_str::<Metric>(r#"{"key": "a", "value": "high"}"#).is_err());
    }

    #[test]
    fn statuses_and_codes_are_mlflows() {
        assert_eq!(
            serde_json::to_string(&RunStatus::Killed).unwrap(),
            "\"KILLED\""
        );
        assert_eq!(TrackingError::not_found("x").http_status(), 404);
        assert_eq!(TrackingError::invalid("x").http_status(), 400);
        assert!(ViewType::All.shows(LifecycleStage::Deleted));
        assert!(!ViewType::ActiveOnly.shows(LifecycleStage::Deleted));
    }
}
