//! MLflow's tracking API at each workspace's `mlFlowTrackingUri`
//! (`/mlflow/v1.0/subscriptions/…/workspaces/{ws}`, `v2.0` too, as Azure ML answers both): the
//! REST API 2.0 under `/api/2.0/mlflow/` and the artifacts proxy under
//! `/api/2.0/mlflow-artifacts/artifacts`, so the unchanged `mlflow` client logs into the
//! workspace with `MLFLOW_TRACKING_TOKEN` set to a token for scripts (`POST /api/tokens`) or a
//! session's. Anyone who may read the workspace reads its runs; logging needs a role that may
//! write jobs (not a Reader).

mod artifacts;
mod experiments;
mod histories;
pub mod points;
mod registry;
mod request;
mod runs;
pub mod store;
pub(crate) mod studio;

use crate::state::AppState;
use crate::{auth, MAX_BODY};
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use azimuth_core::jobs::TrackingError;
use azimuth_core::workspace::roles::Action;
use azimuth_core::ArmError;
use serde_json::Value;
use std::sync::Arc;

/// Who calls, in which workspace, and what they may do there.
#[derive(Clone)]
pub(crate) struct Caller {
    /// The workspace's `workspaceId`: its runs are kept under it, so a workspace purged and
    /// created again under its name starts with none.
    pub ws: String,
    /// The workspace's ARM id, as the request named it.
    pub arm_id: String,
    /// The signed-in member (who tokens are issued to).
    pub member: String,
    /// The person's sign-in name (a run's `user_id`).
    pub user_name: String,
    /// Whether their role lets them log (create, change or delete runs and experiments).
    pub may_write: bool,
    /// The workspace's artifact store, in file storage.
    pub artifact_root: String,
}

impl Caller {
    /// Refuses a Reader (or a Compute Operator) anything that writes.
    pub fn check_write(&self) -> Result<(), TrackingError> {
        if self.may_write {
            return Ok(());
        }
        Err(TrackingError::new(
            "PERMISSION_DENIED",
            format!(
                "'{}' does not have authorization to perform action '{}' in this workspace: a Reader may read runs but not log them. Ask one of the workspace's Owners for the AzureML Data Scientist or Contributor role.",
                self.user_name,
                Action::WriteJobs.arm_operation()
            ),
        ))
    }
}

/// MLflow's error body with its HTTP status.
pub(crate) fn error_response(e: &TrackingError) -> Response {
    let status = StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
    (status, axum::Json(e)).into_response()
}

/// An ARM error (signing in, the workspace) in MLflow's shape.
pub(crate) fn from_arm(e: ArmError) -> TrackingError {
    let code = match e.code() {
        "AuthenticationFailed" | "InvalidAuthenticationToken" => "UNAUTHENTICATED",
        "AuthorizationFailed" => "PERMISSION_DENIED",
        "Conflict" => "RESOURCE_CONFLICT",
        "ResourceNotFound" | "WorkspaceNotFound" | "NotFound" => "RESOURCE_DOES_NOT_EXIST",
        "InsufficientStorage" | "StorageError" | "ServiceUnavailable" => "TEMPORARILY_UNAVAILABLE",
        _ => "INVALID_PARAMETER_VALUE",
    };
    TrackingError::new(code, e.message())
}

/// A JSON answer.
pub(crate) fn ok(value: Value) -> Response {
    axum::Json(value).into_response()
}

/// The workspace id and the API call of a tracking path (`…/workspaces/{ws}/api/2.0/{call}`).
fn split(path: &str) -> Option<(String, &str)> {
    let (workspace, rest) = azimuth_core::jobs::links::split_tracking_path(path)?;
    Some((workspace, rest.strip_prefix("/api/2.0/")?))
}

/// Who calls: the signed-in person (a session's token, a token for scripts, or a job's token in
/// its own workspace), their role in the workspace `ws` names, and its artifact store;
/// MLflow's 401, 403 or 404 otherwise.
pub(crate) fn caller(
    state: &AppState,
    headers: &HeaderMap,
    ws: &str,
) -> Result<Caller, TrackingError> {
    let me = auth::tracking_member(state, headers).map_err(from_arm)?;
    let caller = caller_of(state, &me.member, ws).map_err(from_arm)?;
    match me.only_in {
        Some(workspace) if workspace != caller.ws => Err(TrackingError::new(
            "PERMISSION_DENIED",
            "A job's token logs only to its own workspace.",
        )),
        _ => Ok(caller),
    }
}

/// What the member `me` may do in the workspace `ws` names, and where its runs live.
pub(crate) fn caller_of(state: &AppState, me: &str, ws: &str) -> Result<Caller, ArmError> {
    let (key, user_name, may_write, artifact_root) = state.read_workspace(me, ws, |w| {
        let member = w.member(me).map(|m| m.user_name.clone());
        (
            w.resource.properties.workspace_id.clone(),
            member.unwrap_or_else(|| me.to_owned()),
            w.authorize(me, Action::WriteJobs).is_ok(),
            w.datastore_root(azimuth_core::jobs::run::ARTIFACT_STORE),
        )
    })?;
    Ok(Caller {
        ws: key,
        arm_id: ws.to_owned(),
        member: me.to_owned(),
        user_name,
        may_write,
        artifact_root: artifact_root?,
    })
}

/// `/mlflow/…`: every tracking call.
pub(crate) async fn handle(
    State(state): State<Arc<AppState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let Some((ws, call)) = split(uri.path()) else {
        // The links the mlflow client prints (`<tracking URI>/#/experiments/...`) open in a
        // browser: the studio answers them, and opens the job they name.
        if method == Method::GET && wants_html(&headers) {
            return crate::static_files::serve(
                &state.config.dist,
                &Uri::from_static("/"),
                crate::static_files::accepts_brotli(&headers),
            )
            .await;
        }
        return error_response(&TrackingError::new(
            "ENDPOINT_NOT_FOUND",
            format!("There is no tracking API at {}: use a workspace's mlFlowTrackingUri (…/mlflow/v1.0/subscriptions/{{sub}}/resourceGroups/{{rg}}/providers/Microsoft.MachineLearningServices/workspaces/{{ws}}) as the tracking URI.", uri.path()),
        ));
    };
    let call = call.to_owned();
    let who = match caller(&state, &headers, &ws) {
        Ok(who) => who,
        Err(e) => return error_response(&e),
    };
    // Searches are POSTs that change nothing: only what writes is announced. The registry's
    // changes are the workspace's, which streams them itself.
    let writes = method != Method::GET
        && method != Method::HEAD
        && !call.ends_with("/search")
        && !call.strip_prefix("mlflow/").is_some_and(registry::owns);
    let response = answer_call(&state, &who, method, &call, uri.query(), body).await;
    if writes && response.status().is_success() {
        state.tracking.announce(&who.arm_id);
    }
    response
}

async fn answer_call(
    state: &Arc<AppState>,
    who: &Caller,
    method: Method,
    call: &str,
    query: Option<&str>,
    body: Body,
) -> Response {
    if let Some(path) = call.strip_prefix("mlflow-artifacts/artifacts") {
        let path = path.trim_start_matches('/').to_owned();
        return artifacts::proxy(state, who, method, &path, query, body).await;
    }
    let Some(name) = call.strip_prefix("mlflow/") else {
        return not_found(&method, call);
    };
    let args = match request::args(&method, query, body, MAX_BODY).await {
        Ok(args) => args,
        Err(e) => return error_response(&e),
    };
    let result = if name == "artifacts/list" {
        artifacts::list_run(state, who, args).await
    } else {
        // SQLite and its fsyncs, off the threads that answer other requests.
        let (state, who, name) = (Arc::clone(state), who.clone(), name.to_owned());
        let method = method.clone();
        blocking(move || match name.strip_prefix("experiments/") {
            Some(op) => experiments::call(&state, &who, &method, op, args),
            None if registry::owns(&name) => registry::call(&state, &who, &method, &name, args),
            None => runs::call(&state, &who, &method, &name, args),
        })
        .await
    };
    match result {
        Some(Ok(response)) => response,
        Some(Err(e)) => error_response(&e),
        None => not_found(&method, call),
    }
}

/// Runs `f` on the threads meant for blocking work.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Option<Result<T, TrackingError>> + Send + 'static,
) -> Option<Result<T, TrackingError>> {
    tokio::task::spawn_blocking(f).await.unwrap_or_else(|e| {
        Some(Err(TrackingError::new(
            "INTERNAL_ERROR",
            format!("The request failed inside the server ({e}); nothing was changed."),
        )))
    })
}

fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

fn not_found(method: &Method, call: &str) -> Response {
    error_response(&TrackingError::new(
        "ENDPOINT_NOT_FOUND",
        format!("This tracking server does not answer {method} /api/2.0/{call}."),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_uris_name_their_workspace() {
        let (ws, call) = split("/mlflow/v1.0/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/api/2.0/mlflow/runs/create").unwrap();
        assert_eq!(ws, "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws");
        assert_eq!(call, "mlflow/runs/create");
        assert!(split("/mlflow/v2.0/subscriptions/s/resourcegroups/rg/providers/microsoft.machinelearningservices/workspaces/ws/api/2.0/mlflow-artifacts/artifacts/a").is_some());
        assert!(split("/mlflow/v3.0/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/api/2.0/mlflow/runs/get").is_none());
        assert!(split("/mlflow/v1.0/subscriptions/s/api/2.0/mlflow/runs/get").is_none());
    }
}
