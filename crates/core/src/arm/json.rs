//! JSON text, written by the one serializer the wasm carries.
//!
//! The studio shows ARM JSON indented but stores it compact. Re-indenting the compact text here,
//! instead of calling `serde_json::to_string_pretty`, keeps one serializer per type in the wasm
//! rather than two (compact and pretty), which is tens of kilobytes. For the same reason a
//! `Value` is never written with `Display` (`value.to_string()`, `format!("{value}")`): that
//! goes through serde_json's writer into a `fmt::Formatter`, a serializer of its own (compact
//! and pretty), and its `io::Error` made from a `&str` brings `str`'s `Debug` with its Unicode
//! tables: 3.6 to 4.1 KB brotli in each of the 15 pages that did it (2026-12-03). The build
//! refuses a module with those tables (`xtask/src/refused_tables.rs`).

use serde::Serialize;
use serde_json::Value;

/// A value as compact JSON text: what `value.to_string()` writes, without its serializer.
pub fn to_json(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// A value as JSON indented by two spaces, like `serde_json::to_string_pretty`.
pub fn to_pretty_json<T: Serialize>(value: &T) -> String {
    indent(&serde_json::to_string(value).unwrap_or_default())
}

/// Re-indents compact JSON text.
pub fn indent(compact: &str) -> String {
    let mut out = String::with_capacity(compact.len() * 2);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = compact.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.extend(std::iter::repeat_n("  ", depth));
    };
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                if matches!(chars.peek(), Some('}' | ']')) {
                    out.push(chars.next().unwrap_or(c));
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn matches_serde_json_pretty() {
        let v = json!({"a": [1, 2, {"b": "x,{y}:\"z\"\\"}], "c": {}, "d": [], "e": null, "f": {"g": true}});
        assert_eq!(
            to_pretty_json(&v),
            serde_json::to_string_pretty(&v).unwrap()
        );
        let ws = crate::Workspace::seed(5);
        assert_eq!(
            to_pretty_json(&ws),
            serde_json::to_string_pretty(&ws).unwrap()
        );
    }
}
