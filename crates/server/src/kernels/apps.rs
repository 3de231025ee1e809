//! A running instance's applications for real: JupyterLab (with its Terminal, and Jupyter's
//! classic `/tree`) from PyPI, one server per instance and person, started when first opened,
//! in the kernels' sandbox (its kernels speak over Unix sockets in its folder, so it listens on
//! one TCP port only), and reachable only through this server.
//!
//! They are served on an origin of their own (`--apps-addr`, another port), so what runs in
//! JupyterLab cannot read the studio's storage or session. Opening one answers a URL with a
//! one-time ticket (a minute); the ticket becomes an HttpOnly cookie for that application's
//! path, and every request through [`proxy`] must carry it. JupyterLab's own token is added by
//! the proxy and never leaves this machine.

use super::{launch, random_id, start_plan, Kernels, KERNEL_DISPLAY_NAME, KERNEL_NAME};
use crate::jobs::sandbox::{end_job, signal_group, Launch};
use crate::state::{now_ms, AppState};
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use azimuth_core::ArmError;
use hyper_util::rt::TokioIo;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long a ticket from the studio may wait to be used.
const TICKET_MS: i64 = 60_000;
/// The cookie that admits one person to one application server.
const COOKIE: &str = "azimuth_app";

/// One JupyterLab server.
pub struct App {
    /// Its id (the first part of its path).
    pub id: String,
    /// The workspace's ARM id.
    pub workspace: String,
    /// The instance.
    pub compute: String,
    /// Its person.
    pub member: String,
    port: u16,
    token: String,
    /// The person's token its kernels reach this server with.
    kernel_token: String,
    secret: String,
    folder: PathBuf,
    pid: u32,
    child: Mutex<std::process::Child>,
}

/// The application servers and their unused tickets.
#[derive(Default)]
pub struct AppServers {
    running: Mutex<Vec<Arc<App>>>,
    tickets: Mutex<Vec<(String, String, i64)>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn unavailable(why: impl std::fmt::Display) -> ArmError {
    ArmError::new("ServiceUnavailable", why.to_string())
}

/// The applications' port: `--apps-addr`, or the port after the server's, or any free one.
pub fn bind(config: &crate::config::Config) -> Result<std::net::TcpListener, String> {
    if let Some(asked) = config.apps_addr {
        return std::net::TcpListener::bind(asked).map_err(|e| {
            format!("cannot listen on {asked} for the instances' applications (--apps-addr): {e}")
        });
    }
    let next = std::net::SocketAddr::new(config.addr.ip(), config.addr.port().wrapping_add(1));
    std::net::TcpListener::bind(next)
        .or_else(|_| std::net::TcpListener::bind((config.addr.ip(), 0)))
        .map_err(|e| format!("cannot listen anywhere for the instances' applications: {e}"))
}

/// Where an application opens in JupyterLab.
fn app_path(app: &str) -> Result<&'static str, ArmError> {
    match app {
        "Jupyter Lab" | "JupyterLab" => Ok("lab"),
        "Jupyter" => Ok("tree"),
        "Terminal" => Ok("lab/terminals/1"),
        "VS Code" => Err(ArmError::new("NotAvailable", "VS Code (Web) needs Microsoft's VS Code server, which cannot be installed from the registries Azimuth uses; open JupyterLab or the Terminal instead, or edit in the studio's Notebooks.")),
        other => Err(ArmError::new("BadRequest", format!("An instance has no application '{other}'."))),
    }
}

impl Kernels {
    /// Opens `app` of instance `compute` for `member` (the engine has checked they may): its
    /// JupyterLab started if need be; answers the URL to open, with a one-time ticket.
    pub async fn open_app(
        &self,
        state: &AppState,
        member: &str,
        ws: &str,
        compute: &str,
        app: &str,
    ) -> Result<String, ArmError> {
        let path = app_path(app)?;
        let base = self.apps_base.clone();
        let found = lock(&self.apps.running)
            .iter()
            .find(|a| {
                a.workspace.eq_ignore_ascii_case(ws) && a.compute == compute && a.member == member
            })
            .cloned();
        let server = match found {
            Some(server) => server,
            None => {
                let server = Arc::new(self.start_app(state, member, ws, compute).await?);
                lock(&self.apps.running).push(Arc::clone(&server));
                server
            }
        };
        let ticket = random_id();
        let mut tickets = lock(&self.apps.tickets);
        let now = now_ms();
        tickets.retain(|(_, _, expires)| *expires > now);
        tickets.push((ticket.clone(), server.id.clone(), now + TICKET_MS));
        Ok(format!("{base}/apps/{}/{path}?ticket={ticket}", server.id))
    }

    /// Starts JupyterLab for `member` on `compute`, and waits until it answers.
    async fn start_app(
        &self,
        state: &AppState,
        member: &str,
        ws: &str,
        compute: &str,
    ) -> Result<App, ArmError> {
        let plan =
            state.read_workspace(member, ws, |w| start_plan(state, w, member, compute, None))??;
        // Short: the kernels' Unix sockets live under it, and a socket's path is at most 107 bytes.
        let id = random_id()
            .chars()
            .filter(char::is_ascii_hexdigit)
            .take(12)
            .collect::<String>();
        let folder = self.settings.folder.join(format!("app-{id}"));
        // JupyterLab's kernels inherit its environment, so a notebook opened there reaches this
        // workspace as one run in the studio does (`MLFLOW_TRACKING_URI` with the person's token,
        // the instance's identity, `config.json`); the token is taken back when it stops.
        let kernel_token = crate::auth::new_kernel_token(state, member)?;
        let mut starting = Starting {
            state,
            kernel_token: kernel_token.clone(),
            folder: folder.clone(),
            app: None,
            finished: false,
        };
        let base = state.config.public_base();
        let config_file = plan.config_file();
        let how = plan.launch(
            &folder,
            &kernel_token,
            &base,
            &config_file,
            self.settings.cpu_seconds,
        );
        launch::prepare(&how).map_err(unavailable)?;
        write_lab_settings(&folder, &self.sandbox.python).map_err(unavailable)?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(unavailable)?
            .port();
        let token = random_id();
        let python = self.sandbox.python.display().to_string();
        // Its own token goes in its environment, not on its command line, which every process
        // of this machine may read.
        let command = format!(
            "exec '{python}' -m jupyter lab --no-browser --ip=127.0.0.1 --port={port} --ServerApp.port_retries=0 \
             --ServerApp.base_url=/apps/{id}/ --ServerApp.root_dir='{}' \
             --KernelManager.transport=ipc --KernelManager.ip='{}' --ServerApp.open_browser=False --allow-root \
             --LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate \
             --KernelSpecManager.ensure_native_kernel=False --KernelSpecManager.allowed_kernelspecs={KERNEL_NAME} \
             --MappingKernelManager.default_kernel_name={KERNEL_NAME}",
            plan.workdir.display(),
            folder.join("runtime").join("k").display(),
        );
        let mut env = launch::environment(&self.sandbox, &how);
        env.extend(
            [
                ("JUPYTER_TOKEN", token.clone()),
                (
                    "JUPYTER_DATA_DIR",
                    folder.join("data").display().to_string(),
                ),
                (
                    "JUPYTER_CONFIG_DIR",
                    folder.join("home").display().to_string(),
                ),
                ("SHELL", "/bin/bash".into()),
            ]
            .map(|(k, v)| (k.to_owned(), v)),
        );
        let log = std::fs::File::create(folder.join("jupyterlab.log")).map_err(unavailable)?;
        let launch = Launch {
            command: &command,
            folder: &folder,
            cwd: &plan.workdir,
            env,
            reads: vec![config_file.clone()],
            // Its Terminal needs a pseudo-terminal.
            writes: vec![plan.workdir.clone(), "/dev/ptmx".into(), "/dev/pts".into()],
            binds: vec![port],
            cpu_seconds: Some(self.settings.cpu_seconds),
            log,
        };
        let child = self
            .sandbox
            .spawn(launch)
            .map_err(|e| unavailable(format!("JupyterLab could not start ({e}).")))?;
        let app = starting.app.insert(App {
            id,
            workspace: ws.to_owned(),
            compute: compute.to_owned(),
            member: member.to_owned(),
            port,
            token,
            kernel_token,
            secret: random_id(),
            folder,
            pid: child.id(),
            child: Mutex::new(child),
        });
        wait_until_up(app).await?;
        starting
            .finish()
            .ok_or_else(|| unavailable("JupyterLab was lost as it started."))
    }

    /// Stops the application servers whose instance no longer runs for their person.
    pub(super) fn stop_apps_where(
        &self,
        state: &AppState,
        refused: impl Fn(&str, &str, &str) -> bool,
    ) {
        let stopped: Vec<Arc<App>> = {
            let mut running = lock(&self.apps.running);
            let (gone, kept) = running
                .drain(..)
                .partition(|a: &Arc<App>| refused(&a.workspace, &a.member, &a.compute));
            *running = kept;
            gone
        };
        for app in stopped {
            app.stop(state);
        }
    }

    /// The application server `id`, for a request carrying its cookie.
    fn app_for(&self, id: &str, headers: &HeaderMap) -> Option<Arc<App>> {
        let app = lock(&self.apps.running)
            .iter()
            .find(|a| a.id == id)
            .cloned()?;
        let wanted = format!("{COOKIE}={}", app.secret);
        let cookies = headers.get_all(header::COOKIE);
        cookies
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .any(|c| c.trim() == wanted)
            .then_some(app)
    }

    /// Takes a ticket for application server `id` (once).
    fn redeem(&self, id: &str, ticket: &str) -> Option<Arc<App>> {
        let now = now_ms();
        let mut tickets = lock(&self.apps.tickets);
        let at = tickets
            .iter()
            .position(|(t, app, expires)| t == ticket && app == id && *expires > now)?;
        tickets.remove(at);
        drop(tickets);
        lock(&self.apps.running)
            .iter()
            .find(|a| a.id == id)
            .cloned()
    }
}

/// A JupyterLab being started. Dropped before its start ends (a step failed, or the request
/// that asked for it went away), it gives back all it took: the process once there is one,
/// the folder and its kernels' token.
struct Starting<'a> {
    state: &'a AppState,
    kernel_token: String,
    folder: PathBuf,
    app: Option<App>,
    finished: bool,
}

impl Starting<'_> {
    /// The JupyterLab that answers, now in the caller's hands.
    fn finish(mut self) -> Option<App> {
        self.finished = true;
        self.app.take()
    }
}

impl Drop for Starting<'_> {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        match self.app.take() {
            Some(app) => app.stop(self.state),
            None => {
                let _ = std::fs::remove_dir_all(&self.folder);
                crate::auth::revoke_kernel_token(self.state, &self.kernel_token);
            }
        }
    }
}

impl App {
    /// Ends the server and all it started, and takes back its kernels' token.
    fn stop(&self, state: &AppState) {
        signal_group(self.pid, libc::SIGKILL);
        let _ = lock(&self.child).wait();
        end_job(&self.folder);
        let _ = std::fs::remove_dir_all(&self.folder);
        crate::auth::revoke_kernel_token(state, &self.kernel_token);
    }
}

/// Writes what JupyterLab reads at start under `folder`: the kernelspec a notebook on Azure ML
/// names (`python310-sdkv2`, run by `python`), and a page config that turns off the
/// "receive official Jupyter news?" prompt, which could only fail on a machine without internet.
fn write_lab_settings(folder: &std::path::Path, python: &std::path::Path) -> std::io::Result<()> {
    let spec = folder.join("data").join("kernels").join(KERNEL_NAME);
    std::fs::create_dir_all(&spec)?;
    let kernel = serde_json::json!({
        "argv": [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": KERNEL_DISPLAY_NAME,
        "language": "python",
        "metadata": {"debugger": true},
    });
    std::fs::write(spec.join("kernel.json"), kernel.to_string())?;
    let labconfig = folder.join("home").join("labconfig");
    std::fs::create_dir_all(&labconfig)?;
    let page = serde_json::json!({
        "disabledExtensions": {"@jupyterlab/apputils-extension:announcements": true},
    });
    std::fs::write(labconfig.join("page_config.json"), page.to_string())
}

/// Waits (up to a minute) until JupyterLab answers its status.
async fn wait_until_up(app: &App) -> Result<(), ArmError> {
    let started = tokio::time::Instant::now();
    loop {
        if let Ok(Some(status)) = lock(&app.child).try_wait() {
            let log =
                std::fs::read_to_string(app.folder.join("jupyterlab.log")).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(6).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            return Err(unavailable(format!(
                "JupyterLab stopped at start ({status}): {}",
                tail.join("\n")
            )));
        }
        if tokio::net::TcpStream::connect(("127.0.0.1", app.port))
            .await
            .is_ok()
        {
            return Ok(());
        }
        if started.elapsed() > Duration::from_secs(60) {
            return Err(unavailable(
                "JupyterLab did not answer within a minute of starting.",
            ));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn refused() -> Response {
    let page = "This application opens from the studio: go to Compute, then your running compute instance, and choose JupyterLab, Jupyter or Terminal. (Its link works once, for the person the instance is assigned to.)";
    (
        StatusCode::FORBIDDEN,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        page,
    )
        .into_response()
}

/// Everything under `/apps/{id}/` on the applications' port: a ticket becomes the cookie,
/// then requests (WebSockets included) go through to the person's JupyterLab.
pub async fn proxy(
    State(state): State<Arc<AppState>>,
    Path((id, _rest)): Path<(String, String)>,
    mut request: Request<Body>,
) -> Response {
    let Some(kernels) = state.kernels.clone() else {
        return refused();
    };
    let query = request.uri().query().unwrap_or_default().to_owned();
    if let Some(ticket) = query.split('&').find_map(|p| p.strip_prefix("ticket=")) {
        let Some(app) = kernels.redeem(&id, ticket) else {
            return refused();
        };
        let path = request.uri().path().to_owned();
        let cookie = format!(
            "{COOKIE}={}; Path=/apps/{id}/; HttpOnly; SameSite=Lax",
            app.secret
        );
        let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, path)]).into_response();
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            response.headers_mut().insert(header::SET_COOKIE, v);
        }
        return response;
    }
    let Some(app) = kernels.app_for(&id, request.headers()) else {
        return refused();
    };
    let upgrade = request
        .headers()
        .contains_key(header::UPGRADE)
        .then(|| hyper::upgrade::on(&mut request));
    match forward(&app, request).await {
        Ok(mut response) => {
            if response.status() == StatusCode::SWITCHING_PROTOCOLS {
                let theirs = hyper::upgrade::on(&mut response);
                if let Some(ours) = upgrade {
                    tokio::spawn(async move {
                        if let (Ok(ours), Ok(theirs)) = (ours.await, theirs.await) {
                            let (mut a, mut b) = (TokioIo::new(ours), TokioIo::new(theirs));
                            let _ = tokio::io::copy_bidirectional(&mut a, &mut b).await;
                        }
                    });
                }
            }
            response.map(Body::new)
        }
        Err(why) => (
            StatusCode::BAD_GATEWAY,
            format!("JupyterLab did not answer ({why}); it may have stopped with its instance."),
        )
            .into_response(),
    }
}

/// Sends the request on to JupyterLab with its token (and without the studio's cookie).
async fn forward(
    app: &App,
    request: Request<Body>,
) -> Result<hyper::Response<hyper::body::Incoming>, String> {
    let stream = tokio::net::TcpStream::connect(("127.0.0.1", app.port))
        .await
        .map_err(|e| e.to_string())?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| e.to_string())?;
    tokio::spawn(connection.with_upgrades());
    let (mut parts, body) = request.into_parts();
    let kept: Vec<String> = parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .map(str::trim)
        .filter(|c| !c.starts_with(&format!("{COOKIE}=")))
        .map(str::to_owned)
        .collect();
    parts.headers.remove(header::COOKIE);
    if let Ok(v) = HeaderValue::from_str(&kept.join("; ")) {
        if !kept.is_empty() {
            parts.headers.insert(header::COOKIE, v);
        }
    }
    if let Ok(v) = HeaderValue::from_str(&format!("token {}", app.token)) {
        parts.headers.insert(header::AUTHORIZATION, v);
    }
    let path = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    parts.uri = path
        .parse()
        .map_err(|e: axum::http::uri::InvalidUri| e.to_string())?;
    sender
        .send_request(Request::from_parts(parts, body))
        .await
        .map_err(|e| e.to_string())
}
