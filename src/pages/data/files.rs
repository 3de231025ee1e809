//! A datastore's files: the folder at `?path=` with its folders and files (size, date),
//! "Upload files" with a progress bar and Cancel for each, "New folder", Download and Delete.

use super::format_bytes;
use crate::components::{
    format_iso_time, Appearance, Button, Dialog, Icon, IconName, TextField, UploadList, UploadQueue,
};
use crate::router::query_state;
use crate::store::{download_blob, use_store};
use azimuth_core::data::files::{check_file_path, Listing};
use azimuth_core::workspace::roles::Action;
use leptos::prelude::*;

/// The file browser of datastore `datastore`.
#[component]
pub fn FileBrowser(
    /// The datastore's name.
    datastore: String,
) -> impl IntoView {
    let store = use_store();
    let datastore = StoredValue::new(datastore);
    let folder = query_state::<String>("path");
    let listing = RwSignal::new(None::<Result<Listing, String>>);
    let reload = move || {
        let at = folder.get_untracked();
        leptos::task::spawn_local(async move {
            let read = store.list_files(&datastore.get_value(), &at).await;
            if folder.get_untracked() == at {
                listing.set(Some(read.map_err(|e| e.message().to_owned())));
            }
        });
    };
    Effect::new(move |_| {
        folder.track();
        listing.set(None);
        reload();
    });
    let uploads = UploadQueue::new();
    let overwrite = RwSignal::new(false);
    let start_upload = move |file: web_sys::File| {
        let name = file.name();
        let sending = uploads.add(name.clone());
        let base = folder.get_untracked();
        let path = if base.is_empty() || base.ends_with('/') {
            format!("{base}{name}")
        } else {
            format!("{base}/{name}")
        };
        let replace = overwrite.get_untracked();
        leptos::task::spawn_local(async move {
            let result = store
                .upload_file(
                    &datastore.get_value(),
                    &path,
                    &file,
                    replace,
                    sending.progress,
                )
                .await;
            uploads.settle(&sending, &result);
            if result.is_ok() {
                let done = format!("{name} is in {}.", datastore.get_value());
                store.notify(false, "Upload complete", done);
            }
            reload();
        });
    };
    let input = NodeRef::<leptos::html::Input>::new();
    let picked = move |_| {
        let Some(el) = input.get() else { return };
        if let Some(list) = el.files() {
            for i in 0..list.length() {
                if let Some(file) = list.item(i) {
                    start_upload(file);
                }
            }
        }
        el.set_value("");
    };
    let write_refusal = Signal::derive(move || store.refusal(Action::WriteData));
    let asking_folder = RwSignal::new(false);
    let delete_asked = RwSignal::new(None::<String>);
    let open = move |path: String| folder.set(path);
    let join = move |name: &str| format!("{}{name}", prefix(&folder.get_untracked()));
    let download = move |name: String| {
        let path = join(&name);
        leptos::task::spawn_local(async move {
            if let Ok(blob) = store.file_blob(&datastore.get_value(), &path).await {
                download_blob(&name, &blob);
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="browse-title">
            <h2 id="browse-title">"Browse"</h2>
            <nav class="folder-path" aria-label="Folder">
                <a href="" on:click=move |ev| { ev.prevent_default(); open(String::new()); }>{move || datastore.get_value()}</a>
                {move || crumbs(&folder.get()).into_iter().map(|(name, path)| view! {
                    <span aria-hidden="true">" / "</span>
                    <a href="" on:click=move |ev| { ev.prevent_default(); open(path.clone()); }>{name}</a>
                }).collect_view()}
            </nav>
            <div class="toolbar" role="toolbar" aria-label="File actions">
                <label class="button button--primary" class:button--blocked=move || write_refusal.with(Option::is_some) title=move || write_refusal.get()>
                    <input node_ref=input type="file" multiple class="visually-hidden" aria-label="Upload files" prop:disabled=move || write_refusal.with(Option::is_some) on:change=picked />
                    <Icon name=IconName::Upload />
                    "Upload files"
                </label>
                <label class="checkbox">
                    <input type="checkbox" prop:checked=move || overwrite.get() on:change=move |ev| overwrite.set(event_target_checked(&ev)) />
                    "Replace files of the same name"
                </label>
                <Button appearance=Appearance::Subtle blocked=write_refusal on_click=move |_| asking_folder.set(true)>
                    "New folder"
                </Button>
                <Button appearance=Appearance::Subtle on_click=move |_| reload()>
                    <Icon name=IconName::Refresh />
                    "Refresh"
                </Button>
            </div>
            <UploadList uploads />
            {move || match listing.get() {
                None => view! { <p class="muted">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <div class="message-bar message-bar--warning" role="status">{e}</div> }.into_any(),
                Some(Ok(l)) => table(l, open, download, delete_asked, write_refusal, &folder.get_untracked()).into_any(),
            }}
        </section>
        <Show when=move || asking_folder.get()>
            <NewFolderDialog folder close=Callback::new(move |_| asking_folder.set(false)) />
        </Show>
        <Show when=move || delete_asked.with(Option::is_some)>
            {move || {
                let path = delete_asked.get().unwrap_or_default();
                let what = if path.ends_with('/') { "folder" } else { "file" };
                let gone = path.clone();
                let confirm = move |_| {
                    let gone = gone.clone();
                    delete_asked.set(None);
                    leptos::task::spawn_local(async move {
                        if store.delete_file(&datastore.get_value(), &gone).await.is_ok() {
                            store.notify(false, "Deleted", format!("{gone} was deleted."));
                        }
                        reload();
                    });
                };
                view! {
                    <Dialog title=format!("Delete this {what}?") alert=true on_close=Callback::new(move |_| delete_asked.set(None))>
                        <p>{format!("{path} will be deleted{}. Data assets that point at it stay, but jobs can no longer read it.", if what == "folder" { " with everything in it" } else { "" })}</p>
                        <div class="dialog__actions">
                            <Button appearance=Appearance::Primary on_click=confirm>"Delete"</Button>
                            <Button on_click=move |_| delete_asked.set(None)>"Cancel"</Button>
                        </div>
                    </Dialog>
                }
            }}
        </Show>
    }
}

/// A folder path with a trailing `/` (empty for the top).
fn prefix(folder: &str) -> String {
    let trimmed = folder.trim_matches('/');
    if trimmed.is_empty() {
        String::new()
    } else {
        format!("{trimmed}/")
    }
}

/// Each folder on the way to `folder`, with its path.
fn crumbs(folder: &str) -> Vec<(String, String)> {
    let mut path = String::new();
    folder
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|name| {
            path.push_str(name);
            path.push('/');
            (name.to_owned(), path.clone())
        })
        .collect()
}

fn table(
    listing: Listing,
    open: impl Fn(String) + Copy + Send + Sync + 'static,
    download: impl Fn(String) + Copy + Send + Sync + 'static,
    delete_asked: RwSignal<Option<String>>,
    write_refusal: Signal<Option<String>>,
    folder: &str,
) -> impl IntoView {
    let base = prefix(folder);
    let empty = listing.folders.is_empty() && listing.files.is_empty();
    let folders = listing.folders.into_iter().map(|name| {
        let path = format!("{base}{name}/");
        let (to, gone) = (path.clone(), path);
        view! {
            <tr>
                <td class="data-table__name">
                    <Icon name=IconName::Folder />
                    <a href="" on:click=move |ev| { ev.prevent_default(); open(to.clone()); }>{name.clone()}</a>
                </td>
                <td>"Folder"</td>
                <td></td>
                <td>
                    <Button appearance=Appearance::Subtle blocked=write_refusal on_click=move |_| delete_asked.set(Some(gone.clone()))>
                        <span class="visually-hidden">{format!("Delete folder {name}")}</span>
                        <Icon name=IconName::Delete />
                    </Button>
                </td>
            </tr>
        }
    }).collect_view();
    let files = listing.files.into_iter().map(|f| {
        let name = f.name.clone();
        let gone = format!("{base}{name}");
        let label = name.clone();
        view! {
            <tr>
                <td class="data-table__name">{name.clone()}</td>
                <td class="data-table__number">{format_bytes(f.size)}</td>
                <td>{format_iso_time(&f.last_modified)}</td>
                <td class="data-table__actions">
                    <Button appearance=Appearance::Subtle on_click=move |_| download(name.clone())>
                        <span class="visually-hidden">{format!("Download {label}")}</span>
                        <Icon name=IconName::Download />
                    </Button>
                    <Button appearance=Appearance::Subtle blocked=write_refusal on_click=move |_| delete_asked.set(Some(gone.clone()))>
                        <span class="visually-hidden">{format!("Delete {}", f.name)}</span>
                        <Icon name=IconName::Delete />
                    </Button>
                </td>
            </tr>
        }
    }).collect_view();
    view! {
        <div class="table-wrap">
            <table class="data-table" aria-label="Files">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Size"</th>
                        <th scope="col">"Last modified"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>{folders}{files}</tbody>
            </table>
            {empty.then(|| view! { <div class="table-empty">"This folder is empty. Upload files to add them here."</div> })}
        </div>
    }
}

/// Asks a new folder's name and opens it (a folder is kept once a file is uploaded into it, as
/// in blob storage).
#[component]
fn NewFolderDialog(folder: RwSignal<String>, close: Callback<()>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let create = move |_| {
        let wanted = name.get_untracked().trim().trim_matches('/').to_owned();
        let path = format!("{}{wanted}/", prefix(&folder.get_untracked()));
        match (
            wanted.is_empty(),
            wanted.contains('/'),
            check_file_path(&path),
        ) {
            (true, _, _) => error.set(Some("Enter the folder's name.".into())),
            (_, true, _) => error.set(Some(
                "A folder name cannot contain '/'; create one folder at a time.".into(),
            )),
            (_, _, Err(e)) => error.set(Some(e.message().to_owned())),
            _ => {
                folder.set(path);
                close.run(());
            }
        }
    };
    view! {
        <Dialog title="New folder" on_close=close>
            <TextField label="Folder name" id="new-folder-name" value=name error=Signal::derive(move || error.get()) hint="It is kept once you upload a file into it." />
            <div class="dialog__actions">
                <Button appearance=Appearance::Primary on_click=create>"Create"</Button>
                <Button on_click=move |_| close.run(())>"Cancel"</Button>
            </div>
        </Dialog>
    }
}
