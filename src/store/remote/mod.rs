//! The server store's wire: the studio talks to azimuth-server through the same ARM REST API any
//! Azure ML client uses, plus its small `/api` routes for signing in and reading the workspace.
//! Every request carries the session's bearer token; every refusal comes back as ARM's
//! `{"error": {"code", "message"}}` and is passed on as it is.

mod batch;
mod data;
mod directory;
mod endpoints;
pub(super) mod events;
mod jobs;
mod kernels;
mod models;
mod notebooks;
mod people;

pub use batch::*;
pub use data::*;
pub use directory::*;
pub use endpoints::*;
pub use jobs::*;
pub use kernels::*;
pub use models::*;
pub use notebooks::*;
pub use people::*;

use azimuth_core::arm::json_de::from_json;
use azimuth_core::arm::json_de::FromValue;
use azimuth_core::compute::ScaleSettings;
use azimuth_core::workspace::snapshot::decode_workspace;
use azimuth_core::{ArmError, ComputeResource, Operation, Workspace};
use gloo_net::http::{Headers, Method, RequestBuilder};
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

/// A person as the sign-in page lists them.
#[derive(Clone, Debug, PartialEq, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct MemberSummary {
    /// Display name.
    pub name: String,
    /// Sign-in name.
    pub user_name: String,
}

/// What the sign-in page needs: who may sign in, and whether a key is asked.
#[derive(Clone, Debug, PartialEq, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct SignInOptions {
    /// The installation's (subscription's) name.
    pub installation: String,
    /// Its people.
    pub members: Vec<MemberSummary>,
    /// Whether the server wants an access key.
    pub access_key_required: bool,
    /// `password` (each person has their own) or `demo` (a name is enough).
    #[serde(default)]
    pub mode: String,
}

#[derive(Deserialize, FromValue)]
struct SessionBody {
    token: String,
    member: SessionMember,
}

#[derive(Deserialize, FromValue)]
struct SessionMember {
    name: String,
}

#[derive(Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
struct ApplicationBody {
    endpoint_uri: String,
}

#[derive(Deserialize, FromValue)]
struct StudioConfig {
    store: String,
}

/// The code of the error a request gets when the session is unknown or has expired.
pub const SESSION_ENDED: &str = "InvalidAuthenticationToken";

/// Reads `/studio.json`; anything but a clear `"server"` means the browser store, so a static
/// host without the file still works.
pub async fn store_kind() -> StoreKind {
    match send("GET", "/studio.json", None, None).await {
        Ok(text) if from_json::<StudioConfig>(&text).is_ok_and(|c| c.store == "server") => {
            StoreKind::Server
        }
        _ => StoreKind::Browser,
    }
}

/// Sends a request (with the session's bearer token and a JSON body when given) and returns
/// the body of a 2xx answer, or the ARM error of any other.
pub(super) async fn send(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<String>,
) -> Result<String, ArmError> {
    send_with(method, url, token, body, None)
        .await
        .map(|(text, _)| text)
}

/// [`send`] with one more header; also answers the response's headers.
pub(super) async fn send_with(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<String>,
    header: Option<(&str, &str)>,
) -> Result<(String, Headers), ArmError> {
    let unreachable = |_| {
        ArmError::new(
            "ServerUnreachable",
            "The Azimuth server did not answer. Check that it is running, then try again.",
        )
    };
    let method = Method::from_bytes(method.as_bytes()).unwrap_or(Method::GET);
    let mut request = RequestBuilder::new(url).method(method);
    if let Some(token) = token {
        request = request.header("Authorization", &format!("Bearer {token}"));
    }
    if let Some((name, value)) = header {
        request = request.header(name, value);
    }
    let request = match body {
        Some(body) => request
            .header("Content-Type", "application/json")
            .body(body),
        None => request.build(),
    }
    .map_err(unreachable)?;
    let response = request.send().await.map_err(unreachable)?;
    let text = response.text().await.unwrap_or_default();
    if response.ok() {
        return Ok((text, response.headers()));
    }
    // ARM's error, or (from the tracking API) MLflow's.
    let mlflow = || {
        from_json::<azimuth_core::jobs::TrackingError>(&text)
            .map(|e| ArmError::new(&e.error_code, e.message))
    };
    Err(from_json::<ArmError>(&text)
        .or_else(|_| mlflow())
        .unwrap_or_else(|_| {
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

fn compute_url(workspace_id: &str, name: &str, action: &str) -> String {
    format!("{workspace_id}/computes/{name}{action}?api-version={API_VERSION}")
}

/// The members to sign in as.
pub async fn sign_in_options() -> Result<SignInOptions, ArmError> {
    let text = send("GET", "/api/members", None, None).await?;
    from_json(&text).map_err(|e| unexpected(&e))
}

/// Signs in (`member`: a display or sign-in name); returns the session token and the person's
/// display name.
pub async fn sign_in(
    member: &str,
    access_key: &str,
    password: &str,
) -> Result<(String, String), ArmError> {
    let body = format!(
        r#"{{"member":{},"accessKey":{},"password":{}}}"#,
        json_string(member),
        json_string(access_key),
        json_string(password)
    );
    let text = send("POST", "/api/session", None, Some(body)).await?;
    from_json::<SessionBody>(&text)
        .map(|s| (s.token, s.member.name))
        .map_err(|e| unexpected(&e))
}

/// Sets one's password with the one-time code an Owner gave.
pub async fn set_password(member: &str, code: &str, password: &str) -> Result<(), ArmError> {
    let body = format!(
        r#"{{"member":{},"code":{},"password":{}}}"#,
        json_string(member),
        json_string(code),
        json_string(password)
    );
    send("POST", "/api/password", None, Some(body))
        .await
        .map(drop)
}

/// Ends the session on the server (best effort: the token is forgotten here either way).
pub async fn sign_out(token: &str) {
    let _ = send("DELETE", "/api/session", Some(token), None).await;
}

/// The header with the server's time (azimuth-server's `TIME_HEADER`).
const TIME_HEADER: &str = "x-azimuth-time";

/// The header with the installation's version of what a read holds (`VERSION_HEADER`).
pub(super) const VERSION_HEADER: &str = "x-azimuth-version";

/// A number an answer's header carries.
pub(super) fn header_number(headers: &Headers, name: &str) -> Option<i64> {
    headers.get(name)?.parse().ok()
}

/// The server's time when it answered, from its header.
pub(super) fn server_time(headers: &Headers) -> Option<i64> {
    header_number(headers, TIME_HEADER)
}

/// A workspace (by ARM id) as the server has it now, the server's time when it answered and
/// the installation's version of it.
pub async fn workspace(token: &str, id: &str) -> Result<(Workspace, Option<i64>, u64), ArmError> {
    let url = format!("/api/workspace?wsid={}", encode(id));
    let (text, headers) = send_with("GET", &url, Some(token), None, None).await?;
    let version = header_number(&headers, VERSION_HEADER).map_or(0, |v| v as u64);
    decode_workspace(&text)
        .map(|ws| (ws, server_time(&headers), version))
        .map_err(|e| ArmError::new("UnexpectedResponse", e.to_string()))
}

/// `PUT .../computes/{name}`: ARM's create or update. A create (`create_only`) sends
/// `If-None-Match: *`, so a person who picked a name someone else took a moment ago is told so
/// instead of overwriting it.
pub async fn put_compute(
    token: &str,
    workspace_id: &str,
    name: &str,
    body: &ComputeResource,
    create_only: bool,
) -> Result<(), ArmError> {
    let url = compute_url(workspace_id, name, "");
    let body = serde_json::to_string(body).map_err(|e| unexpected(&e))?;
    let precondition = create_only.then_some(("If-None-Match", "*"));
    match send_with("PUT", &url, Some(token), Some(body), precondition).await {
        Ok(_) => Ok(()),
        Err(e) if create_only && e.code() == "PreconditionFailed" => Err(ArmError::new(
            "Conflict",
            format!("Someone created a compute named {name} a moment ago. Choose another name."),
        )),
        Err(e) => Err(e),
    }
}

/// `PATCH .../computes/{name}` with new `scaleSettings` for a cluster.
pub async fn rescale_cluster(
    token: &str,
    workspace_id: &str,
    name: &str,
    scale: &ScaleSettings,
) -> Result<(), ArmError> {
    let url = compute_url(workspace_id, name, "");
    let scale = serde_json::to_string(scale).map_err(|e| unexpected(&e))?;
    let body = format!(r#"{{"properties":{{"properties":{{"scaleSettings":{scale}}}}}}}"#);
    send("PATCH", &url, Some(token), Some(body)).await.map(drop)
}

/// `POST .../computes/{name}/start|stop|restart`, or `DELETE .../computes/{name}`.
pub async fn operate(
    token: &str,
    workspace_id: &str,
    name: &str,
    op: Operation,
) -> Result<(), ArmError> {
    let (method, url) = if op == Operation::Delete {
        ("DELETE", compute_url(workspace_id, name, ""))
    } else {
        let action = format!("/{}", op.as_str().to_ascii_lowercase());
        ("POST", compute_url(workspace_id, name, &action))
    };
    send(method, &url, Some(token), None).await.map(drop)
}

/// Opens an application of an instance; returns its address.
pub async fn open_application(
    token: &str,
    workspace_id: &str,
    name: &str,
    app: &str,
) -> Result<String, ArmError> {
    let url = format!(
        "/api/computes/{name}/applications/{}?wsid={}",
        encode(app),
        encode(workspace_id)
    );
    let text = send("POST", &url, Some(token), None).await?;
    from_json::<ApplicationBody>(&text)
        .map(|b| b.endpoint_uri)
        .map_err(|e| unexpected(&e))
}

/// Skips the next shutdown of a running instance.
pub async fn skip_shutdown(token: &str, workspace_id: &str, name: &str) -> Result<(), ArmError> {
    let url = format!(
        "/api/computes/{name}/skipShutdown?wsid={}",
        encode(workspace_id)
    );
    send("POST", &url, Some(token), None).await.map(drop)
}

/// Sets the pace of simulated operations in a workspace for everyone (an Owner's choice).
pub async fn set_pace(
    token: &str,
    workspace_id: &str,
    pace: azimuth_core::Pace,
) -> Result<(), ArmError> {
    let body = format!(
        r#"{{"pace":{}}}"#,
        json_string(&pace.label().to_ascii_lowercase())
    );
    let url = format!("/api/settings?wsid={}", encode(workspace_id));
    send("PUT", &url, Some(token), Some(body)).await.map(drop)
}

/// A URL component, percent-encoded.
pub(super) fn encode(text: &str) -> String {
    String::from(js_sys::encode_uri_component(text))
}

/// A JSON string literal. (`serde_json::json!` would bring serde_json's `Value`, its map and
/// its float printer into the wasm for two small bodies.)
pub(super) fn json_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

pub(super) fn unexpected(e: &serde_json::Error) -> ArmError {
    ArmError::new(
        "UnexpectedResponse",
        format!("The server's answer could not be read: {e}."),
    )
}
