//! A workspace as ARM returns it.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A workspace as ARM returns it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceResource {
    /// Full ARM id.
    pub id: String,
    /// Workspace name.
    pub name: String,
    /// Always [`crate::arm::WORKSPACE_TYPE`].
    #[serde(rename = "type")]
    pub resource_type: String,
    /// Region.
    pub location: String,
    /// Tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// The workspace's properties.
    pub properties: WorkspaceProperties,
}

/// The properties of a workspace that Azimuth models.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceProperties {
    /// Friendly name shown in the studio.
    pub friendly_name: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Always `Succeeded` for a usable workspace.
    pub provisioning_state: String,
    /// Workspace GUID.
    pub workspace_id: String,
}
