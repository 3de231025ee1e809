//! The jobs of a workspace kept in this browser, answered as azimuth-server answers them and by
//! the same engine rules (`azimuth_core::jobs`): experiments with their run counts, pages of
//! the runs table, a run, a metric's history, a job as ARM's resource; a command job submitted
//! here is kept Queued and says why (a browser runs no process), an AutoML job is trained by
//! this tab's worker (`store::training`), and Cancel ends either. Roles apply as on a server.

use super::runs::{self, Runs};
use crate::store::{Series, TableRequest};
use azimuth_core::endpoints::batch::invoke::BatchSettings;
use azimuth_core::jobs::code::{code_ref, CodeRef};
use azimuth_core::jobs::experiment::{self, ExperimentSummary};
use azimuth_core::jobs::filter::parse as parse_filter;
use azimuth_core::jobs::job::{check_job_name, job_resource, JobPlace, Submission};
use azimuth_core::jobs::links::job_page;
use azimuth_core::jobs::submit::{
    complete, job_experiment, job_not_found, queued_run, Submitter, BROWSER_WAITS,
};
use azimuth_core::jobs::table::{page_size, table, Column, TablePage, TableQuery};
use azimuth_core::jobs::{Run, ViewType};
use azimuth_core::workspace::roles::Action;
use azimuth_core::workspace::Workspace;
use azimuth_core::ArmError;
use serde_json::Value;

/// The key of a workspace's runs: its GUID (`workspaceId`).
fn key(ws: &Workspace) -> &str {
    &ws.resource.properties.workspace_id
}

/// The experiments with their run counts.
pub async fn experiments(ws: &Workspace) -> Result<Vec<ExperimentSummary>, ArmError> {
    let held = runs::read(key(ws)).await?;
    Ok(experiment::summaries(&held.experiments, held.runs.values()))
}

/// One page of the runs table.
pub async fn runs_table(ws: &Workspace, r: &TableRequest, now: i64) -> Result<TablePage, ArmError> {
    let query = TableQuery {
        experiment: Some(r.experiment.clone()).filter(|e| !e.is_empty()),
        view: ViewType::ActiveOnly,
        filter: parse_filter(&r.filter)?,
        sort: match r.sort.as_str() {
            "" => None,
            spec => Some((Column::parse_asked(spec)?, r.desc)),
        },
        columns: r
            .columns
            .iter()
            .map(|c| Column::parse_asked(c))
            .collect::<Result<_, _>>()?,
        offset: r.offset,
        limit: page_size(r.limit),
        now,
    };
    let held = runs::read(key(ws)).await?;
    Ok(table(held.runs.values(), &held.experiments, &query))
}

/// A run, as MLflow's `runs/get` answers it.
pub async fn run(ws: &Workspace, run_id: &str) -> Result<Run, ArmError> {
    let held = runs::read(key(ws)).await?;
    held.runs
        .get(run_id)
        .map(|r| r.to_run())
        .ok_or_else(|| job_not_found(run_id))
}

/// A metric's history for a chart, from what the run keeps ([`StoredRun::history`], or its
/// latest value for a run logged without one): `x` is `step` or `time`, `range` the x range.
///
/// [`StoredRun::history`]: azimuth_core::jobs::run::StoredRun::history
pub async fn metric_series(
    ws: &Workspace,
    run_id: &str,
    metric: &str,
    x: &str,
    range: (Option<i64>, Option<i64>),
) -> Result<Series, ArmError> {
    let held = runs::read(key(ws)).await?;
    let run = held.runs.get(run_id).ok_or_else(|| job_not_found(run_id))?;
    let by_time = x == "time";
    let point = |step: i64, at: i64, value: f64| {
        (
            if by_time { at } else { step },
            value.is_finite().then_some(value),
        )
    };
    let mut all: Vec<(i64, Option<f64>)> = match run.history.get(metric) {
        Some(points) => points.iter().map(|&(s, t, v)| point(s, t, v)).collect(),
        None => run.metrics.get(metric).map_or_else(Vec::new, |m| {
            let last = &m.summary.last;
            vec![point(last.step, last.timestamp, last.value)]
        }),
    };
    all.sort_by_key(|p| p.0);
    let (first, last) = (all.first().map(|p| p.0), all.last().map(|p| p.0));
    all.retain(|p| range.0.is_none_or(|lo| p.0 >= lo) && range.1.is_none_or(|hi| p.0 <= hi));
    Ok(Series {
        first,
        last,
        total: all.len() as i64,
        points: all,
        buckets: Vec::new(),
    })
}

/// Job `name` as ARM answers it.
pub async fn job(ws: &Workspace, name: &str) -> Result<Value, ArmError> {
    let held = runs::read(key(ws)).await?;
    resource(ws, &held, name)
}

fn resource(ws: &Workspace, held: &Runs, name: &str) -> Result<Value, ArmError> {
    let run = held.runs.get(name).ok_or_else(|| job_not_found(name))?;
    let experiment = experiment::name_of(&held.experiments, &run.info.experiment_id);
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    Ok(job_resource(
        run,
        &JobPlace {
            workspace: ws.id(),
            experiment_name: experiment,
            tracking_uri: &ws.resource.properties.ml_flow_tracking_uri,
            studio_url: format!("{origin}{}", job_page(ws.id(), name)),
        },
    ))
}

/// Why an AutoML job kept in this browser waits: this tab's worker is about to train it.
const TRAINS_HERE: &str = "This tab's Web Worker trains it: keep the tab open until it ends.";

/// Submits job `name` (ARM's PUT body) as `me`: a new command job is kept Queued, saying that
/// this browser runs no commands, and an AutoML job waits for this tab's worker to train it; a
/// PUT of one that exists changes what may change.
pub async fn submit(
    ws: &Workspace,
    me: &str,
    name: &str,
    body: &Value,
    now: i64,
) -> Result<Value, ArmError> {
    check_job_name(name)?;
    let mut submission = Submission::from_body(body)?;
    let member = ws.authorize(me, Action::WriteJobs)?.clone();
    if let Some(CodeRef::Version { .. }) = submission.spec.code_id.as_deref().and_then(code_ref) {
        return Err(ArmError::new("UserError", "Code versions are kept by azimuth-server; a workspace kept in your browser takes a job's code as a datastore folder (azureml://datastores/workspaceblobstore/paths/<folder>/), as Submit from YAML uploads it."));
    }
    complete(ws, name, &mut submission)?;
    let waits = match submission.spec.is_automl() {
        true => TRAINS_HERE,
        false => BROWSER_WAITS,
    };
    queue(ws, &member, name, submission, waits, now).await
}

/// Why a batch endpoint's job kept in this browser waits: this page is about to score it.
const SCORES_HERE: &str = "This page scores it: keep the tab open until it ends.";

/// Starts job `name` of a batch endpoint's invocation as `me` (the engine's `submission`):
/// Queued for this page to score.
pub async fn start_batch(
    ws: &Workspace,
    me: &str,
    name: &str,
    submission: Submission,
    now: i64,
) -> Result<Value, ArmError> {
    let member = ws.authorize(me, Action::WriteJobs)?.clone();
    if runs::read(key(ws)).await?.runs.contains_key(name) {
        return Err(ArmError::new(
            "Conflict",
            format!("A job named '{name}' already exists in this workspace."),
        ));
    }
    queue(ws, &member, name, submission, SCORES_HERE, now).await
}

/// Keeps a new job `name` Queued (saying it `waits` for what), or changes the one of that name
/// as a PUT may; answers it as ARM does.
async fn queue(
    ws: &Workspace,
    member: &azimuth_core::workspace::roles::Member,
    name: &str,
    submission: Submission,
    waits: &str,
    now: i64,
) -> Result<Value, ArmError> {
    let experiment_id = super::random_guid();
    let by = Submitter {
        user: &member.user_name,
        member: &member.name,
        now,
    };
    runs::change(key(ws), move |held| {
        if let Some(run) = held.runs.get_mut(name) {
            return run.change_job(&submission, now).map_err(ArmError::from);
        }
        let experiment_id = job_experiment(
            &mut held.experiments,
            &submission.experiment_name,
            experiment_id,
            now,
        )?;
        let run = queued_run(name, &experiment_id, submission, &by, waits)?;
        held.runs.insert(name.to_owned(), run);
        Ok(())
    })
    .await?;
    job(ws, name).await
}

/// The jobs batch endpoint `endpoint` started, as ARM answers them, newest first.
pub async fn batch_jobs(ws: &Workspace, endpoint: &str) -> Result<Vec<Value>, ArmError> {
    let held = runs::read(key(ws)).await?;
    let mut started: Vec<(i64, String)> = held
        .runs
        .values()
        .filter_map(|run| {
            let settings = BatchSettings::of(&run.job.as_ref()?.spec)?;
            settings
                .endpoint
                .eq_ignore_ascii_case(endpoint)
                .then(|| (run.info.start_time, run.info.run_id.clone()))
        })
        .collect();
    started.sort_by(|a, b| b.cmp(a));
    let mut jobs = Vec::new();
    for (_, name) in started {
        jobs.push(job(ws, &name).await?);
    }
    Ok(jobs)
}

/// Cancels job `name` as `me`.
pub async fn cancel(ws: &Workspace, me: &str, name: &str, now: i64) -> Result<(), ArmError> {
    let member = ws.authorize(me, Action::WriteJobs)?.clone();
    runs::change(key(ws), |held| {
        let run = held.runs.get_mut(name).ok_or_else(|| job_not_found(name))?;
        run.cancel(&member.user_name, now)?;
        Ok(())
    })
    .await
}
