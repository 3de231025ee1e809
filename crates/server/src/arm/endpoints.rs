//! Online endpoints over ARM: `.../onlineEndpoints[/{name}[/listKeys|regenerateKeys|token]]`
//! and `.../onlineEndpoints/{name}/deployments[/{name}[/getLogs]]`. A new deployment's model
//! file is read and checked first (`crate::inference`); every rule is the engine's. Endpoint
//! names are unique in their region, across the installation's workspaces, as Azure's are.

use super::AssetRequest as Request;
use super::{created_or_ok, json, method_not_allowed, page_of, parse};
use crate::inference::{self, fresh_key};
use crate::state::AppState;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use azimuth_core::endpoints::{DeploymentResource, EndpointKeys, EndpointResource};
use azimuth_core::ArmError;
use serde_json::{json as value, Value};

/// What an endpoints path names inside a workspace.
#[derive(Debug, PartialEq)]
pub enum EndpointTarget {
    /// `.../onlineEndpoints`.
    Endpoints,
    /// `.../onlineEndpoints/{name}`.
    Endpoint(String),
    /// `.../onlineEndpoints/{name}/{listKeys|regenerateKeys|token}`.
    Action(String, String),
    /// `.../onlineEndpoints/{name}/deployments`.
    Deployments(String),
    /// `.../onlineEndpoints/{name}/deployments/{deployment}`.
    Deployment(String, String),
    /// `.../onlineEndpoints/{name}/deployments/{deployment}/getLogs`.
    Logs(String, String),
}

/// Handles an endpoints request once `r.member` is known to see the workspace.
pub fn handle(
    state: &AppState,
    r: &Request,
    method: &Method,
    target: EndpointTarget,
) -> Result<Response, ArmError> {
    let m = method;
    match target {
        EndpointTarget::Endpoints if m == Method::GET => {
            let items = state.read_workspace(r.member, r.workspace, |w| {
                let list: Vec<EndpointResource> =
                    w.endpoints.iter().map(|e| e.resource.clone()).collect();
                list
            })?;
            Ok(page_of(&items, r.uri, r.headers))
        }
        EndpointTarget::Endpoint(name) => match *m {
            Method::GET => state.read_workspace(r.member, r.workspace, |w| {
                w.endpoint(&name).map(|e| json(StatusCode::OK, &e.resource))
            })?,
            Method::PUT | Method::PATCH => put_endpoint(state, r, &name, *m == Method::PATCH),
            Method::DELETE => {
                state.change_workspace(r.workspace, |_, w, now| {
                    w.delete_endpoint(r.member, &name, now)
                })?;
                Ok(StatusCode::OK.into_response())
            }
            _ => Err(method_not_allowed(m, "GET, PUT, PATCH or DELETE")),
        },
        EndpointTarget::Action(name, action) if m == Method::POST => {
            endpoint_action(state, r, &name, &action)
        }
        EndpointTarget::Deployments(endpoint) if m == Method::GET => {
            let items = state.read_workspace(r.member, r.workspace, |w| {
                w.endpoint(&endpoint)?;
                let list: Vec<DeploymentResource> = w
                    .deployments_of(&endpoint)
                    .map(|d| d.resource.clone())
                    .collect();
                Ok::<_, ArmError>(list)
            })??;
            Ok(page_of(&items, r.uri, r.headers))
        }
        EndpointTarget::Deployment(endpoint, name) => match *m {
            Method::GET => state.read_workspace(r.member, r.workspace, |w| {
                w.deployment(&endpoint, &name)
                    .map(|d| json(StatusCode::OK, &d.resource))
            })?,
            Method::PUT | Method::PATCH => {
                put_deployment(state, r, &endpoint, &name, *m == Method::PATCH)
            }
            Method::DELETE => {
                state.change_workspace(r.workspace, |_, w, now| {
                    w.delete_deployment(r.member, &endpoint, &name, now)
                })?;
                Ok(StatusCode::OK.into_response())
            }
            _ => Err(method_not_allowed(m, "GET, PUT, PATCH or DELETE")),
        },
        EndpointTarget::Logs(endpoint, name) if m == Method::POST => {
            let tail = parse::<Value>(r.body, "a logs request")
                .ok()
                .and_then(|b| b["tail"].as_u64());
            let content = state.read_workspace(r.member, r.workspace, |w| {
                w.deployment(&endpoint, &name)
                    .map(|d| d.resource.id.clone())
            })??;
            let lines = inference::logs(state, &content, tail.unwrap_or(100) as usize);
            Ok(json(StatusCode::OK, &value!({ "content": lines })))
        }
        _ => Err(method_not_allowed(m, "GET (lists) or POST (actions)")),
    }
}

/// A PUT (or PATCH: the body merged over the endpoint as it is) of an endpoint. A new one
/// gets fresh keys and must have a name no endpoint of its region has.
fn put_endpoint(
    state: &AppState,
    r: &Request,
    name: &str,
    patch: bool,
) -> Result<Response, ArmError> {
    let current = match patch {
        true => Some(state.read_workspace(r.member, r.workspace, |w| {
            w.endpoint(name).map(|e| as_value(&e.resource))
        })??),
        false => None,
    };
    let request: EndpointResource = requested(r, ("an", "online endpoint"), current)?;
    let keys = EndpointKeys {
        primary_key: fresh_key()?,
        secondary_key: fresh_key()?,
    };
    let base = state.config.public_base();
    let (created, resource) = state.change_workspace(r.workspace, |tenant, w, now| {
        if w.endpoint(name).is_err() {
            check_name_free(tenant, w, name)?;
        }
        w.put_endpoint(r.member, name, request, (keys, Some(&base)), now)
    })?;
    Ok(json(created_or_ok(created), &resource))
}

/// A PUT (or PATCH) of a deployment; a new one's model file is read and checked first.
fn put_deployment(
    state: &AppState,
    r: &Request,
    endpoint: &str,
    name: &str,
    patch: bool,
) -> Result<Response, ArmError> {
    let existing = state.read_workspace(r.member, r.workspace, |w| {
        w.deployment(endpoint, name)
            .ok()
            .map(|d| as_value(&d.resource))
    })?;
    let current = existing.clone().filter(|_| patch);
    let request: DeploymentResource = requested(r, ("an", "online deployment"), current)?;
    if existing.is_none() {
        inference::check_model(state, r.member, r.workspace, &request.properties.model)?;
    }
    let (created, resource) = state.change_workspace(r.workspace, |_, w, now| {
        w.put_deployment(r.member, endpoint, name, request, now)
    })?;
    Ok(json(created_or_ok(created), &resource))
}

/// `listKeys`, `regenerateKeys` and `token`.
fn endpoint_action(
    state: &AppState,
    r: &Request,
    name: &str,
    action: &str,
) -> Result<Response, ArmError> {
    match action.to_ascii_lowercase().as_str() {
        "listkeys" => {
            let keys = state.read_workspace(r.member, r.workspace, |w| w.endpoint_keys(r.member, name))??;
            Ok(json(StatusCode::OK, &keys))
        }
        "regeneratekeys" => {
            let asked: Value = parse(r.body, "a regenerateKeys request")?;
            let key_type = asked["keyType"].as_str().unwrap_or("Primary").to_owned();
            let fresh = match asked["keyValue"].as_str() {
                Some(given) if given.len() >= 16 => given.to_owned(),
                Some(_) => return Err(ArmError::new("ValidationError", "keyValue must be at least 16 characters.")),
                None => fresh_key()?,
            };
            state.change_workspace(r.workspace, |_, w, now| {
                w.regenerate_endpoint_key(r.member, name, &key_type, fresh, now)
            })?;
            Ok(StatusCode::OK.into_response())
        }
        "token" => {
            let token = state.read_workspace(r.member, r.workspace, |w| {
                let keys = w.endpoint_keys(r.member, name)?;
                let endpoint = &w.endpoint(name)?.resource;
                if endpoint.properties.auth_mode != "AMLToken" {
                    return Err(ArmError::new("UserError", format!("The endpoint '{name}' signs callers in with its keys (authMode Key); tokens are for AMLToken endpoints. Use listKeys.")));
                }
                Ok(inference::token(&endpoint.id, &keys, state.now()))
            })??;
            Ok(json(StatusCode::OK, &token))
        }
        _ => Err(ArmError::new("NotFound", format!("Online endpoints have no '{action}' action; use listKeys, regenerateKeys or token."))),
    }
}

/// Refuses a new endpoint's name that an online or batch endpoint of another workspace of the
/// same region has: both kinds answer at `{name}.{region}`, so Azure keeps them unique there.
pub(super) fn check_name_free(
    tenant: &azimuth_core::workspace::Tenant,
    w: &azimuth_core::Workspace,
    name: &str,
) -> Result<(), ArmError> {
    let location = &w.resource.location;
    let taken = tenant.workspaces.iter().any(|o| {
        o.deleted_at.is_none()
            && o.id() != w.id()
            && o.resource.location.eq_ignore_ascii_case(location)
            && (o.endpoint(name).is_ok() || o.batch_endpoint(name).is_ok())
    });
    if taken {
        return Err(ArmError::new("Conflict", format!("An endpoint named '{name}' already exists in {location}: endpoint names are unique in their region. Choose another name.")));
    }
    Ok(())
}

/// A resource as JSON, to merge a PATCH over.
pub(super) fn as_value<T: serde::Serialize>(resource: &T) -> Value {
    serde_json::to_value(resource).unwrap_or_default()
}

/// What a PUT or PATCH of `what` (its article and name) asks: the body, merged over `current`
/// (the resource as it is) for a PATCH, read as `T`.
pub(super) fn requested<T: serde::de::DeserializeOwned>(
    r: &Request,
    (article, what): (&str, &str),
    current: Option<Value>,
) -> Result<T, ArmError> {
    let mut body: Value = parse(r.body, &format!("{article} {what}"))?;
    if let Some(current) = current {
        body = merged(current, body);
    }
    serde_json::from_value(body)
        .map_err(|e| ArmError::new("ValidationError", format!("The {what} is not valid: {e}.")))
}

/// `patch` merged over `base` (JSON merge patch: objects merged key by key, null removes).
fn merged(mut base: Value, patch: Value) -> Value {
    match (base.as_object_mut(), patch) {
        (Some(fields), Value::Object(changes)) => {
            for (k, v) in changes {
                if v.is_null() {
                    fields.remove(&k);
                } else {
                    let old = fields.remove(&k).unwrap_or(Value::Null);
                    fields.insert(k, merged(old, v));
                }
            }
            base
        }
        (_, patch) => patch,
    }
}
