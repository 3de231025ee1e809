//! Models: a named container and its versions, each version pointing at the folder that holds
//! the model (an MLflow model folder, or any files), as Azure ML keeps them. The same models are
//! MLflow's registered models and model versions. Versions are immutable but for their
//! description, tags, stage and archived flag; unlike data assets, models can be deleted.

pub mod check;
pub mod mlmodel;
pub mod rules;
pub mod source;
pub mod yaml;

use crate::arm::json_de::FromValue;
use crate::arm::{ArmError, SystemData};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use source::ModelSource;

/// The model types azure-ai-ml sends, as it spells them.
pub const MODEL_TYPES: [&str; 3] = ["custom_model", "mlflow_model", "triton_model"];

/// A model's container as ARM returns it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct ModelContainerResource {
    /// Full ARM id: `{workspace}/models/{name}`.
    #[serde(default)]
    pub id: String,
    /// The model's name.
    #[serde(default)]
    pub name: String,
    /// Always [`crate::arm::MODEL_TYPE`].
    #[serde(rename = "type", default)]
    pub resource_type: String,
    /// Who created and last changed it, and when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_data: Option<SystemData>,
    /// Its properties.
    #[serde(default)]
    pub properties: ModelContainerProperties,
}

/// A model container's properties.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct ModelContainerProperties {
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Free-form properties. MLflow aliases are kept here as `mlflow.alias.{alias}` = version.
    #[serde(default)]
    pub properties: BTreeMap<String, String>,
    /// Whether the whole model is archived.
    #[serde(default)]
    pub is_archived: bool,
    /// Read-only: the version created last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_version: Option<String>,
    /// Read-only: the version a create without one gets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_version: Option<String>,
    /// Read-only: `Succeeded` once made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioning_state: Option<String>,
}

/// One flavor's settings in a version's `flavors` (MLflow's `MLmodel` flavors, flattened).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
pub struct FlavorData {
    /// The flavor's settings as text.
    #[serde(default)]
    pub data: BTreeMap<String, String>,
}

/// A model's version as ARM returns it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct ModelVersionResource {
    /// Full ARM id: `{workspace}/models/{name}/versions/{version}`.
    #[serde(default)]
    pub id: String,
    /// The version.
    #[serde(default)]
    pub name: String,
    /// Always [`crate::arm::MODEL_VERSION_TYPE`].
    #[serde(rename = "type", default)]
    pub resource_type: String,
    /// Who created and last changed it, and when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_data: Option<SystemData>,
    /// Its properties.
    #[serde(default)]
    pub properties: ModelVersionProperties,
}

/// A model version's properties.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct ModelVersionProperties {
    /// `custom_model`, `mlflow_model` or `triton_model`.
    #[serde(default)]
    pub model_type: String,
    /// Where the model's files are (see [`ModelSource`]).
    #[serde(default)]
    pub model_uri: String,
    /// The job (run) that made it, when one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_name: Option<String>,
    /// An MLflow model's flavors, from its `MLmodel` file (always written: azure-ai-ml reads
    /// it as a map).
    #[serde(default)]
    pub flavors: BTreeMap<String, FlavorData>,
    /// Its stage (MLflow's: None, Staging, Production, Archived).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Free-form properties.
    #[serde(default)]
    pub properties: BTreeMap<String, String>,
    /// Whether it was made without a name; such versions are not listed.
    #[serde(default)]
    pub is_anonymous: bool,
    /// Whether this version is archived.
    #[serde(default)]
    pub is_archived: bool,
    /// Read-only: `Succeeded` once made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioning_state: Option<String>,
}

/// ARM's 404 for a model (or one of its versions) this workspace does not have.
pub fn model_not_found(name: &str, version: Option<&str>) -> ArmError {
    let message = match version {
        Some(v) => format!("Version {v} of the model '{name}' was not found in this workspace."),
        None => format!("The model '{name}' was not found in this workspace."),
    };
    ArmError::new("ResourceNotFound", message)
}

/// A model type as azure-ai-ml spells it, from any of Azure's spellings (`CustomModel`,
/// `custom_model`, `MLFlowModel`, `mlflow_model`, ...), or `None` for another type.
pub fn model_type(text: &str) -> Option<&'static str> {
    let flat: String = text
        .chars()
        .filter(|c| *c != '_')
        .collect::<String>()
        .to_ascii_lowercase();
    MODEL_TYPES.into_iter().find(|t| t.replace('_', "") == flat)
}
