//! Batch endpoints over ARM: `.../batchEndpoints[/{name}]` and
//! `.../batchEndpoints/{name}/deployments[/{name}]`, and the jobs an endpoint started
//! (`.../batchEndpoints/{name}/jobs`). A new deployment's model file is read and checked
//! first (`crate::inference`); every rule is the engine's. Invocations are posted to the
//! endpoint's scoringUri (`crate::inference::batch`).

use super::endpoints::{as_value, check_name_free, requested};
use super::AssetRequest as Request;
use super::{created_or_ok, json, method_not_allowed, page_of};
use crate::inference;
use crate::state::AppState;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use azimuth_core::endpoints::batch::{BatchDeploymentResource, BatchEndpointResource};
use azimuth_core::ArmError;

/// What a batch endpoints path names inside a workspace.
#[derive(Debug, PartialEq)]
pub enum BatchTarget {
    /// `.../batchEndpoints`.
    Endpoints,
    /// `.../batchEndpoints/{name}`.
    Endpoint(String),
    /// `.../batchEndpoints/{name}/deployments`.
    Deployments(String),
    /// `.../batchEndpoints/{name}/deployments/{deployment}`.
    Deployment(String, String),
    /// `.../batchEndpoints/{name}/{action}` (`listkeys`, `jobs`).
    Action(String, String),
}

/// Handles a batch endpoints request once `r.member` is known to see the workspace.
pub fn handle(
    state: &AppState,
    r: &Request,
    method: &Method,
    target: BatchTarget,
) -> Result<Response, ArmError> {
    let m = method;
    match target {
        BatchTarget::Endpoints if m == Method::GET => {
            let items = state.read_workspace(r.member, r.workspace, |w| {
                let list: Vec<BatchEndpointResource> = w
                    .batch_endpoints
                    .iter()
                    .map(|e| e.resource.clone())
                    .collect();
                list
            })?;
            Ok(page_of(&items, r.uri, r.headers))
        }
        BatchTarget::Endpoint(name) => match *m {
            Method::GET => state.read_workspace(r.member, r.workspace, |w| {
                w.batch_endpoint(&name)
                    .map(|e| json(StatusCode::OK, &e.resource))
            })?,
            Method::PUT | Method::PATCH => put_endpoint(state, r, &name, *m == Method::PATCH),
            Method::DELETE => {
                state.change_workspace(r.workspace, |_, w, now| {
                    w.delete_batch_endpoint(r.member, &name, now)
                })?;
                Ok(StatusCode::OK.into_response())
            }
            _ => Err(method_not_allowed(m, "GET, PUT, PATCH or DELETE")),
        },
        BatchTarget::Deployments(endpoint) if m == Method::GET => {
            let items = state.read_workspace(r.member, r.workspace, |w| {
                w.batch_endpoint(&endpoint)?;
                let list: Vec<BatchDeploymentResource> = w
                    .batch_deployments_of(&endpoint)
                    .map(|d| d.resource.clone())
                    .collect();
                Ok::<_, ArmError>(list)
            })??;
            Ok(page_of(&items, r.uri, r.headers))
        }
        BatchTarget::Deployment(endpoint, name) => match *m {
            Method::GET => state.read_workspace(r.member, r.workspace, |w| {
                w.batch_deployment(&endpoint, &name)
                    .map(|d| json(StatusCode::OK, &d.resource))
            })?,
            Method::PUT | Method::PATCH => {
                put_deployment(state, r, &endpoint, &name, *m == Method::PATCH)
            }
            Method::DELETE => {
                state.change_workspace(r.workspace, |_, w, now| {
                    w.delete_batch_deployment(r.member, &endpoint, &name, now)
                })?;
                Ok(StatusCode::OK.into_response())
            }
            _ => Err(method_not_allowed(m, "GET, PUT, PATCH or DELETE")),
        },
        BatchTarget::Action(name, action)
            if action.eq_ignore_ascii_case("jobs") && m == Method::GET =>
        {
            let jobs = inference::batch::endpoint_jobs(state, r, &name)?;
            Ok(page_of(&jobs, r.uri, r.headers))
        }
        BatchTarget::Action(name, action) if action.eq_ignore_ascii_case("listkeys") => {
            state
                .read_workspace(r.member, r.workspace, |w| w.batch_endpoint(&name).map(drop))??;
            Err(ArmError::new("UserError", format!("The batch endpoint '{name}' signs callers in with their own Microsoft Entra ID token (AADToken), so it has no keys: invoke it with yours.")))
        }
        _ => Err(method_not_allowed(m, "GET (lists and jobs)")),
    }
}

/// A PUT (or PATCH: the body merged over the endpoint as it is) of a batch endpoint; a new
/// one must have a name no endpoint of its region has.
fn put_endpoint(
    state: &AppState,
    r: &Request,
    name: &str,
    patch: bool,
) -> Result<Response, ArmError> {
    let current = match patch {
        true => Some(state.read_workspace(r.member, r.workspace, |w| {
            w.batch_endpoint(name).map(|e| as_value(&e.resource))
        })??),
        false => None,
    };
    let request: BatchEndpointResource = requested(r, ("a", "batch endpoint"), current)?;
    let base = state.config.public_base();
    let (created, resource) = state.change_workspace(r.workspace, |tenant, w, now| {
        if w.batch_endpoint(name).is_err() {
            check_name_free(tenant, w, name)?;
        }
        w.put_batch_endpoint(r.member, name, request, Some(&base), now)
    })?;
    Ok(json(created_or_ok(created), &resource))
}

/// A PUT (or PATCH) of a batch deployment; a new one's model file is read and checked first.
fn put_deployment(
    state: &AppState,
    r: &Request,
    endpoint: &str,
    name: &str,
    patch: bool,
) -> Result<Response, ArmError> {
    let existing = state.read_workspace(r.member, r.workspace, |w| {
        w.batch_deployment(endpoint, name)
            .ok()
            .map(|d| as_value(&d.resource))
    })?;
    let current = existing.clone().filter(|_| patch);
    let request: BatchDeploymentResource = requested(r, ("a", "batch deployment"), current)?;
    if existing.is_none() {
        let model = &request.properties.model.asset_id;
        inference::check_model(state, r.member, r.workspace, model)?;
    }
    let (created, resource) = state.change_workspace(r.workspace, |_, w, now| {
        w.put_batch_deployment(r.member, endpoint, name, request, now)
    })?;
    Ok(json(created_or_ok(created), &resource))
}
