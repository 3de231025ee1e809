//! The SQLite store: the workspace as one versioned snapshot row (written in a transaction for
//! every change, WAL mode, fully synchronous so an acknowledged change survives a crash) and the
//! sign-in sessions.

use azimuth_core::workspace::snapshot::{decode, encode};
use azimuth_core::Workspace;
use rusqlite::{params, Connection, OptionalExtension};
use std::path::Path;

/// An open database.
pub struct Db {
    conn: Connection,
}

impl Db {
    /// Opens (creating it and its folder when needed) the database at `path`.
    pub fn open(path: &Path) -> Result<Db, String> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        let conn =
            Connection::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             PRAGMA busy_timeout = 5000;
             CREATE TABLE IF NOT EXISTS workspace (id INTEGER PRIMARY KEY CHECK (id = 1), snapshot TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS sessions (token_hash TEXT PRIMARY KEY, member TEXT NOT NULL, expires_at INTEGER NOT NULL);",
        )
        .map_err(|e| format!("cannot prepare {}: {e}", path.display()))?;
        Ok(Db { conn })
    }

    /// The saved workspace, if there is one.
    pub fn load_workspace(&self) -> Result<Option<Workspace>, String> {
        let text: Option<String> = self
            .conn
            .query_row("SELECT snapshot FROM workspace WHERE id = 1", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| e.to_string())?;
        text.map(|t| decode(&t).map_err(|e| e.to_string()))
            .transpose()
    }

    /// Saves the workspace; when this returns Ok the change is on disk.
    pub fn save_workspace(&mut self, ws: &Workspace) -> Result<(), String> {
        self.conn
            .execute(
                "INSERT INTO workspace (id, snapshot) VALUES (1, ?1)
                 ON CONFLICT (id) DO UPDATE SET snapshot = excluded.snapshot",
                params![encode(ws)],
            )
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// Remembers a session by the hash of its token.
    pub fn insert_session(
        &self,
        token_hash: &str,
        member: &str,
        expires_at: i64,
    ) -> Result<(), String> {
        self.conn
            .execute(
                "INSERT INTO sessions (token_hash, member, expires_at) VALUES (?1, ?2, ?3)",
                params![token_hash, member, expires_at],
            )
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// The member of an unexpired session.
    pub fn session_member(&self, token_hash: &str, now: i64) -> Option<String> {
        self.conn
            .query_row(
                "SELECT member FROM sessions WHERE token_hash = ?1 AND expires_at > ?2",
                params![token_hash, now],
                |r| r.get(0),
            )
            .optional()
            .ok()
            .flatten()
    }

    /// Forgets a session (signing out).
    pub fn delete_session(&self, token_hash: &str) {
        let _ = self.conn.execute(
            "DELETE FROM sessions WHERE token_hash = ?1",
            params![token_hash],
        );
    }

    /// Whether the database answers.
    pub fn healthy(&self) -> bool {
        self.conn
            .query_row("SELECT 1", [], |r| r.get::<_, i64>(0))
            .is_ok()
    }
}
