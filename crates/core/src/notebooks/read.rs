//! Reading and writing `.ipynb` files: nbformat 4 as it is, nbformat 3 upgraded as nbformat's
//! own `v4.upgrade` does, anything else refused with what to do about it; written with sorted
//! keys and one space of indentation, as Jupyter writes them.

use super::model::{Cell, CellType, Map, Notebook};
use super::{KERNEL_DISPLAY_NAME, KERNEL_NAME};
use crate::arm::ArmError;
use serde::Serialize;
use serde_json::Value;

/// The nbformat version Azimuth writes.
pub const NBFORMAT: u32 = 4;
/// The minor version Azimuth writes (cells with ids).
pub const NBFORMAT_MINOR: u32 = 5;

fn refused(message: String) -> ArmError {
    ArmError::new("InvalidNotebook", message)
}

/// Reads a notebook file (`name` says which, in messages): nbformat 4, or 3 upgraded to 4.
pub fn read_notebook(name: &str, text: &str) -> Result<Notebook, ArmError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let value: Value = serde_json::from_str(text).map_err(|e| {
        refused(format!(
            "{name} is not valid JSON ({e}), so it cannot be opened as a notebook. Open it as text to repair it, or upload the notebook again."
        ))
    })?;
    let Some(version) = value.get("nbformat").and_then(Value::as_u64) else {
        return Err(refused(format!(
            "{name} is JSON but not a Jupyter notebook: it has no \"nbformat\" version. Open it as text, or rename it if it is not a notebook."
        )));
    };
    let value = match version {
        4 => value,
        3 => upgrade_v3(value),
        0..=2 => return Err(refused(format!(
            "{name} is in nbformat {version}, from IPython 0.12 or earlier, which Azimuth does not read. Convert it with `jupyter nbconvert --to notebook {name}` (it writes nbformat 4), then upload the result."
        ))),
        _ => return Err(refused(format!(
            "{name} is in nbformat {version}, newer than the nbformat 4 that Azimuth and Jupyter read. Save it from the application that made it as nbformat 4, then upload it again."
        ))),
    };
    serde_json::from_value(value).map_err(|e| {
        refused(format!(
            "{name} says it is an nbformat 4 notebook but its content does not follow nbformat 4 ({e}). Open it as text to repair it."
        ))
    })
}

/// A new notebook with one empty code cell (id `cell_id`), on the workspace's default kernel.
pub fn new_notebook(cell_id: &str) -> Notebook {
    let mut metadata = Map::new();
    let mut kernelspec = Map::new();
    kernelspec.insert("display_name".into(), KERNEL_DISPLAY_NAME.into());
    kernelspec.insert("language".into(), "python".into());
    kernelspec.insert("name".into(), KERNEL_NAME.into());
    metadata.insert("kernelspec".into(), Value::Object(kernelspec));
    let mut language = Map::new();
    language.insert("name".into(), "python".into());
    metadata.insert("language_info".into(), Value::Object(language));
    Notebook {
        metadata,
        nbformat: NBFORMAT,
        nbformat_minor: NBFORMAT_MINOR,
        cells: vec![Cell::new(CellType::Code, cell_id, "")],
        extra: Map::new(),
    }
}

/// The notebook as Jupyter writes it: keys sorted, one space of indentation, a final newline.
pub fn write_notebook(notebook: &Notebook) -> String {
    // Through a `Value`, whose maps are sorted (serde_json without `preserve_order`).
    let value = serde_json::to_value(notebook).unwrap_or(Value::Null);
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b" ");
    let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
    // Writing a `Value` to memory cannot fail.
    let _ = value.serialize(&mut ser);
    let mut text = String::from_utf8(out).unwrap_or_default();
    text.push('\n');
    text
}

/// Whether `id` is a valid cell id: 1 to 64 letters, digits, `-` or `_`.
pub fn valid_cell_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

impl Notebook {
    /// Gives every cell without a valid, unique id one from `fresh`, and marks the notebook
    /// nbformat 4.5 (the version with ids), as Jupyter does when it saves.
    pub fn fill_ids(&mut self, mut fresh: impl FnMut() -> String) {
        let mut seen = std::collections::HashSet::new();
        for cell in &mut self.cells {
            let keep = cell
                .id
                .as_deref()
                .is_some_and(|id| valid_cell_id(id) && !seen.contains(id));
            if !keep {
                let mut id = fresh();
                while seen.contains(&id) || !valid_cell_id(&id) {
                    id = fresh();
                }
                cell.id = Some(id);
            }
            seen.insert(cell.id.clone().unwrap_or_default());
        }
        self.nbformat_minor = self.nbformat_minor.max(NBFORMAT_MINOR);
    }
}

/// nbformat 3's short output keys and the mime types nbformat 4 names them by.
const V3_MIMES: [(&str, &str); 9] = [
    ("text", "text/plain"),
    ("html", "text/html"),
    ("svg", "image/svg+xml"),
    ("png", "image/png"),
    ("jpeg", "image/jpeg"),
    ("latex", "text/latex"),
    ("json", "application/json"),
    ("javascript", "application/javascript"),
    ("pdf", "application/pdf"),
];

/// nbformat 3 → 4: the first worksheet's cells, `input` → `source`, `prompt_number` →
/// `execution_count`, heading cells → Markdown `#` lines, `pyout` → `execute_result`,
/// `pyerr` → `error`, short output keys → mime types.
fn upgrade_v3(mut v3: Value) -> Value {
    let cells: Vec<Value> = v3
        .get_mut("worksheets")
        .and_then(Value::as_array_mut)
        .and_then(|w| w.first_mut())
        .and_then(|w| w.get_mut("cells"))
        .and_then(Value::as_array_mut)
        .map(std::mem::take)
        .unwrap_or_default();
    let mut metadata = match v3.get_mut("metadata").map(Value::take) {
        Some(Value::Object(m)) => m,
        _ => Map::new(),
    };
    metadata.remove("name");
    metadata.remove("signature");
    metadata.insert("orig_nbformat".into(), 3.into());
    let mut out = Map::new();
    out.insert("metadata".into(), Value::Object(metadata));
    out.insert("nbformat".into(), 4.into());
    out.insert("nbformat_minor".into(), 0.into());
    out.insert(
        "cells".into(),
        Value::Array(cells.into_iter().map(upgrade_cell).collect()),
    );
    Value::Object(out)
}

fn joined(value: Option<Value>) -> String {
    value
        .as_ref()
        .and_then(super::model::mime_text)
        .unwrap_or_default()
}

fn upgrade_cell(cell: Value) -> Value {
    let Value::Object(mut c) = cell else {
        return cell;
    };
    let kind = c
        .remove("cell_type")
        .and_then(|k| k.as_str().map(str::to_owned))
        .unwrap_or_default();
    let mut metadata = match c.remove("metadata") {
        Some(Value::Object(m)) => m,
        _ => Map::new(),
    };
    let mut out = Map::new();
    match kind.as_str() {
        "code" => {
            if let Some(collapsed) = c.remove("collapsed") {
                metadata.insert("collapsed".into(), collapsed);
            }
            out.insert("cell_type".into(), "code".into());
            out.insert("source".into(), joined(c.remove("input")).into());
            let count = c.remove("prompt_number").filter(Value::is_u64);
            let outputs = match c.remove("outputs") {
                Some(Value::Array(o)) => o.into_iter().map(upgrade_output).collect(),
                _ => Vec::new(),
            };
            out.insert("execution_count".into(), count.unwrap_or(Value::Null));
            out.insert("outputs".into(), Value::Array(outputs));
        }
        "heading" => {
            let level = c.remove("level").and_then(|l| l.as_u64()).unwrap_or(1);
            let text = joined(c.remove("source"));
            let line = text.lines().collect::<Vec<_>>().join(" ");
            out.insert("cell_type".into(), "markdown".into());
            out.insert(
                "source".into(),
                format!("{} {line}", "#".repeat(level.clamp(1, 6) as usize)).into(),
            );
        }
        "markdown" | "html" => {
            out.insert("cell_type".into(), "markdown".into());
            out.insert("source".into(), joined(c.remove("source")).into());
        }
        _ => {
            out.insert("cell_type".into(), "raw".into());
            out.insert("source".into(), joined(c.remove("source")).into());
        }
    }
    out.insert("metadata".into(), Value::Object(metadata));
    Value::Object(out)
}

fn upgrade_output(output: Value) -> Value {
    let Value::Object(mut o) = output else {
        return output;
    };
    let kind = o
        .remove("output_type")
        .and_then(|k| k.as_str().map(str::to_owned))
        .unwrap_or_default();
    let mut out = Map::new();
    let kind = match kind.as_str() {
        "pyout" | "execute_result" => {
            let count = o.remove("prompt_number").filter(Value::is_u64);
            out.insert("execution_count".into(), count.unwrap_or(Value::Null));
            "execute_result"
        }
        "pyerr" | "error" => {
            for key in ["ename", "evalue", "traceback"] {
                out.insert(key.into(), o.remove(key).unwrap_or_default());
            }
            return finish(out, "error");
        }
        "stream" => {
            let name = o
                .remove("stream")
                .or_else(|| o.remove("name"))
                .unwrap_or_else(|| "stdout".into());
            out.insert("name".into(), name);
            out.insert("text".into(), joined(o.remove("text")).into());
            return finish(out, "stream");
        }
        _ => "display_data",
    };
    let mut data = Map::new();
    for (short, mime) in V3_MIMES {
        if let Some(value) = o.remove(short) {
            let value = match (mime, value) {
                // nbformat 3 kept JSON output as a string.
                ("application/json", Value::String(s)) => {
                    serde_json::from_str(&s).unwrap_or(Value::String(s))
                }
                (_, v) => v,
            };
            data.insert(mime.into(), value);
        }
    }
    out.insert("data".into(), Value::Object(data));
    out.insert(
        "metadata".into(),
        o.remove("metadata")
            .filter(Value::is_object)
            .unwrap_or_else(|| Value::Object(Map::new())),
    );
    finish(out, kind)
}

fn finish(mut out: Map, kind: &str) -> Value {
    out.insert("output_type".into(), kind.into());
    Value::Object(out)
}
