//! Where a datastore's files are, for a store that keeps them: the datastores on the
//! workspace's own storage account (its four defaults, and any registered on that account) are
//! `{account}/{container}` in the installation's file storage; a datastore on another account
//! points outside Azimuth, which cannot reach it from here and says so. File paths are checked
//! before any store sees them.

use super::datastore::datastore_not_found;
use super::uri::check_path;
use crate::arm::json_de::FromValue;
use crate::arm::ArmError;
use crate::workspace::Workspace;
use serde::{Deserialize, Serialize};

/// A file as a folder's listing shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct FileEntry {
    /// Its name (without its folder).
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
    /// When it was last written (ISO 8601).
    pub last_modified: String,
}

/// One folder's content, each list by name.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct Listing {
    /// The folders in it.
    pub folders: Vec<String>,
    /// The files in it.
    pub files: Vec<FileEntry>,
}

/// The longest file or folder name, in bytes (what file systems allow).
pub const MAX_NAME_BYTES: usize = 255;

/// The refusal of an upload over a file that is there, when replacing was not asked for (the
/// studio's "Replace files of the same name", `overwrite=true` over the API).
pub fn file_exists(path: &str) -> ArmError {
    ArmError::new(
        "Conflict",
        format!("'{path}' already exists. Choose to replace files of the same name (overwrite=true), or upload it under another name."),
    )
}

/// Checks a file's path inside a datastore (`folder/name.csv`; a folder's ends with `/`, the
/// datastore's top is empty): no `.` or `..`, no control characters, no empty folder names, no
/// name over [`MAX_NAME_BYTES`]. Answers it without a leading `/`.
pub fn check_file_path(path: &str) -> Result<String, ArmError> {
    let path = path.trim_start_matches('/');
    let refuse = |m: String| ArmError::new("InvalidPath", m);
    check_path(path).map_err(refuse)?;
    let inner = path.strip_suffix('/').unwrap_or(path);
    if !inner.is_empty() {
        for name in inner.split('/') {
            if name.is_empty() {
                return Err(refuse(format!(
                    "The path '{path}' has an empty folder name ('//')."
                )));
            }
            if name.len() > MAX_NAME_BYTES {
                return Err(refuse(format!(
                    "The name '{}…' is {} bytes long; file and folder names can be at most {MAX_NAME_BYTES}.",
                    name.chars().take(24).collect::<String>(),
                    name.len()
                )));
            }
            if name.trim() != name || name.ends_with('.') {
                return Err(refuse(format!("The name '{name}' begins or ends with a space or ends with '.', which Azure Files and Windows cannot keep; rename it first.")));
            }
        }
    }
    Ok(path.to_owned())
}

impl Workspace {
    /// Where datastore `name`'s files are in the installation's file storage
    /// (`{account}/{container}`), or why this installation cannot reach them.
    pub fn datastore_root(&self, name: &str) -> Result<String, ArmError> {
        let store = self
            .datastore(name)
            .ok_or_else(|| datastore_not_found(name))?;
        let props = &store.resource.properties;
        let own = self
            .resource
            .properties
            .storage_account
            .rsplit('/')
            .next()
            .unwrap_or_default();
        let inside = props
            .container_name
            .as_deref()
            .or(props.file_share_name.as_deref())
            .or(props.filesystem.as_deref())
            .unwrap_or_default();
        if !props.account_name.eq_ignore_ascii_case(own) || inside.is_empty() {
            return Err(ArmError::new(
                "DatastoreUnreachable",
                format!(
                    "The datastore '{}' points at {} in Azure, outside this Azimuth installation, which cannot reach Azure storage from here. Its registration is kept (jobs run in Azure could use it); upload data to workspaceblobstore to use it here.",
                    store.resource.name,
                    super::datastore::describe(props)
                ),
            ));
        }
        Ok(format!(
            "{}/{inside}",
            props.account_name.to_ascii_lowercase()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_paths() {
        assert_eq!(
            check_file_path("/data/titanic.csv").unwrap(),
            "data/titanic.csv"
        );
        assert_eq!(check_file_path("images/").unwrap(), "images/");
        assert_eq!(check_file_path("").unwrap(), "");
        for bad in [
            "a//b",
            "../x",
            "a/./b",
            "a\u{0}b",
            "a\\b",
            " a",
            "a.",
            &"n".repeat(256),
        ] {
            assert!(check_file_path(bad).is_err(), "{bad:?}");
        }
        assert!(check_file_path(&format!("{}/x", "n".repeat(255))).is_ok());
    }

    #[test]
    fn defaults_are_reachable_and_other_accounts_are_not() {
        let w = Workspace::seed(0);
        let root = w.datastore_root("workspaceblobstore").unwrap();
        let account = w
            .resource
            .properties
            .storage_account
            .rsplit('/')
            .next()
            .unwrap();
        assert_eq!(
            root,
            format!(
                "{account}/azureml-blobstore-{}",
                w.resource.properties.workspace_id
            )
        );
        assert_ne!(w.datastore_root("workspacefilestore").unwrap(), root);
        assert_eq!(
            w.datastore_root("nope").unwrap_err().code(),
            "ResourceNotFound"
        );
    }
}
