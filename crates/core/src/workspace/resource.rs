//! A workspace as ARM returns it (and as a PUT asks for it: what Azure fills in may be left out).

use crate::arm::json_de::FromValue;
use crate::arm::SystemData;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A workspace as ARM returns it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceResource {
    /// Full ARM id.
    #[serde(default)]
    pub id: String,
    /// Workspace name.
    #[serde(default)]
    pub name: String,
    /// Always [`crate::arm::WORKSPACE_TYPE`].
    #[serde(rename = "type", default)]
    pub resource_type: String,
    /// Region.
    #[serde(default)]
    pub location: String,
    /// Tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// `Default` (a workspace of its own; hubs and projects are not modelled).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `{"name": "Basic", "tier": "Basic"}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<WorkspaceSku>,
    /// The workspace's managed identity (`{"type": "SystemAssigned", ...}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<WorkspaceIdentity>,
    /// Who created and last changed it, and when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_data: Option<SystemData>,
    /// The workspace's properties.
    #[serde(default)]
    pub properties: WorkspaceProperties,
}

/// A workspace's SKU.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromValue)]
pub struct WorkspaceSku {
    /// `Basic`.
    pub name: String,
    /// `Basic`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
}

/// A workspace's managed identity.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceIdentity {
    /// `SystemAssigned` (what the portal and the CLI create).
    #[serde(rename = "type")]
    pub identity_type: String,
    /// Read-only: the identity's object id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal_id: Option<String>,
    /// Read-only: its tenant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<String>,
}

/// The properties of a workspace that Azimuth models.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceProperties {
    /// Friendly name shown in the studio.
    #[serde(default)]
    pub friendly_name: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Creating, then Succeeded; Deleting while it goes.
    #[serde(default)]
    pub provisioning_state: String,
    /// Workspace GUID.
    #[serde(default)]
    pub workspace_id: String,
    /// ARM id of the workspace's storage account.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub storage_account: String,
    /// ARM id of its Key Vault.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub key_vault: String,
    /// ARM id of its Application Insights.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub application_insights: String,
    /// ARM id of its container registry, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_registry: Option<String>,
    /// Where an MLflow client logs runs of this workspace.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub ml_flow_tracking_uri: String,
    /// The workspace's discovery URL.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub discovery_url: String,
    /// The Azure AD tenant of the workspace.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub tenant_id: String,
    /// `Enabled` or `Disabled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_network_access: Option<String>,
    /// High business impact: less diagnostic data collected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hbi_workspace: Option<bool>,
}
