//! The Files tree's dialogs: New file (a name made unique, and its type: notebook, Python,
//! Markdown or text), New folder, Rename, Move (to a folder typed as a path) and Delete (which
//! names what goes). The open file is saved before it is renamed, moved or deleted, and the page
//! follows it to where it went.

use super::tree::{show_file, Tree};
use super::{open_path, DATASTORE};
use crate::components::{Appearance, Button, Dialog, TextField};
use crate::store::{use_store, Store};
use azimuth_core::notebooks::paths::{
    check_name, file_name, folder_prefix, join, move_target, parent, unique_name, FileKind,
};
use azimuth_core::notebooks::{new_notebook, write_notebook};
use leptos::prelude::*;

/// A dialog the tree asked for.
#[derive(Clone, Debug, PartialEq)]
pub enum Asked {
    /// New file in this folder.
    NewFile(String),
    /// New folder in this folder.
    NewFolder(String),
    /// Rename this file or folder.
    Rename(String),
    /// Move this file or folder.
    Move(String),
    /// Delete this file or folder.
    Delete(String),
}

/// Whether the open file is `path` or inside it (a folder's path ends with `/`).
fn holds(path: &str, open: &str) -> bool {
    open == path || (path.ends_with('/') && open.starts_with(path))
}

/// The dialog asked for, if any.
#[component]
pub fn FileDialogs() -> impl IntoView {
    let tree = expect_context::<Tree>();
    let close = Callback::new(move |_| tree.asked.set(None));
    move || {
        tree.asked.get().map(|a| match a {
            Asked::NewFile(folder) => view! { <NewFileDialog folder close /> }.into_any(),
            Asked::NewFolder(folder) => view! { <NewFolderDialog folder close /> }.into_any(),
            Asked::Rename(path) => view! { <RenameDialog path close moving=false /> }.into_any(),
            Asked::Move(path) => view! { <RenameDialog path close moving=true /> }.into_any(),
            Asked::Delete(path) => view! { <DeleteDialog path close /> }.into_any(),
        })
    }
}

/// The names in a folder, to make a new one unique.
pub(super) async fn names_in(store: Store, folder: &str) -> Vec<String> {
    match store.list_files(DATASTORE, folder).await {
        Ok(l) => l
            .files
            .into_iter()
            .map(|f| f.name)
            .chain(l.folders)
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// "Create new file": name, type, folder.
#[component]
fn NewFileDialog(folder: String, close: Callback<()>) -> impl IntoView {
    let store = use_store();
    let tree = expect_context::<Tree>();
    let name = RwSignal::new(FileKind::Notebook.default_name());
    let kind = RwSignal::new(FileKind::Notebook);
    let place = RwSignal::new(folder_prefix(&folder));
    let error = RwSignal::new(None::<String>);
    let taken = RwSignal::new(Vec::<String>::new());
    let busy = RwSignal::new(false);
    // The name offered is free in the folder: Untitled.ipynb, else Untitled1.ipynb, …
    Effect::new(move |_| {
        let at = place.get();
        leptos::task::spawn_local(async move {
            let names = names_in(store, &at).await;
            let offered = unique_name(&kind.get_untracked().default_name(), &names);
            if name.get_untracked().starts_with("Untitled") {
                let _ = name.try_set(offered);
            }
            let _ = taken.try_set(names);
        });
    });
    let pick = move |k: FileKind| {
        kind.set(k);
        if name.get_untracked().starts_with("Untitled") {
            name.set(unique_name(&k.default_name(), &taken.get_untracked()));
        }
    };
    let create = move |_| {
        let k = kind.get_untracked();
        let checked = check_name(&k.named(&name.get_untracked()));
        let path = checked.map(|n| join(&place.get_untracked(), &n));
        let path = match path {
            Ok(p) => p,
            Err(e) => return error.set(Some(e.message().to_owned())),
        };
        let text = match k {
            FileKind::Notebook => write_notebook(&new_notebook(&super::doc::new_cell_id())),
            _ => String::new(),
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            match store.create_text(DATASTORE, &path, &text).await {
                Ok(_) => {
                    close.run(());
                    show_file(tree, &path);
                }
                Err(e) => {
                    let _ = error.try_set(Some(e.message().to_owned()));
                    let _ = busy.try_set(false);
                }
            }
        });
    };
    view! {
        <Dialog title="Create new file" on_close=close>
            <TextField label="File name" id="new-file-name" value=name error=Signal::derive(move || error.get()) required=true />
            <div class="field">
                <label class="field__label" for="new-file-type">"File type"</label>
                <select id="new-file-type" class="field__input" on:change=move |ev| {
                    let k = FileKind::ALL.into_iter().find(|k| k.label() == event_target_value(&ev)).unwrap_or(FileKind::Notebook);
                    pick(k);
                }>
                    {FileKind::ALL.map(|k| view! { <option value=k.label() selected=move || kind.get() == k>{format!("{} ({})", k.label(), k.extension())}</option> })}
                </select>
            </div>
            <TextField label="Folder" id="new-file-folder" value=place hint="A folder in workspaceworkingdirectory; Users/<you>/ is yours, and every member of the workspace sees it." />
            <div class="dialog__actions">
                <Button appearance=Appearance::Primary disabled=Signal::derive(move || busy.get()) on_click=create>"Create"</Button>
                <Button on_click=move |_| close.run(())>"Cancel"</Button>
            </div>
        </Dialog>
    }
}

/// "Create new folder".
#[component]
fn NewFolderDialog(folder: String, close: Callback<()>) -> impl IntoView {
    let store = use_store();
    let tree = expect_context::<Tree>();
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let folder = StoredValue::new(folder_prefix(&folder));
    let create = move |_| {
        let path = match check_name(&name.get_untracked()) {
            Ok(n) => format!("{}/", join(&folder.get_value(), &n)),
            Err(e) => return error.set(Some(e.message().to_owned())),
        };
        leptos::task::spawn_local(async move {
            match store.make_folder(DATASTORE, &path).await {
                Ok(()) => {
                    close.run(());
                    tree.expand(&path);
                    tree.folder.set(path);
                    tree.reload();
                }
                Err(e) => {
                    let _ = error.try_set(Some(e.message().to_owned()));
                }
            }
        });
    };
    let hint = format!("In {}", folder.get_value());
    view! {
        <Dialog title="Create new folder" on_close=close>
            <TextField label="Folder name" id="new-folder-name" value=name error=Signal::derive(move || error.get()) hint=hint required=true />
            <div class="dialog__actions">
                <Button appearance=Appearance::Primary on_click=create>"Create"</Button>
                <Button on_click=move |_| close.run(())>"Cancel"</Button>
            </div>
        </Dialog>
    }
}

/// "Rename" (a new name in the same folder) or "Move" (the same name in another folder).
#[component]
fn RenameDialog(path: String, close: Callback<()>, moving: bool) -> impl IntoView {
    let store = use_store();
    let tree = expect_context::<Tree>();
    let is_folder = path.ends_with('/');
    let name = file_name(&path).to_owned();
    let value = RwSignal::new(if moving { parent(&path) } else { name.clone() });
    let error = RwSignal::new(None::<String>);
    let from = StoredValue::new(path);
    let go = move |_| {
        let from_path = from.get_value();
        let to = if moving {
            move_target(&from_path, &value.get_untracked())
        } else {
            check_name(&value.get_untracked()).map(|n| {
                let to = join(&parent(&from_path), &n);
                if is_folder {
                    format!("{to}/")
                } else {
                    to
                }
            })
        };
        let to = match to {
            Ok(t) if t == from_path => return close.run(()),
            Ok(t) => t,
            Err(e) => return error.set(Some(e.message().to_owned())),
        };
        leptos::task::spawn_local(async move {
            let open = tree.open.get_untracked();
            let follows = open
                .as_deref()
                .filter(|o| holds(&from_path, o))
                .map(str::to_owned);
            if follows.is_some() {
                tree.flush_open().await;
            }
            match store.move_path(DATASTORE, &from_path, &to).await {
                Ok(_) => {
                    close.run(());
                    tree.expand(&parent(&to));
                    tree.reload();
                    if let Some(open) = follows {
                        open_path(&format!("{to}{}", &open[from_path.len()..]));
                    }
                }
                Err(e) => {
                    let _ = error.try_set(Some(e.message().to_owned()));
                }
            }
        });
    };
    let (title, label, hint) = if moving {
        (format!("Move {name}"), "Destination folder", "A folder path in workspaceworkingdirectory, such as Users/you/archive; it is made if it does not exist.")
    } else {
        (
            format!("Rename {name}"),
            "New name",
            "The new name, in the same folder.",
        )
    };
    view! {
        <Dialog title=title on_close=close>
            <TextField label=label id="rename-value" value error=Signal::derive(move || error.get()) hint=hint required=true />
            <div class="dialog__actions">
                <Button appearance=Appearance::Primary on_click=go>{if moving { "Move" } else { "Rename" }}</Button>
                <Button on_click=move |_| close.run(())>"Cancel"</Button>
            </div>
        </Dialog>
    }
}

/// "Delete": names what goes (a folder with everything in it), and that it is for good.
#[component]
fn DeleteDialog(path: String, close: Callback<()>) -> impl IntoView {
    let store = use_store();
    let tree = expect_context::<Tree>();
    let name = file_name(&path).to_owned();
    let is_folder = path.ends_with('/');
    let gone = StoredValue::new(path.clone());
    let confirm = move |_| {
        let path = gone.get_value();
        close.run(());
        leptos::task::spawn_local(async move {
            let open = tree.open.get_untracked();
            let was_open = open.as_deref().is_some_and(|o| holds(&path, o));
            if was_open {
                tree.flush_open().await;
                crate::router::navigate("/notebooks");
            }
            if store.delete_file(DATASTORE, &path).await.is_ok() {
                store.notify(false, "Deleted", format!("{path} was deleted."));
            }
            tree.reload();
        });
    };
    let what = if is_folder { "folder" } else { "file" };
    let said = format!(
        "{path} will be deleted{}. Every member of the workspace shares these files, and a deleted one cannot be brought back.",
        if is_folder { " with everything in it" } else { "" }
    );
    view! {
        <Dialog title=format!("Delete {what} {name}?") alert=true on_close=close>
            <p>{said}</p>
            <div class="dialog__actions">
                <Button appearance=Appearance::Primary on_click=confirm>"Delete"</Button>
                <Button on_click=move |_| close.run(())>"Cancel"</Button>
            </div>
        </Dialog>
    }
}
