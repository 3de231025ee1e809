//! Models over ARM: versions registered from files in a datastore (an MLflow model's flavors
//! read from its MLmodel file), listed newest first, immutable, refused where there are no
//! files or for a Reader, deleted, and kept across a restart.

mod common;

use common::*;
use serde_json::{json, Value};

const MLMODEL: &str = "artifact_path: model\nflavors:\n  python_function:\n    loader_module: my_model\n    python_version: 3.11.4\nsignature:\n  inputs: '[{\"type\": \"double\", \"name\": \"age\"}]'\n  outputs: '[{\"type\": \"long\"}]'\n";

async fn upload(a: std::net::SocketAddr, token: &str, path: &str, body: &[u8]) {
    let url = format!("/api/files?wsid={WS}&datastore=workspaceblobstore&path={path}");
    let (status, answer) = call(a, "PUT", &url, Some(token), body).await;
    assert!(status == 200 || status == 201, "{status} {answer}");
}

fn version(model_type: &str, folder: &str) -> Vec<u8> {
    json!({"properties": {"modelType": model_type, "description": "From the lab",
        "modelUri": format!("azureml://datastores/workspaceblobstore/paths/{folder}"), "tags": {"team": "a"}}})
    .to_string()
    .into_bytes()
}

fn names(list: &Value) -> Vec<&str> {
    let items = list["value"].as_array().unwrap();
    items.iter().map(|v| v["name"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn models_register_from_their_files_list_and_delete() {
    let db = temp_db("models");
    let server = start(&db, None).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    let alan = sign_in(a, "Alan Turing").await;
    upload(a, &ada, "models/churn/MLmodel", MLMODEL.as_bytes()).await;
    upload(a, &ada, "models/churn/model.bin", b"\x00\x01weights").await;
    let v1 = format!("{WS}/models/churn/versions/1?{V}");
    let (status, made) = call(
        a,
        "PUT",
        &v1,
        Some(&ada),
        &version("mlflow_model", "models/churn/"),
    )
    .await;
    assert_eq!(status, 201, "{made}");
    assert_eq!(
        made["type"],
        "Microsoft.MachineLearningServices/workspaces/models/versions"
    );
    let flavor = &made["properties"]["flavors"]["python_function"]["data"];
    assert_eq!(flavor["loader_module"], "my_model", "{made}");
    assert_eq!(made["properties"]["provisioningState"], "Succeeded");
    // The same again changes nothing but what may change.
    let (status, again) = call(
        a,
        "PUT",
        &v1,
        Some(&ada),
        &version("mlflow_model", "models/churn/"),
    )
    .await;
    assert_eq!(
        (status, &again["properties"]["flavors"]),
        (200, &made["properties"]["flavors"])
    );
    let (status, refused) = call(
        a,
        "PUT",
        &v1,
        Some(&ada),
        &version("custom_model", "models/other/"),
    )
    .await;
    assert_eq!(status, 400, "{refused}");
    assert!(
        refused.to_string().contains("versions cannot change"),
        "{refused}"
    );
    // No files, no MLmodel, a Reader: each refused with the reason.
    let v2 = format!("{WS}/models/churn/versions/2?{V}");
    let (status, empty) = call(
        a,
        "PUT",
        &v2,
        Some(&ada),
        &version("custom_model", "models/nothing/"),
    )
    .await;
    assert_eq!(status, 400, "{empty}");
    assert!(empty.to_string().contains("no files at"), "{empty}");
    upload(a, &ada, "models/plain/weights.bin", b"w").await;
    let (status, no_mlmodel) = call(
        a,
        "PUT",
        &v2,
        Some(&ada),
        &version("mlflow_model", "models/plain/"),
    )
    .await;
    assert_eq!(status, 400, "{no_mlmodel}");
    assert!(no_mlmodel.to_string().contains("MLmodel"), "{no_mlmodel}");
    let (status, _) = call(
        a,
        "PUT",
        &v2,
        Some(&alan),
        &version("custom_model", "models/plain/"),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = call(
        a,
        "PUT",
        &v2,
        Some(&ada),
        &version("custom_model", "models/plain/"),
    )
    .await;
    assert_eq!(status, 201);
    // Lists: the model, its versions newest first, at most $top, by tag.
    let (_, models) = call(a, "GET", &format!("{WS}/models?{V}"), Some(&alan), b"").await;
    assert_eq!(names(&models), ["churn"]);
    assert_eq!(models["value"][0]["properties"]["latestVersion"], "2");
    assert_eq!(models["value"][0]["properties"]["nextVersion"], "3");
    let newest = format!("{WS}/models/churn/versions?{V}&$orderBy=createdtime%20desc&$top=1");
    let (_, versions) = call(a, "GET", &newest, Some(&alan), b"").await;
    assert_eq!(names(&versions), ["2"]);
    let tagged = format!("{WS}/models/churn/versions?{V}&tags=team=a");
    let (_, versions) = call(a, "GET", &tagged, Some(&alan), b"").await;
    assert_eq!(names(&versions), ["1", "2"]);
    let (status, _) = call(a, "GET", &format!("{WS}/models/none?{V}"), Some(&alan), b"").await;
    assert_eq!(status, 404);
    // Kept across a restart.
    drop(server);
    let server = start(&db, None).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    let (status, kept) = call(a, "GET", &v1, Some(&ada), b"").await;
    assert_eq!(
        (status, &kept["properties"]["flavors"]),
        (200, &made["properties"]["flavors"])
    );
    // Deleted: a version, then the model with the rest; deleting again finds nothing.
    let v2 = format!("{WS}/models/churn/versions/2?{V}");
    assert_eq!(call(a, "DELETE", &v2, Some(&ada), b"").await.0, 200);
    assert_eq!(call(a, "DELETE", &v2, Some(&ada), b"").await.0, 204);
    let model = format!("{WS}/models/churn?{V}");
    assert_eq!(call(a, "DELETE", &model, Some(&ada), b"").await.0, 200);
    assert_eq!(call(a, "GET", &v1, Some(&ada), b"").await.0, 404);
    drop(server);
    let server = start(&db, None).await;
    let ada = sign_in(server.addr, "Ada Lovelace").await;
    let (_, models) = call(
        server.addr,
        "GET",
        &format!("{WS}/models?{V}"),
        Some(&ada),
        b"",
    )
    .await;
    assert!(names(&models).is_empty(), "{models}");
}
