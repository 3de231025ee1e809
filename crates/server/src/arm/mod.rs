//! The ARM REST API of Azure ML for workspaces and computes: real paths, matched without regard
//! to case as ARM does, `api-version` required, bodies and errors in ARM's shapes. Every decision
//! is the engine's; this file maps HTTP to it.

use crate::auth::member_of;
use crate::state::AppState;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use azimuth_core::{ArmError, ComputeResource};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use std::sync::Arc;

mod batch_endpoints;
mod computes;
pub mod data;
mod endpoints;
mod groups;
pub mod jobs;
mod models;
mod operations;
mod paths;
mod roles;
mod workspaces;

use paths::{target, Target};

/// The api-versions accepted: those Azure ML clients send today (azure-ai-ml 1.35 sends
/// 2023-04-01-preview for data assets and 2024-10-01-preview for datastores).
const API_VERSIONS: (&str, &str) = ("2023-04-01", "2025-12-01");
/// The api-versions accepted for online endpoints: azure-ai-ml still sends 2022-02-01-preview
/// for them.
const ENDPOINT_API_VERSIONS: (&str, &str) = ("2022-02-01", "2025-12-01");
/// Computes per page of a list; the rest follow `nextLink`.
pub const PAGE_SIZE: usize = 50;

/// A request about one workspace's assets (models, endpoints, jobs), once the member is known
/// to see the workspace.
pub struct AssetRequest<'a> {
    /// The signed-in member.
    pub member: &'a str,
    /// The workspace's ARM id.
    pub workspace: &'a str,
    /// The request's address (its query, and `nextLink`).
    pub uri: &'a Uri,
    /// Its headers (Host).
    pub headers: &'a HeaderMap,
    /// Its body.
    pub body: &'a Bytes,
}

/// An ARM error with its HTTP status.
pub fn error_response(e: &ArmError) -> Response {
    let status = match e.code() {
        "ResourceNotFound"
        | "SubscriptionNotFound"
        | "ResourceGroupNotFound"
        | "WorkspaceNotFound"
        | "RoleAssignmentNotFound"
        | "RoleDefinitionDoesNotExist"
        | "NotFound" => StatusCode::NOT_FOUND,
        "AuthenticationFailed" | "InvalidAuthenticationToken" => StatusCode::UNAUTHORIZED,
        "AuthorizationFailed" => StatusCode::FORBIDDEN,
        "MethodNotAllowed" => StatusCode::METHOD_NOT_ALLOWED,
        "RequestEntityTooLarge" => StatusCode::PAYLOAD_TOO_LARGE,
        "PreconditionFailed" | "ConditionNotMet" => StatusCode::PRECONDITION_FAILED,
        "TooManyRequests" => StatusCode::TOO_MANY_REQUESTS,
        "PasswordNotSet" => StatusCode::UNAUTHORIZED,
        "ServiceUnavailable" => StatusCode::SERVICE_UNAVAILABLE,
        "Conflict" | "RoleAssignmentExists" | "InvalidResourceGroupLocation" => {
            StatusCode::CONFLICT
        }
        code if code.contains("OnlyAllowedIn") => StatusCode::CONFLICT,
        _ => StatusCode::BAD_REQUEST,
    };
    (status, axum::Json(e)).into_response()
}

/// The api-versions of Microsoft.Resources (subscriptions, resource groups) accepted: those
/// Azure's clients send (e.g. 2021-04-01, 2022-09-01, 2022-12-01, 2024-03-01).
const RESOURCE_API_VERSIONS: (&str, &str) = ("2014-04-01", "2025-12-31");

/// Checks `api-version` against the accepted range.
fn check_api_version(query: &str, range: (&str, &str)) -> Result<String, ArmError> {
    let version = query
        .split('&')
        .find_map(|p| {
            p.split_once('=')
                .filter(|(k, _)| k.eq_ignore_ascii_case("api-version"))
                .map(|(_, v)| v)
        })
        .ok_or_else(|| {
            ArmError::new(
                "MissingApiVersionParameter",
                "The api-version query parameter (?api-version=) is required for all requests.",
            )
        })?;
    let date = version.strip_suffix("-preview").unwrap_or(version);
    let shaped = date.len() == 10
        && date.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if shaped && (range.0..=range.1).contains(&date) {
        Ok(version.to_owned())
    } else {
        Err(ArmError::new(
            "InvalidApiVersionParameter",
            format!("The api-version '{version}' is invalid. The supported versions are from {}-preview to {}.", range.0, range.1),
        ))
    }
}

pub(super) fn method_not_allowed(method: &Method, allowed: &str) -> ArmError {
    ArmError::new(
        "MethodNotAllowed",
        format!("The {method} method is not supported here; use {allowed}."),
    )
}

// What the asset handlers (data, models) share: the query, the body, the answer.

/// The query's parameters, decoded.
pub(super) fn query(uri: &Uri) -> Vec<(String, String)> {
    serde_urlencoded::from_str(uri.query().unwrap_or("")).unwrap_or_default()
}

/// A query parameter by name (any case).
pub(super) fn param<'a>(q: &'a [(String, String)], name: &str) -> Option<&'a str> {
    q.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Parses a request body, saying what is wrong and where.
pub(super) fn parse<T: DeserializeOwned>(body: &Bytes, what: &str) -> Result<T, ArmError> {
    serde_json::from_slice(body).map_err(|e| {
        let kind = if e.is_syntax() || e.is_eof() {
            "The request body is not valid JSON".to_owned()
        } else {
            format!("The request body does not describe {what}")
        };
        ArmError::new("InvalidRequestContent", format!("{kind}: {e}."))
    })
}

/// A JSON answer with its status.
pub(super) fn json<T: Serialize>(status: StatusCode, value: &T) -> Response {
    (status, axum::Json(value)).into_response()
}

/// 201 for a create, 200 for a change.
pub(super) fn created_or_ok(created: bool) -> StatusCode {
    if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    }
}

/// Handles every ARM request.
pub async fn handle(
    state: Arc<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match dispatch(&state, &method, &uri, &headers, &body) {
        Ok(response) => response,
        Err(e) => error_response(&e),
    }
}

fn dispatch(
    state: &AppState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Response, ArmError> {
    let segments: Vec<&str> = uri.path().split('/').filter(|s| !s.is_empty()).collect();
    // Who asks comes first: what exists is nobody's business before signing in.
    let me = member_of(state, headers)?;
    let target = state.read(|t| target(&segments, t))?;
    let range = match target {
        _ if target.is_resource_manager() => RESOURCE_API_VERSIONS,
        Target::Endpoints(..) | Target::BatchEndpoints(..) => ENDPOINT_API_VERSIONS,
        _ => API_VERSIONS,
    };
    let api_version = check_api_version(uri.query().unwrap_or(""), range)?;
    let ok = |v: Value| (StatusCode::OK, axum::Json(v)).into_response();
    match (target, method.clone()) {
        (Target::Subscriptions, Method::GET) => {
            Ok(ok(json!({"value": [state.read(groups::subscription)]})))
        }
        (Target::Subscription, Method::GET) => Ok(ok(state.read(groups::subscription))),
        (Target::ResourceGroups, Method::GET) => Ok(ok(state.read(|t| groups::list(t, &me)))),
        (Target::ResourceGroup(name), m) => groups::handle(state, &me, &name, &m, uri, body),
        (Target::Workspaces(group), Method::GET) => {
            let kinds = workspaces::kinds(uri.query().unwrap_or(""));
            Ok(ok(state.read(|t| {
                workspaces::list(t, &me, group.as_deref(), kinds.as_deref())
            })))
        }
        (Target::Workspace(group, name), m) => {
            let r = workspaces::Request {
                member: &me,
                group: &group,
                name: &name,
                headers,
                api_version: &api_version,
            };
            workspaces::handle(state, &r, &m, uri, body)
        }
        (Target::Computes(ws), Method::GET) => {
            state.check_access(&me, &ws)?;
            Ok(list_page(state, &ws, uri, headers))
        }
        (Target::Compute(ws, name), method) => {
            let r = compute_request(state, &me, &ws, &name, headers, &api_version)?;
            match method {
                Method::GET => computes::get(state, &r),
                Method::PUT => computes::put(state, &r, body),
                Method::DELETE => computes::delete(state, &r),
                Method::PATCH => computes::patch(state, &r, body),
                m => Err(method_not_allowed(&m, "GET, PUT, PATCH or DELETE")),
            }
        }
        (
            Target::Action(..)
            | Target::ListNodes(..)
            | Target::UpdateIdleShutdown(..)
            | Target::EnableSso(..),
            m,
        ) if m != Method::POST => Err(method_not_allowed(&m, "POST")),
        (Target::Action(ws, name, op), _) => {
            let r = compute_request(state, &me, &ws, &name, headers, &api_version)?;
            computes::action(state, &r, op)
        }
        (Target::ListNodes(ws, name), _) => state
            .read_workspace(&me, &ws, |w| computes::list_nodes(w, &name))?
            .map(ok),
        (Target::UpdateIdleShutdown(ws, name), _) => {
            let r = compute_request(state, &me, &ws, &name, headers, &api_version)?;
            computes::update_idle_shutdown(state, &r, body)?;
            Ok(StatusCode::OK.into_response())
        }
        (Target::EnableSso(ws, name), _) => {
            let r = compute_request(state, &me, &ws, &name, headers, &api_version)?;
            computes::enable_sso(state, &r, body)?;
            Ok(StatusCode::OK.into_response())
        }
        (Target::RoleAssignments(scope), Method::GET) => {
            let filter = roles::assignment_filter(uri.query().unwrap_or(""))?;
            roles::list(state, &me, &scope, &filter).map(ok)
        }
        (Target::RoleAssignment(scope, name), m) => {
            roles::handle(state, &me, &scope, &name, &m, body)
        }
        (Target::RoleDefinitions(_), Method::GET) => Ok(ok(state.read(roles::definitions))),
        (Target::Data(ws, target), m) => {
            state.check_access(&me, &ws)?;
            let r = data::Request {
                member: &me,
                workspace: &ws,
                method: &m,
                uri,
                headers,
                body,
            };
            data::handle(state, &r, target)
        }
        (Target::Models(ws, target), m) => {
            state.check_access(&me, &ws)?;
            let r = AssetRequest {
                member: &me,
                workspace: &ws,
                uri,
                headers,
                body,
            };
            models::handle(state, &r, &m, target)
        }
        (Target::Endpoints(ws, target), m) => {
            state.check_access(&me, &ws)?;
            let r = AssetRequest {
                member: &me,
                workspace: &ws,
                uri,
                headers,
                body,
            };
            endpoints::handle(state, &r, &m, target)
        }
        (Target::BatchEndpoints(ws, target), m) => {
            state.check_access(&me, &ws)?;
            let r = AssetRequest {
                member: &me,
                workspace: &ws,
                uri,
                headers,
                body,
            };
            batch_endpoints::handle(state, &r, &m, target)
        }
        (Target::Jobs(ws, target), m) => {
            let r = AssetRequest {
                member: &me,
                workspace: &ws,
                uri,
                headers,
                body,
            };
            jobs::handle(state, &r, &m, target)
        }
        (Target::OperationStatus(id), Method::GET) => state
            .read(|t| operations::status(t, &me, &id))
            .map(operations::status_response),
        (Target::VmSizes, Method::GET) => Ok(ok(crate::catalogue::vm_sizes())),
        (Target::Usages(location), Method::GET) => {
            let quota = state.config.vcpu_quota;
            Ok(ok(
                state.read(|t| crate::catalogue::usages(t, &location, quota))
            ))
        }
        (_, m) => Err(method_not_allowed(&m, "GET")),
    }
}

/// The request for one compute of a workspace, once `me` is known to see the workspace.
fn compute_request<'a>(
    state: &AppState,
    me: &'a str,
    ws: &'a str,
    name: &'a str,
    headers: &'a HeaderMap,
    api_version: &'a str,
) -> Result<computes::Request<'a>, ArmError> {
    state.check_access(me, ws)?;
    Ok(computes::Request {
        member: me,
        workspace: ws,
        name,
        headers,
        api_version,
    })
}

/// One page of the compute list as ARM writes it.
#[derive(serde::Serialize)]
struct Page<'a> {
    value: Vec<&'a ComputeResource>,
    #[serde(rename = "nextLink", skip_serializing_if = "Option::is_none")]
    next_link: Option<String>,
}

/// One page of a workspace's compute list, with `nextLink` when more follow (cached per
/// version).
fn list_page(state: &AppState, ws: &str, uri: &Uri, headers: &HeaderMap) -> Response {
    let query = uri.query().unwrap_or("");
    let skip = skip_of(query);
    let host = host_of(headers);
    let body = state.cached(&format!("{host}{}?{query}", uri.path()), |t| {
        let Some(w) = t.workspace(ws) else {
            return String::new();
        };
        let next_link = next_link(w.computes.len(), skip, uri, headers);
        let value = w
            .computes
            .iter()
            .skip(skip)
            .take(PAGE_SIZE)
            .map(|c| &c.resource)
            .collect();
        serde_json::to_string(&Page { value, next_link }).unwrap_or_default()
    });
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
}

/// A list's `$skip` (how many items earlier pages held).
pub(super) fn skip_of(query: &str) -> usize {
    query
        .split('&')
        .find_map(|p| {
            p.strip_prefix("$skip=")
                .or_else(|| p.strip_prefix("%24skip="))
        })
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// The host a request was sent to, for the links in an answer.
fn host_of(headers: &HeaderMap) -> &str {
    headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1")
}

/// The `nextLink` of a page of [`PAGE_SIZE`] items starting at `skip` in a list of `total`,
/// when more follow: the same request with the next `$skip`.
pub(super) fn next_link(
    total: usize,
    skip: usize,
    uri: &Uri,
    headers: &HeaderMap,
) -> Option<String> {
    (skip + PAGE_SIZE < total).then(|| {
        let query = uri.query().unwrap_or("");
        let rest: Vec<&str> = query
            .split('&')
            .filter(|p| !p.contains("skip=") && !p.is_empty())
            .collect();
        format!(
            "http://{}{}?{}&$skip={}",
            host_of(headers),
            uri.path(),
            rest.join("&"),
            skip + PAGE_SIZE
        )
    })
}

/// One page of `items` as ARM writes a list: `{"value": [...], "nextLink"}`.
pub(super) fn page_of<T: serde::Serialize>(
    items: &[T],
    uri: &Uri,
    headers: &HeaderMap,
) -> Response {
    let skip = skip_of(uri.query().unwrap_or(""));
    let value: Vec<&T> = items.iter().skip(skip).take(PAGE_SIZE).collect();
    let mut body = json!({ "value": value });
    if let Some(link) = next_link(items.len(), skip, uri, headers) {
        body["nextLink"] = Value::String(link);
    }
    (StatusCode::OK, axum::Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_versions() {
        let ml = |q: &str| check_api_version(q, API_VERSIONS);
        assert!(ml("api-version=2025-12-01").is_ok());
        assert!(ml("x=1&api-version=2023-08-01-preview").is_ok());
        assert!(ml("api-version=2024-10-01-preview").is_ok());
        assert_eq!(ml("").unwrap_err().code(), "MissingApiVersionParameter");
        assert_eq!(
            ml("api-version=2020-01-01").unwrap_err().code(),
            "InvalidApiVersionParameter"
        );
        assert_eq!(
            ml("api-version=latest").unwrap_err().code(),
            "InvalidApiVersionParameter"
        );
        let resources = |q: &str| check_api_version(q, RESOURCE_API_VERSIONS);
        for v in ["2021-04-01", "2022-09-01", "2022-12-01", "2024-03-01"] {
            assert!(resources(&format!("api-version={v}")).is_ok(), "{v}");
        }
    }
}
