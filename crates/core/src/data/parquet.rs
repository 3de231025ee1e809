//! Parquet files, for Explore and Profile on azimuth-server (the `parquet` feature): the first
//! rows as a table, and the profile of every row, through the same column statistics as text
//! files. Parquet keeps its schema and row count in a footer at the end of the file, so it is
//! read whole (by the server, which has it on disk), not from its start as text is. The
//! studio's wasm never carries this: `parquet` (without Arrow) is over 200 KB of code.

use super::preview::Table;
use super::profile::{Columns, Profile};
use bytes::Bytes;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;

fn open(bytes: Bytes) -> Result<SerializedFileReader<Bytes>, String> {
    SerializedFileReader::new(bytes)
        .map_err(|e| format!("The file cannot be read as Parquet: {e}."))
}

/// A value as text, `None` when it is null.
fn text(field: &Field) -> Option<String> {
    match field {
        Field::Null => None,
        Field::Str(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

fn column_names(reader: &SerializedFileReader<Bytes>) -> Vec<String> {
    reader
        .metadata()
        .file_metadata()
        .schema_descr()
        .root_schema()
        .get_fields()
        .iter()
        .map(|f| f.name().to_owned())
        .collect()
}

/// The first `max_rows` rows of a Parquet file.
pub fn parquet_preview(bytes: Bytes, max_rows: usize) -> Result<Table, String> {
    let reader = open(bytes)?;
    let columns = column_names(&reader);
    let total = reader.metadata().file_metadata().num_rows().max(0) as usize;
    let mut rows = Vec::new();
    let iter = reader
        .get_row_iter(None)
        .map_err(|e| format!("The file's rows cannot be read: {e}."))?;
    for row in iter.take(max_rows) {
        let row = row.map_err(|e| format!("A row cannot be read: {e}."))?;
        rows.push(
            row.get_column_iter()
                .map(|(_, f)| text(f).unwrap_or_default())
                .collect(),
        );
    }
    Ok(Table {
        columns,
        more: total > rows.len(),
        rows,
        note: None,
    })
}

/// The profile of every row of a Parquet file.
pub fn parquet_profile(bytes: Bytes) -> Result<Profile, String> {
    let reader = open(bytes)?;
    let mut columns = Columns::named(column_names(&reader));
    let width = columns.width();
    let iter = reader
        .get_row_iter(None)
        .map_err(|e| format!("The file's rows cannot be read: {e}."))?;
    for row in iter {
        let row = row.map_err(|e| format!("A row cannot be read: {e}."))?;
        columns.start_row();
        for (i, (_, field)) in row.get_column_iter().take(width).enumerate() {
            if let Some(value) = text(field) {
                columns.value(i, value.as_bytes());
            }
        }
    }
    Ok(columns.finish())
}
