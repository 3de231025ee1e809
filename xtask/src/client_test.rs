//! `cargo xtask test`'s client step: the real azure-ai-ml and mlflow clients (tests/clients/, on
//! the Python of `target/python`) against an azimuth-server of its own: the debug build, a free
//! loopback port, a fresh database in a temporary folder, `--demo` (the tests sign in by name),
//! `--pace instant` and the local job runner; the server is stopped and the folder removed
//! afterwards.

use crate::bench_server::request;
use crate::{cmd, python, Result};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The test scripts: azure-ai-ml, then mlflow, each against the same server.
const SCRIPTS: [&str; 2] = [
    "tests/clients/test_azure_ai_ml.py",
    "tests/clients/test_mlflow.py",
];

/// A server process and its folder, stopped and removed when dropped.
struct Server {
    child: Child,
    dir: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Starts azimuth-server and waits (at most 20 s) until it answers `/api/health`.
fn start(binary: &std::path::Path) -> Result<(Server, u16)> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let dir = std::env::temp_dir().join(format!("azimuth-client-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let addr = format!("127.0.0.1:{port}");
    let child = Command::new(binary)
        .args([
            "--addr",
            &addr,
            "--demo",
            "--pace",
            "instant",
            "--job-runner",
            "local",
        ])
        // Jobs run with the tests' Python, which has mlflow.
        .arg("--job-python")
        .arg(python::python())
        .arg("--db")
        .arg(dir.join("azimuth.db"))
        // It serves no studio here: the folder stands in for dist/.
        .arg("--dist")
        .arg(&dir)
        .stdout(Stdio::null())
        .spawn()?;
    let server = Server { child, dir };
    let started = Instant::now();
    while request(port, "GET", "/api/health", "", "").map_or(0, |r| r.0) != 200 {
        if started.elapsed() > Duration::from_secs(20) {
            return Err(format!("azimuth-server did not answer on {addr} within 20 s").into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok((server, port))
}

/// Builds the server, starts it, runs the client test against it, stops it.
pub fn run() -> Result {
    if !python::python().exists() {
        return Err("target/python is missing: run `cargo xtask setup`".into());
    }
    let (server, port) = start(&crate::test::debug_server()?)?;
    let interpreter = python::python().to_string_lossy().into_owned();
    let result = SCRIPTS.iter().try_for_each(|script| {
        let mut test = cmd::command(&interpreter, &[script]);
        test.env("AZIMUTH_URL", format!("http://127.0.0.1:{port}"))
            .env("PYTHONDONTWRITEBYTECODE", "1");
        cmd::run(&mut test)
    });
    drop(server);
    result
}
