//! Azure ML CLI v2 YAML of online endpoints and deployments (`az ml online-endpoint create -f`,
//! `managedOnlineEndpoint.schema.json`; `az ml online-deployment create -f`,
//! `managedOnlineDeployment.schema.json`), written and read: each is the other's reverse (round
//! trip tested). The CLI's milliseconds and seconds are ARM's ISO 8601 durations.

use super::{DeploymentResource, EndpointResource, Sku};
use crate::time::duration_seconds;
use crate::yaml_in::{parse, Field, YamlError};
use crate::yaml_out::{raw, string_map, text, write, Node};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// The CLI v2 schema of an endpoint file.
pub const ENDPOINT_SCHEMA: &str =
    "https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json";
/// The CLI v2 schema of a deployment file.
pub const DEPLOYMENT_SCHEMA: &str =
    "https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json";
/// Sign-in modes: the CLI's spelling and ARM's.
const AUTH: [(&str, &str); 3] = [
    ("key", "Key"),
    ("aml_token", "AMLToken"),
    ("aad_token", "AADToken"),
];
/// Request settings: the CLI's key, ARM's, and how many milliseconds the CLI's unit is.
const REQUEST: [(&str, &str, f64); 3] = [
    ("request_timeout_ms", "requestTimeout", 1.0),
    ("max_queue_wait_ms", "maxQueueWait", 1.0),
    (
        "max_concurrent_requests_per_instance",
        "maxConcurrentRequestsPerInstance",
        0.0,
    ),
];
/// Probe settings: the CLI's key and ARM's (durations in seconds; counts as they are).
const PROBE: [(&str, &str, bool); 5] = [
    ("initial_delay", "initialDelay", true),
    ("period", "period", true),
    ("timeout", "timeout", true),
    ("success_threshold", "successThreshold", false),
    ("failure_threshold", "failureThreshold", false),
];

/// `seconds` as an ISO 8601 duration (`PT5S`, `PT0.5S`).
fn duration(seconds: f64) -> String {
    format!("PT{}S", seconds + 0.0)
}

/// A number's plain YAML text.
fn number(v: f64) -> Node {
    raw(v + 0.0)
}

/// A map of percentages (`traffic`), or nothing when empty.
fn percents(key: &str, map: &BTreeMap<String, u32>) -> Option<(String, Node)> {
    (!map.is_empty()).then(|| {
        let entries = map.iter().map(|(k, v)| (k.clone(), raw(v)));
        (key.to_owned(), Node::Map(entries.collect()))
    })
}

/// The CLI v2 YAML of an endpoint.
pub fn endpoint_yaml(endpoint: &EndpointResource) -> String {
    let p = &endpoint.properties;
    let auth = AUTH
        .iter()
        .find(|(_, arm)| *arm == p.auth_mode)
        .map_or("key", |(cli, _)| cli);
    let mut doc = vec![
        ("$schema".into(), raw(ENDPOINT_SCHEMA)),
        ("name".into(), text(&endpoint.name)),
        ("auth_mode".into(), raw(auth)),
    ];
    if let Some(d) = p.description.as_deref().filter(|d| !d.is_empty()) {
        doc.push(("description".into(), text(d)));
    }
    doc.extend(percents("traffic", &p.traffic));
    doc.extend(percents("mirror_traffic", &p.mirror_traffic));
    if let Some(access) = &p.public_network_access {
        doc.push((
            "public_network_access".into(),
            raw(access.to_ascii_lowercase()),
        ));
    }
    doc.extend(string_map("tags", &endpoint.tags));
    write(doc)
}

/// Reads a map of percentages under `key`.
fn read_percents(doc: &Field, key: &str) -> Result<BTreeMap<String, u32>, YamlError> {
    let mut out = BTreeMap::new();
    if let Some(map) = doc.get(key) {
        for (name, share) in map.map()?.entries() {
            out.insert(name.to_owned(), share.whole(0..=100)? as u32);
        }
    }
    Ok(out)
}

/// Reads an endpoint file: its name and the endpoint to PUT.
pub fn endpoint_from_yaml(text: &str) -> Result<(String, EndpointResource), YamlError> {
    let root = parse(text)?;
    let doc = Field::root(&root).map()?;
    doc.only(
        "$schema name auth_mode description tags traffic mirror_traffic public_network_access identity kind",
        "an online endpoint file",
    )?;
    let name_field = doc.required("name")?;
    let name = name_field.string()?;
    if let Some(e) = super::rules::endpoint_name_error(&name, "endpoint") {
        return Err(name_field.fail(e));
    }
    let mut endpoint = EndpointResource {
        name: name.clone(),
        tags: doc.string_map("tags")?,
        ..EndpointResource::default()
    };
    let p = &mut endpoint.properties;
    p.auth_mode = match doc.get("auth_mode") {
        Some(f) => f.choice(&AUTH)?.to_owned(),
        None => "Key".into(),
    };
    p.description = doc.opt("description", |f| f.string())?;
    p.traffic = read_percents(&doc, "traffic")?;
    p.mirror_traffic = read_percents(&doc, "mirror_traffic")?;
    p.public_network_access = doc
        .opt("public_network_access", |f| {
            f.choice(&[("enabled", "Enabled"), ("disabled", "Disabled")])
        })?
        .map(str::to_owned);
    Ok((name, endpoint))
}

/// The CLI v2 YAML of deployment `deployment` of endpoint `endpoint`.
pub fn deployment_yaml(endpoint: &str, deployment: &DeploymentResource) -> String {
    let p = &deployment.properties;
    let mut doc = vec![
        ("$schema".into(), raw(DEPLOYMENT_SCHEMA)),
        ("name".into(), text(&deployment.name)),
        ("endpoint_name".into(), text(endpoint)),
        ("model".into(), text(&cli_model(&p.model))),
        ("instance_type".into(), text(&p.instance_type)),
        ("instance_count".into(), raw(deployment.sku.capacity)),
    ];
    if let Some(d) = p.description.as_deref().filter(|d| !d.is_empty()) {
        doc.push(("description".into(), text(d)));
    }
    let request: Vec<(String, Node)> = REQUEST
        .iter()
        .filter_map(|(cli, arm, ms)| {
            let v = p.request_settings.get(*arm)?;
            let value = match ms {
                0.0 => v.as_f64()?,
                _ => duration_seconds(v.as_str()?)? * 1000.0,
            };
            Some(((*cli).to_owned(), number(value)))
        })
        .collect();
    if !request.is_empty() {
        doc.push(("request_settings".into(), Node::Map(request)));
    }
    for (cli, probe) in [
        ("liveness_probe", &p.liveness_probe),
        ("readiness_probe", &p.readiness_probe),
    ] {
        let fields: Vec<(String, Node)> = PROBE
            .iter()
            .filter_map(|(key, arm, is_duration)| {
                let v = probe.get(*arm)?;
                let value = if *is_duration {
                    duration_seconds(v.as_str()?)?
                } else {
                    v.as_f64()?
                };
                Some(((*key).to_owned(), number(value)))
            })
            .collect();
        if !fields.is_empty() {
            doc.push((cli.into(), Node::Map(fields)));
        }
    }
    doc.extend(string_map("tags", &deployment.tags));
    write(doc)
}

/// A model version's ARM id as the CLI names it: `azureml:<name>:<version>`.
pub(crate) fn cli_model(model: &str) -> String {
    match super::deployments::parse_model_reference(model) {
        Some((name, version)) => format!("azureml:{name}:{version}"),
        None => model.to_owned(),
    }
}

/// A deployment file: its endpoint's name, its own name, and the deployment to PUT.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedDeployment {
    /// The endpoint it belongs to (`endpoint_name`).
    pub endpoint: String,
    /// Its name.
    pub name: String,
    /// The deployment to PUT.
    pub resource: DeploymentResource,
}

/// Reads a deployment file.
pub fn deployment_from_yaml(text: &str) -> Result<ImportedDeployment, YamlError> {
    let root = parse(text)?;
    let doc = Field::root(&root).map()?;
    doc.only(
        "$schema name endpoint_name model instance_type instance_count description tags request_settings liveness_probe readiness_probe code_configuration environment environment_variables app_insights_enabled egress_public_network_access scale_settings data_collector type",
        "an online deployment file",
    )?;
    let name_field = doc.required("name")?;
    let name = name_field.string()?;
    if let Some(e) = super::rules::endpoint_name_error(&name, "deployment") {
        return Err(name_field.fail(e));
    }
    let endpoint = doc.required("endpoint_name")?.string()?;
    let model_field = doc.required("model")?;
    let model = model_field.string().map_err(|_| {
        model_field.fail("name a registered model (azureml:<name>:<version>); a model folder given inline is registered first in the studio's Models page")
    })?;
    let mut resource = DeploymentResource {
        name: name.clone(),
        sku: Sku {
            capacity: doc.opt("instance_count", |f| f.whole(1..=20))?.unwrap_or(1) as u32,
            ..Sku::default()
        },
        tags: doc.string_map("tags")?,
        ..DeploymentResource::default()
    };
    let p = &mut resource.properties;
    p.model = model;
    p.instance_type = doc.required("instance_type")?.string()?;
    p.description = doc.opt("description", |f| f.string())?;
    if let Some(settings) = doc.get("request_settings") {
        let settings = settings.map()?;
        settings.only(
            "request_timeout_ms max_queue_wait_ms max_concurrent_requests_per_instance",
            "request_settings",
        )?;
        for (cli, arm, ms) in REQUEST {
            if let Some(f) = settings.get(cli) {
                let n = f.whole(0..=3_600_000)? as f64;
                let value = if ms == 0.0 {
                    json!(n)
                } else {
                    json!(duration(n / 1000.0))
                };
                p.request_settings.insert(arm.into(), value);
            }
        }
    }
    for (cli, target) in [
        ("liveness_probe", &mut p.liveness_probe),
        ("readiness_probe", &mut p.readiness_probe),
    ] {
        if let Some(probe) = doc.get(cli) {
            let probe = probe.map()?;
            probe.only(
                "initial_delay period timeout success_threshold failure_threshold",
                cli,
            )?;
            for (key, arm, is_duration) in PROBE {
                if let Some(f) = probe.get(key) {
                    let n = f.whole(0..=3600)?;
                    let value = if is_duration {
                        json!(duration(n as f64))
                    } else {
                        json!(n)
                    };
                    target.insert(arm.into(), value);
                }
            }
        }
    }
    // Kept as sent: the engine refuses what it does not run, saying why.
    for (cli, arm) in [
        ("code_configuration", "codeConfiguration"),
        ("environment", "environmentId"),
    ] {
        if doc.get(cli).is_some() {
            p.rest.insert(
                arm.into(),
                Value::Object(Map::from_iter([("yaml".to_owned(), json!(cli))])),
            );
        }
    }
    Ok(ImportedDeployment {
        endpoint,
        name,
        resource,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endpoint_file_reads_and_writes_back_the_same() {
        let text = "$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json\nname: diabetes-ep\nauth_mode: aml_token\ndescription: AutoML's best\ntraffic:\n  blue: 90\n  green: 10\ntags:\n  course: dp-100\n";
        let (name, endpoint) = endpoint_from_yaml(text).unwrap();
        assert_eq!(name, "diabetes-ep");
        assert_eq!(endpoint.properties.auth_mode, "AMLToken");
        assert_eq!(endpoint.properties.traffic["blue"], 90);
        let written = endpoint_yaml(&endpoint);
        assert_eq!(
            endpoint_from_yaml(&written).unwrap().1,
            endpoint,
            "{written}"
        );
        assert!(written.contains("auth_mode: aml_token"), "{written}");
        let bad = |t: &str| endpoint_from_yaml(t).unwrap_err().to_string();
        assert!(bad("name: ep\n").contains("3 to 32"));
        assert!(bad("name: my-ep\nauth_mode: password\n").contains("key, aml_token, aad_token"));
        assert!(bad("name: my-ep\ntraffic:\n  blue: 120\n").contains("0 to 100"));
        assert!(bad("name: my-ep\ncolour: red\n").contains("colour"));
    }

    #[test]
    fn a_deployment_file_reads_and_writes_back_the_same() {
        let text = "name: blue\nendpoint_name: diabetes-ep\nmodel: azureml:diabetes-best:1\ninstance_type: Standard_DS3_v2\ninstance_count: 2\nrequest_settings:\n  request_timeout_ms: 3000\n  max_queue_wait_ms: 500\n  max_concurrent_requests_per_instance: 4\nliveness_probe:\n  initial_delay: 20\n  failure_threshold: 5\n";
        let d = deployment_from_yaml(text).unwrap();
        assert_eq!(
            (d.endpoint.as_str(), d.name.as_str()),
            ("diabetes-ep", "blue")
        );
        let p = &d.resource.properties;
        assert_eq!(p.request_settings["requestTimeout"], "PT3S");
        assert_eq!(p.request_settings["maxQueueWait"], "PT0.5S");
        assert_eq!(p.request_settings["maxConcurrentRequestsPerInstance"], 4.0);
        assert_eq!(p.liveness_probe["initialDelay"], "PT20S");
        assert_eq!(d.resource.sku.capacity, 2);
        let written = deployment_yaml("diabetes-ep", &d.resource);
        assert!(written.contains("request_timeout_ms: 3000"), "{written}");
        let again = deployment_from_yaml(&written).unwrap();
        assert_eq!(again, d, "{written}");
        // An ARM id is written as the CLI names the model.
        let mut by_id = d.resource.clone();
        by_id.properties.model = "/subscriptions/s/resourceGroups/g/providers/Microsoft.MachineLearningServices/workspaces/w/models/diabetes-best/versions/1".into();
        assert!(deployment_yaml("diabetes-ep", &by_id).contains("model: azureml:diabetes-best:1"));
        let bad = |t: &str| deployment_from_yaml(t).unwrap_err().to_string();
        assert!(bad("name: blue\nendpoint_name: e\ninstance_type: x\n").contains("model"));
        assert!(
            bad("name: blue\nendpoint_name: e\nmodel:\n  path: ./model\ninstance_type: x\n")
                .contains("registered model")
        );
        let script = deployment_from_yaml("name: blue\nendpoint_name: e\nmodel: azureml:m:1\ninstance_type: x\ncode_configuration:\n  code: ./src\n  scoring_script: score.py\n").unwrap();
        assert!(script
            .resource
            .properties
            .rest
            .contains_key("codeConfiguration"));
    }
}
