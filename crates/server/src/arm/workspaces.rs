//! Workspaces over ARM: the lists (per subscription and per resource group, only those the
//! caller holds a role in), GET, PUT (a long-running create, or an update), PATCH and DELETE
//! (a soft delete, or a purge with `forceToPurge=true`).

use super::operations::{operation_id, poll_headers, status_url};
use crate::state::AppState;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use azimuth_core::workspace::{Tenant, WorkspaceResource};
use azimuth_core::{ArmError, Operation};
use serde_json::{json, Value};

/// What a workspace request needs.
pub struct Request<'a> {
    /// The signed-in person.
    pub member: &'a str,
    /// The resource group, as it was created.
    pub group: &'a str,
    /// The workspace's name from the path.
    pub name: &'a str,
    /// The request headers (Host, for polling URLs).
    pub headers: &'a HeaderMap,
    /// The api-version to put in polling URLs.
    pub api_version: &'a str,
}

impl Request<'_> {
    fn id(&self, t: &Tenant) -> String {
        format!(
            "{}/providers/Microsoft.MachineLearningServices/workspaces/{}",
            t.directory.group_scope(self.group),
            self.name
        )
    }
}

/// The `kind` filter of a workspace list (`kind=default,hub`), if the query has one.
pub fn kinds(query: &str) -> Option<Vec<String>> {
    query.split('&').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        let v = v.replace("%2C", ",").replace("%2c", ",");
        k.eq_ignore_ascii_case("kind").then(|| {
            v.split(',')
                .map(|s| s.trim().to_ascii_lowercase())
                .filter(|s| !s.is_empty())
                .collect()
        })
    })
}

/// `GET .../workspaces`: the workspaces `person` holds a role in, in a resource group or in the
/// whole subscription, of the `kinds` asked for (all when none; a workspace without a kind is
/// `Default`).
pub fn list(t: &Tenant, person: &str, group: Option<&str>, kinds: Option<&[String]>) -> Value {
    let of_kind = |w: &WorkspaceResource| {
        let kind = w.kind.as_deref().unwrap_or("Default").to_ascii_lowercase();
        kinds.is_none_or(|ks| ks.is_empty() || ks.contains(&kind))
    };
    let value: Vec<&WorkspaceResource> = t
        .visible_workspaces(person)
        .into_iter()
        .filter(|w| group.is_none_or(|g| w.resource_group.eq_ignore_ascii_case(g)))
        .map(|w| &w.resource)
        .filter(|w| of_kind(w))
        .collect();
    json!({ "value": value })
}

/// Reads a PUT or PATCH body as a workspace.
fn parse(body: &Bytes) -> Result<Value, ArmError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        ArmError::new(
            "InvalidRequestContent",
            format!("The request body is not valid JSON: {e}."),
        )
    })?;
    if value.is_object() {
        Ok(value)
    } else {
        Err(ArmError::new(
            "InvalidRequestContent",
            "A workspace is a JSON object: {\"location\": \"eastus\", \"properties\": {...}}.",
        ))
    }
}

fn as_workspace(value: Value) -> Result<WorkspaceResource, ArmError> {
    serde_json::from_value(value).map_err(|e| {
        ArmError::new(
            "InvalidRequestContent",
            format!("The request body does not describe a workspace: {e}."),
        )
    })
}

/// GET, PUT, PATCH or DELETE of one workspace.
pub fn handle(
    state: &AppState,
    r: &Request,
    method: &Method,
    uri: &Uri,
    body: &Bytes,
) -> Result<Response, ArmError> {
    let id = state.read(|t| r.id(t));
    match *method {
        Method::GET => {
            let resource = state.read_workspace(r.member, &id, |w| w.resource.clone())?;
            Ok(axum::Json(resource).into_response())
        }
        Method::PUT => put(state, r, &id, body),
        Method::PATCH => {
            let patch = parse(body)?;
            let current = state.read_workspace(r.member, &id, |w| w.resource.clone())?;
            let mut merged = serde_json::to_value(current).unwrap_or_default();
            super::computes::merge(&mut merged, patch);
            let request = as_workspace(merged)?;
            let base = state.config.public_base();
            state.change_tenant(|t, now| {
                t.put_workspace(r.member, r.group, r.name, request, Some(&base), now)
            })?;
            let resource = state.read_workspace(r.member, &id, |w| w.resource.clone())?;
            Ok(axum::Json(resource).into_response())
        }
        Method::DELETE => {
            let purge = uri.query().unwrap_or("").split('&').any(|p| {
                p.split_once('=').is_some_and(|(k, v)| {
                    k.eq_ignore_ascii_case("forceToPurge") && v.eq_ignore_ascii_case("true")
                })
            });
            let exists = state.read(|t| t.workspace(&id).is_some());
            if !exists && !purge {
                return Ok(StatusCode::NO_CONTENT.into_response());
            }
            state.change_tenant(|t, now| t.delete_workspace(r.member, &id, purge, now))?;
            Ok(StatusCode::OK.into_response())
        }
        ref m => Err(super::method_not_allowed(m, "GET, PUT, PATCH or DELETE")),
    }
}

/// `PUT .../workspaces/{name}`: 201 and poll while it is created; 200 when it is updated.
fn put(state: &AppState, r: &Request, id: &str, body: &Bytes) -> Result<Response, ArmError> {
    let request = as_workspace(parse(body)?)?;
    let create_only = r
        .headers
        .get("if-none-match")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim() == "*");
    if create_only && state.read(|t| t.index_of(id).is_some()) {
        return Err(ArmError::new(
            "PreconditionFailed",
            "A workspace with this name already exists in the resource group; If-None-Match: * only creates.",
        ));
    }
    let base = state.config.public_base();
    let (created, started) = state.change_tenant(|t, now| {
        t.put_workspace(r.member, r.group, r.name, request, Some(&base), now)
            .map(|created| (created, now))
    })?;
    let (resource, url) = state.read(|t| {
        let w = t.workspace(id);
        let url = w.map(|w| {
            let op = operation_id(w, "", Operation::Create, started);
            status_url(r.headers, w, &op, r.api_version)
                .replace("computeOperationsStatus", "mfeOperationsStatus")
        });
        (w.map(|w| w.resource.clone()), url)
    });
    if created {
        let headers = poll_headers(&url.unwrap_or_default());
        Ok((StatusCode::CREATED, headers, axum::Json(resource)).into_response())
    } else {
        Ok((StatusCode::OK, axum::Json(resource)).into_response())
    }
}
