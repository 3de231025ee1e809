//! `cargo xtask bench data`: a datastore's files on azimuth-server. A 200 MB file is uploaded
//! as a stream (MB/s, and the server's peak resident memory: it must not hold the file), then a
//! 1 GB CSV is uploaded and Explore's read of it is timed: a ranged read of its first 256 KB and
//! the parse of its first 100 rows (time to first rows: it reads only what is shown). Last, a
//! CSV of 1 M rows x 10 columns is profiled by the server (`GET /api/files/profile`) and by the
//! studio's Web Worker in headless Chromium (`profile.mjs`, which also watches that the page
//! keeps drawing frames meanwhile). A 200 MB file is also uploaded from the studio's page into
//! each store (`upload.mjs`: the page's renderer memory meanwhile).

use crate::bench::Context;
use crate::bench_server::{launch_with, memory_mb};
use crate::{serve, Result};
use azimuth_core::data::preview::{preview, Format, PREVIEW_BYTES, PREVIEW_ROWS};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

const WS: &str = "/subscriptions/6f1c0a52-5a3b-4b7e-9d2e-3f7a1c2b9e10/resourceGroups/rg-azimuth-lab/providers/Microsoft.MachineLearningServices/workspaces/mlw-azimuth-lab";
/// Budgets of the data issue.
const MAX_UPLOAD_RSS_MB: f64 = 100.0;
const MAX_EXPLORE_MS: f64 = 300.0;
const MAX_SERVER_PROFILE_S: f64 = 3.0;
/// Rows of the CSV profiled (10 columns).
const PROFILE_ROWS: u64 = 1_000_000;
const UPLOAD_BYTES: usize = 200 << 20;
const CSV_BYTES: usize = 1 << 30;

/// Streams `size` bytes made by `fill` as the body of `PUT /api/files`; answers the status.
fn upload(
    port: u16,
    token: &str,
    path: &str,
    size: usize,
    mut fill: impl FnMut(&mut Vec<u8>),
) -> Result<u16> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    write!(
        s,
        "PUT /api/files?wsid={WS}&path={path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nContent-Length: {size}\r\nConnection: close\r\n\r\n"
    )?;
    let mut sent = 0;
    let mut chunk = Vec::with_capacity(1 << 20);
    while sent < size {
        chunk.clear();
        fill(&mut chunk);
        let part = &chunk[..chunk.len().min(size - sent)];
        s.write_all(part)?;
        sent += part.len();
    }
    let mut answer = String::new();
    s.read_to_string(&mut answer)?;
    Ok(answer
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0))
}

/// A ranged read of a file's first `bytes`: its body.
fn read_start(port: u16, token: &str, path: &str, bytes: u64) -> Result<Vec<u8>> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    write!(
        s,
        "GET /api/files/content?wsid={WS}&path={path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nRange: bytes=0-{}\r\nConnection: close\r\n\r\n",
        bytes - 1
    )?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let at = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("no response head")?
        + 4;
    Ok(raw[at..].to_vec())
}

/// A CSV of [`PROFILE_ROWS`] rows and 10 columns of every kind the profiler tells apart:
/// whole numbers, decimals with missing values, categories, dates, free text.
fn profile_csv() -> Vec<u8> {
    let mut csv = Vec::with_capacity(90 << 20);
    csv.extend_from_slice(b"id,age,fare,class,sex,embarked,boarded,score,city,name\n");
    for row in 0..PROFILE_ROWS {
        let score = if row % 17 == 0 {
            String::new()
        } else {
            format!("{:.3}", (row % 1000) as f64 / 7.0)
        };
        let _ = writeln!(
            csv,
            "{row},{},{}.{:02},{},{},{},2024-{:02}-{:02},{score},City {},\"Passenger {row}, Mr.\"",
            row % 80,
            row % 500,
            row % 100,
            row % 3 + 1,
            ["male", "female"][(row % 2) as usize],
            ["S", "C", "Q"][(row % 3) as usize],
            row % 12 + 1,
            row % 28 + 1,
            row % 1000,
        );
    }
    csv
}

/// `GET /api/files/profile` of `path`: the time it took, and the rows it counted.
fn profile_on_server(port: u16, token: &str, path: &str) -> Result<(f64, u64)> {
    let started = Instant::now();
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    write!(
        s,
        "GET /api/files/profile?wsid={WS}&path={path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    )?;
    let mut raw = String::new();
    s.read_to_string(&mut raw)?;
    let seconds = started.elapsed().as_secs_f64();
    let body = raw.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    let profile: serde_json::Value = serde_json::from_str(body).map_err(|e| {
        format!(
            "the profile is not JSON ({e}): {}",
            &body[..body.len().min(300)]
        )
    })?;
    let rows = profile["rows"].as_u64().ok_or("the profile has no rows")?;
    Ok((seconds, rows))
}

/// The bench.
pub fn data(context: &Context) -> Result<bool> {
    let (server, port, token) = launch_with(context, "data-bench", &[])?;
    std::thread::sleep(Duration::from_millis(300));
    let idle = memory_mb(server.pid(), "VmRSS:");
    let started = Instant::now();
    let status = upload(port, &token, "bench/random.bin", UPLOAD_BYTES, |c| {
        c.resize(1 << 20, 0x5a)
    })?;
    let seconds = started.elapsed().as_secs_f64();
    if status != 201 {
        return Err(format!("the 200 MB upload answered {status}").into());
    }
    let peak = memory_mb(server.pid(), "VmHWM:");
    let rate = UPLOAD_BYTES as f64 / (1 << 20) as f64 / seconds;

    // A 1 GB CSV of 10 columns.
    let mut row = 0u64;
    let started = Instant::now();
    let status = upload(port, &token, "bench/big.csv", CSV_BYTES, |c| {
        if row == 0 {
            c.extend_from_slice(b"id,age,fare,class,sex,embarked,name,ticket,cabin,survived\n");
        }
        while c.len() < (1 << 20) {
            row += 1;
            let _ = writeln!(
                c,
                "{row},{},{}.{:02},{},{},S,\"Passenger {row}, Mr.\",T{},C{},{}",
                row % 80,
                row % 500,
                row % 100,
                row % 3 + 1,
                if row.is_multiple_of(2) {
                    "male"
                } else {
                    "female"
                },
                row * 7,
                row % 97,
                row % 2
            );
        }
    })?;
    let csv_seconds = started.elapsed().as_secs_f64();
    if status != 201 {
        return Err(format!("the 1 GB upload answered {status}").into());
    }
    let mut times = Vec::new();
    for _ in 0..context.runs.max(5) {
        let started = Instant::now();
        let bytes = read_start(port, &token, "bench/big.csv", PREVIEW_BYTES)?;
        let format = Format::Delimited {
            delimiter: b',',
            header: true,
        };
        let table = preview(&bytes, false, format, PREVIEW_ROWS)?;
        if table.rows.len() != PREVIEW_ROWS {
            return Err(format!("Explore showed {} rows", table.rows.len()).into());
        }
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let explore = times[times.len() / 2];

    let csv = profile_csv();
    let csv_file = context.out_dir.join("profile.csv");
    std::fs::write(&csv_file, &csv)?;
    let mut sent = 0;
    let status = upload(port, &token, "bench/profile.csv", csv.len(), |c| {
        let end = (sent + (1 << 20)).min(csv.len());
        c.extend_from_slice(&csv[sent..end]);
        sent = end;
    })?;
    if status != 201 {
        return Err(format!("the profile CSV's upload answered {status}").into());
    }
    let mut profiles = Vec::new();
    for _ in 0..3 {
        let (seconds, rows) = profile_on_server(port, &token, "bench/profile.csv")?;
        if rows != PROFILE_ROWS {
            return Err(format!("the server profiled {rows} rows").into());
        }
        profiles.push(seconds);
    }
    profiles.sort_by(f64::total_cmp);
    let server_profile = profiles[1];
    let profile_peak = memory_mb(server.pid(), "VmHWM:");
    println!("azimuth-server, a datastore's files (loopback, 2 cores):");
    println!("  upload of a 200 MB file, streamed: {rate:.0} MB/s ({seconds:.2} s); server memory {idle:.1} MB idle, {peak:.1} MB peak");
    println!("  upload of a 1 GB CSV: {csv_seconds:.1} s; Explore (first {PREVIEW_ROWS} rows from its first {} KB): median {explore:.1} ms over {} reads", PREVIEW_BYTES / 1024, times.len());
    println!(
        "  profile of {PROFILE_ROWS} rows x 10 columns ({:.0} MB): median {server_profile:.2} s over 3 (server peak memory since start {profile_peak:.1} MB)",
        csv.len() as f64 / 1e6
    );
    drop(csv);
    let met = [
        (
            server_profile <= MAX_SERVER_PROFILE_S,
            format!("server profile of 1 M rows x 10 columns <= {MAX_SERVER_PROFILE_S} s"),
        ),
        (
            peak <= MAX_UPLOAD_RSS_MB,
            format!("server memory during the upload <= {MAX_UPLOAD_RSS_MB} MB"),
        ),
        (
            explore <= MAX_EXPLORE_MS,
            format!("Explore of a 1 GB CSV <= {MAX_EXPLORE_MS} ms"),
        ),
    ];
    for (ok, what) in &met {
        println!("  budget: {what}: {}", if *ok { "met" } else { "MISSED" });
    }
    let json = format!("{{\"upload_mb_s\":{rate:.1},\"upload_peak_rss_mb\":{peak:.1},\"idle_rss_mb\":{idle:.1},\"csv_upload_s\":{csv_seconds:.2},\"explore_ms\":{explore:.2},\"server_profile_s\":{server_profile:.2}}}");
    std::fs::write(context.out_dir.join("data.json"), json)?;

    // The same 200 MB from the studio's page, into each store: the page's memory meanwhile.
    let upload_file = context.out_dir.join("upload-200mb.bin");
    std::fs::write(&upload_file, vec![0x5a; UPLOAD_BYTES])?;
    let page_upload = |url: &str, store: &str, sign_in: bool| -> Result<bool> {
        let out = context.out_dir.join(format!("upload-page-{store}.json"));
        let file = upload_file.to_string_lossy();
        let out = out.to_string_lossy();
        let mut args = vec![
            "xtask/bench/upload.mjs",
            url,
            "--file",
            &file,
            "--out",
            &out,
        ];
        if sign_in {
            args.push("--sign-in");
        }
        crate::bench::run_node_bench(&args)
    };
    println!("the studio's page uploading 200 MB (headless Chromium):");
    page_upload(&format!("http://127.0.0.1:{port}"), "server", true)?;
    drop(server);
    let site = serve::serve_dir(&context.dist, "127.0.0.1:0")?;
    page_upload(&site.url(), "browser", false)?;
    drop(site);
    let _ = std::fs::remove_file(&upload_file);

    println!("the studio's Web Worker, the same CSV (headless Chromium):");
    let site = serve::serve_dir(&context.dist, "127.0.0.1:0")?;
    let out = context.out_dir.join("profile-browser.json");
    let in_browser = crate::bench::run_node_bench(&[
        "xtask/bench/profile.mjs",
        &site.url(),
        "--csv",
        &csv_file.to_string_lossy(),
        "--out",
        &out.to_string_lossy(),
    ])?;
    drop(site);
    let _ = std::fs::remove_file(&csv_file);
    Ok(in_browser && met.iter().all(|(ok, _)| *ok))
}
