//! Estimated costs: an instance while it is allocated, a cluster by its nodes and tier, and the
//! workspace's total.

use azimuth_core::compute::cost::{hourly_cost, LOW_PRIORITY_FACTOR};
use azimuth_core::time::parse_iso;
use azimuth_core::{ComputeResource, Operation, Workspace};
use serde_json::json;

const ADA: &str = "Ada Lovelace";
/// The catalogue's estimates in East US (the seeded workspace's region), USD per hour.
const DS11_V2: f64 = 0.185;
const DS3_V2: f64 = 0.293;

fn t0() -> i64 {
    parse_iso("2026-11-23T09:00:00Z").unwrap()
}

fn compute(body: serde_json::Value) -> ComputeResource {
    serde_json::from_value(body).unwrap()
}

fn cost(ws: &Workspace, name: &str) -> f64 {
    hourly_cost(ws.compute(name).unwrap(), ws)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn an_instance_costs_while_allocated_and_nothing_when_stopped() {
    let mut ws = Workspace::seed(t0());
    let body = json!({"properties": {"computeType": "ComputeInstance", "properties": {"vmSize": "Standard_DS11_v2"}}});
    ws.create_instance(ADA, "ci-cost", compute(body), t0())
        .unwrap();
    assert!(
        close(cost(&ws, "ci-cost"), DS11_V2),
        "billed while Creating"
    );
    ws.settle(t0() + 10_000);
    assert!(close(cost(&ws, "ci-cost"), DS11_V2), "and while Running");
    ws.operate(ADA, "ci-cost", Operation::Stop, t0() + 20_000)
        .unwrap();
    assert!(close(cost(&ws, "ci-cost"), DS11_V2), "and while Stopping");
    ws.settle(t0() + 60_000);
    assert_eq!(cost(&ws, "ci-cost"), 0.0, "not once Stopped");
    assert_eq!(ws.hourly_cost(), 0.0);
}

#[test]
fn a_cluster_costs_per_node_with_low_priority_discounted() {
    let mut ws = Workspace::seed(t0());
    let cluster = |tier: &str, min: u32| {
        compute(
            json!({"properties": {"computeType": "AmlCompute", "properties": {
                "vmSize": "Standard_DS3_v2", "vmPriority": tier,
                "scaleSettings": {"minNodeCount": min, "maxNodeCount": 4}
            }}}),
        )
    };
    ws.put_compute(ADA, "dedicated", cluster("Dedicated", 2), t0())
        .unwrap();
    ws.put_compute(ADA, "low-pri", cluster("LowPriority", 3), t0())
        .unwrap();
    ws.put_compute(ADA, "empty", cluster("Dedicated", 0), t0())
        .unwrap();
    ws.settle(t0() + 60_000); // nodes ready, before any low-priority preemption
    assert!(close(cost(&ws, "dedicated"), 2.0 * DS3_V2));
    assert!(close(
        cost(&ws, "low-pri"),
        3.0 * DS3_V2 * LOW_PRIORITY_FACTOR
    ));
    assert_eq!(
        cost(&ws, "empty"),
        0.0,
        "a cluster at zero nodes costs nothing"
    );
    assert!(close(ws.hourly_cost(), 2.0 * DS3_V2 + 0.6 * DS3_V2));
}
