//! The versioned text form a workspace is saved in (the browser's localStorage value), and the
//! reasons a saved value may be unreadable.

use crate::arm::json_de::from_value;
use crate::workspace::Workspace;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The format tag every saved workspace carries.
pub const FORMAT: &str = "azimuth-workspace";
/// The version this build writes and reads.
pub const VERSION: u32 = 1;

/// Why a saved value cannot be used; `Display` explains it to a person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SnapshotError {
    /// Not JSON at all (truncated, edited by hand...).
    NotJson(String),
    /// JSON, but not an Azimuth workspace.
    Foreign,
    /// Written by a newer Azimuth.
    Newer(u32),
    /// An Azimuth workspace of this version whose content does not fit.
    Invalid(String),
}

impl std::fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotJson(e) => write!(f, "The saved workspace is not valid JSON ({e}). It may have been cut short or edited by hand."),
            Self::Foreign => write!(f, "The saved value is not an Azimuth workspace: something else wrote to this browser's storage key."),
            Self::Newer(v) => write!(f, "The saved workspace was written by a newer version of Azimuth (format version {v}; this studio reads version {VERSION})."),
            Self::Invalid(e) => write!(f, "The saved workspace is damaged: {e}."),
        }
    }
}

#[derive(Serialize)]
struct EnvelopeOut<'a> {
    format: &'static str,
    version: u32,
    workspace: &'a Workspace,
}

/// The envelope with its workspace.
#[derive(Deserialize)]
struct EnvelopeIn {
    workspace: Option<Workspace>,
}

/// The saved form of a workspace.
pub fn encode(workspace: &Workspace) -> String {
    serde_json::to_string(&EnvelopeOut {
        format: FORMAT,
        version: VERSION,
        workspace,
    })
    .expect("a workspace always serializes")
}

/// Reads a saved workspace, telling exactly why when it cannot.
pub fn decode(text: &str) -> Result<Workspace, SnapshotError> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| SnapshotError::NotJson(e.to_string()))?;
    if value.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(SnapshotError::Foreign);
    }
    let version = match value.get("version") {
        None => None,
        Some(v) => Some(v.as_u64().ok_or(SnapshotError::Foreign)?),
    };
    match version {
        Some(v) if v == u64::from(VERSION) => {}
        Some(v) if v > u64::from(VERSION) => {
            return Err(SnapshotError::Newer(u32::try_from(v).unwrap_or(u32::MAX)))
        }
        other => {
            return Err(SnapshotError::Invalid(format!(
                "unknown format version {other:?}"
            )))
        }
    }
    let envelope: EnvelopeIn =
        from_value(value).map_err(|e| SnapshotError::Invalid(e.to_string()))?;
    envelope
        .workspace
        .ok_or_else(|| SnapshotError::Invalid("it has no workspace".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_every_kind_of_bad_value() {
        let ws = Workspace::seed(1_000);
        assert_eq!(decode(&encode(&ws)).unwrap(), ws);
        assert!(matches!(
            decode("{\"format\":\"azimuth-workspace\",\"vers"),
            Err(SnapshotError::NotJson(_))
        ));
        assert_eq!(decode("[1,2]"), Err(SnapshotError::Foreign));
        assert_eq!(decode("{\"theme\":\"dark\"}"), Err(SnapshotError::Foreign));
        assert_eq!(
            decode("{\"format\":\"azimuth-workspace\",\"version\":7,\"workspace\":{}}"),
            Err(SnapshotError::Newer(7))
        );
        assert!(matches!(
            decode(
                "{\"format\":\"azimuth-workspace\",\"version\":1,\"workspace\":{\"members\":3}}"
            ),
            Err(SnapshotError::Invalid(_))
        ));
        assert!(SnapshotError::Newer(7)
            .to_string()
            .contains("newer version"));
    }
}
