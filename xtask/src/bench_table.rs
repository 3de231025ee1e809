//! `cargo xtask bench table`: the compute instances table and the compute clusters table, each
//! with 1,000 computes created through the engine and saved as the browser store's workspace,
//! then filtered keystroke by keystroke in headless Chromium. The figure is the median time from
//! a keystroke to the filtered table being on screen (issue 4's budget: 100 ms, for each).

use crate::bench::Context;
use crate::{serve, Result};
use azimuth_core::compute::catalogue::families;
use azimuth_core::workspace::seed::EXAMPLE_TENANT;
use azimuth_core::workspace::Tenant;
use azimuth_core::ComputeResource;
use std::fs;

/// How many instances the table holds.
pub const COMPUTES: usize = 1_000;

/// A workspace with [`COMPUTES`] running instances and as many compute clusters (at their
/// minimum of 0 nodes), as the browser store saves it.
pub fn workspace_with_computes(now: i64) -> Result<String> {
    let mut tenant = Tenant::seed(now, EXAMPLE_TENANT, None);
    let ws = &mut tenant.workspaces[0];
    for family in families() {
        ws.quota_limits.insert(family.to_owned(), 100_000);
    }
    ws.settings.pace = azimuth_core::Pace::Instant;
    let members: Vec<String> = ws.members.iter().map(|m| m.name.clone()).collect();
    let sizes = [
        "Standard_DS11_v2",
        "Standard_DS3_v2",
        "Standard_E4ds_v4",
        "Standard_F4s_v2",
    ];
    for i in 0..COMPUTES {
        let size = sizes[i % sizes.len()];
        let instance: ComputeResource = serde_json::from_value(serde_json::json!({
            "properties": {"computeType": "ComputeInstance", "properties": {"vmSize": size}}
        }))?;
        let tier = if i % 3 == 0 {
            "LowPriority"
        } else {
            "Dedicated"
        };
        let cluster: ComputeResource = serde_json::from_value(serde_json::json!({
            "properties": {"computeType": "AmlCompute", "properties": {"vmSize": size, "vmPriority": tier,
                "scaleSettings": {"minNodeCount": 0, "maxNodeCount": 4}}}
        }))?;
        // Owners and Compute Operators create; names like ci-b0042x (a letter after the hyphen).
        let creator = &members[if i % 2 == 0 { 0 } else { 3 }];
        ws.create_instance(creator, &format!("ci-b{i:04}x"), instance, now)
            .map_err(|e| format!("creating instance {i}: {e}"))?;
        ws.create_cluster(creator, &format!("cc-b{i:04}x"), cluster, now)
            .map_err(|e| format!("creating cluster {i}: {e}"))?;
    }
    ws.settle(now);
    Ok(azimuth_core::workspace::snapshot::encode(&tenant))
}

/// The bench: serves `dist/`, runs `table.mjs` on each table with the saved workspace.
pub fn table(context: &Context) -> Result<bool> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_millis() as i64;
    let snapshot = context.out_dir.join("table-workspace.json");
    fs::write(&snapshot, workspace_with_computes(now)?)?;
    let server = serve::serve_dir(&context.dist, "127.0.0.1:0")?;
    let url = server.url();
    let mut met = true;
    for (kind, file) in [
        ("instances", "table.json"),
        ("clusters", "table-clusters.json"),
    ] {
        let out = context.out_dir.join(file);
        let args = [
            "xtask/bench/table.mjs",
            url.as_str(),
            "--kind",
            kind,
            "--workspace",
            &snapshot.to_string_lossy(),
            "--out",
            &out.to_string_lossy(),
        ];
        met &= crate::bench::run_node_bench(&args)?;
    }
    drop(server);
    Ok(met)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bench_workspace_holds_every_instance_running_and_every_cluster() {
        let text = workspace_with_computes(1_800_000_000_000).unwrap();
        let tenant = azimuth_core::workspace::snapshot::decode(&text, EXAMPLE_TENANT).unwrap();
        let ws = &tenant.workspaces[0];
        assert_eq!(ws.instances().count(), COMPUTES);
        assert_eq!(ws.clusters().count(), COMPUTES);
        assert!(ws
            .instances()
            .all(|c| c.resource.properties.properties.state.as_deref() == Some("Running")));
    }
}
