//! A job's page, with the studio's tabs: Overview (status and why, properties, a command job's
//! command, environment, inputs, outputs and YAML, params, tags, the metrics' last values),
//! Metrics (a chart per metric), Outputs + logs (its files), Child jobs (runs whose
//! `mlflow.parentRunId` is this one) and a command job's Code (the folder it ran from); a batch
//! endpoint's job shows what scored it. Read again while the job runs; Cancel ends it,
//! "Register model" registers its output.

use super::automl::{
    automl_card, best_child, is_automl, leaderboard_metric, GuardrailsTab, ModelsTab, TrialCharts,
};
use super::batch::{batch_card, is_batch};
use super::command::{arm_status, command_card, is_terminal, status_reason};
use super::metrics::MetricsTab;
use super::outputs::{CodeTab, OutputsTab};
use super::{format_duration, format_number, live_rows, status_badge};
use crate::components::{format_time, prop, prop_view, Appearance, Button, Icon, IconName};
use crate::router::{navigate, query_state};
use crate::shell::Breadcrumbs;
use crate::store::{use_store, TableRequest};
use azimuth_core::jobs::automl::BEST_MODEL;
use azimuth_core::jobs::code::{code_ref, CodeRef};
use azimuth_core::jobs::run::{PARENT_TAG, RUN_NAME_TAG, USER_TAG};
use azimuth_core::jobs::table::status_label;
use azimuth_core::jobs::{Run, RunStatus};
use azimuth_core::workspace::roles::Action;
use leptos::prelude::*;
use std::borrow::Cow;

/// The tabs in [`job_tab`]'s chunk, by their id in the address (`?tab=`); Overview is the
/// page's own.
const TAB_PARTS: [&str; 6] = [
    "metrics",
    "outputs",
    "children",
    "guardrails",
    "models",
    "code",
];

/// What the job's tabs other than Overview are built from; the page provides it.
#[derive(Clone, Copy)]
struct TabInputs {
    /// The job's run id.
    id: StoredValue<String>,
    /// The names of the metrics it logged.
    metric_keys: Memo<Vec<String>>,
    /// When it started (ms).
    start_time: Memo<i64>,
    /// Whether it is still under way.
    live: Signal<bool>,
    /// The job as ARM answers it.
    job: RwSignal<Option<serde_json::Value>>,
    /// A command job's code folder (datastore, path).
    code: RwSignal<Option<(String, String)>>,
}

crate::lazy_page! {
    /// The job's tab `tab` other than Overview (the one a page opens on): Metrics, Outputs +
    /// logs, Child jobs, Data guardrails, Models + child jobs and Code are in a chunk of their
    /// own, downloaded when one of them is first chosen.
    job_tab in job__tabs => |tab| {
        let TabInputs { id, metric_keys, start_time, live, job, code } = expect_context::<TabInputs>();
        let run_id = id.get_value();
        match tab.as_str() {
            "metrics" => {
                let keys = metric_keys.get();
                view! { <MetricsTab run_id keys start_time=start_time.get() live /> }.into_any()
            }
            "outputs" => view! { <OutputsTab run_id live /> }.into_any(),
            "children" => view! { <ChildJobs run_id /> }.into_any(),
            "guardrails" => view! { <GuardrailsTab run_id live /> }.into_any(),
            "models" => {
                let (metric, metric_label) = job.with_untracked(|j| j.as_ref().map(leaderboard_metric)).unwrap_or_default();
                let best = job.with(|j| j.as_ref().and_then(best_child)).map(|(id, _)| id);
                view! { <ModelsTab run_id metric metric_label best /> }.into_any()
            }
            _ => match code.get() {
                Some((datastore, root)) => view! { <CodeTab datastore root /> }.into_any(),
                None => view! { <p class="muted">"This job has no code folder: its command runs on its own."</p> }.into_any(),
            },
        }
    }
}

/// The page of job (run) `name`.
#[component]
pub fn JobPage(
    /// The job's name: its run id.
    name: String,
) -> impl IntoView {
    let store = use_store();
    let id = StoredValue::new(name);
    let tab = query_state::<String>("tab");
    let run = RwSignal::new(None::<Result<Run, String>>);
    // The job as ARM answers it: Azure's status, why, and what a command job runs.
    let job = RwSignal::new(None::<serde_json::Value>);
    let action_error = RwSignal::new(None::<String>);
    let experiment = RwSignal::new(None::<(String, String)>);
    // Answers can come back out of order: only the newest request's is shown.
    let sent = StoredValue::new(0u64);
    let read = move || {
        let mine = sent.get_value() + 1;
        sent.set_value(mine);
        let name = id.get_value();
        leptos::task::spawn_local(async move {
            let answer = store.run(&name).await;
            let arm = store.job(&name).await.ok();
            // The page may have closed meanwhile (its values are gone), or a newer read sent.
            if sent.try_get_value() != Some(mine) {
                return;
            }
            job.set(arm);
            if let Ok(r) = &answer {
                if experiment.try_with_untracked(Option::is_none) == Some(true) {
                    let wanted = r.info.experiment_id.clone();
                    if let Ok(all) = store.job_experiments().await {
                        experiment.set(
                            all.into_iter()
                                .find(|e| e.id == wanted)
                                .map(|e| (e.id, e.name)),
                        );
                    }
                }
            }
            run.set(Some(answer.map_err(|e| e.message().to_owned())));
        });
    };
    let status = Signal::derive(move || {
        job.with(|j| j.as_ref().and_then(arm_status)).or_else(|| {
            run.with(|r| match r {
                Some(Ok(r)) => Some(status_label(r.info.status).to_owned()),
                _ => None,
            })
        })
    });
    let live = Signal::derive(move || status.get().is_some_and(|s| !is_terminal(&s)));
    let cancel = move || {
        action_error.set(None);
        leptos::task::spawn_local(async move {
            if let Err(e) = store.cancel_job(&id.get_value()).await {
                action_error.set(Some(e.message().to_owned()));
            }
            read();
        });
    };
    Effect::new(move |seen: Option<()>| {
        store.runs_changed().track();
        // The first read, then again whenever runs change while this one is under way.
        if seen.is_none() || live.get_untracked() {
            read();
        }
    });
    let loaded = Memo::new(move |_| run.with(|r| matches!(r, Some(Ok(_)))));
    let metric_keys = Memo::new(move |_| {
        run.with(|r| match r {
            Some(Ok(r)) => r
                .data
                .metrics
                .iter()
                .map(|m| m.key.clone())
                .collect::<Vec<_>>(),
            _ => Vec::new(),
        })
    });
    // A command job's code folder (datastore, path), for its Code tab.
    let code = RwSignal::new(None::<(String, String)>);
    Effect::new(move |seen: Option<Option<String>>| {
        let code_id = job.with(|j| {
            j.as_ref()
                .and_then(|j| j["properties"]["codeId"].as_str().map(str::to_owned))
        });
        if seen.as_ref() != Some(&code_id) {
            if let Some(id) = code_id.clone() {
                leptos::task::spawn_local(async move {
                    let found = code_folder(store, &id).await;
                    code.try_set(found);
                });
            }
        }
        code_id
    });
    let automl = Memo::new(move |_| job.with(|j| j.as_ref().is_some_and(is_automl)));
    // A batch endpoint's job leaves predictions, not a model to register.
    let batch = Memo::new(move |_| job.with(|j| j.as_ref().is_some_and(is_batch)));
    let start_time = Memo::new(move |_| {
        run.with(|r| {
            r.as_ref()
                .and_then(|r| r.as_ref().ok())
                .map_or(0, |r| r.info.start_time)
        })
    });
    provide_context(TabInputs {
        id,
        metric_keys,
        start_time,
        live,
        job,
        code,
    });
    let tab_button = move |key: &'static str, label: &'static str| {
        let selected =
            move || (tab.get() == key || (key == "overview" && tab.get().is_empty())).to_string();
        view! {
            <button type="button" role="tab" class="tabs__tab" aria-selected=selected on:click=move |_| tab.set(if key == "overview" { String::new() } else { key.to_owned() })>
                {label}
            </button>
        }
    };
    let crumbs = move || {
        let mut items: Vec<(String, Cow<'static, str>)> = vec![("Jobs".to_owned(), "/jobs".into())];
        if let Some((eid, ename)) = experiment.get() {
            items.push((ename, format!("/jobs/experiments/{eid}").into()));
        }
        let name = run.with(|r| match r {
            Some(Ok(r)) => r.info.run_name.clone(),
            _ => id.get_value(),
        });
        items.push((name, "".into()));
        items
    };
    view! {
        {move || view! { <Breadcrumbs items=crumbs() /> }}
        {move || match run.get() {
            None => view! { <p class="muted" role="status">"Loading the job…"</p> }.into_any(),
            Some(Err(e)) => view! {
                <section class="empty-state">
                    <h1>"Job not found"</h1>
                    <p>{e}</p>
                    <a href=crate::router::href("/jobs/all")>"All jobs"</a>
                </section>
            }.into_any(),
            Some(Ok(r)) => {
                let shown = status.get().unwrap_or_default();
                let cancelable = !is_terminal(&shown) && shown != "CancelRequested";
                view! {
                    <header class="page-header page-header--with-badge">
                        <h1>{r.info.run_name.clone()}</h1>
                        {status_badge(shown)}
                    </header>
                    <div class="toolbar" role="toolbar" aria-label="Job actions">
                        <Button appearance=Appearance::Subtle on_click=move |_| read()>
                            <Icon name=IconName::Refresh />
                            "Refresh"
                        </Button>
                        {(!batch.get()).then(|| view! {
                            <Button appearance=Appearance::Subtle blocked=Signal::derive(move || store.refusal(Action::WriteModels)) on_click=move |_| navigate(&register_model_address(&id.get_value(), automl.get_untracked()))>
                                <Icon name=IconName::Models />
                                "Register model"
                            </Button>
                        })}
                        {cancelable.then(|| view! {
                            <Button appearance=Appearance::Subtle blocked=Signal::derive(move || store.refusal(Action::WriteJobs)) on_click=move |_| cancel()>
                                <Icon name=IconName::Stop />
                                "Cancel"
                            </Button>
                        })}
                    </div>
                    {move || action_error.get().map(|e| view! { <div class="message-bar message-bar--error" role="alert">{e}</div> })}
                    {job.with(|j| j.as_ref().map(status_reason))}
                    <div class="tabs" role="tablist" aria-label="Job">
                        {tab_button("overview", "Overview")}
                        {move || automl.get().then(|| tab_button("guardrails", "Data guardrails"))}
                        {move || automl.get().then(|| tab_button("models", "Models + child jobs"))}
                        {tab_button("metrics", "Metrics")}
                        {tab_button("outputs", "Outputs + logs")}
                        {move || (!automl.get()).then(|| tab_button("children", "Child jobs"))}
                        {move || code.with(Option::is_some).then(|| tab_button("code", "Code"))}
                    </div>
                }.into_any()
            }
        }}
        {move || {
            // Only what a tab is built from rebuilds it: a live read of the run that changes
            // nothing of it keeps the charts' zoom and the open folders.
            if !loaded.get() {
                return ().into_any();
            }
            match tab.get() {
                t if TAB_PARTS.contains(&t.as_str()) => {
                    view! { <div role="tabpanel">{crate::lazy::show(job_tab(), t)}</div> }.into_any()
                }
                _ => (move || {
                    let Some(Ok(r)) = run.get() else { return ().into_any() };
                    let command = job.with(|j| j.as_ref().map(|j| command_card(&r.info.run_id, j, store.is_shared())));
                    let task = job.with(|j| j.as_ref().and_then(|j| automl_card(&r.info.run_id, j)));
                    let scoring = job.with(|j| j.as_ref().and_then(batch_card));
                    let trial = r.data.tags.iter().any(|t| t.key == "azureml.run_algorithm" && r.data.tags.iter().any(|p| p.key == PARENT_TAG)).then(|| view! { <TrialCharts run_id=r.info.run_id.clone() /> });
                    view! { <div role="tabpanel">{command}{task}{scoring}{overview(&r, experiment.get(), store.now())}{trial}</div> }.into_any()
                })
                .into_any(),
            }
        }}
    }
}

/// The "Register a model" wizard for job `name`'s output: an AutoML job's best model, or a
/// folder of its files the person names.
pub fn register_model_address(name: &str, automl: bool) -> String {
    match automl {
        true => format!("/models/register?job={name}&path={BEST_MODEL}&type=mlflow_model"),
        false => format!("/models/register?job={name}"),
    }
}

/// Where a command job's code is, from its `codeId`: the folder it names, or the folder of the
/// code version it names.
async fn code_folder(store: crate::store::Store, code_id: &str) -> Option<(String, String)> {
    match code_ref(code_id)? {
        CodeRef::Folder(datastore, path) => Some((datastore, path)),
        CodeRef::Version { name, version, .. } => {
            let version = store.code_version(name, version).await.ok()?;
            azimuth_core::jobs::code::code_folder(version.properties.code_uri.as_deref()?)
        }
    }
}

fn overview(r: &Run, experiment: Option<(String, String)>, now: i64) -> impl IntoView {
    let info = &r.info;
    let ended = info.end_time.unwrap_or(now);
    let tag = |key: &str| {
        r.data
            .tags
            .iter()
            .find(|t| t.key == key)
            .map(|t| t.value.clone())
    };
    let parent = tag(PARENT_TAG);
    let user_tags: Vec<_> = r
        .data
        .tags
        .iter()
        .filter(|t| !t.key.starts_with("mlflow."))
        .cloned()
        .collect();
    let running = matches!(info.status, RunStatus::Running | RunStatus::Scheduled);
    let experiment_view = match experiment {
        Some((id, name)) => {
            view! { <a href=crate::router::href(&format!("/jobs/experiments/{id}"))>{name}</a> }
                .into_any()
        }
        None => view! { <span>{info.experiment_id.clone()}</span> }.into_any(),
    };
    view! {
        <div class="details">
            <section class="card">
                <h2>"Properties"</h2>
                <dl class="props">
                    {prop("Name", info.run_id.clone())}
                    {prop("Display name", tag(RUN_NAME_TAG).unwrap_or_else(|| info.run_name.clone()))}
                    {prop_view("Experiment", experiment_view)}
                    {prop("Created by", tag(USER_TAG).unwrap_or_else(|| info.user_id.clone()))}
                    {prop("Created on", format_time(info.start_time))}
                    {prop("End time", info.end_time.map(format_time).unwrap_or_default())}
                    {prop("Duration", format!("{}{}", format_duration(ended - info.start_time), if running { " so far" } else { "" }))}
                    {prop("Source", tag("mlflow.source.name").unwrap_or_default())}
                    {parent.map(|p| prop_view("Parent job", view! { <a href=crate::router::href(&format!("/jobs/runs/{p}"))>{p.clone()}</a> }))}
                    {prop("Artifact location", info.artifact_uri.clone())}
                </dl>
            </section>
            <section class="card">
                <h2>"Params"</h2>
                {key_values(r.data.params.iter().map(|p| (p.key.clone(), p.value.clone())).collect(), "Params", "No params logged.")}
            </section>
            <section class="card">
                <h2>"Metrics"</h2>
                {key_values(r.data.metrics.iter().map(|m| (m.key.clone(), format_number(m.value))).collect(), "Metrics", "No metrics logged.")}
            </section>
            <section class="card">
                <h2>"Tags"</h2>
                {key_values(user_tags.into_iter().map(|t| (t.key, t.value)).collect(), "Tags", "No tags.")}
            </section>
        </div>
    }
}

/// A two-column table of names and values, or a line saying there are none.
pub(super) fn key_values(
    rows: Vec<(String, String)>,
    label: &'static str,
    none: &'static str,
) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="muted">{none}</p> }.into_any();
    }
    view! {
        <table class="data-table" aria-label=label>
            <thead><tr><th scope="col">"Name"</th><th scope="col">"Value"</th></tr></thead>
            <tbody>
                {rows.into_iter().map(|(k, v)| view! { <tr><th scope="row">{k}</th><td class="cell-wrap">{v}</td></tr> }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// The runs whose parent is this one.
#[component]
fn ChildJobs(run_id: String) -> impl IntoView {
    let filter = format!("tags.\"{PARENT_TAG}\" = '{run_id}'");
    let children = live_rows(move || TableRequest {
        filter: filter.clone(),
        limit: 1000,
        ..TableRequest::default()
    });
    move || {
        match children.get() {
        None => view! { <p class="muted">"Loading…"</p> }.into_any(),
        Some(Err(e)) => view! { <p class="form-error" role="alert">{e}</p> }.into_any(),
        Some(Ok(rows)) if rows.is_empty() => view! { <p class="table-empty">"This job has no child jobs. Runs started with mlflow.start_run(nested=True) inside it appear here."</p> }.into_any(),
        Some(Ok(rows)) => view! {
            <table class="data-table" aria-label="Child jobs">
                <thead><tr><th scope="col">"Display name"</th><th scope="col">"Status"</th><th scope="col">"Created on"</th></tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| view! {
                        <tr>
                            <th scope="row"><a href=crate::router::href(&format!("/jobs/runs/{}", r.id))>{r.name}</a></th>
                            <td>{status_badge(r.status)}</td>
                            <td>{format_time(r.start_time)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        }.into_any(),
    }
    }
}
