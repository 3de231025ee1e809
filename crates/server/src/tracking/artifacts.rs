//! Run artifacts, kept where Azure ML keeps them: `ExperimentRun/dcid.<run id>/` in the
//! workspace's artifact store (`workspaceartifactstore`), so they are files of that datastore
//! too. MLflow's artifacts proxy (`mlflow-artifacts/artifacts/<path>`: PUT a file as it
//! streams in, GET it back, DELETE it, GET with `?path=` to list a folder) and `artifacts/list`
//! of the tracking API. Each path must lie in a run of this workspace, and writing needs an
//! active run and a role that may log.

use super::request::parse;
use super::store::run_not_found;
use super::{error_response, from_arm, ok, Caller};
use crate::state::AppState;
use axum::body::Body;
use axum::http::{header, HeaderValue, Method};
use axum::response::{IntoResponse, Response};
use azimuth_core::data::files::check_file_path;
use azimuth_core::jobs::run::{run_folder, run_of_path, RUNS_FOLDER};
use azimuth_core::jobs::{LifecycleStage, TrackingError};
use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::{json, Value};

/// Checks `path` (relative to the artifact store) and finds the run it lies in; answers the
/// checked path. Writing needs the run active and the caller's role.
fn check_path(
    state: &AppState,
    who: &Caller,
    path: &str,
    write: bool,
) -> Result<String, TrackingError> {
    let path = check_file_path(path).map_err(from_arm)?;
    let run_id = run_of_path(&path).ok_or_else(|| {
        TrackingError::invalid(format!(
            "'{path}' is not in a run's artifacts: paths start with {RUNS_FOLDER}/dcid.<run id>/."
        ))
    })?;
    let stage = state
        .tracking
        .read(&who.ws, state.now(), |runs| {
            runs.runs.get(run_id).map(|(_, r)| r.info.lifecycle_stage)
        })?
        .ok_or_else(|| run_not_found(run_id))?;
    if write {
        who.check_write()?;
        if stage == LifecycleStage::Deleted {
            return Err(TrackingError::invalid(format!(
                "The run {run_id} must be in the 'active' state. Current state is deleted."
            )));
        }
    }
    Ok(path)
}

/// Lists `folder` of the artifact store: each entry's `path` relative to `relative_to`.
async fn listing(
    state: &AppState,
    who: &Caller,
    folder: &str,
    relative_to: &str,
) -> Result<Vec<Value>, TrackingError> {
    let found = state
        .storage
        .list(&who.artifact_root, folder)
        .await
        .map_err(from_arm)?;
    let inside = folder
        .strip_prefix(relative_to)
        .unwrap_or_default()
        .trim_matches('/');
    let name = |n: &str| {
        if inside.is_empty() {
            n.to_owned()
        } else {
            format!("{inside}/{n}")
        }
    };
    let mut files: Vec<Value> = found
        .folders
        .iter()
        .map(|f| json!({ "path": name(f), "is_dir": true }))
        .collect();
    files.extend(
        found
            .files
            .iter()
            .map(|f| json!({ "path": name(&f.name), "is_dir": false, "file_size": f.size })),
    );
    Ok(files)
}

/// `mlflow-artifacts/artifacts[/<path>]`.
pub(super) async fn proxy(
    state: &AppState,
    who: &Caller,
    method: Method,
    path: &str,
    query: Option<&str>,
    body: Body,
) -> Response {
    let result = async {
        match method {
            Method::GET if path.is_empty() => {
                let asked =
                    serde_urlencoded::from_str::<Vec<(String, String)>>(query.unwrap_or(""))
                        .unwrap_or_default()
                        .into_iter()
                        .find(|(k, _)| k == "path")
                        .map(|(_, v)| v)
                        .unwrap_or_default();
                let folder = check_path(state, who, &asked, false)?;
                let files = listing(state, who, &folder, &folder).await?;
                Ok(ok(json!({ "files": files })))
            }
            Method::GET => {
                let path = check_path(state, who, path, false)?;
                let file = state
                    .storage
                    .read(&who.artifact_root, &path, None)
                    .await
                    .map_err(from_arm)?;
                let size = file.meta.size;
                let stream = file.into_stream().map(|c| c.map_err(std::io::Error::other));
                let mut response = Body::from_stream(stream).into_response();
                let h = response.headers_mut();
                h.insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/octet-stream"),
                );
                h.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
                Ok(response)
            }
            Method::PUT => {
                let path = check_path(state, who, path, true)?;
                let _claim = state
                    .storage
                    .claim(&who.artifact_root, &path)
                    .map_err(from_arm)?;
                state
                    .storage
                    .upload(&who.artifact_root, &path, body.into_data_stream())
                    .await
                    .map_err(from_arm)?;
                Ok(ok(json!({})))
            }
            Method::DELETE => {
                let path = check_path(state, who, path, true)?;
                state
                    .storage
                    .delete(&who.artifact_root, &path)
                    .await
                    .map_err(from_arm)?;
                Ok(ok(json!({})))
            }
            other => Err(TrackingError::new(
                "ENDPOINT_NOT_FOUND",
                format!("The artifacts proxy does not answer {other}."),
            )),
        }
    };
    result.await.unwrap_or_else(|e| error_response(&e))
}

#[derive(Deserialize)]
struct ListRun {
    run_id: Option<String>,
    run_uuid: Option<String>,
    #[serde(default)]
    path: String,
}

/// `GET mlflow/artifacts/list?run_id=&path=`: a folder of a run's artifacts, paths relative to
/// the run's root.
pub(super) async fn list_run(
    state: &AppState,
    who: &Caller,
    args: Value,
) -> Option<Result<Response, TrackingError>> {
    let result = async {
        let r: ListRun = parse(args)?;
        let id = super::request::run_id(r.run_id, r.run_uuid)?;
        let root_uri = state
            .tracking
            .read(&who.ws, state.now(), |runs| {
                runs.runs
                    .get(&id)
                    .map(|(_, run)| run.info.artifact_uri.clone())
            })?
            .ok_or_else(|| run_not_found(&id))?;
        let run_root = run_folder(&id);
        let inner = r.path.trim_matches('/');
        let folder = if inner.is_empty() {
            run_root.clone()
        } else {
            format!("{run_root}/{inner}")
        };
        let folder = check_path(state, who, &folder, false)?;
        let files = listing(state, who, &folder, &run_root).await?;
        Ok(ok(json!({ "root_uri": root_uri, "files": files })))
    };
    Some(result.await)
}
