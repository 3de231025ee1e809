//! A table's columns, typed from their text: numbers where every present value is one, text
//! otherwise; common "no value" markers are missing cells.

/// Cells that mean "no value" (trimmed, compared case-insensitively).
const MISSING: [&str; 7] = ["", "na", "n/a", "nan", "null", "none", "?"];

/// A table's columns, typed.
#[derive(Clone, Debug, PartialEq)]
pub struct Frame {
    /// The columns' names.
    pub names: Vec<String>,
    /// The columns, each as long as the table.
    pub columns: Vec<Column>,
}

/// A column's values, `None` where missing.
#[derive(Clone, Debug, PartialEq)]
pub enum Column {
    /// Every present value is a number.
    Numeric(Vec<Option<f64>>),
    /// Text (trimmed).
    Categorical(Vec<Option<String>>),
}

/// A cell's trimmed text, or `None` when it marks a missing value.
pub(super) fn present(cell: &str) -> Option<&str> {
    let text = cell.trim();
    (!MISSING.iter().any(|m| text.eq_ignore_ascii_case(m))).then_some(text)
}

/// A finite number from text.
pub(super) fn number(text: &str) -> Option<f64> {
    crate::decimal::parse_f64(text.trim()).filter(|v| v.is_finite())
}

/// A number in its shortest form: 1.0 → "1" (and -0 → "0").
pub(super) fn show(value: f64) -> String {
    format!("{}", value + 0.0)
}

impl Column {
    /// The number of rows.
    pub(super) fn len(&self) -> usize {
        match self {
            Column::Numeric(v) => v.len(),
            Column::Categorical(v) => v.len(),
        }
    }

    /// Row `i` as a number (`None` when missing or not a number).
    pub(super) fn number(&self, i: usize) -> Option<f64> {
        match self {
            Column::Numeric(v) => v[i],
            Column::Categorical(v) => v[i].as_deref().and_then(number),
        }
    }

    /// Row `i` as text (numbers in their shortest form).
    pub(super) fn text(&self, i: usize) -> Option<String> {
        match self {
            Column::Numeric(v) => v[i].map(show),
            Column::Categorical(v) => v[i].clone(),
        }
    }

    /// The rows `which`, in that order.
    pub(super) fn keep(&self, which: &[usize]) -> Column {
        match self {
            Column::Numeric(v) => Column::Numeric(which.iter().map(|&i| v[i]).collect()),
            Column::Categorical(v) => {
                Column::Categorical(which.iter().map(|&i| v[i].clone()).collect())
            }
        }
    }
}

impl Frame {
    /// A frame from text rows, each column Numeric when every present value is a number.
    pub fn from_text(names: Vec<String>, rows: Vec<Vec<String>>) -> Frame {
        let columns = (0..names.len())
            .map(|j| {
                let cells: Vec<Option<String>> = rows
                    .iter()
                    .map(|row| row.get(j).and_then(|c| present(c)).map(str::to_string))
                    .collect();
                let numbers: Option<Vec<Option<f64>>> = cells
                    .iter()
                    .map(|c| c.as_deref().map_or(Some(None), |t| number(t).map(Some)))
                    .collect();
                numbers.map_or(Column::Categorical(cells), Column::Numeric)
            })
            .collect();
        Frame { names, columns }
    }

    /// The number of rows.
    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, Column::len)
    }

    /// The index of the column named `name`.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// The rows `which`, in that order, with every column.
    pub fn keep_rows(&self, which: &[usize]) -> Frame {
        Frame {
            names: self.names.clone(),
            columns: self.columns.iter().map(|c| c.keep(which)).collect(),
        }
    }
}
