//! `/jobs/compare?runs=a,b,c`: jobs side by side. Their params in one table (identical ones
//! hidden on request), each metric's histories overlaid on one chart, and a
//! parallel-coordinates view of the params against a chosen metric, each job a line.

use super::chart::{nice_ticks, path, samples, Frame, HEIGHT, WIDTH};
use super::format_number;
use crate::router::query_state;
use crate::shell::Breadcrumbs;
use crate::store::{use_store, Series};
use azimuth_core::jobs::Run;
use azimuth_core::ml::decimal::parse_f64;
use leptos::prelude::*;
use std::collections::BTreeSet;

/// The most jobs compared at once.
pub const MAX_COMPARED: usize = 10;
/// One color per job, in order (Fluent's data-visualization palette).
const COLORS: [&str; MAX_COMPARED] = [
    "#0f6cbd", "#c50f1f", "#107c10", "#8764b8", "#ca5010", "#038387", "#986f0b", "#e3008c",
    "#4f6bed", "#7a7574",
];
/// Buckets asked for per history: enough for a chart this wide.
const BUCKETS: u32 = 300;
/// Up to this many values a line is also drawn as dots.
const DOTS: usize = 60;

fn color(i: usize) -> &'static str {
    COLORS[i % COLORS.len()]
}

/// The compare page.
#[component]
pub fn ComparePage() -> impl IntoView {
    let store = use_store();
    let ids = query_state::<String>("runs");
    let hide_same = query_state::<bool>("hideSame");
    let runs = RwSignal::new(None::<Result<Vec<Run>, String>>);
    Effect::new(move |_| {
        let wanted: Vec<String> = ids
            .get()
            .split(',')
            .filter(|s| !s.is_empty())
            .take(MAX_COMPARED)
            .map(str::to_owned)
            .collect();
        leptos::task::spawn_local(async move {
            let mut found = Vec::new();
            for id in &wanted {
                match store.run(id).await {
                    Ok(run) => found.push(run),
                    Err(e) => {
                        runs.set(Some(Err(format!("{id}: {}", e.message()))));
                        return;
                    }
                }
            }
            runs.set(Some(Ok(found)));
        });
    });
    view! {
        <Breadcrumbs items=vec![("Jobs".into(), "/jobs/all".into()), ("Compare".into(), "".into())] />
        {move || match runs.get() {
            None => view! { <p class="muted" role="status">"Loading the jobs…"</p> }.into_any(),
            Some(Err(e)) => view! { <div class="message-bar message-bar--error" role="alert">{e}</div> }.into_any(),
            Some(Ok(list)) if list.len() < 2 => view! {
                <section class="empty-state">
                    <h1>"Compare jobs"</h1>
                    <p>"Select two to ten jobs in a jobs table, then Compare."</p>
                    <a href=crate::router::href("/jobs/all")>"All jobs"</a>
                </section>
            }.into_any(),
            Some(Ok(list)) => {
                let list = StoredValue::new(list);
                view! {
                    <header class="page-header"><h1>{format!("Compare {} jobs", list.with_value(Vec::len))}</h1></header>
                    <ul class="compare-legend" aria-label="Jobs compared">
                        {list.with_value(|l| l.iter().enumerate().map(|(i, r)| view! {
                            <li><span class="compare-legend__swatch" style:background=color(i)></span>
                            <a href=crate::router::href(&format!("/jobs/runs/{}", r.info.run_id))>{r.info.run_name.clone()}</a></li>
                        }).collect_view())}
                    </ul>
                    <section class="card" aria-labelledby="compare-params">
                        <h2 id="compare-params">"Params"</h2>
                        <label class="checkbox">
                            <input type="checkbox" prop:checked=move || hide_same.get() on:change=move |ev| hide_same.set(event_target_checked(&ev)) />
                            "Hide identical params"
                        </label>
                        {move || params_table(&list.get_value(), hide_same.get())}
                    </section>
                    <section class="card" aria-labelledby="compare-metrics">
                        <h2 id="compare-metrics">"Metrics"</h2>
                        {metric_charts(&list.get_value())}
                    </section>
                    <section class="card" aria-labelledby="compare-parallel">
                        <h2 id="compare-parallel">"Parallel coordinates"</h2>
                        <ParallelCoordinates runs=list.get_value() />
                    </section>
                }.into_any()
            }
        }}
    }
}

/// Every param key any of the runs has, in order.
fn param_keys(runs: &[Run]) -> Vec<String> {
    let keys: BTreeSet<&String> = runs
        .iter()
        .flat_map(|r| r.data.params.iter().map(|p| &p.key))
        .collect();
    keys.into_iter().cloned().collect()
}

fn param(run: &Run, key: &str) -> Option<String> {
    run.data
        .params
        .iter()
        .find(|p| p.key == key)
        .map(|p| p.value.clone())
}

fn params_table(runs: &[Run], hide_same: bool) -> AnyView {
    let rows: Vec<(String, Vec<Option<String>>, bool)> = param_keys(runs)
        .into_iter()
        .map(|k| {
            let values: Vec<Option<String>> = runs.iter().map(|r| param(r, &k)).collect();
            let same = values.windows(2).all(|w| w[0] == w[1]);
            (k, values, same)
        })
        .filter(|(_, _, same)| !(hide_same && *same))
        .collect();
    if rows.is_empty() {
        let none = if hide_same {
            "Every param is the same in these jobs."
        } else {
            "These jobs logged no params."
        };
        return view! { <p class="muted">{none}</p> }.into_any();
    }
    view! {
        <div class="table-scroll">
            <table class="data-table compare-table" aria-label="Params compared">
                <thead>
                    <tr>
                        <th scope="col">"Param"</th>
                        {runs.iter().map(|r| view! { <th scope="col">{r.info.run_name.clone()}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|(k, values, same)| view! {
                        <tr class=if same { "" } else { "compare-table__differs" }>
                            <th scope="row">{k}</th>
                            {values.into_iter().map(|v| view! { <td class="cell-wrap">{v.unwrap_or_else(|| "—".into())}</td> }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

fn metric_charts(runs: &[Run]) -> AnyView {
    let keys: BTreeSet<String> = runs
        .iter()
        .flat_map(|r| r.data.metrics.iter().map(|m| m.key.clone()))
        .collect();
    if keys.is_empty() {
        return view! { <p class="muted">"These jobs logged no metrics."</p> }.into_any();
    }
    let ids: Vec<String> = runs.iter().map(|r| r.info.run_id.clone()).collect();
    view! {
        <div class="metrics-tab__charts">
            {keys.into_iter().map(|key| view! { <OverlayChart key runs=ids.clone() /> }).collect_view()}
        </div>
    }
    .into_any()
}

/// One metric of several runs, each its own color, by step.
#[component]
fn OverlayChart(key: String, runs: Vec<String>) -> impl IntoView {
    let store = use_store();
    let series = RwSignal::new(None::<Vec<Option<Series>>>);
    let (k, ids) = (key.clone(), runs);
    leptos::task::spawn_local(async move {
        let mut all = Vec::new();
        for id in &ids {
            all.push(
                store
                    .metric_series(id, &k, "step", (None, None), BUCKETS)
                    .await
                    .ok(),
            );
        }
        series.set(Some(all));
    });
    let label = key.clone();
    move || {
        let Some(all) = series.get() else {
            return view! { <p class="muted">"Loading…"</p> }.into_any();
        };
        let lines: Vec<Vec<super::chart::Sample>> = all
            .iter()
            .map(|s| s.as_ref().map(|s| samples(s, false, 0)).unwrap_or_default())
            .collect();
        let every: Vec<_> = lines.iter().flatten().copied().collect();
        let Some(frame) = Frame::of(&every) else {
            return view! { <p class="muted">{format!("{label}: no values.")}</p> }.into_any();
        };
        let ticks = nice_ticks(frame.y0, frame.y1, 5.0);
        let x_ticks = nice_ticks(frame.x0, frame.x1, 6.0);
        let bottom = frame.py(frame.y0);
        view! {
            <figure class="metric-chart">
                <figcaption class="metric-chart__title">{label.clone()}</figcaption>
                <svg class="metric-chart__svg" viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=format!("{label} of {} jobs, by step", lines.len())>
                    {ticks.into_iter().map(|t| view! {
                        <line class="metric-chart__grid" x1=frame.px(frame.x0) x2=frame.px(frame.x1) y1=frame.py(t) y2=frame.py(t) />
                        <text class="metric-chart__tick" x=frame.px(frame.x0) - 6.0 y=frame.py(t) + 4.0 text-anchor="end">{format_number(t)}</text>
                    }).collect_view()}
                    {x_ticks.into_iter().map(|t| view! {
                        <text class="metric-chart__tick" x=frame.px(t) y=bottom + 18.0 text-anchor="middle">{format_number(t.round())}</text>
                    }).collect_view()}
                    {lines.iter().enumerate().map(|(i, line)| {
                        // Few values are also drawn as dots (one value is a dot alone).
                        let dots = (line.len() <= DOTS).then(|| line.iter().map(|s| view! {
                            <circle class="metric-chart__dot" cx=frame.px(s.x) cy=frame.py(s.mid) r="3" style:fill=color(i) />
                        }).collect_view());
                        view! {
                            <path class="metric-chart__line" d=path(line.iter().map(|s| (frame.px(s.x), frame.py(s.mid)))) style:stroke=color(i) />
                            {dots}
                        }
                    }).collect_view()}
                </svg>
            </figure>
        }
        .into_any()
    }
}

/// The axes of a parallel-coordinates view: the params in which the runs differ, then the
/// chosen metric (last value). Numbers spread by value; other values by their sorted order.
#[component]
fn ParallelCoordinates(runs: Vec<Run>) -> impl IntoView {
    let metric_keys: Vec<String> = runs
        .iter()
        .flat_map(|r| r.data.metrics.iter().map(|m| m.key.clone()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let chosen = query_state::<String>("metric");
    let first = metric_keys.first().cloned().unwrap_or_default();
    let metric = Signal::derive(move || {
        let c = chosen.get();
        if c.is_empty() {
            first.clone()
        } else {
            c
        }
    });
    let runs = StoredValue::new(runs);
    let options = metric_keys.clone();
    view! {
        <label class="field field--inline">
            <span class="field__label">"Metric"</span>
            <select class="field__input" prop:value=move || metric.get() on:change=move |ev| chosen.set(event_target_value(&ev))>
                {options.into_iter().map(|k| view! { <option value=k.clone()>{k.clone()}</option> }).collect_view()}
            </select>
        </label>
        {move || runs.with_value(|r| parallel_svg(r, &metric.get()))}
    }
}

/// One axis: its name, and where each run sits on it (0 bottom to 1 top), with the labels of
/// its ends.
struct Axis {
    name: String,
    at: Vec<Option<f64>>,
    low: String,
    high: String,
}

fn axis(name: String, values: Vec<Option<String>>) -> Axis {
    let numbers: Vec<Option<f64>> = values
        .iter()
        .map(|v| parse_f64(v.as_deref()?).filter(|n| n.is_finite()))
        .collect();
    let numeric = values
        .iter()
        .zip(&numbers)
        .all(|(v, n)| v.is_none() || n.is_some());
    if numeric {
        let present: Vec<f64> = numbers.iter().flatten().copied().collect();
        let (lo, hi) = present
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(*v), b.max(*v))
            });
        let span = if hi > lo { hi - lo } else { 1.0 };
        return Axis {
            name,
            at: numbers
                .iter()
                .map(|n| n.map(|v| if hi > lo { (v - lo) / span } else { 0.5 }))
                .collect(),
            low: if lo.is_finite() {
                format_number(lo)
            } else {
                String::new()
            },
            high: if hi.is_finite() {
                format_number(hi)
            } else {
                String::new()
            },
        };
    }
    let distinct: Vec<String> = values
        .iter()
        .flatten()
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let n = distinct.len().max(2) - 1;
    Axis {
        name,
        at: values
            .iter()
            .map(|v| {
                v.as_ref()
                    .and_then(|v| distinct.iter().position(|d| d == v))
                    .map(|i| i as f64 / n as f64)
            })
            .collect(),
        low: distinct.first().cloned().unwrap_or_default(),
        high: distinct.last().cloned().unwrap_or_default(),
    }
}

fn parallel_svg(runs: &[Run], metric: &str) -> AnyView {
    let mut axes: Vec<Axis> = param_keys(runs)
        .into_iter()
        .filter_map(|k| {
            let values: Vec<Option<String>> = runs.iter().map(|r| param(r, &k)).collect();
            let differ = values.windows(2).any(|w| w[0] != w[1]);
            differ.then(|| axis(k, values))
        })
        .collect();
    if !metric.is_empty() {
        let values = runs
            .iter()
            .map(|r| {
                r.data
                    .metrics
                    .iter()
                    .find(|m| m.key == metric)
                    .map(|m| m.value.to_string())
            })
            .collect();
        axes.push(axis(metric.to_owned(), values));
    }
    if axes.len() < 2 {
        return view! { <p class="muted">"A parallel-coordinates view needs two or more params that differ between these jobs, or a param and a metric."</p> }.into_any();
    }
    let (width, height, top, bottom, side) = (760.0, 260.0, 30.0, 30.0, 60.0);
    let step = (width - 2.0 * side) / (axes.len() - 1) as f64;
    let x = |i: usize| side + step * i as f64;
    let y = |v: f64| top + (1.0 - v) * (height - top - bottom);
    let lines = (0..runs.len()).map(|r| {
        let points: Vec<(f64, f64)> = axes.iter().enumerate().filter_map(|(i, a)| Some((x(i), y(a.at[r]?)))).collect();
        view! { <path class="metric-chart__line" d=path(points.into_iter()) style:stroke=color(r) /> }
    }).collect_view();
    view! {
        <svg class="parallel" viewBox=format!("0 0 {width} {height}") role="img" aria-label=format!("Parallel coordinates: {} axes, {} jobs", axes.len(), runs.len())>
            {axes.iter().enumerate().map(|(i, a)| view! {
                <line class="parallel__axis" x1=x(i) x2=x(i) y1=top y2=height - bottom />
                <text class="metric-chart__tick" x=x(i) y=top - 12.0 text-anchor="middle">{a.name.clone()}</text>
                <text class="metric-chart__tick" x=x(i) + 4.0 y=top + 4.0>{a.high.clone()}</text>
                <text class="metric-chart__tick" x=x(i) + 4.0 y=height - bottom + 14.0>{a.low.clone()}</text>
            }).collect_view()}
            {lines}
        </svg>
    }
    .into_any()
}
