//! `cargo xtask test`: every check CI runs, in order, stopping at the first failure.

use crate::{cmd, serve, setup, Result};
use std::os::unix::process::CommandExt;
use std::time::Duration;

/// One named check.
struct Step {
    name: &'static str,
    run: Box<dyn FnOnce() -> Result>,
}

impl Step {
    fn new(name: &'static str, run: impl FnOnce() -> Result + 'static) -> Step {
        Step {
            name,
            run: Box::new(run),
        }
    }

    /// A step that runs `cargo args` in the repository root.
    fn cargo(name: &'static str, args: &'static [&'static str]) -> Step {
        Step::new(name, move || cmd::run(&mut cmd::command("cargo", args)))
    }
}

/// Which steps to run, from the command line.
#[derive(Debug, Default, PartialEq)]
struct Options {
    skip_e2e: bool,
    e2e_only: bool,
    client_only: bool,
    playwright_args: Vec<String>,
}

const USAGE: &str =
    "usage: cargo xtask test [--skip-e2e | --e2e-only | --client-only] [-- <playwright args>]";

fn parse(args: &[String]) -> Result<Options> {
    let mut options = Options::default();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--skip-e2e" => options.skip_e2e = true,
            "--e2e-only" => options.e2e_only = true,
            "--client-only" => options.client_only = true,
            "--" => options.playwright_args = args.by_ref().cloned().collect(),
            other => return Err(format!("unknown option `{other}`\n{USAGE}").into()),
        }
    }
    let only = [options.skip_e2e, options.e2e_only, options.client_only];
    if only.into_iter().filter(|&o| o).count() > 1 {
        return Err(format!(
            "--skip-e2e, --e2e-only and --client-only exclude each other\n{USAGE}"
        )
        .into());
    }
    Ok(options)
}

/// `cargo xtask test [--skip-e2e | --e2e-only | --client-only] [-- <playwright args>]`.
pub fn main(args: &[String]) -> Result {
    let options = parse(args)?;
    let mut steps = vec![Step::new("setup", setup::ensure)];
    if options.client_only {
        steps.push(client_step());
        return run_all(steps);
    }
    let playwright_args = options.playwright_args;
    if options.e2e_only {
        steps.push(Step::new("release build", crate::build::release));
    } else if !options.skip_e2e {
        // Started once setup is done, beside the checks: much of it runs on one core (the
        // studio's link-time optimization, wasm-split), which the checks leave idle.
        let background = std::rc::Rc::new(std::cell::RefCell::new(None::<Background>));
        let started = background.clone();
        steps.push(Step::new(
            "release build (started in the background)",
            move || {
                *started.borrow_mut() = Some(Background::start()?);
                Ok(())
            },
        ));
        steps.extend(checks());
        steps.push(Step::new(
            "release build (finished)",
            move || match background.borrow_mut().take() {
                Some(build) => build.finish(),
                None => Err("the release build was not started".into()),
            },
        ));
    } else {
        steps.extend(checks());
    }
    if !options.skip_e2e {
        steps.push(Step::new("end-to-end tests (Playwright)", move || {
            e2e(&playwright_args)
        }));
    }
    run_all(steps)
}

/// `cargo xtask build` as a child process, in a cargo target directory of its own (cargo
/// locks a target directory while it builds, so the checks would otherwise wait for it), its
/// output kept in `target/release-build.log` and shown if it fails. Dropped unfinished (a
/// check failed), it is stopped.
struct Background {
    child: std::process::Child,
    log: std::path::PathBuf,
    since: std::time::Instant,
}

impl Background {
    fn start() -> Result<Background> {
        let log = cmd::root().join("target/release-build.log");
        let file = std::fs::File::create(&log)?;
        let child = std::process::Command::new(std::env::current_exe()?)
            .arg("build")
            .current_dir(cmd::root())
            .env("CARGO_TARGET_DIR", cmd::root().join("target/release-build"))
            .env(crate::build::STOP_WITH_PARENT, "1")
            .stdin(std::process::Stdio::null())
            // A group of its own, so stopping it stops cargo and wasm-opt under it too.
            .process_group(0)
            .stdout(file.try_clone()?)
            .stderr(file)
            .spawn()?;
        println!(
            "building the release studio meanwhile; its output goes to {}",
            log.display()
        );
        Ok(Background {
            child,
            log,
            since: std::time::Instant::now(),
        })
    }

    fn finish(mut self) -> Result {
        let status = self.child.wait()?;
        println!(
            "the release build took {} in all (beside the checks)",
            cmd::human(self.since.elapsed())
        );
        if status.success() {
            return Ok(());
        }
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        println!("the end of {}:", self.log.display());
        for line in &lines[lines.len().saturating_sub(60)..] {
            println!("{line}");
        }
        Err(format!("the release build failed ({status})").into())
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            cmd::stop_group(self.child.id());
            let _ = self.child.wait();
        }
    }
}

/// The native unit and integration tests: every package but the studio (a wasm app).
const UNIT_TESTS: &[&str] = &["test", "--workspace", "--exclude", "azimuth-studio"];

/// Builds the debug azimuth-server as the unit tests build it and answers its path. The unit
/// tests resolve features for the whole workspace, so `cargo build -p azimuth-server` would
/// build the server and 45 of its dependencies a second time (2 min 22 s in CI); after the unit
/// tests this finds everything fresh.
pub fn debug_server() -> Result<std::path::PathBuf> {
    let mut args = UNIT_TESTS.to_vec();
    args.push("--no-run");
    cmd::run(&mut cmd::command("cargo", &args))?;
    Ok(cmd::root().join("target/debug/azimuth-server"))
}

/// fmt, clippy on both targets, unit tests and component tests.
fn checks() -> Vec<Step> {
    vec![
        Step::cargo("format", &["fmt", "--all", "--", "--check"]),
        // The studio is a wasm app: it is checked for its own target below, not natively
        // (which would compile Leptos twice for nothing).
        Step::cargo(
            "clippy (native)",
            &[
                "clippy",
                "--workspace",
                "--exclude",
                "azimuth-studio",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
        ),
        Step::cargo(
            "clippy (wasm32)",
            &[
                "clippy",
                "-p",
                "azimuth-studio",
                "-p",
                "azimuth-worker",
                "--target",
                "wasm32-unknown-unknown",
                "--all-targets",
                // The release build's code: `lazy_page!` with its split points.
                "--features",
                "azimuth-studio/split",
                "--",
                "-D",
                "warnings",
            ],
        ),
        Step::cargo("unit tests", UNIT_TESTS),
        client_step(),
        Step::new(
            "component tests (wasm-bindgen-test in Chromium)",
            components,
        ),
    ]
}

/// The real azure-ai-ml and mlflow clients against azimuth-server (after the server's Rust tests).
fn client_step() -> Step {
    Step::new(
        "client tests (azure-ai-ml and mlflow against azimuth-server)",
        crate::client_test::run,
    )
}

fn components() -> Result {
    let args = [
        "test",
        "-p",
        "azimuth-studio",
        "--target",
        "wasm32-unknown-unknown",
        "--test",
        "components",
    ];
    let mut test = cmd::command("cargo", &args);
    // The runner reads webdriver.json from the crate directory (the root); name it outright.
    test.env("CHROMEDRIVER", setup::CHROMEDRIVER)
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120")
        .env(
            "WASM_BINDGEN_TEST_WEBDRIVER_JSON",
            cmd::root().join("webdriver.json"),
        );
    cmd::run(&mut test)
}

/// Serves `dist/` on a free port and runs Playwright against it: the `browser` project there,
/// the `server` project against an azimuth-server each test starts (the debug build the unit
/// tests already compiled, see `debug_server`).
fn e2e(playwright_args: &[String]) -> Result {
    let server_bin = debug_server()?;
    let dist = cmd::root().join("dist");
    let server = serve::serve_dir(&dist, "127.0.0.1:0")?;
    println!("serving dist/ on {}", server.url());
    let playwright = cmd::root().join("node_modules/.bin/playwright");
    let mut args = vec!["test"];
    args.extend(playwright_args.iter().map(String::as_str));
    let mut run = cmd::command(&playwright.to_string_lossy(), &args);
    run.env("BASE_URL", server.url())
        .env("SERVER_BIN", server_bin)
        .env("DIST_DIR", &dist);
    let result = cmd::run(&mut run);
    drop(server);
    result
}

/// Runs the steps in order with a header and the time each took; stops at the first failure.
fn run_all(steps: Vec<Step>) -> Result {
    let total = steps.len();
    let mut done: Vec<(&str, Duration)> = Vec::new();
    for (index, step) in steps.into_iter().enumerate() {
        println!("\n==> [{}/{total}] {}", index + 1, step.name);
        let (result, elapsed) = cmd::timed(step.run);
        if let Err(err) = result {
            println!("<== {}: FAILED after {}", step.name, cmd::human(elapsed));
            summary(&done);
            return Err(format!("step `{}` failed: {err}", step.name).into());
        }
        println!("<== {}: ok in {}", step.name, cmd::human(elapsed));
        done.push((step.name, elapsed));
    }
    summary(&done);
    println!("all {total} steps passed");
    Ok(())
}

fn summary(done: &[(&str, Duration)]) {
    if done.is_empty() {
        return;
    }
    println!("\nsteps passed:");
    for (name, elapsed) in done {
        println!("  {:<50} {:>12}", name, cmd::human(*elapsed));
    }
    let total: Duration = done.iter().map(|(_, elapsed)| *elapsed).sum();
    println!("  {:<50} {:>12}", "total", cmd::human(total));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn parses_flags_and_playwright_args() {
        let options = parse(&args(&[
            "--e2e-only",
            "--",
            "compute.spec.ts",
            "-g",
            "create",
        ]))
        .unwrap();
        assert!(options.e2e_only && !options.skip_e2e);
        assert_eq!(
            options.playwright_args,
            args(&["compute.spec.ts", "-g", "create"])
        );
        assert_eq!(parse(&[]).unwrap(), Options::default());
        assert!(parse(&args(&["--skip-e2e", "--e2e-only"])).is_err());
        assert!(parse(&args(&["--client-only", "--e2e-only"])).is_err());
        assert!(parse(&args(&["--client-only"])).unwrap().client_only);
        assert!(parse(&args(&["--bogus"])).is_err());
    }
}
