//! An AutoML job's rows, read the same wherever it trains: a table file (or an MLTable
//! folder's first file, shaped by its steps) as rows of text, and the job's training,
//! validation and test tables as one frame.

use crate::data::mltable::{MlTable, Storage};
use crate::data::preview::{preview, Format, Table};
use azimuth_ml::featurize::Frame;

/// The largest table file an AutoML job trains on (the server's process and the browser's
/// page hold it whole).
pub const MAX_TABLE_BYTES: u64 = 200 << 20;

/// A job's rows: its training rows, then its validation rows, then its test rows.
#[derive(Clone, Debug, PartialEq)]
pub struct Rows {
    /// Every row, every column.
    pub frame: Frame,
    /// Where the job's validation rows start, if it has some.
    pub first_validation_row: Option<usize>,
    /// Where the job's test rows start, if it has some.
    pub first_test_row: Option<usize>,
}

/// Every row of a table file: `bytes` of file `name` (a CSV, TSV or JSON lines file), or of
/// the first file of the MLTable `mltable` describes, shaped as its steps say.
pub fn table_rows(mltable: Option<&MlTable>, name: &str, bytes: &[u8]) -> Result<Table, String> {
    let Some(table) = mltable else {
        let format = Format::guess(name)
            .ok_or_else(|| format!("'{name}' is not a CSV, TSV or JSON lines file."))?;
        return preview(bytes, true, format, usize::MAX);
    };
    let Storage::Text(format) = table.storage else {
        return Err(
            "Parquet tables are not trained on here yet; use a delimited (CSV) table.".into(),
        );
    };
    let bytes = table.decode(bytes)?;
    Ok(table.shape_rows(preview(&bytes, true, format, usize::MAX)?))
}

/// The job's rows: the training table, then the validation and test tables' rows, which must
/// have the same columns.
pub fn frame_of(train: Table, valid: Option<Table>, test: Option<Table>) -> Result<Rows, String> {
    let mut rows = train.rows;
    let mut append = |table: Option<Table>, what: &str| -> Result<Option<usize>, String> {
        let Some(table) = table else { return Ok(None) };
        if table.columns != train.columns {
            return Err(format!(
                "Its {what} data has the columns {}, not the training data's {}.",
                table.columns.join(", "),
                train.columns.join(", ")
            ));
        }
        let first = rows.len();
        rows.extend(table.rows);
        Ok(Some(first))
    };
    let first_validation_row = append(valid, "validation")?;
    let first_test_row = append(test, "test")?;
    Ok(Rows {
        frame: Frame::from_text(train.columns, rows),
        first_validation_row,
        first_test_row,
    })
}
