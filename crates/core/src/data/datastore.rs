//! Datastores: how a workspace reaches storage. Every workspace has Azure's four defaults on its
//! own storage account; people register more (Azure Blob, ADLS Gen2, Azure Files) with an
//! account key, a SAS token, a service principal or no secret (identity-based access).
//!
//! Secrets are write-only: a PUT's `credentials.secrets` is taken out of the resource and kept
//! beside it, so no GET, list or export can show it; only `listSecrets` (an action the roles
//! Azure allows may call) answers it.

use super::datastore_name_error;
use crate::arm::json_de::FromValue;
use crate::arm::tags::validate_tags;
use crate::arm::{ArmError, SystemData, DATASTORE_TYPE};
use crate::time::{format_iso, Millis};
use crate::workspace::roles::Action;
use crate::workspace::Workspace;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::credentials::take_secrets;
pub use super::credentials::{without_secrets, Credentials};
use std::collections::BTreeMap;
use std::sync::Arc;

/// A datastore as ARM returns it (and as a PUT asks for it).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct DatastoreResource {
    /// Full ARM id.
    #[serde(default)]
    pub id: String,
    /// The datastore's name.
    #[serde(default)]
    pub name: String,
    /// Always [`DATASTORE_TYPE`].
    #[serde(rename = "type", default)]
    pub resource_type: String,
    /// Who created and last changed it, and when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_data: Option<SystemData>,
    /// What it points at and how it signs in.
    #[serde(default)]
    pub properties: DatastoreProperties,
}

/// A datastore's properties.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct DatastoreProperties {
    /// `AzureBlob`, `AzureDataLakeGen2` or `AzureFile`.
    #[serde(default)]
    pub datastore_type: String,
    /// The storage account's name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub account_name: String,
    /// A blob datastore's container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_name: Option<String>,
    /// An Azure Files datastore's share.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_share_name: Option<String>,
    /// An ADLS Gen2 datastore's file system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filesystem: Option<String>,
    /// The storage endpoint's suffix, `core.windows.net` in Azure's public cloud.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// `https` (or `http`, `abfss`, `wasbs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// How it signs in; never with its secrets once stored.
    #[serde(default)]
    pub credentials: Credentials,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Free-form properties.
    #[serde(default)]
    pub properties: BTreeMap<String, String>,
    /// Read-only: whether it is the workspace's default datastore.
    #[serde(default)]
    pub is_default: bool,
    /// Which identity the service uses to reach the data (`None`,
    /// `WorkspaceSystemAssignedIdentity`, `WorkspaceUserAssignedIdentity`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_data_access_auth_identity: Option<String>,
}

/// A datastore as stored: its resource (without secrets) and its secrets, kept apart.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct StoredDatastore {
    /// The resource exactly as ARM returns it.
    pub resource: DatastoreResource,
    /// The secrets `listSecrets` answers (`{"secretsType", ...}`), if it has any. A store that
    /// sends workspaces to studios leaves them out (see [`Workspace::without_secrets`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secrets: Option<Map<String, Value>>,
}

/// The names of Azure's default datastores, in the order they are listed (by name: they are
/// created together); `workspaceblobstore` is the default.
pub const DEFAULT_DATASTORES: [&str; 4] = [
    "workspaceartifactstore",
    "workspaceblobstore",
    "workspacefilestore",
    "workspaceworkingdirectory",
];

/// ARM's 404 for a datastore this workspace does not have.
pub fn datastore_not_found(name: &str) -> ArmError {
    ArmError::new(
        "ResourceNotFound",
        format!("The datastore '{name}' was not found in this workspace."),
    )
}

fn bad(message: impl Into<String>) -> ArmError {
    ArmError::new("ValidationError", message)
}

/// Checks a storage account name: 3 to 24 lowercase letters and digits.
pub fn account_name_error(name: &str) -> Option<String> {
    let ok = (3..=24).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    (!ok).then(|| {
        format!("'{name}' is not a storage account name: 3 to 24 lowercase letters and digits.")
    })
}

/// Checks a container, file share or file system name: 3 to 63 lowercase letters, digits and
/// single hyphens, starting and ending with a letter or digit.
pub fn container_name_error(name: &str, what: &str) -> Option<String> {
    let ok = (3..=63).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.contains("--");
    (!ok).then(|| format!("'{name}' is not a {what} name: 3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit."))
}

/// Which field names the place inside the account, by datastore type.
fn place(props: &DatastoreProperties) -> Result<(&'static str, Option<&str>), ArmError> {
    match props.datastore_type.as_str() {
        "AzureBlob" => Ok(("container", props.container_name.as_deref())),
        "AzureDataLakeGen2" => Ok(("file system", props.filesystem.as_deref())),
        "AzureFile" => Ok(("file share", props.file_share_name.as_deref())),
        "AzureDataLakeGen1" => Err(bad("Azure Data Lake Storage Gen1 was retired in February 2024; register the data as Azure Data Lake Storage Gen2 (AzureDataLakeGen2) or Azure Blob (AzureBlob).")),
        "" => Err(bad("properties.datastoreType is required: AzureBlob, AzureDataLakeGen2 or AzureFile.")),
        other => Err(bad(format!("The datastore type '{other}' is not supported here; use AzureBlob, AzureDataLakeGen2 or AzureFile."))),
    }
}

impl Workspace {
    /// A datastore by name (names compare without regard to case).
    pub fn datastore(&self, name: &str) -> Option<&StoredDatastore> {
        self.datastores
            .iter()
            .map(Arc::as_ref)
            .find(|d| d.resource.name.eq_ignore_ascii_case(name))
    }

    /// The default datastore (`workspaceblobstore` unless another was made the default).
    pub fn default_datastore(&self) -> Option<&StoredDatastore> {
        self.datastores
            .iter()
            .map(Arc::as_ref)
            .find(|d| d.resource.properties.is_default)
    }

    /// Adds Azure's four default datastores, on the workspace's own storage account, when the
    /// workspace has none yet (one created before datastores existed gets the same ones).
    pub fn ensure_default_datastores(&mut self) {
        if !self.datastores.is_empty() {
            return;
        }
        let props = &self.resource.properties;
        let account = props
            .storage_account
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        let ws_id = props.workspace_id.clone();
        let created = self.resource.system_data.clone();
        let code = crate::arm::ids::guid_for(&format!("{}#code", self.resource.id));
        let shapes = [
            ("AzureBlob", "azureml".to_owned()),
            ("AzureBlob", format!("azureml-blobstore-{ws_id}")),
            ("AzureFile", format!("azureml-filestore-{ws_id}")),
            ("AzureFile", format!("code-{code}")),
        ];
        for (name, (kind, place)) in DEFAULT_DATASTORES.iter().zip(shapes) {
            let blob = kind == "AzureBlob";
            let resource = DatastoreResource {
                id: format!("{}/datastores/{name}", self.resource.id),
                name: (*name).to_owned(),
                resource_type: DATASTORE_TYPE.into(),
                system_data: created.clone(),
                properties: DatastoreProperties {
                    datastore_type: kind.into(),
                    account_name: account.clone(),
                    container_name: blob.then(|| place.clone()),
                    file_share_name: (!blob).then_some(place),
                    endpoint: Some("core.windows.net".into()),
                    protocol: Some("https".into()),
                    is_default: *name == "workspaceblobstore",
                    service_data_access_auth_identity: Some(
                        "WorkspaceSystemAssignedIdentity".into(),
                    ),
                    ..DatastoreProperties::default()
                },
            };
            self.datastores.push(Arc::new(StoredDatastore {
                resource,
                secrets: None,
            }));
        }
    }

    /// ARM's PUT of a datastore: registers it (answers `true`) or changes it. Its type and
    /// where it points (account, container, share or file system) cannot change; a default
    /// datastore's description and tags only.
    pub fn put_datastore(
        &mut self,
        actor: &str,
        name: &str,
        mut request: DatastoreResource,
        now: Millis,
    ) -> Result<(bool, DatastoreResource), ArmError> {
        self.settle(now);
        let member = self.authorize(actor, Action::WriteDatastore)?.clone();
        let existing = self.datastore(name).cloned();
        let props = &mut request.properties;
        if let Some(old) = &existing {
            let was = &old.resource.properties;
            if was.is_default {
                if props.datastore_type != was.datastore_type
                    || props.account_name != was.account_name
                {
                    return Err(bad(format!("'{}' is one of the workspace's default datastores: only its description and tags can change.", old.resource.name)));
                }
                props.credentials = was.credentials.clone();
            }
            for (field, now_is, was_is) in [
                (
                    "datastoreType",
                    Some(&props.datastore_type),
                    Some(&was.datastore_type),
                ),
                (
                    "accountName",
                    Some(&props.account_name),
                    Some(&was.account_name),
                ),
                (
                    "containerName",
                    props.container_name.as_ref(),
                    was.container_name.as_ref(),
                ),
                (
                    "fileShareName",
                    props.file_share_name.as_ref(),
                    was.file_share_name.as_ref(),
                ),
                (
                    "filesystem",
                    props.filesystem.as_ref(),
                    was.filesystem.as_ref(),
                ),
            ] {
                if now_is != was_is {
                    return Err(bad(format!("The datastore '{}' already points at {}; its {field} cannot change. Register another datastore instead.", old.resource.name, describe(was))).at(&format!("properties.{field}")));
                }
            }
        } else if let Some(e) = datastore_name_error(name) {
            return Err(bad(e).at("name"));
        }
        let (what, inside) = place(props)?;
        if let Some(e) = account_name_error(&props.account_name) {
            return Err(bad(e).at("properties.accountName"));
        }
        match inside {
            Some(n) => {
                if let Some(e) = container_name_error(n, what) {
                    return Err(bad(e));
                }
            }
            None => {
                return Err(bad(format!(
                    "A {} datastore needs its {what}'s name.",
                    props.datastore_type
                )))
            }
        }
        validate_tags(&props.tags).map_err(bad)?;
        let kept = existing.as_ref().and_then(|o| o.secrets.as_ref());
        let secrets = match existing
            .as_ref()
            .filter(|o| o.resource.properties.is_default)
        {
            Some(old) => old.secrets.clone(),
            None => take_secrets(&props.datastore_type.clone(), &mut props.credentials, kept)?,
        };
        props
            .endpoint
            .get_or_insert_with(|| "core.windows.net".into());
        props.protocol.get_or_insert_with(|| "https".into());
        props.is_default = existing
            .as_ref()
            .is_some_and(|o| o.resource.properties.is_default);
        let at = format_iso(now);
        let system_data = match existing
            .as_ref()
            .and_then(|o| o.resource.system_data.clone())
        {
            Some(mut s) => {
                s.last_modified_at = at;
                s.last_modified_by = member.user_name.clone();
                s
            }
            None => SystemData::created(&member.user_name, &at),
        };
        let stored_name = existing
            .as_ref()
            .map_or(name, |o| o.resource.name.as_str())
            .to_owned();
        let resource = DatastoreResource {
            id: format!("{}/datastores/{stored_name}", self.resource.id),
            name: stored_name.clone(),
            resource_type: DATASTORE_TYPE.into(),
            system_data: Some(system_data),
            properties: request.properties,
        };
        let stored = Arc::new(StoredDatastore {
            resource: resource.clone(),
            secrets,
        });
        match self
            .datastores
            .iter_mut()
            .find(|d| d.resource.name.eq_ignore_ascii_case(name))
        {
            Some(slot) => *slot = stored,
            None => self.datastores.push(stored),
        }
        let verb = if existing.is_some() {
            "updated"
        } else {
            "registered"
        };
        self.record(now, actor, format!("{verb} datastore {stored_name}"), "");
        Ok((existing.is_none(), resource))
    }

    /// ARM's DELETE of a datastore: unregisters it (its files stay where they are). The
    /// workspace's default datastores cannot be removed.
    pub fn delete_datastore(
        &mut self,
        actor: &str,
        name: &str,
        now: Millis,
    ) -> Result<(), ArmError> {
        self.settle(now);
        self.authorize(actor, Action::DeleteDatastore)?;
        let found = self
            .datastore(name)
            .ok_or_else(|| datastore_not_found(name))?;
        let stored_name = found.resource.name.clone();
        if DEFAULT_DATASTORES
            .iter()
            .any(|d| d.eq_ignore_ascii_case(name))
        {
            return Err(bad(format!("'{stored_name}' is one of the workspace's default datastores and cannot be removed.")));
        }
        self.datastores
            .retain(|d| !d.resource.name.eq_ignore_ascii_case(name));
        self.record(
            now,
            actor,
            format!("unregistered datastore {stored_name}"),
            "",
        );
        Ok(())
    }

    /// ARM's `listSecrets` action: the datastore's secrets, for the roles that may see them.
    pub fn datastore_secrets(
        &self,
        actor: &str,
        name: &str,
    ) -> Result<Map<String, Value>, ArmError> {
        self.authorize(actor, Action::ListDatastoreSecrets)?;
        let found = self
            .datastore(name)
            .ok_or_else(|| datastore_not_found(name))?;
        found.secrets.clone().ok_or_else(|| {
            bad(format!("The datastore '{}' uses identity-based access (credentials of type {}) and holds no secrets.", found.resource.name, found.resource.properties.credentials.credentials_type))
        })
    }
}

/// Where a datastore points, for messages: `container data of account acct`.
pub fn describe(props: &DatastoreProperties) -> String {
    let (what, inside) = match props.datastore_type.as_str() {
        "AzureFile" => ("file share", props.file_share_name.as_deref()),
        "AzureDataLakeGen2" => ("file system", props.filesystem.as_deref()),
        _ => ("container", props.container_name.as_deref()),
    };
    format!(
        "{what} {} of account {}",
        inside.unwrap_or("?"),
        props.account_name
    )
}
