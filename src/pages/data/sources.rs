//! Where the Create data asset wizard's data comes from: the folder an upload from this
//! computer goes to, and the sample data sets (files picked are `components::picked_files`).

use crate::store::Upload;
use azimuth_core::data::samples::{mltable_for_csv, sample_csv};

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
    store: crate::store::Store,
    datastore: &str,
    path: &str,
    text: &str,
) -> Result<(), azimuth_core::ArmError> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let file = web_sys::File::new_with_str_sequence(&parts, name).map_err(|_| {
        azimuth_core::ArmError::new(
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
    store: crate::store::Store,
    name: &'static str,
    kind: &str,
) -> Result<(), azimuth_core::ArmError> {
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
