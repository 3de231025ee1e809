//! The server store's wire: the studio talks to azimuth-server through the same ARM REST API any
//! Azure ML client uses, plus its small `/api` routes for signing in and reading the workspace.
//! Every request carries the session's bearer token; every refusal comes back as ARM's
//! `{"error": {"code", "message"}}` and is passed on as it is.

use azimuth_core::roles::Role;
use azimuth_core::snapshot::decode;
use azimuth_core::{ArmError, ComputeResource, Operation, Workspace};
use gloo_net::http::{Request, RequestBuilder};
use serde::Deserialize;

/// The api-version the studio sends: the newest the server accepts.
pub const API_VERSION: &str = "2025-12-01";

/// Where the studio keeps its workspace, as `/studio.json` says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreKind {
    /// In this browser's localStorage (plain static hosting).
    Browser,
    /// On the azimuth-server that serves the studio.
    Server,
}

/// A member as the sign-in page lists them.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct MemberSummary {
    /// Display name.
    pub name: String,
    /// Role on the workspace.
    pub role: Role,
}

/// What the sign-in page needs: who may sign in, and whether a key is asked.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignInOptions {
    /// The workspace's name.
    pub workspace: String,
    /// Its members.
    pub members: Vec<MemberSummary>,
    /// Whether the server wants an access key.
    pub access_key_required: bool,
}

#[derive(Deserialize)]
struct SessionBody {
    token: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApplicationBody {
    endpoint_uri: String,
}

#[derive(Deserialize)]
struct StudioConfig {
    store: String,
}

/// The code of the error a request gets when the session is unknown or has expired.
pub const SESSION_ENDED: &str = "InvalidAuthenticationToken";

/// Reads `/studio.json`; anything but a clear `"server"` means the browser store, so a static
/// host without the file still works.
pub async fn store_kind() -> StoreKind {
    let config = match Request::get("/studio.json").send().await {
        Ok(response) if response.ok() => response.text().await.ok(),
        _ => None,
    };
    match config.and_then(|text| serde_json::from_str::<StudioConfig>(&text).ok()) {
        Some(c) if c.store == "server" => StoreKind::Server,
        _ => StoreKind::Browser,
    }
}

/// Sends a request and returns the body of a 2xx answer, or the ARM error of any other.
async fn send(request: RequestBuilder, body: Option<String>) -> Result<String, ArmError> {
    let unreachable = |e: gloo_net::Error| {
        ArmError::new(
            "ServerUnreachable",
            format!("The Azimuth server did not answer ({e}). Check that it is running, then try again."),
        )
    };
    let response = match body {
        Some(body) => {
            request
                .header("Content-Type", "application/json")
                .body(body)
                .map_err(unreachable)?
                .send()
                .await
        }
        None => request.send().await,
    }
    .map_err(unreachable)?;
    let text = response.text().await.unwrap_or_default();
    if response.ok() {
        return Ok(text);
    }
    Err(serde_json::from_str::<ArmError>(&text).unwrap_or_else(|_| {
        ArmError::new(
            "UnexpectedResponse",
            format!(
                "The server answered {} {}.",
                response.status(),
                response.status_text()
            ),
        )
    }))
}

fn with_token(request: RequestBuilder, token: &str) -> RequestBuilder {
    request.header("Authorization", &format!("Bearer {token}"))
}

fn compute_url(workspace_id: &str, name: &str, action: &str) -> String {
    format!("{workspace_id}/computes/{name}{action}?api-version={API_VERSION}")
}

/// The members to sign in as.
pub async fn sign_in_options() -> Result<SignInOptions, ArmError> {
    let text = send(Request::get("/api/members"), None).await?;
    serde_json::from_str(&text).map_err(|e| unexpected(&e))
}

/// Signs in; returns the session token.
pub async fn sign_in(member: &str, access_key: &str) -> Result<String, ArmError> {
    let body = format!(
        r#"{{"member":{},"accessKey":{}}}"#,
        json_string(member),
        json_string(access_key)
    );
    let text = send(Request::post("/api/session"), Some(body)).await?;
    serde_json::from_str::<SessionBody>(&text)
        .map(|s| s.token)
        .map_err(|e| unexpected(&e))
}

/// Ends the session on the server (best effort: the token is forgotten here either way).
pub async fn sign_out(token: &str) {
    let _ = send(with_token(Request::delete("/api/session"), token), None).await;
}

/// The whole workspace as the server has it now.
pub async fn workspace(token: &str) -> Result<Workspace, ArmError> {
    let text = send(with_token(Request::get("/api/workspace"), token), None).await?;
    decode(&text).map_err(|e| ArmError::new("UnexpectedResponse", e.to_string()))
}

/// `PUT .../computes/{name}`: creates a compute.
pub async fn put_compute(
    token: &str,
    workspace_id: &str,
    name: &str,
    body: &ComputeResource,
) -> Result<(), ArmError> {
    let url = compute_url(workspace_id, name, "");
    let body = serde_json::to_string(body).map_err(|e| unexpected(&e))?;
    send(with_token(Request::put(&url), token), Some(body))
        .await
        .map(drop)
}

/// `POST .../computes/{name}/start|stop|restart`, or `DELETE .../computes/{name}`.
pub async fn operate(
    token: &str,
    workspace_id: &str,
    name: &str,
    op: Operation,
) -> Result<(), ArmError> {
    let request = if op == Operation::Delete {
        Request::delete(&compute_url(workspace_id, name, ""))
    } else {
        let action = format!("/{}", op.as_str().to_ascii_lowercase());
        Request::post(&compute_url(workspace_id, name, &action))
    };
    send(with_token(request, token), None).await.map(drop)
}

/// Opens an application of an instance; returns its address.
pub async fn open_application(token: &str, name: &str, app: &str) -> Result<String, ArmError> {
    let url = format!("/api/computes/{name}/applications/{app}");
    let text = send(with_token(Request::post(&url), token), None).await?;
    serde_json::from_str::<ApplicationBody>(&text)
        .map(|b| b.endpoint_uri)
        .map_err(|e| unexpected(&e))
}

/// Sets the pace of simulated operations for everyone (an Owner's choice).
pub async fn set_pace(token: &str, pace: azimuth_core::Pace) -> Result<(), ArmError> {
    let body = format!(
        r#"{{"pace":{}}}"#,
        json_string(&pace.label().to_ascii_lowercase())
    );
    send(with_token(Request::put("/api/settings"), token), Some(body))
        .await
        .map(drop)
}

/// A JSON string literal. (`serde_json::json!` would bring serde_json's `Value`, its map and
/// its float printer into the wasm for two small bodies.)
fn json_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

fn unexpected(e: &serde_json::Error) -> ArmError {
    ArmError::new(
        "UnexpectedResponse",
        format!("The server's answer could not be read: {e}."),
    )
}
