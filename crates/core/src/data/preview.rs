//! The first rows of a tabular file, for a data asset's Explore tab: CSV (quotes, delimiters
//! and new lines inside fields, a UTF-8 byte order mark) and JSON lines. It reads only the
//! start of a file a store hands it, so a large file costs no more than a small one.

use crate::arm::json_de::FromValue;
use serde::{Deserialize, Serialize};

/// How many bytes of a file the studio reads to show its first rows.
pub const PREVIEW_BYTES: u64 = 256 * 1024;
/// Rows shown.
pub const PREVIEW_ROWS: usize = 100;

/// A tabular file's layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Delimited text: the delimiter, and whether the first row names the columns.
    Delimited {
        /// `,`, `;`, tab or `|`.
        delimiter: u8,
        /// Whether the first row holds the column names.
        header: bool,
    },
    /// One JSON object per line.
    JsonLines,
}

impl Format {
    /// The layout a file's name suggests: `.csv`, `.tsv`, `.txt` and `.jsonl`/`.json`.
    pub fn guess(name: &str) -> Option<Format> {
        let lower = name.to_ascii_lowercase();
        let delimited = |delimiter| {
            Some(Format::Delimited {
                delimiter,
                header: true,
            })
        };
        match lower.rsplit('.').next().unwrap_or_default() {
            "csv" | "txt" => delimited(b','),
            "tsv" => delimited(b'\t'),
            "jsonl" | "ndjson" | "json" => Some(Format::JsonLines),
            _ => None,
        }
    }

    /// The layout a request names: `format=jsonl`, or `delimiter=<one character>` with
    /// `header=false` when the first row is data; without either, the one `path`'s name
    /// suggests.
    pub fn from_params(
        path: &str,
        format: Option<&str>,
        delimiter: Option<&str>,
        header: Option<&str>,
    ) -> Result<Format, String> {
        if format.is_some_and(|f| f == "jsonl") {
            return Ok(Format::JsonLines);
        }
        match delimiter {
            Some(d) if d.len() == 1 => Ok(Format::Delimited {
                delimiter: d.as_bytes()[0],
                header: header != Some("false"),
            }),
            Some(d) => Err(format!("The delimiter must be one character, not '{d}'.")),
            None => match Format::guess(path) {
                Some(Format::Delimited { delimiter, .. }) => Ok(Format::Delimited {
                    delimiter,
                    header: header != Some("false"),
                }),
                Some(json_lines) => Ok(json_lines),
                None => Err(format!("'{path}' is not a CSV, TSV or JSON lines file; name its delimiter (delimiter=,) or format=jsonl.")),
            },
        }
    }

    /// The request parameters that name this layout (see [`Format::from_params`]).
    pub fn params(self) -> String {
        match self {
            Format::JsonLines => "format=jsonl".into(),
            Format::Delimited { delimiter, header } => {
                format!("delimiter=%{delimiter:02X}&header={header}")
            }
        }
    }
}

/// The first rows of a file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
pub struct Table {
    /// Column names (`Column1`, ... when the file has no header).
    pub columns: Vec<String>,
    /// The rows, each as text, as many cells as columns.
    pub rows: Vec<Vec<String>>,
    /// Whether the file goes on past what is shown.
    pub more: bool,
    /// Something a person should know about what is shown (text that is not UTF-8, rows of
    /// uneven length).
    pub note: Option<String>,
}

/// The first `max_rows` rows of `bytes`, the start of a file (`whole`: all of it), or why they
/// cannot be read.
pub fn preview(
    bytes: &[u8],
    whole: bool,
    format: Format,
    max_rows: usize,
) -> Result<Table, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut table = match format {
        Format::Delimited { delimiter, header } => {
            delimited(bytes, whole, delimiter, header, max_rows)?
        }
        Format::JsonLines => json_lines(bytes, whole, max_rows)?,
    };
    // A file cut inside a character at its end is fine; anything else is not UTF-8.
    if std::str::from_utf8(bytes).is_err_and(|e| whole || e.error_len().is_some()) {
        table.note = Some("Some text is not UTF-8 and is shown with � in its place; save the file as UTF-8 (or choose its encoding) to read it as written.".into());
    }
    Ok(table)
}

fn text(field: &[u8]) -> String {
    String::from_utf8_lossy(field).into_owned()
}

fn delimited(
    bytes: &[u8],
    whole: bool,
    delimiter: u8,
    header: bool,
    max_rows: usize,
) -> Result<Table, String> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut records = Vec::new();
    let mut record = csv::ByteRecord::new();
    // One row more than shown tells whether more follow; the last one read from a cut file may
    // itself be cut, so it is never shown.
    let wanted = max_rows.saturating_add(usize::from(header) + 1);
    while records.len() < wanted {
        match reader.read_byte_record(&mut record) {
            Ok(true) => records.push(record.iter().map(text).collect::<Vec<_>>()),
            Ok(false) => break,
            Err(e) => return Err(format!("The file cannot be read as delimited text: {e}.")),
        }
    }
    let ended = whole && records.len() < wanted;
    if !whole && records.len() < wanted {
        records.pop();
    }
    let columns = match header {
        true if !records.is_empty() => records.remove(0),
        _ => {
            let width = records.iter().map(Vec::len).max().unwrap_or(0);
            (1..=width).map(|i| format!("Column{i}")).collect()
        }
    };
    let more = !ended || records.len() > max_rows;
    records.truncate(max_rows);
    Ok(square(columns, records, more))
}

/// Pads or cuts every row to the columns' count, noting rows that did not fit.
fn square(columns: Vec<String>, mut rows: Vec<Vec<String>>, more: bool) -> Table {
    let width = columns.len();
    let uneven = rows.iter().filter(|r| r.len() != width).count();
    for row in &mut rows {
        row.resize(width, String::new());
    }
    Table {
        columns,
        rows,
        more,
        note: (uneven > 0).then(|| format!("{uneven} of the rows shown have a different number of fields than the header has columns.")),
    }
}

fn json_lines(bytes: &[u8], whole: bool, max_rows: usize) -> Result<Table, String> {
    let mut lines: Vec<&[u8]> = bytes
        .split(|b| *b == b'\n')
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
        .collect();
    if !whole && !bytes.ends_with(b"\n") {
        lines.pop();
    }
    let more = !whole || lines.len() > max_rows;
    let mut columns: Vec<String> = Vec::new();
    let mut objects = Vec::new();
    for (i, line) in lines.iter().take(max_rows).enumerate() {
        let value: serde_json::Value = serde_json::from_slice(line)
            .map_err(|e| format!("Line {} is not JSON: {e}.", i + 1))?;
        let serde_json::Value::Object(map) = value else {
            return Err(format!(
                "Line {} is not a JSON object ({{\"column\": value, ...}}).",
                i + 1
            ));
        };
        for key in map.keys() {
            if !columns.contains(key) {
                columns.push(key.clone());
            }
        }
        objects.push(map);
    }
    let rows = objects
        .iter()
        .map(|m| {
            columns
                .iter()
                .map(|c| match m.get(c) {
                    Some(serde_json::Value::String(s)) => s.clone(),
                    Some(serde_json::Value::Null) | None => String::new(),
                    Some(other) => crate::arm::json::to_json(other),
                })
                .collect()
        })
        .collect();
    Ok(Table {
        columns,
        rows,
        more,
        note: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: Format = Format::Delimited {
        delimiter: b',',
        header: true,
    };

    #[test]
    fn quotes_commas_new_lines_and_a_bom() {
        let file =
            "\u{feff}name,quote\n\"Braund, Mr. Owen\",\"said \"\"hi\"\"\nthen left\"\nZoë,plain\n";
        let t = preview(file.as_bytes(), true, CSV, 100).unwrap();
        assert_eq!(t.columns, ["name", "quote"]);
        assert_eq!(t.rows[0], ["Braund, Mr. Owen", "said \"hi\"\nthen left"]);
        assert_eq!(t.rows[1], ["Zoë", "plain"]);
        assert!(!t.more && t.note.is_none());
    }

    #[test]
    fn a_cut_file_shows_only_whole_rows_and_says_more_follow() {
        let file: String = std::iter::once("a,b\n".to_owned())
            .chain((0..500).map(|i| format!("{i},\"row {i}\"\n")))
            .collect();
        let cut = &file.as_bytes()[..1000];
        let t = preview(cut, false, CSV, 100).unwrap();
        assert!(t.more);
        assert!(
            t.rows.iter().all(|r| r[1] == format!("row {}", r[0])),
            "no cut row"
        );
        let t = preview(file.as_bytes(), true, CSV, 100).unwrap();
        assert_eq!((t.rows.len(), t.more), (100, true));
        let small = preview(b"a,b\n1,2\n", true, CSV, 100).unwrap();
        assert_eq!((small.rows.len(), small.more), (1, false));
    }

    #[test]
    fn no_header_uneven_rows_other_delimiters_and_bad_bytes() {
        let f = Format::Delimited {
            delimiter: b';',
            header: false,
        };
        let t = preview(b"1;2;3\n4;5\n", true, f, 10).unwrap();
        assert_eq!(t.columns, ["Column1", "Column2", "Column3"]);
        assert_eq!(t.rows[1], ["4", "5", ""]);
        let t = preview(b"a,b\n1,2,3\n", true, CSV, 10).unwrap();
        assert!(t.note.unwrap().contains("different number"));
        let t = preview(b"a,b\n\xff,2\n", true, CSV, 10).unwrap();
        assert!(t.note.unwrap().contains("not UTF-8"));
        assert_eq!(
            Format::guess("x.TSV"),
            Some(Format::Delimited {
                delimiter: b'\t',
                header: true
            })
        );
        assert_eq!(Format::guess("x.parquet"), None);
        for f in [
            CSV,
            Format::JsonLines,
            Format::Delimited {
                delimiter: b'\t',
                header: false,
            },
        ] {
            let params: std::collections::HashMap<String, String> =
                serde_urlencoded_pairs(&f.params());
            let got = Format::from_params(
                "x.bin",
                params.get("format").map(String::as_str),
                params.get("delimiter").map(String::as_str),
                params.get("header").map(String::as_str),
            );
            assert_eq!(got, Ok(f));
        }
        assert!(Format::from_params("x.bin", None, None, None).is_err());
        assert_eq!(
            Format::from_params("x.tsv", None, None, Some("false")),
            Ok(Format::Delimited {
                delimiter: b'\t',
                header: false
            })
        );
        assert!(Format::from_params("x.csv", None, Some(";;"), None).is_err());
    }

    /// `a=b&c=%09` as pairs, percent escapes decoded (enough for the parameters above).
    fn serde_urlencoded_pairs(query: &str) -> std::collections::HashMap<String, String> {
        query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .map(|(k, v)| {
                let value = match v.strip_prefix('%') {
                    Some(hex) => char::from(u8::from_str_radix(hex, 16).unwrap()).to_string(),
                    None => v.to_owned(),
                };
                (k.to_owned(), value)
            })
            .collect()
    }

    #[test]
    fn json_lines_take_every_key_in_order() {
        let t = preview(
            b"{\"a\": 1, \"b\": \"x\"}\n{\"c\": null, \"a\": [1]}\n{\"a\"",
            false,
            Format::JsonLines,
            10,
        )
        .unwrap();
        assert_eq!(t.columns, ["a", "b", "c"]);
        assert_eq!(t.rows, [vec!["1", "x", ""], vec!["[1]", "", ""]]);
        assert!(t.more);
        let e = preview(b"[1, 2]\n", true, Format::JsonLines, 10).unwrap_err();
        assert!(e.contains("not a JSON object"), "{e}");
    }
}
