//! The local job runner (`--job-runner local`): command jobs wait in a queue, oldest first,
//! and run a few at a time (`--job-slots`), each on a thread of its own that prepares its
//! folder, starts its command in the sandbox, waits for it (ending it on Cancel or at its
//! timeout), keeps what it wrote and says how it ended. Its log goes straight from the command
//! to `user_logs/std_log.txt` in the run's folder, where the studio reads it as it grows.

use super::sandbox::{end_leftovers, signal_group, Launch, Sandbox};
use super::workdir::{collect, prepare, Prepared};
use crate::config::JobRunner;
use crate::state::AppState;
use azimuth_core::jobs::command::resolve_command;
use azimuth_core::jobs::run::{run_folder, StoredRun, ARTIFACT_STORE};
use azimuth_core::jobs::status::JobStatus;
use azimuth_core::workspace::Workspace;
use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Lines of the log a failed job's reason quotes.
const TAIL_LINES: usize = 20;
/// How long a command has to end after SIGTERM before SIGKILL.
const GRACE: Duration = Duration::from_secs(5);
/// How long a job's token lasts when the job has no timeout.
const TOKEN_MS: i64 = 7 * 24 * 3_600_000;

/// A job in the runner's hands.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct JobKey {
    /// The workspace's `workspaceId` (where its runs are kept).
    ws: String,
    /// The workspace's ARM id.
    arm_id: String,
    /// The job's name.
    name: String,
}

/// The runner.
pub struct Runner {
    sandbox: Sandbox,
    folder: PathBuf,
    slots: usize,
    queue: Mutex<VecDeque<JobKey>>,
    /// Running jobs, by (workspace, name), with their cancel flags.
    running: Mutex<HashMap<(String, String), Arc<AtomicBool>>>,
    wake: tokio::sync::Notify,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Runner {
    /// A runner with `settings`, for a server listening on `port`.
    pub fn new(settings: &JobRunner, port: u16) -> Result<Self, String> {
        std::fs::create_dir_all(&settings.folder)
            .map_err(|e| format!("cannot create {}: {e}", settings.folder.display()))?;
        let folder = std::fs::canonicalize(&settings.folder).unwrap_or(settings.folder.clone());
        Ok(Self {
            sandbox: Sandbox::new(&settings.python, port, settings.memory_mb)?,
            folder,
            slots: settings.slots.max(1),
            queue: Mutex::default(),
            running: Mutex::default(),
            wake: tokio::sync::Notify::new(),
        })
    }

    /// The Python jobs run with.
    pub fn python(&self) -> &std::path::Path {
        &self.sandbox.python
    }

    /// Puts a submitted job in the queue.
    pub fn enqueue(&self, ws: &str, arm_id: &str, name: &str) {
        lock(&self.queue).push_back(JobKey {
            ws: ws.to_ascii_lowercase(),
            arm_id: arm_id.to_owned(),
            name: name.to_owned(),
        });
        self.wake.notify_one();
    }

    /// Asks a running job's thread to end its command.
    pub fn cancel(&self, ws: &str, name: &str) {
        if let Some(flag) = lock(&self.running).get(&(ws.to_ascii_lowercase(), name.to_owned())) {
            flag.store(true, Ordering::SeqCst);
        }
    }

    /// Starts the loop that takes jobs from the queue as slots free up.
    pub fn start(self: &Arc<Self>, state: &Arc<AppState>) {
        let (runner, state) = (Arc::clone(self), Arc::clone(state));
        tokio::spawn(async move {
            loop {
                runner.start_waiting(&state);
                let _ = tokio::time::timeout(Duration::from_secs(1), runner.wake.notified()).await;
            }
        });
    }

    fn start_waiting(self: &Arc<Self>, state: &Arc<AppState>) {
        loop {
            let mut running = lock(&self.running);
            if running.len() >= self.slots {
                return;
            }
            let Some(key) = lock(&self.queue).pop_front() else {
                return;
            };
            let id = (key.ws.clone(), key.name.clone());
            if running.contains_key(&id) {
                continue;
            }
            let flag = Arc::new(AtomicBool::new(false));
            running.insert(id.clone(), Arc::clone(&flag));
            drop(running);
            let (runner, state) = (Arc::clone(self), Arc::clone(state));
            let started = std::thread::Builder::new()
                .name(format!("job {}", key.name))
                .spawn(move || {
                    run(&state, &runner, &key, &flag);
                    lock(&runner.running).remove(&id);
                    runner.wake.notify_one();
                });
            if let Err(e) = started {
                eprintln!("azimuth-server: cannot start a job's thread: {e}");
            }
        }
    }

    /// At start: ends what a killed server left running, fails the jobs that were running
    /// (their process is gone) and queues those that were waiting.
    pub fn recover(&self, state: &AppState) {
        let ended = end_leftovers(&self.folder);
        if ended > 0 {
            eprintln!("azimuth-server: ended {ended} process(es) of jobs from before the restart");
        }
        for (ws, arm_id, name, status) in jobs_in_flight(state) {
            if status.has_process() {
                fail_after_restart(state, &ws, &arm_id, &name);
            } else {
                set(
                    state,
                    &ws,
                    &arm_id,
                    &name,
                    JobStatus::Queued,
                    Some(WAITING.into()),
                );
                self.enqueue(&ws, &arm_id, &name);
            }
        }
    }
}

/// Why a queued job waits when a runner will take it.
pub const WAITING: &str = "Waiting for a free slot of the server's job runner.";
/// Why a queued job waits on a server without a runner.
pub const NO_RUNNER: &str = "This server runs no jobs: it was started without '--job-runner local', so the job waits here. Whoever runs the server can restart it with '--job-runner local' (command jobs then run on the server's machine, in a sandbox).";

/// Without a runner: jobs that were running when the server stopped are Failed, and waiting
/// ones say that no runner will take them.
pub fn fail_abandoned(state: &AppState) {
    for (ws, arm_id, name, status) in jobs_in_flight(state) {
        if status.has_process() {
            fail_after_restart(state, &ws, &arm_id, &name);
        } else {
            set(
                state,
                &ws,
                &arm_id,
                &name,
                JobStatus::Queued,
                Some(NO_RUNNER.into()),
            );
        }
    }
}

/// The jobs that have not ended, in every workspace that still exists.
fn jobs_in_flight(state: &AppState) -> Vec<(String, String, String, JobStatus)> {
    let found = state.tracking.unfinished_jobs().unwrap_or_default();
    found
        .into_iter()
        .filter_map(|(ws, name, status)| {
            let arm_id = state.read(|t| {
                t.workspaces
                    .iter()
                    .find(|w| w.resource.properties.workspace_id.eq_ignore_ascii_case(&ws))
                    .map(|w| w.id().to_owned())
            })?;
            Some((ws, arm_id, name, status))
        })
        .collect()
}

/// Marks a job whose process a stopped server took with it as Failed.
pub fn fail_after_restart(state: &AppState, ws: &str, arm_id: &str, name: &str) {
    set(
        state,
        ws,
        arm_id,
        name,
        JobStatus::Failed,
        Some("The server stopped while this job ran, and its process was ended with it. Submit the job again.".into()),
    );
}

/// Moves a job to `status`; answers the status it has afterwards.
fn set(
    state: &AppState,
    ws: &str,
    arm_id: &str,
    name: &str,
    status: JobStatus,
    reason: Option<String>,
) -> Option<JobStatus> {
    let now = state.now();
    let after = state
        .tracking
        .change_run(ws, now, name, |run| {
            run.set_job_status(status, reason, now);
            Ok((run.job_status(), Vec::new()))
        })
        .ok();
    state.tracking.announce(arm_id);
    after
}

/// How a command ended.
enum Ending {
    Exited(std::process::ExitStatus),
    Canceled,
    TimedOut(String),
}

/// Runs one job from Queued to its end.
fn run(state: &AppState, runner: &Runner, key: &JobKey, cancel: &AtomicBool) {
    let Some(run) = state
        .tracking
        .read(&key.ws, state.now(), |runs| {
            runs.runs.get(&key.name).map(|(_, r)| r.clone())
        })
        .ok()
        .flatten()
    else {
        return;
    };
    if run.job_status() != JobStatus::Queued {
        return;
    }
    let ws = state.read(|t| t.workspace(&key.arm_id).cloned());
    let Some(ws) = ws else {
        set(
            state,
            &key.ws,
            &key.arm_id,
            &key.name,
            JobStatus::Failed,
            Some("Its workspace was deleted.".into()),
        );
        return;
    };
    let (status, reason) = match run_in_folder(state, runner, key, &ws, &run, cancel) {
        Ok(ended) => ended,
        Err(reason) => (JobStatus::Failed, Some(reason)),
    };
    let folder = runner.folder.join(&key.ws).join(&key.name);
    let _ = std::fs::remove_dir_all(folder);
    set(state, &key.ws, &key.arm_id, &key.name, status, reason);
}

fn run_in_folder(
    state: &AppState,
    runner: &Runner,
    key: &JobKey,
    ws: &Workspace,
    run: &StoredRun,
    cancel: &AtomicBool,
) -> Result<(JobStatus, Option<String>), String> {
    let Some(job) = &run.job else {
        return Err("It has no command.".into());
    };
    let spec = &job.spec;
    if set(
        state,
        &key.ws,
        &key.arm_id,
        &key.name,
        JobStatus::Preparing,
        Some("Putting its code and inputs in place.".into()),
    ) != Some(JobStatus::Preparing)
    {
        return Ok((JobStatus::Canceled, job.reason.clone()));
    }
    let folder = runner.folder.join(&key.ws).join(&key.name);
    let prepared = prepare(state, ws, &folder, spec)?;
    let timeout = spec.timeout_seconds().ok().flatten();
    let expires = state.now() + timeout.map_or(TOKEN_MS, |s| s as i64 * 1000 + 3_600_000);
    let token = crate::auth::new_job_token(state, &job.submitted_by, expires)
        .map_err(|e| e.message().to_owned())?;
    let ending = execute(state, runner, key, ws, run, &prepared, &token, cancel);
    crate::auth::revoke_script_token(state, &token);
    let ending = ending?;
    set(
        state,
        &key.ws,
        &key.arm_id,
        &key.name,
        JobStatus::Finalizing,
        Some("Keeping its outputs.".into()),
    );
    let kept = collect(state, ws, &prepared, &key.name, spec);
    Ok(match ending {
        Ending::Canceled => (JobStatus::Canceled, reason_now(state, key)),
        Ending::TimedOut(limit) => (
            JobStatus::Failed,
            Some(format!(
                "The job ran longer than its timeout ({limit}) and was ended."
            )),
        ),
        Ending::Exited(status) => match (status.code(), kept) {
            (Some(0), Ok(())) => (JobStatus::Completed, None),
            (Some(0), Err(problem)) => (JobStatus::Failed, Some(problem)),
            _ => (
                JobStatus::Failed,
                Some(failure(state, ws, key, status, runner)),
            ),
        },
    })
}

/// Why the job is where it is now (who asked to cancel it, say).
fn reason_now(state: &AppState, key: &JobKey) -> Option<String> {
    state
        .tracking
        .read(&key.ws, state.now(), |runs| {
            runs.runs
                .get(&key.name)
                .and_then(|(_, r)| r.job.as_ref()?.reason.clone())
        })
        .ok()
        .flatten()
}

/// Starts the command and waits for it to end.
#[allow(clippy::too_many_arguments)]
fn execute(
    state: &AppState,
    runner: &Runner,
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
    let child = runner
        .sandbox
        .spawn(Launch {
            command: &command,
            folder: &prepared.folder,
            cwd: &prepared.cwd,
            env: environment(runner, ws, run, prepared, token),
            reads: prepared.reads.clone(),
            cpu_seconds: timeout,
            log,
        })
        .map_err(|e| format!("Its command could not be started ({e})."));
    let mut child = child?;
    let group = child.id();
    if set(
        state,
        &key.ws,
        &key.arm_id,
        &key.name,
        JobStatus::Running,
        None,
    ) == Some(JobStatus::CancelRequested)
    {
        cancel.store(true, Ordering::SeqCst);
    }
    let deadline = timeout.map(|s| Instant::now() + Duration::from_secs(s));
    let mut asked_to_end: Option<(Instant, Ending)> = None;
    loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            // Whatever of it is still running (children it left) ends with it.
            signal_group(group, libc::SIGKILL);
            return Ok(asked_to_end.map_or(Ending::Exited(status), |(_, why)| why));
        }
        match &asked_to_end {
            None => {
                let why = if cancel.load(Ordering::SeqCst) {
                    Some(Ending::Canceled)
                } else if deadline.is_some_and(|d| Instant::now() >= d) {
                    let limit = spec.limits.as_ref().and_then(|l| l.timeout.clone());
                    Some(Ending::TimedOut(limit.unwrap_or_default()))
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
    runner: &Runner,
    ws: &Workspace,
    run: &StoredRun,
    prepared: &Prepared,
    token: &str,
) -> Vec<(String, String)> {
    let spec = run.job.as_ref().map(|j| &j.spec);
    let python_bin = runner
        .sandbox
        .python
        .parent()
        .map(|p| p.display().to_string());
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

/// The job's log file, `user_logs/std_log.txt` in its run's folder, made empty.
fn log_file(state: &AppState, ws: &Workspace, name: &str) -> Result<std::fs::File, String> {
    let root = ws
        .datastore_root(ARTIFACT_STORE)
        .map_err(|e| e.message().to_owned())?;
    let path = state
        .storage
        .local_path(
            &root,
            &format!("{}/user_logs/std_log.txt", run_folder(name)),
        )
        .ok_or("this server keeps files where a job's log cannot be written as it runs")?;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("Its log could not be made ({e})."))?;
    }
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|e| format!("Its log could not be made ({e})."))
}

/// Why a command that ended badly failed, with the end of its log.
fn failure(
    state: &AppState,
    ws: &Workspace,
    key: &JobKey,
    status: std::process::ExitStatus,
    runner: &Runner,
) -> String {
    use std::os::unix::process::ExitStatusExt;
    let what = match (status.code(), status.signal()) {
        (Some(code), _) => format!("Its command exited with code {code}."),
        (None, Some(libc::SIGXCPU)) => "Its command used all the CPU time its timeout allows and was ended.".into(),
        (None, Some(libc::SIGKILL)) => format!("Its command was killed (signal 9); a job that needs more than its {} MB of memory ends this way.", runner.sandbox.memory_bytes >> 20),
        (None, Some(signal)) => format!("Its command was ended by signal {signal}."),
        _ => "Its command ended without an exit code.".into(),
    };
    let tail = ws
        .datastore_root(ARTIFACT_STORE)
        .ok()
        .and_then(|root| {
            state.storage.local_path(
                &root,
                &format!("{}/user_logs/std_log.txt", run_folder(&key.name)),
            )
        })
        .and_then(|p| std::fs::read(p).ok())
        .map(|bytes| {
            let text =
                String::from_utf8_lossy(&bytes[bytes.len().saturating_sub(16_384)..]).into_owned();
            let lines: Vec<&str> = text.lines().collect();
            lines[lines.len().saturating_sub(TAIL_LINES)..].join("\n")
        })
        .unwrap_or_default();
    if tail.trim().is_empty() {
        format!("{what} It wrote nothing to user_logs/std_log.txt.")
    } else {
        format!("{what} The last lines of user_logs/std_log.txt:\n{tail}")
    }
}
