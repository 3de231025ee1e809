//! The Store's compute operations: create, update, resize, start, stop, restart, delete, open
//! an application, skip a shutdown; each through the engine (browser) or ARM (server).

use super::{remote, Backend, Store};
use azimuth_core::compute::cluster::is_cluster;
use azimuth_core::compute::ScaleSettings;
use azimuth_core::{ArmError, ComputeResource, Operation, Pace};
use leptos::prelude::*;

impl Store {
    /// Creates a compute (an instance or a cluster) from its ARM request body.
    pub async fn create_compute(&self, name: &str, body: ComputeResource) -> Result<(), ArmError> {
        let cluster = is_cluster(&body);
        let attached = azimuth_core::compute::attach::attached_kind(&body);
        let result = match self.backend {
            Backend::Browser(local) => {
                let id = self.workspace_id();
                self.change_in_tenant(local, |t, me, now| {
                    t.create_compute(&id, me, name, body, now)
                })
                .await
            }
            Backend::Server(token) => {
                let id = self.workspace_id();
                let sent = remote::put_compute(&token.get_value(), &id, name, &body, true).await;
                self.pull().await;
                sent
            }
        };
        let (what, ready) = match (cluster, attached) {
            (_, Some(kind)) => (kind.noun(), "it shows Succeeded once it is connected"),
            (true, _) => (
                "compute cluster",
                "it keeps its minimum number of nodes once it is ready",
            ),
            _ => ("compute instance", "it shows Running when it is ready"),
        };
        let verb = if attached.is_some() {
            "attach"
        } else {
            "create"
        };
        if result.is_ok() {
            let title = match attached {
                Some(_) => format!("Attaching {what}"),
                None => format!("C{} requested", &what[1..]),
            };
            self.notify(false, title, format!("Azimuth accepted {name}; {ready}."));
        }
        self.report(&format!("Could not {verb} the {what}"), result)
    }

    /// Updates a compute with a PUT of its whole resource (ARM's update: an instance's idle
    /// shutdown, schedules, tags and description may change).
    pub async fn update_compute(&self, name: &str, body: ComputeResource) -> Result<(), ArmError> {
        let result = match self.backend {
            Backend::Browser(local) => {
                self.change(local, |w, me, now| {
                    w.put_compute(me, name, body, now).map(drop)
                })
                .await
            }
            Backend::Server(token) => {
                let id = self.workspace_id();
                let sent = remote::put_compute(&token.get_value(), &id, name, &body, false).await;
                self.pull().await;
                sent
            }
        };
        if result.is_ok() {
            self.notify(false, "Compute updated", format!("{name} was saved."));
        }
        self.report(&format!("Could not update {name}"), result)
    }

    /// Changes a cluster's node counts and idle time (ARM's PATCH of `scaleSettings`).
    pub async fn rescale_cluster(&self, name: &str, scale: ScaleSettings) -> Result<(), ArmError> {
        let result = match self.backend {
            Backend::Browser(local) => {
                self.change(local, |w, me, now| {
                    let mut body = w
                        .compute(name)
                        .ok_or_else(|| azimuth_core::compute::not_found(name))?
                        .resource
                        .clone();
                    body.properties.properties.scale_settings = Some(scale);
                    w.put_compute(me, name, body, now).map(drop)
                })
                .await
            }
            Backend::Server(token) => {
                let id = self.workspace_id();
                let sent = remote::rescale_cluster(&token.get_value(), &id, name, &scale).await;
                self.pull().await;
                sent
            }
        };
        if result.is_ok() {
            self.notify(
                false,
                format!("Resizing {name}"),
                "The cluster moves to its new node counts at the workspace's pace.",
            );
        }
        self.report(&format!("Could not resize {name}"), result)
    }

    /// Starts, stops, restarts or deletes computes, one notification per failure; returns
    /// whether every one was accepted.
    pub async fn operate(&self, names: &[String], op: Operation) -> bool {
        let mut all = true;
        for name in names {
            let result = match self.backend {
                Backend::Browser(local) => {
                    self.change(local, |w, me, now| w.operate(me, name, op, now))
                        .await
                }
                Backend::Server(token) => {
                    let id = self.workspace_id();
                    remote::operate(&token.get_value(), &id, name, op).await
                }
            };
            let what = format!("Could not {} {name}", op.as_str().to_ascii_lowercase());
            let ok = self.report(&what, result).is_ok();
            if ok {
                let title = format!("{} {name}", op.transient_state());
                self.notify(
                    false,
                    title,
                    format!("{} requested for {name}.", op.as_str()),
                );
            }
            all &= ok;
        }
        self.pull().await;
        all
    }

    /// Opens one of an instance's applications; returns its address.
    pub async fn open_application(&self, name: &str, app: &str) -> Result<String, ArmError> {
        let result = match self.backend {
            Backend::Browser(local) => {
                self.change(local, |w, me, now| w.open_application(me, name, app, now))
                    .await
            }
            Backend::Server(token) => {
                let id = self.workspace_id();
                let opened = remote::open_application(&token.get_value(), &id, name, app).await;
                self.pull().await;
                opened
            }
        };
        self.report(&format!("Could not open {app}"), result)
    }

    /// "Skip this shutdown" of a running instance (its next idle shutdown or scheduled stop).
    pub async fn skip_shutdown(&self, name: &str) -> Result<(), ArmError> {
        let result = match self.backend {
            Backend::Browser(local) => {
                self.change(local, |w, me, now| w.skip_shutdown(me, name, now).map(drop))
                    .await
            }
            Backend::Server(token) => {
                let id = self.workspace_id();
                let skipped = remote::skip_shutdown(&token.get_value(), &id, name).await;
                self.pull().await;
                skipped
            }
        };
        if result.is_ok() {
            self.notify(false, "Shutdown skipped", format!("{name} keeps running."));
        }
        self.report("Could not skip the shutdown", result)
    }

    /// Changes the pace of simulated operations (for everyone, on a shared workspace).
    pub async fn set_pace(&self, pace: Pace) {
        let result = match self.backend {
            Backend::Browser(local) => {
                self.change(local, |w, me, now| w.set_pace(me, pace, now))
                    .await
            }
            Backend::Server(token) => {
                let id = self.workspace_id();
                let set = remote::set_pace(&token.get_value(), &id, pace).await;
                self.pull().await;
                set
            }
        };
        let _ = self.report("Could not change the pace", result);
    }
}
