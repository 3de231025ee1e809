//! Microsoft.Authorization for the installation: role assignments at the subscription, a
//! resource group or a workspace (list, GET, PUT, DELETE, as `az role assignment` and the
//! portal's Access control use them) and the built-in role definitions Azimuth knows.

use crate::state::AppState;
use axum::body::Bytes;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use azimuth_core::time::format_iso;
use azimuth_core::workspace::roles::Role;
use azimuth_core::workspace::tenant::covers;
use azimuth_core::workspace::{RoleAssignment, Tenant};
use azimuth_core::ArmError;
use serde::Deserialize;
use serde_json::{json, Value};

/// A role definition's ARM id in the subscription.
fn definition_id(t: &Tenant, role: Role) -> String {
    format!(
        "{}/providers/Microsoft.Authorization/roleDefinitions/{}",
        t.directory.subscription_scope(),
        role.definition_id()
    )
}

/// A role assignment in ARM's shape.
pub fn assignment_json(t: &Tenant, a: &RoleAssignment) -> Value {
    let principal = t
        .directory
        .people
        .iter()
        .find(|p| p.object_id == a.principal_id);
    json!({
        "id": a.id,
        "name": a.id.rsplit('/').next(),
        "type": "Microsoft.Authorization/roleAssignments",
        "properties": {
            "roleDefinitionId": definition_id(t, a.role),
            "principalId": a.principal_id,
            "principalType": "User",
            "scope": a.scope,
            "createdOn": format_iso(a.created_at),
            // Not in Azure's answer (which names principals by id only): the studio's Access
            // control shows people by name without a directory lookup.
            "principalName": principal.map(|p| p.name.clone()),
            "principalUserName": principal.map(|p| p.user_name.clone()),
            "roleName": a.role.display_name(),
        }
    })
}

/// A role definition in ARM's shape.
fn definition_json(t: &Tenant, role: Role) -> Value {
    json!({
        "id": definition_id(t, role),
        "name": role.definition_id(),
        "type": "Microsoft.Authorization/roleDefinitions",
        "properties": {"roleName": role.display_name(), "type": "BuiltInRole", "assignableScopes": ["/"]},
    })
}

/// The body of a role assignment's PUT.
#[derive(Deserialize)]
struct Body {
    properties: BodyProperties,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BodyProperties {
    role_definition_id: String,
    principal_id: String,
}

/// The role a `roleDefinitionId` names (a full ARM id or the bare GUID).
fn role_of(definition: &str) -> Result<Role, ArmError> {
    let guid = definition.rsplit('/').next().unwrap_or(definition);
    Role::ALL
        .into_iter()
        .find(|r| r.definition_id().eq_ignore_ascii_case(guid))
        .ok_or_else(|| {
            ArmError::new(
                "RoleDefinitionDoesNotExist",
                format!("The role definition '{guid}' does not exist. Azimuth knows Owner, Contributor, Reader, AzureML Data Scientist and AzureML Compute Operator."),
            )
        })
}

/// What `$filter` asks of a role assignment list, as Azure's clients send it (`az role
/// assignment list --assignee`, the portal): `atScope()` keeps the assignments at or above the
/// scope, `principalId eq '{id}'` or `assignedTo('{id}')` those of one principal; `and` joins.
#[derive(Debug, Default, PartialEq)]
pub struct AssignmentFilter {
    /// Only the assignments at or above the scope.
    pub at_scope: bool,
    /// Only this principal's.
    pub principal: Option<String>,
}

/// Reads `$filter` from a query string; an expression Azure would not take is refused.
pub fn assignment_filter(query: &str) -> Result<AssignmentFilter, ArmError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
    let mut filter = AssignmentFilter::default();
    let Some((_, expression)) = pairs.iter().find(|(k, _)| k == "$filter") else {
        return Ok(filter);
    };
    for term in expression.split(" and ").map(str::trim) {
        let unquote = |v: &str| v.trim().trim_matches('\'').to_owned();
        if term.eq_ignore_ascii_case("atScope()") {
            filter.at_scope = true;
        } else if let Some(id) = term
            .strip_prefix("principalId eq ")
            .or_else(|| term.strip_prefix("principalid eq "))
        {
            filter.principal = Some(unquote(id));
        } else if let Some(id) = term
            .strip_prefix("assignedTo(")
            .and_then(|t| t.strip_suffix(')'))
        {
            filter.principal = Some(unquote(id));
        } else {
            return Err(ArmError::new(
                "UnsupportedQuery",
                format!("The filter '{term}' is not supported. Use atScope(), principalId eq '{{objectId}}' or assignedTo('{{objectId}}'), joined with 'and'."),
            ));
        }
    }
    Ok(filter)
}

/// `GET {scope}/providers/Microsoft.Authorization/roleAssignments`: the assignments at, above
/// and below the scope (only at and above with `atScope()`, only one principal's with
/// `principalId eq`), for anyone who holds a role around it.
pub fn list(
    state: &AppState,
    me: &str,
    scope: &str,
    filter: &AssignmentFilter,
) -> Result<Value, ArmError> {
    state.read(|t| {
        if !holds_role_at(t, me, scope) {
            return Err(refused(scope));
        }
        let value: Vec<Value> = t
            .directory
            .role_assignments
            .iter()
            .filter(|a| covers(&a.scope, scope) || (!filter.at_scope && covers(scope, &a.scope)))
            .filter(|a| {
                filter
                    .principal
                    .as_ref()
                    .is_none_or(|p| a.principal_id.eq_ignore_ascii_case(p))
            })
            .map(|a| assignment_json(t, a))
            .collect();
        Ok(json!({ "value": value }))
    })
}

/// Whether `me` holds a role at `scope` or above it: who may read its role assignments (a role
/// on one workspace does not reveal the others).
fn holds_role_at(t: &Tenant, me: &str, scope: &str) -> bool {
    t.directory
        .person(me)
        .is_some_and(|p| !t.directory.roles_at(p, scope).is_empty())
}

/// Whether `name` is shaped as a GUID, as a role assignment's name must be.
fn is_guid(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
        && parts
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn refused(scope: &str) -> ArmError {
    ArmError::new(
        "AuthorizationFailed",
        format!("You hold no role at '{scope}', so its role assignments are not yours to read."),
    )
}

/// GET, PUT or DELETE of one role assignment.
pub fn handle(
    state: &AppState,
    me: &str,
    scope: &str,
    name: &str,
    method: &Method,
    body: &Bytes,
) -> Result<Response, ArmError> {
    let id = format!("{scope}/providers/Microsoft.Authorization/roleAssignments/{name}");
    let find = |t: &Tenant| {
        t.directory
            .role_assignments
            .iter()
            .find(|a| a.id.eq_ignore_ascii_case(&id))
            .cloned()
    };
    let not_found = || {
        ArmError::new(
            "RoleAssignmentNotFound",
            "The role assignment does not exist.",
        )
    };
    match *method {
        Method::GET => state.read(|t| {
            if !holds_role_at(t, me, scope) {
                return Err(refused(scope));
            }
            find(t)
                .map(|a| axum::Json(assignment_json(t, &a)).into_response())
                .ok_or_else(not_found)
        }),
        Method::PUT => {
            if !is_guid(name) {
                return Err(ArmError::new(
                    "InvalidRoleAssignmentId",
                    format!("The role assignment ID '{name}' is not valid. The role assignment ID must be a GUID."),
                ));
            }
            let request: Body = serde_json::from_slice(body).map_err(|e| {
                ArmError::new(
                    "InvalidRequestContent",
                    format!("Send {{\"properties\": {{\"roleDefinitionId\": \"...\", \"principalId\": \"...\"}}}}: {e}."),
                )
            })?;
            let role = role_of(&request.properties.role_definition_id)?;
            let created = state.change_tenant(|t, now| {
                t.grant(
                    me,
                    scope,
                    &request.properties.principal_id,
                    role,
                    Some(name),
                    now,
                )
            })?;
            let value = state.read(|t| assignment_json(t, &created));
            Ok((StatusCode::CREATED, axum::Json(value)).into_response())
        }
        Method::DELETE => {
            let Some(found) = state.read(find) else {
                return Ok(StatusCode::NO_CONTENT.into_response());
            };
            let removed = state.change_tenant(|t, _| t.remove_role_assignment(me, &found.id))?;
            let value = state.read(|t| assignment_json(t, &removed));
            Ok(axum::Json(value).into_response())
        }
        ref m => Err(super::method_not_allowed(m, "GET, PUT or DELETE")),
    }
}

/// `GET {scope}/providers/Microsoft.Authorization/roleDefinitions`: the built-in roles.
pub fn definitions(t: &Tenant) -> Value {
    let value: Vec<Value> = Role::ALL
        .into_iter()
        .map(|r| definition_json(t, r))
        .collect();
    json!({ "value": value })
}
