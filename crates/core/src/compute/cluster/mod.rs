//! Compute clusters (AmlCompute): nodes that come and go between the minimum and the maximum at
//! the workspace's pace, holding vCPU quota while they exist. With no jobs to run, a cluster
//! keeps its minimum: a larger minimum adds nodes (Preparing, then Idle), and idle nodes above
//! it leave once they have been idle for `nodeIdleTimeBeforeScaleDown`. Low-priority nodes are
//! now and then preempted; the cluster then prepares a new node to get back to its target.

mod create;

pub use create::{scale_field, validate_scale_settings};

use crate::arm::json_de::FromValue;
use crate::arm::*;
use crate::compute::lifecycle::Pace;
use crate::compute::quota::is_low_priority;
use crate::compute::resource::*;
use crate::compute::StoredCompute;
use crate::time::{format_iso, parse_duration_seconds, Millis};
use crate::workspace::Workspace;
use serde::{Deserialize, Serialize};

/// ARM's computeType of a cluster.
pub const AML_COMPUTE: &str = "AmlCompute";
/// Most nodes a cluster may have (the studio's form allows up to this).
pub const MAX_NODES: u32 = 100;
/// Idle seconds before scale down when the request does not say (the studio's default).
pub const DEFAULT_IDLE_SECONDS: u64 = 120;
/// Most idle seconds before scale down: a week (Azure documents no bound; an idle node kept
/// longer costs more than preparing a new one).
pub const MAX_IDLE_SECONDS: u64 = 604_800;

/// What a node is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub enum NodeState {
    /// Being allocated and set up.
    Preparing,
    /// Ready, with no job.
    Idle,
    /// Running a job.
    Running,
    /// Being released.
    Leaving,
    /// Taken back by Azure (low priority only); it goes away.
    Preempted,
}

impl NodeState {
    /// The name the studio shows, as the real studio does.
    pub fn label(self) -> &'static str {
        match self {
            Self::Preparing => "preparing",
            Self::Idle => "idle",
            Self::Running => "running",
            Self::Leaving => "leaving",
            Self::Preempted => "preempted",
        }
    }

    /// Whether a node in this state holds vCPU quota.
    pub fn holds_quota(self) -> bool {
        self != Self::Preempted
    }
}

/// One node of a cluster.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct Node {
    /// Azure's node id, e.g. `tvmps_0000000000000007_d`.
    pub id: String,
    /// What it is doing.
    pub state: NodeState,
    /// When it entered that state.
    pub since: Millis,
    /// When the state ends by itself: preparing, leaving and preempted end; an idle
    /// low-priority node is preempted then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Millis>,
    /// The node's private address.
    pub private_ip: String,
    /// The job it runs, or is being prepared for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job: Option<String>,
}

/// Something that happens to a cluster's node by itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NodeEvent {
    /// A preparing node is ready, a leaving one gone, a preempted one removed; an idle
    /// low-priority node is preempted.
    StateEnds(usize),
    /// An idle node above the target has been idle long enough and leaves.
    ScaleDown(usize),
}

/// How long nodes take at a pace: (preparing, leaving, preempted shown).
fn node_durations(pace: Pace) -> (Millis, Millis, Millis) {
    match pace {
        Pace::Instant => (0, 0, 0),
        Pace::Fast => (6_000, 3_000, 5_000),
        Pace::Realistic => (180_000, 60_000, 60_000),
    }
}

/// When an idle low-priority node that became idle at `since` is preempted: between 90 s and
/// 5 min at the fast pace, 2 to 8 hours at the realistic one, never at the instant one (it would
/// never stand still). Decided by the node's id, so settling twice gives the same answer.
fn preemption_at(node_id: &str, since: Millis, pace: Pace) -> Option<Millis> {
    let spread = crate::arm::ids::fnv1a(node_id) % 1000;
    let (least, span) = match pace {
        Pace::Instant => return None,
        Pace::Fast => (90_000, 210_000),
        Pace::Realistic => (7_200_000, 21_600_000),
    };
    Some(since + least + span * spread as Millis / 1000)
}

/// Whether a compute is a cluster.
pub fn is_cluster(c: &ComputeResource) -> bool {
    c.properties.compute_type == AML_COMPUTE
}

/// A cluster's idle time before scale down, in milliseconds.
fn idle_ms(inner: &ComputeProperties) -> Millis {
    let seconds = inner
        .scale_settings
        .as_ref()
        .and_then(|s| s.node_idle_time_before_scale_down.as_deref())
        .and_then(parse_duration_seconds)
        .unwrap_or(DEFAULT_IDLE_SECONDS);
    seconds as Millis * 1000
}

/// The nodes a cluster keeps when no job needs more: its minimum.
fn target(inner: &ComputeProperties) -> usize {
    inner
        .scale_settings
        .as_ref()
        .map_or(0, |s| s.min_node_count) as usize
}

/// The next thing that happens to a cluster's nodes, with its time.
pub(crate) fn next_node_event(c: &StoredCompute) -> Option<(Millis, NodeEvent)> {
    let inner = &c.resource.properties.properties;
    let staying = c
        .nodes
        .iter()
        .filter(|n| n.state != NodeState::Leaving && n.state != NodeState::Preempted)
        .count();
    let mut excess = staying.saturating_sub(target(inner));
    let mut best: Option<(Millis, NodeEvent)> = None;
    let mut consider = |t: Millis, e: NodeEvent| {
        if best.is_none_or(|(b, _)| t < b) {
            best = Some((t, e));
        }
    };
    // The newest idle nodes leave first.
    for (i, node) in c.nodes.iter().enumerate().rev() {
        if let Some(until) = node.until {
            consider(until, NodeEvent::StateEnds(i));
        }
        if node.state == NodeState::Idle && excess > 0 {
            excess -= 1;
            consider(node.since + idle_ms(inner), NodeEvent::ScaleDown(i));
        }
    }
    best
}

impl Workspace {
    /// Checks a resize of cluster `c` without changing anything: the settings, and the quota
    /// of the nodes a higher minimum would add.
    pub fn check_rescale(&self, c: &StoredCompute, scale: &ScaleSettings) -> Result<(), ArmError> {
        validate_scale_settings(Some(scale))?;
        let inner = &c.resource.properties.properties;
        let holding = c.nodes.iter().filter(|n| n.state.holds_quota()).count() as u32;
        let more = scale.min_node_count.saturating_sub(holding);
        if more > 0 {
            self.check_quota_for(&inner.vm_size, more, is_low_priority(&c.resource))?;
        }
        Ok(())
    }

    /// Changes a cluster's node counts or idle time (ARM's PATCH of `scaleSettings`): a higher
    /// minimum adds nodes at once, a lower one lets idle nodes leave after their idle time.
    pub(crate) fn rescale(
        &mut self,
        index: usize,
        scale: ScaleSettings,
        now: Millis,
    ) -> Result<(), ArmError> {
        self.check_rescale(&self.computes[index], &scale)?;
        let c = std::sync::Arc::make_mut(&mut self.computes[index]);
        let settings = c
            .resource
            .properties
            .properties
            .scale_settings
            .get_or_insert_with(Default::default);
        let idle = scale
            .node_idle_time_before_scale_down
            .or_else(|| settings.node_idle_time_before_scale_down.take());
        *settings = ScaleSettings {
            node_idle_time_before_scale_down: idle,
            ..scale
        };
        self.fill_to_target(index, now);
        Ok(())
    }

    /// Adds preparing nodes until the cluster has its target (once it exists).
    pub(crate) fn fill_to_target(&mut self, index: usize, at: Millis) {
        let c = &self.computes[index];
        if c.transition.is_some() {
            return;
        }
        let staying = c
            .nodes
            .iter()
            .filter(|n| n.state != NodeState::Leaving && n.state != NodeState::Preempted)
            .count();
        let wanted = target(&c.resource.properties.properties).saturating_sub(staying);
        for _ in 0..wanted {
            self.add_node(index, at, None);
        }
        refresh_view(std::sync::Arc::make_mut(&mut self.computes[index]), at);
    }

    /// Adds a preparing node to the cluster at `index` (for `job`, when one waits for it);
    /// answers its id.
    pub(crate) fn add_node(&mut self, index: usize, at: Millis, job: Option<&str>) -> String {
        let (preparing, _, _) = node_durations(self.settings.pace);
        let priority = if is_low_priority(&self.computes[index].resource) {
            'p'
        } else {
            'd'
        };
        self.serial += 1;
        let serial = self.serial;
        let id = format!("tvmps_{serial:016x}_{priority}");
        let c = std::sync::Arc::make_mut(&mut self.computes[index]);
        c.nodes.push(Node {
            id: id.clone(),
            state: NodeState::Preparing,
            since: at,
            until: Some(at + preparing),
            private_ip: format!("10.0.{}.{}", serial / 250 % 250, 4 + serial % 250),
            job: job.map(str::to_owned),
        });
        refresh_view(c, at);
        id
    }

    /// Applies a node event of the cluster at `index`.
    pub(crate) fn apply_node_event(&mut self, index: usize, at: Millis, event: NodeEvent) {
        let pace = self.settings.pace;
        let (_, leaving, preempted) = node_durations(pace);
        let c = std::sync::Arc::make_mut(&mut self.computes[index]);
        let low_priority = is_low_priority(&c.resource);
        let name = c.resource.name.clone();
        let mut healed = false;
        match event {
            NodeEvent::StateEnds(i) => {
                let node = &mut c.nodes[i];
                match node.state {
                    // A node made for a job starts running it once it is ready.
                    NodeState::Preparing if node.job.is_some() => {
                        node.state = NodeState::Running;
                        node.since = at;
                        node.until = None;
                    }
                    NodeState::Preparing => {
                        node.state = NodeState::Idle;
                        node.since = at;
                        node.until = if low_priority {
                            preemption_at(&node.id, at, pace)
                        } else {
                            None
                        };
                    }
                    NodeState::Idle | NodeState::Running => {
                        node.state = NodeState::Preempted;
                        node.since = at;
                        node.until = Some(at + preempted);
                        let id = node.id.clone();
                        self.record(
                            at,
                            "Azure",
                            format!("preempted low-priority node {id} of compute cluster {name}"),
                            &name,
                        );
                        healed = true;
                    }
                    NodeState::Leaving | NodeState::Preempted => {
                        c.nodes.remove(i);
                    }
                }
            }
            NodeEvent::ScaleDown(i) => {
                let node = &mut c.nodes[i];
                node.state = NodeState::Leaving;
                node.since = at;
                node.until = Some(at + leaving);
            }
        }
        if healed {
            self.fill_to_target(index, at);
        } else {
            refresh_view(std::sync::Arc::make_mut(&mut self.computes[index]), at);
        }
    }
}

/// Brings a cluster's read-only ARM fields in line with its nodes.
pub(crate) fn refresh_view(c: &mut StoredCompute, at: Millis) {
    let mut counts = NodeStateCounts::default();
    for node in &c.nodes {
        let count = match node.state {
            NodeState::Preparing => &mut counts.preparing_node_count,
            NodeState::Idle => &mut counts.idle_node_count,
            NodeState::Running => &mut counts.running_node_count,
            NodeState::Leaving => &mut counts.leaving_node_count,
            NodeState::Preempted => &mut counts.preempted_node_count,
        };
        *count += 1;
    }
    let inner = &mut c.resource.properties.properties;
    let staying = counts.preparing_node_count + counts.idle_node_count + counts.running_node_count;
    let minimum = target(inner) as u32;
    let resizing = c.transition.is_some()
        || counts.preparing_node_count > 0
        || counts.leaving_node_count > 0
        || staying < minimum;
    let allocation = if resizing { "Resizing" } else { "Steady" };
    if inner.allocation_state.as_deref() != Some(allocation) {
        inner.allocation_state = Some(allocation.into());
        inner.allocation_state_transition_time = Some(format_iso(at));
    }
    inner.current_node_count = Some(staying + counts.leaving_node_count);
    inner.target_node_count = Some(staying.max(minimum));
    inner.node_state_counts = Some(counts);
}
