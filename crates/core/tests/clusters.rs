//! Compute clusters in the engine: creating, keeping the minimum, scaling down idle nodes,
//! preemption and healing, quota held by nodes, secrets never kept, and what a cluster refuses.

use azimuth_core::compute::cluster::NodeState;
use azimuth_core::compute::*;
use azimuth_core::time::parse_iso;
use azimuth_core::{ComputeResource, Operation, Pace, Workspace};
use serde_json::json;

const ADA: &str = "Ada Lovelace";
const GRACE: &str = "Grace Hopper";

fn t0() -> i64 {
    parse_iso("2026-11-23T09:00:00Z").unwrap()
}

fn cluster(size: &str, tier: &str, min: u32, max: u32) -> ComputeResource {
    serde_json::from_value(json!({"properties": {"computeType": "AmlCompute", "properties": {
        "vmSize": size, "vmPriority": tier,
        "scaleSettings": {"minNodeCount": min, "maxNodeCount": max, "nodeIdleTimeBeforeScaleDown": "PT120S"}
    }}}))
    .unwrap()
}

fn view(ws: &Workspace, name: &str) -> ComputeProperties {
    ws.compute(name)
        .unwrap()
        .resource
        .properties
        .properties
        .clone()
}

fn counts(ws: &Workspace, name: &str) -> (u32, u32, u32, u32) {
    let c = view(ws, name).node_state_counts.unwrap();
    (
        c.preparing_node_count,
        c.idle_node_count,
        c.leaving_node_count,
        c.preempted_node_count,
    )
}

fn used_vcpus(ws: &Workspace, family: &str) -> u32 {
    ws.quota_usage()
        .into_iter()
        .find(|u| u.family == family)
        .unwrap()
        .used
}

#[test]
fn a_cluster_is_created_then_prepares_its_minimum_and_holds_quota_per_node() {
    let mut ws = Workspace::seed(t0());
    let created = ws
        .put_compute(
            ADA,
            "cpu-cluster",
            cluster("STANDARD_DS3_V2", "Dedicated", 2, 4),
            t0(),
        )
        .unwrap();
    assert!(created.0, "a new name creates");
    let r = created.1;
    assert_eq!(r.properties.provisioning_state.as_deref(), Some("Creating"));
    assert_eq!(r.properties.properties.vm_size, "Standard_DS3_v2");
    assert_eq!(
        r.properties.properties.state, None,
        "clusters have no state"
    );
    assert_eq!(
        r.properties.properties.allocation_state.as_deref(),
        Some("Resizing")
    );
    assert_eq!(used_vcpus(&ws, "standardDSv2Family"), 0);
    assert_eq!(ws.instances().count(), 0, "a cluster is not an instance");
    assert!(ws.instance("cpu-cluster").is_none() && ws.compute("cpu-cluster").is_some());

    // Fast pace: created after 10 s, then two nodes prepare for 6 s.
    ws.settle(t0() + 10_000);
    let v = view(&ws, "cpu-cluster");
    assert_eq!(
        ws.compute("cpu-cluster")
            .unwrap()
            .resource
            .properties
            .provisioning_state
            .as_deref(),
        Some("Succeeded")
    );
    assert_eq!(counts(&ws, "cpu-cluster"), (2, 0, 0, 0));
    assert_eq!(
        (v.current_node_count, v.target_node_count),
        (Some(2), Some(2))
    );
    assert_eq!(
        used_vcpus(&ws, "standardDSv2Family"),
        8,
        "nodes hold quota while preparing"
    );

    ws.settle(t0() + 16_000);
    assert_eq!(counts(&ws, "cpu-cluster"), (0, 2, 0, 0));
    assert_eq!(
        view(&ws, "cpu-cluster").allocation_state.as_deref(),
        Some("Steady")
    );
    // A minimum is kept however long the nodes stay idle.
    ws.settle(t0() + 3_600_000);
    assert_eq!(counts(&ws, "cpu-cluster"), (0, 2, 0, 0));
}

#[test]
fn lowering_the_minimum_lets_idle_nodes_leave_after_their_idle_time() {
    let mut ws = Workspace::seed(t0());
    ws.put_compute(
        ADA,
        "cpu-cluster",
        cluster("Standard_DS3_v2", "Dedicated", 3, 4),
        t0(),
    )
    .unwrap();
    ws.settle(t0() + 16_000);
    assert_eq!(counts(&ws, "cpu-cluster"), (0, 3, 0, 0));
    let t = t0() + 20_000;
    let patch = cluster("Standard_DS3_v2", "Dedicated", 1, 4);
    assert!(
        ws.put_compute(GRACE, "cpu-cluster", patch.clone(), t)
            .is_err(),
        "a Data Scientist may not manage compute"
    );
    let (created, _) = ws.put_compute(ADA, "cpu-cluster", patch, t).unwrap();
    assert!(!created);
    // Idle since 16 s, idle time 120 s: two nodes leave at 136 s, for 3 s.
    ws.settle(t0() + 135_000);
    assert_eq!(counts(&ws, "cpu-cluster"), (0, 3, 0, 0));
    assert_eq!(
        view(&ws, "cpu-cluster").allocation_state.as_deref(),
        Some("Steady")
    );
    ws.settle(t0() + 136_000);
    assert_eq!(counts(&ws, "cpu-cluster"), (0, 1, 2, 0));
    assert_eq!(
        view(&ws, "cpu-cluster").allocation_state.as_deref(),
        Some("Resizing")
    );
    assert_eq!(
        used_vcpus(&ws, "standardDSv2Family"),
        12,
        "leaving nodes still hold quota"
    );
    ws.settle(t0() + 139_000);
    assert_eq!(counts(&ws, "cpu-cluster"), (0, 1, 0, 0));
    let v = view(&ws, "cpu-cluster");
    assert_eq!(
        (v.current_node_count, v.target_node_count),
        (Some(1), Some(1))
    );
    assert_eq!(v.allocation_state.as_deref(), Some("Steady"));
    assert_eq!(used_vcpus(&ws, "standardDSv2Family"), 4);

    // Raising it again adds nodes at once.
    let t = t0() + 200_000;
    ws.put_compute(
        ADA,
        "cpu-cluster",
        cluster("Standard_DS3_v2", "Dedicated", 2, 4),
        t,
    )
    .unwrap();
    assert_eq!(counts(&ws, "cpu-cluster"), (1, 1, 0, 0));
}

#[test]
fn settling_in_one_step_or_many_gives_the_same_cluster() {
    let mut once = Workspace::seed(t0());
    once.put_compute(
        ADA,
        "lp-cluster",
        cluster("Standard_DS3_v2", "LowPriority", 2, 2),
        t0(),
    )
    .unwrap();
    let mut often = once.clone();
    once.settle(t0() + 3_600_000);
    for step in 1..=3_600 {
        often.settle(t0() + step * 1_000);
    }
    assert_eq!(once.computes, often.computes);
}

#[test]
fn low_priority_nodes_are_preempted_now_and_then_and_the_cluster_heals() {
    let mut ws = Workspace::seed(t0());
    ws.put_compute(
        ADA,
        "lp-cluster",
        cluster("Standard_DS3_v2", "LowPriority", 2, 2),
        t0(),
    )
    .unwrap();
    ws.settle(t0() + 16_000);
    assert_eq!(counts(&ws, "lp-cluster"), (0, 2, 0, 0));
    let ids: Vec<String> = ws
        .compute("lp-cluster")
        .unwrap()
        .nodes
        .iter()
        .map(|n| n.id.clone())
        .collect();
    assert!(ids.iter().all(|id| id.ends_with("_p")), "{ids:?}");
    // At the fast pace a node is preempted between 90 s and 5 min after it became idle.
    ws.settle(t0() + 16_000 + 89_000);
    assert_eq!(counts(&ws, "lp-cluster"), (0, 2, 0, 0));
    let mut saw_preempted = false;
    let mut t = t0() + 16_000 + 90_000;
    while t < t0() + 16_000 + 300_000 {
        ws.settle(t);
        let (_, _, _, preempted) = counts(&ws, "lp-cluster");
        if preempted > 0 {
            saw_preempted = true;
            // The cluster already prepares a replacement, and a preempted node holds no quota:
            // of the low-priority pool, not the family's.
            assert_eq!(ws.low_priority_usage().used, 8);
            assert_eq!(used_vcpus(&ws, "standardDSv2Family"), 0);
            assert_eq!(
                view(&ws, "lp-cluster").allocation_state.as_deref(),
                Some("Resizing")
            );
        }
        t += 1_000;
    }
    assert!(saw_preempted, "some node was preempted within 5 minutes");
    assert!(ws
        .activity
        .iter()
        .any(|a| a.text.starts_with("preempted low-priority node")));
    // Healed: back at two nodes (new ids), none preempted.
    ws.settle(t + 20_000);
    let nodes = &ws.compute("lp-cluster").unwrap().nodes;
    assert_eq!(
        nodes
            .iter()
            .filter(|n| n.state != NodeState::Preempted)
            .count(),
        2
    );
    assert!(nodes.iter().any(|n| !ids.contains(&n.id)));

    // Dedicated nodes are never preempted.
    let mut ws = Workspace::seed(t0());
    ws.put_compute(
        ADA,
        "cpu-cluster",
        cluster("Standard_DS3_v2", "Dedicated", 2, 2),
        t0(),
    )
    .unwrap();
    ws.settle(t0() + 24 * 3_600_000);
    assert_eq!(counts(&ws, "cpu-cluster"), (0, 2, 0, 0));
}

#[test]
fn the_password_is_checked_then_never_kept() {
    let mut ws = Workspace::seed(t0());
    let mut body = cluster("Standard_DS3_v2", "Dedicated", 0, 2);
    body.properties.properties.user_account_credentials = Some(UserAccountCredentials {
        admin_user_name: "azureuser".into(),
        admin_user_password: Some("short".into()),
        admin_user_ssh_public_key: None,
    });
    let refused = ws
        .put_compute(ADA, "cpu-cluster", body.clone(), t0())
        .unwrap_err();
    assert!(
        refused.message().contains("at least 12 characters"),
        "{refused}"
    );
    body.properties.properties.user_account_credentials = Some(UserAccountCredentials {
        admin_user_name: "azureuser".into(),
        admin_user_password: Some("correct-horse-battery".into()),
        admin_user_ssh_public_key: None,
    });
    let (_, created) = ws.put_compute(ADA, "cpu-cluster", body, t0()).unwrap();
    let account = created
        .properties
        .properties
        .user_account_credentials
        .unwrap();
    assert_eq!(
        (
            account.admin_user_name.as_str(),
            account.admin_user_password
        ),
        ("azureuser", None)
    );
    let saved = azimuth_core::workspace::snapshot::encode_workspace(&ws);
    assert!(!saved.contains("correct-horse-battery"));
}

#[test]
fn what_a_cluster_refuses() {
    let mut ws = Workspace::seed(t0());
    for (body, wanted) in [
        (
            cluster("Standard_DS3_v2", "Dedicated", 3, 2),
            "cannot be more than the maximum",
        ),
        (
            cluster("Standard_DS3_v2", "Dedicated", 0, 0),
            "from 1 to 100",
        ),
        (
            cluster("Standard_DS3_v2", "Spot", 0, 2),
            "vmPriority must be",
        ),
        (cluster("Standard_XYZ", "Dedicated", 0, 2), "Standard_XYZ"),
        // 7 nodes of 4 vCPUs is over the default 24-vCPU quota.
        (
            cluster("Standard_DS3_v2", "Dedicated", 7, 8),
            "exceeding approved standardDSv2Family Cores quota",
        ),
    ] {
        let e = ws.put_compute(ADA, "cpu-cluster", body, t0()).unwrap_err();
        assert!(e.message().contains(wanted), "{wanted}: {e}");
    }
    assert!(ws
        .put_compute(
            ADA,
            "cpu-cluster-1",
            cluster("Standard_DS3_v2", "Dedicated", 0, 2),
            t0()
        )
        .is_err());
    ws.put_compute(
        ADA,
        "cpu-cluster",
        cluster("Standard_DS3_v2", "Dedicated", 0, 2),
        t0(),
    )
    .unwrap();
    ws.settle(t0() + 10_000);
    let stop = ws
        .operate(ADA, "cpu-cluster", Operation::Stop, t0() + 10_000)
        .unwrap_err();
    assert!(
        stop.message().contains("not supported on compute cluster"),
        "{stop}"
    );
    let tier = ws
        .put_compute(
            ADA,
            "cpu-cluster",
            cluster("Standard_DS3_v2", "LowPriority", 0, 2),
            t0() + 10_000,
        )
        .unwrap_err();
    assert!(tier.message().contains("tier"), "{tier}");
    // Delete releases everything.
    ws.operate(ADA, "cpu-cluster", Operation::Delete, t0() + 10_000)
        .unwrap();
    ws.settings.pace = Pace::Fast;
    ws.settle(t0() + 20_000);
    assert!(ws.compute("cpu-cluster").is_none());
}

#[test]
fn a_cluster_round_trips_through_the_saved_form() {
    let mut ws = Workspace::seed(t0());
    ws.put_compute(
        ADA,
        "cpu-cluster",
        cluster("Standard_DS3_v2", "LowPriority", 1, 3),
        t0(),
    )
    .unwrap();
    ws.settle(t0() + 20_000);
    let back = azimuth_core::workspace::snapshot::decode_workspace(
        &azimuth_core::workspace::snapshot::encode_workspace(&ws),
    )
    .unwrap();
    assert_eq!(back, ws);
}

#[test]
fn a_cluster_exports_as_cli_yaml_without_its_password() {
    let mut ws = Workspace::seed(t0());
    let mut body = cluster("Standard_DS3_v2", "LowPriority", 0, 2);
    body.properties.properties.user_account_credentials = Some(UserAccountCredentials {
        admin_user_name: "azureuser".into(),
        admin_user_password: Some("correct-horse-battery".into()),
        admin_user_ssh_public_key: None,
    });
    ws.put_compute(ADA, "low-pri-example", body, t0()).unwrap();
    let created = &ws.compute("low-pri-example").unwrap().resource;
    let yaml = azimuth_core::compute::yaml::cluster_yaml("low-pri-example", created, &ws);
    assert_eq!(
        yaml,
        "$schema: https://azuremlschemas.azureedge.net/latest/amlCompute.schema.json\n\
         name: low-pri-example\n\
         type: amlcompute\n\
         size: Standard_DS3_v2\n\
         location: eastus\n\
         min_instances: 0\n\
         max_instances: 2\n\
         idle_time_before_scale_down: 120\n\
         tier: low_priority\n\
         ssh_public_access_enabled: true\n\
         ssh_settings:\n  admin_username: azureuser\n\
         enable_node_public_ip: true\n"
    );
}

#[test]
fn a_managed_identity_is_checked_filled_in_and_exported() {
    let mut ws = Workspace::seed(t0());
    let with_identity = |identity: serde_json::Value| {
        let mut body = cluster("Standard_DS3_v2", "Dedicated", 0, 2);
        body.identity = Some(serde_json::from_value(identity).unwrap());
        body
    };
    let refused = ws
        .put_compute(ADA, "cpu-a", with_identity(json!({"type": "Magic"})), t0())
        .unwrap_err();
    assert!(
        refused.message().contains("must be SystemAssigned"),
        "{refused}"
    );
    let refused = ws
        .put_compute(
            ADA,
            "cpu-b",
            with_identity(json!({"type": "UserAssigned"})),
            t0(),
        )
        .unwrap_err();
    assert!(
        refused.message().contains("at least one identity"),
        "{refused}"
    );

    let uai = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/jobs";
    let both = json!({"type": "SystemAssigned,UserAssigned", "userAssignedIdentities": {uai: {}}});
    let (_, created) = ws
        .put_compute(ADA, "cpu-cluster", with_identity(both), t0())
        .unwrap();
    let identity = created.identity.clone().unwrap();
    assert_eq!(identity.tenant_id.as_deref(), Some(ws.tenant_id.as_str()));
    assert_eq!(identity.principal_id.as_ref().map(String::len), Some(36));
    assert!(identity.user_assigned_identities[uai].client_id.is_some());

    let yaml = azimuth_core::compute::yaml::cluster_yaml("cpu-cluster", &created, &ws);
    assert!(yaml.contains(&format!(
        "identity:\n  type: system_assigned,user_assigned\n  user_assigned_identities:\n    - resource_id: {uai}\n"
    )), "{yaml}");
    let back = azimuth_core::compute::yaml_in::compute_from_yaml(&yaml, &ws).unwrap();
    let read = back.resource.identity.unwrap();
    assert_eq!(read.identity_type, "SystemAssigned,UserAssigned");
    assert!(read.user_assigned_identities.contains_key(uai));
}

#[test]
fn a_cluster_is_not_resized_while_it_is_created() {
    let mut ws = Workspace::seed(t0());
    ws.put_compute(
        ADA,
        "cpu-cluster",
        cluster("Standard_DS3_v2", "Dedicated", 0, 2),
        t0(),
    )
    .unwrap();
    let resize = cluster("", "Dedicated", 1, 2);
    let refused = ws
        .put_compute(ADA, "cpu-cluster", resize.clone(), t0() + 1)
        .unwrap_err();
    assert_eq!(refused.code(), "Conflict");
    assert!(refused.message().contains("is creating"), "{refused}");
    ws.put_compute(ADA, "cpu-cluster", resize, t0() + 600_000)
        .unwrap();
}

#[test]
fn low_priority_nodes_use_the_regional_low_priority_pool_not_their_familys_quota() {
    let mut ws = Workspace::seed(t0());
    assert_eq!(
        ws.low_priority_usage().limit,
        100,
        "Azure's default per region"
    );
    // 24 dedicated vCPUs of the DSv2 family: six DS3_v2 (4 vCPUs) use them all.
    ws.put_compute(
        ADA,
        "dedicated",
        cluster("Standard_DS3_v2", "Dedicated", 6, 6),
        t0(),
    )
    .unwrap();
    ws.settle(t0() + 60_000);
    assert_eq!(used_vcpus(&ws, "standardDSv2Family"), 24);
    // Low priority still has room: 20 nodes of 4 vCPUs, 80 of 100.
    ws.put_compute(
        ADA,
        "spot",
        cluster("Standard_DS3_v2", "LowPriority", 20, 25),
        t0() + 60_000,
    )
    .unwrap();
    ws.settle(t0() + 120_000);
    assert_eq!(ws.low_priority_usage().used, 80);
    assert_eq!(
        used_vcpus(&ws, "standardDSv2Family"),
        24,
        "the family's quota is untouched"
    );
    // 6 more nodes would make 104 of 100.
    let e = ws
        .put_compute(
            ADA,
            "spot",
            cluster("Standard_DS3_v2", "LowPriority", 26, 30),
            t0() + 120_000,
        )
        .unwrap_err();
    assert_eq!(e.code(), "QuotaExceeded");
    assert!(
        e.message().contains("Low Priority Cores quota"),
        "{}",
        e.message()
    );
    assert!(
        e.message()
            .contains("Current Usage: 80, Additional Required: 24"),
        "{}",
        e.message()
    );
    // A new dedicated cluster is refused by its family, whatever the low-priority pool has left.
    let e = ws
        .put_compute(
            ADA,
            "more",
            cluster("Standard_DS3_v2", "Dedicated", 1, 1),
            t0() + 120_000,
        )
        .unwrap_err();
    assert!(
        e.message().contains("standardDSv2Family Cores quota"),
        "{}",
        e.message()
    );
}

#[test]
fn an_idle_time_past_the_limit_is_refused_with_the_limit() {
    use azimuth_core::compute::cluster::{scale_field, validate_scale_settings, MAX_IDLE_SECONDS};
    let scale = |idle: &str| ScaleSettings {
        min_node_count: 0,
        max_node_count: 2,
        node_idle_time_before_scale_down: Some(idle.into()),
    };
    assert!(validate_scale_settings(Some(&scale(&format!("PT{MAX_IDLE_SECONDS}S")))).is_ok());
    for too_long in [
        format!("PT{}S", MAX_IDLE_SECONDS + 1),
        format!("PT{}S", u64::MAX),
    ] {
        let error = validate_scale_settings(Some(&scale(&too_long))).unwrap_err();
        assert_eq!(error.target(), Some(scale_field::IDLE));
        assert_eq!(
            error.message(),
            "The idle time before scale down can be at most 604800 seconds (a week)."
        );
    }
}
