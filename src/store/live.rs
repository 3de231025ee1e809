//! Keeping the page current: a clock that settles the workspace while something is due, and the
//! `storage` event that brings in what another tab saved.

use super::local::WORKSPACE_KEY;
use super::{now_ms, Store};
use azimuth_core::snapshot::decode;
use leptos::prelude::*;
use std::time::Duration;

/// How often the clock looks for finished operations, idle shutdowns and schedules.
const TICK: Duration = Duration::from_millis(500);

/// Starts the clock and listens for other tabs' changes, for the life of the page.
pub fn start_live_updates(store: Store) {
    let _ = set_interval_with_handle(move || store.tick(now_ms()), TICK);
    let handle = window_event_listener(leptos::ev::storage, move |ev: web_sys::StorageEvent| {
        if ev.key().as_deref() != Some(WORKSPACE_KEY) {
            return;
        }
        match ev.new_value().as_deref().map(decode) {
            Some(Ok(ws)) => store.adopt(ws),
            Some(Err(error)) => store.notify(
                true,
                "Another tab saved an unreadable workspace",
                format!("{error} This tab keeps showing the last good copy; reload to recover."),
            ),
            None => store.notify(
                true,
                "The workspace was removed in another tab",
                "Reload this page to start again.",
            ),
        }
    });
    // The listener lives as long as the page.
    std::mem::forget(handle);
}
