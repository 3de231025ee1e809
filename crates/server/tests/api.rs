//! azimuth-server end to end over real HTTP on loopback: sign-in, the ARM compute API, errors,
//! races for one name, and a restart that keeps everything.

use azimuth_server::config::Config;
use azimuth_server::state::AppState;
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::path::PathBuf;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const WS: &str = "/subscriptions/6f1c0a52-5a3b-4b7e-9d2e-3f7a1c2b9e10/resourceGroups/rg-azimuth-lab/providers/Microsoft.MachineLearningServices/workspaces/mlw-azimuth-lab";
const V: &str = "api-version=2025-12-01";

struct Server {
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

fn temp_db(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("azimuth-server-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir.join("azimuth.db")
}

async fn start(db: &std::path::Path, access_key: Option<&str>) -> Server {
    let mut config = Config::from_args(Vec::<String>::new(), |_| None).unwrap();
    config.db = db.to_path_buf();
    config.access_key = access_key.map(str::to_owned);
    config.pace = azimuth_core::Pace::Instant;
    let state = AppState::open(config).unwrap();
    state.spawn_ticker();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        axum::serve(listener, azimuth_server::app(state))
            .await
            .unwrap();
    });
    Server { addr, task }
}

/// A minimal HTTP/1.1 client: one request per connection.
async fn call(
    addr: SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &[u8],
) -> (u16, Value) {
    let (status, _, body) = call_with(addr, method, path, token, "", body).await;
    (status, body)
}

/// Like `call`, with extra header lines; answers the response head too (lower case).
async fn call_with(
    addr: SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    extra: &str,
    body: &[u8],
) -> (u16, String, Value) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{auth}{extra}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let _ = stream.write_all(body).await;
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw).await;
    let text = String::from_utf8_lossy(&raw);
    let status: u16 = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((text.as_ref(), ""));
    (
        status,
        head.to_ascii_lowercase(),
        serde_json::from_str(body).unwrap_or(Value::Null),
    )
}

/// A response header's value.
fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(':').map(str::trim))
}

async fn sign_in(addr: SocketAddr, member: &str) -> String {
    let (status, body) = call(
        addr,
        "POST",
        "/api/session",
        None,
        json!({"member": member}).to_string().as_bytes(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["token"].as_str().unwrap().to_owned()
}

fn instance(size: &str) -> Vec<u8> {
    json!({"properties": {"computeType": "ComputeInstance", "properties": {"vmSize": size}}})
        .to_string()
        .into_bytes()
}

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
        ("GET", format!("{WS}/jobs?{V}"), vec![], 404, "NotFound"),
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
async fn every_change_reaches_the_event_stream_and_workspace_reads_need_a_session() {
    let server = start(&temp_db("events"), None).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    assert_eq!(call(a, "GET", "/api/events", None, b"").await.0, 401);
    assert_eq!(call(a, "GET", "/api/workspace", None, b"").await.0, 401);
    let (status, ws) = call(a, "GET", "/api/workspace", Some(&ada), b"").await;
    assert_eq!(
        (status, ws["format"].as_str()),
        (200, Some("azimuth-workspace"))
    );
    let mut stream = tokio::net::TcpStream::connect(a).await.unwrap();
    let request = format!("GET /api/events?access_token={ada} HTTP/1.1\r\nHost: {a}\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut seen = String::new();
    read_until(&mut stream, &mut seen, 1)
        .await
        .expect("the current version comes first");
    let path = format!("{WS}/computes/ci-live?{V}");
    assert_eq!(
        call(a, "PUT", &path, Some(&ada), &instance("Standard_DS11_v2"))
            .await
            .0,
        201
    );
    read_until(&mut stream, &mut seen, 2)
        .await
        .expect("a change is announced within a second");
    server.task.abort();
}

/// Reads a server-sent event stream until `count` `changed` events have come, within 5 s.
async fn read_until(
    stream: &mut tokio::net::TcpStream,
    seen: &mut String,
    count: usize,
) -> Result<(), tokio::time::error::Elapsed> {
    tokio::time::timeout(std::time::Duration::from_secs(5), async {
        let mut buf = [0u8; 4096];
        while seen.matches("event: changed").count() < count {
            let n = stream.read(&mut buf).await.unwrap();
            assert!(n > 0, "the stream ended");
            seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    })
    .await
}

/// Whether a concrete path fits a documented template (`{x}` matches any segment; ARM paths
/// ignore case).
fn fits(template: &str, path: &str) -> bool {
    let (t, p): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(t, p)| t.starts_with('{') || t.eq_ignore_ascii_case(p))
}

#[tokio::test]
async fn the_openapi_document_lists_every_route_and_every_listed_route_answers() {
    let server = start(&temp_db("openapi"), None).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    let (status, doc) = call(a, "GET", "/openapi.json", None, b"").await;
    assert_eq!((status, doc["openapi"].as_str()), (200, Some("3.0.3")));
    let templates: Vec<(String, Vec<String>)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(p, ops)| {
            (
                p.clone(),
                ops.as_object().unwrap().keys().cloned().collect(),
            )
        })
        .collect();
    let sub = "/subscriptions/6f1c0a52-5a3b-4b7e-9d2e-3f7a1c2b9e10";
    let loc = format!("{sub}/providers/Microsoft.MachineLearningServices/locations/eastus");
    // Every path the server answers, one sample of each.
    let served: Vec<(&str, String)> = vec![
        ("get", "/api/health".into()),
        ("get", "/api/members".into()),
        ("post", "/api/session".into()),
        ("delete", "/api/session".into()),
        ("get", "/api/events".into()),
        ("get", "/api/workspace".into()),
        ("get", "/studio.json".into()),
        ("get", "/openapi.json".into()),
        ("get", "/subscriptions".into()),
        ("get", format!("{sub}/providers/Microsoft.MachineLearningServices/workspaces")),
        ("get", format!("{sub}/resourceGroups/rg-azimuth-lab/providers/Microsoft.MachineLearningServices/workspaces")),
        ("get", WS.into()),
        ("get", format!("{WS}/computes")),
        ("get", format!("{WS}/computes/ci-doc")),
        ("put", format!("{WS}/computes/ci-doc")),
        ("patch", format!("{WS}/computes/ci-doc")),
        ("delete", format!("{WS}/computes/ci-doc")),
        ("post", format!("{WS}/computes/ci-doc/start")),
        ("post", format!("{WS}/computes/ci-doc/stop")),
        ("post", format!("{WS}/computes/ci-doc/restart")),
        ("get", format!("{loc}/vmSizes")),
        ("get", format!("{loc}/usages")),
        ("get", format!("{loc}/computeOperationsStatus/ci-doc~Create~1")),
    ];
    for (method, path) in &served {
        assert!(
            templates
                .iter()
                .any(|(t, methods)| fits(t, path) && methods.iter().any(|m| m == method)),
            "{method} {path} is served but not in /openapi.json"
        );
    }
    assert_eq!(
        served.len(),
        templates.iter().map(|(_, m)| m.len()).sum::<usize>(),
        "every documented route has a sample"
    );
    // And every documented route answers (anything but "no such route").
    for (method, path) in &served {
        let query = if path.starts_with("/subscriptions") {
            format!("{path}?{V}")
        } else {
            path.clone()
        };
        let (status, body) = call(
            a,
            &method.to_uppercase(),
            &query,
            Some(&ada),
            &instance("Standard_DS11_v2"),
        )
        .await;
        let code = body["error"]["code"].as_str().unwrap_or("");
        assert!(
            status != 405 && code != "NotFound" && status < 500,
            "{method} {path}: {status} {body}"
        );
    }
    server.task.abort();
}

#[tokio::test]
async fn a_long_list_is_paged_with_next_link() {
    let mut config =
        Config::from_args(["--vcpu-quota".to_owned(), "1000".to_owned()], |_| None).unwrap();
    config.db = temp_db("paging");
    config.pace = azimuth_core::Pace::Instant;
    let state = AppState::open(config).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let a = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        axum::serve(listener, azimuth_server::app(state))
            .await
            .unwrap()
    });
    let ada = sign_in(a, "Ada Lovelace").await;
    for i in 0..60 {
        let path = format!("{WS}/computes/ci-page-{i:02}x?{V}");
        assert_eq!(
            call(a, "PUT", &path, Some(&ada), &instance("Standard_DS1_v2"))
                .await
                .0,
            201
        );
    }
    let (_, first) = call(a, "GET", &format!("{WS}/computes?{V}"), Some(&ada), b"").await;
    assert_eq!(first["value"].as_array().unwrap().len(), 50);
    let next = first["nextLink"].as_str().expect("more follow");
    let (_, second) = call(
        a,
        "GET",
        &next[next.find("/subscriptions").unwrap()..],
        Some(&ada),
        b"",
    )
    .await;
    assert_eq!(second["value"].as_array().unwrap().len(), 10);
    assert!(second.get("nextLink").is_none());
    task.abort();
}
