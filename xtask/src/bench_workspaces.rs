//! `cargo xtask bench workspaces`: azimuth-server holding 20 workspaces of 1,000 compute
//! instances each (made through the ARM API); then 200 starts and stops of single computes,
//! measuring each one's latency (p50, p99), the bytes written to the database per change, the
//! bytes of the event every studio gets per change, and the server's resident memory.

use crate::bench::Context;
use crate::bench_server::{launch_with, memory_mb, request};
use crate::Result;
use std::io::Read;
use std::net::TcpStream;
use std::time::{Duration, Instant};

const SUB: &str = "/subscriptions/6f1c0a52-5a3b-4b7e-9d2e-3f7a1c2b9e10/resourceGroups/rg-azimuth-lab/providers/Microsoft.MachineLearningServices/workspaces";
const API: &str = "api-version=2025-12-01";
const WORKSPACES: usize = 20;
const COMPUTES: usize = 1_000;
const CHANGES: usize = 200;
/// Budgets of the workspaces issue.
const MAX_P99_MS: f64 = 10.0;
const MAX_WRITTEN: f64 = 16_384.0;
const MAX_EVENT: f64 = 4_096.0;
const MAX_RSS_MB: f64 = 100.0;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn bytes_written(port: u16) -> Result<f64> {
    let (_, body) = request(port, "GET", "/api/health", "", "")?;
    body.split("\"bytesWritten\":")
        .nth(1)
        .and_then(|v| v.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| "no bytesWritten in /api/health".into())
}

/// The bench.
pub fn workspaces(context: &Context) -> Result<bool> {
    // Quota is the subscription's per region, and all 20,000 one-vCPU instances are in one.
    let (server, port, token) =
        launch_with(context, "workspaces-bench", &["--vcpu-quota", "40000"])?;
    let started = Instant::now();
    let body = r#"{"properties":{"computeType":"ComputeInstance","properties":{"vmSize":"Standard_DS1_v2"}}}"#;
    for w in 0..WORKSPACES {
        let ws = format!("{SUB}/mlw-bench-{w:02}");
        if w > 0 {
            let (status, answer) = request(
                port,
                "PUT",
                &format!("{ws}?{API}"),
                &token,
                r#"{"location":"eastus"}"#,
            )?;
            if status != 201 {
                return Err(format!("creating workspace {w} answered {status}: {answer}").into());
            }
        }
        let ws = if w == 0 {
            format!("{SUB}/mlw-azimuth-lab")
        } else {
            ws
        };
        for i in 0..COMPUTES {
            let path = format!("{ws}/computes/ci-w{w:02}-n{i:04}x?{API}");
            let (status, answer) = request(port, "PUT", &path, &token, body)?;
            if status != 201 {
                return Err(format!(
                    "creating compute {i} of workspace {w} answered {status}: {answer}"
                )
                .into());
            }
        }
    }
    let filled = started.elapsed();
    let rss = memory_mb(server.pid(), "VmRSS:");
    // Every studio listens to the event stream; count what one receives.
    let mut events = TcpStream::connect(("127.0.0.1", port))?;
    std::io::Write::write_all(
        &mut events,
        format!("GET /api/events?access_token={token} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .as_bytes(),
    )?;
    events.set_read_timeout(Some(Duration::from_millis(200)))?;
    let mut drain = [0u8; 65_536];
    let _ = events.read(&mut drain);
    let before = bytes_written(port)?;
    let mut latencies = Vec::with_capacity(CHANGES);
    for k in 0..CHANGES {
        let w = k % WORKSPACES;
        let ws = if w == 0 {
            format!("{SUB}/mlw-azimuth-lab")
        } else {
            format!("{SUB}/mlw-bench-{w:02}")
        };
        let action = if k < CHANGES / 2 { "stop" } else { "start" };
        let path = format!(
            "{ws}/computes/ci-w{w:02}-n{:04}x/{action}?{API}",
            (k % (CHANGES / 2)) / WORKSPACES
        );
        let t = Instant::now();
        let (status, answer) = request(port, "POST", &path, &token, "")?;
        latencies.push(t.elapsed().as_secs_f64() * 1000.0);
        if status != 202 {
            return Err(format!("{action} answered {status}: {answer}").into());
        }
    }
    let written = (bytes_written(port)? - before) / CHANGES as f64;
    std::thread::sleep(Duration::from_millis(500));
    let mut received = 0usize;
    let mut count = 0usize;
    loop {
        match events.read(&mut drain) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                received += n;
                count += String::from_utf8_lossy(&drain[..n])
                    .matches("event: changed")
                    .count();
            }
        }
    }
    let per_event = received as f64 / count.max(1) as f64;
    latencies.sort_by(f64::total_cmp);
    let (p50, p99) = (percentile(&latencies, 0.5), percentile(&latencies, 0.99));
    let peak = memory_mb(server.pid(), "VmHWM:");
    println!("azimuth-server, {WORKSPACES} workspaces of {COMPUTES} compute instances (made in {:.0} s):", filled.as_secs_f64());
    println!("  start or stop one compute ({CHANGES} changes): p50 {p50:.2} ms, p99 {p99:.2} ms");
    println!("  written to the database per change: {written:.0} bytes");
    println!("  event each studio gets per change: {per_event:.0} bytes ({count} events)");
    println!("  resident memory: {rss:.1} MB after making them, {peak:.1} MB peak");
    let met = [
        (p99 <= MAX_P99_MS, format!("p99 <= {MAX_P99_MS} ms")),
        (
            written <= MAX_WRITTEN,
            format!("<= {MAX_WRITTEN:.0} bytes written per change"),
        ),
        (
            per_event <= MAX_EVENT,
            format!("event <= {MAX_EVENT:.0} bytes"),
        ),
        (
            peak <= MAX_RSS_MB,
            format!("<= {MAX_RSS_MB:.0} MB resident"),
        ),
    ];
    for (ok, what) in &met {
        println!("  budget: {what}: {}", if *ok { "met" } else { "MISSED" });
    }
    let json = format!(
        "{{\"p50_ms\":{p50:.3},\"p99_ms\":{p99:.3},\"written_per_change\":{written:.0},\"event_bytes\":{per_event:.0},\"rss_mb\":{rss:.1},\"peak_rss_mb\":{peak:.1}}}"
    );
    std::fs::write(context.out_dir.join("workspaces.json"), json)?;
    drop(server);
    Ok(met.iter().all(|(ok, _)| *ok))
}
