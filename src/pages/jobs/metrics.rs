//! A job's Metrics tab: the metrics it logged, each ticked to show its chart; the x axis (step,
//! time, relative time), smoothing and a log scale are shared by every chart and kept in the
//! address.

use super::chart::MetricChart;
use crate::router::query_state;
use azimuth_core::ml::decimal::parse_f64;
use leptos::prelude::*;

/// The Metrics tab of run `run_id`, which logged `keys`.
#[component]
pub fn MetricsTab(
    /// The run's id.
    run_id: String,
    /// The metrics it logged.
    keys: Vec<String>,
    /// When it started (ms).
    start_time: i64,
    /// Whether it is still running.
    #[prop(into)]
    live: Signal<bool>,
) -> impl IntoView {
    let x_mode = query_state::<String>("x");
    let smoothing = query_state::<String>("smoothing");
    let log = query_state::<bool>("log");
    let hidden = query_state::<String>("hide");
    let weight =
        Signal::derive(move || parse_f64(&smoothing.get()).map_or(0.0, |w| w.clamp(0.0, 0.99)));
    let axis = Signal::derive(move || {
        let x = x_mode.get();
        if x.is_empty() {
            "step".to_owned()
        } else {
            x
        }
    });
    let is_hidden = move |key: &str| hidden.with(|h| h.split(',').any(|k| k == key));
    let toggle = move |key: String, on: bool| {
        hidden.update(|h| {
            let mut list: Vec<String> = h
                .split(',')
                .filter(|k| !k.is_empty() && *k != key)
                .map(str::to_owned)
                .collect();
            if !on {
                list.push(key);
            }
            *h = list.join(",");
        })
    };
    if keys.is_empty() {
        return view! {
            <p class="table-empty">"This job has logged no metrics yet. mlflow.log_metric in its script logs them here."</p>
        }
        .into_any();
    }
    let run_id = StoredValue::new(run_id);
    let all = keys.clone();
    view! {
        <div class="metrics-tab">
            <fieldset class="metrics-tab__list">
                <legend>"Metrics"</legend>
                {all.into_iter().map(|key| {
                    let name = key.clone();
                    let label = key.clone();
                    let checked = move || !is_hidden(&name);
                    view! {
                        <label class="checkbox">
                            <input type="checkbox" prop:checked=checked on:change=move |ev| toggle(key.clone(), event_target_checked(&ev)) />
                            {label}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <div class="metrics-tab__main">
                <div class="metrics-tab__controls" role="group" aria-label="Chart settings">
                    <label class="field field--inline">
                        <span class="field__label">"X axis"</span>
                        <select class="field__input" prop:value=move || axis.get() on:change=move |ev| {
                            let v = event_target_value(&ev);
                            x_mode.set(if v == "step" { String::new() } else { v });
                        }>
                            <option value="step">"Step"</option>
                            <option value="time">"Time"</option>
                            <option value="relative">"Relative time"</option>
                        </select>
                    </label>
                    <label class="field field--inline">
                        <span class="field__label">"Smoothing"</span>
                        <input
                            type="range"
                            min="0"
                            max="0.99"
                            step="0.01"
                            prop:value=move || weight.get().to_string()
                            on:input=move |ev| {
                                let v = event_target_value(&ev);
                                smoothing.set(if v == "0" { String::new() } else { v });
                            }
                        />
                        <span class="data-table__number">{move || super::format_number(weight.get())}</span>
                    </label>
                    <label class="checkbox">
                        <input type="checkbox" prop:checked=move || log.get() on:change=move |ev| log.set(event_target_checked(&ev)) />
                        "Log scale"
                    </label>
                </div>
                <div class="metrics-tab__charts">
                    {keys.into_iter().map(|key| {
                        let shown = {
                            let key = key.clone();
                            move || !is_hidden(&key)
                        };
                        view! {
                            <Show when=shown.clone()>
                                <MetricChart
                                    run=run_id.get_value()
                                    key=key.clone()
                                    x_mode=axis
                                    smoothing=weight
                                    log=Signal::derive(move || log.get())
                                    start_time
                                    live
                                />
                            </Show>
                        }
                    }).collect_view()}
                </div>
            </div>
        </div>
    }
    .into_any()
}
