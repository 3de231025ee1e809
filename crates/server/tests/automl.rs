//! AutoML jobs on a server with a runner: a classification sweep of the diabetes sample, its
//! trials kept as child runs with their metrics and charts, the sweep's progress on the job's
//! run, and its best model as the job's `best_model` output; a target that cannot be
//! classified fails the job saying why; Cancel stops a sweep.

mod common;
use common::*;
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::time::Duration;

fn automl_job(target: &str, limits: Value) -> Value {
    json!({"properties": {"jobType": "AutoML", "experimentName": "automl-tests",
        "taskDetails": {"taskType": "Classification", "targetColumnName": target, "primaryMetric": "AUCWeighted",
            "trainingData": {"jobInputType": "mltable", "uri": TABLE},
            "nCrossValidations": {"mode": "Custom", "value": 3},
            "limitSettings": limits}}})
}

/// Waits for the job to reach one of `statuses` (two minutes at most); answers it.
async fn wait_for(a: SocketAddr, token: &str, name: &str, statuses: &[&str]) -> Value {
    wait_within(a, token, name, statuses, Duration::from_secs(120)).await
}

fn mlflow(call: &str) -> String {
    format!("/mlflow/v1.0{WS}/api/2.0/mlflow/{call}")
}

#[tokio::test]
async fn an_automl_job_trains_real_trials_keeps_them_as_child_runs_and_leaves_its_best_model() {
    let (_db, server) = runner_server("automl-run", &[]).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    upload_table(a, &ada).await;
    let made = submit(
        a,
        &ada,
        "automl_diabetes",
        automl_job(
            "Diabetic",
            json!({"maxTrials": 9, "enableEarlyTermination": false}),
        ),
    )
    .await;
    assert_eq!(made["properties"]["jobType"], "AutoML");
    assert_eq!(
        made["properties"]["outputs"]["best_model"]["jobOutputType"], "mlflow_model",
        "{made}"
    );
    let done = wait_for(a, &ada, "automl_diabetes", &["Completed", "Failed"]).await;
    assert_eq!(done["properties"]["status"], "Completed", "{done}");

    // Nine trials and the ensemble, each a finished child run with Azure's metrics.
    let search = json!({"experiment_ids": [made["properties"]["experimentId"].as_str().unwrap_or("")],
        "filter": "tags.mlflow.parentRunId = 'automl_diabetes'", "max_results": 100});
    let (_, experiment) = call(
        a,
        "GET",
        &mlflow("experiments/get-by-name?experiment_name=automl-tests"),
        Some(&ada),
        b"",
    )
    .await;
    let mut search = search;
    search["experiment_ids"] = json!([experiment["experiment"]["experiment_id"]]);
    let (status, children) = call(
        a,
        "POST",
        &mlflow("runs/search"),
        Some(&ada),
        search.to_string().as_bytes(),
    )
    .await;
    assert_eq!(status, 200, "{children}");
    let runs = children["runs"].as_array().unwrap();
    // Nine trials; on this table no blend beats the best linear model, so no ensemble.
    assert_eq!(runs.len(), 9, "{children}");
    let metric = |run: &Value, key: &str| {
        run["data"]["metrics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["key"] == key)
            .and_then(|m| m["value"].as_f64())
    };
    for run in runs {
        assert_eq!(run["info"]["status"], "FINISHED");
        let auc = metric(run, "AUC_weighted").unwrap();
        assert!(auc > 0.6 && auc <= 1.0, "{run}");
        for name in [
            "accuracy",
            "log_loss",
            "f1_score_weighted",
            "matthews_correlation",
            "norm_macro_recall",
        ] {
            assert!(metric(run, name).is_some(), "{name}: {run}");
        }
    }
    let algorithms: Vec<&str> = runs
        .iter()
        .filter_map(|r| {
            r["data"]["params"]
                .as_array()?
                .iter()
                .find(|p| p["key"] == "algorithm")?["value"]
                .as_str()
        })
        .collect();
    for name in [
        "LogisticRegression",
        "GradientBoosting",
        "RandomForest",
        "ExtremeRandomTrees",
        "DecisionTree",
        "LinearSVM",
        "KNN",
        "BernoulliNaiveBayes",
    ] {
        assert!(algorithms.contains(&name), "{algorithms:?}");
    }

    // The job's run charts the best so far, trial by trial; its best child holds the model.
    let (_, history) = call(
        a,
        "GET",
        &mlflow("metrics/get-history?run_id=automl_diabetes&metric_key=AUC_weighted"),
        Some(&ada),
        b"",
    )
    .await;
    let points: Vec<f64> = history["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["value"].as_f64().unwrap())
        .collect();
    assert_eq!(points.len(), 9, "{history}");
    assert!(points.windows(2).all(|w| w[0] <= w[1]), "{points:?}");
    let (_, parent) = call(
        a,
        "GET",
        &mlflow("runs/get?run_id=automl_diabetes"),
        Some(&ada),
        b"",
    )
    .await;
    let tags = parent["run"]["data"]["tags"].as_array().unwrap();
    let best = tags
        .iter()
        .find(|t| t["key"] == "azureml.automl_best_child_run_id")
        .unwrap()["value"]
        .as_str()
        .unwrap()
        .to_owned();
    let best_auc = runs
        .iter()
        .filter_map(|r| metric(r, "AUC_weighted"))
        .fold(0.0, f64::max);
    let best_run = runs
        .iter()
        .find(|r| r["info"]["run_id"] == best.as_str())
        .unwrap();
    assert_eq!(metric(best_run, "AUC_weighted"), Some(best_auc));
    assert!(best_auc > 0.8, "{best_auc}");
    let (_, listed) = call(
        a,
        "GET",
        &mlflow(&format!("artifacts/list?run_id={best}&path=outputs/model")),
        Some(&ada),
        b"",
    )
    .await;
    let files: Vec<&str> = listed["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect();
    assert_eq!(
        files,
        ["outputs/model/MLmodel", "outputs/model/model.azimuth"],
        "{listed}"
    );
    let (_, charts) = call(
        a,
        "GET",
        &mlflow(&format!("artifacts/list?run_id={best}&path=automl")),
        Some(&ada),
        b"",
    )
    .await;
    assert!(charts.to_string().contains("charts.json"), "{charts}");
    let output = format!("/api/files/content?wsid={WS}&datastore=workspaceblobstore&path=azureml/automl_diabetes/best_model/MLmodel");
    let (status, _, mlmodel) = call_raw(a, "GET", &output, Some(&ada), b"").await;
    assert_eq!(status, 200);
    let mlmodel = String::from_utf8_lossy(&mlmodel);
    assert!(
        mlmodel.contains("model_file: model.azimuth")
            && mlmodel.contains(&format!("run_id: {best}")),
        "{mlmodel}"
    );
    // The best model registers from the job's named output, and from the best trial's run.
    for (version, uri) in [
        (
            "1",
            "azureml://jobs/automl_diabetes/outputs/best_model".to_owned(),
        ),
        ("2", format!("runs:/{best}/outputs/model")),
    ] {
        let body = json!({"properties": {"modelType": "mlflow_model", "modelUri": uri}});
        let path = format!("{WS}/models/diabetes-best/versions/{version}?{V}");
        let (status, made) = call(a, "PUT", &path, Some(&ada), body.to_string().as_bytes()).await;
        assert_eq!(status, 201, "{made}");
        assert_eq!(
            made["properties"]["flavors"]["azimuth"]["data"]["model_file"], "model.azimuth",
            "{made}"
        );
    }
}

#[tokio::test]
async fn a_target_that_cannot_be_classified_fails_the_job_and_cancel_stops_a_sweep() {
    let (_db, server) = runner_server("automl-refused", &[]).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    upload_table(a, &ada).await;
    submit(
        a,
        &ada,
        "by_id",
        automl_job("PatientID", json!({"maxTrials": 2})),
    )
    .await;
    let failed = wait_for(a, &ada, "by_id", &["Completed", "Failed"]).await;
    let reason = failed["properties"]["statusReason"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(failed["properties"]["status"], "Failed", "{failed}");
    assert!(
        reason.contains("'PatientID'") && reason.contains("too many classes"),
        "{reason}"
    );
    submit(
        a,
        &ada,
        "missing",
        automl_job("Outcome", json!({"maxTrials": 2})),
    )
    .await;
    let failed = wait_for(a, &ada, "missing", &["Completed", "Failed"]).await;
    assert!(
        failed["properties"]["statusReason"]
            .as_str()
            .unwrap_or_default()
            .contains("'Outcome'"),
        "{failed}"
    );

    // A table whose MLTable reads outside its folder is refused, and nothing is read.
    let escape = format!("/api/files?wsid={WS}&datastore=workspaceblobstore&path=escape/MLTable");
    let mltable = "paths:\n  - file: ../../../azimuth.db\ntransformations:\n  - read_delimited:\n      delimiter: ','\n";
    assert_eq!(
        call(a, "PUT", &escape, Some(&ada), mltable.as_bytes())
            .await
            .0,
        201
    );
    let mut body = automl_job("Diabetic", json!({"maxTrials": 2}));
    body["properties"]["taskDetails"]["trainingData"]["uri"] =
        json!("azureml://datastores/workspaceblobstore/paths/escape/");
    submit(a, &ada, "escaping", body).await;
    let failed = wait_for(a, &ada, "escaping", &["Completed", "Failed"]).await;
    let reason = failed["properties"]["statusReason"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(reason.contains("outside its folder"), "{reason}");

    submit(
        a,
        &ada,
        "long_sweep",
        automl_job(
            "Diabetic",
            json!({"maxTrials": 1000, "enableEarlyTermination": false}),
        ),
    )
    .await;
    wait_for(a, &ada, "long_sweep", &["Running"]).await;
    let (status, _) = call(
        a,
        "POST",
        &format!("{WS}/jobs/long_sweep/cancel?{V}"),
        Some(&ada),
        b"",
    )
    .await;
    assert_eq!(status, 200);
    let canceled = wait_for(a, &ada, "long_sweep", &["Canceled", "Completed", "Failed"]).await;
    assert_eq!(canceled["properties"]["status"], "Canceled", "{canceled}");
}

#[tokio::test]
async fn a_voting_ensemble_that_scores_best_is_the_best_model() {
    let (_db, server) = runner_server("automl-ensemble", &[]).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    upload_table(a, &ada).await;
    let mut body = automl_job("Diabetic", json!({"maxTrials": 3}));
    body["properties"]["taskDetails"]["trainingSettings"] =
        json!({"allowedTrainingAlgorithms": ["KNN", "BernoulliNaiveBayes", "DecisionTree"]});
    submit(a, &ada, "blend", body).await;
    let done = wait_for(a, &ada, "blend", &["Completed", "Failed"]).await;
    assert_eq!(done["properties"]["status"], "Completed", "{done}");
    let best = done["properties"]["properties"]["azureml.automl_best_child_run_id"]
        .as_str()
        .unwrap();
    assert_eq!(best, "blend_3", "{done}");
    assert_eq!(
        done["properties"]["properties"]["azureml.run_algorithm"],
        "VotingEnsemble"
    );
    let (_, run) = call(
        a,
        "GET",
        &mlflow("runs/get?run_id=blend_3"),
        Some(&ada),
        b"",
    )
    .await;
    let members = run["run"]["data"]["params"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["key"] == "ensemble_members")
        .and_then(|p| p["value"].as_str())
        .unwrap()
        .to_owned();
    assert!(members.split(',').count() >= 2, "{members}");
    let output = format!("/api/files/content?wsid={WS}&datastore=workspaceblobstore&path=azureml/blend/best_model/MLmodel");
    let (status, _, mlmodel) = call_raw(a, "GET", &output, Some(&ada), b"").await;
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&mlmodel).contains("algorithm: VotingEnsemble"));
}

#[tokio::test]
async fn an_automl_job_holds_its_cluster_node_and_fails_when_the_cluster_is_deleted() {
    let (_db, server) = runner_server("automl-compute", &[]).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    upload_table(a, &ada).await;
    let cluster = json!({"properties": {"computeType": "AmlCompute", "properties": {
        "vmSize": "STANDARD_DS3_V2", "scaleSettings": {"minNodeCount": 0, "maxNodeCount": 1, "nodeIdleTimeBeforeScaleDown": "PT120S"}}}});
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
    let mut body = automl_job(
        "Diabetic",
        json!({"maxTrials": 1000, "enableEarlyTermination": false}),
    );
    body["properties"]["computeId"] = json!("azureml:cpu-cluster");
    submit(a, &ada, "on_cluster", body).await;
    wait_for(a, &ada, "on_cluster", &["Running"]).await;
    let (_, held) = call(a, "GET", &compute, Some(&ada), b"").await;
    assert_eq!(
        held["properties"]["properties"]["nodeStateCounts"]["runningNodeCount"], 1,
        "{held}"
    );
    let (status, _) = call(a, "DELETE", &compute, Some(&ada), b"").await;
    assert!(status == 200 || status == 202 || status == 204, "{status}");
    let ended = wait_for(a, &ada, "on_cluster", &["Failed", "Completed", "Canceled"]).await;
    assert_eq!(ended["properties"]["status"], "Failed", "{ended}");
    let reason = ended["properties"]["statusReason"]
        .as_str()
        .unwrap_or_default();
    assert!(reason.contains("cpu-cluster"), "{reason}");
}

#[tokio::test]
async fn trials_train_together_on_a_clusters_nodes_and_the_best_model_is_tested_on_held_out_rows() {
    let (_db, server) = runner_server("automl-test-data", &[]).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    upload_table(a, &ada).await;
    let cluster = json!({"properties": {"computeType": "AmlCompute", "properties": {
        "vmSize": "STANDARD_DS3_V2", "scaleSettings": {"minNodeCount": 0, "maxNodeCount": 2, "nodeIdleTimeBeforeScaleDown": "PT120S"}}}});
    let compute = format!("{WS}/computes/two-nodes?{V}");
    let body = cluster.to_string();
    let (status, made) = call(a, "PUT", &compute, Some(&ada), body.as_bytes()).await;
    assert!(status == 200 || status == 201, "{made}");
    let mut job = automl_job(
        "Diabetic",
        json!({"maxTrials": 4, "maxConcurrentTrials": 4, "enableEarlyTermination": false}),
    );
    job["properties"]["computeId"] = json!("azureml:two-nodes");
    job["properties"]["taskDetails"]["testDataSize"] = json!(0.2);
    job["properties"]["taskDetails"]["trainingSettings"] =
        json!({"allowedTrainingAlgorithms": ["LogisticRegression", "DecisionTree"]});
    submit(a, &ada, "tested", job).await;
    let done = wait_for(a, &ada, "tested", &["Completed", "Failed"]).await;
    assert_eq!(done["properties"]["status"], "Completed", "{done}");
    let test_run = done["properties"]["properties"]["azureml.automl_test_run_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let best = done["properties"]["properties"]["azureml.automl_best_child_run_id"]
        .as_str()
        .unwrap_or_default();
    assert_eq!(test_run, format!("{best}_test"), "{done}");

    // The test is a finished child run of the best trial, with Azure's metrics over the 20%.
    let (status, run) = call(
        a,
        "GET",
        &mlflow(&format!("runs/get?run_id={test_run}")),
        Some(&ada),
        b"",
    )
    .await;
    assert_eq!(status, 200, "{run}");
    let run = &run["run"];
    assert_eq!(run["info"]["status"], "FINISHED");
    let tags = run["data"]["tags"].as_array().unwrap();
    assert!(tags
        .iter()
        .any(|t| t["key"] == "mlflow.parentRunId" && t["value"] == best));
    let params = run["data"]["params"].as_array().unwrap();
    let rows = params.iter().find(|p| p["key"] == "test_rows").unwrap();
    assert_eq!(rows["value"], "200", "a fifth of the sample's 1000 rows");
    let auc = run["data"]["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["key"] == "AUC_weighted")
        .and_then(|m| m["value"].as_f64())
        .unwrap();
    assert!(auc > 0.75 && auc <= 1.0, "{auc}");
    let (status, _) = call(
        a,
        "GET",
        &mlflow(&format!("artifacts/list?run_id={test_run}&path=automl")),
        Some(&ada),
        b"",
    )
    .await;
    assert_eq!(status, 200);

    // The log says trials were drawn two at a time (the cluster's two nodes, not the four
    // asked), and the guardrails name the split.
    let log = job_log(a, &ada, "tested").await;
    assert!(log.contains("Up to 2 trials at a time"), "{log}");
    assert!(log.contains("Tested the best model on 200 rows"), "{log}");
}
