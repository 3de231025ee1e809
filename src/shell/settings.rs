//! The settings panel: the pace of simulated operations and where the workspace is kept. The
//! panel is a chunk of its own, fetched when first opened (the gear stays in the first load).

use crate::components::{Dialog, Icon, IconName};
use crate::store::{download, use_store};
use azimuth_core::workspace::roles::Action;
use azimuth_core::workspace::snapshot::encode_workspace;
use azimuth_core::Pace;
use leptos::prelude::*;

/// The gear button and the panel it opens.
#[component]
pub fn SettingsButton() -> impl IntoView {
    let open = RwSignal::new(false);
    provide_context(SettingsOpen(open));
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
            {crate::lazy::show(settings_panel(), String::new())}
        </Show>
    }
}

/// Whether the panel is open; the gear and the panel (a chunk of its own) share it.
#[derive(Clone, Copy)]
struct SettingsOpen(RwSignal<bool>);

crate::lazy_page! {
    /// The settings panel, fetched when first opened.
    settings_panel in settings => |_| view! { <SettingsPanel /> }.into_any()
}

/// The settings panel.
#[component]
fn SettingsPanel() -> impl IntoView {
    let store = use_store();
    let open = expect_context::<SettingsOpen>().0;
    let refusal = move || store.refusal(Action::WriteWorkspace);
    let pace = move || store.workspace.with(|w| w.settings.pace);
    view! {
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
                            "In this browser's storage (IndexedDB): it survives reloads and is shared by this browser's tabs, not with other people."
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
    }
}
