//! Settling: bringing the workspace up to an instant by applying, in time order, everything that
//! happens by itself: operations finishing, idle shutdowns and scheduled starts and stops.

use crate::lifecycle::{Operation, Trigger};
use crate::schedule::next_fire;
use crate::time::{format_iso, parse_duration_seconds, Millis};
use crate::workspace::{StoredCompute, Workspace};

/// Something that happens to a compute by itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Event {
    /// The operation in flight completes.
    Complete,
    /// The instance has been idle long enough to be stopped.
    IdleShutdown,
    /// A schedule fires with this action.
    Schedule(Operation),
}

/// Most events applied in one settle, so that a workspace left alone for years cannot hang a page.
const MAX_EVENTS: usize = 10_000;

/// The idle time of an instance in milliseconds, when idle shutdown is on.
pub fn idle_shutdown_ms(c: &StoredCompute) -> Option<Millis> {
    let idle = c
        .resource
        .properties
        .properties
        .idle_time_before_shutdown
        .as_deref()?;
    parse_duration_seconds(idle).map(|s| s as Millis * 1000)
}

/// The next event of a compute after `settled_at`, with its time.
pub(crate) fn next_event(c: &StoredCompute, settled_at: Millis) -> Option<(Millis, Event)> {
    if let Some(t) = c.transition {
        return Some((t.ends_at(), Event::Complete));
    }
    let inner = &c.resource.properties.properties;
    let state = inner.state.as_deref()?;
    let mut best: Option<(Millis, Event)> = None;
    let mut consider = |t: Millis, e: Event| {
        if best.is_none_or(|(b, _)| t < b) {
            best = Some((t, e));
        }
    };
    if state == "Running" {
        if let Some(idle) = idle_shutdown_ms(c) {
            consider(
                (c.last_activity + idle).max(settled_at),
                Event::IdleShutdown,
            );
        }
    }
    let wanted = match state {
        "Running" => "Stop",
        "Stopped" => "Start",
        _ => return best,
    };
    for s in inner.schedules.iter().flat_map(|s| &s.compute_start_stop) {
        if s.action == wanted {
            if let Some(t) = next_fire(s, settled_at) {
                let op = if wanted == "Stop" {
                    Operation::Stop
                } else {
                    Operation::Start
                };
                consider(t, Event::Schedule(op));
            }
        }
    }
    best
}

impl Workspace {
    /// Applies everything that has happened by `now`; returns whether anything changed.
    pub fn settle(&mut self, now: Millis) -> bool {
        let mut changed = false;
        for _ in 0..MAX_EVENTS {
            let next = self
                .computes
                .iter()
                .enumerate()
                .filter_map(|(i, c)| next_event(c, self.settled_at).map(|(t, e)| (t, i, e)))
                .min_by_key(|(t, _, _)| *t);
            let Some((at, index, event)) = next.filter(|(t, _, _)| *t <= now) else {
                break;
            };
            self.apply(index, at, event);
            if matches!(event, Event::Schedule(_)) {
                // Other schedules due at the same instant fire too before the cursor moves past it.
                while let Some((i, op)) = self.computes.iter().enumerate().find_map(|(i, c)| {
                    match next_event(c, self.settled_at) {
                        Some((t, Event::Schedule(op))) if t == at => Some((i, op)),
                        _ => None,
                    }
                }) {
                    self.apply(i, at, Event::Schedule(op));
                }
                self.settled_at = at;
            }
            changed = true;
        }
        self.settled_at = self.settled_at.max(now);
        changed
    }

    fn apply(&mut self, index: usize, at: Millis, event: Event) {
        let name = self.computes[index].resource.name.clone();
        match event {
            Event::Complete => self.complete(index, at),
            Event::IdleShutdown => {
                let minutes = idle_shutdown_ms(&self.computes[index]).unwrap_or(0) / 60_000;
                let _ = self.begin(&name, Operation::Stop, Trigger::IdleShutdown, at);
                self.record(
                    at,
                    "Idle shutdown",
                    format!(
                        "stopped compute instance {name} after {minutes} minutes without activity"
                    ),
                    &name,
                );
            }
            Event::Schedule(op) => {
                let _ = self.begin(&name, op, Trigger::Schedule, at);
                self.record(
                    at,
                    "Schedule",
                    format!("{} compute instance {name}", op.past_tense()),
                    &name,
                );
            }
        }
    }

    fn complete(&mut self, index: usize, at: Millis) {
        let compute = &mut self.computes[index];
        let Some(transition) = compute.transition.take() else {
            return;
        };
        let Some(state) = transition.operation.final_state() else {
            self.computes.remove(index);
            return;
        };
        if state == "Running" {
            compute.last_activity = at;
        }
        let props = &mut compute.resource.properties;
        props.provisioning_state = Some("Succeeded".into());
        props.modified_on = Some(format_iso(at));
        props.properties.state = Some(state.into());
        if let Some(last) = &mut props.properties.last_operation {
            last.operation_status = "Succeeded".into();
        }
    }
}
