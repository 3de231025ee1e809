//! vCPU quota: how many vCPUs each VM family may use in the workspace's region, and what the
//! computes use now. Quota is the subscription's, per region, so what the subscription's other
//! workspaces in the region hold counts too ([`HeldElsewhere`]). Low-priority cluster nodes draw
//! from one regional pool of their own instead of their family's quota, as in Azure
//! ("Low-priority cores per region").

use crate::arm::json_de::FromValue;
use crate::arm::ArmError;
use crate::compute::catalogue::{default_quota, families, family_kind, find_vm_size, VmKind};
use crate::compute::ComputeResource;
use crate::compute::{unknown_size, StoredCompute};
use crate::workspace::{Tenant, Workspace};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// vCPUs the subscription's other workspaces in a region hold: per family, and of the
/// low-priority pool.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct HeldElsewhere {
    /// vCPUs per family (only families with some).
    #[serde(default)]
    pub families: BTreeMap<String, u32>,
    /// vCPUs of the low-priority pool.
    #[serde(default)]
    pub low_priority: u32,
}

impl HeldElsewhere {
    /// Whether nothing is held elsewhere.
    pub fn is_empty(&self) -> bool {
        self.families.is_empty() && self.low_priority == 0
    }
}

impl Tenant {
    /// What the subscription's other live workspaces in the region of workspace `index` hold.
    /// Machines are tallied per VM size first, so the catalogue is searched once per size, not
    /// once per compute (20,000 computes in a region: a fraction of a millisecond).
    fn held_elsewhere_of<'a>(&'a self, index: usize) -> HeldElsewhere {
        let location = &self.workspaces[index].resource.location;
        let mut tally: Vec<(&'a str, bool, u32)> = Vec::new();
        let others = self.workspaces.iter().enumerate().filter(|(i, w)| {
            *i != index
                && w.deleted_at.is_none()
                && w.resource.location.eq_ignore_ascii_case(location)
        });
        let mut add = |size: &'a str, low: bool, machines: u32| match tally
            .iter_mut()
            .find(|(s, l, _)| *s == size && *l == low)
        {
            Some(row) => row.2 += machines,
            None => tally.push((size, low, machines)),
        };
        for (_, w) in others {
            for c in &w.computes {
                let size = c.resource.properties.properties.vm_size.as_str();
                add(size, is_low_priority(&c.resource), machines_held(c));
            }
            for d in &w.deployments {
                add(
                    &d.resource.properties.instance_type,
                    false,
                    d.resource.sku.capacity,
                );
            }
        }
        let mut held = HeldElsewhere::default();
        for (size, low, machines) in tally {
            let Some(size) = find_vm_size(size).filter(|_| machines > 0) else {
                continue;
            };
            let vcpus = size.vcpus * machines;
            if low {
                held.low_priority += vcpus;
            } else {
                *held.families.entry(size.family.to_owned()).or_default() += vcpus;
            }
        }
        held
    }

    /// Counts again, for every workspace, what the others in its region hold (after a change,
    /// and before one: the engine's quota checks read it).
    pub fn count_held_elsewhere(&mut self) {
        let held: Vec<HeldElsewhere> = (0..self.workspaces.len())
            .map(|i| self.held_elsewhere_of(i))
            .collect();
        for (w, h) in self.workspaces.iter_mut().zip(held) {
            w.held_elsewhere = h;
        }
    }

    /// What the others in the region of workspace `id` hold now.
    pub fn held_elsewhere(&self, id: &str) -> HeldElsewhere {
        self.workspaces
            .iter()
            .position(|w| w.id().eq_ignore_ascii_case(id))
            .map(|i| self.held_elsewhere_of(i))
            .unwrap_or_default()
    }
}

/// vCPU usage of one quota family.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuotaUsage {
    /// Family name, e.g. `standardDSv2Family`.
    pub family: &'static str,
    /// CPU or GPU family.
    pub kind: VmKind,
    /// vCPUs in use.
    pub used: u32,
    /// vCPU limit.
    pub limit: u32,
}

/// The key of the low-priority pool's limit in [`Workspace::quota_limits`].
pub const LOW_PRIORITY_QUOTA: &str = "lowPriority";

/// Azure's default limit of low-priority vCPUs per region.
pub const DEFAULT_LOW_PRIORITY_LIMIT: u32 = 100;

/// vCPU usage of the region's low-priority pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LowPriorityUsage {
    /// vCPUs low-priority nodes use now.
    pub used: u32,
    /// vCPU limit.
    pub limit: u32,
}

/// Whether a compute is a low-priority cluster, whose nodes use the low-priority pool.
pub fn is_low_priority(c: &ComputeResource) -> bool {
    crate::compute::cluster::is_cluster(c)
        && c.properties.properties.vm_priority.as_deref() == Some("LowPriority")
}

/// vCPUs a compute holds now, whichever quota they count against.
pub fn vcpus_held(c: &StoredCompute) -> u32 {
    find_vm_size(&c.resource.properties.properties.vm_size)
        .map_or(0, |s| s.vcpus * machines_held(c))
}

/// Whether a compute instance counts against its family's vCPU quota: it does unless it is
/// stopped with `releaseQuotaOnStop`.
pub fn holds_quota(c: &StoredCompute) -> bool {
    let inner = &c.resource.properties.properties;
    !(inner.state.as_deref() == Some("Stopped") && inner.release_quota_on_stop == Some(true))
}

/// How many of its VM size a compute holds quota for: an instance one (or none, see
/// [`holds_quota`]), a cluster one per node that is not preempted.
pub fn machines_held(c: &StoredCompute) -> u32 {
    if crate::compute::cluster::is_cluster(&c.resource) {
        c.nodes.iter().filter(|n| n.state.holds_quota()).count() as u32
    } else {
        u32::from(holds_quota(c))
    }
}

impl Workspace {
    /// The vCPU limit of a family.
    pub fn quota_limit(&self, family: &str) -> u32 {
        self.quota_limits
            .get(family)
            .copied()
            .unwrap_or_else(|| default_quota(family_kind(family)))
    }

    /// vCPU usage of every family's dedicated quota in the region: this workspace's computes
    /// (an instance holds its quota unless it is stopped with `releaseQuotaOnStop`) and what the
    /// subscription's other workspaces there hold; low-priority nodes are not counted here (see
    /// [`Workspace::low_priority_usage`]).
    pub fn quota_usage(&self) -> Vec<QuotaUsage> {
        let mut usage = self.own_usage();
        for row in &mut usage {
            row.used += self
                .held_elsewhere
                .families
                .get(row.family)
                .copied()
                .unwrap_or(0);
        }
        usage
    }

    /// vCPU usage of every family by this workspace's own computes and endpoint deployments.
    pub fn own_usage(&self) -> Vec<QuotaUsage> {
        let mut usage: Vec<QuotaUsage> = families()
            .into_iter()
            .map(|family| QuotaUsage {
                family,
                kind: family_kind(family),
                used: 0,
                limit: self.quota_limit(family),
            })
            .collect();
        for c in self
            .computes
            .iter()
            .filter(|c| !is_low_priority(&c.resource))
        {
            if let Some(size) = find_vm_size(&c.resource.properties.properties.vm_size) {
                if let Some(row) = usage.iter_mut().find(|u| u.family == size.family) {
                    row.used += size.vcpus * machines_held(c);
                }
            }
        }
        for d in &self.deployments {
            if let Some(size) = find_vm_size(&d.resource.properties.instance_type) {
                if let Some(row) = usage.iter_mut().find(|u| u.family == size.family) {
                    row.used += size.vcpus * d.resource.sku.capacity;
                }
            }
        }
        usage
    }

    /// vCPUs of the low-priority pool this workspace's own clusters hold.
    pub fn own_low_priority(&self) -> u32 {
        self.computes
            .iter()
            .filter(|c| is_low_priority(&c.resource))
            .map(|c| vcpus_held(c))
            .sum()
    }

    /// vCPU usage of the region's low-priority pool.
    pub fn low_priority_usage(&self) -> LowPriorityUsage {
        LowPriorityUsage {
            used: self.own_low_priority() + self.held_elsewhere.low_priority,
            limit: self
                .quota_limits
                .get(LOW_PRIORITY_QUOTA)
                .copied()
                .unwrap_or(DEFAULT_LOW_PRIORITY_LIMIT),
        }
    }

    /// Refuses with ARM's QuotaExceeded when `vm_size` needs more vCPUs than its family has left.
    pub fn check_quota(&self, vm_size: &str) -> Result<(), ArmError> {
        self.check_quota_for(vm_size, 1, false)
    }

    /// Like [`Workspace::check_quota`], for `count` machines of `vm_size` (a cluster's nodes),
    /// from the low-priority pool when `low_priority`.
    pub fn check_quota_for(
        &self,
        vm_size: &str,
        count: u32,
        low_priority: bool,
    ) -> Result<(), ArmError> {
        let size = find_vm_size(vm_size).ok_or_else(|| unknown_size(vm_size, self.region()))?;
        let needed = size.vcpus * count;
        let (quota, used, limit) = if low_priority {
            let pool = self.low_priority_usage();
            ("Low Priority", pool.used, pool.limit)
        } else {
            let usage = self
                .quota_usage()
                .into_iter()
                .find(|u| u.family == size.family)
                .expect("every catalogue family has a usage row");
            (size.family, usage.used, usage.limit)
        };
        if used + needed > limit {
            return Err(ArmError::new(
                "QuotaExceeded",
                format!(
                    "Operation could not be completed as it results in exceeding approved {quota} Cores quota. Location: {}, Current Limit: {limit}, Current Usage: {used}, Additional Required: {needed}, (Minimum) New Limit Required: {}.",
                    self.region().name,
                    used + needed
                ),
            ));
        }
        Ok(())
    }
}
