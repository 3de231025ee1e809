//! The server's `changed` events as the studio takes them in: a change of the open workspace's
//! computes comes with them and is applied where it stands; anything else (the directory, a
//! change too big to carry, a missed event, a server that restarted) reads again.

use crate::store::Store;
use azimuth_core::arm::json_de::from_json;
use azimuth_core::arm::json_de::FromValue;
use azimuth_core::workspace::Changes;
use leptos::prelude::*;
use serde::Deserialize;

/// A `changed` event's data.
#[derive(Deserialize, FromValue)]
struct Changed {
    /// The installation's version after the change (0: the stream fell behind).
    #[serde(default)]
    version: u64,
    /// The workspace that changed, empty for the directory, absent for one this person may
    /// not read.
    workspace: Option<String>,
    /// What the change did to the workspace, when it was small enough to carry.
    changes: Option<Changes>,
}

/// Takes in one event's `data`; `last` is the version of the stream's previous event.
pub fn receive(store: Store, data: &str, last: &mut u64) {
    let Ok(changed) = from_json::<Changed>(data) else {
        return read_again(store, true);
    };
    let version = changed.version;
    // A stream's first event says where the installation is: when that is the version the
    // studio last read (as it started, say), there is nothing to read again. (An older one is
    // a server that started again, read below.)
    if *last == 0
        && version != 0
        && version == store.version.get_value()
        && changed.changes.is_none()
    {
        *last = version;
        return;
    }
    let missed = version == 0 || (*last != 0 && version > *last + 1);
    *last = version;
    if version != 0 && version < store.version.get_value() {
        // The server started again, counting from 1: what it says now is the truth.
        store.version.set_value(0);
    }
    match (changed.workspace.as_deref(), changed.changes) {
        (Some(""), _) => read_again(store, true),
        _ if missed => read_again(store, true),
        (Some(id), changes) if id.eq_ignore_ascii_case(&store.workspace_id()) => match changes {
            Some(changes) => apply(store, version, changes),
            None => read_again(store, false),
        },
        _ => {}
    }
}

/// Reads the open workspace again, and what the person sees (`directory`) first.
fn read_again(store: Store, directory: bool) {
    leptos::task::spawn_local(async move {
        if directory {
            store.session.refresh().await;
        }
        store.pull().await;
    });
}

/// Applies a change to the workspace shown, unless a read already holds it.
fn apply(store: Store, version: u64, changes: Changes) {
    if version <= store.version.get_value() {
        return;
    }
    store.version.set_value(version);
    store.workspace.update(|w| w.apply_changes(changes));
}
