//! The subscription-level lists: VM sizes and vCPU usages, in ARM's shapes.

use azimuth_core::compute::catalogue::{
    default_quota, families, family_kind, find_region, VM_SIZES,
};
use azimuth_core::compute::quota::DEFAULT_LOW_PRIORITY_LIMIT;
use azimuth_core::workspace::Tenant;
use serde_json::{json, Value};

/// `GET .../locations/{loc}/vmSizes`.
pub fn vm_sizes() -> Value {
    let value: Vec<Value> = VM_SIZES
        .iter()
        .map(|s| {
            json!({
                "name": s.name,
                "family": s.family,
                "vCPUs": s.vcpus,
                "gpus": s.gpus,
                "memoryGB": s.memory_gib,
                "maxResourceVolumeMB": s.temp_storage_gib * 1024,
                "lowPriorityCapable": true,
                "premiumIO": true,
                "supportedComputeTypes": ["ComputeInstance", "AmlCompute"],
                "estimatedVMPrices": {"billingCurrency": "USD", "unitOfMeasure": "OneHour",
                    "values": [{"retailPrice": s.price_per_hour, "osType": "Linux", "vmTier": "Standard"}]}
            })
        })
        .collect();
    json!({ "value": value })
}

/// `GET .../locations/{loc}/usages`: vCPUs in use and the limit of every family's dedicated
/// quota, then of the region's low-priority pool, over the workspaces in that region. A region
/// of the catalogue without workspaces answers its limits with nothing in use, as Azure's
/// subscription-wide usages do (`vcpu_quota`: the server's `--vcpu-quota`).
pub fn usages(t: &Tenant, location: &str, vcpu_quota: Option<u32>) -> Value {
    let in_region: Vec<_> = t
        .workspaces
        .iter()
        .filter(|w| w.deleted_at.is_none() && w.resource.location.eq_ignore_ascii_case(location))
        .collect();
    let Some(region) = find_region(location) else {
        return json!({ "value": [] });
    };
    let location = region.name;
    let limit = |family: &str| match in_region.first() {
        Some(w) => w.quota_limit(family),
        None => vcpu_quota.unwrap_or_else(|| default_quota(family_kind(family))),
    };
    let sum = |family: &str| -> u32 {
        in_region
            .iter()
            .flat_map(|w| w.own_usage())
            .filter(|u| u.family == family)
            .map(|u| u.used)
            .sum()
    };
    let row = |id: &str, name: &str, used: u32, limit: u32| {
        json!({
            "id": format!("/subscriptions/{}/providers/Microsoft.MachineLearningServices/locations/{location}/usages/{id}", t.directory.subscription_id),
            "aggregationType": "Total",
            "type": "Microsoft.MachineLearningServices/locations/usages",
            "unit": "Count",
            "currentValue": used,
            "limit": limit,
            "name": {"value": id, "localizedValue": name}
        })
    };
    let mut value: Vec<Value> = families()
        .into_iter()
        .map(|f| row(f, &format!("{f} Cores"), sum(f), limit(f)))
        .collect();
    let pool_limit = in_region
        .first()
        .map_or(DEFAULT_LOW_PRIORITY_LIMIT, |w| w.low_priority_usage().limit);
    let pool_used = in_region.iter().map(|w| w.own_low_priority()).sum();
    value.push(row(
        "totalLowPriorityCores",
        "Total Cluster LowPriority Regional vCPUs",
        pool_used,
        pool_limit,
    ));
    json!({ "value": value })
}
