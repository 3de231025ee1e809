//! The Files tree: the workspace's `workspaceworkingdirectory` from its top, `Users/` and the
//! person's own folder open, folders listed when opened (and again on Refresh or after a
//! change). Its toolbar makes files and folders and uploads files or a whole folder into the
//! current folder; each item's "…" menu renames, moves, downloads or deletes it.

use super::dialogs::{Asked, FileDialogs};
use super::uploads::UploadInputs;
use super::{encode_path, open_path, DATASTORE};
use crate::components::{Icon, IconName, UploadList, UploadQueue};
use crate::store::{download_blob, use_store};
use azimuth_core::data::files::Listing;
use azimuth_core::notebooks::paths::{file_name, is_notebook, join, parent};
use azimuth_core::workspace::roles::Action;
use leptos::prelude::*;
use std::collections::HashSet;

/// The tree's state, shared by its parts; cheap to copy.
#[derive(Clone, Copy)]
pub struct Tree {
    /// The person's folder, `Users/<alias>/`.
    pub home: StoredValue<String>,
    /// Where new files, folders and uploads go (a path ending in `/`).
    pub folder: RwSignal<String>,
    /// Bumped to list every open folder again.
    pub refresh: RwSignal<u64>,
    /// The open folders.
    pub expanded: RwSignal<HashSet<String>>,
    /// The dialog asked for, if any.
    pub asked: RwSignal<Option<Asked>>,
    /// The file open in the page.
    pub open: Memo<Option<String>>,
    /// Why the person may not change files here, if they may not.
    pub refusal: Signal<Option<String>>,
    /// The open file's saving.
    active: Option<super::ActiveSaver>,
}

impl Tree {
    /// Saves the open file now if it has unsaved changes (before it is moved or deleted).
    pub async fn flush_open(&self) {
        if let Some(active) = self.active {
            active.flush().await;
        }
    }

    /// Lists every open folder again.
    pub fn reload(&self) {
        self.refresh.update(|n| *n += 1);
    }

    /// Opens a folder (and those it is in) in the tree.
    pub fn expand(&self, folder: &str) {
        let mut at = String::new();
        self.expanded.update(|e| {
            for name in folder.split('/').filter(|s| !s.is_empty()) {
                at.push_str(name);
                at.push('/');
                e.insert(at.clone());
            }
        });
    }
}

/// The Files tree with its toolbar, uploads and dialogs.
#[component]
pub fn FilesPanel(
    /// The file open in the page.
    open: Memo<Option<String>>,
) -> impl IntoView {
    let store = use_store();
    let home = store.notebooks_home();
    let tree = Tree {
        home: StoredValue::new(home.clone()),
        folder: RwSignal::new(home.clone()),
        refresh: RwSignal::new(0),
        expanded: RwSignal::new(HashSet::new()),
        asked: RwSignal::new(None),
        open,
        refusal: Signal::derive(move || store.refusal(Action::WriteData)),
        active: use_context::<super::ActiveSaver>(),
    };
    tree.expand(&home);
    if let Some(path) = open.get_untracked() {
        tree.expand(&parent(&path));
        tree.folder.set(parent(&path));
    }
    provide_context(tree);
    let uploads = UploadQueue::new();
    provide_context(uploads);
    let ready = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        store.open_notebooks_home(DATASTORE).await;
        let _ = ready.try_set(true);
    });
    let ask = move |a: Asked| tree.asked.set(Some(a));
    let blocked = move || tree.refusal.get();
    view! {
        <section class="files" aria-labelledby="files-title">
            <div class="files__head">
                <h2 id="files-title">"Files"</h2>
                <div class="files__tools" role="toolbar" aria-label="Files actions">
                    <button type="button" class="icon-button" aria-label="New file" title=move || blocked().unwrap_or_else(|| "New file".into()) aria-disabled=move || blocked().map(|_| "true") on:click=move |_| if blocked().is_none() { ask(Asked::NewFile(tree.folder.get_untracked())) }>
                        <Icon name=IconName::Add />
                    </button>
                    <button type="button" class="icon-button" aria-label="New folder" title=move || blocked().unwrap_or_else(|| "New folder".into()) aria-disabled=move || blocked().map(|_| "true") on:click=move |_| if blocked().is_none() { ask(Asked::NewFolder(tree.folder.get_untracked())) }>
                        <Icon name=IconName::FolderAdd />
                    </button>
                    <UploadInputs />
                    <button type="button" class="icon-button" aria-label="Refresh" title="Refresh" on:click=move |_| tree.reload()>
                        <Icon name=IconName::Refresh />
                    </button>
                </div>
            </div>
            <p class="files__where muted">"New files and uploads go to " <code>{move || tree.folder.get()}</code></p>
            <UploadList uploads class="files__uploads" />
            <Show when=move || ready.get() fallback=|| view! { <p class="muted">"Reading…"</p> }>
                <ul class="tree" role="tree" aria-label="Files">
                    <FolderItems folder=String::new() />
                </ul>
            </Show>
        </section>
        <FileDialogs />
    }
}

/// The folders and files directly in `folder`, listed when shown and after each refresh.
#[component]
fn FolderItems(folder: String) -> impl IntoView {
    let store = use_store();
    let tree = expect_context::<Tree>();
    let listing = RwSignal::new(None::<Result<Listing, String>>);
    let at = StoredValue::new(folder);
    Effect::new(move |_| {
        tree.refresh.track();
        let folder = at.get_value();
        leptos::task::spawn_local(async move {
            // Hidden entries (`.azureml`, JupyterLab's `.ipynb_checkpoints`) are not shown,
            // as Jupyter does not show them.
            let read = store.list_files(DATASTORE, &folder).await.map(|mut l| {
                l.folders.retain(|n| !n.starts_with('.'));
                l.files.retain(|f| !f.name.starts_with('.'));
                l
            });
            let _ = listing.try_set(Some(read.map_err(|e| e.message().to_owned())));
        });
    });
    move || match listing.get() {
        None => view! { <li class="tree__note muted" role="none">"Reading…"</li> }.into_any(),
        Some(Err(e)) => view! { <li class="tree__note" role="none">{e}</li> }.into_any(),
        Some(Ok(l)) if l.folders.is_empty() && l.files.is_empty() => {
            view! { <li class="tree__note muted" role="none">"Empty"</li> }.into_any()
        }
        Some(Ok(l)) => {
            let base = at.get_value();
            let folders = l.folders.into_iter().map(|name| {
                let path = format!("{}/", join(&base, &name));
                view! { <FolderItem path /> }.into_any()
            });
            let files = l.files.into_iter().map(|f| {
                let path = join(&base, &f.name);
                view! { <FileItem path /> }
            });
            view! { {folders.collect_view()}{files.collect_view()} }.into_any()
        }
    }
}

/// A folder in the tree: opens and closes, sets where new files go, has its "…" menu.
#[component]
fn FolderItem(path: String) -> impl IntoView {
    let tree = expect_context::<Tree>();
    let name = file_name(&path).to_owned();
    let key = StoredValue::new(path.clone());
    let open = Memo::new(move |_| tree.expanded.with(|e| key.with_value(|k| e.contains(k))));
    let toggle = move |_| {
        let k = key.get_value();
        tree.expanded.update(|e| {
            if !e.remove(&k) {
                e.insert(k.clone());
            }
        });
        tree.folder.set(k);
    };
    let current = move || tree.folder.with(|f| key.with_value(|k| f == k));
    view! {
        <li role="treeitem" aria-label=name.clone() aria-expanded=move || open.get().to_string() class="tree__item">
            <div class="tree__row" class:tree__row--folder-current=current>
                <button type="button" class="tree__label" on:click=toggle>
                    <span class="tree__chevron" aria-hidden="true">{move || if open.get() { "▾" } else { "▸" }}</span>
                    <Icon name=IconName::Folder />
                    <span class="tree__name">{name.clone()}</span>
                </button>
                <ItemMenu path=path.clone() />
            </div>
            <Show when=move || open.get()>
                <ul role="group" class="tree__group">
                    {move || view! { <FolderItems folder=key.get_value() /> }.into_any()}
                </ul>
            </Show>
        </li>
    }
}

/// A file in the tree: a link that opens it, and its "…" menu.
#[component]
fn FileItem(path: String) -> impl IntoView {
    let tree = expect_context::<Tree>();
    let name = file_name(&path).to_owned();
    let key = StoredValue::new(path.clone());
    let current = move || {
        tree.open
            .with(|o| key.with_value(|k| o.as_deref() == Some(k)))
    };
    let to = crate::router::href(&format!("/notebooks?path={}", encode_path(&path)));
    view! {
        <li role="treeitem" aria-label=name.clone() aria-selected=move || current().to_string() class="tree__item">
            <div class="tree__row" class:tree__row--current=current>
                <a class="tree__label" href=to aria-current=move || current().then_some("page")>
                    <span class="tree__chevron" aria-hidden="true"></span>
                    <Icon name=if is_notebook(&path) { IconName::Notebook } else { IconName::File } />
                    <span class="tree__name">{name.clone()}</span>
                </a>
                <ItemMenu path=path.clone() />
            </div>
        </li>
    }
}

/// An item's "…" button and its menu: Rename, Move, Download (files), Delete.
#[component]
fn ItemMenu(path: String) -> impl IntoView {
    let store = use_store();
    let tree = expect_context::<Tree>();
    let name = file_name(&path).to_owned();
    let is_folder = path.ends_with('/');
    let shown = RwSignal::new(false);
    let menu = NodeRef::<leptos::html::Ul>::new();
    let path = StoredValue::new(path);
    Effect::new(move |_| {
        if shown.get() {
            if let Some(first) = menu
                .get()
                .and_then(|m| m.query_selector("[role=menuitem]").ok().flatten())
            {
                let _ = wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlElement>(first).focus();
            }
        }
    });
    let choose = move |a: Option<Asked>| {
        shown.set(false);
        if let Some(a) = a {
            tree.asked.set(Some(a));
        }
    };
    let download = move || {
        shown.set(false);
        leptos::task::spawn_local(async move {
            let p = path.get_value();
            if let Ok(blob) = store.file_blob(DATASTORE, &p).await {
                download_blob(file_name(&p), &blob);
            }
        });
    };
    let keys = move |ev: web_sys::KeyboardEvent| {
        let Some(m) = menu.get_untracked() else {
            return;
        };
        let items = m.query_selector_all("[role=menuitem]").ok();
        let Some(items) = items else { return };
        let count = items.length() as i32;
        let active = document().active_element();
        let at = (0..items.length())
            .position(|i| items.item(i).as_ref() == active.as_ref().map(|a| a.as_ref()))
            .map_or(-1, |i| i as i32);
        let to = match ev.key().as_str() {
            "Escape" | "Tab" => {
                shown.set(false);
                return;
            }
            "ArrowDown" => (at + 1).rem_euclid(count),
            "ArrowUp" => (at - 1).rem_euclid(count),
            _ => return,
        };
        ev.prevent_default();
        if let Some(item) = items.item(to as u32) {
            let _ = wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlElement>(item).focus();
        }
    };
    let item = move |label: &'static str, act: Callback<()>, write: bool| {
        let refused = move || write.then(|| tree.refusal.get()).flatten();
        view! {
            <li role="menuitem" tabindex="-1" class="menu__item" aria-disabled=move || refused().map(|_| "true") title=refused
                on:click=move |_| if refused().is_none() { act.run(()) }
                on:keydown=move |ev| if ev.key() == "Enter" || ev.key() == " " { ev.prevent_default(); if refused().is_none() { act.run(()) } }
            >
                {label}
            </li>
        }
    };
    let label = format!("More actions for {name}");
    view! {
        <div class="tree__menu">
            <button type="button" class="icon-button tree__more" aria-label=label.clone() title=label aria-haspopup="menu" aria-expanded=move || shown.get().to_string() on:click=move |_| shown.update(|s| *s = !*s)>
                <Icon name=IconName::More />
            </button>
            <Show when=move || shown.get()>
                <div class="menu-backdrop" on:click=move |_| shown.set(false)></div>
                <ul class="menu tree__menu-list" role="menu" aria-label=format!("Actions for {name}") node_ref=menu on:keydown=keys>
                    {item("Rename", Callback::new(move |_| choose(Some(Asked::Rename(path.get_value())))), true)}
                    {item("Move", Callback::new(move |_| choose(Some(Asked::Move(path.get_value())))), true)}
                    {(!is_folder).then(|| item("Download", Callback::new(move |_| download()), false))}
                    {item("Delete", Callback::new(move |_| choose(Some(Asked::Delete(path.get_value())))), true)}
                </ul>
            </Show>
        </div>
    }
}

/// Opens `path` in the page once the tree shows it.
pub fn show_file(tree: Tree, path: &str) {
    tree.expand(&parent(path));
    tree.folder.set(parent(path));
    tree.reload();
    open_path(path);
}
