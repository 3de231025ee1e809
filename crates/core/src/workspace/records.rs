//! The installation as records, one per resource, for a store that keeps each resource on its
//! own (the browser's IndexedDB; the server's tables have their own keys): the writes a change
//! makes (only what it touched), and the installation read back from its records.
//!
//! Three shelves: `directory` (one record: people, resource groups, role assignments, in the
//! saved format's envelope, so a newer or foreign value is recognised), `workspaces` (each
//! workspace without its computes) and `computes` (each compute). A record's key starts with
//! when its resource was created, so reading a shelf in key order gives the resources oldest
//! first, as the studio lists them.

use super::snapshot::{decode_workspace, read_envelope, SnapshotError, FORMAT, VERSION};
use super::tenant::{Directory, Tenant};
use crate::arm::json_de::{from_json, from_value};
use crate::compute::StoredCompute;
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
}

impl Shelf {
    /// Every shelf.
    pub const ALL: [Shelf; 3] = [Shelf::Directory, Shelf::Workspaces, Shelf::Computes];

    /// The shelf's name (an IndexedDB object store's).
    pub fn name(self) -> &'static str {
        match self {
            Self::Directory => "directory",
            Self::Workspaces => "workspaces",
            Self::Computes => "computes",
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

/// The computes a change touched in one workspace (see [`Workspace::changed_computes`]): those
/// new or different, and the records to remove: those deleted, and those replaced by a new
/// compute of the same name (deleted, then created again: another record), as they were.
fn compute_changes(
    before: Option<&Workspace>,
    after: &Workspace,
) -> (Vec<Arc<StoredCompute>>, Vec<Arc<StoredCompute>>) {
    let Some(before) = before else {
        return (after.computes.clone(), Vec::new());
    };
    let (changed, deleted) = after.changed_computes(before);
    let was = |name: &str| {
        before
            .computes
            .iter()
            .find(|c| c.resource.name.eq_ignore_ascii_case(name))
    };
    let mut gone: Vec<Arc<StoredCompute>> =
        deleted.iter().filter_map(|n| was(n)).cloned().collect();
    for c in &changed {
        if let Some(old) = was(&c.resource.name)
            .filter(|o| o.resource.properties.created_on != c.resource.properties.created_on)
        {
            gone.push(old.clone());
        }
    }
    (changed, gone)
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
        let rest = ws.without_computes();
        if old.is_none_or(|o| o.without_computes() != rest) {
            let body = super::snapshot::encode_workspace(&rest);
            out.push(put(Shelf::Workspaces, key, body));
        }
        let (changed, gone) = compute_changes(old, ws);
        for c in &gone {
            out.push(delete(Shelf::Computes, compute_key(ws, c)));
        }
        for c in &changed {
            let body = serde_json::to_string(c).expect("a compute always serializes");
            out.push(put(Shelf::Computes, compute_key(ws, c), body));
        }
    }
    for old in before.iter().flat_map(|b| &b.workspaces) {
        if after.workspace(old.id()).is_none() {
            out.push(delete(Shelf::Workspaces, workspace_key(old)));
            for c in &old.computes {
                out.push(delete(Shelf::Computes, compute_key(old, c)));
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
}

impl Records {
    /// Whether nothing is saved.
    pub fn is_empty(&self) -> bool {
        self.directory.is_none() && self.workspaces.is_empty() && self.computes.is_empty()
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
