use super::*;
use crate::compute::cluster::NodeState;
use crate::compute::resource::ComputeResource;
use crate::compute::Operation;
use crate::time::parse_iso;
use serde_json::json;

const ADA: &str = "Ada Lovelace";

fn t0() -> i64 {
    parse_iso("2026-11-23T09:00:00Z").unwrap()
}

fn resource(body: serde_json::Value) -> ComputeResource {
    serde_json::from_value(body).unwrap()
}

/// A workspace (fast pace) with a cluster of at most `max` nodes, created and settled.
fn with_cluster(max: u32) -> Workspace {
    let mut ws = Workspace::seed(t0());
    let body = json!({"properties": {"computeType": "AmlCompute", "properties": {
        "vmSize": "STANDARD_DS3_V2", "scaleSettings": {"minNodeCount": 0, "maxNodeCount": max, "nodeIdleTimeBeforeScaleDown": "PT120S"}}}});
    ws.put_compute(ADA, "cpu-cluster", resource(body), t0())
        .unwrap();
    ws.settle(t0() + 60_000);
    ws
}

fn states(ws: &Workspace) -> Vec<(NodeState, Option<String>)> {
    let c = ws.compute("cpu-cluster").unwrap();
    c.nodes.iter().map(|n| (n.state, n.job.clone())).collect()
}

#[test]
fn a_cluster_scales_up_a_node_for_a_job_and_queues_the_next() {
    let mut ws = with_cluster(1);
    let now = t0() + 60_000;
    let first = ws.place_job("cpu-cluster", "job_a", now);
    assert!(
        matches!(&first, Placement::Waiting(why) if why.contains("scaling up")),
        "{first:?}"
    );
    assert_eq!(
        states(&ws),
        vec![(NodeState::Preparing, Some("job_a".into()))]
    );
    // The node is the job's while it is prepared, and the next job waits for a free node.
    let second = ws.place_job("cpu-cluster", "job_b", now);
    assert!(
        matches!(&second, Placement::Waiting(why) if why.contains("busy")),
        "{second:?}"
    );
    ws.settle(now + 6_000);
    assert_eq!(
        states(&ws),
        vec![(NodeState::Running, Some("job_a".into()))]
    );
    assert_eq!(
        ws.place_job("cpu-cluster", "job_a", now + 6_000),
        Placement::Ready
    );
    assert_eq!(ws.job_refusal("cpu-cluster", "job_a"), None);
    let view = &ws
        .compute("cpu-cluster")
        .unwrap()
        .resource
        .properties
        .properties;
    assert_eq!(
        view.node_state_counts.as_ref().unwrap().running_node_count,
        1
    );
    // Once it ends, the node is idle and the next job takes it at once.
    ws.release_job("cpu-cluster", "job_a", now + 9_000);
    assert_eq!(states(&ws), vec![(NodeState::Idle, None)]);
    assert_eq!(
        ws.place_job("cpu-cluster", "job_b", now + 9_500),
        Placement::Ready
    );
    ws.release_job("cpu-cluster", "job_b", now + 10_000);
    // Idle past its idle time, the node leaves.
    ws.settle(now + 10_000 + 121_000);
    ws.settle(now + 10_000 + 200_000);
    assert!(states(&ws).is_empty(), "{:?}", states(&ws));
}

#[test]
fn deleted_and_stopped_computes_say_why() {
    let mut ws = with_cluster(2);
    let now = t0() + 60_000;
    assert!(
        matches!(ws.place_job("nowhere", "j", now), Placement::Refused(why) if why.contains("deleted"))
    );
    ws.place_job("cpu-cluster", "j", now);
    ws.settle(now + 6_000);
    ws.delete(ADA, "cpu-cluster", now + 7_000).unwrap();
    ws.settle(now + 120_000);
    assert!(ws.job_refusal("cpu-cluster", "j").is_some());

    let body = json!({"properties": {"computeType": "ComputeInstance", "properties": {"vmSize": "Standard_DS3_v2"}}});
    ws.put_compute(ADA, "ci-one", resource(body), now).unwrap();
    assert!(
        matches!(ws.place_job("ci-one", "k", now), Placement::Waiting(why) if why.contains("creating"))
    );
    ws.settle(now + 120_000);
    assert_eq!(ws.place_job("ci-one", "k", now + 120_000), Placement::Ready);
    ws.operate(ADA, "ci-one", Operation::Stop, now + 121_000)
        .unwrap();
    ws.settle(now + 240_000);
    let refusal = ws.job_refusal("ci-one", "k").unwrap();
    assert!(refusal.contains("stopped"), "{refusal}");
    assert_eq!(compute_name("/subscriptions/s/resourceGroups/g/providers/Microsoft.MachineLearningServices/workspaces/w/computes/ci-one"), "ci-one");
}
