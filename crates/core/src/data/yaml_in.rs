//! Reading Azure ML CLI v2 YAML of a data asset (`az ml data create -f`) and of a datastore
//! (`az ml datastore create -f`) into the request a wizard would send: the reverse of
//! [`super::yaml`]. Every error names its line and field, and never shows a secret.

use super::credentials::Credentials;
use super::datastore::{DatastoreProperties, DatastoreResource};
use super::{asset_name_error, datastore_name_error, DataVersionResource};
use crate::data::asset::DataVersionProperties;
use crate::yaml_in::{parse, Field, YamlError};

/// A data asset version read from a YAML file.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedData {
    /// The asset's name.
    pub name: String,
    /// Its version, when the file names one (otherwise the asset's next).
    pub version: Option<String>,
    /// The version to create.
    pub resource: DataVersionResource,
}

/// A datastore read from a YAML file, its secret (if any) in its credentials.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedDatastore {
    /// The datastore's name.
    pub name: String,
    /// The request body.
    pub resource: DatastoreResource,
}

/// A data asset or a datastore, read from a YAML file.
#[derive(Clone, Debug, PartialEq)]
pub enum ImportedAsset {
    /// A data asset version (`data.schema.json`).
    Data(Box<ImportedData>),
    /// A datastore (`azureBlob`, `azureDataLakeGen2`, `azureFile`).
    Datastore(Box<ImportedDatastore>),
}

/// Reads a data asset file or a datastore file, told apart by their `type`.
pub fn asset_from_yaml(text: &str) -> Result<ImportedAsset, YamlError> {
    let root = parse(text)?;
    let doc = Field::root(&root).map()?;
    let datastore = doc
        .get("type")
        .and_then(|t| t.scalar().map(|(t, _)| t.starts_with("azure_")))
        .unwrap_or(false);
    match datastore {
        true => datastore_from_yaml(text).map(|d| ImportedAsset::Datastore(Box::new(d))),
        false => data_from_yaml(text).map(|d| ImportedAsset::Data(Box::new(d))),
    }
}

/// Reads a data asset file (`data.schema.json`).
pub fn data_from_yaml(text: &str) -> Result<ImportedData, YamlError> {
    let root = parse(text)?;
    let doc = Field::root(&root).map()?;
    doc.only(
        "$schema name version description tags type path properties datastore",
        "a data asset file",
    )?;
    let name_field = doc.required("name")?;
    let name = name_field.string()?;
    if let Some(e) = asset_name_error(&name, "name") {
        return Err(name_field.fail(e));
    }
    let version = doc.opt("version", |f| f.string())?;
    let data_type = doc
        .opt("type", |f| {
            f.choice(&[
                ("uri_file", "uri_file"),
                ("uri_folder", "uri_folder"),
                ("mltable", "mltable"),
            ])
        })?
        // The CLI's default.
        .unwrap_or("uri_folder");
    let path_field = doc.required("path")?;
    let path = path_field.string()?;
    let remote = ["azureml:", "https://", "http://", "wasbs://", "abfss://"];
    if !remote.iter().any(|p| path.starts_with(p)) {
        return Err(path_field.fail(format!("{path} is a path on your computer: the CLI uploads it first. Upload it with \"+ Create\" → From local files, or point path at azureml://datastores/<datastore>/paths/<path> or an https:// address")));
    }
    let properties = doc.string_map("properties")?;
    let resource = DataVersionResource {
        properties: DataVersionProperties {
            data_type: data_type.into(),
            data_uri: path,
            description: doc.opt("description", |f| f.string())?,
            tags: doc.string_map("tags")?,
            properties,
            ..DataVersionProperties::default()
        },
        ..DataVersionResource::default()
    };
    Ok(ImportedData {
        name,
        version,
        resource,
    })
}

/// Reads a datastore file (`azureBlob`, `azureDataLakeGen2` or `azureFile` schema).
pub fn datastore_from_yaml(text: &str) -> Result<ImportedDatastore, YamlError> {
    let root = parse(text)?;
    let doc = Field::root(&root).map()?;
    let kind = doc.required("type")?.choice(&[
        ("azure_blob", "AzureBlob"),
        ("azure_data_lake_gen2", "AzureDataLakeGen2"),
        ("azure_file", "AzureFile"),
    ])?;
    let place_key = match kind {
        "AzureDataLakeGen2" => "filesystem",
        "AzureFile" => "file_share_name",
        _ => "container_name",
    };
    doc.only(
        &format!("$schema name type description tags account_name {place_key} endpoint protocol credentials"),
        "this type of datastore file",
    )?;
    let name_field = doc.required("name")?;
    let name = name_field.string()?;
    if let Some(e) = datastore_name_error(&name) {
        return Err(name_field.fail(e));
    }
    let place = Some(doc.required(place_key)?.string()?);
    let mut properties = DatastoreProperties {
        datastore_type: kind.into(),
        account_name: doc.required("account_name")?.string()?,
        endpoint: doc.opt("endpoint", |f| f.string())?,
        protocol: doc.opt("protocol", |f| f.string())?,
        description: doc.opt("description", |f| f.string())?,
        tags: doc.string_map("tags")?,
        credentials: credentials(doc.get("credentials"))?,
        ..DatastoreProperties::default()
    };
    match kind {
        "AzureDataLakeGen2" => properties.filesystem = place,
        "AzureFile" => properties.file_share_name = place,
        _ => properties.container_name = place,
    }
    Ok(ImportedDatastore {
        name,
        resource: DatastoreResource {
            properties,
            ..DatastoreResource::default()
        },
    })
}

/// The credentials block: an account key, a SAS token, a service principal, a certificate,
/// or none (identity-based access).
fn credentials(field: Option<Field>) -> Result<Credentials, YamlError> {
    let none = Credentials {
        credentials_type: "None".into(),
        ..Credentials::default()
    };
    let Some(field) = field else {
        return Ok(none);
    };
    // Not `map()`: its error quotes the value, and a key pasted straight after `credentials:`
    // must never be shown.
    if field.scalar().is_some() {
        return Err(field.fail("credentials is a map, e.g. credentials: {account_key: ...}; the value here is not shown"));
    }
    let c = field.map()?;
    c.only(
        "account_key sas_token tenant_id client_id client_secret certificate thumbprint authority_url resource_url",
        "credentials",
    )?;
    let secret = |kind: &str, key: &str, value: String| {
        let mut secrets = serde_json::Map::new();
        secrets.insert("secretsType".into(), kind.into());
        secrets.insert(key.into(), value.into());
        Some(secrets)
    };
    let read = |key: &str| c.opt(key, |f| f.string());
    let mut out = none.clone();
    if let Some(key) = read("account_key")? {
        out.credentials_type = "AccountKey".into();
        out.secrets = secret("AccountKey", "key", key);
    } else if let Some(token) = read("sas_token")? {
        out.credentials_type = "Sas".into();
        out.secrets = secret("Sas", "sasToken", token);
    } else if read("client_id")?.is_some() {
        out.tenant_id = read("tenant_id")?;
        out.client_id = read("client_id")?;
        out.authority_url = read("authority_url")?;
        out.resource_url = read("resource_url")?;
        match (read("client_secret")?, read("certificate")?) {
            (Some(s), _) => {
                out.credentials_type = "ServicePrincipal".into();
                out.secrets = secret("ServicePrincipal", "clientSecret", s);
            }
            (None, Some(cert)) => {
                out.credentials_type = "Certificate".into();
                out.thumbprint = read("thumbprint")?;
                out.secrets = secret("Certificate", "certificate", cert);
            }
            (None, None) => {
                return Err(c.fail("a service principal needs its client_secret (or a certificate)"))
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::yaml::{data_yaml, datastore_yaml};

    #[test]
    fn a_data_file_reads_back_what_the_studio_writes() {
        let text = "$schema: https://azuremlschemas.azureedge.net/latest/data.schema.json\nname: titanic\nversion: \"2\"\ndescription: \"Passengers: all\"\ntype: uri_file\npath: azureml://datastores/workspaceblobstore/paths/data/titanic.csv\ntags:\n  source: lab\n";
        let d = data_from_yaml(text).unwrap();
        assert_eq!(
            (d.name.as_str(), d.version.as_deref()),
            ("titanic", Some("2"))
        );
        let mut version = d.resource.clone();
        version.name = "2".into();
        assert_eq!(data_yaml("titanic", &version), text);
        let folder = data_from_yaml("name: imgs\npath: https://example.org/images/\n").unwrap();
        assert_eq!(folder.resource.properties.data_type, "uri_folder");
        assert_eq!(folder.version, None);
    }

    #[test]
    fn a_local_path_or_a_wrong_key_is_explained_at_its_line() {
        let e = data_from_yaml("name: t\ntype: uri_file\npath: ./data/titanic.csv\n").unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("path on your computer"), "{e}");
        let e = data_from_yaml("name: t\npath: azureml:x:1\nformat: csv\n").unwrap_err();
        assert!(e.message.contains("unknown field \"format\""), "{e}");
        let e = data_from_yaml("name: t\ntype: table\npath: azureml:x:1\n").unwrap_err();
        assert!(
            e.message.contains("one of uri_file, uri_folder, mltable"),
            "{e}"
        );
        let e = data_from_yaml("name: t t\npath: azureml:x:1\n").unwrap_err();
        assert_eq!(e.line, Some(1));
    }

    #[test]
    fn either_kind_of_file_is_told_apart_by_its_type() {
        let data =
            asset_from_yaml("name: t\ntype: mltable\npath: azureml://datastores/d/paths/t/\n");
        assert!(matches!(data, Ok(ImportedAsset::Data(_))));
        let store =
            asset_from_yaml("name: s\ntype: azure_file\naccount_name: a\nfile_share_name: f\n");
        assert!(matches!(store, Ok(ImportedAsset::Datastore(_))));
        assert!(asset_from_yaml("- a list\n").is_err());
    }

    #[test]
    fn a_datastore_file_keeps_its_secret_in_its_credentials_only() {
        let text = "$schema: https://azuremlschemas.azureedge.net/latest/azureBlob.schema.json\nname: raw_data\ntype: azure_blob\naccount_name: classdata\ncontainer_name: raw\ncredentials:\n  account_key: c2VjcmV0\n";
        let d = datastore_from_yaml(text).unwrap();
        let c = &d.resource.properties.credentials;
        assert_eq!(c.credentials_type, "AccountKey");
        assert_eq!(c.secrets.as_ref().unwrap()["key"], "c2VjcmV0");
        let mut written = d.resource.clone();
        written.name = d.name.clone();
        let yaml = datastore_yaml(&written);
        assert!(!yaml.contains("c2VjcmV0"), "{yaml}");
        let lake = datastore_from_yaml("name: lake\ntype: azure_data_lake_gen2\naccount_name: a\nfilesystem: fs\ncredentials:\n  tenant_id: t\n  client_id: c\n  client_secret: s3cret\n").unwrap();
        assert_eq!(lake.resource.properties.filesystem.as_deref(), Some("fs"));
        assert_eq!(
            lake.resource.properties.credentials.credentials_type,
            "ServicePrincipal"
        );
        let e =
            datastore_from_yaml("name: x\ntype: azure_file\naccount_name: a\ncontainer_name: c\n")
                .unwrap_err();
        assert!(
            e.message.contains("unknown field \"container_name\""),
            "{e}"
        );
        let e = datastore_from_yaml("name: x\ntype: azure_blob\naccount_name: a\ncontainer_name: c\ncredentials: c2VjcmV0LWtleQ==\n").unwrap_err();
        assert!(
            e.message.contains("credentials is a map") && !e.to_string().contains("c2VjcmV0"),
            "{e}"
        );
        let e = datastore_from_yaml("name: x\ntype: azure_blob\naccount_name: a\ncontainer_name: c\ncredentials:\n  account_key: [c2VjcmV0LWtleQ==]\n").unwrap_err();
        assert!(!e.to_string().contains("c2VjcmV0"), "{e}");
        let e = datastore_from_yaml("name: x\ntype: azure_blob\naccount_name: a\ncontainer_name: c\ncredentials:\n  client_id: c\n").unwrap_err();
        assert!(
            e.message.contains("client_secret") && !e.message.contains("s3cret"),
            "{e}"
        );
        let none = datastore_from_yaml(
            "name: open\ntype: azure_blob\naccount_name: a\ncontainer_name: c\n",
        )
        .unwrap();
        assert_eq!(
            none.resource.properties.credentials.credentials_type,
            "None"
        );
    }
}
