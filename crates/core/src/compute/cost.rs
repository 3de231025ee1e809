//! Estimated cost: what each compute costs per hour in its current state, and the workspace's
//! total per hour, day and month. Estimates from the catalogue's Linux pay-as-you-go prices in the
//! workspace's region; storage, networking and data transfer are not counted.

use crate::compute::catalogue::{find_vm_size, Region};
use crate::compute::cluster::is_cluster;
use crate::compute::quota::machines_held;
use crate::compute::StoredCompute;
use crate::workspace::Workspace;

/// What a low-priority node costs next to a dedicated one (about 80 % cheaper).
pub const LOW_PRIORITY_FACTOR: f64 = 0.2;
/// Hours in a month, as Azure's pricing calculator counts them.
pub const HOURS_PER_MONTH: f64 = 730.0;

/// States in which a compute instance's virtual machine is allocated, and so billed.
const BILLED_INSTANCE_STATES: [&str; 8] = [
    "Creating",
    "Running",
    "JobRunning",
    "SettingUp",
    "UserSettingUp",
    "Starting",
    "Restarting",
    "Stopping",
];

/// The estimated price per hour of one machine of `vm_size` in a tier (`vmPriority`:
/// `LowPriority` is discounted) in a region; `None` for a size the catalogue does not know.
pub fn price_per_hour(vm_size: &str, vm_priority: Option<&str>, region: &Region) -> Option<f64> {
    let tier = match vm_priority {
        Some("LowPriority") => LOW_PRIORITY_FACTOR,
        _ => 1.0,
    };
    Some(find_vm_size(vm_size)?.price_in(region) * tier)
}

/// The estimated price per hour of one machine of a compute (a node, for a cluster).
pub fn price_per_machine(c: &StoredCompute, workspace: &Workspace) -> Option<f64> {
    let inner = &c.resource.properties.properties;
    price_per_hour(
        &inner.vm_size,
        inner.vm_priority.as_deref(),
        workspace.region(),
    )
}

/// How many machines of a compute are billed now: an instance's one while it is allocated, a
/// cluster's nodes that exist (preempted nodes are gone, and not billed).
pub fn machines_billed(c: &StoredCompute) -> u32 {
    if is_cluster(&c.resource) {
        machines_held(c)
    } else {
        let state = c.resource.properties.properties.state.as_deref();
        u32::from(state.is_some_and(|s| BILLED_INSTANCE_STATES.contains(&s)))
    }
}

/// A compute's estimated cost per hour in its current state.
pub fn hourly_cost(c: &StoredCompute, workspace: &Workspace) -> f64 {
    price_per_machine(c, workspace).unwrap_or(0.0) * f64::from(machines_billed(c))
}

impl Workspace {
    /// The estimated cost per hour of every compute in its current state.
    pub fn hourly_cost(&self) -> f64 {
        self.computes.iter().map(|c| hourly_cost(c, self)).sum()
    }
}
