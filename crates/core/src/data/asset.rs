//! Data assets: a named container and its versions, each version pointing at a file
//! (`uri_file`), a folder (`uri_folder`) or a table described by an `MLTable` file (`mltable`).
//! Versions are immutable (their description, tags and archived flag aside), every version of an
//! asset has the asset's type, and assets are archived and restored, not deleted, as in Azure.

use super::uri::{parse_data_uri, DataUri, Pick};
use crate::arm::json_de::FromValue;
use crate::arm::tags::validate_tags;
pub use crate::arm::versioned::ListView;
use crate::arm::versioned::{
    archive_verb, asset_name_error, named, next_version, touch, versions_of,
};
use crate::arm::{ArmError, SystemData, DATA_TYPE, DATA_VERSION_TYPE};
use crate::time::{format_iso, Millis};
use crate::workspace::roles::Action;
use crate::workspace::Workspace;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// How many data assets a URI may pass through to reach its files.
pub const MAX_HOPS: usize = 4;

/// The data types a data asset may have.
pub const DATA_TYPES: [&str; 3] = ["uri_file", "uri_folder", "mltable"];

/// A data asset's container as ARM returns it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct DataContainerResource {
    /// Full ARM id.
    #[serde(default)]
    pub id: String,
    /// The asset's name.
    #[serde(default)]
    pub name: String,
    /// Always [`DATA_TYPE`].
    #[serde(rename = "type", default)]
    pub resource_type: String,
    /// Who created and last changed it, and when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_data: Option<SystemData>,
    /// Its properties.
    #[serde(default)]
    pub properties: DataContainerProperties,
}

/// A data asset container's properties.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct DataContainerProperties {
    /// `uri_file`, `uri_folder` or `mltable`: every version's.
    #[serde(default)]
    pub data_type: String,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Free-form properties.
    #[serde(default)]
    pub properties: BTreeMap<String, String>,
    /// Whether the whole asset is archived (hidden from lists that show active assets).
    #[serde(default)]
    pub is_archived: bool,
    /// Read-only: the version created last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_version: Option<String>,
    /// Read-only: the version a create without one gets (one past the highest number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_version: Option<String>,
}

/// A data asset's version as ARM returns it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct DataVersionResource {
    /// Full ARM id: `{workspace}/data/{name}/versions/{version}`.
    #[serde(default)]
    pub id: String,
    /// The version.
    #[serde(default)]
    pub name: String,
    /// Always [`DATA_VERSION_TYPE`].
    #[serde(rename = "type", default)]
    pub resource_type: String,
    /// Who created and last changed it, and when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_data: Option<SystemData>,
    /// Its properties.
    #[serde(default)]
    pub properties: DataVersionProperties,
}

/// A data asset version's properties.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct DataVersionProperties {
    /// `uri_file`, `uri_folder` or `mltable`.
    #[serde(default)]
    pub data_type: String,
    /// Where the data is: `azureml://datastores/{ds}/paths/{path}`, `https://...`.
    #[serde(default)]
    pub data_uri: String,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Free-form properties.
    #[serde(default)]
    pub properties: BTreeMap<String, String>,
    /// Whether it was made without a name (by a job); such versions are not listed.
    #[serde(default)]
    pub is_anonymous: bool,
    /// Whether this version is archived.
    #[serde(default)]
    pub is_archived: bool,
    /// An `mltable`'s other URIs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referenced_uris: Option<Vec<String>>,
}

/// ARM's 404 for a data asset (or one of its versions) this workspace does not have.
pub fn data_not_found(name: &str, version: Option<&str>) -> ArmError {
    let message = match version {
        Some(v) => {
            format!("Version {v} of the data asset '{name}' was not found in this workspace.")
        }
        None => format!("The data asset '{name}' was not found in this workspace."),
    };
    ArmError::new("ResourceNotFound", message)
}

fn bad(message: impl Into<String>) -> ArmError {
    ArmError::new("ValidationError", message)
}

/// The refusal of a DELETE: Azure keeps data assets so the jobs that read them stay reproducible.
pub fn delete_refused(name: &str) -> ArmError {
    ArmError::new(
        "UserError",
        format!("Data assets cannot be deleted, so the jobs that read '{name}' stay reproducible. Archive it instead (az ml data archive --name {name}, or Archive in the studio); it can be restored later."),
    )
}

impl Workspace {
    /// A data asset's container by name (names compare without regard to case).
    pub fn data_container(&self, name: &str) -> Option<&DataContainerResource> {
        named(&self.data, name, |d| &d.name)
    }

    /// A data asset's versions, oldest first.
    pub fn data_versions<'a>(
        &'a self,
        name: &str,
    ) -> impl Iterator<Item = &'a DataVersionResource> + use<'a> {
        let asset = format!("{}/data/{name}", self.resource.id);
        versions_of(&self.data_versions, &asset, |v| &v.id)
    }

    /// One version of a data asset.
    pub fn data_version(&self, name: &str, version: &str) -> Option<&DataVersionResource> {
        self.data_versions(name).find(|v| v.name == version)
    }

    /// The version a reference picks: a version, or `latest` (the container's `latestVersion`,
    /// the one created last, as azure-ai-ml reads it).
    pub fn resolve_data(&self, name: &str, pick: &Pick) -> Result<&DataVersionResource, ArmError> {
        let container = self
            .data_container(name)
            .ok_or_else(|| data_not_found(name, None))?;
        let version = match pick {
            Pick::Version(v) => v.as_str(),
            Pick::Label(_) => container
                .properties
                .latest_version
                .as_deref()
                .unwrap_or_default(),
        };
        self.data_version(name, version)
            .ok_or_else(|| data_not_found(name, Some(version)))
    }

    /// The datastore and path a data URI comes to: a datastore path as it is, a data asset (a
    /// version, or `latest`) as its version's URI, followed at most [`MAX_HOPS`] times; or why
    /// it cannot be read here.
    pub fn data_location(&self, uri: &str) -> Result<(String, String), String> {
        let mut uri = uri.to_owned();
        for _ in 0..=MAX_HOPS {
            match parse_data_uri(&uri)? {
                DataUri::Datastore {
                    datastore, path, ..
                } => return Ok((datastore, path)),
                DataUri::Asset { name, pick } => {
                    let version = self.resolve_data(&name, &pick).map_err(|e| e.message().to_owned())?;
                    uri = version.properties.data_uri.clone();
                }
                DataUri::JobOutput { job, .. } => return Err(format!(
                    "the outputs of job '{job}' are not yet readable as inputs here; register them as a data asset and use that."
                )),
                DataUri::External(url) => return Err(format!(
                    "'{url}' is outside this installation, which cannot reach Azure storage from here; upload the data to workspaceblobstore and use its azureml:// path."
                )),
            }
        }
        Err(format!(
            "'{uri}' names assets that name assets {MAX_HOPS} times over."
        ))
    }

    /// ARM's PUT of a data container: creates the asset (answers `true`) or changes its
    /// description, tags and archived flag; its type cannot change.
    pub fn put_data_container(
        &mut self,
        actor: &str,
        name: &str,
        request: DataContainerResource,
        now: Millis,
    ) -> Result<(bool, DataContainerResource), ArmError> {
        self.settle(now);
        let member = self.authorize(actor, Action::WriteData)?.clone();
        let asked = request.properties;
        validate_tags(&asked.tags).map_err(bad)?;
        let at = format_iso(now);
        if let Some(old) = self.data_container(name).cloned() {
            if !asked.data_type.is_empty() && asked.data_type != old.properties.data_type {
                return Err(type_fixed(
                    &old.name,
                    &old.properties.data_type,
                    &asked.data_type,
                ));
            }
            let mut next = old.clone();
            next.properties.description = asked.description;
            next.properties.tags = asked.tags;
            next.properties.properties = asked.properties;
            next.properties.is_archived = asked.is_archived;
            touch(&mut next.system_data, &member.user_name, &at);
            if next != old {
                let verb = archive_verb(old.properties.is_archived, next.properties.is_archived);
                self.record(now, actor, format!("{verb} data asset {}", old.name), "");
                self.replace_container(next.clone());
            }
            return Ok((false, next));
        }
        if let Some(e) = asset_name_error(name, "name") {
            return Err(bad(e).at("name"));
        }
        check_type(&asked.data_type)?;
        let container = DataContainerResource {
            id: format!("{}/data/{name}", self.resource.id),
            name: name.to_owned(),
            resource_type: DATA_TYPE.into(),
            system_data: Some(SystemData::created(&member.user_name, &at)),
            properties: DataContainerProperties {
                latest_version: None,
                next_version: Some("1".into()),
                ..asked
            },
        };
        self.data.push(Arc::new(container.clone()));
        self.record(now, actor, format!("created data asset {name}"), "");
        Ok((true, container))
    }

    /// ARM's PUT of a data asset's version: creates it (and the asset, the first time; answers
    /// `true`), or changes what may change of an existing version (description, tags, archived).
    pub fn put_data_version(
        &mut self,
        actor: &str,
        name: &str,
        version: &str,
        request: DataVersionResource,
        now: Millis,
    ) -> Result<(bool, DataVersionResource), ArmError> {
        self.settle(now);
        let member = self.authorize(actor, Action::WriteData)?.clone();
        let mut asked = request.properties;
        validate_tags(&asked.tags).map_err(bad)?;
        let at = format_iso(now);
        if let Some(old) = self.data_version(name, version).cloned() {
            let was = &old.properties;
            if (!asked.data_type.is_empty() && asked.data_type != was.data_type)
                || (!asked.data_uri.is_empty() && asked.data_uri != was.data_uri)
            {
                return Err(ArmError::new("UserError", format!("Version {version} of the data asset '{name}' already exists and versions cannot change: it is a {} at {}. Create a new version for other data.", was.data_type, was.data_uri)));
            }
            let mut next = old.clone();
            next.properties.description = asked.description;
            next.properties.tags = asked.tags;
            next.properties.is_archived = asked.is_archived;
            touch(&mut next.system_data, &member.user_name, &at);
            if next != old {
                let verb = archive_verb(was.is_archived, next.properties.is_archived);
                self.record(
                    now,
                    actor,
                    format!("{verb} data asset {name} version {version}"),
                    "",
                );
                let id = old.id.clone();
                if let Some(slot) = self.data_versions.iter_mut().find(|v| v.id == id) {
                    *slot = Arc::new(next.clone());
                }
            }
            return Ok((false, next));
        }
        if let Some(e) = asset_name_error(version, "version") {
            return Err(bad(e).at("version"));
        }
        check_type(&asked.data_type)?;
        self.check_data_uri(&asked.data_type, &asked.data_uri)?;
        let container = match self.data_container(name) {
            Some(c) if c.properties.data_type != asked.data_type => {
                return Err(type_fixed(
                    &c.name,
                    &c.properties.data_type,
                    &asked.data_type,
                ))
            }
            Some(c) => c.clone(),
            None => {
                let request = DataContainerResource {
                    properties: DataContainerProperties {
                        data_type: asked.data_type.clone(),
                        ..Default::default()
                    },
                    ..Default::default()
                };
                self.put_data_container(actor, name, request, now)?.1
            }
        };
        if asked.data_type != "mltable" {
            asked.referenced_uris = None;
        }
        let resource = DataVersionResource {
            id: format!("{}/versions/{version}", container.id),
            name: version.to_owned(),
            resource_type: DATA_VERSION_TYPE.into(),
            system_data: Some(SystemData::created(&member.user_name, &at)),
            properties: asked,
        };
        self.data_versions.push(Arc::new(resource.clone()));
        let mut next = container.clone();
        next.properties.latest_version = Some(version.to_owned());
        next.properties.next_version = Some(next_version(
            self.data_versions(&container.name).map(|v| v.name.as_str()),
        ));
        self.replace_container(next);
        self.record(
            now,
            actor,
            format!("created data asset {} version {version}", container.name),
            "",
        );
        Ok((true, resource))
    }

    fn replace_container(&mut self, next: DataContainerResource) {
        if let Some(slot) = self.data.iter_mut().find(|c| c.name == next.name) {
            *slot = Arc::new(next);
        }
    }

    /// Checks where a new version points: a URI Azure reads, of a datastore this workspace has
    /// (for the short form), a file for `uri_file`.
    pub fn check_data_uri(&self, data_type: &str, uri: &str) -> Result<(), ArmError> {
        if uri.trim().is_empty() {
            return Err(bad("properties.dataUri is required: where the data is, e.g. azureml://datastores/workspaceblobstore/paths/data/titanic.csv.").at("properties.dataUri"));
        }
        let parsed = parse_data_uri(uri).map_err(|e| bad(e).at("properties.dataUri"))?;
        match parsed {
            DataUri::Datastore { workspace, datastore, path } => {
                let here = workspace.as_ref().is_none_or(|(_, rg, ws)| {
                    rg.eq_ignore_ascii_case(&self.resource_group) && ws.eq_ignore_ascii_case(&self.resource.name)
                });
                if here && self.datastore(&datastore).is_none() {
                    return Err(bad(format!("The datastore '{datastore}' in {uri} is not registered in this workspace; register it first, or use one of {}.", self.datastores.iter().map(|d| d.resource.name.as_str()).collect::<Vec<_>>().join(", "))).at("properties.dataUri"));
                }
                if data_type == "uri_file" && (path.is_empty() || path.ends_with('/')) {
                    return Err(bad(format!("A File (uri_file) data asset points at one file; {uri} is a folder. Use the type Folder (uri_folder) for a folder.")).at("properties.dataUri"));
                }
                Ok(())
            }
            DataUri::Asset { .. } => Err(bad("A data asset version points at data, not at another data asset; use the other asset's own URI.").at("properties.dataUri")),
            DataUri::JobOutput { .. } | DataUri::External(_) => Ok(()),
        }
    }
}

fn check_type(data_type: &str) -> Result<(), ArmError> {
    if DATA_TYPES.contains(&data_type) {
        Ok(())
    } else {
        Err(bad(format!("properties.dataType must be uri_file (a file), uri_folder (a folder) or mltable (a table); '{data_type}' is none of them.")).at("properties.dataType"))
    }
}

fn type_fixed(name: &str, was: &str, asked: &str) -> ArmError {
    ArmError::new("UserError", format!("The data asset '{name}' is of type {was}; a version of it cannot be {asked}. Give data of another type a name of its own."))
}
