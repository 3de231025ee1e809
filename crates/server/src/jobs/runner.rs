//! The local job runner (`--job-runner local`): command jobs wait in a queue, oldest first,
//! and run a few at a time (`--job-slots`), each on a thread of its own that prepares its
//! folder, starts its command in the sandbox, waits for it (ending it on Cancel or at its
//! timeout), keeps what it wrote and says how it ended. Its log goes straight from the command
//! to `user_logs/std_log.txt` in the run's folder, where the studio reads it as it grows.

use super::placement;
use super::process::{execute, failure, Ending};
use super::recovery::{settle_in_flight, WAITING};
use super::sandbox::{end_leftovers, Sandbox};
use super::workdir::{collect, prepare};
use crate::config::JobRunner;
use crate::state::AppState;
use azimuth_core::compute::jobs::Placement;
use azimuth_core::endpoints::batch::invoke::BatchSettings;
use azimuth_core::jobs::run::StoredRun;
use azimuth_core::jobs::status::JobStatus;
use azimuth_core::workspace::Workspace;
use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long a job's token lasts when the job has no timeout.
const TOKEN_MS: i64 = 7 * 24 * 3_600_000;

/// A job in the runner's hands.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) struct JobKey {
    /// The workspace's `workspaceId` (where its runs are kept).
    pub ws: String,
    /// The workspace's ARM id.
    pub arm_id: String,
    /// The job's name.
    pub name: String,
}

impl JobKey {
    /// Moves the job to `status`; answers the status it has afterwards.
    pub(super) fn set(
        &self,
        state: &AppState,
        status: JobStatus,
        reason: Option<String>,
    ) -> Option<JobStatus> {
        let now = state.now();
        let after = state
            .tracking
            .change_run(&self.ws, now, &self.name, |run| {
                run.set_job_status(status, reason, now);
                Ok((run.job_status(), Vec::new()))
            })
            .ok();
        state.tracking.announce(&self.arm_id);
        after
    }
}

/// The runner.
pub struct Runner {
    pub(super) sandbox: Sandbox,
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
        let sandbox = Sandbox::new(&settings.python, port, settings.memory_mb)?;
        sandbox.check(&folder)?;
        Ok(Self {
            sandbox,
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
                // SQLite and the workspace's writes, off the threads that answer requests.
                let (r, s) = (Arc::clone(&runner), Arc::clone(&state));
                let _ = tokio::task::spawn_blocking(move || r.start_waiting(&s)).await;
                let _ = tokio::time::timeout(Duration::from_secs(1), runner.wake.notified()).await;
            }
        });
    }

    /// Starts the queued jobs that have a free slot and a place on their compute; the others
    /// stay queued, in order, each saying what it waits for.
    fn start_waiting(self: &Arc<Self>, state: &Arc<AppState>) {
        let queued: Vec<JobKey> = lock(&self.queue).drain(..).collect();
        let mut waiting = Vec::new();
        for key in queued {
            let id = (key.ws.clone(), key.name.clone());
            let busy = {
                let running = lock(&self.running);
                running.len() >= self.slots || running.contains_key(&id)
            };
            if busy {
                waiting.push(key);
                continue;
            }
            match admit(state, &key) {
                Admission::Start => self.start_job(state, key),
                Admission::Wait => waiting.push(key),
                Admission::Drop => {}
            }
        }
        // Jobs submitted meanwhile come after those that waited longer.
        let mut queue = lock(&self.queue);
        for key in waiting.into_iter().rev() {
            queue.push_front(key);
        }
    }

    fn start_job(self: &Arc<Self>, state: &Arc<AppState>, key: JobKey) {
        let id = (key.ws.clone(), key.name.clone());
        let flag = Arc::new(AtomicBool::new(false));
        lock(&self.running).insert(id.clone(), Arc::clone(&flag));
        let (runner, state2) = (Arc::clone(self), Arc::clone(state));
        let failed_key = key.clone();
        let started = std::thread::Builder::new()
            .name(format!("job {}", key.name))
            .spawn(move || {
                // The slot is given back however the thread ends, a panic included.
                let _slot = Slot {
                    runner: &runner,
                    id,
                };
                run(&state2, &runner, &key, &flag);
            });
        if let Err(e) = started {
            lock(&self.running).remove(&(failed_key.ws.clone(), failed_key.name.clone()));
            let why = format!("The server could not start a thread for it ({e}); submit it again.");
            failed_key.set(state, JobStatus::Failed, Some(why));
        }
    }

    /// At start: ends what a killed server left running, ends the jobs that were running
    /// (their process is gone) and queues those that were waiting.
    pub fn recover(&self, state: &AppState) {
        let ended = end_leftovers(&self.folder);
        if ended > 0 {
            eprintln!("azimuth-server: ended {ended} process(es) of jobs from before the restart");
        }
        for key in settle_in_flight(state, WAITING) {
            self.enqueue(&key.ws, &key.arm_id, &key.name);
        }
    }
}
/// A running job's slot, given back (and the queue woken) when dropped.
struct Slot<'a> {
    runner: &'a Runner,
    id: (String, String),
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        lock(&self.runner.running).remove(&self.id);
        self.runner.wake.notify_one();
    }
}

/// What the queue does with a job.
enum Admission {
    /// Start it: its compute has a place for it.
    Start,
    /// Keep it queued.
    Wait,
    /// Forget it: it ended (canceled, or refused by its compute).
    Drop,
}

/// Whether a queued job may start: it is still Queued and its compute (if it names one) has a
/// place for it; a job that waits says why, once.
fn admit(state: &AppState, key: &JobKey) -> Admission {
    let found = state
        .tracking
        .read(&key.ws, state.now(), |runs| {
            runs.runs.get(&key.name).and_then(|(_, r)| {
                let job = r.job.as_ref()?;
                Some((job.status, job.reason.clone(), job.spec.compute_id.clone()))
            })
        })
        .ok()
        .flatten();
    let Some((status, reason, compute)) = found else {
        return Admission::Drop;
    };
    if status != JobStatus::Queued {
        // Canceled while it waited: whatever its compute prepared for it is given back.
        if let Some(compute) = &compute {
            placement::release(state, &key.arm_id, compute, &key.name);
        }
        return Admission::Drop;
    }
    let Some(compute) = compute else {
        return Admission::Start;
    };
    match placement::place(state, &key.arm_id, &compute, &key.name) {
        Placement::Ready => Admission::Start,
        Placement::Waiting(why) => {
            if reason.as_deref() != Some(why.as_str()) {
                key.set(state, JobStatus::Queued, Some(why));
            }
            Admission::Wait
        }
        Placement::Refused(why) => {
            key.set(state, JobStatus::Failed, Some(why));
            Admission::Drop
        }
    }
}

/// Runs one job from Queued to its end.
fn run(state: &AppState, runner: &Runner, key: &JobKey, cancel: &AtomicBool) {
    run_to_end(state, runner, key, cancel);
    // Whatever way it ended (canceled before it started, too), its node is given back.
    if let Some(compute) = compute_of(state, key) {
        placement::release(state, &key.arm_id, &compute, &key.name);
    }
}

/// The compute a job names, if any.
pub(super) fn compute_of(state: &AppState, key: &JobKey) -> Option<String> {
    state
        .tracking
        .read(&key.ws, state.now(), |runs| {
            runs.runs
                .get(&key.name)
                .and_then(|(_, r)| r.job.as_ref()?.spec.compute_id.clone())
        })
        .ok()
        .flatten()
}

fn run_to_end(state: &AppState, runner: &Runner, key: &JobKey, cancel: &AtomicBool) {
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
        key.set(
            state,
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
    key.set(state, status, reason);
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
    if job.spec.is_automl() {
        return super::automl::run(state, key, ws, run, cancel);
    }
    if let Some(settings) = BatchSettings::of(&job.spec) {
        return super::batch::run(state, key, ws, run, &settings, cancel);
    }
    let spec = &job.spec;
    if key.set(
        state,
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
    let token = crate::auth::new_job_token(state, &job.submitted_by, &key.ws, expires)
        .map_err(|e| e.message().to_owned())?;
    let ending = execute(
        state,
        &runner.sandbox,
        key,
        ws,
        run,
        &prepared,
        &token,
        cancel,
    );
    crate::auth::revoke_job_token(state, &token);
    let ending = ending?;
    key.set(
        state,
        JobStatus::Finalizing,
        Some("Keeping its outputs.".into()),
    );
    let kept = collect(state, ws, &prepared, &key.name, spec);
    Ok(match ending {
        Ending::Canceled => (JobStatus::Canceled, reason_now(state, key)),
        Ending::ComputeLost(why) => (JobStatus::Failed, Some(why)),
        Ending::TimedOut(limit) => (
            JobStatus::Failed,
            Some(format!(
                "The job ran longer than its timeout ({limit}) and was ended."
            )),
        ),
        Ending::Exited(status) => match (status.code(), kept) {
            (Some(0), Ok(())) => (JobStatus::Completed, None),
            (Some(0), Err(problem)) => (JobStatus::Failed, Some(problem)),
            _ => (JobStatus::Failed, Some(failure(state, ws, key, status))),
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
