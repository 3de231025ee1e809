//! The settings panel: the pace of simulated operations and where the workspace is kept.

use crate::components::{Dialog, Icon, IconName};
use crate::store::{download, use_store};
use azimuth_core::workspace::roles::Action;
use azimuth_core::workspace::snapshot::encode_workspace;
use azimuth_core::Pace;
use leptos::prelude::*;

/// The gear button and the panel it opens.
#[component]
pub fn SettingsButton() -> impl IntoView {
    let store = use_store();
    let open = RwSignal::new(false);
    let refusal = move || store.refusal(Action::WriteWorkspace);
    let pace = move || store.workspace.with(|w| w.settings.pace);
    view! {
        <button
            type="button"
            class="top-bar__icon-button"
            aria-label="Settings"
            title="Settings"
            on:click=move |_| open.set(true)
        >
            <Icon name=IconName::Settings />
        </button>
        <Show when=move || open.get()>
            <Dialog title="Settings" class="dialog--panel" on_close=Callback::new(move |_| open.set(false))>
                <fieldset class="radio-group" disabled=move || refusal().is_some()>
                    <legend>"Pace of simulated operations"</legend>
                    <p class="muted">"How long creating, starting and stopping compute takes in this workspace."</p>
                    {Pace::ALL
                        .into_iter()
                        .map(|p| {
                            view! {
                                <label class="radio-card">
                                    <input
                                        type="radio"
                                        name="pace"
                                        prop:checked=move || pace() == p
                                        on:change=move |_| leptos::task::spawn_local(async move { store.set_pace(p).await })
                                    />
                                    <span>
                                        <strong>{p.label()}</strong>
                                        <span class="muted">{p.description()}</span>
                                    </span>
                                </label>
                            }
                        })
                        .collect_view()}
                    <p class="field__hint">{move || refusal().unwrap_or_default()}</p>
                </fieldset>
                <section class="settings__storage">
                    <h3>"Where this workspace is kept"</h3>
                    <p class="muted">
                        {if store.is_shared() {
                            "On the Azimuth server this studio came from, shared by everyone signed in to it: a change shows in every browser within a second, and the pace is everyone's."
                        } else {
                            "In this browser's local storage: it survives reloads and is shared by this browser's tabs, not with other people."
                        }}
                    </p>
                    <button
                        type="button"
                        class="button"
                        on:click=move |_| download("azimuth-workspace.json", &store.workspace.with_untracked(encode_workspace), "application/json")
                    >
                        <Icon name=IconName::Download />
                        "Download workspace"
                    </button>
                </section>
                <div class="dialog__actions">
                    <button type="button" class="button button--primary" on:click=move |_| open.set(false)>"Close"</button>
                </div>
            </Dialog>
        </Show>
    }
}
