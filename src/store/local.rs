//! The browser store: the installation (its directory and every workspace) saved in
//! localStorage under one versioned key, read back on start, kept in step with other tabs
//! through the `storage` event. A value of an earlier Azimuth (one workspace) is read and
//! migrated; it is rewritten in the new form at the first change.

use super::browser::{exception_name, local_storage};
use azimuth_core::workspace::snapshot::{decode, encode, SnapshotError};
use azimuth_core::workspace::Tenant;
use azimuth_core::ArmError;

/// The localStorage key of the workspace.
pub const WORKSPACE_KEY: &str = "azimuth.workspace";

/// Why the saved workspace cannot be opened.
#[derive(Clone, Debug, PartialEq)]
pub enum LoadProblem {
    /// The browser gives no storage (private mode, disabled cookies).
    NoStorage,
    /// The saved value is unusable; `raw` is kept so the person can download it.
    Unreadable {
        /// What is wrong.
        error: SnapshotError,
        /// The value as saved.
        raw: String,
    },
}

impl std::fmt::Display for LoadProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NoStorage => write!(f, "This browser does not let Azimuth use local storage, so the workspace cannot be kept."),
            Self::Unreadable { error, .. } => write!(f, "{error}"),
        }
    }
}

/// The workspace in this browser's localStorage.
#[derive(Clone, Copy, Debug, Default)]
pub struct LocalStore;

impl LocalStore {
    /// The saved installation, a fresh seeded one when nothing is saved yet, or why it cannot
    /// be read.
    pub fn load_or_seed(&self, now: i64) -> Result<Tenant, LoadProblem> {
        match self.raw()? {
            None => {
                let tenant = Tenant::seed(now, &random_guid(), None);
                // Best effort: if this first write fails, the next change reports it.
                let _ = self.save(&tenant);
                Ok(tenant)
            }
            Some(raw) => {
                decode(&raw, &random_guid()).map_err(|error| LoadProblem::Unreadable { error, raw })
            }
        }
    }

    /// The saved installation (it must exist).
    pub fn load(&self) -> Result<Tenant, LoadProblem> {
        let raw = self.raw()?.unwrap_or_default();
        decode(&raw, &random_guid()).map_err(|error| LoadProblem::Unreadable { error, raw })
    }

    fn raw(&self) -> Result<Option<String>, LoadProblem> {
        let storage = local_storage().ok_or(LoadProblem::NoStorage)?;
        storage
            .get_item(WORKSPACE_KEY)
            .map_err(|_| LoadProblem::NoStorage)
    }

    /// Saves the installation; a full storage becomes an ARM-style error and the old value stays.
    pub fn save(&self, tenant: &Tenant) -> Result<(), ArmError> {
        let storage = local_storage().ok_or_else(|| {
            ArmError::new("StorageUnavailable", LoadProblem::NoStorage.to_string())
        })?;
        storage.set_item(WORKSPACE_KEY, &encode(tenant)).map_err(|e| {
            let name = exception_name(&e);
            if name == "QuotaExceededError" {
                ArmError::new(
                    "StorageFull",
                    "This browser's storage for Azimuth is full, so the change was not saved and nothing was changed. Delete computes you no longer need or free space in the browser's site data, then try again.",
                )
            } else {
                ArmError::new("StorageError", format!("The browser refused to save the workspace ({name}). Nothing was changed."))
            }
        })
    }

    /// Replaces whatever is saved with a fresh installation (the recovery page's "Start afresh").
    pub fn start_afresh(&self, now: i64) -> Result<Tenant, ArmError> {
        let tenant = Tenant::seed(now, &random_guid(), None);
        self.save(&tenant)?;
        Ok(tenant)
    }
}

/// A random GUID (version 4 layout) for a new installation's tenant id: an identifier, not a
/// secret, so `Math.random` is enough.
pub fn random_guid() -> String {
    let word = || (js_sys::Math::random() * 4_294_967_296.0) as u32;
    let (a, b, c, d) = (word(), word(), word(), word());
    format!(
        "{a:08x}-{:04x}-4{:03x}-{:04x}-{:04x}{d:08x}",
        b >> 16,
        b & 0xfff,
        (c >> 16) & 0x3fff | 0x8000,
        c & 0xffff
    )
}
