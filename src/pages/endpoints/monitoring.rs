//! An endpoint's Monitoring tab: per deployment, the last hour of real requests as azimuth-server
//! counted them (`/api/endpoints/metrics`): requests and errors per minute, and latency p50 and
//! p99, drawn in SVG and read again every 10 seconds. A workspace kept in the browser has no
//! server to count them, and the tab says so.

use super::endpoint::Shown;
use crate::store::remote::{DeploymentFigures, EndpointFigures, MinuteFigures};
use crate::store::use_store;
use leptos::prelude::*;

/// How often the figures are read again, in milliseconds.
const REFRESH_MS: u64 = 10_000;
/// Minutes shown.
const MINUTES: usize = 60;
/// The drawing's size (it scales to its container) and its margins.
const W: f64 = 600.0;
const H: f64 = 150.0;
const LEFT: f64 = 44.0;
const BOTTOM: f64 = 20.0;
const TOP: f64 = 10.0;

/// The Monitoring tab.
#[component]
pub fn MonitoringTab(
    /// The endpoint shown.
    shown: Shown,
) -> impl IntoView {
    let store = use_store();
    if !store.is_shared() {
        return view! {
            <div class="message-bar message-bar--info" role="note">
                "Monitoring needs azimuth-server: it counts the requests its scoring address answers. A workspace kept in this browser has no REST endpoint, so there is nothing to count; the Test tab's answers are in the Logs tab."
            </div>
        }
        .into_any();
    }
    let figures = RwSignal::new(None::<Result<EndpointFigures, String>>);
    let read = move || {
        leptos::task::spawn_local(async move {
            let got = store.endpoint_metrics(&shown.name.get_value()).await;
            let _ = figures.try_set(Some(got.map_err(|e| e.message().to_owned())));
        });
    };
    read();
    let timer = set_interval_with_handle(read, std::time::Duration::from_millis(REFRESH_MS));
    on_cleanup(move || {
        if let Ok(t) = timer {
            t.clear();
        }
    });
    let cards = move || match figures.get() {
        None => view! { <p class="muted">"Reading the figures…"</p> }.into_any(),
        Some(Err(e)) => {
            view! { <div class="message-bar message-bar--error" role="alert">{e}</div> }.into_any()
        }
        Some(Ok(f)) if f.deployments.is_empty() => {
            view! { <p class="muted">"No deployment yet."</p> }.into_any()
        }
        Some(Ok(f)) => {
            let now = store.now();
            f.deployments
                .into_iter()
                .map(|(name, d)| deployment_card(&name, &d, now))
                .collect_view()
                .into_any()
        }
    };
    view! {
        <p class="muted">"The last hour of requests to the scoring address, per deployment, counted by azimuth-server; read again every 10 seconds."</p>
        <div class="endpoint-monitoring">{cards}</div>
    }
    .into_any()
}

/// One value per minute of the last hour, oldest first (`None` where none was counted).
fn per_minute(
    d: &DeploymentFigures,
    now: i64,
    pick: impl Fn(&MinuteFigures) -> f64,
) -> Vec<Option<f64>> {
    let last = now - now.rem_euclid(60_000);
    (0..MINUTES)
        .map(|i| {
            let at = last - (MINUTES - 1 - i) as i64 * 60_000;
            d.minutes.iter().find(|m| m.at == at).map(&pick)
        })
        .collect()
}

/// A deployment's card: its totals, requests and errors, and latency.
fn deployment_card(name: &str, d: &DeploymentFigures, now: i64) -> impl IntoView {
    let requests = per_minute(d, now, |m| m.requests as f64);
    let errors = per_minute(d, now, |m| m.errors as f64);
    let p50 = per_minute(d, now, |m| m.p50);
    let p99 = per_minute(d, now, |m| m.p99);
    let served: Vec<f64> = d
        .minutes
        .iter()
        .filter(|m| m.requests > 0)
        .map(|m| m.p99)
        .collect();
    let worst = served.iter().copied().fold(0.0_f64, f64::max);
    let (heading, labelled) = (format!("monitor-{name}"), format!("monitor-{name}"));
    view! {
        <section class="card endpoint-monitor" aria-labelledby=labelled>
            <h2 id=heading>{name.to_owned()}</h2>
            <dl class="endpoint-monitor__totals">
                <div><dt>"Requests (last hour)"</dt><dd>{d.requests}</dd></div>
                <div><dt>"Errors"</dt><dd>{d.errors}</dd></div>
                <div><dt>"Worst p99 latency"</dt><dd>{format!("{worst:.1} ms")}</dd></div>
            </dl>
            {chart("Requests and errors per minute", name, "", &[("requests", bars_of(&requests)), ("errors", bars_of(&errors))], true)}
            {chart("Latency, p50 and p99", name, " ms", &[("p50", p50), ("p99", p99)], false)}
        </section>
    }
}

/// Minutes without a count draw as zero bars.
fn bars_of(values: &[Option<f64>]) -> Vec<Option<f64>> {
    values.iter().map(|v| Some(v.unwrap_or(0.0))).collect()
}

/// Where a chart draws: its greatest value and the plot's size.
#[derive(Clone, Copy)]
struct Plot {
    top: f64,
    height: f64,
    step: f64,
}

impl Plot {
    fn y(&self, v: f64) -> f64 {
        TOP + self.height - v / self.top * self.height
    }

    /// The middle of minute `i`.
    fn x(&self, i: usize) -> f64 {
        LEFT + (i as f64 + 0.5) * self.step
    }
}

/// Series `k` of `count` as bars side by side.
fn bars_view(plot: Plot, k: usize, count: usize, values: &[Option<f64>]) -> AnyView {
    let width = plot.step / count as f64 * 0.8;
    let rects = values.iter().enumerate().filter_map(|(i, v)| {
        let v = (*v)?;
        let x = LEFT + i as f64 * plot.step + k as f64 * width;
        let (y, h) = (plot.y(v), TOP + plot.height - plot.y(v));
        Some(view! { <rect x=format!("{x:.1}") y=format!("{y:.1}") width=format!("{width:.1}") height=format!("{h:.1}") /> })
    });
    rects.collect_view().into_any()
}

/// A series as a line broken where a minute has no value, and a dot for each value (a minute
/// alone draws no line).
fn line_view(plot: Plot, values: &[Option<f64>]) -> AnyView {
    let mut path = String::new();
    let mut pen_down = false;
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) => {
                let pen = if pen_down { "L" } else { "M" };
                path.push_str(&format!("{pen}{:.1},{:.1} ", plot.x(i), plot.y(*v)));
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    let dots = values.iter().enumerate().filter_map(|(i, v)| {
        let (x, y) = (plot.x(i), plot.y((*v)?));
        Some(view! { <circle cx=format!("{x:.1}") cy=format!("{y:.1}") r="2.5" /> })
    });
    view! { <path d=path />{dots.collect_view()} }.into_any()
}

/// An SVG chart of deployment `of`'s per-minute series under its title, with a legend: bars
/// side by side, or lines.
fn chart(
    title: &'static str,
    of: &str,
    unit: &str,
    series: &[(&'static str, Vec<Option<f64>>)],
    bars: bool,
) -> impl IntoView {
    let top = series
        .iter()
        .flat_map(|(_, v)| v.iter().flatten().copied())
        .fold(0.0_f64, f64::max)
        .max(1.0);
    let height = H - BOTTOM - TOP;
    let plot = Plot {
        top,
        height,
        step: (W - LEFT - 8.0) / MINUTES as f64,
    };
    let shapes = series
        .iter()
        .enumerate()
        .map(|(k, (name, values))| {
            let drawn = match bars {
                true => bars_view(plot, k, series.len(), values),
                false => line_view(plot, values),
            };
            view! { <g class=format!("chart__{name}")>{drawn}</g> }
        })
        .collect_view();
    let legend = series
        .iter()
        .map(|(name, _)| view! { <span class=format!("legend legend--{name}")>{*name}</span> })
        .collect_view();
    let base = TOP + height;
    view! {
        <h3 class="endpoint-monitor__chart-title">{title}</h3>
        <svg class="chart" viewBox=format!("0 0 {W} {H}") role="img" aria-label=format!("{title} of {of}")>
            <line class="chart__axis" x1=LEFT y1=base x2=W - 8.0 y2=base />
            <text class="chart__tick" x=LEFT - 4.0 y=TOP + 8.0 text-anchor="end">{format!("{}{unit}", short(top))}</text>
            <text class="chart__tick" x=LEFT - 4.0 y=base text-anchor="end">"0"</text>
            <text class="chart__tick" x=LEFT y=H - 4.0>"60 min ago"</text>
            <text class="chart__tick" x=W - 8.0 y=H - 4.0 text-anchor="end">"now"</text>
            {shapes}
        </svg>
        <p class="endpoint-monitor__legend muted">{legend}</p>
    }
}

/// A number as a short label.
fn short(v: f64) -> String {
    match v {
        v if v >= 100.0 || v.fract() == 0.0 => format!("{v:.0}"),
        v => format!("{v:.1}"),
    }
}
