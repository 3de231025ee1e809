//! Shown instead of the studio when the saved workspace cannot be read: says why, offers the
//! saved value as a download and a fresh start, and writes nothing until the person chooses.

use crate::store::{download, now_ms, start_afresh, LoadProblem};
use leptos::prelude::*;

/// The recovery page for an unreadable saved workspace.
#[component]
pub fn RecoveryPage(
    /// What went wrong.
    problem: LoadProblem,
) -> impl IntoView {
    let raw = match &problem {
        LoadProblem::Unreadable { raw, .. } if !raw.is_empty() => Some(raw.clone()),
        _ => None,
    };
    // Nothing is wrong with what is saved when a part of the studio did not download.
    let offered = problem != LoadProblem::NotDownloaded;
    let error = RwSignal::new(None::<String>);
    let start_afresh = move |_| {
        leptos::task::spawn_local(async move {
            match start_afresh(now_ms()).await {
                Ok(()) => {
                    let _ = window().location().reload();
                }
                Err(e) => error.set(Some(e.message().to_owned())),
            }
        })
    };
    view! {
        <main class="recovery" id="main">
            <div class="recovery__card" role="alert">
                <h1>"Azimuth can't open the workspace saved in this browser"</h1>
                <p class="recovery__reason">{problem.to_string()}</p>
                <p>
                    "Nothing has been changed. Download the saved value to keep it, then start afresh with a new workspace; "
                    "starting afresh replaces the saved value."
                </p>
                <div class="recovery__actions">
                    {raw
                        .map(|raw| {
                            view! {
                                <button
                                    type="button"
                                    class="button"
                                    on:click=move |_| download("azimuth-workspace-saved.json", &raw, "application/json")
                                >
                                    "Download the saved value"
                                </button>
                            }
                        })}
                    {offered.then(|| view! {
                        <button type="button" class="button button--primary" on:click=start_afresh>"Start afresh"</button>
                    })}
                </div>
                <p class="field__error" role="status">{move || error.get().unwrap_or_default()}</p>
            </div>
        </main>
    }
}
