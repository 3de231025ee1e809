//! Azure ML CLI v2 YAML of a data asset version (`az ml data create -f`) and of a datastore
//! (`az ml datastore create -f`). A datastore's secret is never written: the file says which
//! kind of credential to add before registering it elsewhere.

use super::{DataVersionResource, DatastoreResource};
use crate::yaml_out::{raw, string_map, text, write, Node};

/// The CLI v2 schema of a data asset file.
pub const DATA_SCHEMA: &str = "https://azuremlschemas.azureedge.net/latest/data.schema.json";

/// The CLI v2 YAML of version `version` of data asset `name`.
pub fn data_yaml(name: &str, version: &DataVersionResource) -> String {
    let props = &version.properties;
    let mut doc = vec![
        ("$schema".into(), raw(DATA_SCHEMA)),
        ("name".into(), text(name)),
        // Quoted: the CLI reads an unquoted 1 as a number and refuses it.
        (
            "version".into(),
            raw(serde_json::to_string(&version.name).unwrap_or_default()),
        ),
    ];
    if let Some(d) = props.description.as_deref().filter(|d| !d.is_empty()) {
        doc.push(("description".into(), text(d)));
    }
    doc.push(("type".into(), raw(&props.data_type)));
    doc.push(("path".into(), text(&props.data_uri)));
    doc.extend(string_map("tags", &props.tags));
    write(doc)
}

/// The CLI v2 YAML of a datastore, its secret left out.
pub fn datastore_yaml(datastore: &DatastoreResource) -> String {
    let props = &datastore.properties;
    let (schema, kind, place_key, place) = match props.datastore_type.as_str() {
        "AzureDataLakeGen2" => (
            "azureDataLakeGen2",
            "azure_data_lake_gen2",
            "filesystem",
            &props.filesystem,
        ),
        "AzureFile" => (
            "azureFile",
            "azure_file",
            "file_share_name",
            &props.file_share_name,
        ),
        _ => (
            "azureBlob",
            "azure_blob",
            "container_name",
            &props.container_name,
        ),
    };
    let mut doc = vec![
        (
            "$schema".into(),
            raw(format!(
                "https://azuremlschemas.azureedge.net/latest/{schema}.schema.json"
            )),
        ),
        ("name".into(), text(&datastore.name)),
        ("type".into(), raw(kind)),
    ];
    if let Some(d) = props.description.as_deref().filter(|d| !d.is_empty()) {
        doc.push(("description".into(), text(d)));
    }
    doc.push(("account_name".into(), text(&props.account_name)));
    doc.push((place_key.into(), text(place.as_deref().unwrap_or_default())));
    for (key, value) in [("endpoint", &props.endpoint), ("protocol", &props.protocol)] {
        if let Some(v) = value {
            doc.push((key.into(), text(v)));
        }
    }
    let credentials = &props.credentials;
    if credentials.credentials_type == "ServicePrincipal" {
        let mut entries = Vec::new();
        for (key, value) in [
            ("tenant_id", &credentials.tenant_id),
            ("client_id", &credentials.client_id),
        ] {
            if let Some(v) = value {
                entries.push((key.into(), text(v)));
            }
        }
        doc.push(("credentials".into(), Node::Map(entries)));
    }
    doc.extend(string_map("tags", &props.tags));
    let mut out = write(doc);
    let secret = match credentials.credentials_type.as_str() {
        "AccountKey" => Some("credentials: {account_key: <the storage account's key>}"),
        "Sas" => Some("credentials: {sas_token: <a SAS token>}"),
        "ServicePrincipal" => Some("credentials.client_secret: <the service principal's secret>"),
        "Certificate" => Some("credentials.certificate: <the certificate>"),
        _ => None,
    };
    if let Some(line) = secret {
        out.push_str(&format!("# The workspace keeps the secret and never shows it; add {line} to register this datastore elsewhere.\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_and_a_datastore_as_the_cli_writes_them() {
        let v: DataVersionResource = serde_json::from_value(serde_json::json!({"name": "1", "properties": {
            "dataType": "uri_file", "dataUri": "azureml://datastores/workspaceblobstore/paths/data/titanic.csv",
            "description": "Passengers: all of them", "tags": {"source": "lab"}}})).unwrap();
        assert_eq!(
            data_yaml("titanic", &v),
            "$schema: https://azuremlschemas.azureedge.net/latest/data.schema.json\nname: titanic\nversion: \"1\"\ndescription: \"Passengers: all of them\"\ntype: uri_file\npath: azureml://datastores/workspaceblobstore/paths/data/titanic.csv\ntags:\n  source: lab\n"
        );
        let d: DatastoreResource = serde_json::from_value(serde_json::json!({"name": "raw_data", "properties": {
            "datastoreType": "AzureBlob", "accountName": "classdata", "containerName": "raw", "endpoint": "core.windows.net",
            "protocol": "https", "credentials": {"credentialsType": "AccountKey"}}})).unwrap();
        let yaml = datastore_yaml(&d);
        assert!(yaml.starts_with("$schema: https://azuremlschemas.azureedge.net/latest/azureBlob.schema.json\nname: raw_data\ntype: azure_blob\naccount_name: classdata\ncontainer_name: raw\n"), "{yaml}");
        assert!(yaml.ends_with("add credentials: {account_key: <the storage account's key>} to register this datastore elsewhere.\n"), "{yaml}");
    }
}
