//! Step 2, "Scheduling": idle shutdown and up to four start/stop schedules, each either on
//! chosen days at a time (ARM's Recurrence trigger) or a cron expression (ARM's Cron trigger),
//! in a time zone, with when it fires next.

use super::form::{schedule_request, InstanceForm, ScheduleDraft};
use crate::components::{format_time, Icon, IconName, TextField};
use crate::store::use_store;
use azimuth_core::compute::schedule::{next_fire, TIME_ZONES, WEEK_DAYS};
use azimuth_core::MAX_SCHEDULES;
use leptos::prelude::*;

/// The expression a schedule switched to cron starts with: 18:00 on weekdays.
const DEFAULT_CRON: &str = "0 18 * * 1-5";

/// Monday to Friday, Sunday first: the days a new schedule starts with.
const WORKDAYS: [bool; 7] = [false, true, true, true, true, true, false];

/// One schedule's editor.
fn schedule_editor(form: InstanceForm, id: u32, index: usize) -> impl IntoView {
    let get = move || {
        form.schedules
            .with(|s| s.iter().find(|d| d.id == id).cloned())
    };
    let edit = move |f: &dyn Fn(&mut ScheduleDraft)| {
        form.schedules.update(|s| {
            if let Some(d) = s.iter_mut().find(|d| d.id == id) {
                f(d);
            }
        })
    };
    let store = use_store();
    let error = move || get().and_then(|d| InstanceForm::schedule_error(&d));
    let error_id = move || format!("schedule-{id}-error");
    let hint_id = move || format!("schedule-{id}-next");
    let is_cron = move || get().is_some_and(|d| d.cron.is_some());
    // When the schedule fires next, in its time zone's words.
    let next = move || {
        let d = get()?;
        if InstanceForm::schedule_error(&d).is_some() {
            return None;
        }
        let at = next_fire(&schedule_request(&d), store.now())?;
        Some(format!(
            "Next: {}, in your browser's time zone.",
            format_time(at)
        ))
    };
    view! {
        <fieldset class="schedule">
            <legend>{format!("Schedule {}", index + 1)}</legend>
            <div class="schedule__row">
                <label>
                    "Action"
                    <select on:change=move |ev| {
                        let v = event_target_value(&ev);
                        edit(&|d| d.action = v.clone())
                    }>
                        <option value="Start" selected=move || get().is_some_and(|d| d.action == "Start")>"Start"</option>
                        <option value="Stop" selected=move || get().is_some_and(|d| d.action == "Stop")>"Stop"</option>
                    </select>
                </label>
                <label>
                    "Trigger"
                    <select on:change=move |ev| {
                        let cron = event_target_value(&ev) == "Cron";
                        edit(&|d| {
                            d.cron = cron.then(|| DEFAULT_CRON.to_owned());
                            if !cron && !d.days.contains(&true) {
                                d.days = WORKDAYS;
                            }
                        })
                    }>
                        <option value="Recurrence" selected=move || get().is_some_and(|d| d.cron.is_none())>"Days and time"</option>
                        <option value="Cron" selected=move || get().is_some_and(|d| d.cron.is_some())>"Cron expression"</option>
                    </select>
                </label>
                <Show
                    when=is_cron
                    fallback=move || {
                        view! {
                            <label>
                                "Time"
                                <input
                                    type="time"
                                    prop:value=move || get().map(|d| d.time).unwrap_or_default()
                                    aria-describedby=error_id()
                                    aria-invalid=move || error().is_some().to_string()
                                    on:input=move |ev| {
                                        let v = event_target_value(&ev);
                                        edit(&|d| d.time = v.clone())
                                    }
                                />
                            </label>
                        }
                    }
                >
                    <label class="schedule__cron">
                        "Cron expression"
                        <input
                            type="text"
                            spellcheck="false"
                            placeholder=DEFAULT_CRON
                            prop:value=move || get().and_then(|d| d.cron).unwrap_or_default()
                            aria-describedby=format!("{} {}", error_id(), hint_id())
                            aria-invalid=move || error().is_some().to_string()
                            on:input=move |ev| {
                                let v = event_target_value(&ev);
                                edit(&|d| d.cron = Some(v.clone()))
                            }
                        />
                    </label>
                </Show>
                <label>
                    "Time zone"
                    <select on:change=move |ev| {
                        let v = event_target_value(&ev);
                        edit(&|d| d.time_zone = v.clone())
                    }>
                        {TIME_ZONES
                            .iter()
                            .map(|z| view! { <option value=z.id selected=move || get().is_some_and(|d| d.time_zone == z.id)>{z.label}</option> })
                            .collect_view()}
                    </select>
                </label>
                <button
                    type="button"
                    class="icon-button"
                    aria-label=format!("Remove schedule {}", index + 1)
                    on:click=move |_| form.schedules.update(|s| s.retain(|d| d.id != id))
                >
                    <Icon name=IconName::Delete />
                </button>
            </div>
            <Show when=move || !is_cron()>
            <div class="schedule__days" role="group" aria-label="Days">
                {WEEK_DAYS
                    .iter()
                    .enumerate()
                    .map(|(i, day)| {
                        view! {
                            <label class="day-toggle">
                                <input
                                    type="checkbox"
                                    prop:checked=move || get().is_some_and(|d| d.days[i])
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        edit(&|d| d.days[i] = on)
                                    }
                                />
                                <span aria-hidden="true">{&day[..3]}</span>
                                <span class="visually-hidden">{*day}</span>
                            </label>
                        }
                    })
                    .collect_view()}
            </div>
            </Show>
            <Show when=is_cron>
                <p class="muted">"Minute, hour, day of month, month, day of week: \"0 18 * * 1-5\" is 18:00 on weekdays."</p>
            </Show>
            <p class="muted" id=hint_id()>{next}</p>
            <p class="field__error" id=error_id() role="alert">{move || error().unwrap_or_default()}</p>
        </fieldset>
    }
}

/// The scheduling step.
#[component]
pub fn SchedulingStep(form: InstanceForm) -> impl IntoView {
    let add = move |_| {
        let id = form.take_id();
        form.schedules.update(|s| {
            s.push(ScheduleDraft {
                id,
                action: "Stop".into(),
                cron: None,
                days: WORKDAYS,
                time: "18:00".into(),
                time_zone: "UTC".into(),
            })
        });
    };
    let idle_error = Signal::derive(move || form.idle_error());
    let listed = move || {
        form.schedules
            .get()
            .into_iter()
            .enumerate()
            .collect::<Vec<_>>()
    };
    view! {
        <label class="checkbox">
            <input type="checkbox" prop:checked=move || form.idle_enabled.get() on:change=move |ev| form.idle_enabled.set(event_target_checked(&ev)) />
            "Enable idle shutdown"
        </label>
        <p class="muted">"Stop the compute instance after it has been idle (no application or terminal in use) for a while, to save cost."</p>
        <Show when=move || form.idle_enabled.get()>
            <TextField
                label="Shut down after this many minutes of inactivity"
                id="idle-minutes"
                value=form.idle_minutes
                error=idle_error
                hint="From 15 minutes to 3 days (4320 minutes)."
            />
        </Show>
        <h3>"Start and stop schedules"</h3>
        <p class="muted">"Start or stop the compute instance automatically on chosen days, e.g. stop it every weekday evening."</p>
        <For each=listed key=|(i, d)| (*i, d.id) let:item>
            {schedule_editor(form, item.1.id, item.0)}
        </For>
        <button
            type="button"
            class="button"
            disabled=move || form.schedules.with(|s| s.len() >= MAX_SCHEDULES)
            on:click=add
        >
            <Icon name=IconName::Add />
            "Add schedule"
        </button>
        <Show when=move || form.schedules.with(|s| s.len() >= MAX_SCHEDULES)>
            <p class="muted">{format!("A compute instance can have up to {MAX_SCHEDULES} schedules.")}</p>
        </Show>
    }
}
