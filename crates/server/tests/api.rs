//! azimuth-server end to end over real HTTP on loopback: sign-in, the ARM compute API, errors,
//! and races for one name with a restart that keeps everything.

mod common;

use common::*;
use serde_json::{json, Value};

#[tokio::test]
async fn sign_in_and_the_compute_lifecycle_over_arm() {
    let server = start(&temp_db("lifecycle"), None).await;
    let a = server.addr;
    assert_eq!(call(a, "GET", "/api/health", None, b"").await.0, 200);
    let ada = sign_in(a, "Ada Lovelace").await;
    let path = format!("{WS}/computes/ci-srv?{V}");
    let (status, head, body) = call_with(
        a,
        "PUT",
        &path,
        Some(&ada),
        "",
        &instance("Standard_DS11_v2"),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["name"], "ci-srv");
    assert_eq!(header(&head, "retry-after"), Some("1"));
    let poll =
        header(&head, "azure-asyncoperation").expect("a long-running create says where to poll");
    let poll_path = &poll[poll.find("/subscriptions").unwrap()..];
    let (status, op) = call(a, "GET", poll_path, Some(&ada), b"").await;
    assert_eq!(
        (status, op["status"].as_str()),
        (200, Some("Succeeded")),
        "{op}"
    );
    // ETags: a stale If-Match is refused, the current one accepted.
    let (_, head, _) = call_with(a, "GET", &path, Some(&ada), "", b"").await;
    let tag = header(&head, "etag")
        .expect("GET carries an ETag")
        .to_owned();
    let stale = call_with(
        a,
        "POST",
        &format!("{WS}/computes/ci-srv/restart?{V}"),
        Some(&ada),
        "If-Match: \"0000\"\r\n",
        b"",
    )
    .await;
    assert_eq!(
        (stale.0, stale.2["error"]["code"].as_str()),
        (412, Some("PreconditionFailed"))
    );
    let fresh = call_with(
        a,
        "POST",
        &format!("{WS}/computes/ci-srv/restart?{V}"),
        Some(&ada),
        &format!("If-Match: {tag}\r\n"),
        b"",
    )
    .await;
    assert_eq!(fresh.0, 202, "{}", fresh.2);
    let (status, body) = call(
        a,
        "GET",
        &format!("{}?{V}", format!("{WS}/COMPUTES/CI-SRV").to_lowercase()),
        Some(&ada),
        b"",
    )
    .await;
    assert_eq!(status, 200, "paths match without case: {body}");
    assert_eq!(body["properties"]["properties"]["state"], "Running");
    // Only the assigned user opens its applications.
    let app = &format!("/api/computes/ci-srv/applications/Jupyter%20Lab?wsid={WS}");
    let (status, body) = call(a, "POST", app, Some(&ada), b"").await;
    assert_eq!(status, 200, "{body}");
    assert!(body["endpointUri"].as_str().unwrap().ends_with("/lab"));
    let katherine = sign_in(a, "Katherine Johnson").await;
    let (status, body) = call(a, "POST", app, Some(&katherine), b"").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("AuthorizationFailed"))
    );
    let (status, body) = call(a, "PUT", &path, Some(&ada), &instance("Standard_DS3_v2")).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("BadRequest"))
    );
    let (status, _) = call(a, "PUT", &path, Some(&ada), &instance("Standard_DS11_v2")).await;
    assert_eq!(status, 200, "a PUT of an existing compute updates it");
    let patch = json!({"tags": {"team": "vision"}, "properties": {"properties": {"idleTimeBeforeShutdown": "PT30M"}}});
    let (status, body) = call(a, "PATCH", &path, Some(&ada), patch.to_string().as_bytes()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["tags"]["team"], "vision");
    assert_eq!(
        body["properties"]["properties"]["idleTimeBeforeShutdown"],
        "PT30M"
    );
    assert_eq!(
        body["properties"]["properties"]["vmSize"], "Standard_DS11_v2",
        "what a patch leaves out stays"
    );
    let resize = json!({"properties": {"properties": {"vmSize": "Standard_DS3_v2"}}});
    assert_eq!(
        call(a, "PATCH", &path, Some(&ada), resize.to_string().as_bytes())
            .await
            .0,
        400
    );
    let (status, body) = call(
        a,
        "POST",
        &format!("{WS}/computes/ci-srv/start?{V}"),
        Some(&ada),
        b"",
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("StartComputeInstanceOnlyAllowedInStoppedState"))
    );
    assert_eq!(
        call(
            a,
            "POST",
            &format!("{WS}/computes/ci-srv/stop?{V}"),
            Some(&ada),
            b""
        )
        .await
        .0,
        202
    );
    let (_, list) = call(a, "GET", &format!("{WS}/computes?{V}"), Some(&ada), b"").await;
    assert_eq!(
        list["value"][0]["properties"]["properties"]["state"],
        "Stopped"
    );
    assert_eq!(call(a, "DELETE", &path, Some(&ada), b"").await.0, 202);
    assert_eq!(call(a, "DELETE", &path, Some(&ada), b"").await.0, 204);
    assert_eq!(call(a, "GET", &path, Some(&ada), b"").await.0, 404);
    server.task.abort();
}

#[tokio::test]
async fn people_and_errors_get_arm_answers_never_a_5xx() {
    let server = start(&temp_db("errors"), Some("class-key")).await;
    let a = server.addr;
    let (status, body) = call(
        a,
        "POST",
        "/api/session",
        None,
        json!({"member": "Ada Lovelace", "accessKey": "wrong"})
            .to_string()
            .as_bytes(),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (401, Some("AuthenticationFailed"))
    );
    let (status, body) = call(
        a,
        "POST",
        "/api/session",
        None,
        json!({"member": "Alan Turing", "accessKey": "class-key"})
            .to_string()
            .as_bytes(),
    )
    .await;
    assert_eq!(status, 200);
    let alan = body["token"].as_str().unwrap().to_owned();
    assert!(
        body.get("accessKey").is_none(),
        "the key is never echoed back"
    );
    let path = format!("{WS}/computes/ci-reader?{V}");
    let (status, body) = call(a, "PUT", &path, Some(&alan), &instance("Standard_DS11_v2")).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("AuthorizationFailed"))
    );
    assert_eq!(call(a, "GET", &path, None, b"").await.0, 401);
    assert_eq!(call(a, "GET", &path, Some("forged"), b"").await.0, 401);
    let cases: Vec<(&str, String, Vec<u8>, u16, &str)> = vec![
        (
            "GET",
            format!("{WS}/computes"),
            vec![],
            400,
            "MissingApiVersionParameter",
        ),
        (
            "GET",
            format!("{WS}/computes?api-version=2019-06-01"),
            vec![],
            400,
            "InvalidApiVersionParameter",
        ),
        (
            "PUT",
            path.clone(),
            b"{\"properties\": ".to_vec(),
            400,
            "InvalidRequestContent",
        ),
        (
            "PUT",
            path.clone(),
            b"{\"properties\": {\"computeType\": 7}}".to_vec(),
            400,
            "InvalidRequestContent",
        ),
        (
            "PUT",
            path.clone(),
            vec![b' '; (1 << 20) + 10],
            413,
            "RequestEntityTooLarge",
        ),
        (
            "PATCH",
            format!("{WS}/computes/x/start?{V}"),
            vec![],
            405,
            "MethodNotAllowed",
        ),
        (
            "GET",
            format!("{WS}/schedules?{V}"),
            vec![],
            404,
            "NotFound",
        ),
        ("GET", "/api/nothing".into(), vec![], 404, "NotFound"),
        (
            "DELETE",
            "/compute/instances".into(),
            vec![],
            405,
            "MethodNotAllowed",
        ),
    ];
    for (method, p, body, status, code) in cases {
        let (got, answer) = call(a, method, &p, Some(&alan), &body).await;
        assert_eq!(
            (got, answer["error"]["code"].as_str()),
            (status, Some(code)),
            "{method} {p}: {answer}"
        );
    }
    let ada = {
        let (_, b) = call(
            a,
            "POST",
            "/api/session",
            None,
            json!({"member": "Ada Lovelace", "accessKey": "class-key"})
                .to_string()
                .as_bytes(),
        )
        .await;
        b["token"].as_str().unwrap().to_owned()
    };
    let unknown = json!({"properties": {"computeType": "Quantum"}}).to_string();
    let (status, body) = call(a, "PUT", &path, Some(&ada), unknown.as_bytes()).await;
    assert_eq!(status, 400, "{body}");
    server.task.abort();
}

#[tokio::test]
async fn fifty_racing_puts_of_one_name_make_one_compute_and_it_survives_a_restart() {
    let db = temp_db("race");
    let server = start(&db, None).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    let path = format!("{WS}/computes/ci-race?{V}");
    let calls = (0..50).map(|_| {
        let (path, ada) = (path.clone(), ada.clone());
        tokio::spawn(async move {
            call(a, "PUT", &path, Some(&ada), &instance("Standard_DS11_v2"))
                .await
                .0
        })
    });
    let mut statuses = Vec::new();
    for c in calls {
        statuses.push(c.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 200 || *s == 409),
        "{statuses:?}"
    );
    // With If-None-Match: * (what the studio sends) a PUT only creates: 412 for a taken name.
    let (status, _, taken) = call_with(
        a,
        "PUT",
        &path,
        Some(&ada),
        "If-None-Match: *\r\n",
        &instance("Standard_DS11_v2"),
    )
    .await;
    assert_eq!(
        (status, taken["error"]["code"].as_str()),
        (412, Some("PreconditionFailed"))
    );
    // And an update may not hand the instance to somebody else.
    let mut to_grace: serde_json::Value =
        serde_json::from_slice(&instance("Standard_DS11_v2")).unwrap();
    to_grace["properties"]["properties"]["personalComputeInstanceSettings"] =
        json!({"assignedUser": {"objectId": "someone-else", "tenantId": "t"}});
    let (status, refused) =
        call(a, "PUT", &path, Some(&ada), to_grace.to_string().as_bytes()).await;
    assert_eq!(status, 400, "{refused}");
    assert!(refused["error"]["message"]
        .as_str()
        .unwrap()
        .contains("assigned user"));
    server.task.abort();
    let _ = server.task.await;
    let server = start(&db, None).await;
    let ada = sign_in(server.addr, "Ada Lovelace").await;
    let (status, list) = call(
        server.addr,
        "GET",
        &format!("{WS}/computes?{V}"),
        Some(&ada),
        b"",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(list["value"].as_array().unwrap().len(), 1);
    assert_eq!(list["value"][0]["name"], "ci-race");
    server.task.abort();
}

#[tokio::test]
async fn the_pace_is_an_owners_choice_for_everyone() {
    let server = start(&temp_db("settings"), None).await;
    let a = server.addr;
    let (_, members) = call(a, "GET", "/api/members", None, b"").await;
    assert_eq!(members["members"][0]["name"], "Ada Lovelace");
    let ada = sign_in(a, "Ada Lovelace").await;
    let grace = sign_in(a, "Grace Hopper").await;
    let realistic = br#"{"pace": "realistic"}"#;
    let (status, refused) = call(
        a,
        "PUT",
        &format!("/api/settings?wsid={WS}"),
        Some(&grace),
        realistic,
    )
    .await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (403, Some("AuthorizationFailed"))
    );
    assert_eq!(
        call(
            a,
            "PUT",
            &format!("/api/settings?wsid={WS}"),
            None,
            realistic
        )
        .await
        .0,
        401
    );
    for bad in [
        &b"{\"pace\": \"warp\"}"[..],
        b"{\"pace\": 3}",
        b"not json",
        b"{}",
    ] {
        let (status, body) = call(
            a,
            "PUT",
            &format!("/api/settings?wsid={WS}"),
            Some(&ada),
            bad,
        )
        .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (400, Some("InvalidRequestContent")),
            "{}",
            String::from_utf8_lossy(bad)
        );
    }
    assert_eq!(
        call(
            a,
            "PUT",
            &format!("/api/settings?wsid={WS}"),
            Some(&ada),
            realistic
        )
        .await
        .0,
        204
    );
    let (_, workspace) = call(
        a,
        "GET",
        &format!("/api/workspace?wsid={WS}"),
        Some(&grace),
        b"",
    )
    .await;
    assert_eq!(workspace["settings"]["pace"], "realistic");
}

#[tokio::test]
async fn a_compute_cluster_over_arm_keeps_its_password_to_itself() {
    let server = start(&temp_db("cluster"), None).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    let path = format!("{WS}/computes/cpu-cluster?{V}");
    let body = json!({"location": "eastus", "properties": {"computeType": "AmlCompute", "properties": {
        "vmSize": "Standard_DS3_v2", "vmPriority": "Dedicated",
        "scaleSettings": {"minNodeCount": 1, "maxNodeCount": 4},
        "userAccountCredentials": {"adminUserName": "azureuser", "adminUserPassword": "correct-horse-battery"}
    }}});
    let (status, head, created) =
        call_with(a, "PUT", &path, Some(&ada), "", body.to_string().as_bytes()).await;
    assert_eq!(status, 201, "{created}");
    let poll = header(&head, "azure-asyncoperation").expect("a long-running create");
    let (_, op) = call(
        a,
        "GET",
        &poll[poll.find("/subscriptions").unwrap()..],
        Some(&ada),
        b"",
    )
    .await;
    assert_eq!(op["status"], "Succeeded", "{op}");
    let (status, got) = call(a, "GET", &path, Some(&ada), b"").await;
    assert_eq!(status, 200);
    let inner = &got["properties"]["properties"];
    assert_eq!(inner["nodeStateCounts"]["idleNodeCount"], 1, "{got}");
    assert_eq!(
        inner["scaleSettings"]["nodeIdleTimeBeforeScaleDown"],
        "PT120S"
    );
    assert_eq!(
        inner["userAccountCredentials"]["adminUserName"],
        "azureuser"
    );
    let (_, list) = call(a, "GET", &format!("{WS}/computes?{V}"), Some(&ada), b"").await;
    let (_, saved) = call(
        a,
        "GET",
        &format!("/api/workspace?wsid={WS}"),
        Some(&ada),
        b"",
    )
    .await;
    for text in [got.to_string(), list.to_string(), saved.to_string()] {
        assert!(!text.contains("correct-horse-battery"));
    }
    let list_nodes = format!("{WS}/computes/cpu-cluster/listNodes?{V}");
    let (status, nodes) = call(a, "POST", &list_nodes, Some(&ada), b"").await;
    assert_eq!(status, 200, "{nodes}");
    assert_eq!(nodes["nodes"].as_array().map(Vec::len), Some(1));
    assert_eq!(nodes["nodes"][0]["nodeState"], "idle");
    assert!(nodes["nodes"][0]["nodeId"]
        .as_str()
        .unwrap()
        .ends_with("_d"));
    assert_eq!(call(a, "GET", &list_nodes, Some(&ada), b"").await.0, 405);
    let patch = json!({"properties": {"properties": {"scaleSettings": {"minNodeCount": 3, "maxNodeCount": 4}}}});
    let (status, patched) = call(a, "PATCH", &path, Some(&ada), patch.to_string().as_bytes()).await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(patched["properties"]["properties"]["targetNodeCount"], 3);
    let start = format!("{WS}/computes/cpu-cluster/start?{V}");
    let (status, refused) = call(a, "POST", &start, Some(&ada), b"").await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (400, Some("BadRequest"))
    );
    let (status, _) = call(a, "DELETE", &path, Some(&ada), b"").await;
    assert!(status == 202 || status == 200, "{status}");
    assert_eq!(call(a, "GET", &path, Some(&ada), b"").await.0, 404);
}

#[tokio::test]
async fn idle_shutdown_is_set_with_its_own_action() {
    let server = start(&temp_db("idle"), None).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    let alan = sign_in(a, "Alan Turing").await;
    let path = format!("{WS}/computes/ci-idle?{V}");
    assert_eq!(
        call(a, "PUT", &path, Some(&ada), &instance("Standard_DS11_v2"))
            .await
            .0,
        201
    );
    let action = format!("{WS}/computes/ci-idle/updateIdleShutdownSetting?{V}");
    let set = |minutes: &str| format!(r#"{{"idleTimeBeforeShutdown": "{minutes}"}}"#);
    assert_eq!(
        call(a, "POST", &action, Some(&ada), set("PT120M").as_bytes())
            .await
            .0,
        200
    );
    let (_, got) = call(a, "GET", &path, Some(&ada), b"").await;
    assert_eq!(
        got["properties"]["properties"]["idleTimeBeforeShutdown"],
        "PT120M"
    );
    for (who, body, status) in [
        (&ada, set("PT5M"), 400),
        (&ada, "{}".to_owned(), 400),
        (&ada, "not json".to_owned(), 400),
        (&alan, set("PT60M"), 403),
    ] {
        let (got_status, error) = call(a, "POST", &action, Some(who), body.as_bytes()).await;
        assert_eq!(got_status, status, "{body}: {error}");
    }
    let (_, got) = call(a, "GET", &path, Some(&ada), b"").await;
    assert_eq!(
        got["properties"]["properties"]["idleTimeBeforeShutdown"],
        "PT120M"
    );
}

#[tokio::test]
async fn attached_computes_over_arm_never_give_their_secrets_back() {
    let server = start(&temp_db("attach"), None).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    let providers = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-azimuth-lab/providers";
    let k8s = json!({"properties": {"computeType": "Kubernetes",
        "resourceId": format!("{providers}/Microsoft.ContainerService/managedClusters/aks-lab"),
        "properties": {"namespace": "azureml"}}});
    let k8s_path = format!("{WS}/computes/k8s-compute?{V}");
    let (status, created) = call(a, "PUT", &k8s_path, Some(&ada), k8s.to_string().as_bytes()).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(
        created["properties"]["properties"]["defaultInstanceType"],
        "defaultinstancetype"
    );

    let vm = json!({"properties": {"computeType": "VirtualMachine",
        "resourceId": format!("{providers}/Microsoft.Compute/virtualMachines/dsvm"),
        "properties": {"address": "20.51.10.4", "administratorAccount": {"username": "azureuser", "password": "Vm-Passw0rd-secret"}}}});
    let vm_path = format!("{WS}/computes/dsvm?{V}");
    let (status, created) = call(a, "PUT", &vm_path, Some(&ada), vm.to_string().as_bytes()).await;
    assert_eq!(status, 201, "{created}");
    let bad = json!({"properties": {"computeType": "Databricks",
        "resourceId": format!("{providers}/Microsoft.Databricks/workspaces/dbx"),
        "properties": {"workspaceUrl": "example.com", "databricksAccessToken": "dapi-secret-token-0000"}}});
    let (status, refused) = call(
        a,
        "PUT",
        &format!("{WS}/computes/dbx?{V}"),
        Some(&ada),
        bad.to_string().as_bytes(),
    )
    .await;
    assert_eq!(status, 400, "{refused}");
    assert!(!refused.to_string().contains("dapi-secret-token"));
    // The error names the field it is about, as ARM's errors do.
    assert_eq!(
        refused["error"]["target"],
        "properties.properties.workspaceUrl"
    );

    let (_, got) = call(a, "GET", &vm_path, Some(&ada), b"").await;
    let (_, list) = call(a, "GET", &format!("{WS}/computes?{V}"), Some(&ada), b"").await;
    let (_, saved) = call(
        a,
        "GET",
        &format!("/api/workspace?wsid={WS}"),
        Some(&ada),
        b"",
    )
    .await;
    assert_eq!(
        got["properties"]["properties"]["administratorAccount"]["username"],
        "azureuser"
    );
    for text in [got.to_string(), list.to_string(), saved.to_string()] {
        assert!(!text.contains("Vm-Passw0rd-secret"), "{text}");
    }
    let stop = format!("{WS}/computes/dsvm/stop?{V}");
    assert_eq!(call(a, "POST", &stop, Some(&ada), b"").await.0, 400);
    let detach = format!("{WS}/computes/k8s-compute?{V}&underlyingResourceAction=Detach");
    let (status, _) = call(a, "DELETE", &detach, Some(&ada), b"").await;
    assert!(status == 202 || status == 200, "{status}");
}

#[tokio::test]
async fn skip_shutdown_postpones_the_next_one() {
    let server = start(&temp_db("skip"), None).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    let alan = sign_in(a, "Alan Turing").await;
    let instant = br#"{"pace": "instant"}"#;
    assert_eq!(
        call(
            a,
            "PUT",
            &format!("/api/settings?wsid={WS}"),
            Some(&ada),
            instant
        )
        .await
        .0,
        204
    );
    let body = json!({"properties": {"computeType": "ComputeInstance", "properties": {
        "vmSize": "Standard_DS11_v2", "idleTimeBeforeShutdown": "PT60M"}}});
    let path = format!("{WS}/computes/ci-skip?{V}");
    let (status, created) = call(a, "PUT", &path, Some(&ada), body.to_string().as_bytes()).await;
    assert_eq!(status, 201, "{created}");
    let skip = &format!("/api/computes/ci-skip/skipShutdown?wsid={WS}");
    let (status, refused) = call(a, "POST", skip, Some(&alan), b"").await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (403, Some("AuthorizationFailed"))
    );
    let (status, skipped) = call(a, "POST", skip, Some(&ada), b"").await;
    assert_eq!(status, 200, "{skipped}");
    assert_eq!(skipped["trigger"], "IdleShutdown");
    let (_, workspace) = call(
        a,
        "GET",
        &format!("/api/workspace?wsid={WS}"),
        Some(&ada),
        b"",
    )
    .await;
    assert!(workspace
        .to_string()
        .contains("postponed the idle shutdown of compute instance ci-skip"));
    let stop = format!("{WS}/computes/ci-skip/stop?{V}");
    assert_eq!(call(a, "POST", &stop, Some(&ada), b"").await.0, 202);
    let (status, nothing) = call(a, "POST", skip, Some(&ada), b"").await;
    assert_eq!(status, 400, "{nothing}");
}

#[tokio::test]
async fn an_owner_moves_a_movable_clock_and_idle_shutdown_happens() {
    let fixed = start(&temp_db("fixed-clock"), None).await;
    let ada = sign_in(fixed.addr, "Ada Lovelace").await;
    let forward = br#"{"advanceMinutes": 61}"#;
    let (status, refused) = call(fixed.addr, "POST", "/api/clock", Some(&ada), forward).await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (404, Some("NotFound"))
    );

    let server = start_with(&temp_db("movable-clock"), |c| c.movable_clock = true).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    let grace = sign_in(a, "Grace Hopper").await;
    let body = json!({"properties": {"computeType": "ComputeInstance", "properties": {
        "vmSize": "Standard_DS11_v2", "idleTimeBeforeShutdown": "PT60M"}}});
    let path = format!("{WS}/computes/ci-clock?{V}");
    assert_eq!(
        call(a, "PUT", &path, Some(&ada), body.to_string().as_bytes())
            .await
            .0,
        201
    );
    let state = |v: &Value| {
        v["properties"]["properties"]["state"]
            .as_str()
            .map(str::to_owned)
    };
    assert_eq!(
        state(&call(a, "GET", &path, Some(&ada), b"").await.1).as_deref(),
        Some("Running")
    );

    let (status, refused) = call(a, "POST", "/api/clock", Some(&grace), forward).await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (403, Some("AuthorizationFailed"))
    );
    // Not even a Contributor of the whole subscription: the clock is the installation Owners'.
    let auth = "api-version=2022-04-01";
    let sub = WS.split("/resourceGroups").next().unwrap();
    let contributor = role_definition_id(a, &ada, "Contributor").await;
    let assignment = format!("{sub}/providers/Microsoft.Authorization/roleAssignments/3b2f1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d?{auth}");
    let grace_id = "8a2c4f6e-1b3d-4e5f-a7c9-2d4f6b8e0a13";
    let given = json!({"properties": {"roleDefinitionId": contributor, "principalId": grace_id}});
    let (status, made) = call(
        a,
        "PUT",
        &assignment,
        Some(&ada),
        given.to_string().as_bytes(),
    )
    .await;
    assert_eq!(status, 201, "{made}");
    let (status, _) = call(a, "POST", "/api/clock", Some(&grace), forward).await;
    assert_eq!(status, 403);
    let (status, bad) = call(
        a,
        "POST",
        "/api/clock",
        Some(&ada),
        br#"{"advanceMinutes": -5}"#,
    )
    .await;
    assert_eq!(
        (status, bad["error"]["code"].as_str()),
        (400, Some("InvalidRequestContent"))
    );
    let (status, moved) = call(a, "POST", "/api/clock", Some(&ada), forward).await;
    assert_eq!(status, 200, "{moved}");
    assert!(
        moved["now"].as_str().is_some_and(|t| t.ends_with('Z')),
        "{moved}"
    );
    let (_, instance) = call(a, "GET", &path, Some(&ada), b"").await;
    assert_eq!(
        state(&instance).as_deref(),
        Some("Stopped"),
        "idle for 61 minutes of a 60-minute limit"
    );
}
