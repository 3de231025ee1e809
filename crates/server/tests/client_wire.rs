//! What the real azure-ai-ml client (tests/clients/test_azure_ai_ml.py) showed the server
//! answered unlike Azure: each deviation it found, pinned down over plain HTTP.

mod common;

use common::*;

const SUB: &str = "/subscriptions/6f1c0a52-5a3b-4b7e-9d2e-3f7a1c2b9e10";

/// An operation's status says `Retry-After: 1` while it is in progress: azure-core's poller
/// otherwise waits 30 s between polls, so a 4-second stop took 30 s in azure-ai-ml.
#[tokio::test]
async fn an_operation_in_progress_says_when_to_poll_again() {
    let db = temp_db("client-wire-retry");
    let server = start_with(&db, |c| c.pace = Some(azimuth_core::Pace::Fast)).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    let path = format!("{WS}/computes/ci-poll?api-version=2023-08-01-preview");
    let (status, head, _) = call_with(
        a,
        "PUT",
        &path,
        Some(&ada),
        "",
        &instance("Standard_DS11_v2"),
    )
    .await;
    assert_eq!(status, 201);
    let url = header(&head, "azure-asyncoperation").expect("a polling URL");
    let poll = &url[url.find("/subscriptions/").expect("an ARM path")..];
    let (status, head, body) = call_with(a, "GET", poll, Some(&ada), "", b"").await;
    assert_eq!((status, body["status"].as_str()), (200, Some("InProgress")));
    assert_eq!(header(&head, "retry-after"), Some("1"), "{head}");
}

/// `GET .../workspaces?kind=...` lists only workspaces of those kinds, as Azure does
/// (azure-ai-ml's `workspaces.list(filtered_kinds=...)`); every workspace here is `Default`.
#[tokio::test]
async fn workspace_lists_filter_by_kind() {
    let server = start(&temp_db("client-wire-kind"), None).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    let lists = [
        format!("{SUB}/providers/Microsoft.MachineLearningServices/workspaces"),
        format!("{SUB}/resourceGroups/rg-azimuth-lab/providers/Microsoft.MachineLearningServices/workspaces"),
    ];
    for list in lists {
        let names = |kind: &'static str| {
            let path = format!("{list}?api-version=2024-10-01-preview{kind}");
            let ada = ada.clone();
            async move {
                let (status, body) = call(a, "GET", &path, Some(&ada), b"").await;
                assert_eq!(status, 200, "{body}");
                body["value"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|w| w["name"].as_str().unwrap().to_owned())
                    .collect::<Vec<_>>()
            }
        };
        let lab = vec!["mlw-azimuth-lab".to_owned()];
        assert_eq!(names("").await, lab);
        assert_eq!(names("&kind=default").await, lab);
        assert_eq!(names("&kind=Hub%2CDefault").await, lab);
        assert!(names("&kind=hub").await.is_empty());
        assert!(names("&kind=project,hub").await.is_empty());
    }
}

/// `POST .../computes/{name}/enableSso` (azure-ai-ml's `compute.enable_sso`) turns single
/// sign-on off and on; `enableSSO` in a create body is kept, as Azure keeps it.
#[tokio::test]
async fn single_sign_on_is_kept_and_changed() {
    let server = start(&temp_db("client-wire-sso"), None).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    let alan = sign_in(a, "Alan Turing").await;
    let v = "api-version=2024-04-01-preview";
    let ci = format!("{WS}/computes/ci-sso");
    let body = br#"{"properties": {"computeType": "ComputeInstance", "properties": {"vmSize": "Standard_DS11_v2", "enableSSO": true}}}"#;
    assert_eq!(
        call(a, "PUT", &format!("{ci}?{v}"), Some(&ada), body)
            .await
            .0,
        201
    );
    assert_eq!(sso(a, &format!("{ci}?{v}"), &ada).await, true);
    let enable = format!("{ci}/enableSso?{v}");
    let off = br#"{"enableSSO": false}"#;
    let (status, refused) = call(a, "POST", &enable, Some(&alan), off).await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (403, Some("AuthorizationFailed"))
    );
    assert_eq!(call(a, "POST", &enable, Some(&ada), off).await.0, 200);
    assert_eq!(sso(a, &format!("{ci}?{v}"), &ada).await, false);
    assert_eq!(call(a, "GET", &enable, Some(&ada), b"").await.0, 405);
    let (status, bad) = call(a, "POST", &enable, Some(&ada), br#"{"sso": 1}"#).await;
    assert_eq!(
        (status, bad["error"]["code"].as_str()),
        (400, Some("InvalidRequestContent"))
    );
    let missing = format!("{WS}/computes/ci-none/enableSso?{v}");
    assert_eq!(call(a, "POST", &missing, Some(&ada), off).await.0, 404);
}

/// An instance's `enableSSO` as GET answers it.
async fn sso(a: std::net::SocketAddr, path: &str, token: &str) -> serde_json::Value {
    let (_, got) = call(a, "GET", path, Some(token), b"").await;
    got["properties"]["properties"]["enableSSO"].clone()
}

/// A schedule's enum values in lower case, as azure-ai-ml sends them from CLI v2 YAML
/// (`action: stop`, `frequency: week`, `week_days: [monday]`), are taken and answered in ARM's
/// casing; Azimuth refused them with 400.
#[tokio::test]
async fn schedules_from_cli_yaml_are_taken_in_any_case() {
    let server = start(&temp_db("client-wire-yaml"), None).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    let ci = format!("{WS}/computes/ci-yaml?api-version=2023-08-01-preview");
    let body = serde_json::json!({"properties": {"computeType": "ComputeInstance", "properties": {
    "vmSize": "STANDARD_DS3_v2",
    "schedules": {"computeStartStop": [
        {"action": "stop", "status": "Enabled", "triggerType": "Cron",
         "cron": {"expression": "0 18 * * *", "startTime": "2026-11-29T18:00:00",
                  "timeZone": "UTC", "triggerType": "Cron"}},
        {"action": "start", "status": "enabled", "triggerType": "Recurrence",
         "recurrence": {"frequency": "week", "interval": 1, "timeZone": "UTC",
                        "triggerType": "Recurrence",
                        "schedule": {"hours": [8], "minutes": [0], "weekDays": ["monday", "tuesday"]}}}
    ]}}}});
    let (status, made) = call(a, "PUT", &ci, Some(&ada), body.to_string().as_bytes()).await;
    assert_eq!(status, 201, "{made}");
    let (_, got) = call(a, "GET", &ci, Some(&ada), b"").await;
    let s = &got["properties"]["properties"]["schedules"]["computeStartStop"];
    assert_eq!(
        (s[0]["action"].as_str(), s[1]["action"].as_str()),
        (Some("Stop"), Some("Start"))
    );
    assert_eq!(s[1]["status"], "Enabled");
    assert_eq!(s[1]["recurrence"]["frequency"], "Week");
    assert_eq!(
        s[1]["recurrence"]["schedule"]["weekDays"],
        serde_json::json!(["Monday", "Tuesday"])
    );
}

/// `GET .../locations/{loc}/usages` (azure-ai-ml's `compute.list_usage(location=...)`) answers a
/// region without workspaces too, its limits with nothing in use, as Azure's per-subscription
/// usages do; Azimuth answered an empty list.
#[tokio::test]
async fn usages_answer_every_region() {
    let db = temp_db("client-wire-usages");
    let server = start_with(&db, |c| c.vcpu_quota = Some(40)).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    let usages = |loc: &'static str| {
        let ada = ada.clone();
        async move {
            let path = format!("{SUB}/providers/Microsoft.MachineLearningServices/locations/{loc}/usages?api-version=2023-08-01-preview");
            let (status, body) = call(a, "GET", &path, Some(&ada), b"").await;
            assert_eq!(status, 200, "{body}");
            body["value"].as_array().unwrap().clone()
        }
    };
    let west = usages("westus2").await;
    let east = usages("eastus").await;
    assert_eq!(west.len(), east.len(), "the same families in every region");
    let ds = |rows: &[serde_json::Value]| {
        rows.iter()
            .find(|u| u["name"]["value"] == "standardDSv2Family")
            .cloned()
            .unwrap()
    };
    assert_eq!(
        (
            ds(&west)["currentValue"].as_u64(),
            ds(&west)["limit"].as_u64()
        ),
        (Some(0), Some(40))
    );
    assert!(ds(&west)["id"]
        .as_str()
        .unwrap()
        .contains("/locations/westus2/usages/"));
    assert_eq!(ds(&east)["limit"].as_u64(), Some(40));
    let pool = west.last().unwrap();
    assert_eq!(
        (pool["name"]["value"].as_str(), pool["limit"].as_u64()),
        (Some("totalLowPriorityCores"), Some(100))
    );
    assert!(usages("atlantis").await.is_empty(), "no such region");
}

/// Behind a reverse proxy that ends TLS (`X-Forwarded-Proto: https`), the polling URLs a client
/// is given are https, on the host it called; without the header they stay http.
#[tokio::test]
async fn polling_urls_keep_the_scheme_the_client_came_in_on() {
    let server = start(&temp_db("client-wire-scheme"), None).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    for (extra, scheme) in [("X-Forwarded-Proto: https\r\n", "https"), ("", "http")] {
        let path = format!("{WS}/computes/ci-{scheme}?api-version=2023-08-01-preview");
        let body = instance("Standard_DS11_v2");
        let (status, head, _) = call_with(a, "PUT", &path, Some(&ada), extra, &body).await;
        assert_eq!(status, 201);
        let url = header(&head, "azure-asyncoperation").expect("a polling URL");
        assert!(
            url.starts_with(&format!("{scheme}://{a}/subscriptions/")),
            "{url}"
        );
    }
}
