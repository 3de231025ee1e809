//! A job's Outputs + logs tab: the files it logged (the artifact store's
//! `ExperimentRun/dcid.<run id>/`, where Azure ML keeps them) as a tree of folders, and the file
//! chosen previewed: text and logs (read again while the job runs), JSON laid out, CSV as a
//! table, images as images; any file downloads.

use crate::pages::data::format_bytes;
use crate::store::{download_blob, use_store};
use azimuth_core::data::files::Listing;
use azimuth_core::data::preview::{preview, Format};
use azimuth_core::jobs::run::{run_folder, ARTIFACT_STORE};
use leptos::prelude::*;

/// The most bytes of a file previewed.
const PREVIEW_BYTES: u64 = 256 * 1024;

/// The chosen file: its path in the artifact store and its size.
type Chosen = RwSignal<Option<(String, u64)>>;

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
    let chosen: Chosen = RwSignal::new(None);
    let root = run_folder(&run_id);
    view! {
        <div class="outputs-tab">
            <nav class="outputs-tab__tree" aria-label="Files of the job">
                <FolderNode path=root depth=0 chosen live />
            </nav>
            <section class="outputs-tab__preview" aria-label="Preview">
                {move || match chosen.get() {
                    None => view! { <p class="muted">"Choose a file to see it here."</p> }.into_any(),
                    Some((path, size)) => view! { <FilePreview path size live /> }.into_any(),
                }}
            </section>
        </div>
    }
}

/// A folder's folders and files, its subfolders opened on request.
#[component]
fn FolderNode(path: String, depth: usize, chosen: Chosen, live: Signal<bool>) -> impl IntoView {
    let store = use_store();
    let listing = RwSignal::new(None::<Result<Listing, String>>);
    let folder = StoredValue::new(path);
    Effect::new(move |_| {
        if live.get() {
            store.runs_changed().track();
        }
        let at = format!("{}/", folder.get_value());
        leptos::task::spawn_local(async move {
            let read = store.list_files(ARTIFACT_STORE, &at).await;
            listing.set(Some(read.map_err(|e| e.message().to_owned())));
        });
    });
    move || {
        match listing.get() {
        None => view! { <p class="muted">"Reading…"</p> }.into_any(),
        Some(Err(e)) => view! { <p class="form-error" role="alert">{e}</p> }.into_any(),
        Some(Ok(l)) if depth == 0 && l.folders.is_empty() && l.files.is_empty() => view! {
            <p class="muted">"This job has no files yet. mlflow.log_artifact and a command job's outputs/ and logs land here."</p>
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
                                    move || view! { <FolderNode path=inner.clone() depth=depth + 1 chosen live /> }.into_any()
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
fn FilePreview(path: String, size: u64, live: Signal<bool>) -> impl IntoView {
    let store = use_store();
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
                match store.file_blob(ARTIFACT_STORE, &p).await {
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
                match store.read_file_end(ARTIFACT_STORE, &p, PREVIEW_BYTES).await {
                    Err(e) => Shown::Message(e.message().to_owned()),
                    Ok((bytes, whole)) => {
                        Shown::Log(String::from_utf8_lossy(&bytes).into_owned(), whole)
                    }
                }
            } else {
                match store
                    .read_file_start(ARTIFACT_STORE, &p, PREVIEW_BYTES)
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
            if let Ok(blob) = store.file_blob(ARTIFACT_STORE, &p).await {
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
