//! The models deployments serve: read once from a model version's folder in the workspace's
//! storage, then kept in memory (a version never changes).

use super::{stamp, LogLine};
use crate::state::AppState;
use azimuth_core::jobs::automl::record::MODEL_FILE;
use azimuth_core::jobs::submit::output_uri;
use azimuth_core::ml::sweep::TrainedModel;
use azimuth_core::models::{ModelSource, ModelVersionResource};
use azimuth_core::{ArmError, Workspace};
use std::sync::Arc;

/// A model version's model: from memory, or read from its folder (then kept).
pub(crate) fn model_for(
    state: &AppState,
    workspace: &str,
    deployment: &str,
    version: &ModelVersionResource,
) -> Result<Arc<TrainedModel>, String> {
    if let Some(model) = state
        .inference
        .models
        .lock()
        .ok()
        .and_then(|m| m.get(&version.id).cloned())
    {
        return Ok(model);
    }
    let w = state
        .read(|t| t.workspace(workspace).cloned())
        .ok_or("its workspace was deleted")?;
    let model = Arc::new(load(state, &w, version)?);
    let loaded = format!(
        "{} loaded model {} ({})",
        stamp(state),
        version.id,
        model.algorithm
    );
    state.inference.log(deployment, LogLine::Text(loaded));
    if let Ok(mut models) = state.inference.models.lock() {
        models.insert(version.id.clone(), model.clone());
    }
    Ok(model)
}

/// Reads a model version's model file from the workspace's storage.
fn load(
    state: &AppState,
    w: &Workspace,
    version: &ModelVersionResource,
) -> Result<TrainedModel, String> {
    let source = ModelSource::parse(&version.properties.model_uri)?;
    let wsid = w.resource.properties.workspace_id.clone();
    let (datastore, folder) = source.folder(|job, output| {
        state
            .tracking
            .read(&wsid, state.now(), |runs| {
                let (_, run) = runs.runs.get(job)?;
                let uri = run
                    .job
                    .as_ref()?
                    .spec
                    .outputs
                    .get(output)
                    .and_then(|o| o.uri.clone());
                Some(uri.unwrap_or_else(|| output_uri(job, output)))
            })
            .ok()
            .flatten()
    })?;
    let root = w
        .datastore_root(&datastore)
        .map_err(|e| e.message().to_owned())?;
    let path = format!("{}/{MODEL_FILE}", folder.trim_end_matches('/'));
    let at = state
        .storage
        .local_path(&root, &path)
        .ok_or("the model's files are kept where this server cannot read them")?;
    let bytes = std::fs::read(&at)
        .map_err(|e| format!("its file {MODEL_FILE} could not be read ({})", e.kind()))?;
    TrainedModel::from_bytes(&bytes)
}

/// Refuses a deployment of a model whose file cannot be read and loaded.
pub fn check_model(
    state: &AppState,
    member: &str,
    workspace: &str,
    reference: &str,
) -> Result<(), ArmError> {
    let w = state.read_workspace(member, workspace, Clone::clone)?;
    let version = w.model_of(reference)?.clone();
    if !version.properties.flavors.contains_key("azimuth") {
        return Ok(()); // The engine refuses it, saying why.
    }
    load(state, &w, &version).map(drop).map_err(|e| {
        ArmError::new(
            "ValidationError",
            format!(
                "Version {} of the model cannot be deployed: {e}.",
                version.name
            ),
        )
        .at("properties.model")
    })
}
