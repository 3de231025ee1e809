//! Reading Azure ML CLI v2 YAML (`az ml ... create -f`): a tree of values that each keep their
//! line and whether they were quoted, and the field reader the compute, datastore, data and
//! MLTable readers share. Every error names its line and field.
//!
//! The text goes through `saphyr-parser`, a maintained YAML 1.2 event parser (two small
//! dependencies, no unsafe code) whose events carry their line. The tree is built here rather
//! than with a YAML value type so that each value keeps its line and whether it was quoted: a
//! quoted scalar is always a string (the writer quotes `on`, `18:00` or `123` to mean text),
//! while a plain `yes`/`on` in a true-or-false field is read the way the CLI's PyYAML reads it.
//! serde_yaml is not used: it is archived, and its values carry no lines.

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Span, StrInput};
use std::ops::RangeInclusive;

/// Why a YAML file could not be read: where (1-based line, dotted field) and what to fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    /// The line, from 1, when one is known.
    pub line: Option<usize>,
    /// The field as a dotted path, e.g. `ssh_settings.ssh_key_value`.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for YamlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let message = &self.message;
        match (self.line, &self.field) {
            (Some(line), Some(field)) => write!(f, "line {line}, field {field}: {message}"),
            (Some(line), None) => write!(f, "line {line}: {message}"),
            (None, Some(field)) => write!(f, "field {field}: {message}"),
            (None, None) => f.write_str(message),
        }
    }
}

impl std::error::Error for YamlError {}

pub(crate) fn error(
    line: Option<usize>,
    field: Option<&str>,
    message: impl Into<String>,
) -> YamlError {
    YamlError {
        line,
        field: field.map(str::to_owned),
        message: message.into(),
    }
}

// ---- The tree: each value with its line and whether it was quoted. ----

/// A YAML value: nothing, a scalar, a map (key, its line, its value) or a list.
#[derive(Debug)]
pub(crate) enum Value {
    Null,
    /// The text, and whether it was quoted.
    Scalar(String, bool),
    Map(Vec<(String, usize, Node)>),
    List(Vec<Node>),
}

/// A value of the file and its line.
#[derive(Debug)]
pub(crate) struct Node {
    value: Value,
    line: usize,
}

/// How deep maps and lists may nest: far more than any compute file, and a bound on recursion
/// (the parser bounds flow nesting, `[[[`, but not block nesting).
const MAX_DEPTH: usize = 64;

fn at(line: usize, message: &str) -> YamlError {
    error(Some(line), None, message)
}

/// Builds the tree of a one-document stream. Anchors and aliases are refused: no compute file
/// needs them, and so a password can only ever be read as a string, which never fails on text.
pub(crate) fn parse(text: &str) -> Result<Node, YamlError> {
    let mut parser = Parser::new_from_str(text);
    let mut root = None;
    loop {
        match next(&mut parser)? {
            (Event::StreamEnd, _) => break,
            (Event::DocumentStart(_), s) if root.is_some() => {
                let message =
                    "the file has more than one YAML document; keep one resource per file";
                return Err(at(s.start.line(), message));
            }
            (Event::DocumentStart(_), _) => {
                let (event, span) = next(&mut parser)?;
                root = Some(node(&mut parser, event, span, 0)?);
            }
            _ => {} // StreamStart, DocumentEnd
        }
    }
    let empty = || {
        error(
            None,
            None,
            "the file is empty: expected keys such as name and type",
        )
    };
    root.ok_or_else(empty)
}

type Events<'a> = Parser<'a, StrInput<'a>>;

fn next<'a>(parser: &mut Events<'a>) -> Result<(Event<'a>, Span), YamlError> {
    match parser.next_event() {
        Some(Ok(next)) => Ok(next),
        Some(Err(e)) => Err(syntax(&e)),
        None => Err(error(None, None, "the file ended in the middle of a value")),
    }
}

/// The node that `event` begins.
fn node<'a>(
    parser: &mut Events<'a>,
    event: Event<'a>,
    span: Span,
    depth: usize,
) -> Result<Node, YamlError> {
    let line = span.start.line();
    if depth > MAX_DEPTH {
        return Err(at(line, "maps and lists are nested too deeply"));
    }
    let value = match event {
        Event::Alias(_)
        | Event::Scalar(_, _, 1.., _)
        | Event::SequenceStart(1.., _)
        | Event::MappingStart(1.., _) => {
            return Err(at(
                line,
                "anchors and aliases (&name, *name) are not supported here",
            ));
        }
        Event::Scalar(text, ScalarStyle::Plain, ..)
            if matches!(text.as_ref(), "~" | "null" | "Null" | "NULL" | "") =>
        {
            Value::Null
        }
        Event::Scalar(text, style, ..) => {
            Value::Scalar(text.into_owned(), style != ScalarStyle::Plain)
        }
        Event::SequenceStart(..) => {
            let mut items = Vec::new();
            loop {
                match next(parser)? {
                    (Event::SequenceEnd, _) => break Value::List(items),
                    (e, s) => items.push(node(parser, e, s, depth + 1)?),
                }
            }
        }
        Event::MappingStart(..) => {
            let mut entries: Vec<(String, usize, Node)> = Vec::new();
            loop {
                let (key, line) = match next(parser)? {
                    (Event::MappingEnd, _) => break Value::Map(entries),
                    (Event::Scalar(k, ..), s) => (k.into_owned(), s.start.line()),
                    (_, s) => {
                        return Err(at(
                            s.start.line(),
                            "a key must be a name, not a map or a list",
                        ))
                    }
                };
                if entries.iter().any(|(k, ..)| *k == key) {
                    let message = "this key appears twice in the same map";
                    return Err(error(Some(line), Some(&key), message));
                }
                let (e, s) = next(parser)?;
                entries.push((key, line, node(parser, e, s, depth + 1)?));
            }
        }
        _ => return Err(at(line, "unexpected YAML")),
    };
    Ok(Node { value, line })
}

/// A syntax error with its line. The scanner's messages never quote the text but for one
/// character, and that one is dropped here too.
fn syntax(e: &ScanError) -> YamlError {
    let info = match e.info() {
        i if i.starts_with("unexpected character") => "a plain value cannot start with %, @ or `",
        i => i,
    };
    let (line, column) = (e.marker().line(), e.marker().col() + 1);
    error(
        Some(line),
        None,
        format!("not valid YAML (column {column}): {info}"),
    )
}

// ---- Reading values: each at a dotted path and a line. ----

/// A value in the file with its dotted path and the line errors point at (its key's).
#[derive(Clone)]
pub(crate) struct Field<'a> {
    node: &'a Node,
    path: String,
    line: usize,
}

impl<'a> Field<'a> {
    pub(crate) fn new(node: &'a Node, path: String, line: usize) -> Self {
        Field { node, path, line }
    }

    /// The document itself.
    pub(crate) fn root(node: &'a Node) -> Self {
        Field::new(node, String::new(), node.line)
    }

    pub(crate) fn fail(&self, message: impl Into<String>) -> YamlError {
        let field = (!self.path.is_empty()).then_some(self.path.as_str());
        error(Some(self.line), field, message)
    }

    /// An error saying what was expected and what was found.
    pub(crate) fn expected(&self, what: &str) -> YamlError {
        let found = match &self.node.value {
            Value::Null => "nothing".to_owned(),
            Value::Map(_) => "a map".to_owned(),
            Value::List(_) => "a list".to_owned(),
            Value::Scalar(text, false) if text.parse::<i64>().is_ok() => text.clone(),
            Value::Scalar(text, quoted) => {
                let short: String = text.chars().take(40).collect();
                let cut = if short.len() < text.len() { "..." } else { "" };
                let kind = if *quoted { "the quoted string " } else { "" };
                format!(
                    "{kind}{}{cut}",
                    crate::arm::json::to_json(&serde_json::Value::from(short))
                )
            }
        };
        self.fail(format!("expected {what}, found {found}"))
    }

    pub(crate) fn string(&self) -> Result<String, YamlError> {
        let text = self.scalar().map(|(text, _)| text.to_owned());
        text.ok_or_else(|| self.expected("a string"))
    }

    /// The map of strings under `key` (tags, properties), empty when there is none.
    pub(crate) fn string_map(
        &self,
        key: &str,
    ) -> Result<std::collections::BTreeMap<String, String>, YamlError> {
        let mut out = std::collections::BTreeMap::new();
        if let Some(map) = self.get(key) {
            for (k, value) in map.map()?.entries() {
                out.insert(k.to_owned(), value.string_or_empty()?);
            }
        }
        Ok(out)
    }

    /// A string where an empty value means the empty string (tag values).
    pub(crate) fn string_or_empty(&self) -> Result<String, YamlError> {
        match self.node.value {
            Value::Null => Ok(String::new()),
            _ => self.string(),
        }
    }

    /// The text of a scalar, and whether it was quoted.
    pub(crate) fn scalar(&self) -> Option<(&str, bool)> {
        match &self.node.value {
            Value::Scalar(text, quoted) => Some((text, *quoted)),
            _ => None,
        }
    }

    /// The text of a plain (unquoted) scalar: only those can be numbers or true/false.
    pub(crate) fn plain(&self) -> Option<&str> {
        self.scalar()
            .filter(|(_, quoted)| !quoted)
            .map(|(text, _)| text)
    }

    /// `true`/`false`, or YAML 1.1's yes/no/on/off as the CLI's PyYAML reads them.
    pub(crate) fn boolean(&self) -> Result<bool, YamlError> {
        match self.plain().map(str::to_ascii_lowercase).as_deref() {
            Some("true" | "yes" | "on") => Ok(true),
            Some("false" | "no" | "off") => Ok(false),
            _ => Err(self.expected("true or false")),
        }
    }

    pub(crate) fn whole(&self, range: RangeInclusive<u64>) -> Result<u64, YamlError> {
        let n = self
            .plain()
            .and_then(|t| t.strip_prefix('+').unwrap_or(t).parse().ok());
        let (low, high) = (range.start(), range.end());
        n.filter(|n| range.contains(n))
            .ok_or_else(|| self.expected(&format!("a whole number from {low} to {high}")))
    }

    /// One of `options` (the YAML spelling, any case) as its ARM spelling.
    pub(crate) fn choice(
        &self,
        options: &[(&str, &'static str)],
    ) -> Result<&'static str, YamlError> {
        let text = self.scalar().map_or("", |(text, _)| text);
        match options.iter().find(|(y, _)| y.eq_ignore_ascii_case(text)) {
            Some((_, arm)) => Ok(arm),
            None => {
                let names: Vec<String> = options
                    .iter()
                    .map(|(y, _)| y.to_ascii_lowercase())
                    .collect();
                Err(self.expected(&format!("one of {}", names.join(", "))))
            }
        }
    }

    /// The items of a list; with `single`, one scalar counts as a list of one (as the CLI has it).
    pub(crate) fn items(&self, single: bool) -> Result<Vec<Field<'a>>, YamlError> {
        match &self.node.value {
            Value::List(items) => Ok(items
                .iter()
                .enumerate()
                .map(|(i, node)| Field::new(node, format!("{}[{i}]", self.path), node.line))
                .collect()),
            Value::Scalar(..) if single => Ok(vec![self.clone()]),
            _ => Err(self.expected("a list")),
        }
    }

    /// This field if it is a map; its keys are then read with `get`, `required`, `opt`.
    pub(crate) fn map(self) -> Result<Self, YamlError> {
        match self.node.value {
            Value::Map(_) => Ok(self),
            _ => Err(self.expected("a map of keys")),
        }
    }

    pub(crate) fn child(&self, key: &str) -> String {
        match self.path.as_str() {
            "" => key.to_owned(),
            map => format!("{map}.{key}"),
        }
    }

    /// The entries of a map, empty ones included.
    pub(crate) fn entries(&self) -> impl Iterator<Item = (&'a str, Field<'a>)> + '_ {
        let entries: &'a [_] = match &self.node.value {
            Value::Map(entries) => entries,
            _ => &[],
        };
        entries
            .iter()
            .map(|(k, line, node)| (k.as_str(), Field::new(node, self.child(k), *line)))
    }

    /// The value of `key`, unless it is absent or empty.
    pub(crate) fn get(&self, key: &str) -> Option<Field<'a>> {
        let mut entries = self.entries();
        entries
            .find(|(k, f)| *k == key && !matches!(f.node.value, Value::Null))
            .map(|(_, f)| f)
    }

    pub(crate) fn required(&self, key: &str) -> Result<Field<'a>, YamlError> {
        // A missing key points at its map's line (none for the document itself).
        let line = (!self.path.is_empty()).then_some(self.line);
        let missing = || error(line, Some(&self.child(key)), format!("{key} is required"));
        self.get(key).ok_or_else(missing)
    }

    /// The value of `key` read by `read`, unless it is absent or empty.
    pub(crate) fn opt<T>(
        &self,
        key: &str,
        read: impl FnOnce(&Field<'a>) -> Result<T, YamlError>,
    ) -> Result<Option<T>, YamlError> {
        self.get(key).as_ref().map(read).transpose()
    }

    /// Refuses keys not in `allowed` (space-separated), naming them all: the CLI's schemas
    /// refuse unknown fields.
    pub(crate) fn only(&self, allowed: &str, what: &str) -> Result<(), YamlError> {
        let allowed: Vec<&str> = allowed.split_whitespace().collect();
        let unknown: Vec<_> = self
            .entries()
            .filter(|(k, _)| !allowed.contains(k))
            .collect();
        let Some((_, first)) = unknown.first() else {
            return Ok(());
        };
        let names: Vec<String> = unknown.iter().map(|(k, _)| format!("\"{k}\"")).collect();
        let noun = if names.len() == 1 { "field" } else { "fields" };
        let (names, allowed) = (names.join(", "), allowed.join(", "));
        Err(first.fail(format!(
            "unknown {noun} {names}; {what} may have only: {allowed}"
        )))
    }
}
