//! An AutoML job's rows: its training data (an MLTable folder's first file, or a delimited or
//! JSON lines file), then its validation and test data; nothing outside the table's folder is
//! read, and no file past [`MAX_TABLE_BYTES`].

use super::super::workdir::local_path;
use crate::state::AppState;
use azimuth_core::data::files::{FileEntry, Listing};
use azimuth_core::data::mltable::{read_mltable, TablePath, MLTABLE_FILE};
use azimuth_core::data::preview::Table;
use azimuth_core::jobs::automl::rows::{frame_of, table_rows, Rows, MAX_TABLE_BYTES};
use azimuth_core::jobs::automl::AutoMLTask;
use azimuth_core::jobs::command::JobInput;
use azimuth_core::workspace::Workspace;
use std::path::Path;

/// The job's rows: its training data, then its validation and test data if it has some.
pub(super) fn read_data(
    state: &AppState,
    ws: &Workspace,
    task: &AutoMLTask,
) -> Result<Rows, String> {
    let train = read_table(state, ws, &task.training_data)
        .map_err(|e| format!("Its training data: {e}"))?;
    let read = |input: Option<&JobInput>, what: &str| match input {
        Some(v) => read_table(state, ws, v)
            .map(Some)
            .map_err(|e| format!("Its {what} data: {e}")),
        None => Ok(None),
    };
    let valid = read(task.validation_data.as_ref(), "validation")?;
    let test = read(task.test_data.as_ref(), "test")?;
    frame_of(train, valid, test)
}

/// Every row of the table an input names: an MLTable folder (its first file) or a delimited
/// or JSON lines file.
fn read_table(state: &AppState, ws: &Workspace, input: &JobInput) -> Result<Table, String> {
    let uri = input.uri.as_deref().unwrap_or_default();
    let path = local_path(state, ws, uri)?;
    if !path.is_dir() {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        return table_rows(None, name, &read_capped(&path, uri)?);
    }
    let text = std::fs::read_to_string(path.join(MLTABLE_FILE)).map_err(|_| {
        format!("'{uri}' is a folder without an MLTable file; make it an MLTable data asset.")
    })?;
    let table = read_mltable(&text).map_err(|e| format!("its MLTable file: {e}"))?;
    let listing = match table.paths.first() {
        Some(TablePath::File(_)) | None => None,
        Some(_) => Some(listing(&within(
            &path,
            &table
                .listed_folder()
                .ok_or("its MLTable file reads outside its folder.")?,
        )?)),
    };
    let file = table.first_file("", listing.as_ref())?;
    table_rows(
        Some(&table),
        &file,
        &read_capped(&within(&path, &file)?, &file)?,
    )
}

/// `relative` inside `folder`, or an error when it would leave it (a `..` part, or a link the
/// folder's owner made pointing out of it).
fn within(folder: &Path, relative: &str) -> Result<std::path::PathBuf, String> {
    let outside = || format!("'{relative}' is outside the table's folder.");
    let joined = folder.join(relative);
    if relative.split(['/', '\\']).any(|p| p == "..") || Path::new(relative).is_absolute() {
        return Err(outside());
    }
    let (Ok(top), Ok(real)) = (folder.canonicalize(), joined.canonicalize()) else {
        return Ok(joined);
    };
    if real.starts_with(&top) {
        Ok(real)
    } else {
        Err(outside())
    }
}

/// A data file's bytes, refused past [`MAX_TABLE_BYTES`]: training runs in the server's own
/// process, so its memory is the server's.
pub(in crate::jobs) fn read_capped(path: &Path, shown: &str) -> Result<Vec<u8>, String> {
    let size = std::fs::metadata(path)
        .map_err(|_| format!("'{shown}' could not be read: it does not exist."))?
        .len();
    if size > MAX_TABLE_BYTES {
        return Err(format!(
            "'{shown}' is {} MB; AutoML here trains on tables of at most {} MB. Sample it down (an MLTable's take step, or a smaller file).",
            size >> 20,
            MAX_TABLE_BYTES >> 20
        ));
    }
    std::fs::read(path).map_err(|e| format!("'{shown}' could not be read ({}).", e.kind()))
}

/// A folder's files, as a listing.
fn listing(folder: &Path) -> Listing {
    let mut files: Vec<FileEntry> = std::fs::read_dir(folder)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().into_string().ok())
        .map(|name| FileEntry {
            name,
            size: 0,
            last_modified: String::new(),
        })
        .collect();
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Listing {
        folders: Vec::new(),
        files,
    }
}
