//! The browser store's shelves in IndexedDB: every record read in one go, a change's writes
//! sent, and a refused write explained.

use super::super::idb::{self, IdbError};
use azimuth_core::workspace::records::{RecordWrite, Records, Shelf, DIRECTORY_KEY};
use azimuth_core::ArmError;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::IdbTransaction;

/// The record (on the directory shelf) counting the changes saved, so a tab knows whether
/// another tab changed the installation since it last read it.
pub(super) const STAMP_KEY: &str = "stamp";

/// Every record and the stamp, read in `tx` (all requests sent at once).
pub(super) async fn read_records(tx: &IdbTransaction) -> Result<(Records, f64), IdbError> {
    let directory = idb::store(tx, Shelf::Directory.name())?;
    let record = idb::check(directory.get(&DIRECTORY_KEY.into()))?;
    let stamp = idb::check(directory.get(&STAMP_KEY.into()))?;
    let mut shelves = Vec::new();
    for shelf in [Shelf::Workspaces, Shelf::Computes, Shelf::Assets] {
        let store = idb::store(tx, shelf.name())?;
        shelves.push((
            idb::check(store.get_all_keys())?,
            idb::check(store.get_all())?,
        ));
    }
    let text = |v: JsValue| v.as_string().unwrap_or_default();
    let directory = idb::answer(&record).await?;
    let stamp = idb::answer(&stamp).await?.as_f64().unwrap_or(0.0);
    let mut lists = Vec::new();
    for (keys, values) in shelves {
        let keys: js_sys::Array = idb::answer(&keys).await?.unchecked_into();
        let values: js_sys::Array = idb::answer(&values).await?.unchecked_into();
        lists.push(
            keys.iter()
                .map(text)
                .zip(values.iter().map(text))
                .collect::<Vec<_>>(),
        );
    }
    let assets = lists.pop().unwrap_or_default();
    let computes = lists.pop().unwrap_or_default();
    let workspaces = lists.pop().unwrap_or_default();
    Ok((
        Records {
            directory: (!directory.is_undefined()).then(|| text(directory)),
            workspaces,
            computes,
            assets,
        },
        stamp,
    ))
}

/// Sends a change's writes and its new stamp in `tx`.
pub(super) fn write(
    tx: &IdbTransaction,
    writes: &[RecordWrite],
    stamp: f64,
) -> Result<(), IdbError> {
    for w in writes {
        match w {
            RecordWrite::Put { shelf, key, body } => {
                let store = idb::store(tx, shelf.name())?;
                idb::check(store.put_with_key(&JsValue::from_str(body), &JsValue::from_str(key)))?;
            }
            RecordWrite::Delete { shelf, key } => {
                let store = idb::store(tx, shelf.name())?;
                idb::check(store.delete(&JsValue::from_str(key)))?;
            }
        }
    }
    let directory = idb::store(tx, Shelf::Directory.name())?;
    idb::check(directory.put_with_key(&JsValue::from_f64(stamp), &STAMP_KEY.into()))?;
    Ok(())
}

/// A refused write as an ARM-style error; the saved state is as it was.
pub(super) fn storage_error(e: &IdbError) -> ArmError {
    if e.name == "QuotaExceededError" {
        ArmError::new(
            "StorageFull",
            "This browser's storage for Azimuth is full, so the change was not saved and nothing was changed. Delete computes you no longer need or free space in the browser's site data, then try again.",
        )
    } else if e.name == "InvalidStateError" {
        ArmError::new(
            "StorageError",
            "A newer Azimuth was opened in another tab and took over this browser's storage. Nothing was changed; reload this page to go on.",
        )
    } else {
        ArmError::new(
            "StorageError",
            format!("The browser refused to save the workspace ({}: {}). Nothing was changed; reload the page and try again.", e.name, e.message),
        )
    }
}
