//! MLflow's model registry (`/api/2.0/mlflow/registered-models/…` and `…/model-versions/…`)
//! over the workspace's models: a registered model is a model container and a model version is
//! one of its versions, so ARM and MLflow see one truth and every rule is the engine's. Aliases
//! are kept in the container's properties (`mlflow.alias.{alias}` = version). Writing needs a
//! role that may register models (not a Reader).

mod models;
mod versions;
mod wire;

use super::{from_arm, ok, Caller};
use crate::state::AppState;
use axum::http::Method;
use axum::response::Response;
use azimuth_core::jobs::{Tag, TrackingError};
use azimuth_core::models::rules::{check_stage, STAGES};
use azimuth_core::models::{model_not_found, ModelContainerResource, ModelVersionResource};
use azimuth_core::workspace::roles::Action;
use azimuth_core::{ArmError, Workspace};
use serde_json::Value;
use std::collections::BTreeMap;

/// MLflow's code for a name that is taken (`mlflow.register_model` goes on when it gets it).
const ALREADY_EXISTS: &str = "RESOURCE_ALREADY_EXISTS";

/// Whether `call` (after `mlflow/`) is the registry's.
pub(super) fn owns(call: &str) -> bool {
    call.starts_with("registered-models/") || call.starts_with("model-versions/")
}

/// Answers a registry call, or `None` when there is no such call.
pub(super) fn call(
    state: &AppState,
    who: &Caller,
    method: &Method,
    call: &str,
    args: Value,
) -> Option<Result<Response, TrackingError>> {
    let result = match call.strip_prefix("model-versions/") {
        Some(op) => versions::call(state, who, method, op, args)?,
        None => models::call(
            state,
            who,
            method,
            call.strip_prefix("registered-models/")?,
            args,
        )?,
    };
    Some(result.map(ok))
}

/// A stage as MLflow spells it, from any case (`production` is `Production`).
fn canonical_stage(stage: &str) -> Result<&'static str, TrackingError> {
    let found = STAGES.into_iter().find(|s| s.eq_ignore_ascii_case(stage));
    found.ok_or_else(|| {
        let message = check_stage(stage).err().map(|e| e.message().to_owned());
        TrackingError::invalid(message.unwrap_or_default())
    })
}

/// MLflow's tags as a resource's.
fn tag_map(tags: Vec<Tag>) -> BTreeMap<String, String> {
    tags.into_iter().map(|t| (t.key, t.value)).collect()
}

/// An engine error in MLflow's words (a taken name keeps MLflow's code).
fn mlflow_error(e: ArmError) -> TrackingError {
    match e.code() {
        ALREADY_EXISTS => TrackingError::new(ALREADY_EXISTS, e.message()),
        _ => from_arm(e),
    }
}

/// A model by name, or ARM's 404.
fn container<'a>(w: &'a Workspace, name: &str) -> Result<&'a ModelContainerResource, ArmError> {
    w.model_container(name)
        .ok_or_else(|| model_not_found(name, None))
}

/// One version of a model, or ARM's 404.
fn version<'a>(
    w: &'a Workspace,
    name: &str,
    version: &str,
) -> Result<(&'a ModelContainerResource, &'a ModelVersionResource), ArmError> {
    let c = container(w, name)?;
    let v = w
        .model_version(&c.name, version)
        .ok_or_else(|| model_not_found(&c.name, Some(version)))?;
    Ok((c, v))
}

/// Reads the workspace.
fn read<T>(
    state: &AppState,
    who: &Caller,
    f: impl FnOnce(&Workspace) -> Result<T, ArmError>,
) -> Result<T, TrackingError> {
    let result = state.read_workspace(&who.member, &who.arm_id, f);
    result.map_err(mlflow_error)?.map_err(mlflow_error)
}

/// Reads the workspace with a reader that answers in MLflow's words.
fn read_mlflow<T>(
    state: &AppState,
    who: &Caller,
    f: impl FnOnce(&Workspace) -> Result<T, TrackingError>,
) -> Result<T, TrackingError> {
    state
        .read_workspace(&who.member, &who.arm_id, f)
        .map_err(mlflow_error)?
}

/// Refuses a caller whose role may not register or change models.
fn may_write(w: &Workspace, who: &Caller) -> Result<(), ArmError> {
    w.authorize(&who.member, Action::WriteModels)
        .map(drop)
        .map_err(|e| match e.code() {
            "AuthorizationFailed" => ArmError::new(
                "AuthorizationFailed",
                format!("{} Any role reads models; registering or changing them needs the AzureML Data Scientist or Contributor role: ask one of the workspace's Owners for it.", e.message()),
            ),
            _ => e,
        })
}

/// Changes the workspace's models through the engine, after checking the caller may.
fn change<T>(
    state: &AppState,
    who: &Caller,
    f: impl FnOnce(&mut Workspace, i64) -> Result<T, ArmError>,
) -> Result<T, TrackingError> {
    state
        .change_workspace(&who.arm_id, |_, w, now| {
            may_write(w, who)?;
            f(w, now)
        })
        .map_err(mlflow_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_are_read_in_any_case() {
        assert_eq!(canonical_stage("production").unwrap(), "Production");
        assert!(canonical_stage("prod")
            .unwrap_err()
            .message
            .contains("None, Staging, Production and Archived"));
    }
}
