//! Datastores and data assets over ARM: the defaults listed, a datastore registered with a
//! secret that no GET, list, studio read or event shows (only listSecrets, for the roles that
//! may), data versions created, listed by view, archived, immutable, refused a DELETE, and all of
//! it kept across a restart.

mod common;

use common::*;
use serde_json::{json, Value};

const KEY: &str = "c2VjcmV0LWtleS1uZXZlci1zaG93bg==";

fn names(list: &Value) -> Vec<&str> {
    list["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect()
}

fn blob() -> Vec<u8> {
    json!({"properties": {"datastoreType": "AzureBlob", "accountName": "classdata", "containerName": "raw",
        "credentials": {"credentialsType": "AccountKey", "secrets": {"secretsType": "AccountKey", "key": KEY}}}})
    .to_string()
    .into_bytes()
}

#[tokio::test]
async fn datastores_keep_their_secrets_to_listsecrets_and_to_the_roles_that_may() {
    let db = temp_db("datastores");
    let server = start(&db, None).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    let grace = sign_in(a, "Grace Hopper").await;
    let alan = sign_in(a, "Alan Turing").await;
    let list = format!("{WS}/datastores?{V}");
    let (status, all) = call(a, "GET", &list, Some(&alan), b"").await;
    assert_eq!(status, 200, "{all}");
    assert_eq!(
        names(&all),
        [
            "workspaceartifactstore",
            "workspaceblobstore",
            "workspacefilestore",
            "workspaceworkingdirectory"
        ]
    );
    let (_, default) = call(
        a,
        "GET",
        &format!("{WS}/datastores?{V}&isDefault=true"),
        Some(&alan),
        b"",
    )
    .await;
    assert_eq!(names(&default), ["workspaceblobstore"]);

    let one = format!("{WS}/datastores/class_data?{V}");
    let (status, refused) = call(a, "PUT", &one, Some(&alan), &blob()).await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (403, Some("AuthorizationFailed"))
    );
    let (status, created) = call(a, "PUT", &one, Some(&grace), &blob()).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(
        created["properties"]["credentials"],
        json!({"credentialsType": "AccountKey"})
    );
    let (status, again) = call(a, "PUT", &one, Some(&grace), &blob()).await;
    assert_eq!(status, 200, "{again}");

    // No read a studio or a client makes shows the key.
    let mut events = tokio::net::TcpStream::connect(a).await.unwrap();
    let stream = format!("GET /api/events?access_token={ada} HTTP/1.1\r\nHost: {a}\r\n\r\n");
    tokio::io::AsyncWriteExt::write_all(&mut events, stream.as_bytes())
        .await
        .unwrap();
    let mut seen = String::new();
    read_until(&mut events, &mut seen, 1).await.unwrap();
    let rotated = String::from_utf8(blob())
        .unwrap()
        .replace(KEY, "bmV3LWtleQ==");
    assert_eq!(
        call(a, "PUT", &one, Some(&ada), rotated.as_bytes()).await.0,
        200
    );
    read_until(&mut events, &mut seen, 2).await.unwrap();
    assert!(
        seen.contains("class_data"),
        "the event carries the datastore: {seen}"
    );
    let reads = [
        format!("{WS}/datastores/class_data?{V}"),
        list.clone(),
        format!("/api/workspace?wsid={WS}"),
        format!("/api/open?wsid={WS}"),
    ];
    for path in &reads {
        let (status, body) = call(a, "GET", path, Some(&ada), b"").await;
        assert_eq!(status, 200, "{path}: {body}");
        let text = body.to_string();
        assert!(
            !text.contains(KEY) && !text.contains("bmV3LWtleQ=="),
            "{path} shows a secret"
        );
    }
    assert!(!seen.contains("bmV3LWtleQ=="), "an event showed a secret");

    // listSecrets: the Data Scientist may, the Reader may not; a GET is refused.
    let secrets = format!("{WS}/datastores/class_data/listSecrets?{V}");
    let (status, body) = call(a, "POST", &secrets, Some(&grace), b"").await;
    assert_eq!(
        (status, body["key"].as_str()),
        (200, Some("bmV3LWtleQ==")),
        "{body}"
    );
    assert_eq!(call(a, "POST", &secrets, Some(&alan), b"").await.0, 403);
    assert_eq!(call(a, "GET", &secrets, Some(&grace), b"").await.0, 405);

    // Defaults stay; another is unregistered, and a second DELETE finds nothing.
    let (status, e) = call(
        a,
        "DELETE",
        &format!("{WS}/datastores/workspaceblobstore?{V}"),
        Some(&ada),
        b"",
    )
    .await;
    assert_eq!(status, 400, "{e}");
    let (status, e) = call(
        a,
        "PUT",
        &format!("{WS}/datastores/bad-name?{V}"),
        Some(&ada),
        &blob(),
    )
    .await;
    assert!(
        status == 400 && e["error"]["message"].as_str().unwrap().contains("'-'"),
        "{e}"
    );
    drop(server);

    // All of it survives a restart, the secret included.
    let server = start(&db, None).await;
    let a = server.addr;
    let grace = sign_in(a, "Grace Hopper").await;
    let (status, body) = call(a, "POST", &secrets, Some(&grace), b"").await;
    assert_eq!(
        (status, body["key"].as_str()),
        (200, Some("bmV3LWtleQ==")),
        "{body}"
    );
    assert_eq!(call(a, "DELETE", &one, Some(&grace), b"").await.0, 200);
    assert_eq!(call(a, "DELETE", &one, Some(&grace), b"").await.0, 204);
    let (_, all) = call(a, "GET", &list, Some(&grace), b"").await;
    assert_eq!(names(&all).len(), 4);
}

#[tokio::test]
async fn data_versions_are_created_listed_archived_and_never_changed_or_deleted() {
    let db = temp_db("data-assets");
    let server = start(&db, None).await;
    let a = server.addr;
    let grace = sign_in(a, "Grace Hopper").await;
    let alan = sign_in(a, "Alan Turing").await;
    let version = |v: &str| format!("{WS}/data/titanic/versions/{v}?{V}");
    let body = |path: &str| {
        json!({"properties": {"dataType": "uri_file", "dataUri": format!("azureml://datastores/workspaceblobstore/paths/{path}"),
            "description": "Passengers", "tags": {"source": "lab"}, "isAnonymous": false, "isArchived": false}})
        .to_string()
    };
    let (status, v1) = call(
        a,
        "PUT",
        &version("1"),
        Some(&grace),
        body("data/titanic.csv").as_bytes(),
    )
    .await;
    assert_eq!(status, 201, "{v1}");
    assert_eq!(
        v1["type"],
        "Microsoft.MachineLearningServices/workspaces/data/versions"
    );
    assert_eq!(
        call(
            a,
            "PUT",
            &version("2"),
            Some(&grace),
            body("data/titanic-2.csv").as_bytes()
        )
        .await
        .0,
        201
    );
    let (status, e) = call(
        a,
        "PUT",
        &version("1"),
        Some(&grace),
        body("data/other.csv").as_bytes(),
    )
    .await;
    assert_eq!(status, 400, "{e}");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("cannot change"),
        "{e}"
    );
    assert_eq!(
        call(
            a,
            "PUT",
            &version("3"),
            Some(&alan),
            body("x.csv").as_bytes()
        )
        .await
        .0,
        403
    );

    let (_, container) = call(
        a,
        "GET",
        &format!("{WS}/data/titanic?{V}"),
        Some(&alan),
        b"",
    )
    .await;
    assert_eq!(container["properties"]["latestVersion"], "2", "{container}");
    assert_eq!(container["properties"]["nextVersion"], "3");
    let (_, newest) = call(
        a,
        "GET",
        &format!("{WS}/data/titanic/versions?{V}&$orderBy=createdtime%20desc&$top=1"),
        Some(&alan),
        b"",
    )
    .await;
    assert_eq!(names(&newest), ["2"]);

    // Archive version 2 as azure-ai-ml does: GET, then PUT with isArchived.
    let (_, mut v2) = call(a, "GET", &version("2"), Some(&grace), b"").await;
    v2["properties"]["isArchived"] = json!(true);
    assert_eq!(
        call(
            a,
            "PUT",
            &version("2"),
            Some(&grace),
            v2.to_string().as_bytes()
        )
        .await
        .0,
        200
    );
    let list = |view: &str| format!("{WS}/data/titanic/versions?{V}&listViewType={view}");
    let (_, active) = call(a, "GET", &list("ActiveOnly"), Some(&alan), b"").await;
    let (_, archived) = call(a, "GET", &list("ArchivedOnly"), Some(&alan), b"").await;
    let (_, every) = call(a, "GET", &list("All"), Some(&alan), b"").await;
    assert_eq!(
        (names(&active), names(&archived), names(&every)),
        (vec!["1"], vec!["2"], vec!["1", "2"])
    );

    let (status, e) = call(a, "DELETE", &version("1"), Some(&grace), b"").await;
    assert!(
        status == 400
            && e["error"]["message"]
                .as_str()
                .unwrap()
                .contains("Archive it instead"),
        "{e}"
    );
    let (status, e) = call(a, "GET", &version("9"), Some(&alan), b"").await;
    assert_eq!(
        (status, e["error"]["code"].as_str()),
        (404, Some("ResourceNotFound"))
    );
    let (status, e) = call(
        a,
        "PUT",
        &format!("{WS}/data/titanic/versions/1?{V}"),
        Some(&grace),
        b"{not json",
    )
    .await;
    assert_eq!(
        (status, e["error"]["code"].as_str()),
        (400, Some("InvalidRequestContent"))
    );
    drop(server);

    let server = start(&db, None).await;
    let a = server.addr;
    let alan = sign_in(a, "Alan Turing").await;
    let (_, all) = call(a, "GET", &format!("{WS}/data?{V}"), Some(&alan), b"").await;
    assert_eq!(names(&all), ["titanic"]);
    let (_, every) = call(a, "GET", &list("All"), Some(&alan), b"").await;
    assert_eq!(names(&every), ["1", "2"]);
}
