//! Online endpoints over ARM (`.../onlineEndpoints[/{name}[/deployments[/{name}]]]` and their
//! actions `listKeys`, `regenerateKeys`, `token`, `getLogs`), a request scored at an endpoint's
//! scoring address, and the server's `/api/endpoints/metrics`.

use super::{encode, json_string, send, unexpected, API_VERSION};
use azimuth_core::arm::json_de::from_json;
use azimuth_core::arm::json_de::FromValue;
use azimuth_core::endpoints::{DeploymentResource, EndpointKeys, EndpointResource};
use azimuth_core::ArmError;
use gloo_net::http::RequestBuilder;
use serde::Deserialize;
use std::collections::BTreeMap;

/// `{ws}/onlineEndpoints/{name}{rest}?api-version=…`.
fn endpoint_url(ws: &str, name: &str, rest: &str) -> String {
    format!(
        "{ws}/onlineEndpoints/{}{rest}?api-version={API_VERSION}",
        encode(name)
    )
}

/// `{ws}/onlineEndpoints/{endpoint}/deployments/{name}{rest}?api-version=…`.
fn deployment_url(ws: &str, endpoint: &str, name: &str, rest: &str) -> String {
    endpoint_url(
        ws,
        endpoint,
        &format!("/deployments/{}{rest}", encode(name)),
    )
}

fn body<T: serde::Serialize>(value: &T) -> Option<String> {
    serde_json::to_string(value).ok()
}

/// `PUT .../onlineEndpoints/{name}`: creates or changes an endpoint.
pub async fn put_endpoint(
    token: &str,
    ws: &str,
    name: &str,
    resource: &EndpointResource,
) -> Result<(), ArmError> {
    let url = endpoint_url(ws, name, "");
    send("PUT", &url, Some(token), body(resource))
        .await
        .map(drop)
}

/// `DELETE .../onlineEndpoints/{name}`.
pub async fn delete_endpoint(token: &str, ws: &str, name: &str) -> Result<(), ArmError> {
    let url = endpoint_url(ws, name, "");
    send("DELETE", &url, Some(token), None).await.map(drop)
}

/// `PUT .../onlineEndpoints/{endpoint}/deployments/{name}`.
pub async fn put_deployment(
    token: &str,
    ws: &str,
    endpoint: &str,
    name: &str,
    resource: &DeploymentResource,
) -> Result<(), ArmError> {
    let url = deployment_url(ws, endpoint, name, "");
    send("PUT", &url, Some(token), body(resource))
        .await
        .map(drop)
}

/// `DELETE .../onlineEndpoints/{endpoint}/deployments/{name}`.
pub async fn delete_deployment(
    token: &str,
    ws: &str,
    endpoint: &str,
    name: &str,
) -> Result<(), ArmError> {
    let url = deployment_url(ws, endpoint, name, "");
    send("DELETE", &url, Some(token), None).await.map(drop)
}

/// `POST .../onlineEndpoints/{name}/listKeys`.
pub async fn list_endpoint_keys(
    token: &str,
    ws: &str,
    name: &str,
) -> Result<EndpointKeys, ArmError> {
    let url = endpoint_url(ws, name, "/listKeys");
    let text = send("POST", &url, Some(token), Some("{}".into())).await?;
    from_json(&text).map_err(|e| unexpected(&e))
}

/// `POST .../onlineEndpoints/{name}/regenerateKeys` of the `Primary` or `Secondary` key.
pub async fn regenerate_endpoint_key(
    token: &str,
    ws: &str,
    name: &str,
    key_type: &str,
) -> Result<(), ArmError> {
    let url = endpoint_url(ws, name, "/regenerateKeys");
    let request = format!(r#"{{"keyType":{}}}"#, json_string(key_type));
    send("POST", &url, Some(token), Some(request))
        .await
        .map(drop)
}

#[derive(Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
struct TokenBody {
    access_token: String,
}

/// `POST .../onlineEndpoints/{name}/token`: an AMLToken endpoint's token for callers.
pub async fn endpoint_token(token: &str, ws: &str, name: &str) -> Result<String, ArmError> {
    let url = endpoint_url(ws, name, "/token");
    let text = send("POST", &url, Some(token), Some("{}".into())).await?;
    from_json::<TokenBody>(&text)
        .map(|t| t.access_token)
        .map_err(|e| unexpected(&e))
}

#[derive(Deserialize, FromValue)]
struct LogsBody {
    #[serde(default)]
    content: String,
}

/// `POST .../deployments/{name}/getLogs`: the last `tail` lines of a deployment's log.
pub async fn deployment_logs(
    token: &str,
    ws: &str,
    endpoint: &str,
    name: &str,
    tail: u32,
) -> Result<String, ArmError> {
    let url = deployment_url(ws, endpoint, name, "/getLogs");
    let request = format!(r#"{{"containerType":"InferenceServer","tail":{tail}}}"#);
    let text = send("POST", &url, Some(token), Some(request)).await?;
    from_json::<LogsBody>(&text)
        .map(|l| l.content)
        .map_err(|e| unexpected(&e))
}

/// One minute of a deployment's requests, as `/api/endpoints/metrics` answers it.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, FromValue)]
pub struct MinuteFigures {
    /// The minute's start, in milliseconds since 1970.
    pub at: i64,
    /// Requests answered in it.
    #[serde(default)]
    pub requests: u64,
    /// Those answered with an error.
    #[serde(default)]
    pub errors: u64,
    /// The median latency, in milliseconds.
    #[serde(default)]
    pub p50: f64,
    /// The 99th percentile latency, in milliseconds.
    #[serde(default)]
    pub p99: f64,
}

/// A deployment's last hour of requests.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, FromValue)]
pub struct DeploymentFigures {
    /// Minute by minute.
    #[serde(default)]
    pub minutes: Vec<MinuteFigures>,
    /// Requests in the hour.
    #[serde(default)]
    pub requests: u64,
    /// Errors in the hour.
    #[serde(default)]
    pub errors: u64,
}

/// An endpoint's last hour of requests, by deployment.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, FromValue)]
pub struct EndpointFigures {
    /// Each deployment's figures, by name.
    #[serde(default)]
    pub deployments: BTreeMap<String, DeploymentFigures>,
}

/// `GET /api/endpoints/metrics`: the last hour of an endpoint's requests.
pub async fn endpoint_metrics(
    token: &str,
    ws: &str,
    endpoint: &str,
) -> Result<EndpointFigures, ArmError> {
    let url = format!(
        "/api/endpoints/metrics?wsid={}&endpoint={}",
        encode(ws),
        encode(endpoint)
    );
    let text = send("GET", &url, Some(token), None).await?;
    from_json(&text).map_err(|e| unexpected(&e))
}

/// A scoring request's answer as it came: its status, body and the deployment that answered.
#[derive(Clone, Debug, PartialEq)]
pub struct ScoreAnswer {
    /// The HTTP status.
    pub status: u16,
    /// The status's text (`OK`), when the browser gives it.
    pub status_text: String,
    /// The body, as text.
    pub body: String,
    /// The `azureml-model-deployment` response header.
    pub deployment: Option<String>,
}

/// `POST` of `request` to a scoring address with `Authorization: Bearer <credential>`, to
/// `deployment` when one is named (the `azureml-model-deployment` header).
pub async fn post_score(
    url: &str,
    credential: &str,
    deployment: Option<&str>,
    request: String,
) -> Result<ScoreAnswer, ArmError> {
    let mut builder = RequestBuilder::new(url)
        .method(gloo_net::http::Method::POST)
        .header("Authorization", &format!("Bearer {credential}"))
        .header("Content-Type", "application/json");
    if let Some(name) = deployment {
        builder = builder.header("azureml-model-deployment", name);
    }
    let unreachable = |_| {
        ArmError::new(
            "ServerUnreachable",
            "The scoring address did not answer. Check that azimuth-server is running, then try again.",
        )
    };
    let response = builder
        .body(request)
        .map_err(unreachable)?
        .send()
        .await
        .map_err(unreachable)?;
    Ok(ScoreAnswer {
        status: response.status(),
        status_text: response.status_text(),
        deployment: response.headers().get("azureml-model-deployment"),
        body: response.text().await.unwrap_or_default(),
    })
}
