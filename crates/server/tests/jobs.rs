//! Command jobs over ARM and the local runner: a job that runs, logs through the tracking API
//! with its own token, reads an input, writes outputs and completes; one that fails (with the
//! end of its log), one past its timeout, one canceled; the sandbox refusing the server's
//! database and other ports; a server killed (SIGKILL) during a run, whose next start ends
//! what it left and fails the job; and a server without a runner, whose jobs wait and say why.

mod common;

use common::*;
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

fn command_job(command: &str, extra: Value) -> Value {
    let mut body = json!({"properties": {
        "jobType": "Command",
        "command": command,
        "environmentId": "azureml://registries/azureml/environments/sklearn-1.5/labels/latest",
        "experimentName": "runner-tests",
        "displayName": "a test job",
    }});
    if let (Some(p), Some(extra)) = (body["properties"].as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            p.insert(k.clone(), v.clone());
        }
    }
    body
}

/// Waits for the job to reach one of `statuses` (a minute at most); answers it.
async fn wait_for(a: SocketAddr, token: &str, name: &str, statuses: &[&str]) -> Value {
    wait_within(a, token, name, statuses, Duration::from_secs(60)).await
}

const SCRIPT: &str = r#"
import json, os, sys, urllib.request
uri = os.environ["MLFLOW_TRACKING_URI"] + "/api/2.0/mlflow/runs/log-metric"
for step in range(3):
    body = json.dumps({"run_id": os.environ["MLFLOW_RUN_ID"], "key": "loss", "value": 1.0 / (step + 1), "timestamp": 1, "step": step}).encode()
    request = urllib.request.Request(uri, body, {"Authorization": "Bearer " + os.environ["MLFLOW_TRACKING_TOKEN"], "Content-Type": "application/json"})
    urllib.request.urlopen(request).read()
rows = open(sys.argv[1]).read().splitlines()
print("read", len(rows), "rows; C is", sys.argv[2])
os.makedirs("outputs", exist_ok=True)
open("outputs/result.txt", "w").write("rows=%d\n" % len(rows))
open(os.path.join(sys.argv[3], "model.txt"), "w").write("a model\n")
"#;

#[tokio::test]
async fn a_job_runs_logs_reads_its_input_and_keeps_its_outputs() {
    let (_db, server) = runner_server("jobs-run", &["--job-slots", "2"]).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    let upload =
        |path: &str| format!("/api/files?wsid={WS}&datastore=workspaceblobstore&path={path}");
    assert_eq!(
        call(
            a,
            "PUT",
            &upload("src/train.py"),
            Some(&ada),
            SCRIPT.as_bytes()
        )
        .await
        .0,
        201
    );
    assert_eq!(
        call(
            a,
            "PUT",
            &upload("data/iris.csv"),
            Some(&ada),
            b"a,b\n1,2\n3,4\n"
        )
        .await
        .0,
        201
    );
    let body = command_job(
        "python3 train.py ${{inputs.data}} ${{inputs.C}} ${{outputs.model}}",
        json!({
            "codeId": "azureml://datastores/workspaceblobstore/paths/src/",
            "inputs": {
                "data": {"jobInputType": "uri_file", "uri": "azureml://datastores/workspaceblobstore/paths/data/iris.csv"},
                "C": {"jobInputType": "literal", "value": "0.8"}
            },
            "outputs": {"model": {"jobOutputType": "uri_folder"}},
            "tags": {"course": "ml-101"}
        }),
    );
    let made = submit(a, &ada, "first_job", body).await;
    assert_eq!(made["properties"]["experimentName"], "runner-tests");
    let done = wait_for(a, &ada, "first_job", &["Completed", "Failed"]).await;
    let log = job_log(a, &ada, "first_job").await;
    assert_eq!(done["properties"]["status"], "Completed", "{done}\n{log}");
    assert!(log.contains("read 3 rows; C is 0.8"), "{log}");
    // What it logged is the run's, through MLflow's API too.
    let (_, run) = call(
        a,
        "GET",
        &format!("/mlflow/v1.0{WS}/api/2.0/mlflow/runs/get?run_id=first_job"),
        Some(&ada),
        b"",
    )
    .await;
    assert_eq!(run["run"]["info"]["status"], "FINISHED", "{run}");
    assert_eq!(run["run"]["data"]["metrics"][0]["value"], json!(1.0 / 3.0));
    assert_eq!(run["run"]["info"]["user_id"], "ada@contoso.com");
    let (_, listed) = call(
        a,
        "GET",
        &format!("/mlflow/v1.0{WS}/api/2.0/mlflow/artifacts/list?run_id=first_job&path=outputs"),
        Some(&ada),
        b"",
    )
    .await;
    assert!(
        listed.to_string().contains("outputs/result.txt"),
        "{listed}"
    );
    let model = format!("/api/files/content?wsid={WS}&datastore=workspaceblobstore&path=azureml/first_job/model/model.txt");
    let (status, _, bytes) = call_raw(a, "GET", &model, Some(&ada), b"").await;
    assert_eq!((status, bytes.as_slice()), (200, b"a model\n".as_slice()));
    // The job's token was taken back when it ended.
    let (listed, all) = call(
        a,
        "GET",
        &format!("{WS}/jobs?{V}&tag=course"),
        Some(&ada),
        b"",
    )
    .await;
    assert_eq!(listed, 200);
    assert_eq!(all["value"].as_array().unwrap().len(), 1, "{all}");
}

#[tokio::test]
async fn failures_timeouts_and_cancels_end_as_they_should() {
    let (_db, server) = runner_server("jobs-end", &["--job-slots", "2"]).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    submit(
        a,
        &ada,
        "fails",
        command_job(
            "echo working; echo 'ValueError: bad C' >&2; exit 3",
            json!({}),
        ),
    )
    .await;
    submit(
        a,
        &ada,
        "too_slow",
        command_job(
            "sleep 30",
            json!({"limits": {"jobLimitsType": "Command", "timeout": "PT1S"}}),
        ),
    )
    .await;
    let failed = wait_for(a, &ada, "fails", &["Failed", "Completed"]).await;
    let reason = failed["properties"]["statusReason"].as_str().unwrap();
    assert!(
        reason.contains("exited with code 3") && reason.contains("ValueError: bad C"),
        "{reason}"
    );
    let slow = wait_for(a, &ada, "too_slow", &["Failed", "Completed"]).await;
    assert!(
        slow["properties"]["statusReason"]
            .as_str()
            .unwrap()
            .contains("timeout (PT1S)"),
        "{slow}"
    );

    submit(
        a,
        &ada,
        "long",
        command_job("echo started; sleep 60", json!({})),
    )
    .await;
    wait_for(a, &ada, "long", &["Running"]).await;
    let started = Instant::now();
    let (status, _) = call(
        a,
        "POST",
        &format!("{WS}/jobs/long/cancel?{V}"),
        Some(&ada),
        b"",
    )
    .await;
    assert_eq!(status, 200);
    let canceled = wait_for(a, &ada, "long", &["Canceled"]).await;
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(
        canceled["properties"]["statusReason"],
        "Canceled by ada@contoso.com."
    );
    // Ended jobs are archived by DELETE, and listed as archived.
    assert_eq!(
        call(a, "DELETE", &job_path("long"), Some(&ada), b"")
            .await
            .0,
        200
    );
    let (_, archived) = call(
        a,
        "GET",
        &format!("{WS}/jobs?{V}&listViewType=ArchivedOnly"),
        Some(&ada),
        b"",
    )
    .await;
    assert_eq!(archived["value"][0]["name"], "long", "{archived}");
}

#[tokio::test]
async fn the_sandbox_keeps_a_job_to_its_folder_and_this_server() {
    let (db, server) = runner_server("jobs-sandbox", &["--job-slots", "2"]).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    let other = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = other.local_addr().unwrap().port();
    // Another job of the same person, waiting: its environment carries its own job token.
    let sleeper = "echo \"TOKEN=$MLFLOW_TRACKING_TOKEN.\"; sleep 30";
    submit(a, &ada, "sleeper", command_job(sleeper, json!({}))).await;
    wait_for(a, &ada, "sleeper", &["Running"]).await;
    let token = loop {
        let log = job_log(a, &ada, "sleeper").await;
        if let Some(token) = log.split("TOKEN=").nth(1).and_then(|t| t.split('.').next()) {
            break token.to_owned();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    // A job's token logs to its own workspace only, though its person may use another.
    let second = WS.replace("mlw-azimuth-lab", "mlw-second");
    let body = json!({"location": "eastus"}).to_string();
    let made = call(
        a,
        "PUT",
        &format!("{second}?{V}"),
        Some(&ada),
        body.as_bytes(),
    )
    .await;
    assert!(made.0 == 200 || made.0 == 201, "{made:?}");
    let search =
        |ws: &str| format!("/mlflow/v1.0{ws}/api/2.0/mlflow/experiments/search?max_results=1");
    assert_eq!(
        call(a, "GET", &search(&second), Some(&ada), b"").await.0,
        200
    );
    let refused = call(a, "GET", &search(&second), Some(&token), b"").await;
    assert_eq!(
        (refused.0, refused.1["error_code"].as_str()),
        (403, Some("PERMISSION_DENIED")),
        "{refused:?}"
    );
    assert_eq!(call(a, "GET", &search(WS), Some(&token), b"").await.0, 200);
    let command = format!(
        "grep -qa PATH= /proc/{server}/environ && echo READ_SERVER_ENV; grep -qa AZIMUTH_JOB_FOLDER /proc/$$/environ && echo READ_OWN_ENV; \
         for p in /proc/[0-9]*; do grep -qa 'AZIMUTH_JOB_FOLDER=.*sleeper' $p/environ 2>/dev/null && echo READ_OTHER_JOB_ENV; done; \
         cat {db} > /dev/null && echo READ_DB; ls {files} && echo LISTED_FILES; echo x > /tmp/azimuth-escape && echo WROTE_TMP; \
         python3 -c \"import socket; socket.create_connection(('127.0.0.1', {port}))\" && echo CONNECTED; \
         echo x > mine.txt && echo WROTE_OWN; rm -rf outputs && ln -s {data} outputs && echo LINKED_OUTPUTS; python3 -c \"import urllib.request, os; urllib.request.urlopen(os.environ['MLFLOW_TRACKING_URI'] + '/api/2.0/mlflow/experiments/search?max_results=1')\" 2>&1 | grep -q 401 && echo REACHED_SERVER; true",
        db = db.display(),
        files = db.with_file_name("files").display(),
        data = db.parent().unwrap().display(),
        server = std::process::id(),
    );
    submit(a, &ada, "escape", command_job(&command, json!({}))).await;
    wait_for(a, &ada, "escape", &["Completed", "Failed"]).await;
    let log = job_log(a, &ada, "escape").await;
    for refused in [
        "READ_SERVER_ENV",
        "READ_OTHER_JOB_ENV",
        "READ_DB",
        "LISTED_FILES",
        "WROTE_TMP",
        "CONNECTED",
    ] {
        assert!(!log.contains(refused), "{refused}:\n{log}");
    }
    assert!(
        log.contains("WROTE_OWN") && log.contains("REACHED_SERVER") && log.contains("READ_OWN_ENV"),
        "{log}"
    );
    assert!(!std::path::Path::new("/tmp/azimuth-escape").exists());
    let cancel = format!("{WS}/jobs/sleeper/cancel?{V}");
    assert_eq!(call(a, "POST", &cancel, Some(&ada), b"").await.0, 200);
    wait_for(a, &ada, "sleeper", &["Canceled"]).await;
    // Taken back when its job ends.
    assert_eq!(call(a, "GET", &search(WS), Some(&token), b"").await.0, 401);
    // Its outputs folder became a link to the server's data folder: the server keeps none of it.
    assert!(log.contains("LINKED_OUTPUTS"), "{log}");
    let listed =
        format!("/mlflow/v1.0{WS}/api/2.0/mlflow/artifacts/list?run_id=escape&path=outputs");
    let (_, listed) = call(a, "GET", &listed, Some(&ada), b"").await;
    assert_eq!(
        listed["files"].as_array().map_or(0, Vec::len),
        0,
        "{listed}"
    );
}

#[tokio::test]
async fn without_a_runner_jobs_wait_and_say_why() {
    let db = temp_db("jobs-none");
    let server = start(&db, None).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    let put = |name: &str, body: Value| {
        let (path, ada) = (job_path(name), ada.clone());
        async move { call(a, "PUT", &path, Some(&ada), body.to_string().as_bytes()).await }
    };
    let (status, refused) = put(
        "bad",
        command_job("echo hi", json!({"computeId": "azureml:nowhere"})),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("'nowhere' does not exist"),
        "{refused}"
    );
    let (status, refused) = put("bad", command_job("python x.py ${{inputs.lr}}", json!({}))).await;
    assert_eq!(status, 400);
    assert!(
        refused.to_string().contains("no input named 'lr'"),
        "{refused}"
    );
    let (status, refused) = put("bad name", command_job("echo", json!({}))).await;
    assert_eq!(status, 400, "{refused}");
    assert_eq!(
        call(a, "GET", &job_path("bad"), Some(&ada), b"").await.0,
        404
    );

    let made = submit(a, &ada, "waits", command_job("echo hi", json!({}))).await;
    assert_eq!(made["properties"]["status"], "Queued", "{made}");
    assert!(made["properties"]["statusReason"]
        .as_str()
        .unwrap()
        .contains("--job-runner local"));
    // Once submitted, what it runs cannot change; its description can.
    let (status, _) = put("waits", command_job("echo other", json!({}))).await;
    assert_eq!(status, 400);
    let (status, changed) = put(
        "waits",
        command_job("echo hi", json!({"description": "kept"})),
    )
    .await;
    assert_eq!(
        (status, &changed["properties"]["description"]),
        (200, &json!("kept"))
    );
    // A queued job is canceled at once; an unfinished one cannot be deleted.
    let (status, e) = call(a, "DELETE", &job_path("waits"), Some(&ada), b"").await;
    assert_eq!(status, 409, "{e}");
    call(
        a,
        "POST",
        &format!("{WS}/jobs/waits/cancel?{V}"),
        Some(&ada),
        b"",
    )
    .await;
    let (_, canceled) = call(a, "GET", &job_path("waits"), Some(&ada), b"").await;
    assert_eq!(canceled["properties"]["status"], "Canceled");
    // A run an mlflow client made is a job too.
    let (_, run) = call(
        a,
        "POST",
        &format!("/mlflow/v1.0{WS}/api/2.0/mlflow/runs/create"),
        Some(&ada),
        br#"{"experiment_id": "0"}"#,
    )
    .await;
    let id = run["run"]["info"]["run_id"].as_str().unwrap();
    let (status, job) = call(a, "GET", &job_path(id), Some(&ada), b"").await;
    assert_eq!(
        (status, &job["properties"]["status"]),
        (200, &json!("Running")),
        "{job}"
    );
    assert_eq!(job["properties"]["experimentName"], "Default");
    let (_, all) = call(
        a,
        "GET",
        &format!("{WS}/jobs?{V}&status=Running"),
        Some(&ada),
        b"",
    )
    .await;
    assert_eq!(all["value"].as_array().unwrap().len(), 1, "{all}");
}

/// Processes whose environment marks them as jobs of the folder `jobs`.
fn marked_processes(jobs: &std::path::Path) -> usize {
    let wanted = format!("AZIMUTH_JOB_FOLDER={}", jobs.display());
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| n.parse::<u32>().is_ok())
        })
        .filter_map(|e| std::fs::read(e.path().join("environ")).ok())
        .filter(|env| {
            env.split(|b| *b == 0)
                .any(|v| v.starts_with(wanted.as_bytes()))
        })
        .count()
}

/// The real server binary on `db`, with the local runner.
async fn spawn_server(db: &std::path::Path, addr: SocketAddr) -> std::process::Child {
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_azimuth-server"))
        .args([
            "--addr",
            &addr.to_string(),
            "--db",
            &db.display().to_string(),
        ])
        .args([
            "--demo",
            "--pace",
            "instant",
            "--job-runner",
            "local",
            "--dist",
            "/nonexistent",
        ])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while tokio::net::TcpStream::connect(addr).await.is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the server did not start"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    child
}

#[tokio::test]
async fn a_server_killed_during_a_run_leaves_nothing_running_and_fails_the_job() {
    let db = temp_db("jobs-sigkill");
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let mut first = spawn_server(&db, addr).await;
    let ada = sign_in(addr, "Ada Lovelace").await;
    // Children of its own that outlive the shell: what a killed server leaves behind.
    submit(
        addr,
        &ada,
        "orphans",
        command_job("sleep 300 & sleep 300 & wait", json!({})),
    )
    .await;
    wait_for(addr, &ada, "orphans", &["Running"]).await;
    let jobs = std::fs::canonicalize(db.with_file_name("azimuth-jobs")).unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(marked_processes(&jobs) >= 2);
    first.kill().unwrap();
    first.wait().unwrap();
    let mut second = spawn_server(&db, addr).await;
    let ada = sign_in(addr, "Ada Lovelace").await;
    let (_, job) = call(addr, "GET", &job_path("orphans"), Some(&ada), b"").await;
    second.kill().unwrap();
    second.wait().unwrap();
    assert_eq!(job["properties"]["status"], "Failed", "{job}");
    assert!(job["properties"]["statusReason"]
        .as_str()
        .unwrap()
        .contains("The server stopped while this job ran"));
    assert_eq!(marked_processes(&jobs), 0);
}

#[tokio::test]
async fn jobs_take_their_clusters_nodes_queue_for_them_and_end_with_their_compute() {
    let (_db, server) = runner_server("jobs-compute", &["--job-slots", "2"]).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    let cluster = json!({"properties": {"computeType": "AmlCompute", "properties": {
        "vmSize": "STANDARD_DS3_V2", "scaleSettings": {"minNodeCount": 0, "maxNodeCount": 1, "nodeIdleTimeBeforeScaleDown": "PT120S"}}}});
    let (status, made) = call(
        a,
        "PUT",
        &format!("{WS}/computes/cpu-cluster?{V}"),
        Some(&ada),
        cluster.to_string().as_bytes(),
    )
    .await;
    assert!(status == 200 || status == 201, "{made}");
    let on_cluster =
        |command: &str| command_job(command, json!({"computeId": "azureml:cpu-cluster"}));
    submit(a, &ada, "first", on_cluster("sleep 2")).await;
    wait_for(a, &ada, "first", &["Running"]).await;
    submit(a, &ada, "second", on_cluster("echo second")).await;
    // One node, and it is the first job's: the second waits, saying so.
    let start = Instant::now();
    let waiting = loop {
        let (_, job) = call(a, "GET", &job_path("second"), Some(&ada), b"").await;
        let reason = job["properties"]["statusReason"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if reason.contains("busy") {
            break job;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "{job}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(waiting["properties"]["status"], "Queued");
    let (_, compute) = call(
        a,
        "GET",
        &format!("{WS}/computes/cpu-cluster?{V}"),
        Some(&ada),
        b"",
    )
    .await;
    assert_eq!(
        compute["properties"]["properties"]["nodeStateCounts"]["runningNodeCount"], 1,
        "{compute}"
    );
    let done = wait_for(a, &ada, "second", &["Completed", "Failed"]).await;
    assert_eq!(done["properties"]["status"], "Completed", "{done}");
    assert_eq!(
        wait_for(a, &ada, "first", &["Completed", "Failed"]).await["properties"]["status"],
        "Completed"
    );
    let (_, compute) = call(
        a,
        "GET",
        &format!("{WS}/computes/cpu-cluster?{V}"),
        Some(&ada),
        b"",
    )
    .await;
    assert_eq!(
        compute["properties"]["properties"]["nodeStateCounts"]["idleNodeCount"], 1,
        "{compute}"
    );

    // An instance that is stopped while its job runs ends the job, saying why.
    let (status, made) = call(
        a,
        "PUT",
        &format!("{WS}/computes/ci-jobs?{V}"),
        Some(&ada),
        &instance("Standard_DS3_v2"),
    )
    .await;
    assert!(status == 200 || status == 201, "{made}");
    submit(
        a,
        &ada,
        "on_instance",
        command_job("sleep 60", json!({"computeId": "azureml:ci-jobs"})),
    )
    .await;
    wait_for(a, &ada, "on_instance", &["Running"]).await;
    let (status, _) = call(
        a,
        "POST",
        &format!("{WS}/computes/ci-jobs/stop?{V}"),
        Some(&ada),
        b"",
    )
    .await;
    assert_eq!(status, 202);
    let ended = wait_for(a, &ada, "on_instance", &["Failed", "Completed", "Canceled"]).await;
    assert_eq!(ended["properties"]["status"], "Failed");
    assert!(
        ended["properties"]["statusReason"]
            .as_str()
            .unwrap()
            .contains("stopped"),
        "{ended}"
    );
}
