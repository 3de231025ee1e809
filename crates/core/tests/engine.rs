//! The engine end to end: create, lifecycle, quotas, idle shutdown, schedules and roles.

use azimuth_core::compute::*;
use azimuth_core::time::{parse_iso, MINUTE};
use azimuth_core::{ComputeResource, Operation, Pace, Workspace};
use serde_json::json;

const ADA: &str = "Ada Lovelace";
const GRACE: &str = "Grace Hopper";
const ALAN: &str = "Alan Turing";
const KATHERINE: &str = "Katherine Johnson";

fn t0() -> i64 {
    parse_iso("2026-11-23T09:00:00Z").unwrap()
}

fn body(size: &str) -> ComputeResource {
    serde_json::from_value(
        json!({"properties": {"computeType": "ComputeInstance", "properties": {"vmSize": size}}}),
    )
    .unwrap()
}

fn state(ws: &Workspace, name: &str) -> String {
    ws.compute(name)
        .unwrap()
        .resource
        .properties
        .properties
        .state
        .clone()
        .unwrap()
}

fn running(ws: &mut Workspace, name: &str, now: i64) {
    ws.create_instance(ADA, name, body("Standard_DS11_v2"), now)
        .unwrap();
    ws.settle(now + 10_000);
    assert_eq!(state(ws, name), "Running");
}

#[test]
fn create_goes_from_creating_to_running_at_the_fast_pace() {
    let mut ws = Workspace::seed(t0());
    let created = ws
        .create_instance(ADA, "ci-a1b", body("STANDARD_DS11_V2"), t0())
        .unwrap()
        .clone();
    assert_eq!(
        created.properties.provisioning_state.as_deref(),
        Some("Creating")
    );
    assert_eq!(created.properties.properties.vm_size, "Standard_DS11_v2");
    assert_eq!(created.resource_type, azimuth_core::arm::COMPUTE_TYPE);
    assert!(created
        .id
        .ends_with("/workspaces/mlw-azimuth-lab/computes/ci-a1b"));
    let last = created
        .properties
        .properties
        .last_operation
        .clone()
        .unwrap();
    assert_eq!(
        (
            last.operation_name.as_str(),
            last.operation_status.as_str(),
            last.operation_trigger.as_str()
        ),
        ("Create", "InProgress", "User")
    );
    assert!(!ws.settle(t0() + 9_999));
    assert_eq!(state(&ws, "ci-a1b"), "Creating");
    assert!(ws.settle(t0() + 10_000));
    let c = &ws.compute("ci-a1b").unwrap().resource;
    assert_eq!(
        c.properties.provisioning_state.as_deref(),
        Some("Succeeded")
    );
    assert_eq!(c.properties.properties.state.as_deref(), Some("Running"));
    assert_eq!(
        c.properties
            .properties
            .ssh_settings
            .as_ref()
            .unwrap()
            .admin_user_name
            .as_deref(),
        Some("azureuser")
    );
    assert_eq!(
        c.properties
            .properties
            .last_operation
            .as_ref()
            .unwrap()
            .operation_status,
        "Succeeded"
    );
    // The stored resource serializes as ARM JSON and reads back identically.
    let text = serde_json::to_string(c).unwrap();
    assert_eq!(&serde_json::from_str::<ComputeResource>(&text).unwrap(), c);
    assert!(text.contains("\"personalComputeInstanceSettings\":{\"assignedUser\""));
}

#[test]
fn every_transition_allowed_and_refused() {
    let mut ws = Workspace::seed(t0());
    let mut now = t0();
    running(&mut ws, "ci-one", now);
    now += 10_000;
    assert_eq!(
        ws.operate(ADA, "ci-one", Operation::Start, now)
            .unwrap_err()
            .code(),
        "StartComputeInstanceOnlyAllowedInStoppedState"
    );
    ws.operate(ADA, "ci-one", Operation::Stop, now).unwrap();
    assert_eq!(state(&ws, "ci-one"), "Stopping");
    assert_eq!(
        ws.operate(ADA, "ci-one", Operation::Start, now + 1)
            .unwrap_err()
            .code(),
        "Conflict"
    );
    ws.settle(now + 4_000);
    assert_eq!(state(&ws, "ci-one"), "Stopped");
    assert_eq!(
        ws.operate(ADA, "ci-one", Operation::Stop, now + 4_000)
            .unwrap_err()
            .code(),
        "StopComputeInstanceOnlyAllowedInRunningState"
    );
    assert_eq!(
        ws.operate(ADA, "ci-one", Operation::Restart, now + 4_000)
            .unwrap_err()
            .code(),
        "RestartComputeInstanceOnlyAllowedInRunningState"
    );
    ws.operate(ADA, "ci-one", Operation::Start, now + 4_000)
        .unwrap();
    assert_eq!(state(&ws, "ci-one"), "Starting");
    ws.settle(now + 9_000);
    assert_eq!(state(&ws, "ci-one"), "Running");
    ws.operate(ADA, "ci-one", Operation::Restart, now + 9_000)
        .unwrap();
    assert_eq!(state(&ws, "ci-one"), "Restarting");
    ws.settle(now + 15_000);
    assert_eq!(state(&ws, "ci-one"), "Running");
    ws.delete(ADA, "CI-ONE", now + 15_000).unwrap();
    assert_eq!(state(&ws, "ci-one"), "Deleting");
    assert_eq!(
        ws.compute("ci-one")
            .unwrap()
            .resource
            .properties
            .provisioning_state
            .as_deref(),
        Some("Deleting")
    );
    ws.settle(now + 18_000);
    assert!(ws.compute("ci-one").is_none());
    assert_eq!(
        ws.operate(ADA, "ci-one", Operation::Start, now + 18_000)
            .unwrap_err()
            .code(),
        "ResourceNotFound"
    );
}

#[test]
fn names_are_checked_and_unique_in_the_region() {
    let mut ws = Workspace::seed(t0());
    assert_eq!(
        ws.create_instance(ADA, "cpu-cluster-1", body("Standard_DS11_v2"), t0())
            .unwrap_err()
            .code(),
        "BadRequest"
    );
    ws.create_instance(ADA, "Lab-VM2", body("Standard_DS11_v2"), t0())
        .unwrap();
    let dup = ws
        .create_instance(ADA, "lab-vm2", body("Standard_DS11_v2"), t0())
        .unwrap_err();
    assert_eq!(dup.code(), "Conflict");
    assert!(dup.message().contains("unique within a region"));
    assert!(ws.check_new_name("lab-vm2").is_err());
    assert_eq!(
        ws.create_instance(ADA, "ci-big", body("Standard_XL_v9"), t0())
            .unwrap_err()
            .code(),
        "BadRequest"
    );
}

#[test]
fn quotas_hold_until_released() {
    let mut ws = Workspace::seed(t0());
    // GPU families have 6 vCPUs: one NC4as_T4 (4) fits, a second does not.
    ws.create_instance(ADA, "gpu-a", body("Standard_NC4as_T4_v3"), t0())
        .unwrap();
    let e = ws
        .create_instance(ADA, "gpu-b", body("Standard_NC4as_T4_v3"), t0())
        .unwrap_err();
    assert_eq!(e.code(), "QuotaExceeded");
    assert!(
        e.message().contains("standardNCASv3_T4Family")
            && e.message().contains("Current Limit: 6")
            && e.message().contains("Current Usage: 4")
    );
    // A stopped instance keeps its quota...
    ws.settle(t0() + 10_000);
    ws.operate(ADA, "gpu-a", Operation::Stop, t0() + 10_000)
        .unwrap();
    ws.settle(t0() + 20_000);
    assert!(ws
        .create_instance(ADA, "gpu-b", body("Standard_NC4as_T4_v3"), t0() + 20_000)
        .is_err());
    // ...unless releaseQuotaOnStop, and then starting needs the quota back.
    let mut release = body("Standard_NC4as_T4_v3");
    release.properties.properties.release_quota_on_stop = Some(true);
    let mut ws = Workspace::seed(t0());
    ws.create_instance(ADA, "gpu-r", release, t0()).unwrap();
    ws.settle(t0() + 10_000);
    ws.operate(ADA, "gpu-r", Operation::Stop, t0() + 10_000)
        .unwrap();
    ws.settle(t0() + 20_000);
    let used = |ws: &Workspace| {
        ws.quota_usage()
            .into_iter()
            .find(|u| u.family == "standardNCASv3_T4Family")
            .unwrap()
            .used
    };
    assert_eq!(used(&ws), 0);
    ws.create_instance(
        ADA,
        "gpu-other",
        body("Standard_NC4as_T4_v3"),
        t0() + 20_000,
    )
    .unwrap();
    assert_eq!(
        ws.operate(ADA, "gpu-r", Operation::Start, t0() + 20_000)
            .unwrap_err()
            .code(),
        "QuotaExceeded"
    );
    ws.quota_limits.insert("standardNCASv3_T4Family".into(), 8);
    ws.operate(ADA, "gpu-r", Operation::Start, t0() + 20_000)
        .unwrap();
    assert_eq!(used(&ws), 8);
}

#[test]
fn idle_shutdown_stops_an_idle_instance_and_activity_postpones_it() {
    let mut ws = Workspace::seed(t0());
    let mut b = body("Standard_DS11_v2");
    b.properties.properties.idle_time_before_shutdown = Some("PT30M".into());
    ws.create_instance(ADA, "ci-idle", b, t0()).unwrap();
    let running_at = t0() + 10_000;
    ws.settle(running_at + 20 * MINUTE);
    ws.open_application(ADA, "ci-idle", "Jupyter Lab", running_at + 20 * MINUTE)
        .unwrap();
    ws.settle(running_at + 49 * MINUTE);
    assert_eq!(
        state(&ws, "ci-idle"),
        "Running",
        "activity at 20 min moved the deadline to 50 min"
    );
    ws.settle(running_at + 50 * MINUTE);
    assert_eq!(state(&ws, "ci-idle"), "Stopping");
    let last = ws
        .compute("ci-idle")
        .unwrap()
        .resource
        .properties
        .properties
        .last_operation
        .clone()
        .unwrap();
    assert_eq!(
        (
            last.operation_name.as_str(),
            last.operation_trigger.as_str()
        ),
        ("Stop", "IdleShutdown")
    );
    ws.settle(running_at + 51 * MINUTE);
    assert_eq!(state(&ws, "ci-idle"), "Stopped");
    assert_eq!(ws.activity[0].actor, "Idle shutdown");
}

#[test]
fn schedules_start_and_stop_in_their_time_zone() {
    let mut ws = Workspace::seed(t0());
    let b: ComputeResource = serde_json::from_value(json!({"properties": {"computeType": "ComputeInstance", "properties": {
        "vmSize": "Standard_DS3_v2",
        "schedules": {"computeStartStop": [
            {"action": "Stop", "triggerType": "Cron", "cron": {"expression": "0 18 * * *", "timeZone": "Pacific Standard Time"}},
            {"action": "Start", "triggerType": "Recurrence", "recurrence": {"frequency": "Week", "interval": 1, "timeZone": "Pacific Standard Time",
                "schedule": {"hours": [8], "minutes": [0], "weekDays": ["Tuesday"]}}}
        ]}}}})).unwrap();
    ws.create_instance(ADA, "ci-sched", b, t0()).unwrap();
    // Monday 23 Nov 18:00 PST = 24 Nov 02:00 UTC.
    ws.settle(parse_iso("2026-11-24T01:59:00Z").unwrap());
    assert_eq!(state(&ws, "ci-sched"), "Running");
    ws.settle(parse_iso("2026-11-24T02:00:00Z").unwrap());
    assert_eq!(state(&ws, "ci-sched"), "Stopping");
    assert_eq!(
        ws.compute("ci-sched")
            .unwrap()
            .resource
            .properties
            .properties
            .last_operation
            .as_ref()
            .unwrap()
            .operation_trigger,
        "Schedule"
    );
    // Tuesday 08:00 PST = 16:00 UTC: started by the schedule, then stopped again at 18:00 PST.
    ws.settle(parse_iso("2026-11-24T16:00:05Z").unwrap());
    assert_eq!(state(&ws, "ci-sched"), "Running");
    ws.settle(parse_iso("2026-11-25T02:00:10Z").unwrap());
    assert_eq!(state(&ws, "ci-sched"), "Stopped");
    let too_many = json!({"properties": {"computeType": "ComputeInstance", "properties": {"vmSize": "Standard_DS3_v2",
        "schedules": {"computeStartStop": (0..5).map(|_| json!({"action": "Stop", "triggerType": "Cron", "cron": {"expression": "0 18 * * *"}})).collect::<Vec<_>>()}}}});
    let e = ws
        .create_instance(
            ADA,
            "ci-five",
            serde_json::from_value(too_many).unwrap(),
            t0(),
        )
        .unwrap_err();
    assert!(e.message().contains("at most 4"));
}

#[test]
fn roles_are_enforced_by_the_engine() {
    let mut ws = Workspace::seed(t0());
    let e = ws
        .create_instance(ALAN, "ci-reader", body("Standard_DS11_v2"), t0())
        .unwrap_err();
    assert_eq!(e.code(), "AuthorizationFailed");
    assert!(e.message().contains("computes/write") && e.message().contains("alan@contoso.com"));
    assert_eq!(
        ws.create_instance(GRACE, "ci-grace", body("Standard_DS11_v2"), t0())
            .unwrap_err()
            .code(),
        "AuthorizationFailed"
    );
    // Katherine (Compute Operator) creates an instance on behalf of Grace.
    let mut b = body("Standard_DS11_v2");
    let grace_id = ws.member(GRACE).unwrap().object_id.clone();
    b.properties.properties.personal_compute_instance_settings = Some(PersonalSettings {
        assigned_user: AssignedUser {
            object_id: grace_id,
            tenant_id: ws.tenant_id.clone(),
        },
    });
    ws.create_instance(KATHERINE, "ci-for-grace", b, t0())
        .unwrap();
    ws.settle(t0() + 10_000);
    assert_eq!(
        ws.open_application(KATHERINE, "ci-for-grace", "Jupyter", t0() + 10_000)
            .unwrap_err()
            .code(),
        "AuthorizationFailed"
    );
    assert!(ws
        .open_application(GRACE, "ci-for-grace", "Jupyter", t0() + 10_000)
        .unwrap()
        .ends_with("/tree"));
    // Grace may stop and start, not delete; Alan may do neither.
    ws.operate(GRACE, "ci-for-grace", Operation::Stop, t0() + 10_000)
        .unwrap();
    assert_eq!(
        ws.delete(GRACE, "ci-for-grace", t0() + 20_000)
            .unwrap_err()
            .code(),
        "AuthorizationFailed"
    );
    let refused = ws
        .operate(ALAN, "ci-for-grace", Operation::Start, t0() + 20_000)
        .unwrap_err();
    assert_eq!(refused.code(), "AuthorizationFailed");
    assert!(refused.message().contains("computes/start/action"));
    let refused = ws
        .operate(ALAN, "ci-for-grace", Operation::Restart, t0() + 20_000)
        .unwrap_err();
    assert!(refused.message().contains("computes/restart/action"));
    assert_eq!(
        ws.set_pace(KATHERINE, Pace::Instant, t0())
            .unwrap_err()
            .code(),
        "AuthorizationFailed"
    );
    ws.set_pace(ADA, Pace::Instant, t0() + 20_000).unwrap();
    ws.delete(KATHERINE, "ci-for-grace", t0() + 20_000).unwrap();
    ws.settle(t0() + 20_000);
    assert!(
        ws.compute("ci-for-grace").is_none(),
        "instant pace deletes at once"
    );
}

#[test]
fn bad_requests_name_the_field() {
    let ws = Workspace::seed(t0());
    let with = |patch: serde_json::Value| -> String {
        let mut v = json!({"properties": {"computeType": "ComputeInstance", "properties": {"vmSize": "Standard_DS11_v2"}}});
        for (k, val) in patch.as_object().unwrap() {
            v["properties"]["properties"][k] = val.clone();
        }
        ws.validate_instance_request("ci-x", &serde_json::from_value(v).unwrap())
            .unwrap_err()
            .message()
            .to_owned()
    };
    assert!(
        with(json!({"idleTimeBeforeShutdown": "PT5M"})).contains("between 15 minutes and 3 days")
    );
    assert!(with(json!({"idleTimeBeforeShutdown": "soon"})).contains("ISO 8601"));
    assert!(with(
        json!({"sshSettings": {"sshPublicAccess": "Enabled", "adminPublicKey": "ssh-rsa"}})
    )
    .contains("no key data"));
    assert!(
        with(json!({"sshSettings": {"sshPublicAccess": "Maybe"}})).contains("Enabled or Disabled")
    );
    assert!(with(json!({"subnet": {"id": "vnet"}})).contains("not a subnet id"));
    assert!(with(json!({"enableNodePublicIp": false})).contains("virtual network"));
    assert!(with(json!({"personalComputeInstanceSettings": {"assignedUser": {"objectId": "nobody", "tenantId": "t"}}})).contains("not a member"));
    let cluster: ComputeResource =
        serde_json::from_value(json!({"properties": {"computeType": "AmlCompute"}})).unwrap();
    assert!(ws
        .validate_instance_request("ci-x", &cluster)
        .unwrap_err()
        .message()
        .contains("AmlCompute"));
    let mut west = body("Standard_DS11_v2");
    west.location = Some("westeurope".into());
    assert!(ws
        .validate_instance_request("ci-x", &west)
        .unwrap_err()
        .message()
        .contains("region"));
}

#[test]
fn a_workspace_left_alone_for_a_year_settles_quickly() {
    let mut ws = Workspace::seed(t0());
    let b: ComputeResource = serde_json::from_value(
        json!({"properties": {"computeType": "ComputeInstance", "properties": {
        "vmSize": "Standard_DS3_v2", "idleTimeBeforeShutdown": "PT15M",
        "schedules": {"computeStartStop": [
            {"action": "Start", "triggerType": "Cron", "cron": {"expression": "0 8 * * *"}},
            {"action": "Stop", "triggerType": "Cron", "cron": {"expression": "0 20 * * *"}}]}}}}),
    )
    .unwrap();
    ws.create_instance(ADA, "ci-year", b, t0()).unwrap();
    ws.settle(t0() + 365 * 24 * 60 * MINUTE);
    assert!(ws.activity.len() <= 40);
    assert!(ws.next_event_at().is_some());
}

#[test]
fn a_schedule_due_while_an_operation_finishes_fires_however_often_settle_runs() {
    let make = || {
        let mut ws = Workspace::seed(t0());
        let b: ComputeResource = serde_json::from_value(json!({"properties": {"computeType": "ComputeInstance", "properties": {
            "vmSize": "Standard_DS3_v2",
            "schedules": {"computeStartStop": [
                {"action": "Start", "triggerType": "Cron", "cron": {"expression": "0 10 * * *", "timeZone": "UTC"}}]}}}}))
        .unwrap();
        ws.create_instance(ADA, "ci-race", b, t0()).unwrap();
        ws.settle(t0() + 10_000);
        // Stopped at 09:59:58; the stop finishes at 10:00:02, after the 10:00 start was due.
        ws.operate(
            ADA,
            "ci-race",
            Operation::Stop,
            parse_iso("2026-11-23T09:59:58Z").unwrap(),
        )
        .unwrap();
        ws
    };
    let end = parse_iso("2026-11-23T10:00:30Z").unwrap();
    let mut once = make();
    once.settle(end);
    let mut often = make();
    for s in 0..=32 {
        often.settle(parse_iso("2026-11-23T09:59:58Z").unwrap() + s * 1000);
    }
    often.settle(end);
    assert_eq!(state(&once, "ci-race"), state(&often, "ci-race"));
    assert_eq!(once.computes, often.computes);
}

#[test]
fn a_scheduled_start_that_the_quota_does_not_allow_is_refused_visibly() {
    let mut ws = Workspace::seed(t0());
    let b: ComputeResource = serde_json::from_value(json!({"properties": {"computeType": "ComputeInstance", "properties": {
        "vmSize": "Standard_NC4as_T4_v3", "releaseQuotaOnStop": true,
        "schedules": {"computeStartStop": [
            {"action": "Start", "triggerType": "Cron", "cron": {"expression": "0 12 * * *", "timeZone": "UTC"}}]}}}}))
    .unwrap();
    ws.create_instance(ADA, "gpu-sched", b, t0()).unwrap();
    ws.settle(t0() + 10_000);
    ws.operate(ADA, "gpu-sched", Operation::Stop, t0() + 10_000)
        .unwrap();
    ws.settle(t0() + 20_000);
    // While it is stopped (quota released), someone else takes the GPU quota.
    ws.create_instance(
        ADA,
        "gpu-other",
        body("Standard_NC4as_T4_v3"),
        t0() + 20_000,
    )
    .unwrap();
    ws.settle(parse_iso("2026-11-23T12:00:05Z").unwrap());
    assert_eq!(state(&ws, "gpu-sched"), "Stopped");
    let last = ws
        .compute("gpu-sched")
        .unwrap()
        .resource
        .properties
        .properties
        .last_operation
        .clone()
        .unwrap();
    assert_eq!(
        (
            last.operation_status.as_str(),
            last.operation_trigger.as_str()
        ),
        ("StartFailed", "Schedule")
    );
    assert!(ws.activity[0]
        .text
        .contains("could not start compute instance gpu-sched"));
    let usage = ws
        .quota_usage()
        .into_iter()
        .find(|u| u.family == "standardNCASv3_T4Family")
        .unwrap();
    assert!(usage.used <= usage.limit);
}

#[test]
fn put_creates_then_updates_what_may_change_and_refuses_the_rest() {
    let mut ws = Workspace::seed(t0());
    let (created, _) = ws
        .put_compute(ADA, "ci-put", body("Standard_DS11_v2"), t0())
        .unwrap();
    assert!(created);
    let mut update = body("Standard_DS11_v2");
    update.tags.insert("team".into(), "vision".into());
    update.properties.properties.idle_time_before_shutdown = Some("PT30M".into());
    let (created, resource) = ws.put_compute(ADA, "CI-PUT", update, t0() + 1_000).unwrap();
    assert!(!created);
    assert_eq!(
        resource.tags.get("team").map(String::as_str),
        Some("vision")
    );
    assert_eq!(
        resource
            .properties
            .properties
            .idle_time_before_shutdown
            .as_deref(),
        Some("PT30M")
    );
    assert_eq!(resource.properties.properties.vm_size, "Standard_DS11_v2");
    let bigger = ws
        .put_compute(ADA, "ci-put", body("Standard_DS3_v2"), t0() + 2_000)
        .unwrap_err();
    assert!(bigger
        .message()
        .contains("cannot be changed to Standard_DS3_v2"));
    let mut cluster = body("Standard_DS11_v2");
    cluster.properties.compute_type = "AmlCompute".into();
    assert!(ws
        .put_compute(ADA, "ci-put", cluster, t0() + 2_000)
        .unwrap_err()
        .message()
        .contains("compute type"));
    let mut bad_idle = body("Standard_DS11_v2");
    bad_idle.properties.properties.idle_time_before_shutdown = Some("PT1M".into());
    assert_eq!(
        ws.put_compute(ADA, "ci-put", bad_idle, t0() + 2_000)
            .unwrap_err()
            .code(),
        "BadRequest"
    );
    assert_eq!(
        ws.put_compute(ALAN, "ci-put", body("Standard_DS11_v2"), t0() + 2_000)
            .unwrap_err()
            .code(),
        "AuthorizationFailed"
    );
}

#[test]
fn a_shutdown_can_be_skipped_once() {
    use azimuth_core::{next_shutdown, Trigger};
    let mut ws = Workspace::seed(t0());
    let instance = |properties: serde_json::Value| -> ComputeResource {
        let mut p = json!({"vmSize": "Standard_DS3_v2"});
        p.as_object_mut()
            .unwrap()
            .extend(properties.as_object().unwrap().clone());
        serde_json::from_value(
            json!({"properties": {"computeType": "ComputeInstance", "properties": p}}),
        )
        .unwrap()
    };
    ws.create_instance(
        ADA,
        "ci-idle",
        instance(json!({"idleTimeBeforeShutdown": "PT60M"})),
        t0(),
    )
    .unwrap();
    let stop_at_six = json!({"schedules": {"computeStartStop": [
        {"action": "Stop", "triggerType": "Cron", "cron": {"expression": "0 18 * * *", "timeZone": "UTC"}}]}});
    ws.create_instance(ADA, "ci-sched", instance(stop_at_six), t0())
        .unwrap();
    let ready = t0() + 10_000;
    ws.settle(ready);
    let shutdown = |ws: &Workspace, name: &str, now| next_shutdown(ws.compute(name).unwrap(), now);

    // Idle shutdown: skipping it restarts the idle time.
    assert_eq!(
        shutdown(&ws, "ci-idle", ready),
        Some((ready + 60 * MINUTE, Trigger::IdleShutdown))
    );
    let at = t0() + 50 * MINUTE;
    assert_eq!(
        ws.skip_shutdown(ADA, "ci-idle", at).unwrap().1,
        Trigger::IdleShutdown
    );
    assert_eq!(
        shutdown(&ws, "ci-idle", at),
        Some((at + 60 * MINUTE, Trigger::IdleShutdown))
    );
    assert!(ws.activity[0]
        .text
        .contains("postponed the idle shutdown of compute instance ci-idle"));

    // A scheduled stop: skipping it keeps the instance running through today's 18:00, and
    // tomorrow's still stops it.
    let evening = parse_iso("2026-11-23T18:00:00Z").unwrap();
    assert_eq!(
        shutdown(&ws, "ci-sched", ready),
        Some((evening, Trigger::Schedule))
    );
    assert!(
        ws.skip_shutdown(ALAN, "ci-sched", ready).is_err(),
        "a Reader may not"
    );
    assert_eq!(
        ws.skip_shutdown(ADA, "ci-sched", ready).unwrap(),
        (evening, Trigger::Schedule)
    );
    assert!(ws.activity[0]
        .text
        .contains("skipped the scheduled shutdown of compute instance ci-sched"));
    assert_eq!(
        shutdown(&ws, "ci-sched", ready),
        Some((evening + 24 * 60 * MINUTE, Trigger::Schedule))
    );
    ws.settle(evening + 60 * MINUTE);
    assert_eq!(state(&ws, "ci-sched"), "Running");
    ws.settle(evening + 24 * 60 * MINUTE + 60_000);
    assert_eq!(state(&ws, "ci-sched"), "Stopped");
    // A stopped instance has no shutdown to skip.
    let nothing = ws
        .skip_shutdown(ADA, "ci-sched", evening + 25 * 60 * MINUTE)
        .unwrap_err();
    assert!(
        nothing.message().contains("has no shutdown coming"),
        "{nothing}"
    );
}
