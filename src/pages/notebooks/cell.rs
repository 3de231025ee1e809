//! One cell of a notebook: its toolbar (type, insert above and below, move, clear output,
//! delete), its prompt (`[3]:`, `[*]:` while a kernel runs it), its source in a highlighted
//! editor, a Markdown cell rendered until it is edited (double-click or Enter), and a code
//! cell's outputs.

use super::code_area::CodeArea;
use super::doc::{CellDoc, Mode, NotebookDoc};
use super::markdown::MarkdownView;
use super::outputs::Outputs;
use crate::components::{Icon, IconName};
use azimuth_core::notebooks::highlight::Language;
use azimuth_core::notebooks::CellType;
use leptos::prelude::*;

/// Puts the focus on a cell (command mode) or in its editor (edit mode), once the page shows it.
pub fn focus_cell(id: String, mode: Mode) {
    request_animation_frame(move || {
        let selector = format!(".cell[data-cell-id=\"{id}\"]");
        let Ok(Some(cell)) = document().query_selector(&selector) else {
            return;
        };
        let target = match mode {
            Mode::Edit => cell.query_selector("textarea").ok().flatten(),
            Mode::Command => Some(cell),
        };
        if let Some(el) =
            target.and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(t).ok())
        {
            let _ = el.focus();
        }
    });
}

/// Puts a cell in edit mode: a Markdown cell shows its source; the focus goes into it.
pub fn edit_cell(doc: NotebookDoc, cell: CellDoc) {
    if cell.cell_type.get_untracked() == CellType::Markdown {
        cell.editing.set(true);
    }
    doc.selected.set(Some(cell.id.get_value()));
    doc.mode.set(Mode::Edit);
    focus_cell(cell.id.get_value(), Mode::Edit);
}

fn type_name(t: CellType) -> &'static str {
    match t {
        CellType::Code => "code",
        CellType::Markdown => "markdown",
        CellType::Raw => "raw",
    }
}

/// A small toolbar button with an icon or a symbol and an accessible name.
fn tool(
    label: &'static str,
    symbol: &'static str,
    disabled: Signal<bool>,
    act: impl Fn() + 'static,
) -> impl IntoView {
    view! {
        <button type="button" class="icon-button cell__tool" aria-label=label title=label disabled=move || disabled.get() on:click=move |ev| { ev.stop_propagation(); act(); }>
            <span aria-hidden="true">{symbol}</span>
        </button>
    }
}

/// One cell.
#[component]
pub fn CellView(
    /// The notebook.
    doc: NotebookDoc,
    /// The cell.
    cell: CellDoc,
    /// The notebook's folder (relative links in Markdown start there).
    #[prop(into)]
    folder: Signal<String>,
    /// Shown but not editable (a sample, or someone who may not write).
    #[prop(into)]
    read_only: Signal<bool>,
) -> impl IntoView {
    let id = cell.id.get_value();
    let number = {
        let id = id.clone();
        Memo::new(move |_| {
            doc.cells
                .with(|c| c.iter().position(|c| c.id.with_value(|i| *i == id)))
                .map_or(0, |i| i + 1)
        })
    };
    let selected = {
        let id = id.clone();
        Memo::new(move |_| doc.selected.with(|s| s.as_deref() == Some(id.as_str())))
    };
    let kind = move || cell.cell_type.get();
    let label = move || format!("Cell {}, {}", number.get(), kind().label());
    let count = move || {
        if cell.running.get() {
            "[*]:".to_owned()
        } else {
            match cell.execution_count.get() {
                Some(n) => format!("[{n}]:"),
                None => "[ ]:".to_owned(),
            }
        }
    };
    let cell_id = StoredValue::new(id.clone());
    let me = move || cell_id.get_value();
    let select = move |ev: web_sys::MouseEvent| {
        let in_editor = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .is_some_and(|t| {
                t.closest("textarea, button, select, a, iframe")
                    .ok()
                    .flatten()
                    .is_some()
            });
        doc.selected.set(Some(me()));
        if !in_editor {
            doc.mode.set(Mode::Command);
        }
    };
    let first = Signal::derive(move || number.get() <= 1);
    let last = Signal::derive(move || number.get() >= doc.cells.with(Vec::len));
    let never = Signal::stored(false);
    let source_label =
        Signal::derive(move || format!("Cell {} source ({})", number.get(), kind().label()));
    let language = Signal::derive(move || match cell.cell_type.get() {
        CellType::Code => Language::Python,
        _ => Language::Plain,
    });
    let edited = Callback::new(move |_| doc.changed());
    let focused = Callback::new(move |_| {
        doc.selected.set(Some(me()));
        doc.mode.set(Mode::Edit);
    });
    let editor = move || {
        let rendered = kind() == CellType::Markdown && !cell.editing.get();
        if rendered {
            let empty = cell.source.with(|s| s.trim().is_empty());
            view! {
                <div class="cell__rendered" on:dblclick=move |_| if !read_only.get_untracked() { edit_cell(doc, cell) }>
                    {if empty {
                        view! { <p class="muted">"Empty Markdown cell: double-click or press Enter to edit it."</p> }.into_any()
                    } else {
                        view! { <MarkdownView text=cell.source folder /> }.into_any()
                    }}
                </div>
            }
            .into_any()
        } else {
            view! { <CodeArea text=cell.source language label=source_label readonly=read_only on_edit=edited on_focus=focused /> }.into_any()
        }
    };
    view! {
        <div
            class=move || format!("cell cell--{}", type_name(kind()))
            class:cell--selected=move || selected.get()
            class:cell--editing=move || selected.get() && doc.mode.get() == Mode::Edit
            role="listitem"
            aria-label=label
            aria-current=move || selected.get().then_some("true")
            tabindex="-1"
            data-cell-id=id.clone()
            on:click=select
        >
            // Only the selected cell has its toolbar, as in JupyterLab: a long notebook opens
            // without building two hundred hidden ones.
            <Show when=move || selected.get() && !read_only.get()>
                <div class="cell__toolbar" role="toolbar" aria-label="Cell actions">
                    <select
                        class="cell__type"
                        aria-label="Cell type"
                        on:change=move |ev| {
                            let t = match event_target_value(&ev).as_str() {
                                "markdown" => CellType::Markdown,
                                "raw" => CellType::Raw,
                                _ => CellType::Code,
                            };
                            doc.set_type(&me(), t);
                        }
                    >
                        {[CellType::Code, CellType::Markdown, CellType::Raw].map(|t| view! {
                            <option value=type_name(t) selected=move || kind() == t>{t.label()}</option>
                        })}
                    </select>
                    {tool("Insert cell above", "↥+", never, move || { let id = doc.insert_next_to(&me(), false, CellType::Code); focus_cell(id, Mode::Edit); doc.mode.set(Mode::Edit); })}
                    {tool("Insert cell below", "↧+", never, move || { let id = doc.insert_next_to(&me(), true, CellType::Code); focus_cell(id, Mode::Edit); doc.mode.set(Mode::Edit); })}
                    {tool("Move cell up", "↑", first, move || doc.shift(&me(), -1))}
                    {tool("Move cell down", "↓", last, move || doc.shift(&me(), 1))}
                    <Show when=move || kind() == CellType::Code>
                        {tool("Clear cell output", "⌫", never, move || doc.clear_outputs(&me()))}
                    </Show>
                    <button type="button" class="icon-button cell__tool" aria-label="Delete cell" title="Delete cell" on:click=move |ev| { ev.stop_propagation(); doc.delete(&me()); if let Some(id) = doc.selected.get_untracked() { focus_cell(id, Mode::Command); } }>
                        <Icon name=IconName::Delete />
                    </button>
                </div>
            </Show>
            <div class="cell__body">
                <div class="cell__prompt" aria-hidden=move || (kind() != CellType::Code).then_some("true")>
                    {move || (kind() == CellType::Code).then(count)}
                </div>
                <div class="cell__main">
                    {editor}
                    <Show when=move || kind() == CellType::Code>
                        <Outputs outputs=cell.outputs folder />
                    </Show>
                </div>
            </div>
        </div>
    }
}
