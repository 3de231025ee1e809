//! `cargo xtask`: the project's tooling (setup, build, serve, test, bench), std-only Rust.

mod area_rules;
mod bench;
mod bench_automl;
mod bench_data;
mod bench_endpoints;
mod bench_jobs;
mod bench_notebooks;
mod bench_server;
mod bench_sizes;
mod bench_table;
mod bench_workspaces;
mod build;
mod bundles;
mod client_test;
mod cmd;
mod merge;
mod python;
mod refused_tables;
mod serve;
mod setup;
mod slim;
mod styles;
mod test;
mod uncalled;

use std::process::ExitCode;

/// What every subcommand returns; the error is printed and turns into exit code 1.
pub type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  setup [--dry-run]          install what is missing: wasm32 target, trunk, wasm-bindgen-cli,
                             wasm-split-cli, the nightly toolchain's rust-src (optional: the
                             release wasm's own standard library), chromium + chromedriver,
                             wrk, npm packages, the wasm-opt wrapper, azure-ai-ml and mlflow
                             (pinned, PyPI) in a virtual environment, target/python
  build                      setup, then the release build into dist/ (trunk for the page,
                             the wasm split into lazily loaded chunks)
  serve [--port N] [--no-build] [--dir DIR]
                             build, then serve dist/ on http://127.0.0.1:N (default 8080);
                             --no-build serves the dist/ there is, --dir another directory
  test [--skip-e2e | --e2e-only | --client-only] [-- <playwright args>]
                             fmt, clippy (native + wasm32), unit tests, the azure-ai-ml and
                             mlflow client tests, component tests, release build + Playwright end-to-end tests
  bench [sizes] [load] [server] [--runs N] [--strict] [--no-build] [--dir DIR]
                             release build, then asset sizes (raw/gzip/brotli), cold-load
                             timings of /compute/instances and azimuth-server under wrk;
                             --strict fails when a budget is missed; --no-build/--dir measure
                             an existing build";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = args.split_first() else {
        eprintln!("{USAGE}");
        return ExitCode::FAILURE;
    };
    let result = match command.as_str() {
        "setup" => setup::main(rest),
        "build" => build::main(rest),
        "serve" => serve::main(rest),
        "test" => test::main(rest),
        "bench" => bench::main(rest),
        "help" | "-h" | "--help" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command `{other}`\n\n{USAGE}").into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("xtask: error: {err}");
            ExitCode::FAILURE
        }
    }
}
