//! Reading `az ml compute create -f` YAML: the public Azure ML examples, a round trip through
//! the writer and the engine, and errors that name the line and field but never a password.

use azimuth_core::compute::yaml::{cluster_yaml, instance_yaml};
use azimuth_core::compute::yaml_in::{compute_from_yaml, ImportedCompute, YamlError};
use azimuth_core::compute::*;
use azimuth_core::time::parse_iso;
use azimuth_core::{ComputeResource, Workspace};
use serde_json::json;

const ADA: &str = "Ada Lovelace";
const KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKz1yQ0n0pTq5a3Rr2m8mQ0V0xq6J0pZ0m3f8xXr5r2T ada@laptop";
const PASSWORD: &str = "Tr0ub4dor&3-horse";

fn t0() -> i64 {
    parse_iso("2026-11-23T09:00:00Z").unwrap()
}

fn read(text: &str) -> ImportedCompute {
    compute_from_yaml(text, &Workspace::seed(t0())).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn fail(text: &str) -> YamlError {
    compute_from_yaml(text, &Workspace::seed(t0())).expect_err(text)
}

fn props(c: &ImportedCompute) -> &ComputeProperties {
    &c.resource.properties.properties
}

#[test]
fn the_public_azure_ml_examples_read_as_arm_requests() {
    let ws = Workspace::seed(t0());
    let instance = read(
        "$schema: https://azuremlschemas.azureedge.net/latest/computeInstance.schema.json \n\
         name: minimal-example-i\n\
         type: computeinstance\n\
         size: STANDARD_DS3_v2\n",
    );
    assert_eq!(instance.name, "minimal-example-i");
    assert_eq!(instance.resource.properties.compute_type, "ComputeInstance");
    assert_eq!(props(&instance).vm_size, "STANDARD_DS3_v2");
    assert_eq!(instance.resource.location, None, "the workspace's region");
    ws.validate_instance_request(&instance.name, &instance.resource)
        .unwrap();
    // The same body a wizard would PUT, with nothing else set.
    let expected: ComputeResource = serde_json::from_value(json!({"properties": {
        "computeType": "ComputeInstance", "properties": {"vmSize": "STANDARD_DS3_v2"}}}))
    .unwrap();
    assert_eq!(instance.resource, expected);

    let cluster = read(
        "$schema: https://azuremlschemas.azureedge.net/latest/amlCompute.schema.json \n\
         name: basic-example\n\
         type: amlcompute\n\
         size: STANDARD_DS3_v2\n\
         min_instances: 0\n\
         max_instances: 2\n\
         idle_time_before_scale_down: 120\n\
         location: westus\n",
    );
    assert_eq!(cluster.name, "basic-example");
    assert_eq!(cluster.resource.properties.compute_type, "AmlCompute");
    assert_eq!(cluster.resource.location.as_deref(), Some("westus"));
    assert_eq!(props(&cluster).vm_size, "STANDARD_DS3_v2");
    assert_eq!(
        props(&cluster).scale_settings,
        Some(ScaleSettings {
            min_node_count: 0,
            max_node_count: 2,
            node_idle_time_before_scale_down: Some("PT120S".into()),
        })
    );
    assert_eq!(
        props(&cluster).vm_priority,
        None,
        "the service's default, Dedicated"
    );

    let low = read(
        "$schema: https://azuremlschemas.azureedge.net/latest/amlCompute.schema.json \n\
         name: low-pri-example\n\
         type: amlcompute\n\
         size: STANDARD_DS3_v2\n\
         min_instances: 0\n\
         max_instances: 2\n\
         idle_time_before_scale_down: 120\n\
         tier: low_priority\n",
    );
    assert_eq!(props(&low).vm_priority.as_deref(), Some("LowPriority"));
    ws.validate_cluster_request(&low.name, &low.resource)
        .unwrap();

    // The identity examples: accepted and ignored (Azimuth has no managed identities).
    let identity =
        read("name: identity-example\ntype: amlcompute\nidentity:\n  type: system_assigned\n");
    assert_eq!(
        props(&identity).vm_size,
        "Standard_DS3_v2",
        "the CLI's default size"
    );
    assert_eq!(
        props(&identity)
            .scale_settings
            .as_ref()
            .unwrap()
            .max_node_count,
        1
    );

    // The password example: the password is in the request; the engine checks it, then drops it.
    let ssh = read(&format!(
        "name: ssh-example\ntype: amlcompute\nsize: STANDARD_DS3_v2\nmin_instances: 0\n\
         max_instances: 2\nidle_time_before_scale_down: 120\nssh_settings:\n  \
         admin_username: example-user\n  admin_password: {PASSWORD}\n"
    ));
    let account = props(&ssh).user_account_credentials.clone().unwrap();
    assert_eq!(account.admin_user_name, "example-user");
    assert_eq!(account.admin_user_password.as_deref(), Some(PASSWORD));
    let mut ws2 = Workspace::seed(t0());
    let created = ws2
        .put_compute(ADA, &ssh.name, ssh.resource, t0())
        .unwrap()
        .1;
    assert!(!serde_json::to_string(&created).unwrap().contains(PASSWORD));

    // The schedule examples, with a cron and a recurrence trigger.
    let scheduled = read(
        "$schema: https://azuremlschemas.azureedge.net/latest/computeInstance.schema.json \n\
name: schedule-example-i
type: computeinstance
size: STANDARD_DS3_v2
idle_time_before_shutdown_minutes: 30
schedules:
   compute_start_stop:
      - action: stop
        trigger:
         type: cron
         start_time: \"2021-03-10T21:21:07\"
         time_zone: Pacific Standard Time
         expression: 0 18 * * *
      - action: start
        trigger:
          type: recurrence
          start_time: \"2021-03-10T21:21:07\"
          time_zone: Pacific Standard Time
          frequency: week
          interval: 1
          schedule:
            hours:
              - 18
            minutes: [30]
            week_days:
              - Saturday
              - sunday
",
    );
    let p = props(&scheduled);
    assert_eq!(p.idle_time_before_shutdown.as_deref(), Some("PT30M"));
    let s = &p.schedules.as_ref().unwrap().compute_start_stop;
    assert_eq!(
        serde_json::to_value(s).unwrap(),
        json!([
            {"status": "Enabled", "action": "Stop", "triggerType": "Cron", "cron": {
                "expression": "0 18 * * *", "startTime": "2021-03-10T21:21:07", "timeZone": "Pacific Standard Time"}},
            {"status": "Enabled", "action": "Start", "triggerType": "Recurrence", "recurrence": {
                "frequency": "Week", "interval": 1, "startTime": "2021-03-10T21:21:07", "timeZone": "Pacific Standard Time",
                "schedule": {"hours": [18], "minutes": [30], "weekDays": ["Saturday", "Sunday"]}}}
        ])
    );
    ws.validate_instance_request(&scheduled.name, &scheduled.resource)
        .unwrap();
}

#[test]
fn scalars_are_typed_the_way_the_cli_reads_them() {
    let c = read(
        "name: ci-scalars\ntype: ComputeInstance\n\
         description: 'on'\nenable_root_access: no\nrelease_quota_on_stop: True\n\
         tags:\n  flag: \"yes\"\n  count: 123\n  empty:\n  time: '18:00'\n\
         network_settings:\n  vnet_name: vnet1\n  subnet: default\nenable_node_public_ip: off\n",
    );
    let p = props(&c);
    assert_eq!(c.resource.properties.description.as_deref(), Some("on"));
    assert_eq!(
        (p.enable_root_access, p.release_quota_on_stop),
        (Some(false), Some(true))
    );
    assert_eq!(p.enable_node_public_ip, Some(false));
    let tags: Vec<(&str, &str)> = c
        .resource
        .tags
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        tags,
        [
            ("count", "123"),
            ("empty", ""),
            ("flag", "yes"),
            ("time", "18:00")
        ]
    );
    assert_eq!(
        p.subnet.as_ref().unwrap().id,
        "/subscriptions/6f1c0a52-5a3b-4b7e-9d2e-3f7a1c2b9e10/resourceGroups/rg-azimuth-lab/providers/Microsoft.Network/virtualNetworks/vnet1/subnets/default",
        "a subnet by name is in the workspace's resource group"
    );
    let by_id = "/subscriptions/s/resourceGroups/net-rg/providers/Microsoft.Network/virtualNetworks/v2/subnets/s2";
    let c = read(&format!(
        "name: ci-id\ntype: computeinstance\nnetwork_settings:\n  subnet: {by_id}\n"
    ));
    assert_eq!(props(&c).subnet.as_ref().unwrap().id, by_id);
    // A key with SSH off.
    let c = read(&format!(
        "name: ci-key\ntype: computeinstance\nssh_public_access_enabled: false\n\
         ssh_settings:\n  ssh_key_value: {KEY}\n"
    ));
    let ssh = props(&c).ssh_settings.clone().unwrap();
    assert_eq!(
        (
            ssh.ssh_public_access.as_str(),
            ssh.admin_public_key.as_deref()
        ),
        ("Disabled", Some(KEY))
    );
}

/// A resource without what differs from one creation to the next (times, addresses).
fn meaningful(r: &ComputeResource) -> ComputeResource {
    let mut r = r.clone();
    let p = &mut r.properties;
    (p.created_on, p.modified_on) = (None, None);
    p.properties.last_operation = None;
    p.properties.connectivity_endpoints = None;
    p.properties.allocation_state_transition_time = None;
    r
}

/// Deletes `name`, creates it again from `imported` and checks that nothing meaningful changed.
fn recreate(ws: &mut Workspace, imported: ImportedCompute, now: i64) {
    let before = meaningful(&ws.compute(&imported.name).unwrap().resource);
    ws.delete(ADA, &imported.name, now).unwrap();
    ws.settle(now + 60_000);
    assert!(ws.compute(&imported.name).is_none());
    ws.put_compute(ADA, &imported.name, imported.resource, now + 60_000)
        .unwrap();
    ws.settle(now + 120_000);
    let after = meaningful(&ws.compute(&before.name).unwrap().resource);
    assert_eq!(after, before);
}

#[test]
fn an_exported_instance_reads_back_and_recreates_the_same_instance() {
    let mut ws = Workspace::seed(t0());
    let subnet = format!(
        "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Network/virtualNetworks/vnet-lab/subnets/default",
        ws.subscription_id, ws.resource_group
    );
    let body: ComputeResource = serde_json::from_value(json!({
        "location": "eastus",
        "tags": {"team": "vision", "on": "yes", "cost-center": "123", "note": "a: b # c"},
        "properties": {"computeType": "ComputeInstance", "description": "Ada's \"lab\" box", "properties": {
            "vmSize": "standard_ds11_v2",
            "subnet": {"id": subnet},
            "enableNodePublicIp": false,
            "enableRootAccess": false,
            "releaseQuotaOnStop": true,
            "sshSettings": {"sshPublicAccess": "Enabled", "adminPublicKey": KEY},
            "personalComputeInstanceSettings": {"assignedUser": {
                "objectId": "8a2c4f6e-1b3d-4e5f-a7c9-2d4f6b8e0a13", "tenantId": "72f988bf-86f1-41af-91ab-2d7cd011db47"}},
            "idleTimeBeforeShutdown": "PT90M",
            "schedules": {"computeStartStop": [
                {"action": "Stop", "status": "Disabled", "triggerType": "Cron",
                 "cron": {"expression": "0 18 * * 1-5", "startTime": "2026-12-01T00:00:00", "timeZone": "Pacific Standard Time"}},
                {"action": "Start", "triggerType": "Recurrence", "recurrence": {"frequency": "Week", "interval": 1,
                 "timeZone": "UTC", "schedule": {"hours": [7, 8], "minutes": [0, 30], "weekDays": ["Monday", "Friday"]}}}
            ]}}}})).unwrap();
    ws.create_instance(ADA, "ci-round", body, t0()).unwrap();
    ws.settle(t0() + 30_000);
    let resource = ws.compute("ci-round").unwrap().resource.clone();
    let text = instance_yaml("ci-round", &resource, &ws);
    let imported = compute_from_yaml(&text, &ws).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(imported.name, "ci-round");
    let (got, want) = (props(&imported), &resource.properties.properties);
    assert_eq!(got.vm_size, "Standard_DS11_v2");
    assert_eq!(got.subnet, want.subnet);
    assert_eq!(got.enable_node_public_ip, Some(false));
    assert_eq!(
        (got.enable_root_access, got.release_quota_on_stop),
        (Some(false), Some(true))
    );
    let ssh = got.ssh_settings.as_ref().unwrap();
    assert_eq!(
        (
            ssh.ssh_public_access.as_str(),
            ssh.admin_public_key.as_deref()
        ),
        ("Enabled", Some(KEY))
    );
    assert_eq!(
        got.personal_compute_instance_settings,
        want.personal_compute_instance_settings
    );
    assert_eq!(got.idle_time_before_shutdown.as_deref(), Some("PT90M"));
    let mut schedules = want.schedules.clone().unwrap();
    schedules
        .compute_start_stop
        .iter_mut()
        .for_each(|s| s.id = None);
    assert_eq!(
        got.schedules.as_ref(),
        Some(&schedules),
        "schedules without their read-only ids"
    );
    assert_eq!(imported.resource.tags, resource.tags);
    assert_eq!(
        imported.resource.properties.description,
        resource.properties.description
    );
    assert_eq!(imported.resource.location.as_deref(), Some("eastus"));
    recreate(&mut ws, imported, t0() + 60_000);
}

#[test]
fn an_exported_cluster_reads_back_and_recreates_the_same_cluster() {
    let mut ws = Workspace::seed(t0());
    let body: ComputeResource = serde_json::from_value(json!({
        "location": "eastus",
        "tags": {"owner": "ada", "yes": "no"},
        "properties": {"computeType": "AmlCompute", "description": "Training: nightly", "properties": {
            "vmSize": "Standard_DS3_v2", "vmPriority": "LowPriority",
            "scaleSettings": {"minNodeCount": 1, "maxNodeCount": 4, "nodeIdleTimeBeforeScaleDown": "PT300S"},
            "remoteLoginPortPublicAccess": "Disabled",
            "userAccountCredentials": {"adminUserName": "azureuser", "adminUserSshPublicKey": KEY, "adminUserPassword": PASSWORD},
            "enableNodePublicIp": true
        }}})).unwrap();
    ws.put_compute(ADA, "cpu-round", body, t0()).unwrap();
    ws.settle(t0() + 30_000);
    let resource = ws.compute("cpu-round").unwrap().resource.clone();
    let text = cluster_yaml("cpu-round", &resource, &ws);
    assert!(!text.contains(PASSWORD));
    let imported = compute_from_yaml(&text, &ws).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let (got, want) = (props(&imported), &resource.properties.properties);
    assert_eq!(imported.resource.properties.compute_type, "AmlCompute");
    assert_eq!(got.vm_size, want.vm_size);
    assert_eq!(got.scale_settings, want.scale_settings);
    assert_eq!(got.vm_priority.as_deref(), Some("LowPriority"));
    assert_eq!(
        got.remote_login_port_public_access.as_deref(),
        Some("Disabled")
    );
    assert_eq!(got.user_account_credentials, want.user_account_credentials);
    assert_eq!(got.enable_node_public_ip, Some(true));
    assert_eq!(imported.resource.tags, resource.tags);
    assert_eq!(
        imported.resource.properties.description,
        resource.properties.description
    );
    recreate(&mut ws, imported, t0() + 60_000);
}

/// The error of `text`, checked for its line and field.
fn fails_at(text: &str, line: Option<usize>, field: Option<&str>) -> YamlError {
    let e = fail(text);
    assert_eq!((e.line, e.field.as_deref()), (line, field), "{e}");
    e
}

const HEAD: &str = "name: cpu\ntype: amlcompute\n";

#[test]
fn errors_name_the_line_and_the_field() {
    let e = fails_at(
        &format!("{HEAD}size: STANDARD_DS3_v2\nmin_instances: 0\nmax_instances: many\n"),
        Some(5),
        Some("max_instances"),
    );
    assert_eq!(
        e.to_string(),
        "line 5, field max_instances: expected a whole number from 1 to 100, found \"many\""
    );
    let e = fails_at(
        &format!("{HEAD}min_instances: \"0\"\n"),
        Some(3),
        Some("min_instances"),
    );
    assert!(e.message.contains("the quoted string \"0\""), "{e}");
    fails_at(
        &format!("{HEAD}max_instances: 101\n"),
        Some(3),
        Some("max_instances"),
    );
    fails_at(
        &format!("{HEAD}max_instances: -1\n"),
        Some(3),
        Some("max_instances"),
    );
    let e = fails_at(&format!("{HEAD}tier: spot\n"), Some(3), Some("tier"));
    assert!(e.message.contains("one of dedicated, low_priority"), "{e}");
    let e = fails_at(
        "name: ci\ntype: computeinstance\nenable_root_access: \"true\"\n",
        Some(3),
        Some("enable_root_access"),
    );
    assert!(e.message.starts_with("expected true or false"), "{e}");
    fails_at(
        &format!("{HEAD}ssh_settings: azureuser\n"),
        Some(3),
        Some("ssh_settings"),
    );
    fails_at(
        &format!("{HEAD}ssh_settings:\n  ssh_key_value: k\n"),
        Some(3),
        Some("ssh_settings.admin_username"),
    );
    fails_at(
        &format!("{HEAD}tags:\n  a: [1, 2]\n"),
        Some(4),
        Some("tags.a"),
    );
    fails_at(
        "name: ci\ntype: computeinstance\nnetwork_settings:\n  subnet: /subscriptions/x\n",
        Some(4),
        Some("network_settings.subnet"),
    );
    fails_at(
        "name: ci\ntype: computeinstance\nnetwork_settings:\n  subnet: default\n",
        Some(3),
        Some("network_settings.vnet_name"),
    );
    let schedule = "name: ci\ntype: computeinstance\nschedules:\n  compute_start_stop:\n    - action: start\n      trigger:\n        type: recurrence\n        frequency: day\n        schedule:\n          hours: [6, 25]\n          minutes: 0\n";
    let e = fails_at(
        schedule,
        Some(10),
        Some("schedules.compute_start_stop[0].trigger.schedule.hours[1]"),
    );
    assert!(e.message.contains("from 0 to 23"), "{e}");
    let e = fails_at(
        &schedule.replace("action: start", "action: pause"),
        Some(5),
        Some("schedules.compute_start_stop[0].action"),
    );
    assert!(e.message.contains("one of start, stop"), "{e}");
    fails_at(
        &schedule.replace("        frequency: day\n", ""),
        Some(6),
        Some("schedules.compute_start_stop[0].trigger.frequency"),
    );
}

#[test]
fn bad_yaml_gives_its_line() {
    // A key indented under a scalar, a tab, an unclosed quote, an unclosed list.
    for (text, line) in [
        ("name: cpu\ntype: amlcompute\n  size: Standard_DS3_v2\n", 3),
        (
            "name: cpu\ntype: amlcompute\nssh_settings:\n\tadmin_username: a\n",
            4,
        ),
        (
            "name: cpu\ntype: amlcompute\ndescription: \"open\nsize: x\n",
            3,
        ),
        ("name: cpu\ntype: amlcompute\ntags: [a, b\nsize: x\n", 4),
        ("name: cpu\n- a\n", 2),
    ] {
        let e = fail(text);
        assert_eq!(
            (e.line, e.field.as_deref()),
            (Some(line), None),
            "{text:?}: {e}"
        );
        assert!(e.message.starts_with("not valid YAML (column "), "{e}");
    }
    let e = fails_at(
        "name: cpu\nname: gpu\ntype: amlcompute\n",
        Some(2),
        Some("name"),
    );
    assert!(e.message.contains("twice"), "{e}");
    let e = fails_at(
        "name: a\ntype: amlcompute\n---\nname: b\ntype: amlcompute\n",
        Some(3),
        None,
    );
    assert!(e.message.contains("more than one YAML document"), "{e}");
    assert!(fail("# nothing here\n").message.contains("empty"));
    for alias in ["name: &n cpu\ntype: amlcompute\n", "x: &a [1]\nname: *a\n"] {
        assert!(
            fail(alias).message.contains("anchors and aliases"),
            "{alias}"
        );
    }
    let e = fails_at("- name: cpu\n", Some(1), None);
    assert!(e.message.contains("expected a map"), "{e}");
    // Deep nesting is refused, not a stack overflow: flow nesting by the parser, block by us.
    let flow = format!("{HEAD}tags: {}{}\n", "[".repeat(5_000), "]".repeat(5_000));
    assert!(
        fail(&flow).message.contains("recursion limit"),
        "{}",
        fail(&flow)
    );
    let block = format!("{HEAD}tags:\n  {}x\n", "- ".repeat(100_000));
    assert!(
        fail(&block).message.contains("nested too deeply"),
        "{}",
        fail(&block)
    );
}

#[test]
fn unknown_keys_missing_keys_and_unknown_types_are_refused() {
    let e = fails_at(
        &format!("{HEAD}colour: blue\nsize: x\nnodes: 3\n"),
        Some(3),
        Some("colour"),
    );
    assert!(e.message.starts_with("unknown fields \"colour\", \"nodes\"; a file of type amlcompute may have only: $schema, name, type"), "{e}");
    // Instance-only keys are unknown in a cluster, and the other way round.
    fails_at(
        &format!("{HEAD}enable_root_access: true\n"),
        Some(3),
        Some("enable_root_access"),
    );
    fails_at(
        "name: ci\ntype: computeinstance\nmax_instances: 2\n",
        Some(3),
        Some("max_instances"),
    );
    fails_at(
        &format!("{HEAD}ssh_settings:\n  admin_username: a\n  pasword: x\n"),
        Some(5),
        Some("ssh_settings.pasword"),
    );
    let e = fails_at("type: amlcompute\nsize: x\n", None, Some("name"));
    assert_eq!(e.to_string(), "field name: name is required");
    fails_at("name: ~\ntype: amlcompute\n", None, Some("name"));
    fails_at("name: cpu\nsize: x\n", None, Some("type"));
    let e = fails_at("name: dbx\ntype: databricks\n", Some(2), Some("type"));
    assert!(
        e.message.contains(
            "\"databricks\" is not supported; use one of: computeinstance, amlcompute, kubernetes, virtualmachine"
        ),
        "{e}"
    );
    // A huge file is refused whole, before it is read.
    let huge = format!("{HEAD}description: {}\n", "x".repeat(300 * 1024));
    let e = fails_at(&huge, None, None);
    assert!(
        e.message.contains("a compute file is at most 256 KB"),
        "{e}"
    );
    // An attached kind needs what it is attached to.
    fails_at("name: k8s\ntype: kubernetes\n", None, Some("resource_id"));
    // An exported cluster has its username but never its password: the error says what to add.
    let e = fails_at(
        &format!("{HEAD}ssh_settings:\n  admin_username: azureuser\n"),
        Some(3),
        Some("ssh_settings"),
    );
    assert!(
        e.message.contains("needs admin_password or ssh_key_value"),
        "{e}"
    );
    // The CLI reads ssh_private_key_file from a path; a web page cannot, and says so.
    let e = fails_at(
        "name: vm\ntype: virtualmachine\nresource_id: /subscriptions/x/resourceGroups/y/providers/Microsoft.Compute/virtualMachines/vm\nssh_settings:\n  admin_username: azureuser\n  ssh_private_key_file: ~/.ssh/id_rsa\n",
        Some(6),
        Some("ssh_settings.ssh_private_key_file"),
    );
    assert!(
        e.message.contains("cannot read a file from your computer"),
        "{e}"
    );
}

#[test]
fn a_password_never_appears_in_an_error() {
    let ssh = format!("ssh_settings:\n  admin_username: azureuser\n  admin_password: {PASSWORD}\n");
    let quoted =
        format!("ssh_settings:\n  admin_username: azureuser\n  admin_password: \"{PASSWORD}\"\n");
    for text in [
        format!("{HEAD}{ssh}max_instances: many\n"),
        format!("{HEAD}{ssh}colour: blue\n"),
        format!("{HEAD}{quoted}  extra: 1\n"),
        format!("{HEAD}ssh_settings:\n  admin_username: azureuser\n  admin_password: &pw {PASSWORD}\nmax_instances: *pw\n"),
        format!("{HEAD}ssh_settings:\n  admin_username: azureuser\n  admin_password: &pw \"{PASSWORD}\"\nenable_node_public_ip: *pw\n"),
        format!("{HEAD}ssh_settings:\n  admin_username: azureuser\n  admin_password: @{PASSWORD}\n"),
        format!("{HEAD}ssh_settings:\n  admin_username: azureuser\n  admin_password: \"{PASSWORD}\n"),
        format!("{HEAD}ssh_settings:\n  admin_username: azureuser\n  admin_password: {PASSWORD}: x\n"),
        format!("{HEAD}ssh_settings:\n  admin_username: azureuser\n  admin_password: {{a: {PASSWORD}}}\n"),
        format!("{HEAD}ssh_settings:\n  admin_username: azureuser\n  admin_password:\n    - {PASSWORD}\n"),
        format!("name: ci\ntype: computeinstance\n{ssh}"),
    ] {
        let e = fail(&text);
        let shown = format!("{e} {e:?}");
        assert!(!shown.contains(&PASSWORD[..6]), "{shown}");
    }
}
