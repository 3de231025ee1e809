//! Models over ARM: `.../models[/{name}[/versions[/{version}]]]`, with their lists (paged; by
//! `listViewType`, versions newest first on `$orderBy`, at most `$top`, by `version` and
//! `tags`). A new version's files are checked first (`crate::models`); every rule is the
//! engine's.

use super::AssetRequest as Request;
use super::{created_or_ok, json, method_not_allowed, page_of, param, parse, query};
use crate::models::prepare_version;
use crate::state::AppState;
use crate::tracking::caller_of;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use azimuth_core::data::asset::ListView;
use azimuth_core::models::{model_not_found, ModelVersionResource};
use azimuth_core::ArmError;

/// What a models path names inside a workspace.
#[derive(Debug, PartialEq)]
pub enum ModelTarget {
    /// `.../models`.
    Containers,
    /// `.../models/{name}`.
    Container(String),
    /// `.../models/{name}/versions`.
    Versions(String),
    /// `.../models/{name}/versions/{version}`.
    Version(String, String),
}

/// Handles a models request once `r.member` is known to see the workspace.
pub fn handle(
    state: &AppState,
    r: &Request,
    method: &Method,
    target: ModelTarget,
) -> Result<Response, ArmError> {
    let m = method;
    match target {
        ModelTarget::Containers if m == Method::GET => {
            let view = ListView::parse(param(&query(r.uri), "listViewType").unwrap_or(""));
            let items = state.read_workspace(r.member, r.workspace, |w| {
                w.models
                    .iter()
                    .filter(|c| view.shows(c.properties.is_archived))
                    .map(|c| (**c).clone())
                    .collect::<Vec<_>>()
            })?;
            Ok(page_of(&items, r.uri, r.headers))
        }
        ModelTarget::Container(name) => match *m {
            Method::GET => state
                .read_workspace(r.member, r.workspace, |w| {
                    w.model_container(&name).map(|c| json(StatusCode::OK, c))
                })?
                .ok_or_else(|| model_not_found(&name, None)),
            Method::PUT => {
                let request = parse(r.body, "a model")?;
                let (created, resource) = state.change_workspace(r.workspace, |_, w, now| {
                    w.put_model_container(r.member, &name, request, now)
                })?;
                Ok(json(created_or_ok(created), &resource))
            }
            Method::DELETE => {
                let gone = state.change_workspace(r.workspace, |_, w, now| {
                    w.delete_model(r.member, &name, now)
                })?;
                Ok(deleted(gone))
            }
            _ => Err(method_not_allowed(m, "GET, PUT or DELETE")),
        },
        ModelTarget::Versions(name) if m == Method::GET => list_versions(state, r, &name),
        ModelTarget::Version(name, version) => match *m {
            Method::GET => state
                .read_workspace(r.member, r.workspace, |w| {
                    w.model_version(&name, &version)
                        .map(|v| json(StatusCode::OK, v))
                })?
                .ok_or_else(|| model_not_found(&name, Some(&version))),
            Method::PUT => {
                let request = put_request(state, r, &name, &version)?;
                let (created, resource) = state.change_workspace(r.workspace, |_, w, now| {
                    w.put_model_version(r.member, &name, &version, request, now)
                })?;
                Ok(json(created_or_ok(created), &resource))
            }
            Method::DELETE => {
                let gone = state.change_workspace(r.workspace, |_, w, now| {
                    w.delete_model_version(r.member, &name, &version, now)
                })?;
                Ok(deleted(gone))
            }
            _ => Err(method_not_allowed(m, "GET, PUT or DELETE")),
        },
        _ => Err(method_not_allowed(m, "GET")),
    }
}

/// ARM's answer to a DELETE: 200 when something went, 204 when there was nothing.
fn deleted(gone: bool) -> Response {
    match gone {
        true => StatusCode::OK.into_response(),
        false => StatusCode::NO_CONTENT.into_response(),
    }
}

/// A version's PUT body, its files checked first when it is new.
fn put_request(
    state: &AppState,
    r: &Request,
    name: &str,
    version: &str,
) -> Result<ModelVersionResource, ArmError> {
    let mut request: ModelVersionResource = parse(r.body, "a model version")?;
    let exists = state.read_workspace(r.member, r.workspace, |w| {
        w.model_version(name, version).is_some()
    })?;
    if !exists {
        let who = caller_of(state, r.member, r.workspace)?;
        prepare_version(state, &who, &mut request.properties)?;
    }
    Ok(request)
}

/// `GET .../models/{name}/versions`: by `listViewType`, `version` and `tags` (`k=v,k2`), newest
/// first when `$orderBy` asks for it (`createdtime desc`), at most `$top`.
fn list_versions(state: &AppState, r: &Request, name: &str) -> Result<Response, ArmError> {
    let q = query(r.uri);
    let view = ListView::parse(param(&q, "listViewType").unwrap_or(""));
    let newest_first =
        param(&q, "$orderBy").is_some_and(|o| o.to_ascii_lowercase().contains("desc"));
    let top: Option<usize> = param(&q, "$top").and_then(|t| t.parse().ok());
    let only = param(&q, "version");
    let tags: Vec<(&str, Option<&str>)> = param(&q, "tags")
        .unwrap_or("")
        .split(',')
        .filter(|t| !t.is_empty())
        .map(|t| match t.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (t, None),
        })
        .collect();
    let items = state.read_workspace(r.member, r.workspace, |w| {
        w.model_container(name)?;
        let mut all: Vec<_> = w
            .model_versions(name)
            .filter(|v| view.shows(v.properties.is_archived))
            .filter(|v| only.is_none_or(|o| v.name == o))
            .filter(|v| {
                tags.iter().all(|(k, want)| {
                    let has = v.properties.tags.get(*k);
                    has.is_some() && want.is_none_or(|x| has.map(String::as_str) == Some(x))
                })
            })
            .cloned()
            .collect();
        if newest_first {
            all.reverse();
        }
        all.truncate(top.unwrap_or(usize::MAX));
        Some(all)
    })?;
    let items = items.ok_or_else(|| model_not_found(name, None))?;
    Ok(page_of(&items, r.uri, r.headers))
}
