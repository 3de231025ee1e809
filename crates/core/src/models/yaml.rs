//! Azure ML CLI v2 YAML of a model version (`az ml model create -f`, `model.schema.json`), written
//! and read: the two are each other's reverse (round trip tested).

use super::{model_type, ModelVersionProperties, ModelVersionResource};
use crate::arm::versioned::asset_name_error;
use crate::yaml_in::{parse, Field, YamlError};
use crate::yaml_out::{raw, string_map, text, write};

/// The CLI v2 schema of a model file.
pub const MODEL_SCHEMA: &str = "https://azuremlschemas.azureedge.net/latest/model.schema.json";

/// The CLI v2 YAML of version `version` of model `name`.
pub fn model_yaml(name: &str, version: &ModelVersionResource) -> String {
    let props = &version.properties;
    let mut doc = vec![
        ("$schema".into(), raw(MODEL_SCHEMA)),
        ("name".into(), text(name)),
        // Quoted: the CLI reads an unquoted 1 as a number and refuses it.
        (
            "version".into(),
            raw(serde_json::to_string(&version.name).unwrap_or_default()),
        ),
    ];
    if let Some(d) = props.description.as_deref().filter(|d| !d.is_empty()) {
        doc.push(("description".into(), text(d)));
    }
    doc.push(("type".into(), raw(&props.model_type)));
    doc.push(("path".into(), text(&props.model_uri)));
    if let Some(stage) = props.stage.as_deref().filter(|s| *s != "None") {
        doc.push(("stage".into(), text(stage)));
    }
    if let Some(job) = &props.job_name {
        doc.push(("job_name".into(), text(job)));
    }
    doc.extend(string_map("tags", &props.tags));
    doc.extend(string_map("properties", &props.properties));
    write(doc)
}

/// A model version read from a YAML file.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedModel {
    /// The model's name.
    pub name: String,
    /// Its version, when the file names one (otherwise the model's next).
    pub version: Option<String>,
    /// The version to register.
    pub resource: ModelVersionResource,
}

/// Reads a model file (`model.schema.json`).
pub fn model_from_yaml(text: &str) -> Result<ImportedModel, YamlError> {
    let root = parse(text)?;
    let doc = Field::root(&root).map()?;
    doc.only(
        "$schema name version description tags properties type path stage job_name flavors",
        "a model file",
    )?;
    let name_field = doc.required("name")?;
    let name = name_field.string()?;
    if let Some(e) = asset_name_error(&name, "name") {
        return Err(name_field.fail(e));
    }
    let version = doc.opt("version", |f| f.string())?;
    let model_type = match doc.get("type") {
        None => "custom_model",
        Some(f) => {
            let t = f.string()?;
            model_type(&t).ok_or_else(|| {
                f.fail(format!(
                    "'{t}' is not a model type: use custom_model, mlflow_model or triton_model"
                ))
            })?
        }
    };
    let path_field = doc.required("path")?;
    let path = path_field.string()?;
    if super::ModelSource::parse(&path).is_err() {
        return Err(path_field.fail(format!("{path} is not in this workspace: the CLI uploads local files first. Upload them with Register → From local files, or point path at azureml://jobs/<job>/outputs/artifacts/paths/<folder> or azureml://datastores/<datastore>/paths/<folder>")));
    }
    let stage = doc.opt("stage", |f| f.string())?;
    if let (Some(s), Some(f)) = (&stage, doc.get("stage")) {
        super::rules::check_stage(s).map_err(|e| f.fail(e.message()))?;
    }
    let resource = ModelVersionResource {
        properties: ModelVersionProperties {
            model_type: model_type.into(),
            model_uri: path,
            description: doc.opt("description", |f| f.string())?,
            stage,
            job_name: doc.opt("job_name", |f| f.string())?,
            tags: doc.string_map("tags")?,
            properties: doc.string_map("properties")?,
            ..ModelVersionProperties::default()
        },
        ..ModelVersionResource::default()
    };
    Ok(ImportedModel {
        name,
        version,
        resource,
    })
}
