//! Estimated costs: an instance while it is allocated, a cluster by its nodes and tier, and the
//! workspace's total.

use azimuth_core::compute::catalogue::find_vm_size;
use azimuth_core::compute::cost::{hourly_cost, price_per_hour};
use azimuth_core::time::parse_iso;
use azimuth_core::{ComputeResource, Operation, Workspace};
use serde_json::json;

const ADA: &str = "Ada Lovelace";
/// The catalogue's estimates in East US (the seeded workspace's region), in cents per hour
/// ($0.185 and $0.293 rounded to the cent).
const DS11_V2: u64 = 19;
const DS3_V2: u64 = 29;
/// A low-priority DS3_v2 node: 20 % of $0.293, rounded to the cent.
const DS3_V2_LOW: u64 = 6;

fn t0() -> i64 {
    parse_iso("2026-11-23T09:00:00Z").unwrap()
}

fn compute(body: serde_json::Value) -> ComputeResource {
    serde_json::from_value(body).unwrap()
}

fn cost(ws: &Workspace, name: &str) -> u64 {
    hourly_cost(ws.compute(name).unwrap(), ws)
}

#[test]
fn an_instance_costs_while_allocated_and_nothing_when_stopped() {
    let mut ws = Workspace::seed(t0());
    let body = json!({"properties": {"computeType": "ComputeInstance", "properties": {"vmSize": "Standard_DS11_v2"}}});
    ws.create_instance(ADA, "ci-cost", compute(body), t0())
        .unwrap();
    assert_eq!(cost(&ws, "ci-cost"), DS11_V2, "billed while Creating");
    ws.settle(t0() + 10_000);
    assert_eq!(cost(&ws, "ci-cost"), DS11_V2, "and while Running");
    ws.operate(ADA, "ci-cost", Operation::Stop, t0() + 20_000)
        .unwrap();
    assert_eq!(cost(&ws, "ci-cost"), DS11_V2, "and while Stopping");
    ws.settle(t0() + 60_000);
    assert_eq!(cost(&ws, "ci-cost"), 0, "not once Stopped");
    assert_eq!(ws.hourly_cost(), 0);
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
    assert_eq!(cost(&ws, "dedicated"), 2 * DS3_V2);
    assert_eq!(cost(&ws, "low-pri"), 3 * DS3_V2_LOW);
    assert_eq!(
        cost(&ws, "empty"),
        0,
        "a cluster at zero nodes costs nothing"
    );
    assert_eq!(ws.hourly_cost(), 2 * DS3_V2 + 3 * DS3_V2_LOW);
}

#[test]
fn prices_are_rounded_to_the_cent_once_so_rows_add_up_to_the_total() {
    let mut ws = Workspace::seed(t0());
    let body = json!({"properties": {"computeType": "ComputeInstance", "properties": {"vmSize": "Standard_DS11_v2"}}});
    for name in ["ci-one", "ci-two", "ci-three", "ci-four"] {
        ws.create_instance(ADA, name, compute(body.clone()), t0())
            .unwrap();
    }
    ws.settle(t0() + 10_000);
    let region = ws.region();
    let exact = find_vm_size("Standard_DS11_v2").unwrap().price_in(region);
    assert_eq!(exact, 0.185, "the catalogue's price is between two cents");
    assert_eq!(
        price_per_hour("Standard_DS11_v2", None, region),
        Some(DS11_V2)
    );
    // Four rows shown at $0.19/hr make $0.76/hr, not the $0.74 of the unrounded sum.
    let rows: Vec<u64> = ["ci-one", "ci-two", "ci-three", "ci-four"]
        .iter()
        .map(|n| cost(&ws, n))
        .collect();
    assert_eq!(rows, [DS11_V2; 4]);
    assert_eq!(ws.hourly_cost(), 76);
    assert_eq!(ws.hourly_cost(), rows.iter().sum::<u64>());
}
