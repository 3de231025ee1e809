//! What every request shares: the installation in memory, the database, the settings. A change
//! runs the engine on a copy of what it touches (one workspace, or the directory; a copy shares
//! the computes until one changes), saves just that, and only then replaces it, so a failed save
//! changes nothing.

mod tick;

use crate::config::Config;
use crate::db::{Db, Write};
use axum::body::Bytes;
use azimuth_core::workspace::{Changes, Tenant};
use azimuth_core::{ArmError, Workspace};
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::broadcast;

/// How often the server settles the workspaces, so operations finish on time for every client.
const TICK: Duration = Duration::from_millis(250);

/// One change anyone can see: the new version, the workspace it touched (empty when the
/// directory changed: people, roles, workspaces created or deleted), and what it did there.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    /// The installation's version after the change.
    pub version: u64,
    /// The ARM id of the workspace that changed, or empty.
    pub workspace: String,
    /// The `changed` event's data for those who may read the workspace, carrying the computes
    /// the change touched; `None` when it is too big or more than computes changed.
    pub detail: Option<Arc<str>>,
}

/// The shared state of the server.
pub struct AppState {
    /// Settings.
    pub config: Config,
    /// The workspaces' files.
    pub storage: crate::storage::Storage,
    /// Experiments, runs and metric histories.
    pub tracking: crate::tracking::store::Tracking,
    /// The local job runner, with `--job-runner local`.
    pub runner: Option<Arc<crate::jobs::runner::Runner>>,
    /// The notebook kernels, with `--instance-runtime local`.
    pub kernels: Option<Arc<crate::kernels::Kernels>>,
    inner: Mutex<Inner>,
    version: AtomicU64,
    changes: broadcast::Sender<Change>,
    cache: Mutex<(u64, HashMap<String, Bytes>)>,
    /// How far an Owner has moved the clock forward (only with `--movable-clock`).
    clock_offset: AtomicI64,
    /// Bytes of JSON written to the database since the start (for `cargo xtask bench`).
    bytes_written: AtomicU64,
    /// Sign-in attempts are counted one at a time (see `people.rs`).
    pub(crate) attempts: Mutex<()>,
    /// Sign-in attempts per client address (see `throttle.rs`).
    pub(crate) addresses: crate::throttle::AddressThrottle,
    /// Online endpoints' loaded models and logs (see `inference.rs`).
    pub(crate) inference: crate::inference::Inference,
}

struct Inner {
    tenant: Tenant,
    db: Db,
    /// When something next happens by itself in each workspace (by lowercase id), so a tick
    /// settles only the workspaces where something is due.
    due: HashMap<String, Option<i64>>,
}

/// Milliseconds since the epoch from the system clock.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// A random GUID (version 4), e.g. an installation's tenant id.
pub fn random_guid() -> Result<String, String> {
    let mut b = crate::auth::random_bytes::<16>().map_err(|e| e.message().to_owned())?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex = crate::auth::hex(&b);
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    ))
}

fn save_error(e: String) -> ArmError {
    ArmError::new(
        "ServiceUnavailable",
        format!("The change could not be saved ({e}); nothing was changed. Try again."),
    )
}

impl AppState {
    /// Opens the database and the installation in it (seeding one the first time).
    pub fn open(config: Config) -> Result<Arc<AppState>, String> {
        let mut db = Db::open(&config.db)?;
        let now = now_ms();
        let base = config.public_base();
        let mut tenant = match db.load(&random_guid()?)? {
            Some(tenant) => tenant,
            None => {
                let tenant = Tenant::seed(now, &random_guid()?, Some(&base));
                let all = tenant.workspaces.iter().map(|w| (w, None)).collect();
                db.save(&Write {
                    directory: Some(&tenant.directory),
                    workspaces: all,
                    removed: Vec::new(),
                })?;
                tenant
            }
        };
        tenant.set_tracking_base(Some(&base));
        if let Some(pace) = config.pace {
            tenant.directory.pace = pace;
            for ws in &mut tenant.workspaces {
                ws.settings.pace = pace;
            }
        }
        if let Some(limit) = config.vcpu_quota {
            for ws in &mut tenant.workspaces {
                for family in azimuth_core::compute::catalogue::families() {
                    ws.quota_limits.insert(family.to_owned(), limit);
                }
            }
        }
        let due = tick::due_times(&tenant);
        let storage = crate::storage::Storage::local(&config.files)?;
        let tracking = crate::tracking::store::Tracking::open(&config.db)?;
        let runner = match &config.job_runner {
            Some(settings) => Some(Arc::new(crate::jobs::runner::Runner::new(
                settings,
                config.addr.port(),
            )?)),
            None => None,
        };
        let kernels = match &config.instance_runtime {
            Some(settings) => Some(Arc::new(crate::kernels::Kernels::new(settings, &config)?)),
            None => None,
        };
        Ok(Arc::new(AppState {
            runner,
            kernels,
            storage,
            tracking,
            config,
            inner: Mutex::new(Inner { tenant, db, due }),
            version: AtomicU64::new(1),
            changes: broadcast::channel(256).0,
            cache: Mutex::new((0, HashMap::new())),
            clock_offset: AtomicI64::new(0),
            bytes_written: AtomicU64::new(0),
            attempts: Mutex::new(()),
            addresses: Default::default(),
            inference: Default::default(),
        }))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves the last saved state in memory: keep serving it.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Reads the installation as of the last change or tick (at most [`TICK`] old).
    pub fn read<T>(&self, f: impl FnOnce(&Tenant) -> T) -> T {
        f(&self.lock().tenant)
    }

    /// Reads a workspace `actor` may see (ARM's 404 or 403 otherwise).
    pub fn read_workspace<T>(
        &self,
        actor: &str,
        ws_id: &str,
        f: impl FnOnce(&Workspace) -> T,
    ) -> Result<T, ArmError> {
        self.read(|t| {
            t.workspace_for(actor, ws_id).map(|w| {
                // What the region's other workspaces hold now, not at this one's last change.
                let held = t.held_elsewhere(w.id());
                if held == w.held_elsewhere {
                    return f(w);
                }
                let mut fresh = w.clone();
                fresh.held_elsewhere = held;
                f(&fresh)
            })
        })
    }

    /// ARM's 404 or 403 unless `actor` may see the workspace.
    pub fn check_access(&self, actor: &str, ws_id: &str) -> Result<(), ArmError> {
        self.read(|t| t.workspace_for(actor, ws_id).map(drop))
    }

    /// A response body built from the installation, cached until anything changes (lists are
    /// read far more often than they change).
    pub fn cached(&self, key: &str, build: impl FnOnce(&Tenant) -> String) -> Bytes {
        let version = self.version();
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if cache.0 != version {
            *cache = (version, HashMap::new());
        }
        if let Some(hit) = cache.1.get(key) {
            return hit.clone();
        }
        let body = Bytes::from(self.read(build));
        if cache.1.len() < 64 {
            cache.1.insert(key.to_owned(), body.clone());
        }
        body
    }

    /// Changes one workspace through the engine and saves its row before anyone sees the
    /// change; `f` also sees the rest of the installation (e.g. compute names in the region).
    pub fn change_workspace<T>(
        &self,
        ws_id: &str,
        f: impl FnOnce(&Tenant, &mut Workspace, i64) -> Result<T, ArmError>,
    ) -> Result<T, ArmError> {
        let mut inner = self.lock();
        let now = self.now();
        let index = inner
            .tenant
            .workspaces
            .iter()
            .position(|w| w.deleted_at.is_none() && w.id().eq_ignore_ascii_case(ws_id))
            .ok_or_else(|| {
                ArmError::new(
                    "ResourceNotFound",
                    format!("The workspace '{ws_id}' was not found."),
                )
            })?;
        let mut next = inner.tenant.workspaces[index].clone();
        // Quota is the subscription's per region: what the other workspaces there hold now.
        next.held_elsewhere = inner.tenant.held_elsewhere(ws_id);
        let out = f(&inner.tenant, &mut next, now)?;
        // Whatever is due now (an instant-paced operation) is done before anyone reads.
        next.settle(now);
        let Inner { tenant, db, due } = &mut *inner;
        let before = &tenant.workspaces[index];
        let write = Write {
            workspaces: vec![(&next, Some(before))],
            ..Write::default()
        };
        let written = db.save(&write).map_err(save_error)?;
        self.bytes_written
            .fetch_add(written as u64, Ordering::SeqCst);
        let changes = next.changes_since(before);
        let id = next.id().to_owned();
        due.insert(id.to_ascii_lowercase(), next.next_event_at());
        tenant.workspaces[index] = next;
        self.announce(id, changes.as_ref());
        Ok(out)
    }

    /// Changes the installation (people, roles, resource groups, workspaces created or
    /// deleted) and saves the directory and the workspaces that changed, in one transaction.
    pub fn change_tenant<T>(
        &self,
        f: impl FnOnce(&mut Tenant, i64) -> Result<T, ArmError>,
    ) -> Result<T, ArmError> {
        let mut inner = self.lock();
        let now = self.now();
        let mut next = inner.tenant.clone();
        let out = f(&mut next, now)?;
        next.settle(now);
        if let Some(limit) = self.config.vcpu_quota {
            // `--vcpu-quota` holds for workspaces created since the start too.
            let old = &inner.tenant.workspaces;
            for ws in next
                .workspaces
                .iter_mut()
                .filter(|w| old.iter().all(|o| o.id() != w.id()))
            {
                for family in azimuth_core::compute::catalogue::families() {
                    ws.quota_limits.insert(family.to_owned(), limit);
                }
            }
        }
        let Inner { tenant, db, due } = &mut *inner;
        let before = &*tenant;
        let changed = next
            .workspaces
            .iter()
            .map(|w| (w, before.workspaces.iter().find(|b| b.id() == w.id())))
            .filter(|(w, b)| !b.is_some_and(|b| w.unchanged_since(b)))
            .collect();
        let removed: Vec<String> = before
            .workspaces
            .iter()
            .filter(|b| !next.workspaces.iter().any(|w| w.id() == b.id()))
            .map(|b| b.id().to_owned())
            .collect();
        let write = Write {
            directory: (next.directory != before.directory).then_some(&next.directory),
            workspaces: changed,
            removed,
        };
        let written = db.save(&write).map_err(save_error)?;
        self.bytes_written
            .fetch_add(written as u64, Ordering::SeqCst);
        let purged: Vec<String> = before
            .workspaces
            .iter()
            .filter(|w| write.removed.iter().any(|id| id == w.id()))
            .map(|w| w.resource.properties.workspace_id.clone())
            .collect();
        *due = tick::due_times(&next);
        *tenant = next;
        self.announce(String::new(), None);
        drop(inner);
        self.purge_runs(&purged);
        Ok(out)
    }

    /// Deletes the runs of purged workspaces (by `workspaceId`), outside the installation's
    /// lock. A `workspaceId` is never given again, so what a failed clean-up leaves behind
    /// takes room but is never seen: it is logged, not answered.
    fn purge_runs(&self, workspace_ids: &[String]) {
        for key in workspace_ids {
            if let Err(e) = self.tracking.purge(key) {
                eprintln!(
                    "azimuth-server: the runs of purged workspace {key} were not deleted: {}",
                    e.message
                );
            }
        }
    }

    /// Bytes of JSON written to the database since the server started.
    pub fn bytes_written(&self) -> u64 {
        self.bytes_written.load(Ordering::SeqCst)
    }

    /// The version of the installation; it grows with every change anyone can see.
    pub fn version(&self) -> u64 {
        self.version.load(Ordering::SeqCst)
    }

    /// Tells every listener that `workspace` (or, when empty, the directory) changed, and what
    /// changed there when known. Called with the installation locked, so versions go out in
    /// order and a read under the lock sees the version of what it reads.
    fn announce(&self, workspace: String, changes: Option<&Changes>) {
        let version = self.version.fetch_add(1, Ordering::SeqCst) + 1;
        let detail = changes.and_then(|c| crate::events::detail(version, &workspace, c));
        let _ = self.changes.send(Change {
            version,
            workspace,
            detail,
        });
    }

    /// A stream of changes.
    pub fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.changes.subscribe()
    }

    /// The server's time: the system clock, plus however far an Owner moved it forward.
    pub fn now(&self) -> i64 {
        now_ms() + self.clock_offset.load(Ordering::SeqCst)
    }

    /// Moves the clock `minutes` forward as `actor` (an Owner of the subscription, on a server
    /// started with `--movable-clock`), carries out whatever falls due meanwhile, and answers
    /// the new time.
    pub fn move_clock(&self, actor: &str, minutes: u32) -> Result<i64, ArmError> {
        if !self.config.movable_clock {
            return Err(ArmError::new(
                "NotFound",
                "This server keeps the system's time: start it with --movable-clock to move its clock.",
            ));
        }
        self.read(|t| {
            let scope = t.directory.subscription_scope();
            t.directory
                .authorize_at(
                    actor,
                    &scope,
                    // The installation's Owners' (as managing people): the clock is everyone's.
                    azimuth_core::workspace::roles::Action::WriteRoleAssignments,
                )
                .map(drop)
        })?;
        self.clock_offset
            .fetch_add(i64::from(minutes) * 60_000, Ordering::SeqCst);
        let now = self.now();
        self.settle_all(now);
        Ok(now)
    }

    /// Runs `f` with the database (sessions, health).
    pub fn with_db<T>(&self, f: impl FnOnce(&Db) -> T) -> T {
        f(&self.lock().db)
    }
}
