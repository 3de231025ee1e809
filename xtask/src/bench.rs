//! `cargo xtask bench`: what the Compute page costs to download and how fast it starts.
//!
//! Each bench is an entry in [`BENCHES`]: a name for the command line and a function that prints
//! its report, writes `target/bench/<name>.json` and says whether its budget was met. Add a bench
//! (a server load test, say) by adding an entry.

use crate::{cmd, serve, setup, Result};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What a bench gets to work with.
pub struct Context {
    /// The release build to measure.
    pub dist: PathBuf,
    /// Where benches write their JSON results.
    pub out_dir: PathBuf,
    /// How many measured runs a timing bench makes.
    pub runs: u32,
}

/// One benchmark: its command-line name, a line about it, and the function that runs it and
/// returns whether its budget was met.
pub struct Bench {
    /// The name on the command line and of the JSON result file.
    pub name: &'static str,
    /// One line for `--help`.
    pub about: &'static str,
    /// Runs the bench: `Ok(true)` when the budget is met.
    pub run: fn(&Context) -> Result<bool>,
}

/// Every bench, in the order they run.
pub const BENCHES: &[Bench] = &[
    Bench {
        name: "sizes",
        about: "raw, gzip -9 and brotli -q 11 bytes of every file in dist/, and each page's first load (budget: 250 KB brotli)",
        run: crate::bench_sizes::sizes,
    },
    Bench {
        name: "load",
        about: "cold loads of /compute/instances in headless Chromium (budget: median < 300 ms)",
        run: load,
    },
    Bench {
        name: "load-wizard",
        about: "cold loads of /compute/create/instance, the largest lazily loaded page, until the wizard shows (budget: median < 400 ms)",
        run: load_wizard,
    },
    Bench {
        name: "load-server",
        about: "the same cold loads from azimuth-server, signed in (budget: median < 300 ms)",
        run: load_server,
    },
    Bench {
        name: "table",
        about: "1,000 compute instances, then 1,000 compute clusters: keystroke to filtered table in headless Chromium (budget: median < 100 ms each)",
        run: crate::bench_table::table,
    },
    Bench {
        name: "server",
        about: "azimuth-server with 100 computes under wrk, 64 connections for 10 s (budget: list >= 10,000 requests/s, p99 < 10 ms; < 30 MB idle)",
        run: crate::bench_server::server,
    },
    Bench {
        name: "data",
        about: "azimuth-server's files: a 200 MB upload streamed, and Explore of a 1 GB CSV (budget: server memory <= 100 MB during the upload, first rows <= 300 ms)",
        run: crate::bench_data::data,
    },
    Bench {
        name: "notebooks",
        about: "a notebook kernel on a compute instance: its start, and 1+1 sent to its whole answer, 50 times (budget: median <= 50 ms)",
        run: crate::bench_notebooks::notebooks,
    },
    Bench {
        name: "jobs",
        about: "the MLflow tracking API and the Jobs pages beside MLflow 3.17.2's own server: ingestion of 2,000 runs, a runs page of 2,000 cold, a 1 M-value chart, memory with 10 M points (budget: >= 10x MLflow's ingestion and page, chart <= 300 ms, <= 300 MB)",
        run: crate::bench_jobs::jobs,
    },
    Bench {
        name: "automl",
        about: "the training engine beside scikit-learn on a 10,000 x 20 table and the diabetes sample, 3-fold CV (budget: <= 15 s on the server, best AUC_weighted no more than 0.02 under scikit-learn's)",
        run: crate::bench_automl::automl,
    },
    Bench {
        name: "endpoints",
        about: "an online endpoint of an AutoML model under wrk (64 connections, 10 s, 1 and 100 rows a request) beside mlflow models serve of a scikit-learn model (budget: >= 5,000 single-row requests/s, p99 <= 10 ms, >= 10x MLflow)",
        run: crate::bench_endpoints::endpoints,
    },
    Bench {
        name: "workspaces",
        about: "azimuth-server with 20 workspaces of 1,000 computes: start or stop one (budget: p99 <= 10 ms, <= 16 KB written and an event <= 4 KB per change, <= 100 MB resident)",
        run: crate::bench_workspaces::workspaces,
    },
];

/// `cargo xtask bench [name...] [--runs N] [--strict] [--no-build] [--dir DIR]`.
pub fn main(args: &[String]) -> Result {
    let root = cmd::root();
    let mut names = Vec::new();
    let mut context = Context {
        dist: root.join("dist"),
        out_dir: root.join("target").join("bench"),
        runs: 10,
    };
    let (mut strict, mut build) = (false, true);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => {
                let value = args.next().ok_or("--runs wants a number")?;
                context.runs = value.parse().map_err(|_| "--runs wants a number")?;
            }
            "--strict" => strict = true,
            "--no-build" => build = false,
            "--dir" => {
                context.dist = args.next().ok_or("--dir wants a directory")?.into();
                build = false;
            }
            name if BENCHES.iter().any(|b| b.name == name) => names.push(name.to_string()),
            other => return Err(format!("unknown bench or option `{other}`\n{}", usage()).into()),
        }
    }
    setup::ensure()?;
    if build {
        crate::build::release()?;
    }
    fs::create_dir_all(&context.out_dir)?;
    let mut missed = Vec::new();
    for bench in BENCHES {
        if names.is_empty() || names.iter().any(|n| n == bench.name) {
            println!("\n==> bench {}: {}", bench.name, bench.about);
            if !(bench.run)(&context)? {
                missed.push(bench.name);
            }
        }
    }
    println!();
    match (missed.is_empty(), strict) {
        (true, _) => println!("bench: every budget met"),
        (false, false) => println!("bench: budget missed by: {}", missed.join(", ")),
        (false, true) => return Err(format!("budget missed by: {}", missed.join(", ")).into()),
    }
    Ok(())
}

fn usage() -> String {
    let mut text = String::from(
        "usage: cargo xtask bench [name...] [--runs N] [--strict] [--no-build] [--dir DIR]\n",
    );
    for bench in BENCHES {
        text.push_str(&format!("  {:<8} {}\n", bench.name, bench.about));
    }
    text
}

/// The bytes of one file as served and as gzip and brotli would send it.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Sizes {
    /// Uncompressed bytes.
    pub raw: u64,
    /// gzip, level 9.
    pub gzip: u64,
    /// brotli, quality 11, window 22.
    pub brotli: u64,
}

impl Sizes {
    /// Measures `data`.
    pub fn of(data: &[u8]) -> Result<Sizes> {
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(9));
        gzip.write_all(data)?;
        let gzip = gzip.finish()?.len() as u64;
        Ok(Sizes {
            raw: data.len() as u64,
            gzip,
            brotli: brotli(data)?.len() as u64,
        })
    }

    /// The sum of two measurements.
    pub fn add(self, other: Sizes) -> Sizes {
        Sizes {
            raw: self.raw + other.raw,
            gzip: self.gzip + other.gzip,
            brotli: self.brotli + other.brotli,
        }
    }
}

/// Brotli's quality for the build's precompressed copies (the highest).
const BROTLI_QUALITY: i32 = 11;
/// Brotli's window, as a power of two.
const BROTLI_WINDOW: i32 = 22;

/// `data` compressed with brotli at quality 11, window 22 (what hosts precompress with).
pub fn brotli(data: &[u8]) -> Result<Vec<u8>> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: BROTLI_QUALITY,
        lgwin: BROTLI_WINDOW,
        ..Default::default()
    };
    let mut out = Vec::new();
    brotli::BrotliCompress(&mut &data[..], &mut out, &params)?;
    Ok(out)
}

/// Writes `<file>.br` beside every file of the build, for servers that send precompressed
/// files (azimuth-server does; so can nginx's `brotli_static`). Files compressed before (by
/// their content) are taken from `target/brotli-cache/`: Pyodide's 30 MB, the same in every
/// build, took minutes of each build at quality 11.
pub fn precompress(dist: &Path) -> Result {
    let cache = cmd::root().join("target").join("brotli-cache");
    fs::create_dir_all(&cache)?;
    for file in files(dist)? {
        let path = dist.join(&file);
        let data = fs::read(&path)?;
        // Named by the content and the settings; written whole under another name first, so
        // an interrupted build never leaves a cut-off copy to be reused.
        let name = format!(
            "{:016x}-{}-q{BROTLI_QUALITY}w{BROTLI_WINDOW}.br",
            content_hash(&data),
            data.len()
        );
        let cached = cache.join(&name);
        let compressed = match fs::read(&cached) {
            Ok(compressed) => compressed,
            Err(_) => {
                let compressed = brotli(&data)?;
                let partial = cache.join(format!("{name}.{}.part", std::process::id()));
                fs::write(&partial, &compressed)?;
                fs::rename(&partial, &cached)?;
                compressed
            }
        };
        let mut name = path.into_os_string();
        name.push(".br");
        fs::write(name, compressed)?;
    }
    Ok(())
}

/// A hash of `data` that names its compressed copy in the cache.
fn content_hash(data: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    data.hash(&mut hasher);
    hasher.finish()
}

/// Every file under `dir` (recursively) but precompressed copies, as paths relative to `dir`,
/// sorted.
pub fn files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in fs::read_dir(&current)? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_none_or(|e| e != "br") {
                found.push(path.strip_prefix(dir)?.to_path_buf());
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Exit status of a Node bench (`bench/report.mjs`) that measured fine but missed its budget.
const BUDGET_MISSED: i32 = 3;

/// Runs a Node bench script: `Ok(true)` when its budget is met, `Ok(false)` when missed.
pub fn run_node_bench(args: &[&str]) -> Result<bool> {
    let mut node = cmd::command("node", args);
    println!("$ {}", cmd::display(&node));
    let status = node.status()?;
    match status.code() {
        Some(0) => Ok(true),
        Some(BUDGET_MISSED) => Ok(false),
        _ => Err(format!("{} failed ({status})", args[0]).into()),
    }
}

fn load(context: &Context) -> Result<bool> {
    let server = serve::serve_dir(&context.dist, "127.0.0.1:0")?;
    let met = run_load(context, &server.url(), "load", None, &[]);
    drop(server);
    met
}

fn load_wizard(context: &Context) -> Result<bool> {
    let server = serve::serve_dir(&context.dist, "127.0.0.1:0")?;
    // No issue sets this page's budget; 400 ms is the studio's own line for a lazily loaded page.
    let wizard = [
        "--path",
        "/compute/create/instance",
        "--dialog",
        "Create compute instance",
        "--budget",
        "400",
    ];
    let met = run_load(context, &server.url(), "load-wizard", None, &wizard);
    drop(server);
    met
}

fn load_server(context: &Context) -> Result<bool> {
    let (server, port, token) = crate::bench_server::launch(context, "load-server")?;
    let met = run_load(
        context,
        &format!("http://127.0.0.1:{port}"),
        "load-server",
        Some(&token),
        &[],
    );
    drop(server);
    met
}

/// Runs `load.mjs` against `url` (signed in with `session` on a shared workspace), with `extra`
/// arguments.
fn run_load(
    context: &Context,
    url: &str,
    name: &str,
    session: Option<&str>,
    extra: &[&str],
) -> Result<bool> {
    let out = context.out_dir.join(format!("{name}.json"));
    let runs = context.runs.to_string();
    let out = out.to_string_lossy();
    let mut args = vec![
        "xtask/bench/load.mjs",
        url,
        "--runs",
        runs.as_str(),
        "--out",
        &out,
    ];
    if let Some(token) = session {
        args.extend(["--session", token]);
    }
    args.extend(extra);
    run_node_bench(&args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compression_shrinks_repetitive_text() {
        let text = "<tr><td>ci-1</td><td>Running</td></tr>".repeat(200);
        let sizes = Sizes::of(text.as_bytes()).unwrap();
        assert_eq!(sizes.raw, text.len() as u64);
        assert!(sizes.gzip < sizes.raw / 10, "{sizes:?}");
        assert!(sizes.brotli < sizes.raw / 10, "{sizes:?}");
    }

    #[test]
    fn lists_files_recursively() {
        let dir = std::env::temp_dir().join(format!("xtask-bench-{}", std::process::id()));
        fs::create_dir_all(dir.join("icons")).unwrap();
        fs::write(dir.join("index.html"), "x").unwrap();
        fs::write(dir.join("icons/a.svg"), "y").unwrap();
        let listed = files(&dir).unwrap();
        fs::remove_dir_all(&dir).unwrap();
        let expected = [PathBuf::from("icons/a.svg"), PathBuf::from("index.html")];
        assert_eq!(listed, expected);
    }
}
