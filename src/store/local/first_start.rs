//! What only a first start needs (the seeded installation, reading an earlier build's value),
//! kept out of the first load: in the release build a chunk of its own.

use azimuth_core::workspace::snapshot::SnapshotError;
use azimuth_core::workspace::Tenant;

/// The chunk could not be downloaded.
pub struct Missing;

#[cfg(feature = "split")]
impl From<wasm_split_helpers::SplitLoaderError> for Missing {
    fn from(_: wasm_split_helpers::SplitLoaderError) -> Self {
        Missing
    }
}

/// The earlier build's value read, or a fresh installation with tenant id `guid`.
#[cfg(feature = "split")]
#[wasm_split_helpers::wasm_split(first_start, fallible)]
pub fn installation(
    now: i64,
    legacy: Option<String>,
    guid: String,
) -> Result<Result<Tenant, SnapshotError>, Missing> {
    Ok(build(now, legacy, &guid))
}

/// The earlier build's value read, or a fresh installation with tenant id `guid`.
#[cfg(not(feature = "split"))]
pub async fn installation(
    now: i64,
    legacy: Option<String>,
    guid: String,
) -> Result<Result<Tenant, SnapshotError>, Missing> {
    Ok(build(now, legacy, &guid))
}

fn build(now: i64, legacy: Option<String>, guid: &str) -> Result<Tenant, SnapshotError> {
    match legacy {
        Some(raw) => azimuth_core::workspace::snapshot::decode(&raw, guid),
        None => Ok(Tenant::seed(now, guid, None)),
    }
}
