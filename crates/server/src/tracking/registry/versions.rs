//! `/api/2.0/mlflow/model-versions/…`: a version registered from a run's MLflow model folder
//! (its files checked and its `MLmodel` read first, as ARM's registration does), read,
//! searched, described, tagged, moved between stages and deleted.

use super::wire::{stage_of, version_json, Search, RUN_LINK};
use super::{
    canonical_stage, change, container, may_write, read, read_mlflow, tag_map, version, Caller,
};
use crate::models::prepare_version;
use crate::state::AppState;
use crate::tracking::from_arm;
use crate::tracking::request::parse;
use axum::http::Method;
use azimuth_core::jobs::submit::run_artifact_uri;
use azimuth_core::jobs::{Tag, TrackingError};
use azimuth_core::models::{
    model_not_found, ModelContainerResource, ModelSource, ModelVersionProperties,
    ModelVersionResource,
};
use azimuth_core::{ArmError, Workspace};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

#[derive(Deserialize)]
struct Create {
    name: String,
    source: String,
    run_id: Option<String>,
    #[serde(default)]
    tags: Vec<Tag>,
    run_link: Option<String>,
    description: Option<String>,
}

#[derive(Deserialize)]
struct Ref {
    name: String,
    version: String,
}

#[derive(Deserialize)]
struct Update {
    name: String,
    version: String,
    description: Option<String>,
}

#[derive(Deserialize)]
struct Transition {
    name: String,
    version: String,
    stage: String,
    #[serde(default)]
    archive_existing_versions: bool,
}

#[derive(Deserialize)]
struct TagArgs {
    name: String,
    version: String,
    key: String,
    #[serde(default)]
    value: String,
}

/// `model-versions/{op}`.
pub(super) fn call(
    state: &AppState,
    who: &Caller,
    method: &Method,
    op: &str,
    args: Value,
) -> Option<Result<Value, TrackingError>> {
    let edit = |name: &str, number: &str, f: &dyn Fn(&mut ModelVersionProperties)| {
        change_version(state, who, name, number, |_, p, _| {
            f(p);
            Ok(())
        })
    };
    Some(match (method.as_str(), op) {
        ("POST", "create") => parse(args).and_then(|r| create(state, who, r)),
        ("GET", "get") => parse::<Ref>(args).and_then(|r| {
            read(state, who, |w| {
                let (c, v) = version(w, &r.name, &r.version)?;
                Ok(json!({ "model_version": version_json(c, v) }))
            })
        }),
        ("GET" | "POST", "search") => parse::<Search>(args)
            .and_then(|r| read_mlflow(state, who, |w| super::wire::search(w, r, true))),
        ("PATCH", "update") => parse::<Update>(args).and_then(|r| {
            let description = r.description.filter(|d| !d.is_empty());
            let changed = edit(&r.name, &r.version, &|p| {
                p.description = description.clone();
            })?;
            Ok(json!({ "model_version": changed }))
        }),
        ("DELETE", "delete") => parse::<Ref>(args).and_then(|r| {
            let gone = change(state, who, |w, now| {
                w.delete_model_version(&who.member, &r.name, &r.version, now)
            })?;
            match gone {
                true => Ok(json!({})),
                false => Err(from_arm(model_not_found(&r.name, Some(&r.version)))),
            }
        }),
        ("POST", "transition-stage") => {
            parse::<Transition>(args).and_then(|r| transition(state, who, r))
        }
        ("POST", "set-tag") => parse::<TagArgs>(args).and_then(|r| {
            edit(&r.name, &r.version, &|p| {
                p.tags.insert(r.key.clone(), r.value.clone());
            })
            .map(|_| json!({}))
        }),
        ("DELETE", "delete-tag") => parse::<TagArgs>(args).and_then(|r| {
            edit(&r.name, &r.version, &|p| {
                p.tags.remove(&r.key);
            })
            .map(|_| json!({}))
        }),
        ("GET", "get-download-uri") => parse::<Ref>(args).and_then(|r| {
            read(state, who, |w| {
                let (_, v) = version(w, &r.name, &r.version)?;
                Ok(json!({ "artifact_uri": download_uri(&v.properties.model_uri) }))
            })
        }),
        _ => return None,
    })
}

/// Where the mlflow client downloads a version's files: a run's artifacts through this
/// server's artifacts proxy, other sources as they were registered.
fn download_uri(source: &str) -> String {
    match ModelSource::parse(source) {
        Ok(ModelSource::RunArtifacts { run, path }) if path.is_empty() => run_artifact_uri(&run),
        Ok(ModelSource::RunArtifacts { run, path }) => format!("{}/{path}", run_artifact_uri(&run)),
        _ => source.to_owned(),
    }
}

/// `model-versions/create`: the next version of an existing model, from an MLflow model
/// folder (`mlflow-artifacts:/ExperimentRun/dcid.<run>/<path>` as the mlflow client sends a
/// run's model, or `runs:/<run>/<path>`).
fn create(state: &AppState, who: &Caller, r: Create) -> Result<Value, TrackingError> {
    if r.source.trim_start().starts_with("models:/") {
        return Err(TrackingError::invalid(format!(
            "The source '{}' names a logged model, and this server keeps none: log the model's folder as the run's artifacts (mlflow.log_artifacts(folder, \"model\")) and register runs:/<run_id>/model instead.",
            r.source
        )));
    }
    let missing = |name: &str| {
        ArmError::new("ResourceNotFound", format!("Registered Model with name={name} not found: create it first (MlflowClient().create_registered_model(name)), or use mlflow.register_model, which creates it."))
    };
    read(state, who, |w| {
        may_write(w, who)?;
        w.model_container(&r.name)
            .map(drop)
            .ok_or_else(|| missing(&r.name))
    })?;
    let mut properties = ModelVersionProperties {
        model_type: "mlflow_model".into(),
        model_uri: r.source,
        job_name: r.run_id.filter(|id| !id.is_empty()),
        description: r.description.filter(|d| !d.is_empty()),
        tags: tag_map(r.tags),
        properties: r
            .run_link
            .filter(|l| !l.is_empty())
            .map(|l| BTreeMap::from([(RUN_LINK.to_owned(), l)]))
            .unwrap_or_default(),
        ..ModelVersionProperties::default()
    };
    prepare_version(state, who, &mut properties).map_err(from_arm)?;
    change(state, who, |w, now| {
        let c = w.model_container(&r.name).ok_or_else(|| missing(&r.name))?;
        let (name, number) = (c.name.clone(), next_number(w, c));
        let request = ModelVersionResource {
            properties,
            ..ModelVersionResource::default()
        };
        let (_, made) = w.put_model_version(&who.member, &name, &number, request, now)?;
        Ok(json!({ "model_version": version_json(container(w, &name)?, &made) }))
    })
}

/// The number a new version gets: the model's next version, which deleting a version does not
/// lower (numbers are never given twice, as MLflow's), or one past the highest there is.
fn next_number(w: &Workspace, c: &ModelContainerResource) -> String {
    match c.properties.next_version.clone() {
        Some(kept) if w.model_version(&c.name, &kept).is_none() => kept,
        _ => w.next_model_version(&c.name),
    }
}

/// `model-versions/transition-stage`: moves a version to a stage; with
/// `archive_existing_versions`, the model's other versions in Staging or Production move to
/// Archived.
fn transition(state: &AppState, who: &Caller, r: Transition) -> Result<Value, TrackingError> {
    let stage = canonical_stage(&r.stage)?;
    if r.archive_existing_versions && !matches!(stage, "Staging" | "Production") {
        return Err(TrackingError::invalid(format!(
            "archive_existing_versions archives the other versions in Staging or Production, and '{stage}' is neither: leave it false to move version {} to {stage}.",
            r.version
        )));
    }
    let changed = change_version(state, who, &r.name, &r.version, |w, p, now| {
        if r.archive_existing_versions {
            archive_others(w, who, &r.name, &r.version, stage, now)?;
        }
        p.stage = Some(stage.to_owned());
        Ok(())
    })?;
    Ok(json!({ "model_version": changed }))
}

/// Moves every version of `name` in `stage` but `except` to Archived.
fn archive_others(
    w: &mut Workspace,
    who: &Caller,
    name: &str,
    except: &str,
    stage: &str,
    now: i64,
) -> Result<(), ArmError> {
    let others: Vec<ModelVersionResource> = w
        .model_versions(name)
        .filter(|v| v.name != except && stage_of(v) == stage)
        .cloned()
        .collect();
    for mut other in others {
        other.properties.stage = Some("Archived".into());
        let number = other.name.clone();
        w.put_model_version(&who.member, name, &number, other, now)?;
    }
    Ok(())
}

/// Changes what may change of a version (description, tags, stage) through the engine, `edit`
/// seeing the workspace too; answers the version as MLflow's `ModelVersion`.
fn change_version(
    state: &AppState,
    who: &Caller,
    name: &str,
    number: &str,
    edit: impl FnOnce(&mut Workspace, &mut ModelVersionProperties, i64) -> Result<(), ArmError>,
) -> Result<Value, TrackingError> {
    change(state, who, |w, now| {
        let (c, v) = version(w, name, number)?;
        let (name, mut next) = (c.name.clone(), v.clone());
        edit(w, &mut next.properties, now)?;
        let (_, changed) = w.put_model_version(&who.member, &name, number, next, now)?;
        Ok(version_json(container(w, &name)?, &changed))
    })
}
