//! Settling: bringing the workspace up to an instant by applying, in time order, everything that
//! happens by itself: operations finishing, idle shutdowns and scheduled starts and stops.

use crate::compute::cluster::{is_cluster, next_node_event, NodeEvent};
use crate::compute::lifecycle::{Operation, Trigger};
use crate::compute::quota::holds_quota;
use crate::compute::schedule::next_fire;
use crate::compute::LastOperation;
use crate::compute::StoredCompute;
use crate::time::{format_iso, parse_duration_seconds, Millis};
use crate::workspace::Workspace;

/// Something that happens to a compute by itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Event {
    /// The operation in flight completes.
    Complete,
    /// The instance has been idle long enough to be stopped.
    IdleShutdown,
    /// A schedule fires with this action.
    Schedule(Operation),
    /// Something happens to a cluster's node.
    Node(NodeEvent),
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
    if is_cluster(&c.resource) {
        return next_node_event(c).map(|(t, e)| (t, Event::Node(e)));
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
            // A stop someone skipped does not happen; the schedule's next one still does.
            let fire = next_fire(s, settled_at).and_then(|t| {
                if Some(t) == c.skipped_stop {
                    next_fire(s, t)
                } else {
                    Some(t)
                }
            });
            if let Some(t) = fire {
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
    /// Applies everything its computes do by themselves by `now`; returns whether anything
    /// changed.
    pub(crate) fn settle_computes(&mut self, now: Millis) -> bool {
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
            if matches!(event, Event::Schedule(_)) {
                // Every schedule due at this instant fires once, then the cursor passes it.
                let due: Vec<(String, Event)> = self
                    .computes
                    .iter()
                    .filter_map(|c| match next_event(c, self.settled_at) {
                        Some((t, e @ Event::Schedule(_))) if t == at => {
                            Some((c.resource.name.clone(), e))
                        }
                        _ => None,
                    })
                    .collect();
                for (name, e) in due {
                    if let Some(i) = self.computes.iter().position(|c| c.resource.name == name) {
                        self.apply(i, at, e);
                    }
                }
                self.settled_at = at;
            } else {
                self.apply(index, at, event);
                // Schedules before this instant have all fired (events come in time order);
                // one due exactly now still fires.
                self.settled_at = self.settled_at.max(at - 1);
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
            Event::Node(e) => self.apply_node_event(index, at, e),
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
                let c = &self.computes[index];
                if op == Operation::Start && !holds_quota(c) {
                    let vm_size = c.resource.properties.properties.vm_size.clone();
                    if let Err(e) = self.check_quota(&vm_size) {
                        self.refuse_scheduled_start(index, at, e.message());
                        return;
                    }
                }
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

    /// A scheduled start the quota does not allow: the instance stays stopped and says why.
    fn refuse_scheduled_start(&mut self, index: usize, at: Millis, reason: &str) {
        let name = self.computes[index].resource.name.clone();
        std::sync::Arc::make_mut(&mut self.computes[index])
            .resource
            .properties
            .properties
            .last_operation = Some(LastOperation {
            operation_name: Operation::Start.as_str().into(),
            operation_time: format_iso(at),
            operation_status: "StartFailed".into(),
            operation_trigger: Trigger::Schedule.as_str().into(),
        });
        self.record(
            at,
            "Schedule",
            format!("could not start compute instance {name}: {reason}"),
            &name,
        );
    }

    fn complete(&mut self, index: usize, at: Millis) {
        let compute = std::sync::Arc::make_mut(&mut self.computes[index]);
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
        if is_cluster(&compute.resource) {
            self.fill_to_target(index, at);
            return;
        }
        if crate::compute::attach::attached_kind(&compute.resource).is_some() {
            return;
        }
        let props = &mut compute.resource.properties;
        props.properties.state = Some(state.into());
        if let Some(last) = &mut props.properties.last_operation {
            last.operation_status = "Succeeded".into();
        }
    }
}

/// The next shutdown of a running compute instance: when, and whether idle shutdown or a
/// schedule stops it (a skipped scheduled stop left out).
pub fn next_shutdown(c: &StoredCompute, now: Millis) -> Option<(Millis, Trigger)> {
    match next_event(c, now)? {
        (at, Event::IdleShutdown) => Some((at, Trigger::IdleShutdown)),
        (at, Event::Schedule(Operation::Stop)) => Some((at, Trigger::Schedule)),
        _ => None,
    }
}

impl Workspace {
    /// "Skip this shutdown": the next idle shutdown waits for a whole idle time again, or the
    /// next scheduled stop does not happen (the schedule's following ones still do). Whoever may
    /// stop the instance may skip its shutdown.
    pub fn skip_shutdown(
        &mut self,
        actor: &str,
        name: &str,
        now: Millis,
    ) -> Result<(Millis, Trigger), crate::arm::ArmError> {
        self.settle(now);
        let member = self
            .authorize(actor, Operation::Stop.action())?
            .name
            .clone();
        let compute = self
            .compute(name)
            .ok_or_else(|| crate::compute::not_found(name))?;
        let canonical = compute.resource.name.clone();
        let Some((at, trigger)) = next_shutdown(compute, now) else {
            return Err(crate::arm::ArmError::new(
                "BadRequest",
                format!("Compute instance '{canonical}' has no shutdown coming: it is not running, or nothing stops it."),
            ));
        };
        let compute = self.compute_mut(&canonical)?;
        let what = if trigger == Trigger::Schedule {
            compute.skipped_stop = Some(at);
            "skipped the scheduled shutdown of"
        } else {
            compute.last_activity = now;
            "postponed the idle shutdown of"
        };
        self.record(
            now,
            &member,
            format!("{what} compute instance {canonical}"),
            &canonical,
        );
        Ok((at, trigger))
    }
}
