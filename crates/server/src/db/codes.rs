//! Code assets' versions (kept per `workspaceId`, never changed) and the uploads
//! `startPendingUpload` grants (a folder of workspaceblobstore each, until a version takes it
//! or it expires).

use super::{sql, Db};
use rusqlite::{params, OptionalExtension};

/// An upload of code azure-ai-ml asked for (`startPendingUpload`): it may write files under
/// `LocalUpload/<id>/` of its workspace's `workspaceblobstore` until it expires.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeUpload {
    /// 32 hex digits; also its folder's name.
    pub id: String,
    /// The workspace's `workspaceId`.
    pub ws: String,
    /// The workspace's ARM id.
    pub arm_id: String,
    /// Who asked for it.
    pub member: String,
    /// The hash of its signature (the `sig` of its address).
    pub secret_hash: String,
    /// When it stops working (ms).
    pub expires_at: i64,
}

impl Db {
    /// Keeps code version `version` of `name` in workspace `ws` (its `workspaceId`) unless it
    /// is there already; answers whether it was made.
    pub fn insert_code_version(
        &self,
        ws: &str,
        name: &str,
        version: &str,
        body: &str,
    ) -> Result<bool, String> {
        self.conn
            .execute(
                "INSERT OR IGNORE INTO code_versions (workspace, name, version, body) VALUES (?1, ?2, ?3, ?4)",
                params![ws, name, version, body],
            )
            .map(|n| n > 0)
            .map_err(sql)
    }

    /// The versions of code asset `name` (of every code asset: `None`) in workspace `ws`, in
    /// the order they were made.
    pub fn code_versions(&self, ws: &str, name: Option<&str>) -> Result<Vec<String>, String> {
        let mut statement = self
            .conn
            .prepare(
                "SELECT body FROM code_versions WHERE workspace = ?1 AND (?2 IS NULL OR name = ?2) ORDER BY rowid",
            )
            .map_err(sql)?;
        let rows = statement
            .query_map(params![ws, name], |r| r.get(0))
            .map_err(sql)?;
        rows.collect::<Result<_, _>>().map_err(sql)
    }

    /// One code version of workspace `ws`.
    pub fn code_version(
        &self,
        ws: &str,
        name: &str,
        version: &str,
    ) -> Result<Option<String>, String> {
        self.conn
            .query_row(
                "SELECT body FROM code_versions WHERE workspace = ?1 AND name = ?2 AND version = ?3",
                params![ws, name, version],
                |r| r.get(0),
            )
            .optional()
            .map_err(sql)
    }

    /// Keeps an upload of code that `member` may make into workspace `ws` until `expires_at`.
    pub fn insert_code_upload(&self, upload: &CodeUpload) -> Result<(), String> {
        self.conn
            .execute(
                "INSERT INTO code_uploads (id, workspace, arm_id, member, secret_hash, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![upload.id, upload.ws, upload.arm_id, upload.member, upload.secret_hash, upload.expires_at],
            )
            .map(|_| ())
            .map_err(sql)
    }

    /// Closes an upload of code: its folder takes no more files.
    pub fn close_code_upload(&self, id: &str) -> Result<(), String> {
        self.conn
            .execute(
                "UPDATE code_uploads SET expires_at = 0 WHERE id = ?1",
                params![id],
            )
            .map(|_| ())
            .map_err(sql)
    }

    /// An upload of code that has not expired.
    pub fn code_upload(&self, id: &str, now: i64) -> Option<CodeUpload> {
        self.conn
            .query_row(
                "SELECT id, workspace, arm_id, member, secret_hash, expires_at FROM code_uploads WHERE id = ?1 AND expires_at > ?2",
                params![id, now],
                |r| {
                    Ok(CodeUpload {
                        id: r.get(0)?,
                        ws: r.get(1)?,
                        arm_id: r.get(2)?,
                        member: r.get(3)?,
                        secret_hash: r.get(4)?,
                        expires_at: r.get(5)?,
                    })
                },
            )
            .optional()
            .ok()
            .flatten()
    }
}
