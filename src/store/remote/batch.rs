//! Batch endpoints over ARM (`.../batchEndpoints[/{name}[/deployments[/{name}]]]`, the jobs an
//! endpoint started, `.../batchEndpoints/{name}/jobs`) and an invocation posted to an
//! endpoint's scoring address.

use super::{encode, send, send_with, unexpected, API_VERSION};
use azimuth_core::arm::json::to_json;
use azimuth_core::arm::json_de::from_json;
use azimuth_core::endpoints::batch::{BatchDeploymentResource, BatchEndpointResource};
use azimuth_core::ArmError;
use serde_json::Value;

/// `{ws}/batchEndpoints/{name}{rest}?api-version=…`.
fn endpoint_url(ws: &str, name: &str, rest: &str) -> String {
    format!(
        "{ws}/batchEndpoints/{}{rest}?api-version={API_VERSION}",
        encode(name)
    )
}

/// `PUT .../batchEndpoints/{name}`: creates or changes a batch endpoint.
pub async fn put_batch_endpoint(
    token: &str,
    ws: &str,
    name: &str,
    resource: &BatchEndpointResource,
) -> Result<(), ArmError> {
    let body = serde_json::to_string(resource).ok();
    send("PUT", &endpoint_url(ws, name, ""), Some(token), body)
        .await
        .map(drop)
}

/// `DELETE .../batchEndpoints/{name}`.
pub async fn delete_batch_endpoint(token: &str, ws: &str, name: &str) -> Result<(), ArmError> {
    send("DELETE", &endpoint_url(ws, name, ""), Some(token), None)
        .await
        .map(drop)
}

/// `PUT .../batchEndpoints/{endpoint}/deployments/{name}`.
pub async fn put_batch_deployment(
    token: &str,
    ws: &str,
    endpoint: &str,
    name: &str,
    resource: &BatchDeploymentResource,
) -> Result<(), ArmError> {
    let url = endpoint_url(ws, endpoint, &format!("/deployments/{}", encode(name)));
    let body = serde_json::to_string(resource).ok();
    send("PUT", &url, Some(token), body).await.map(drop)
}

/// `DELETE .../batchEndpoints/{endpoint}/deployments/{name}`.
pub async fn delete_batch_deployment(
    token: &str,
    ws: &str,
    endpoint: &str,
    name: &str,
) -> Result<(), ArmError> {
    let url = endpoint_url(ws, endpoint, &format!("/deployments/{}", encode(name)));
    send("DELETE", &url, Some(token), None).await.map(drop)
}

/// `GET .../batchEndpoints/{name}/jobs`: the job resources the endpoint started, newest first.
pub async fn batch_endpoint_jobs(
    token: &str,
    ws: &str,
    name: &str,
) -> Result<Vec<Value>, ArmError> {
    let text = send("GET", &endpoint_url(ws, name, "/jobs"), Some(token), None).await?;
    let page: Value = from_json(&text).map_err(|e| unexpected(&e))?;
    Ok(page["value"].as_array().cloned().unwrap_or_default())
}

/// `POST` of an invocation `body` to a batch endpoint's scoring address `path` (on this
/// server), to `deployment` when one is named; answers the job started.
pub async fn invoke_batch_endpoint(
    token: &str,
    path: &str,
    deployment: Option<&str>,
    body: &Value,
) -> Result<Value, ArmError> {
    let header = deployment.map(|d| ("azureml-model-deployment", d));
    let (text, _) = send_with("POST", path, Some(token), Some(to_json(body)), header).await?;
    from_json(&text).map_err(|e| unexpected(&e))
}
