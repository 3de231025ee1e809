//! One metric's chart, hand-drawn in SVG: x as step, time or time since the run started;
//! smoothing (an exponential moving average, debiased at the start); a log scale; drag across
//! it to zoom, which asks the server for that range in finer detail. A long history comes as
//! buckets of least and greatest values, drawn as a band under the line, so a spike is never
//! averaged away. It reads again while the run logs.

use super::format_number;
use crate::store::{use_store, Series};
use leptos::prelude::*;

/// The drawing's size (it scales to its container) and its margins.
pub(super) const WIDTH: f64 = 520.0;
pub(super) const HEIGHT: f64 = 230.0;
const LEFT: f64 = 60.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 30.0;
/// Buckets asked for: about one per horizontal pixel of the plot.
const BUCKETS: u32 = 450;
/// Up to this many values, each is also drawn as a dot (one value is a dot alone).
const DOTS: usize = 60;

/// One sample to draw: x, least, greatest, and the value the line goes through.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Sample {
    pub x: f64,
    pub low: f64,
    pub high: f64,
    pub mid: f64,
}

/// The samples of a series on the chosen y scale (values a log scale cannot show left out).
pub(super) fn samples(series: &Series, log: bool, shift: i64) -> Vec<Sample> {
    let y = |v: f64| {
        if log {
            (v > 0.0).then(|| v.log10())
        } else {
            Some(v)
        }
    };
    let at = |x: i64| (x - shift) as f64;
    if series.buckets.is_empty() {
        series
            .points
            .iter()
            .filter_map(|(x, v)| {
                let v = y((*v)?)?;
                Some(Sample {
                    x: at(*x),
                    low: v,
                    high: v,
                    mid: v,
                })
            })
            .collect()
    } else {
        series
            .buckets
            .iter()
            .filter_map(|(x0, x1, lo, hi)| {
                let (low, high) = (y((*lo)?)?, y((*hi)?)?);
                Some(Sample {
                    x: (at(*x0) + at(*x1)) / 2.0,
                    low,
                    high,
                    mid: (low + high) / 2.0,
                })
            })
            .collect()
    }
}

/// Exponential moving average of the line, debiased like TensorBoard's.
fn smooth(samples: &mut [Sample], weight: f64) {
    if weight <= 0.0 {
        return;
    }
    let (mut last, mut n) = (0.0, 0);
    for s in samples.iter_mut() {
        n += 1;
        last = last * weight + (1.0 - weight) * s.mid;
        s.mid = last / (1.0 - weight.powi(n));
    }
}

/// What the axes span.
#[derive(Clone, Copy, PartialEq)]
pub(super) struct Frame {
    pub x0: f64,
    pub x1: f64,
    pub y0: f64,
    pub y1: f64,
}

impl Frame {
    pub(super) fn of(samples: &[Sample]) -> Option<Frame> {
        let first = samples.first()?;
        let mut f = Frame {
            x0: first.x,
            x1: first.x,
            y0: first.low,
            y1: first.high,
        };
        for s in samples {
            f.x0 = f.x0.min(s.x);
            f.x1 = f.x1.max(s.x);
            f.y0 = f.y0.min(s.low.min(s.mid));
            f.y1 = f.y1.max(s.high.max(s.mid));
        }
        if f.x1 == f.x0 {
            f.x1 = f.x0 + 1.0;
        }
        if f.y1 == f.y0 {
            f.y0 -= 0.5;
            f.y1 += 0.5;
        }
        Some(f)
    }

    pub(super) fn px(&self, x: f64) -> f64 {
        LEFT + (x - self.x0) / (self.x1 - self.x0) * (WIDTH - LEFT - RIGHT)
    }

    pub(super) fn py(&self, y: f64) -> f64 {
        HEIGHT - BOTTOM - (y - self.y0) / (self.y1 - self.y0) * (HEIGHT - TOP - BOTTOM)
    }

    fn x_at(&self, px: f64) -> f64 {
        self.x0 + (px - LEFT) / (WIDTH - LEFT - RIGHT) * (self.x1 - self.x0)
    }
}

/// Round values between `low` and `high` to label an axis with: about `wanted` of them, 1, 2,
/// 2.5 or 5 times a power of ten apart.
pub(super) fn nice_ticks(low: f64, high: f64, wanted: f64) -> Vec<f64> {
    let span = high - low;
    if span <= 0.0 || !span.is_finite() {
        return vec![low];
    }
    let magnitude = 10f64.powf((span / wanted).log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| span / s <= wanted)
        .unwrap_or(10.0 * magnitude);
    let first = (low / step).ceil() * step;
    (0..)
        .map(|i| first + f64::from(i) * step)
        .take_while(|v| *v <= high + step * 1e-9)
        .take(12)
        .collect()
}

pub(super) fn path(points: impl Iterator<Item = (f64, f64)>) -> String {
    let mut d = String::new();
    for (i, (x, y)) in points.enumerate() {
        d.push(if i == 0 { 'M' } else { 'L' });
        d.push_str(&format!("{x:.1} {y:.1}"));
    }
    d
}

/// How an x value reads on the axis.
fn x_label(x: f64, mode: &str) -> String {
    match mode {
        "time" => {
            let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(x));
            String::from(date.to_locale_time_string("en-US"))
        }
        "relative" => super::format_duration(x as i64),
        _ => format_number(x.round()),
    }
}

/// The chart of metric `key` of run `run`.
#[component]
pub fn MetricChart(
    /// The run's id.
    run: String,
    /// The metric.
    key: String,
    /// `step`, `time` or `relative`.
    #[prop(into)]
    x_mode: Signal<String>,
    /// Smoothing weight, 0 to 0.99.
    #[prop(into)]
    smoothing: Signal<f64>,
    /// A log scale for y.
    #[prop(into)]
    log: Signal<bool>,
    /// When the run started (ms), for relative time.
    start_time: i64,
    /// Whether the run is still logging (read again as it does).
    #[prop(into)]
    live: Signal<bool>,
) -> impl IntoView {
    let store = use_store();
    let (run, key) = (StoredValue::new(run), StoredValue::new(key));
    let zoom = RwSignal::new(None::<(i64, i64)>);
    let series = RwSignal::new(None::<Result<Series, String>>);
    let drag = RwSignal::new(None::<(f64, f64)>);
    let hover = RwSignal::new(None::<f64>);
    let by_time = move || x_mode.get() != "step";
    let sent = StoredValue::new(0u64);
    Effect::new(move |_| {
        let axis = if by_time() { "time" } else { "step" };
        let range = zoom.get().map_or((None, None), |(a, b)| (Some(a), Some(b)));
        if live.get() {
            store.runs_changed().track();
        }
        let mine = sent.get_value() + 1;
        sent.set_value(mine);
        let (run_id, metric) = (run.get_value(), key.get_value());
        leptos::task::spawn_local(async move {
            let read = store
                .metric_series(&run_id, &metric, axis, range, BUCKETS)
                .await;
            // An answer for an older zoom or axis is dropped, and one for a chart no longer
            // shown (its values are gone).
            if sent.try_get_value() == Some(mine) {
                series.set(Some(read.map_err(|e| e.message().to_owned())));
            }
        });
    });
    // When the axis changes, a zoom in the other unit means nothing.
    Effect::watch(by_time, move |_, _, _| zoom.set(None), false);
    let shift = move || {
        if x_mode.get() == "relative" {
            start_time
        } else {
            0
        }
    };
    let drawn = Memo::new(move |_| {
        let s = series.get()?.ok()?;
        let mut points = samples(&s, log.get(), shift());
        let raw = points.clone();
        smooth(&mut points, smoothing.get());
        let frame = Frame::of(&points)?;
        Some((points, raw, frame, s.total, !s.buckets.is_empty()))
    });
    let svg = NodeRef::<leptos::svg::Svg>::new();
    // Pointer position in the drawing's units.
    let at = move |ev: &web_sys::PointerEvent| {
        svg.get_untracked().map(|el| {
            let rect = web_sys::Element::from(el).get_bounding_client_rect();
            (f64::from(ev.client_x()) - rect.left()) / rect.width().max(1.0) * WIDTH
        })
    };
    let finish_drag = move |_| {
        let Some((a, b)) = drag.get_untracked() else {
            return;
        };
        drag.set(None);
        let Some((_, _, frame, _, _)) = drawn.get_untracked() else {
            return;
        };
        if (a - b).abs() < 6.0 {
            return;
        }
        let (lo, hi) = (frame.x_at(a.min(b)), frame.x_at(a.max(b)));
        let shift = shift() as f64;
        zoom.set(Some((
            (lo + shift).floor() as i64,
            (hi + shift).ceil() as i64,
        )));
    };
    let label = move || {
        drawn.with(|d| match d {
            Some((points, _, _, total, _)) => format!(
                "{}: {} values{}; last {}",
                key.get_value(),
                total,
                if zoom.get().is_some() {
                    " in the zoomed range"
                } else {
                    ""
                },
                points
                    .last()
                    .map(|p| format_number(if log.get() { 10f64.powf(p.mid) } else { p.mid }))
                    .unwrap_or_default()
            ),
            None => format!("{}: no values to draw", key.get_value()),
        })
    };
    view! {
        <figure class="metric-chart">
            <figcaption class="metric-chart__title">
                <span>{key.get_value()}</span>
                <Show when=move || zoom.get().is_some()>
                    <button type="button" class="link-button" on:click=move |_| zoom.set(None)>"Reset zoom"</button>
                </Show>
            </figcaption>
            {move || match series.get() {
                Some(Err(e)) => view! { <p class="form-error" role="alert">{e}</p> }.into_any(),
                None => view! { <p class="muted">"Loading…"</p> }.into_any(),
                Some(Ok(_)) if drawn.with(Option::is_none) => view! { <p class="muted">"No values to draw."</p> }.into_any(),
                Some(Ok(_)) => ().into_any(),
            }}
            <svg
                node_ref=svg
                class="metric-chart__svg"
                viewBox=format!("0 0 {WIDTH} {HEIGHT}")
                role="img"
                aria-label=label
                on:pointerdown=move |ev| { if let Some(x) = at(&ev) { drag.set(Some((x, x))) } }
                on:pointermove=move |ev| {
                    if let Some(x) = at(&ev) {
                        hover.set(Some(x));
                        drag.update(|d| if let Some(d) = d { d.1 = x });
                    }
                }
                on:pointerup=finish_drag
                on:pointerleave=move |_| { hover.set(None); drag.set(None) }
            >
                {move || drawn.get().map(|(points, raw, frame, _, banded)| {
                    let line = path(points.iter().map(|s| (frame.px(s.x), frame.py(s.mid))));
                    let faint = (smoothing.get() > 0.0).then(|| path(raw.iter().map(|s| (frame.px(s.x), frame.py(s.mid)))));
                    let band = banded.then(|| {
                        let upper = points.iter().map(|s| (frame.px(s.x), frame.py(s.high)));
                        let lower: Vec<_> = points.iter().rev().map(|s| (frame.px(s.x), frame.py(s.low))).collect();
                        format!("{}Z", path(upper.chain(lower)))
                    });
                    let unlog = move |v: f64| if log.get_untracked() { 10f64.powf(v) } else { v };
                    let y_ticks = nice_ticks(frame.y0, frame.y1, 5.0).into_iter().map(|y| {
                        let py = frame.py(y);
                        view! {
                            <line class="metric-chart__grid" x1=LEFT x2=WIDTH - RIGHT y1=py y2=py />
                            <text class="metric-chart__tick" x=LEFT - 6.0 y=py + 4.0 text-anchor="end">{format_number(unlog(y))}</text>
                        }
                    }).collect_view();
                    // Steps are labelled at round numbers; times at even spacing. A label like the
                    // one before it is left out.
                    let mode = x_mode.get_untracked();
                    let xs = if mode == "step" {
                        nice_ticks(frame.x0, frame.x1, 5.0).into_iter().filter(|x| x.fract() == 0.0).collect::<Vec<_>>()
                    } else {
                        (0..5).map(|i| frame.x0 + f64::from(i) / 4.0 * (frame.x1 - frame.x0)).collect()
                    };
                    let mut last_label = String::new();
                    let x_ticks = xs.into_iter().filter_map(|x| {
                        let label = x_label(x + shift() as f64, &mode);
                        if label == last_label {
                            return None;
                        }
                        last_label = label.clone();
                        Some(view! { <text class="metric-chart__tick" x=frame.px(x) y=HEIGHT - 10.0 text-anchor="middle">{label}</text> })
                    }).collect_view();
                    let dots = (points.len() <= DOTS).then(|| points.iter().map(|s| view! {
                        <circle class="metric-chart__dot" cx=frame.px(s.x) cy=frame.py(s.mid) r="3" />
                    }).collect_view());
                    let hovered = hover.get().filter(|_| drag.get().is_none()).and_then(|hx| {
                        let x = frame.x_at(hx);
                        points.iter().min_by(|a, b| (a.x - x).abs().total_cmp(&(b.x - x).abs())).copied()
                    }).map(|s| {
                        let (px, py) = (frame.px(s.x), frame.py(s.mid));
                        let text = format!("{}: {}", x_label(s.x + shift() as f64, &x_mode.get_untracked()), format_number(unlog(s.mid)));
                        let anchor = if px > WIDTH / 2.0 { "end" } else { "start" };
                        let tx = if px > WIDTH / 2.0 { px - 8.0 } else { px + 8.0 };
                        view! {
                            <line class="metric-chart__cursor" x1=px x2=px y1=TOP y2=HEIGHT - BOTTOM />
                            <circle class="metric-chart__dot" cx=px cy=py r="3.5" />
                            <text class="metric-chart__readout" x=tx y=TOP + 12.0 text-anchor=anchor>{text}</text>
                        }
                    });
                    view! {
                        {y_ticks}
                        {x_ticks}
                        {band.map(|d| view! { <path class="metric-chart__band" d=d /> })}
                        {faint.map(|d| view! { <path class="metric-chart__raw" d=d /> })}
                        <path class="metric-chart__line" d=line />
                        {dots}
                        {hovered}
                    }
                })}
                {move || drag.get().map(|(a, b)| view! {
                    <rect class="metric-chart__selection" x=a.min(b) y=TOP width=(a - b).abs() height=HEIGHT - TOP - BOTTOM />
                })}
            </svg>
        </figure>
    }
}
