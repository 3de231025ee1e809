//! Batch endpoints on a server: an AutoML job's best model deployed to a batch endpoint on a
//! compute cluster, invoked with a folder of files (as azure-ai-ml's `batch_endpoints.invoke`
//! posts it), its job scoring every row into `predictions.csv`; a bad file against the error
//! threshold, a Reader refused, names shared with online endpoints, and the endpoint's jobs.

mod common;
use common::*;
use serde_json::{json, Value};
use std::time::Duration;

fn batch_path(rest: &str) -> String {
    format!("{WS}/batchEndpoints/{rest}?{V}")
}

/// Uploads `text` as `path` of workspaceblobstore.
async fn upload(a: std::net::SocketAddr, token: &str, path: &str, text: &str) {
    let url = format!("/api/files?wsid={WS}&datastore=workspaceblobstore&path={path}");
    let (status, body) = call(a, "PUT", &url, Some(token), text.as_bytes()).await;
    assert_eq!(status, 201, "{body}");
}

/// The diabetes sample's first `n` rows, without the label.
fn unlabeled(skip: usize, n: usize) -> String {
    let csv = azimuth_core::data::samples::sample_csv("diabetes").unwrap();
    let mut lines = csv.lines();
    let header = lines.next().unwrap();
    let label = header.split(',').position(|c| c == "Diabetic").unwrap();
    let drop_label = |line: &str| {
        let cells: Vec<&str> = line
            .split(',')
            .enumerate()
            .filter(|(i, _)| *i != label)
            .map(|(_, c)| c)
            .collect();
        cells.join(",")
    };
    let mut out = vec![drop_label(header)];
    out.extend(lines.skip(skip).take(n).map(drop_label));
    out.join("\n") + "\n"
}

/// Invokes `heart-batch` (the scoringUri's path `uri`) on `input`; answers status and body.
async fn invoke(a: std::net::SocketAddr, token: &str, uri: &str, input: Value) -> (u16, Value) {
    let body = json!({"properties": {"inputData": {"diabetes": input}}});
    call(a, "POST", uri, Some(token), body.to_string().as_bytes()).await
}

#[tokio::test]
async fn a_batch_endpoint_scores_every_row_of_a_folder_into_predictions_csv() {
    let (_db, server) = runner_server("batch-endpoints", &["--pace", "instant"]).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    let model = trained_model(a, &ada).await;
    let cluster = json!({"properties": {"computeType": "AmlCompute", "properties": {
        "vmSize": "STANDARD_DS3_V2", "scaleSettings": {"minNodeCount": 0, "maxNodeCount": 1}}}});
    let compute = format!("{WS}/computes/cpu-cluster?{V}");
    let (status, made) = call(
        a,
        "PUT",
        &compute,
        Some(&ada),
        cluster.to_string().as_bytes(),
    )
    .await;
    assert!(status == 200 || status == 201, "{made}");

    let (status, endpoint) = call(
        a,
        "PUT",
        &batch_path("heart-batch"),
        Some(&ada),
        br#"{"properties": {"description": "nightly"}}"#,
    )
    .await;
    assert_eq!(status, 201, "{endpoint}");
    assert_eq!(endpoint["properties"]["authMode"], "AADToken");
    let scoring = endpoint["properties"]["scoringUri"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(scoring.ends_with("/heart-batch/jobs"), "{scoring}");
    let uri = format!(
        "/{}",
        scoring
            .split_once("://")
            .unwrap()
            .1
            .split_once('/')
            .unwrap()
            .1
    );
    // An online endpoint cannot take the name.
    let (status, clash) = call(
        a,
        "PUT",
        &format!("{WS}/onlineEndpoints/heart-batch?{V}"),
        Some(&ada),
        b"{}",
    )
    .await;
    assert_eq!(status, 409, "{clash}");

    let deployment = json!({"properties": {"model": {"referenceType": "Id", "assetId": model},
        "compute": format!("{WS}/computes/cpu-cluster"), "miniBatchSize": 2,
        "outputAction": "AppendRow", "outputFileName": "predictions.csv"}});
    let (status, made) = call(
        a,
        "PUT",
        &batch_path("heart-batch/deployments/classifier"),
        Some(&ada),
        deployment.to_string().as_bytes(),
    )
    .await;
    assert_eq!(status, 201, "{made}");
    let (_, endpoint) = call(a, "GET", &batch_path("heart-batch"), Some(&ada), b"").await;
    assert_eq!(
        endpoint["properties"]["defaults"]["deploymentName"],
        "classifier"
    );

    // Three files in a folder (one in a subfolder), scored two files per mini-batch.
    upload(a, &ada, "unlabeled/part-0.csv", &unlabeled(0, 40)).await;
    upload(a, &ada, "unlabeled/part-1.csv", &unlabeled(40, 25)).await;
    upload(a, &ada, "unlabeled/more/part-2.csv", &unlabeled(65, 10)).await;
    let folder = json!({"jobInputType": "UriFolder", "uri": "azureml://datastores/workspaceblobstore/paths/unlabeled/"});
    let (status, job) = invoke(a, &ada, &uri, folder.clone()).await;
    assert_eq!(status, 200, "{job}");
    let name = job["name"].as_str().unwrap().to_owned();
    assert!(name.starts_with("batchjob-"), "{name}");
    assert_eq!(job["properties"]["jobType"], "Pipeline");
    assert_eq!(job["properties"]["experimentName"], "heart-batch");
    let done = wait_within(
        a,
        &ada,
        &name,
        &["Completed", "Failed"],
        Duration::from_secs(60),
    )
    .await;
    assert_eq!(done["properties"]["status"], "Completed", "{done}");
    let output = format!("/api/files/content?wsid={WS}&datastore=workspaceblobstore&path=azureml/{name}/score/predictions.csv");
    let (status, _, body) = call_raw(a, "GET", &output, Some(&ada), b"").await;
    assert_eq!(status, 200);
    let text = String::from_utf8(body).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 75, "{text}");
    assert_eq!(lines[0].split(',').collect::<Vec<_>>()[0], "0");
    assert!(
        lines.iter().all(|l| {
            let c: Vec<&str> = l.split(',').collect();
            c.len() == 3 && (c[1] == "0" || c[1] == "1")
        }),
        "{text}"
    );
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.ends_with(",more/part-2.csv"))
            .count(),
        10
    );
    // Files are taken in path order: more/part-2.csv and part-0.csv, then part-1.csv.
    let log = job_log(a, &ada, &name).await;
    assert!(
        log.contains("Mini-batch 2/2: 1 file(s), 25 row(s) scored."),
        "{log}"
    );
    assert!(log.contains("Scored 75 row(s) of 3 file(s)"), "{log}");

    // A file that cannot be scored fails its mini-batch; with a threshold of 0, the job.
    upload(a, &ada, "broken/part-0.csv", &unlabeled(0, 5)).await;
    upload(a, &ada, "broken/part-1.csv", "Pregnancies,Age\nmany,old\n").await;
    let body = json!({"properties": {"inputData": {"diabetes": {"jobInputType": "UriFolder", "uri": "azureml://datastores/workspaceblobstore/paths/broken/"}}, "errorThreshold": 0, "miniBatchSize": 1}});
    let (status, job) = call(a, "POST", &uri, Some(&ada), body.to_string().as_bytes()).await;
    assert_eq!(status, 200, "{job}");
    let failed = wait_within(
        a,
        &ada,
        job["name"].as_str().unwrap(),
        &["Completed", "Failed"],
        Duration::from_secs(60),
    )
    .await;
    assert_eq!(failed["properties"]["status"], "Failed", "{failed}");
    let why = failed["properties"]["statusReason"].as_str().unwrap();
    assert!(
        why.contains("part-1.csv") && why.contains("error threshold"),
        "{why}"
    );

    // Refusals: no such data, a Reader, no such deployment; the endpoint lists its jobs.
    let (status, body) = invoke(
        a,
        &ada,
        &uri,
        json!({"jobInputType": "UriFolder", "uri": "azureml:nothing:1"}),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("nothing"),
        "{body}"
    );
    let alan = sign_in(a, "Alan Turing").await;
    let (status, body) = invoke(a, &alan, &uri, folder.clone()).await;
    assert_eq!(status, 403, "{body}");
    let (status, body) = call(a, "POST", &uri, None, b"{}").await;
    assert_eq!(status, 401, "{body}");
    let (status, listed) = call(a, "GET", &batch_path("heart-batch/jobs"), Some(&ada), b"").await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(listed["value"].as_array().unwrap().len(), 2, "{listed}");
    // The model stays while deployed; the endpoint goes with its deployments, its jobs stay.
    let (status, body) = call(
        a,
        "DELETE",
        &format!("{WS}/models/diabetes-best/versions/1?{V}"),
        Some(&ada),
        b"",
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let (status, _) = call(a, "DELETE", &batch_path("heart-batch"), Some(&ada), b"").await;
    assert_eq!(status, 200);
    let (status, _) = call(a, "GET", &job_path(&name), Some(&ada), b"").await;
    assert_eq!(status, 200);
}
