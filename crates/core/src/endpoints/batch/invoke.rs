//! Invoking a batch endpoint (`POST <scoringUri>`, what azure-ai-ml's
//! `batch_endpoints.invoke` and `az ml batch-endpoint invoke` send): the deployment the
//! `azureml-model-deployment` header names (or the endpoint's default) scores one input (a
//! data asset, a datastore folder or file) in a job, as on Azure a pipeline job of the
//! endpoint's experiment, whose `score` output gets the predictions. What the job needs to
//! know of its deployment is kept in its properties, set once, as Azure keeps them.

use super::StoredBatchDeployment;
use crate::arm::ArmError;
use crate::endpoints::rules::bad;
use crate::jobs::command::{JobInput, JobOutput, JobSpec};
use crate::jobs::job::Submission;
use crate::jobs::submit::output_uri;
use crate::workspace::roles::Action;
use crate::workspace::Workspace;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The output a batch job writes its predictions to.
pub const SCORE_OUTPUT: &str = "score";
/// The property that marks a job as a batch endpoint's.
pub const BATCH_RUN: &str = "azureml.batchrun";

/// What a batch job needs to know of its deployment, from its properties.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchSettings {
    /// The batch endpoint's name.
    pub endpoint: String,
    /// The deployment's name.
    pub deployment: String,
    /// The model version's ARM id.
    pub model: String,
    /// Whether every prediction goes to the output file (`AppendRow`), or none
    /// (`SummaryOnly`).
    pub append_rows: bool,
    /// The output file's name.
    pub output_file: String,
    /// How many files a mini-batch holds.
    pub mini_batch_size: usize,
    /// How many mini-batches may fail before the job does (`None`: any number).
    pub error_threshold: Option<usize>,
}

const ENDPOINT: &str = "azureml.endpointName";
const DEPLOYMENT: &str = "azureml.deploymentName";
const MODEL: &str = "azureml.modelId";
const OUTPUT_ACTION: &str = "azureml.outputAction";
const OUTPUT_FILE: &str = "azureml.outputFileName";
const MINI_BATCH: &str = "azureml.miniBatchSize";
const ERROR_THRESHOLD: &str = "azureml.errorThreshold";

impl BatchSettings {
    /// A job's batch settings, if it is a batch endpoint's job.
    pub fn of(spec: &JobSpec) -> Option<BatchSettings> {
        let p = &spec.properties;
        if p.get(BATCH_RUN).map(String::as_str) != Some("true") {
            return None;
        }
        let text = |k: &str| p.get(k).cloned().unwrap_or_default();
        Some(BatchSettings {
            endpoint: text(ENDPOINT),
            deployment: text(DEPLOYMENT),
            model: text(MODEL),
            append_rows: text(OUTPUT_ACTION) != "SummaryOnly",
            output_file: text(OUTPUT_FILE),
            mini_batch_size: text(MINI_BATCH).parse().unwrap_or(10).max(1),
            error_threshold: text(ERROR_THRESHOLD).parse().ok(),
        })
    }
}

/// A key of `object` compared without regard to case (REST callers send `InputData`,
/// azure-ai-ml `inputData`).
fn field<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    object
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

/// An input's or output's type and URI, in the shapes callers send.
fn typed_uri(value: &Value, what: &str) -> Result<(String, Option<String>), ArmError> {
    let Value::Object(o) = value else {
        return Err(bad(format!(
            "{what} must be an object with its type and uri."
        )));
    };
    let kind = ["jobInputType", "jobOutputType", "type"]
        .iter()
        .find_map(|k| field(o, k))
        .and_then(Value::as_str)
        .unwrap_or("UriFolder");
    let kind = match kind.to_ascii_lowercase().replace('_', "").as_str() {
        "urifolder" => "uri_folder",
        "urifile" => "uri_file",
        other => {
            return Err(bad(format!("{what} is a {other}; a batch deployment of an MLflow model scores a uri_folder (every file in it) or a uri_file.")))
        }
    };
    let uri = field(o, "uri")
        .or_else(|| field(o, "path"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    Ok((kind.to_owned(), uri))
}

impl Workspace {
    /// The job an invocation of batch endpoint `endpoint` starts, named `job`: to the deployment
    /// `asked` names (the `azureml-model-deployment` header) or the endpoint's default, on
    /// `body`'s one input, for `actor`, who must be allowed to submit jobs.
    pub fn invoke_batch(
        &self,
        actor: &str,
        endpoint: &str,
        asked: Option<&str>,
        job: &str,
        body: &Value,
    ) -> Result<Submission, ArmError> {
        self.authorize(actor, Action::WriteJobs)?;
        let found = self.batch_endpoint(endpoint)?;
        let endpoint = found.resource.name.clone();
        let deployment = match asked.or(found.resource.properties.defaults.deployment_name.as_deref()) {
            Some(name) => self.batch_deployment(&endpoint, name)?,
            None => return Err(bad(format!("The batch endpoint '{endpoint}' has no deployment yet: create one, then invoke it."))),
        };
        if deployment.resource.properties.provisioning_state.as_deref() != Some("Succeeded") {
            return Err(ArmError::new("Conflict", format!("The deployment '{}' is still being created; invoke the endpoint when it has Succeeded.", deployment.resource.name)));
        }
        let Some(Value::Object(props)) = body.get("properties") else {
            return Err(bad(
                "The invocation must have 'properties' with its input (properties.inputData).",
            ));
        };
        let inputs = match field(props, "inputData") {
            Some(Value::Object(inputs)) => inputs,
            _ => return Err(bad("The invocation names no input: give properties.inputData, e.g. {\"heart_dataset\": {\"jobInputType\": \"UriFolder\", \"uri\": \"azureml:heart-unlabeled:1\"}}.")),
        };
        if inputs.len() != 1 {
            return Err(bad(format!("A batch deployment of an MLflow model takes exactly one input; this invocation gives {}.", inputs.len())));
        }
        let (input_name, input) = inputs.iter().next().expect("one input");
        let (input_type, uri) = typed_uri(input, &format!("The input '{input_name}'"))?;
        let uri = uri.ok_or_else(|| bad(format!("The input '{input_name}' has no uri.")))?;
        self.data_location(&uri)
            .map_err(|e| bad(format!("The input '{input_name}': {e}")))?;
        let mut outputs = BTreeMap::new();
        let output_uri_asked = match field(props, "outputData") {
            Some(Value::Object(o)) => match o.iter().next() {
                Some((_, v)) => typed_uri(v, "The output")?.1,
                None => None,
            },
            _ => None,
        };
        outputs.insert(
            SCORE_OUTPUT.to_owned(),
            JobOutput {
                job_output_type: "uri_folder".into(),
                uri: Some(output_uri_asked.unwrap_or_else(|| output_uri(job, SCORE_OUTPUT))),
                ..Default::default()
            },
        );
        let mut inputs = BTreeMap::new();
        inputs.insert(
            input_name.clone(),
            JobInput {
                job_input_type: input_type,
                uri: Some(uri),
                ..Default::default()
            },
        );
        let properties = settings_properties(deployment, props)?;
        let experiment = field(props, "properties")
            .and_then(|p| p.get("experimentName"))
            .and_then(Value::as_str)
            .filter(|n| !n.trim().is_empty())
            .map_or_else(|| endpoint.clone(), str::to_owned);
        Ok(Submission {
            spec: JobSpec {
                job_type: "Pipeline".into(),
                description: Some(format!(
                    "Batch scoring by the deployment '{}' of the batch endpoint '{endpoint}'.",
                    deployment.resource.name
                )),
                properties,
                compute_id: Some(deployment.resource.properties.compute.clone()),
                inputs,
                outputs,
                ..Default::default()
            },
            display_name: Some(job.to_owned()),
            experiment_name: experiment,
            tags: Vec::new(),
            archived: None,
        })
    }
}

/// The job's properties: the deployment's settings, with what the invocation overrides.
fn settings_properties(
    deployment: &StoredBatchDeployment,
    props: &Map<String, Value>,
) -> Result<BTreeMap<String, String>, ArmError> {
    let d = &deployment.resource.properties;
    let number = |key: &str, default: i64, least: i64| -> Result<i64, ArmError> {
        match field(props, key) {
            None | Some(Value::Null) => Ok(default),
            Some(v) => v
                .as_i64()
                .filter(|n| *n >= least)
                .ok_or_else(|| bad(format!("{key} must be a whole number of at least {least}."))),
        }
    };
    let mini_batch = number("miniBatchSize", i64::from(d.mini_batch_size), 1)?;
    let threshold = number("errorThreshold", d.error_threshold.unwrap_or(-1), -1)?;
    let output_file = match field(props, "outputFileName").and_then(Value::as_str) {
        Some(name) if name.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) && !name.starts_with('.') && !name.is_empty() => name.to_owned(),
        Some(name) => return Err(bad(format!("The output file name '{name}' must be a plain file name: letters, digits, '.', '_' and '-'."))),
        None => d.output_file_name.clone(),
    };
    let mut out = BTreeMap::new();
    let mut put = |k: &str, v: String| {
        out.insert(k.to_owned(), v);
    };
    put(BATCH_RUN, "true".into());
    put(ENDPOINT, deployment.endpoint.clone());
    put(DEPLOYMENT, deployment.resource.name.clone());
    put(MODEL, d.model.asset_id.clone());
    put(OUTPUT_ACTION, d.output_action.clone());
    put(OUTPUT_FILE, output_file);
    put(MINI_BATCH, mini_batch.to_string());
    put(ERROR_THRESHOLD, threshold.to_string());
    Ok(out)
}
