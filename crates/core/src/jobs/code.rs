//! Code assets: `codes/{name}/versions/{version}`, the folder a command job runs from, as
//! azure-ai-ml makes one for `command(code="./src")`: it asks where to upload
//! (`startPendingUpload`, answered with a blob address and a signature good for that upload
//! only), uploads the folder there, then creates the version with that address as its
//! `codeUri`. Uploads land in the workspace's `workspaceblobstore` at `LocalUpload/<upload>/`,
//! where the CLI puts them on Azure; a version is immutable, as Azure's are.

use super::command::bad;
use crate::arm::json_de::FromValue;
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
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
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
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
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
    let upload = upload_in(code_uri)?;
    let after = &code_uri[code_uri.find(upload)? + upload.len()..];
    let rest = after
        .split(['?', '#'])
        .next()
        .unwrap_or_default()
        .trim_matches('/');
    if crate::data::files::check_file_path(rest).is_err() {
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

/// What a job's `codeId` names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CodeRef<'a> {
    /// A code version: its ARM id (`.../codes/{name}/versions/{version}`) or
    /// `azureml:{name}:{version}` (which names no workspace: the job's own).
    Version {
        /// The workspace's ARM id the id starts with, if it names one.
        workspace: Option<&'a str>,
        /// The code asset's name.
        name: &'a str,
        /// Its version.
        version: &'a str,
    },
    /// A folder of a datastore: (datastore, path).
    Folder(String, String),
}

/// What `code_id` names, if it names code at all.
pub fn code_ref(code_id: &str) -> Option<CodeRef<'_>> {
    let id = code_id.strip_prefix("azureml:").unwrap_or(code_id);
    if !id.contains('/') {
        let (name, version) = id.split_once(':')?;
        let named = !name.is_empty() && !version.is_empty();
        return named.then_some(CodeRef::Version {
            workspace: None,
            name,
            version,
        });
    }
    let parts: Vec<&str> = id.trim_end_matches('/').rsplitn(5, '/').collect();
    if let [version, v, name, c, workspace] = parts[..] {
        if c.eq_ignore_ascii_case("codes") && v.eq_ignore_ascii_case("versions") {
            return Some(CodeRef::Version {
                workspace: Some(workspace),
                name,
                version,
            });
        }
    }
    match parse_data_uri(code_id).ok()? {
        DataUri::Datastore {
            datastore, path, ..
        } => Some(CodeRef::Folder(datastore, path)),
        _ => None,
    }
}

/// The name and version of the code version `id` names, if it names one.
pub fn code_asset_of(id: &str) -> Option<(&str, &str)> {
    match code_ref(id)? {
        CodeRef::Version { name, version, .. } => Some((name, version)),
        CodeRef::Folder(..) => None,
    }
}

/// The upload a code address (`<server>/blob/<account>/<upload>/...`) was made by, if any.
pub fn upload_in(code_uri: &str) -> Option<&str> {
    let after = &code_uri[code_uri.find(BLOB_PATH)? + BLOB_PATH.len()..];
    let upload = after.split(['/', '?', '#']).nth(1)?;
    is_upload_id(upload).then_some(upload)
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
        assert_eq!(
            code_asset_of("azureml:train-code:3"),
            Some(("train-code", "3"))
        );
        assert_eq!(
            code_ref("azureml://datastores/workspaceblobstore/paths/src/"),
            Some(CodeRef::Folder("workspaceblobstore".into(), "src/".into()))
        );
        assert_eq!(code_ref("https://example.com/x.zip"), None);
        let CodeRef::Version { workspace, .. } = code_ref(id).unwrap() else {
            panic!("a version")
        };
        assert!(workspace.unwrap().ends_with("/workspaces/ws"));
        let upload = format!("http://h/blob/acct/{UPLOAD}/src?sig=1");
        assert_eq!(upload_in(&upload), Some(UPLOAD));
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
