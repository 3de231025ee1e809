//! IndexedDB as futures: open a database (creating its object stores), wait for a request's
//! answer or a transaction's end. Written over web-sys rather than with a wrapper crate because
//! the browser store opens before the first page shows, inside the first-load budget; these few
//! functions are what the store needs and nothing more.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbObjectStore, IdbRequest, IdbTransaction, IdbTransactionMode};

/// Why IndexedDB refused: the DOMException's name (e.g. `QuotaExceededError`, `VersionError`)
/// and its message.
#[derive(Clone, Debug, PartialEq)]
pub struct IdbError {
    /// The DOMException's name.
    pub name: String,
    /// What the browser said.
    pub message: String,
}

impl IdbError {
    pub(super) fn from_js(value: &JsValue) -> IdbError {
        match value.dyn_ref::<web_sys::DomException>() {
            Some(e) => IdbError {
                name: e.name(),
                message: e.message(),
            },
            None => IdbError {
                name: "Error".into(),
                // Not `{value:?}`: the release build prints no `Debug`.
                message: value.as_string().unwrap_or_else(|| {
                    js_sys::JSON::stringify(value)
                        .map(String::from)
                        .unwrap_or_else(|_| "an error the browser did not describe".into())
                }),
            },
        }
    }

    pub(super) fn unavailable() -> IdbError {
        IdbError {
            name: "NotSupported".into(),
            message: "this browser gives no IndexedDB".into(),
        }
    }
}

/// A promise settled by a target's success and failure callbacks.
fn settled(set: impl FnOnce(&js_sys::Function, &js_sys::Function)) -> JsFuture {
    let mut set = Some(set);
    JsFuture::from(js_sys::Promise::new(&mut |resolve, reject| {
        if let Some(set) = set.take() {
            set(&resolve, &reject);
        }
    }))
}

/// Waits for a request's result.
pub async fn answer(request: &IdbRequest) -> Result<JsValue, IdbError> {
    let done = settled(|ok, fail| {
        request.set_onsuccess(Some(ok));
        request.set_onerror(Some(fail));
    });
    match done.await {
        Ok(_) => request.result().map_err(|e| IdbError::from_js(&e)),
        Err(_) => Err(request
            .error()
            .ok()
            .flatten()
            .map_or_else(IdbError::unavailable, |e| IdbError::from_js(&e))),
    }
}

/// Waits until a transaction has committed (its writes are durable), or says why it aborted.
pub async fn committed(tx: &IdbTransaction) -> Result<(), IdbError> {
    let done = settled(|ok, fail| {
        tx.set_oncomplete(Some(ok));
        tx.set_onabort(Some(fail));
    });
    done.await.map(drop).map_err(|_| {
        tx.error().map_or(
            IdbError {
                name: "AbortError".into(),
                message: "the change was abandoned".into(),
            },
            |e| IdbError::from_js(&e),
        )
    })
}

/// Opens database `name` at `version`, creating the object stores `stores` it lacks when it is
/// new or older. A database of a newer version fails with `VersionError`.
pub async fn open(name: &str, version: u32, stores: &[&str]) -> Result<IdbDatabase, IdbError> {
    let factory = web_sys::window()
        .and_then(|w| w.indexed_db().ok().flatten())
        .ok_or_else(IdbError::unavailable)?;
    let request = factory
        .open_with_u32(name, version)
        .map_err(|e| IdbError::from_js(&e))?;
    let names: Vec<String> = stores.iter().map(|s| (*s).to_owned()).collect();
    let upgrading = request.clone();
    let upgrade = Closure::<dyn FnMut()>::new(move || {
        if let Ok(db) = upgrading.result().and_then(|r| r.dyn_into::<IdbDatabase>()) {
            for name in &names {
                if !db.object_store_names().contains(name) {
                    let _ = db.create_object_store(name);
                }
            }
        }
    });
    request.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
    let db: IdbDatabase = answer(&request)
        .await?
        .dyn_into()
        .map_err(|e| IdbError::from_js(&e))?;
    drop(upgrade);
    // A newer studio opened in another tab needs a new layout: let it have the database (this
    // tab's next save then asks for a reload instead of holding the other tab up).
    let closing = db.clone();
    let on_version_change = Closure::<dyn FnMut()>::new(move || closing.close());
    db.set_onversionchange(Some(on_version_change.as_ref().unchecked_ref()));
    on_version_change.forget();
    Ok(db)
}

/// Deletes database `name` (the recovery page's fresh start over a foreign database).
pub async fn delete(name: &str) -> Result<(), IdbError> {
    let factory = web_sys::window()
        .and_then(|w| w.indexed_db().ok().flatten())
        .ok_or_else(IdbError::unavailable)?;
    let request = factory
        .delete_database(name)
        .map_err(|e| IdbError::from_js(&e))?;
    answer(&request).await.map(drop)
}

/// A transaction over `stores`, read-only or read-write.
pub fn transaction(
    db: &IdbDatabase,
    stores: &[&str],
    write: bool,
) -> Result<IdbTransaction, IdbError> {
    let names = js_sys::Array::new();
    for s in stores {
        names.push(&JsValue::from_str(s));
    }
    let mode = match write {
        true => IdbTransactionMode::Readwrite,
        false => IdbTransactionMode::Readonly,
    };
    db.transaction_with_str_sequence_and_mode(&names, mode)
        .map_err(|e| IdbError::from_js(&e))
}

/// An object store of a transaction.
pub fn store(tx: &IdbTransaction, name: &str) -> Result<IdbObjectStore, IdbError> {
    tx.object_store(name).map_err(|e| IdbError::from_js(&e))
}

/// Turns a web-sys call's error into an [`IdbError`].
pub fn check<T>(result: Result<T, JsValue>) -> Result<T, IdbError> {
    result.map_err(|e| IdbError::from_js(&e))
}
