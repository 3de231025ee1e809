//! Workspaces over ARM: resource groups with Microsoft.Resources' api-versions, workspaces
//! created, listed, seen only by people with a role, soft-deleted, recovered and purged, and a
//! database of an earlier Azimuth migrated.

mod common;

use common::*;
use serde_json::json;

const SUB: &str = "/subscriptions/6f1c0a52-5a3b-4b7e-9d2e-3f7a1c2b9e10";
const ML: &str = "providers/Microsoft.MachineLearningServices/workspaces";

fn second() -> String {
    format!("{SUB}/resourceGroups/rg-class/{ML}/mlw-second")
}

#[tokio::test]
async fn a_second_workspace_is_created_seen_by_its_people_and_never_mixes() {
    let server = start(&temp_db("workspaces"), None).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    let alan = sign_in(a, "Alan Turing").await;
    // What Azure's own clients send for subscriptions and resource groups.
    for v in ["2021-04-01", "2022-09-01", "2022-12-01", "2024-03-01"] {
        let (status, subs) = call(
            a,
            "GET",
            &format!("/subscriptions?api-version={v}"),
            Some(&ada),
            b"",
        )
        .await;
        assert_eq!(status, 200, "{v}: {subs}");
        let tenant = subs["value"][0]["tenantId"].as_str().unwrap();
        assert_ne!(
            tenant, "72f988bf-86f1-41af-91ab-2d7cd011db47",
            "a tenant id of its own"
        );
    }
    let rg = format!("{SUB}/resourcegroups/rg-class?api-version=2022-09-01");
    let (status, group) = call(a, "PUT", &rg, Some(&alan), br#"{"location": "eastus"}"#).await;
    assert_eq!(
        (status, group["error"]["code"].as_str()),
        (403, Some("AuthorizationFailed"))
    );
    let (status, group) = call(
        a,
        "PUT",
        &rg,
        Some(&ada),
        br#"{"location": "eastus", "tags": {"class": "ml101"}}"#,
    )
    .await;
    assert_eq!(
        (status, group["name"].as_str()),
        (201, Some("rg-class")),
        "{group}"
    );
    assert_eq!(call(a, "HEAD", &rg, Some(&ada), b"").await.0, 204);
    let (_, groups) = call(
        a,
        "GET",
        &format!("{SUB}/resourcegroups?api-version=2024-03-01"),
        Some(&ada),
        b"",
    )
    .await;
    assert_eq!(groups["value"].as_array().unwrap().len(), 2);

    // Create: 201, Creating, polled to Succeeded (this server runs at instant pace).
    let body = json!({"location": "eastus", "properties": {"friendlyName": "Second", "description": "for the class"}});
    let (status, head, ws) = call_with(
        a,
        "PUT",
        &format!("{}?{V}", second()),
        Some(&ada),
        "",
        body.to_string().as_bytes(),
    )
    .await;
    assert_eq!(status, 201, "{ws}");
    let poll = header(&head, "azure-asyncoperation").expect("a long-running create");
    let (status, op) = call(
        a,
        "GET",
        &poll[poll.find("/subscriptions").unwrap()..],
        Some(&ada),
        b"",
    )
    .await;
    assert_eq!(
        (status, op["status"].as_str()),
        (200, Some("Succeeded")),
        "{op}"
    );
    let p = &ws["properties"];
    assert!(p["storageAccount"]
        .as_str()
        .unwrap()
        .contains("/Microsoft.Storage/storageAccounts/mlwseconstorage"));
    assert!(p["keyVault"]
        .as_str()
        .unwrap()
        .contains("/Microsoft.KeyVault/vaults/"));
    assert_eq!(
        p["mlFlowTrackingUri"],
        format!("http://{a}/mlflow/v1.0{}", second())
    );
    assert_eq!(ws["systemData"]["createdBy"], "ada@contoso.com");

    // Computes never mix, and a name is unique in the region across workspaces.
    let lab_ci = format!("{WS}/computes/ci-same?{V}");
    assert_eq!(
        call(a, "PUT", &lab_ci, Some(&ada), &instance("Standard_DS11_v2"))
            .await
            .0,
        201
    );
    let (status, refused) = call(
        a,
        "PUT",
        &format!("{}/computes/ci-same?{V}", second()),
        Some(&ada),
        &instance("Standard_DS11_v2"),
    )
    .await;
    assert_eq!(status, 409, "{refused}");
    assert!(refused["error"]["message"]
        .as_str()
        .unwrap()
        .contains("another workspace in East US"));
    let (_, list) = call(
        a,
        "GET",
        &format!("{}/computes?{V}", second()),
        Some(&ada),
        b"",
    )
    .await;
    assert_eq!(list["value"].as_array().unwrap().len(), 0);

    // Alan holds no role in it: not listed, 403 to a deep link.
    let (_, listed) = call(a, "GET", &format!("{SUB}/{ML}?{V}"), Some(&alan), b"").await;
    let names: Vec<&str> = listed["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["mlw-azimuth-lab"]);
    let (status, refused) = call(a, "GET", &format!("{}?{V}", second()), Some(&alan), b"").await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (403, Some("AuthorizationFailed"))
    );
    let (status, _) = call(
        a,
        "GET",
        &format!("/api/workspace?wsid={}", second()),
        Some(&alan),
        b"",
    )
    .await;
    assert_eq!(status, 403);
    let (_, mine) = call(a, "GET", "/api/installation", Some(&ada), b"").await;
    assert_eq!(mine["workspaces"].as_array().unwrap().len(), 2, "{mine}");
    // A starting studio gets the installation and the workspace it opens in one answer: the
    // one the address asks for, else the one used last, else the first; none it may not see.
    let short = format!("{SUB}/resourcegroups/rg-class/workspaces/mlw-second");
    let (status, opened) = call(
        a,
        "GET",
        &format!("/api/open?wsid={short}&last="),
        Some(&ada),
        b"",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(opened["installation"]["workspaces"], mine["workspaces"]);
    assert_eq!(opened["workspace"]["resource"]["name"], "mlw-second");
    let (_, opened) = call(
        a,
        "GET",
        &format!("/api/open?wsid=&last={}", second()),
        Some(&ada),
        b"",
    )
    .await;
    assert_eq!(opened["workspace"]["resource"]["name"], "mlw-second");
    let (_, opened) = call(a, "GET", "/api/open?wsid=&last=", Some(&ada), b"").await;
    assert_eq!(opened["workspace"]["resource"]["name"], "mlw-azimuth-lab");
    let (_, opened) = call(
        a,
        "GET",
        &format!("/api/open?wsid={short}&last="),
        Some(&alan),
        b"",
    )
    .await;
    assert!(opened["workspace"].is_null(), "{opened}");
    assert_eq!(call(a, "GET", "/api/open", None, b"").await.0, 401);
    assert_eq!(mine["workspaces"][1]["role"], "Owner");
    assert_eq!(mine["workspaces"][1]["name"], "mlw-second");

    // The resource group holds a workspace: it stays.
    assert_eq!(call(a, "DELETE", &rg, Some(&ada), b"").await.0, 409);
    // Soft delete: gone from lists, name taken, recovered, then purged.
    assert_eq!(
        call(a, "DELETE", &format!("{}?{V}", second()), Some(&ada), b"")
            .await
            .0,
        200
    );
    assert_eq!(
        call(a, "GET", &format!("{}?{V}", second()), Some(&ada), b"")
            .await
            .0,
        404
    );
    let (status, refused) = call(
        a,
        "PUT",
        &format!("{}?{V}", second()),
        Some(&ada),
        body.to_string().as_bytes(),
    )
    .await;
    assert_eq!(status, 409);
    assert!(refused["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("Soft-deleted workspace exists. Please purge or recover it."));
    let (_, mine) = call(a, "GET", "/api/installation", Some(&ada), b"").await;
    assert_eq!(mine["deleted"][0]["name"], "mlw-second");
    let recover = json!({"id": second()}).to_string();
    assert_eq!(
        call(
            a,
            "POST",
            "/api/workspaces/recover",
            Some(&alan),
            recover.as_bytes()
        )
        .await
        .0,
        403
    );
    assert_eq!(
        call(
            a,
            "POST",
            "/api/workspaces/recover",
            Some(&ada),
            recover.as_bytes()
        )
        .await
        .0,
        204
    );
    assert_eq!(
        call(a, "GET", &format!("{}?{V}", second()), Some(&ada), b"")
            .await
            .0,
        200
    );
    let purge = format!("{}?{V}&forceToPurge=true", second());
    assert_eq!(call(a, "DELETE", &purge, Some(&ada), b"").await.0, 200);
    let (_, mine) = call(a, "GET", "/api/installation", Some(&ada), b"").await;
    assert!(mine["deleted"].as_array().unwrap().is_empty());
    assert_eq!(call(a, "DELETE", &rg, Some(&ada), b"").await.0, 200);
    server.task.abort();
}

#[tokio::test]
async fn a_database_of_an_earlier_azimuth_is_migrated_whole() {
    let db = temp_db("migrate");
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    let mut ws = azimuth_core::Workspace::seed(1_000);
    ws.tenant_id = "72f988bf-86f1-41af-91ab-2d7cd011db47".into();
    let body = serde_json::from_slice(&instance("Standard_DS11_v2")).unwrap();
    ws.create_instance("Ada Lovelace", "ci-kept", body, 1_000)
        .unwrap();
    let old = json!({"format": "azimuth-workspace", "version": 1, "workspace": ws}).to_string();
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch("CREATE TABLE workspace (id INTEGER PRIMARY KEY CHECK (id = 1), snapshot TEXT NOT NULL);").unwrap();
        conn.execute(
            "INSERT INTO workspace (id, snapshot) VALUES (1, ?1)",
            [&old],
        )
        .unwrap();
    }
    let server = start(&db, None).await;
    let a = server.addr;
    let grace = sign_in(a, "Grace Hopper").await;
    let (status, computes) = call(a, "GET", &format!("{WS}/computes?{V}"), Some(&grace), b"").await;
    assert_eq!(status, 200, "{computes}");
    assert_eq!(computes["value"][0]["name"], "ci-kept");
    let (_, subs) = call(a, "GET", &format!("/subscriptions?{V}"), Some(&grace), b"").await;
    assert_ne!(
        subs["value"][0]["tenantId"],
        "72f988bf-86f1-41af-91ab-2d7cd011db47"
    );
    server.task.abort();
    let conn = rusqlite::Connection::open(&db).unwrap();
    let old_tables: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'workspace'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        old_tables, 0,
        "the old table is gone once its content moved"
    );
}

#[tokio::test]
async fn roles_are_given_and_taken_over_microsoft_authorization() {
    let server = start(&temp_db("roles"), None).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    let alan = sign_in(a, "Alan Turing").await;
    let auth = "api-version=2022-04-01";
    let contributor = role_definition_id(a, &alan, "Contributor").await;
    let (_, people) = call(a, "GET", "/api/installation", Some(&alan), b"").await;
    let grace_id = people["people"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Grace Hopper")
        .unwrap()["objectId"]
        .as_str()
        .unwrap()
        .to_owned();
    let assignment = format!("{WS}/providers/Microsoft.Authorization/roleAssignments/7c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f?{auth}");
    let body = json!({"properties": {"roleDefinitionId": contributor, "principalId": grace_id}})
        .to_string();
    // A Reader may not give roles; an Owner may.
    let (status, refused) = call(a, "PUT", &assignment, Some(&alan), body.as_bytes()).await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (403, Some("AuthorizationFailed"))
    );
    let (status, made) = call(a, "PUT", &assignment, Some(&ada), body.as_bytes()).await;
    assert_eq!(status, 201, "{made}");
    assert_eq!(made["properties"]["principalName"], "Grace Hopper");
    let (status, again) = call(a, "PUT", &assignment, Some(&ada), body.as_bytes()).await;
    assert_eq!(
        (status, again["error"]["code"].as_str()),
        (409, Some("RoleAssignmentExists"))
    );
    // Grace, now also a Contributor, may create computes in the lab.
    let grace = sign_in(a, "Grace Hopper").await;
    assert_eq!(
        call(
            a,
            "PUT",
            &format!("{WS}/computes/ci-grace?{V}"),
            Some(&grace),
            &instance("Standard_DS11_v2")
        )
        .await
        .0,
        201
    );
    let (_, listed) = call(
        a,
        "GET",
        &format!("{WS}/providers/Microsoft.Authorization/roleAssignments?{auth}"),
        Some(&alan),
        b"",
    )
    .await;
    let roles: Vec<&str> = listed["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["properties"]["roleName"].as_str().unwrap())
        .collect();
    assert!(
        roles.contains(&"Contributor") && roles.contains(&"Owner"),
        "{roles:?}"
    );
    // `az role assignment list --assignee` filters by principal; `atScope()` leaves out what
    // is below the scope; an expression Azure would not take is refused.
    let list = |filter: &str| {
        format!(
            "{SUB}/providers/Microsoft.Authorization/roleAssignments?{auth}&$filter={}",
            filter.replace(' ', "%20").replace('\'', "%27")
        )
    };
    let (status, graces) = call(
        a,
        "GET",
        &list(&format!("principalId eq '{grace_id}'")),
        Some(&ada),
        b"",
    )
    .await;
    assert_eq!(status, 200, "{graces}");
    let ids = |v: &serde_json::Value| -> Vec<String> {
        v["value"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["properties"]["principalId"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(!ids(&graces).is_empty());
    assert!(ids(&graces).iter().all(|id| *id == grace_id), "{graces}");
    let (_, assigned) = call(
        a,
        "GET",
        &list(&format!("assignedTo('{grace_id}')")),
        Some(&ada),
        b"",
    )
    .await;
    assert_eq!(ids(&assigned), ids(&graces));
    let (_, at_scope) = call(a, "GET", &list("atScope()"), Some(&ada), b"").await;
    assert!(at_scope["value"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["properties"]["scope"]
            .as_str()
            .unwrap()
            .matches('/')
            .count()
            == 2));
    let (status, unsupported) = call(a, "GET", &list("roleName eq 'Owner'"), Some(&ada), b"").await;
    assert_eq!(
        (status, unsupported["error"]["code"].as_str()),
        (400, Some("UnsupportedQuery"))
    );
    let bad =
        json!({"properties": {"roleDefinitionId": "nope", "principalId": grace_id}}).to_string();
    let other = assignment.replace("7c1e2d3f", "8d1e2d3f");
    assert_eq!(
        call(a, "PUT", &other, Some(&ada), bad.as_bytes()).await.1["error"]["code"],
        "RoleDefinitionDoesNotExist"
    );
    assert_eq!(call(a, "DELETE", &assignment, Some(&ada), b"").await.0, 200);
    assert_eq!(
        call(
            a,
            "PUT",
            &format!("{WS}/computes/ci-grace2?{V}"),
            Some(&grace),
            &instance("Standard_DS11_v2")
        )
        .await
        .0,
        403
    );
    // A role on one workspace does not reveal the installation's other assignments.
    let at_sub = format!("{SUB}/providers/Microsoft.Authorization/roleAssignments?{auth}");
    assert_eq!(call(a, "GET", &at_sub, Some(&alan), b"").await.0, 403);
    assert_eq!(call(a, "GET", &at_sub, Some(&ada), b"").await.0, 200);
    let not_guid =
        format!("{WS}/providers/Microsoft.Authorization/roleAssignments/not-a-guid?{auth}");
    let (_, bad_id) = call(a, "PUT", &not_guid, Some(&ada), body.as_bytes()).await;
    assert_eq!(bad_id["error"]["code"], "InvalidRoleAssignmentId");
    server.task.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_sign_in_with_passwords_they_set_from_one_time_codes() {
    let db = temp_db("passwords");
    let server = start_with(&db, |c| c.demo = false).await;
    let a = server.addr;
    let state_code = {
        // The first Owner's code, as the server prints it at start.
        let state = azimuth_server::state::AppState::open(config_for(&db)).unwrap();
        state.first_owner_code().unwrap().unwrap()
    };
    assert_eq!(state_code.0, "Ada Lovelace");
    let session =
        |member: &str, password: &str| json!({"member": member, "password": password}).to_string();
    // Picking a name is not enough any more.
    let (status, refused) = call(
        a,
        "POST",
        "/api/session",
        None,
        session("Ada Lovelace", "").as_bytes(),
    )
    .await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (401, Some("AuthenticationFailed")),
        "{refused}"
    );
    assert!(refused["error"]["message"]
        .as_str()
        .unwrap()
        .contains("Set your password"));
    // An unknown name gets the very same answer.
    let unknown = session("Nobody At All", "x");
    let (_, unknown) = call(a, "POST", "/api/session", None, unknown.as_bytes()).await;
    assert_eq!(unknown, refused);
    let set = |code: &str, password: &str| {
        json!({"member": "Ada Lovelace", "code": code, "password": password}).to_string()
    };
    assert_eq!(
        call(
            a,
            "POST",
            "/api/password",
            None,
            set("WRONG-CODE1", "a long passphrase").as_bytes()
        )
        .await
        .0,
        401
    );
    let (status, short) = call(
        a,
        "POST",
        "/api/password",
        None,
        set(&state_code.1, "short").as_bytes(),
    )
    .await;
    assert_eq!(status, 400, "{short}");
    let typed = state_code.1.to_lowercase().replace('-', " ");
    assert_eq!(
        call(
            a,
            "POST",
            "/api/password",
            None,
            set(&typed, "a long passphrase").as_bytes()
        )
        .await
        .0,
        204
    );
    assert_eq!(
        call(
            a,
            "POST",
            "/api/password",
            None,
            set(&state_code.1, "another one!").as_bytes()
        )
        .await
        .0,
        401,
        "a code works once"
    );
    let (status, body) = call(
        a,
        "POST",
        "/api/session",
        None,
        session("Ada Lovelace", "a long passphrase").as_bytes(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let ada = body["token"].as_str().unwrap().to_owned();

    // Ada adds a class roster and hands out the codes.
    let roster = json!({"names": ["Student One", "  ", "Student Two"]}).to_string();
    let (status, added) = call(a, "POST", "/api/people", Some(&ada), roster.as_bytes()).await;
    assert_eq!(status, 201, "{added}");
    let added = added["added"].as_array().unwrap().clone();
    assert_eq!(added.len(), 2);
    let code = added[0]["code"].as_str().unwrap().to_owned();
    let dup = json!({"names": ["Student Three", "student one"]}).to_string();
    let (status, refused) = call(a, "POST", "/api/people", Some(&ada), dup.as_bytes()).await;
    assert_eq!(status, 409, "{refused}");
    assert!(refused["error"]["message"]
        .as_str()
        .unwrap()
        .contains("Line 2 (student one)"));
    let (_, people) = call(a, "GET", "/api/people", Some(&ada), b"").await;
    assert_eq!(
        people["people"].as_array().unwrap().len(),
        6,
        "nobody of a refused roster was added"
    );
    let student =
        json!({"member": "Student One", "code": code, "password": "my own secret"}).to_string();
    assert_eq!(
        call(a, "POST", "/api/password", None, student.as_bytes())
            .await
            .0,
        204
    );
    // Repeated failures are slowed down.
    for _ in 0..5 {
        assert_eq!(
            call(
                a,
                "POST",
                "/api/session",
                None,
                session("Student One", "guess").as_bytes()
            )
            .await
            .0,
            401
        );
    }
    let (status, slowed) = call(
        a,
        "POST",
        "/api/session",
        None,
        session("Student One", "my own secret").as_bytes(),
    )
    .await;
    assert_eq!(
        (status, slowed["error"]["code"].as_str()),
        (429, Some("TooManyRequests"))
    );
    // A reset ends the password and hands out a new code; only Owners may.
    let (_, student_tokens) = call(a, "GET", "/api/people", None, b"").await;
    assert_eq!(student_tokens["error"]["code"], "AuthenticationFailed");
    let (status, reset) = call(
        a,
        "POST",
        "/api/people/reset",
        Some(&ada),
        br#"{"name": "Student One"}"#,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(reset["code"].as_str().unwrap().len(), 11);
    assert_eq!(
        call(
            a,
            "POST",
            "/api/people/remove",
            Some(&ada),
            br#"{"name": "Student Two"}"#
        )
        .await
        .0,
        204
    );
    let (_, people) = call(a, "GET", "/api/people", Some(&ada), b"").await;
    assert_eq!(people["people"].as_array().unwrap().len(), 5);
    let (_, members) = call(a, "GET", "/api/members", None, b"").await;
    assert_eq!(members["mode"], "password");
    server.task.abort();
}

#[test]
fn each_compute_has_a_row_and_a_change_writes_only_what_it_touches() {
    let db = temp_db("rows");
    let open = || {
        let mut c = config_for(&db);
        c.pace = Some(azimuth_core::Pace::Instant);
        c.vcpu_quota = Some(1_000);
        azimuth_server::state::AppState::open(c).unwrap()
    };
    let state = open();
    let ws = state.read(|t| t.workspaces[0].id().to_owned());
    let create = |name: &str| {
        let body = serde_json::from_slice(&instance("Standard_DS1_v2")).unwrap();
        state
            .change_workspace(&ws, |_, w, now| {
                w.create_instance("Ada Lovelace", name, body, now).map(drop)
            })
            .unwrap();
    };
    for i in 0..30 {
        create(&format!("ci-row-{i:02}x"));
    }
    let before = state.bytes_written();
    state
        .change_workspace(&ws, |_, w, now| {
            w.operate(
                "Ada Lovelace",
                "ci-row-07x",
                azimuth_core::Operation::Stop,
                now,
            )
        })
        .unwrap();
    let one_change = state.bytes_written() - before;
    assert!(
        one_change < 16_384,
        "a stop of one compute among 30 wrote {one_change} bytes"
    );
    state
        .change_workspace(&ws, |_, w, now| w.delete("Ada Lovelace", "ci-row-03x", now))
        .unwrap();
    drop(state);
    let again = open();
    let names: Vec<String> = again.read(|t| {
        t.workspaces[0]
            .computes
            .iter()
            .map(|c| c.resource.name.clone())
            .collect()
    });
    assert_eq!(names.len(), 29, "the deleted compute's row is gone");
    assert_eq!(
        names[..4],
        ["ci-row-00x", "ci-row-01x", "ci-row-02x", "ci-row-04x"],
        "oldest first, as created"
    );
    let stopped = again.read(|t| {
        t.workspaces[0]
            .compute("ci-row-07x")
            .unwrap()
            .resource
            .properties
            .properties
            .state
            .clone()
    });
    assert_eq!(stopped.as_deref(), Some("Stopped"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_trying_password_after_password_across_names_is_slowed_down() {
    let server = start_with(&temp_db("spraying"), |c| c.demo = false).await;
    let a = server.addr;
    let attempt =
        |n: u32| json!({"member": format!("Person {n}"), "password": "Spring2026!"}).to_string();
    // Each name fails once, so no person's own count slows anything down; the address's does.
    for n in 0..azimuth_server::throttle::FREE_FAILURES {
        let (status, _) = call(a, "POST", "/api/session", None, attempt(n).as_bytes()).await;
        assert_eq!(status, 401, "attempt {n}");
    }
    let (status, _) = call(a, "POST", "/api/session", None, attempt(100).as_bytes()).await;
    assert_eq!(
        status, 401,
        "the attempt past the free ones is still checked"
    );
    let (status, slowed) = call(a, "POST", "/api/session", None, attempt(101).as_bytes()).await;
    assert_eq!(
        (status, slowed["error"]["code"].as_str()),
        (429, Some("TooManyRequests")),
        "{slowed}"
    );
    // The codes page counts too.
    let code =
        json!({"member": "Ada Lovelace", "code": "WRONG-CODE1", "password": "a long passphrase"});
    let (status, _) = call(
        a,
        "POST",
        "/api/password",
        None,
        code.to_string().as_bytes(),
    )
    .await;
    assert_eq!(status, 429);
    server.task.abort();
}
