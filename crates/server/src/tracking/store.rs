//! Where experiments, runs and metric histories are kept: SQLite tables of their own beside the
//! workspaces' (a row per experiment and per run, a row per metric value, append-only), on a
//! connection of their own so logging never waits for the ARM API's lock. A workspace's
//! experiments and runs are read into memory the first time it is asked for, and each change
//! is written (one transaction, fully synchronous) before memory sees it, so a failed write
//! changes nothing. One index holds every column a history read needs (run, metric, step,
//! time, value), so paging or sampling a history never visits the table itself; blocks of
//! steps keep their least and greatest values as values are written (`points.rs`), so a chart
//! of a million values reads a few hundred rows (3 to 5 ms, from 0.7 s).

use azimuth_core::jobs::experiment;
use azimuth_core::jobs::run::StoredRun;
use azimuth_core::jobs::status::JobStatus;
use azimuth_core::jobs::{Experiment, Metric, TrackingError};
use rusqlite::{params, Connection};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// A workspace's experiments and runs, in memory.
#[derive(Default)]
pub struct Runs {
    /// Experiments, oldest first.
    pub experiments: Vec<Experiment>,
    /// Runs by id, each with its row number (which names its metric histories).
    pub runs: HashMap<String, (i64, StoredRun)>,
}

/// The tracking store.
pub struct Tracking {
    inner: Mutex<Inner>,
    /// The ARM ids of workspaces whose runs changed, for live updates.
    changes: tokio::sync::broadcast::Sender<Arc<str>>,
}

pub(super) struct Inner {
    /// The tracking tables' connection.
    pub(super) conn: Connection,
    /// By `workspaceId`, lower case.
    workspaces: HashMap<String, Runs>,
}

pub(super) fn sql(e: rusqlite::Error) -> TrackingError {
    TrackingError::new(
        "TEMPORARILY_UNAVAILABLE",
        format!("The tracking store could not be written or read ({e}); nothing was changed. Try again."),
    )
}

fn damaged(what: &str, e: serde_json::Error) -> TrackingError {
    TrackingError::new(
        "INTERNAL_ERROR",
        format!("The saved {what} is damaged: {e}"),
    )
}

impl Tracking {
    /// Opens the tables in the database at `path` (creating them when missing).
    pub fn open(path: &Path) -> Result<Tracking, String> {
        let conn =
            Connection::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             PRAGMA busy_timeout = 5000;
             CREATE TABLE IF NOT EXISTS experiments (seq INTEGER PRIMARY KEY AUTOINCREMENT, workspace TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, UNIQUE (workspace, id));
             CREATE TABLE IF NOT EXISTS runs (seq INTEGER PRIMARY KEY AUTOINCREMENT, workspace TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, UNIQUE (workspace, id));
             CREATE TABLE IF NOT EXISTS metric_points (run INTEGER NOT NULL, metric INTEGER NOT NULL, step INTEGER NOT NULL, timestamp INTEGER NOT NULL, value REAL);
             DROP INDEX IF EXISTS metric_points_by_step;
             CREATE INDEX IF NOT EXISTS metric_points_covering ON metric_points (run, metric, step, timestamp, value);
             CREATE TABLE IF NOT EXISTS metric_blocks (run INTEGER NOT NULL, metric INTEGER NOT NULL, size INTEGER NOT NULL, block INTEGER NOT NULL, first_step INTEGER NOT NULL, last_step INTEGER NOT NULL, least REAL, greatest REAL, count INTEGER NOT NULL, PRIMARY KEY (run, metric, size, block)) WITHOUT ROWID;",
        )
        .map_err(|e| format!("cannot prepare the tracking tables in {}: {e}", path.display()))?;
        super::points::summarise_blocks_once(&conn).map_err(|e| {
            format!(
                "cannot summarise the metric histories in {}: {}",
                path.display(),
                e.message
            )
        })?;
        Ok(Tracking {
            inner: Mutex::new(Inner {
                conn,
                workspaces: HashMap::new(),
            }),
            changes: tokio::sync::broadcast::channel(1024).0,
        })
    }

    /// Every command job that has not ended, in any workspace: (`workspaceId`, name, status).
    /// Read from the table (one pass, at start), not from memory, which holds only the
    /// workspaces asked for so far.
    pub fn unfinished_jobs(&self) -> Result<Vec<(String, String, JobStatus)>, TrackingError> {
        let inner = self.lock();
        let mut statement = inner
            .conn
            .prepare("SELECT workspace, id, body FROM runs WHERE body LIKE '%\"job\":{%'")
            .map_err(sql)?;
        let rows = statement
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .map_err(sql)?;
        let mut found = Vec::new();
        for row in rows {
            let (ws, id, body) = row.map_err(sql)?;
            let Ok(run) = serde_json::from_str::<StoredRun>(&body) else {
                continue;
            };
            let status = run.job_status();
            if run.job.is_some() && !status.is_terminal() {
                found.push((ws, id, status));
            }
        }
        Ok(found)
    }

    /// Tells the event streams that runs of the workspace `arm_id` changed.
    pub fn announce(&self, arm_id: &str) {
        let _ = self.changes.send(Arc::from(arm_id));
    }

    /// The ARM ids of workspaces whose runs change, as they change.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<Arc<str>> {
        self.changes.subscribe()
    }

    pub(super) fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Reads a workspace's experiments and runs.
    pub fn read<T>(
        &self,
        ws: &str,
        now: i64,
        f: impl FnOnce(&Runs) -> T,
    ) -> Result<T, TrackingError> {
        let mut inner = self.lock();
        let key = ws.to_ascii_lowercase();
        inner.load(&key, now)?;
        Ok(f(&inner.workspaces[&key]))
    }

    /// Changes a workspace's experiments through `f` and saves those that changed.
    pub fn change_experiments<T>(
        &self,
        ws: &str,
        now: i64,
        f: impl FnOnce(&mut Vec<Experiment>) -> Result<T, TrackingError>,
    ) -> Result<T, TrackingError> {
        let mut inner = self.lock();
        let key = ws.to_ascii_lowercase();
        inner.load(&key, now)?;
        let before = &inner.workspaces[&key].experiments;
        let mut next = before.clone();
        let out = f(&mut next)?;
        let changed: Vec<&Experiment> = next
            .iter()
            .filter(|e| {
                !before
                    .iter()
                    .any(|b| b.experiment_id == e.experiment_id && b == *e)
            })
            .collect();
        inner.save_experiments(&key, &changed)?;
        if let Some(runs) = inner.workspaces.get_mut(&key) {
            runs.experiments = next;
        }
        Ok(out)
    }

    /// Adds a new run.
    pub fn insert_run(&self, ws: &str, now: i64, run: StoredRun) -> Result<(), TrackingError> {
        let mut inner = self.lock();
        let key = ws.to_ascii_lowercase();
        inner.load(&key, now)?;
        let body = serde_json::to_string(&run).map_err(|e| damaged("run", e))?;
        inner
            .conn
            .execute(
                "INSERT INTO runs (workspace, id, body) VALUES (?1, ?2, ?3)",
                params![key, run.info.run_id, body],
            )
            .map_err(sql)?;
        let seq = inner.conn.last_insert_rowid();
        if let Some(runs) = inner.workspaces.get_mut(&key) {
            runs.runs.insert(run.info.run_id.clone(), (seq, run));
        }
        Ok(())
    }

    /// Changes one run through `f`, which answers the metric values it logged (with each
    /// metric's number in the run); saves the run and appends those values in one transaction.
    pub fn change_run<T>(
        &self,
        ws: &str,
        now: i64,
        run_id: &str,
        f: impl FnOnce(&mut StoredRun) -> Result<(T, Vec<(u32, Metric)>), TrackingError>,
    ) -> Result<T, TrackingError> {
        let mut inner = self.lock();
        let key = ws.to_ascii_lowercase();
        inner.load(&key, now)?;
        let (seq, before) = inner.workspaces[&key]
            .runs
            .get(run_id)
            .ok_or_else(|| run_not_found(run_id))?;
        let seq = *seq;
        let mut next = before.clone();
        let (out, points) = f(&mut next)?;
        let body = serde_json::to_string(&next).map_err(|e| damaged("run", e))?;
        let tx = inner.conn.transaction().map_err(sql)?;
        tx.execute(
            "UPDATE runs SET body = ?1 WHERE seq = ?2",
            params![body, seq],
        )
        .map_err(sql)?;
        {
            let mut insert = tx
                .prepare_cached("INSERT INTO metric_points (run, metric, step, timestamp, value) VALUES (?1, ?2, ?3, ?4, ?5)")
                .map_err(sql)?;
            for (number, m) in &points {
                // SQLite keeps no NaN: it is stored as NULL and read back as NaN.
                let value = (!m.value.is_nan()).then_some(m.value);
                insert
                    .execute(params![seq, number, m.step, m.timestamp, value])
                    .map_err(sql)?;
            }
        }
        super::points::add_to_blocks(&tx, seq, &points)?;
        tx.commit().map_err(sql)?;
        if let Some(runs) = inner.workspaces.get_mut(&key) {
            runs.runs.insert(run_id.to_owned(), (seq, next));
        }
        Ok(out)
    }

    /// Deletes a purged workspace's experiments, runs and histories, so a workspace created
    /// later under its name starts with none.
    pub fn purge(&self, ws: &str) -> Result<(), TrackingError> {
        let mut inner = self.lock();
        let key = ws.to_ascii_lowercase();
        let tx = inner.conn.transaction().map_err(sql)?;
        tx.execute(
            "DELETE FROM metric_points WHERE run IN (SELECT seq FROM runs WHERE workspace = ?1)",
            params![key],
        )
        .map_err(sql)?;
        tx.execute("DELETE FROM runs WHERE workspace = ?1", params![key])
            .map_err(sql)?;
        tx.execute("DELETE FROM experiments WHERE workspace = ?1", params![key])
            .map_err(sql)?;
        tx.commit().map_err(sql)?;
        inner.workspaces.remove(&key);
        Ok(())
    }
}

/// MLflow's 404 for a run id.
pub fn run_not_found(run_id: &str) -> TrackingError {
    TrackingError::not_found(format!("Run with id={run_id} not found"))
}

impl Inner {
    /// Reads a workspace's rows the first time it is asked for; gives it its Default
    /// experiment when it has none.
    fn load(&mut self, key: &str, now: i64) -> Result<(), TrackingError> {
        if self.workspaces.contains_key(key) {
            return Ok(());
        }
        let mut runs = Runs::default();
        {
            let mut statement = self
                .conn
                .prepare("SELECT body FROM experiments WHERE workspace = ?1 ORDER BY seq")
                .map_err(sql)?;
            let rows = statement
                .query_map(params![key], |r| r.get::<_, String>(0))
                .map_err(sql)?;
            for body in rows {
                let body = body.map_err(sql)?;
                runs.experiments
                    .push(serde_json::from_str(&body).map_err(|e| damaged("experiment", e))?);
            }
            let mut statement = self
                .conn
                .prepare("SELECT seq, body FROM runs WHERE workspace = ?1")
                .map_err(sql)?;
            let rows = statement
                .query_map(params![key], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
                })
                .map_err(sql)?;
            for row in rows {
                let (seq, body) = row.map_err(sql)?;
                let run: StoredRun = serde_json::from_str(&body).map_err(|e| damaged("run", e))?;
                runs.runs.insert(run.info.run_id.clone(), (seq, run));
            }
        }
        if !experiment::has_default(&runs.experiments) {
            let id = crate::state::random_guid()
                .map_err(|e| TrackingError::new("TEMPORARILY_UNAVAILABLE", e))?;
            let default = experiment::default_experiment(&runs.experiments, id, now)?;
            self.save_experiments(key, &[&default])?;
            runs.experiments.insert(0, default);
        }
        self.workspaces.insert(key.to_owned(), runs);
        Ok(())
    }

    fn save_experiments(
        &mut self,
        key: &str,
        changed: &[&Experiment],
    ) -> Result<(), TrackingError> {
        let tx = self.conn.transaction().map_err(sql)?;
        for e in changed {
            let body = serde_json::to_string(e).map_err(|e| damaged("experiment", e))?;
            tx.execute(
                "INSERT INTO experiments (workspace, id, body) VALUES (?1, ?2, ?3) ON CONFLICT (workspace, id) DO UPDATE SET body = excluded.body",
                params![key, e.experiment_id, body],
            )
            .map_err(sql)?;
        }
        tx.commit().map_err(sql)
    }
}
