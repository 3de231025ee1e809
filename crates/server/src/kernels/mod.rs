//! Notebook kernels on compute instances (`--instance-runtime local`): each running instance
//! is backed by real Jupyter kernels (ipykernel) on this machine, one per notebook its
//! assigned user opens, spoken to over the Jupyter protocol ([`channel`]).
//!
//! A kernel runs in the job sandbox ([`launch`]): its own folder, the person's notebooks folder
//! to work in (the rest of the notebooks' share read-only, nothing else of the server's),
//! memory and CPU-time limits, and a time limit per cell. Interrupt is SIGINT, as Jupyter sends
//! it; restart and shutdown end the process group. A watcher shuts a kernel down when its
//! instance stops running (by hand, schedule or idle shutdown), is deleted or reassigned, and a
//! server that starts ends whatever kernels a killed one left.

pub mod api;
pub mod apps;
mod channel;
mod launch;

use crate::jobs::sandbox::{end_job, end_leftovers, signal_group, Sandbox};
use crate::state::{now_ms, AppState};
use azimuth_core::ArmError;
use channel::{Broken, Channel};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The datastore the notebooks are kept in.
pub use azimuth_core::notebooks::DATASTORE as NOTEBOOKS_DATASTORE;
/// The kernel the Notebooks page names (Azure ML's default on compute instances), and its display name.
pub use azimuth_core::notebooks::{KERNEL_DISPLAY_NAME, KERNEL_NAME};
/// How long a new kernel may take to answer.
const START_PATIENCE: Duration = Duration::from_secs(60);
/// How often running a cell is written down as the instance's activity, at most.
const ACTIVITY_EVERY_MS: i64 = 60_000;

/// The runtime's settings.
#[derive(Clone, Debug, PartialEq)]
pub struct RuntimeSettings {
    /// The Python kernels run with (it needs ipykernel).
    pub python: String,
    /// Memory per kernel in MB.
    pub memory_mb: u64,
    /// The longest a cell may run, in seconds.
    pub cell_seconds: u64,
    /// CPU seconds a kernel may use in all before it is ended.
    pub cpu_seconds: u64,
    /// The kernels' private folders.
    pub folder: PathBuf,
}

/// The kernels of every running instance.
pub struct Kernels {
    sandbox: Sandbox,
    settings: RuntimeSettings,
    running: Mutex<HashMap<String, Arc<Kernel>>>,
    apps: apps::AppServers,
    /// The applications' port, until the server starts serving it.
    apps_listener: Mutex<Option<std::net::TcpListener>>,
    /// Where the applications are reached (`http://host:port`).
    apps_base: String,
}

/// One kernel.
pub struct Kernel {
    /// Its id (Jupyter's kernel id).
    pub id: String,
    /// The workspace's ARM id.
    pub workspace: String,
    /// The compute instance it runs on.
    pub compute: String,
    /// The person it runs for (the instance's assigned user).
    pub member: String,
    /// The notebook it was started for.
    pub path: String,
    /// When it started (ms).
    pub started_at: i64,
    token: String,
    folder: PathBuf,
    start: StartPlan,
    pid: AtomicU32,
    state: Mutex<&'static str>,
    activity_written: AtomicI64,
    live: tokio::sync::Mutex<Option<Live>>,
}

/// What a (re)start needs.
struct StartPlan {
    workdir: PathBuf,
    cwd: PathBuf,
    share: PathBuf,
    tracking_uri: String,
    config: Value,
    env: Vec<(String, String)>,
}

/// What a kernel of `member` on instance `compute` of `w` starts with, in `folder` (a path in
/// the notebooks' file share: its notebook's; none for the person's own folder): the person's folder, the workspace's
/// tracking URI and `config.json`, and the variables Azure ML sets on an instance.
fn start_plan(
    state: &AppState,
    w: &azimuth_core::Workspace,
    member: &str,
    compute: &str,
    folder: Option<&str>,
) -> Result<StartPlan, ArmError> {
    let alias = w.member(member).map(|m| m.alias()).unwrap_or_default();
    let home = format!("Users/{alias}");
    let root = w.datastore_root(NOTEBOOKS_DATASTORE)?;
    let (sub, rg, name) = parts_of(w.id());
    let place = |p: &str| {
        state.storage.local_path(&root, p).ok_or_else(|| {
            unavailable("This server keeps notebooks where a kernel cannot open them.")
        })
    };
    Ok(StartPlan {
        workdir: place(&home)?,
        cwd: place(folder.unwrap_or(&home))?,
        share: place("")?,
        tracking_uri: w.resource.properties.ml_flow_tracking_uri.clone(),
        config: json!({"subscription_id": sub, "resource_group": rg, "workspace_name": name}),
        env: vec![
            ("CI_NAME".into(), compute.to_owned()),
            ("CI_WORKSPACE".into(), name.clone()),
            ("CI_RESOURCE_GROUP".into(), rg.clone()),
            ("AZUREML_ARM_SUBSCRIPTION".into(), sub),
            ("AZUREML_ARM_RESOURCEGROUP".into(), rg),
            ("AZUREML_ARM_WORKSPACE_NAME".into(), name),
        ],
    })
}

impl StartPlan {
    /// `config.json`'s place: `.azureml/` at the top of the notebooks' file share, above every
    /// person's folder and outside the Files tree.
    fn config_file(&self) -> PathBuf {
        self.share.join(".azureml").join("config.json")
    }

    /// The start of a process (a kernel, or JupyterLab whose kernels inherit it) in the private
    /// `folder`, with the person's `token`.
    fn launch<'a>(
        &'a self,
        folder: &'a std::path::Path,
        token: &'a str,
        base: &'a str,
        config_file: &'a std::path::Path,
        cpu_seconds: u64,
    ) -> launch::Start<'a> {
        launch::Start {
            folder,
            workdir: &self.workdir,
            cwd: &self.cwd,
            tracking_uri: &self.tracking_uri,
            token,
            base,
            config: (&self.config, config_file),
            more_env: self.env.clone(),
            cpu_seconds,
        }
    }
}

/// A kernel's process and sockets.
struct Live {
    child: std::process::Child,
    channel: Channel,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn unavailable(why: impl std::fmt::Display) -> ArmError {
    ArmError::new("ServiceUnavailable", why.to_string())
}

impl Kernels {
    /// The runtime for a server listening on `port`: refuses to start without the sandbox or
    /// without ipykernel; ends the kernels a killed server left.
    pub fn new(settings: &RuntimeSettings, config: &crate::config::Config) -> Result<Self, String> {
        let port = config.addr.port();
        std::fs::create_dir_all(&settings.folder)
            .map_err(|e| format!("cannot create {}: {e}", settings.folder.display()))?;
        let folder = std::fs::canonicalize(&settings.folder).unwrap_or(settings.folder.clone());
        let sandbox = Sandbox::new(&settings.python, port, settings.memory_mb)
            .map_err(|e| e.replace("--job-python", "--kernel-python"))?;
        sandbox.check(&folder)?;
        let found = std::process::Command::new(&sandbox.python)
            .args(["-c", "import ipykernel"])
            .output()
            .map_err(|e| e.to_string())?;
        if !found.status.success() {
            return Err(format!("--instance-runtime local needs ipykernel in --kernel-python {} (pip install ipykernel; `cargo xtask setup` makes target/python with it)", settings.python));
        }
        end_leftovers(&folder);
        if let Ok(entries) = std::fs::read_dir(&folder) {
            for entry in entries.flatten() {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
        let listener = apps::bind(config)?;
        let mut at = listener.local_addr().map_err(|e| e.to_string())?;
        if at.ip().is_unspecified() {
            at.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
        }
        Ok(Self {
            apps_listener: Mutex::new(Some(listener)),
            apps_base: format!("http://{at}"),
            sandbox,
            settings: RuntimeSettings {
                folder,
                ..settings.clone()
            },
            running: Mutex::default(),
            apps: apps::AppServers::default(),
        })
    }

    /// The applications' port, for the server to serve (once).
    pub fn take_apps_listener(&self) -> Option<std::net::TcpListener> {
        lock(&self.apps_listener).take()
    }

    /// The kernel `id`, when `member` may use it.
    pub fn find(&self, member: &str, id: &str) -> Result<Arc<Kernel>, ArmError> {
        lock(&self.running)
            .get(id)
            .filter(|k| k.member == member)
            .cloned()
            .ok_or_else(|| {
                ArmError::new(
                    "NotFound",
                    format!("There is no kernel '{id}' of yours (it may have been shut down when its compute instance stopped)."),
                )
            })
    }

    /// `member`'s kernels on instance `compute` of workspace `ws`.
    pub fn of_instance(&self, ws: &str, compute: &str, member: &str) -> Vec<Arc<Kernel>> {
        let mut all: Vec<_> = lock(&self.running)
            .values()
            .filter(|k| {
                k.workspace.eq_ignore_ascii_case(ws) && k.compute == compute && k.member == member
            })
            .cloned()
            .collect();
        all.sort_by_key(|k| k.started_at);
        all
    }

    /// Starts a kernel on `compute` for `member`'s notebook `path`.
    pub async fn start(
        self: &Arc<Self>,
        state: &Arc<AppState>,
        member: &str,
        ws: &str,
        compute: &str,
        path: &str,
    ) -> Result<Arc<Kernel>, ArmError> {
        let folder = path.rsplit_once('/').map_or("", |(f, _)| f);
        let plan = state.change_workspace(ws, |_, w, now| {
            w.use_instance(member, compute, now)?;
            start_plan(state, w, member, compute, Some(folder))
        })?;
        let id = random_id();
        let token = crate::auth::new_kernel_token(state, member)?;
        let kernel = Arc::new(Kernel {
            folder: self.settings.folder.join(&id),
            id: id.clone(),
            workspace: ws.to_owned(),
            compute: compute.to_owned(),
            member: member.to_owned(),
            path: path.to_owned(),
            started_at: now_ms(),
            token,
            start: plan,
            pid: AtomicU32::new(0),
            state: Mutex::new("starting"),
            activity_written: AtomicI64::new(now_ms()),
            live: tokio::sync::Mutex::new(None),
        });
        lock(&self.running).insert(id, Arc::clone(&kernel));
        let mut live = kernel.live.lock().await;
        match self.launch(state, &kernel).await {
            Ok(started) => *live = Some(started),
            Err(e) => {
                drop(live);
                self.shutdown(state, &kernel).await;
                return Err(e);
            }
        }
        kernel.set_state("idle");
        Ok(Arc::clone(&kernel))
    }

    /// Starts the kernel's process and connects to it.
    async fn launch(&self, state: &AppState, kernel: &Kernel) -> Result<Live, ArmError> {
        let base = state.config.public_base();
        let config_file = kernel.start.config_file();
        let how = kernel.start.launch(
            &kernel.folder,
            &kernel.token,
            &base,
            &config_file,
            self.settings.cpu_seconds,
        );
        let (child, info) = launch::start(&self.sandbox, &how)
            .await
            .map_err(unavailable)?;
        kernel.pid.store(child.id(), Ordering::SeqCst);
        let mut child = child;
        match Channel::connect(&info, START_PATIENCE).await {
            Ok(channel) => Ok(Live { child, channel }),
            Err(e) => {
                signal_group(child.id(), libc::SIGKILL);
                let _ = child.wait();
                let log =
                    std::fs::read_to_string(kernel.folder.join("kernel.log")).unwrap_or_default();
                let tail: String = log
                    .lines()
                    .rev()
                    .take(8)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect::<Vec<_>>()
                    .join("\n");
                Err(unavailable(format!(
                    "The kernel did not start: {e}.{}",
                    if tail.is_empty() {
                        String::new()
                    } else {
                        format!(" Its last words:\n{tail}")
                    }
                )))
            }
        }
    }

    /// Runs `code` in the kernel, handing each output to `out` as it comes; answers the reply
    /// (`{"status", "executionCount"}`).
    pub async fn execute(
        &self,
        state: &AppState,
        kernel: &Kernel,
        code: &str,
        mut out: impl FnMut(Value),
    ) -> Result<Value, ArmError> {
        kernel.note_activity(state);
        let mut guard = kernel.live.lock().await;
        let Some(live) = guard.as_mut() else {
            return Err(dead());
        };
        kernel.set_state("busy");
        let limit = Duration::from_secs(self.settings.cell_seconds);
        let Live { child, channel } = live;
        let alive = || matches!(child.try_wait(), Ok(None));
        let result = channel
            .execute(code, limit, alive, || kernel.interrupt(), &mut out)
            .await;
        let stuck = matches!(result, Err(Broken::TimedOut { settled: false }));
        kernel.set_state(if stuck { "busy" } else { "idle" });
        match result {
            Ok(done) => Ok(json!({"status": done.status, "executionCount": done.execution_count})),
            Err(Broken::TimedOut { settled }) => {
                let seconds = self.settings.cell_seconds;
                let after = if settled {
                    ""
                } else {
                    " It did not stop when interrupted: restart the kernel to run more cells."
                };
                out(
                    json!({"output_type": "error", "ename": "CellTimeout", "evalue": format!("The cell ran longer than {seconds} s, the longest a cell may run here, and was interrupted.{after}"), "traceback": []}),
                );
                Ok(json!({"status": "error", "executionCount": Value::Null}))
            }
            Err(Broken::Died) => {
                *guard = None;
                kernel.set_state("dead");
                Err(dead())
            }
        }
    }

    /// Ends the kernel's process and starts it again (its variables are gone).
    pub async fn restart(&self, state: &AppState, kernel: &Kernel) -> Result<(), ArmError> {
        kernel.set_state("restarting");
        kernel.kill();
        let mut guard = kernel.live.lock().await;
        if let Some(mut old) = guard.take() {
            let _ = old.child.wait();
        }
        end_job(&kernel.folder);
        let started = self.launch(state, kernel).await;
        match started {
            Ok(live) => {
                *guard = Some(live);
                kernel.set_state("idle");
                Ok(())
            }
            Err(e) => {
                kernel.set_state("dead");
                Err(e)
            }
        }
    }

    /// Ends the kernel for good: its processes, its folder and its token.
    pub async fn shutdown(&self, state: &AppState, kernel: &Kernel) {
        lock(&self.running).remove(&kernel.id);
        kernel.set_state("dead");
        kernel.kill();
        if let Some(mut old) = kernel.live.lock().await.take() {
            let _ = old.child.wait();
        }
        end_job(&kernel.folder);
        let _ = std::fs::remove_dir_all(&kernel.folder);
        crate::auth::revoke_kernel_token(state, &kernel.token);
    }

    /// Shuts down every kernel whose instance no longer runs for its person; runs until the
    /// server ends.
    pub async fn watch(self: Arc<Self>, state: Arc<AppState>) {
        loop {
            tokio::time::sleep(Duration::from_secs(2)).await;
            let all: Vec<_> = lock(&self.running).values().cloned().collect();
            for kernel in all {
                let refused = refusal(&state, &kernel.workspace, &kernel.member, &kernel.compute);
                if refused {
                    self.shutdown(&state, &kernel).await;
                }
            }
            self.stop_apps_where(&state, |ws, member, compute| {
                refusal(&state, ws, member, compute)
            });
        }
    }

    /// Ends every kernel (the server is stopping).
    pub async fn shutdown_all(&self, state: &AppState) {
        let all: Vec<_> = lock(&self.running).values().cloned().collect();
        for kernel in all {
            self.shutdown(state, &kernel).await;
        }
        self.stop_apps_where(state, |_, _, _| true);
    }
}

impl Kernel {
    /// Jupyter's execution state: starting, idle, busy, restarting or dead.
    pub fn state(&self) -> &'static str {
        *lock(&self.state)
    }

    fn set_state(&self, state: &'static str) {
        *lock(&self.state) = state;
    }

    /// Interrupts what the kernel runs (SIGINT, as Jupyter does): the cell ends with
    /// `KeyboardInterrupt`, the variables stay.
    pub fn interrupt(&self) {
        let pid = self.pid.load(Ordering::SeqCst);
        if pid > 0 {
            // SAFETY: kill has no memory effects.
            unsafe {
                libc::kill(pid as libc::pid_t, libc::SIGINT);
            }
        }
    }

    fn kill(&self) {
        let pid = self.pid.swap(0, Ordering::SeqCst);
        if pid > 0 {
            signal_group(pid, libc::SIGKILL);
        }
    }

    /// Writes down (at most once a minute) that the instance is in use, for idle shutdown.
    fn note_activity(&self, state: &AppState) {
        let now = now_ms();
        let last = self.activity_written.load(Ordering::SeqCst);
        if now - last < ACTIVITY_EVERY_MS {
            return;
        }
        self.activity_written.store(now, Ordering::SeqCst);
        let _ = state.change_workspace(&self.workspace, |_, w, now| {
            w.use_instance(&self.member, &self.compute, now)
        });
    }

    /// How the API shows it (Jupyter Server's kernel model, and where it runs).
    pub fn model(&self) -> Value {
        json!({
            "id": self.id,
            "name": KERNEL_NAME,
            "displayName": KERNEL_DISPLAY_NAME,
            "executionState": self.state(),
            "computeName": self.compute,
            "path": self.path,
            "startedAt": azimuth_core::time::format_iso(self.started_at),
        })
    }
}

fn dead() -> ArmError {
    ArmError::new(
        "KernelDead",
        "The kernel is not running (it was restarted, shut down, or ran out of memory or CPU time). Restart it to go on; its variables are gone.",
    )
}

/// Whether `member` may no longer run code on `compute` of workspace `ws` (it stopped, was
/// deleted or reassigned, or the workspace is gone).
fn refusal(state: &AppState, ws: &str, member: &str, compute: &str) -> bool {
    state.read(|t| {
        t.workspaces
            .iter()
            .find(|w| w.deleted_at.is_none() && w.id().eq_ignore_ascii_case(ws))
            .is_none_or(|w| !matches!(w.instance_refusal(member, compute), Ok(None)))
    })
}

/// The subscription, resource group and name in a workspace's ARM id.
fn parts_of(id: &str) -> (String, String, String) {
    let parts: Vec<&str> = id.split('/').collect();
    let after = |key: &str| {
        parts
            .iter()
            .position(|p| p.eq_ignore_ascii_case(key))
            .and_then(|i| parts.get(i + 1))
            .map_or(String::new(), |s| (*s).to_owned())
    };
    (
        after("subscriptions"),
        after("resourceGroups"),
        after("workspaces"),
    )
}

/// A random kernel id, as a GUID.
fn random_id() -> String {
    crate::state::random_guid().unwrap_or_else(|_| format!("{:x}", now_ms()))
}
