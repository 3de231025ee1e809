//! `cargo xtask bench server`: azimuth-server under load on loopback. It starts the release
//! server on a fresh database, creates 100 compute instances through the ARM API, then drives
//! `GET .../computes` and `GET .../computes/{name}` with wrk (64 connections, 10 s) and reports
//! requests/s, p50 and p99 latency, and resident memory idle and under load.

use crate::bench::Context;
use crate::{cmd, setup, Result};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const WS: &str = "/subscriptions/6f1c0a52-5a3b-4b7e-9d2e-3f7a1c2b9e10/resourceGroups/rg-azimuth-lab/providers/Microsoft.MachineLearningServices/workspaces/mlw-azimuth-lab";
const API: &str = "api-version=2025-12-01";
/// Budgets of the shared-workspace issue.
const MIN_LIST_RPS: f64 = 10_000.0;
const MAX_LIST_P99_MS: f64 = 10.0;
const MAX_IDLE_RSS_MB: f64 = 30.0;

/// One HTTP/1.1 request; the status and body of the answer.
pub fn request(
    port: u16,
    method: &str,
    path: &str,
    token: &str,
    body: &str,
) -> Result<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut raw = String::new();
    s.read_to_string(&mut raw)?;
    let status = raw
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or("no HTTP status")?;
    Ok((
        status,
        raw.split_once("\r\n\r\n")
            .map(|(_, b)| b.to_owned())
            .unwrap_or_default(),
    ))
}

/// Resident memory of a process in MB (VmRSS, or VmHWM for the peak).
pub fn memory_mb(pid: u32, field: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| {
            l.strip_prefix(field)?
                .trim()
                .strip_suffix("kB")?
                .trim()
                .parse::<f64>()
                .ok()
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// What wrk measured.
pub struct Load {
    /// Requests per second.
    pub rps: f64,
    /// Median latency.
    pub p50_ms: f64,
    /// 99th percentile latency.
    pub p99_ms: f64,
}

fn millis(text: &str) -> Option<f64> {
    let (n, unit) = text
        .trim()
        .split_at(text.trim().find(|c: char| c.is_ascii_alphabetic())?);
    let n: f64 = n.parse().ok()?;
    Some(match unit {
        "us" => n / 1000.0,
        "ms" => n,
        "s" => n * 1000.0,
        _ => return None,
    })
}

fn wrk(url: &str, token: &str) -> Result<Load> {
    wrk_with(url, token, &[])
}

/// wrk (2 threads, 64 connections, 10 s) against `url` with `token`, and `extra` arguments
/// (`-s script.lua` for a POST).
pub fn wrk_with(url: &str, token: &str, extra: &[&str]) -> Result<Load> {
    let auth = format!("Authorization: Bearer {token}");
    let args = ["-t2", "-c64", "-d10s", "--latency", "-H", auth.as_str()];
    let output = Command::new(setup::WRK)
        .args(args)
        .args(extra)
        .arg(url)
        .output()?;
    let text = String::from_utf8_lossy(&output.stdout);
    let pick = |prefix: &str| {
        text.lines().find_map(|l| {
            l.trim()
                .strip_prefix(prefix)
                .map(str::trim)
                .map(str::to_owned)
        })
    };
    let non2xx = pick("Non-2xx or 3xx responses:");
    if let Some(n) = non2xx {
        return Err(format!("wrk got {n} error answers from {url}").into());
    }
    Ok(Load {
        rps: pick("Requests/sec:")
            .and_then(|v| v.parse().ok())
            .ok_or("wrk printed no Requests/sec")?,
        p50_ms: pick("50%")
            .and_then(|v| millis(&v))
            .ok_or("wrk printed no p50")?,
        p99_ms: pick("99%")
            .and_then(|v| millis(&v))
            .ok_or("wrk printed no p99")?,
    })
}

/// A running azimuth-server, killed when dropped.
pub struct Server(Child);

impl Server {
    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.0.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A release azimuth-server on a fresh database under `out_dir/<name>`, serving `dist`, with
/// Ada signed in: the server (stopped when dropped), its port and Ada's token.
pub fn launch(context: &Context, name: &str) -> Result<(Server, u16, String)> {
    launch_with(context, name, &["--vcpu-quota", "1000"])
}

/// [`launch`] with other flags after `--pace instant --demo`.
pub fn launch_with(context: &Context, name: &str, flags: &[&str]) -> Result<(Server, u16, String)> {
    cmd::run(&mut cmd::command(
        "cargo",
        &["build", "--release", "-p", "azimuth-server"],
    ))?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let db = context.out_dir.join(name).join("azimuth.db");
    let _ = std::fs::remove_dir_all(db.parent().unwrap_or(&db));
    let binary = cmd::root().join("target/release/azimuth-server");
    let child = Command::new(binary)
        .args([
            "--addr",
            &format!("127.0.0.1:{port}"),
            "--pace",
            "instant",
            "--demo",
        ])
        .args(flags)
        .arg("--db")
        .arg(&db)
        .arg("--dist")
        .arg(&context.dist)
        .stdout(Stdio::null())
        .spawn()?;
    let server = Server(child);
    let started = Instant::now();
    while request(port, "GET", "/api/health", "", "")
        .map(|r| r.0)
        .unwrap_or(0)
        != 200
    {
        if started.elapsed() > Duration::from_secs(20) {
            return Err("azimuth-server did not come up".into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let (_, session) = request(
        port,
        "POST",
        "/api/session",
        "",
        r#"{"member":"Ada Lovelace"}"#,
    )?;
    let token = session
        .split("\"token\":\"")
        .nth(1)
        .and_then(|t| t.split('"').next())
        .ok_or("no token")?
        .to_owned();
    Ok((server, port, token))
}

/// The bench.
pub fn server(context: &Context) -> Result<bool> {
    let (server, port, token) = launch(context, "server-bench")?;
    let body = r#"{"properties":{"computeType":"ComputeInstance","properties":{"vmSize":"Standard_DS1_v2"}}}"#;
    for i in 0..100 {
        let (status, answer) = request(
            port,
            "PUT",
            &format!("{WS}/computes/ci-bench-{i:03}x?{API}"),
            &token,
            body,
        )?;
        if status != 201 {
            return Err(format!("creating compute {i} answered {status}: {answer}").into());
        }
    }
    std::thread::sleep(Duration::from_millis(500));
    let pid = server.0.id();
    let idle = memory_mb(pid, "VmRSS:");
    let base = format!("http://127.0.0.1:{port}{WS}/computes");
    let list = wrk(&format!("{base}?{API}"), &token)?;
    let one = wrk(&format!("{base}/ci-bench-042x?{API}"), &token)?;
    let peak = memory_mb(pid, "VmHWM:");
    println!("azimuth-server, 100 compute instances, wrk -t2 -c64 -d10s on loopback (2 cores shared with wrk):");
    println!("  GET .../computes (first page, 50 computes): {:>9.0} requests/s, p50 {:.2} ms, p99 {:.2} ms", list.rps, list.p50_ms, list.p99_ms);
    println!("  GET .../computes/{{name}}:                  {:>9.0} requests/s, p50 {:.2} ms, p99 {:.2} ms", one.rps, one.p50_ms, one.p99_ms);
    println!("  resident memory: {idle:.1} MB idle, {peak:.1} MB peak under load");
    let met = [
        (
            list.rps >= MIN_LIST_RPS,
            format!("list >= {MIN_LIST_RPS:.0} requests/s"),
        ),
        (
            list.p99_ms < MAX_LIST_P99_MS,
            format!("list p99 < {MAX_LIST_P99_MS} ms"),
        ),
        (
            idle < MAX_IDLE_RSS_MB,
            format!("idle memory < {MAX_IDLE_RSS_MB} MB"),
        ),
    ];
    for (ok, what) in &met {
        println!("  budget: {what}: {}", if *ok { "met" } else { "MISSED" });
    }
    let json = format!(
        "{{\"list\":{{\"rps\":{:.0},\"p50_ms\":{:.3},\"p99_ms\":{:.3}}},\"get\":{{\"rps\":{:.0},\"p50_ms\":{:.3},\"p99_ms\":{:.3}}},\"idle_rss_mb\":{idle:.1},\"peak_rss_mb\":{peak:.1}}}",
        list.rps, list.p50_ms, list.p99_ms, one.rps, one.p50_ms, one.p99_ms
    );
    std::fs::write(context.out_dir.join("server.json"), json)?;
    Ok(met.iter().all(|(ok, _)| *ok))
}
