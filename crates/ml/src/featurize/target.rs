//! The column to predict, split off a frame as class indexes, or refused with the reason a
//! classifier cannot learn it.

use super::frame::{number, show, Column, Frame};
use std::collections::BTreeSet;

/// The most classes a target column may have.
pub const MAX_CLASSES: usize = 100;

/// The column to predict, as class indexes.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    /// The column's name.
    pub name: String,
    /// The classes, sorted (numerically for a numeric column).
    pub classes: Vec<String>,
    /// Each kept row's class, an index into `classes`.
    pub labels: Vec<usize>,
    /// The rows dropped because their target was missing.
    pub dropped_rows: usize,
    /// Each kept row's index in the frame it was split from.
    pub kept: Vec<usize>,
}

/// Splits the target column off `frame`, dropping the rows without a target; returns the
/// features' frame, the target and the positive class's index.
pub fn split_target(
    mut frame: Frame,
    target: &str,
    positive_label: Option<&str>,
) -> Result<(Frame, Target, usize), String> {
    let Some(j) = frame.column(target) else {
        let names = frame.names.join(", ");
        return Err(format!("There is no column '{target}' to predict: the columns are {names}. Choose one of them."));
    };
    let (name, column) = (frame.names.remove(j), frame.columns.remove(j));
    let texts: Vec<Option<String>> = (0..column.len()).map(|i| column.text(i)).collect();
    let kept: Vec<usize> = (0..texts.len()).filter(|&i| texts[i].is_some()).collect();
    let classes = class_names(&column, &kept);
    let numeric = matches!(column, Column::Numeric(_));
    check_classes(&name, &classes, kept.len(), numeric)?;
    let labels = texts
        .iter()
        .flatten()
        .filter_map(|t| find_class(&classes, t))
        .collect();
    let positive = match positive_label {
        None => classes.len() - 1,
        Some(label) => find_class(&classes, label).ok_or_else(|| {
            format!(
                "The positive label '{label}' is not one of '{name}''s classes ({}): choose one of them.",
                classes.join(", ")
            )
        })?,
    };
    frame.columns = frame.columns.iter().map(|c| c.keep(&kept)).collect();
    let dropped_rows = texts.len() - kept.len();
    let target = Target {
        name,
        classes,
        labels,
        dropped_rows,
        kept,
    };
    Ok((frame, target, positive))
}

/// The distinct present values of `rows`, sorted (numerically for numbers).
fn class_names(column: &Column, rows: &[usize]) -> Vec<String> {
    match column {
        Column::Numeric(_) => {
            let mut values: Vec<f64> = rows.iter().filter_map(|&i| column.number(i)).collect();
            values.sort_by(f64::total_cmp);
            values.dedup();
            values.into_iter().map(show).collect()
        }
        Column::Categorical(_) => {
            let set: BTreeSet<String> = rows.iter().filter_map(|&i| column.text(i)).collect();
            set.into_iter().collect()
        }
    }
}

/// Refuses a target a classifier cannot learn.
fn check_classes(name: &str, classes: &[String], rows: usize, numeric: bool) -> Result<(), String> {
    match classes {
        [] => Err(format!(
            "'{name}' has no values: it is missing in every row. Choose a column with values to predict."
        )),
        [only] => Err(format!(
            "'{name}' has only one value, {only}: a classifier needs at least two classes. Choose another column to predict, or add rows of other classes."
        )),
        _ if classes.len() > MAX_CLASSES || (rows > 20 && classes.len() * 2 > rows) => {
            let looks = if numeric { "a number to predict (regression)" } else { "an identifier" };
            Err(format!(
                "'{name}' has {} distinct values in {rows} rows, too many classes to classify (at most {MAX_CLASSES}, and no more than half the rows): it looks like {looks}. Choose a column of categories, or train a regression model for a number.",
                classes.len()
            ))
        }
        _ => Ok(()),
    }
}

/// The index of the class `label` names (as written, else as the same number: "1.0" is "1").
fn find_class(classes: &[String], label: &str) -> Option<usize> {
    let label = label.trim();
    let exact = classes.iter().position(|c| c == label);
    let same = || {
        classes
            .iter()
            .position(|c| Some(c) == number(label).map(show).as_ref())
    };
    exact.or_else(same)
}
