//! A job as ARM describes it: a command job (`jobType: Command`: its command with
//! `${{inputs.x}}` and `${{outputs.y}}` in it, code, environment, variables, inputs, outputs
//! and limits) or an AutoML job (`jobType: AutoML`: its `taskDetails`, see [`super::automl`]),
//! and the rules a submission must meet before it is accepted. What a job shares with its MLflow
//! run (display name, experiment, tags, status) is kept on the run, once.

use crate::arm::json_de::FromValue;
use crate::arm::ArmError;
use crate::time::parse_duration_seconds;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The job types Azure ML has; command and AutoML jobs run here.
pub const JOB_TYPES: [&str; 5] = ["Command", "Sweep", "Pipeline", "AutoML", "Spark"];
/// Input types (`jobInputType`).
pub const INPUT_TYPES: [&str; 7] = [
    "literal",
    "uri_file",
    "uri_folder",
    "mltable",
    "custom_model",
    "mlflow_model",
    "triton_model",
];
/// Output types (`jobOutputType`).
pub const OUTPUT_TYPES: [&str; 6] = [
    "uri_file",
    "uri_folder",
    "mltable",
    "custom_model",
    "mlflow_model",
    "triton_model",
];
/// Input modes.
pub const INPUT_MODES: [&str; 6] = [
    "ReadOnlyMount",
    "ReadWriteMount",
    "Download",
    "Direct",
    "EvalMount",
    "EvalDownload",
];
/// Output modes.
pub const OUTPUT_MODES: [&str; 3] = ["ReadWriteMount", "Upload", "Direct"];
/// The longest command accepted.
pub const MAX_COMMAND: usize = 64 * 1024;
/// The longest timeout a job may ask for: 30 days.
pub const MAX_TIMEOUT_SECONDS: u64 = 30 * 24 * 3600;

/// One input of a job.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct JobInput {
    /// `literal`, `uri_file`, `uri_folder`, ...
    pub job_input_type: String,
    /// A literal's value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Where the data is (`azureml://datastores/...`, `azureml:name:version`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// How the job sees it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// What it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// One output of a job.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct JobOutput {
    /// `uri_folder`, `uri_file`, `mlflow_model`, ...
    pub job_output_type: String,
    /// Where it is kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// How the job writes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// The data asset it is registered as, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asset_name: Option<String>,
    /// What it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A command job's limits.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct CommandLimits {
    /// Always `Command`.
    #[serde(default = "command_limits_type")]
    pub job_limits_type: String,
    /// The longest it may run, ISO 8601 (`PT30M`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
}

fn command_limits_type() -> String {
    "Command".into()
}

/// What a person asks of a job: the ARM properties other than those kept on the run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct JobSpec {
    /// `Command` or `AutoML`.
    #[serde(default)]
    pub job_type: String,
    /// An AutoML job's task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_details: Option<super::automl::AutoMLTask>,
    /// What it is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Properties (key-value, set once).
    #[serde(default)]
    pub properties: BTreeMap<String, String>,
    /// The compute's ARM id (absent: serverless).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compute_id: Option<String>,
    /// The shell command (a command job's).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub command: String,
    /// The code's ARM id (a code asset's version) or datastore URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_id: Option<String>,
    /// The environment's ARM id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment_id: Option<String>,
    /// Variables set for the command.
    #[serde(default)]
    pub environment_variables: BTreeMap<String, String>,
    /// Inputs by name.
    #[serde(default)]
    pub inputs: BTreeMap<String, JobInput>,
    /// Outputs by name.
    #[serde(default)]
    pub outputs: BTreeMap<String, JobOutput>,
    /// Its limits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<CommandLimits>,
    /// What else the request said (resources, distribution, identity, queueSettings, ...),
    /// kept and answered as sent.
    #[serde(flatten)]
    pub rest: Map<String, Value>,
}

/// The properties ARM computes; a request's are ignored.
const READ_ONLY: [&str; 4] = ["status", "services", "parameters", "jobType"];
/// The properties kept on the run rather than in [`JobSpec`].
pub const ON_THE_RUN: [&str; 4] = ["displayName", "experimentName", "tags", "isArchived"];

pub(crate) fn bad(message: impl Into<String>) -> ArmError {
    ArmError::new("UserError", message)
}

/// Whether `name` may name an input, an output or a variable: a letter or `_`, then letters,
/// digits and `_`, at most 255 characters.
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name.len() <= 255
}

impl JobSpec {
    /// The spec a request's `properties` describe, checked. The job type is checked first:
    /// command and AutoML jobs run here.
    pub fn from_properties(properties: &Value) -> Result<Self, ArmError> {
        let Some(object) = properties.as_object() else {
            return Err(bad("The request must have 'properties', an object."));
        };
        let job_type = object.get("jobType").and_then(Value::as_str).unwrap_or("");
        let job_type = if job_type.eq_ignore_ascii_case("Command") {
            "Command"
        } else if job_type.eq_ignore_ascii_case("AutoML") {
            "AutoML"
        } else {
            let known = JOB_TYPES.iter().any(|t| t.eq_ignore_ascii_case(job_type));
            return Err(bad(if known {
                format!(
                    "This server runs command and AutoML jobs; a {job_type} job cannot be submitted here yet."
                )
            } else {
                format!(
                    "properties.jobType must be one of {}, not '{job_type}'.",
                    JOB_TYPES.join(", ")
                )
            }));
        };
        let mut object = object.clone();
        for key in READ_ONLY.iter().chain(ON_THE_RUN.iter()) {
            object.remove(*key);
        }
        let mut spec: JobSpec = crate::arm::json_de::from_value(Value::Object(object))
            .map_err(|e| bad(format!("The job's properties are not valid: {e}.")))?;
        spec.job_type = job_type.into();
        spec.check()?;
        Ok(spec)
    }

    /// Whether it is an AutoML job.
    pub fn is_automl(&self) -> bool {
        self.job_type == "AutoML"
    }

    /// Checks an AutoML job: its task, and outputs of its own (`best_model`).
    fn check_automl(&self) -> Result<(), ArmError> {
        let Some(task) = &self.task_details else {
            return Err(bad("An AutoML job needs its task (properties.taskDetails): the task type, the training data and the target column."));
        };
        task.check()?;
        if !self.command.trim().is_empty() {
            return Err(bad(
                "An AutoML job has no command; submit a command job to run one.",
            ));
        }
        for (name, output) in &self.outputs {
            check_output(name, output)?;
        }
        Ok(())
    }

    /// Checks the command, its references, inputs, outputs, variables and limits (or an AutoML
    /// job's task).
    pub fn check(&self) -> Result<(), ArmError> {
        if self.is_automl() {
            return self.check_automl();
        }
        if self.task_details.is_some() {
            return Err(bad("Only an AutoML job has taskDetails."));
        }
        if self.command.trim().is_empty() {
            return Err(bad(
                "A command job needs a command, e.g. 'python train.py'.",
            ));
        }
        if self.command.len() > MAX_COMMAND {
            return Err(bad(format!(
                "The command is {} characters long; at most {MAX_COMMAND} are accepted.",
                self.command.len()
            )));
        }
        if self.environment_id.as_deref().is_none_or(str::is_empty) {
            return Err(bad("A command job needs an environment (environmentId), e.g. azureml://registries/azureml/environments/sklearn-1.5/labels/latest."));
        }
        for (name, input) in &self.inputs {
            check_input(name, input)?;
        }
        for (name, output) in &self.outputs {
            check_output(name, output)?;
        }
        for name in self.environment_variables.keys() {
            if !is_identifier(name) {
                return Err(bad(format!("'{name}' cannot name an environment variable: use letters, digits and '_', starting with a letter or '_'.")));
            }
        }
        // What `$[[ ... ]]` holds is optional: its inputs may be left out.
        for reference in references(&without_optional(&self.command)) {
            let (kind, name) = reference;
            let known = match kind {
                "inputs" => self.inputs.contains_key(name),
                _ => self.outputs.contains_key(name) || name == "default",
            };
            if !known {
                return Err(bad(format!("The command uses ${{{{{kind}.{name}}}}}, but the job has no {} named '{name}'.", &kind[..kind.len() - 1])));
            }
        }
        self.timeout_seconds()?;
        if let Some(code) = &self.code_id {
            check_code(code)?;
        }
        Ok(())
    }

    /// The job's timeout in seconds, if it has one.
    pub fn timeout_seconds(&self) -> Result<Option<u64>, ArmError> {
        let Some(text) = self.limits.as_ref().and_then(|l| l.timeout.as_deref()) else {
            return Ok(None);
        };
        match parse_duration_seconds(text) {
            Some(s) if s > 0 && s <= MAX_TIMEOUT_SECONDS => Ok(Some(s)),
            _ => Err(bad(format!("limits.timeout must be an ISO 8601 duration from PT1S to P30D (e.g. PT30M), not '{text}'."))),
        }
    }

    /// What may change once a job is submitted: its description (its display name, tags and
    /// whether it is archived are the run's). Anything else is refused.
    pub fn check_change(&self, next: &JobSpec) -> Result<(), ArmError> {
        let mut same = next.clone();
        same.description.clone_from(&self.description);
        if same != *self {
            return Err(ArmError::new("UserError", "A submitted job's command, code, environment, inputs, outputs, compute and limits cannot change; submit a new job (the studio's 'Edit and submit' does that)."));
        }
        Ok(())
    }
}

/// Where a job's code may be: a code version, or a folder of a datastore (whether it exists
/// is for the server to say, which keeps them).
fn check_code(code: &str) -> Result<(), ArmError> {
    match super::code::code_ref(code) {
        Some(_) => Ok(()),
        None => Err(bad(format!("codeId '{code}' names neither a code asset version (.../codes/<name>/versions/<version>, or azureml:<name>:<version>) nor a datastore folder (azureml://datastores/workspaceblobstore/paths/<folder>/)."))),
    }
}

fn check_input(name: &str, input: &JobInput) -> Result<(), ArmError> {
    if !is_identifier(name) {
        return Err(bad(format!("'{name}' cannot name an input: use letters, digits and '_', starting with a letter or '_'.")));
    }
    let kind = input.job_input_type.as_str();
    if !INPUT_TYPES.contains(&kind) {
        return Err(bad(format!(
            "Input '{name}' has jobInputType '{kind}'; it must be one of {}.",
            INPUT_TYPES.join(", ")
        )));
    }
    if kind == "literal" {
        if input.value.is_none() {
            return Err(bad(format!("Literal input '{name}' needs a value.")));
        }
    } else if input.uri.as_deref().is_none_or(str::is_empty) {
        return Err(bad(format!("Input '{name}' ({kind}) needs a uri, e.g. azureml://datastores/workspaceblobstore/paths/data/iris.csv or azureml:iris:1.")));
    }
    if let Some(mode) = input.mode.as_deref() {
        if !INPUT_MODES.contains(&mode) {
            return Err(bad(format!(
                "Input '{name}' has mode '{mode}'; it must be one of {}.",
                INPUT_MODES.join(", ")
            )));
        }
    }
    Ok(())
}

fn check_output(name: &str, output: &JobOutput) -> Result<(), ArmError> {
    if !is_identifier(name) {
        return Err(bad(format!("'{name}' cannot name an output: use letters, digits and '_', starting with a letter or '_'.")));
    }
    let kind = output.job_output_type.as_str();
    if !OUTPUT_TYPES.contains(&kind) {
        return Err(bad(format!(
            "Output '{name}' has jobOutputType '{kind}'; it must be one of {}.",
            OUTPUT_TYPES.join(", ")
        )));
    }
    if let Some(mode) = output.mode.as_deref() {
        if !OUTPUT_MODES.contains(&mode) {
            return Err(bad(format!(
                "Output '{name}' has mode '{mode}'; it must be one of {}.",
                OUTPUT_MODES.join(", ")
            )));
        }
    }
    Ok(())
}

/// The `${{inputs.x}}` and `${{outputs.y}}` a command uses, as (`inputs`|`outputs`, name).
pub fn references(command: &str) -> Vec<(&'static str, &str)> {
    let mut found = Vec::new();
    let mut rest = command;
    while let Some(start) = rest.find("${{") {
        let after = &rest[start + 3..];
        let Some(end) = after.find("}}") else { break };
        let inner = after[..end].trim();
        if let Some(name) = inner.strip_prefix("inputs.") {
            found.push(("inputs", name.trim()));
        } else if let Some(name) = inner.strip_prefix("outputs.") {
            found.push(("outputs", name.trim()));
        }
        rest = &after[end + 2..];
    }
    found
}

/// The command without its optional parts (`$[[ ... ]]`).
fn without_optional(command: &str) -> String {
    let mut text = String::with_capacity(command.len());
    let mut rest = command;
    while let Some(start) = rest.find("$[[") {
        text.push_str(&rest[..start]);
        match rest[start..].find("]]") {
            Some(end) => rest = &rest[start + end + 2..],
            // Unclosed: not an optional part, kept as text (as `resolve_command` keeps it).
            None => {
                text.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    text.push_str(rest);
    text
}

/// The command as it runs: each `${{inputs.x}}` and `${{outputs.y}}` replaced by its value or
/// path as written, as Azure ML does (so commands written for Azure run unchanged: a value is
/// the submitter's own text, run by their own command), and each optional part `$[[ ... ]]`
/// kept only when every input it uses was given.
pub fn resolve_command(
    command: &str,
    inputs: &BTreeMap<String, String>,
    outputs: &BTreeMap<String, String>,
) -> String {
    let mut text = String::with_capacity(command.len());
    let mut rest = command;
    while let Some(start) = rest.find("$[[") {
        text.push_str(&rest[..start]);
        let after = &rest[start + 3..];
        let Some(end) = after.find("]]") else {
            rest = &rest[start..];
            break;
        };
        let part = &after[..end];
        let given = references(part).iter().all(|(kind, name)| match *kind {
            "inputs" => inputs.contains_key(*name),
            _ => outputs.contains_key(*name),
        });
        if given {
            text.push_str(part);
        }
        rest = &after[end + 2..];
    }
    text.push_str(rest);
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 3..];
        let Some(end) = after.find("}}") else {
            rest = &rest[start..];
            break;
        };
        let inner = after[..end].trim();
        let value = inner
            .strip_prefix("inputs.")
            .and_then(|n| inputs.get(n.trim()))
            .or_else(|| {
                inner
                    .strip_prefix("outputs.")
                    .and_then(|n| outputs.get(n.trim()))
            });
        match value {
            Some(v) => out.push_str(v),
            None => out.push_str(&rest[start..start + 3 + end + 2]),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests;
