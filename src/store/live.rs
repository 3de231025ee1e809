//! Keeping the page current: a clock that settles the workspace while something is due, and
//! what another tab saved (the workspace or its runs, announced on BroadcastChannels) or the
//! server changed. None of it is needed to show the first page, so in the release build it is a
//! chunk of its own (`live_updates`), fetched as the studio starts and started once it is in.

use super::{Backend, Store};
use crate::lazy::LoadFailed;
use leptos::prelude::*;
use std::time::Duration;

/// Starts keeping `store` current.
type Listen = fn(Store);

/// The listeners, once their chunk is in: the browser store's, then the server's.
#[cfg(feature = "split")]
#[wasm_split_helpers::wasm_split(live_updates, fallible)]
fn listeners() -> Result<(Listen, Listen), LoadFailed> {
    Ok((listen_in_browser, listen_to_server))
}

/// The listeners: the browser store's, then the server's.
#[cfg(not(feature = "split"))]
async fn listeners() -> Result<(Listen, Listen), LoadFailed> {
    Ok((listen_in_browser, listen_to_server))
}

/// Starts the clock, for the life of the page (it is what finishes this tab's operations, so it
/// does not wait for a download), and listens for other tabs' changes once the listeners' code
/// is in.
pub fn start_live_updates(store: Store) {
    let _ = set_interval_with_handle(move || store.tick(store.now()), TICK);
    start(store, |(browser, _)| browser);
}

/// Listens to the server's event stream for the life of the page, once the listeners' code is
/// in (see [`listen_to_server`]).
pub fn start_server_updates(store: Store) {
    start(store, |(_, server)| server);
}

/// Fetches the listeners' code, then starts the one `pick` chooses; says so if it cannot.
fn start(store: Store, pick: fn((Listen, Listen)) -> Listen) {
    // The studio calls this before it mounts, when Leptos's task executor does not exist yet.
    wasm_bindgen_futures::spawn_local(async move {
        match listeners().await {
            Ok(both) => pick(both)(store),
            Err(LoadFailed) => store.notify(
                true,
                "This page will not follow changes",
                "The part of the studio that shows other tabs' and people's changes could not be downloaded. Check the connection, then reload the page.",
            ),
        }
    });
}

/// When a browser start sweeps away the runs of purged workspaces.
const SWEEP_AFTER: Duration = Duration::from_secs(10);
/// How often the clock looks for finished operations, idle shutdowns and schedules.
const TICK: Duration = Duration::from_millis(500);

/// Listens for other tabs' changes, for the life of the page.
fn listen_in_browser(store: Store) {
    let Backend::Browser(local) = store.backend else {
        return;
    };
    // Runs of workspaces purged since (by the 14 days' expiry, or a purge whose sweep failed),
    // later, not while the first page loads; the workspaces kept are this tab's then (other
    // tabs' changes reach it as they are saved), so one made meanwhile keeps its runs.
    set_timeout(
        move || {
            leptos::task::spawn_local(async move {
                let kept: Vec<String> = local
                    .tenant()
                    .workspaces
                    .iter()
                    .map(|w| w.resource.properties.workspace_id.clone())
                    .collect();
                let _ = super::local::runs::sweep(&kept).await;
            })
        },
        SWEEP_AFTER,
    );
    super::local::runs::on_other_tab_change(move |ws| {
        let open = store
            .workspace
            .with_untracked(|w| w.resource.properties.workspace_id == ws);
        if open {
            store.note_runs_changed();
        }
    });
    local.on_other_tab_change(move || {
        leptos::task::spawn_local(async move {
            match local.reload().await {
                Ok(tenant) => store.adopt(tenant),
                Err(problem) => store.notify(
                    true,
                    "Another tab saved an unreadable workspace",
                    format!(
                        "{problem} This tab keeps showing the last good copy; reload to recover."
                    ),
                ),
            }
        })
    });
}

/// How long to wait before opening the event stream again after the server closed it.
const RECONNECT: Duration = Duration::from_secs(1);

/// Listens to the server's event stream for the life of the page: a `changed` event of the open
/// workspace applies the computes it carries (or reads the workspace again when it carries none,
/// or one was missed: see `remote::events`); one of the directory (people, roles, workspaces)
/// reads what the person sees and the workspace (their role may have changed). The session reaches the stream in the cookie signing in set, never in
/// the URL. The browser reconnects by itself after a dropped connection; when the stream is
/// closed for good (the server refused it while restarting, or the session ended) a new one is
/// opened after a second, and a read first finds out whether the session still holds.
fn listen_to_server(store: Store) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    // Named, so the server sends what changed only for the workspace shown here.
    let open = store.workspace.with_untracked(|w| w.id().to_owned());
    let url = format!(
        "/api/events?workspace={}",
        js_sys::encode_uri_component(&open)
    );
    let Ok(events) = web_sys::EventSource::new(&url) else {
        return;
    };
    let mut last = 0;
    let on_changed =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            let data = ev.data().as_string().unwrap_or_default();
            super::remote::events::receive(store, &data, &mut last);
        });
    let _ = events.add_event_listener_with_callback("changed", on_changed.as_ref().unchecked_ref());
    // Runs of a workspace changed (the stream names only the open one): pages showing runs
    // read them again.
    let on_runs =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_: web_sys::MessageEvent| {
            store.note_runs_changed();
        });
    let _ = events.add_event_listener_with_callback("runs", on_runs.as_ref().unchecked_ref());
    let stream = events.clone();
    let on_error = Closure::<dyn FnMut()>::new(move || {
        if stream.ready_state() == web_sys::EventSource::CLOSED {
            set_timeout(
                move || {
                    leptos::task::spawn_local(async move { store.pull().await });
                    listen_to_server(store);
                },
                RECONNECT,
            );
        }
    });
    events.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    // Both handlers live as long as the stream, which lives as long as the page.
    on_changed.forget();
    on_runs.forget();
    on_error.forget();
}
