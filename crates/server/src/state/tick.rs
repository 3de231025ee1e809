//! Time passing: every [`TICK`] the server settles the workspaces where something is due (an
//! operation ending, an idle shutdown, a schedule), and tells every studio what changed there.
//! Each workspace's next instant is kept, so a tick looks at a number per workspace, not at
//! every compute.

use super::{AppState, Inner, TICK};
use crate::db::Write;
use azimuth_core::workspace::manage::RETENTION_MS;
use azimuth_core::workspace::Tenant;
use std::collections::HashMap;
use std::sync::Arc;

/// When something next happens by itself in each workspace, by lowercase id.
pub(super) fn due_times(tenant: &Tenant) -> HashMap<String, Option<i64>> {
    tenant
        .workspaces
        .iter()
        .map(|w| (w.id().to_ascii_lowercase(), w.next_event_at()))
        .collect()
}

impl AppState {
    /// Settles the installation every [`TICK`] for the life of the server, announcing what
    /// finished; first looks after the jobs the last server left (see [`crate::jobs::recover`])
    /// and starts the job runner.
    pub fn spawn_ticker(self: &Arc<Self>) {
        crate::jobs::recover(self);
        if let Some(kernels) = &self.kernels {
            tokio::spawn(Arc::clone(kernels).watch(Arc::clone(self)));
        }
        let state = Arc::clone(self);
        tokio::spawn(async move {
            let mut interval = tokio::time::interval(TICK);
            loop {
                interval.tick().await;
                state.settle_due(state.now());
            }
        });
    }

    /// Settles the workspaces where something is due by `now`, announcing each one's changes;
    /// when a deleted workspace's retention ended, settles everything (see [`Self::settle_all`]).
    fn settle_due(&self, now: i64) {
        let mut inner = self.lock();
        let expired = inner
            .tenant
            .workspaces
            .iter()
            .any(|w| w.deleted_at.is_some_and(|at| at + RETENTION_MS <= now));
        if expired {
            drop(inner);
            return self.settle_all(now);
        }
        let Inner { tenant, due, .. } = &mut *inner;
        for w in tenant.workspaces.iter_mut() {
            let key = w.id().to_ascii_lowercase();
            let at = due.get(&key).copied().unwrap_or(Some(now));
            if w.deleted_at.is_some() || at.is_none_or(|at| at > now) {
                continue;
            }
            // The copy keeps the computes as they were, so the ones settling get new addresses.
            let before = w.clone();
            if w.settle(now) {
                self.announce(w.id().to_owned(), w.changes_since(&before).as_ref());
            }
            due.insert(key, w.next_event_at());
        }
    }

    /// Settles the whole installation at `now` (after the clock moved, or when a deleted
    /// workspace's retention ended): workspaces purged are purged on disk too, so they never
    /// come back; studios read again what changed.
    pub(super) fn settle_all(&self, now: i64) {
        let mut inner = self.lock();
        let before: Vec<(String, String)> = inner
            .tenant
            .workspaces
            .iter()
            .map(|w| {
                (
                    w.id().to_owned(),
                    w.resource.properties.workspace_id.clone(),
                )
            })
            .collect();
        let changed = inner.tenant.settle(now);
        let Inner { tenant, db, due } = &mut *inner;
        *due = due_times(tenant);
        let (removed, keys): (Vec<String>, Vec<String>) = before
            .into_iter()
            .filter(|(id, _)| tenant.workspaces.iter().all(|w| w.id() != id))
            .unzip();
        let mut purged = Vec::new();
        if !removed.is_empty() {
            let write = Write {
                directory: Some(&tenant.directory),
                workspaces: Vec::new(),
                removed,
            };
            match db.save(&write) {
                Ok(_) => purged = keys,
                Err(e) => eprintln!("azimuth-server: purging expired workspaces on disk failed ({e}); tried again at the next tick"),
            }
        }
        for id in changed {
            self.announce(id, None);
        }
        self.announce(String::new(), None);
        drop(inner);
        self.purge_runs(&purged);
    }
}
