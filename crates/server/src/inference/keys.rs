//! An endpoint's keys and AMLToken tokens: made at random, signed, and compared in constant
//! time.

use crate::auth::{hex, random_bytes};
use azimuth_core::endpoints::EndpointKeys;
use azimuth_core::ArmError;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// How long a token lasts, in milliseconds (Azure's: an hour).
const TOKEN_LIFE: i64 = 3_600_000;

/// A new endpoint key: 32 random bytes as hex.
pub fn fresh_key() -> Result<String, ArmError> {
    Ok(hex(&random_bytes::<32>()?))
}

/// An AMLToken endpoint's token for callers, as Azure answers `token`: signed with the
/// endpoint's primary key (regenerating it ends every token), good for an hour.
pub fn token(endpoint_id: &str, keys: &EndpointKeys, now: i64) -> Value {
    let expiry = now + TOKEN_LIFE;
    json!({
        "accessToken": format!("{expiry}.{}", signature(endpoint_id, keys, expiry)),
        "tokenType": "Bearer",
        "expiryTimeUtc": expiry / 1000,
        "refreshAfterTimeUtc": (now + TOKEN_LIFE / 2) / 1000,
    })
}

fn signature(endpoint_id: &str, keys: &EndpointKeys, expiry: i64) -> String {
    let text = format!(
        "{}|{}|{expiry}",
        keys.primary_key,
        endpoint_id.to_ascii_lowercase()
    );
    hex(&Sha256::digest(text.as_bytes()))
}

/// Whether `given` (a bearer token) signs a caller in to the endpoint: one of its keys, or
/// for an AMLToken endpoint a token it gave that has not expired.
pub(super) fn signed_in(
    given: &str,
    endpoint_id: &str,
    mode: &str,
    keys: &EndpointKeys,
    now: i64,
) -> bool {
    if mode == "AMLToken" {
        let Some((expiry, sig)) = given.split_once('.') else {
            return false;
        };
        let Ok(expiry) = expiry.parse::<i64>() else {
            return false;
        };
        return expiry > now && same(sig, &signature(endpoint_id, keys, expiry));
    }
    same(given, &keys.primary_key) || same(given, &keys.secondary_key)
}

/// Compares two secrets in time that does not depend on where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}
