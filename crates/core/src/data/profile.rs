//! A tabular file's profile, for a data asset's Profile tab: per column its type, how many
//! values are present and missing, how many are distinct, min / max / mean / standard deviation
//! and a histogram for numbers, the most frequent values for the rest.
//!
//! It reads a file once, row by row, in memory that does not grow with the file: a histogram
//! that widens its bins as values fall outside them (counts stay exact), and exact value counts
//! until a column has more than [`EXACT_DISTINCT`] distinct values, then a HyperLogLog sketch.
//! Both stores run it: the server on its files, the browser in a Web Worker.

use super::columns::ColumnStats;
use super::preview::{Format, Table};
use crate::arm::json_de::FromValue;
use serde::{Deserialize, Serialize};
use std::io::{BufRead, BufReader, Read};

/// Bars in a numeric column's histogram, at most.
pub const HISTOGRAM_BINS: usize = 20;
/// Most frequent values listed for a column that is not numeric.
pub const TOP_VALUES: usize = 8;
/// Distinct values counted exactly per column; past this the count is an estimate (±1 %).
pub const EXACT_DISTINCT: usize = 10_000;
/// Columns profiled, at most (the rest are named in the profile's note).
pub const MAX_COLUMNS: usize = 500;

/// What a column holds, as its present values all read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub enum ColumnType {
    /// Whole numbers.
    Integer,
    /// Numbers with a fraction or an exponent.
    Decimal,
    /// `true` / `false`, in any case.
    Boolean,
    /// ISO 8601 dates, with or without a time (`2024-05-01`, `2024-05-01T08:30:00Z`).
    Date,
    /// Anything else.
    Text,
    /// No value present in any row.
    Empty,
}

impl ColumnType {
    /// The type's name as the studio shows it.
    pub fn label(self) -> &'static str {
        match self {
            ColumnType::Integer => "Integer",
            ColumnType::Decimal => "Decimal",
            ColumnType::Boolean => "Boolean",
            ColumnType::Date => "Date",
            ColumnType::Text => "String",
            ColumnType::Empty => "Empty",
        }
    }

    /// Whether the column has numeric statistics and a histogram.
    pub fn is_numeric(self) -> bool {
        matches!(self, ColumnType::Integer | ColumnType::Decimal)
    }
}

/// One bar of a histogram: values in `[low, high)`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FromValue)]
pub struct Bin {
    /// The bar's lower edge.
    pub low: f64,
    /// The bar's upper edge.
    pub high: f64,
    /// Values in the bar.
    pub count: u64,
}

/// A column's smallest or largest value: a number for numbers, text for dates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(untagged)]
pub enum Bound {
    /// A number.
    Number(f64),
    /// A date, as written.
    Text(String),
}

/// A value and how many rows hold it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FromValue)]
pub struct TopValue {
    /// The value, as text.
    pub value: String,
    /// Rows holding it.
    pub count: u64,
}

/// One column's profile.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct ColumnProfile {
    /// The column's name.
    pub name: String,
    /// What its present values are.
    pub column_type: ColumnType,
    /// Rows with a value.
    pub count: u64,
    /// Rows without one (an empty field, `NA`, `null`, ... as pandas reads them, or no field).
    pub missing: u64,
    /// Distinct present values.
    pub distinct: u64,
    /// Whether `distinct` is exact (otherwise a HyperLogLog estimate, within about 1 %).
    pub distinct_exact: bool,
    /// The smallest value (numbers and dates).
    pub min: Option<Bound>,
    /// The largest value (numbers and dates).
    pub max: Option<Bound>,
    /// The mean (numbers).
    pub mean: Option<f64>,
    /// The sample standard deviation (numbers, two values or more).
    pub std_dev: Option<f64>,
    /// Counts of values by range (numbers).
    pub histogram: Vec<Bin>,
    /// The most frequent values, most frequent first (other types, when counted exactly).
    pub top: Vec<TopValue>,
}

/// A file's profile.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// Data rows read (the header not counted).
    pub rows: u64,
    /// The columns, in the file's order.
    pub columns: Vec<ColumnProfile>,
    /// Something a person should know (uneven rows, columns left out).
    pub note: Option<String>,
}

/// Values pandas reads as missing (its `read_csv` defaults), after trimming spaces.
fn is_missing(value: &[u8]) -> bool {
    matches!(
        value,
        b"" | b"#N/A"
            | b"#NA"
            | b"N/A"
            | b"n/a"
            | b"NA"
            | b"<NA>"
            | b"NULL"
            | b"null"
            | b"NaN"
            | b"nan"
            | b"-NaN"
            | b"-nan"
            | b"None"
    )
}

/// The columns of a file being read (Parquet's reader feeds them too).
#[derive(Default)]
pub(crate) struct Columns {
    stats: Vec<ColumnStats>,
    rows: u64,
    /// Rows with more or fewer fields than the header has columns.
    uneven: u64,
    /// Columns past [`MAX_COLUMNS`], not profiled.
    left_out: usize,
}

impl Columns {
    /// Columns with these names, no row read yet.
    pub(crate) fn named(names: impl IntoIterator<Item = String>) -> Columns {
        let mut columns = Columns::default();
        for name in names {
            columns.add_column(name);
        }
        columns
    }

    /// Adds a column; answers its index, or `None` past [`MAX_COLUMNS`].
    fn add_column(&mut self, name: String) -> Option<usize> {
        if self.stats.len() >= MAX_COLUMNS {
            self.left_out += 1;
            return None;
        }
        self.stats.push(ColumnStats::new(name));
        Some(self.stats.len() - 1)
    }

    /// Columns profiled.
    pub(crate) fn width(&self) -> usize {
        self.stats.len()
    }

    /// Counts one more row (its values follow).
    pub(crate) fn start_row(&mut self) {
        self.rows += 1;
    }

    /// Reads one value of the current row (spaces around it trimmed; missing tokens skipped).
    pub(crate) fn value(&mut self, column: usize, raw: &[u8]) {
        let value = raw.trim_ascii();
        if !is_missing(value) {
            self.stats[column].add(value);
        }
    }

    /// The profile of everything read.
    pub(crate) fn finish(self) -> Profile {
        let rows = self.rows;
        let mut notes = Vec::new();
        if self.uneven > 0 {
            notes.push(format!("{} rows have a different number of fields than the header has columns; missing fields count as missing values, extra ones are not read.", self.uneven));
        }
        if self.left_out > 0 {
            notes.push(format!(
                "Only the first {MAX_COLUMNS} columns are profiled; {} more are not.",
                self.left_out
            ));
        }
        Profile {
            rows,
            columns: self.stats.into_iter().map(|c| c.finish(rows)).collect(),
            note: (!notes.is_empty()).then(|| notes.join(" ")),
        }
    }
}

/// The profile of the file `reader` reads, in `format`, or why it cannot be read.
pub fn profile(reader: impl Read, format: Format) -> Result<Profile, String> {
    match format {
        Format::Delimited { delimiter, header } => delimited(reader, delimiter, header),
        Format::JsonLines => json_lines(reader),
    }
}

/// The profile of rows already read, such as the first rows of a file (the Create wizard's
/// Schema step finds the columns' types from them).
pub fn profile_table(table: &Table) -> Profile {
    let mut columns = Columns::named(table.columns.iter().cloned());
    let width = columns.width();
    for row in &table.rows {
        columns.start_row();
        for (i, value) in row.iter().take(width).enumerate() {
            columns.value(i, value.as_bytes());
        }
    }
    columns.finish()
}

fn delimited(reader: impl Read, delimiter: u8, header: bool) -> Result<Profile, String> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(reader);
    let mut record = csv::ByteRecord::new();
    let unreadable = |e: csv::Error| format!("The file cannot be read as delimited text: {e}.");
    let mut columns = Columns::default();
    let mut first = true;
    while reader.read_byte_record(&mut record).map_err(unreadable)? {
        if first {
            first = false;
            // The first field may start with a UTF-8 byte order mark.
            let name = |(i, field): (usize, &[u8])| {
                let field = if i == 0 {
                    field.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(field)
                } else {
                    field
                };
                String::from_utf8_lossy(field).into_owned()
            };
            if header {
                columns = Columns::named(record.iter().enumerate().map(name));
                continue;
            }
            columns = Columns::named((1..=record.len()).map(|i| format!("Column{i}")));
            let first_value = record.get(0).unwrap_or_default();
            let trimmed = first_value
                .strip_prefix(b"\xEF\xBB\xBF")
                .unwrap_or(first_value);
            let mut fixed = csv::ByteRecord::new();
            fixed.push_field(trimmed);
            record.iter().skip(1).for_each(|f| fixed.push_field(f));
            record = fixed;
        }
        columns.start_row();
        let width = columns.width() + columns.left_out;
        if record.len() != width {
            columns.uneven += 1;
        }
        for (i, field) in record.iter().take(columns.width()).enumerate() {
            columns.value(i, field);
        }
    }
    Ok(columns.finish())
}

fn json_lines(reader: impl Read) -> Result<Profile, String> {
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    let mut columns = Columns::default();
    let mut index: rustc_hash::FxHashMap<String, Option<usize>> = Default::default();
    let mut line = Vec::new();
    let mut number = 0u64;
    let mut text = String::new();
    loop {
        line.clear();
        let read = reader
            .read_until(b'\n', &mut line)
            .map_err(|e| format!("The file could not be read: {e}."))?;
        if read == 0 {
            break;
        }
        number += 1;
        if number == 1 && line.starts_with(b"\xEF\xBB\xBF") {
            line.drain(..3);
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let value: serde_json::Value = serde_json::from_slice(&line)
            .map_err(|e| format!("Line {number} is not JSON: {e}."))?;
        let serde_json::Value::Object(map) = value else {
            return Err(format!(
                "Line {number} is not a JSON object ({{\"column\": value, ...}})."
            ));
        };
        columns.start_row();
        for (key, value) in map {
            let column = match index.get(&key) {
                Some(c) => *c,
                None => {
                    let c = columns.add_column(key.clone());
                    index.insert(key, c);
                    c
                }
            };
            let Some(column) = column else { continue };
            text.clear();
            match value {
                serde_json::Value::Null => continue,
                serde_json::Value::String(s) => text.push_str(&s),
                other => text.push_str(&crate::arm::json::to_json(&other)),
            }
            columns.value(column, text.as_bytes());
        }
    }
    Ok(columns.finish())
}

/// A whole number with thousands separators: `1,000,000`.
pub fn format_count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// A statistic as people read it: at most three decimals (`4.5`, `0.667`), thousands
/// separators, and a power of ten below 0.001 and from 10^15 (`1.23e-5`, `2e15`). Integer
/// arithmetic only: the studio's wasm carries no float formatter.
pub fn format_statistic(x: f64) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let sign = if x < 0.0 { "-" } else { "" };
    let a = x.abs();
    if a != 0.0 && !(0.001..1e15).contains(&a) {
        // Three significant digits and a power of ten: 1.23e-5, 4.5e20.
        let (mut mantissa, mut exponent) = (a, 0i32);
        while mantissa >= 10.0 {
            mantissa /= 10.0;
            exponent += 1;
        }
        while mantissa < 1.0 {
            mantissa *= 10.0;
            exponent -= 1;
        }
        let mut hundredths = (mantissa * 100.0).round() as u64;
        if hundredths >= 1000 {
            hundredths /= 10;
            exponent += 1;
        }
        let fraction = format!("{:02}", hundredths % 100);
        let fraction = fraction.trim_end_matches('0');
        let dot = if fraction.is_empty() { "" } else { "." };
        return format!("{sign}{}{dot}{fraction}e{exponent}", hundredths / 100);
    }
    let thousandths = (a * 1000.0).round() as u64;
    let (whole, fraction) = (thousandths / 1000, thousandths % 1000);
    let fraction = format!("{fraction:03}");
    let fraction = fraction.trim_end_matches('0');
    let dot = if fraction.is_empty() { "" } else { "." };
    format!("{sign}{}{dot}{fraction}", format_count(whole))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: Format = Format::Delimited {
        delimiter: b',',
        header: true,
    };

    fn column<'a>(p: &'a Profile, name: &str) -> &'a ColumnProfile {
        p.columns.iter().find(|c| c.name == name).unwrap()
    }

    #[test]
    fn types_counts_and_statistics() {
        let file = "\u{feff}id,score,passed,day,city,blank\n1,2.5,true,2024-01-02,Oslo,\n2,NA,FALSE,2024-03-01T10:00:00Z,\"Bergen, NO\",\n3,4.5,true,2023-12-31,Oslo,\n";
        let p = profile(file.as_bytes(), CSV).unwrap();
        assert_eq!(p.rows, 3);
        let id = column(&p, "id");
        assert_eq!(id.column_type, ColumnType::Integer);
        assert_eq!((id.count, id.missing, id.distinct), (3, 0, 3));
        assert_eq!(
            (&id.min, &id.max),
            (&Some(Bound::Number(1.0)), &Some(Bound::Number(3.0)))
        );
        assert_eq!(id.mean, Some(2.0));
        assert_eq!(id.std_dev, Some(1.0));
        assert_eq!(id.histogram.iter().map(|b| b.count).sum::<u64>(), 3);
        let score = column(&p, "score");
        assert_eq!(score.column_type, ColumnType::Decimal);
        assert_eq!((score.count, score.missing), (2, 1));
        assert_eq!(score.mean, Some(3.5));
        assert_eq!(column(&p, "passed").column_type, ColumnType::Boolean);
        let day = column(&p, "day");
        assert_eq!(day.column_type, ColumnType::Date);
        assert_eq!(day.min, Some(Bound::Text("2023-12-31".into())));
        assert_eq!(day.max, Some(Bound::Text("2024-03-01T10:00:00Z".into())));
        let city = column(&p, "city");
        assert_eq!(city.column_type, ColumnType::Text);
        assert_eq!(
            city.top[0],
            TopValue {
                value: "Oslo".into(),
                count: 2
            }
        );
        assert_eq!(city.top[1].value, "Bergen, NO");
        let blank = column(&p, "blank");
        assert_eq!((blank.column_type, blank.missing), (ColumnType::Empty, 3));
        assert!(p.note.is_none());
    }

    #[test]
    fn a_histogram_widens_and_keeps_every_value() {
        let mut file = String::from("x\n");
        // Starts narrow, then values far to both sides arrive.
        for i in 0..2000 {
            file.push_str(&format!("{}\n", i % 10));
        }
        file.push_str("-5000\n90000\n");
        let p = profile(file.as_bytes(), CSV).unwrap();
        let x = column(&p, "x");
        assert_eq!(x.histogram.iter().map(|b| b.count).sum::<u64>(), 2002);
        assert!(x.histogram.len() <= HISTOGRAM_BINS);
        assert!(x.histogram[0].low <= -5000.0);
        assert!(x.histogram.last().unwrap().high >= 90000.0);
        assert_eq!(x.min, Some(Bound::Number(-5000.0)));
    }

    #[test]
    fn many_distinct_values_are_estimated_closely() {
        let mut file = String::from("id,group\n");
        for i in 0..60_000 {
            file.push_str(&format!("u{i},g{}\n", i % 7));
        }
        let p = profile(file.as_bytes(), CSV).unwrap();
        let id = column(&p, "id");
        assert!(!id.distinct_exact && id.top.is_empty());
        let error = (id.distinct as f64 - 60_000.0).abs() / 60_000.0;
        assert!(error < 0.03, "estimate {}", id.distinct);
        let group = column(&p, "group");
        assert!(group.distinct_exact);
        assert_eq!(group.distinct, 7);
        assert_eq!(group.top.len(), 7);
    }

    #[test]
    fn rows_already_read_are_profiled_alike() {
        let table = crate::data::preview::preview(b"n,s\n1,a\n2,\n", true, CSV, 10).unwrap();
        let p = profile_table(&table);
        assert_eq!(p.rows, 2);
        assert_eq!(p.columns[0].column_type, ColumnType::Integer);
        assert_eq!((p.columns[1].count, p.columns[1].missing), (1, 1));
    }

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(format_count(0), "0");
        assert_eq!(format_count(1_000), "1,000");
        assert_eq!(format_count(1_234_567), "1,234,567");
        assert_eq!(format_statistic(4.5), "4.5");
        assert_eq!(format_statistic(2.0 / 3.0), "0.667");
        assert_eq!(format_statistic(-1234.5678), "-1,234.568");
        assert_eq!(format_statistic(0.0), "0");
        assert_eq!(format_statistic(0.000_012_3), "1.23e-5");
        assert_eq!(format_statistic(2e15), "2e15");
        assert_eq!(format_statistic(-4.5e20), "-4.5e20");
        assert_eq!(format_statistic(0.000_999_9), "1e-3");
        assert_eq!(format_statistic(999_999_999_999.5), "999,999,999,999.5");
        assert_eq!(format_statistic(f64::NAN), "–");
    }

    #[test]
    fn uneven_rows_no_header_and_json_lines() {
        let p = profile(&b"a,b\n1\n2,3,4\n"[..], CSV).unwrap();
        assert_eq!(column(&p, "b").missing, 1);
        assert!(p.note.unwrap().contains("2 rows"));
        let f = Format::Delimited {
            delimiter: b';',
            header: false,
        };
        let p = profile(&b"1;x\n2;y\n"[..], f).unwrap();
        assert_eq!(p.rows, 2);
        assert_eq!(p.columns[1].name, "Column2");
        let p = profile(
            &b"\xEF\xBB\xBF{\"a\": 1, \"b\": \"x\"}\n\n{\"a\": 2.5, \"c\": null}\n{\"c\": true}\n"
                [..],
            Format::JsonLines,
        )
        .unwrap();
        assert_eq!(p.rows, 3);
        let a = column(&p, "a");
        assert_eq!(
            (a.column_type, a.count, a.missing),
            (ColumnType::Decimal, 2, 1)
        );
        assert_eq!(column(&p, "c").column_type, ColumnType::Boolean);
        let e = profile(&b"{\"a\": 1}\n[1]\n"[..], Format::JsonLines).unwrap_err();
        assert!(e.contains("Line 2"), "{e}");
    }
}
