//! `cargo xtask serve` (azimuth-server over the built studio, or `--static` files only) and the
//! static file server test and bench start on a free port.
//!
//! HTTP/1.1 with keep-alive, GET and HEAD only, one thread per connection. Any path that is not
//! a file gets `index.html` (the studio routes in the browser, so `/compute/instances/ci-1`
//! must survive a reload); `..` is refused.

use crate::{cmd, setup, Result};
use std::io::{self, BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

const DEFAULT_PORT: u16 = 8080;
const MAX_HEAD: usize = 16 * 1024;
const IDLE_TIMEOUT: Duration = Duration::from_secs(5);

const USAGE: &str = "usage: cargo xtask serve [--static] [--port N] [--no-build] [--dir DIR] [-- <azimuth-server flags>]";

/// `cargo xtask serve`: release build of the studio (unless `--no-build`), then azimuth-server
/// serving it with the shared workspace in `data/azimuth.db`; with `--static`, only the static
/// files, the workspace kept in each browser. Flags after `--` go to azimuth-server (e.g.
/// `-- --access-key class-2026 --pace realistic`).
pub fn main(args: &[String]) -> Result {
    let mut port = DEFAULT_PORT;
    let (mut build, mut only_static) = (true, false);
    let mut dir = cmd::root().join("dist");
    let mut server_args = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => {
                let value = args.next().ok_or("--port wants a number")?;
                port = value.parse().map_err(|_| "--port wants a number")?;
            }
            "--static" => only_static = true,
            "--no-build" => build = false,
            "--dir" => {
                dir = args.next().ok_or("--dir wants a directory")?.into();
                build = false;
            }
            "--" => server_args.extend(args.by_ref().cloned()),
            _ => return Err(USAGE.into()),
        }
    }
    if build {
        setup::ensure()?;
        crate::build::release()?;
    }
    if only_static {
        let server = serve_dir_with(&dir, ("127.0.0.1", port), true)?;
        println!(
            "serving {} on {}/ (Ctrl-C to stop); each browser keeps its own workspace",
            dir.display(),
            server.url()
        );
        server.wait();
        return Ok(());
    }
    cmd::run(&mut cmd::command(
        "cargo",
        &["build", "--release", "-p", "azimuth-server"],
    ))?;
    let mut server = std::process::Command::new(cmd::root().join("target/release/azimuth-server"));
    server
        .args(["--addr", &format!("127.0.0.1:{port}")])
        .arg("--dist")
        .arg(&dir)
        .arg("--db")
        .arg(cmd::root().join("data/azimuth.db"))
        .args(&server_args);
    if !server_args.iter().any(|a| a == "--instance-runtime") {
        // Compute instances run notebooks with real kernels, on the Python setup installed.
        server
            .args(["--instance-runtime", "local", "--kernel-python"])
            .arg(crate::python::python());
    }
    println!(
        "starting azimuth-server: open http://127.0.0.1:{port}/ and sign in; the installation Owner's one-time code is printed below (Ctrl-C to stop; `cargo xtask serve -- --demo` lets anyone pick a name without a password; `cargo xtask serve --static` keeps the workspaces in the browser instead)"
    );
    let status = server.status()?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("azimuth-server stopped: {status}").into())
    }
}

/// A static file server running in a background thread; it stops when dropped.
pub struct Server {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// The address the server listens on (the real port when bound to port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://host:port`, without a trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr())
    }

    /// Blocks for as long as the server runs.
    pub fn wait(mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept so the loop sees the flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Serves `dir` on `addr` (use `127.0.0.1:0` for a free port) without logging requests.
pub fn serve_dir(dir: &Path, addr: impl ToSocketAddrs) -> io::Result<Server> {
    serve_dir_with(dir, addr, false)
}

/// Serves `dir` on `addr`, printing one line per request when `log` is set.
pub fn serve_dir_with(dir: &Path, addr: impl ToSocketAddrs, log: bool) -> io::Result<Server> {
    let dir = dir.canonicalize().map_err(|err| {
        io::Error::new(err.kind(), format!("cannot serve {}: {err}", dir.display()))
    })?;
    let listener = TcpListener::bind(addr)?;
    let addr = listener.local_addr()?;
    let stop = Arc::new(AtomicBool::new(false));
    let stopping = Arc::clone(&stop);
    let thread = thread::Builder::new()
        .name("xtask-serve".into())
        .spawn(move || accept_loop(&listener, &dir, &stopping, log))?;
    Ok(Server {
        addr,
        stop,
        thread: Some(thread),
    })
}

fn accept_loop(listener: &TcpListener, dir: &Path, stop: &AtomicBool, log: bool) {
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let dir = dir.to_path_buf();
        let _ = thread::Builder::new()
            .name("xtask-serve-conn".into())
            .spawn(move || {
                let _ = handle_connection(stream, &dir, log);
            });
    }
}

/// Answers requests on one connection until the client closes it or stays idle too long.
fn handle_connection(stream: TcpStream, dir: &Path, log: bool) -> io::Result<()> {
    stream.set_read_timeout(Some(IDLE_TIMEOUT))?;
    stream.set_nodelay(true)?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    loop {
        let Some(request) = read_request(&mut reader)? else {
            return Ok(());
        };
        let response = respond(dir, &request);
        if log {
            println!("{} {} {}", request.method, request.target, response.status);
        }
        let keep_alive = request.keep_alive && response.status < 400;
        response.write_to(&mut writer, request.method == "HEAD", keep_alive)?;
        if !keep_alive {
            return Ok(());
        }
    }
}

/// The parts of a request the server looks at.
struct Request {
    method: String,
    target: String,
    keep_alive: bool,
    has_body: bool,
}

/// Reads one request head; `None` when the client closed the connection or went idle.
fn read_request(reader: &mut impl BufRead) -> io::Result<Option<Request>> {
    let mut head = Vec::new();
    loop {
        let mut line = Vec::new();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => return Ok(None),
            Ok(_) => {}
            Err(err) if is_timeout(&err) => return Ok(None),
            Err(err) => return Err(err),
        }
        if line == b"\r\n" || line == b"\n" {
            if head.is_empty() {
                continue; // stray blank line between requests
            }
            break;
        }
        head.push(String::from_utf8_lossy(&line).trim_end().to_string());
        if head.iter().map(String::len).sum::<usize>() > MAX_HEAD {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "head too large"));
        }
    }
    let mut words = head[0].split_whitespace();
    let (method, target, version) = (words.next(), words.next(), words.next());
    let (Some(method), Some(target)) = (method, target) else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "bad request line",
        ));
    };
    let header = |name: &str| {
        head[1..].iter().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then(|| value.trim().to_ascii_lowercase())
        })
    };
    let keep_alive = match header("connection").as_deref() {
        Some("close") => false,
        Some("keep-alive") => true,
        _ => version == Some("HTTP/1.1"),
    };
    let has_body = header("transfer-encoding").is_some()
        || header("content-length").is_some_and(|len| len != "0");
    Ok(Some(Request {
        method: method.to_string(),
        target: target.to_string(),
        keep_alive,
        has_body,
    }))
}

fn is_timeout(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// A complete response, body in memory (the studio's files are small).
struct Response {
    status: u16,
    content_type: &'static str,
    cache_control: &'static str,
    body: Vec<u8>,
}

impl Response {
    fn error(status: u16) -> Self {
        Response {
            status,
            content_type: "text/plain; charset=utf-8",
            cache_control: "no-store",
            body: format!("{status} {}\n", reason(status)).into_bytes(),
        }
    }

    fn write_to(&self, out: &mut impl Write, head_only: bool, keep_alive: bool) -> io::Result<()> {
        let mut head = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: {}\r\n\
             X-Content-Type-Options: nosniff\r\nConnection: {}\r\n",
            self.status,
            reason(self.status),
            self.content_type,
            self.body.len(),
            self.cache_control,
            if keep_alive { "keep-alive" } else { "close" },
        );
        if self.status == 405 {
            head.push_str("Allow: GET, HEAD\r\n");
        }
        head.push_str("\r\n");
        out.write_all(head.as_bytes())?;
        if !head_only {
            out.write_all(&self.body)?;
        }
        out.flush()
    }
}

fn respond(dir: &Path, request: &Request) -> Response {
    if request.method != "GET" && request.method != "HEAD" {
        return Response::error(405);
    }
    if request.has_body {
        return Response::error(400);
    }
    let path = match resolve(dir, &request.target) {
        Ok(path) => path,
        Err(status) => return Response::error(status),
    };
    match std::fs::read(&path) {
        Ok(body) => Response {
            status: 200,
            content_type: content_type(&path),
            cache_control: cache_control(&path),
            body,
        },
        Err(_) => Response::error(500),
    }
}

/// The file to answer `target` with: the file itself, a directory's `index.html`, or the
/// root `index.html` for anything else (client-side routes). Errors are HTTP statuses.
fn resolve(dir: &Path, target: &str) -> std::result::Result<PathBuf, u16> {
    let path = target.split(['?', '#']).next().unwrap_or_default();
    if !path.starts_with('/') {
        return Err(400);
    }
    let decoded = percent_decode(path).ok_or(400u16)?;
    let mut file = dir.to_path_buf();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return Err(403),
            s if s.contains(['\\', '\0']) => return Err(400),
            s => file.push(s),
        }
    }
    if file.is_dir() {
        file.push("index.html");
    }
    let file = if file.is_file() {
        file
    } else {
        dir.join("index.html")
    };
    // Refuse symlinks that lead out of the served directory.
    match file.canonicalize() {
        Ok(real) if real.starts_with(dir) && real.is_file() => Ok(real),
        Ok(_) => Err(403),
        Err(_) => Err(404),
    }
}

/// Decodes `%XX` escapes; `None` for malformed escapes or non-UTF-8 results.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The Content-Type for a file, by its extension.
pub fn content_type(path: &Path) -> &'static str {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        "yaml" | "yml" => "application/yaml",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        _ => "application/octet-stream",
    }
}

/// `no-cache` for HTML and unhashed files; a year for hashed assets: trunk's
/// (`name-<16 hex>.ext`) and everything in the build's app folder (`app-<16 hex>/`).
fn cache_control(path: &Path) -> &'static str {
    let has_hash = |name: &str| {
        name.rsplit_once('-').is_some_and(|(_, hash)| {
            hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit())
        })
    };
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let folder = path
        .parent()
        .and_then(Path::file_name)
        .and_then(|s| s.to_str());
    let hashed = has_hash(stem) || folder.is_some_and(|f| f.starts_with("app-") && has_hash(f));
    if hashed && content_type(path) != "text/html; charset=utf-8" {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Internal Server Error",
    }
}

#[cfg(test)]
mod tests;
