//! Reading and changing one compute: GET with its ETag; PUT, DELETE and the start/stop/restart
//! actions, each honouring `If-Match` and answering with ARM's polling headers.

use super::operations::{check_preconditions, etag, operation_id, poll_headers, status_url};
use crate::state::AppState;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use azimuth_core::compute::{instance_not_found, not_found};
use azimuth_core::{ArmError, ComputeResource, Operation, Workspace};

/// The current ETag of a compute, if it exists.
fn current_etag(w: &Workspace, name: &str) -> Option<String> {
    w.compute(name)
        .map(|c| etag(&serde_json::to_string(&c.resource).unwrap_or_default()))
}

/// `GET .../computes/{name}`.
pub fn get(state: &AppState, r: &Request) -> Result<Response, ArmError> {
    let (resource, tag) = state
        .read_workspace(r.member, r.workspace, |w| {
            w.compute(r.name)
                .map(|c| (c.resource.clone(), current_etag(w, r.name)))
        })?
        .ok_or_else(|| not_found(r.name))?;
    let mut response = axum::Json(resource).into_response();
    if let Some(value) = tag.and_then(|t| t.parse().ok()) {
        response.headers_mut().insert("etag", value);
    }
    Ok(response)
}

/// Parses a request body as a compute, saying what is wrong and where.
fn parse(body: &Bytes) -> Result<ComputeResource, ArmError> {
    serde_json::from_slice(body).map_err(|e| {
        let kind = if e.is_syntax() || e.is_eof() {
            "The request body is not valid JSON"
        } else {
            "The request body does not describe a compute"
        };
        ArmError::new("InvalidRequestContent", format!("{kind}: {e}."))
    })
}

/// What a change needs to answer: who, what, and how to build polling URLs.
pub struct Request<'a> {
    /// The signed-in member.
    pub member: &'a str,
    /// The workspace's ARM id.
    pub workspace: &'a str,
    /// The compute's name from the path.
    pub name: &'a str,
    /// The request headers (If-Match, Host).
    pub headers: &'a HeaderMap,
    /// The api-version to put in polling URLs.
    pub api_version: &'a str,
}

/// Answers an accepted long-running operation with its polling headers.
fn accepted(
    state: &AppState,
    r: &Request,
    status: StatusCode,
    op: Operation,
    started: i64,
    body: Option<ComputeResource>,
) -> Response {
    let url = state.read(|t| {
        t.workspace(r.workspace)
            .map(|w| {
                status_url(
                    r.headers,
                    w,
                    &operation_id(w, r.name, op, started),
                    r.api_version,
                )
            })
            .unwrap_or_default()
    });
    let headers = poll_headers(&url);
    match body {
        Some(resource) => (status, headers, axum::Json(resource)).into_response(),
        None => (status, headers).into_response(),
    }
}

/// `PUT .../computes/{name}`: 201 when created (then poll), 200 when updated.
pub fn put(state: &AppState, r: &Request, body: &Bytes) -> Result<Response, ArmError> {
    let request = parse(body)?;
    let (created, resource, started) = state.change_workspace(r.workspace, |t, w, now| {
        check_preconditions(r.headers, current_etag(w, r.name).as_deref())?;
        if w.compute(r.name).is_none() {
            t.check_compute_name_elsewhere(r.workspace, r.name)?;
            w.check_ready()?;
        }
        let (created, resource) = w.put_compute(r.member, r.name, request, now)?;
        Ok((created, resource, now))
    })?;
    if created {
        Ok(accepted(
            state,
            r,
            StatusCode::CREATED,
            Operation::Create,
            started,
            Some(resource),
        ))
    } else {
        Ok((StatusCode::OK, axum::Json(resource)).into_response())
    }
}

/// Merges a JSON merge patch (RFC 7386) into a value.
pub(super) fn merge(target: &mut serde_json::Value, patch: serde_json::Value) {
    match (target, patch) {
        (serde_json::Value::Object(t), serde_json::Value::Object(p)) => {
            for (k, v) in p {
                if v.is_null() {
                    t.remove(&k);
                } else {
                    merge(t.entry(k).or_insert(serde_json::Value::Null), v);
                }
            }
        }
        (t, p) => *t = p,
    }
}

/// `PATCH .../computes/{name}`: a merge patch of what may change (tags, description, idle
/// shutdown, schedules); 200 with the compute.
pub fn patch(state: &AppState, r: &Request, body: &Bytes) -> Result<Response, ArmError> {
    let patch: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        ArmError::new(
            "InvalidRequestContent",
            format!("The request body is not valid JSON: {e}."),
        )
    })?;
    if !patch.is_object() {
        return Err(ArmError::new(
            "InvalidRequestContent",
            "A PATCH body is a JSON object (a merge patch).",
        ));
    }
    let resource = state.change_workspace(r.workspace, |_, w, now| {
        check_preconditions(r.headers, current_etag(w, r.name).as_deref())?;
        let current = w.compute(r.name).ok_or_else(|| not_found(r.name))?;
        let mut merged = serde_json::to_value(&current.resource).unwrap_or_default();
        merge(&mut merged, patch);
        let request: ComputeResource = serde_json::from_value(merged).map_err(|e| {
            ArmError::new(
                "InvalidRequestContent",
                format!("The patched compute is not valid: {e}."),
            )
        })?;
        w.put_compute(r.member, r.name, request, now)
            .map(|(_, resource)| resource)
    })?;
    Ok(axum::Json(resource).into_response())
}

/// `DELETE .../computes/{name}`: 202 and poll, or 204 when there is nothing to delete.
pub fn delete(state: &AppState, r: &Request) -> Result<Response, ArmError> {
    let started = state.change_workspace(r.workspace, |_, w, now| {
        let tag = current_etag(w, r.name);
        check_preconditions(r.headers, tag.as_deref())?;
        if tag.is_none() {
            return Ok(None);
        }
        w.delete(r.member, r.name, now).map(|_| Some(now))
    })?;
    Ok(match started {
        Some(started) => accepted(
            state,
            r,
            StatusCode::ACCEPTED,
            Operation::Delete,
            started,
            None,
        ),
        None => StatusCode::NO_CONTENT.into_response(),
    })
}

/// `POST .../computes/{name}/start|stop|restart`: 202 and poll.
pub fn action(state: &AppState, r: &Request, op: Operation) -> Result<Response, ArmError> {
    let started = state.change_workspace(r.workspace, |_, w, now| {
        check_preconditions(r.headers, current_etag(w, r.name).as_deref())?;
        w.operate(r.member, r.name, op, now).map(|_| now)
    })?;
    Ok(accepted(state, r, StatusCode::ACCEPTED, op, started, None))
}

/// `POST .../computes/{name}/listNodes`: a cluster's nodes as ARM lists them (`AmlComputeNodesInformation`).
pub fn list_nodes(w: &Workspace, name: &str) -> Result<serde_json::Value, ArmError> {
    let compute = w.compute(name).ok_or_else(|| not_found(name))?;
    if !azimuth_core::compute::cluster::is_cluster(&compute.resource) {
        return Err(ArmError::new(
            "BadRequest",
            format!("'{name}' is not a compute cluster: only AmlCompute has nodes to list."),
        ));
    }
    let nodes: Vec<serde_json::Value> = compute
        .nodes
        .iter()
        .map(|n| {
            serde_json::json!({
                "nodeId": n.id,
                "privateIpAddress": n.private_ip,
                "publicIpAddress": null,
                "port": 50000,
                "nodeState": n.state.label(),
                "runId": null,
            })
        })
        .collect();
    Ok(serde_json::json!({ "nodes": nodes, "nextLink": null }))
}

/// `POST .../computes/{name}/updateIdleShutdownSetting` with `{"idleTimeBeforeShutdown": "PT120M"}`:
/// the same change a PUT of the instance makes, checked by the same engine.
pub fn update_idle_shutdown(state: &AppState, r: &Request, body: &Bytes) -> Result<(), ArmError> {
    let (member, name) = (r.member, r.name);
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct IdleShutdown {
        idle_time_before_shutdown: String,
    }
    let wanted: IdleShutdown = serde_json::from_slice(body).map_err(|e| {
        ArmError::new(
            "InvalidRequestContent",
            format!("Send {{\"idleTimeBeforeShutdown\": \"PT60M\"}}: {e}."),
        )
    })?;
    state.change_workspace(r.workspace, |_, w, now| {
        let mut resource = w
            .instance(name)
            .ok_or_else(|| instance_not_found(name))?
            .resource
            .clone();
        resource.properties.properties.idle_time_before_shutdown =
            Some(wanted.idle_time_before_shutdown);
        w.put_compute(member, name, resource, now).map(drop)
    })
}

/// `POST .../computes/{name}/enableSso` with `{"enableSSO": false}` (what azure-ai-ml's
/// `compute.enable_sso` sends): single sign-on of an instance's applications on or off.
pub fn enable_sso(state: &AppState, r: &Request, body: &Bytes) -> Result<(), ArmError> {
    #[derive(serde::Deserialize)]
    struct EnableSso {
        #[serde(rename = "enableSSO")]
        enable_sso: bool,
    }
    let wanted: EnableSso = serde_json::from_slice(body).map_err(|e| {
        ArmError::new(
            "InvalidRequestContent",
            format!("Send {{\"enableSSO\": true}} or false: {e}."),
        )
    })?;
    state.change_workspace(r.workspace, |_, w, now| {
        w.set_sso(r.member, r.name, wanted.enable_sso, now)
            .map(drop)
    })
}
