//! People's own credentials: each person signs in with a password they set from a one-time code
//! an Owner of the installation handed them. Passwords are kept only as a slow salted hash
//! (Argon2id, OWASP's parameters), codes only as their SHA-256 (they are random and expire), and
//! repeated failures make the next attempt wait. Adding people (one, or a whole class roster),
//! removing them and resetting them are the installation Owners'; the engine decides who they are.

use crate::auth::{hash_token, hex, random_bytes, same};
use crate::db::Credential;
use crate::state::{now_ms, AppState};
use argon2::{Algorithm, Argon2, Params, Version};
use azimuth_core::workspace::roles::Action;
use azimuth_core::ArmError;

/// How long a one-time code can be used: a week, time enough to hand out a class's codes.
pub const CODE_MS: i64 = 7 * 24 * 3_600_000;
/// Failures before attempts are slowed down.
const FREE_FAILURES: u32 = 5;
/// The longest wait after repeated failures: 15 minutes.
const MAX_WAIT_MS: i64 = 15 * 60_000;
/// The shortest password accepted.
pub const MIN_PASSWORD: usize = 8;
/// Letters of a one-time code: no 0/O, 1/I/L, to read aloud and type without mistakes.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

fn argon2() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::DEFAULT)
}

/// A password's stored form: `argon2id$<salt hex>$<hash hex>`.
pub fn hash_password(password: &str) -> Result<String, ArmError> {
    let salt = random_bytes::<16>()?;
    let mut out = [0u8; 32];
    argon2()
        .hash_password_into(password.as_bytes(), &salt, &mut out)
        .map_err(|e| {
            ArmError::new(
                "ServiceUnavailable",
                format!("The password could not be hashed: {e}."),
            )
        })?;
    Ok(format!("argon2id${}${}", hex(&salt), hex(&out)))
}

/// Whether `password` is the one `stored` was made from (in time independent of where they differ).
pub fn verify_password(password: &str, stored: &str) -> bool {
    let mut parts = stored.split('$');
    let (Some("argon2id"), Some(salt), Some(hash)) = (parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let salt: Vec<u8> = (0..salt.len())
        .step_by(2)
        .filter_map(|i| u8::from_str_radix(salt.get(i..i + 2)?, 16).ok())
        .collect();
    let mut out = [0u8; 32];
    if argon2()
        .hash_password_into(password.as_bytes(), &salt, &mut out)
        .is_err()
    {
        return false;
    }
    same(&hex(&out), hash)
}

/// A new one-time code, e.g. `K7QPM-3XWHD` (50 bits).
pub fn new_code() -> Result<String, ArmError> {
    let bytes = random_bytes::<10>()?;
    let letters: String = bytes
        .iter()
        .map(|b| CODE_ALPHABET[usize::from(*b) % CODE_ALPHABET.len()] as char)
        .collect();
    Ok(format!("{}-{}", &letters[..5], &letters[5..]))
}

/// A code as typed: upper case, without spaces or dashes.
fn normalize_code(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn code_hash(code: &str) -> String {
    hash_token(&normalize_code(code))
}

/// Why a new password is refused, or `None`.
pub fn password_problem(password: &str, name: &str) -> Option<String> {
    if password.chars().count() < MIN_PASSWORD {
        Some(format!(
            "The password must be at least {MIN_PASSWORD} characters long."
        ))
    } else if password.eq_ignore_ascii_case(name) {
        Some("The password cannot be your name.".into())
    } else {
        None
    }
}

/// The wait after `failures` failed attempts: none for the first five, then 5 s doubling, at
/// most 15 minutes.
pub fn wait_after(failures: u32) -> i64 {
    if failures < FREE_FAILURES {
        return 0;
    }
    let doublings = (failures - FREE_FAILURES).min(16);
    (5_000_i64 << doublings).min(MAX_WAIT_MS)
}

fn wrong() -> ArmError {
    ArmError::new(
        "AuthenticationFailed",
        "The name or the password is not right. If you have no password yet, choose \"Set your password\" and give the one-time code an Owner of the installation gave you; if you forgot it, ask an Owner to reset you.",
    )
}

/// The hash checked against when there is no real one, so every answer costs the same time.
const DUMMY_HASH: &str = "argon2id$00000000000000000000000000000000$0000000000000000000000000000000000000000000000000000000000000000";

/// The refusal of an attempt that must wait until `until`.
pub(crate) fn too_soon(until: i64, now: i64) -> ArmError {
    let seconds = ((until - now) / 1000).max(1);
    ArmError::new(
        "TooManyRequests",
        format!("Too many attempts that failed: try again in {seconds} seconds."),
    )
}

impl AppState {
    /// A person by display name or sign-in name (what people type on the sign-in page).
    pub fn find_person(&self, name: &str) -> Option<azimuth_core::workspace::Person> {
        let name = name.trim();
        self.read(|t| {
            t.directory
                .people
                .iter()
                .find(|p| p.name == name || p.user_name.eq_ignore_ascii_case(name))
                .cloned()
        })
    }

    /// Counts an attempt for a person before it is checked (so attempts sent in parallel
    /// each count), or refuses it while they must wait. Answers their credential.
    fn count_attempt(&self, object_id: &str) -> Result<Credential, ArmError> {
        let _one_at_a_time = self.attempts.lock().unwrap_or_else(|e| e.into_inner());
        let now = now_ms();
        let mut credential = self.credential(object_id);
        if credential.blocked_until > now {
            return Err(too_soon(credential.blocked_until, now));
        }
        let mut counted = credential.clone();
        counted.failures += 1;
        counted.blocked_until = now + wait_after(counted.failures);
        self.save_credential(&counted)?;
        credential.failures = counted.failures;
        Ok(credential)
    }

    /// Forgets the failures of a person who got it right.
    fn clear_attempts(&self, mut credential: Credential) -> Result<(), ArmError> {
        credential.failures = 0;
        credential.blocked_until = 0;
        self.save_credential(&credential)
    }

    /// Checks a person's password (password mode; `name` may be their display or sign-in
    /// name). Every attempt counts towards the wait until one succeeds; an unknown name, a
    /// wrong password and a password not set yet get the same answer, after the same work.
    pub fn check_password(
        &self,
        name: &str,
        password: &str,
    ) -> Result<azimuth_core::workspace::Person, ArmError> {
        let Some(person) = self.find_person(name) else {
            // As long as a real check, so the answer's time tells nothing.
            let _ = verify_password(password, DUMMY_HASH);
            return Err(wrong());
        };
        let credential = self.count_attempt(&person.object_id)?;
        let stored = credential
            .password_hash
            .clone()
            .unwrap_or_else(|| DUMMY_HASH.to_owned());
        if credential.password_hash.is_some() && verify_password(password, &stored) {
            self.clear_attempts(credential)?;
            return Ok(person);
        }
        if credential.password_hash.is_none() {
            let _ = verify_password(password, DUMMY_HASH);
        }
        Err(wrong())
    }

    /// Sets a person's password from the one-time code an Owner gave them; the code is used up.
    pub fn set_password(&self, name: &str, code: &str, password: &str) -> Result<(), ArmError> {
        let now = now_ms();
        let invalid = || {
            ArmError::new(
                "AuthenticationFailed",
                "The one-time code is not right or has expired. Ask an Owner of the installation for a new one.",
            )
        };
        let person = self.find_person(name).ok_or_else(invalid)?;
        let mut credential = self.count_attempt(&person.object_id)?;
        let valid = credential.code_hash.as_deref() == Some(code_hash(code).as_str())
            && credential.code_expires_at > now;
        if !valid {
            return Err(invalid());
        }
        if let Some(problem) = password_problem(password, &person.name) {
            return Err(ArmError::new("BadRequest", problem).at("password"));
        }
        credential.password_hash = Some(hash_password(password)?);
        credential.code_hash = None;
        credential.code_expires_at = 0;
        credential.failures = 0;
        credential.blocked_until = 0;
        self.save_credential(&credential)
    }

    /// Gives a person a new one-time code (an installation Owner's "Reset"): their password and
    /// sessions stop working. Answers the code, the only time it is shown.
    pub fn reset_person(&self, actor: &str, name: &str) -> Result<String, ArmError> {
        let person = self.read(|t| {
            let scope = t.directory.subscription_scope();
            t.directory
                .authorize_at(actor, &scope, Action::WriteRoleAssignments)?;
            t.directory.person(name).cloned().ok_or_else(|| {
                ArmError::new("NotFound", format!("There is no person named '{name}'."))
            })
        })?;
        self.issue_code(&person.object_id, &person.name)
    }

    /// A new one-time code for a person (no checks): their password and sessions end.
    pub(crate) fn issue_code(&self, object_id: &str, name: &str) -> Result<String, ArmError> {
        let code = new_code()?;
        let credential = Credential {
            object_id: object_id.to_owned(),
            password_hash: None,
            code_hash: Some(code_hash(&code)),
            code_expires_at: now_ms() + CODE_MS,
            failures: 0,
            blocked_until: 0,
        };
        self.save_credential(&credential)?;
        self.with_db(|db| db.delete_sessions_of(name));
        Ok(code)
    }

    /// Outside demo mode, while no Owner of the installation has a password: a new one-time code
    /// for the first of them (printed at start, so the installation is never locked), with
    /// their name.
    pub fn first_owner_code(&self) -> Result<Option<(String, String)>, ArmError> {
        if self.config.demo {
            return Ok(None);
        }
        let owners = self.read(|t| {
            let scope = t.directory.subscription_scope();
            t.directory
                .people
                .iter()
                .filter(|p| {
                    t.directory
                        .roles_at(p, &scope)
                        .contains(&azimuth_core::workspace::roles::Role::Owner)
                })
                .cloned()
                .collect::<Vec<_>>()
        });
        if owners.iter().any(|p| self.credential_state(&p.object_id).0) {
            return Ok(None);
        }
        let Some(first) = owners.first() else {
            return Ok(None);
        };
        let code = self.issue_code(&first.object_id, &first.name)?;
        Ok(Some((first.name.clone(), code)))
    }

    /// Whether a person has set a password, and whether a code of theirs is waiting.
    pub fn credential_state(&self, object_id: &str) -> (bool, bool) {
        let c = self.credential(object_id);
        (
            c.password_hash.is_some(),
            c.code_hash.is_some() && c.code_expires_at > now_ms(),
        )
    }

    fn credential(&self, object_id: &str) -> Credential {
        self.with_db(|db| db.credential(object_id))
            .unwrap_or_else(|| Credential {
                object_id: object_id.to_owned(),
                ..Credential::default()
            })
    }

    fn save_credential(&self, c: &Credential) -> Result<(), ArmError> {
        self.with_db(|db| db.save_credential(c)).map_err(|e| {
            ArmError::new(
                "ServiceUnavailable",
                format!("The sign-in data could not be saved ({e})."),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_codes_and_waits() {
        let stored = hash_password("correct horse").unwrap();
        assert!(stored.starts_with("argon2id$"));
        assert!(verify_password("correct horse", &stored));
        assert!(!verify_password("correct horsE", &stored));
        assert_ne!(stored, hash_password("correct horse").unwrap(), "salted");
        let code = new_code().unwrap();
        assert_eq!(code.len(), 11);
        assert_eq!(
            code_hash(&code.to_lowercase().replace('-', " ")),
            code_hash(&code)
        );
        assert_eq!(wait_after(4), 0);
        assert_eq!(wait_after(5), 5_000);
        assert_eq!(wait_after(6), 10_000);
        assert_eq!(wait_after(40), MAX_WAIT_MS);
        assert!(password_problem("short", "x").is_some());
        assert!(password_problem("Ada Lovelace", "ada lovelace").is_some());
        assert!(password_problem("a long enough one", "Ada").is_none());
    }
}
