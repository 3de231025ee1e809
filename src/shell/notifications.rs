//! Toast notifications: what the studio did or could not do; successes fade after a while.

use crate::components::{Icon, IconName};
use crate::store::use_store;
use leptos::prelude::*;
use std::time::Duration;

/// The notification area at the top right.
#[component]
pub fn Notifications() -> impl IntoView {
    let store = use_store();
    let dismiss = move |id: u64| store.notices.update(|n| n.retain(|x| x.id != id));
    view! {
        <div class="notifications" role="region" aria-label="Notifications">
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
        </div>
    }
}
