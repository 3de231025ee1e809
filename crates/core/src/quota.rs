//! vCPU quota: how many vCPUs each VM family may use in the workspace's region, and what the
//! computes use now.

use crate::arm::ArmError;
use crate::catalogue::{default_quota, families, family_kind, find_vm_size, VmKind};
use crate::workspace::{unknown_size, StoredCompute, Workspace};

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

/// Whether a compute instance counts against its family's vCPU quota: it does unless it is
/// stopped with `releaseQuotaOnStop`.
pub fn holds_quota(c: &StoredCompute) -> bool {
    let inner = &c.resource.properties.properties;
    !(inner.state.as_deref() == Some("Stopped") && inner.release_quota_on_stop == Some(true))
}

/// How many of its VM size a compute holds quota for: an instance one (or none, see
/// [`holds_quota`]), a cluster one per node that is not preempted.
pub fn machines_held(c: &StoredCompute) -> u32 {
    if crate::cluster::is_cluster(&c.resource) {
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

    /// vCPU usage of every family: an instance holds its quota unless it is stopped with
    /// `releaseQuotaOnStop`.
    pub fn quota_usage(&self) -> Vec<QuotaUsage> {
        families()
            .into_iter()
            .map(|family| QuotaUsage {
                family,
                kind: family_kind(family),
                used: self
                    .computes
                    .iter()
                    .filter_map(|c| {
                        let size = find_vm_size(&c.resource.properties.properties.vm_size)?;
                        (size.family == family).then(|| size.vcpus * machines_held(c))
                    })
                    .sum(),
                limit: self.quota_limit(family),
            })
            .collect()
    }

    /// Refuses with ARM's QuotaExceeded when `vm_size` needs more vCPUs than its family has left.
    pub fn check_quota(&self, vm_size: &str) -> Result<(), ArmError> {
        self.check_quota_for(vm_size, 1)
    }

    /// Like [`Workspace::check_quota`], for `count` machines of `vm_size` (a cluster's nodes).
    pub fn check_quota_for(&self, vm_size: &str, count: u32) -> Result<(), ArmError> {
        let size = find_vm_size(vm_size).ok_or_else(|| unknown_size(vm_size, self.region()))?;
        let needed = size.vcpus * count;
        let usage = self
            .quota_usage()
            .into_iter()
            .find(|u| u.family == size.family)
            .expect("every catalogue family has a usage row");
        if usage.used + needed > usage.limit {
            return Err(ArmError::new(
                "QuotaExceeded",
                format!(
                    "Operation could not be completed as it results in exceeding approved {} Cores quota. Location: {}, Current Limit: {}, Current Usage: {}, Additional Required: {}, (Minimum) New Limit Required: {}.",
                    size.family,
                    self.region().name,
                    usage.limit,
                    usage.used,
                    needed,
                    usage.used + needed
                ),
            ));
        }
        Ok(())
    }
}
