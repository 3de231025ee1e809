//! The Store's notebook files, in the workspace's `workspaceworkingdirectory` as Azure keeps
//! them: each person's folder `Users/<alias>/` (made on their first visit), a text file read
//! with its version and saved only if nobody saved it since (or created only if absent), empty
//! folders, and files and folders moved or renamed. Listing, upload, download and delete are
//! the datastore's own operations (`data.rs`). Both backends say the same refusals the same way.

use super::opfs::files_error;
use super::opfs_tree::{self, Entry};
use super::{remote, Backend, Store};
use azimuth_core::data::files::check_file_path;
use azimuth_core::notebooks::paths::{alias, file_name, home_folder, parent};
use azimuth_core::ArmError;
use leptos::prelude::*;
use remote::Precondition;

/// A text file as read: its content and the version a save must still find.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextFile {
    /// The text (UTF-8).
    pub text: String,
    /// Its version: the server's ETag, or the browser file's time and size.
    pub version: String,
}

/// The refusal of a save that found another version than the one it started from.
pub fn saved_by_someone_else(path: &str) -> ArmError {
    ArmError::new("ConditionNotMet", format!("Someone else saved {} after you opened it, so your changes were not saved over theirs. Reload theirs to see what they wrote (your changes here are then dropped), or save yours as a copy; nothing you typed is lost until you choose.", file_name(path)))
}

fn already_there(path: &str) -> ArmError {
    let folder = parent(path);
    let place = if folder.is_empty() {
        "this datastore".to_owned()
    } else {
        folder
    };
    ArmError::new(
        "Conflict",
        format!(
            "{} already exists in {place}. Choose another name.",
            file_name(path)
        ),
    )
}

fn gone(path: &str) -> ArmError {
    ArmError::new(
        "ResourceNotFound",
        format!(
            "{} is no longer there: someone may have moved or deleted it. Refresh the file list.",
            file_name(path)
        ),
    )
}

/// A file's bytes as text, as a browser decodes it (a leading BOM dropped, bad UTF-8 replaced).
/// Bytes, not a JS string: handing wasm a 5 MB string cost 124 ms in Chromium (wasm-bindgen
/// copies it a UTF-16 unit at a time); bytes are one copy.
pub(in crate::store) fn decode_text(bytes: Vec<u8>) -> String {
    let mut text = String::from_utf8(bytes)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    text
}

impl Store {
    /// The signed-in person's folder of notebooks, `Users/<alias>/`.
    pub fn notebooks_home(&self) -> String {
        let me = self.me_untracked();
        home_folder(&alias(&me.user_name, &me.name))
    }

    fn me_untracked(&self) -> azimuth_core::workspace::roles::Member {
        untrack(|| self.me())
    }

    /// Makes the person's folder on their first visit (when it is there already, or the person
    /// may not write data, nothing changes); answers its path.
    pub async fn open_notebooks_home(&self, datastore: &str) -> String {
        let home = self.notebooks_home();
        let _ = self.make_folder(datastore, &home).await;
        home
    }

    /// A text file's content and version.
    pub async fn read_text(&self, datastore: &str, path: &str) -> Result<TextFile, ArmError> {
        let path = check_file_path(path)?;
        let (text, version) = match self.backend {
            Backend::Browser(_) => {
                let root = self.files_root(datastore, false)?;
                opfs_tree::read_text(&root, &path)
                    .await
                    .map_err(|e| files_error(&e, &format!("Reading {path}")))?
            }
            Backend::Server(token) => {
                let (token, ws) = (token.get_value(), self.workspace_id());
                remote::read_text(&token, &ws, datastore, &path).await?
            }
        };
        Ok(TextFile { text, version })
    }

    /// Saves `text` over the file at `path` only if it is still `version` (nobody saved it
    /// since it was read); answers the new version.
    pub async fn save_text(
        &self,
        datastore: &str,
        path: &str,
        text: &str,
        version: &str,
    ) -> Result<String, ArmError> {
        self.write_text(datastore, path, text, Precondition::Version(version))
            .await
    }

    /// Creates the file at `path` with `text` only if there is none; answers its version.
    pub async fn create_text(
        &self,
        datastore: &str,
        path: &str,
        text: &str,
    ) -> Result<String, ArmError> {
        self.write_text(datastore, path, text, Precondition::Absent)
            .await
    }

    async fn write_text(
        &self,
        datastore: &str,
        path: &str,
        text: &str,
        when: Precondition<'_>,
    ) -> Result<String, ArmError> {
        let path = check_file_path(path)?;
        match self.backend {
            Backend::Browser(_) => {
                let root = self.files_root(datastore, true)?;
                let what = format!("Saving {}", file_name(&path));
                match (when, opfs_tree::entry_at(&root, &path).await) {
                    (Precondition::Absent, Some(_)) => return Err(already_there(&path)),
                    (Precondition::Version(_), None | Some(Entry::Folder)) => {
                        return Err(saved_by_someone_else(&path))
                    }
                    (Precondition::Version(v), Some(Entry::File)) => {
                        let file = super::opfs::file(&root, &path)
                            .await
                            .map_err(|e| files_error(&e, &what))?;
                        if opfs_tree::version_of(&file) != v {
                            return Err(saved_by_someone_else(&path));
                        }
                    }
                    (Precondition::Absent, None) => {}
                }
                let blob = opfs_tree::text_blob(text).map_err(|e| files_error(&e, &what))?;
                opfs_tree::write(&root, &path, &blob)
                    .await
                    .map_err(|e| files_error(&e, &what))
            }
            Backend::Server(token) => {
                let (token, ws) = (token.get_value(), self.workspace_id());
                remote::put_text(&token, &ws, datastore, &path, text, when)
                    .await
                    .map_err(|e| match e.code() {
                        "ConditionNotMet" | "PreconditionFailed" => saved_by_someone_else(&path),
                        "Conflict" if matches!(when, Precondition::Absent) => already_there(&path),
                        _ => e,
                    })
            }
        }
    }

    /// Makes an empty folder at `path` (ending in `/`); a file or folder of that name already
    /// there is a `Conflict`.
    pub async fn make_folder(&self, datastore: &str, path: &str) -> Result<(), ArmError> {
        let path = check_file_path(&format!("{}/", path.trim_end_matches('/')))?;
        match self.backend {
            Backend::Browser(_) => {
                let root = self.files_root(datastore, true)?;
                if opfs_tree::entry_at(&root, &path).await.is_some() {
                    return Err(already_there(&path));
                }
                opfs_tree::make_folder(&root, &path)
                    .await
                    .map_err(|e| files_error(&e, &format!("Creating {path}")))
            }
            Backend::Server(token) => {
                let (token, ws) = (token.get_value(), self.workspace_id());
                remote::make_folder(&token, &ws, datastore, &path).await
            }
        }
    }

    /// Moves (or renames) the file at `from` to `to`, or, both ending in `/`, the folder with
    /// all in it; nothing is replaced. Answers how many files moved.
    pub async fn move_path(&self, datastore: &str, from: &str, to: &str) -> Result<u64, ArmError> {
        let (from, to) = (check_file_path(from)?, check_file_path(to)?);
        match self.backend {
            Backend::Browser(_) => {
                let root = self.files_root(datastore, true)?;
                if opfs_tree::entry_at(&root, &from).await.is_none() {
                    return Err(gone(&from));
                }
                if opfs_tree::entry_at(&root, &to).await.is_some() {
                    return Err(already_there(&to));
                }
                opfs_tree::move_entry(&root, &from, &to)
                    .await
                    .map_err(|e| files_error(&e, &format!("Moving {from}")))
            }
            Backend::Server(token) => {
                let (token, ws) = (token.get_value(), self.workspace_id());
                remote::move_path(&token, &ws, datastore, &from, &to)
                    .await
                    .map_err(|e| match e.code() {
                        "Conflict" => already_there(&to),
                        "ResourceNotFound" | "NotFound" => gone(&from),
                        _ => e,
                    })
            }
        }
    }
}
