//! The kernels' HTTP API, for the Notebooks page and for curl:
//! - `GET /api/kernelspecs`: whether this server runs kernels, and which;
//! - `GET|POST /api/computes/{name}/kernels?wsid=`: the caller's kernels on an instance, or a
//!   new one for the notebook `{"path"}` (only the instance's assigned user, while it runs);
//! - `POST /api/kernels/{id}/execute` `{"code"}`: runs a cell; the answer streams one JSON
//!   object a line (`application/x-ndjson`): each output as nbformat keeps it, as it comes, then
//!   `{"reply": {"status", "executionCount"}}` (or ARM's `{"error": {"code", "message"}}`);
//! - `POST /api/kernels/{id}/interrupt`, `POST /api/kernels/{id}/restart`,
//!   `DELETE /api/kernels/{id}`;
//! - `GET /api/kernels/identity`: the instance's managed identity (`MSI_ENDPOINT`), as Azure ML's
//!   compute instances answer azure-identity: the kernel's own token.

use super::{Kernels, KERNEL_DISPLAY_NAME, KERNEL_NAME};
use crate::state::AppState;
use crate::{arm, auth, wsid, QueryMap};
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use azimuth_core::ArmError;
use serde_json::{json, Value};
use std::sync::Arc;

/// The runtime, or why this server has none.
fn runtime(state: &AppState) -> Result<Arc<Kernels>, ArmError> {
    state.kernels.clone().ok_or_else(|| {
        ArmError::new(
            "ServiceUnavailable",
            "This server runs no notebook kernels: start azimuth-server with --instance-runtime local (cargo xtask serve does). Until then, run notebooks with the \"Python (in this browser)\" kernel.",
        )
    })
}

fn answer(result: Result<Response, ArmError>) -> Response {
    result.unwrap_or_else(|e| arm::error_response(&e))
}

/// The caller, the workspace they named (and may see) and the runtime.
fn on_instance(
    state: &AppState,
    query: &QueryMap,
    headers: &HeaderMap,
) -> Result<(String, String, Arc<Kernels>), ArmError> {
    let me = auth::member_of(state, headers)?;
    let ws = wsid(query)?;
    state.check_access(&me, &ws)?;
    Ok((me, ws, runtime(state)?))
}

/// The runtime and the caller's kernel `id`.
fn mine(
    state: &AppState,
    headers: &HeaderMap,
    id: &str,
) -> Result<(Arc<Kernels>, Arc<super::Kernel>), ArmError> {
    let me = auth::member_of(state, headers)?;
    let kernels = runtime(state)?;
    let kernel = kernels.find(&me, id)?;
    Ok((kernels, kernel))
}

/// `GET /api/kernelspecs`.
pub async fn kernelspecs(State(state): State<Arc<AppState>>) -> Response {
    let spec =
        json!({"name": KERNEL_NAME, "displayName": KERNEL_DISPLAY_NAME, "language": "python"});
    let body = match runtime(&state) {
        Ok(_) => json!({"available": true, "default": KERNEL_NAME, "kernelspecs": [spec]}),
        Err(e) => json!({"available": false, "reason": e.message(), "kernelspecs": []}),
    };
    axum::Json(body).into_response()
}

/// `GET /api/computes/{name}/kernels`.
pub async fn list(
    State(state): State<Arc<AppState>>,
    Path(compute): Path<String>,
    query: QueryMap,
    headers: HeaderMap,
) -> Response {
    answer((|| {
        let (me, ws, kernels) = on_instance(&state, &query, &headers)?;
        let all: Vec<Value> = kernels
            .of_instance(&ws, &compute, &me)
            .iter()
            .map(|k| k.model())
            .collect();
        Ok(axum::Json(json!({ "value": all })).into_response())
    })())
}

/// `POST /api/computes/{name}/kernels`.
pub async fn start(
    State(state): State<Arc<AppState>>,
    Path(compute): Path<String>,
    query: QueryMap,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = async {
        let (me, ws, kernels) = on_instance(&state, &query, &headers)?;
        let asked: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        let path = asked["path"].as_str().unwrap_or_default();
        let path = azimuth_core::data::files::check_file_path(path)?;
        if let Some(name) = asked["name"]
            .as_str()
            .filter(|n| *n != KERNEL_NAME && *n != "python3")
        {
            return Err(ArmError::new("BadRequest", format!("There is no kernel '{name}' here; the kernel is '{KERNEL_NAME}' ({KERNEL_DISPLAY_NAME}).")));
        }
        let kernel = kernels.start(&state, &me, &ws, &compute, &path).await?;
        Ok((StatusCode::CREATED, axum::Json(kernel.model())).into_response())
    };
    answer(result.await)
}

/// `POST /api/kernels/{id}/execute`: the outputs stream as they come.
pub async fn execute(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let found = (|| {
        let (kernels, kernel) = mine(&state, &headers, &id)?;
        let asked: Value = serde_json::from_slice(&body).map_err(|e| {
            ArmError::new(
                "BadRequest",
                format!("The body is not JSON {{\"code\": \"...\"}} ({e})."),
            )
        })?;
        let code = asked["code"]
            .as_str()
            .ok_or_else(|| {
                ArmError::new(
                    "BadRequest",
                    "Send the cell's source as {\"code\": \"...\"}.",
                )
            })?
            .to_owned();
        Ok((kernels, kernel, code))
    })();
    let (kernels, kernel, code) = match found {
        Ok(found) => found,
        Err(e) => return arm::error_response(&e),
    };
    let (sender, receiver) = tokio::sync::mpsc::unbounded_channel::<Bytes>();
    tokio::spawn(async move {
        let line = |value: Value| {
            let mut text = value.to_string();
            text.push('\n');
            Bytes::from(text)
        };
        let out = |output: Value| {
            let _ = sender.send(line(output));
        };
        let last = match kernels.execute(&state, &kernel, &code, out).await {
            Ok(reply) => json!({ "reply": reply }),
            Err(e) => serde_json::to_value(&e).unwrap_or(Value::Null),
        };
        let _ = sender.send(line(last));
    });
    let stream = futures_util::stream::unfold(receiver, |mut r| async move {
        r.recv().await.map(|b| (Ok::<_, std::io::Error>(b), r))
    });
    let mut response = Body::from_stream(stream).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-ndjson"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `POST /api/kernels/{id}/{action}`: interrupt or restart.
pub async fn act(
    State(state): State<Arc<AppState>>,
    Path((id, action)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let result = async {
        let (kernels, kernel) = mine(&state, &headers, &id)?;
        match action.as_str() {
            "interrupt" => kernel.interrupt(),
            "restart" => kernels.restart(&state, &kernel).await?,
            other => {
                return Err(ArmError::new(
                    "NotFound",
                    format!("A kernel has no action '{other}': interrupt, restart or execute."),
                ))
            }
        }
        Ok(axum::Json(kernel.model()).into_response())
    };
    answer(result.await)
}

/// `DELETE /api/kernels/{id}`.
pub async fn shutdown(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let result = async {
        let (kernels, kernel) = mine(&state, &headers, &id)?;
        kernels.shutdown(&state, &kernel).await;
        Ok(StatusCode::NO_CONTENT.into_response())
    };
    answer(result.await)
}

/// `GET /api/kernels/identity?resource=`: the token azure-identity asks the instance's
/// managed identity for (the `secret` header is the kernel's own token: it gets back only
/// what it already holds, with its expiry).
pub async fn identity(
    State(state): State<Arc<AppState>>,
    query: QueryMap,
    headers: HeaderMap,
) -> Response {
    let secret = headers
        .get("secret")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let Some(expires) = (!secret.is_empty())
        .then(|| auth::session_expiry(&state, secret))
        .flatten()
    else {
        return arm::error_response(&ArmError::new(
            "AuthenticationFailed",
            "The managed identity answers only this server's notebook kernels (the 'secret' header is missing or no longer good).",
        ));
    };
    let resource = query.get("resource").cloned().unwrap_or_default();
    axum::Json(json!({
        "access_token": secret,
        "expires_on": expires / 1000,
        "resource": resource,
        "token_type": "Bearer",
    }))
    .into_response()
}

/// `GET /metadata/endpoints`: this installation as an Azure cloud (ARM's cloud metadata), which
/// azure-ai-ml reads from `ARM_CLOUD_METADATA_URL`: a kernel's `MLClient` talks to this server.
pub async fn cloud_metadata(State(state): State<Arc<AppState>>) -> Response {
    let base = state.config.public_base();
    axum::Json(json!([{
        "name": "Azimuth",
        "portal": format!("{base}/"),
        "resourceManager": format!("{base}/"),
        "authentication": {"loginEndpoint": format!("{base}/"), "audiences": [format!("{base}/")]},
        "suffixes": {"storage": "core.windows.net"},
        "registryDiscoveryEndpoint": format!("{base}/"),
    }]))
    .into_response()
}
