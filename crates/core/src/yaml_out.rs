//! Azure ML CLI v2 YAML as the assets write it (`az ml compute|data|datastore create -f`).
//!
//! Emitted by hand from a small ordered tree rather than with a YAML crate: output only needs
//! block maps, lists and safely quoted scalars, and a YAML library would add tens of kilobytes
//! to the studio's wasm for no gain here.

/// A YAML value: a scalar already rendered, a map in order, or a list.
pub(crate) enum Node {
    Scalar(String),
    Map(Vec<(String, Node)>),
    List(Vec<Node>),
}

pub(crate) fn text(s: &str) -> Node {
    Node::Scalar(quote(s))
}

pub(crate) fn raw(s: impl ToString) -> Node {
    Node::Scalar(s.to_string())
}

/// `key:` followed by a map of strings (tags, properties), or nothing when the map is empty.
pub(crate) fn string_map(
    key: &str,
    map: &std::collections::BTreeMap<String, String>,
) -> Option<(String, Node)> {
    (!map.is_empty()).then(|| {
        let entries = map.iter().map(|(k, v)| (k.clone(), text(v)));
        (key.to_owned(), Node::Map(entries.collect()))
    })
}

/// Quotes a string when plain YAML would read it as something else.
pub(crate) fn quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./@:+ $".contains(c))
        // YAML 1.1 readers (PyYAML, which the Azure ML CLI uses) take 18:00, 2026-01-01,
        // 0x1F, 1_000 or .inf for numbers or dates: anything starting like a number is quoted
        // (which is every number YAML knows, so no float parser is needed here).
        && !s.starts_with(|c: char| c.is_ascii_digit() || "-+. :@".contains(c))
        && !s.ends_with([' ', ':'])
        && !s.contains(": ")
        && !s.contains(" #")
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~"
        );
    if plain {
        s.to_owned()
    } else {
        serde_json::to_string(s).expect("strings serialize")
    }
}

fn emit(node: &Node, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match node {
        Node::Scalar(s) => {
            out.push(' ');
            out.push_str(s);
            out.push('\n');
        }
        Node::Map(entries) => {
            out.push('\n');
            for (k, v) in entries {
                out.push_str(&format!("{pad}{}:", quote(k)));
                emit(v, indent + 2, out);
            }
        }
        Node::List(items) => {
            out.push('\n');
            for item in items {
                let mut nested = String::new();
                emit(item, indent + 2, &mut nested);
                // The first line of the item goes after "- ".
                let body = nested.trim_start_matches('\n');
                let body = body
                    .strip_prefix(&" ".repeat(indent + 2))
                    .unwrap_or(body.trim_start());
                out.push_str(&format!("{pad}- {body}"));
            }
        }
    }
}

/// A document (a map's entries in order) as YAML text.
pub(crate) fn write(doc: Vec<(String, Node)>) -> String {
    let mut out = String::new();
    emit(&Node::Map(doc), 0, &mut out);
    out.trim_start_matches('\n').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_keeps_yaml_unambiguous() {
        assert_eq!(quote("Standard_DS11_v2"), "Standard_DS11_v2");
        assert_eq!(quote("true"), "\"true\"");
        assert_eq!(quote("123"), "\"123\"");
        assert_eq!(quote(""), "\"\"");
        assert_eq!(
            quote("<img src=x onerror=alert(1)>"),
            "\"<img src=x onerror=alert(1)>\""
        );
        assert_eq!(quote("a: b"), "\"a: b\"");
        // YAML floats need the leading dot: "inf" and "nan" are plain strings to YAML readers.
        assert_eq!(quote("inf"), "inf");
        assert_eq!(quote("line\nbreak"), "\"line\\nbreak\"");
        for looks_like_a_number_or_date in [
            "18:00",
            "2026-01-01",
            "2021-03-10T21:21:07",
            "0x1F",
            "1_000",
            ".inf",
            "-.5",
            "1e5",
            ".NaN",
            "+1",
        ] {
            assert!(
                quote(looks_like_a_number_or_date).starts_with('"'),
                "{looks_like_a_number_or_date}"
            );
        }
    }
}
