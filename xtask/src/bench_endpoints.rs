//! `cargo xtask bench endpoints`: an online endpoint's scoring under load, beside
//! `mlflow models serve` (MLflow 3.17.2, two workers, pip-installed for the benches only) of a
//! comparable scikit-learn model. Azimuth's side: the release server trains a
//! LogisticRegression AutoML job on the diabetes sample, registers and deploys its best model,
//! and answers its scoringUri with a key; MLflow's side: a scaled LogisticRegression on the same
//! rows (`bench/serve_model.py`) at `/invocations`. Both are driven by wrk (2 threads, 64
//! connections, 10 s) with a single row and with 100 rows a request. Budgets: >= 5,000
//! single-row requests/s with p99 <= 10 ms, and >= 10x MLflow's single-row throughput.

use crate::bench::Context;
use crate::bench_automl::{sklearn_python, write_diabetes};
use crate::bench_server::{launch_with, request, wrk_with, Load};
use crate::{cmd, Result};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const WS: &str = "/subscriptions/6f1c0a52-5a3b-4b7e-9d2e-3f7a1c2b9e10/resourceGroups/rg-azimuth-lab/providers/Microsoft.MachineLearningServices/workspaces/mlw-azimuth-lab";
const API: &str = "api-version=2025-12-01";
/// The issue's budgets.
const MIN_RPS: f64 = 5_000.0;
const MAX_P99_MS: f64 = 10.0;
const MIN_RATIO: f64 = 10.0;
/// The columns both models take.
const COLUMNS: &str = r#"["Pregnancies","PlasmaGlucose","DiastolicBloodPressure","TricepsThickness","SerumInsulin","BMI","DiabetesPedigree","Age"]"#;

/// `rows` rows of the diabetes sample's shape as a `{"<key>": {"columns", "data"}}` body.
fn body(key: &str, rows: usize) -> String {
    let data: Vec<String> = (0..rows)
        .map(|i| {
            format!(
                "[{},{},62,36,274,32.9,0.527,{}]",
                i % 9,
                80 + i % 110,
                21 + i % 50
            )
        })
        .collect();
    format!(
        r#"{{"{key}":{{"columns":{COLUMNS},"data":[{}]}}}}"#,
        data.join(",")
    )
}

/// A wrk script that POSTs `body` as JSON.
fn post_script(dir: &std::path::Path, name: &str, body: &str) -> Result<String> {
    let path = dir.join(format!("{name}.lua"));
    let quoted = serde_json::to_string(body)?;
    std::fs::write(
        &path,
        format!("wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.body = {quoted}\n"),
    )?;
    Ok(path.to_string_lossy().into_owned())
}

/// Sends an ARM or /api request that must answer `ok`; the answer's JSON.
pub fn must(
    port: u16,
    method: &str,
    path: &str,
    token: &str,
    body: &str,
    ok: &[u16],
) -> Result<serde_json::Value> {
    let (status, answer) = request(port, method, path, token, body)?;
    if !ok.contains(&status) {
        return Err(format!("{method} {path} answered {status}: {answer}").into());
    }
    Ok(serde_json::from_str(&answer).unwrap_or_default())
}

/// Azimuth's endpoint, set up through the API as a person would: the scoring path and key.
fn deploy(port: u16, token: &str, csv: &std::path::Path) -> Result<(String, String)> {
    let files = format!("/api/files?wsid={WS}&datastore=workspaceblobstore&path=bench/");
    let rows = std::fs::read_to_string(csv).map_err(|e| format!("{}: {e}", csv.display()))?;
    must(
        port,
        "PUT",
        &format!("{files}diabetes.csv"),
        token,
        &rows,
        &[201],
    )?;
    let mltable = "paths:\n  - file: ./diabetes.csv\ntransformations:\n  - read_delimited:\n      delimiter: ','\n";
    must(
        port,
        "PUT",
        &format!("{files}MLTable"),
        token,
        mltable,
        &[201],
    )?;
    let job = r#"{"properties": {"jobType": "AutoML", "experimentName": "bench",
        "taskDetails": {"taskType": "Classification", "targetColumnName": "Diabetic",
            "trainingData": {"jobInputType": "mltable", "uri": "azureml://datastores/workspaceblobstore/paths/bench/"},
            "nCrossValidations": {"mode": "Custom", "value": 2},
            "trainingSettings": {"allowedTrainingAlgorithms": ["LogisticRegression"]},
            "limitSettings": {"maxTrials": 1}}}}"#;
    must(
        port,
        "PUT",
        &format!("{WS}/jobs/bench_lr?{API}"),
        token,
        job,
        &[200, 201],
    )?;
    let started = Instant::now();
    loop {
        let answer = must(
            port,
            "GET",
            &format!("{WS}/jobs/bench_lr?{API}"),
            token,
            "",
            &[200],
        )?;
        match answer["properties"]["status"].as_str() {
            Some("Completed") => break,
            Some("Failed" | "Canceled") => {
                return Err(format!("the AutoML job ended: {answer}").into())
            }
            _ if started.elapsed() > Duration::from_secs(120) => {
                return Err("the AutoML job took over 2 minutes".into())
            }
            _ => std::thread::sleep(Duration::from_millis(200)),
        }
    }
    let version = r#"{"properties": {"modelType": "mlflow_model", "modelUri": "azureml://jobs/bench_lr/outputs/best_model"}}"#;
    let model = must(
        port,
        "PUT",
        &format!("{WS}/models/bench-lr/versions/1?{API}"),
        token,
        version,
        &[201],
    )?;
    let endpoint = must(
        port,
        "PUT",
        &format!("{WS}/onlineEndpoints/bench-ep?{API}"),
        token,
        r#"{"properties": {"authMode": "Key"}}"#,
        &[201],
    )?;
    let deployment = format!(
        r#"{{"sku": {{"capacity": 1}}, "properties": {{"model": "{}", "instanceType": "Standard_DS3_v2"}}}}"#,
        model["id"].as_str().unwrap_or_default()
    );
    must(
        port,
        "PUT",
        &format!("{WS}/onlineEndpoints/bench-ep/deployments/blue?{API}"),
        token,
        &deployment,
        &[201],
    )?;
    must(
        port,
        "PATCH",
        &format!("{WS}/onlineEndpoints/bench-ep?{API}"),
        token,
        r#"{"properties": {"traffic": {"blue": 100}}}"#,
        &[200],
    )?;
    let keys = must(
        port,
        "POST",
        &format!("{WS}/onlineEndpoints/bench-ep/listKeys?{API}"),
        token,
        "",
        &[200],
    )?;
    let uri = endpoint["properties"]["scoringUri"]
        .as_str()
        .unwrap_or_default();
    let path = uri
        .splitn(4, '/')
        .nth(3)
        .map(|p| format!("/{p}"))
        .ok_or("no scoringUri")?;
    Ok((
        path,
        keys["primaryKey"].as_str().unwrap_or_default().to_owned(),
    ))
}

/// `mlflow models serve` of the model folder, stopped (with its workers) when dropped.
struct MlflowServe(Child);

impl Drop for MlflowServe {
    fn drop(&mut self) {
        // The CLI starts uvicorn in a process group of its own: end the group.
        let _ = Command::new("kill")
            .args(["--", &format!("-{}", self.0.id())])
            .status();
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve_mlflow(python: &std::path::Path, folder: &std::path::Path) -> Result<(MlflowServe, u16)> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let bin = python.parent().ok_or("no venv")?;
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut command = Command::new(python);
    command
        .args(["-m", "mlflow", "models", "serve", "-m"])
        .arg(folder)
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &port.to_string(),
            "-w",
            "2",
            "--env-manager",
            "local",
        ])
        .env("PATH", path)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let child = MlflowServe(command.spawn()?);
    let started = Instant::now();
    while request(port, "GET", "/ping", "", "")
        .map(|r| r.0)
        .unwrap_or(0)
        != 200
    {
        if started.elapsed() > Duration::from_secs(60) {
            return Err("mlflow models serve did not come up in 60 s".into());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Ok((child, port))
}

fn line(what: &str, load: &Load) -> String {
    format!(
        "{what:<38} {:>8.0} requests/s, p50 {:>6.2} ms, p99 {:>6.2} ms",
        load.rps, load.p50_ms, load.p99_ms
    )
}

fn figures(load: &Load) -> serde_json::Value {
    serde_json::json!({"rps": load.rps.round(), "p50_ms": load.p50_ms, "p99_ms": load.p99_ms})
}

/// Runs the bench.
pub fn endpoints(context: &Context) -> Result<bool> {
    let python = sklearn_python()?;
    let dir = context.out_dir.join("endpoints");
    std::fs::create_dir_all(&dir)?;
    let csv = dir.join("diabetes.csv");
    write_diabetes(&csv)?;
    let folder = dir.join("mlflow-model");
    let _ = std::fs::remove_dir_all(&folder);
    let script = cmd::root().join("xtask/bench/serve_model.py");
    cmd::run(
        Command::new(&python)
            .arg(script)
            .arg(&csv)
            .arg("Diabetic")
            .arg(&folder),
    )?;
    let flags = ["--job-runner", "local", "--vcpu-quota", "1000"];
    let launched = launch_with(context, "endpoints-server", &flags);
    let (server, port, token) = launched.map_err(|e| format!("starting azimuth-server: {e}"))?;
    let (path, key) = deploy(port, &token, &csv)?;
    let ours = format!("http://127.0.0.1:{port}{path}");
    let one = wrk_with(
        &ours,
        &key,
        &[
            "-s",
            &post_script(&dir, "azimuth-1", &body("input_data", 1))?,
        ],
    )?;
    let hundred = wrk_with(
        &ours,
        &key,
        &[
            "-s",
            &post_script(&dir, "azimuth-100", &body("input_data", 100))?,
        ],
    )?;
    drop(server);
    let (mlflow, mlflow_port) = serve_mlflow(&python, &folder)?;
    let theirs = format!("http://127.0.0.1:{mlflow_port}/invocations");
    let their_one = wrk_with(
        &theirs,
        "",
        &[
            "-s",
            &post_script(&dir, "mlflow-1", &body("dataframe_split", 1))?,
        ],
    )?;
    let their_hundred = wrk_with(
        &theirs,
        "",
        &[
            "-s",
            &post_script(&dir, "mlflow-100", &body("dataframe_split", 100))?,
        ],
    )?;
    drop(mlflow);
    let ratio = one.rps / their_one.rps.max(1e-9);
    println!("online endpoint scoring, wrk -t2 -c64 -d10s on loopback (2 cores shared with wrk):");
    println!("  {}", line("azimuth-server, 1 row a request:", &one));
    println!(
        "  {}",
        line("azimuth-server, 100 rows a request:", &hundred)
    );
    println!("  {}", line("mlflow models serve -w 2, 1 row:", &their_one));
    println!(
        "  {}",
        line("mlflow models serve -w 2, 100 rows:", &their_hundred)
    );
    println!(
        "  single-row throughput: {ratio:.1}x MLflow's; 100 rows: {:.1}x",
        hundred.rps / their_hundred.rps.max(1e-9)
    );
    let met = [
        (
            one.rps >= MIN_RPS,
            format!(">= {MIN_RPS:.0} single-row requests/s"),
        ),
        (
            one.p99_ms <= MAX_P99_MS,
            format!("single-row p99 <= {MAX_P99_MS} ms"),
        ),
        (
            ratio >= MIN_RATIO,
            format!(">= {MIN_RATIO}x MLflow's single-row throughput"),
        ),
    ];
    for (ok, what) in &met {
        println!("  budget: {what}: {}", if *ok { "met" } else { "MISSED" });
    }
    let json = serde_json::json!({
        "azimuth": {"one_row": figures(&one), "hundred_rows": figures(&hundred)},
        "mlflow": {"one_row": figures(&their_one), "hundred_rows": figures(&their_hundred)},
        "single_row_ratio": ratio,
    });
    std::fs::write(context.out_dir.join("endpoints.json"), json.to_string())?;
    Ok(met.iter().all(|(ok, _)| *ok))
}
