//! `cargo xtask bench jobs`: the MLflow tracking API and the Jobs pages, side by side with
//! MLflow's own server (3.17.2, SQLite backend, pip-installed into `target/bench-python` for the
//! bench only), on this machine, with one client script (`bench/ingest.py`, the mlflow client
//! unchanged) for both:
//!
//! 1. ingestion of 2,000 runs of 10 params and 5 metrics x 100 steps (points per second; MLflow
//!    is stopped after [`MLFLOW_SECONDS`], its rate taken over what it did), then the same
//!    requests sent without the Python client (which takes most of the time with a fast server);
//! 2. the cold load of a runs page of 2,000 runs to the first row, in headless Chromium, median
//!    of 5 (`bench/jobs.mjs`): azimuth-server's /jobs page and MLflow's UI;
//! 3. a metric of 1,000,000 values: the Metrics tab's click to the chart drawn;
//! 4. azimuth-server's resident memory holding 10 M points.

use crate::bench::{run_node_bench, Context};
use crate::bench_server::{launch_with, memory_mb, request};
use crate::{cmd, Result};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const WS: &str = "/subscriptions/6f1c0a52-5a3b-4b7e-9d2e-3f7a1c2b9e10/resourceGroups/rg-azimuth-lab/providers/Microsoft.MachineLearningServices/workspaces/mlw-azimuth-lab";
/// MLflow, pinned (TOOLCHAIN.md: 3.18.0's mlflow-skinny is missing from PyPI).
const MLFLOW: &str = "mlflow==3.17.2";
/// How long MLflow's server gets for the ingestion (at its pace 2,000 runs would take hours).
const MLFLOW_SECONDS: u32 = 120;
/// The jobs issue's budgets.
const MIN_INGEST_RATIO: f64 = 10.0;
const MIN_PAGE_RATIO: f64 = 10.0;
const MAX_CHART_MS: u32 = 300;
const MAX_RSS_MB: f64 = 300.0;

/// The bench's own Python with MLflow's server, made when missing.
pub(crate) fn bench_python() -> Result<PathBuf> {
    let venv = cmd::root().join("target/bench-python");
    let python = venv.join("bin/python");
    let ready = python.exists()
        && Command::new(&python)
            .args([
                "-c",
                "import mlflow.server, sys; sys.exit(mlflow.__version__ != '3.17.2')",
            ])
            .status()
            .is_ok_and(|s| s.success());
    if !ready {
        println!("bench: installing {MLFLOW} (its server, for the side-by-side figures) into target/bench-python");
        cmd::run(&mut cmd::command(
            "python3",
            &["-m", "venv", &venv.to_string_lossy()],
        ))?;
        let pip = [
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "--quiet",
            MLFLOW,
        ];
        cmd::run(&mut cmd::command(&python.to_string_lossy(), &pip))?;
    }
    Ok(python)
}

/// MLflow's server and its port; stopped (with its workers) when dropped.
struct MlflowServer(Child, u16);

impl Drop for MlflowServer {
    fn drop(&mut self) {
        // Its workers are its process group's.
        cmd::stop_group(self.0.id());
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_mlflow(python: &Path, dir: &Path) -> Result<MlflowServer> {
    use std::os::unix::process::CommandExt;
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir)?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let mlflow = python.with_file_name("mlflow");
    let child = Command::new(mlflow)
        .args([
            "server",
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--workers",
            "1",
        ])
        .arg("--backend-store-uri")
        .arg(format!("sqlite:///{}", dir.join("mlflow.db").display()))
        .arg("--artifacts-destination")
        .arg(dir.join("artifacts"))
        .process_group(0)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let server = MlflowServer(child, port);
    let started = Instant::now();
    while request(port, "GET", "/health", "", "").map_or(0, |r| r.0) != 200 {
        if started.elapsed() > Duration::from_secs(120) {
            return Err("MLflow's server did not start within 120 s".into());
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    println!(
        "MLflow's server started in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(server)
}

/// What `ingest.py` did.
struct Ingested {
    runs: u64,
    points: u64,
    seconds: f64,
    rate: f64,
    experiment: String,
    last_run: String,
}

/// Runs `ingest.py` against `uri` (with `token` for azimuth-server); `args` are its options.
fn ingest(python: &Path, uri: &str, token: Option<&str>, args: &[&str]) -> Result<Ingested> {
    let mut run = cmd::command(&python.to_string_lossy(), &["xtask/bench/ingest.py", uri]);
    run.args(args).env("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0");
    if let Some(token) = token {
        run.env("MLFLOW_TRACKING_TOKEN", token);
    }
    // The client prints a "View run" line per run on stderr: shown only when it fails.
    let output = run.stderr(Stdio::piped()).output()?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        let said = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = said.lines().rev().take(20).collect();
        return Err(format!(
            "ingest.py failed: {}",
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        )
        .into());
    }
    let line = text.lines().last().unwrap_or_default();
    let v: serde_json::Value = serde_json::from_str(line)
        .map_err(|e| format!("ingest.py printed no result ({e}): {text}"))?;
    Ok(Ingested {
        runs: v["runs"].as_u64().unwrap_or(0),
        points: v["points"].as_u64().unwrap_or(0),
        seconds: v["seconds"].as_f64().unwrap_or(0.0),
        rate: v["points_per_second"].as_f64().unwrap_or(0.0),
        experiment: v["experiment_id"].as_str().unwrap_or_default().to_owned(),
        last_run: v["last_run_id"].as_str().unwrap_or_default().to_owned(),
    })
}

/// The requests the client sends for `runs` runs (create, a batch of 10 params, a batch of
/// 500 metric values, end), sent without it, one connection each, for at most `seconds`:
/// what the server itself takes. Answers (runs, points, seconds).
fn raw_ingest(
    port: u16,
    base: &str,
    token: &str,
    experiment: &str,
    runs: u32,
    seconds: f64,
) -> Result<(u32, u64, f64)> {
    let call = |name: &str, body: String| -> Result<String> {
        let (status, answer) = request(
            port,
            "POST",
            &format!("{base}/api/2.0/mlflow/{name}"),
            token,
            &body,
        )?;
        if status != 200 {
            return Err(format!("{name} answered {status}: {answer}").into());
        }
        Ok(answer)
    };
    let started = Instant::now();
    let mut done = 0;
    while done < runs && started.elapsed().as_secs_f64() < seconds {
        let made = call(
            "runs/create",
            format!(
                r#"{{"experiment_id":"{experiment}","run_name":"raw-{done}","start_time":1700000000000}}"#
            ),
        )?;
        let made: serde_json::Value = serde_json::from_str(&made)?;
        let id = made["run"]["info"]["run_id"]
            .as_str()
            .ok_or("no run id")?
            .to_owned();
        let params: Vec<String> = (0..10)
            .map(|i| format!(r#"{{"key":"param_{i}","value":"{}"}}"#, i * 7 % 13))
            .collect();
        call(
            "runs/log-batch",
            format!(r#"{{"run_id":"{id}","params":[{}]}}"#, params.join(",")),
        )?;
        let metrics: Vec<String> = (0..500)
            .map(|i| {
                format!(
                    r#"{{"key":"metric_{}","value":{}.5,"timestamp":1700000000000,"step":{}}}"#,
                    i / 100,
                    i % 7,
                    i % 100
                )
            })
            .collect();
        call(
            "runs/log-batch",
            format!(r#"{{"run_id":"{id}","metrics":[{}]}}"#, metrics.join(",")),
        )?;
        call(
            "runs/update",
            format!(r#"{{"run_id":"{id}","status":"FINISHED","end_time":1700000001000}}"#),
        )?;
        done += 1;
    }
    Ok((done, u64::from(done) * 500, started.elapsed().as_secs_f64()))
}

/// The median of a `jobs.mjs` measurement, from the JSON it wrote.
fn node_median(args: &[&str], out: &Path) -> Result<(f64, bool)> {
    let mut all: Vec<&str> = args.to_vec();
    let out_text = out.to_string_lossy().into_owned();
    all.extend(["--out", &out_text]);
    let met = run_node_bench(&all)?;
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out)?)?;
    Ok((v["median"].as_f64().unwrap_or(f64::NAN), met))
}

/// The bench.
pub fn jobs(context: &Context) -> Result<bool> {
    let python = bench_python()?;
    let (server, port, _) = launch_with(context, "jobs-bench", &[])?;
    let (_, body) = request(
        port,
        "POST",
        "/api/session",
        "",
        r#"{"member": "Grace Hopper"}"#,
    )?;
    let token = serde_json::from_str::<serde_json::Value>(&body)?["token"]
        .as_str()
        .ok_or("no session token")?
        .to_owned();
    let azimuth = format!("http://127.0.0.1:{port}");
    let tracking = format!("{azimuth}/mlflow/v1.0{WS}");
    let mlflow = start_mlflow(&python, &context.out_dir.join("jobs-bench-mlflow"))?;
    let mlflow_uri = format!("http://127.0.0.1:{}", mlflow.1);

    println!("\n1. ingestion: 2,000 runs x (10 params, 5 metrics x 100 steps), one client script");
    let shape = [
        "--runs",
        "2000",
        "--params",
        "10",
        "--metrics",
        "5",
        "--steps",
        "100",
    ];
    let ours = ingest(
        &python,
        &tracking,
        Some(&token),
        &[&["--experiment", "ingest"][..], &shape].concat(),
    )?;
    let limit = MLFLOW_SECONDS.to_string();
    let theirs = ingest(
        &python,
        &mlflow_uri,
        None,
        &[
            &["--experiment", "ingest", "--max-seconds", &limit][..],
            &shape,
        ]
        .concat(),
    )?;
    let ingest_ratio = ours.rate / theirs.rate.max(f64::MIN_POSITIVE);
    for (who, i) in [("azimuth-server", &ours), ("MLflow 3.17.2 ", &theirs)] {
        println!(
            "   {who}: {} runs, {} points in {:.1} s: {:.0} points/s",
            i.runs, i.points, i.seconds, i.rate
        );
    }
    println!("   ratio: {ingest_ratio:.1}x (budget >= {MIN_INGEST_RATIO}x)");
    println!("   the same requests without the Python client (what the servers themselves take):");
    let base = format!("/mlflow/v1.0{WS}");
    let ours_raw = raw_ingest(port, &base, &token, &ours.experiment, 1000, 60.0)?;
    let theirs_raw = raw_ingest(mlflow.1, "", "", &theirs.experiment, 1000, 60.0)?;
    let rate = |r: (u32, u64, f64)| r.1 as f64 / r.2;
    let raw_ratio = rate(ours_raw) / rate(theirs_raw).max(f64::MIN_POSITIVE);
    for (who, r) in [("azimuth-server", ours_raw), ("MLflow 3.17.2 ", theirs_raw)] {
        println!(
            "   {who}: {} runs, {} points in {:.1} s: {:.0} points/s",
            r.0,
            r.1,
            r.2,
            rate(r)
        );
    }
    println!("   ratio: {raw_ratio:.1}x");

    println!("\n2. a runs page of 2,000 runs (10 params, 5 metrics each), cold, to the first row");
    let small = [
        "--runs",
        "2000",
        "--params",
        "10",
        "--metrics",
        "5",
        "--steps",
        "1",
        "--experiment",
        "page",
    ];
    let ours_page = ingest(&python, &tracking, Some(&token), &small)?;
    let theirs_page = ingest(&python, &mlflow_uri, None, &small)?;
    let wsid = "/subscriptions/6f1c0a52-5a3b-4b7e-9d2e-3f7a1c2b9e10/resourcegroups/rg-azimuth-lab/workspaces/mlw-azimuth-lab";
    let page = format!(
        "{azimuth}/jobs/experiments/{}?wsid={wsid}",
        ours_page.experiment
    );
    let (our_ms, _) = node_median(
        &[
            "xtask/bench/jobs.mjs",
            "runs",
            &page,
            "--name",
            "run-01999",
            "--session",
            &token,
        ],
        &context.out_dir.join("jobs-page-azimuth.json"),
    )?;
    let their_page = format!("{mlflow_uri}/#/experiments/{}/runs", theirs_page.experiment);
    let (their_ms, _) = node_median(
        &[
            "xtask/bench/jobs.mjs",
            "runs",
            &their_page,
            "--name",
            "run-01999",
        ],
        &context.out_dir.join("jobs-page-mlflow.json"),
    )?;
    let page_ratio = their_ms / our_ms;
    println!("   azimuth-server: {our_ms:.0} ms; MLflow 3.17.2: {their_ms:.0} ms; {page_ratio:.1}x faster (budget >= {MIN_PAGE_RATIO}x)");
    drop(mlflow);

    println!(
        "\n3. one metric of 1,000,000 values, from the Metrics tab's click to the chart drawn"
    );
    let million = [
        "--runs",
        "1",
        "--params",
        "0",
        "--metrics",
        "1",
        "--steps",
        "1000000",
        "--batch-points",
        "1000",
        "--experiment",
        "chart",
    ];
    let chart_run = ingest(&python, &tracking, Some(&token), &million)?;
    let job = format!("{azimuth}/jobs/runs/{}?wsid={wsid}", chart_run.last_run);
    let budget = MAX_CHART_MS.to_string();
    let (chart_ms, chart_met) = node_median(
        &[
            "xtask/bench/jobs.mjs",
            "chart",
            &job,
            "--session",
            &token,
            "--key",
            "metric_0",
            "--values",
            "1000000",
            "--budget",
            &budget,
        ],
        &context.out_dir.join("jobs-chart.json"),
    )?;
    println!("   {chart_ms:.0} ms (budget <= {MAX_CHART_MS} ms)");

    println!("\n4. azimuth-server holding 10 M points");
    let rest = [
        "--runs",
        "9",
        "--params",
        "0",
        "--metrics",
        "1",
        "--steps",
        "1000000",
        "--batch-points",
        "1000",
        "--experiment",
        "memory",
    ];
    let filled = ingest(&python, &tracking, Some(&token), &rest)?;
    let stored = ours.points + ours_page.points + chart_run.points + filled.points;
    let (rss, peak) = (
        memory_mb(server.pid(), "VmRSS:"),
        memory_mb(server.pid(), "VmHWM:"),
    );
    let db = context.out_dir.join("jobs-bench/azimuth.db");
    let db_mb = std::fs::metadata(&db).map_or(0.0, |m| m.len() as f64 / (1 << 20) as f64);
    println!("   {stored} points stored ({filled_rate:.0} points/s for the last 9 M): resident {rss:.0} MB, peak {peak:.0} MB (budget <= {MAX_RSS_MB} MB); database {db_mb:.0} MB", filled_rate = filled.rate);
    drop(server);

    let met = [
        ingest_ratio >= MIN_INGEST_RATIO,
        page_ratio >= MIN_PAGE_RATIO,
        chart_met,
        peak <= MAX_RSS_MB,
    ];
    let result = serde_json::json!({
        "ingest": {"azimuth_points_per_s": ours.rate, "mlflow_points_per_s": theirs.rate, "mlflow_runs": theirs.runs, "ratio": ingest_ratio},
        "ingest_raw": {"azimuth_points_per_s": rate(ours_raw), "mlflow_points_per_s": rate(theirs_raw), "ratio": raw_ratio},
        "runs_page_ms": {"azimuth": our_ms, "mlflow": their_ms, "ratio": page_ratio},
        "chart_1m_ms": chart_ms,
        "memory_mb": {"points": stored, "resident": rss, "peak": peak, "database": db_mb},
        "met": met,
    });
    std::fs::write(context.out_dir.join("jobs.json"), format!("{result:#}\n"))?;
    Ok(met.iter().all(|m| *m))
}
