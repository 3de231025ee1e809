//! Jobs on compute, as the compute sees them: a cluster gives a job an idle node, or scales up
//! a node for it (at the workspace's pace, holding its quota) when it has room below its
//! maximum, and otherwise the job waits; the node is the job's until it ends, then idle (and
//! leaves after its idle time). A compute instance runs jobs while it is Running. A job whose
//! compute is deleted or stopped cannot go on, and is told why. This is the small public API
//! jobs use; the rest of compute stays its own.

use super::cluster::{is_cluster, refresh_view, NodeState};
use super::quota::is_low_priority;
use crate::time::Millis;
use crate::workspace::Workspace;
use std::sync::Arc;

/// Where a job stands with its compute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Placement {
    /// It may run now.
    Ready,
    /// It waits, for the reason given.
    Waiting(String),
    /// It cannot run there, for the reason given.
    Refused(String),
}

/// The compute's name in a `computeId` (its last segment).
pub fn compute_name(compute_id: &str) -> &str {
    compute_id.rsplit('/').next().unwrap_or(compute_id)
}

impl Workspace {
    /// Asks compute `compute` for a place for job `job` at `now`: an idle node of a cluster (or
    /// a new one, being prepared) becomes the job's; an instance must be running.
    pub fn place_job(&mut self, compute: &str, job: &str, now: Millis) -> Placement {
        let Some(index) = self
            .computes
            .iter()
            .position(|c| c.resource.name.eq_ignore_ascii_case(compute))
        else {
            return Placement::Refused(format!("Its compute '{compute}' was deleted."));
        };
        let c = &self.computes[index];
        if !is_cluster(&c.resource) {
            return instance_placement(c);
        }
        if let Some(node) = c.nodes.iter().find(|n| n.job.as_deref() == Some(job)) {
            return match node.state {
                NodeState::Running => Placement::Ready,
                _ => Placement::Waiting(format!(
                    "Node {} of '{compute}' is being prepared for it.",
                    node.id
                )),
            };
        }
        if let Some(i) = c.nodes.iter().position(|n| n.state == NodeState::Idle) {
            let c = Arc::make_mut(&mut self.computes[index]);
            let node = &mut c.nodes[i];
            node.state = NodeState::Running;
            node.since = now;
            node.until = None;
            node.job = Some(job.to_owned());
            refresh_view(c, now);
            return Placement::Ready;
        }
        let inner = &c.resource.properties.properties;
        let max = inner
            .scale_settings
            .as_ref()
            .map_or(0, |s| s.max_node_count) as usize;
        let staying = c
            .nodes
            .iter()
            .filter(|n| n.state != NodeState::Leaving && n.state != NodeState::Preempted)
            .count();
        if staying >= max {
            return Placement::Waiting(format!(
                "All {max} node(s) of '{compute}' are busy; it waits for one to be free."
            ));
        }
        let (vm_size, low) = (inner.vm_size.clone(), is_low_priority(&c.resource));
        if let Err(e) = self.check_quota_for(&vm_size, 1, low) {
            return Placement::Waiting(format!(
                "'{compute}' cannot add a node yet: {}",
                e.message()
            ));
        }
        let id = self.add_node(index, now, Some(job));
        Placement::Waiting(format!(
            "'{compute}' is scaling up: node {id} is being prepared for it."
        ))
    }

    /// How many nodes compute `compute` may have at once: a cluster's maximum, an instance's
    /// one; `None` when there is no such compute.
    pub fn compute_nodes(&self, compute: &str) -> Option<usize> {
        let c = self
            .computes
            .iter()
            .find(|c| c.resource.name.eq_ignore_ascii_case(compute))?;
        if !is_cluster(&c.resource) {
            return Some(1);
        }
        let inner = &c.resource.properties.properties;
        Some(
            inner
                .scale_settings
                .as_ref()
                .map_or(1, |s| s.max_node_count) as usize,
        )
    }

    /// Gives back what job `job` held on compute `compute`: its node becomes idle.
    pub fn release_job(&mut self, compute: &str, job: &str, now: Millis) {
        let Some(index) = self
            .computes
            .iter()
            .position(|c| c.resource.name.eq_ignore_ascii_case(compute))
        else {
            return;
        };
        if !self.computes[index]
            .nodes
            .iter()
            .any(|n| n.job.as_deref() == Some(job))
        {
            return;
        }
        let c = Arc::make_mut(&mut self.computes[index]);
        // A node still being prepared for it just becomes an ordinary one.
        for node in c.nodes.iter_mut().filter(|n| n.job.as_deref() == Some(job)) {
            node.job = None;
            if node.state == NodeState::Running {
                node.state = NodeState::Idle;
                node.since = now;
            }
        }
        refresh_view(c, now);
    }

    /// Why job `job` cannot go on running on compute `compute`, if it cannot: the compute was
    /// deleted or stopped, or the node it ran on was taken back.
    pub fn job_refusal(&self, compute: &str, job: &str) -> Option<String> {
        let Some(c) = self.compute(compute) else {
            return Some(format!("Its compute '{compute}' was deleted."));
        };
        if !is_cluster(&c.resource) {
            return match instance_placement(c) {
                Placement::Ready => None,
                Placement::Waiting(why) | Placement::Refused(why) => Some(why),
            };
        }
        let held = c
            .nodes
            .iter()
            .any(|n| n.job.as_deref() == Some(job) && n.state == NodeState::Running);
        (!held).then(|| format!("Its node of '{compute}' was taken back (preempted or removed)."))
    }
}

/// Whether a compute other than a cluster can run a job now.
fn instance_placement(c: &super::StoredCompute) -> Placement {
    let name = &c.resource.name;
    let props = &c.resource.properties;
    if props.provisioning_state.as_deref() == Some("Deleting") {
        return Placement::Refused(format!("Its compute '{name}' is being deleted."));
    }
    match props.properties.state.as_deref() {
        None | Some("Running") => Placement::Ready,
        Some("Stopped" | "Stopping") => Placement::Refused(format!(
            "Its compute instance '{name}' is stopped; start it, then submit the job again."
        )),
        Some(state) => Placement::Waiting(format!(
            "Its compute instance '{name}' is {}; the job starts once it is running.",
            state.to_ascii_lowercase()
        )),
    }
}

#[cfg(test)]
mod tests;
