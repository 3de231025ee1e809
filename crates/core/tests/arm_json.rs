//! ARM JSON: the reference service's examples parse and serialize back exactly.

use azimuth_core::arm::ArmError;
use azimuth_core::compute::*;
use serde_json::{json, Value};

/// The GET response of the 2025-12-01 spec's ComputeInstance example (shortened to what Azimuth models).
fn reference_example() -> Value {
    json!({
        "id": "/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/testrg123/providers/Microsoft.MachineLearningServices/workspaces/workspaces123/computes/compute123",
        "name": "compute123",
        "type": "Microsoft.MachineLearningServices/workspaces/computes",
        "location": "eastus",
        "properties": {
            "computeType": "ComputeInstance",
            "provisioningState": "Succeeded",
            "createdOn": "2021-04-01T22:00:00.0000000+00:00",
            "modifiedOn": "2021-04-01T22:00:00.0000000+00:00",
            "disableLocalAuth": true,
            "properties": {
                "vmSize": "STANDARD_NC6",
                "applicationSharingPolicy": "Shared",
                "sshSettings": {"sshPublicAccess": "Enabled", "adminUserName": "azureuser", "sshPort": 22},
                "connectivityEndpoints": {"publicIpAddress": "10.0.0.1", "privateIpAddress": "10.0.0.1"},
                "applications": [{"displayName": "Jupyter", "endpointUri": "https://compute123.eastus2.azureml.ms/jupyter"}],
                "createdBy": {"userName": "foobar@microsoft.com", "userOrgId": "00000000-0000-0000-0000-000000000000", "userId": "00000000-0000-0000-0000-000000000000"},
                "errors": [],
                "state": "Running",
                "personalComputeInstanceSettings": {"assignedUser": {"objectId": "00000000-0000-0000-0000-000000000000", "tenantId": "00000000-0000-0000-0000-000000000000"}},
                "lastOperation": {"operationName": "Create", "operationTime": "2020-01-01T12:34:56.999Z", "operationStatus": "Succeeded", "operationTrigger": "User"},
                "schedules": {"computeStartStop": [{
                    "id": "a",
                    "status": "Enabled",
                    "action": "Stop",
                    "triggerType": "Cron",
                    "cron": {"startTime": "2021-04-23T01:30:00", "timeZone": "Pacific Standard Time", "expression": "0 18 * * *"}
                }]},
                "idleTimeBeforeShutdown": "PT120M"
            }
        }
    })
}

#[test]
fn reference_get_response_round_trips_exactly() {
    let value = reference_example();
    let parsed: ComputeResource = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(
        parsed.properties.properties.state.as_deref(),
        Some("Running")
    );
    assert_eq!(serde_json::to_value(&parsed).unwrap(), value);
}

#[test]
fn minimal_and_sdk_create_bodies_parse() {
    let minimal: ComputeResource = serde_json::from_value(json!(
        {"properties":{"computeType":"ComputeInstance","properties":{"vmSize":"STANDARD_NC6"}}}
    ))
    .unwrap();
    assert_eq!(minimal.properties.properties.vm_size, "STANDARD_NC6");
    let sdk = json!({"location":"eastus","properties":{"computeType":"ComputeInstance","disableLocalAuth":true,"properties":{"vmSize":"Standard_DS11_v2","enableNodePublicIp":true,"enableSSO":true,"enableRootAccess":true,"releaseQuotaOnStop":false,"enableOSPatching":false,"applicationSharingPolicy":"Shared","computeInstanceAuthorizationType":"personal"}}});
    let parsed: ComputeResource = serde_json::from_value(sdk).unwrap();
    assert_eq!(
        parsed.properties.properties.release_quota_on_stop,
        Some(false)
    );
    assert_eq!(parsed.location.as_deref(), Some("eastus"));
}

#[test]
fn errors_have_arm_shape() {
    let e = ArmError::new("ResourceNotFound", "gone");
    assert_eq!(
        serde_json::to_value(&e).unwrap(),
        json!({"error": {"code": "ResourceNotFound", "message": "gone"}})
    );
}

/// Reads `value` as `T` with serde and with `FromValue`; both must agree (compared as the JSON
/// they write back) or both refuse it.
fn read_both<T>(value: Value) -> Option<Value>
where
    T: serde::de::DeserializeOwned + azimuth_core::arm::json_de::FromValue + serde::Serialize,
{
    let by_serde = serde_json::from_value::<T>(value.clone());
    let ours = azimuth_core::arm::json_de::from_value::<T>(value.clone());
    match (by_serde, ours) {
        (Ok(a), Ok(b)) => {
            let (a, b) = (
                serde_json::to_value(a).unwrap(),
                serde_json::to_value(b).unwrap(),
            );
            assert_eq!(a, b, "{value}");
            Some(a)
        }
        (Err(_), Err(_)) => None,
        (a, b) => panic!(
            "serde: {:?}, FromValue: {:?}, for {value}",
            a.err(),
            b.err()
        ),
    }
}

#[test]
fn compact_readers_read_what_serde_reads() {
    use azimuth_core::workspace::records::{writes, RecordWrite, Shelf};
    use azimuth_core::workspace::seed::EXAMPLE_TENANT;
    use azimuth_core::workspace::{Tenant, Workspace};
    // The reference compute, its defaults filled in, and bodies both must refuse.
    read_both::<ComputeResource>(reference_example()).unwrap();
    read_both::<ComputeResource>(
        json!({"properties":{"computeType":"AmlCompute","properties":{"vmSize":"a"}}}),
    )
    .unwrap();
    for bad in [
        json!({"properties":{"computeType":1}}),
        json!({"properties":{"properties":{"vmSize":"a"}}}),
        json!({"name":["x"],"properties":{"computeType":"AmlCompute"}}),
        json!([]),
    ] {
        assert!(read_both::<ComputeResource>(bad).is_none());
    }
    // Every record of a seeded installation, and the workspace as the server sends it.
    let mut tenant = Tenant::seed(1_800_000_000_000, EXAMPLE_TENANT, None);
    let lab = tenant.workspaces[0].id().to_owned();
    let scale = json!({"maxNodeCount": 2, "minNodeCount": 0});
    for (name, kind) in [("ci-one", "ComputeInstance"), ("cpu-cluster", "AmlCompute")] {
        let body = json!({"tags": {"team": "a"}, "properties": {"computeType": kind, "description": "d", "properties": {"vmSize": "Standard_DS11_v2", "scaleSettings": scale}}});
        let body = serde_json::from_value(body).unwrap();
        tenant
            .create_compute(&lab, "Ada Lovelace", name, body, 1_800_000_000_000)
            .unwrap();
    }
    tenant.settle(1_800_000_600_000);
    let mut computes = 0;
    for write in writes(None, &tenant) {
        if let RecordWrite::Put { shelf, body, .. } = write {
            let value: Value = serde_json::from_str(&body).unwrap();
            if shelf == Shelf::Computes {
                read_both::<StoredCompute>(value).unwrap();
                computes += 1;
            }
        }
    }
    assert!(computes > 0, "the seeded installation has computes");
    for ws in &tenant.workspaces {
        let value = serde_json::to_value(ws).unwrap();
        assert_eq!(read_both::<Workspace>(value.clone()).unwrap(), value);
    }
    let error = json!({"error":{"code":"Conflict","message":"taken","details":[{"code":"a","message":"b"}]}});
    read_both::<ArmError>(error).unwrap();
}
