//! Attached computes in the engine: Kubernetes clusters with instance types, and a virtual
//! machine, Databricks, HDInsight and Synapse Spark attached by resource id; every rule Azure
//! checks, secrets never kept, no lifecycle but detach, no quota and no cost.

use azimuth_core::time::parse_iso;
use azimuth_core::{ComputeResource, Operation, Workspace};
use serde_json::{json, Value};

const ADA: &str = "Ada Lovelace";
const ALAN: &str = "Alan Turing"; // Reader
const SUB: &str =
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-azimuth-lab/providers";

fn t0() -> i64 {
    parse_iso("2026-11-23T09:00:00Z").unwrap()
}

fn body(kind: &str, resource: &str, properties: Value) -> ComputeResource {
    serde_json::from_value(json!({"properties": {
        "computeType": kind, "resourceId": format!("{SUB}/{resource}"), "properties": properties
    }}))
    .unwrap()
}

fn aks(properties: Value) -> ComputeResource {
    body(
        "Kubernetes",
        "Microsoft.ContainerService/managedClusters/aks-lab",
        properties,
    )
}

fn vm(properties: Value) -> ComputeResource {
    body(
        "VirtualMachine",
        "Microsoft.Compute/virtualMachines/dsvm",
        properties,
    )
}

fn refusal(ws: &mut Workspace, name: &str, request: ComputeResource) -> String {
    ws.put_compute(ADA, name, request, t0())
        .unwrap_err()
        .message()
        .to_owned()
}

#[test]
fn a_kubernetes_cluster_is_attached_with_the_default_instance_type_then_detached() {
    let mut ws = Workspace::seed(t0());
    let (created, k8s) = ws
        .put_compute(ADA, "k8s-compute", aks(json!({})), t0())
        .unwrap();
    assert!(created);
    assert_eq!(
        k8s.properties.provisioning_state.as_deref(),
        Some("Creating")
    );
    let inner = &k8s.properties.properties;
    assert_eq!(inner.namespace.as_deref(), Some("default"));
    assert_eq!(
        inner.default_instance_type.as_deref(),
        Some("defaultinstancetype")
    );
    let types = inner.instance_types.as_ref().unwrap();
    assert_eq!(
        types["defaultinstancetype"].resources.requests["cpu"],
        "100m"
    );
    assert_eq!(
        types["defaultinstancetype"].resources.limits["memory"],
        "2Gi"
    );
    assert_eq!(
        inner.state, None,
        "an attached compute has no instance state"
    );

    ws.settle(t0() + 60_000);
    let k8s = &ws.compute("k8s-compute").unwrap().resource;
    assert_eq!(
        k8s.properties.provisioning_state.as_deref(),
        Some("Succeeded")
    );
    assert_eq!(
        k8s.properties
            .properties
            .extension_instance_release_train
            .as_deref(),
        Some("stable")
    );
    assert_eq!(ws.kubernetes_computes().count(), 1);
    assert_eq!(
        ws.instances().count() + ws.clusters().count() + ws.attached_computes().count(),
        0
    );
    assert!(
        ws.activity[0]
            .text
            .contains("attached Kubernetes cluster k8s-compute"),
        "{:?}",
        ws.activity[0]
    );

    let start = ws
        .operate(ADA, "k8s-compute", Operation::Start, t0() + 61_000)
        .unwrap_err();
    assert!(
        start
            .message()
            .contains("not supported on the attached Kubernetes cluster"),
        "{start}"
    );
    ws.delete(ADA, "k8s-compute", t0() + 62_000).unwrap();
    assert!(ws.activity[0]
        .text
        .contains("detached Kubernetes cluster k8s-compute"));
    ws.settle(t0() + 120_000);
    assert!(ws.compute("k8s-compute").is_none());
}

#[test]
fn kubernetes_rules() {
    let mut ws = Workspace::seed(t0());
    let typed = |requests: Value, limits: Value| {
        aks(json!({"namespace": "azureml", "defaultInstanceType": "gpu",
            "instanceTypes": {"gpu": {"resources": {"requests": requests, "limits": limits}}}}))
    };
    let ok = typed(
        json!({"cpu": "500m", "memory": "8Gi", "nvidia.com/gpu": "1"}),
        json!({"cpu": "2", "memory": "16Gi", "nvidia.com/gpu": "1"}),
    );
    ws.put_compute(ADA, "k8s-gpu", ok, t0()).unwrap();
    let cases = [
        (
            typed(json!({"cpu": "4"}), json!({"cpu": "2"})),
            "requests more cpu (4) than its limit (2)",
        ),
        (
            typed(json!({"memory": "4GB"}), json!({})),
            "memory '4GB' is not a Kubernetes quantity",
        ),
        (
            typed(json!({"disk": "1"}), json!({})),
            "use cpu, memory or nvidia.com/gpu",
        ),
        (
            aks(json!({"namespace": "Team_A"})),
            "Namespace 'Team_A' must be lowercase",
        ),
        (
            aks(json!({"defaultInstanceType": "large"})),
            "The default instance type 'large' is not one of",
        ),
        (
            body(
                "Kubernetes",
                "Microsoft.Compute/virtualMachines/dsvm",
                json!({}),
            ),
            "The resource ID must be the ARM id of the Kubernetes cluster",
        ),
    ];
    for (i, (request, expected)) in cases.into_iter().enumerate() {
        let message = refusal(
            &mut ws,
            &format!("k8s-bad{}", (b'a' + i as u8) as char),
            request,
        );
        assert!(message.contains(expected), "{message}");
    }
    let refused = ws
        .put_compute(ALAN, "k8s-reader", aks(json!({})), t0())
        .unwrap_err();
    assert_eq!(refused.code(), "AuthorizationFailed");
}

#[test]
fn secrets_are_checked_then_never_kept() {
    let mut ws = Workspace::seed(t0());
    let account = |extra: Value| {
        let mut a = json!({"username": "azureuser"});
        a.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        a
    };
    let no_secret =
        vm(json!({"address": "20.51.10.4", "administratorAccount": account(json!({}))}));
    assert!(refusal(&mut ws, "dsvm-a", no_secret).contains("needs a password or a private key"));
    let bad_port = vm(json!({"address": "20.51.10.4", "sshPort": 70000,
        "administratorAccount": account(json!({"password": "s3cret-Pa55word"}))}));
    assert!(refusal(&mut ws, "dsvm-b", bad_port).contains("from 1 to 65535"));
    let bad_address = vm(json!({"address": "not an address",
        "administratorAccount": account(json!({"password": "s3cret-Pa55word"}))}));
    assert!(refusal(&mut ws, "dsvm-c", bad_address).contains("public IP address or DNS name"));
    let bad_ip = vm(json!({"address": "999.999.1.1",
        "administratorAccount": account(json!({"password": "s3cret-Pa55word"}))}));
    assert!(refusal(&mut ws, "dsvm-d", bad_ip).contains("is not an IPv4 address"));
    let public_key = vm(json!({"address": "20.51.10.4",
        "administratorAccount": account(json!({"privateKeyData": "ssh-ed25519 AAAAC3Nza"}))}));
    assert!(refusal(&mut ws, "dsvm-e", public_key).contains("not a public key"));

    let good = vm(
        json!({"address": "20.51.10.4", "virtualMachineSize": "Standard_DS3_v2",
        "administratorAccount": account(json!({"password": "s3cret-Pa55word", "privateKeyData": "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH PRIVATE KEY-----"}))}),
    );
    let (_, attached) = ws.put_compute(ADA, "dsvm", good, t0()).unwrap();
    let inner = &attached.properties.properties;
    assert_eq!(inner.ssh_port, Some(22));
    let kept = inner.administrator_account.as_ref().unwrap();
    assert_eq!(
        (
            kept.username.as_str(),
            &kept.password,
            &kept.private_key_data
        ),
        ("azureuser", &None, &None)
    );

    let token = "dapi0123456789abcdef0123";
    let dbx = body(
        "Databricks",
        "Microsoft.Databricks/workspaces/dbx",
        json!({
        "workspaceUrl": "https://adb-1234567890123456.7.azuredatabricks.net/", "databricksAccessToken": token}),
    );
    let (_, dbx) = ws.put_compute(ADA, "dbx", dbx, t0()).unwrap();
    assert_eq!(
        dbx.properties.properties.workspace_url.as_deref(),
        Some("adb-1234567890123456.7.azuredatabricks.net")
    );
    assert_eq!(dbx.properties.properties.databricks_access_token, None);
    let bad_token = body(
        "Databricks",
        "Microsoft.Databricks/workspaces/dbx2",
        json!({
        "workspaceUrl": "adb-1.2.azuredatabricks.net", "databricksAccessToken": "password1"}),
    );
    let refused = ws.put_compute(ADA, "dbx-two", bad_token, t0()).unwrap_err();
    assert!(
        refused.message().contains("dapi followed by at least 16"),
        "{refused}"
    );
    assert!(
        !refused.message().contains("password1"),
        "the token is never echoed"
    );
    // The error names the field it is about, as ARM's `target`.
    assert_eq!(
        refused.target(),
        Some(azimuth_core::compute::attach::field::ACCESS_TOKEN)
    );

    let hdi = body(
        "HDInsight",
        "Microsoft.HDInsight/clusters/hdi",
        json!({"address": "hdi-ssh.azurehdinsight.net",
        "administratorAccount": account(json!({"password": "s3cret-Pa55word"}))}),
    );
    ws.put_compute(ADA, "hdi", hdi, t0()).unwrap();

    let saved = azimuth_core::workspace::snapshot::encode_workspace(&ws);
    for secret in ["s3cret-Pa55word", "PRIVATE KEY", token] {
        assert!(!saved.contains(secret), "{secret} was kept");
    }
    assert_eq!(ws.attached_computes().count(), 3);
}

#[test]
fn a_synapse_pool_is_named_by_its_id_and_attached_computes_cost_and_hold_nothing() {
    let mut ws = Workspace::seed(t0());
    let pool = body(
        "SynapseSpark",
        "Microsoft.Synapse/workspaces/syn-lab/bigDataPools/sparkpool1",
        json!({}),
    );
    let (_, pool) = ws.put_compute(ADA, "synapse-spark", pool, t0()).unwrap();
    let inner = &pool.properties.properties;
    assert_eq!(
        (inner.workspace_name.as_deref(), inner.pool_name.as_deref()),
        (Some("syn-lab"), Some("sparkpool1"))
    );
    // Out as the CLI's synapsespark YAML, detached, and back in from that file.
    let yaml = azimuth_core::compute::yaml::compute_yaml(&pool, &ws).unwrap();
    assert!(yaml.contains("type: synapsespark\n"), "{yaml}");
    ws.delete(ADA, "synapse-spark", t0()).unwrap();
    ws.settle(t0() + 30_000);
    let again = azimuth_core::compute::yaml_in::compute_from_yaml(&yaml, &ws).unwrap();
    let (_, again) = ws
        .put_compute(ADA, &again.name, again.resource, t0() + 30_000)
        .unwrap();
    assert_eq!(again.properties.resource_id, pool.properties.resource_id);
    ws.put_compute(ADA, "k8s-compute", aks(json!({})), t0())
        .unwrap();
    ws.settle(t0() + 60_000);
    assert_eq!(ws.hourly_cost(), 0);
    assert!(ws.quota_usage().iter().all(|u| u.used == 0));
    let changed = ws
        .put_compute(
            ADA,
            "k8s-compute",
            aks(json!({"namespace": "other"})),
            t0() + 61_000,
        )
        .unwrap_err();
    assert!(
        changed.message().contains("cannot be changed. Detach it"),
        "{changed}"
    );
}

#[test]
fn attached_computes_leave_as_cli_yaml_and_come_back() {
    use azimuth_core::compute::yaml::compute_yaml;
    use azimuth_core::compute::yaml_in::compute_from_yaml;
    let mut ws = Workspace::seed(t0());
    ws.put_compute(
        ADA,
        "k8s-compute",
        aks(json!({"namespace": "azureml"})),
        t0(),
    )
    .unwrap();
    let vm_request = vm(json!({"address": "20.51.10.4", "sshPort": 2222,
        "administratorAccount": {"username": "azureuser", "password": "s3cret-Pa55word"}}));
    ws.put_compute(ADA, "dsvm", vm_request, t0()).unwrap();
    ws.settle(t0() + 60_000);

    let k8s_yaml = compute_yaml(&ws.compute("k8s-compute").unwrap().resource, &ws).unwrap();
    assert!(
        k8s_yaml.contains("type: kubernetes\n") && k8s_yaml.contains("namespace: azureml\n"),
        "{k8s_yaml}"
    );
    let vm_yaml = compute_yaml(&ws.compute("dsvm").unwrap().resource, &ws).unwrap();
    assert!(vm_yaml.contains("type: virtualmachine\n"), "{vm_yaml}");
    assert!(!vm_yaml.contains("s3cret"), "no password leaves: {vm_yaml}");
    let dbx = body(
        "Databricks",
        "Microsoft.Databricks/workspaces/dbx",
        json!({
        "workspaceUrl": "adb-1.2.azuredatabricks.net", "databricksAccessToken": "dapi0123456789abcdef0123"}),
    );
    let (_, dbx) = ws.put_compute(ADA, "dbx", dbx, t0() + 60_000).unwrap();
    assert_eq!(
        compute_yaml(&dbx, &ws),
        None,
        "the CLI has no YAML for Databricks"
    );

    // Detach both, then attach them again from their files: the VM needs its secret again.
    for name in ["k8s-compute", "dsvm"] {
        ws.delete(ADA, name, t0() + 61_000).unwrap();
    }
    ws.settle(t0() + 120_000);
    let k8s = compute_from_yaml(&k8s_yaml, &ws).unwrap();
    ws.put_compute(ADA, &k8s.name, k8s.resource, t0() + 121_000)
        .unwrap();
    let again = &ws.compute("k8s-compute").unwrap().resource.properties;
    assert_eq!(
        again.resource_id.as_deref(),
        Some(format!("{SUB}/Microsoft.ContainerService/managedClusters/aks-lab").as_str())
    );
    assert_eq!(again.properties.namespace.as_deref(), Some("azureml"));

    let without_secret = compute_from_yaml(&vm_yaml, &ws).unwrap();
    let refused = ws
        .put_compute(ADA, "dsvm", without_secret.resource, t0() + 121_000)
        .unwrap_err();
    assert!(
        refused
            .message()
            .contains("needs a password or a private key"),
        "{refused}"
    );
    let with_secret = vm_yaml.replace(
        "  admin_username: azureuser\n",
        "  admin_username: azureuser\n  admin_password: s3cret-Pa55word\n",
    );
    let vm_again = compute_from_yaml(&with_secret, &ws).unwrap();
    let (_, attached) = ws
        .put_compute(ADA, "dsvm", vm_again.resource, t0() + 121_000)
        .unwrap();
    let inner = &attached.properties.properties;
    assert_eq!(
        (inner.address.as_deref(), inner.ssh_port),
        (Some("20.51.10.4"), Some(2222))
    );
    assert_eq!(inner.administrator_account.as_ref().unwrap().password, None);
}

#[test]
fn every_problem_of_an_attach_shows_at_once_each_at_its_field() {
    let ws = Workspace::seed(t0());
    let request = vm(json!({
        "address": "300.1.1.1", "sshPort": 0,
        "administratorAccount": {"username": " ", "privateKeyData": "ssh-ed25519 AAAA"}
    }));
    let errors = ws.attach_field_errors(&request);
    let targets: Vec<Option<&str>> = errors.iter().map(|e| e.target()).collect();
    assert_eq!(
        targets,
        [
            Some("properties.properties.address"),
            Some("properties.properties.sshPort"),
            Some("properties.properties.administratorAccount.username"),
            Some("properties.properties.administratorAccount.privateKeyData"),
        ],
        "{errors:?}"
    );
    // The API answers with the first, as before.
    assert_eq!(ws.check_attach_fields(&request).unwrap_err(), errors[0]);

    // An instance type with two bad quantities names both.
    let request = aks(json!({"instanceTypes": {"small": {"resources": {
        "requests": {"cpu": "lots", "memory": "2Gi"}, "limits": {"cpu": "1", "memory": "much"}
    }}}}));
    let messages: Vec<String> = ws
        .attach_field_errors(&request)
        .iter()
        .map(|e| e.message().to_owned())
        .collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages[0].contains("cpu 'lots'") && messages[1].contains("memory 'much'"));

    // A bad resource ID alone: the address it would have given is not blamed too.
    let mut request =
        vm(json!({"administratorAccount": {"username": "azureuser", "password": "pw-1234567"}}));
    request.properties.resource_id = Some("not-an-id".into());
    let errors = ws.attach_field_errors(&request);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].target(), Some("properties.resourceId"));
}
