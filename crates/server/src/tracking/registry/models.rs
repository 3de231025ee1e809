//! `/api/2.0/mlflow/registered-models/…`: a workspace model created, read, searched,
//! described, tagged and deleted (never renamed, as on Azure), its latest version in each stage,
//! and its aliases (kept in its properties as `mlflow.alias.{alias}` = version).

use super::wire::{latest_per_stage, model_json, newest, version_json, Search};
use super::{canonical_stage, change, container, read, read_mlflow, tag_map, ALREADY_EXISTS};
use crate::state::AppState;
use crate::tracking::request::{one_or_many, parse};
use crate::tracking::{from_arm, Caller};
use axum::http::Method;
use azimuth_core::jobs::{Tag, TrackingError};
use azimuth_core::models::rules::{ALIAS, STAGES};
use azimuth_core::models::{model_not_found, ModelContainerProperties, ModelContainerResource};
use azimuth_core::{ArmError, Workspace};
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize)]
struct Create {
    name: String,
    #[serde(default)]
    tags: Vec<Tag>,
    description: Option<String>,
}

#[derive(Deserialize)]
struct ByName {
    name: String,
}

#[derive(Deserialize)]
struct Update {
    name: String,
    description: Option<String>,
}

#[derive(Deserialize)]
struct Latest {
    name: String,
    #[serde(default, deserialize_with = "one_or_many")]
    stages: Vec<String>,
}

#[derive(Deserialize)]
struct TagArgs {
    name: String,
    key: String,
    #[serde(default)]
    value: String,
}

#[derive(Deserialize)]
struct Alias {
    name: String,
    alias: String,
    version: Option<String>,
}

/// `registered-models/{op}`.
pub(super) fn call(
    state: &AppState,
    who: &Caller,
    method: &Method,
    op: &str,
    args: Value,
) -> Option<Result<Value, TrackingError>> {
    let model = |name: &str, edit: &dyn Fn(&mut ModelContainerProperties)| {
        change_model(state, who, name, |_, p| {
            edit(p);
            Ok(())
        })
    };
    Some(match (method.as_str(), op) {
        ("POST", "create") => parse(args).and_then(|r| create(state, who, r)),
        ("GET", "get") => parse::<ByName>(args).and_then(|r| {
            read(state, who, |w| {
                Ok(json!({ "registered_model": model_json(w, container(w, &r.name)?) }))
            })
        }),
        ("GET" | "POST", "search") => parse::<Search>(args)
            .and_then(|r| read_mlflow(state, who, |w| super::wire::search(w, r, false))),
        ("POST", "rename") => parse::<ByName>(args).and_then(|r| Err(not_renamed(&r.name))),
        ("PATCH", "update") => parse::<Update>(args).and_then(|r| {
            let description = r.description.filter(|d| !d.is_empty());
            let changed = model(&r.name, &|p| p.description = description.clone())?;
            Ok(json!({ "registered_model": changed }))
        }),
        ("DELETE", "delete") => parse::<ByName>(args).and_then(|r| {
            let gone = change(state, who, |w, now| {
                w.delete_model(&who.member, &r.name, now)
            })?;
            match gone {
                true => Ok(json!({})),
                false => Err(from_arm(model_not_found(&r.name, None))),
            }
        }),
        ("GET" | "POST", "get-latest-versions") => {
            parse::<Latest>(args).and_then(|r| latest_versions(state, who, r))
        }
        ("POST", "set-tag") => parse::<TagArgs>(args).and_then(|r| {
            model(&r.name, &|p| {
                p.tags.insert(r.key.clone(), r.value.clone());
            })
            .map(|_| json!({}))
        }),
        ("DELETE", "delete-tag") => parse::<TagArgs>(args).and_then(|r| {
            model(&r.name, &|p| {
                p.tags.remove(&r.key);
            })
            .map(|_| json!({}))
        }),
        ("POST" | "DELETE" | "GET", "alias") => {
            parse::<Alias>(args).and_then(|r| alias(state, who, method, r))
        }
        _ => return None,
    })
}

/// Why `rename` is refused, and what to do instead.
fn not_renamed(name: &str) -> TrackingError {
    TrackingError::invalid(format!("Registered models cannot be renamed: Azure Machine Learning does not support renaming them, and neither does Azimuth, so '{name}' keeps its name. Register its versions under the new name instead (mlflow.register_model with each version's source), then delete the old model if you no longer need it."))
}

/// `registered-models/create`: a new model, with no versions yet.
fn create(state: &AppState, who: &Caller, r: Create) -> Result<Value, TrackingError> {
    change(state, who, |w, now| {
        if let Some(c) = w.model_container(&r.name) {
            return Err(ArmError::new(
                ALREADY_EXISTS,
                format!("Registered Model (name={}) already exists.", c.name),
            ));
        }
        let request = ModelContainerResource {
            properties: ModelContainerProperties {
                description: r.description.filter(|d| !d.is_empty()),
                tags: tag_map(r.tags),
                ..ModelContainerProperties::default()
            },
            ..ModelContainerResource::default()
        };
        let (_, c) = w.put_model_container(&who.member, &r.name, request, now)?;
        Ok(json!({ "registered_model": model_json(w, &c) }))
    })
}

/// The latest version in each of the stages asked for (every stage when none is).
fn latest_versions(state: &AppState, who: &Caller, r: Latest) -> Result<Value, TrackingError> {
    let stages = r
        .stages
        .iter()
        .map(|s| canonical_stage(s))
        .collect::<Result<Vec<_>, _>>()?;
    let stages = if stages.is_empty() {
        STAGES.to_vec()
    } else {
        stages
    };
    read(state, who, |w| {
        let c = container(w, &r.name)?;
        let found: Vec<Value> = latest_per_stage(w, &c.name, &stages)
            .into_iter()
            .map(|v| version_json(c, v))
            .collect();
        Ok(json!({ "model_versions": found }))
    })
}

/// `registered-models/alias`: POST sets one, DELETE removes one, GET answers its version
/// (`latest` names the newest version).
fn alias(
    state: &AppState,
    who: &Caller,
    method: &Method,
    r: Alias,
) -> Result<Value, TrackingError> {
    check_alias(&r.alias, *method == Method::POST)?;
    let key = format!("{ALIAS}{}", r.alias);
    if *method == Method::GET {
        return read(state, who, |w| {
            let c = container(w, &r.name)?;
            let found = if r.alias.eq_ignore_ascii_case("latest") {
                newest(w.model_versions(&c.name))
            } else {
                let to = c.properties.properties.get(&key).ok_or_else(|| {
                    ArmError::new("ValidationError", format!("Registered model alias {} not found. Set it with set_registered_model_alias (POST registered-models/alias), or see the model's aliases with get_registered_model.", r.alias))
                })?;
                w.model_version(&c.name, to)
            };
            let none = || {
                ArmError::new(
                    "ResourceNotFound",
                    format!("The model '{}' has no versions yet.", c.name),
                )
            };
            let v = found.ok_or_else(none)?;
            Ok(json!({ "model_version": version_json(c, v) }))
        });
    }
    let to = match *method == Method::POST {
        true => Some(r.version.filter(|v| !v.is_empty()).ok_or_else(|| {
            TrackingError::invalid("Missing value for required parameter 'version': say which version the alias names.")
        })?),
        false => None,
    };
    change_model(state, who, &r.name, |w, p| {
        match &to {
            Some(version) => {
                w.model_version(&r.name, version)
                    .ok_or_else(|| model_not_found(&r.name, Some(version)))?;
                p.properties.insert(key.clone(), version.clone());
            }
            None => {
                p.properties.remove(&key);
            }
        }
        Ok(())
    })?;
    Ok(json!({}))
}

/// Refuses an alias MLflow would refuse: empty, with other characters than letters, digits,
/// `_` and `-`, or (when setting one) `latest` and version-like names such as `v3`.
fn check_alias(alias: &str, setting: bool) -> Result<(), TrackingError> {
    let bad = |why: &str| {
        Err(TrackingError::invalid(format!(
            "Invalid alias name: '{alias}'. {why}"
        )))
    };
    if alias.is_empty() || alias.len() > 255 {
        return bad("An alias has 1 to 255 characters.");
    }
    if !alias
        .chars()
        .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    {
        return bad("Names may only contain alphanumerics, underscores (_), and dashes (-).");
    }
    let version_like = alias.len() > 1
        && alias.starts_with(['v', 'V'])
        && alias[1..].bytes().all(|b| b.is_ascii_digit());
    if setting && (alias.eq_ignore_ascii_case("latest") || version_like) {
        return bad("'latest' and version names such as 'v1' are reserved: pick another name.");
    }
    Ok(())
}

/// Changes what may change of a model (description, tags, properties); answers it as
/// MLflow's `RegisteredModel`.
fn change_model(
    state: &AppState,
    who: &Caller,
    name: &str,
    edit: impl FnOnce(&Workspace, &mut ModelContainerProperties) -> Result<(), ArmError>,
) -> Result<Value, TrackingError> {
    change(state, who, |w, now| {
        let mut next = container(w, name)?.clone();
        edit(w, &mut next.properties)?;
        let name = next.name.clone();
        let (_, changed) = w.put_model_container(&who.member, &name, next, now)?;
        Ok(model_json(w, &changed))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_are_read_as_mlflow_reads_them() {
        assert!(check_alias("champion", true).is_ok());
        assert!(check_alias("latest", false).is_ok());
        assert!(check_alias("latest", true).is_err());
        assert!(check_alias("v2", true).is_err());
        assert!(check_alias("a b", true).is_err());
    }
}
