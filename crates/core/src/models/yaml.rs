//! Azure ML CLI v2 YAML of a model version (`az ml model create -f`, `model.schema.json`), written
//! and read: the two are each other's reverse (round trip tested). A file's `path` is a URI in
//! the workspace, or a path on the computer the file was written on, which the CLI uploads
//! first (and the studio asks for).

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
    /// The version to register; its `modelUri` is empty when the path is [`Self::local`].
    pub resource: ModelVersionResource,
    /// The file's `path` when it is on the person's computer (`./model`, `model.pkl`), to be
    /// uploaded before the version is registered.
    pub local: Option<String>,
}

/// Whether `path` starts with a URI scheme (`azureml:`, `runs:`, `https:`), rather than being
/// a path on a computer (a one-letter scheme is a Windows drive, `C:\models`).
fn has_scheme(path: &str) -> bool {
    path.split_once(':').is_some_and(|(scheme, _)| {
        scheme.len() > 1
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    })
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
    let path = path_field.string()?.trim().to_owned();
    let local = (!has_scheme(&path)).then(|| path.clone());
    if local.is_none() {
        super::ModelSource::parse(&path).map_err(|e| path_field.fail(e))?;
    }
    let stage = doc.opt("stage", |f| f.string())?;
    if let (Some(s), Some(f)) = (&stage, doc.get("stage")) {
        super::rules::check_stage(s).map_err(|e| f.fail(e.message()))?;
    }
    let resource = ModelVersionResource {
        properties: ModelVersionProperties {
            model_type: model_type.into(),
            model_uri: if local.is_some() { String::new() } else { path },
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
        local,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_local_path_is_kept_to_be_uploaded() {
        let m =
            model_from_yaml("name: m\npath: ./model\ndescription: d\ntags:\n  team: a\n").unwrap();
        assert_eq!(m.local.as_deref(), Some("./model"));
        assert_eq!(m.resource.properties.model_uri, "");
        assert_eq!(m.resource.properties.model_type, "custom_model");
        assert_eq!(m.resource.properties.tags["team"], "a");
        for path in [
            "model.pkl",
            "C:\\models\\m",
            "/home/me/model",
            "../out/model/",
        ] {
            let text = format!("name: m\npath: '{path}'\n");
            assert!(model_from_yaml(&text).unwrap().local.is_some(), "{path}");
        }
    }

    #[test]
    fn a_workspace_uri_is_the_model_uri() {
        let uri = "azureml://jobs/j1/outputs/artifacts/paths/model/";
        let m = model_from_yaml(&format!(
            "name: m\nversion: 3\ntype: mlflow_model\npath: {uri}\nstage: Staging\n"
        ))
        .unwrap();
        assert_eq!(m.local, None);
        assert_eq!(m.version.as_deref(), Some("3"));
        assert_eq!(m.resource.properties.model_uri, uri);
        assert_eq!(m.resource.properties.stage.as_deref(), Some("Staging"));
    }

    #[test]
    fn mistakes_name_their_line_and_field() {
        let e = model_from_yaml("name: m\npath: https://example.org/m.pkl\n").unwrap_err();
        assert_eq!((e.line, e.field.as_deref()), (Some(2), Some("path")));
        assert!(e.message.contains("this workspace's storage only"), "{e}");
        let e = model_from_yaml("path: ./model\n").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("name"));
        assert!(e.to_string().contains("name is required"), "{e}");
        let e = model_from_yaml("name: m\npath: ./model\ncolour: red\n").unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("unknown field \"colour\""), "{e}");
        let e = model_from_yaml("name: m\npath: azureml:x:1\n").unwrap_err();
        assert_eq!(e.line, Some(2));
    }
}
