//! Uploads on their way, as a datastore's page and the Notebooks' Files panel show them: each
//! with a progress bar, bytes sent of its size and Cancel, and, when it failed, why and Dismiss.

use crate::pages::data::format_bytes;
use crate::store::Upload;
use azimuth_core::ArmError;
use leptos::prelude::*;

/// One upload in the list.
#[derive(Clone)]
pub struct Sending {
    id: u32,
    name: String,
    /// Its progress and Cancel, for the store's upload to report to.
    pub progress: Upload,
    error: RwSignal<Option<String>>,
}

/// The uploads a page shows; cheap to copy into closures.
#[derive(Clone, Copy)]
pub struct UploadQueue {
    list: RwSignal<Vec<Sending>>,
    serial: StoredValue<u32>,
}

impl Default for UploadQueue {
    fn default() -> Self {
        Self::new()
    }
}

impl UploadQueue {
    /// No uploads yet.
    pub fn new() -> Self {
        UploadQueue {
            list: RwSignal::new(Vec::new()),
            serial: StoredValue::new(0),
        }
    }

    /// Shows a new upload named `name`.
    pub fn add(&self, name: String) -> Sending {
        let id = self.serial.get_value() + 1;
        self.serial.set_value(id);
        let sending = Sending {
            id,
            name,
            progress: Upload::new(),
            error: RwSignal::new(None),
        };
        self.list.update(|u| u.push(sending.clone()));
        sending
    }

    /// Ends `sending`: done, it leaves the list; failed, it stays with why until dismissed.
    pub fn settle(&self, sending: &Sending, result: &Result<(), ArmError>) {
        match result {
            Ok(()) => self.dismiss(sending.id),
            Err(e) => sending.error.set(Some(e.message().to_owned())),
        }
    }

    fn dismiss(&self, id: u32) {
        self.list.update(|u| u.retain(|s| s.id != id));
    }
}

/// The list of `uploads` (an empty list when none).
#[component]
pub fn UploadList(
    /// The uploads.
    uploads: UploadQueue,
    /// More classes for the list.
    #[prop(optional)]
    class: &'static str,
) -> impl IntoView {
    view! {
        <ul class=format!("uploads {class}") aria-label="Uploads">
            <For each=move || uploads.list.get() key=|s| s.id let:s>
                {
                    let Sending { id, name, progress, error } = s;
                    let percent = move || {
                        let total = progress.total.get();
                        if total > 0.0 { (progress.sent.get() / total * 100.0) as u32 } else { 0 }
                    };
                    let sent = move || {
                        let (sent, total) = (progress.sent.get() as u64, progress.total.get() as u64);
                        format!("{} of {}", format_bytes(sent), format_bytes(total))
                    };
                    view! {
                        <li class="upload">
                            <span class="upload__name">{name.clone()}</span>
                            <progress max="100" prop:value=percent aria-label=format!("Uploading {name}")></progress>
                            <span class="upload__sent">{sent}</span>
                            <Show
                                when=move || error.with(Option::is_some)
                                fallback=move || view! { <button type="button" class="link-button" on:click=move |_| progress.cancel()>"Cancel"</button> }
                            >
                                <span class="upload__error" role="alert">{move || error.get().unwrap_or_default()}</span>
                                <button type="button" class="link-button" on:click=move |_| uploads.dismiss(id)>"Dismiss"</button>
                            </Show>
                        </li>
                    }
                }
            </For>
        </ul>
    }
}
