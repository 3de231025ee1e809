//! Datastores and data assets in the engine: the four defaults, registering with write-only
//! secrets, roles, immutable versions of one type, archive, latest, and their records.

use azimuth_core::data::asset::{DataContainerResource, DataVersionResource};
use azimuth_core::data::datastore::{DatastoreResource, DEFAULT_DATASTORES};
use azimuth_core::data::uri::Pick;
use azimuth_core::workspace::records::{writes, RecordWrite, Records, Shelf};
use azimuth_core::workspace::seed::EXAMPLE_TENANT;
use azimuth_core::workspace::Tenant;
use azimuth_core::Workspace;
use serde_json::json;

const ADA: &str = "Ada Lovelace";
const GRACE: &str = "Grace Hopper";
const ALAN: &str = "Alan Turing";
const KATHERINE: &str = "Katherine Johnson";
const T0: i64 = 1_800_000_000_000;
const KEY: &str = "c2VjcmV0LWtleS0xMjM0NTY3ODkw";

fn lab() -> Workspace {
    Workspace::seed(T0)
}

fn blob(name: &str) -> DatastoreResource {
    serde_json::from_value(json!({"properties": {
        "datastoreType": "AzureBlob", "accountName": "mystorage", "containerName": name,
        "credentials": {"credentialsType": "AccountKey", "secrets": {"secretsType": "AccountKey", "key": KEY}},
        "description": "Raw data", "tags": {"team": "a"}}}))
    .unwrap()
}

fn version(data_type: &str, uri: &str) -> DataVersionResource {
    serde_json::from_value(
        json!({"properties": {"dataType": data_type, "dataUri": uri, "description": "d"}}),
    )
    .unwrap()
}

const CSV: &str = "azureml://datastores/workspaceblobstore/paths/data/titanic.csv";

#[test]
fn every_workspace_has_the_four_default_datastores() {
    let w = lab();
    let names: Vec<&str> = w
        .datastores
        .iter()
        .map(|d| d.resource.name.as_str())
        .collect();
    assert_eq!(names, DEFAULT_DATASTORES);
    let default = w.default_datastore().unwrap();
    assert_eq!(default.resource.name, "workspaceblobstore");
    let account = w
        .resource
        .properties
        .storage_account
        .rsplit('/')
        .next()
        .unwrap();
    assert_eq!(default.resource.properties.account_name, account);
    assert_eq!(
        default.resource.properties.container_name.as_deref(),
        Some(format!("azureml-blobstore-{}", w.resource.properties.workspace_id).as_str())
    );
    assert_eq!(
        default.resource.properties.credentials.credentials_type,
        "None"
    );
    // A workspace saved before datastores existed gets the same ones on loading.
    let mut old = w.clone();
    old.datastores.clear();
    let mut t = Tenant::seed(T0, EXAMPLE_TENANT, None);
    t.workspaces[0] = old;
    t.sync_members();
    assert_eq!(t.workspaces[0].datastores, w.datastores);
}

#[test]
fn a_registered_datastore_keeps_its_secret_apart_and_only_listsecrets_shows_it() {
    let mut w = lab();
    let (created, resource) = w.put_datastore(ADA, "raw_data", blob("raw"), T0).unwrap();
    assert!(created);
    let shown = serde_json::to_string(&resource).unwrap();
    assert!(!shown.contains(KEY), "{shown}");
    assert!(
        shown.contains(r#""credentials":{"credentialsType":"AccountKey"}"#),
        "{shown}"
    );
    assert!(resource.id.ends_with("/datastores/raw_data"));
    assert!(!serde_json::to_string(&*w.without_secrets())
        .unwrap()
        .contains(KEY));
    assert_eq!(
        w.datastore_secrets(GRACE, "RAW_DATA").unwrap(),
        json!({"secretsType": "AccountKey", "key": KEY})
            .as_object()
            .unwrap()
            .clone()
    );
    // A Reader and a Compute Operator may not see secrets or register datastores.
    for who in [ALAN, KATHERINE] {
        assert_eq!(
            w.datastore_secrets(who, "raw_data").unwrap_err().code(),
            "AuthorizationFailed"
        );
        let e = w
            .put_datastore(who, "other", blob("other"), T0)
            .unwrap_err();
        assert_eq!(e.code(), "AuthorizationFailed");
    }
    // An update without secrets (as a client that read it back sends it) keeps them.
    let mut again = resource.clone();
    again.properties.description = Some("Raw data, v2".into());
    w.put_datastore(GRACE, "raw_data", again, T0 + 1).unwrap();
    assert_eq!(w.datastore_secrets(ADA, "raw_data").unwrap()["key"], KEY);
    // Where it points cannot change.
    let e = w
        .put_datastore(ADA, "raw_data", blob("elsewhere"), T0 + 2)
        .unwrap_err();
    assert!(e.message().contains("containerName cannot change"), "{e}");
    // Identity-based defaults have no secrets, and say so.
    let e = w.datastore_secrets(ADA, "workspaceblobstore").unwrap_err();
    assert!(e.message().contains("identity-based"), "{e}");
}

#[test]
fn bad_datastores_are_refused_with_the_reason() {
    let mut w = lab();
    let cases = [
        (
            json!({"datastoreType": "AzureBlob", "accountName": "Bad_Account", "containerName": "c1c"}),
            "storage account name",
        ),
        (
            json!({"datastoreType": "AzureBlob", "accountName": "acct", "containerName": "a--b"}),
            "container name",
        ),
        (
            json!({"datastoreType": "AzureBlob", "accountName": "acct"}),
            "container's name",
        ),
        (
            json!({"datastoreType": "AzureDataLakeGen1", "accountName": "acct"}),
            "retired",
        ),
        (
            json!({"datastoreType": "AzureFile", "accountName": "acct", "fileShareName": "share",
                "credentials": {"credentialsType": "ServicePrincipal"}}),
            "cannot use 'ServicePrincipal'",
        ),
        (
            json!({"datastoreType": "AzureBlob", "accountName": "acct", "containerName": "box",
                "credentials": {"credentialsType": "Sas", "secrets": {"secretsType": "Sas", "sasToken": " "}}}),
            "sasToken",
        ),
        (
            json!({"datastoreType": "AzureDataLakeGen2", "accountName": "acct", "filesystem": "lake",
                "credentials": {"credentialsType": "ServicePrincipal", "clientId": "nope",
                "secrets": {"secretsType": "ServicePrincipal", "clientSecret": "s"}}}),
            "tenantId",
        ),
    ];
    for (props, expected) in cases {
        let request: DatastoreResource =
            serde_json::from_value(json!({ "properties": props })).unwrap();
        let e = w.put_datastore(ADA, "store", request, T0).unwrap_err();
        assert!(e.message().contains(expected), "{expected}: {e}");
    }
    let e = w
        .put_datastore(ADA, "my-store", blob("box"), T0)
        .unwrap_err();
    assert!(e.message().contains("'-'"), "{e}");
    let e = w
        .delete_datastore(ADA, "workspaceblobstore", T0)
        .unwrap_err();
    assert!(e.message().contains("cannot be removed"), "{e}");
    w.put_datastore(ADA, "store", blob("box"), T0).unwrap();
    w.delete_datastore(GRACE, "STORE", T0 + 1).unwrap();
    assert!(w.datastore("store").is_none());
    assert_eq!(
        w.delete_datastore(ADA, "store", T0 + 2).unwrap_err().code(),
        "ResourceNotFound"
    );
}

#[test]
fn versions_are_immutable_of_one_type_and_latest_is_the_one_created_last() {
    let mut w = lab();
    let (created, v1) = w
        .put_data_version(GRACE, "titanic", "1", version("uri_file", CSV), T0)
        .unwrap();
    assert!(created);
    assert!(v1.id.ends_with("/data/titanic/versions/1"), "{}", v1.id);
    let container = w.data_container("titanic").unwrap();
    assert_eq!(container.properties.data_type, "uri_file");
    assert_eq!(container.properties.latest_version.as_deref(), Some("1"));
    assert_eq!(container.properties.next_version.as_deref(), Some("2"));
    let csv2 = CSV.replace("titanic", "titanic2");
    w.put_data_version(GRACE, "titanic", "2", version("uri_file", &csv2), T0 + 1)
        .unwrap();
    assert_eq!(
        w.data_container("titanic")
            .unwrap()
            .properties
            .next_version
            .as_deref(),
        Some("3")
    );
    // The same version again with other data is refused; with the same data it is a no-op.
    let e = w
        .put_data_version(GRACE, "titanic", "1", version("uri_file", &csv2), T0 + 2)
        .unwrap_err();
    assert!(e.message().contains("cannot change"), "{e}");
    assert!(
        !w.put_data_version(GRACE, "titanic", "1", version("uri_file", CSV), T0 + 2)
            .unwrap()
            .0
    );
    // Another type is another asset.
    let e = w
        .put_data_version(
            GRACE,
            "titanic",
            "3",
            version(
                "uri_folder",
                "azureml://datastores/workspaceblobstore/paths/data/",
            ),
            T0 + 3,
        )
        .unwrap_err();
    assert!(e.message().contains("is of type uri_file"), "{e}");
    // Archived, version 2 is still the one created last (as azure-ai-ml reads `latest`).
    let mut archived = version("uri_file", &csv2);
    archived.properties.is_archived = true;
    w.put_data_version(GRACE, "titanic", "2", archived, T0 + 4)
        .unwrap();
    assert_eq!(
        w.resolve_data("titanic", &Pick::Label("latest".into()))
            .unwrap()
            .name,
        "2"
    );
    assert_eq!(
        w.resolve_data("titanic", &Pick::Version("2".into()))
            .unwrap()
            .name,
        "2"
    );
    assert_eq!(
        w.resolve_data("nope", &Pick::Version("1".into()))
            .unwrap_err()
            .code(),
        "ResourceNotFound"
    );
    // A Reader cannot create one.
    let e = w
        .put_data_version(ALAN, "other", "1", version("uri_file", CSV), T0 + 5)
        .unwrap_err();
    assert_eq!(e.code(), "AuthorizationFailed");
    // The container is archived and restored as a whole.
    let mut request: DataContainerResource =
        serde_json::from_value(json!({"properties": {"isArchived": true}})).unwrap();
    w.put_data_container(GRACE, "titanic", request.clone(), T0 + 6)
        .unwrap();
    assert!(w.data_container("titanic").unwrap().properties.is_archived);
    request.properties.is_archived = false;
    w.put_data_container(GRACE, "titanic", request, T0 + 7)
        .unwrap();
    assert!(w
        .activity
        .iter()
        .any(|a| a.text == "restored data asset titanic"));
}

#[test]
fn where_a_version_points_is_checked() {
    let mut w = lab();
    let cases = [
        (
            "uri_file",
            "azureml://datastores/nowhere/paths/x.csv",
            "not registered",
        ),
        (
            "uri_file",
            "azureml://datastores/workspaceblobstore/paths/data/",
            "is a folder",
        ),
        (
            "uri_file",
            "azureml://datastores/workspaceblobstore/paths/../../etc/passwd",
            "'..'",
        ),
        ("uri_file", "/etc/passwd", "not a data URI"),
        ("uri_file", "azureml:titanic:1", "not at another data asset"),
        ("table", CSV, "must be uri_file"),
        ("uri_file", "", "dataUri is required"),
    ];
    for (kind, uri, expected) in cases {
        let e = w
            .put_data_version(ADA, "d", "1", version(kind, uri), T0)
            .unwrap_err();
        assert!(e.message().contains(expected), "{uri}: {e}");
    }
    for (kind, uri) in [
        (
            "uri_folder",
            "azureml://datastores/workspaceblobstore/paths/images/",
        ),
        (
            "mltable",
            "azureml://datastores/workspaceblobstore/paths/tables/diabetes/",
        ),
        (
            "uri_file",
            "https://azuremlexamples.blob.core.windows.net/datasets/iris.csv",
        ),
    ] {
        w.put_data_version(ADA, &format!("ok-{kind}"), "1", version(kind, uri), T0)
            .unwrap();
    }
    assert!(w
        .put_data_version(ADA, ".x", "1", version("uri_file", CSV), T0)
        .is_err());
    assert!(w
        .put_data_version(ADA, "x", "v/1", version("uri_file", CSV), T0)
        .is_err());
}

/// Records in memory, as IndexedDB keeps them.
fn replay(all: &mut std::collections::BTreeMap<(&'static str, String), String>, w: &[RecordWrite]) {
    for w in w {
        match w {
            RecordWrite::Put { shelf, key, body } => {
                all.insert((shelf.name(), key.clone()), body.clone());
            }
            RecordWrite::Delete { shelf, key } => {
                assert!(all.remove(&(shelf.name(), key.clone())).is_some(), "{key}");
            }
        }
    }
}

fn read(all: &std::collections::BTreeMap<(&'static str, String), String>) -> Tenant {
    let shelf = |s: Shelf| -> Vec<(String, String)> {
        all.iter()
            .filter(|((n, _), _)| *n == s.name())
            .map(|((_, k), v)| (k.clone(), v.clone()))
            .collect()
    };
    Records {
        directory: shelf(Shelf::Directory).pop().map(|(_, v)| v),
        workspaces: shelf(Shelf::Workspaces),
        computes: shelf(Shelf::Computes),
        assets: shelf(Shelf::Assets),
    }
    .assemble()
    .unwrap()
    .unwrap()
}

#[test]
fn data_changes_write_their_own_records_travel_as_changes_and_read_back() {
    let mut t = Tenant::seed(T0, EXAMPLE_TENANT, None);
    let mut all = Default::default();
    replay(&mut all, &writes(None, &t));
    assert_eq!(read(&all), t);
    let before = t.clone();
    let ws = &mut t.workspaces[0];
    ws.put_datastore(ADA, "raw_data", blob("raw"), T0 + 1)
        .unwrap();
    ws.put_data_version(ADA, "titanic", "1", version("uri_file", CSV), T0 + 2)
        .unwrap();
    let w = writes(Some(&before), &t);
    let shelves: Vec<&str> = w
        .iter()
        .map(|w| match w {
            RecordWrite::Put { shelf, .. } | RecordWrite::Delete { shelf, .. } => shelf.name(),
        })
        .collect();
    // The workspace record for its activity; one record per new resource.
    assert_eq!(shelves, ["workspaces", "assets", "assets", "assets"]);
    replay(&mut all, &w);
    assert_eq!(read(&all), t);
    // What a studio is sent: the resources touched, the secret left out.
    let changes = t.workspaces[0]
        .changes_since(&before.workspaces[0])
        .unwrap();
    assert_eq!(changes.datastores.len(), 1);
    assert_eq!((changes.data.len(), changes.data_versions.len()), (1, 1));
    let mut studio = before.workspaces[0].clone();
    studio.apply_changes(changes);
    assert_eq!(studio, t.workspaces[0]);
    // Unregistered, then registered again later: the old record goes.
    let before = t.clone();
    let ws = &mut t.workspaces[0];
    ws.delete_datastore(ADA, "raw_data", T0 + 3).unwrap();
    ws.put_datastore(ADA, "raw_data", blob("raw"), T0 + 4)
        .unwrap();
    replay(&mut all, &writes(Some(&before), &t));
    assert_eq!(read(&all), t);
}
