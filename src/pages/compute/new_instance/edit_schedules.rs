//! "Edit schedules" on an instance's page: idle shutdown and the start/stop schedules, edited
//! with the wizard's own Scheduling step and saved with a PUT (ARM's update of an instance).
//! Schedules the editor cannot show (a recurrence at several times of day, or every few weeks,
//! written with the CLI or the API) are kept as they are.

use super::form::{InstanceForm, ScheduleDraft, Step};
use super::scheduling::SchedulingStep;
use crate::components::{guard_close, Appearance, Button, Dialog, DiscardPrompt};
use crate::store::use_store;
use azimuth_core::compute::schedule::WEEK_DAYS;
use azimuth_core::compute::{ComputeSchedules, StartStopSchedule};
use azimuth_core::time::parse_duration_seconds;
use azimuth_core::ComputeResource;
use leptos::prelude::*;

/// The editor's draft of a schedule, when the editor can show it: a cron expression, or a
/// weekly recurrence at one time of day.
fn draft(id: u32, s: &StartStopSchedule) -> Option<ScheduleDraft> {
    if let Some(cron) = &s.cron {
        return Some(ScheduleDraft {
            id,
            action: s.action.clone(),
            cron: Some(cron.expression.clone()),
            days: [false; 7],
            time: "18:00".into(),
            time_zone: cron.time_zone.clone(),
        });
    }
    let r = s.recurrence.as_ref()?;
    let (&[hour], &[minute]) = (r.schedule.hours.as_slice(), r.schedule.minutes.as_slice()) else {
        return None;
    };
    (r.frequency == "Week" && r.interval == 1).then(|| ScheduleDraft {
        id,
        action: s.action.clone(),
        cron: None,
        days: WEEK_DAYS.map(|d| r.schedule.week_days.iter().any(|w| w == d)),
        time: format!("{hour:02}:{minute:02}"),
        time_zone: r.time_zone.clone(),
    })
}

/// The dialog; `close` runs after saving or cancelling.
#[component]
pub fn EditSchedules(
    /// The instance as it is now.
    compute: ComputeResource,
    /// Closes the dialog.
    close: Callback<()>,
) -> impl IntoView {
    let store = use_store();
    let form = InstanceForm::new("");
    let inner = &compute.properties.properties;
    let idle = inner
        .idle_time_before_shutdown
        .as_deref()
        .and_then(parse_duration_seconds);
    form.idle_enabled.set(idle.is_some());
    form.idle_minutes
        .set((idle.unwrap_or(3600) / 60).to_string());
    let mut kept = Vec::new();
    let mut drafts = Vec::new();
    for s in inner.schedules.iter().flat_map(|s| &s.compute_start_stop) {
        match draft(form.take_id(), s) {
            Some(d) => drafts.push(d),
            None => kept.push(s.clone()),
        }
    }
    form.schedules.set(drafts);
    let kept_count = kept.len();
    // What the dialog opened with, to ask before an edit is discarded.
    let edited = move || {
        (
            form.idle_enabled.get(),
            form.idle_minutes.get(),
            form.schedules.get(),
        )
    };
    let initial = edited();
    let unsaved = Signal::derive(move || edited() != initial);
    let guard = guard_close(unsaved, close);
    let errors = Memo::new(move |_| {
        store
            .workspace
            .with(|w| form.step_errors(Step::Scheduling, w))
    });
    let saving = RwSignal::new(false);
    // What the dialog opened with: a save over somebody else's change since then is refused.
    let opened_with = (
        inner.idle_time_before_shutdown.clone(),
        inner.schedules.clone(),
    );
    let conflict = RwSignal::new(None::<String>);
    let save = move |_| {
        if !errors.get_untracked().is_empty() || saving.get_untracked() {
            return;
        }
        let name = compute.name.clone();
        let current = store
            .workspace
            .with_untracked(|w| w.compute(&name).map(|c| c.resource.clone()));
        let Some(mut body) = current else {
            conflict.set(Some(format!("{name} no longer exists: it was deleted.")));
            return;
        };
        let now = &body.properties.properties;
        if (now.idle_time_before_shutdown.clone(), now.schedules.clone()) != opened_with {
            conflict.set(Some(format!(
                "Somebody changed the schedules or idle shutdown of {name} while you were editing. Cancel, then open Edit schedules again to see their change before making yours."
            )));
            return;
        }
        let edited = store
            .workspace
            .with_untracked(|w| form.request(w, ""))
            .properties
            .properties;
        let inner = &mut body.properties.properties;
        inner.idle_time_before_shutdown = edited.idle_time_before_shutdown;
        let schedules: Vec<_> = kept
            .iter()
            .cloned()
            .chain(
                edited
                    .schedules
                    .into_iter()
                    .flat_map(|s| s.compute_start_stop),
            )
            .collect();
        inner.schedules = (!schedules.is_empty()).then_some(ComputeSchedules {
            compute_start_stop: schedules,
        });
        saving.set(true);
        leptos::task::spawn_local(async move {
            let saved = store.update_compute(&body.name.clone(), body).await;
            saving.set(false);
            if saved.is_ok() {
                guard.leave.run(());
            }
        });
    };
    view! {
        <Dialog title="Schedules and idle shutdown" class="dialog--wizard dialog--form" on_close=guard.request>
            <SchedulingStep form />
            {(kept_count > 0).then(|| view! {
                <p class="muted">
                    {format!("{kept_count} schedule(s) written with the CLI or the ARM API (several times a day, or every few weeks) are kept as they are; change them there.")}
                </p>
            })}
            <Show when=move || conflict.with(Option::is_some)>
                <div class="message-bar message-bar--error" role="alert">{move || conflict.get().unwrap_or_default()}</div>
            </Show>
            <Show when=move || errors.with(|e| !e.is_empty())>
                <div class="message-bar message-bar--error" role="alert">{move || errors.get().join(" ")}</div>
            </Show>
            <div class="dialog__actions wizard__footer">
                <Button appearance=Appearance::Primary disabled=saving on_click=save>"Save"</Button>
                <Button on_click=move |_| guard.request.run(())>"Cancel"</Button>
            </div>
            <DiscardPrompt guard title="Discard your changes?" />
        </Dialog>
    }
}
