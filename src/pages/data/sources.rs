//! Where the Create data asset wizard's data comes from: the folder an upload from this
//! computer goes to, the files picked (`components::picked_files`) and what a table reads of
//! them, and the sample data sets.

use crate::components::Picked;
use crate::store::{Store, Upload};
use azimuth_core::data::mltable::MLTABLE_FILE;
use azimuth_core::data::preview::Format;
use azimuth_core::data::samples::{mltable_for_csv, sample_csv};
use azimuth_core::ArmError;
use leptos::prelude::*;

/// The time an upload from the studio is named by, as Azure's studio writes it:
/// `<date>_<time>_UTC` (`2025-06-01_093000_UTC`).
pub fn upload_stamp(now: i64) -> String {
    let iso = azimuth_core::time::format_iso(now);
    let stamp: String = iso
        .chars()
        .take(19)
        .filter(|c| *c != ':')
        .map(|c| if c == 'T' { '_' } else { c })
        .collect();
    format!("{stamp}_UTC")
}

/// The folder an upload from the studio goes to, as Azure's studio names it: `UI/<time>_UTC/`.
pub(super) fn upload_folder(now: i64) -> String {
    format!("UI/{}/", upload_stamp(now))
}

/// The datastore sample data goes to.
pub(super) const SAMPLE_STORE: &str = "workspaceblobstore";

/// Where a sample goes: `samples/<name>.csv` for a file, `samples/<name>/` (its CSV and, for a
/// table, its `MLTable`) otherwise.
pub(super) fn sample_path(name: &str, file: bool) -> String {
    if file {
        format!("samples/{name}.csv")
    } else {
        format!("samples/{name}/")
    }
}

/// Writes `text` as the file at `path` of `datastore` (replacing one there).
pub(super) async fn upload_text(
    store: Store,
    datastore: &str,
    path: &str,
    text: &str,
) -> Result<(), ArmError> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let file = web_sys::File::new_with_str_sequence(&parts, name).map_err(|_| {
        ArmError::new(
            "UploadFailed",
            format!("The browser could not make {name}."),
        )
    })?;
    store
        .upload_file(datastore, path, &file, true, Upload::new())
        .await
}

/// Writes a sample's CSV (and, for a Table, its `MLTable`) to `workspaceblobstore`; the same
/// bytes every time, so writing it again changes nothing.
pub(super) async fn upload_sample(
    store: Store,
    name: &'static str,
    kind: &str,
) -> Result<(), ArmError> {
    let csv = sample_csv(name).unwrap_or_default();
    let file_name = format!("{name}.csv");
    let (csv_at, folder) = match kind {
        "uri_file" => (sample_path(name, true), None),
        _ => (
            format!("{}{file_name}", sample_path(name, false)),
            Some(sample_path(name, false)),
        ),
    };
    upload_text(store, SAMPLE_STORE, &csv_at, &csv).await?;
    if let (Some(folder), "mltable") = (folder, kind) {
        let table = mltable_for_csv(&file_name);
        upload_text(store, SAMPLE_STORE, &format!("{folder}MLTable"), &table).await?;
    }
    Ok(())
}

/// The picked folder's top folder (`name/`), or nothing for a single file.
pub(super) fn top_folder_of(files: &[Picked]) -> String {
    files
        .first()
        .and_then(|p| p.relative.split_once('/'))
        .map(|(t, _)| format!("{t}/"))
        .unwrap_or_default()
}

/// Whether the picked folder brings its own `MLTable` file.
pub(super) fn has_mltable(files: &[Picked]) -> bool {
    let own = format!("{}{MLTABLE_FILE}", top_folder_of(files));
    files.iter().any(|p| p.relative == own)
}

/// The files a made `MLTable` file reads: those directly in the picked folder with the extension
/// of the first (.csv, .tsv and .jsonl before the vaguer .txt and .json, then by name), so a
/// notes.txt or a meta.json beside data.csv is not read as rows.
pub(super) fn table_files_of(files: &[Picked]) -> Vec<(String, web_sys::File)> {
    let extension = |n: &str| {
        n.rsplit('.')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase()
    };
    let vague = |n: &str| matches!(extension(n).as_str(), "txt" | "json");
    let top = top_folder_of(files);
    let mut found: Vec<(String, web_sys::File)> = files
        .iter()
        .filter_map(|p| {
            p.relative
                .strip_prefix(&top)
                .map(|n| (n.to_owned(), p.file.clone()))
        })
        .filter(|(n, _)| !n.contains('/') && Format::guess(n).is_some())
        .collect();
    found.sort_by(|a, b| (vague(&a.0), &a.0).cmp(&(vague(&b.0), &b.0)));
    let first = found.first().map(|(n, _)| extension(n)).unwrap_or_default();
    found.retain(|(n, _)| extension(n) == first);
    found
}

/// Uploads the picked files under `base` of `datastore` one after another, each with its
/// progress in `uploads`; the first that fails (or is cancelled) stops the rest.
pub(super) async fn upload_picked(
    store: Store,
    datastore: &str,
    base: &str,
    files: &[Picked],
    uploads: RwSignal<Vec<(String, Upload)>>,
) -> Result<(), ArmError> {
    let progress: Vec<(String, Upload)> = files
        .iter()
        .map(|p| (p.relative.clone(), Upload::new()))
        .collect();
    uploads.set(progress.clone());
    for (picked, (_, progress)) in files.iter().zip(progress) {
        let at = if base.is_empty() {
            picked.relative.clone()
        } else {
            format!("{base}/{}", picked.relative)
        };
        store
            .upload_file(datastore, &at, &picked.file, false, progress)
            .await?;
    }
    Ok(())
}
