//! The guided lab beside the page: the seed lab ("Explore an Azure Machine Learning workspace",
//! `public/labs/explore-workspace.json`) as a checklist whose steps tick themselves from what the
//! person really did (pages opened, ☰ toggled: remembered per workspace in this browser) and the
//! workspace's real state (azimuth-core's `lab` checks), saying what is left.

use super::NavState;
use crate::components::{Icon, IconName};
use crate::router::use_location;
use crate::store::{load_preference, remote, save_preference, use_store, Preference};
use azimuth_core::workspace::lab::{Lab, Progress};
use leptos::prelude::*;
use std::collections::BTreeMap;

/// The lab the studio offers.
const LAB: &str = "explore-workspace";

/// The lab panel's state, shared by its button and the panel.
#[derive(Clone, Copy)]
pub struct LabState {
    /// Whether the panel shows.
    pub open: RwSignal<bool>,
    /// The lab, once its file is read (or why it could not be).
    lab: RwSignal<Option<Result<Lab, String>>>,
    /// What the person did in this workspace.
    progress: RwSignal<Progress>,
}

/// Everyone's progress in this browser, by workspace id.
fn saved() -> BTreeMap<String, Progress> {
    load_preference(Preference::LabProgress)
        .and_then(|text| azimuth_core::arm::json_de::from_json(&text).ok())
        .unwrap_or_default()
}

/// Sets up the lab for the open workspace: records visits and ☰ toggles from now on (the
/// checklist reads the lab's file when it first opens).
pub fn provide_lab() -> LabState {
    let store = use_store();
    let nav = expect_context::<NavState>();
    let ws = store.workspace_id();
    let state = LabState {
        open: RwSignal::new(load_preference(Preference::LabOpen).as_deref() == Some("true")),
        lab: RwSignal::new(None),
        progress: RwSignal::new(saved().remove(&ws).unwrap_or_default()),
    };
    provide_context(state);
    let remember = move |progress: &Progress| {
        let mut all = saved();
        all.insert(ws.clone(), progress.clone());
        if let Ok(text) = serde_json::to_string(&all) {
            save_preference(Preference::LabProgress, &text);
        }
    };
    let path = use_location().path;
    let remember_visit = remember.clone();
    Effect::new(move |_| {
        let p = path.get();
        if !state.progress.with_untracked(|g| g.visited.contains(&p)) {
            state.progress.update(|g| {
                g.visited.insert(p);
            });
            state.progress.with_untracked(&remember_visit);
        }
    });
    Effect::new(move |before: Option<bool>| {
        let now = nav.collapsed.get();
        if before.is_some_and(|b| b != now) && !state.progress.with_untracked(|g| g.nav_toggled) {
            state.progress.update(|g| g.nav_toggled = true);
            state.progress.with_untracked(&remember);
        }
        now
    });
    state
}

/// The top bar's "Guided lab" button.
#[component]
pub fn LabButton() -> impl IntoView {
    let state = expect_context::<LabState>();
    let toggle = move |_| {
        let open = !state.open.get_untracked();
        state.open.set(open);
        save_preference(Preference::LabOpen, if open { "true" } else { "false" });
    };
    view! {
        <button
            type="button"
            class="top-bar__icon-button"
            aria-label="Guided lab"
            title="Guided lab"
            aria-expanded=move || state.open.get().to_string()
            aria-controls="guided-lab"
            on:click=toggle
        >
            <Icon name=IconName::Info />
        </button>
    }
}

crate::lazy_page! {
    /// The guided lab's checklist: a chunk of its own, fetched when the panel first opens.
    lab_checklist in lab => |_| view! { <LabChecklist /> }.into_any()
}

/// The panel beside the page, while it is open.
#[component]
pub fn LabPanel() -> impl IntoView {
    let state = expect_context::<LabState>();
    view! {
        <Show when=move || state.open.get()>
            {crate::lazy::show(lab_checklist(), String::new())}
        </Show>
    }
}

/// The checklist beside the page.
#[component]
fn LabChecklist() -> impl IntoView {
    let state = expect_context::<LabState>();
    let store = use_store();
    if state.lab.with_untracked(Option::is_none) {
        leptos::task::spawn_local(async move {
            let read = remote::lab(LAB).await.map_err(|e| e.message().to_owned());
            state.lab.set(Some(read));
        });
    }
    let ticks = move || {
        state.lab.with(|lab| match lab {
            Some(Ok(lab)) => {
                let me = store.me();
                let done = store
                    .workspace
                    .with(|w| state.progress.with(|p| lab.ticks(w, &me, p)));
                Some((lab.clone(), done))
            }
            _ => None,
        })
    };
    let close = move |_| {
        state.open.set(false);
        save_preference(Preference::LabOpen, "false");
    };
    view! {
        <aside class="lab-panel" id="guided-lab" aria-label="Guided lab">
                <div class="lab-panel__head">
                    <h2>"Guided lab"</h2>
                    <button type="button" class="top-bar__icon-button" aria-label="Close the guided lab" on:click=close>
                        <Icon name=IconName::Dismiss />
                    </button>
                </div>
                {move || match (ticks(), state.lab.get()) {
                    (Some((lab, done)), _) => {
                        let count = done.iter().filter(|d| **d).count();
                        let total = done.len();
                        let next = done.iter().position(|d| !d);
                        let left = next.map_or_else(
                            || "Every step is done. Well done!".to_owned(),
                            |i| format!("Next: {}", lab.steps[i].title),
                        );
                        view! {
                            <h3>{lab.title.clone()}</h3>
                            <p class="muted">{lab.source.clone()}</p>
                            <p class="lab-panel__count" role="status">{format!("{count} of {total} steps done. {left}")}</p>
                            <ol class="lab-panel__steps" aria-label="Steps">
                                {lab.steps.iter().zip(done).enumerate().map(|(i, (step, ok))| {
                                    let class = if ok { "lab-step lab-step--done" } else if Some(i) == next { "lab-step lab-step--next" } else { "lab-step" };
                                    view! {
                                        <li class=class aria-label=format!("{}: {}", if ok { "Done" } else { "To do" }, step.title)>
                                            <span class="lab-step__mark" aria-hidden="true">{if ok { "✓" } else { "○" }}</span>
                                            <span>
                                                <strong>{step.title.clone()}</strong>
                                                <span class="muted">{step.detail.clone()}</span>
                                            </span>
                                        </li>
                                    }
                                }).collect_view()}
                            </ol>
                        }.into_any()
                    }
                    (None, Some(Err(e))) => view! { <p role="alert">{format!("The lab could not be read: {e}")}</p> }.into_any(),
                    _ => view! { <p class="muted">"Loading the lab…"</p> }.into_any(),
                }}
        </aside>
    }
}
