//! Notebook kernels on a compute instance (`--instance-runtime local`): real ipykernel processes
//! that run cells and stream their outputs, log to this server's MLflow API, keep to their
//! sandbox, can be interrupted, time out, restart, and are shut down with their instance.
//! Needs the Python environment `cargo xtask setup` makes (target/python, with ipykernel).

mod common;

use common::*;
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// Runs `code`; answers the outputs and the last line (the reply, or an error).
async fn run(a: SocketAddr, token: &str, kernel: &str, code: &str) -> (Vec<Value>, Value) {
    let body = json!({ "code": code }).to_string();
    let (status, head, bytes) = call_raw(
        a,
        "POST",
        &format!("/api/kernels/{kernel}/execute"),
        Some(token),
        body.as_bytes(),
    )
    .await;
    assert_eq!(status, 200, "{head}");
    let mut lines: Vec<Value> = String::from_utf8_lossy(&bytes)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let last = lines.pop().expect("a last line");
    (lines, last)
}

fn text_of(outputs: &[Value]) -> String {
    outputs
        .iter()
        .map(|o| match o["output_type"].as_str() {
            Some("stream") => o["text"].as_str().unwrap_or_default().to_owned(),
            Some("execute_result") => o["data"]["text/plain"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            Some("error") => format!(
                "{}: {}",
                o["ename"].as_str().unwrap_or_default(),
                o["evalue"].as_str().unwrap_or_default()
            ),
            _ => String::new(),
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kernels_run_cells_for_the_assigned_user_and_stop_with_their_instance() {
    let db = temp_db("kernels");
    // A generous limit: importing mlflow and azure-ai-ml takes seconds, many more on a machine
    // that is building at the same time (CI ran past 6 s once). The limit has its own test below.
    let (server, _) = start_with_runtime(&db, &["--cell-timeout", "300"]).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    let grace = sign_in(a, "Grace Hopper").await;
    let (_, specs) = call(a, "GET", "/api/kernelspecs", Some(&ada), b"").await;
    assert_eq!(specs["available"], true, "{specs}");
    assert_eq!(
        specs["kernelspecs"][0]["displayName"],
        "Python 3.10 - SDK v2"
    );

    let compute = format!("{WS}/computes/ci-notebooks?{V}");
    let (status, made) = call(
        a,
        "PUT",
        &compute,
        Some(&ada),
        &instance("Standard_DS11_v2"),
    )
    .await;
    assert!(status == 200 || status == 201, "{made}");
    let kernels = format!("/api/computes/ci-notebooks/kernels?wsid={WS}");
    let notebook = json!({"path": "Users/ada/first.ipynb"}).to_string();
    let (status, refused) = call(a, "POST", &kernels, Some(&grace), notebook.as_bytes()).await;
    assert_eq!(
        status, 403,
        "only the assigned user runs code there: {refused}"
    );

    let started = Instant::now();
    let (status, kernel) = call(a, "POST", &kernels, Some(&ada), notebook.as_bytes()).await;
    assert_eq!(status, 201, "{kernel}");
    eprintln!("kernel started in {:?}", started.elapsed());
    let id = kernel["id"].as_str().unwrap().to_owned();
    assert_eq!(kernel["executionState"], "idle");

    let (outputs, reply) = run(a, &ada, &id, "1+1").await;
    assert_eq!(reply["reply"]["status"], "ok", "{reply}");
    assert_eq!(reply["reply"]["executionCount"], 1);
    assert_eq!(text_of(&outputs), "2");
    let mut times = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        run(a, &ada, &id, "1+1").await;
        times.push(t.elapsed());
    }
    times.sort();
    eprintln!("1+1 took {:?} (median)", times[2]);

    // The kernel works in the person's folder, and the file it writes is theirs to see.
    let (outputs, _) = run(a, &ada, &id, "import os\nopen('hello.txt', 'w').write('hi')\nprint(os.getcwd().endswith('Users/ada'), os.environ['CI_NAME'])\na = 41").await;
    assert_eq!(text_of(&outputs), "True ci-notebooks\n", "{outputs:?}");
    let files = format!(
        "/api/files/content?wsid={WS}&datastore=workspaceworkingdirectory&path=Users/ada/hello.txt"
    );
    let (status, _, body) = call_raw(a, "GET", &files, Some(&grace), b"").await;
    assert_eq!((status, body.as_slice()), (200, b"hi".as_slice()));

    // The sandbox: the server's database and files are out of reach.
    let secret = format!("open({:?}, 'rb').read(10)", db.display().to_string());
    let (outputs, reply) = run(a, &ada, &id, &secret).await;
    assert_eq!(reply["reply"]["status"], "error");
    assert!(text_of(&outputs).contains("PermissionError"), "{outputs:?}");

    // MLflow logs to this workspace with the person's own token.
    let log = "import mlflow\nmlflow.set_experiment('from-a-notebook')\nwith mlflow.start_run() as run:\n    mlflow.log_metric('accuracy', 0.9)\nprint(run.info.status if hasattr(run.info, 'status') else 'done')";
    let (outputs, reply) = run(a, &ada, &id, log).await;
    assert_eq!(reply["reply"]["status"], "ok", "{outputs:?}");
    let mlflow = format!("/mlflow/v1.0{WS}/api/2.0/mlflow");
    let by_name = format!("{mlflow}/experiments/get-by-name?experiment_name=from-a-notebook");
    let (status, found) = call(a, "GET", &by_name, Some(&ada), b"").await;
    assert_eq!(status, 200, "{found}");
    let experiment = found["experiment"]["experiment_id"].clone();
    let query = json!({"experiment_ids": [experiment]}).to_string();
    let (_, runs) = call(
        a,
        "POST",
        &format!("{mlflow}/runs/search"),
        Some(&ada),
        query.as_bytes(),
    )
    .await;
    let logged = &runs["runs"][0]["data"];
    assert_eq!(logged["metrics"][0]["key"], "accuracy", "{runs}");
    assert_eq!(logged["metrics"][0]["value"], 0.9);
    let (_, jobs) = call(a, "GET", &format!("{WS}/jobs?{V}"), Some(&ada), b"").await;
    let name = runs["runs"][0]["info"]["run_id"].as_str().unwrap();
    assert!(
        jobs["value"]
            .as_array()
            .unwrap()
            .iter()
            .any(|j| j["name"] == name),
        "the run is a job of the workspace: {jobs}"
    );

    // azure-ai-ml as the Azure ML labs use it: config.json, the instance's managed identity.
    let client = "from azure.ai.ml import MLClient\nfrom azure.identity import DefaultAzureCredential\nml = MLClient.from_config(DefaultAzureCredential())\nprint(ml.workspace_name, sorted(c.name for c in ml.compute.list()))";
    let (outputs, reply) = run(a, &ada, &id, client).await;
    assert_eq!(reply["reply"]["status"], "ok", "{outputs:?}");
    assert!(
        text_of(&outputs).contains("mlw-azimuth-lab ['ci-notebooks']"),
        "{outputs:?}"
    );

    // Interrupt a cell that never ends: it stops with KeyboardInterrupt, the variables stay.
    let busy = tokio::spawn({
        let (ada, id) = (ada.clone(), id.clone());
        async move { run(a, &ada, &id, "while True:\n    pass").await }
    });
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (status, _) = call(
        a,
        "POST",
        &format!("/api/kernels/{id}/interrupt"),
        Some(&ada),
        b"",
    )
    .await;
    assert_eq!(status, 200);
    let (outputs, reply) = busy.await.unwrap();
    assert_eq!(reply["reply"]["status"], "error");
    assert!(
        text_of(&outputs).contains("KeyboardInterrupt"),
        "{outputs:?}"
    );
    let (outputs, _) = run(a, &ada, &id, "a + 1").await;
    assert_eq!(text_of(&outputs), "42");

    // Restart: a fresh kernel, without the variables.
    let (status, _) = call(
        a,
        "POST",
        &format!("/api/kernels/{id}/restart"),
        Some(&ada),
        b"",
    )
    .await;
    assert_eq!(status, 200);
    let (outputs, _) = run(a, &ada, &id, "a").await;
    assert!(text_of(&outputs).contains("NameError"), "{outputs:?}");

    // Stopping the instance shuts its kernels down.
    let stop = format!("{WS}/computes/ci-notebooks/stop?{V}");
    let (status, body) = call(a, "POST", &stop, Some(&ada), b"").await;
    assert!(status < 300, "{body}");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (_, listed) = call(a, "GET", &kernels, Some(&ada), b"").await;
        if listed["value"].as_array().is_some_and(Vec::is_empty) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the kernel outlived its instance: {listed}"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let (status, _, _) = call_raw(
        a,
        "POST",
        &format!("/api/kernels/{id}/execute"),
        Some(&ada),
        b"{\"code\": \"1\"}",
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cell_past_the_time_limit_is_interrupted_says_so_and_the_kernel_goes_on() {
    let db = temp_db("kernel-timeout");
    let (server, _) = start_with_runtime(&db, &["--cell-timeout", "2"]).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    let compute = format!("{WS}/computes/ci-timeout?{V}");
    let (status, made) = call(
        a,
        "PUT",
        &compute,
        Some(&ada),
        &instance("Standard_DS11_v2"),
    )
    .await;
    assert!(status == 200 || status == 201, "{made}");
    let kernels = format!("/api/computes/ci-timeout/kernels?wsid={WS}");
    let notebook = json!({"path": "Users/ada/slow.ipynb"}).to_string();
    let (status, kernel) = call(a, "POST", &kernels, Some(&ada), notebook.as_bytes()).await;
    assert_eq!(status, 201, "{kernel}");
    let id = kernel["id"].as_str().unwrap().to_owned();

    let (_, reply) = run(a, &ada, &id, "b = 1").await;
    assert_eq!(reply["reply"]["status"], "ok", "{reply}");
    let started = Instant::now();
    let (outputs, _) = run(a, &ada, &id, "import time\ntime.sleep(60)").await;
    assert!(text_of(&outputs).contains("CellTimeout"), "{outputs:?}");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "interrupted at the limit, not at the cell's end: {:?}",
        started.elapsed()
    );
    let (outputs, _) = run(a, &ada, &id, "b + 1").await;
    assert_eq!(text_of(&outputs), "2", "the variables stay after a timeout");

    // A cell that ignores the interrupt is given up on with a way out, which works.
    let deaf = "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\ntime.sleep(60)";
    let (outputs, _) = run(a, &ada, &id, deaf).await;
    assert!(
        text_of(&outputs).contains("restart the kernel to run more cells"),
        "{outputs:?}"
    );
    let restart = format!("/api/kernels/{id}/restart");
    let (status, _) = call(a, "POST", &restart, Some(&ada), b"").await;
    assert_eq!(status, 200);
    let (outputs, _) = run(a, &ada, &id, "1 + 1").await;
    assert_eq!(text_of(&outputs), "2");
}
