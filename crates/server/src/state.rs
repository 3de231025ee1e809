//! What every request shares: the workspace in memory, the database, the settings. A change runs
//! the engine on a copy, saves it, and only then replaces the workspace, so a failed save changes
//! nothing.

use crate::config::Config;
use crate::db::Db;
use azimuth_core::{ArmError, Workspace};
use std::sync::{Arc, Mutex};

/// The shared state of the server.
pub struct AppState {
    /// Settings.
    pub config: Config,
    inner: Mutex<Inner>,
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
        let workspace = match db.load_workspace()? {
            Some(ws) => ws,
            None => {
                let mut ws = Workspace::seed(now);
                ws.settings.pace = config.pace;
                db.save_workspace(&ws)?;
                ws
            }
        };
        Ok(Arc::new(AppState {
            config,
            inner: Mutex::new(Inner { workspace, db }),
        }))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves the last saved state in memory: keep serving it.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Reads the workspace settled at the current instant.
    pub fn read<T>(&self, f: impl FnOnce(&Workspace) -> T) -> T {
        let mut inner = self.lock();
        inner.workspace.settle(now_ms());
        f(&inner.workspace)
    }

    /// Changes the workspace through the engine and saves it before anyone sees the change.
    pub fn change<T>(
        &self,
        f: impl FnOnce(&mut Workspace, i64) -> Result<T, ArmError>,
    ) -> Result<T, ArmError> {
        let mut inner = self.lock();
        let mut next = inner.workspace.clone();
        let out = f(&mut next, now_ms())?;
        inner.db.save_workspace(&next).map_err(|e| {
            ArmError::new(
                "ServiceUnavailable",
                format!("The workspace could not be saved ({e}); nothing was changed. Try again."),
            )
        })?;
        inner.workspace = next;
        Ok(out)
    }

    /// Runs `f` with the database (sessions, health).
    pub fn with_db<T>(&self, f: impl FnOnce(&Db) -> T) -> T {
        f(&self.lock().db)
    }
}
