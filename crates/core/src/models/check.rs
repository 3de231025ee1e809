//! Whether a new version's files are there, and an MLflow model's flavors, decided on what a
//! store found where the files are kept (the server's disk, the browser's file system): one
//! rule and one set of messages for both (Azure's `NoMatchingArtifactsFoundFromJob` among them).

use super::mlmodel::read_mlmodel;
use super::{model_type, ModelSource, ModelVersionProperties};
use crate::arm::ArmError;

/// What a store found where a new version's files should be.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Found<'a> {
    /// Whether anything is there: a file, or a folder holding something.
    pub any: bool,
    /// The text of the folder's `MLmodel` file, when it has one (read for an MLflow model only,
    /// see [`needs_mlmodel`]).
    pub mlmodel: Option<&'a str>,
}

/// Whether the version is an MLflow model, whose folder must hold an `MLmodel` file.
pub fn needs_mlmodel(props: &ModelVersionProperties) -> bool {
    model_type(&props.model_type) == Some("mlflow_model")
}

fn bad(message: String) -> ArmError {
    ArmError::new("ValidationError", message).at("properties.modelUri")
}

/// Checks a new version's files as `found` at its source, and fills in an MLflow model's
/// flavors from its `MLmodel` file (when the request names none).
pub fn check_found(
    props: &mut ModelVersionProperties,
    source: &ModelSource,
    found: Found,
) -> Result<(), ArmError> {
    let uri = &props.model_uri;
    if !found.any {
        let (code, whose) = match source.job() {
            Some(job) => (
                "NoMatchingArtifactsFoundFromJob",
                format!("the job '{job}' left no files at {uri}"),
            ),
            None => ("UserError", format!("there are no files at {uri}")),
        };
        return Err(ArmError::new(code, format!("The model cannot be registered: {whose}. Check the path in the job's Outputs + logs tab (a model logged with mlflow is usually in the folder 'model' or 'outputs/model').")).at("properties.modelUri"));
    }
    if !needs_mlmodel(props) {
        return Ok(());
    }
    let text = found.mlmodel.ok_or_else(|| {
        bad(format!("An MLflow model is a folder that holds an MLmodel file, and {uri} holds none. Point at the folder that holds MLmodel, or register the files as custom_model."))
    })?;
    let mlmodel = read_mlmodel(text)
        .map_err(|e| bad(format!("The MLflow model at {uri} cannot be read: {e}.")))?;
    if props.flavors.is_empty() {
        props.flavors = mlmodel.flavors;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props(kind: &str, uri: &str) -> ModelVersionProperties {
        ModelVersionProperties {
            model_type: kind.into(),
            model_uri: uri.into(),
            ..ModelVersionProperties::default()
        }
    }

    #[test]
    fn nothing_there_an_mlflow_folder_without_mlmodel_and_flavors_kept() {
        let uri = "azureml://jobs/j1/outputs/artifacts/paths/model/";
        let source = ModelSource::parse(uri).unwrap();
        let mut p = props("mlflow_model", uri);
        let none = check_found(&mut p, &source, Found::default()).unwrap_err();
        assert_eq!(none.code(), "NoMatchingArtifactsFoundFromJob");
        let found = Found {
            any: true,
            mlmodel: None,
        };
        assert!(check_found(&mut p, &source, found)
            .unwrap_err()
            .message()
            .contains("holds none"));
        let found = Found {
            any: true,
            mlmodel: Some("flavors:\n  sklearn:\n    pickled_model: model.pkl\n"),
        };
        check_found(&mut p, &source, found).unwrap();
        assert!(p.flavors.contains_key("sklearn"));
        let mut custom = props("custom_model", uri);
        let found = Found {
            any: true,
            mlmodel: None,
        };
        check_found(&mut custom, &source, found).unwrap();
        assert!(custom.flavors.is_empty());
    }
}
