//! Azure ML CLI v2 YAML of a command job (`az ml job create -f`, `commandJob.schema.json`; an
//! AutoML job's is in [`super::automl::yaml`]):
//! read into the ARM body a PUT of `.../jobs/{name}` takes, and written from a job as ARM
//! answers it. Every error names its line and field.

use crate::yaml_in::{parse, Field, YamlError};
use crate::yaml_out::{raw, text, write, Node};
use serde_json::{json, Map, Value};

/// The CLI v2 schema of a command job file.
pub const COMMAND_SCHEMA: &str =
    "https://azuremlschemas.azureedge.net/latest/commandJob.schema.json";

/// Input and output modes: the YAML spelling and ARM's.
const MODES: [(&str, &str); 7] = [
    ("ro_mount", "ReadOnlyMount"),
    ("rw_mount", "ReadWriteMount"),
    ("download", "Download"),
    ("direct", "Direct"),
    ("eval_mount", "EvalMount"),
    ("eval_download", "EvalDownload"),
    ("upload", "Upload"),
];
/// Data input and output types.
const DATA_TYPES: [(&str, &str); 6] = [
    ("uri_file", "uri_file"),
    ("uri_folder", "uri_folder"),
    ("mltable", "mltable"),
    ("custom_model", "custom_model"),
    ("mlflow_model", "mlflow_model"),
    ("triton_model", "triton_model"),
];
/// Literal input types, whose value is `default` (or `value`).
const LITERAL_TYPES: [&str; 4] = ["string", "integer", "number", "boolean"];

/// A command job read from a YAML file.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedJob {
    /// Its name, when the file gives one (otherwise the studio makes one up).
    pub name: Option<String>,
    /// The ARM body to PUT.
    pub body: Value,
    /// The code folder on the person's computer (`code: ./src`), which must be uploaded first.
    pub local_code: Option<String>,
}

fn remote(path: &str) -> bool {
    [
        "azureml:",
        "https://",
        "http://",
        "wasbs://",
        "abfss://",
        "/subscriptions/",
    ]
    .iter()
    .any(|p| path.starts_with(p))
}

fn string_map(field: Option<Field<'_>>) -> Result<Map<String, Value>, YamlError> {
    let mut out = Map::new();
    if let Some(map) = field {
        for (key, value) in map.map()?.entries() {
            out.insert(key.to_owned(), Value::String(value.string_or_empty()?));
        }
    }
    Ok(out)
}

/// Reads what every job file may say into ARM's properties `p`: its display name, experiment,
/// description and compute, its tags and properties.
pub(crate) fn read_common(doc: &Field<'_>, p: &mut Map<String, Value>) -> Result<(), YamlError> {
    for (yaml, arm) in [
        ("display_name", "displayName"),
        ("experiment_name", "experimentName"),
        ("description", "description"),
        ("compute", "computeId"),
    ] {
        if let Some(v) = doc.opt(yaml, |f| f.string())? {
            p.insert(arm.into(), json!(v));
        }
    }
    p.insert("tags".into(), Value::Object(string_map(doc.get("tags"))?));
    p.insert(
        "properties".into(),
        Value::Object(string_map(doc.get("properties"))?),
    );
    Ok(())
}

/// The start of every job's YAML: its schema, type and name, then its display name,
/// experiment and description (from ARM's `properties`).
pub(crate) fn write_header(
    schema: &str,
    kind: &str,
    name: &str,
    properties: &Value,
) -> Vec<(String, Node)> {
    let mut doc = vec![
        ("$schema".into(), raw(schema)),
        ("type".into(), raw(kind)),
        ("name".into(), text(name)),
    ];
    for (arm, yaml) in [
        ("displayName", "display_name"),
        ("experimentName", "experiment_name"),
        ("description", "description"),
    ] {
        if let Some(v) = properties[arm].as_str().filter(|v| !v.is_empty()) {
            doc.push((yaml.into(), text(v)));
        }
    }
    doc
}

/// A job's `compute:` line, its ARM id written `azureml:<name>`.
pub(crate) fn write_compute(properties: &Value) -> Option<(String, Node)> {
    let compute = properties["computeId"].as_str().filter(|v| !v.is_empty())?;
    let short = compute
        .rsplit_once("/computes/")
        .map_or(compute.to_owned(), |(_, n)| format!("azureml:{n}"));
    Some(("compute".into(), text(&short)))
}

/// A map of strings in ARM's `properties[key]` as a YAML map, unless it is empty.
pub(crate) fn write_strings(properties: &Value, key: &str) -> Option<Node> {
    let map = properties[key].as_object().filter(|m| !m.is_empty())?;
    Some(Node::Map(
        map.iter()
            .map(|(k, v)| (k.clone(), text(v.as_str().unwrap_or_default())))
            .collect(),
    ))
}

/// Reads a command job file.
pub fn job_from_yaml(text: &str) -> Result<ImportedJob, YamlError> {
    let root = parse(text)?;
    let doc = Field::root(&root).map()?;
    if doc
        .opt("type", |f| f.string())?
        .is_some_and(|t| t.eq_ignore_ascii_case("automl"))
    {
        return super::automl::yaml::automl_from_yaml(doc);
    }
    doc.only("$schema type name display_name experiment_name description tags properties code command environment environment_variables compute resources distribution limits identity queue_settings inputs outputs services", "a command job file")?;
    if let Some(kind) = doc.get("type") {
        let kind_text = kind.string()?;
        if !kind_text.eq_ignore_ascii_case("command") {
            return Err(kind.fail(format!(
                "this page submits command and AutoML jobs; a {kind_text} job cannot be submitted here yet"
            )));
        }
    }
    let command = doc.required("command")?.string()?;
    let environment = doc.required("environment")?;
    let environment_id = environment.string().map_err(|_| {
        environment.fail("an environment written out in the file is not supported here: register it (or use a curated one) and name it, e.g. azureml:AzureML-sklearn-1.0-ubuntu20.04-py38-cpu@latest")
    })?;
    let mut p = Map::new();
    p.insert("jobType".into(), json!("Command"));
    p.insert("command".into(), json!(command));
    p.insert("environmentId".into(), json!(environment_id));
    read_common(&doc, &mut p)?;
    let variables = string_map(doc.get("environment_variables"))?;
    p.insert("environmentVariables".into(), Value::Object(variables));
    let mut local_code = None;
    if let Some(code) = doc.get("code") {
        let path = code.string()?;
        if remote(&path) {
            p.insert("codeId".into(), json!(path));
        } else {
            local_code = Some(path);
        }
    }
    p.insert("inputs".into(), inputs(doc.get("inputs"))?);
    p.insert("outputs".into(), outputs(doc.get("outputs"))?);
    if let Some(limits) = doc.get("limits") {
        let limits = limits.map()?;
        limits.only("timeout", "limits")?;
        if let Some(t) = limits.get("timeout") {
            let seconds = t.whole(1..=30 * 24 * 3600)?;
            p.insert(
                "limits".into(),
                json!({"jobLimitsType": "Command", "timeout": format!("PT{seconds}S")}),
            );
        }
    }
    if let Some(r) = doc.get("resources") {
        let r = r.map()?;
        r.only(
            "instance_count instance_type shm_size docker_args properties",
            "resources",
        )?;
        let mut out = Map::new();
        if let Some(n) = r.opt("instance_count", |f| f.whole(1..=100))? {
            out.insert("instanceCount".into(), json!(n));
        }
        for (yaml, arm) in [
            ("instance_type", "instanceType"),
            ("shm_size", "shmSize"),
            ("docker_args", "dockerArgs"),
        ] {
            if let Some(v) = r.opt(yaml, |f| f.string())? {
                out.insert(arm.into(), json!(v));
            }
        }
        p.insert("resources".into(), Value::Object(out));
    }
    if let Some(id) = doc.get("identity") {
        let id = id.map()?;
        let kind = id.required("type")?.choice(&[
            ("user_identity", "UserIdentity"),
            ("managed", "Managed"),
            ("aml_token", "AMLToken"),
        ])?;
        p.insert("identity".into(), json!({ "identityType": kind }));
    }
    if let Some(q) = doc.get("queue_settings") {
        if let Some(tier) = q.map()?.opt("job_tier", |f| f.string())? {
            p.insert("queueSettings".into(), json!({ "jobTier": tier }));
        }
    }
    if let Some(d) = doc.get("distribution") {
        let d = d.map()?;
        let kind = d.required("type")?.choice(&[
            ("pytorch", "PyTorch"),
            ("tensorflow", "TensorFlow"),
            ("mpi", "Mpi"),
        ])?;
        let mut out = Map::new();
        out.insert("distributionType".into(), json!(kind));
        if let Some(n) = d.opt("process_count_per_instance", |f| f.whole(1..=1024))? {
            out.insert("processCountPerInstance".into(), json!(n));
        }
        p.insert("distribution".into(), Value::Object(out));
    }
    let name = doc.opt("name", |f| f.string())?;
    Ok(ImportedJob {
        name,
        body: json!({ "properties": p }),
        local_code,
    })
}

fn mode(field: &Field<'_>) -> Result<&'static str, YamlError> {
    field.choice(&MODES)
}

fn inputs(field: Option<Field<'_>>) -> Result<Value, YamlError> {
    let mut out = Map::new();
    let Some(map) = field else {
        return Ok(Value::Object(out));
    };
    for (name, input) in map.map()?.entries() {
        let value = if let Some((text, _)) = input.scalar() {
            json!({"jobInputType": "literal", "value": text})
        } else {
            let input = input.map()?;
            input.only(
                "type path mode description optional default value",
                "an input",
            )?;
            let kind = input
                .opt("type", |f| f.string())?
                .unwrap_or_else(|| "uri_folder".into());
            if LITERAL_TYPES.contains(&kind.as_str()) {
                let value = input.get("default").or_else(|| input.get("value"));
                let value =
                    value.ok_or_else(|| input.fail(format!("a {kind} input needs a default")))?;
                json!({"jobInputType": "literal", "value": value.string()?})
            } else {
                let kind = input.required("type")?.choice(&DATA_TYPES)?;
                let path_field = input.required("path")?;
                let path = path_field.string()?;
                if !remote(&path) {
                    return Err(path_field.fail(format!("{path} is a path on your computer: the CLI uploads it first. Upload it (Data → + Create), then point path at azureml://datastores/<datastore>/paths/<path> or azureml:<asset>:<version>")));
                }
                let mut v = json!({"jobInputType": kind, "uri": path});
                if let Some(m) = input.get("mode") {
                    v["mode"] = json!(mode(&m)?);
                }
                if let Some(d) = input.opt("description", |f| f.string())? {
                    v["description"] = json!(d);
                }
                v
            }
        };
        out.insert(name.to_owned(), value);
    }
    Ok(Value::Object(out))
}

fn outputs(field: Option<Field<'_>>) -> Result<Value, YamlError> {
    let mut out = Map::new();
    let Some(map) = field else {
        return Ok(Value::Object(out));
    };
    for (name, output) in map.map()?.entries() {
        let output = output.map()?;
        output.only("type path mode description name version", "an output")?;
        let kind = match output.get("type") {
            Some(t) => t.choice(&DATA_TYPES)?,
            None => "uri_folder",
        };
        let mut v = json!({ "jobOutputType": kind });
        if let Some(path) = output.opt("path", |f| f.string())? {
            v["uri"] = json!(path);
        }
        if let Some(m) = output.get("mode") {
            v["mode"] = json!(mode(&m)?);
        }
        for (yaml, arm) in [
            ("name", "assetName"),
            ("version", "assetVersion"),
            ("description", "description"),
        ] {
            if let Some(s) = output.opt(yaml, |f| f.string())? {
                v[arm] = json!(s);
            }
        }
        out.insert(name.to_owned(), v);
    }
    Ok(Value::Object(out))
}

/// The YAML spelling of an ARM mode.
fn yaml_mode(arm: &str) -> &str {
    MODES
        .iter()
        .find(|(_, a)| *a == arm)
        .map_or(arm, |(y, _)| y)
}

/// The CLI v2 YAML of a job, from the job as ARM answers it (`properties`).
pub fn job_yaml(name: &str, properties: &Value) -> String {
    if properties["jobType"] == "AutoML" {
        return super::automl::yaml::automl_yaml(name, properties);
    }
    let s = |key: &str| properties[key].as_str().filter(|v| !v.is_empty());
    let mut doc = write_header(COMMAND_SCHEMA, "command", name, properties);
    if let Some(code) = s("codeId") {
        doc.push(("code".into(), text(code)));
    }
    doc.push(("command".into(), text(s("command").unwrap_or_default())));
    if let Some(env) = s("environmentId") {
        doc.push(("environment".into(), text(env)));
    }
    doc.extend(write_compute(properties));
    if let Some(vars) = write_strings(properties, "environmentVariables") {
        doc.push(("environment_variables".into(), vars));
    }
    if let Some(inputs) = properties["inputs"].as_object().filter(|m| !m.is_empty()) {
        let items = inputs.iter().map(|(k, v)| {
            let node = if v["jobInputType"] == "literal" {
                text(v["value"].as_str().unwrap_or_default())
            } else {
                let mut entries = vec![(
                    "type".to_owned(),
                    raw(v["jobInputType"].as_str().unwrap_or("uri_folder")),
                )];
                entries.push(("path".into(), text(v["uri"].as_str().unwrap_or_default())));
                if let Some(m) = v["mode"].as_str() {
                    entries.push(("mode".into(), raw(yaml_mode(m))));
                }
                Node::Map(entries)
            };
            (k.clone(), node)
        });
        doc.push(("inputs".into(), Node::Map(items.collect())));
    }
    let outputs: Vec<(String, Node)> = properties["outputs"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, _)| *k != "default")
        .map(|(k, v)| {
            let mut entries = vec![(
                "type".to_owned(),
                raw(v["jobOutputType"].as_str().unwrap_or("uri_folder")),
            )];
            if let Some(uri) = v["uri"].as_str() {
                entries.push(("path".into(), text(uri)));
            }
            if let Some(m) = v["mode"].as_str() {
                entries.push(("mode".into(), raw(yaml_mode(m))));
            }
            (k.clone(), Node::Map(entries))
        })
        .collect();
    if !outputs.is_empty() {
        doc.push(("outputs".into(), Node::Map(outputs)));
    }
    if let Some(r) = properties["resources"]
        .as_object()
        .filter(|m| !m.is_empty())
    {
        let fields = [
            ("instanceCount", "instance_count"),
            ("instanceType", "instance_type"),
            ("shmSize", "shm_size"),
        ];
        let entries = fields.iter().filter_map(|(arm, yaml)| {
            let v = r.get(*arm)?;
            Some((
                (*yaml).to_owned(),
                v.as_str()
                    .map_or_else(|| raw(crate::arm::json::to_json(v)), text),
            ))
        });
        doc.push(("resources".into(), Node::Map(entries.collect())));
    }
    let timeout = properties["limits"]["timeout"].as_str();
    if let Some(seconds) = timeout.and_then(crate::time::parse_duration_seconds) {
        doc.push((
            "limits".into(),
            Node::Map(vec![("timeout".into(), raw(seconds))]),
        ));
    }
    if let Some(tags) = write_strings(properties, "tags") {
        doc.push(("tags".into(), tags));
    }
    write(doc)
}

#[cfg(test)]
mod tests;
