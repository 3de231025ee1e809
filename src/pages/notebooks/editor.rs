//! A file open in the notebooks page: a notebook as cells, any other text file in a highlighted
//! editor (Python, JSON, YAML coloured; Markdown with a Preview), each saved as the toolbar says.
//! A notebook that cannot be read says why, and opens as text to repair it.

use super::code_area::CodeArea;
use super::markdown::MarkdownView;
use super::notebook::NotebookEditor;
use super::saving::{SaveProblem, SaveState, SaveStatus, Saver};
use super::{ReadAhead, DATASTORE};
use crate::components::{Appearance, Button, Icon, IconName};
use crate::store::{download_blob, use_store, TextFile};
use azimuth_core::notebooks::highlight::Language;
use azimuth_core::notebooks::paths::{file_name, is_notebook, parent};
use azimuth_core::notebooks::{read_notebook, Notebook};
use azimuth_core::workspace::roles::Action;
use azimuth_core::ArmError;
use leptos::prelude::*;

/// What an opened file is, once read.
#[derive(Clone)]
enum Opened {
    /// A notebook and the version it was read at.
    Notebook(Box<Notebook>, String),
    /// A text file.
    Text(TextFile),
    /// A notebook that could not be read: why, and its text.
    Unreadable(String, TextFile),
    /// A file that is not text.
    Binary,
    /// It could not be read at all.
    Failed(String),
}

/// What the file at `p` is, from what reading it answered.
fn open_as(p: &str, answer: Result<TextFile, ArmError>) -> Opened {
    match answer {
        Err(e) => Opened::Failed(e.message().to_owned()),
        Ok(file) if file.text.contains('\0') => Opened::Binary,
        Ok(file) if is_notebook(p) => match read_notebook(file_name(p), &file.text) {
            Ok(nb) => Opened::Notebook(Box::new(nb), file.version),
            Err(e) => Opened::Unreadable(e.message().to_owned(), file),
        },
        Ok(file) => Opened::Text(file),
    }
}

/// The file at `path` (which the page reads, see [`ReadAhead`]), opened as what it is.
#[component]
pub fn OpenFile(
    /// Its path in the notebooks' datastore.
    path: String,
) -> impl IntoView {
    let store = use_store();
    let read_only = Signal::derive(move || store.refusal(Action::WriteData).is_some());
    let opened = RwSignal::new(None::<Opened>);
    let as_text = RwSignal::new(false);
    let path = StoredValue::new(path);
    // The page read the file while this editor's code downloaded.
    let ahead = expect_context::<ReadAhead>();
    Effect::new(move |_| {
        if opened.with_untracked(Option::is_none) {
            if let Some(answer) = ahead.take(&path.get_value()) {
                opened.set(Some(open_as(&path.get_value(), answer)));
            }
        }
    });
    let download = move |_| {
        leptos::task::spawn_local(async move {
            let p = path.get_value();
            if let Ok(blob) = store.file_blob(DATASTORE, &p).await {
                download_blob(file_name(&p), &blob);
            }
        });
    };
    view! {
        <header class="notebook__header">
            <Icon name=if is_notebook(&path.get_value()) { IconName::Notebook } else { IconName::File } />
            <h2 class="notebook__title">{file_name(&path.get_value()).to_owned()}</h2>
            <span class="muted notebook__path">{path.get_value()}</span>
        </header>
        {move || match (opened.get(), as_text.get()) {
            (None, _) => view! { <p class="muted">"Opening…"</p> }.into_any(),
            (Some(Opened::Failed(e)), _) => view! {
                <div class="message-bar message-bar--warning" role="alert">{e}</div>
            }.into_any(),
            (Some(Opened::Binary), _) => view! {
                <div class="message-bar message-bar--warning" role="status">
                    <p>"This file is not text, so it cannot be edited here. Download it to open it on your computer."</p>
                    <Button on_click=download>"Download"</Button>
                </div>
            }.into_any(),
            (Some(Opened::Notebook(nb, version)), _) => view! {
                <NotebookEditor path=path.get_value() notebook=*nb version read_only />
            }.into_any(),
            (Some(Opened::Unreadable(why, _)), false) => view! {
                <div class="message-bar message-bar--error" role="alert">
                    <p>{why}</p>
                    <Button on_click=move |_| as_text.set(true)>"Open as text"</Button>
                </div>
            }.into_any(),
            (Some(Opened::Unreadable(_, file) | Opened::Text(file)), _) => view! {
                <TextEditor path=path.get_value() file read_only />
            }.into_any(),
        }}
    }
}

/// A text file open to edit (or only to read).
#[component]
pub fn TextEditor(
    /// Its path in the datastore.
    path: String,
    /// Its text and version, as read.
    file: TextFile,
    /// Whether the person may only read it.
    #[prop(into)]
    read_only: Signal<bool>,
) -> impl IntoView {
    let store = use_store();
    let text = RwSignal::new(file.text);
    let changes = RwSignal::new(0u64);
    let saver = Saver::new(path.clone(), file.version, changes, move || {
        text.get_untracked()
    });
    let language = Language::of_path(&path);
    let markdown = path.to_ascii_lowercase().ends_with(".md");
    let preview = RwSignal::new(false);
    let folder = Signal::stored(parent(&path));
    let reload = Callback::new(move |_| {
        leptos::task::spawn_local(async move {
            match store.read_text(DATASTORE, &saver.path.get_value()).await {
                Ok(file) => {
                    text.set(file.text);
                    saver.reset(file.version);
                }
                Err(e) => store.notify(true, "Could not reload", e.message().to_owned()),
            }
        });
    });
    let save = move || {
        if saver.state.get_untracked() == SaveState::Saved {
            saver.state.set(SaveState::Unsaved);
        }
        saver.save();
    };
    let keydown = move |ev: web_sys::KeyboardEvent| {
        if (ev.ctrl_key() || ev.meta_key()) && ev.key().eq_ignore_ascii_case("s") {
            ev.prevent_default();
            save();
        }
    };
    let blocked = Signal::derive(move || {
        read_only.get().then(|| {
            "You can read this file; your role does not let you change files here.".to_owned()
        })
    });
    let label = format!("Content of {}", file_name(&path));
    view! {
        <div class="text-editor" on:keydown=keydown>
            <div class="toolbar notebook__toolbar" role="toolbar" aria-label="File actions">
                <Button appearance=Appearance::Subtle blocked on_click=move |_| save()>
                    <Icon name=IconName::Save />
                    "Save"
                </Button>
                {markdown.then(|| view! {
                    <button type="button" class="button button--subtle" aria-pressed=move || preview.get().to_string() on:click=move |_| preview.update(|p| *p = !*p)>
                        "Preview"
                    </button>
                })}
                <SaveStatus saver />
            </div>
            <SaveProblem saver reload />
            <Show
                when=move || preview.get()
                fallback=move || view! {
                    <CodeArea text language=Signal::stored(language) label=label.clone() readonly=read_only on_edit=Callback::new(move |_| changes.update(|n| *n += 1)) class="code-area--file" />
                }
            >
                <div class="text-editor__preview" role="region" aria-label="Preview">
                    <MarkdownView text folder />
                </div>
            </Show>
        </div>
    }
}
