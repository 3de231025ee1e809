//! One command job's process, from start to end: its command resolved, its environment (what
//! a job on Azure ML finds, nothing of the server's), its log file, the wait (ending it on
//! Cancel, at its timeout, or when its compute goes away), and why it failed.

use super::placement;
use super::runner::JobKey;
use super::sandbox::{end_job, signal_group, Launch, Sandbox};
use super::workdir::Prepared;
use crate::state::AppState;
use azimuth_core::jobs::command::resolve_command;
use azimuth_core::jobs::job::JOB_LOG;
use azimuth_core::jobs::run::{run_folder, StoredRun, ARTIFACT_STORE};
use azimuth_core::jobs::status::JobStatus;
use azimuth_core::workspace::Workspace;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Lines of the log a failed job's reason quotes, from at most this many of its last bytes.
const TAIL_LINES: usize = 20;
const TAIL_BYTES: u64 = 16_384;
/// How long a command has to end after SIGTERM before SIGKILL.
const GRACE: Duration = Duration::from_secs(5);
/// How often a running job's compute is looked at.
const COMPUTE_CHECK: Duration = Duration::from_secs(1);

/// How a command ended.
pub(super) enum Ending {
    /// By itself.
    Exited(std::process::ExitStatus),
    /// Someone canceled it.
    Canceled,
    /// Its timeout (as written) passed.
    TimedOut(String),
    /// Its compute was deleted or stopped (why).
    ComputeLost(String),
}

/// Starts the command and waits for it to end.
#[allow(clippy::too_many_arguments)]
pub(super) fn execute(
    state: &AppState,
    sandbox: &Sandbox,
    key: &JobKey,
    ws: &Workspace,
    run: &StoredRun,
    prepared: &Prepared,
    token: &str,
    cancel: &AtomicBool,
) -> Result<Ending, String> {
    let spec = &run.job.as_ref().ok_or("It has no command.")?.spec;
    let command = resolve_command(&spec.command, &prepared.inputs, &prepared.outputs);
    let log = log_file(state, ws, &key.name)?;
    let timeout = spec.timeout_seconds().ok().flatten();
    let child = sandbox
        .spawn(Launch {
            command: &command,
            folder: &prepared.folder,
            cwd: &prepared.cwd,
            env: environment(sandbox, ws, run, prepared, token),
            reads: prepared.reads.clone(),
            writes: Vec::new(),
            binds: Vec::new(),
            // CPU time counts every thread: a timeout's worth on each core.
            cpu_seconds: timeout.map(|s| s.saturating_mul(cores())),
            log,
        })
        .map_err(|e| format!("Its command could not be started ({e})."));
    let mut child = child?;
    let group = child.id();
    if key.set(state, JobStatus::Running, None) == Some(JobStatus::CancelRequested) {
        cancel.store(true, Ordering::SeqCst);
    }
    let deadline = timeout.map(|s| Instant::now() + Duration::from_secs(s));
    let compute = spec.compute_id.clone();
    let mut checked = Instant::now();
    let mut asked_to_end: Option<(Instant, Ending)> = None;
    loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            // Whatever of it is still running (children it left, in its group or not) ends
            // with it, before anything it wrote is read.
            signal_group(group, libc::SIGKILL);
            end_job(&prepared.folder);
            return Ok(asked_to_end.map_or(Ending::Exited(status), |(_, why)| why));
        }
        match &asked_to_end {
            None => {
                let why = if cancel.load(Ordering::SeqCst) {
                    Some(Ending::Canceled)
                } else if deadline.is_some_and(|d| Instant::now() >= d) {
                    let limit = spec.limits.as_ref().and_then(|l| l.timeout.clone());
                    Some(Ending::TimedOut(limit.unwrap_or_default()))
                } else if checked.elapsed() >= COMPUTE_CHECK {
                    checked = Instant::now();
                    placement::refusal(state, &key.arm_id, compute.as_deref(), &key.name)
                        .map(Ending::ComputeLost)
                } else {
                    None
                };
                if let Some(why) = why {
                    signal_group(group, libc::SIGTERM);
                    asked_to_end = Some((Instant::now(), why));
                }
            }
            Some((since, _)) if since.elapsed() > GRACE => signal_group(group, libc::SIGKILL),
            Some(_) => {}
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The command's environment: nothing of the server's, and what a job on Azure ML finds.
fn environment(
    sandbox: &Sandbox,
    ws: &Workspace,
    run: &StoredRun,
    prepared: &Prepared,
    token: &str,
) -> Vec<(String, String)> {
    let spec = run.job.as_ref().map(|j| &j.spec);
    let python_bin = sandbox.python.parent().map(|p| p.display().to_string());
    let path = [
        python_bin.as_deref().unwrap_or("/usr/bin"),
        "/usr/local/bin",
        "/usr/bin",
        "/bin",
    ]
    .join(":");
    let folder = &prepared.folder;
    let mut env: Vec<(String, String)> = spec
        .map(|s| s.environment_variables.clone().into_iter().collect())
        .unwrap_or_default();
    let ours = [
        ("PATH", path),
        ("HOME", folder.join("home").display().to_string()),
        ("TMPDIR", folder.join("tmp").display().to_string()),
        ("LANG", "C.UTF-8".into()),
        ("PYTHONUNBUFFERED", "1".into()),
        (
            "MLFLOW_TRACKING_URI",
            ws.resource.properties.ml_flow_tracking_uri.clone(),
        ),
        ("MLFLOW_TRACKING_TOKEN", token.to_owned()),
        ("MLFLOW_RUN_ID", run.info.run_id.clone()),
        ("MLFLOW_EXPERIMENT_ID", run.info.experiment_id.clone()),
        ("AZUREML_RUN_ID", run.info.run_id.clone()),
        (
            "AZUREML_CR_OUTPUTS",
            prepared.cwd.join("outputs").display().to_string(),
        ),
    ];
    env.retain(|(k, _)| !ours.iter().any(|(o, _)| o == k));
    env.extend(ours.into_iter().map(|(k, v)| (k.to_owned(), v)));
    env
}

/// The machine's cores.
fn cores() -> u64 {
    std::thread::available_parallelism().map_or(1, |n| n.get() as u64)
}

/// Where the job's log ([`JOB_LOG`]) is on disk, in its run's folder.
fn log_path(state: &AppState, ws: &Workspace, name: &str) -> Result<std::path::PathBuf, String> {
    let root = ws
        .datastore_root(ARTIFACT_STORE)
        .map_err(|e| e.message().to_owned())?;
    state
        .storage
        .local_path(&root, &format!("{}/{JOB_LOG}", run_folder(name)))
        .ok_or_else(|| {
            "this server keeps files where a job's log cannot be written as it runs".into()
        })
}

/// The job's log file, opened to append to (its output and errors go there as written).
pub(super) fn log_file(
    state: &AppState,
    ws: &Workspace,
    name: &str,
) -> Result<std::fs::File, String> {
    let path = log_path(state, ws, name)?;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("Its log could not be made ({e})."))?;
    }
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|e| format!("Its log could not be made ({e})."))
}

/// The last `bytes` of a file, read from its end (a log may be gigabytes long).
fn read_end(path: &std::path::Path, bytes: u64) -> std::io::Result<Vec<u8>> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = std::fs::File::open(path)?;
    let size = file.metadata()?.len();
    file.seek(SeekFrom::Start(size.saturating_sub(bytes)))?;
    let mut out = Vec::new();
    file.take(bytes).read_to_end(&mut out)?;
    Ok(out)
}

/// Why a command that ended badly failed, with the end of its log.
pub(super) fn failure(
    state: &AppState,
    ws: &Workspace,
    key: &JobKey,
    status: std::process::ExitStatus,
) -> String {
    use std::os::unix::process::ExitStatusExt;
    let what = match (status.code(), status.signal()) {
        (Some(code), _) => format!("Its command exited with code {code}."),
        (None, Some(libc::SIGXCPU)) => "Its command used all the CPU time its timeout allows and was ended.".into(),
        (None, Some(libc::SIGKILL)) => "Its command was killed (signal 9), by the system (out of memory) or after it did not end when asked to.".into(),
        (None, Some(signal)) => format!("Its command was ended by signal {signal}."),
        _ => "Its command ended without an exit code.".into(),
    };
    let tail = log_path(state, ws, &key.name)
        .ok()
        .and_then(|p| read_end(&p, TAIL_BYTES).ok())
        .map(|bytes| {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let lines: Vec<&str> = text.lines().collect();
            lines[lines.len().saturating_sub(TAIL_LINES)..].join("\n")
        })
        .unwrap_or_default();
    if tail.trim().is_empty() {
        format!("{what} It wrote nothing to {JOB_LOG}.")
    } else {
        format!("{what} The last lines of {JOB_LOG}:\n{tail}")
    }
}
