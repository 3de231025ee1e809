//! Estimated cost: what each compute costs per hour in its current state, and the workspace's
//! total per hour, day and month. Estimates from the catalogue's Linux pay-as-you-go prices in the
//! workspace's region; storage, networking and data transfer are not counted.
//!
//! Money is in whole US cents: a machine's price per hour is rounded to the cent once, here, and
//! everything else multiplies and adds cents, so the figures a page shows add up to its totals.

use crate::compute::catalogue::{find_vm_size, Region};
use crate::compute::cluster::is_cluster;
use crate::compute::quota::machines_held;
use crate::compute::StoredCompute;
use crate::workspace::Workspace;

/// What a low-priority node costs next to a dedicated one (about 80 % cheaper).
pub const LOW_PRIORITY_FACTOR: f64 = 0.2;
/// Hours in a month, as Azure's pricing calculator counts them.
pub const HOURS_PER_MONTH: u64 = 730;

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
/// `LowPriority` is discounted) in a region, in cents; `None` for a size the catalogue does not
/// know.
pub fn price_per_hour(vm_size: &str, vm_priority: Option<&str>, region: &Region) -> Option<u64> {
    let tier = match vm_priority {
        Some("LowPriority") => LOW_PRIORITY_FACTOR,
        _ => 1.0,
    };
    Some(to_cents(find_vm_size(vm_size)?.price_in(region) * tier))
}

/// The one rounding rule: US dollars to the nearest cent (half a cent up).
fn to_cents(usd: f64) -> u64 {
    (usd.max(0.0) * 100.0).round() as u64
}

/// The estimated price per hour of one machine of a compute (a node, for a cluster), in cents.
pub fn price_per_machine(c: &StoredCompute, workspace: &Workspace) -> Option<u64> {
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

/// A compute's estimated cost per hour in its current state, in cents.
pub fn hourly_cost(c: &StoredCompute, workspace: &Workspace) -> u64 {
    price_per_machine(c, workspace).unwrap_or(0) * u64::from(machines_billed(c))
}

impl Workspace {
    /// The estimated cost per hour of every compute in its current state, in cents.
    pub fn hourly_cost(&self) -> u64 {
        self.computes.iter().map(|c| hourly_cost(c, self)).sum()
    }
}
