//! Models over ARM: a version registered or changed, a model changed (archived, restored), and
//! either deleted. The server checks a new version's files before its engine registers it.

use super::{encode, send, API_VERSION};
use azimuth_core::models::{ModelContainerResource, ModelVersionResource};
use azimuth_core::ArmError;

fn model_url(ws: &str, name: &str, version: Option<&str>) -> String {
    let versions = version
        .map(|v| format!("/versions/{}", encode(v)))
        .unwrap_or_default();
    format!(
        "{ws}/models/{}{versions}?api-version={API_VERSION}",
        encode(name)
    )
}

fn body<T: serde::Serialize>(value: &T) -> Option<String> {
    serde_json::to_string(value).ok()
}

/// `PUT .../models/{name}/versions/{version}`.
pub async fn put_model_version(
    token: &str,
    ws: &str,
    name: &str,
    version: &str,
    resource: &ModelVersionResource,
) -> Result<(), ArmError> {
    let url = model_url(ws, name, Some(version));
    send("PUT", &url, Some(token), body(resource))
        .await
        .map(drop)
}

/// `PUT .../models/{name}`.
pub async fn put_model_container(
    token: &str,
    ws: &str,
    name: &str,
    resource: &ModelContainerResource,
) -> Result<(), ArmError> {
    let url = model_url(ws, name, None);
    send("PUT", &url, Some(token), body(resource))
        .await
        .map(drop)
}

/// `DELETE .../models/{name}`, or (with a version) `.../models/{name}/versions/{version}`.
pub async fn delete_model(
    token: &str,
    ws: &str,
    name: &str,
    version: Option<&str>,
) -> Result<(), ArmError> {
    let url = model_url(ws, name, version);
    send("DELETE", &url, Some(token), None).await.map(drop)
}
