//! What saving a change needs that showing the workspace does not: the records a change
//! writes (`azimuth_core::workspace::records::writes`, with every asset's serializer), kept
//! out of the first load: in the release build a chunk of its own, downloaded before the
//! first change is saved (a first start saves the seeded installation, so it comes then).

use super::first_start::Missing;
use azimuth_core::workspace::records::{writes, RecordWrite};
use azimuth_core::workspace::Tenant;

/// The writes that take the records of `before` (none: nothing saved yet) to `after`.
pub type Writes = fn(Option<&Tenant>, &Tenant) -> Vec<RecordWrite>;

/// The record writer, once its chunk is in.
#[cfg(feature = "split")]
#[wasm_split_helpers::wasm_split(record_writes, fallible)]
pub fn record_writes() -> Result<Writes, Missing> {
    Ok(writes)
}

/// The record writer, once its chunk is in.
#[cfg(not(feature = "split"))]
pub async fn record_writes() -> Result<Writes, Missing> {
    Ok(writes)
}
