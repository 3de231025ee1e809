//! Toast notifications: what the studio did or could not do (successes fade after a while), and
//! a warning shortly before one of your compute instances is shut down, with "Skip this
//! shutdown".

use crate::components::{format_time, Button, Icon, IconName};
use crate::store::use_store;
use azimuth_core::{next_shutdown, Trigger};
use leptos::prelude::*;
use std::time::Duration;

/// How long before a shutdown the warning shows.
const WARN_BEFORE_MS: i64 = 10 * 60 * 1000;

/// What the notification area shows, which its lazily loaded lists read: the shutdown
/// warnings due and those closed without skipping.
#[derive(Clone, Copy)]
struct Warnings {
    /// Your running instances (created by you or assigned to you) that shut down within
    /// [`WARN_BEFORE_MS`] and were not dismissed: name, when, and what stops them.
    coming: Memo<Vec<(String, i64, Trigger)>>,
    /// Warnings closed without skipping: (instance, shutdown time), hidden for this page's life.
    dismissed: RwSignal<Vec<(String, i64)>>,
}

impl Warnings {
    fn new() -> Self {
        let store = use_store();
        // Looked at again twice a minute, and whenever the workspace changes (the server's
        // clock may have moved with it).
        let beat = RwSignal::new(0u32);
        let _ = set_interval_with_handle(move || beat.update(|b| *b += 1), Duration::from_secs(30));
        let dismissed = RwSignal::new(Vec::<(String, i64)>::new());
        let coming = Memo::new(move |_| {
            beat.track();
            let me = store.me();
            let now = store.now();
            store.workspace.with(|w| {
                w.instances()
                    .filter(|c| {
                        let inner = &c.resource.properties.properties;
                        let created = inner
                            .created_by
                            .as_ref()
                            .is_some_and(|b| b.user_id == me.object_id);
                        let assigned = inner
                            .personal_compute_instance_settings
                            .as_ref()
                            .is_some_and(|p| p.assigned_user.object_id == me.object_id);
                        created || assigned
                    })
                    .filter_map(|c| {
                        let (at, trigger) = next_shutdown(c, now)?;
                        (at - now <= WARN_BEFORE_MS).then(|| (c.resource.name.clone(), at, trigger))
                    })
                    .filter(|(name, at, _)| {
                        !dismissed.with(|d| d.iter().any(|(n, t)| n == name && t == at))
                    })
                    .collect::<Vec<_>>()
            })
        });
        Self { coming, dismissed }
    }
}

/// The shutdown warnings due, each with "Skip this shutdown".
#[component]
fn ShutdownWarnings() -> impl IntoView {
    let store = use_store();
    let Warnings { coming, dismissed } = expect_context::<Warnings>();
    view! {
        <For each=move || coming.get() key=|(name, at, _)| (name.clone(), *at) let:warning>
            {
                let (name, at, trigger) = warning;
                let why = match trigger {
                    Trigger::Schedule => "its stop schedule",
                    _ => "idle shutdown",
                };
                let close = {
                    let name = name.clone();
                    move |_| dismissed.update(|d| d.push((name.clone(), at)))
                };
                let skip = {
                    let name = name.clone();
                    move |_| {
                        let name = name.clone();
                        leptos::task::spawn_local(async move {
                            let _ = store.skip_shutdown(&name).await;
                        });
                    }
                };
                view! {
                    <div class="toast toast--warning" role="status">
                        <Icon name=IconName::Stop />
                        <div class="toast__text">
                            <strong>{format!("{name} shuts down soon")}</strong>
                            <p>{format!("At {}, by {why}. Unsaved work in its applications would be lost.", format_time(at))}</p>
                            <Button on_click=skip>"Skip this shutdown"</Button>
                        </div>
                        <button type="button" class="icon-button" aria-label="Dismiss notification" on:click=close>
                            <Icon name=IconName::Dismiss />
                        </button>
                    </div>
                }
            }
        </For>
    }
}

/// The notification area: a band at the bottom right of the page's column, which the page
/// makes room for (it scrolls above it), so a notice never covers the page's actions. The code
/// that draws notices is a chunk of its own, fetched when there is first something to show.
#[component]
pub fn Notifications() -> impl IntoView {
    let store = use_store();
    let warnings = Warnings::new();
    provide_context(warnings);
    // Once wanted, the lists stay: they come and go with their notices from then on.
    let wanted = Memo::new(move |was: Option<&bool>| {
        was.copied().unwrap_or(false)
            || store.notices.with(|n| !n.is_empty())
            || warnings.coming.with(|c| !c.is_empty())
    });
    view! {
        <div class="notifications" role="region" aria-label="Notifications">
            {move || wanted.get().then(|| crate::lazy::show(notices(), String::new()))}
        </div>
    }
}

crate::lazy_page! {
    /// The shutdown warnings and the notices, fetched when there is first something to show.
    notices in notifications => |_| view! { <ShutdownWarnings /> <Notices /> }.into_any()
}

/// The notices, newest last; successes fade after six seconds.
#[component]
fn Notices() -> impl IntoView {
    let store = use_store();
    let dismiss = move |id: u64| store.notices.update(|n| n.retain(|x| x.id != id));
    view! {
            <For each=move || store.notices.get() key=|n| n.id let:notice>
                {
                    let id = notice.id;
                    if !notice.is_error {
                        set_timeout(move || dismiss(id), Duration::from_secs(6));
                    }
                    view! {
                        <div
                            class="toast"
                            class:toast--error=notice.is_error
                            role=if notice.is_error { "alert" } else { "status" }
                        >
                            <Icon name=if notice.is_error { IconName::Error } else { IconName::Success } />
                            <div class="toast__text">
                                <strong>{notice.title.clone()}</strong>
                                <p>{notice.body.clone()}</p>
                            </div>
                            <button
                                type="button"
                                class="icon-button"
                                aria-label="Dismiss notification"
                                on:click=move |_| dismiss(id)
                            >
                                <Icon name=IconName::Dismiss />
                            </button>
                        </div>
                    }
                }
            </For>
    }
}
