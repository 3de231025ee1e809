//! vCPU quota: how many vCPUs each VM family may use in the workspace's region, and what the
//! computes use now. Low-priority cluster nodes draw from one regional pool of their own instead
//! of their family's quota, as in Azure ("Low-priority cores per region").

use crate::arm::ArmError;
use crate::compute::catalogue::{default_quota, families, family_kind, find_vm_size, VmKind};
use crate::compute::ComputeResource;
use crate::compute::{unknown_size, StoredCompute};
use crate::workspace::Workspace;

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

    /// vCPU usage of every family's dedicated quota: an instance holds its quota unless it is
    /// stopped with `releaseQuotaOnStop`; low-priority nodes are not counted here (see
    /// [`Workspace::low_priority_usage`]).
    pub fn quota_usage(&self) -> Vec<QuotaUsage> {
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
        usage
    }

    /// vCPU usage of the region's low-priority pool.
    pub fn low_priority_usage(&self) -> LowPriorityUsage {
        LowPriorityUsage {
            used: self
                .computes
                .iter()
                .filter(|c| is_low_priority(&c.resource))
                .map(|c| vcpus_held(c))
                .sum(),
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
