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
