//! Datastores and data assets over ARM: `.../datastores[/{name}[/listSecrets]]` and
//! `.../data[/{name}[/versions[/{version}]]]`, with their lists (paged; data by `listViewType`,
//! datastores by `isDefault`, `names` and `searchText`). Every decision is the engine's.

use super::{created_or_ok, json, method_not_allowed, page_of, param, parse, query};
use crate::state::AppState;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use azimuth_core::data::asset::{data_not_found, delete_refused, ListView};
use azimuth_core::data::datastore::datastore_not_found;
use azimuth_core::ArmError;

/// Who asks, about which workspace, and how the request came.
pub struct Request<'a> {
    /// The signed-in member.
    pub member: &'a str,
    /// The workspace's ARM id.
    pub workspace: &'a str,
    /// The request's method.
    pub method: &'a Method,
    /// Its address (for the query and `nextLink`).
    pub uri: &'a Uri,
    /// Its headers (Host).
    pub headers: &'a HeaderMap,
    /// Its body.
    pub body: &'a Bytes,
}

/// What a data path names inside a workspace.
#[derive(Debug, PartialEq)]
pub enum DataTarget {
    /// `.../datastores`.
    Datastores,
    /// `.../datastores/{name}`.
    Datastore(String),
    /// `.../datastores/{name}/listSecrets`.
    Secrets(String),
    /// `.../data`.
    Containers,
    /// `.../data/{name}`.
    Container(String),
    /// `.../data/{name}/versions`.
    Versions(String),
    /// `.../data/{name}/versions/{version}`.
    Version(String, String),
}

/// Handles a data request once `r.member` is known to see the workspace.
pub fn handle(state: &AppState, r: &Request, target: DataTarget) -> Result<Response, ArmError> {
    let m = r.method;
    match target {
        DataTarget::Datastores if m == Method::GET => list_datastores(state, r),
        DataTarget::Datastore(name) => match *m {
            Method::GET => state
                .read_workspace(r.member, r.workspace, |w| {
                    w.datastore(&name)
                        .map(|d| json(StatusCode::OK, &d.resource))
                })?
                .ok_or_else(|| datastore_not_found(&name)),
            Method::PUT => {
                let request = parse(r.body, "a datastore")?;
                let (created, resource) = state.change_workspace(r.workspace, |_, w, now| {
                    w.put_datastore(r.member, &name, request, now)
                })?;
                Ok(json(created_or_ok(created), &resource))
            }
            Method::DELETE => {
                let exists = state
                    .read_workspace(r.member, r.workspace, |w| w.datastore(&name).is_some())?;
                if !exists {
                    return Ok(StatusCode::NO_CONTENT.into_response());
                }
                state.change_workspace(r.workspace, |_, w, now| {
                    w.delete_datastore(r.member, &name, now)
                })?;
                Ok(StatusCode::OK.into_response())
            }
            _ => Err(method_not_allowed(m, "GET, PUT or DELETE")),
        },
        DataTarget::Secrets(name) if m == Method::POST => {
            let secrets = state.read_workspace(r.member, r.workspace, |w| {
                w.datastore_secrets(r.member, &name)
            })??;
            Ok(json(StatusCode::OK, &secrets))
        }
        DataTarget::Secrets(_) => Err(method_not_allowed(m, "POST")),
        DataTarget::Containers if m == Method::GET => {
            let view = ListView::parse(param(&query(r.uri), "listViewType").unwrap_or(""));
            let items = state.read_workspace(r.member, r.workspace, |w| {
                w.data
                    .iter()
                    .filter(|c| view.shows(c.properties.is_archived))
                    .map(|c| (**c).clone())
                    .collect::<Vec<_>>()
            })?;
            Ok(page_of(&items, r.uri, r.headers))
        }
        DataTarget::Container(name) => match *m {
            Method::GET => state
                .read_workspace(r.member, r.workspace, |w| {
                    w.data_container(&name).map(|c| json(StatusCode::OK, c))
                })?
                .ok_or_else(|| data_not_found(&name, None)),
            Method::PUT => {
                let request = parse(r.body, "a data asset")?;
                let (created, resource) = state.change_workspace(r.workspace, |_, w, now| {
                    w.put_data_container(r.member, &name, request, now)
                })?;
                Ok(json(created_or_ok(created), &resource))
            }
            Method::DELETE => Err(delete_refused(&name)),
            _ => Err(method_not_allowed(m, "GET, PUT or DELETE")),
        },
        DataTarget::Versions(name) if m == Method::GET => list_versions(state, r, &name),
        DataTarget::Version(name, version) => match *m {
            Method::GET => state
                .read_workspace(r.member, r.workspace, |w| {
                    w.data_version(&name, &version)
                        .map(|v| json(StatusCode::OK, v))
                })?
                .ok_or_else(|| data_not_found(&name, Some(&version))),
            Method::PUT => {
                let request = parse(r.body, "a data asset version")?;
                let (created, resource) = state.change_workspace(r.workspace, |_, w, now| {
                    w.put_data_version(r.member, &name, &version, request, now)
                })?;
                Ok(json(created_or_ok(created), &resource))
            }
            Method::DELETE => Err(delete_refused(&name)),
            _ => Err(method_not_allowed(m, "GET, PUT or DELETE")),
        },
        _ => Err(method_not_allowed(m, "GET")),
    }
}

/// `GET .../datastores`: filtered by `isDefault`, `names` (comma-separated) and `searchText`.
fn list_datastores(state: &AppState, r: &Request) -> Result<Response, ArmError> {
    let q = query(r.uri);
    let default = param(&q, "isDefault").map(|v| v.eq_ignore_ascii_case("true"));
    let names: Option<Vec<String>> = param(&q, "names").map(|v| {
        v.split(',')
            .map(|n| n.trim().to_ascii_lowercase())
            .collect()
    });
    let search = param(&q, "searchText").map(str::to_ascii_lowercase);
    let items = state.read_workspace(r.member, r.workspace, |w| {
        w.datastores
            .iter()
            .map(|d| &d.resource)
            .filter(|d| default.is_none_or(|x| d.properties.is_default == x))
            .filter(|d| {
                names
                    .as_ref()
                    .is_none_or(|n| n.contains(&d.name.to_ascii_lowercase()))
            })
            .filter(|d| {
                search
                    .as_ref()
                    .is_none_or(|s| d.name.to_ascii_lowercase().contains(s.as_str()))
            })
            .cloned()
            .collect::<Vec<_>>()
    })?;
    Ok(page_of(&items, r.uri, r.headers))
}

/// `GET .../data/{name}/versions`: by `listViewType`, newest first when `$orderBy` asks for it
/// (`createdtime desc`, `CreatedAtDesc`), at most `$top`.
fn list_versions(state: &AppState, r: &Request, name: &str) -> Result<Response, ArmError> {
    let q = query(r.uri);
    let view = ListView::parse(param(&q, "listViewType").unwrap_or(""));
    let newest_first =
        param(&q, "$orderBy").is_some_and(|o| o.to_ascii_lowercase().contains("desc"));
    let top: Option<usize> = param(&q, "$top").and_then(|t| t.parse().ok());
    let items = state.read_workspace(r.member, r.workspace, |w| {
        w.data_container(name)?;
        let mut all: Vec<_> = w
            .data_versions(name)
            .filter(|v| view.shows(v.properties.is_archived))
            .cloned()
            .collect();
        if newest_first {
            all.reverse();
        }
        all.truncate(top.unwrap_or(usize::MAX));
        Some(all)
    })?;
    let items = items.ok_or_else(|| data_not_found(name, None))?;
    Ok(page_of(&items, r.uri, r.headers))
}
