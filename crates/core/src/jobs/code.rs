//! Code assets: `codes/{name}/versions/{version}`, the folder a command job runs from, as
//! azure-ai-ml makes one for `command(code="./src")`: it asks where to upload
//! (`startPendingUpload`, answered with a blob address and a signature good for that upload
//! only), uploads the folder there, then creates the version with that address as its
//! `codeUri`. Uploads land in the workspace's `workspaceblobstore` at `LocalUpload/<upload>/`,
//! where the CLI puts them on Azure; a version is immutable, as Azure's are.

use super::command::bad;
use crate::arm::{ArmError, SystemData};
use crate::data::uri::{parse_data_uri, DataUri};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// ARM's type of a code version.
pub const CODE_VERSION_TYPE: &str = "Microsoft.MachineLearningServices/workspaces/codes/versions";
/// The datastore uploads of code land in.
pub const CODE_DATASTORE: &str = "workspaceblobstore";
/// The folder of that datastore they land in, one folder per upload.
pub const UPLOAD_FOLDER: &str = "LocalUpload";
/// The path of the server's blob endpoint, before `{account}/{upload}/{blob}`.
pub const BLOB_PATH: &str = "/blob/";

/// A code version as ARM returns it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CodeVersionResource {
    /// Full ARM id: `{workspace}/codes/{name}/versions/{version}`.
    #[serde(default)]
    pub id: String,
    /// The version.
    #[serde(default)]
    pub name: String,
    /// Always [`CODE_VERSION_TYPE`].
    #[serde(rename = "type", default)]
    pub resource_type: String,
    /// Who created it, and when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_data: Option<SystemData>,
    /// Its properties.
    #[serde(default)]
    pub properties: CodeVersionProperties,
}

/// A code version's properties.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CodeVersionProperties {
    /// Where the code is: the address its upload was given, or `azureml://datastores/...`.
    #[serde(default)]
    pub code_uri: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Free-form properties (azure-ai-ml keeps the folder's hash here, and its hash
    /// version as a number).
    #[serde(default)]
    pub properties: BTreeMap<String, serde_json::Value>,
    /// Whether a job made it without a name of its own (azure-ai-ml's `command(code=...)`).
    #[serde(default)]
    pub is_anonymous: bool,
    /// Whether it is archived.
    #[serde(default)]
    pub is_archived: bool,
    /// Read-only: always Succeeded once made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioning_state: Option<String>,
}

/// Where a code version's files are: a folder of a datastore of its workspace, from its
/// `codeUri`. An upload's address (`<server>/blob/<account>/<upload>/<path>`) is the folder
/// `LocalUpload/<upload>/<path>` of `workspaceblobstore`; `azureml://datastores/...` names its
/// own; anything else is not kept here.
pub fn code_folder(code_uri: &str) -> Option<(String, String)> {
    if let Ok(DataUri::Datastore {
        datastore, path, ..
    }) = parse_data_uri(code_uri)
    {
        return Some((datastore, path));
    }
    let after = &code_uri[code_uri.find(BLOB_PATH)? + BLOB_PATH.len()..];
    let after = after.split(['?', '#']).next().unwrap_or_default();
    let mut parts = after.splitn(3, '/');
    let (_account, upload) = (parts.next()?, parts.next()?);
    if !is_upload_id(upload) {
        return None;
    }
    let rest = parts.next().unwrap_or_default().trim_matches('/');
    if rest.split('/').any(|p| p == ".." || p == ".") {
        return None;
    }
    let path = if rest.is_empty() {
        format!("{UPLOAD_FOLDER}/{upload}/")
    } else {
        format!("{UPLOAD_FOLDER}/{upload}/{rest}/")
    };
    Some((CODE_DATASTORE.to_owned(), path))
}

/// Whether `id` can name an upload: 32 lowercase hex digits, as the server makes them.
pub fn is_upload_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The name and version of a code version's ARM id (`.../codes/{name}/versions/{version}`,
/// with or without `azureml:`), if `id` is one.
pub fn code_asset_of(id: &str) -> Option<(&str, &str)> {
    let id = id.strip_prefix("azureml:").unwrap_or(id);
    let parts: Vec<&str> = id.trim_end_matches('/').rsplitn(5, '/').collect();
    match parts[..] {
        [version, v, name, c, _]
            if c.eq_ignore_ascii_case("codes") && v.eq_ignore_ascii_case("versions") =>
        {
            Some((name, version))
        }
        _ => None,
    }
}

/// Checks a new code version's properties: its code must be somewhere a job here can read.
pub fn check_code_version(properties: &CodeVersionProperties) -> Result<(), ArmError> {
    let Some(uri) = properties
        .code_uri
        .as_deref()
        .filter(|u| !u.trim().is_empty())
    else {
        return Err(bad("properties.codeUri is required: where the code is, e.g. azureml://datastores/workspaceblobstore/paths/src/ or the address startPendingUpload gave.").at("properties.codeUri"));
    };
    if code_folder(uri).is_none() {
        return Err(bad(format!("properties.codeUri '{uri}' is not a folder this workspace keeps: give azureml://datastores/<datastore>/paths/<folder>/, or upload through startPendingUpload first.")).at("properties.codeUri"));
    }
    Ok(())
}

/// ARM's answer to `startPendingUpload`: where to upload (`blobUri`), with a signed address
/// good for that upload only (`sasUri`).
pub fn pending_upload(
    blob_uri: &str,
    sas_uri: &str,
    upload: &str,
    account_id: &str,
) -> serde_json::Value {
    serde_json::json!({
        "pendingUploadId": upload,
        "pendingUploadType": "TemporaryBlobReference",
        "blobReferenceForConsumption": {
            "blobUri": blob_uri,
            "storageAccountArmId": account_id,
            "credential": {"credentialType": "SAS", "sasUri": sas_uri},
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const UPLOAD: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn an_uploads_address_is_its_folder_in_workspaceblobstore() {
        let uri = format!("http://127.0.0.1:8080/blob/mlwstorage/{UPLOAD}/src");
        assert_eq!(
            code_folder(&uri),
            Some((
                "workspaceblobstore".into(),
                format!("LocalUpload/{UPLOAD}/src/")
            ))
        );
        let root = format!("http://127.0.0.1:8080/blob/mlwstorage/{UPLOAD}?sig=x");
        assert_eq!(
            code_folder(&root).unwrap().1,
            format!("LocalUpload/{UPLOAD}/")
        );
        assert_eq!(
            code_folder("azureml://datastores/workspaceblobstore/paths/src/"),
            Some(("workspaceblobstore".into(), "src/".into()))
        );
        for wrong in [
            "http://127.0.0.1:8080/blob/mlwstorage/not-an-upload/src".to_owned(),
            format!("http://127.0.0.1:8080/blob/mlwstorage/{UPLOAD}/../secrets"),
            "https://example.com/code.zip".to_owned(),
        ] {
            assert_eq!(code_folder(&wrong), None, "{wrong}");
        }
    }

    #[test]
    fn a_code_versions_id_names_its_asset() {
        let id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/codes/abc/versions/1";
        assert_eq!(code_asset_of(id), Some(("abc", "1")));
        assert_eq!(code_asset_of(&format!("azureml:{id}")), Some(("abc", "1")));
        assert_eq!(
            code_asset_of("azureml://datastores/workspaceblobstore/paths/src/"),
            None
        );
        assert_eq!(code_asset_of("/data/x/versions/1"), None);
    }

    #[test]
    fn a_version_needs_code_it_can_read() {
        let mut p = CodeVersionProperties::default();
        assert!(check_code_version(&p).is_err());
        p.code_uri = Some("https://example.com/x".into());
        assert!(check_code_version(&p)
            .unwrap_err()
            .message()
            .contains("not a folder"));
        p.code_uri = Some(format!("http://h/blob/a/{UPLOAD}/src"));
        assert!(check_code_version(&p).is_ok());
    }
}
