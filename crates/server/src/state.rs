//! What every request shares: the workspace in memory, the database, the settings. A change runs
//! the engine on a copy, saves it, and only then replaces the workspace, so a failed save changes
//! nothing.

use crate::config::Config;
use crate::db::Db;
use axum::body::Bytes;
use azimuth_core::{ArmError, Workspace};
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::broadcast;

/// How often the server settles the workspace, so operations finish on time for every client.
const TICK: Duration = Duration::from_millis(250);

/// The shared state of the server.
pub struct AppState {
    /// Settings.
    pub config: Config,
    inner: Mutex<Inner>,
    version: AtomicU64,
    changes: broadcast::Sender<u64>,
    cache: Mutex<(u64, HashMap<String, Bytes>)>,
    /// How far an Owner has moved the clock forward (only with `--movable-clock`).
    clock_offset: AtomicI64,
}

struct Inner {
    workspace: Workspace,
    db: Db,
}

/// Milliseconds since the epoch from the system clock.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

impl AppState {
    /// Opens the database and the workspace in it (seeding one the first time).
    pub fn open(config: Config) -> Result<Arc<AppState>, String> {
        let mut db = Db::open(&config.db)?;
        let now = now_ms();
        let mut workspace = match db.load_workspace()? {
            Some(ws) => ws,
            None => {
                let ws = Workspace::seed(now);
                db.save_workspace(&ws)?;
                ws
            }
        };
        if let Some(pace) = config.pace {
            workspace.settings.pace = pace;
        }
        if let Some(limit) = config.vcpu_quota {
            for family in azimuth_core::compute::catalogue::families() {
                workspace.quota_limits.insert(family.to_owned(), limit);
            }
        }
        Ok(Arc::new(AppState {
            config,
            inner: Mutex::new(Inner { workspace, db }),
            version: AtomicU64::new(1),
            changes: broadcast::channel(64).0,
            cache: Mutex::new((0, HashMap::new())),
            clock_offset: AtomicI64::new(0),
        }))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves the last saved state in memory: keep serving it.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Reads the workspace as of the last change or tick (at most [`TICK`] old).
    pub fn read<T>(&self, f: impl FnOnce(&Workspace) -> T) -> T {
        f(&self.lock().workspace)
    }

    /// A response body built from the workspace, cached until the workspace changes (lists are
    /// read far more often than they change).
    pub fn cached(&self, key: &str, build: impl FnOnce(&Workspace) -> String) -> Bytes {
        let version = self.version();
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if cache.0 != version {
            *cache = (version, HashMap::new());
        }
        if let Some(hit) = cache.1.get(key) {
            return hit.clone();
        }
        let body = Bytes::from(self.read(build));
        if cache.1.len() < 64 {
            cache.1.insert(key.to_owned(), body.clone());
        }
        body
    }

    /// Changes the workspace through the engine and saves it before anyone sees the change.
    pub fn change<T>(
        &self,
        f: impl FnOnce(&mut Workspace, i64) -> Result<T, ArmError>,
    ) -> Result<T, ArmError> {
        let mut inner = self.lock();
        let mut next = inner.workspace.clone();
        let now = self.now();
        let out = f(&mut next, now)?;
        // Whatever is due now (an instant-paced operation) is done before anyone reads.
        next.settle(now);
        inner.db.save_workspace(&next).map_err(|e| {
            ArmError::new(
                "ServiceUnavailable",
                format!("The workspace could not be saved ({e}); nothing was changed. Try again."),
            )
        })?;
        inner.workspace = next;
        drop(inner);
        self.announce();
        Ok(out)
    }

    /// The version of the workspace; it grows with every change anyone can see.
    pub fn version(&self) -> u64 {
        self.version.load(Ordering::SeqCst)
    }

    /// Tells every listener that the workspace changed.
    fn announce(&self) {
        let version = self.version.fetch_add(1, Ordering::SeqCst) + 1;
        let _ = self.changes.send(version);
    }

    /// A stream of workspace versions, one per change.
    pub fn subscribe(&self) -> broadcast::Receiver<u64> {
        self.changes.subscribe()
    }

    /// Settles the workspace every [`TICK`] for the life of the server, announcing what finished.
    pub fn spawn_ticker(self: &Arc<Self>) {
        let state = Arc::clone(self);
        tokio::spawn(async move {
            let mut interval = tokio::time::interval(TICK);
            loop {
                interval.tick().await;
                let now = state.now();
                let changed = state.lock().workspace.settle(now);
                if changed {
                    state.announce();
                }
            }
        });
    }

    /// The server's time: the system clock, plus however far an Owner moved it forward.
    pub fn now(&self) -> i64 {
        now_ms() + self.clock_offset.load(Ordering::SeqCst)
    }

    /// Moves the clock `minutes` forward as `actor` (an Owner, on a server started with
    /// `--movable-clock`), carries out whatever falls due meanwhile, and answers the new time.
    pub fn move_clock(&self, actor: &str, minutes: u32) -> Result<i64, ArmError> {
        if !self.config.movable_clock {
            return Err(ArmError::new(
                "NotFound",
                "This server keeps the system's time: start it with --movable-clock to move its clock.",
            ));
        }
        self.read(|w| {
            w.authorize(
                actor,
                azimuth_core::workspace::roles::Action::WriteWorkspace,
            )
            .map(|_| ())
        })?;
        self.clock_offset
            .fetch_add(i64::from(minutes) * 60_000, Ordering::SeqCst);
        self.change(|_, now| Ok(now))
    }

    /// Runs `f` with the database (sessions, health).
    pub fn with_db<T>(&self, f: impl FnOnce(&Db) -> T) -> T {
        f(&self.lock().db)
    }
}
