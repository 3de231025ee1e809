//! A job's Outputs + logs tab (the files it logged, in the artifact store's
//! `ExperimentRun/dcid.<run id>/`, where Azure ML keeps them), its Code tab (the folder its
//! command ran from) and any other folder's files ([`FolderFiles`], a model's): a tree of
//! folders, and the file chosen previewed: text and logs (read again while the job runs), JSON
//! laid out, CSV as a table, images as images; any file downloads.

use crate::pages::data::format_bytes;
use crate::store::{download_blob, use_store, Part};
use azimuth_core::data::files::Listing;
use azimuth_core::data::preview::{preview, Format};
use azimuth_core::jobs::run::{run_folder, ARTIFACT_STORE};
use leptos::prelude::*;

/// The most bytes of a file previewed.
const PREVIEW_BYTES: u64 = 256 * 1024;

/// The chosen file: its path in the datastore and its size.
type Chosen = RwSignal<Option<(String, u64)>>;

/// The datastore a tab's files are in, and what its tree says when it is empty.
#[derive(Clone)]
struct Source {
    datastore: String,
    empty: &'static str,
}

/// A tab's files: the datastore they are in, kept for the tree and the preview.
type Files = StoredValue<Source>;

fn is_image(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp"]
        .iter()
        .any(|e| lower.ends_with(e))
}

/// The Outputs + logs tab of run `run_id`.
#[component]
pub fn OutputsTab(
    /// The run's id.
    run_id: String,
    /// Whether the run is still logging.
    #[prop(into)]
    live: Signal<bool>,
) -> impl IntoView {
    let root = run_folder(&run_id);
    let source = Source {
        datastore: ARTIFACT_STORE.into(),
        empty: "This job has no files yet. mlflow.log_artifact and a command job's outputs/ and logs land here.",
    };
    view! { <FilesTab source root live label="Files of the job" /> }
}

/// The Code tab of a command job whose code is the folder `root` of `datastore`.
#[component]
pub fn CodeTab(
    /// The datastore (workspaceblobstore, for code the studio or the CLI uploaded).
    datastore: String,
    /// The folder in it.
    root: String,
) -> impl IntoView {
    let root = root.trim_end_matches('/').to_owned();
    let said = format!("The folder the job's command runs from: {root}/ in {datastore}.");
    let source = Source {
        datastore,
        empty: "The job's code folder is empty, or no longer there.",
    };
    view! {
        <p class="muted">{said}</p>
        <FilesTab source root live=Signal::stored(false) label="Code of the job" />
    }
}

/// The files of a folder of `datastore` (a model's, say): a tree, and the one chosen previewed
/// and downloadable.
#[component]
pub fn FolderFiles(
    /// The datastore.
    datastore: String,
    /// The folder in it (empty: its top).
    root: String,
    /// What the tree says when the folder is empty.
    empty: &'static str,
    /// The tree's accessible name.
    label: &'static str,
) -> impl IntoView {
    let root = root.trim_end_matches('/').to_owned();
    let source = Source { datastore, empty };
    view! { <FilesTab source root live=Signal::stored(false) label /> }
}

/// A tree of the files under `root` in the source's datastore, and the one chosen previewed.
#[component]
fn FilesTab(
    source: Source,
    root: String,
    live: Signal<bool>,
    label: &'static str,
) -> impl IntoView {
    let chosen: Chosen = RwSignal::new(None);
    let source: Files = StoredValue::new(source);
    view! {
        <div class="outputs-tab">
            <nav class="outputs-tab__tree" aria-label=label>
                <FolderNode source path=root depth=0 chosen live />
            </nav>
            <section class="outputs-tab__preview" aria-label="Preview">
                {move || match chosen.get() {
                    None => view! { <p class="muted">"Choose a file to see it here."</p> }.into_any(),
                    Some((path, size)) => view! { <FilePreview source path size live /> }.into_any(),
                }}
            </section>
        </div>
    }
}

/// A folder's folders and files, its subfolders opened on request.
#[component]
fn FolderNode(
    source: Files,
    path: String,
    depth: usize,
    chosen: Chosen,
    live: Signal<bool>,
) -> impl IntoView {
    let store = use_store();
    let listing = RwSignal::new(None::<Result<Listing, String>>);
    let folder = StoredValue::new(path);
    Effect::new(move |_| {
        if live.get() {
            store.runs_changed().track();
        }
        let at = format!("{}/", folder.get_value());
        leptos::task::spawn_local(async move {
            let read = store.list_files(&source.get_value().datastore, &at).await;
            listing.set(Some(read.map_err(|e| e.message().to_owned())));
        });
    });
    move || {
        match listing.get() {
        None => view! { <p class="muted">"Reading…"</p> }.into_any(),
        Some(Err(e)) => view! { <p class="form-error" role="alert">{e}</p> }.into_any(),
        Some(Ok(l)) if depth == 0 && l.folders.is_empty() && l.files.is_empty() => view! {
            <p class="muted">{source.get_value().empty}</p>
        }
        .into_any(),
        Some(Ok(l)) => view! {
            <ul class="file-tree" role=if depth == 0 { "tree" } else { "group" }>
                {l.folders.into_iter().map(|name| {
                    let inner = format!("{}/{name}", folder.get_value());
                    let open = RwSignal::new(false);
                    view! {
                        <li role="treeitem" aria-expanded=move || open.get().to_string()>
                            <button type="button" class="file-tree__folder" on:click=move |_| open.update(|o| *o = !*o)>
                                <span aria-hidden="true">{move || if open.get() { "▾ " } else { "▸ " }}</span>
                                {name.clone()}
                            </button>
                            <Show when=move || open.get()>
                                {
                                    let inner = inner.clone();
                                    move || view! { <FolderNode source path=inner.clone() depth=depth + 1 chosen live /> }.into_any()
                                }
                            </Show>
                        </li>
                    }
                }).collect_view()}
                {l.files.into_iter().map(|file| {
                    let path = format!("{}/{}", folder.get_value(), file.name);
                    let selected = {
                        let path = path.clone();
                        move || chosen.with(|c| c.as_ref().is_some_and(|(p, _)| *p == path)).to_string()
                    };
                    let size = file.size;
                    view! {
                        <li role="treeitem" aria-selected=selected>
                            <button type="button" class="file-tree__file" on:click=move |_| chosen.set(Some((path.clone(), size)))>
                                {file.name.clone()}
                                <span class="muted file-tree__size">{format_bytes(size)}</span>
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any(),
    }
    }
}

/// What a file shows as.
#[derive(Clone)]
enum Shown {
    Text(String, bool),
    Rows(azimuth_core::data::preview::Table),
    Image(String),
    Message(String),
    /// A log's end, and whether it is all of it.
    Log(String, bool),
}

/// Whether a file is a log, followed from its end: what a job writes to `user_logs/`, and
/// `.log` files.
fn is_log(path: &str) -> bool {
    path.contains("user_logs/") || path.to_ascii_lowercase().ends_with(".log")
}

/// The chosen file, previewed, with its Download button.
#[component]
fn FilePreview(source: Files, path: String, size: u64, live: Signal<bool>) -> impl IntoView {
    let store = use_store();
    let datastore = StoredValue::new(source.get_value().datastore);
    let path = StoredValue::new(path);
    let name = path.with_value(|p| p.rsplit('/').next().unwrap_or_default().to_owned());
    let shown = RwSignal::new(None::<Shown>);
    let image_url = StoredValue::new(None::<String>);
    let forget_image = move || {
        if let Some(url) = image_url.try_get_value().flatten() {
            let _ = web_sys::Url::revoke_object_url(&url);
        }
    };
    on_cleanup(forget_image);
    let file_name = name.clone();
    // A log is shown from its end, and followed every two seconds while the job runs (its
    // process writes it without telling anyone).
    let is_log = is_log(&path.get_value());
    let beat = RwSignal::new(0u32);
    if is_log {
        if let Ok(handle) = set_interval_with_handle(
            move || {
                if live.get_untracked() {
                    beat.update(|b| *b += 1);
                }
            },
            std::time::Duration::from_secs(2),
        ) {
            on_cleanup(move || handle.clear());
        }
    }
    Effect::new(move |_| {
        if live.get() {
            store.runs_changed().track();
            beat.track();
        }
        let name = file_name.clone();
        let p = path.get_value();
        leptos::task::spawn_local(async move {
            let answer = if is_image(&name) {
                match store.file_blob(&datastore.get_value(), &p).await {
                    Ok(blob) => match web_sys::Url::create_object_url_with_blob(&blob) {
                        Ok(url) => {
                            forget_image();
                            image_url.try_set_value(Some(url.clone()));
                            Shown::Image(url)
                        }
                        Err(_) => Shown::Message("The browser could not show this image.".into()),
                    },
                    Err(e) => Shown::Message(e.message().to_owned()),
                }
            } else if is_log {
                match store
                    .read_file(&datastore.get_value(), &p, PREVIEW_BYTES, Part::End)
                    .await
                {
                    Err(e) => Shown::Message(e.message().to_owned()),
                    Ok((bytes, whole)) => {
                        Shown::Log(String::from_utf8_lossy(&bytes).into_owned(), whole)
                    }
                }
            } else {
                match store
                    .read_file(&datastore.get_value(), &p, PREVIEW_BYTES, Part::Start)
                    .await
                {
                    Err(e) => Shown::Message(e.message().to_owned()),
                    Ok((bytes, whole)) => show_text(&name, &bytes, whole),
                }
            };
            shown.set(Some(answer));
        });
    });
    // The log's box shows its newest lines.
    let log_end = NodeRef::<leptos::html::Pre>::new();
    Effect::new(move |_| {
        shown.track();
        if let Some(pre) = log_end.get() {
            pre.set_scroll_top(pre.scroll_height());
        }
    });
    let download = move |_| {
        leptos::task::spawn_local(async move {
            let p = path.get_value();
            if let Ok(blob) = store.file_blob(&datastore.get_value(), &p).await {
                download_blob(p.rsplit('/').next().unwrap_or("file"), &blob);
            }
        });
    };
    view! {
        <header class="outputs-tab__file">
            <h2>{name.clone()}</h2>
            <span class="muted">{format_bytes(size)}</span>
            <button type="button" class="button" on:click=download>"Download"</button>
        </header>
        {move || match shown.get() {
            None => view! { <p class="muted">"Reading…"</p> }.into_any(),
            Some(Shown::Message(m)) => view! { <div class="message-bar message-bar--warning" role="status">{m}</div> }.into_any(),
            Some(Shown::Image(url)) => view! { <img class="outputs-tab__image" src=url alt=name.clone() /> }.into_any(),
            Some(Shown::Log(text, whole)) => view! {
                <p class="muted">{if whole { "The job's log; it follows the job while it runs." } else { "The last 256 KB of the job's log; it follows the job while it runs." }}</p>
                <pre class="outputs-tab__text" aria-label="Log" node_ref=log_end>{text}</pre>
            }.into_any(),
            Some(Shown::Text(text, whole)) => view! {
                {(!whole).then(|| view! { <p class="muted">"The first 256 KB; download the file for all of it."</p> })}
                <pre class="outputs-tab__text">{text}</pre>
            }.into_any(),
            Some(Shown::Rows(t)) => view! {
                <div class="table-wrap">
                    <table class="data-table data-table--preview" aria-label=format!("Preview of {name}")>
                        <thead><tr>{t.columns.iter().map(|c| view! { <th scope="col">{c.clone()}</th> }).collect_view()}</tr></thead>
                        <tbody>{t.rows.iter().map(|r| view! { <tr>{r.iter().map(|c| view! { <td>{c.clone()}</td> }).collect_view()}</tr> }).collect_view()}</tbody>
                    </table>
                </div>
            }.into_any(),
        }}
    }
}

/// Text, JSON laid out, or a CSV's first rows.
fn show_text(name: &str, bytes: &[u8], whole: bool) -> Shown {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".csv") || lower.ends_with(".tsv") {
        if let Some(format) = Format::guess(name) {
            if let Ok(table) = preview(bytes, whole, format, 100) {
                return Shown::Rows(table);
            }
        }
    }
    if bytes.contains(&0) {
        return Shown::Message("This file is not text; download it to open it.".into());
    }
    let text = String::from_utf8_lossy(bytes).into_owned();
    if lower.ends_with(".json") && whole {
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) {
            return Shown::Text(serde_json::to_string_pretty(&value).unwrap_or(text), true);
        }
    }
    Shown::Text(text, whole)
}
