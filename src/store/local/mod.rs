//! The browser store: the installation in this browser's IndexedDB, one record per resource
//! (`azimuth_core::workspace::records`), a change writing only the records it touched in one
//! transaction, after checking that no other tab changed them first. Tabs stay in step through
//! a BroadcastChannel. The localStorage value of earlier builds (format versions 1 and 2) moves
//! in on the first start with nothing lost; an unreadable value or record opens the recovery
//! page, and nothing is written until the person chooses.

mod first_start;
pub mod jobs;
mod record_writes;
pub mod runs;
mod shelves;

use super::browser::local_storage;
use super::idb::{self, IdbError};
use azimuth_core::workspace::records::Shelf;
use azimuth_core::workspace::snapshot::SnapshotError;
use azimuth_core::workspace::Tenant;
use azimuth_core::ArmError;
use leptos::prelude::*;
use record_writes::{record_writes, Writes};
use shelves::{read_records, storage_error, write, STAMP_KEY};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{BroadcastChannel, IdbDatabase};

/// The IndexedDB database of the installation.
pub const DATABASE: &str = "azimuth";
/// Its layout's version (2 added the `assets` shelf: datastores and data assets).
const DATABASE_VERSION: u32 = 2;
/// The localStorage key earlier builds kept the installation under.
pub const LEGACY_KEY: &str = "azimuth.workspace";
/// The channel a tab announces its saved changes on.
const CHANNEL: &str = "azimuth.changes";

/// Why the saved workspace cannot be opened.
#[derive(Clone, Debug, PartialEq)]
pub enum LoadProblem {
    /// The browser gives no storage (private mode, disabled site data), or refused it.
    NoStorage(String),
    /// The browser holds the installation in a layout a newer Azimuth wrote.
    NewerDatabase(u32),
    /// A part of the studio a first start needs could not be downloaded.
    NotDownloaded,
    /// The saved value is unusable; `raw` is kept so the person can download it.
    Unreadable {
        /// What is wrong.
        error: SnapshotError,
        /// The value as saved.
        raw: String,
    },
}

impl std::fmt::Display for LoadProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NoStorage(why) => write!(f, "This browser does not let Azimuth keep data ({why}), so the workspace cannot be kept."),
            Self::NotDownloaded => write!(f, "A part of the studio could not be downloaded. Check the connection, then reload the page."),
            Self::NewerDatabase(v) => write!(f, "The workspace in this browser was saved by a newer version of Azimuth (storage layout {v}; this studio reads layout {DATABASE_VERSION})."),
            Self::Unreadable { error, .. } => write!(f, "{error}"),
        }
    }
}

/// What this tab holds: the open database, the installation as last saved or read, and the
/// stamp it was saved under (0: nothing saved yet).
struct Saved {
    db: IdbDatabase,
    tenant: Tenant,
    stamp: f64,
    channel: Option<BroadcastChannel>,
}

/// The installation in this browser's IndexedDB; cheap to copy into closures.
#[derive(Clone, Copy)]
pub struct LocalStore(StoredValue<Saved, LocalStorage>);

fn shelves() -> [&'static str; 4] {
    Shelf::ALL.map(Shelf::name)
}

fn no_storage(e: IdbError) -> LoadProblem {
    LoadProblem::NoStorage(format!("{}: {}", e.name, e.message))
}

impl LocalStore {
    /// Opens the saved installation: the records in IndexedDB; on the first start the value an
    /// earlier build left in localStorage, or a fresh seeded installation.
    pub async fn open(now: i64) -> Result<(LocalStore, Tenant), LoadProblem> {
        let db = match idb::open(DATABASE, DATABASE_VERSION, &shelves()).await {
            Ok(db) => db,
            Err(e) if e.name == "VersionError" => {
                return Err(LoadProblem::NewerDatabase(saved_version().await))
            }
            Err(e) => return Err(no_storage(e)),
        };
        if shelves()
            .iter()
            .any(|s| !db.object_store_names().contains(s))
        {
            return Err(LoadProblem::Unreadable {
                error: SnapshotError::Foreign,
                raw: String::new(),
            });
        }
        // Another tab starting afresh deletes the database: let it.
        let closing = db.clone();
        let on_version_change =
            wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || closing.close());
        db.set_onversionchange(Some(on_version_change.as_ref().unchecked_ref()));
        on_version_change.forget();
        let tx = idb::transaction(&db, &shelves(), false).map_err(no_storage)?;
        let (records, stamp) = read_records(&tx).await.map_err(no_storage)?;
        let (tenant, stamp) = match records.assemble() {
            Ok(Some(tenant)) => (tenant, stamp),
            Ok(None) => (first_installation(now).await?, 0.0),
            Err(error) => {
                return Err(LoadProblem::Unreadable {
                    error,
                    raw: records.dump(),
                })
            }
        };
        let store = LocalStore(StoredValue::new_local(Saved {
            db,
            tenant: tenant.clone(),
            stamp,
            channel: BroadcastChannel::new(CHANNEL).ok(),
        }));
        if stamp == 0.0 {
            // Saved while the first page shows (best effort: if it fails, the next change
            // writes everything; a change made meanwhile starts from what is saved, whichever
            // of the two commits first, as every change does).
            // (Not Leptos's spawner: the app is not mounted yet, so its executor is not set up.)
            wasm_bindgen_futures::spawn_local(async move {
                let _ = store.change(|_| Ok(())).await;
            });
        }
        Ok((store, tenant))
    }

    /// The installation as this tab last saved or read it.
    pub fn tenant(&self) -> Tenant {
        self.0.with_value(|s| s.tenant.clone())
    }

    /// Changes the installation: starts from what is saved (another tab's change included),
    /// runs `f`, and writes the records it touched in one transaction; only once that has
    /// committed does this tab hold the result. On any error nothing is written.
    pub async fn change<T>(
        &self,
        f: impl FnOnce(&mut Tenant) -> Result<T, ArmError>,
    ) -> Result<(T, Tenant), ArmError> {
        let mut f = Some(f);
        let mut out = None;
        let tenant = self
            .change_with(&mut |t| {
                let f = f
                    .take()
                    .ok_or_else(|| ArmError::new("Conflict", "run twice"))?;
                out = Some(f(t)?);
                Ok(())
            })
            .await?;
        let out = out.ok_or_else(|| ArmError::new("StorageError", "the change did not run"))?;
        Ok((out, tenant))
    }

    /// [`LocalStore::change`]'s work, compiled once rather than for every kind of change.
    async fn change_with(
        &self,
        f: &mut dyn FnMut(&mut Tenant) -> Result<(), ArmError>,
    ) -> Result<Tenant, ArmError> {
        // Downloaded before the transaction opens: IndexedDB ends a transaction that waits on
        // anything but its own requests.
        let writes = writer().await?;
        let db = self.0.with_value(|s| s.db.clone());
        let tx = idb::transaction(&db, &shelves(), true).map_err(|e| storage_error(&e))?;
        let directory = idb::store(&tx, Shelf::Directory.name()).map_err(|e| storage_error(&e))?;
        let stamp_request =
            idb::check(directory.get(&STAMP_KEY.into())).map_err(|e| storage_error(&e))?;
        let saved_stamp = idb::answer(&stamp_request)
            .await
            .map_err(|e| storage_error(&e))?
            .as_f64()
            .unwrap_or(0.0);
        let (mine, my_stamp) = self.0.with_value(|s| (s.tenant.clone(), s.stamp));
        let before = if saved_stamp == my_stamp {
            mine
        } else {
            // Another tab saved a change since this one read: start from it.
            let (records, _) = read_records(&tx).await.map_err(|e| storage_error(&e))?;
            match records.assemble() {
                Ok(Some(tenant)) => tenant,
                Ok(None) => mine,
                Err(e) => {
                    let _ = tx.abort();
                    return Err(ArmError::new(
                        "StorageUnreadable",
                        format!(
                            "{e} Nothing was changed; reload the page to recover the workspace."
                        ),
                    ));
                }
            }
        };
        let mut after = before.clone();
        if let Err(e) = f(&mut after) {
            let _ = tx.abort();
            return Err(e);
        }
        let base = (saved_stamp != 0.0).then_some(&before);
        let stamp = saved_stamp + 1.0;
        if let Err(e) = write(&tx, &writes(base, &after), stamp) {
            let _ = tx.abort();
            return Err(storage_error(&e));
        }
        idb::committed(&tx).await.map_err(|e| storage_error(&e))?;
        if saved_stamp == 0.0 {
            // Now in IndexedDB: an earlier build's value has moved.
            if let Some(storage) = local_storage() {
                let _ = storage.remove_item(LEGACY_KEY);
            }
        }
        self.0.update_value(|s| {
            s.tenant = after.clone();
            s.stamp = stamp;
            if let Some(channel) = &s.channel {
                let _ = channel.post_message(&JsValue::from_f64(stamp));
            }
        });
        Ok(after)
    }

    /// Reads the installation again (after another tab's change), keeping it as this tab's.
    pub async fn reload(&self) -> Result<Tenant, LoadProblem> {
        let db = self.0.with_value(|s| s.db.clone());
        let tx = idb::transaction(&db, &shelves(), false).map_err(no_storage)?;
        let (records, stamp) = read_records(&tx).await.map_err(no_storage)?;
        match records.assemble() {
            Ok(Some(tenant)) => {
                self.0.update_value(|s| {
                    s.tenant = tenant.clone();
                    s.stamp = stamp;
                });
                Ok(tenant)
            }
            Ok(None) => Err(LoadProblem::NoStorage(
                "the saved workspace was removed".into(),
            )),
            Err(error) => Err(LoadProblem::Unreadable {
                error,
                raw: records.dump(),
            }),
        }
    }

    /// Calls `f` whenever another tab has saved a change, for the life of the page.
    pub fn on_other_tab_change(&self, f: impl Fn() + 'static) {
        let Some(channel) = self.0.with_value(|s| s.channel.clone()) else {
            return;
        };
        let listener = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(f);
        channel.set_onmessage(Some(listener.as_ref().unchecked_ref()));
        listener.forget();
    }
}

/// The record writer, or why a change cannot be saved without it.
async fn writer() -> Result<Writes, ArmError> {
    record_writes().await.map_err(|first_start::Missing| {
        ArmError::new(
            "StorageError",
            "Nothing was changed: the part of the studio that saves changes could not be downloaded. Check the connection, then try again.",
        )
    })
}

/// Replaces whatever is saved with a fresh installation (the recovery page's "Start afresh"),
/// and tells other tabs.
pub async fn start_afresh(now: i64) -> Result<(), ArmError> {
    let failed = |e: IdbError| storage_error(&e);
    // Made before anything is deleted, so a failed download loses nothing.
    let writes = writer().await?;
    let fresh = match first_start::installation(now, None, random_guid()).await {
        Ok(Ok(tenant)) => tenant,
        _ => {
            return Err(ArmError::new(
                "StorageError",
                LoadProblem::NotDownloaded.to_string(),
            ))
        }
    };
    idb::delete(DATABASE).await.map_err(failed)?;
    idb::delete(runs::RUNS_DATABASE).await.map_err(failed)?;
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(LEGACY_KEY);
    }
    let db = idb::open(DATABASE, DATABASE_VERSION, &shelves())
        .await
        .map_err(failed)?;
    let tx = idb::transaction(&db, &shelves(), true).map_err(failed)?;
    write(&tx, &writes(None, &fresh), 1.0).map_err(failed)?;
    idb::committed(&tx).await.map_err(failed)?;
    db.close();
    Ok(())
}

/// The installation of a first start: the value an earlier build saved in localStorage (moved
/// into IndexedDB by the first write), or a fresh one.
async fn first_installation(now: i64) -> Result<Tenant, LoadProblem> {
    let legacy = local_storage().and_then(|s| s.get_item(LEGACY_KEY).ok().flatten());
    let raw = legacy.clone().unwrap_or_default();
    match first_start::installation(now, legacy, random_guid()).await {
        Ok(Ok(tenant)) => Ok(tenant),
        Ok(Err(error)) => Err(LoadProblem::Unreadable { error, raw }),
        Err(first_start::Missing) => Err(LoadProblem::NotDownloaded),
    }
}

/// The version of the database as saved (to say which newer layout it is in).
async fn saved_version() -> u32 {
    let Some(factory) = web_sys::window().and_then(|w| w.indexed_db().ok().flatten()) else {
        return 0;
    };
    let Ok(request) = factory.open(DATABASE) else {
        return 0;
    };
    match idb::answer(&request)
        .await
        .map(|v| v.dyn_into::<IdbDatabase>())
    {
        Ok(Ok(db)) => {
            let version = db.version() as u32;
            db.close();
            version
        }
        _ => 0,
    }
}

/// A random GUID (version 4 layout) for a new installation's tenant id: an identifier, not a
/// secret, so `Math.random` is enough.
pub fn random_guid() -> String {
    let word = || (js_sys::Math::random() * 4_294_967_296.0) as u32;
    let (a, b, c, d) = (word(), word(), word(), word());
    format!(
        "{a:08x}-{:04x}-4{:03x}-{:04x}-{:04x}{d:08x}",
        b >> 16,
        b & 0xfff,
        (c >> 16) & 0x3fff | 0x8000,
        c & 0xffff
    )
}
