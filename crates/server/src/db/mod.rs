//! The SQLite store: the installation's directory in one row, each workspace (without its
//! assets) in a row of its own, each compute in a row of its own and each other asset
//! (datastores, data assets and their versions) in a row of `assets` by kind, so a change writes
//! only what it touches (in one transaction; WAL mode, fully synchronous, so an acknowledged change
//! survives a crash); the sign-in sessions and people's credentials. A database written by
//! an earlier Azimuth (one `workspace` row) is migrated on open, in one transaction.

use azimuth_core::arm::json_de::from_json;
use azimuth_core::workspace::snapshot::{decode, decode_workspace, encode_workspace};
use azimuth_core::workspace::{Directory, Tenant};
use azimuth_core::{StoredCompute, Workspace};
use rusqlite::{params, Connection, OptionalExtension};

mod codes;
mod tokens;

pub use codes::CodeUpload;
use std::path::Path;
use std::sync::Arc;
pub use tokens::{ScriptTokenRow, TOKEN_ID_LEN};

/// An open database.
pub struct Db {
    conn: Connection,
}

/// What a change writes: the directory when it changed, the workspaces it touched (each with
/// what it was before, its computes kept alive, so only the computes that changed are written),
/// and the ids of those it removed.
#[derive(Default)]
pub struct Write<'a> {
    /// The directory, when it changed.
    pub directory: Option<&'a Directory>,
    /// Workspaces created or changed, with their previous state (none when new).
    pub workspaces: Vec<(&'a Workspace, Option<&'a Workspace>)>,
    /// Ids of workspaces purged.
    pub removed: Vec<String>,
}

/// What a bearer token is: a signed-in session (the studio, ARM, the tracking API), or a token
/// for scripts (the tracking API only); each kind in a table of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// A session, from signing in.
    Session,
    /// A token for scripts.
    Script,
    /// A running job's token (its script's `MLFLOW_TRACKING_TOKEN`), good in its workspace
    /// only, taken back when it ends.
    Job,
}

impl TokenKind {
    fn table(self) -> &'static str {
        match self {
            Self::Session => "sessions",
            Self::Script => "script_tokens",
            Self::Job => "job_grants",
        }
    }
}

/// A person's sign-in secrets, as stored (hashes only).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Credential {
    /// The person's object id.
    pub object_id: String,
    /// Their password's Argon2id hash, once they set one.
    pub password_hash: Option<String>,
    /// The SHA-256 of the one-time code an Owner handed them, while it is unused.
    pub code_hash: Option<String>,
    /// When the code stops working.
    pub code_expires_at: i64,
    /// Failed attempts in a row.
    pub failures: u32,
    /// No attempt is taken before this instant.
    pub blocked_until: i64,
}

/// A workspace's row key: its ARM id, lowercase (ARM ids compare without regard to case).
fn key(id: &str) -> String {
    id.to_ascii_lowercase()
}

pub(super) fn sql(e: rusqlite::Error) -> String {
    e.to_string()
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
             CREATE TABLE IF NOT EXISTS directory (id INTEGER PRIMARY KEY CHECK (id = 1), body TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS workspaces (id TEXT PRIMARY KEY, body TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS computes (seq INTEGER PRIMARY KEY AUTOINCREMENT, workspace TEXT NOT NULL, name TEXT NOT NULL, body TEXT NOT NULL, UNIQUE (workspace, name));
             CREATE TABLE IF NOT EXISTS assets (seq INTEGER PRIMARY KEY AUTOINCREMENT, workspace TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL, body TEXT NOT NULL, UNIQUE (workspace, kind, name));
             CREATE TABLE IF NOT EXISTS sessions (token_hash TEXT PRIMARY KEY, member TEXT NOT NULL, expires_at INTEGER NOT NULL);
             CREATE TABLE IF NOT EXISTS script_tokens (token_hash TEXT PRIMARY KEY, member TEXT NOT NULL, expires_at INTEGER NOT NULL, name TEXT NOT NULL DEFAULT '', created_at INTEGER NOT NULL DEFAULT 0);
             DROP TABLE IF EXISTS job_tokens;
             CREATE TABLE IF NOT EXISTS job_grants (token_hash TEXT PRIMARY KEY, member TEXT NOT NULL, workspace TEXT NOT NULL, expires_at INTEGER NOT NULL);
             CREATE TABLE IF NOT EXISTS code_versions (workspace TEXT NOT NULL, name TEXT NOT NULL, version TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (workspace, name, version));
             CREATE TABLE IF NOT EXISTS code_uploads (id TEXT PRIMARY KEY, workspace TEXT NOT NULL, arm_id TEXT NOT NULL, member TEXT NOT NULL, secret_hash TEXT NOT NULL, expires_at INTEGER NOT NULL);
             CREATE TABLE IF NOT EXISTS credentials (object_id TEXT PRIMARY KEY, password_hash TEXT, code_hash TEXT, code_expires_at INTEGER NOT NULL DEFAULT 0, failures INTEGER NOT NULL DEFAULT 0, blocked_until INTEGER NOT NULL DEFAULT 0);",
        )
        .map_err(|e| format!("cannot prepare {}: {e}", path.display()))?;
        tokens::add_token_names(&conn)
            .map_err(|e| format!("cannot prepare {}: {e}", path.display()))?;
        Ok(Db { conn })
    }

    /// The saved installation, if there is one; a database of an earlier Azimuth is migrated
    /// first (its tenant id replaced by `new_tenant_id` when it was the shared one).
    pub fn load(&mut self, new_tenant_id: &str) -> Result<Option<Tenant>, String> {
        self.migrate_single_workspace(new_tenant_id)?;
        let directory: Option<String> = self
            .conn
            .query_row("SELECT body FROM directory WHERE id = 1", [], |r| r.get(0))
            .optional()
            .map_err(sql)?;
        let Some(directory) = directory else {
            return Ok(None);
        };
        let directory: Directory = serde_json::from_str(&directory)
            .map_err(|e| format!("the saved directory is damaged: {e}"))?;
        let mut statement = self
            .conn
            .prepare("SELECT id, body FROM workspaces ORDER BY rowid")
            .map_err(sql)?;
        let rows = statement
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .map_err(sql)?;
        let mut workspaces = Vec::new();
        for row in rows {
            let (id, body) = row.map_err(sql)?;
            let mut ws = decode_workspace(&body)
                .map_err(|e| format!("the saved workspace {id} is damaged: {e}"))?;
            ws.computes = self.load_computes(&id)?;
            self.load_assets(&id, &mut ws)?;
            workspaces.push(ws);
        }
        let mut tenant = Tenant {
            directory,
            workspaces,
        };
        tenant.sync_members();
        Ok(Some(tenant))
    }

    /// A workspace's computes, oldest first.
    fn load_computes(&self, workspace: &str) -> Result<Vec<Arc<StoredCompute>>, String> {
        let mut statement = self
            .conn
            .prepare("SELECT name, body FROM computes WHERE workspace = ?1 ORDER BY seq")
            .map_err(sql)?;
        let rows = statement
            .query_map(params![workspace], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })
            .map_err(sql)?;
        let mut computes = Vec::new();
        for row in rows {
            let (name, body) = row.map_err(sql)?;
            computes.push(
                from_json(&body).map_err(|e| {
                    format!("the saved compute {name} of {workspace} is damaged: {e}")
                })?,
            );
        }
        Ok(computes)
    }

    /// A workspace's other assets, each list oldest first.
    fn load_assets(&self, workspace: &str, ws: &mut Workspace) -> Result<(), String> {
        let mut statement = self
            .conn
            .prepare("SELECT kind, name, body FROM assets WHERE workspace = ?1 ORDER BY seq")
            .map_err(sql)?;
        let rows = statement
            .query_map(params![workspace], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .map_err(sql)?;
        for row in rows {
            let (kind, name, body) = row.map_err(sql)?;
            let broken = |e: serde_json::Error| {
                format!("the saved {kind} {name} of {workspace} is damaged: {e}")
            };
            match kind.as_str() {
                DATASTORE => ws.datastores.push(Arc::new(from_json(&body).map_err(broken)?)),
                DATA => ws.data.push(Arc::new(from_json(&body).map_err(broken)?)),
                DATA_VERSION => ws.data_versions.push(Arc::new(from_json(&body).map_err(broken)?)),
                MODEL => ws.models.push(Arc::new(from_json(&body).map_err(broken)?)),
                MODEL_VERSION => ws.model_versions.push(Arc::new(from_json(&body).map_err(broken)?)),
                ENDPOINT => ws.endpoints.push(Arc::new(from_json(&body).map_err(broken)?)),
                DEPLOYMENT => ws.deployments.push(Arc::new(from_json(&body).map_err(broken)?)),
                BATCH_ENDPOINT => ws.batch_endpoints.push(Arc::new(from_json(&body).map_err(broken)?)),
                BATCH_DEPLOYMENT => ws.batch_deployments.push(Arc::new(from_json(&body).map_err(broken)?)),
                other => {
                    return Err(format!(
                        "the saved asset {name} of {workspace} is of a kind this version of Azimuth does not know ({other}); a newer Azimuth may have written it"
                    ))
                }
            }
        }
        Ok(())
    }

    /// Moves the one `workspace` row of an earlier Azimuth into the directory and workspace
    /// rows, in one transaction; nothing happens when there is none.
    fn migrate_single_workspace(&mut self, new_tenant_id: &str) -> Result<(), String> {
        let old: Option<String> = self
            .conn
            .query_row(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'workspace'",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(sql)?;
        if old.is_none() {
            return Ok(());
        }
        let snapshot: Option<String> = self
            .conn
            .query_row("SELECT snapshot FROM workspace WHERE id = 1", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(sql)?;
        let tx = self.conn.transaction().map_err(sql)?;
        if let Some(text) = snapshot {
            let tenant = decode(&text, new_tenant_id)
                .map_err(|e| format!("the saved workspace cannot be migrated: {e}"))?;
            let all = tenant.workspaces.iter().map(|w| (w, None)).collect();
            write_rows(
                &tx,
                &Write {
                    directory: Some(&tenant.directory),
                    workspaces: all,
                    removed: Vec::new(),
                },
            )?;
        }
        tx.execute_batch("DROP TABLE workspace").map_err(sql)?;
        tx.commit().map_err(sql)
    }

    /// Saves what a change touched, in one transaction; when this returns Ok it is on disk.
    pub fn save(&mut self, write: &Write) -> Result<usize, String> {
        let tx = self.conn.transaction().map_err(sql)?;
        let bytes = write_rows(&tx, write)?;
        tx.commit().map_err(sql)?;
        Ok(bytes)
    }

    /// Keeps a bearer token (its hash) of `kind` for `member` until `expires_at`.
    pub fn insert_token(
        &self,
        kind: TokenKind,
        token_hash: &str,
        member: &str,
        expires_at: i64,
    ) -> Result<(), String> {
        let table = kind.table();
        self.conn
            .execute(
                &format!(
                    "INSERT INTO {table} (token_hash, member, expires_at) VALUES (?1, ?2, ?3)"
                ),
                params![token_hash, member, expires_at],
            )
            .map(|_| ())
            .map_err(sql)
    }

    /// The member of an unexpired token of `kind`.
    pub fn token_member(&self, kind: TokenKind, token_hash: &str, now: i64) -> Option<String> {
        let table = kind.table();
        self.conn
            .query_row(
                &format!("SELECT member FROM {table} WHERE token_hash = ?1 AND expires_at > ?2"),
                params![token_hash, now],
                |r| r.get(0),
            )
            .optional()
            .ok()
            .flatten()
    }

    /// When an unexpired token of `kind` expires.
    pub fn token_expiry(&self, kind: TokenKind, token_hash: &str, now: i64) -> Option<i64> {
        let table = kind.table();
        self.conn
            .query_row(
                &format!(
                    "SELECT expires_at FROM {table} WHERE token_hash = ?1 AND expires_at > ?2"
                ),
                params![token_hash, now],
                |r| r.get(0),
            )
            .optional()
            .ok()
            .flatten()
    }

    /// Keeps a job's token (its hash): `member`'s, in the workspace `workspace_id` only.
    pub fn insert_job_grant(
        &self,
        token_hash: &str,
        member: &str,
        workspace_id: &str,
        expires_at: i64,
    ) -> Result<(), String> {
        self.conn
            .execute(
                "INSERT INTO job_grants (token_hash, member, workspace, expires_at) VALUES (?1, ?2, ?3, ?4)",
                params![token_hash, member, workspace_id, expires_at],
            )
            .map(|_| ())
            .map_err(sql)
    }

    /// The member and the workspace of an unexpired job's token.
    pub fn job_grant(&self, token_hash: &str, now: i64) -> Option<(String, String)> {
        self.conn
            .query_row(
                "SELECT member, workspace FROM job_grants WHERE token_hash = ?1 AND expires_at > ?2",
                params![token_hash, now],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .ok()
            .flatten()
    }

    /// Forgets every token of `kind` (the jobs' at start: no job runs yet).
    pub fn delete_tokens(&self, kind: TokenKind) {
        let _ = self
            .conn
            .execute(&format!("DELETE FROM {}", kind.table()), []);
    }

    /// Forgets a token of `kind`.
    pub fn delete_token(&self, kind: TokenKind, token_hash: &str) {
        let table = kind.table();
        let _ = self.conn.execute(
            &format!("DELETE FROM {table} WHERE token_hash = ?1"),
            params![token_hash],
        );
    }

    /// A person's credential, if they have one.
    pub fn credential(&self, object_id: &str) -> Option<Credential> {
        self.conn
            .query_row(
                "SELECT password_hash, code_hash, code_expires_at, failures, blocked_until FROM credentials WHERE object_id = ?1",
                params![object_id],
                |r| {
                    Ok(Credential {
                        object_id: object_id.to_owned(),
                        password_hash: r.get(0)?,
                        code_hash: r.get(1)?,
                        code_expires_at: r.get(2)?,
                        failures: r.get(3)?,
                        blocked_until: r.get(4)?,
                    })
                },
            )
            .optional()
            .ok()
            .flatten()
    }

    /// Saves a person's credential; when this returns Ok it is on disk.
    pub fn save_credential(&self, c: &Credential) -> Result<(), String> {
        self.conn
            .execute(
                "INSERT INTO credentials (object_id, password_hash, code_hash, code_expires_at, failures, blocked_until)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (object_id) DO UPDATE SET password_hash = excluded.password_hash, code_hash = excluded.code_hash,
                   code_expires_at = excluded.code_expires_at, failures = excluded.failures, blocked_until = excluded.blocked_until",
                params![c.object_id, c.password_hash, c.code_hash, c.code_expires_at, c.failures, c.blocked_until],
            )
            .map(|_| ())
            .map_err(sql)
    }

    /// Forgets a removed person's credential.
    pub fn delete_credential(&self, object_id: &str) {
        let _ = self.conn.execute(
            "DELETE FROM credentials WHERE object_id = ?1",
            params![object_id],
        );
    }

    /// Ends every session of a person (a reset, or their removal).
    pub fn delete_sessions_of(&self, member: &str) {
        let _ = self
            .conn
            .execute("DELETE FROM sessions WHERE member = ?1", params![member]);
        for table in ["script_tokens", "job_grants"] {
            let _ = self.conn.execute(
                &format!("DELETE FROM {table} WHERE member = ?1"),
                params![member],
            );
        }
    }

    /// Whether the database answers.
    pub fn healthy(&self) -> bool {
        self.conn
            .query_row("SELECT 1", [], |r| r.get::<_, i64>(0))
            .is_ok()
    }
}

/// Writes the rows of a change; answers how many bytes of JSON it wrote.
fn write_rows(tx: &rusqlite::Transaction, write: &Write) -> Result<usize, String> {
    let mut bytes = 0;
    if let Some(directory) = write.directory {
        let body = serde_json::to_string(directory).map_err(|e| e.to_string())?;
        bytes += body.len();
        tx.execute(
            "INSERT INTO directory (id, body) VALUES (1, ?1)
             ON CONFLICT (id) DO UPDATE SET body = excluded.body",
            params![body],
        )
        .map_err(sql)?;
    }
    for (ws, before) in &write.workspaces {
        let id = key(ws.id());
        let body = encode_workspace(&ws.without_assets());
        bytes += body.len();
        tx.execute(
            "INSERT INTO workspaces (id, body) VALUES (?1, ?2)
             ON CONFLICT (id) DO UPDATE SET body = excluded.body",
            params![id, body],
        )
        .map_err(sql)?;
        if before.is_none() {
            // A new workspace: nothing of an earlier one with the same id may stay.
            tx.execute("DELETE FROM computes WHERE workspace = ?1", params![id])
                .map_err(sql)?;
        }
        // A change copies only the computes it touches: those are the ones to write.
        let (changed, deleted) = match before {
            Some(before) => ws.changed_computes(before),
            None => (ws.computes.clone(), Vec::new()),
        };
        for c in &changed {
            let body = serde_json::to_string(c).map_err(|e| e.to_string())?;
            bytes += body.len();
            tx.execute(
                "INSERT INTO computes (workspace, name, body) VALUES (?1, ?2, ?3)
                 ON CONFLICT (workspace, name) DO UPDATE SET body = excluded.body",
                params![id, key(&c.resource.name), body],
            )
            .map_err(sql)?;
        }
        for gone in &deleted {
            tx.execute(
                "DELETE FROM computes WHERE workspace = ?1 AND name = ?2",
                params![id, key(gone)],
            )
            .map_err(sql)?;
        }
    }
    for (ws, before) in &write.workspaces {
        bytes += write_assets(tx, ws, *before)?;
    }
    for id in &write.removed {
        tx.execute("DELETE FROM workspaces WHERE id = ?1", params![key(id)])
            .map_err(sql)?;
        tx.execute(
            "DELETE FROM computes WHERE workspace = ?1",
            params![key(id)],
        )
        .map_err(sql)?;
        tx.execute("DELETE FROM assets WHERE workspace = ?1", params![key(id)])
            .map_err(sql)?;
    }
    Ok(bytes)
}

/// The kinds of the `assets` table's rows.
const DATASTORE: &str = "datastore";
const DATA: &str = "data";
const DATA_VERSION: &str = "dataversion";
const MODEL: &str = "model";
const MODEL_VERSION: &str = "modelversion";
const ENDPOINT: &str = "onlineendpoint";
const DEPLOYMENT: &str = "onlinedeployment";
const BATCH_ENDPOINT: &str = "batchendpoint";
const BATCH_DEPLOYMENT: &str = "batchdeployment";

/// Writes the asset rows a change touched in one workspace (all of them for a new one).
fn write_assets(
    tx: &rusqlite::Transaction,
    ws: &Workspace,
    before: Option<&Workspace>,
) -> Result<usize, String> {
    let id = key(ws.id());
    if before.is_none() {
        tx.execute("DELETE FROM assets WHERE workspace = ?1", params![id])
            .map_err(sql)?;
    }
    let mut bytes = 0;
    let mut save = |kind: &str, name: &str, body: Result<String, serde_json::Error>| {
        let body = body.map_err(|e| e.to_string())?;
        bytes += body.len();
        tx.execute(
            "INSERT INTO assets (workspace, kind, name, body) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (workspace, kind, name) DO UPDATE SET body = excluded.body",
            params![id, kind, key(name), body],
        )
        .map(drop)
        .map_err(sql)
    };
    let changes = ws.asset_changes(before);
    for d in &changes.datastores {
        save(DATASTORE, &d.resource.name, serde_json::to_string(&**d))?;
    }
    for d in &changes.data {
        save(DATA, &d.name, serde_json::to_string(&**d))?;
    }
    for v in &changes.data_versions {
        save(DATA_VERSION, &v.id, serde_json::to_string(&**v))?;
    }
    for m in &changes.models.containers {
        save(MODEL, &m.name, serde_json::to_string(&**m))?;
    }
    for v in &changes.models.versions {
        save(MODEL_VERSION, &v.id, serde_json::to_string(&**v))?;
    }
    for e in &changes.endpoints.endpoints {
        save(ENDPOINT, &e.resource.name, serde_json::to_string(&**e))?;
    }
    for d in &changes.endpoints.deployments {
        save(DEPLOYMENT, &d.resource.id, serde_json::to_string(&**d))?;
    }
    for e in &changes.endpoints.batch_endpoints {
        save(
            BATCH_ENDPOINT,
            &e.resource.name,
            serde_json::to_string(&**e),
        )?;
    }
    for d in &changes.endpoints.batch_deployments {
        save(
            BATCH_DEPLOYMENT,
            &d.resource.id,
            serde_json::to_string(&**d),
        )?;
    }
    let batch = &changes.endpoints;
    let batch_gone = (batch.deleted_batch_endpoints.iter())
        .map(|n| (BATCH_ENDPOINT, n))
        .chain((batch.deleted_batch_deployments.iter()).map(|d| (BATCH_DEPLOYMENT, d)));
    let gone = (changes.deleted_datastores.iter().map(|n| (DATASTORE, n)))
        .chain(changes.models.deleted.iter().map(|n| (MODEL, n)))
        .chain(
            changes
                .models
                .deleted_versions
                .iter()
                .map(|v| (MODEL_VERSION, v)),
        )
        .chain(changes.endpoints.deleted.iter().map(|n| (ENDPOINT, n)))
        .chain(
            changes
                .endpoints
                .deleted_deployments
                .iter()
                .map(|d| (DEPLOYMENT, d)),
        )
        .chain(batch_gone);
    for (kind, name) in gone {
        tx.execute(
            "DELETE FROM assets WHERE workspace = ?1 AND kind = ?2 AND name = ?3",
            params![id, kind, key(name)],
        )
        .map_err(sql)?;
    }
    Ok(bytes)
}
