//! Code assets over ARM, as azure-ai-ml's `command(code="./src")` uses them:
//! `GET .../codes/{name}/versions?hash=` (an upload of the same folder is reused),
//! `POST .../codes/{name}/versions/{version}/startPendingUpload` (where to upload, signed for
//! that upload only: the server's blob endpoint, `blob_api`), then
//! `PUT|GET .../codes/{name}/versions/{version}`; `GET .../codes/{name}` is the asset. Versions
//! are kept per `workspaceId` and never change, as Azure's.

use super::check_write;
use crate::db::CodeUpload;
use crate::state::AppState;
use crate::tracking::Caller;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use azimuth_core::arm::SystemData;
use azimuth_core::jobs::code::{
    check_code_version, code_folder, code_ref, pending_upload, upload_in, CodeRef,
    CodeVersionResource, BLOB_PATH, CODE_VERSION_TYPE,
};
use azimuth_core::time::format_iso;
use azimuth_core::ArmError;
use serde_json::json;

/// How long an upload's signature works: long enough for a slow connection and a big folder.
const UPLOAD_MS: i64 = 6 * 3_600_000;

fn store_error(e: String) -> ArmError {
    ArmError::new(
        "ServiceUnavailable",
        format!("Code assets could not be read or kept ({e})."),
    )
}

fn not_found(name: &str, version: Option<&str>) -> ArmError {
    let what = match version {
        Some(v) => format!("Version {v} of the code asset '{name}'"),
        None => format!("The code asset '{name}'"),
    };
    ArmError::new(
        "ResourceNotFound",
        format!("{what} could not be found in this workspace."),
    )
}

fn check_name(name: &str, what: &str) -> Result<(), ArmError> {
    if azimuth_core::data::asset_name_error(name, what).is_some() {
        return Err(ArmError::new(
            "UserError",
            format!("'{name}' cannot be a code asset's {what}: use letters, digits, '-', '_' and '.', at most 255."),
        ));
    }
    Ok(())
}

/// A code version of the caller's workspace, if it exists.
pub(crate) fn find(
    state: &AppState,
    ws: &str,
    name: &str,
    version: &str,
) -> Result<Option<CodeVersionResource>, ArmError> {
    let body = state
        .with_db(|db| db.code_version(ws, name, version))
        .map_err(store_error)?;
    Ok(body.and_then(|b| serde_json::from_str(&b).ok()))
}

/// Where a job's `codeId` has its files, as `azureml://datastores/<ds>/paths/<folder>/`: a code
/// version's folder (of workspace `ws`, whose ARM id is `arm_id`), or the folder it names.
pub(crate) fn code_location(
    state: &AppState,
    (ws, arm_id): (&str, &str),
    code_id: &str,
) -> Result<String, ArmError> {
    let (name, version) = match code_ref(code_id) {
        Some(CodeRef::Version {
            workspace,
            name,
            version,
        }) => {
            if workspace.is_some_and(|w| {
                !w.trim_start_matches('/')
                    .eq_ignore_ascii_case(arm_id.trim_start_matches('/'))
            }) {
                return Err(ArmError::new("UserError", format!("codeId '{code_id}' names a code asset of another workspace; a job runs code of its own workspace.")));
            }
            (name, version)
        }
        Some(CodeRef::Folder(datastore, path)) => {
            return Ok(format!("azureml://datastores/{datastore}/paths/{path}"))
        }
        None => return Ok(code_id.to_owned()),
    };
    let found = find(state, ws, name, version)?.ok_or_else(|| not_found(name, Some(version)))?;
    let uri = found.properties.code_uri.as_deref().unwrap_or_default();
    let (datastore, path) = code_folder(uri).ok_or_else(|| {
        ArmError::new("UserError", format!("The code of '{name}' version {version} is at {uri}, which is not a folder of this workspace."))
    })?;
    Ok(format!("azureml://datastores/{datastore}/paths/{path}"))
}

/// `GET .../codes/{name}/versions/{version}`.
pub(super) fn get_version(
    state: &AppState,
    who: &Caller,
    name: &str,
    version: &str,
) -> Result<Response, ArmError> {
    let found =
        find(state, &who.ws, name, version)?.ok_or_else(|| not_found(name, Some(version)))?;
    Ok(axum::Json(found).into_response())
}

/// `GET .../codes/{name}/versions`: oldest first. `hash=` answers the caller's own versions,
/// of any code asset of the workspace, holding a folder with that content hash (azure-ai-ml
/// asks, under a new random name, before uploading a folder again, and reuses the one found;
/// the hash is what the client says, so a version someone else made is never offered).
pub(super) fn list_versions(
    state: &AppState,
    who: &Caller,
    name: &str,
    hash: Option<&str>,
) -> Result<Response, ArmError> {
    let all = state
        .with_db(|db| db.code_versions(&who.ws, hash.is_none().then_some(name)))
        .map_err(store_error)?;
    let value: Vec<CodeVersionResource> = all
        .iter()
        .filter_map(|b| serde_json::from_str::<CodeVersionResource>(b).ok())
        .filter(|v| {
            hash.is_none_or(|h| {
                let made_by = v.system_data.as_ref().map(|d| d.created_by.as_str());
                let held = v.properties.properties.get("hash_sha256");
                made_by == Some(who.user_name.as_str()) && held.and_then(|s| s.as_str()) == Some(h)
            })
        })
        .collect();
    Ok(axum::Json(json!({ "value": value })).into_response())
}

/// `GET .../codes/{name}`: the asset, with its latest version.
pub(super) fn get_container(
    state: &AppState,
    who: &Caller,
    name: &str,
) -> Result<Response, ArmError> {
    let all = state
        .with_db(|db| db.code_versions(&who.ws, Some(name)))
        .map_err(store_error)?;
    let latest: Option<CodeVersionResource> = all.last().and_then(|b| serde_json::from_str(b).ok());
    let latest = latest.ok_or_else(|| not_found(name, None))?;
    Ok(axum::Json(json!({
        "id": format!("{}/codes/{name}", who.arm_id),
        "name": name,
        "type": "Microsoft.MachineLearningServices/workspaces/codes",
        "systemData": latest.system_data,
        "properties": {"latestVersion": latest.name, "nextVersion": next_version(&all), "isArchived": false},
    }))
    .into_response())
}

/// One past the highest numbered version ("1" when none is a number).
fn next_version(bodies: &[String]) -> String {
    let numbers = bodies.iter().filter_map(|b| {
        let v: CodeVersionResource = serde_json::from_str(b).ok()?;
        v.name.parse::<u64>().ok()
    });
    (numbers.max().unwrap_or(0) + 1).to_string()
}

/// `PUT .../codes/{name}/versions/{version}`: makes the version (201); the same version again
/// is answered as it is (200) if it asks for the same code, refused if it asks for other code.
pub(super) fn put_version(
    state: &AppState,
    who: &Caller,
    name: &str,
    version: &str,
    body: &Bytes,
) -> Result<Response, ArmError> {
    check_write(who)?;
    check_name(name, "name")?;
    check_name(version, "version")?;
    let asked: CodeVersionResource = serde_json::from_slice(body).map_err(|e| {
        ArmError::new(
            "InvalidRequestContent",
            format!("The request body does not describe a code version: {e}."),
        )
    })?;
    check_code_version(&asked.properties)?;
    let mut properties = asked.properties;
    // An upload's address is kept without its signature.
    let uri = properties.code_uri.take().unwrap_or_default();
    let uri = uri.split(['?', '#']).next().unwrap_or_default().to_owned();
    properties.code_uri = Some(uri.clone());
    if let Some(old) = find(state, &who.ws, name, version)? {
        if old.properties.code_uri != properties.code_uri {
            return Err(ArmError::new("UserError", format!("Version {version} of the code asset '{name}' already exists and versions cannot change; create a new version for other code.")));
        }
        return Ok((StatusCode::OK, axum::Json(old)).into_response());
    }
    // The folder of an upload is its maker's, in this workspace, until a version takes it;
    // from then on nobody writes there (the version never changes).
    let upload = upload_in(&uri).map(str::to_owned);
    if let Some(id) = &upload {
        let grant = state.with_db(|db| db.code_upload(id, state.now()));
        if grant.is_none_or(|g| g.ws != who.ws || g.member != who.member) {
            return Err(ArmError::new("UserError", "properties.codeUri names an upload that is not yours in this workspace, or that is closed: ask for one with startPendingUpload and upload the code there.").at("properties.codeUri"));
        }
    }
    properties.provisioning_state = Some("Succeeded".into());
    properties.is_archived = false;
    let made = CodeVersionResource {
        id: format!("{}/codes/{name}/versions/{version}", who.arm_id),
        name: version.to_owned(),
        resource_type: CODE_VERSION_TYPE.into(),
        system_data: Some(SystemData::created(
            &who.user_name,
            &format_iso(state.now()),
        )),
        properties,
    };
    let text = serde_json::to_string(&made).map_err(|e| store_error(e.to_string()))?;
    let created = state
        .with_db(|db| db.insert_code_version(&who.ws, name, version, &text))
        .map_err(store_error)?;
    if !created {
        // Someone made it a moment ago: theirs stands.
        return get_version(state, who, name, version);
    }
    if let Some(id) = &upload {
        state
            .with_db(|db| db.close_code_upload(id))
            .map_err(store_error)?;
    }
    Ok((StatusCode::CREATED, axum::Json(made)).into_response())
}

/// `POST .../codes/{name}/versions/{version}/startPendingUpload`: a new upload of the caller's,
/// with the address to upload to and that address signed for it alone.
pub(super) fn start_pending_upload(
    state: &AppState,
    who: &Caller,
    name: &str,
    version: &str,
) -> Result<Response, ArmError> {
    check_write(who)?;
    check_name(name, "name")?;
    check_name(version, "version")?;
    let id = crate::auth::new_token()?[..32].to_owned();
    let secret = crate::auth::new_token()?;
    let upload = CodeUpload {
        id: id.clone(),
        ws: who.ws.clone(),
        arm_id: who.arm_id.clone(),
        member: who.member.clone(),
        secret_hash: crate::auth::hash_token(&secret),
        expires_at: state.now() + UPLOAD_MS,
    };
    state
        .with_db(|db| db.insert_code_upload(&upload))
        .map_err(store_error)?;
    let account_id = state
        .read(|t| {
            t.workspace(&who.arm_id)
                .map(|w| w.resource.properties.storage_account.clone())
        })
        .unwrap_or_default();
    let account = account_id.rsplit('/').next().unwrap_or("storage");
    let blob_uri = format!("{}{BLOB_PATH}{account}/{id}", state.config.public_base());
    let sas_uri = format!("{blob_uri}?sv=2021-08-06&sr=c&sp=racwl&sig={secret}");
    Ok(axum::Json(pending_upload(&blob_uri, &sas_uri, &id, &account_id)).into_response())
}
