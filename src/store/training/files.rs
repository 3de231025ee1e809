//! The files an AutoML job kept in the browser reads and writes, in the browser's file system:
//! its tables (a file, or an MLTable folder's first file), handed to the worker as they are,
//! and the artifacts and outputs it leaves.

use super::message;
use crate::store::opfs;
use azimuth_core::data::mltable::{read_mltable, TablePath, MLTABLE_FILE};
use azimuth_core::jobs::automl::AutoMLTask;
use azimuth_core::jobs::command::JobInput;
use azimuth_core::jobs::run::{run_folder, ARTIFACT_STORE};
use azimuth_core::Workspace;
use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::File;

/// A file of a datastore of `ws` written whole.
pub(super) async fn write(
    ws: &Workspace,
    datastore: &str,
    path: &str,
    bytes: &[u8],
) -> Result<(), String> {
    let root = ws.datastore_root(datastore).map_err(message)?;
    let parts = js_sys::Array::of1(&Uint8Array::from(bytes));
    let name = path.rsplit('/').next().unwrap_or(path);
    let file = File::new_with_u8_array_sequence(&parts, name)
        .map_err(|_| "This browser cannot make files.".to_owned())?;
    let failed =
        |e: crate::store::idb::IdbError| message(opfs::files_error(&e, &format!("Writing {path}")));
    let upload = opfs::Upload::start(&root, path).await.map_err(failed)?;
    upload.write(&file, |_| {}, || false).await.map_err(failed)
}

/// A file of run `run`'s artifacts written whole.
pub(super) async fn write_artifact(
    ws: &Workspace,
    run: &str,
    path: &str,
    bytes: &[u8],
) -> Result<(), String> {
    write(
        ws,
        ARTIFACT_STORE,
        &format!("{}/{path}", run_folder(run)),
        bytes,
    )
    .await
}

/// The text of a file.
async fn text(file: &File) -> Result<String, String> {
    JsFuture::from(file.text())
        .await
        .ok()
        .and_then(|t| t.as_string())
        .ok_or_else(|| format!("'{}' could not be read.", file.name()))
}

/// The file a table input names (a delimited or JSON lines file, or an MLTable folder's first
/// file), its name, and the MLTable file's text when there is one.
async fn table_file(
    ws: &Workspace,
    input: &JobInput,
) -> Result<(File, String, Option<String>), String> {
    let uri = input.uri.as_deref().unwrap_or_default();
    let (datastore, path) = ws.data_location(uri)?;
    let root = ws.datastore_root(&datastore).map_err(message)?;
    let folder = path.trim_end_matches('/');
    if let Ok(file) = opfs::file(&root, folder).await {
        let name = folder.rsplit('/').next().unwrap_or(folder).to_owned();
        return Ok((file, name, None));
    }
    let mltable = opfs::file(&root, &format!("{folder}/{MLTABLE_FILE}"))
        .await
        .map_err(|_| format!("'{uri}' is neither a file nor a folder with an MLTable file; upload it first, or make it an MLTable data asset."))?;
    let mltable = text(&mltable).await?;
    let table = read_mltable(&mltable).map_err(|e| format!("its MLTable file: {e}"))?;
    let listing = match table.paths.first() {
        Some(TablePath::File(_)) | None => None,
        Some(_) => {
            let listed = table
                .listed_folder()
                .ok_or("its MLTable file reads outside its folder.")?;
            let at = format!("{folder}/{listed}");
            Some(
                opfs::list(&root, &at)
                    .await
                    .map_err(|e| message(opfs::files_error(&e, &format!("Listing {at}"))))?,
            )
        }
    };
    let file = table.first_file("", listing.as_ref())?;
    if file.split('/').any(|p| p == "..") {
        return Err(format!("'{file}' is outside the table's folder."));
    }
    let blob = opfs::file(&root, &format!("{folder}/{file}"))
        .await
        .map_err(|_| {
            format!("'{file}' of the table '{uri}' could not be read: it does not exist.")
        })?;
    Ok((blob, file, Some(mltable)))
}

/// What the worker is handed: the job, its task, its tables (`train`, and `valid` and `test`
/// when the job has them, each `{blob, name, mltable}`), and its compute's `nodes`.
pub(super) async fn handed(
    ws: &Workspace,
    job: &str,
    task: &AutoMLTask,
    nodes: usize,
) -> Result<js_sys::Object, String> {
    let message = js_sys::Object::new();
    let set = |on: &js_sys::Object, k: &str, v: &JsValue| {
        let _ = Reflect::set(on, &k.into(), v);
    };
    set(&message, "task", &"automl".into());
    set(&message, "job", &job.into());
    set(
        &message,
        "taskJson",
        &serde_json::to_string(task).unwrap_or_default().into(),
    );
    set(&message, "nodes", &(nodes as u32).into());
    let tables = [
        ("train", "training", Some(&task.training_data)),
        ("valid", "validation", task.validation_data.as_ref()),
        ("test", "test", task.test_data.as_ref()),
    ];
    for (key, what, input) in tables {
        let Some(input) = input else { continue };
        let (file, name, mltable) = table_file(ws, input)
            .await
            .map_err(|e| format!("Its {what} data: {e}"))?;
        let table = js_sys::Object::new();
        set(&table, "blob", &file);
        set(&table, "name", &name.into());
        set(
            &table,
            "mltable",
            &mltable.map_or(JsValue::UNDEFINED, JsValue::from),
        );
        set(&message, key, &table);
    }
    Ok(message)
}
