//! azimuth-server end to end: the event stream, the OpenAPI document and paging.

mod common;

use azimuth_server::config::Config;
use azimuth_server::state::AppState;
use common::*;
use tokio::io::AsyncWriteExt;

#[tokio::test]
async fn every_change_reaches_the_event_stream_and_workspace_reads_need_a_session() {
    let server = start(&temp_db("events"), None).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    assert_eq!(call(a, "GET", "/api/events", None, b"").await.0, 401);
    assert_eq!(
        call(a, "GET", &format!("/api/workspace?wsid={WS}"), None, b"")
            .await
            .0,
        401
    );
    let (status, ws) = call(
        a,
        "GET",
        &format!("/api/workspace?wsid={WS}"),
        Some(&ada),
        b"",
    )
    .await;
    assert_eq!(
        (status, ws["resource"]["name"].as_str()),
        (200, Some("mlw-azimuth-lab"))
    );
    // The studio's way in: the session cookie that /api/workspace (and signing in) sets, so the
    // token never travels in a URL; other clients may use ?access_token=.
    let (_, head, _) = call_with(
        a,
        "GET",
        &format!("/api/workspace?wsid={WS}"),
        Some(&ada),
        "",
        b"",
    )
    .await;
    let cookie = header(&head, "set-cookie").expect("the events cookie is set");
    assert!(
        cookie.contains("httponly") && cookie.contains("samesite=strict"),
        "{cookie}"
    );
    assert!(cookie.contains("path=/api/events"), "{cookie}");
    let with_query = format!("/api/events?access_token={ada}");
    // A refused stream answers 401 at once; an accepted one stays open (and times out here).
    let (status, _) = tokio::time::timeout(
        std::time::Duration::from_millis(300),
        call(a, "GET", &with_query, None, b""),
    )
    .await
    .unwrap_or((200, serde_json::Value::Null));
    assert_eq!(status, 200, "?access_token= is accepted too");
    let (_, head, _) = call_with(a, "DELETE", "/api/session", Some(&ada), "", b"").await;
    assert!(header(&head, "set-cookie").is_some_and(|c| c.contains("max-age=0")));
    let (status, _) = call(a, "GET", &with_query, None, b"").await;
    assert_eq!(status, 401, "a signed-out session has no events");
    let ada = sign_in(a, "Ada Lovelace").await;
    let mut stream = tokio::net::TcpStream::connect(a).await.unwrap();
    let request = format!(
        "GET /api/events HTTP/1.1\r\nHost: {a}\r\nCookie: theme=dark; azimuth_session={ada}\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut seen = String::new();
    read_until(&mut stream, &mut seen, 1)
        .await
        .expect("the current version comes first");
    let path = format!("{WS}/computes/ci-live?{V}");
    assert_eq!(
        call(a, "PUT", &path, Some(&ada), &instance("Standard_DS11_v2"))
            .await
            .0,
        201
    );
    read_until(&mut stream, &mut seen, 2)
        .await
        .expect("a change is announced within a second");
    server.task.abort();
}

#[tokio::test]
async fn the_openapi_document_lists_every_route_and_every_listed_route_answers() {
    let server = start(&temp_db("openapi"), None).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    let (status, doc) = call(a, "GET", "/openapi.json", None, b"").await;
    assert_eq!((status, doc["openapi"].as_str()), (200, Some("3.0.3")));
    let templates: Vec<(String, Vec<String>)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(p, ops)| {
            (
                p.clone(),
                ops.as_object().unwrap().keys().cloned().collect(),
            )
        })
        .collect();
    let sub = "/subscriptions/6f1c0a52-5a3b-4b7e-9d2e-3f7a1c2b9e10";
    let mlflow = |call: &str| format!("/mlflow/v1.0{WS}/api/2.0/{call}");
    let loc = format!("{sub}/providers/Microsoft.MachineLearningServices/locations/eastus");
    // Every path the server answers, one sample of each.
    let served: Vec<(&str, String)> = vec![
        ("get", "/api/health".into()),
        ("get", "/api/members".into()),
        ("post", "/api/session".into()),
        ("delete", "/api/session".into()),
        ("get", "/api/events".into()),
        ("get", "/api/installation".into()),
        ("get", "/api/open?wsid=&last=".into()),
        ("post", "/api/workspaces/recover".into()),
        ("get", format!("/api/workspace?wsid={WS}")),
        ("put", format!("/api/settings?wsid={WS}")),
        ("post", "/api/computes/ci-doc/applications/Jupyter".into()),
        ("post", "/api/computes/ci-doc/skipShutdown".into()),
        ("post", "/api/clock".into()),
        ("post", "/api/tokens".into()),
        ("get", "/api/tokens".into()),
        ("delete", "/api/tokens/0123456789ab".into()),
        ("get", format!("/api/jobs/experiments?wsid={WS}")),
        ("get", format!("/api/jobs/table?wsid={WS}")),
        ("get", format!("/api/jobs/metric?wsid={WS}&run=none&key=loss")),
        ("post", mlflow("mlflow/experiments/create")),
        ("get", mlflow("mlflow/experiments/get")),
        ("get", mlflow("mlflow/experiments/get-by-name")),
        ("post", mlflow("mlflow/experiments/search")),
        ("post", mlflow("mlflow/experiments/update")),
        ("post", mlflow("mlflow/experiments/delete")),
        ("post", mlflow("mlflow/experiments/restore")),
        ("post", mlflow("mlflow/experiments/set-experiment-tag")),
        ("post", mlflow("mlflow/experiments/delete-experiment-tag")),
        ("post", mlflow("mlflow/runs/create")),
        ("get", mlflow("mlflow/runs/get")),
        ("post", mlflow("mlflow/runs/update")),
        ("post", mlflow("mlflow/runs/delete")),
        ("post", mlflow("mlflow/runs/restore")),
        ("post", mlflow("mlflow/runs/search")),
        ("post", mlflow("mlflow/runs/log-metric")),
        ("post", mlflow("mlflow/runs/log-parameter")),
        ("post", mlflow("mlflow/runs/set-tag")),
        ("post", mlflow("mlflow/runs/delete-tag")),
        ("post", mlflow("mlflow/runs/log-batch")),
        ("post", mlflow("mlflow/runs/log-inputs")),
        ("get", mlflow("mlflow/metrics/get-history")),
        ("get", mlflow("mlflow/metrics/get-history-bulk-interval")),
        ("get", mlflow("mlflow/artifacts/list")),
        ("post", mlflow("mlflow/logged-models/search")),
        ("post", mlflow("mlflow/registered-models/create")),
        ("get", mlflow("mlflow/registered-models/get")),
        ("get", mlflow("mlflow/registered-models/search")),
        ("post", mlflow("mlflow/registered-models/search")),
        ("post", mlflow("mlflow/registered-models/rename")),
        ("patch", mlflow("mlflow/registered-models/update")),
        ("delete", mlflow("mlflow/registered-models/delete")),
        ("get", mlflow("mlflow/registered-models/get-latest-versions")),
        ("post", mlflow("mlflow/registered-models/get-latest-versions")),
        ("post", mlflow("mlflow/registered-models/set-tag")),
        ("delete", mlflow("mlflow/registered-models/delete-tag")),
        ("post", mlflow("mlflow/registered-models/alias")),
        ("delete", mlflow("mlflow/registered-models/alias")),
        ("get", mlflow("mlflow/registered-models/alias")),
        ("post", mlflow("mlflow/model-versions/create")),
        ("get", mlflow("mlflow/model-versions/get")),
        ("get", mlflow("mlflow/model-versions/search")),
        ("post", mlflow("mlflow/model-versions/search")),
        ("patch", mlflow("mlflow/model-versions/update")),
        ("delete", mlflow("mlflow/model-versions/delete")),
        ("post", mlflow("mlflow/model-versions/transition-stage")),
        ("post", mlflow("mlflow/model-versions/set-tag")),
        ("delete", mlflow("mlflow/model-versions/delete-tag")),
        ("get", mlflow("mlflow/model-versions/get-download-uri")),
        ("get", mlflow("mlflow-artifacts/artifacts")),
        ("get", mlflow("mlflow-artifacts/artifacts/ExperimentRun")),
        ("put", mlflow("mlflow-artifacts/artifacts/ExperimentRun")),
        ("delete", mlflow("mlflow-artifacts/artifacts/ExperimentRun")),
        ("get", "/studio.json".into()),
        ("get", "/openapi.json".into()),
        ("get", "/subscriptions".into()),
        ("get", sub.into()),
        ("get", format!("{sub}/resourcegroups")),
        ("get", format!("{sub}/resourcegroups/rg-azimuth-lab")),
        ("head", format!("{sub}/resourcegroups/rg-azimuth-lab")),
        ("put", format!("{sub}/resourcegroups/rg-doc")),
        ("delete", format!("{sub}/resourcegroups/rg-doc")),
        ("get", format!("{sub}/providers/Microsoft.MachineLearningServices/workspaces")),
        ("get", format!("{sub}/resourceGroups/rg-azimuth-lab/providers/Microsoft.MachineLearningServices/workspaces")),
        ("get", WS.into()),
        ("put", format!("{WS}-doc")),
        ("patch", WS.into()),
        ("delete", format!("{WS}-doc")),
        ("get", format!("{sub}/providers/Microsoft.Authorization/roleDefinitions")),
        ("get", format!("{WS}/providers/Microsoft.Authorization/roleAssignments")),
        ("get", format!("{WS}/providers/Microsoft.Authorization/roleAssignments/0b9a7f1e-1d2c-4b3a-8e5f-6a7b8c9d0e1f")),
        ("put", format!("{WS}/providers/Microsoft.Authorization/roleAssignments/0b9a7f1e-1d2c-4b3a-8e5f-6a7b8c9d0e1f")),
        ("delete", format!("{WS}/providers/Microsoft.Authorization/roleAssignments/0b9a7f1e-1d2c-4b3a-8e5f-6a7b8c9d0e1f")),
        ("get", format!("{WS}/computes")),
        ("get", format!("{WS}/computes/ci-doc")),
        ("put", format!("{WS}/computes/ci-doc")),
        ("patch", format!("{WS}/computes/ci-doc")),
        ("delete", format!("{WS}/computes/ci-doc")),
        ("post", format!("{WS}/computes/ci-doc/start")),
        ("post", format!("{WS}/computes/ci-doc/stop")),
        ("post", format!("{WS}/computes/ci-doc/restart")),
        ("post", format!("{WS}/computes/ci-doc/listNodes")),
        ("post", format!("{WS}/computes/ci-doc/updateIdleShutdownSetting")),
        ("post", format!("{WS}/computes/ci-doc/enableSso")),
        ("get", format!("{WS}/datastores")),
        ("get", format!("{WS}/datastores/workspaceblobstore")),
        ("put", format!("{WS}/datastores/doc_store")),
        ("delete", format!("{WS}/datastores/doc_store")),
        ("post", format!("{WS}/datastores/workspaceblobstore/listSecrets")),
        ("get", format!("{WS}/jobs")),
        ("get", format!("{WS}/jobs/doc_job")),
        ("put", format!("{WS}/jobs/doc_job")),
        ("delete", format!("{WS}/jobs/doc_job")),
        ("post", format!("{WS}/jobs/doc_job/cancel")),
        ("get", format!("{WS}/codes/doc_code")),
        ("get", format!("{WS}/codes/doc_code/versions")),
        ("get", format!("{WS}/codes/doc_code/versions/1")),
        ("put", format!("{WS}/codes/doc_code/versions/1")),
        ("post", format!("{WS}/codes/doc_code/versions/1/startPendingUpload")),
        ("put", "/blob/acct/0123456789abcdef0123456789abcdef/train.py".into()),
        ("head", "/blob/acct/0123456789abcdef0123456789abcdef/train.py".into()),
        ("get", "/blob/acct/0123456789abcdef0123456789abcdef/train.py".into()),
        ("get", format!("{WS}/data")),
        ("get", format!("{WS}/data/doc-data")),
        ("put", format!("{WS}/data/doc-data")),
        ("get", format!("{WS}/data/doc-data/versions")),
        ("get", format!("{WS}/data/doc-data/versions/1")),
        ("put", format!("{WS}/data/doc-data/versions/1")),
        ("get", format!("{WS}/models")),
        ("get", format!("{WS}/models/doc-model")),
        ("put", format!("{WS}/models/doc-model")),
        ("delete", format!("{WS}/models/doc-model")),
        ("get", format!("{WS}/models/doc-model/versions")),
        ("get", format!("{WS}/models/doc-model/versions/1")),
        ("put", format!("{WS}/models/doc-model/versions/1")),
        ("delete", format!("{WS}/models/doc-model/versions/1")),
        ("get", format!("{WS}/onlineEndpoints")),
        ("get", format!("{WS}/onlineEndpoints/doc-ep")),
        ("put", format!("{WS}/onlineEndpoints/doc-ep")),
        ("patch", format!("{WS}/onlineEndpoints/doc-ep")),
        ("delete", format!("{WS}/onlineEndpoints/doc-ep")),
        ("post", format!("{WS}/onlineEndpoints/doc-ep/listKeys")),
        ("post", format!("{WS}/onlineEndpoints/doc-ep/regenerateKeys")),
        ("post", format!("{WS}/onlineEndpoints/doc-ep/token")),
        ("get", format!("{WS}/onlineEndpoints/doc-ep/deployments")),
        ("get", format!("{WS}/onlineEndpoints/doc-ep/deployments/blue")),
        ("put", format!("{WS}/onlineEndpoints/doc-ep/deployments/blue")),
        ("patch", format!("{WS}/onlineEndpoints/doc-ep/deployments/blue")),
        ("delete", format!("{WS}/onlineEndpoints/doc-ep/deployments/blue")),
        ("post", format!("{WS}/onlineEndpoints/doc-ep/deployments/blue/getLogs")),
        ("post", "/inference/eastus/doc-ep/score".into()),
        ("get", "/inference/eastus/doc-ep/swagger.json".into()),
        ("get", format!("/api/endpoints/metrics?wsid={WS}&endpoint=doc-ep")),
        ("get", format!("/api/files?wsid={WS}&path=")),
        ("put", format!("/api/files?wsid={WS}&path=doc.json")),
        ("delete", format!("/api/files?wsid={WS}&path=doc.json")),
        ("get", format!("/api/files/content?wsid={WS}&path=doc.json")),
        ("post", format!("/api/files/folder?wsid={WS}&path=docs/")),
        ("post", format!("/api/files/move?wsid={WS}&path=docs/&to=docs2/")),
        ("get", "/api/kernelspecs".into()),
        ("get", format!("/api/computes/ci-doc/kernels?wsid={WS}")),
        ("post", format!("/api/computes/ci-doc/kernels?wsid={WS}")),
        ("post", "/api/kernels/none/execute".into()),
        ("post", "/api/kernels/none/interrupt".into()),
        ("post", "/api/kernels/none/restart".into()),
        ("delete", "/api/kernels/none".into()),
        ("get", "/api/kernels/identity".into()),
        ("get", "/metadata/endpoints".into()),
        ("get", format!("{loc}/vmSizes")),
        ("get", format!("{loc}/usages")),
        ("get", format!("{loc}/computeOperationsStatus/rg-azimuth-lab~mlw-azimuth-lab~ci-doc~Create~1")),
        ("get", format!("{loc}/mfeOperationsStatus/rg-azimuth-lab~mlw-azimuth-lab~~Create~1")),
    ];
    for (method, path) in &served {
        assert!(
            templates
                .iter()
                .any(|(t, methods)| fits(t, path) && methods.iter().any(|m| m == method)),
            "{method} {path} is served but not in /openapi.json"
        );
    }
    assert_eq!(
        served.len(),
        templates.iter().map(|(_, m)| m.len()).sum::<usize>(),
        "every documented route has a sample"
    );
    // And every documented route answers (anything but "no such route").
    for (method, path) in &served {
        let query = if path.starts_with("/subscriptions") {
            format!("{path}?{V}")
        } else {
            path.clone()
        };
        let (status, body) = call(
            a,
            &method.to_uppercase(),
            &query,
            Some(&ada),
            &instance("Standard_DS11_v2"),
        )
        .await;
        let code = body["error"]["code"].as_str().unwrap_or("");
        assert!(
            status != 405 && code != "NotFound" && status < 500,
            "{method} {path}: {status} {body}"
        );
    }
    server.task.abort();
}

#[tokio::test]
async fn a_long_list_is_paged_with_next_link() {
    let mut config =
        Config::from_args(["--vcpu-quota".to_owned(), "1000".to_owned()], |_| None).unwrap();
    config.db = temp_db("paging");
    config.files = config.db.with_file_name("files");
    config.pace = Some(azimuth_core::Pace::Instant);
    config.demo = true;
    let state = AppState::open(config).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let a = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        axum::serve(listener, azimuth_server::app(state))
            .await
            .unwrap()
    });
    let ada = sign_in(a, "Ada Lovelace").await;
    for i in 0..60 {
        let path = format!("{WS}/computes/ci-page-{i:02}x?{V}");
        assert_eq!(
            call(a, "PUT", &path, Some(&ada), &instance("Standard_DS1_v2"))
                .await
                .0,
            201
        );
    }
    let (_, first) = call(a, "GET", &format!("{WS}/computes?{V}"), Some(&ada), b"").await;
    assert_eq!(first["value"].as_array().unwrap().len(), 50);
    let next = first["nextLink"].as_str().expect("more follow");
    let (_, second) = call(
        a,
        "GET",
        &next[next.find("/subscriptions").unwrap()..],
        Some(&ada),
        b"",
    )
    .await;
    assert_eq!(second["value"].as_array().unwrap().len(), 10);
    assert!(second.get("nextLink").is_none());
    task.abort();
}
