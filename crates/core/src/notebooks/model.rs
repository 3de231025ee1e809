//! nbformat 4 as Jupyter writes it: a notebook's metadata and cells, a code cell's outputs.
//! Fields this model does not name are kept in `extra` maps, so a notebook read and written
//! again loses nothing. Multi-line strings are read as a string or a list of strings and written
//! as a list of lines, as Jupyter does.

use crate::arm::json_de::FromValue;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use std::collections::BTreeMap;

/// A JSON object (a notebook's, cell's or output's metadata, or fields kept as they came).
pub type Map = serde_json::Map<String, Value>;

/// An output's data: mime type → content (a string, a list of lines, or JSON).
pub type MimeBundle = BTreeMap<String, Value>;

/// A Jupyter notebook.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FromValue)]
pub struct Notebook {
    /// Its metadata (`kernelspec`, `language_info`, anything else).
    #[serde(default)]
    pub metadata: Map,
    /// The major format version (4).
    pub nbformat: u32,
    /// The minor format version (5 once cells have ids).
    pub nbformat_minor: u32,
    /// The cells, in order.
    #[serde(default)]
    pub cells: Vec<Cell>,
    /// Fields nbformat 4 does not define, kept as they came.
    #[serde(flatten)]
    pub extra: Map,
}

/// What a cell holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "lowercase")]
pub enum CellType {
    /// Code the kernel runs.
    Code,
    /// Markdown, shown rendered.
    Markdown,
    /// Text passed on as it is (to nbconvert).
    Raw,
}

impl CellType {
    /// The name Jupyter's menus use.
    pub fn label(self) -> &'static str {
        match self {
            CellType::Code => "Code",
            CellType::Markdown => "Markdown",
            CellType::Raw => "Raw",
        }
    }
}

/// One cell of a notebook.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    /// Code, Markdown or raw.
    pub cell_type: CellType,
    /// Its id (nbformat 4.5): letters, digits, `-` and `_`, unique in the notebook.
    pub id: Option<String>,
    /// Its metadata.
    pub metadata: Map,
    /// Its text.
    pub source: String,
    /// A code cell's outputs (empty for the others).
    pub outputs: Vec<Output>,
    /// A code cell's execution count, once run.
    pub execution_count: Option<u32>,
    /// Other fields (a Markdown cell's `attachments`), kept as they came.
    pub extra: Map,
}

impl Cell {
    /// A new cell of `cell_type` with `source` and id `id`.
    pub fn new(cell_type: CellType, id: impl Into<String>, source: impl Into<String>) -> Self {
        Cell {
            cell_type,
            id: Some(id.into()),
            metadata: Map::new(),
            source: source.into(),
            outputs: Vec::new(),
            execution_count: None,
            extra: Map::new(),
        }
    }
}

/// One output of a code cell.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(tag = "output_type", rename_all = "snake_case")]
pub enum Output {
    /// Text the code printed to `stdout` or `stderr` (`name`).
    Stream {
        /// `stdout` or `stderr`.
        name: String,
        /// The text.
        #[serde(with = "lines")]
        text: String,
        /// Other fields, kept.
        #[serde(flatten)]
        extra: Map,
    },
    /// Something the code displayed (`display()`, a plot).
    DisplayData {
        /// Mime type → content.
        #[serde(default, serialize_with = "bundle", deserialize_with = "bundle_in")]
        data: MimeBundle,
        /// Per-output metadata (an image's size).
        #[serde(default)]
        metadata: Map,
        /// Other fields, kept.
        #[serde(flatten)]
        extra: Map,
    },
    /// The value of a cell's last expression.
    ExecuteResult {
        /// Mime type → content.
        #[serde(default, serialize_with = "bundle", deserialize_with = "bundle_in")]
        data: MimeBundle,
        /// Per-output metadata.
        #[serde(default)]
        metadata: Map,
        /// The count of the run that made it.
        #[serde(default)]
        execution_count: Option<u32>,
        /// Other fields, kept.
        #[serde(flatten)]
        extra: Map,
    },
    /// An exception the code raised.
    Error {
        /// The exception's class, e.g. `ZeroDivisionError`.
        ename: String,
        /// Its message.
        evalue: String,
        /// The traceback's lines (with ANSI colour codes).
        #[serde(default)]
        traceback: Vec<String>,
        /// Other fields, kept.
        #[serde(flatten)]
        extra: Map,
    },
    /// An output of a type nbformat 4 does not define, kept as it came.
    #[serde(untagged)]
    Unknown(Value),
}

impl Output {
    /// A stream output (`stdout` or `stderr`).
    pub fn stream(name: &str, text: impl Into<String>) -> Self {
        Output::Stream {
            name: name.to_owned(),
            text: text.into(),
            extra: Map::new(),
        }
    }

    /// A display_data output.
    pub fn display(data: MimeBundle) -> Self {
        Output::DisplayData {
            data,
            metadata: Map::new(),
            extra: Map::new(),
        }
    }

    /// An execute_result output of run `execution_count`.
    pub fn result(data: MimeBundle, execution_count: Option<u32>) -> Self {
        Output::ExecuteResult {
            data,
            metadata: Map::new(),
            execution_count,
            extra: Map::new(),
        }
    }

    /// An error output.
    pub fn error(ename: &str, evalue: &str, traceback: Vec<String>) -> Self {
        Output::Error {
            ename: ename.to_owned(),
            evalue: evalue.to_owned(),
            traceback,
            extra: Map::new(),
        }
    }

    /// An output from its nbformat JSON (e.g. a kernel message's content with `output_type`).
    pub fn from_value(value: Value) -> Self {
        serde_json::from_value(value.clone()).unwrap_or(Output::Unknown(value))
    }
}

/// Adds `output` after `outputs`, merging it into the last one when both are the same stream
/// (`stdout` after `stdout`), as Jupyter does.
pub fn append_output(outputs: &mut Vec<Output>, output: Output) {
    if let (
        Some(Output::Stream { name, text, .. }),
        Output::Stream {
            name: new_name,
            text: more,
            ..
        },
    ) = (outputs.last_mut(), &output)
    {
        if name == new_name {
            text.push_str(more);
            return;
        }
    }
    outputs.push(output);
}

/// A mime bundle's entry as text (a list of lines joined), if it is text.
pub fn mime_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Array(items) => items
            .iter()
            .map(|i| i.as_str())
            .collect::<Option<Vec<_>>>()
            .map(|l| l.concat()),
        _ => None,
    }
}

/// `text` as Jupyter writes it: a list of lines, each with its `\n` but the last.
pub fn split_lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// Reads a string or a list of strings as one string; writes it as a list of lines.
pub(crate) mod lines {
    use super::*;

    pub fn serialize<S: Serializer>(text: &str, s: S) -> Result<S::Ok, S::Error> {
        split_lines(text).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        #[derive(Deserialize, FromValue)]
        #[serde(untagged)]
        enum Multiline {
            One(String),
            Many(Vec<String>),
        }
        Ok(match Option::<Multiline>::deserialize(d)? {
            None => String::new(),
            Some(Multiline::One(s)) => s,
            Some(Multiline::Many(l)) => l.concat(),
        })
    }
}

/// Mime types nbformat keeps as one string (base64), not split into lines.
const UNSPLIT: [&str; 3] = ["image/png", "image/jpeg", "application/pdf"];

/// Writes a bundle as nbformat does: text entries as lists of lines, base64 and JSON as they are.
fn bundle<S: Serializer>(data: &MimeBundle, s: S) -> Result<S::Ok, S::Error> {
    let split: BTreeMap<&str, Value> = data
        .iter()
        .map(|(mime, value)| {
            let json = mime == "application/json" || mime.ends_with("+json");
            let value = match value {
                Value::String(text) if !json && !UNSPLIT.contains(&mime.as_str()) => Value::Array(
                    split_lines(text)
                        .into_iter()
                        .map(|l| Value::String(l.to_owned()))
                        .collect(),
                ),
                other => other.clone(),
            };
            (mime.as_str(), value)
        })
        .collect();
    split.serialize(s)
}

/// Reads a bundle as nbformat does: text entries given as lists of lines joined.
fn bundle_in<'de, D: Deserializer<'de>>(d: D) -> Result<MimeBundle, D::Error> {
    let mut data = MimeBundle::deserialize(d)?;
    for (mime, value) in data.iter_mut() {
        let json = mime == "application/json" || mime.ends_with("+json");
        if !json && value.is_array() {
            if let Some(text) = mime_text(value) {
                *value = Value::String(text);
            }
        }
    }
    Ok(data)
}

/// A cell as it is read.
#[derive(Deserialize, FromValue)]
struct CellIn {
    cell_type: CellType,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    metadata: Map,
    #[serde(default, with = "lines")]
    source: String,
    #[serde(default)]
    outputs: Vec<Output>,
    #[serde(default)]
    execution_count: Option<u32>,
    #[serde(flatten)]
    extra: Map,
}

/// A cell as it is written: `outputs` and `execution_count` (null or a number) only for code.
#[derive(Serialize)]
struct CellOut<'a> {
    cell_type: CellType,
    #[serde(skip_serializing_if = "Option::is_none")]
    execution_count: Option<Option<u32>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    metadata: &'a Map,
    #[serde(skip_serializing_if = "Option::is_none")]
    outputs: Option<&'a [Output]>,
    source: Vec<&'a str>,
    #[serde(flatten)]
    extra: &'a Map,
}

impl crate::arm::json_de::FromValue for Cell {
    fn from_value(value: serde_json::Value) -> Result<Self, serde_json::Error> {
        crate::arm::json_de::by_serde(value)
    }
}

impl<'de> Deserialize<'de> for Cell {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let c = CellIn::deserialize(d)?;
        let code = c.cell_type == CellType::Code;
        Ok(Cell {
            cell_type: c.cell_type,
            id: c.id,
            metadata: c.metadata,
            source: c.source,
            outputs: if code { c.outputs } else { Vec::new() },
            execution_count: c.execution_count.filter(|_| code),
            extra: c.extra,
        })
    }
}

impl Serialize for Cell {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let code = self.cell_type == CellType::Code;
        CellOut {
            cell_type: self.cell_type,
            execution_count: code.then_some(self.execution_count),
            id: self.id.as_deref(),
            metadata: &self.metadata,
            outputs: code.then_some(self.outputs.as_slice()),
            source: split_lines(&self.source),
            extra: &self.extra,
        }
        .serialize(s)
    }
}
