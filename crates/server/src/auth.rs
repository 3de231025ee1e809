//! Signing in: people give their name and their own password (or, on a demo server, only pick
//! their name; the access key first when the server has one) and get a random bearer token,
//! stored only as its SHA-256 hash, that expires.

use crate::db::{ScriptTokenRow, TokenKind, TOKEN_ID_LEN};
use crate::state::{now_ms, AppState};
use axum::http::HeaderMap;
use azimuth_core::workspace::Person;
use azimuth_core::ArmError;
use sha2::{Digest, Sha256};

/// How long a session lasts: 12 hours, a class or a working day.
pub const SESSION_MS: i64 = 12 * 3_600_000;

/// Bytes as lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `N` random bytes, or ARM's 503 when the system gives none.
pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N], ArmError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| {
        ArmError::new(
            "ServiceUnavailable",
            format!("No randomness available: {e}"),
        )
    })?;
    Ok(bytes)
}

/// The hex SHA-256 of a token.
pub fn hash_token(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// A new random token (256 bits, hex).
pub(crate) fn new_token() -> Result<String, ArmError> {
    Ok(hex(&random_bytes::<32>()?))
}

/// Compares two strings in time independent of where they differ.
pub(crate) fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Signs a person in: by name alone in demo mode, with their password otherwise (and the
/// access key first when the server has one); returns the token and the person.
pub fn sign_in(
    state: &AppState,
    member: &str,
    access_key: Option<&str>,
    password: Option<&str>,
) -> Result<(String, Person), ArmError> {
    if let Some(expected) = &state.config.access_key {
        if !access_key.is_some_and(|k| same(k, expected)) {
            return Err(ArmError::new(
                "AuthenticationFailed",
                "The access key is not right. Ask the person who runs this workspace for it.",
            ));
        }
    }
    let found = if state.config.demo {
        state
            .read(|t| t.directory.person(member).cloned())
            .ok_or_else(|| {
                ArmError::new(
                    "AuthenticationFailed",
                    format!("'{member}' is not a person of this installation."),
                )
            })?
    } else {
        // Argon2 takes tens of milliseconds: off the threads that answer other requests.
        tokio::task::block_in_place(|| state.check_password(member, password.unwrap_or_default()))?
    };
    let token = issue(
        state,
        TokenKind::Session,
        &found.name,
        now_ms() + SESSION_MS,
    )?;
    Ok((token, found))
}

/// A new random token of `kind` for `member`, kept (as its hash) until `expires_at`.
fn issue(
    state: &AppState,
    kind: TokenKind,
    member: &str,
    expires_at: i64,
) -> Result<String, ArmError> {
    let token = new_token()?;
    state
        .with_db(|db| db.insert_token(kind, &hash_token(&token), member, expires_at))
        .map_err(|e| {
            ArmError::new(
                "ServiceUnavailable",
                format!(
                    "The {} could not be saved ({e}).",
                    match kind {
                        TokenKind::Session => "session",
                        TokenKind::Script | TokenKind::Job => "token",
                    }
                ),
            )
        })?;
    Ok(token)
}

/// The token of `Authorization: Bearer <token>`, if the request carries one.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
}

/// The cookie that carries the session to `/api/events`: an `EventSource` cannot send an
/// `Authorization` header, and a token in the URL would end up in logs and history.
pub const EVENTS_COOKIE: &str = "azimuth_session";

/// The `Set-Cookie` value that gives the event stream `token` (or, with `None`, takes it away).
pub fn events_cookie(token: Option<&str>) -> String {
    let max_age = if token.is_some() {
        SESSION_MS / 1000
    } else {
        0
    };
    format!(
        "{EVENTS_COOKIE}={}; Path=/api/events; HttpOnly; SameSite=Strict; Max-Age={max_age}",
        token.unwrap_or_default()
    )
}

/// The session token in the events cookie, if the request carries one.
pub fn cookie_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == EVENTS_COOKIE && !value.is_empty()).then_some(value)
        })
}

/// The signed-in member's name from `Authorization: Bearer <token>`, or ARM's 401 error.
pub fn member_of(state: &AppState, headers: &HeaderMap) -> Result<String, ArmError> {
    let token = bearer_token(headers)
        .ok_or_else(|| ArmError::new("AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing: sign in and send 'Authorization: Bearer <token>'."))?;
    state
        .with_db(|db| db.token_member(TokenKind::Session, &hash_token(token), now_ms()))
        .ok_or_else(|| {
            ArmError::new(
                "InvalidAuthenticationToken",
                "The access token is invalid or has expired. Sign in again.",
            )
        })
}

/// How long a token for scripts lasts: 90 days, a course or a project.
pub const SCRIPT_TOKEN_MS: i64 = 90 * 24 * 3_600_000;

/// The longest name of a token for scripts.
pub const MAX_TOKEN_NAME: usize = 100;

/// A new token for scripts: the token (shown once; only its hash is kept) and how it is listed.
pub struct NewScriptToken {
    /// The token.
    pub token: String,
    /// How its owner sees it listed.
    pub row: ScriptTokenRow,
}

/// Makes `member` a token for scripts (`MLFLOW_TRACKING_TOKEN`) named `name`: it logs runs
/// through the tracking API with their role and does nothing else (no ARM, no studio).
pub fn new_script_token(
    state: &AppState,
    member: &str,
    name: &str,
) -> Result<NewScriptToken, ArmError> {
    let name = name.trim();
    if name.chars().count() > MAX_TOKEN_NAME {
        return Err(ArmError::new(
            "InvalidRequestContent",
            format!("A token's name is at most {MAX_TOKEN_NAME} characters."),
        ));
    }
    let name = if name.is_empty() {
        "Token for scripts"
    } else {
        name
    };
    let token = new_token()?;
    let hash = hash_token(&token);
    let now = now_ms();
    let expires_at = now + SCRIPT_TOKEN_MS;
    state
        .with_db(|db| db.insert_script_token(&hash, member, name, now, expires_at))
        .map_err(|e| {
            ArmError::new(
                "ServiceUnavailable",
                format!("The token could not be saved ({e})."),
            )
        })?;
    let row = ScriptTokenRow {
        id: hash[..TOKEN_ID_LEN].to_owned(),
        name: name.to_owned(),
        created_at: now,
        expires_at,
    };
    Ok(NewScriptToken { token, row })
}

/// `member`'s tokens for scripts that still work, newest first.
pub fn script_tokens(state: &AppState, member: &str) -> Result<Vec<ScriptTokenRow>, ArmError> {
    state
        .with_db(|db| db.script_tokens(member, now_ms()))
        .map_err(|e| {
            ArmError::new(
                "ServiceUnavailable",
                format!("The tokens could not be read ({e})."),
            )
        })
}

/// Takes back `member`'s token for scripts `id`: it stops working at once.
pub fn revoke_script_token(state: &AppState, member: &str, id: &str) -> Result<(), ArmError> {
    let gone = state
        .with_db(|db| db.delete_script_token(member, id))
        .map_err(|e| {
            ArmError::new(
                "ServiceUnavailable",
                format!("The token could not be taken back ({e})."),
            )
        })?;
    if gone {
        Ok(())
    } else {
        Err(ArmError::new(
            "NotFound",
            format!("You have no token for scripts '{id}' (it may have been taken back already, or have expired)."),
        ))
    }
}

/// Makes a job's token: it logs through the tracking API as the member who submitted the job,
/// in the job's workspace (`workspace_id`) only, until `expires`; the runner takes it back when
/// the job ends ([`revoke_job_token`]), and every one is forgotten when the server starts.
pub fn new_job_token(
    state: &AppState,
    member: &str,
    workspace_id: &str,
    expires: i64,
) -> Result<String, ArmError> {
    let token = new_token()?;
    state
        .with_db(|db| db.insert_job_grant(&hash_token(&token), member, workspace_id, expires))
        .map_err(|e| {
            ArmError::new(
                "ServiceUnavailable",
                format!("The job's token could not be saved ({e})."),
            )
        })?;
    Ok(token)
}

/// How long a notebook kernel's token lasts at most (a kernel shut down sooner takes it back).
const KERNEL_TOKEN_MS: i64 = 24 * 3_600_000;

/// Makes the token a notebook kernel acts with: the person's own (a session's, so their code
/// reaches ARM and the tracking API with their role, as on an Azure ML compute instance),
/// taken back when the kernel is shut down ([`revoke_kernel_token`]).
pub fn new_kernel_token(state: &AppState, member: &str) -> Result<String, ArmError> {
    issue(
        state,
        TokenKind::Session,
        member,
        now_ms() + KERNEL_TOKEN_MS,
    )
}

/// Takes back a kernel's token.
pub fn revoke_kernel_token(state: &AppState, token: &str) {
    state.with_db(|db| db.delete_token(TokenKind::Session, &hash_token(token)));
}

/// When a session's token (`token`) ends, if it works.
pub fn session_expiry(state: &AppState, token: &str) -> Option<i64> {
    state.with_db(|db| db.token_expiry(TokenKind::Session, &hash_token(token), now_ms()))
}

/// Takes back a job's token.
pub fn revoke_job_token(state: &AppState, token: &str) {
    state.with_db(|db| db.delete_token(TokenKind::Job, &hash_token(token)));
}

/// Who a tracking call comes from.
pub struct TrackingMember {
    /// The member.
    pub member: String,
    /// The one workspace (its `workspaceId`) a job's token is good in; `None` for a session's
    /// token or a token for scripts.
    pub only_in: Option<String>,
}

/// The member a tracking call comes from: a session's token, a token for scripts, or a job's.
pub fn tracking_member(state: &AppState, headers: &HeaderMap) -> Result<TrackingMember, ArmError> {
    if let Some(token) = bearer_token(headers) {
        let hash = hash_token(token);
        let now = now_ms();
        let found = state.with_db(|db| {
            db.token_member(TokenKind::Script, &hash, now)
                .map(|member| TrackingMember {
                    member,
                    only_in: None,
                })
                .or_else(|| {
                    db.job_grant(&hash, now)
                        .map(|(member, workspace)| TrackingMember {
                            member,
                            only_in: Some(workspace),
                        })
                })
        });
        if let Some(found) = found {
            return Ok(found);
        }
    }
    Ok(TrackingMember {
        member: member_of(state, headers)?,
        only_in: None,
    })
}
