//! The jobs a workspace kept in this browser runs in a tab: batch endpoints' jobs, scored by
//! the page (`batch`), and AutoML jobs, trained in the Web Worker: the very sweep
//! the server runs (`azimuth_core::jobs::automl::drive`), so the same data gives the same
//! leaderboard. The page keeps what each step leaves as the server does: each trial a child run
//! with its params, metrics and charts, the job's log, guardrails and featurization, and the
//! best model's folder as the job's `best_model` output. The tab that trains holds a Web Lock
//! named for the job; a job left training by a tab that closed or reloaded (its lock free) is
//! failed, saying so, when the workspace's jobs are next read.

mod batch;
mod files;
mod locks;

use super::local::runs;
use super::worker::Stream;
use super::Store;
use crate::lazy::LoadFailed;
use azimuth_core::arm::json::to_json;
use azimuth_core::arm::json_de::{from_json, from_value};
use azimuth_core::endpoints::batch::invoke::BatchSettings;
use azimuth_core::jobs::automl::drive::{progress_metric, Event, Halt, Outcome, TrialRecord};
use azimuth_core::jobs::automl::BEST_MODEL;
use azimuth_core::jobs::job::JOB_LOG;
use azimuth_core::jobs::run::{NewRun, StoredRun};
use azimuth_core::jobs::status::JobStatus;
use azimuth_core::jobs::submit::{output_uri, run_artifact_uri};
use azimuth_core::jobs::Metric;
use azimuth_core::{ArmError, Workspace};
use files::{handed, write, write_artifact};
use js_sys::Uint8Array;
use locks::{held_locks, lock_name, Lock};
use std::cell::RefCell;
use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;

thread_local! {
    /// The jobs this tab trains, as `<workspaceId>/<job>`.
    static TRAINING: RefCell<HashSet<String>> = RefCell::new(HashSet::new());
    /// The workspaces whose left-behind jobs this tab has looked for.
    static SWEPT: RefCell<HashSet<String>> = RefCell::new(HashSet::new());
}

/// Why a job whose tab went away ended.
const LEFT_SCORING: &str = "It was being scored in a browser tab that was closed or reloaded before it ended, so it stopped there. Invoke the endpoint again.";
/// Why an AutoML job whose tab went away ended.
const LEFT_BEHIND: &str = "It was training in a browser tab that was closed or reloaded before it ended, so it stopped there. Submit it again (its trials so far are kept as child jobs).";

fn key(ws: &Workspace) -> String {
    ws.resource.properties.workspace_id.clone()
}

/// An engine error's message, for a job's reason.
fn message(e: ArmError) -> String {
    e.message().to_owned()
}

/// Starts training AutoML job `job` of `ws` in a worker, keeping what it leaves as it goes.
pub(super) fn start(store: Store, ws: Workspace, job: String) {
    // Marked at once, before the job's page can look for jobs left behind.
    let training = format!("{}/{job}", key(&ws));
    TRAINING.with_borrow_mut(|t| t.insert(training.clone()));
    let lock = Lock::hold(&lock_name(&training));
    leptos::task::spawn_local(async move {
        let ran = match runner().await {
            Ok(run) => run(store, ws.clone(), job.clone()).await,
            Err(LoadFailed) => Err(NOT_DOWNLOADED.to_owned()),
        };
        let (status, reason) = ran.unwrap_or_else(|why| (JobStatus::Failed, Some(why)));
        let _ = set_status(store, &ws, &job, status, reason).await;
        drop(lock);
        TRAINING.with_borrow_mut(|t| t.remove(&training));
    });
}

/// Why a job ended when the code that runs it could not be downloaded.
const NOT_DOWNLOADED: &str = "The part of the studio that runs jobs in this browser could not be downloaded, so the job did not run. Check the connection, then start it again.";

/// A job's final status and why, once it has run to its end (see [`run_job`]).
type Ran = Result<(JobStatus, Option<String>), String>;

/// Runs a job of a workspace to its end.
type Runner = fn(Store, Workspace, String) -> Pin<Box<dyn Future<Output = Ran>>>;

/// The code that trains and scores (the sweep, the worker's calls, what each trial leaves),
/// once it is in: in the release build a chunk of its own, downloaded when a job first runs
/// in this tab rather than with every page that can submit one.
#[cfg(feature = "split")]
#[wasm_split_helpers::wasm_split(job_runner, fallible)]
fn runner() -> Result<Runner, LoadFailed> {
    Ok(|store, ws, job| Box::pin(async move { run_job(store, &ws, &job).await }))
}

/// The code that trains and scores.
#[cfg(not(feature = "split"))]
async fn runner() -> Result<Runner, LoadFailed> {
    Ok(|store, ws, job| Box::pin(async move { run_job(store, &ws, &job).await }))
}

/// Fails the jobs of `ws` that a closed or reloaded tab left running (once per tab).
pub(super) async fn fail_left_behind(store: Store, ws: &Workspace) {
    if !SWEPT.with_borrow_mut(|s| s.insert(key(ws))) {
        return;
    }
    let Ok(held) = runs::read(&key(ws)).await else {
        return;
    };
    let locked = held_locks().await.unwrap_or_default();
    let left: Vec<(String, bool)> = held
        .runs
        .values()
        .filter_map(|r| {
            let j = r
                .job
                .as_ref()
                .filter(|j| runs_here(&j.spec) && !j.status.is_terminal())?;
            Some((r.info.run_id.clone(), j.spec.is_automl()))
        })
        .filter(|(name, _)| {
            let training = format!("{}/{name}", key(ws));
            !TRAINING.with_borrow(|t| t.contains(&training))
                && !locked.contains(&lock_name(&training))
        })
        .collect();
    for (name, automl) in left {
        let why = if automl { LEFT_BEHIND } else { LEFT_SCORING };
        let _ = set_status(store, ws, &name, JobStatus::Failed, Some(why.into())).await;
    }
}

/// Whether a job of this kind runs in a tab (an AutoML job, a batch endpoint's job).
fn runs_here(spec: &azimuth_core::jobs::command::JobSpec) -> bool {
    spec.is_automl() || BatchSettings::of(spec).is_some()
}

/// Moves the job to `status` (when it may go there); answers the status it is in after.
async fn set_status(
    store: Store,
    ws: &Workspace,
    job: &str,
    status: JobStatus,
    reason: Option<String>,
) -> Result<JobStatus, String> {
    let now = store.now();
    let after = runs::change(&key(ws), |held| {
        let run = held
            .runs
            .get_mut(job)
            .ok_or_else(|| azimuth_core::jobs::submit::job_not_found(job))?;
        run.set_job_status(status, reason, now);
        Ok(run.job_status())
    })
    .await
    .map_err(message)?;
    store.note_runs_changed();
    Ok(after)
}

/// Runs the job to its end (an AutoML job trained, a batch endpoint's job scored): its final
/// status and why.
async fn run_job(store: Store, ws: &Workspace, job: &str) -> Ran {
    let held = runs::read(&key(ws)).await.map_err(message)?;
    let spec = held
        .runs
        .get(job)
        .and_then(|r| r.job.as_ref())
        .map(|j| j.spec.clone());
    match spec.as_ref().and_then(BatchSettings::of) {
        Some(settings) => batch::score(store, ws, job, settings).await,
        None => train(store, ws, job).await,
    }
}

/// Trains the job to its end: its final status and why.
async fn train(
    store: Store,
    ws: &Workspace,
    job: &str,
) -> Result<(JobStatus, Option<String>), String> {
    let held = runs::read(&key(ws)).await.map_err(message)?;
    let parent = held.runs.get(job).cloned().ok_or("The job is gone.")?;
    let spec = parent
        .job
        .as_ref()
        .map(|j| j.spec.clone())
        .ok_or("It has no task.")?;
    let task = spec.task_details.clone().ok_or("It has no task.")?;
    let preparing = Some("Reading its training data.".to_owned());
    if set_status(store, ws, job, JobStatus::Preparing, preparing).await? != JobStatus::Preparing {
        return Ok((JobStatus::Canceled, None));
    }
    let nodes = spec
        .compute_id
        .as_deref()
        .and_then(|c| ws.compute_nodes(azimuth_core::compute::jobs::compute_name(c)))
        .unwrap_or(1);
    let stream = Stream::start(&handed(ws, job, &task, nodes).await?)?;
    let metric = progress_metric(&task);
    let mut log = String::new();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    loop {
        let (kind, payload) = stream.next().await;
        let text = payload.as_string().unwrap_or_default();
        match kind.as_str() {
            "event" => {
                let event: Event = from_json(&text).map_err(|e| e.to_string())?;
                if let Some(ended) = keep(store, ws, &parent, &metric, &mut log, event).await? {
                    return Ok(ended);
                }
            }
            "end" => {
                let end: serde_json::Value = from_json(&text).map_err(|e| e.to_string())?;
                if let Ok(halt) = from_value::<Halt>(end["halt"].clone()) {
                    return Ok((halt.status, halt.reason));
                }
                let mut outcome: Outcome =
                    from_value(end["outcome"].clone()).map_err(|e| e.to_string())?;
                outcome.folder = std::mem::take(&mut files);
                return finish(store, ws, job, &spec, outcome).await;
            }
            file if file.starts_with("file/") => {
                files.push((
                    file["file/".len()..].to_owned(),
                    Uint8Array::new(&payload).to_vec(),
                ));
            }
            _ => return Err(text),
        }
    }
}

/// Keeps what one event leaves; answers how the job ended when it must end here.
async fn keep(
    store: Store,
    ws: &Workspace,
    parent: &StoredRun,
    metric: &str,
    log: &mut String,
    event: Event,
) -> Result<Option<(JobStatus, Option<String>)>, String> {
    let job = parent.info.run_id.as_str();
    match event {
        Event::Log(line) => {
            log.push_str(&line);
            log.push('\n');
            write_artifact(ws, job, JOB_LOG, log.as_bytes()).await?;
        }
        Event::Prepared {
            guardrails,
            featurization,
        } => {
            write_artifact(
                ws,
                job,
                "automl/guardrails.json",
                to_json(&guardrails).as_bytes(),
            )
            .await?;
            write_artifact(
                ws,
                job,
                "automl/featurization.json",
                to_json(&featurization).as_bytes(),
            )
            .await?;
            if set_status(store, ws, job, JobStatus::Running, None).await? != JobStatus::Running {
                return Ok(Some((JobStatus::Canceled, None)));
            }
        }
        Event::BeforeTrial => {
            let held = runs::read(&key(ws)).await.map_err(message)?;
            let status = held.runs.get(job).map(|r| r.job_status());
            if status.is_none_or(|s| s == JobStatus::CancelRequested || s.is_terminal()) {
                return Ok(Some((JobStatus::Canceled, None)));
            }
        }
        Event::Trial(trial) => {
            let progress = trial.failed.is_none().then_some(metric);
            keep_trial(store, ws, parent, job, progress, &trial).await?;
        }
        Event::Tested { model_run, record } => {
            keep_trial(store, ws, parent, &model_run, None, &record).await?;
        }
    }
    Ok(None)
}

/// Keeps a trial as an ended child run of run `parent_run` (the job's, or the best trial's for
/// its test) with its charts, and its best-so-far as the job's `progress` metric.
async fn keep_trial(
    store: Store,
    ws: &Workspace,
    parent: &StoredRun,
    parent_run: &str,
    progress: Option<&str>,
    trial: &TrialRecord,
) -> Result<(), String> {
    let now = store.now();
    let job = parent.info.run_id.clone();
    let tags = trial.tags(parent_run);
    let mut run = StoredRun::new(NewRun {
        run_id: &trial.child,
        experiment_id: &parent.info.experiment_id,
        user: &parent.info.user_id,
        run_name: Some(&trial.child),
        generated_name: trial.child.clone(),
        start_time: now - (trial.seconds * 1000.0) as i64,
        artifact_uri: run_artifact_uri(&trial.child),
        tags: &tags,
    })
    .map_err(|e| e.message)?;
    let point = |key: &str, value: f64, step: i64| Metric {
        key: key.to_owned(),
        value,
        timestamp: now,
        step,
    };
    let metrics: Vec<Metric> = trial.metrics.iter().map(|(k, v)| point(k, *v, 0)).collect();
    run.log_with_history(&metrics, &trial.params);
    run.update(Some(trial.status()), Some(now), None, now)
        .map_err(|e| e.message)?;
    let best = progress.map(|metric| point(metric, trial.best_so_far, trial.iteration as i64));
    runs::change(&key(ws), move |held| {
        if held.runs.contains_key(&run.info.run_id) {
            return Err(ArmError::new("UserError", format!("A run named {} already exists in this workspace, and AutoML names its trials <job>_<trial>: submit the job under another name.", run.info.run_id)));
        }
        if let (Some(parent), Some(best)) = (held.runs.get_mut(&job), best) {
            parent.log_with_history(&[best], &[]);
        }
        held.runs.insert(run.info.run_id.clone(), run);
        Ok(())
    })
    .await
    .map_err(message)?;
    if !trial.charts.is_null() {
        let charts = to_json(&trial.charts);
        write_artifact(ws, &trial.child, "automl/charts.json", charts.as_bytes()).await?;
    }
    store.note_runs_changed();
    Ok(())
}

/// Keeps the best model (the best child's `outputs/model` and the job's `best_model` output)
/// and names it on the job's run.
async fn finish(
    store: Store,
    ws: &Workspace,
    job: &str,
    spec: &azimuth_core::jobs::command::JobSpec,
    outcome: Outcome,
) -> Result<(JobStatus, Option<String>), String> {
    let uri = spec
        .outputs
        .get(BEST_MODEL)
        .and_then(|o| o.uri.clone())
        .unwrap_or_else(|| output_uri(job, BEST_MODEL));
    let (datastore, folder) = ws.data_location(&uri)?;
    for (name, bytes) in &outcome.folder {
        write_artifact(
            ws,
            &outcome.best_child,
            &format!("outputs/model/{name}"),
            bytes,
        )
        .await?;
        write(
            ws,
            &datastore,
            &format!("{}/{name}", folder.trim_end_matches('/')),
            bytes,
        )
        .await?;
    }
    runs::change(&key(ws), |held| {
        if let Some(run) = held.runs.get_mut(job) {
            outcome.best_tags().iter().for_each(|t| run.set_tag(t));
        }
        Ok(())
    })
    .await
    .map_err(message)?;
    store.note_runs_changed();
    Ok((JobStatus::Completed, outcome.stopped))
}
