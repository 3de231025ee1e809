//! Uploads into the Files tree's current folder: files, or a whole folder with its sub-folders,
//! each with a progress bar and Cancel; a file of the same name is not replaced (the upload says
//! so). The datastore's own upload does the work, and the list is a datastore page's.

use super::tree::Tree;
use super::DATASTORE;
use crate::components::{picked_files, Icon, IconName, Picked, UploadQueue};
use crate::store::{use_store, Store};
use azimuth_core::notebooks::paths::folder_prefix;
use leptos::prelude::*;

/// Uploads each picked file under `folder`.
fn start(store: Store, uploads: UploadQueue, tree: Tree, picked: Vec<Picked>, folder: String) {
    for Picked { file, relative } in picked {
        let sending = uploads.add(relative.clone());
        let path = format!("{folder}{relative}");
        leptos::task::spawn_local(async move {
            let result = store
                .upload_file(DATASTORE, &path, &file, false, sending.progress)
                .await;
            uploads.settle(&sending, &result);
            tree.reload();
        });
    }
}

/// "Upload files" and "Upload folder", as buttons of the Files toolbar.
#[component]
pub fn UploadInputs() -> impl IntoView {
    let store = use_store();
    let tree = expect_context::<Tree>();
    let uploads = expect_context::<UploadQueue>();
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
