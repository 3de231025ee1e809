//! `cargo xtask bench data`: a datastore's files on azimuth-server. A 200 MB file is uploaded
//! as a stream (MB/s, and the server's peak resident memory: it must not hold the file), then a
//! 1 GB CSV is uploaded and Explore's read of it is timed: a ranged read of its first 256 KB and
//! the parse of its first 100 rows (time to first rows: it reads only what is shown).

use crate::bench::Context;
use crate::bench_server::{launch_with, memory_mb};
use crate::Result;
use azimuth_core::data::preview::{preview, Format, PREVIEW_BYTES, PREVIEW_ROWS};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

const WS: &str = "/subscriptions/6f1c0a52-5a3b-4b7e-9d2e-3f7a1c2b9e10/resourceGroups/rg-azimuth-lab/providers/Microsoft.MachineLearningServices/workspaces/mlw-azimuth-lab";
/// Budgets of the data issue.
const MAX_UPLOAD_RSS_MB: f64 = 100.0;
const MAX_EXPLORE_MS: f64 = 300.0;
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
    println!("azimuth-server, a datastore's files (loopback, 2 cores):");
    println!("  upload of a 200 MB file, streamed: {rate:.0} MB/s ({seconds:.2} s); server memory {idle:.1} MB idle, {peak:.1} MB peak");
    println!("  upload of a 1 GB CSV: {csv_seconds:.1} s; Explore (first {PREVIEW_ROWS} rows from its first {} KB): median {explore:.1} ms over {} reads", PREVIEW_BYTES / 1024, times.len());
    let met = [
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
    let json = format!("{{\"upload_mb_s\":{rate:.1},\"upload_peak_rss_mb\":{peak:.1},\"idle_rss_mb\":{idle:.1},\"csv_upload_s\":{csv_seconds:.2},\"explore_ms\":{explore:.2}}}");
    std::fs::write(context.out_dir.join("data.json"), json)?;
    drop(server);
    Ok(met.iter().all(|(ok, _)| *ok))
}
