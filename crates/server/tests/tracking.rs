//! MLflow's tracking API over raw HTTP, for what the mlflow client test does not reach: values
//! as protobuf's JSON writes them (strings for int64, "NaN"), what survives a restart, paged
//! histories and searches, sampled histories across runs, and the errors MLflow's clients
//! read (`error_code` with the right HTTP status).

mod common;

use common::*;
use serde_json::{json, Value};
use std::net::SocketAddr;

fn api(call: &str) -> String {
    format!("/mlflow/v1.0{WS}/api/2.0/mlflow/{call}")
}

async fn post(a: SocketAddr, token: &str, call_name: &str, body: Value) -> (u16, Value) {
    call(
        a,
        "POST",
        &api(call_name),
        Some(token),
        body.to_string().as_bytes(),
    )
    .await
}

async fn get(a: SocketAddr, token: &str, query: &str) -> (u16, Value) {
    call(a, "GET", &api(query), Some(token), b"").await
}

async fn new_run(a: SocketAddr, token: &str, experiment: &str, name: &str) -> String {
    let (status, made) = post(
        a,
        token,
        "runs/create",
        json!({"experiment_id": experiment, "run_name": name, "start_time": "1700000000000"}),
    )
    .await;
    assert_eq!(status, 200, "{made}");
    made["run"]["info"]["run_id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_run_keeps_what_it_logged_across_a_restart() {
    let db = temp_db("tracking-restart");
    let server = start(&db, None).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    let (status, made) = post(a, &ada, "experiments/create", json!({"name": "restart"})).await;
    assert_eq!(status, 200, "{made}");
    let experiment = made["experiment_id"].as_str().unwrap().to_owned();
    let run = new_run(a, &ada, &experiment, "kept").await;
    let batch = json!({
        "run_id": run,
        "metrics": [
            {"key": "loss", "value": 0.5, "timestamp": "1700000000001", "step": "0"},
            {"key": "loss", "value": "NaN", "timestamp": 1700000000002u64, "step": 1},
            {"key": "loss", "value": 0.25, "timestamp": 1700000000003u64, "step": 2}
        ],
        "params": [{"key": "lr", "value": "0.1"}],
        "tags": [{"key": "team", "value": "vision"}]
    });
    let (status, body) = post(a, &ada, "runs/log-batch", batch).await;
    assert_eq!(status, 200, "{body}");
    server.task.abort();

    let again = start(&db, None).await;
    let a = again.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    let (status, got) = get(a, &ada, &format!("runs/get?run_id={run}")).await;
    assert_eq!(status, 200, "{got}");
    let run_json = &got["run"];
    assert_eq!(run_json["info"]["run_name"], "kept");
    assert_eq!(run_json["info"]["start_time"], 1_700_000_000_000u64);
    assert_eq!(run_json["data"]["metrics"][0]["value"], 0.25);
    assert_eq!(
        run_json["data"]["params"],
        json!([{"key": "lr", "value": "0.1"}])
    );
    let (_, history) = get(
        a,
        &ada,
        &format!("metrics/get-history?run_id={run}&metric_key=loss"),
    )
    .await;
    let values: Vec<&Value> = history["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["value"])
        .collect();
    assert_eq!(
        values,
        [&json!(0.5), &json!("NaN"), &json!(0.25)],
        "{history}"
    );
    let (_, by_name) = get(a, &ada, "experiments/get-by-name?experiment_name=restart").await;
    assert_eq!(by_name["experiment"]["experiment_id"], experiment.as_str());
    let (_, defaults) = post(
        a,
        &ada,
        "experiments/search",
        json!({"filter": "name = 'Default'"}),
    )
    .await;
    assert_eq!(
        defaults["experiments"].as_array().unwrap().len(),
        1,
        "one Default, not a new one per start: {defaults}"
    );
}

#[tokio::test]
async fn histories_and_searches_come_in_pages() {
    let db = temp_db("tracking-pages");
    let server = start(&db, None).await;
    let a = server.addr;
    let grace = sign_in(a, "Grace Hopper").await;
    let first = new_run(a, &grace, "0", "long").await;
    for chunk in 0..3 {
        let metrics: Vec<Value> = (0..1000)
            .map(|i| {
                let step = chunk * 1000 + i;
                json!({"key": "loss", "value": 1.0 / f64::from(step + 1), "timestamp": step, "step": step})
            })
            .collect();
        let (status, body) = post(
            a,
            &grace,
            "runs/log-batch",
            json!({"run_id": first, "metrics": metrics}),
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }
    let mut steps = Vec::new();
    let mut token = String::new();
    loop {
        let (status, page) = get(
            a,
            &grace,
            &format!("metrics/get-history?run_id={first}&metric_key=loss&max_results=1000&page_token={token}"),
        )
        .await;
        assert_eq!(status, 200, "{page}");
        steps.extend(
            page["metrics"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["step"].as_i64().unwrap()),
        );
        match page["next_page_token"].as_str() {
            Some(next) => token = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(steps, (0..3000).collect::<Vec<i64>>());

    let second = new_run(a, &grace, "0", "short").await;
    let metrics: Vec<Value> = (0..10)
        .map(|s| json!({"key": "loss", "value": s, "timestamp": s, "step": s * 100}))
        .collect();
    post(
        a,
        &grace,
        "runs/log-batch",
        json!({"run_id": second, "metrics": metrics}),
    )
    .await;
    let (status, sampled) = get(
        a,
        &grace,
        &format!("metrics/get-history-bulk-interval?run_ids={first}&run_ids={second}&metric_key=loss&max_results=10&start_step=0&end_step=2999"),
    )
    .await;
    assert_eq!(status, 200, "{sampled}");
    let points = sampled["metrics"].as_array().unwrap();
    let of = |id: &str| {
        points
            .iter()
            .filter(|p| p["run_id"] == id)
            .map(|p| p["step"].as_i64().unwrap())
            .collect::<Vec<_>>()
    };
    let long = of(&first);
    assert!(
        long.len() <= 10 && long.first() == Some(&0) && long.last() == Some(&2999),
        "{long:?}"
    );

    for i in 0..23 {
        new_run(a, &grace, "0", &format!("r{i:02}")).await;
    }
    let mut names = Vec::new();
    let mut token = Value::Null;
    loop {
        let (status, page) = post(
            a,
            &grace,
            "runs/search",
            json!({"experiment_ids": ["0"], "max_results": 10, "page_token": token, "order_by": ["attributes.run_name"], "filter": "attributes.run_name LIKE 'r%' OR run_name = 'long'"}),
        )
        .await;
        assert_eq!(status, 200, "{page}");
        names.extend(
            page["runs"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["info"]["run_name"].as_str().unwrap().to_owned()),
        );
        token = page["next_page_token"].clone();
        if token.is_null() {
            break;
        }
    }
    assert_eq!(names.len(), 24, "{names:?}");
    assert_eq!((names[0].as_str(), names[23].as_str()), ("long", "r22"));
}

#[tokio::test]
async fn mistakes_get_mlflows_errors() {
    let db = temp_db("tracking-errors");
    let server = start(&db, None).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    let run = new_run(a, &ada, "0", "errors").await;

    let (status, body) = post(
        a,
        &ada,
        "runs/search",
        json!({"experiment_ids": ["0"], "filter": "metrics.loss < 'low'"}),
    )
    .await;
    assert_eq!(
        (status, body["error_code"].as_str()),
        (400, Some("INVALID_PARAMETER_VALUE")),
        "{body}"
    );
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("compared with numbers"));
    let (status, body) = post(
        a,
        &ada,
        "runs/search",
        json!({"experiment_ids": ["0"], "max_results": 0}),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = post(
        a,
        &ada,
        "runs/log-metric",
        json!({"run_id": run, "key": "../up", "value": 1, "timestamp": 0}),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = post(
        a,
        &ada,
        "runs/log-metric",
        json!({"run_id": run, "key": "x", "value": "high", "timestamp": 0}),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = post(a, &ada, "runs/teleport", json!({})).await;
    assert_eq!(
        (status, body["error_code"].as_str()),
        (404, Some("ENDPOINT_NOT_FOUND")),
        "{body}"
    );
    let (status, body) = call(
        a,
        "GET",
        "/mlflow/v1.0/api/2.0/mlflow/runs/get?run_id=x",
        Some(&ada),
        b"",
    )
    .await;
    assert_eq!(status, 404, "{body}");
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("mlFlowTrackingUri"));
    let elsewhere = api("runs/get?run_id=x").replace("mlw-azimuth-lab", "mlw-nowhere");
    let (status, body) = call(a, "GET", &elsewhere, Some(&ada), b"").await;
    assert_eq!(
        (status, body["error_code"].as_str()),
        (404, Some("RESOURCE_DOES_NOT_EXIST")),
        "{body}"
    );

    let katherine = sign_in(a, "Katherine Johnson").await;
    let (status, body) = post(a, &katherine, "runs/create", json!({"experiment_id": "0"})).await;
    assert_eq!(
        (status, body["error_code"].as_str()),
        (403, Some("PERMISSION_DENIED")),
        "{body}"
    );

    let artifacts = format!("/mlflow/v1.0{WS}/api/2.0/mlflow-artifacts/artifacts");
    let (status, body) = call(
        a,
        "PUT",
        &format!("{artifacts}/LocalUpload/evil.txt"),
        Some(&ada),
        b"x",
    )
    .await;
    assert_eq!(status, 400, "outside any run: {body}");
    let (status, body) = call(
        a,
        "PUT",
        &format!("{artifacts}/ExperimentRun/dcid.{run}/../../x"),
        Some(&ada),
        b"x",
    )
    .await;
    assert_eq!(status, 400, "a path that climbs out: {body}");
    let (status, _) = call(
        a,
        "PUT",
        &format!("{artifacts}/ExperimentRun/dcid.{run}/model/weights.bin"),
        Some(&ada),
        b"0123",
    )
    .await;
    assert_eq!(status, 200);
    let (status, listed) = get(a, &ada, &format!("artifacts/list?run_id={run}&path=model")).await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(
        listed["files"],
        json!([{"path": "model/weights.bin", "is_dir": false, "file_size": 4}])
    );
    // The run's files are files of the artifact store, as on Azure.
    let (status, files) = call(
        a,
        "GET",
        &format!("/api/files?wsid={WS}&datastore=workspaceartifactstore&path=ExperimentRun/dcid.{run}/model/"),
        Some(&ada),
        b"",
    )
    .await;
    assert_eq!(
        (status, files["files"][0]["name"].as_str()),
        (200, Some("weights.bin")),
        "{files}"
    );
}

#[tokio::test]
async fn a_workspace_purged_and_made_again_has_no_runs() {
    let db = temp_db("tracking-purge");
    let server = start(&db, None).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    let sub = "/subscriptions/6f1c0a52-5a3b-4b7e-9d2e-3f7a1c2b9e10";
    let group = format!("{sub}/resourcegroups/rg-again?api-version=2021-04-01");
    let body = json!({"location": "westeurope"}).to_string();
    assert!(call(a, "PUT", &group, Some(&ada), body.as_bytes()).await.0 < 300);
    let ws = format!(
        "{sub}/resourceGroups/rg-again/providers/Microsoft.MachineLearningServices/workspaces/mlw-again"
    );
    let made = json!({"location": "westeurope", "properties": {}}).to_string();
    let search = format!("/mlflow/v1.0{ws}/api/2.0/mlflow/runs/search");
    let find = json!({"experiment_ids": ["0"]}).to_string();
    let create = format!("/mlflow/v1.0{ws}/api/2.0/mlflow/runs/create");

    assert!(
        call(a, "PUT", &format!("{ws}?{V}"), Some(&ada), made.as_bytes())
            .await
            .0
            < 300
    );
    let (status, run) = call(a, "POST", &create, Some(&ada), b"{}").await;
    assert_eq!(status, 200, "{run}");
    let (_, found) = call(a, "POST", &search, Some(&ada), find.as_bytes()).await;
    assert_eq!(found["runs"].as_array().unwrap().len(), 1);
    let purge = format!("{ws}?{V}&forceToPurge=true");
    assert_eq!(call(a, "DELETE", &purge, Some(&ada), b"").await.0, 200);

    assert!(
        call(a, "PUT", &format!("{ws}?{V}"), Some(&ada), made.as_bytes())
            .await
            .0
            < 300
    );
    let (status, found) = call(a, "POST", &search, Some(&ada), find.as_bytes()).await;
    assert_eq!(status, 200, "{found}");
    assert!(
        found["runs"].is_null() || found["runs"].as_array().unwrap().is_empty(),
        "{found}"
    );
}

#[tokio::test]
async fn the_jobs_page_reads_a_table_page_and_a_chart_that_keeps_spikes() {
    let db = temp_db("tracking-studio");
    let server = start(&db, None).await;
    let a = server.addr;
    let grace = sign_in(a, "Grace Hopper").await;
    let mut ids = Vec::new();
    for (i, lr) in ["0.1", "0.01", "1"].iter().enumerate() {
        let run = new_run(a, &grace, "0", &format!("run-{i}")).await;
        let metrics: Vec<Value> = (0..4000)
            .map(|s| {
                // One spike at step 2500 of the second run.
                let value = if i == 1 && s == 2500 {
                    50.0
                } else {
                    f64::from(s % 7)
                };
                json!({"key": "loss", "value": value, "timestamp": s, "step": s})
            })
            .collect();
        // 999 metrics and a param: a batch holds at most 1000 things.
        for chunk in metrics.chunks(999) {
            let batch =
                json!({"run_id": run, "metrics": chunk, "params": [{"key": "lr", "value": lr}]});
            let (status, body) = post(a, &grace, "runs/log-batch", batch).await;
            assert_eq!(status, 200, "{body}");
        }
        ids.push(run);
    }
    let table = format!("/api/jobs/table?wsid={WS}&columns=param:lr,metric.max:loss&sort=param:lr&desc=true&limit=2");
    let (status, page) = call(a, "GET", &table, Some(&grace), b"").await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["total"], 3);
    let names: Vec<&str> = page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["run-2", "run-0"],
        "lr sorted as numbers, largest first, two rows"
    );
    assert_eq!(page["rows"][0]["values"], json!(["1", 6.0]));
    assert_eq!(page["rows"][0]["status"], "Running");
    assert_eq!(page["keys"]["metrics"], json!(["loss"]));
    // The studio's short form of the workspace names it too (its addresses carry that form).
    let short = "/subscriptions/6f1c0a52-5a3b-4b7e-9d2e-3f7a1c2b9e10/resourcegroups/rg-azimuth-lab/workspaces/mlw-azimuth-lab";
    let (status, same) = call(
        a,
        "GET",
        &format!("/api/jobs/table?wsid={short}"),
        Some(&grace),
        b"",
    )
    .await;
    assert_eq!((status, &same["total"]), (200, &json!(3)), "{same}");
    let filtered = format!("/api/jobs/table?wsid={WS}&filter=metrics.loss%20%3E%20100");
    let (_, none) = call(a, "GET", &filtered, Some(&grace), b"").await;
    assert_eq!(none["total"], 0, "{none}");
    let (status, bad) = call(
        a,
        "GET",
        &format!("/api/jobs/table?wsid={WS}&columns=nonsense"),
        Some(&grace),
        b"",
    )
    .await;
    assert_eq!(status, 400, "{bad}");

    let chart = format!(
        "/api/jobs/metric?wsid={WS}&run={}&key=loss&buckets=100",
        ids[1]
    );
    let (status, sampled) = call(a, "GET", &chart, Some(&grace), b"").await;
    assert_eq!(status, 200, "{sampled}");
    assert_eq!(
        (
            sampled["first"].as_i64(),
            sampled["last"].as_i64(),
            sampled["total"].as_i64()
        ),
        (Some(0), Some(3999), Some(4000))
    );
    let buckets = sampled["buckets"].as_array().unwrap();
    assert!((50..=100).contains(&buckets.len()), "{}", buckets.len());
    let highest = buckets
        .iter()
        .map(|b| b[3].as_f64().unwrap())
        .fold(0.0, f64::max);
    assert_eq!(highest, 50.0, "the spike survives downsampling");
    let zoomed = format!("{chart}&from=2490&to=2510");
    let (_, close) = call(a, "GET", &zoomed, Some(&grace), b"").await;
    assert_eq!(
        close["points"].as_array().unwrap().len(),
        21,
        "zoomed in, every value: {close}"
    );
    assert_eq!(close["points"][10], json!([2500, 50.0]));

    let (_, experiments) = call(
        a,
        "GET",
        &format!("/api/jobs/experiments?wsid={WS}"),
        Some(&grace),
        b"",
    )
    .await;
    assert_eq!(experiments["experiments"][0]["name"], "Default");
    assert_eq!(experiments["experiments"][0]["runs"], 3);
}

#[tokio::test]
async fn a_studio_hears_when_runs_change() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let db = temp_db("tracking-events");
    let server = start(&db, None).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    let mut events = tokio::net::TcpStream::connect(a).await.unwrap();
    let open =
        format!("GET /api/events?access_token={ada}&workspace={WS} HTTP/1.1\r\nHost: {a}\r\n\r\n");
    events.write_all(open.as_bytes()).await.unwrap();
    let run = new_run(a, &ada, "0", "heard").await;
    for step in 0..20 {
        post(
            a,
            &ada,
            "runs/log-metric",
            json!({"run_id": run, "key": "loss", "value": step, "timestamp": 0, "step": step}),
        )
        .await;
    }
    let mut seen = String::new();
    let mut buf = [0u8; 4096];
    tokio::time::timeout(std::time::Duration::from_secs(5), async {
        while !seen.contains("event: runs") {
            let n = events.read(&mut buf).await.unwrap();
            assert!(n > 0, "the stream ended");
            seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    })
    .await
    .expect("a runs event within 5 s");
    assert!(
        seen.contains(&format!("data: {{\"workspace\":\"{WS}\"}}")),
        "{seen}"
    );
    // Twenty-one changes in a quarter of a second come as one or two events, not twenty-one.
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    if let Ok(Ok(n)) =
        tokio::time::timeout(std::time::Duration::from_millis(100), events.read(&mut buf)).await
    {
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    assert!(seen.matches("event: runs").count() <= 3, "{seen}");
}

#[tokio::test]
async fn a_token_for_scripts_logs_runs_and_does_nothing_else() {
    let db = temp_db("tracking-script-token");
    let server = start(&db, None).await;
    let a = server.addr;
    let grace = sign_in(a, "Grace Hopper").await;
    let (status, made) = call(a, "POST", "/api/tokens", Some(&grace), b"").await;
    assert_eq!(status, 200, "{made}");
    let script = made["token"].as_str().unwrap().to_owned();
    assert!(made["expiresOn"].as_str().unwrap().ends_with('Z'));
    let run = new_run(a, &script, "0", "from-a-script").await;
    let (_, got) = get(a, &script, &format!("runs/get?run_id={run}")).await;
    assert_eq!(got["run"]["info"]["user_id"], "grace@contoso.com");
    // Not a session: no ARM, no studio.
    let sub = "/subscriptions/6f1c0a52-5a3b-4b7e-9d2e-3f7a1c2b9e10?api-version=2022-12-01";
    assert_eq!(call(a, "GET", sub, Some(&script), b"").await.0, 401);
    assert_eq!(
        call(
            a,
            "GET",
            &format!("/api/workspace?wsid={WS}"),
            Some(&script),
            b""
        )
        .await
        .0,
        401
    );
    assert_eq!(
        call(a, "POST", "/api/tokens", Some(&script), b"").await.0,
        401,
        "a script token makes no tokens"
    );
    assert_eq!(call(a, "POST", "/api/tokens", None, b"").await.0, 401);
}

#[tokio::test]
async fn a_person_lists_their_tokens_for_scripts_and_takes_one_back() {
    let db = temp_db("tracking-token-list");
    let server = start(&db, None).await;
    let a = server.addr;
    let grace = sign_in(a, "Grace Hopper").await;
    let ada = sign_in(a, "Ada Lovelace").await;
    let (status, laptop) = call(
        a,
        "POST",
        "/api/tokens",
        Some(&grace),
        br#"{"name": " laptop "}"#,
    )
    .await;
    assert_eq!(status, 200, "{laptop}");
    assert_eq!(laptop["name"], "laptop");
    let (_, cluster) = call(a, "POST", "/api/tokens", Some(&grace), b"").await;
    assert_eq!(
        cluster["name"], "Token for scripts",
        "a token without a name gets one"
    );
    let long = format!(r#"{{"name": "{}"}}"#, "x".repeat(101));
    assert_eq!(
        call(a, "POST", "/api/tokens", Some(&grace), long.as_bytes())
            .await
            .0,
        400
    );
    assert_eq!(
        call(a, "POST", "/api/tokens", Some(&grace), b"{nope")
            .await
            .0,
        400
    );
    // Listed newest first, never with the token itself; each person sees only their own.
    let (status, listed) = call(a, "GET", "/api/tokens", Some(&grace), b"").await;
    assert_eq!(status, 200, "{listed}");
    let rows = listed["value"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{listed}");
    assert_eq!(rows[0]["id"], cluster["id"]);
    assert_eq!(rows[1]["name"], "laptop");
    assert!(rows[1]["createdOn"].as_str().unwrap().ends_with('Z'));
    let text = listed.to_string();
    for made in [&laptop, &cluster] {
        assert!(
            !text.contains(made["token"].as_str().unwrap()),
            "a token is shown once"
        );
    }
    let (_, theirs) = call(a, "GET", "/api/tokens", Some(&ada), b"").await;
    assert_eq!(theirs["value"].as_array().unwrap().len(), 0);
    // Someone else cannot take it back; its owner can, and it stops working at once.
    let id = laptop["id"].as_str().unwrap();
    let path = format!("/api/tokens/{id}");
    assert_eq!(call(a, "DELETE", &path, Some(&ada), b"").await.0, 404);
    let token = laptop["token"].as_str().unwrap().to_owned();
    let run = new_run(a, &token, "0", "before").await;
    assert!(!run.is_empty());
    assert_eq!(
        call(a, "DELETE", &path, Some(&token), b"").await.0,
        401,
        "a script token takes nothing back"
    );
    assert_eq!(call(a, "DELETE", &path, Some(&grace), b"").await.0, 204);
    assert_eq!(call(a, "DELETE", &path, Some(&grace), b"").await.0, 404);
    assert_eq!(
        call(a, "DELETE", "/api/tokens/zz", Some(&grace), b"")
            .await
            .0,
        404
    );
    let (status, _) = get(a, &token, &format!("runs/get?run_id={run}")).await;
    assert_eq!(status, 401, "a token taken back logs nothing");
    let (_, left) = call(a, "GET", "/api/tokens", Some(&grace), b"").await;
    assert_eq!(left["value"].as_array().unwrap().len(), 1);
    assert_eq!(call(a, "GET", "/api/tokens", None, b"").await.0, 401);
}

#[test]
fn tokens_made_before_names_were_kept_are_listed_and_revoked() {
    use azimuth_server::db::Db;
    let path = temp_db("tracking-old-tokens");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    {
        // The table as earlier servers made it: no name, no creation time.
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE script_tokens (token_hash TEXT PRIMARY KEY, member TEXT NOT NULL, expires_at INTEGER NOT NULL);
             INSERT INTO script_tokens VALUES ('abcdef0123456789abcdef', 'Grace Hopper', 9999999999999);",
        )
        .unwrap();
    }
    let db = Db::open(&path).unwrap();
    let listed = db.script_tokens("Grace Hopper", 0).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (
            listed[0].id.as_str(),
            listed[0].name.as_str(),
            listed[0].created_at
        ),
        ("abcdef012345", "", 0)
    );
    db.insert_script_token("ff00", "Grace Hopper", "laptop", 5, 10)
        .unwrap();
    assert!(db
        .delete_script_token("Grace Hopper", "abcdef012345")
        .unwrap());
    assert!(!db
        .delete_script_token("Grace Hopper", "abcdef012345")
        .unwrap());
    drop(db);
    // Opening it again changes nothing more.
    assert!(Db::open(&path).is_ok());
}
