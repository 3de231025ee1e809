//! A notebook being edited: its cells in signals, the selected cell and the mode (command or
//! edit, as Jupyter has them), and every change counted so the page knows what is unsaved.
//! This is the seam a kernel uses: it reads a cell's source and writes its outputs, execution
//! count and running state through [`NotebookDoc`]'s methods, by cell id.

use azimuth_core::notebooks::{append_output, Cell, CellType, Map, Notebook, Output};
use leptos::prelude::*;

/// Whether keys edit a cell's text or act on cells (Jupyter's two modes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Keys act on the selected cell (A, B, D D, M, Y, arrows).
    Command,
    /// Keys type into the selected cell.
    Edit,
}

/// One cell being edited; cheap to copy.
#[derive(Clone, Copy)]
pub struct CellDoc {
    /// Its nbformat id (unique in the notebook; it never changes).
    pub id: StoredValue<String>,
    /// Code, Markdown or raw.
    pub cell_type: RwSignal<CellType>,
    /// Its text.
    pub source: RwSignal<String>,
    /// A code cell's outputs.
    pub outputs: RwSignal<Vec<Output>>,
    /// A code cell's execution count.
    pub execution_count: RwSignal<Option<u32>>,
    /// Whether a kernel is running it now (`[*]`).
    pub running: RwSignal<bool>,
    /// A Markdown cell shown as its source (being edited) rather than rendered.
    pub editing: RwSignal<bool>,
    metadata: StoredValue<Map>,
    extra: StoredValue<Map>,
}

impl CellDoc {
    fn new(cell: Cell) -> Self {
        let editing = cell.cell_type == CellType::Markdown && cell.source.trim().is_empty();
        CellDoc {
            id: StoredValue::new(cell.id.unwrap_or_default()),
            cell_type: RwSignal::new(cell.cell_type),
            source: RwSignal::new(cell.source),
            outputs: RwSignal::new(cell.outputs),
            execution_count: RwSignal::new(cell.execution_count),
            running: RwSignal::new(false),
            editing: RwSignal::new(editing),
            metadata: StoredValue::new(cell.metadata),
            extra: StoredValue::new(cell.extra),
        }
    }

    /// The cell as nbformat writes it (read without tracking).
    pub fn to_cell(&self) -> Cell {
        Cell {
            cell_type: self.cell_type.get_untracked(),
            id: Some(self.id.get_value()),
            metadata: self.metadata.get_value(),
            source: self.source.get_untracked(),
            outputs: self.outputs.get_untracked(),
            execution_count: self.execution_count.get_untracked(),
            extra: self.extra.get_value(),
        }
    }
}

/// A notebook being edited; cheap to copy into closures.
#[derive(Clone, Copy)]
pub struct NotebookDoc {
    /// The cells, in order.
    pub cells: RwSignal<Vec<CellDoc>>,
    /// The id of the selected cell.
    pub selected: RwSignal<Option<String>>,
    /// Command or edit mode.
    pub mode: RwSignal<Mode>,
    /// Counts changes: bumped by every edit, so the page saves what changed since a save.
    pub changes: RwSignal<u64>,
    /// Bumped when the whole notebook is replaced (read again), so every cell is shown anew.
    pub generation: RwSignal<u64>,
    /// Its kernel: where it runs, and the cells waiting to run.
    pub kernel: super::kernel::KernelState,
    /// The notebook's metadata and other top-level fields, kept as read.
    base: StoredValue<Notebook>,
    owner: StoredValue<Option<Owner>, LocalStorage>,
}

/// A fresh cell id: eight hex digits, as Jupyter makes them.
pub fn new_cell_id() -> String {
    let n = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    let m = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    format!("{n:08x}-{:04x}", m & 0xffff)
}

impl NotebookDoc {
    /// The document of `notebook` (cells without ids are given some).
    pub fn new(mut notebook: Notebook) -> Self {
        notebook.fill_ids(new_cell_id);
        let cells: Vec<CellDoc> = std::mem::take(&mut notebook.cells)
            .into_iter()
            .map(CellDoc::new)
            .collect();
        let first = cells.first().map(|c| c.id.get_value());
        NotebookDoc {
            cells: RwSignal::new(cells),
            selected: RwSignal::new(first),
            mode: RwSignal::new(Mode::Command),
            changes: RwSignal::new(0),
            generation: RwSignal::new(0),
            kernel: super::kernel::KernelState::new(),
            base: StoredValue::new(notebook),
            owner: StoredValue::new_local(Owner::current()),
        }
    }

    /// Replaces the whole notebook (read again from its file); not an edit.
    pub fn replace(&self, mut notebook: Notebook) {
        notebook.fill_ids(new_cell_id);
        let cells = std::mem::take(&mut notebook.cells);
        let make = move || cells.into_iter().map(CellDoc::new).collect::<Vec<_>>();
        let cells = match self.owner.get_value() {
            Some(owner) => owner.with(make),
            None => make(),
        };
        let first = cells.first().map(|c| c.id.get_value());
        self.base.set_value(notebook);
        self.generation.update(|g| *g += 1);
        self.selected.set(first);
        self.mode.set(Mode::Command);
        self.cells.set(cells);
    }

    /// The whole notebook as it stands (read without tracking).
    pub fn to_notebook(&self) -> Notebook {
        let mut notebook = self.base.get_value();
        notebook.cells = self
            .cells
            .with_untracked(|c| c.iter().map(CellDoc::to_cell).collect());
        notebook
    }

    /// Marks an edit.
    pub fn changed(&self) {
        self.changes.update(|n| *n += 1);
    }

    /// The cell with id `id`.
    pub fn cell(&self, id: &str) -> Option<CellDoc> {
        self.cells
            .with_untracked(|c| c.iter().find(|c| c.id.with_value(|i| i == id)).copied())
    }

    /// Where the cell `id` is (0 for the first).
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.cells
            .with_untracked(|c| c.iter().position(|c| c.id.with_value(|i| i == id)))
    }

    /// The selected cell.
    pub fn selected_cell(&self) -> Option<CellDoc> {
        self.selected.get_untracked().and_then(|id| self.cell(&id))
    }

    /// The ids and sources of the code cells, in order (what "Run all" runs).
    pub fn code_cells(&self) -> Vec<(String, String)> {
        self.cells.with_untracked(|c| {
            c.iter()
                .filter(|c| c.cell_type.get_untracked() == CellType::Code)
                .map(|c| (c.id.get_value(), c.source.get_untracked()))
                .collect()
        })
    }

    /// Replaces a code cell's outputs.
    pub fn set_outputs(&self, id: &str, outputs: Vec<Output>) {
        if let Some(cell) = self.cell(id) {
            cell.outputs.set(outputs);
            self.changed();
        }
    }

    /// Adds an output to a code cell (a stream after the same stream is merged into it).
    pub fn append_output(&self, id: &str, output: Output) {
        if let Some(cell) = self.cell(id) {
            cell.outputs.update(|o| append_output(o, output));
            self.changed();
        }
    }

    /// Clears a code cell's outputs and execution count, as Jupyter's "Clear output" does.
    pub fn clear_outputs(&self, id: &str) {
        if let Some(cell) = self.cell(id) {
            cell.outputs.set(Vec::new());
            cell.execution_count.set(None);
            self.changed();
        }
    }

    /// Clears every cell's outputs and execution counts.
    pub fn clear_all_outputs(&self) {
        self.cells.with_untracked(|c| {
            for cell in c {
                cell.outputs.set(Vec::new());
                cell.execution_count.set(None);
            }
        });
        self.changed();
    }

    /// Sets a code cell's execution count (`[n]:`), or none.
    pub fn set_execution_count(&self, id: &str, count: Option<u32>) {
        if let Some(cell) = self.cell(id) {
            cell.execution_count.set(count);
            self.changed();
        }
    }

    /// Marks a code cell as running (`[*]:`) or not; not an edit.
    pub fn set_running(&self, id: &str, running: bool) {
        if let Some(cell) = self.cell(id) {
            cell.running.set(running);
        }
    }

    /// Inserts a new empty cell of `cell_type` at `index`, selects it; answers its id.
    pub fn insert(&self, index: usize, cell_type: CellType) -> String {
        let id = new_cell_id();
        let cell = Cell::new(cell_type, id.clone(), "");
        let make = move || CellDoc::new(cell);
        let doc = match self.owner.get_value() {
            Some(owner) => owner.with(make),
            None => make(),
        };
        self.cells.update(|c| c.insert(index.min(c.len()), doc));
        self.selected.set(Some(id.clone()));
        self.changed();
        id
    }

    /// Inserts a new cell above (`below` false) or below the cell `id`.
    pub fn insert_next_to(&self, id: &str, below: bool, cell_type: CellType) -> String {
        let at = self.index_of(id).map_or(0, |i| i + usize::from(below));
        self.insert(at, cell_type)
    }

    /// Deletes the cell `id`, selecting the one after it (or before, at the end). A notebook
    /// keeps at least one cell, as Jupyter's does.
    pub fn delete(&self, id: &str) {
        let Some(at) = self.index_of(id) else { return };
        self.cells.update(|c| {
            c.remove(at);
        });
        if self.cells.with_untracked(Vec::is_empty) {
            self.insert(0, CellType::Code);
            return;
        }
        let next = self
            .cells
            .with_untracked(|c| c.get(at.min(c.len() - 1)).map(|c| c.id.get_value()));
        self.selected.set(next);
        self.changed();
    }

    /// Moves the cell `id` one place up (`by` −1) or down (+1).
    pub fn shift(&self, id: &str, by: isize) {
        let Some(at) = self.index_of(id) else { return };
        let to = at as isize + by;
        let len = self.cells.with_untracked(Vec::len) as isize;
        if to < 0 || to >= len {
            return;
        }
        self.cells.update(|c| c.swap(at, to as usize));
        self.changed();
    }

    /// Changes a cell's type; a cell that stops being code loses its outputs.
    pub fn set_type(&self, id: &str, cell_type: CellType) {
        let Some(cell) = self.cell(id) else { return };
        if cell.cell_type.get_untracked() == cell_type {
            return;
        }
        cell.cell_type.set(cell_type);
        if cell_type != CellType::Code {
            cell.outputs.set(Vec::new());
            cell.execution_count.set(None);
        }
        cell.editing.set(cell_type == CellType::Markdown);
        self.changed();
    }

    /// Selects the cell `by` places after (+) or before (−) the selected one; answers it.
    pub fn select_step(&self, by: isize) -> Option<String> {
        let at = self
            .selected
            .get_untracked()
            .and_then(|id| self.index_of(&id))
            .unwrap_or(0) as isize;
        let next = self.cells.with_untracked(|c| {
            let to = (at + by).clamp(0, c.len() as isize - 1);
            c.get(to as usize).map(|c| c.id.get_value())
        });
        if next.is_some() {
            self.selected.set(next.clone());
        }
        next
    }
}
