//! Azure ML CLI v2 YAML of batch endpoints and deployments (`az ml batch-endpoint create -f`,
//! `batchEndpoint.schema.json`; `az ml batch-deployment create -f`,
//! `modelBatchDeployment.schema.json`), written and read: each is the other's reverse (round
//! trip tested).

use super::{AssetReference, BatchDeploymentResource, BatchEndpointResource};
use crate::endpoints::rules::endpoint_name_error;
use crate::endpoints::yaml::cli_model;
use crate::yaml_in::{parse, Field, YamlError};
use crate::yaml_out::{raw, string_map, text, write, Node};
use serde_json::{json, Value};

/// The CLI v2 schema of a batch endpoint file.
pub const BATCH_ENDPOINT_SCHEMA: &str =
    "https://azuremlschemas.azureedge.net/latest/batchEndpoint.schema.json";
/// The CLI v2 schema of a model batch deployment file.
pub const BATCH_DEPLOYMENT_SCHEMA: &str =
    "https://azuremlschemas.azureedge.net/latest/modelBatchDeployment.schema.json";
/// Output actions: the CLI's spelling and ARM's.
const OUTPUT_ACTIONS: [(&str, &str); 2] =
    [("append_row", "AppendRow"), ("summary_only", "SummaryOnly")];
/// Logging levels: the CLI's spelling and ARM's.
const LOGGING: [(&str, &str); 3] = [("info", "Info"), ("warning", "Warning"), ("debug", "Debug")];

/// The CLI v2 YAML of a batch endpoint.
pub fn batch_endpoint_yaml(endpoint: &BatchEndpointResource) -> String {
    let p = &endpoint.properties;
    let mut doc = vec![
        ("$schema".into(), raw(BATCH_ENDPOINT_SCHEMA)),
        ("name".into(), text(&endpoint.name)),
        ("auth_mode".into(), raw("aad_token")),
    ];
    if let Some(d) = p.description.as_deref().filter(|d| !d.is_empty()) {
        doc.push(("description".into(), text(d)));
    }
    if let Some(name) = &p.defaults.deployment_name {
        let default = vec![("deployment_name".to_owned(), text(name))];
        doc.push(("defaults".into(), Node::Map(default)));
    }
    doc.extend(string_map("tags", &endpoint.tags));
    write(doc)
}

/// Reads a batch endpoint file: its name and the endpoint to PUT.
pub fn batch_endpoint_from_yaml(text: &str) -> Result<(String, BatchEndpointResource), YamlError> {
    let root = parse(text)?;
    let doc = Field::root(&root).map()?;
    doc.only(
        "$schema name auth_mode description tags defaults",
        "a batch endpoint file",
    )?;
    let name_field = doc.required("name")?;
    let name = name_field.string()?;
    if let Some(e) = endpoint_name_error(&name, "endpoint") {
        return Err(name_field.fail(e));
    }
    let mut endpoint = BatchEndpointResource {
        name: name.clone(),
        tags: doc.string_map("tags")?,
        ..BatchEndpointResource::default()
    };
    let p = &mut endpoint.properties;
    p.auth_mode = match doc.get("auth_mode") {
        Some(f) => f.choice(&[("aad_token", "AADToken")])?.to_owned(),
        None => "AADToken".into(),
    };
    p.description = doc.opt("description", |f| f.string())?;
    if let Some(defaults) = doc.get("defaults") {
        let defaults = defaults.map()?;
        defaults.only("deployment_name", "defaults")?;
        p.defaults.deployment_name = defaults.opt("deployment_name", |f| f.string())?;
    }
    Ok((name, endpoint))
}

/// The CLI v2 YAML of deployment `deployment` of batch endpoint `endpoint`.
pub fn batch_deployment_yaml(endpoint: &str, deployment: &BatchDeploymentResource) -> String {
    let p = &deployment.properties;
    let compute = p.compute.rsplit('/').next().unwrap_or(&p.compute);
    let compute = compute.strip_prefix("azureml:").unwrap_or(compute);
    let mut doc = vec![
        ("$schema".into(), raw(BATCH_DEPLOYMENT_SCHEMA)),
        ("name".into(), text(&deployment.name)),
        ("endpoint_name".into(), text(endpoint)),
        ("type".into(), raw("model")),
        ("model".into(), text(&cli_model(&p.model.asset_id))),
        ("compute".into(), text(&format!("azureml:{compute}"))),
    ];
    if let Some(d) = p.description.as_deref().filter(|d| !d.is_empty()) {
        doc.push(("description".into(), text(d)));
    }
    if let Some(count) = p.resources.get("instanceCount").and_then(Value::as_u64) {
        let resources = vec![("instance_count".to_owned(), raw(count))];
        doc.push(("resources".into(), Node::Map(resources)));
    }
    let cli = |options: &[(&str, &str)], arm: &str| {
        options
            .iter()
            .find(|(_, a)| a.eq_ignore_ascii_case(arm))
            .map_or_else(|| arm.to_ascii_lowercase(), |(c, _)| (*c).to_owned())
    };
    let mut settings = vec![
        (
            "max_concurrency_per_instance".to_owned(),
            raw(p.max_concurrency_per_instance),
        ),
        ("mini_batch_size".to_owned(), raw(p.mini_batch_size)),
        (
            "output_action".to_owned(),
            raw(cli(&OUTPUT_ACTIONS, &p.output_action)),
        ),
        ("output_file_name".to_owned(), text(&p.output_file_name)),
    ];
    let retry = &p.retry_settings;
    let mut retries = Vec::new();
    if let Some(n) = retry.get("maxRetries").and_then(Value::as_u64) {
        retries.push(("max_retries".to_owned(), raw(n)));
    }
    if let Some(seconds) = retry
        .get("timeout")
        .and_then(Value::as_str)
        .and_then(crate::time::parse_duration_seconds)
    {
        retries.push(("timeout".to_owned(), raw(seconds)));
    }
    if !retries.is_empty() {
        settings.push(("retry_settings".to_owned(), Node::Map(retries)));
    }
    if let Some(t) = p.error_threshold {
        settings.push(("error_threshold".to_owned(), raw(t)));
    }
    if !p.logging_level.is_empty() {
        settings.push((
            "logging_level".to_owned(),
            raw(cli(&LOGGING, &p.logging_level)),
        ));
    }
    doc.push(("settings".into(), Node::Map(settings)));
    doc.extend(string_map("tags", &deployment.tags));
    write(doc)
}

/// A batch deployment file: its endpoint's name, its own name, and the deployment to PUT.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedBatchDeployment {
    /// The endpoint it belongs to (`endpoint_name`).
    pub endpoint: String,
    /// Its name.
    pub name: String,
    /// The deployment to PUT.
    pub resource: BatchDeploymentResource,
}

/// Reads a model batch deployment file.
pub fn batch_deployment_from_yaml(text: &str) -> Result<ImportedBatchDeployment, YamlError> {
    let root = parse(text)?;
    let doc = Field::root(&root).map()?;
    doc.only(
        "$schema name endpoint_name type model compute resources settings description tags code_configuration environment",
        "a batch deployment file",
    )?;
    let name_field = doc.required("name")?;
    let name = name_field.string()?;
    if let Some(e) = endpoint_name_error(&name, "deployment") {
        return Err(name_field.fail(e));
    }
    if let Some(kind) = doc.get("type") {
        kind.choice(&[("model", "model")])?;
    }
    let endpoint = doc.required("endpoint_name")?.string()?;
    let model_field = doc.required("model")?;
    let model = model_field.string().map_err(|_| {
        model_field.fail("name a registered model (azureml:<name>:<version>); a model folder given inline is registered first in the studio's Models page")
    })?;
    let mut resource = BatchDeploymentResource {
        name: name.clone(),
        tags: doc.string_map("tags")?,
        ..BatchDeploymentResource::default()
    };
    let p = &mut resource.properties;
    p.model = AssetReference {
        reference_type: "Id".into(),
        asset_id: model,
    };
    p.compute = doc.required("compute")?.string()?;
    p.description = doc.opt("description", |f| f.string())?;
    if let Some(resources) = doc.get("resources") {
        let resources = resources.map()?;
        resources.only("instance_count", "resources")?;
        if let Some(n) = resources.opt("instance_count", |f| f.whole(1..=100))? {
            p.resources.insert("instanceCount".into(), json!(n));
        }
    }
    if let Some(settings) = doc.get("settings") {
        read_settings(&settings.map()?, p)?;
    }
    for (cli, arm) in [
        ("code_configuration", "codeConfiguration"),
        ("environment", "environmentId"),
    ] {
        if doc.get(cli).is_some() {
            p.rest.insert(arm.into(), json!({"yaml": cli}));
        }
    }
    Ok(ImportedBatchDeployment {
        endpoint,
        name,
        resource,
    })
}

/// Reads a deployment file's `settings`.
fn read_settings(s: &Field, p: &mut super::BatchDeploymentProperties) -> Result<(), YamlError> {
    s.only(
        "max_concurrency_per_instance mini_batch_size output_action output_file_name retry_settings error_threshold logging_level",
        "settings",
    )?;
    if let Some(n) = s.opt("max_concurrency_per_instance", |f| f.whole(1..=1000))? {
        p.max_concurrency_per_instance = n as u32;
    }
    if let Some(n) = s.opt("mini_batch_size", |f| f.whole(1..=10_000))? {
        p.mini_batch_size = n as u32;
    }
    if let Some(action) = s.opt("output_action", |f| f.choice(&OUTPUT_ACTIONS))? {
        p.output_action = action.into();
    }
    if let Some(file) = s.opt("output_file_name", |f| f.string())? {
        p.output_file_name = file;
    }
    if let Some(level) = s.opt("logging_level", |f| f.choice(&LOGGING))? {
        p.logging_level = level.into();
    }
    if let Some(t) = s.get("error_threshold") {
        p.error_threshold = Some(match t.plain() {
            Some("-1") => -1,
            _ => t.whole(0..=1_000_000)? as i64,
        });
    }
    if let Some(retry) = s.get("retry_settings") {
        let retry = retry.map()?;
        retry.only("max_retries timeout", "retry_settings")?;
        if let Some(n) = retry.opt("max_retries", |f| f.whole(0..=100))? {
            p.retry_settings.insert("maxRetries".into(), json!(n));
        }
        if let Some(n) = retry.opt("timeout", |f| f.whole(1..=86_400))? {
            p.retry_settings
                .insert("timeout".into(), json!(format!("PT{n}S")));
        }
    }
    Ok(())
}
