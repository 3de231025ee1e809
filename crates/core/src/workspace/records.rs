//! The installation as records, one per resource, for a store that keeps each resource on its
//! own (the browser's IndexedDB; the server's tables have their own keys): the writes a change
//! makes (only what it touched), and the installation read back from its records.
//!
//! Four shelves: `directory` (one record: people, resource groups, role assignments, in the
//! saved format's envelope, so a newer or foreign value is recognised), `workspaces` (each
//! workspace without its assets), `computes` (each compute) and `assets` (each resource of every
//! other kind: datastores, data assets and their versions, and the kinds to come, its kind in its
//! key). Within a workspace and kind, a key goes on with when its resource was created, so
//! reading a shelf in key order gives the resources oldest first, as the studio lists them.

use super::changes::touched;
use super::snapshot::{decode_workspace, read_envelope, SnapshotError, FORMAT, VERSION};
use super::tenant::{Directory, Tenant};
use crate::arm::json_de::{from_json, from_value};
use crate::compute::StoredCompute;
use crate::data::{DataContainerResource, DataVersionResource, StoredDatastore};
use crate::endpoints::batch::{StoredBatchDeployment, StoredBatchEndpoint};
use crate::endpoints::{StoredDeployment, StoredEndpoint};
use crate::models::{ModelContainerResource, ModelVersionResource};
use crate::workspace::Workspace;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

/// Where a record is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shelf {
    /// The one directory record.
    Directory,
    /// One record per workspace (its computes left out).
    Workspaces,
    /// One record per compute.
    Computes,
    /// One record per resource of the other asset kinds.
    Assets,
}

impl Shelf {
    /// Every shelf.
    pub const ALL: [Shelf; 4] = [
        Shelf::Directory,
        Shelf::Workspaces,
        Shelf::Computes,
        Shelf::Assets,
    ];

    /// The shelf's name (an IndexedDB object store's).
    pub fn name(self) -> &'static str {
        match self {
            Self::Directory => "directory",
            Self::Workspaces => "workspaces",
            Self::Computes => "computes",
            Self::Assets => "assets",
        }
    }
}

/// The key of the directory's one record.
pub const DIRECTORY_KEY: &str = "directory";

/// One write of a change.
#[derive(Clone, Debug, PartialEq)]
pub enum RecordWrite {
    /// Saves `body` under `key` (replacing what was there).
    Put {
        /// Where.
        shelf: Shelf,
        /// The record's key.
        key: String,
        /// Its JSON.
        body: String,
    },
    /// Removes the record under `key`.
    Delete {
        /// Where.
        shelf: Shelf,
        /// The record's key.
        key: String,
    },
}

#[derive(Serialize)]
struct DirectoryOut<'a> {
    format: &'static str,
    version: u32,
    directory: &'a Directory,
}

/// The directory's record.
fn directory_body(directory: &Directory) -> String {
    serde_json::to_string(&DirectoryOut {
        format: FORMAT,
        version: VERSION,
        directory,
    })
    .expect("a directory always serializes")
}

/// A workspace's record key: when it was created, then its ARM id in lowercase (ARM ids compare
/// without regard to case).
pub fn workspace_key(ws: &Workspace) -> String {
    let created = ws
        .resource
        .system_data
        .as_ref()
        .map(|s| s.created_at.as_str());
    format!(
        "{}|{}",
        created.unwrap_or_default(),
        ws.id().to_ascii_lowercase()
    )
}

/// The kinds of resource on the assets shelf, as their keys name them.
const DATASTORE: &str = "datastore";
const DATA: &str = "data";
const DATA_VERSION: &str = "dataversion";
const MODEL: &str = "model";
const MODEL_VERSION: &str = "modelversion";
const ENDPOINT: &str = "onlineendpoint";
const DEPLOYMENT: &str = "onlinedeployment";
const BATCH_ENDPOINT: &str = "batchendpoint";
const BATCH_DEPLOYMENT: &str = "batchdeployment";

/// An asset's record key: its workspace's, its kind, when it was created and its lowercase name.
fn asset_key(ws: &Workspace, kind: &str, created: &str, name: &str) -> String {
    format!(
        "{}|{kind}|{created}|{}",
        ws.id().to_ascii_lowercase(),
        name.to_ascii_lowercase()
    )
}

fn created_at(system_data: Option<&crate::arm::SystemData>) -> &str {
    system_data.map_or("", |s| s.created_at.as_str())
}

fn datastore_created(d: &StoredDatastore) -> &str {
    created_at(d.resource.system_data.as_ref())
}

fn container_created(d: &DataContainerResource) -> &str {
    created_at(d.system_data.as_ref())
}

fn version_created(v: &DataVersionResource) -> &str {
    created_at(v.system_data.as_ref())
}

fn datastore_key(ws: &Workspace, d: &StoredDatastore) -> String {
    asset_key(ws, DATASTORE, datastore_created(d), &d.resource.name)
}

fn data_key(ws: &Workspace, d: &DataContainerResource) -> String {
    asset_key(ws, DATA, container_created(d), &d.name)
}

fn version_key(ws: &Workspace, v: &DataVersionResource) -> String {
    asset_key(ws, DATA_VERSION, version_created(v), &v.id)
}

fn model_key(ws: &Workspace, m: &ModelContainerResource) -> String {
    asset_key(ws, MODEL, created_at(m.system_data.as_ref()), &m.name)
}

fn model_version_key(ws: &Workspace, v: &ModelVersionResource) -> String {
    asset_key(ws, MODEL_VERSION, created_at(v.system_data.as_ref()), &v.id)
}

fn endpoint_created(e: &StoredEndpoint) -> &str {
    created_at(e.resource.system_data.as_ref())
}

fn deployment_created(d: &StoredDeployment) -> &str {
    created_at(d.resource.system_data.as_ref())
}

fn endpoint_key(ws: &Workspace, e: &StoredEndpoint) -> String {
    asset_key(ws, ENDPOINT, endpoint_created(e), &e.resource.name)
}

fn deployment_key(ws: &Workspace, d: &StoredDeployment) -> String {
    asset_key(ws, DEPLOYMENT, deployment_created(d), &d.resource.id)
}

fn batch_endpoint_key(ws: &Workspace, e: &StoredBatchEndpoint) -> String {
    let created = created_at(e.resource.system_data.as_ref());
    asset_key(ws, BATCH_ENDPOINT, created, &e.resource.name)
}

fn batch_deployment_key(ws: &Workspace, d: &StoredBatchDeployment) -> String {
    let created = created_at(d.resource.system_data.as_ref());
    asset_key(ws, BATCH_DEPLOYMENT, created, &d.resource.id)
}

/// The writes of every asset list of a workspace but its computes.
fn asset_writes(out: &mut Vec<RecordWrite>, old: Option<&Workspace>, ws: &Workspace) {
    list_writes(
        out,
        (
            Shelf::Assets,
            old.map(|o| &o.datastores[..]),
            &ws.datastores,
        ),
        |d| &d.resource.name,
        datastore_created,
        |d| datastore_key(ws, d),
    );
    list_writes(
        out,
        (Shelf::Assets, old.map(|o| &o.data[..]), &ws.data),
        |d| &d.name,
        container_created,
        |d| data_key(ws, d),
    );
    list_writes(
        out,
        (
            Shelf::Assets,
            old.map(|o| &o.data_versions[..]),
            &ws.data_versions,
        ),
        |v| &v.id,
        version_created,
        |v| version_key(ws, v),
    );
    list_writes(
        out,
        (Shelf::Assets, old.map(|o| &o.models[..]), &ws.models),
        |m| &m.name,
        |m| created_at(m.system_data.as_ref()),
        |m| model_key(ws, m),
    );
    list_writes(
        out,
        (
            Shelf::Assets,
            old.map(|o| &o.model_versions[..]),
            &ws.model_versions,
        ),
        |v| &v.id,
        |v| created_at(v.system_data.as_ref()),
        |v| model_version_key(ws, v),
    );
    list_writes(
        out,
        (Shelf::Assets, old.map(|o| &o.endpoints[..]), &ws.endpoints),
        |e| &e.resource.name,
        endpoint_created,
        |e| endpoint_key(ws, e),
    );
    list_writes(
        out,
        (
            Shelf::Assets,
            old.map(|o| &o.deployments[..]),
            &ws.deployments,
        ),
        |d| &d.resource.id,
        deployment_created,
        |d| deployment_key(ws, d),
    );
    list_writes(
        out,
        (
            Shelf::Assets,
            old.map(|o| &o.batch_endpoints[..]),
            &ws.batch_endpoints,
        ),
        |e| &e.resource.name,
        |e| created_at(e.resource.system_data.as_ref()),
        |e| batch_endpoint_key(ws, e),
    );
    list_writes(
        out,
        (
            Shelf::Assets,
            old.map(|o| &o.batch_deployments[..]),
            &ws.batch_deployments,
        ),
        |d| &d.resource.id,
        |d| created_at(d.resource.system_data.as_ref()),
        |d| batch_deployment_key(ws, d),
    );
}

/// A compute's record key: its workspace's, then when it was created and its lowercase name.
pub fn compute_key(ws: &Workspace, compute: &StoredCompute) -> String {
    let created = compute.resource.properties.created_on.as_deref();
    format!(
        "{}|{}|{}",
        ws.id().to_ascii_lowercase(),
        created.unwrap_or_default(),
        compute.resource.name.to_ascii_lowercase()
    )
}

/// The items of one list a change touched (see [`touched`]): those new or different, and the
/// records to remove: those deleted, and those replaced by a new item of the same name
/// (deleted, then created again: another record, as its key holds when it was created).
fn changed_items<T: PartialEq>(
    before: Option<&[Arc<T>]>,
    after: &[Arc<T>],
    name: fn(&T) -> &String,
    created: fn(&T) -> &str,
) -> (Vec<Arc<T>>, Vec<Arc<T>>) {
    let Some(before) = before else {
        return (after.to_vec(), Vec::new());
    };
    let (changed, deleted) = touched(after, before, name);
    let was = |n: &str| before.iter().find(|c| name(c).eq_ignore_ascii_case(n));
    let mut gone: Vec<Arc<T>> = deleted.iter().filter_map(|n| was(n)).cloned().collect();
    for c in &changed {
        if let Some(old) = was(name(c)).filter(|o| created(o) != created(c)) {
            gone.push(old.clone());
        }
    }
    (changed, gone)
}

/// A list's shelf, the list as it was (none for a new workspace) and as it is.
type ListChange<'a, T> = (Shelf, Option<&'a [Arc<T>]>, &'a [Arc<T>]);

/// The writes for one list of a workspace: `key` makes each item's record key.
fn list_writes<T: PartialEq + Serialize>(
    out: &mut Vec<RecordWrite>,
    (shelf, before, after): ListChange<'_, T>,
    name: fn(&T) -> &String,
    created: fn(&T) -> &str,
    key: impl Fn(&T) -> String,
) {
    let (changed, gone) = changed_items(before, after, name, created);
    for c in &gone {
        out.push(delete(shelf, key(c)));
    }
    for c in &changed {
        let body = serde_json::to_string(&**c).expect("a resource always serializes");
        out.push(put(shelf, key(c), body));
    }
}

/// Each lowercase name's position.
fn positions<'a>(names: impl Iterator<Item = &'a String>) -> HashMap<String, usize> {
    names
        .enumerate()
        .map(|(i, n)| (n.to_ascii_lowercase(), i))
        .collect()
}

/// The writes that take the records of `before` (none: nothing saved yet) to `after`.
pub fn writes(before: Option<&Tenant>, after: &Tenant) -> Vec<RecordWrite> {
    let mut out = Vec::new();
    if before.map(|b| &b.directory) != Some(&after.directory) {
        out.push(RecordWrite::Put {
            shelf: Shelf::Directory,
            key: DIRECTORY_KEY.into(),
            body: directory_body(&after.directory),
        });
    }
    for ws in &after.workspaces {
        let old = before.and_then(|b| b.workspace(ws.id()));
        if old.is_some_and(|o| ws.unchanged_since(o)) {
            continue;
        }
        let key = workspace_key(ws);
        if let Some(old_key) = old.map(workspace_key).filter(|k| *k != key) {
            out.push(delete(Shelf::Workspaces, old_key));
        }
        let rest = ws.without_assets();
        if old.is_none_or(|o| o.without_assets() != rest) {
            let body = super::snapshot::encode_workspace(&rest);
            out.push(put(Shelf::Workspaces, key, body));
        }
        list_writes(
            &mut out,
            (Shelf::Computes, old.map(|o| &o.computes[..]), &ws.computes),
            |c| &c.resource.name,
            |c| {
                c.resource
                    .properties
                    .created_on
                    .as_deref()
                    .unwrap_or_default()
            },
            |c| compute_key(ws, c),
        );
        asset_writes(&mut out, old, ws);
    }
    for old in before.iter().flat_map(|b| &b.workspaces) {
        if after.workspace(old.id()).is_none() {
            out.push(delete(Shelf::Workspaces, workspace_key(old)));
            for c in &old.computes {
                out.push(delete(Shelf::Computes, compute_key(old, c)));
            }
            let stores = old.datastores.iter().map(|d| datastore_key(old, d));
            let data = old.data.iter().map(|d| data_key(old, d));
            let versions = old.data_versions.iter().map(|v| version_key(old, v));
            let models = old.models.iter().map(|m| model_key(old, m));
            let model_versions = old.model_versions.iter().map(|v| model_version_key(old, v));
            let endpoints = old.endpoints.iter().map(|e| endpoint_key(old, e));
            let deployments = old.deployments.iter().map(|d| deployment_key(old, d));
            let batch = old
                .batch_endpoints
                .iter()
                .map(|e| batch_endpoint_key(old, e));
            let batch_deployments = old
                .batch_deployments
                .iter()
                .map(|d| batch_deployment_key(old, d));
            for key in stores
                .chain(data)
                .chain(versions)
                .chain(models)
                .chain(model_versions)
                .chain(endpoints)
                .chain(deployments)
                .chain(batch)
                .chain(batch_deployments)
            {
                out.push(delete(Shelf::Assets, key));
            }
        }
    }
    out
}

fn put(shelf: Shelf, key: String, body: String) -> RecordWrite {
    RecordWrite::Put { shelf, key, body }
}

fn delete(shelf: Shelf, key: String) -> RecordWrite {
    RecordWrite::Delete { shelf, key }
}

/// What a store holds, shelf by shelf, each record as (key, JSON) in key order.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Records {
    /// The directory's record, if one was saved.
    pub directory: Option<String>,
    /// The workspaces' records.
    pub workspaces: Vec<(String, String)>,
    /// The computes' records.
    pub computes: Vec<(String, String)>,
    /// The other assets' records.
    #[serde(default)]
    pub assets: Vec<(String, String)>,
}

impl Records {
    /// Whether nothing is saved.
    pub fn is_empty(&self) -> bool {
        self.directory.is_none()
            && self.workspaces.is_empty()
            && self.computes.is_empty()
            && self.assets.is_empty()
    }

    /// The records as one JSON text, exactly as read (for downloading an unreadable store).
    pub fn dump(&self) -> String {
        serde_json::to_string(self).expect("strings always serialize")
    }

    /// The installation the records hold (none when nothing is saved), or exactly why they
    /// cannot be read.
    pub fn assemble(&self) -> Result<Option<Tenant>, SnapshotError> {
        let Some(text) = &self.directory else {
            return match self.is_empty() {
                true => Ok(None),
                false => Err(SnapshotError::Invalid(
                    "its directory record is missing".into(),
                )),
            };
        };
        let directory = read_envelope(text)?
            .get_mut("directory")
            .map(serde_json::Value::take)
            .ok_or_else(|| {
                SnapshotError::Invalid("the directory record has no directory".into())
            })?;
        let directory: Directory = from_value(directory).map_err(|e| {
            SnapshotError::Invalid(format!("the directory record is damaged ({e})"))
        })?;
        let mut workspaces = Vec::with_capacity(self.workspaces.len());
        for (key, body) in &self.workspaces {
            workspaces.push(decode_workspace(body).map_err(|e| damaged("workspace", key, e))?);
        }
        let ids: Vec<String> = workspaces.iter().map(|w| w.id().to_owned()).collect();
        let index = positions(ids.iter());
        for (key, body) in &self.computes {
            let owner = key.split('|').next().unwrap_or_default();
            let at = *index.get(owner).ok_or_else(|| {
                SnapshotError::Invalid(format!("the compute record {key} belongs to no workspace"))
            })?;
            let compute: StoredCompute = from_json(body)
                .map_err(|e| damaged("compute", key, SnapshotError::Invalid(e.to_string())))?;
            workspaces[at].computes.push(Arc::new(compute));
        }
        for (key, body) in &self.assets {
            let mut parts = key.split('|');
            let (owner, kind) = (parts.next().unwrap_or_default(), parts.next());
            let at = *index.get(owner).ok_or_else(|| {
                SnapshotError::Invalid(format!("the asset record {key} belongs to no workspace"))
            })?;
            let broken =
                |e: serde_json::Error| damaged("asset", key, SnapshotError::Invalid(e.to_string()));
            let ws = &mut workspaces[at];
            match kind {
                Some(DATASTORE) => ws.datastores.push(Arc::new(from_json(body).map_err(broken)?)),
                Some(DATA) => ws.data.push(Arc::new(from_json(body).map_err(broken)?)),
                Some(DATA_VERSION) => ws
                    .data_versions
                    .push(Arc::new(from_json(body).map_err(broken)?)),
                Some(MODEL) => ws.models.push(Arc::new(from_json(body).map_err(broken)?)),
                Some(MODEL_VERSION) => ws
                    .model_versions
                    .push(Arc::new(from_json(body).map_err(broken)?)),
                Some(ENDPOINT) => ws.endpoints.push(Arc::new(from_json(body).map_err(broken)?)),
                Some(DEPLOYMENT) => ws.deployments.push(Arc::new(from_json(body).map_err(broken)?)),
                Some(BATCH_ENDPOINT) => ws
                    .batch_endpoints
                    .push(Arc::new(from_json(body).map_err(broken)?)),
                Some(BATCH_DEPLOYMENT) => ws
                    .batch_deployments
                    .push(Arc::new(from_json(body).map_err(broken)?)),
                _ => {
                    return Err(SnapshotError::Invalid(format!(
                        "the asset record {key} is of a kind this version of Azimuth does not know (a newer Azimuth may have written it)"
                    )))
                }
            }
        }
        let mut tenant = Tenant {
            directory,
            workspaces,
        };
        tenant.sync_members();
        Ok(Some(tenant))
    }
}

/// A record that cannot be read, named.
fn damaged(what: &str, key: &str, error: SnapshotError) -> SnapshotError {
    match error {
        SnapshotError::Invalid(e) | SnapshotError::NotJson(e) => {
            SnapshotError::Invalid(format!("the {what} record {key} is damaged ({e})"))
        }
        other => other,
    }
}
