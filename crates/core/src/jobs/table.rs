//! The Jobs page's table, decided where the runs are: which runs (an experiment or all, a
//! filter), in which order (any column, metrics by their last, least or greatest value, kept
//! at write time), which page of rows, with the total and every param, metric and tag key the
//! runs have (for the column picker). Only the page's rows and the chosen columns travel.

use super::filter::{FieldValue, Fields, Filter};
use super::order::compare_values;
use super::run::StoredRun;
use super::tracking::{Experiment, RunStatus, TrackingError, ViewType};
use crate::arm::json_de::FromValue;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::BTreeSet;

/// Which value of a metric a column shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stat {
    /// The latest value.
    Last,
    /// The least value.
    Min,
    /// The greatest value.
    Max,
}

/// A column of the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Column {
    /// The display name.
    Name,
    /// The status.
    Status,
    /// The experiment's name.
    Experiment,
    /// When it was created (started).
    Created,
    /// How long it ran (or has been running).
    Duration,
    /// Who created it.
    CreatedBy,
    /// A param.
    Param(String),
    /// A tag.
    Tag(String),
    /// A metric's last, least or greatest value.
    Metric(String, Stat),
}

/// The most rows a page of the table holds.
pub const MAX_PAGE: usize = 1000;

/// The rows a page asked for `asked` holds: at least one, at most [`MAX_PAGE`].
pub fn page_size(asked: usize) -> usize {
    asked.clamp(1, MAX_PAGE)
}

impl Column {
    /// [`Column::parse`], or the error a request naming no column gets.
    pub fn parse_asked(spec: &str) -> Result<Column, TrackingError> {
        Column::parse(spec)
            .ok_or_else(|| TrackingError::invalid(format!("'{spec}' is not a column.")))
    }

    /// Reads a column as the URL writes it: `name`, `status`, `experiment`, `created`,
    /// `duration`, `user`, `param:<key>`, `tag:<key>`, `metric:<key>` (its last value),
    /// `metric.min:<key>`, `metric.max:<key>`.
    pub fn parse(spec: &str) -> Option<Column> {
        Some(match spec {
            "name" => Column::Name,
            "status" => Column::Status,
            "experiment" => Column::Experiment,
            "created" => Column::Created,
            "duration" => Column::Duration,
            "user" => Column::CreatedBy,
            _ => {
                let (kind, key) = spec.split_once(':')?;
                if key.is_empty() {
                    return None;
                }
                let key = key.to_owned();
                match kind {
                    "param" => Column::Param(key),
                    "tag" => Column::Tag(key),
                    "metric" => Column::Metric(key, Stat::Last),
                    "metric.min" => Column::Metric(key, Stat::Min),
                    "metric.max" => Column::Metric(key, Stat::Max),
                    _ => return None,
                }
            }
        })
    }

    /// The column as the URL writes it.
    pub fn spec(&self) -> String {
        match self {
            Column::Name => "name".into(),
            Column::Status => "status".into(),
            Column::Experiment => "experiment".into(),
            Column::Created => "created".into(),
            Column::Duration => "duration".into(),
            Column::CreatedBy => "user".into(),
            Column::Param(k) => format!("param:{k}"),
            Column::Tag(k) => format!("tag:{k}"),
            Column::Metric(k, Stat::Last) => format!("metric:{k}"),
            Column::Metric(k, Stat::Min) => format!("metric.min:{k}"),
            Column::Metric(k, Stat::Max) => format!("metric.max:{k}"),
        }
    }

    /// The column's header.
    pub fn label(&self) -> String {
        match self {
            Column::Name => "Display name".into(),
            Column::Status => "Status".into(),
            Column::Experiment => "Experiment".into(),
            Column::Created => "Created on".into(),
            Column::Duration => "Duration".into(),
            Column::CreatedBy => "Created by".into(),
            Column::Param(k) => k.clone(),
            Column::Tag(k) => format!("{k} (tag)"),
            Column::Metric(k, Stat::Last) => k.clone(),
            Column::Metric(k, Stat::Min) => format!("{k} (min)"),
            Column::Metric(k, Stat::Max) => format!("{k} (max)"),
        }
    }
}

/// The status as the studio shows a job's (Azure's words).
pub fn status_label(status: RunStatus) -> &'static str {
    super::status::JobStatus::of_run(status).as_str()
}

/// What the table asks for.
#[derive(Clone, Debug, Default)]
pub struct TableQuery {
    /// One experiment's runs (by id), or all.
    pub experiment: Option<String>,
    /// Live, deleted or both.
    pub view: ViewType,
    /// Which runs.
    pub filter: Option<Filter>,
    /// The column to sort by, and whether largest first (default: newest first).
    pub sort: Option<(Column, bool)>,
    /// The chosen columns, whose values each row carries.
    pub columns: Vec<Column>,
    /// The first row of the page.
    pub offset: usize,
    /// How many rows.
    pub limit: usize,
    /// The time durations of running jobs are measured to (ms).
    pub now: i64,
}

/// One row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct TableRow {
    /// The run id (the job's name).
    pub id: String,
    /// Its display name.
    pub name: String,
    /// Its experiment's name.
    pub experiment: String,
    /// Azure's word for its status.
    pub status: String,
    /// When it started (ms).
    pub start_time: i64,
    /// When it ended (ms), once it has.
    pub end_time: Option<i64>,
    /// Who created it.
    pub user: String,
    /// The chosen columns' values.
    pub values: Vec<Cell>,
}

/// The keys the runs have, for the column picker.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
pub struct Keys {
    /// Param keys.
    pub params: Vec<String>,
    /// Metric keys.
    pub metrics: Vec<String>,
    /// Tag keys (MLflow's own `mlflow.` tags left out).
    pub tags: Vec<String>,
}

/// One page of the table.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct TablePage {
    /// How many runs pass the filter.
    pub total: usize,
    /// The page's rows.
    pub rows: Vec<TableRow>,
    /// Every key of the experiment's (or workspace's) runs.
    pub keys: Keys,
}

fn experiment_name<'a>(experiments: &'a [Experiment], id: &str) -> &'a str {
    experiments
        .iter()
        .find(|e| e.experiment_id == id)
        .map_or("", |e| e.name.as_str())
}

fn duration(run: &StoredRun, now: i64) -> i64 {
    run.info
        .end_time
        .unwrap_or(now)
        .saturating_sub(run.info.start_time)
}

/// A run's value in a column, for sorting and for the row.
fn cell<'a>(
    run: &'a StoredRun,
    column: &Column,
    experiments: &'a [Experiment],
    now: i64,
) -> Option<FieldValue<'a>> {
    Some(match column {
        Column::Name => FieldValue::Text(&run.info.run_name),
        Column::Status => FieldValue::Text(run.job_status().as_str()),
        Column::Experiment => {
            FieldValue::Text(experiment_name(experiments, &run.info.experiment_id))
        }
        Column::Created => FieldValue::Number(run.info.start_time as f64),
        Column::Duration => FieldValue::Number(duration(run, now) as f64),
        Column::CreatedBy => FieldValue::Text(&run.info.user_id),
        Column::Param(k) => FieldValue::Text(run.param(k)?),
        Column::Tag(k) => FieldValue::Text(run.tag(k)?),
        Column::Metric(k, stat) => {
            let m = &run.metrics.get(k)?.summary;
            FieldValue::Number(match stat {
                Stat::Last => m.last.value,
                Stat::Min => m.min,
                Stat::Max => m.max,
            })
        }
    })
}

fn compare_cells(
    a: Option<FieldValue<'_>>,
    b: Option<FieldValue<'_>>,
    descending: bool,
) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) => {
            let ordering = compare_values(&x, &y);
            if descending {
                ordering.reverse()
            } else {
                ordering
            }
        }
        // Runs without the value come last, whichever the direction.
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// A cell of a row: a number, text, or nothing (the run has no such value). In JSON a
/// number, a string (NaN and the infinities as protobuf writes them) or null; read without
/// `serde_json::Value`, which the studio's page would otherwise carry.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// No value.
    Empty,
    /// A number.
    Number(f64),
    /// Text.
    Text(String),
}

impl Serialize for Cell {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Cell::Empty => s.serialize_none(),
            Cell::Number(n) => super::tracking::double::serialize(n, s),
            Cell::Text(t) => s.serialize_str(t),
        }
    }
}

impl crate::arm::json_de::FromValue for Cell {
    fn from_value(value: serde_json::Value) -> Result<Self, serde_json::Error> {
        crate::arm::json_de::by_serde(value)
    }
}

impl<'de> Deserialize<'de> for Cell {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Cell;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number, a string or null")
            }
            fn visit_unit<E>(self) -> Result<Cell, E> {
                Ok(Cell::Empty)
            }
            fn visit_none<E>(self) -> Result<Cell, E> {
                Ok(Cell::Empty)
            }
            fn visit_f64<E>(self, v: f64) -> Result<Cell, E> {
                Ok(Cell::Number(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Cell, E> {
                Ok(Cell::Number(v as f64))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Cell, E> {
                Ok(Cell::Number(v as f64))
            }
            fn visit_str<E>(self, v: &str) -> Result<Cell, E> {
                Ok(Cell::Text(v.to_owned()))
            }
        }
        d.deserialize_any(Visitor)
    }
}

fn cell_of(value: Option<FieldValue<'_>>) -> Cell {
    match value {
        None => Cell::Empty,
        Some(FieldValue::Text(t)) => Cell::Text(t.to_owned()),
        Some(FieldValue::Number(n)) => Cell::Number(n),
    }
}

/// Builds one page of the table from a workspace's runs.
pub fn table<'a>(
    runs: impl Iterator<Item = &'a StoredRun>,
    experiments: &[Experiment],
    query: &TableQuery,
) -> TablePage {
    // Borrowed while the runs are read, copied once at the end: 2,000 runs hold some 30,000.
    let mut keys: (BTreeSet<&str>, BTreeSet<&str>, BTreeSet<&str>) = Default::default();
    let mut found: Vec<&StoredRun> = Vec::new();
    for run in runs {
        let in_experiment = query
            .experiment
            .as_ref()
            .is_none_or(|e| *e == run.info.experiment_id);
        if !in_experiment || !query.view.shows(run.info.lifecycle_stage) {
            continue;
        }
        keys.0.extend(run.params.keys().map(String::as_str));
        keys.1.extend(run.metrics.keys().map(String::as_str));
        keys.2.extend(
            run.tags
                .keys()
                .map(String::as_str)
                .filter(|k| !k.starts_with("mlflow.")),
        );
        if query.filter.as_ref().is_none_or(|f| f.matches(run)) {
            found.push(run);
        }
    }
    let now = query.now;
    found.sort_by(|a, b| {
        let chosen = query
            .sort
            .as_ref()
            .map_or(Ordering::Equal, |(column, descending)| {
                compare_cells(
                    cell(a, column, experiments, now),
                    cell(b, column, experiments, now),
                    *descending,
                )
            });
        chosen
            .then_with(|| b.info.start_time.cmp(&a.info.start_time))
            .then_with(|| a.info.run_id.cmp(&b.info.run_id))
    });
    let rows = found
        .iter()
        .skip(query.offset)
        .take(query.limit)
        .map(|run| TableRow {
            id: run.info.run_id.clone(),
            name: run.info.run_name.clone(),
            experiment: experiment_name(experiments, &run.info.experiment_id).to_owned(),
            status: run.job_status().as_str().to_owned(),
            start_time: run.info.start_time,
            end_time: run.info.end_time,
            user: run.info.user_id.clone(),
            values: query
                .columns
                .iter()
                .map(|c| cell_of(cell(run, c, experiments, now)))
                .collect(),
        })
        .collect();
    TablePage {
        total: found.len(),
        rows,
        keys: Keys {
            params: keys.0.into_iter().map(str::to_owned).collect(),
            metrics: keys.1.into_iter().map(str::to_owned).collect(),
            tags: keys.2.into_iter().map(str::to_owned).collect(),
        },
    }
}

#[cfg(test)]
mod tests;
