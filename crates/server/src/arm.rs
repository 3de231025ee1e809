//! The ARM REST API of Azure ML for workspaces and computes: real paths, matched without regard
//! to case as ARM does, `api-version` required, bodies and errors in ARM's shapes. Every decision
//! is the engine's; this file maps HTTP to it.

use crate::auth::member_of;
use crate::state::AppState;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use azimuth_core::{ArmError, ComputeResource, Operation, Workspace};
use serde_json::{json, Value};
use std::sync::Arc;

/// The api-versions accepted: those Azure ML clients send today.
const API_VERSIONS: (&str, &str) = ("2023-08-01", "2025-12-01");
/// Computes per page of a list; the rest follow `nextLink`.
pub const PAGE_SIZE: usize = 50;
const PROVIDER: &str = "Microsoft.MachineLearningServices";

/// An ARM error with its HTTP status.
pub fn error_response(e: &ArmError) -> Response {
    let status = match e.code() {
        "ResourceNotFound"
        | "SubscriptionNotFound"
        | "ResourceGroupNotFound"
        | "WorkspaceNotFound"
        | "NotFound" => StatusCode::NOT_FOUND,
        "AuthenticationFailed" | "InvalidAuthenticationToken" => StatusCode::UNAUTHORIZED,
        "AuthorizationFailed" => StatusCode::FORBIDDEN,
        "MethodNotAllowed" => StatusCode::METHOD_NOT_ALLOWED,
        "RequestEntityTooLarge" => StatusCode::PAYLOAD_TOO_LARGE,
        "ServiceUnavailable" => StatusCode::SERVICE_UNAVAILABLE,
        code if code == "Conflict" || code.contains("OnlyAllowedIn") => StatusCode::CONFLICT,
        _ => StatusCode::BAD_REQUEST,
    };
    (status, axum::Json(e)).into_response()
}

/// Checks `api-version`.
fn check_api_version(query: &str) -> Result<(), ArmError> {
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
    if shaped && (API_VERSIONS.0..=API_VERSIONS.1).contains(&date) {
        Ok(())
    } else {
        Err(ArmError::new(
            "InvalidApiVersionParameter",
            format!("The api-version '{version}' is invalid. The supported versions are from {}-preview to {}.", API_VERSIONS.0, API_VERSIONS.1),
        ))
    }
}

/// What a path names.
#[derive(Debug, PartialEq)]
enum Target {
    Subscriptions,
    Workspaces,
    Workspace,
    Computes,
    Compute(String),
    Action(String, Operation),
    VmSizes,
    Usages,
}

fn eq(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// Matches a path against the workspace's ARM scope.
fn target(segments: &[&str], w: &Workspace) -> Result<Target, ArmError> {
    let not_found = |code: &str, what: String| ArmError::new(code, what);
    match segments {
        [s] if eq(s, "subscriptions") => return Ok(Target::Subscriptions),
        [s, sub, rest @ ..] if eq(s, "subscriptions") => {
            if !eq(sub, &w.subscription_id) {
                return Err(not_found(
                    "SubscriptionNotFound",
                    format!("The subscription '{sub}' could not be found."),
                ));
            }
            match rest {
                [p, m, l, _loc, kind]
                    if eq(p, "providers") && eq(m, PROVIDER) && eq(l, "locations") =>
                {
                    if eq(kind, "vmSizes") {
                        return Ok(Target::VmSizes);
                    }
                    if eq(kind, "usages") {
                        return Ok(Target::Usages);
                    }
                }
                [p, m, ws] if eq(p, "providers") && eq(m, PROVIDER) && eq(ws, "workspaces") => {
                    return Ok(Target::Workspaces)
                }
                [g, rg, tail @ ..] if eq(g, "resourceGroups") => {
                    if !eq(rg, &w.resource_group) {
                        return Err(not_found(
                            "ResourceGroupNotFound",
                            format!("Resource group '{rg}' could not be found."),
                        ));
                    }
                    return workspace_target(tail, w);
                }
                _ => {}
            }
        }
        _ => {}
    }
    Err(ArmError::new(
        "NotFound",
        format!(
            "No ARM resource or operation lives at '/{}'.",
            segments.join("/")
        ),
    ))
}

fn workspace_target(tail: &[&str], w: &Workspace) -> Result<Target, ArmError> {
    let [p, m, kind, rest @ ..] = tail else {
        return Err(ArmError::new("NotFound", "This path names no resource."));
    };
    if !(eq(p, "providers") && eq(m, PROVIDER) && eq(kind, "workspaces")) {
        return Err(ArmError::new(
            "NotFound",
            "This path names no Azure Machine Learning resource.",
        ));
    }
    let [name, rest @ ..] = rest else {
        return Ok(Target::Workspaces);
    };
    if !eq(name, &w.resource.name) {
        return Err(ArmError::new(
            "WorkspaceNotFound",
            format!("The workspace '{name}' could not be found in this resource group."),
        ));
    }
    match rest {
        [] => Ok(Target::Workspace),
        [c] if eq(c, "computes") => Ok(Target::Computes),
        [c, compute] if eq(c, "computes") => Ok(Target::Compute((*compute).to_owned())),
        [c, compute, action] if eq(c, "computes") => {
            let op = [Operation::Start, Operation::Stop, Operation::Restart]
                .into_iter()
                .find(|op| eq(action, op.as_str()))
                .ok_or_else(|| {
                    ArmError::new(
                        "NotFound",
                        format!("Computes have no '{action}' action; use start, stop or restart."),
                    )
                })?;
            Ok(Target::Action((*compute).to_owned(), op))
        }
        _ => Err(ArmError::new(
            "NotFound",
            "This path names no workspace resource.",
        )),
    }
}

fn method_not_allowed(method: &Method, allowed: &str) -> ArmError {
    ArmError::new(
        "MethodNotAllowed",
        format!("The {method} method is not supported here; use {allowed}."),
    )
}

/// Parses a request body as a compute resource, with the field and line of what is wrong.
fn parse_compute(body: &Bytes) -> Result<ComputeResource, ArmError> {
    serde_json::from_slice(body).map_err(|e| {
        let kind = if e.is_syntax() || e.is_eof() {
            "The request body is not valid JSON"
        } else {
            "The request body does not describe a compute"
        };
        ArmError::new("InvalidRequestContent", format!("{kind}: {e}."))
    })
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
    let target = state.read(|w| target(&segments, w))?;
    check_api_version(uri.query().unwrap_or(""))?;
    let me = member_of(state, headers)?;
    let ok = |v: Value| (StatusCode::OK, axum::Json(v)).into_response();
    match (target, method.clone()) {
        (Target::Subscriptions, Method::GET) => Ok(ok(state.read(|w| {
            json!({"value": [{"id": format!("/subscriptions/{}", w.subscription_id), "subscriptionId": w.subscription_id,
                "tenantId": w.tenant_id, "displayName": "Azimuth", "state": "Enabled"}]})
        }))),
        (Target::Workspaces, Method::GET) => Ok(ok(state.read(|w| json!({"value": [w.resource]})))),
        (Target::Workspace, Method::GET) => Ok(ok(state.read(|w| json!(w.resource)))),
        (Target::Computes, Method::GET) => Ok(ok(list_page(state, uri, headers))),
        (Target::Compute(name), Method::GET) => state
            .read(|w| w.compute(&name).map(|c| json!(c.resource)))
            .map(ok)
            .ok_or_else(|| ArmError::new("ResourceNotFound", format!("The compute '{name}' was not found in this workspace."))),
        (Target::Compute(name), Method::PUT) => {
            let request = parse_compute(body)?;
            let (created, resource) = state.change(|w, now| w.put_compute(&me, &name, request, now))?;
            let status = if created { StatusCode::CREATED } else { StatusCode::OK };
            Ok((status, axum::Json(resource)).into_response())
        }
        (Target::Compute(name), Method::DELETE) => {
            if state.read(|w| w.compute(&name).is_none()) {
                return Ok(StatusCode::NO_CONTENT.into_response());
            }
            state.change(|w, now| w.delete(&me, &name, now))?;
            Ok(StatusCode::ACCEPTED.into_response())
        }
        (Target::Compute(_), m) => Err(method_not_allowed(&m, "GET, PUT or DELETE")),
        (Target::Action(name, op), Method::POST) => {
            state.change(|w, now| w.operate(&me, &name, op, now))?;
            Ok(StatusCode::ACCEPTED.into_response())
        }
        (Target::Action(..), m) => Err(method_not_allowed(&m, "POST")),
        (Target::VmSizes, Method::GET) => Ok(ok(crate::catalogue::vm_sizes())),
        (Target::Usages, Method::GET) => Ok(ok(state.read(crate::catalogue::usages))),
        (_, m) => Err(method_not_allowed(&m, "GET")),
    }
}

/// One page of the compute list, with `nextLink` when more follow.
fn list_page(state: &AppState, uri: &Uri, headers: &HeaderMap) -> Value {
    let skip: usize = uri
        .query()
        .unwrap_or("")
        .split('&')
        .find_map(|p| {
            p.strip_prefix("$skip=")
                .or_else(|| p.strip_prefix("%24skip="))
        })
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    state.read(|w| {
        let page: Vec<&ComputeResource> = w
            .computes
            .iter()
            .skip(skip)
            .take(PAGE_SIZE)
            .map(|c| &c.resource)
            .collect();
        let mut out = json!({"value": page});
        if skip + PAGE_SIZE < w.computes.len() {
            let host = headers
                .get("host")
                .and_then(|h| h.to_str().ok())
                .unwrap_or("127.0.0.1");
            let query: Vec<&str> = uri
                .query()
                .unwrap_or("")
                .split('&')
                .filter(|p| !p.contains("skip=") && !p.is_empty())
                .collect();
            out["nextLink"] = json!(format!(
                "http://{host}{}?{}&$skip={}",
                uri.path(),
                query.join("&"),
                skip + PAGE_SIZE
            ));
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_versions() {
        assert!(check_api_version("api-version=2025-12-01").is_ok());
        assert!(check_api_version("x=1&api-version=2023-08-01-preview").is_ok());
        assert!(check_api_version("api-version=2024-10-01-preview").is_ok());
        assert_eq!(
            check_api_version("").unwrap_err().code(),
            "MissingApiVersionParameter"
        );
        assert_eq!(
            check_api_version("api-version=2020-01-01")
                .unwrap_err()
                .code(),
            "InvalidApiVersionParameter"
        );
        assert_eq!(
            check_api_version("api-version=latest").unwrap_err().code(),
            "InvalidApiVersionParameter"
        );
    }

    #[test]
    fn paths_match_without_case() {
        let w = Workspace::seed(0);
        let base = format!("subscriptions/{}/resourcegroups/{}/providers/microsoft.machinelearningservices/workspaces/{}", w.subscription_id, w.resource_group.to_uppercase(), w.resource.name);
        let seg = |p: &str| {
            p.split('/')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        let t = |p: String| {
            let s = seg(&p);
            let r: Vec<&str> = s.iter().map(String::as_str).collect();
            target(&r, &w)
        };
        assert_eq!(t(format!("{base}/COMPUTES")).unwrap(), Target::Computes);
        assert_eq!(
            t(format!("{base}/computes/ci-1/Start")).unwrap(),
            Target::Action("ci-1".into(), Operation::Start)
        );
        assert_eq!(
            t(format!("{base}/computes/ci-1/explode"))
                .unwrap_err()
                .code(),
            "NotFound"
        );
        assert_eq!(
            t(format!(
                "{}/computes",
                base.replace("mlw-azimuth-lab", "other")
            ))
            .unwrap_err()
            .code(),
            "WorkspaceNotFound"
        );
        assert_eq!(
            t("subscriptions/nope/resourceGroups/x".into())
                .unwrap_err()
                .code(),
            "SubscriptionNotFound"
        );
    }
}
