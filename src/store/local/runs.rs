//! Jobs of workspaces kept in this browser: experiments and runs in an IndexedDB database of
//! their own (`azimuth-runs`), apart from the installation's records, which every start reads
//! whole while runs are read only by the Jobs pages. A record per experiment and per run, keyed
//! `<workspaceId>/<id>`: the workspace's GUID, so a workspace made again under a deleted one's
//! name starts with none. A workspace's records are read once into memory; a change reads them
//! again inside its transaction (another tab's change is never lost), writes only the records
//! that changed, and is held here only once committed. Tabs say which workspace changed on a
//! BroadcastChannel.

use super::super::idb::{self, IdbError};
use super::shelves::storage_error;
use azimuth_core::arm::json_de::from_json;
use azimuth_core::jobs::experiment::{self, DEFAULT_EXPERIMENT};
use azimuth_core::jobs::run::StoredRun;
use azimuth_core::jobs::Experiment;
use azimuth_core::ArmError;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{BroadcastChannel, IdbDatabase, IdbKeyRange, IdbTransaction};

/// The IndexedDB database of runs.
pub const RUNS_DATABASE: &str = "azimuth-runs";
/// Its layout's version.
const VERSION: u32 = 1;
/// Its object stores.
const EXPERIMENTS: &str = "experiments";
const RUNS: &str = "runs";
const STORES: [&str; 2] = [EXPERIMENTS, RUNS];
/// The channel a tab names the workspace whose runs it changed on.
const CHANNEL: &str = "azimuth.runs";

/// A workspace's experiments (oldest first) and runs (by id).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Runs {
    /// Its experiments, oldest first.
    pub experiments: Vec<Experiment>,
    /// Its runs by id.
    pub runs: BTreeMap<String, StoredRun>,
}

/// The open database, the channel, and the workspace last read.
#[derive(Default)]
struct Held {
    db: Option<IdbDatabase>,
    channel: Option<BroadcastChannel>,
    read: Option<(String, Rc<Runs>)>,
}

thread_local! {
    static HELD: RefCell<Held> = RefCell::new(Held::default());
}

fn unreadable(what: &str, e: serde_json::Error) -> ArmError {
    ArmError::new(
        "StorageUnreadable",
        format!("A saved {what} of this workspace in this browser cannot be read ({e}), so its jobs cannot be shown or changed; nothing was changed. The browser's site data for Azimuth holds it (IndexedDB database '{RUNS_DATABASE}')."),
    )
}

async fn database() -> Result<IdbDatabase, ArmError> {
    if let Some(db) = HELD.with_borrow(|h| h.db.clone()) {
        return Ok(db);
    }
    let db = idb::open(RUNS_DATABASE, VERSION, &STORES)
        .await
        .map_err(|e| storage_error(&e))?;
    HELD.with_borrow_mut(|h| h.db = Some(db.clone()));
    Ok(db)
}

/// A transaction over both stores. A connection another tab closed (its "Start afresh"
/// deleted the database) is opened again once, forgetting what was read through it.
async fn begin(write: bool) -> Result<IdbTransaction, ArmError> {
    let db = database().await?;
    match idb::transaction(&db, &STORES, write) {
        Err(e) if e.name == "InvalidStateError" => {
            HELD.with_borrow_mut(|h| {
                h.db = None;
                h.read = None;
            });
            let db = database().await?;
            idb::transaction(&db, &STORES, write).map_err(|e| storage_error(&e))
        }
        tx => tx.map_err(|e| storage_error(&e)),
    }
}

/// The keys of workspace `ws`'s records: `<ws>/` up to the last key that starts so.
fn of_workspace(ws: &str) -> Result<IdbKeyRange, IdbError> {
    let lower = JsValue::from_str(&format!("{ws}/"));
    let upper = JsValue::from_str(&format!("{ws}/\u{ffff}"));
    idb::check(IdbKeyRange::bound(&lower, &upper))
}

/// Reads workspace `ws`'s records in `tx` (both requests sent at once).
async fn read_in(tx: &IdbTransaction, ws: &str) -> Result<Runs, ArmError> {
    let failed = |e: IdbError| storage_error(&e);
    let range = of_workspace(ws).map_err(failed)?;
    let mut requests = Vec::new();
    for name in STORES {
        let store = idb::store(tx, name).map_err(failed)?;
        requests.push(idb::check(store.get_all_with_key(&range)).map_err(failed)?);
    }
    let mut lists = Vec::new();
    for request in &requests {
        let values: js_sys::Array = idb::answer(request).await.map_err(failed)?.unchecked_into();
        lists.push(
            values
                .iter()
                .map(|v| v.as_string().unwrap_or_default())
                .collect::<Vec<_>>(),
        );
    }
    let mut runs = Runs::default();
    for text in &lists[0] {
        let e: Experiment = from_json(text).map_err(|e| unreadable("experiment", e))?;
        runs.experiments.push(e);
    }
    // Oldest first, Default first of all (as a server lists them).
    runs.experiments
        .sort_by_key(|e| (e.name != DEFAULT_EXPERIMENT, e.creation_time));
    for text in &lists[1] {
        let r: StoredRun = from_json(text).map_err(|e| unreadable("run", e))?;
        runs.runs.insert(r.info.run_id.clone(), r);
    }
    Ok(runs)
}

/// Workspace `ws`'s experiments and runs (from memory when this tab holds them).
pub async fn read(ws: &str) -> Result<Rc<Runs>, ArmError> {
    let held = HELD.with_borrow(|h| h.read.clone());
    if let Some((_, runs)) = held.filter(|(at, _)| at == ws) {
        return Ok(runs);
    }
    let tx = begin(false).await?;
    let runs = read_in(&tx, ws).await?;
    if !experiment::has_default(&runs.experiments) {
        // Its first read: saved with its Default experiment, as a server gives it one.
        change(ws, |_| Ok(())).await?;
        return Ok(HELD
            .with_borrow(|h| h.read.clone())
            .map(|(_, r)| r)
            .unwrap_or_default());
    }
    let runs = Rc::new(runs);
    HELD.with_borrow_mut(|h| h.read = Some((ws.to_owned(), runs.clone())));
    Ok(runs)
}

/// Gives the workspace its Default experiment when it has none.
fn add_default(runs: &mut Runs) -> Result<(), ArmError> {
    if experiment::has_default(&runs.experiments) {
        return Ok(());
    }
    let now = js_sys::Date::now() as i64;
    let default = experiment::default_experiment(&runs.experiments, super::random_guid(), now)?;
    runs.experiments.insert(0, default);
    Ok(())
}

/// Changes workspace `ws`'s experiments and runs through `f`, from what is saved; writes the
/// records that changed in one transaction. On any error nothing is written.
pub async fn change<T>(
    ws: &str,
    f: impl FnOnce(&mut Runs) -> Result<T, ArmError>,
) -> Result<T, ArmError> {
    let failed = |e: IdbError| storage_error(&e);
    let tx = begin(true).await?;
    let before = read_in(&tx, ws).await?;
    let mut after = before.clone();
    let out = match add_default(&mut after).and_then(|()| f(&mut after)) {
        Ok(out) => out,
        Err(e) => {
            let _ = tx.abort();
            return Err(e);
        }
    };
    if let Err(e) = write_changes(&tx, ws, &before, &after) {
        let _ = tx.abort();
        return Err(e);
    }
    idb::committed(&tx).await.map_err(failed)?;
    HELD.with_borrow_mut(|h| {
        h.read = Some((ws.to_owned(), Rc::new(after)));
        if let Some(channel) = &h.channel {
            let _ = channel.post_message(&JsValue::from_str(ws));
        }
    });
    Ok(out)
}

fn write_changes(
    tx: &IdbTransaction,
    ws: &str,
    before: &Runs,
    after: &Runs,
) -> Result<(), ArmError> {
    let failed = |e: IdbError| storage_error(&e);
    let put = |store: &str, id: &str, body: String| -> Result<(), ArmError> {
        let store = idb::store(tx, store).map_err(failed)?;
        let key = JsValue::from_str(&format!("{ws}/{id}"));
        idb::check(store.put_with_key(&JsValue::from_str(&body), &key)).map_err(failed)?;
        Ok(())
    };
    let text = |value: Result<String, serde_json::Error>| {
        value.map_err(|e| {
            ArmError::new(
                "StorageError",
                format!("The change could not be written ({e}); nothing was changed."),
            )
        })
    };
    for e in &after.experiments {
        let old = before
            .experiments
            .iter()
            .find(|b| b.experiment_id == e.experiment_id);
        if old != Some(e) {
            put(
                EXPERIMENTS,
                &e.experiment_id,
                text(serde_json::to_string(e))?,
            )?;
        }
    }
    for (id, run) in &after.runs {
        if before.runs.get(id) != Some(run) {
            put(RUNS, id, text(serde_json::to_string(run))?)?;
        }
    }
    Ok(())
}

/// Calls `f` with the workspace whenever another tab changed a workspace's runs (forgetting
/// what this tab read of it first), for the life of the page; a later call replaces `f`.
pub fn on_other_tab_change(f: impl Fn(&str) + 'static) {
    let channel = HELD.with_borrow_mut(|h| {
        if h.channel.is_none() {
            h.channel = BroadcastChannel::new(CHANNEL).ok();
        }
        h.channel.clone()
    });
    let Some(channel) = channel else {
        return;
    };
    let listener =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            let ws = ev.data().as_string().unwrap_or_default();
            HELD.with_borrow_mut(|h| {
                if h.read.as_ref().is_some_and(|(at, _)| *at == ws) {
                    h.read = None;
                }
            });
            f(&ws);
        });
    channel.set_onmessage(Some(listener.as_ref().unchecked_ref()));
    listener.forget();
}

/// Deletes workspace `ws`'s experiments and runs (a purged workspace).
pub async fn purge(ws: &str) -> Result<(), ArmError> {
    forget(&[ws.to_owned()]).await
}

/// Deletes the experiments and runs of every workspace not in `kept` (their GUIDs): those of
/// workspaces purged since, whoever purged them.
pub async fn sweep(kept: &[String]) -> Result<(), ArmError> {
    let failed = |e: IdbError| storage_error(&e);
    let tx = begin(false).await?;
    let store = idb::store(&tx, EXPERIMENTS).map_err(failed)?;
    let keys = idb::check(store.get_all_keys()).map_err(failed)?;
    let keys: js_sys::Array = idb::answer(&keys).await.map_err(failed)?.unchecked_into();
    let mut gone: Vec<String> = keys
        .iter()
        .filter_map(|k| k.as_string())
        .filter_map(|k| k.split_once('/').map(|(ws, _)| ws.to_owned()))
        .filter(|ws| !kept.contains(ws))
        .collect();
    gone.dedup();
    if gone.is_empty() {
        return Ok(());
    }
    forget(&gone).await
}

async fn forget(workspaces: &[String]) -> Result<(), ArmError> {
    let failed = |e: IdbError| storage_error(&e);
    let tx = begin(true).await?;
    for ws in workspaces {
        let range = of_workspace(ws).map_err(failed)?;
        for name in STORES {
            let store = idb::store(&tx, name).map_err(failed)?;
            idb::check(store.delete(&range)).map_err(failed)?;
        }
    }
    idb::committed(&tx).await.map_err(failed)?;
    HELD.with_borrow_mut(|h| {
        if h.read
            .as_ref()
            .is_some_and(|(at, _)| workspaces.contains(at))
        {
            h.read = None;
        }
    });
    Ok(())
}
