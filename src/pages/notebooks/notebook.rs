//! A notebook open in the studio: its toolbar (Save, + Code, + Markdown, Clear all outputs,
//! the save state, and the kernel's place), the cells, and Jupyter's keys: in command mode
//! Enter edits, A / B insert above / below, D D deletes, M / Y / R make Markdown / code / raw,
//! the arrows or J / K move the selection; in edit mode Esc goes back to command mode and
//! Shift+Enter renders or runs the cell and moves on; Ctrl+S (⌘S) saves in both.

use super::cell::{edit_cell, focus_cell, CellView};
use super::doc::{Mode, NotebookDoc};
use super::kernel;
use super::saving::{SaveProblem, SaveStatus, Saver};
use super::DATASTORE;
use crate::components::{Appearance, Button, Icon, IconName};
use crate::store::use_store;
use azimuth_core::notebooks::paths::parent;
use azimuth_core::notebooks::{read_notebook, write_notebook, CellType, Notebook};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Runs a code cell (through the kernel, once there is one), or renders a Markdown one.
fn run_or_render(doc: NotebookDoc, id: &str) {
    let Some(cell) = doc.cell(id) else { return };
    match cell.cell_type.get_untracked() {
        CellType::Markdown => cell.editing.set(false),
        CellType::Code => kernel::run_cell(doc, id),
        CellType::Raw => {}
    }
}

/// After Shift+Enter: the next cell, in command mode; past the last, a new code cell to type in.
fn advance(doc: NotebookDoc, read_only: bool) {
    let Some(id) = doc.selected.get_untracked() else {
        return;
    };
    let last = doc.index_of(&id).map(|i| i + 1) == Some(doc.cells.with_untracked(Vec::len));
    if last && !read_only {
        let new = doc.insert_next_to(&id, true, CellType::Code);
        doc.mode.set(Mode::Edit);
        focus_cell(new, Mode::Edit);
    } else if let Some(next) = doc.select_step(1) {
        doc.mode.set(Mode::Command);
        focus_cell(next, Mode::Command);
    }
}

/// The keys of edit mode (the focus is in a cell's editor).
fn edit_key(doc: NotebookDoc, ev: &web_sys::KeyboardEvent, read_only: bool) {
    let Some(id) = doc.selected.get_untracked() else {
        return;
    };
    let ctrl = ev.ctrl_key() || ev.meta_key();
    match ev.key().as_str() {
        "Escape" => {
            ev.prevent_default();
            doc.mode.set(Mode::Command);
            if let Some(cell) = doc.cell(&id) {
                if cell.cell_type.get_untracked() == CellType::Markdown {
                    cell.editing.set(false);
                }
            }
            focus_cell(id, Mode::Command);
        }
        "Enter" if ev.shift_key() => {
            ev.prevent_default();
            run_or_render(doc, &id);
            advance(doc, read_only);
        }
        "Enter" if ctrl => {
            ev.prevent_default();
            run_or_render(doc, &id);
            doc.mode.set(Mode::Command);
            focus_cell(id, Mode::Command);
        }
        _ => {}
    }
}

/// The keys of command mode (the focus is on a cell).
fn command_key(
    doc: NotebookDoc,
    ev: &web_sys::KeyboardEvent,
    read_only: bool,
    last_d: StoredValue<f64>,
) {
    if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
        return;
    }
    let Some(id) = doc.selected.get_untracked() else {
        return;
    };
    let step = |by: isize| {
        if let Some(next) = doc.select_step(by) {
            focus_cell(next, Mode::Command);
        }
    };
    let insert = |below: bool| {
        let new = doc.insert_next_to(&id, below, CellType::Code);
        doc.mode.set(Mode::Command);
        focus_cell(new, Mode::Command);
    };
    let key = ev.key();
    let handled = match (key.as_str(), read_only) {
        ("Enter", _) if ev.shift_key() => {
            run_or_render(doc, &id);
            advance(doc, read_only);
            true
        }
        ("Enter", false) => {
            if let Some(cell) = doc.cell(&id) {
                edit_cell(doc, cell);
            }
            true
        }
        ("ArrowUp" | "k" | "K", _) => {
            step(-1);
            true
        }
        ("ArrowDown" | "j" | "J", _) => {
            step(1);
            true
        }
        ("a" | "A", false) => {
            insert(false);
            true
        }
        ("b" | "B", false) => {
            insert(true);
            true
        }
        ("d" | "D", false) => {
            let now = js_sys::Date::now();
            if now - last_d.get_value() < 800.0 {
                last_d.set_value(0.0);
                doc.delete(&id);
                if let Some(next) = doc.selected.get_untracked() {
                    focus_cell(next, Mode::Command);
                }
            } else {
                last_d.set_value(now);
            }
            true
        }
        ("m" | "M", false) => {
            doc.set_type(&id, CellType::Markdown);
            if let Some(cell) = doc.cell(&id) {
                cell.editing.set(false);
            }
            true
        }
        ("y" | "Y", false) => {
            doc.set_type(&id, CellType::Code);
            true
        }
        ("r" | "R", false) => {
            doc.set_type(&id, CellType::Raw);
            true
        }
        _ => false,
    };
    if handled {
        ev.prevent_default();
    }
}

/// A notebook's cells with Jupyter's keys.
#[component]
pub fn NotebookView(
    /// The notebook.
    doc: NotebookDoc,
    /// Its folder (relative links start there).
    #[prop(into)]
    folder: Signal<String>,
    /// Shown but not editable.
    #[prop(into)]
    read_only: Signal<bool>,
    /// What Ctrl+S does (nothing when not given).
    #[prop(optional)]
    on_save: Option<Callback<()>>,
) -> impl IntoView {
    let last_d = StoredValue::new(0.0);
    let keydown = move |ev: web_sys::KeyboardEvent| {
        if ev.is_composing() {
            return;
        }
        let ctrl = ev.ctrl_key() || ev.meta_key();
        if ctrl && ev.key().eq_ignore_ascii_case("s") {
            ev.prevent_default();
            if let Some(save) = on_save {
                save.run(());
            }
            return;
        }
        let target = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        let Some(target) = target else { return };
        let read_only = read_only.get_untracked();
        if target.tag_name().eq_ignore_ascii_case("textarea") {
            edit_key(doc, &ev, read_only);
        } else if target.class_list().contains("cell") {
            command_key(doc, &ev, read_only, last_d);
        }
    };
    view! {
        <div class="notebook__cells" role="list" aria-label="Cells" on:keydown=keydown>
            <For each=move || doc.cells.get() key=move |c| (doc.generation.get_untracked(), c.id.get_value()) let:cell>
                <CellView doc cell folder read_only />
            </For>
        </div>
    }
}

/// The notebook at `path`, read at `version`, open to edit (or only to read).
#[component]
pub fn NotebookEditor(
    /// Its path in the datastore.
    path: String,
    /// The notebook as read.
    notebook: Notebook,
    /// The version it was read at.
    version: String,
    /// Whether the person may only read it.
    #[prop(into)]
    read_only: Signal<bool>,
) -> impl IntoView {
    let store = use_store();
    let doc = NotebookDoc::new(notebook);
    doc.kernel.path.set_value(path.clone());
    let saver = Saver::new(path.clone(), version, doc.changes, move || {
        write_notebook(&doc.to_notebook())
    });
    let folder = Signal::stored(parent(&path));
    let reload = Callback::new(move |_| {
        let path = saver.path.get_value();
        leptos::task::spawn_local(async move {
            let read = store.read_text(DATASTORE, &path).await.and_then(|file| {
                let name = azimuth_core::notebooks::paths::file_name(&path);
                read_notebook(name, &file.text).map(|nb| (nb, file.version))
            });
            match read {
                Ok((nb, version)) => {
                    doc.replace(nb);
                    saver.reset(version);
                }
                Err(e) => store.notify(true, "Could not reload", e.message().to_owned()),
            }
        });
    });
    let add = move |t: CellType| {
        let at = doc
            .selected
            .get_untracked()
            .and_then(|id| doc.index_of(&id))
            .map_or(doc.cells.with_untracked(Vec::len), |i| i + 1);
        let id = doc.insert(at, t);
        if let Some(cell) = doc.cell(&id) {
            edit_cell(doc, cell);
        }
    };
    let save = Callback::new(move |_| {
        if saver.state.get_untracked() == super::saving::SaveState::Saved {
            saver.state.set(super::saving::SaveState::Unsaved);
        }
        saver.save();
    });
    let blocked = Signal::derive(move || {
        read_only.get().then(|| {
            "You can read this notebook; your role does not let you change files here.".to_owned()
        })
    });
    view! {
        <div class="notebook">
            <div class="toolbar notebook__toolbar" role="toolbar" aria-label="Notebook actions">
                <Button appearance=Appearance::Subtle blocked on_click=move |_| save.run(())>
                    <Icon name=IconName::Save />
                    "Save"
                </Button>
                <Button appearance=Appearance::Subtle blocked on_click=move |_| add(CellType::Code)>
                    <Icon name=IconName::Add />
                    <span class="visually-hidden">"Add "</span>
                    "Code"
                    <span class="visually-hidden">" cell"</span>
                </Button>
                <Button appearance=Appearance::Subtle blocked on_click=move |_| add(CellType::Markdown)>
                    <Icon name=IconName::Add />
                    <span class="visually-hidden">"Add "</span>
                    "Markdown"
                    <span class="visually-hidden">" cell"</span>
                </Button>
                <Button appearance=Appearance::Subtle blocked on_click=move |_| doc.clear_all_outputs()>
                    "Clear all outputs"
                </Button>
                <SaveStatus saver />
                // The kernel's place: compute, kernel, Run all, Interrupt, Restart.
                <div class="notebook__kernel-bar">{kernel::kernel_bar(doc)}</div>
            </div>
            <SaveProblem saver reload />
            <NotebookView doc folder read_only on_save=save />
        </div>
    }
}
