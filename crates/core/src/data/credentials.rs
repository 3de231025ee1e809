//! A datastore's credentials: which kinds each storage type accepts, the secret each kind
//! needs, and how secrets are taken out of a request and kept apart from the resource (and left
//! out of what studios are sent).

use super::datastore::StoredDatastore;
use crate::arm::json_de::FromValue;
use crate::arm::ArmError;
use crate::workspace::Workspace;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::sync::Arc;

fn bad(message: impl Into<String>) -> ArmError {
    ArmError::new("ValidationError", message)
}

/// A datastore's credentials: their kind and what is not secret about them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct Credentials {
    /// `AccountKey`, `Sas`, `ServicePrincipal`, `Certificate` or `None`.
    pub credentials_type: String,
    /// A service principal's or certificate's tenant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<String>,
    /// A service principal's or certificate's client (application) id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Where the service principal signs in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority_url: Option<String>,
    /// The resource the token is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_url: Option<String>,
    /// A certificate's thumbprint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbprint: Option<String>,
    /// The secrets, only in a request: they are taken out before the datastore is stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secrets: Option<Map<String, Value>>,
}

impl Default for Credentials {
    fn default() -> Self {
        Credentials {
            credentials_type: "None".into(),
            tenant_id: None,
            client_id: None,
            authority_url: None,
            resource_url: None,
            thumbprint: None,
            secrets: None,
        }
    }
}

/// The credential kinds each datastore type accepts, as Azure ML does.
fn allowed_credentials(datastore_type: &str) -> &'static [&'static str] {
    match datastore_type {
        "AzureFile" => &["AccountKey", "Sas"],
        "AzureDataLakeGen2" => &["ServicePrincipal", "Certificate", "None"],
        _ => &[
            "AccountKey",
            "Sas",
            "ServicePrincipal",
            "Certificate",
            "None",
        ],
    }
}

/// The secret each credential kind needs, by its key in `secrets`.
fn secret_key(credentials_type: &str) -> Option<&'static str> {
    match credentials_type {
        "AccountKey" => Some("key"),
        "Sas" => Some("sasToken"),
        "ServicePrincipal" => Some("clientSecret"),
        "Certificate" => Some("certificate"),
        _ => None,
    }
}

/// Checks credentials and takes their secrets out; `kept` are the secrets stored before, used
/// when an update of the same kind sends none (as a client that read the datastore back does).
pub(super) fn take_secrets(
    datastore_type: &str,
    credentials: &mut Credentials,
    kept: Option<&Map<String, Value>>,
) -> Result<Option<Map<String, Value>>, ArmError> {
    let kind = credentials.credentials_type.clone();
    let allowed = allowed_credentials(datastore_type);
    if !allowed.contains(&kind.as_str()) {
        return Err(bad(format!(
            "A {datastore_type} datastore cannot use '{kind}' credentials; use {}.",
            allowed.join(", ")
        ))
        .at("properties.credentials.credentialsType"));
    }
    let secrets = credentials.secrets.take();
    if matches!(kind.as_str(), "ServicePrincipal" | "Certificate") {
        for (field, value) in [
            ("tenantId", &credentials.tenant_id),
            ("clientId", &credentials.client_id),
        ] {
            let ok = value.as_deref().is_some_and(is_guid);
            if !ok {
                return Err(bad(format!("A {kind} credential needs its {field}: the GUID from the app registration's Overview.")).at(&format!("properties.credentials.{field}")));
            }
        }
        if kind == "ServicePrincipal" && credentials.authority_url.is_none() {
            credentials.authority_url = Some("https://login.microsoftonline.com".into());
        }
    }
    if kind == "Certificate" && credentials.thumbprint.as_deref().is_none_or(str::is_empty) {
        return Err(
            bad("A Certificate credential needs the certificate's thumbprint.")
                .at("properties.credentials.thumbprint"),
        );
    }
    let Some(key) = secret_key(&kind) else {
        return match secrets.filter(|s| !s.is_empty()) {
            Some(_) => Err(bad(
                "Credentials of type None hold no secrets; leave secrets out.",
            )),
            None => Ok(None),
        };
    };
    let secrets = match secrets {
        Some(s) => s,
        None => match kept.filter(|k| k.get("secretsType").and_then(Value::as_str) == Some(&kind)) {
            Some(k) => return Ok(Some(k.clone())),
            None => {
                return Err(bad(format!("{kind} credentials need secrets: {{\"secretsType\": \"{kind}\", \"{key}\": \"...\"}}.")).at("properties.credentials.secrets"))
            }
        },
    };
    let declared = secrets.get("secretsType").and_then(Value::as_str);
    if declared.is_some_and(|d| d != kind) {
        return Err(bad(format!(
            "The secrets are of type '{}' but the credentials are '{kind}'.",
            declared.unwrap_or_default()
        ))
        .at("properties.credentials.secrets.secretsType"));
    }
    let given = secrets.get(key).and_then(Value::as_str).unwrap_or_default();
    if given.trim().is_empty() {
        return Err(bad(format!("Enter the {key} of the {kind} credentials."))
            .at(&format!("properties.credentials.secrets.{key}")));
    }
    let mut kept = Map::new();
    kept.insert("secretsType".into(), Value::String(kind));
    kept.insert(key.into(), Value::String(given.to_owned()));
    Ok(Some(kept))
}

/// Whether a text is shaped like a GUID.
fn is_guid(text: &str) -> bool {
    let parts: Vec<usize> = text.split('-').map(str::len).collect();
    parts == [8, 4, 4, 4, 12] && text.bytes().all(|b| b == b'-' || b.is_ascii_hexdigit())
}

/// A list of datastores with their secrets left out (copies only those that hold some).
pub fn without_secrets(list: &[Arc<StoredDatastore>]) -> Vec<Arc<StoredDatastore>> {
    list.iter()
        .map(|d| match d.secrets {
            Some(_) => Arc::new(StoredDatastore {
                resource: d.resource.clone(),
                secrets: None,
            }),
            None => d.clone(),
        })
        .collect()
}

impl Workspace {
    /// The workspace as a studio may see it: its datastores without their secrets, its
    /// endpoints without their keys.
    pub fn without_secrets(&self) -> std::borrow::Cow<'_, Workspace> {
        if self.datastores.iter().all(|d| d.secrets.is_none())
            && self.endpoints.iter().all(|e| e.keys.is_none())
        {
            return std::borrow::Cow::Borrowed(self);
        }
        let mut copy = self.clone();
        copy.datastores = without_secrets(&self.datastores);
        copy.endpoints = crate::endpoints::without_keys(&self.endpoints);
        std::borrow::Cow::Owned(copy)
    }
}
