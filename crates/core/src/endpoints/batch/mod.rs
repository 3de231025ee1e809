//! Batch endpoints, as Azure ML keeps them: an endpoint (its invocation URI and its default
//! deployment) and its deployments (a registered model on a compute cluster, with how its
//! input is split and where its predictions go). Invoking one with a data asset, a datastore
//! path or a file starts a job ([`invoke`]) that scores every row of every file
//! ([`scoring`]) into one output file, as Azure's MLflow batch deployments do. Callers sign in
//! with their own token (Azure's `AADToken`), so a batch endpoint keeps no keys.

pub mod invoke;
pub mod rules;
pub mod scoring;
pub mod yaml;

use crate::arm::json_de::FromValue;
use crate::arm::SystemData;
use crate::time::Millis;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// ARM's type of a batch endpoint.
pub const BATCH_ENDPOINT_TYPE: &str = "Microsoft.MachineLearningServices/workspaces/batchEndpoints";
/// ARM's type of a batch deployment.
pub const BATCH_DEPLOYMENT_TYPE: &str =
    "Microsoft.MachineLearningServices/workspaces/batchEndpoints/deployments";

/// A batch endpoint as ARM returns it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct BatchEndpointResource {
    /// Full ARM id: `{workspace}/batchEndpoints/{name}`.
    #[serde(default)]
    pub id: String,
    /// The endpoint's name.
    #[serde(default)]
    pub name: String,
    /// Always [`BATCH_ENDPOINT_TYPE`].
    #[serde(rename = "type", default)]
    pub resource_type: String,
    /// The workspace's region.
    #[serde(default)]
    pub location: String,
    /// Its managed identity (kept as sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<Value>,
    /// Tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Who created and last changed it, and when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_data: Option<SystemData>,
    /// Its properties.
    #[serde(default)]
    pub properties: BatchEndpointProperties,
}

/// A batch endpoint's properties.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct BatchEndpointProperties {
    /// `AADToken`: callers sign in as themselves.
    #[serde(default)]
    pub auth_mode: String,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Free-form properties.
    #[serde(default)]
    pub properties: BTreeMap<String, String>,
    /// The deployment an invocation that names none goes to.
    #[serde(default)]
    pub defaults: BatchDefaults,
    /// Read-only: where invocations are posted (`.../jobs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scoring_uri: Option<String>,
    /// Read-only: Creating, Updating, Deleting, Succeeded or Failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioning_state: Option<String>,
    /// What else it was sent, kept as sent.
    #[serde(flatten)]
    pub rest: Map<String, Value>,
}

/// A batch endpoint's defaults.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct BatchDefaults {
    /// The default deployment's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment_name: Option<String>,
}

/// A batch endpoint as stored: its resource and when its provisioning ends.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct StoredBatchEndpoint {
    /// The resource ARM answers.
    pub resource: BatchEndpointResource,
    /// When its provisioning is done.
    #[serde(default)]
    pub ready_at: Millis,
}

/// A batch deployment as ARM returns it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct BatchDeploymentResource {
    /// Full ARM id: `{endpoint}/deployments/{name}`.
    #[serde(default)]
    pub id: String,
    /// The deployment's name.
    #[serde(default)]
    pub name: String,
    /// Always [`BATCH_DEPLOYMENT_TYPE`].
    #[serde(rename = "type", default)]
    pub resource_type: String,
    /// The workspace's region.
    #[serde(default)]
    pub location: String,
    /// Tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Who created and last changed it, and when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_data: Option<SystemData>,
    /// Its properties.
    #[serde(default)]
    pub properties: BatchDeploymentProperties,
}

/// The model a batch deployment scores with.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct AssetReference {
    /// `Id`.
    #[serde(default)]
    pub reference_type: String,
    /// The model version's ARM id.
    #[serde(default)]
    pub asset_id: String,
}

/// A batch deployment's properties (Azure's defaults filled in).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct BatchDeploymentProperties {
    /// The compute cluster's ARM id.
    #[serde(default)]
    pub compute: String,
    /// The model version it scores with.
    #[serde(default)]
    pub model: AssetReference,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Free-form properties.
    #[serde(default)]
    pub properties: BTreeMap<String, String>,
    /// `{"instanceCount": n}`: how many of the cluster's nodes a job uses.
    #[serde(default)]
    pub resources: Map<String, Value>,
    /// How many mini-batches a node scores at once.
    #[serde(default)]
    pub max_concurrency_per_instance: u32,
    /// How many files a mini-batch holds.
    #[serde(default)]
    pub mini_batch_size: u32,
    /// `AppendRow` (every prediction in the output file) or `SummaryOnly`.
    #[serde(default)]
    pub output_action: String,
    /// The output file's name (`predictions.csv`).
    #[serde(default)]
    pub output_file_name: String,
    /// How many mini-batches may fail before the job does (-1: any number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_threshold: Option<i64>,
    /// `{"maxRetries": 3, "timeout": "PT30S"}`.
    #[serde(default)]
    pub retry_settings: Map<String, Value>,
    /// `Info`, `Warning` or `Debug`.
    #[serde(default)]
    pub logging_level: String,
    /// Read-only: Creating, Updating, Deleting, Succeeded or Failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioning_state: Option<String>,
    /// What else it was sent, kept as sent.
    #[serde(flatten)]
    pub rest: Map<String, Value>,
}

/// A batch deployment as stored: its endpoint, its resource and when its provisioning ends.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct StoredBatchDeployment {
    /// The endpoint it belongs to.
    pub endpoint: String,
    /// The resource ARM answers.
    pub resource: BatchDeploymentResource,
    /// When its provisioning is done.
    #[serde(default)]
    pub ready_at: Millis,
}

#[cfg(test)]
mod tests;
