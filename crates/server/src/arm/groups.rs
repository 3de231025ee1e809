//! Microsoft.Resources for the installation's one subscription: the subscription itself and its
//! resource groups (list, GET, HEAD, PUT, DELETE), in ARM's shapes.

use crate::state::AppState;
use axum::body::Bytes;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use azimuth_core::workspace::{ResourceGroup, Tenant};
use azimuth_core::ArmError;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The subscription as `GET /subscriptions/{id}` answers it.
pub fn subscription(t: &Tenant) -> Value {
    let d = &t.directory;
    json!({
        "id": d.subscription_scope(),
        "subscriptionId": d.subscription_id,
        "tenantId": d.tenant_id,
        "displayName": d.subscription_name,
        "state": "Enabled",
        "subscriptionPolicies": {"locationPlacementId": "Public_2014-09-01", "quotaId": "PayAsYouGo_2014-09-01", "spendingLimit": "Off"},
        "authorizationSource": "RoleBased",
    })
}

/// A resource group in ARM's shape.
fn group_json(t: &Tenant, g: &ResourceGroup) -> Value {
    json!({
        "id": t.directory.group_scope(&g.name),
        "name": g.name,
        "type": "Microsoft.Resources/resourceGroups",
        "location": g.location,
        "tags": g.tags,
        "properties": {"provisioningState": "Succeeded"},
    })
}

/// Whether `person` holds any role at the group, above it or on something in it.
fn sees(t: &Tenant, person: &str, g: &ResourceGroup) -> bool {
    t.can_read(person, &t.directory.group_scope(&g.name))
}

/// `GET /subscriptions/{id}/resourcegroups`: the groups `person` can see.
pub fn list(t: &Tenant, person: &str) -> Value {
    let value: Vec<Value> = t
        .directory
        .resource_groups
        .iter()
        .filter(|g| sees(t, person, g))
        .map(|g| group_json(t, g))
        .collect();
    json!({ "value": value })
}

/// A resource group's PUT body.
#[derive(Deserialize)]
struct GroupBody {
    location: String,
    #[serde(default)]
    tags: BTreeMap<String, String>,
}

/// GET, HEAD, PUT or DELETE of `/subscriptions/{id}/resourcegroups/{name}`.
pub fn handle(
    state: &AppState,
    me: &str,
    name: &str,
    method: &Method,
    _uri: &Uri,
    body: &Bytes,
) -> Result<Response, ArmError> {
    let not_found = || {
        ArmError::new(
            "ResourceGroupNotFound",
            format!("Resource group '{name}' could not be found."),
        )
    };
    match *method {
        Method::GET => state.read(|t| {
            t.directory
                .resource_group(name)
                .filter(|g| sees(t, me, g))
                .map(|g| axum::Json(group_json(t, g)).into_response())
                .ok_or_else(not_found)
        }),
        Method::HEAD => Ok(state.read(|t| {
            if t.directory
                .resource_group(name)
                .is_some_and(|g| sees(t, me, g))
            {
                StatusCode::NO_CONTENT
            } else {
                StatusCode::NOT_FOUND
            }
            .into_response()
        })),
        Method::PUT => {
            let request: GroupBody = serde_json::from_slice(body).map_err(|e| {
                ArmError::new(
                    "InvalidRequestContent",
                    format!("Send {{\"location\": \"eastus\", \"tags\": {{}}}}: {e}."),
                )
            })?;
            let created = state.change_tenant(|t, _| {
                t.put_resource_group(me, name, &request.location, request.tags)
            })?;
            let status = if created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            let group = state.read(|t| t.directory.resource_group(name).map(|g| group_json(t, g)));
            Ok((status, axum::Json(group)).into_response())
        }
        Method::DELETE => {
            state.change_tenant(|t, _| t.delete_resource_group(me, name))?;
            Ok(StatusCode::OK.into_response())
        }
        ref m => Err(super::method_not_allowed(m, "GET, HEAD, PUT or DELETE")),
    }
}
