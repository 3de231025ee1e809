//! `cargo xtask bench table`: the compute instances table with 1,000 instances, created through
//! the engine and saved as the browser store's workspace, then filtered keystroke by keystroke in
//! headless Chromium. The figure is the median time from a keystroke to the filtered table being
//! on screen (issue 4's budget: 100 ms).

use crate::bench::Context;
use crate::{serve, Result};
use azimuth_core::catalogue::families;
use azimuth_core::{ComputeResource, Workspace};
use std::fs;

/// How many instances the table holds.
pub const COMPUTES: usize = 1_000;

/// A workspace with [`COMPUTES`] running instances, as the browser store saves it.
pub fn workspace_with_instances(now: i64) -> Result<String> {
    let mut ws = Workspace::seed(now);
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
        let body: ComputeResource = serde_json::from_value(serde_json::json!({
            "properties": {"computeType": "ComputeInstance", "properties": {"vmSize": sizes[i % sizes.len()]}}
        }))?;
        // Owners and Compute Operators create; names like ci-b0042x (a letter after the hyphen).
        let creator = &members[if i % 2 == 0 { 0 } else { 3 }];
        ws.create_instance(creator, &format!("ci-b{i:04}x"), body, now)
            .map_err(|e| format!("creating instance {i}: {e}"))?;
    }
    ws.settle(now);
    Ok(azimuth_core::snapshot::encode(&ws))
}

/// The bench: serves `dist/`, runs `table.mjs` with the saved workspace.
pub fn table(context: &Context) -> Result<bool> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_millis() as i64;
    let snapshot = context.out_dir.join("table-workspace.json");
    fs::write(&snapshot, workspace_with_instances(now)?)?;
    let server = serve::serve_dir(&context.dist, "127.0.0.1:0")?;
    let out = context.out_dir.join("table.json");
    let url = server.url();
    let args = [
        "xtask/bench/table.mjs",
        url.as_str(),
        "--workspace",
        &snapshot.to_string_lossy(),
        "--out",
        &out.to_string_lossy(),
    ];
    let met = crate::bench::run_node_bench(&args);
    drop(server);
    met
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bench_workspace_holds_every_instance_running() {
        let text = workspace_with_instances(1_800_000_000_000).unwrap();
        let ws = azimuth_core::snapshot::decode(&text).unwrap();
        assert_eq!(ws.instances().count(), COMPUTES);
        assert!(ws
            .instances()
            .all(|c| c.resource.properties.properties.state.as_deref() == Some("Running")));
    }
}
