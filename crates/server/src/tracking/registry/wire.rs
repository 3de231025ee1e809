//! What the registry answers: a workspace model as MLflow's `RegisteredModel` and a model
//! version as its `ModelVersion` (times from `systemData`, aliases from the container's
//! `mlflow.alias.*` properties, each stage's latest version), and the searches over them
//! (MLflow's filter grammar; ordered by name, times or version; paged).

use crate::tracking::request::{one_or_many, page_size, page_start};
use azimuth_core::arm::SystemData;
use azimuth_core::jobs::filter::{parse as parse_filter, Attribute, FieldValue, Fields};
use azimuth_core::jobs::tracking::int64_opt;
use azimuth_core::jobs::{Tag, TrackingError};
use azimuth_core::models::rules::{ALIAS, STAGES};
use azimuth_core::models::{ModelContainerResource, ModelVersionResource};
use azimuth_core::time::parse_iso;
use azimuth_core::Workspace;
use serde::Deserialize;
use serde_json::{json, Value};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// The version property that keeps MLflow's `run_link`.
pub(super) const RUN_LINK: &str = "mlflow.runLink";

/// A version's stage, `None` when it has none.
pub(super) fn stage_of(v: &ModelVersionResource) -> &str {
    v.properties.stage.as_deref().unwrap_or("None")
}

/// A version's number for ordering (versions made outside MLflow may not be numbers).
fn number(v: &ModelVersionResource) -> Option<u64> {
    v.name.parse().ok()
}

/// The version with the highest number among `versions` (the last made among equals).
pub(super) fn newest<'a>(
    versions: impl Iterator<Item = &'a ModelVersionResource>,
) -> Option<&'a ModelVersionResource> {
    versions.max_by_key(|v| number(v))
}

/// The latest version in each of `stages`, in that order.
pub(super) fn latest_per_stage<'a>(
    w: &'a Workspace,
    name: &str,
    stages: &[&str],
) -> Vec<&'a ModelVersionResource> {
    stages
        .iter()
        .filter_map(|s| newest(w.model_versions(name).filter(|v| stage_of(v) == *s)))
        .collect()
}

/// A model's aliases and the versions they name.
pub(super) fn aliases(c: &ModelContainerResource) -> impl Iterator<Item = (&str, &str)> {
    c.properties
        .properties
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix(ALIAS)?, v.as_str())))
}

/// Tags as MLflow lists them.
pub(super) fn tag_list(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter()
        .map(|(key, value)| Tag {
            key: key.clone(),
            value: value.clone(),
        })
        .collect()
}

/// When a resource was made and last changed (ms), and by whom.
fn stamps(s: Option<&SystemData>) -> (i64, i64, &str) {
    let ms = |t: &str| parse_iso(t).unwrap_or(0);
    s.map_or((0, 0, ""), |s| {
        (
            ms(&s.created_at),
            ms(&s.last_modified_at),
            s.created_by.as_str(),
        )
    })
}

/// A model version as MLflow's `ModelVersion`.
pub(super) fn version_json(c: &ModelContainerResource, v: &ModelVersionResource) -> Value {
    let p = &v.properties;
    let (created, updated, user) = stamps(v.system_data.as_ref());
    let named: Vec<&str> = aliases(c)
        .filter(|(_, to)| *to == v.name)
        .map(|(alias, _)| alias)
        .collect();
    let mut out = json!({
        "name": c.name,
        "version": v.name,
        "creation_timestamp": created,
        "last_updated_timestamp": updated,
        "user_id": user,
        "current_stage": stage_of(v),
        "source": p.model_uri,
        "status": "READY",
        "status_message": "",
        "tags": tag_list(&p.tags),
        "aliases": named,
    });
    let optional = [
        ("description", p.description.as_ref()),
        ("run_id", p.job_name.as_ref()),
        ("run_link", p.properties.get(RUN_LINK)),
    ];
    for (key, value) in optional {
        if let Some(value) = value {
            out[key] = json!(value);
        }
    }
    out
}

/// A workspace model as MLflow's `RegisteredModel`, with each stage's latest version.
pub(super) fn model_json(w: &Workspace, c: &ModelContainerResource) -> Value {
    let (created, updated, user) = stamps(c.system_data.as_ref());
    let latest: Vec<Value> = latest_per_stage(w, &c.name, &STAGES)
        .into_iter()
        .map(|v| version_json(c, v))
        .collect();
    let aliases: Vec<Value> = aliases(c)
        .map(|(alias, version)| json!({ "alias": alias, "version": version }))
        .collect();
    let mut out = json!({
        "name": c.name,
        "creation_timestamp": created,
        "last_updated_timestamp": updated,
        "user_id": user,
        "latest_versions": latest,
        "tags": tag_list(&c.properties.tags),
        "aliases": aliases,
    });
    if let Some(d) = &c.properties.description {
        out["description"] = json!(d);
    }
    out
}

/// `registered-models/search` and `model-versions/search`'s arguments.
#[derive(Deserialize)]
pub(super) struct Search {
    filter: Option<String>,
    #[serde(default, with = "int64_opt")]
    max_results: Option<i64>,
    #[serde(default, deserialize_with = "one_or_many")]
    order_by: Vec<String>,
    page_token: Option<String>,
}

/// A model, or one of its versions, as a search reads it.
struct Row<'a> {
    model: &'a ModelContainerResource,
    version: Option<&'a ModelVersionResource>,
}

impl Row<'_> {
    fn stamps(&self) -> (i64, i64, &str) {
        let s = match self.version {
            Some(v) => v.system_data.as_ref(),
            None => self.model.system_data.as_ref(),
        };
        stamps(s)
    }
}

impl Fields for Row<'_> {
    fn attribute(&self, attribute: Attribute) -> Option<FieldValue<'_>> {
        let (created, updated, user) = self.stamps();
        let version = self.version.map(|v| &v.properties);
        Some(match attribute {
            Attribute::RunName => FieldValue::Text(&self.model.name),
            Attribute::RunId => FieldValue::Text(version?.job_name.as_deref()?),
            Attribute::ArtifactUri => FieldValue::Text(&version?.model_uri),
            Attribute::UserId => FieldValue::Text(user),
            Attribute::StartTime => FieldValue::Number(created as f64),
            Attribute::EndTime => FieldValue::Number(updated as f64),
            Attribute::Status | Attribute::ExperimentId => return None,
        })
    }

    fn metric(&self, _: &str) -> Option<f64> {
        None
    }

    fn param(&self, _: &str) -> Option<&str> {
        None
    }

    fn tag(&self, key: &str) -> Option<&str> {
        let tags = match self.version {
            Some(v) => &v.properties.tags,
            None => &self.model.properties.tags,
        };
        tags.get(key).map(String::as_str)
    }
}

/// What a search orders by.
#[derive(Clone, Copy)]
enum Key {
    Name,
    Created,
    Updated,
    Version,
}

/// Reads MLflow's `order_by` clauses (`name`, `creation_timestamp`, `last_updated_timestamp`,
/// and for versions `version_number`; each `ASC` or `DESC`).
fn parse_orders(clauses: &[String], versions: bool) -> Result<Vec<(Key, bool)>, TrackingError> {
    clauses
        .iter()
        .map(|clause| {
            let mut words = clause.split_whitespace();
            let field = words.next().unwrap_or("");
            let field = field.strip_prefix("attributes.").unwrap_or(field);
            let key = match field.to_ascii_lowercase().as_str() {
                "name" => Key::Name,
                "creation_timestamp" | "timestamp" => Key::Created,
                "last_updated_timestamp" => Key::Updated,
                "version_number" if versions => Key::Version,
                _ => return Err(TrackingError::invalid(format!(
                    "Invalid order_by clause '{clause}': order by name, creation_timestamp or last_updated_timestamp{}, then ASC or DESC.",
                    if versions { ", version_number" } else { "" }
                ))),
            };
            let descending = match words.next().map(str::to_ascii_uppercase).as_deref() {
                None | Some("ASC") => false,
                Some("DESC") => true,
                Some(_) => return Err(TrackingError::invalid(format!(
                    "Invalid order_by clause '{clause}': say ASC or DESC after the field."
                ))),
            };
            match words.next() {
                Some(_) => Err(TrackingError::invalid(format!(
                    "Invalid order_by clause '{clause}': one field, then ASC or DESC."
                ))),
                None => Ok((key, descending)),
            }
        })
        .collect()
}

/// Compares two rows by `orders`, then by name and newest version first, as MLflow does.
fn compare(a: &Row, b: &Row, orders: &[(Key, bool)]) -> Ordering {
    let version = |r: &Row| r.version.and_then(number);
    for (key, descending) in orders {
        let ordering = match key {
            Key::Name => a.model.name.cmp(&b.model.name),
            Key::Created => a.stamps().0.cmp(&b.stamps().0),
            Key::Updated => a.stamps().1.cmp(&b.stamps().1),
            Key::Version => version(a).cmp(&version(b)),
        };
        let ordering = if *descending {
            ordering.reverse()
        } else {
            ordering
        };
        if ordering.is_ne() {
            return ordering;
        }
    }
    a.model
        .name
        .cmp(&b.model.name)
        .then_with(|| version(b).cmp(&version(a)))
}

/// A page of what a search finds: `registered_models` (when `versions` is false, at most
/// 1000 a page, 100 by default) or `model_versions` (at most 200,000, 10,000 by default).
pub(super) fn search(w: &Workspace, r: Search, versions: bool) -> Result<Value, TrackingError> {
    let filter = parse_filter(r.filter.as_deref().unwrap_or(""))?;
    let orders = parse_orders(&r.order_by, versions)?;
    let (default, most, key) = match versions {
        false => (100, 1000, "registered_models"),
        true => (10_000, 200_000, "model_versions"),
    };
    let size = page_size(r.max_results, default, most)?;
    let start = page_start(r.page_token.as_deref())?;
    let mut rows: Vec<Row> = Vec::new();
    for model in w.models.iter().map(AsRef::as_ref) {
        if !versions {
            rows.push(Row {
                model,
                version: None,
            });
            continue;
        }
        rows.extend(
            w.model_versions(&model.name)
                .filter(|v| !v.properties.is_anonymous)
                .map(|v| Row {
                    model,
                    version: Some(v),
                }),
        );
    }
    rows.retain(|row| filter.as_ref().is_none_or(|f| f.matches(row)));
    rows.sort_by(|a, b| compare(a, b, &orders));
    let page: Vec<Value> = rows
        .iter()
        .skip(start)
        .take(size)
        .map(|row| match row.version {
            Some(v) => version_json(row.model, v),
            None => model_json(w, row.model),
        })
        .collect();
    let next = (start.saturating_add(size) < rows.len()).then(|| (start + size).to_string());
    Ok(json!({ key: page, "next_page_token": next }))
}
