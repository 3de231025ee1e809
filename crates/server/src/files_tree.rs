//! A datastore's files arranged as a tree, as the Notebooks page arranges them:
//! `POST /api/files/folder?wsid=&datastore=&path=<folder>/` makes a folder, and
//! `POST /api/files/move?wsid=&datastore=&path=<from>&to=<to>` moves (renames) a file, or a
//! folder with all in it when both end in `/`. Both need a role that may write data.

use crate::files_api::{answer, place};
use crate::state::AppState;
use crate::QueryMap;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use azimuth_core::data::files::check_file_path;
use azimuth_core::ArmError;
use serde_json::json;
use std::sync::Arc;

/// The folder that holds `path` (with its `/`), and `path`'s own name.
fn parent_and_name(path: &str) -> (String, &str) {
    let trimmed = path.trim_end_matches('/');
    match trimmed.rsplit_once('/') {
        Some((folder, name)) => (format!("{folder}/"), name),
        None => (String::new(), trimmed),
    }
}

/// Whether a file or folder is at `path` (in any case, as Azure Files and Windows compare).
async fn taken(state: &AppState, root: &str, path: &str) -> Result<Option<String>, ArmError> {
    let (folder, name) = parent_and_name(path);
    let here = state.storage.list(root, &folder).await?;
    Ok(here
        .folders
        .iter()
        .chain(here.files.iter().map(|f| &f.name))
        .find(|n| n.eq_ignore_ascii_case(name))
        .map(|n| format!("{folder}{n}")))
}

/// `POST /api/files/folder`: an empty folder at `path`.
pub(crate) async fn make_folder(
    State(state): State<Arc<AppState>>,
    query: QueryMap,
    headers: HeaderMap,
) -> Response {
    let result = async {
        let at = place(&state, &query, &headers, true)?;
        if at.path.trim_end_matches('/').is_empty() {
            return Err(ArmError::new(
                "InvalidPath",
                "Name the folder to make: path=<folder>/.",
            ));
        }
        if let Some(there) = taken(&state, &at.root, &at.path).await? {
            return Err(ArmError::new(
                "Conflict",
                format!("'{there}' already exists; choose another name for the folder."),
            ));
        }
        state.storage.make_folder(&at.root, &at.path)?;
        let path = format!("{}/", at.path.trim_end_matches('/'));
        Ok((StatusCode::CREATED, axum::Json(json!({"path": path}))).into_response())
    };
    answer(result.await)
}

/// `POST /api/files/move`: `path` becomes `to`, which must be free.
pub(crate) async fn move_path(
    State(state): State<Arc<AppState>>,
    query: QueryMap,
    headers: HeaderMap,
) -> Response {
    let result = async {
        let at = place(&state, &query, &headers, true)?;
        let to = check_file_path(query.get("to").map_or("", String::as_str))?;
        let (from, folder) = (at.path.as_str(), at.path.ends_with('/'));
        if from.trim_end_matches('/').is_empty() || to.trim_end_matches('/').is_empty() {
            return Err(ArmError::new(
                "InvalidPath",
                "Name what to move (path=) and where to (to=); a datastore's top cannot move.",
            ));
        }
        if folder != to.ends_with('/') {
            return Err(ArmError::new("InvalidPath", "A folder moves to a folder: end both path and to with '/', or neither (for a file)."));
        }
        if folder && to.to_lowercase().starts_with(&from.to_lowercase()) {
            return Err(ArmError::new(
                "InvalidPath",
                format!("'{from}' cannot move into itself ('{to}')."),
            ));
        }
        let exists = if folder {
            taken(&state, &at.root, from).await?.is_some()
        } else {
            state.storage.size(&at.root, from).await?.is_some()
        };
        if !exists {
            return Err(ArmError::new(
                "ResourceNotFound",
                format!("'{from}' is not here (anymore); refresh the file list."),
            ));
        }
        if let Some(there) = taken(&state, &at.root, &to).await? {
            if !there.eq_ignore_ascii_case(from.trim_end_matches('/'))
                || there == to.trim_end_matches('/')
            {
                return Err(ArmError::new(
                    "Conflict",
                    format!(
                        "'{there}' already exists; choose another name, or move that one first."
                    ),
                ));
            }
        }
        let moved = state.storage.rename(&at.root, from, &to).await?;
        if moved > 0 {
            at.keep_folder_of(&state, from);
        }
        Ok(axum::Json(json!({"moved": moved, "path": to})).into_response())
    };
    answer(result.await)
}
