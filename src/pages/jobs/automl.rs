//! An AutoML job's parts of its page: the task card on Overview (what it trains on, how it
//! validates, its limits, its best model), "Data guardrails" (read from the job's
//! `automl/guardrails.json`), and "Models + child jobs": the leaderboard of its trials, best
//! first, each a child job with its metrics.

use super::job::key_values;
use super::{cell_or_blank, format_duration, format_number, live_rows, status_badge};
use crate::components::{format_time, prop, prop_view};
use crate::store::{use_store, Part, TableRequest};
use azimuth_core::arm::json::to_json;
use azimuth_core::jobs::automl::drive::TEST_RUN_TAG;
use azimuth_core::jobs::run::{run_folder, ARTIFACT_STORE, PARENT_TAG};
use azimuth_core::jobs::table::MAX_PAGE;
use azimuth_core::jobs::yaml::job_yaml;
use azimuth_core::ml::sweep::PrimaryMetric;
use leptos::prelude::*;
use serde_json::Value;

/// The most bytes of a job's JSON file read (a trial's charts of 100 classes are about 3 MB).
const JSON_FILE_BYTES: u64 = 16 << 20;

/// Whether a job (as ARM answers it) is an AutoML job.
pub fn is_automl(job: &Value) -> bool {
    job["properties"]["jobType"] == "AutoML"
}

/// The job's primary metric (AUC weighted when it names none).
fn primary_metric(job: &Value) -> PrimaryMetric {
    job["properties"]["taskDetails"]["primaryMetric"]
        .as_str()
        .and_then(PrimaryMetric::parse)
        .unwrap_or_default()
}

/// The job's best trial (its child run's id) and that trial's algorithm, once it has one.
pub fn best_child(job: &Value) -> Option<(String, String)> {
    let p = &job["properties"]["properties"];
    let id = p["azureml.automl_best_child_run_id"].as_str()?;
    let algorithm = p["azureml.run_algorithm"].as_str().unwrap_or_default();
    Some((id.to_owned(), algorithm.to_owned()))
}

/// The metric the leaderboard ranks by, as runs log it, and its label.
pub fn leaderboard_metric(job: &Value) -> (String, String) {
    let metric = primary_metric(job);
    (metric.metric().to_owned(), metric.label().to_owned())
}

/// The AutoML job's card: its task, data, validation and limits, and its YAML.
pub fn automl_card(name: &str, job: &Value) -> Option<impl IntoView> {
    if !is_automl(job) {
        return None;
    }
    let p = &job["properties"];
    let t = &p["taskDetails"];
    let s = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let l = &t["limitSettings"];
    let validation = if let Some(uri) = t["validationData"]["uri"].as_str() {
        format!("User validation data: {uri}")
    } else if let Some(share) = t["validationDataSize"].as_f64() {
        format!(
            "Train-validation split: {}% held out",
            format_number(share * 100.0)
        )
    } else {
        match t["nCrossValidations"]["value"].as_u64() {
            Some(k) => format!("k-fold cross-validation: {k} folds"),
            None => "Auto (cross-validation under 20,000 rows, a 10% holdout above)".into(),
        }
    };
    let test = if let Some(uri) = t["testData"]["uri"].as_str() {
        format!("Test data: {uri}")
    } else if let Some(share) = t["testDataSize"].as_f64() {
        format!(
            "Train-test split: {}% of the training data held out",
            format_number(share * 100.0)
        )
    } else {
        "None".into()
    };
    let test_run = p["properties"][TEST_RUN_TAG].as_str().map(str::to_owned);
    let limits: Vec<(String, String)> = [
        ("Max trials", &l["maxTrials"]),
        ("Max concurrent trials", &l["maxConcurrentTrials"]),
        ("Experiment timeout", &l["timeout"]),
        ("Iteration timeout", &l["trialTimeout"]),
        ("Metric score threshold", &l["exitScore"]),
        ("Enable early termination", &l["enableEarlyTermination"]),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_null())
    .map(|(k, v)| {
        (
            k.to_owned(),
            v.as_str().map_or_else(|| to_json(v), str::to_owned),
        )
    })
    .collect();
    let algorithms = |key: &str| {
        let names: Vec<String> = t["trainingSettings"][key]
            .as_array()
            .into_iter()
            .flatten()
            .map(s)
            .collect();
        names.join(", ")
    };
    let yaml = job_yaml(name, p);
    let where_trials_train = match use_store().is_shared() {
        true => "Trials train for real on threads of the server, as many at once as the job's max concurrent trials and the compute's nodes allow; no VM is started.",
        false => "Trials train for real, one after another in this browser tab's Web Worker (drawn as a server would draw them); no VM is started.",
    };
    Some(view! {
        <section class="card card--wide">
            <h2>"Automated ML"</h2>
            <dl class="props">
                {prop("Task type", s(&t["taskType"]))}
                {prop("Target column", s(&t["targetColumnName"]))}
                {prop("Primary metric", primary_metric(job).label().to_owned())}
                {prop("Training data", s(&t["trainingData"]["uri"]))}
                {prop("Validation", validation)}
                {prop("Test", test)}
                {prop("Positive class label", s(&t["positiveLabel"]))}
                {prop("Allowed models", algorithms("allowedTrainingAlgorithms"))}
                {prop("Blocked models", algorithms("blockedTrainingAlgorithms"))}
                {prop_view("Best model", match best_child(job) {
                    Some((id, algorithm)) => view! { <a href=crate::router::href(&format!("/jobs/runs/{id}"))>{format!("{algorithm} ({id})")}</a> }.into_any(),
                    None => view! { <span>"—"</span> }.into_any(),
                })}
                {test_run.map(|id| prop_view("Test results", view! { <a href=crate::router::href(&format!("/jobs/runs/{id}"))>{format!("The best model on the test data ({id})")}</a> }))}
                {prop_view("Compute", view! {
                    <span>{p["computeId"].as_str().map_or("Serverless".to_owned(), |id| id.rsplit('/').next().unwrap_or(id).to_owned())}</span>
                    <span class="field__hint props__note">{where_trials_train}</span>
                })}
            </dl>
            <h3>"Limits"</h3>
            {key_values(limits, "Limits", "Azure's defaults: up to 1,000 trials, stopping early when they stop improving.")}
            <details class="disclosure">
                <summary>"CLI v2 YAML (az ml job create -f)"</summary>
                <pre class="code-block"><code>{yaml}</code></pre>
            </details>
        </section>
    })
}

/// A JSON file of a run's artifacts (`path` inside its folder), read whole.
async fn read_run_json(
    store: crate::store::Store,
    run_id: &str,
    path: &str,
) -> Result<Value, String> {
    let path = format!("{}/{path}", run_folder(run_id));
    let (bytes, whole) = store
        .read_file(ARTIFACT_STORE, &path, JSON_FILE_BYTES, Part::Start)
        .await
        .map_err(|e| e.message().to_owned())?;
    if !whole {
        return Err(format!(
            "{path} is larger than {} MB.",
            JSON_FILE_BYTES >> 20
        ));
    }
    serde_json::from_slice::<Value>(&bytes).map_err(|e| format!("{path} is damaged ({e})."))
}

/// "Data guardrails": what the job found in its data and did about it.
#[component]
pub fn GuardrailsTab(run_id: String, live: Signal<bool>) -> impl IntoView {
    let store = use_store();
    let rails = RwSignal::new(None::<Result<Vec<Value>, String>>);
    let run_id = StoredValue::new(run_id);
    Effect::new(move |_| {
        store.runs_changed().track();
        leptos::task::spawn_local(async move {
            let read = read_run_json(store, &run_id.get_value(), "automl/guardrails.json").await;
            let shown = match read {
                Ok(Value::Array(rails)) => Ok(rails),
                Ok(_) => Err("The job's guardrails file is damaged.".into()),
                Err(_) if live.get_untracked() => {
                    Err("The guardrails appear once the job has read its data.".into())
                }
                Err(e) => Err(format!(
                    "This job has no guardrails: it ended before it read its data ({e})."
                )),
            };
            rails.try_set(Some(shown));
        });
    });
    move || {
        match rails.get() {
        None => view! { <p class="muted">"Loading…"</p> }.into_any(),
        Some(Err(e)) => view! { <p class="muted">{e}</p> }.into_any(),
        Some(Ok(rails)) => view! {
            <table class="data-table" aria-label="Data guardrails">
                <thead><tr><th scope="col">"Type"</th><th scope="col">"Status"</th><th scope="col">"Description"</th></tr></thead>
                <tbody>
                    {rails.into_iter().map(|g| {
                        let state = g["state"].as_str().unwrap_or_default();
                        let (label, tone) = match state {
                            "alerted" => ("Alerted", "danger"),
                            "done" => ("Done", "busy"),
                            _ => ("Passed", "success"),
                        };
                        let details: Vec<String> = g["details"].as_array().into_iter().flatten().filter_map(|d| d.as_str().map(str::to_owned)).collect();
                        view! {
                            <tr>
                                <th scope="row">{g["name"].as_str().unwrap_or_default().to_owned()}</th>
                                <td><span class=format!("state-badge state-badge--{tone}") data-state=label><span class="state-badge__text">{label}</span></span></td>
                                <td class="cell-wrap">
                                    {g["description"].as_str().unwrap_or_default().to_owned()}
                                    {(!details.is_empty()).then(|| view! { <ul class="guardrail-details">{details.into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}</ul> })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        }.into_any(),
    }
    }
}

/// "Deploy" beside the best model's "Register model": the Deploy wizard with the model
/// version registered from job `run_id` (its latest), or, before it is registered, why not.
fn deploy_link(store: crate::store::Store, run_id: &str) -> impl IntoView {
    let registered = store.workspace.with(|w| {
        let from_job = |v: &&std::sync::Arc<azimuth_core::models::ModelVersionResource>| {
            v.properties.job_name.as_deref() == Some(run_id)
                && v.properties.flavors.contains_key("azimuth")
        };
        let v = w.model_versions.iter().rfind(from_job)?;
        azimuth_core::endpoints::deployments::parse_model_reference(&v.id)
    });
    match registered {
        Some((model, version)) => {
            let to = format!("/endpoints/create?model={model}&version={version}");
            view! { <a class="leaderboard__register" href=crate::router::href(&to)>"Deploy"</a> }.into_any()
        }
        None => view! { <span class="leaderboard__register muted">"Deploy: register the model first"</span> }.into_any(),
    }
}

/// "Models + child jobs": the job's trials best first by its primary metric.
#[component]
pub fn ModelsTab(
    run_id: String,
    metric: String,
    metric_label: String,
    /// The best trial's run id, once the job has chosen it.
    best: Option<String>,
) -> impl IntoView {
    let store = use_store();
    let lower_is_better = metric == "log_loss";
    let filter = format!("tags.\"{PARENT_TAG}\" = '{run_id}'");
    let sort = format!("metric:{metric}");
    let rows = live_rows(move || TableRequest {
        filter: filter.clone(),
        sort: sort.clone(),
        desc: !lower_is_better,
        columns: vec![
            "param:algorithm".into(),
            sort.clone(),
            "param:hyperparameters".into(),
        ],
        limit: MAX_PAGE,
        ..TableRequest::default()
    });
    let now = store.now();
    move || {
        match rows.get() {
        None => view! { <p class="muted">"Loading…"</p> }.into_any(),
        Some(Err(e)) => view! { <p class="form-error" role="alert">{e}</p> }.into_any(),
        Some(Ok(rows)) if rows.is_empty() => view! { <p class="table-empty">"No trial has finished yet; each appears here as it ends, best first."</p> }.into_any(),
        Some(Ok(rows)) => view! {
            <table class="data-table" aria-label="Models">
                <thead><tr>
                    <th scope="col">"Algorithm name"</th>
                    <th scope="col">{metric_label.clone()}</th>
                    <th scope="col">"Sampling"</th>
                    <th scope="col">"Created on"</th>
                    <th scope="col">"Duration"</th>
                    <th scope="col">"Hyperparameters"</th>
                    <th scope="col">"Status"</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| {
                        let algorithm = cell_or_blank(r.values.first());
                        let score = cell_or_blank(r.values.get(1));
                        let hyper = cell_or_blank(r.values.get(2));
                        let duration = r.end_time.unwrap_or(now) - r.start_time;
                        view! {
                            <tr>
                                <th scope="row">
                                    <a href=crate::router::href(&format!("/jobs/runs/{}", r.id))>{algorithm}</a>
                                    {(best.as_deref() == Some(r.id.as_str())).then(|| view! {
                                        <span class="tag">"Best model"</span>
                                        <a class="leaderboard__register" href=crate::router::href(&super::job::register_model_address(&run_id, true))>"Register model"</a>
                                        {deploy_link(store, &run_id)}
                                    })}
                                </th>
                                <td class="data-table__number">{score}</td>
                                <td>"100.00 %"</td>
                                <td>{format_time(r.start_time)}</td>
                                <td>{format_duration(duration)}</td>
                                <td class="cell-wrap">{hyper}</td>
                                <td>{status_badge(r.status)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        }.into_any(),
    }
    }
}

/// The side of a curve chart, in its own units.
const CURVE_SIZE: f64 = 240.0;
/// Colors of the classes' curves.
const CURVE_COLORS: [&str; 6] = [
    "#0f6cbd", "#c50f1f", "#107c10", "#8764b8", "#ca5010", "#038387",
];

/// A curve chart: each class's curve (x and y from 0 to 1), and the diagonal for ROC.
fn curve_chart(
    title: &'static str,
    x_label: &'static str,
    y_label: &'static str,
    curves: &[Value],
    diagonal: bool,
) -> impl IntoView {
    let point = |x: f64, y: f64| {
        format!(
            "{:.1},{:.1}",
            30.0 + x * CURVE_SIZE,
            10.0 + (1.0 - y) * CURVE_SIZE
        )
    };
    let lines: Vec<(String, String, &str)> = curves
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let xs = c["curve"]["x"].as_array().cloned().unwrap_or_default();
            let ys = c["curve"]["y"].as_array().cloned().unwrap_or_default();
            let points: Vec<String> = xs
                .iter()
                .zip(&ys)
                .filter_map(|(x, y)| Some(point(x.as_f64()?, y.as_f64()?)))
                .collect();
            let class = c["class"].as_str().unwrap_or_default().to_owned();
            (
                class,
                points.join(" "),
                CURVE_COLORS[i % CURVE_COLORS.len()],
            )
        })
        .collect();
    let view_box = format!("0 0 {} {}", CURVE_SIZE + 40.0, CURVE_SIZE + 40.0);
    let middle = 10.0 + CURVE_SIZE / 2.0;
    view! {
        <figure class="curve-chart">
            <figcaption>{title}</figcaption>
            <svg viewBox=view_box role="img" aria-label=format!("{title}: {y_label} against {x_label}")>
                <rect x="30" y="10" width=CURVE_SIZE height=CURVE_SIZE class="curve-chart__frame" />
                {diagonal.then(|| view! { <line x1="30" y1=10.0 + CURVE_SIZE x2=30.0 + CURVE_SIZE y2="10" class="curve-chart__diagonal" /> })}
                {lines.iter().map(|(_, points, color)| view! { <polyline points=points.clone() fill="none" stroke=*color stroke-width="2" /> }).collect_view()}
                <text x="30" y=CURVE_SIZE + 22.0 class="curve-chart__label" text-anchor="middle">"0"</text>
                <text x=30.0 + CURVE_SIZE y=CURVE_SIZE + 22.0 class="curve-chart__label" text-anchor="middle">"1"</text>
                <text x="24" y="14" class="curve-chart__label" text-anchor="end">"1"</text>
                <text x=30.0 + CURVE_SIZE / 2.0 y=CURVE_SIZE + 34.0 class="curve-chart__label" text-anchor="middle">{x_label}</text>
                <text x="10" y=middle class="curve-chart__label" text-anchor="middle" transform=format!("rotate(-90 10 {middle})")>{y_label}</text>
            </svg>
            <ul class="curve-chart__legend">
                {lines.into_iter().map(|(class, _, color)| view! { <li><svg class="curve-chart__swatch" viewBox="0 0 10 10" aria-hidden="true"><rect width="10" height="10" rx="2" fill=color /></svg>{class}</li> }).collect_view()}
            </ul>
        </figure>
    }
}

/// An AutoML trial's charts: its confusion matrix and its ROC and precision-recall curves per
/// class, over its validation rows.
#[component]
pub fn TrialCharts(run_id: String) -> impl IntoView {
    let store = use_store();
    let charts = RwSignal::new(None::<Result<Value, String>>);
    leptos::task::spawn_local(async move {
        let read = read_run_json(store, &run_id, "automl/charts.json").await;
        charts.try_set(Some(read));
    });
    move || {
        match charts.get() {
        None => ().into_any(),
        Some(Err(e)) => view! {
            <section class="card card--wide"><h2>"Charts"</h2><p class="muted">{format!("This trial's charts could not be read: {e}")}</p></section>
        }
        .into_any(),
        Some(Ok(c)) => {
            let classes: Vec<String> = c["classes"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect();
            let matrix: Vec<Vec<u64>> = c["confusion_matrix"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|row| row.as_array().into_iter().flatten().filter_map(Value::as_u64).collect())
                .collect();
            let roc = c["roc"].as_array().cloned().unwrap_or_default();
            let pr = c["precision_recall"].as_array().cloned().unwrap_or_default();
            view! {
                <section class="card card--wide">
                    <h2>"Charts"</h2>
                    <p class="muted">{c["over"].as_str().unwrap_or("Over every validation row of the trial's folds.").to_owned()}</p>
                    <h3>"Confusion matrix"</h3>
                    <table class="data-table confusion-matrix" aria-label="Confusion matrix">
                        <thead><tr><th scope="col">"True class \u{2193} / predicted \u{2192}"</th>{classes.iter().map(|c| view! { <th scope="col">{c.clone()}</th> }).collect_view()}</tr></thead>
                        <tbody>
                            {matrix.iter().enumerate().map(|(i, row)| {
                                let total = row.iter().sum::<u64>().max(1) as f64;
                                view! {
                                    <tr>
                                        <th scope="row">{classes.get(i).cloned().unwrap_or_default()}</th>
                                        {row.iter().enumerate().map(|(j, n)| {
                                            // Shaded by the share of the true class's rows, in
                                            // five steps (classes: the page allows no inline style).
                                            let tone = if i == j { "hit" } else { "miss" };
                                            let level = ((*n as f64 / total) * 4.0).round() as u8;
                                            let class = format!("data-table__number confusion-matrix__{tone}-{level}");
                                            view! { <td class=class>{n.to_string()}</td> }
                                        }).collect_view()}
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    <div class="curve-charts">
                        {curve_chart("ROC", "False positive rate", "True positive rate", &roc, true)}
                        {curve_chart("Precision-recall", "Recall", "Precision", &pr, false)}
                    </div>
                </section>
            }
            .into_any()
        }
    }
    }
}
