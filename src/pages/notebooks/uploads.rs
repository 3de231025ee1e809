//! Uploads into the Files tree's current folder: files, or a whole folder with its sub-folders,
//! each with a progress bar and Cancel; a file of the same name is not replaced (the upload says
//! so). The datastore's own upload does the work, as on a datastore's page.

use super::tree::Tree;
use super::DATASTORE;
use crate::components::{picked_files, Icon, IconName, Picked};
use crate::pages::data::format_bytes;
use crate::store::{use_store, Store, Upload};
use azimuth_core::notebooks::paths::folder_prefix;
use leptos::prelude::*;

/// One upload shown in the panel.
#[derive(Clone)]
struct Sending {
    id: u32,
    name: String,
    progress: Upload,
    error: RwSignal<Option<String>>,
}

/// The uploads of the Files panel; provided by it.
#[derive(Clone, Copy)]
pub struct Uploads {
    list: RwSignal<Vec<Sending>>,
    serial: StoredValue<u32>,
}

impl Uploads {
    /// No uploads yet.
    pub fn new() -> Self {
        Uploads {
            list: RwSignal::new(Vec::new()),
            serial: StoredValue::new(0),
        }
    }
}

impl Default for Uploads {
    fn default() -> Self {
        Self::new()
    }
}

/// Uploads each picked file under `folder`.
fn start(store: Store, uploads: Uploads, tree: Tree, picked: Vec<Picked>, folder: String) {
    for Picked { file, relative } in picked {
        let id = uploads.serial.get_value() + 1;
        uploads.serial.set_value(id);
        let sending = Sending {
            id,
            name: relative.clone(),
            progress: Upload::new(),
            error: RwSignal::new(None),
        };
        uploads.list.update(|u| u.push(sending.clone()));
        let path = format!("{folder}{relative}");
        leptos::task::spawn_local(async move {
            let result = store
                .upload_file(DATASTORE, &path, &file, false, sending.progress)
                .await;
            match result {
                Ok(()) => uploads.list.update(|u| u.retain(|s| s.id != id)),
                Err(e) => sending.error.set(Some(e.message().to_owned())),
            }
            tree.reload();
        });
    }
}

/// "Upload files" and "Upload folder", as buttons of the Files toolbar.
#[component]
pub fn UploadInputs() -> impl IntoView {
    let store = use_store();
    let tree = expect_context::<Tree>();
    let uploads = expect_context::<Uploads>();
    let blocked = move || tree.refusal.get();
    let picked = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(t).ok())
        else {
            return;
        };
        let folder = folder_prefix(&tree.folder.get_untracked());
        tree.expand(&folder);
        start(store, uploads, tree, picked_files(&input), folder);
        input.set_value("");
    };
    // A folder picker: `webkitdirectory`, which the view's typed attributes do not name.
    let folder_input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(input) = folder_input.get() {
            let _ = input.set_attribute("webkitdirectory", "");
        }
    });
    view! {
        <label class="icon-button files__upload" title=move || blocked().unwrap_or_else(|| "Upload files".into()) aria-disabled=move || blocked().map(|_| "true")>
            <input type="file" multiple class="visually-hidden" aria-label="Upload files" prop:disabled=move || blocked().is_some() on:change=picked />
            <Icon name=IconName::Upload />
        </label>
        <label class="icon-button files__upload" title=move || blocked().unwrap_or_else(|| "Upload folder".into()) aria-disabled=move || blocked().map(|_| "true")>
            <input type="file" multiple node_ref=folder_input class="visually-hidden" aria-label="Upload folder" prop:disabled=move || blocked().is_some() on:change=picked />
            <Icon name=IconName::FolderUpload />
        </label>
    }
}

/// The uploads on their way (and those that failed, until dismissed).
#[component]
pub fn UploadList() -> impl IntoView {
    let uploads = expect_context::<Uploads>();
    view! {
        <ul class="uploads files__uploads" aria-label="Uploads">
            <For each=move || uploads.list.get() key=|s| s.id let:s>
                {
                    let Sending { id, name, progress, error } = s;
                    let percent = move || {
                        let total = progress.total.get();
                        if total > 0.0 { (progress.sent.get() / total * 100.0) as u32 } else { 0 }
                    };
                    view! {
                        <li class="upload">
                            <span class="upload__name">{name.clone()}</span>
                            <progress max="100" prop:value=percent aria-label=format!("Uploading {name}")></progress>
                            <span class="upload__sent">{move || format_bytes(progress.sent.get() as u64)}</span>
                            <Show
                                when=move || error.with(Option::is_some)
                                fallback=move || view! { <button type="button" class="link-button" on:click=move |_| progress.cancel()>"Cancel"</button> }
                            >
                                <span class="upload__error" role="alert">{move || error.get().unwrap_or_default()}</span>
                                <button type="button" class="link-button" on:click=move |_| uploads.list.update(|u| u.retain(|s| s.id != id))>"Dismiss"</button>
                            </Show>
                        </li>
                    }
                }
            </For>
        </ul>
    }
}
