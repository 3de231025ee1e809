//! What the server's integration tests share: a server on a free port over a fresh database,
//! and a minimal HTTP/1.1 client.
#![allow(dead_code)]

use azimuth_server::config::Config;
use azimuth_server::state::AppState;
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::path::PathBuf;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub const WS: &str = "/subscriptions/6f1c0a52-5a3b-4b7e-9d2e-3f7a1c2b9e10/resourceGroups/rg-azimuth-lab/providers/Microsoft.MachineLearningServices/workspaces/mlw-azimuth-lab";
pub const V: &str = "api-version=2025-12-01";

pub struct Server {
    pub addr: SocketAddr,
    pub task: tokio::task::JoinHandle<()>,
}

pub fn temp_db(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("azimuth-server-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir.join("azimuth.db")
}

pub async fn start(db: &std::path::Path, access_key: Option<&str>) -> Server {
    start_with(db, |c| c.access_key = access_key.map(str::to_owned)).await
}

/// The default settings with the database `db` and the files beside it.
pub fn config_for(db: &std::path::Path) -> Config {
    let mut config = Config::from_args(Vec::<String>::new(), |_| None).unwrap();
    config.db = db.to_path_buf();
    config.files = db.with_file_name("files");
    config
}

/// Starts a server on `db` at instant pace with notebook kernels and the instances'
/// applications (the Python `cargo xtask setup` installs), answering where the applications are
/// served too.
pub async fn start_with_runtime(db: &std::path::Path, args: &[&str]) -> (Server, SocketAddr) {
    let python =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/python/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run `cargo xtask setup`, which installs the kernels' Python",
        python.display()
    );
    let python = python.display().to_string();
    let mut all = vec!["--instance-runtime", "local", "--kernel-python", &python];
    all.extend(args);
    let mut runtime = Config::from_args(all.iter().map(|a| a.to_string()), |_| None)
        .unwrap()
        .instance_runtime
        .unwrap();
    runtime.folder = db.with_file_name("kernels");
    let (server, state) = start_inner(db, |config| config.instance_runtime = Some(runtime)).await;
    let apps = state
        .kernels
        .as_ref()
        .unwrap()
        .take_apps_listener()
        .unwrap();
    let apps_addr = apps.local_addr().unwrap();
    apps.set_nonblocking(true).unwrap();
    let apps = tokio::net::TcpListener::from_std(apps).unwrap();
    tokio::spawn(async move { axum::serve(apps, azimuth_server::apps_app(state)).await });
    (server, apps_addr)
}

/// Starts a server on `db` at instant pace, with `tweak` applied to its settings.
pub async fn start_with(db: &std::path::Path, tweak: impl FnOnce(&mut Config)) -> Server {
    start_inner(db, tweak).await.0
}

/// [`start_with`], answering the server's state too.
async fn start_inner(
    db: &std::path::Path,
    tweak: impl FnOnce(&mut Config),
) -> (Server, std::sync::Arc<AppState>) {
    let mut config = config_for(db);
    config.pace = Some(azimuth_core::Pace::Instant);
    // People sign in by picking their name unless a test asks for passwords.
    config.demo = true;
    // The server knows where it listens (its tracking URI, the port its jobs may reach).
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    config.addr = addr;
    tweak(&mut config);
    let state = AppState::open(config).unwrap();
    state.spawn_ticker();
    let served = std::sync::Arc::clone(&state);
    let task = tokio::spawn(async move {
        axum::serve(
            listener,
            azimuth_server::app(served)
                .into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .unwrap();
    });
    (Server { addr, task }, state)
}

/// A minimal HTTP/1.1 client: one request per connection.
pub async fn call(
    addr: SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &[u8],
) -> (u16, Value) {
    let (status, _, body) = call_with(addr, method, path, token, "", body).await;
    (status, body)
}

/// Like `call`, with extra header lines; answers the response head too (lower case).
pub async fn call_with(
    addr: SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    extra: &str,
    body: &[u8],
) -> (u16, String, Value) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{auth}{extra}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let _ = stream.write_all(body).await;
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw).await;
    let text = String::from_utf8_lossy(&raw);
    let status: u16 = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((text.as_ref(), ""));
    (
        status,
        head.to_ascii_lowercase(),
        serde_json::from_str(body).unwrap_or(Value::Null),
    )
}

/// A request whose answer is read as bytes; HTTP/1.0, so a streamed body comes unchunked.
pub async fn call_raw(
    addr: SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &[u8],
) -> (u16, String, Vec<u8>) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.0\r\nHost: {addr}\r\n{auth}Content-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let _ = stream.write_all(body).await;
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw).await;
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(raw.len(), |i| i + 4);
    let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head, raw[end..].to_vec())
}

/// A response header's value.
pub fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(':').map(str::trim))
}

pub async fn sign_in(addr: SocketAddr, member: &str) -> String {
    let (status, body) = call(
        addr,
        "POST",
        "/api/session",
        None,
        json!({"member": member}).to_string().as_bytes(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["token"].as_str().unwrap().to_owned()
}

/// The ARM id of the built-in role `name` (e.g. `Contributor`), as Microsoft.Authorization
/// lists the subscription's role definitions to the holder of `token`.
pub async fn role_definition_id(addr: SocketAddr, token: &str, name: &str) -> String {
    let sub = WS.split("/resourceGroups").next().unwrap();
    let url =
        format!("{sub}/providers/Microsoft.Authorization/roleDefinitions?api-version=2022-04-01");
    let (_, defs) = call(addr, "GET", &url, Some(token), b"").await;
    assert!(defs["value"].is_array(), "{defs}");
    defs["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["properties"]["roleName"] == name)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

pub fn instance(size: &str) -> Vec<u8> {
    json!({"properties": {"computeType": "ComputeInstance", "properties": {"vmSize": size}}})
        .to_string()
        .into_bytes()
}

/// Reads a server-sent event stream until `count` `changed` events have come, within 5 s.
pub async fn read_until(
    stream: &mut tokio::net::TcpStream,
    seen: &mut String,
    count: usize,
) -> Result<(), tokio::time::error::Elapsed> {
    tokio::time::timeout(std::time::Duration::from_secs(5), async {
        let mut buf = [0u8; 4096];
        while seen.matches("event: changed").count() < count {
            let n = stream.read(&mut buf).await.unwrap();
            assert!(n > 0, "the stream ended");
            seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    })
    .await
}

/// Whether a concrete path fits a documented template (`{x}` matches any segment; ARM paths
/// ignore case).
pub fn fits(template: &str, path: &str) -> bool {
    let path = path.split('?').next().unwrap_or(path);
    let (t, p): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(t, p)| t.starts_with('{') || t.eq_ignore_ascii_case(p))
}

/// A job's ARM path.
pub fn job_path(name: &str) -> String {
    format!("{WS}/jobs/{name}?{V}")
}

/// A server at instant pace running jobs (`--job-runner local`, plus `args`), its jobs'
/// folder beside its database; answers the database's path too.
pub async fn runner_server(name: &str, args: &[&str]) -> (PathBuf, Server) {
    let db = temp_db(name);
    let server = start_with(&db, |c| {
        let all = ["--job-runner", "local"]
            .iter()
            .chain(args)
            .map(|a| a.to_string());
        let mut runner = Config::from_args(all, |_| None)
            .unwrap()
            .job_runner
            .unwrap();
        runner.folder = db.with_file_name("jobs");
        c.job_runner = Some(runner);
    })
    .await;
    (db, server)
}

/// Submits job `name` (a PUT that must create it); answers it as ARM does.
pub async fn submit(a: SocketAddr, token: &str, name: &str, body: Value) -> Value {
    let (status, job) = call(
        a,
        "PUT",
        &job_path(name),
        Some(token),
        body.to_string().as_bytes(),
    )
    .await;
    assert_eq!(status, 201, "{job}");
    job
}

/// Waits up to `limit` for job `name` to reach one of `statuses`; answers it.
pub async fn wait_within(
    a: SocketAddr,
    token: &str,
    name: &str,
    statuses: &[&str],
    limit: std::time::Duration,
) -> Value {
    let start = std::time::Instant::now();
    loop {
        let (status, job) = call(a, "GET", &job_path(name), Some(token), b"").await;
        assert_eq!(status, 200, "{job}");
        let now = job["properties"]["status"].as_str().unwrap_or_default();
        if statuses.contains(&now) {
            return job;
        }
        assert!(start.elapsed() < limit, "{name} is still {now}: {job}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Job `name`'s log (`user_logs/std_log.txt`), read through the MLflow artifacts proxy.
pub async fn job_log(a: SocketAddr, token: &str, name: &str) -> String {
    let path = format!(
        "/mlflow/v1.0{WS}/api/2.0/mlflow-artifacts/artifacts/ExperimentRun/dcid.{name}/user_logs/std_log.txt"
    );
    let (status, _, body) = call_raw(a, "GET", &path, Some(token), b"").await;
    assert_eq!(status, 200);
    String::from_utf8_lossy(&body).into_owned()
}

/// Where [`upload_table`] puts the diabetes sample (an MLTable folder).
pub const TABLE: &str = "azureml://datastores/workspaceblobstore/paths/diabetes/";

/// Uploads the diabetes sample as an MLTable folder.
pub async fn upload_table(a: SocketAddr, token: &str) {
    let upload = |path: &str| {
        format!("/api/files?wsid={WS}&datastore=workspaceblobstore&path=diabetes/{path}")
    };
    let csv = azimuth_core::data::samples::sample_csv("diabetes").unwrap();
    let mltable = "paths:\n  - file: ./diabetes.csv\ntransformations:\n  - read_delimited:\n      delimiter: ','\n      header: all_files_same_headers\n";
    assert_eq!(
        call(
            a,
            "PUT",
            &upload("diabetes.csv"),
            Some(token),
            csv.as_bytes()
        )
        .await
        .0,
        201
    );
    assert_eq!(
        call(
            a,
            "PUT",
            &upload("MLTable"),
            Some(token),
            mltable.as_bytes()
        )
        .await
        .0,
        201
    );
}

/// Trains a small AutoML job on the diabetes sample and registers its best model as
/// `diabetes-best` version 1; answers the version's ARM id.
pub async fn trained_model(a: SocketAddr, token: &str) -> String {
    upload_table(a, token).await;
    let job = json!({"properties": {"jobType": "AutoML", "experimentName": "endpoints",
        "taskDetails": {"taskType": "Classification", "targetColumnName": "Diabetic",
            "trainingData": {"jobInputType": "mltable", "uri": TABLE},
            "nCrossValidations": {"mode": "Custom", "value": 2},
            "trainingSettings": {"allowedTrainingAlgorithms": ["LogisticRegression"]},
            "limitSettings": {"maxTrials": 1}}}});
    submit(a, token, "to_deploy", job).await;
    let done = wait_within(
        a,
        token,
        "to_deploy",
        &["Completed", "Failed"],
        std::time::Duration::from_secs(120),
    )
    .await;
    assert_eq!(done["properties"]["status"], "Completed", "{done}");
    let body = json!({"properties": {"modelType": "mlflow_model", "modelUri": "azureml://jobs/to_deploy/outputs/best_model"}});
    let path = format!("{WS}/models/diabetes-best/versions/1?{V}");
    let (status, made) = call(a, "PUT", &path, Some(token), body.to_string().as_bytes()).await;
    assert_eq!(status, 201, "{made}");
    made["id"].as_str().unwrap().to_owned()
}
