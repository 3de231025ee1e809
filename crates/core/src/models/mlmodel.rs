//! An MLflow model folder's `MLmodel` file, read for what Azure shows of a model: its flavors
//! (kept on the version as `flavors`), its signature (the columns it takes and gives) and the
//! run that logged it.

use super::FlavorData;
use crate::arm::json_de::FromValue;
use crate::yaml_in::{parse, Field};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The file that makes a folder an MLflow model.
pub const MLMODEL_FILE: &str = "MLmodel";

/// One column of a signature.
#[derive(Clone, Debug, PartialEq, Deserialize, FromValue)]
pub struct SignatureColumn {
    /// The column's name (absent for an unnamed tensor or output).
    #[serde(default)]
    pub name: Option<String>,
    /// Its type: `double`, `long`, `string`, `boolean`, ...
    #[serde(rename = "type", default)]
    pub column_type: String,
}

/// What an `MLmodel` file says.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MlModel {
    /// Each flavor's scalar settings (nested ones, such as `env`, are left out).
    pub flavors: BTreeMap<String, FlavorData>,
    /// The columns the model takes, when it has a signature.
    pub inputs: Vec<SignatureColumn>,
    /// The columns it gives.
    pub outputs: Vec<SignatureColumn>,
    /// The run that logged it.
    pub run_id: Option<String>,
}

/// Reads an `MLmodel` file, or says why it is not one.
pub fn read_mlmodel(text: &str) -> Result<MlModel, String> {
    let root = parse(text).map_err(|e| format!("its MLmodel file is not YAML: {e}"))?;
    let doc = Field::root(&root)
        .map()
        .map_err(|e| format!("its MLmodel file is not a map: {e}"))?;
    let flavors_field = doc
        .get("flavors")
        .ok_or("its MLmodel file names no flavors")?;
    let mut flavors = BTreeMap::new();
    for (name, settings) in flavors_field.map().map_err(|e| e.to_string())?.entries() {
        let mut data = BTreeMap::new();
        if let Ok(settings) = settings.map() {
            for (key, value) in settings.entries() {
                if let Some((text, _)) = value.scalar() {
                    data.insert(key.to_owned(), text.to_owned());
                }
            }
        }
        flavors.insert(name.to_owned(), FlavorData { data });
    }
    let columns = |key: &str| -> Result<Vec<SignatureColumn>, String> {
        let Some(text) = doc
            .get("signature")
            .and_then(|s| s.map().ok())
            .and_then(|s| s.get(key))
            .and_then(|f| f.scalar().map(|(t, _)| t.to_owned()))
        else {
            return Ok(Vec::new());
        };
        serde_json::from_str(&text).map_err(|e| {
            format!("the signature's {key} in its MLmodel file are not readable ({e})")
        })
    };
    Ok(MlModel {
        flavors,
        inputs: columns("inputs")?,
        outputs: columns("outputs")?,
        run_id: doc
            .get("run_id")
            .and_then(|f| f.scalar().map(|(t, _)| t.to_owned())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flavors_signature_and_run_as_mlflow_writes_them() {
        let text = "artifact_path: model\nflavors:\n  python_function:\n    env:\n      conda: conda.yaml\n    loader_module: mlflow.sklearn\n    python_version: 3.10.12\n  sklearn:\n    pickled_model: model.pkl\nrun_id: abc123\nsignature:\n  inputs: '[{\"type\": \"double\", \"name\": \"age\"}, {\"type\": \"string\", \"name\": \"sex\"}]'\n  outputs: '[{\"type\": \"long\"}]'\n";
        let m = read_mlmodel(text).unwrap();
        assert_eq!(m.flavors.len(), 2);
        let pyfunc = &m.flavors["python_function"].data;
        assert_eq!(
            pyfunc.get("loader_module").map(String::as_str),
            Some("mlflow.sklearn")
        );
        assert!(!pyfunc.contains_key("env"));
        assert_eq!(m.inputs.len(), 2);
        assert_eq!(m.inputs[1].name.as_deref(), Some("sex"));
        assert_eq!(m.outputs[0].column_type, "long");
        assert_eq!(m.run_id.as_deref(), Some("abc123"));
        assert!(read_mlmodel("artifact_path: model\n")
            .unwrap_err()
            .contains("no flavors"));
        assert!(read_mlmodel("flavors: [").is_err());
    }
}
