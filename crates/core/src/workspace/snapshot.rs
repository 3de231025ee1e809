//! The versioned text form an installation is saved in (the browser's storage), the JSON of one
//! workspace, and the reasons a saved value may be unreadable. Version 1 held one workspace;
//! version 2 holds the directory and every workspace, and reads version 1.

use super::manage::associated_name;
use super::roles::Role;
use super::tenant::{Directory, Person, ResourceGroup, Tenant};
use crate::arm::json_de::from_value;
use crate::arm::json_de::FromValue;
use crate::workspace::Workspace;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The format tag every saved workspace carries.
pub const FORMAT: &str = "azimuth-workspace";
/// The version this build writes and reads.
pub const VERSION: u32 = 2;

/// Why a saved value cannot be used; `Display` explains it to a person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SnapshotError {
    /// Not JSON at all (truncated, edited by hand...).
    NotJson(String),
    /// JSON, but not an Azimuth workspace.
    Foreign,
    /// Written by a newer Azimuth.
    Newer(u32),
    /// An Azimuth workspace of this version whose content does not fit.
    Invalid(String),
}

impl std::fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotJson(e) => write!(f, "The saved workspace is not valid JSON ({e}). It may have been cut short or edited by hand."),
            Self::Foreign => write!(f, "The saved value is not an Azimuth workspace: something else wrote to this browser's storage key."),
            Self::Newer(v) => write!(f, "The saved workspace was written by a newer version of Azimuth (format version {v}; this studio reads version {VERSION})."),
            Self::Invalid(e) => write!(f, "The saved workspace is damaged: {e}."),
        }
    }
}

#[derive(Serialize)]
struct EnvelopeOut<'a> {
    format: &'static str,
    version: u32,
    directory: &'a Directory,
    workspaces: &'a [Workspace],
}

/// The envelope of either version.
#[derive(Deserialize, FromValue)]
struct EnvelopeIn {
    /// Version 1: the one workspace.
    workspace: Option<Workspace>,
    /// Version 2: the directory and the workspaces.
    directory: Option<Directory>,
    #[serde(default)]
    workspaces: Vec<Workspace>,
}

/// The tenant id the first Azimuth builds wrote into every workspace (a real company's tenant
/// id, which an installation must not claim): a migration replaces it.
const OLD_SHARED_TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";

/// The saved form of an installation.
pub fn encode(tenant: &Tenant) -> String {
    serde_json::to_string(&EnvelopeOut {
        format: FORMAT,
        version: VERSION,
        directory: &tenant.directory,
        workspaces: &tenant.workspaces,
    })
    .expect("a tenant always serializes")
}

/// Reads a saved installation, telling exactly why when it cannot. A version 1 value (one
/// workspace and its members) becomes an installation around that workspace, nothing in it
/// lost; `new_tenant_id` replaces the tenant id early builds shared.
pub fn decode(text: &str, new_tenant_id: &str) -> Result<Tenant, SnapshotError> {
    let value = read_envelope(text)?;
    let envelope: EnvelopeIn =
        from_value(value).map_err(|e| SnapshotError::Invalid(e.to_string()))?;
    let mut tenant = match (envelope.directory, envelope.workspace) {
        (Some(directory), _) => Tenant {
            directory,
            workspaces: envelope.workspaces,
        },
        (None, Some(ws)) => migrate_v1(ws, new_tenant_id),
        (None, None) => return Err(SnapshotError::Invalid("it has no workspace".into())),
    };
    tenant.sync_members();
    Ok(tenant)
}

/// Parses a saved value and checks its envelope: Azimuth's format tag and a version this build
/// reads (1 or 2).
pub(crate) fn read_envelope(text: &str) -> Result<Value, SnapshotError> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| SnapshotError::NotJson(e.to_string()))?;
    if value.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(SnapshotError::Foreign);
    }
    let version = match value.get("version") {
        None => None,
        Some(v) => Some(v.as_u64().ok_or(SnapshotError::Foreign)?),
    };
    match version {
        Some(1 | 2) => Ok(value),
        Some(v) if v > u64::from(VERSION) => {
            Err(SnapshotError::Newer(u32::try_from(v).unwrap_or(u32::MAX)))
        }
        Some(other) => Err(SnapshotError::Invalid(format!(
            "unknown format version {other}"
        ))),
        None => Err(SnapshotError::Invalid("no format version".into())),
    }
}

/// One workspace as JSON (the server's `/api/workspace` answer, a studio download).
pub fn encode_workspace(ws: &Workspace) -> String {
    serde_json::to_string(ws).expect("a workspace always serializes")
}

/// Reads one workspace's JSON.
pub fn decode_workspace(text: &str) -> Result<Workspace, SnapshotError> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| SnapshotError::NotJson(e.to_string()))?;
    from_value(value).map_err(|e| SnapshotError::Invalid(e.to_string()))
}

/// An installation around a version 1 workspace: its members become people; an Owner of the
/// workspace becomes an Owner of the subscription (they ran the whole installation), the others
/// keep their role on the workspace.
fn migrate_v1(mut ws: Workspace, new_tenant_id: &str) -> Tenant {
    let tenant_id = if ws.tenant_id == OLD_SHARED_TENANT || ws.tenant_id.is_empty() {
        new_tenant_id.to_owned()
    } else {
        ws.tenant_id.clone()
    };
    replace_tenant(&mut ws, &tenant_id);
    let subscription_scope = format!("/subscriptions/{}", ws.subscription_id);
    let people = ws
        .members
        .iter()
        .map(|m| Person {
            name: m.name.clone(),
            user_name: m.user_name.clone(),
            object_id: m.object_id.clone(),
        })
        .collect();
    let props = &mut ws.resource.properties;
    let group_id = ws
        .resource
        .id
        .split("/providers/")
        .next()
        .unwrap_or_default()
        .to_owned();
    for (field, provider, kind) in [
        (
            &mut props.storage_account,
            "Microsoft.Storage/storageAccounts",
            "storage",
        ),
        (
            &mut props.key_vault,
            "Microsoft.KeyVault/vaults",
            "keyvault",
        ),
        (
            &mut props.application_insights,
            "microsoft.insights/components",
            "insights",
        ),
    ] {
        if field.is_empty() {
            let name = associated_name(
                &ws.resource.name,
                kind,
                &format!("{}#{kind}", ws.resource.id),
            );
            *field = format!("{group_id}/providers/{provider}/{name}");
        }
    }
    if props.ml_flow_tracking_uri.is_empty() {
        props.ml_flow_tracking_uri = format!(
            "azureml://{}.api.azureml.ms/mlflow/v1.0{}",
            ws.resource.location, ws.resource.id
        );
    }
    let mut tenant = Tenant {
        directory: Directory {
            tenant_id,
            subscription_id: ws.subscription_id.clone(),
            subscription_name: "Azimuth".into(),
            people,
            resource_groups: vec![ResourceGroup {
                name: ws.resource_group.clone(),
                location: ws.resource.location.clone(),
                tags: Default::default(),
            }],
            role_assignments: Vec::new(),
            pace: ws.settings.pace,
            serial: 0,
        },
        workspaces: Vec::new(),
    };
    let ws_id = ws.id().to_owned();
    for m in ws.members.clone() {
        let scope = if m.role == Role::Owner {
            &subscription_scope
        } else {
            &ws_id
        };
        tenant.add_assignment(scope, &m.object_id, m.role, ws.settled_at);
    }
    tenant.workspaces.push(ws);
    tenant
}

/// Writes `tenant_id` wherever a workspace's resources name the tenant.
fn replace_tenant(ws: &mut Workspace, tenant_id: &str) {
    ws.tenant_id = tenant_id.to_owned();
    ws.resource.properties.tenant_id = tenant_id.to_owned();
    for c in ws.computes.iter_mut().map(std::sync::Arc::make_mut) {
        let props = &mut c.resource.properties;
        if let Some(created_by) = &mut props.properties.created_by {
            created_by.user_org_id = tenant_id.to_owned();
        }
        if let Some(p) = &mut props.properties.personal_compute_instance_settings {
            p.assigned_user.tenant_id = tenant_id.to_owned();
        }
        if let Some(identity) = &mut c.resource.identity {
            if identity.tenant_id.is_some() {
                identity.tenant_id = Some(tenant_id.to_owned());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::seed::EXAMPLE_TENANT;

    const NEW: &str = "0d9e8f7a-1b2c-4d3e-8f4a-5b6c7d8e9f01";

    #[test]
    fn round_trip_and_every_kind_of_bad_value() {
        let tenant = Tenant::seed(1_000, EXAMPLE_TENANT, None);
        assert_eq!(decode(&encode(&tenant), NEW).unwrap(), tenant);
        assert!(matches!(
            decode("{\"format\":\"azimuth-workspace\",\"vers", NEW),
            Err(SnapshotError::NotJson(_))
        ));
        assert_eq!(decode("[1,2]", NEW), Err(SnapshotError::Foreign));
        assert_eq!(
            decode("{\"theme\":\"dark\"}", NEW),
            Err(SnapshotError::Foreign)
        );
        assert_eq!(
            decode(
                "{\"format\":\"azimuth-workspace\",\"version\":7,\"workspace\":{}}",
                NEW
            ),
            Err(SnapshotError::Newer(7))
        );
        assert!(matches!(
            decode(
                "{\"format\":\"azimuth-workspace\",\"version\":1,\"workspace\":{\"members\":3}}",
                NEW
            ),
            Err(SnapshotError::Invalid(_))
        ));
        assert!(SnapshotError::Newer(7)
            .to_string()
            .contains("newer version"));
        let ws = &tenant.workspaces[0];
        assert_eq!(decode_workspace(&encode_workspace(ws)).unwrap(), *ws);
    }

    #[test]
    fn a_version_1_workspace_becomes_an_installation_and_loses_nothing() {
        let mut ws = Workspace::seed(1_000);
        replace_tenant(&mut ws, OLD_SHARED_TENANT);
        let body = serde_json::from_value(serde_json::json!({"properties": {"computeType": "ComputeInstance", "properties": {"vmSize": "Standard_DS11_v2"}}})).unwrap();
        ws.create_instance("Grace Hopper", "ci-old", body, 2_000)
            .unwrap_err();
        let body = serde_json::from_value(serde_json::json!({"properties": {"computeType": "ComputeInstance", "properties": {"vmSize": "Standard_DS11_v2"}}})).unwrap();
        ws.create_instance("Ada Lovelace", "ci-old", body, 2_000)
            .unwrap();
        let mut v1 = serde_json::to_value(&ws).unwrap();
        for gone in ["deletedAt", "readyAt"] {
            v1.as_object_mut().unwrap().remove(gone);
        }
        for gone in [
            "storageAccount",
            "keyVault",
            "applicationInsights",
            "mlFlowTrackingUri",
            "discoveryUrl",
            "tenantId",
        ] {
            v1["resource"]["properties"]
                .as_object_mut()
                .unwrap()
                .remove(gone);
        }
        let text = serde_json::json!({"format": FORMAT, "version": 1, "workspace": v1}).to_string();
        let tenant = decode(&text, NEW).unwrap();
        assert_eq!(
            tenant.directory.tenant_id, NEW,
            "the shared tenant id is replaced"
        );
        let migrated = &tenant.workspaces[0];
        assert_eq!(migrated.computes.len(), 1);
        let c = migrated.compute("ci-old").unwrap();
        assert_eq!(
            c.resource
                .properties
                .properties
                .created_by
                .as_ref()
                .unwrap()
                .user_org_id,
            NEW
        );
        assert_eq!(tenant.directory.people.len(), 4);
        let roles: Vec<_> = migrated
            .members
            .iter()
            .map(|m| (m.name.as_str(), m.role))
            .collect();
        assert_eq!(
            roles,
            ws.members
                .iter()
                .map(|m| (m.name.as_str(), m.role))
                .collect::<Vec<_>>()
        );
        assert!(migrated
            .resource
            .properties
            .storage_account
            .contains("/Microsoft.Storage/storageAccounts/mlwazimustorage"));
        let ada = tenant.directory.person("Ada Lovelace").unwrap();
        let sub = tenant.directory.subscription_scope();
        assert_eq!(
            tenant.directory.roles_at(ada, &sub),
            [Role::Owner],
            "the Owner runs the installation"
        );
        assert!(!text.contains(NEW) && encode(&tenant).contains(NEW));
    }
}
