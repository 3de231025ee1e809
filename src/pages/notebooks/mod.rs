//! Authoring → Notebooks (`/notebooks`): the Files tree of the workspace's
//! `workspaceworkingdirectory` (each person's `Users/<alias>/`, shared with every member), the
//! Samples, and the file the address names (`?path=Users/ada/train.ipynb`, or `?sample=` a
//! sample), open in the notebook editor or the text editor. Kernels join through
//! [`kernel`] and [`doc::NotebookDoc`].

mod cell;
mod code_area;
mod dialogs;
pub mod doc;
mod editor;
pub mod kernel;
mod markdown;
mod notebook;
mod outputs;
mod samples;
pub mod saving;
mod tree;
mod uploads;

use crate::shell::Breadcrumbs;
use crate::store::{use_store, TextFile};
use azimuth_core::ArmError;
use editor::OpenFile;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use samples::{SampleView, SamplesPanel};
use saving::Saver;
use tree::FilesPanel;

pub use doc::{CellDoc, Mode, NotebookDoc};

/// The datastore the notebooks and their files are in.
pub const DATASTORE: &str = azimuth_core::notebooks::DATASTORE;

/// A path for the address: percent-encoded, its `/` kept readable.
pub fn encode_path(path: &str) -> String {
    String::from(js_sys::encode_uri_component(path)).replace("%2F", "/")
}

/// Opens the file at `path` in the notebooks page.
pub fn open_path(path: &str) {
    crate::router::navigate(&format!("/notebooks?path={}", encode_path(path)));
}

/// The file the address names, read by the page while the editor's code downloads (one used
/// to wait for the other: opening a 5 MB notebook from the tree took 482 ms with the editor a
/// chunk of its own, against 352 ms when it was in the page's file): the newest read's answer
/// and its path, until the editor takes it.
#[derive(Clone, Copy)]
pub struct ReadAhead {
    held: RwSignal<Option<(String, Result<TextFile, ArmError>)>>,
    /// The newest read's number: an older read's answer (another file, or this one before a
    /// save) is dropped.
    newest: StoredValue<u64>,
}

impl ReadAhead {
    fn new() -> Self {
        Self {
            held: RwSignal::new(None),
            newest: StoredValue::new(0),
        }
    }

    /// Reads `path` for the editor, dropping what an earlier read left.
    fn start(self, path: String) {
        let store = use_store();
        let mine = self.newest.get_value() + 1;
        self.newest.set_value(mine);
        self.held.set(None);
        leptos::task::spawn_local(async move {
            let answer = store.read_text(DATASTORE, &path).await;
            if self.newest.try_get_value() == Some(mine) {
                let _ = self.held.try_set(Some((path, answer)));
            }
        });
    }

    /// The answer for `path` once it is in, taken (reactive: the caller runs again when it
    /// comes).
    fn take(self, path: &str) -> Option<Result<TextFile, ArmError>> {
        self.held.track();
        self.held
            .try_update_untracked(|held| match held {
                Some((at, _)) if at == path => held.take().map(|(_, answer)| answer),
                _ => None,
            })
            .flatten()
    }
}

/// The open file's saving, so that moving or deleting it saves it first.
#[derive(Clone, Copy)]
pub struct ActiveSaver(pub RwSignal<Option<Saver>>);

impl ActiveSaver {
    /// Saves the open file now if it has unsaved changes (before it is moved or deleted).
    pub async fn flush(&self) {
        if let Some(saver) = self.0.try_get_untracked().flatten() {
            saver.flush().await;
        }
    }
}

crate::lazy_page! {
    /// The open file's editor (notebook cells, Markdown, outputs, kernels), in a chunk of its
    /// own: the page shows its Files tree without it and downloads it when a file is opened.
    file_editor in notebooks__editor => |path| view! { <OpenFile path /> }.into_any()
}

crate::lazy_page! {
    /// A sample notebook's read-only view, in the editor's chunk.
    sample_viewer in notebooks__editor => |name| view! { <SampleView name /> }.into_any()
}

/// The Notebooks page.
#[component]
pub fn NotebooksPage() -> impl IntoView {
    let query = use_query_map();
    let path = Memo::new(move |_| query.with(|q| q.get("path").filter(|p| !p.trim().is_empty())));
    let sample =
        Memo::new(move |_| query.with(|q| q.get("sample").filter(|s| !s.trim().is_empty())));
    provide_context(ActiveSaver(RwSignal::new(None)));
    let ahead = ReadAhead::new();
    provide_context(ahead);
    // A pointer or the keyboard on the Files tree or the Samples is about to open a file: the
    // editor's code starts downloading then, not after the click.
    let wanted = StoredValue::new(false);
    let want_editor = move || {
        if !wanted.get_value() {
            wanted.set_value(true);
            leptos::task::spawn_local(async move {
                let _ = file_editor().await;
            });
        }
    };
    let crumb = Signal::derive(move || {
        path.get()
            .map(|p| azimuth_core::notebooks::paths::file_name(&p).to_owned())
            .or_else(|| sample.get())
    });
    view! {
        {move || {
            let mut items = vec![("Notebooks".to_owned(), std::borrow::Cow::Borrowed("/notebooks"))];
            if let Some(name) = crumb.get() {
                items.push((name, std::borrow::Cow::Borrowed("")));
            }
            view! { <Breadcrumbs items /> }
        }}
        <div class="notebooks">
            <aside class="notebooks__side" aria-label="Files and samples" on:pointerover=move |_| want_editor() on:focusin=move |_| want_editor()>
                <h1 class="notebooks__heading">"Notebooks"</h1>
                <FilesPanel open=path />
                <SamplesPanel open=sample />
            </aside>
            <section class="notebooks__main" aria-label="Open file">
                {move || match (path.get(), sample.get()) {
                    (Some(p), _) => {
                        ahead.start(p.clone());
                        crate::lazy::show(file_editor(), p)
                    }
                    (None, Some(s)) => crate::lazy::show(sample_viewer(), s),
                    (None, None) => view! { <Welcome /> }.into_any(),
                }}
            </section>
        </div>
    }
}

/// What the page shows with no file open.
#[component]
fn Welcome() -> impl IntoView {
    let store = crate::store::use_store();
    let home = store.notebooks_home();
    view! {
        <div class="empty-state notebooks__welcome">
            <crate::components::Icon name=crate::components::IconName::Notebook />
            <h2>"Write and share notebooks"</h2>
            <p>{format!("Your files are in {home}, in the workspace's workspaceworkingdirectory; every member of the workspace can see them.")}</p>
            <p class="muted">"Create a file with New file in the Files tree, upload notebooks, or clone a sample."</p>
        </div>
    }
}
