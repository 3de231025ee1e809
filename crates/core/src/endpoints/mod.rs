//! Online endpoints, as Azure ML keeps them: an endpoint (its scoring URI, how callers sign in,
//! how its traffic is split) and its deployments (a registered model on instances of a VM size,
//! holding their vCPU quota). Keys are secrets: kept beside the endpoint, answered only by
//! `listKeys`, never in a GET, list or export. Requests are scored with the very model the
//! deployment names ([`score`]), by the server, or by the page in a workspace kept in the
//! browser.

pub mod batch;
pub mod deployments;
pub mod rules;
pub mod score;
pub mod yaml;

use crate::arm::json_de::FromValue;
use crate::arm::SystemData;
use crate::time::Millis;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// ARM's type of an online endpoint.
pub const ENDPOINT_TYPE: &str = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints";
/// ARM's type of an online deployment.
pub const DEPLOYMENT_TYPE: &str =
    "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments";
/// How callers sign in, as ARM names it.
pub const AUTH_MODES: [&str; 2] = ["Key", "AMLToken"];

/// An online endpoint as ARM returns it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct EndpointResource {
    /// Full ARM id: `{workspace}/onlineEndpoints/{name}`.
    #[serde(default)]
    pub id: String,
    /// The endpoint's name.
    #[serde(default)]
    pub name: String,
    /// Always [`ENDPOINT_TYPE`].
    #[serde(rename = "type", default)]
    pub resource_type: String,
    /// The workspace's region.
    #[serde(default)]
    pub location: String,
    /// `Managed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
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
    pub properties: EndpointProperties,
}

/// An online endpoint's properties.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct EndpointProperties {
    /// `Key` or `AMLToken`.
    #[serde(default)]
    pub auth_mode: String,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Free-form properties.
    #[serde(default)]
    pub properties: BTreeMap<String, String>,
    /// Each deployment's share of live traffic, in percent (adding up to 100, or empty).
    #[serde(default)]
    pub traffic: BTreeMap<String, u32>,
    /// Each deployment's share of traffic copied to it (its answers are not returned).
    #[serde(default)]
    pub mirror_traffic: BTreeMap<String, u32>,
    /// `Enabled` or `Disabled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_network_access: Option<String>,
    /// Read-only: where requests are scored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scoring_uri: Option<String>,
    /// Read-only: the OpenAPI document of its scoring.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub swagger_uri: Option<String>,
    /// Read-only: Creating, Updating, Deleting, Succeeded or Failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioning_state: Option<String>,
    /// What else it was sent, kept as sent.
    #[serde(flatten)]
    pub rest: Map<String, Value>,
}

/// An endpoint's keys (`listKeys`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct EndpointKeys {
    /// The primary key.
    pub primary_key: String,
    /// The secondary key.
    pub secondary_key: String,
}

/// An endpoint as stored: its resource, its keys (kept apart: see
/// [`crate::Workspace::without_secrets`]) and when its provisioning ends.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct StoredEndpoint {
    /// The resource ARM answers.
    pub resource: EndpointResource,
    /// Its keys; `None` in a workspace sent to a studio.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keys: Option<EndpointKeys>,
    /// When its provisioning (create or update) is done.
    #[serde(default)]
    pub ready_at: Millis,
}

/// An online deployment as ARM returns it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentResource {
    /// Full ARM id: `{endpoint}/deployments/{name}`.
    #[serde(default)]
    pub id: String,
    /// The deployment's name.
    #[serde(default)]
    pub name: String,
    /// Always [`DEPLOYMENT_TYPE`].
    #[serde(rename = "type", default)]
    pub resource_type: String,
    /// The workspace's region.
    #[serde(default)]
    pub location: String,
    /// `Managed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Its instances: `{"name": "Default", "capacity": <instance count>}`.
    #[serde(default)]
    pub sku: Sku,
    /// Tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Who created and last changed it, and when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_data: Option<SystemData>,
    /// Its properties.
    #[serde(default)]
    pub properties: DeploymentProperties,
}

/// A deployment's instances.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct Sku {
    /// `Default`.
    #[serde(default = "default_sku")]
    pub name: String,
    /// How many instances.
    #[serde(default = "one")]
    pub capacity: u32,
}

impl Default for Sku {
    fn default() -> Sku {
        Sku {
            name: default_sku(),
            capacity: 1,
        }
    }
}

fn default_sku() -> String {
    "Default".into()
}

fn one() -> u32 {
    1
}

/// A deployment's properties.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentProperties {
    /// `Managed`.
    #[serde(default)]
    pub endpoint_compute_type: String,
    /// The model version it serves: its ARM id (or `azureml:<name>:<version>`).
    #[serde(default)]
    pub model: String,
    /// The VM size of its instances.
    #[serde(default)]
    pub instance_type: String,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Free-form properties.
    #[serde(default)]
    pub properties: BTreeMap<String, String>,
    /// How requests are queued and timed out (Azure's defaults filled in).
    #[serde(default)]
    pub request_settings: Map<String, Value>,
    /// The liveness probe (Azure's defaults filled in).
    #[serde(default)]
    pub liveness_probe: Map<String, Value>,
    /// The readiness probe (Azure's defaults filled in).
    #[serde(default)]
    pub readiness_probe: Map<String, Value>,
    /// Read-only: Creating, Updating, Scaling, Deleting, Succeeded or Failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioning_state: Option<String>,
    /// What else it was sent, kept as sent.
    #[serde(flatten)]
    pub rest: Map<String, Value>,
}

/// A deployment as stored: its resource and when its provisioning ends.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct StoredDeployment {
    /// The endpoint it belongs to.
    pub endpoint: String,
    /// The resource ARM answers.
    pub resource: DeploymentResource,
    /// When its provisioning (create, update or scaling) is done.
    #[serde(default)]
    pub ready_at: Millis,
}

/// Endpoints without their keys, for a studio (its list shares what has none).
pub fn without_keys(
    list: &[std::sync::Arc<StoredEndpoint>],
) -> Vec<std::sync::Arc<StoredEndpoint>> {
    list.iter()
        .map(|e| match e.keys {
            Some(_) => std::sync::Arc::new(StoredEndpoint {
                keys: None,
                ..(**e).clone()
            }),
            None => e.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests;
