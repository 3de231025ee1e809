//! What the server adds to a model version before the engine registers it, for ARM and MLflow
//! alike: its files must be there (Azure's `NoMatchingArtifactsFoundFromJob` otherwise), an
//! MLflow model's folder must hold an `MLmodel` file, and that file's flavors are kept on the
//! version.

use crate::state::AppState;
use crate::tracking::Caller;
use azimuth_core::models::check::{check_found, needs_mlmodel, Found};
use azimuth_core::models::mlmodel::MLMODEL_FILE;
use azimuth_core::models::{ModelSource, ModelVersionProperties};
use azimuth_core::ArmError;

fn bad(message: String) -> ArmError {
    ArmError::new("ValidationError", message).at("properties.modelUri")
}

/// The datastore and folder that hold a model's files (see [`ModelSource::folder`]), a job's
/// named output looked up in its job.
pub(crate) fn model_folder(
    state: &AppState,
    who: &Caller,
    source: &ModelSource,
) -> Result<(String, String), ArmError> {
    source
        .folder(|job, output| {
            let job = crate::arm::jobs::read_job(state, who, job).ok()?;
            job["properties"]["outputs"][output]["uri"]
                .as_str()
                .map(str::to_owned)
        })
        .map_err(bad)
}

/// Checks that a new version's files are there and fills in an MLflow model's flavors (the
/// engine's rule, [`check_found`], on what this machine's disk holds). Files kept outside this
/// machine (an object store) are taken as they are named.
pub(crate) fn prepare_version(
    state: &AppState,
    who: &Caller,
    props: &mut ModelVersionProperties,
) -> Result<(), ArmError> {
    let source = ModelSource::parse(&props.model_uri).map_err(bad)?;
    let (datastore, folder) = model_folder(state, who, &source)?;
    let root =
        state.read_workspace(&who.member, &who.arm_id, |w| w.datastore_root(&datastore))??;
    let Some(at) = state.storage.local_path(&root, &folder) else {
        return Ok(());
    };
    let any = match std::fs::read_dir(&at) {
        Ok(mut entries) => entries.next().is_some(),
        Err(_) => at.is_file(),
    };
    let mlmodel = needs_mlmodel(props)
        .then(|| std::fs::read_to_string(at.join(MLMODEL_FILE)).ok())
        .flatten();
    let found = Found {
        any,
        mlmodel: mlmodel.as_deref(),
    };
    check_found(props, &source, found)
}
