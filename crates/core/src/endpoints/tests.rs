use super::deployments::parse_model_reference;
use super::*;
use crate::compute::lifecycle::Pace;
use crate::models::ModelVersionResource;
use crate::Workspace;
use serde_json::json;

const ADA: &str = "Ada Lovelace";
const GRACE: &str = "Grace Hopper";
const ALAN: &str = "Alan Turing";
const T0: i64 = 1_800_000_000_000;

fn keys(n: u8) -> (EndpointKeys, Option<&'static str>) {
    let keys = EndpointKeys {
        primary_key: format!("primary-{n}"),
        secondary_key: format!("secondary-{n}"),
    };
    (keys, Some("http://127.0.0.1:8080"))
}

fn endpoint(body: serde_json::Value) -> EndpointResource {
    serde_json::from_value(body).unwrap()
}

fn deployment(model: &str, instances: u32) -> DeploymentResource {
    serde_json::from_value(json!({"sku": {"name": "Default", "capacity": instances},
        "properties": {"model": model, "instanceType": "Standard_DS3_v2"}}))
    .unwrap()
}

/// A workspace at the fast pace with two versions of a model Azimuth trained and one it did
/// not.
fn workspace() -> Workspace {
    let mut w = Workspace::seed(T0);
    w.settings.pace = Pace::Fast;
    let version = |flavor: &str| -> ModelVersionResource {
        serde_json::from_value(json!({"properties": {"modelType": "mlflow_model",
            "modelUri": "azureml://jobs/j1/outputs/best_model", "flavors": {flavor: {"data": {}}}}}))
        .unwrap()
    };
    for v in ["1", "2"] {
        w.put_model_version(ADA, "diabetes", v, version("azimuth"), T0)
            .unwrap();
    }
    w.put_model_version(ADA, "sklearn", "1", version("python_function"), T0)
        .unwrap();
    w
}

#[test]
fn an_endpoint_is_created_with_keys_and_provisions_at_the_workspaces_pace() {
    let mut w = workspace();
    let (created, made) = w
        .put_endpoint(
            ADA,
            "diabetes-ep",
            endpoint(json!({"properties": {"authMode": "key"}})),
            keys(1),
            T0,
        )
        .unwrap();
    assert!(created);
    let p = &made.properties;
    assert_eq!(p.auth_mode, "Key");
    assert_eq!(p.provisioning_state.as_deref(), Some("Creating"));
    let uri = format!(
        "http://127.0.0.1:8080/inference/{}/diabetes-ep/score",
        w.resource.location
    );
    assert_eq!(p.scoring_uri.as_deref(), Some(uri.as_str()));
    assert!(p.swagger_uri.as_deref().unwrap().ends_with("/swagger.json"));
    let json = serde_json::to_string(&made).unwrap();
    assert!(
        !json.contains("primary-1"),
        "keys are never in the resource: {json}"
    );
    w.settle(T0 + 60_000);
    let ep = w.endpoint("DIABETES-EP").unwrap();
    assert_eq!(
        ep.resource.properties.provisioning_state.as_deref(),
        Some("Succeeded")
    );
    assert_eq!(
        w.endpoint_keys(GRACE, "diabetes-ep").unwrap().primary_key,
        "primary-1"
    );
    assert!(w
        .endpoint_keys(ALAN, "diabetes-ep")
        .unwrap_err()
        .message()
        .contains("Reader"));
    assert!(w.without_secrets().endpoints[0].keys.is_none());
    let fresh = w
        .regenerate_endpoint_key(ADA, "diabetes-ep", "Secondary", "secondary-2".into(), T0)
        .unwrap();
    assert_eq!(
        (fresh.primary_key.as_str(), fresh.secondary_key.as_str()),
        ("primary-1", "secondary-2")
    );
    assert!(w
        .regenerate_endpoint_key(ADA, "diabetes-ep", "Tertiary", "x".into(), T0)
        .is_err());
    // Names, sign-in modes and roles.
    let put = |w: &mut Workspace, actor: &str, name: &str, body| {
        w.put_endpoint(actor, name, endpoint(body), keys(2), T0)
    };
    for bad_name in ["ep", "1-ep", "ep-", "ep_1", &"e".repeat(33)] {
        let e = put(&mut w, ADA, bad_name, json!({})).unwrap_err();
        assert!(
            e.message().contains("3 to 32"),
            "{bad_name}: {}",
            e.message()
        );
    }
    let aad = put(
        &mut w,
        ADA,
        "aad-ep",
        json!({"properties": {"authMode": "AADToken"}}),
    )
    .unwrap_err();
    assert!(aad.message().contains("Key or AMLToken"));
    assert!(put(&mut w, ALAN, "reader-ep", json!({})).is_err());
    let mode = put(
        &mut w,
        ADA,
        "diabetes-ep",
        json!({"properties": {"authMode": "AMLToken"}}),
    )
    .unwrap_err();
    assert!(mode.message().contains("cannot change"));
}

#[test]
fn deployments_serve_azimuth_models_hold_quota_and_split_traffic_that_adds_up() {
    let mut w = workspace();
    w.put_endpoint(ADA, "ep1", endpoint(json!({})), keys(1), T0)
        .unwrap();
    let model = "azureml:diabetes:1";
    let (created, blue) = w
        .put_deployment(GRACE, "ep1", "blue", deployment(model, 2), T0)
        .unwrap();
    assert!(created);
    assert!(
        blue.properties
            .model
            .ends_with("/models/diabetes/versions/1"),
        "{}",
        blue.properties.model
    );
    assert_eq!(blue.properties.request_settings["requestTimeout"], "PT5S");
    assert_eq!(blue.properties.liveness_probe["failureThreshold"], 30);
    assert_eq!(
        blue.properties.provisioning_state.as_deref(),
        Some("Creating")
    );
    // Its instances hold their vCPUs (2 x 4 of DSv2).
    let used = |w: &Workspace| {
        w.own_usage()
            .into_iter()
            .find(|u| u.family == "standardDSv2Family")
            .unwrap()
            .used
    };
    assert_eq!(used(&w), 8);
    let green_id = w.model_version("diabetes", "2").unwrap().id.clone();
    w.put_deployment(ADA, "ep1", "green", deployment(&green_id, 1), T0)
        .unwrap();
    assert_eq!(used(&w), 12);
    // Refusals: other models, scripts, sizes, counts, quota, roles.
    let refused = |w: &mut Workspace, body: DeploymentResource| {
        w.put_deployment(ADA, "ep1", "other", body, T0)
            .unwrap_err()
            .message()
            .to_owned()
    };
    assert!(refused(&mut w, deployment("azureml:sklearn:1", 1)).contains("not trained by Azimuth"));
    assert!(refused(&mut w, deployment("azureml:diabetes:9", 1)).contains("Version 9"));
    let mut script = deployment(model, 1);
    script.properties.rest.insert(
        "codeConfiguration".into(),
        json!({"scoringScript": "score.py"}),
    );
    assert!(refused(&mut w, script).contains("scoring script"));
    let mut size = deployment(model, 1);
    size.properties.instance_type = "Standard_Nope".into();
    assert!(refused(&mut w, size).contains("Standard_Nope"));
    assert!(refused(&mut w, deployment(model, 0)).contains("1 to 20"));
    let quota = refused(&mut w, deployment(model, 20));
    assert!(quota.contains("quota"), "{quota}");
    assert!(w
        .put_deployment(ALAN, "ep1", "other", deployment(model, 1), T0)
        .is_err());
    assert!(w
        .put_deployment(ADA, "nope", "other", deployment(model, 1), T0)
        .unwrap_err()
        .message()
        .contains("'nope'"));
    // A model cannot change under a deployment; its instance count can.
    let moved = w
        .put_deployment(ADA, "ep1", "blue", deployment("azureml:diabetes:2", 2), T0)
        .unwrap_err();
    assert!(moved.message().contains("cannot change"));
    let (_, scaled) = w
        .put_deployment(ADA, "ep1", "blue", deployment(model, 3), T0)
        .unwrap();
    assert_eq!(
        (
            scaled.sku.capacity,
            scaled.properties.provisioning_state.as_deref()
        ),
        (3, Some("Scaling"))
    );
    assert_eq!(used(&w), 16);
    // Traffic: named deployments, adding up to 100; mirrors of at most 50% to others.
    let traffic = |w: &mut Workspace, t: serde_json::Value| {
        w.put_endpoint(ADA, "ep1", endpoint(json!({"properties": t})), keys(9), T0)
    };
    assert!(traffic(&mut w, json!({"traffic": {"blue": 90, "green": 10}})).is_ok());
    let sum = traffic(&mut w, json!({"traffic": {"blue": 90, "green": 20}})).unwrap_err();
    assert!(sum.message().contains("110%"));
    let unknown = traffic(&mut w, json!({"traffic": {"red": 100}})).unwrap_err();
    assert!(unknown.message().contains("'red'"));
    let both = traffic(
        &mut w,
        json!({"traffic": {"blue": 100}, "mirrorTraffic": {"blue": 10}}),
    )
    .unwrap_err();
    assert!(both.message().contains("live traffic"));
    let much = traffic(
        &mut w,
        json!({"traffic": {"blue": 100}, "mirrorTraffic": {"green": 60}}),
    )
    .unwrap_err();
    assert!(much.message().contains("50%"));
    traffic(
        &mut w,
        json!({"traffic": {"blue": 100}, "mirrorTraffic": {"green": 20}}),
    )
    .unwrap();
    assert_eq!(
        w.endpoint_keys(ADA, "ep1").unwrap().primary_key,
        "primary-1",
        "an update keeps the keys"
    );
    // A deployment with live traffic is not deleted; without, it is, and its quota freed.
    let live = w.delete_deployment(ADA, "ep1", "blue", T0).unwrap_err();
    assert!(live.message().contains("100%"));
    w.delete_deployment(ADA, "ep1", "green", T0).unwrap();
    assert!(w
        .endpoint("ep1")
        .unwrap()
        .resource
        .properties
        .mirror_traffic
        .is_empty());
    assert_eq!(used(&w), 12);
    let kept = w
        .delete_model_version(ADA, "diabetes", "1", T0)
        .unwrap_err();
    assert!(
        kept.message().contains("deployment 'blue'"),
        "{}",
        kept.message()
    );
    assert!(w.delete_model(ADA, "diabetes", T0).is_err());
    w.settle(T0 + 600_000);
    assert_eq!(
        w.deployment("ep1", "blue")
            .unwrap()
            .resource
            .properties
            .provisioning_state
            .as_deref(),
        Some("Succeeded")
    );
    w.delete_endpoint(ADA, "ep1", T0).unwrap();
    assert!(w.deployments.is_empty() && used(&w) == 0);
}

#[test]
fn a_model_is_named_by_its_arm_id_or_azureml_name_and_version() {
    let id = "/subscriptions/s/resourceGroups/g/providers/Microsoft.MachineLearningServices/workspaces/w/models/m/versions/3";
    let named = |n: &str, v: &str| Some((n.to_owned(), v.to_owned()));
    assert_eq!(parse_model_reference(id), named("m", "3"));
    assert_eq!(parse_model_reference("azureml:m:3"), named("m", "3"));
    assert_eq!(parse_model_reference("m:3"), named("m", "3"));
    assert_eq!(parse_model_reference("m"), None);
    assert_eq!(parse_model_reference("azureml:m:"), None);
}

#[test]
fn endpoints_travel_in_changes_and_records() {
    let before = workspace();
    let mut after = before.clone();
    after
        .put_endpoint(ADA, "ep1", endpoint(json!({})), keys(1), T0)
        .unwrap();
    after
        .put_deployment(ADA, "ep1", "blue", deployment("azureml:diabetes:1", 1), T0)
        .unwrap();
    let changes = after.changes_since(&before).unwrap();
    assert_eq!(changes.endpoints.endpoints.len(), 1);
    assert_eq!(changes.endpoints.deployments.len(), 1);
    let mut copy = before.clone();
    copy.apply_changes(changes);
    assert_eq!(copy.endpoints, after.endpoints);
    assert_eq!(copy.deployments, after.deployments);
    let mut later = after.clone();
    later.delete_endpoint(ADA, "ep1", T0).unwrap();
    let gone = later.changes_since(&after).unwrap();
    assert_eq!(gone.endpoints.deleted, ["ep1"]);
    assert_eq!(gone.endpoints.deleted_deployments.len(), 1);
}
