//! Tokens for scripts as their owner sees them: made with a name, listed (never the token),
//! taken back; a database from before names were kept gains the columns at start.

use super::{sql, Db};
use rusqlite::{params, Connection};

/// How many hex digits of a token's hash name it in lists (48 bits: never the same twice for
/// one person's tokens, and of no use to guess the token, whose hash it is a part of).
pub const TOKEN_ID_LEN: usize = 12;

/// A token for scripts as its owner sees it listed (never the token itself).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptTokenRow {
    /// The first [`TOKEN_ID_LEN`] hex digits of its hash.
    pub id: String,
    /// What its owner called it.
    pub name: String,
    /// When it was made (ms; 0 for tokens made before names were kept).
    pub created_at: i64,
    /// When it stops working (ms).
    pub expires_at: i64,
}

/// Gives `script_tokens` of a database made before tokens had names its `name` and
/// `created_at` columns.
pub(super) fn add_token_names(conn: &Connection) -> rusqlite::Result<()> {
    let mut columns = conn.prepare("SELECT name FROM pragma_table_info('script_tokens')")?;
    let names = columns
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    let mut missing = String::new();
    for (column, kind) in [
        ("name", "TEXT NOT NULL DEFAULT ''"),
        ("created_at", "INTEGER NOT NULL DEFAULT 0"),
    ] {
        if !names.iter().any(|n| n == column) {
            missing.push_str(&format!(
                "ALTER TABLE script_tokens ADD COLUMN {column} {kind};"
            ));
        }
    }
    if !missing.is_empty() {
        // Both or neither: a failure half-way leaves the table as it was.
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(&missing)?;
        tx.commit()?;
    }
    Ok(())
}

impl Db {
    /// Keeps a token for scripts (its hash) of `member`, named `name`, made at `now`.
    pub fn insert_script_token(
        &self,
        token_hash: &str,
        member: &str,
        name: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<(), String> {
        self.conn
            .execute(
                "INSERT INTO script_tokens (token_hash, member, expires_at, name, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![token_hash, member, expires_at, name, now],
            )
            .map(|_| ())
            .map_err(sql)
    }

    /// The unexpired tokens for scripts of `member`, newest first.
    pub fn script_tokens(&self, member: &str, now: i64) -> Result<Vec<ScriptTokenRow>, String> {
        let mut statement = self
            .conn
            .prepare(
                "SELECT substr(token_hash, 1, ?3), name, created_at, expires_at FROM script_tokens
                 WHERE member = ?1 AND expires_at > ?2 ORDER BY created_at DESC, rowid DESC",
            )
            .map_err(sql)?;
        let rows = statement
            .query_map(params![member, now, TOKEN_ID_LEN], |r| {
                Ok(ScriptTokenRow {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    created_at: r.get(2)?,
                    expires_at: r.get(3)?,
                })
            })
            .map_err(sql)?;
        rows.collect::<Result<_, _>>().map_err(sql)
    }

    /// Forgets `member`'s token for scripts whose id is `id`; answers whether there was one.
    pub fn delete_script_token(&self, member: &str, id: &str) -> Result<bool, String> {
        if id.len() != TOKEN_ID_LEN || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(false);
        }
        self.conn
            .execute(
                "DELETE FROM script_tokens WHERE member = ?1 AND substr(token_hash, 1, ?3) = ?2",
                params![member, id, TOKEN_ID_LEN],
            )
            .map(|n| n > 0)
            .map_err(sql)
    }
}
