//! The installation over the server: what the person sees (`/api/installation`), resource
//! groups and workspaces over ARM, role assignments over Microsoft.Authorization, and the
//! guided labs' files.

use super::{encode, json_string, send, send_with, unexpected, API_VERSION};
use azimuth_core::arm::json_de::from_json;
use azimuth_core::arm::json_de::FromValue;
use azimuth_core::workspace::overview::Installation;
use azimuth_core::workspace::WorkspaceResource;
use azimuth_core::ArmError;
use serde::Deserialize;

/// What the signed-in person sees of the installation.
pub async fn installation(token: &str) -> Result<Installation, ArmError> {
    let text = send("GET", "/api/installation", Some(token), None).await?;
    from_json(&text).map_err(|e| unexpected(&e))
}

/// What a starting studio opens, as `GET /api/open` answers it.
#[derive(serde::Deserialize, FromValue)]
struct OpenAnswer {
    installation: Installation,
    workspace: Option<azimuth_core::Workspace>,
}

/// What `GET /api/open` answers: the installation, the workspace the studio opens (if it
/// may), the server's time and the installation's version both were read at.
pub type Opened = (
    Installation,
    Option<azimuth_core::Workspace>,
    Option<i64>,
    u64,
);

/// `GET /api/open`: the installation and, in the same answer, the workspace the studio opens
/// (the one the address asks for, else the one used last, else the first), with the server's
/// time and the version they were read at.
pub async fn open(
    token: &str,
    asked: Option<&str>,
    last: Option<&str>,
) -> Result<Opened, ArmError> {
    let url = format!(
        "/api/open?wsid={}&last={}",
        encode(asked.unwrap_or_default()),
        encode(last.unwrap_or_default())
    );
    let (text, headers) = super::send_with("GET", &url, Some(token), None, None).await?;
    let opened: OpenAnswer = from_json(&text).map_err(|e| unexpected(&e))?;
    let version = super::header_number(&headers, super::VERSION_HEADER).map_or(0, |v| v as u64);
    Ok((
        opened.installation,
        opened.workspace,
        super::server_time(&headers),
        version,
    ))
}

/// The api-version sent to Microsoft.Resources (resource groups), as Azure's clients send it.
const RESOURCES_API_VERSION: &str = "2022-09-01";

/// `PUT /subscriptions/{sub}/resourcegroups/{name}`: creates a resource group.
pub async fn put_resource_group(
    token: &str,
    subscription: &str,
    name: &str,
    location: &str,
) -> Result<(), ArmError> {
    let url = format!(
        "/subscriptions/{subscription}/resourcegroups/{}?api-version={RESOURCES_API_VERSION}",
        encode(name)
    );
    let body = format!(r#"{{"location":{}}}"#, json_string(location));
    send("PUT", &url, Some(token), Some(body)).await.map(drop)
}

/// `PUT .../workspaces/{name}` with `If-None-Match: *`: creates a workspace.
pub async fn put_workspace(
    token: &str,
    id: &str,
    body: &WorkspaceResource,
) -> Result<(), ArmError> {
    let url = format!("{id}?api-version={API_VERSION}");
    let body = serde_json::to_string(body).map_err(|e| unexpected(&e))?;
    let name = id.rsplit('/').next().unwrap_or(id);
    match send_with("PUT", &url, Some(token), Some(body), Some(("If-None-Match", "*"))).await {
        Ok(_) => Ok(()),
        Err(e) if e.code() == "PreconditionFailed" => Err(ArmError::new(
            "Conflict",
            format!("A workspace named {name} already exists in this resource group (someone may have created it a moment ago, or it was deleted and can be recovered). Choose another name."),
        )),
        Err(e) => Err(e),
    }
}

/// `DELETE .../workspaces/{name}`: a soft delete, or a purge.
pub async fn delete_workspace(token: &str, id: &str, purge: bool) -> Result<(), ArmError> {
    let url = format!("{id}?api-version={API_VERSION}&forceToPurge={purge}");
    send("DELETE", &url, Some(token), None).await.map(drop)
}

/// Recovers a soft-deleted workspace.
pub async fn recover_workspace(token: &str, id: &str) -> Result<(), ArmError> {
    let body = format!(r#"{{"id":{}}}"#, json_string(id));
    send("POST", "/api/workspaces/recover", Some(token), Some(body))
        .await
        .map(drop)
}

/// The api-version sent to Microsoft.Authorization.
const AUTHORIZATION_API_VERSION: &str = "2022-04-01";

/// A role assignment as Microsoft.Authorization answers it (with Azimuth's principal names).
#[derive(Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
struct AssignmentJson {
    id: String,
    properties: AssignmentProperties,
}

#[derive(Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
struct AssignmentProperties {
    role_definition_id: String,
    scope: String,
    #[serde(default)]
    principal_name: Option<String>,
    #[serde(default)]
    principal_user_name: Option<String>,
}

#[derive(Deserialize, FromValue)]
struct AssignmentList {
    value: Vec<AssignmentJson>,
}

/// The role assignments at, above and below `scope`.
pub async fn role_assignments(
    token: &str,
    scope: &str,
) -> Result<Vec<crate::store::AssignmentRow>, ArmError> {
    let url = format!(
        "{scope}/providers/Microsoft.Authorization/roleAssignments?api-version={AUTHORIZATION_API_VERSION}"
    );
    let text = send("GET", &url, Some(token), None).await?;
    let list: AssignmentList = from_json(&text).map_err(|e| unexpected(&e))?;
    Ok(list
        .value
        .into_iter()
        .filter_map(|a| {
            let guid = a
                .properties
                .role_definition_id
                .rsplit('/')
                .next()?
                .to_owned();
            let role = azimuth_core::workspace::roles::Role::ALL
                .into_iter()
                .find(|r| r.definition_id() == guid)?;
            Some(crate::store::AssignmentRow {
                id: a.id,
                name: a.properties.principal_name.unwrap_or_default(),
                user_name: a.properties.principal_user_name.unwrap_or_default(),
                role,
                scope: a.properties.scope,
                inherited: false,
            })
        })
        .collect())
}

/// `PUT {scope}/providers/Microsoft.Authorization/roleAssignments/{new guid}`.
pub async fn put_role_assignment(
    token: &str,
    scope: &str,
    principal_id: &str,
    role: azimuth_core::workspace::roles::Role,
) -> Result<(), ArmError> {
    let subscription = scope.split('/').nth(2).unwrap_or_default();
    let url = format!(
        "{scope}/providers/Microsoft.Authorization/roleAssignments/{}?api-version={AUTHORIZATION_API_VERSION}",
        crate::store::random_guid()
    );
    let definition = format!(
        "/subscriptions/{subscription}/providers/Microsoft.Authorization/roleDefinitions/{}",
        role.definition_id()
    );
    let body = format!(
        r#"{{"properties":{{"roleDefinitionId":{},"principalId":{}}}}}"#,
        json_string(&definition),
        json_string(principal_id)
    );
    send("PUT", &url, Some(token), Some(body)).await.map(drop)
}

/// `DELETE {role assignment id}`.
pub async fn delete_role_assignment(token: &str, id: &str) -> Result<(), ArmError> {
    let url = format!("{id}?api-version={AUTHORIZATION_API_VERSION}");
    send("DELETE", &url, Some(token), None).await.map(drop)
}

/// A guided lab's file (`/labs/<id>.json`, served with the studio on either store).
pub async fn lab(id: &str) -> Result<azimuth_core::workspace::lab::Lab, ArmError> {
    let text = send("GET", &format!("/labs/{id}.json"), None, None).await?;
    from_json(&text).map_err(|e| unexpected(&e))
}
