//! Saving an open file: Save and Ctrl+S, autosave a few seconds after the last change and when
//! the file is left, and the state said beside the toolbar ("Saved", "Saving…", "Unsaved
//! changes"). A save is written only over the version that was opened: when someone else
//! saved first, the page says so with "Reload theirs" and "Save mine as a copy", and nothing
//! typed is lost.

use super::{encode_path, DATASTORE};
use crate::components::{Appearance, Button};
use crate::store::{use_store, Store};
use azimuth_core::notebooks::paths::{copy_name, file_name, join, parent};
use leptos::prelude::*;
use std::rc::Rc;

/// How long after the last change the file saves itself.
const AUTOSAVE_MS: u64 = 3_000;

/// Where an open file's saving stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveState {
    /// Nothing changed since the last save (or since it was opened).
    Saved,
    /// Changes wait to be saved.
    Unsaved,
    /// A save is on its way.
    Saving,
    /// Someone else saved the file after it was opened: the person chooses what to keep.
    Conflict,
    /// The last save failed (the message says why); the next change tries again.
    Failed(String),
}

type Serialize = Rc<dyn Fn() -> String>;

/// An open file's saving; cheap to copy.
#[derive(Clone, Copy)]
pub struct Saver {
    /// The file's path.
    pub path: StoredValue<String>,
    /// The version last read or written.
    pub version: StoredValue<String>,
    /// Where saving stands.
    pub state: RwSignal<SaveState>,
    /// The change count of what was last saved.
    saved: StoredValue<u64>,
    changes: RwSignal<u64>,
    /// Autosaves scheduled so far (only the last one saves).
    timers: StoredValue<u64>,
    text: StoredValue<Serialize, LocalStorage>,
    store: Store,
}

impl Saver {
    /// Saves what `text` answers to `path` (read at `version`) whenever `changes` moves on.
    pub fn new(
        path: String,
        version: String,
        changes: RwSignal<u64>,
        text: impl Fn() -> String + 'static,
    ) -> Self {
        let saver = Saver {
            path: StoredValue::new(path),
            version: StoredValue::new(version),
            state: RwSignal::new(SaveState::Saved),
            saved: StoredValue::new(changes.get_untracked()),
            changes,
            timers: StoredValue::new(0),
            text: StoredValue::new_local(Rc::new(text)),
            store: use_store(),
        };
        Effect::new(move |_| {
            let now = changes.get();
            if now != saver.saved.get_value() && saver.state.get_untracked() != SaveState::Conflict
            {
                if saver.state.get_untracked() != SaveState::Saving {
                    saver.state.set(SaveState::Unsaved);
                }
                saver.schedule();
            }
        });
        // Leaving the file (another file, another page) saves what is unsaved.
        on_cleanup(move || {
            if saver.dirty() && saver.state.get_untracked() != SaveState::Conflict {
                let (path, version) = (saver.path.get_value(), saver.version.get_value());
                let text = (saver.text.get_value())();
                let store = saver.store;
                leptos::task::spawn_local(async move {
                    if let Err(e) = store.save_text(DATASTORE, &path, &text, &version).await {
                        store.notify(
                            true,
                            format!("{} was not saved", file_name(&path)),
                            e.message().to_owned(),
                        );
                    }
                });
            }
        });
        // Closing the tab with changes unsaved has the browser ask first.
        let unload = window_event_listener(leptos::ev::beforeunload, move |ev| {
            if saver.state.try_get_untracked().is_some() && saver.dirty() {
                ev.prevent_default();
            }
        });
        on_cleanup(move || unload.remove());
        if let Some(active) = use_context::<super::ActiveSaver>() {
            active.0.set(Some(saver));
            on_cleanup(move || {
                let _ = active.0.try_set(None);
            });
        }
        saver
    }

    /// Saves now and waits for it (before the file is moved or deleted): after a save on its
    /// way, what is still unsaved.
    pub async fn flush(&self) {
        for _ in 0..200 {
            if self.state.try_get_untracked() != Some(SaveState::Saving) {
                break;
            }
            crate::store::sleep_ms(50).await;
        }
        if !self.dirty() || self.state.try_get_untracked() == Some(SaveState::Conflict) {
            return;
        }
        let at = self.changes.get_untracked();
        let text = (self.text.get_value())();
        let (path, version) = (self.path.get_value(), self.version.get_value());
        match self
            .store
            .save_text(DATASTORE, &path, &text, &version)
            .await
        {
            Ok(v) => {
                self.version.set_value(v);
                self.saved.set_value(at);
                let _ = self.state.try_set(SaveState::Saved);
            }
            Err(e) if e.code() == "ConditionNotMet" => {
                let _ = self.state.try_set(SaveState::Conflict);
            }
            Err(e) => {
                let _ = self
                    .state
                    .try_set(SaveState::Failed(e.message().to_owned()));
            }
        }
    }

    /// Whether there are changes not saved yet.
    pub fn dirty(&self) -> bool {
        self.changes.try_get_untracked().unwrap_or_default() != self.saved.get_value()
    }

    fn schedule(&self) {
        let saver = *self;
        let n = self.timers.get_value() + 1;
        self.timers.set_value(n);
        set_timeout(
            move || {
                let current = saver.timers.try_get_value() == Some(n);
                if current && saver.state.try_get_untracked() == Some(SaveState::Unsaved) {
                    saver.save();
                }
            },
            std::time::Duration::from_millis(AUTOSAVE_MS),
        );
    }

    /// Saves now (Save, Ctrl+S, autosave); while a save is on its way, the next one follows it.
    pub fn save(&self) {
        let saver = *self;
        match self.state.get_untracked() {
            SaveState::Saving | SaveState::Conflict => return,
            SaveState::Saved if !self.dirty() => return,
            _ => {}
        }
        let at = self.changes.get_untracked();
        let text = (self.text.get_value())();
        let (path, version) = (self.path.get_value(), self.version.get_value());
        self.state.set(SaveState::Saving);
        leptos::task::spawn_local(async move {
            let result = saver
                .store
                .save_text(DATASTORE, &path, &text, &version)
                .await;
            if saver.state.try_get_untracked().is_none() {
                return;
            }
            match result {
                Ok(new_version) => {
                    saver.version.set_value(new_version);
                    saver.saved.set_value(at);
                    if saver.dirty() {
                        saver.state.set(SaveState::Unsaved);
                        saver.schedule();
                    } else {
                        saver.state.set(SaveState::Saved);
                    }
                }
                Err(e) if e.code() == "ConditionNotMet" => saver.state.set(SaveState::Conflict),
                Err(e) => saver.state.set(SaveState::Failed(e.message().to_owned())),
            }
        });
    }

    /// Marks everything as saved at `version` (after a reload).
    pub fn reset(&self, version: String) {
        self.version.set_value(version);
        self.saved.set_value(self.changes.get_untracked());
        self.state.set(SaveState::Saved);
    }

    /// Saves what is typed as a copy next to the file (`name-Copy1.ipynb`), then opens it.
    pub fn save_copy(&self) {
        let saver = *self;
        let text = (self.text.get_value())();
        let path = self.path.get_value();
        leptos::task::spawn_local(async move {
            let store = saver.store;
            let folder = parent(&path);
            let taken: Vec<String> = super::dialogs::names_in(store, &folder).await;
            let copy = join(&folder, &copy_name(file_name(&path), &taken));
            match store.create_text(DATASTORE, &copy, &text).await {
                Ok(_) => {
                    saver.saved.try_set_value(saver.changes.get_untracked());
                    store.notify(
                        false,
                        "Saved as a copy",
                        format!(
                            "Your version is saved as {copy}; {} is as the other person saved it.",
                            file_name(&path)
                        ),
                    );
                    crate::router::navigate(&format!("/notebooks?path={}", encode_path(&copy)));
                }
                Err(e) => {
                    let _ = saver
                        .state
                        .try_set(SaveState::Failed(e.message().to_owned()));
                }
            }
        });
    }
}

/// The state of saving, as the toolbar says it.
#[component]
pub fn SaveStatus(
    /// The file's saving.
    saver: Saver,
) -> impl IntoView {
    let said = move || match saver.state.get() {
        SaveState::Saved => "Saved".to_owned(),
        SaveState::Unsaved => "Unsaved changes".to_owned(),
        SaveState::Saving => "Saving…".to_owned(),
        SaveState::Conflict => "Not saved: someone else saved first".to_owned(),
        SaveState::Failed(_) => "Not saved".to_owned(),
    };
    view! { <span class="save-status" role="status">{said}</span> }
}

/// The banner of a refused save: someone else saved first, or the save failed.
#[component]
pub fn SaveProblem(
    /// The file's saving.
    saver: Saver,
    /// Reads the file again as it is now (their version).
    reload: Callback<()>,
) -> impl IntoView {
    move || {
        match saver.state.get() {
        SaveState::Conflict => {
            let message = crate::store::saved_by_someone_else(&saver.path.get_value());
            view! {
                <div class="message-bar message-bar--error notebook__banner" role="alert">
                    <p>{message.message().to_owned()}</p>
                    <div class="notebook__banner-actions">
                        <Button on_click=move |_| reload.run(())>"Reload theirs"</Button>
                        <Button appearance=Appearance::Primary on_click=move |_| saver.save_copy()>"Save mine as a copy"</Button>
                    </div>
                </div>
            }
            .into_any()
        }
        SaveState::Failed(why) => view! {
            <div class="message-bar message-bar--error notebook__banner" role="alert">
                <p>{why}</p>
                <div class="notebook__banner-actions">
                    <Button on_click=move |_| { saver.state.set(SaveState::Unsaved); saver.save(); }>"Try again"</Button>
                </div>
            </div>
        }
        .into_any(),
        _ => ().into_any(),
    }
    }
}
