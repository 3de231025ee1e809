//! The event stream carries what a change did: the computes it made or changed and the names it
//! deleted, only to people who may read that workspace; everyone else gets the version alone,
//! and a change of more than computes says only "read again".

mod common;

use common::*;
use serde_json::Value;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

const SECOND: &str = "/subscriptions/6f1c0a52-5a3b-4b7e-9d2e-3f7a1c2b9e10/resourceGroups/rg-azimuth-lab/providers/Microsoft.MachineLearningServices/workspaces/mlw-second";

/// A person's event stream, read past its first event (the current version).
struct Stream {
    tcp: TcpStream,
    seen: String,
    count: usize,
}

impl Stream {
    async fn open(a: std::net::SocketAddr, token: &str) -> Stream {
        Stream::open_at(a, &format!("/api/events?access_token={token}")).await
    }

    async fn open_at(a: std::net::SocketAddr, path: &str) -> Stream {
        let mut tcp = TcpStream::connect(a).await.unwrap();
        let request = format!("GET {path} HTTP/1.1\r\nHost: {a}\r\n\r\n");
        tcp.write_all(request.as_bytes()).await.unwrap();
        let mut stream = Stream {
            tcp,
            seen: String::new(),
            count: 0,
        };
        stream.next().await;
        stream
    }

    /// The data of the next `changed` event.
    async fn next(&mut self) -> Value {
        self.count += 1;
        read_until(&mut self.tcp, &mut self.seen, self.count)
            .await
            .expect("an event within 5 s");
        let event = self.seen.split("event: changed").nth(self.count).unwrap();
        let data = event
            .lines()
            .find_map(|l| l.strip_prefix("data: "))
            .expect("the event has data");
        serde_json::from_str(data).unwrap()
    }
}

fn names(event: &Value) -> Vec<&str> {
    event["changes"]["computes"]
        .as_array()
        .map(|a| a.iter().filter_map(|c| c["resource"]["name"].as_str()))
        .into_iter()
        .flatten()
        .collect()
}

#[tokio::test]
async fn readers_get_the_computes_a_change_touched_and_others_only_the_version() {
    let server = start(&temp_db("events-detail"), None).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    // Alan is a Reader of the lab workspace and holds no role in the second one.
    let alan = sign_in(a, "Alan Turing").await;
    let second = format!("{SECOND}?{V}");
    let body = br#"{"location": "eastus"}"#;
    assert_eq!(call(a, "PUT", &second, Some(&ada), body).await.0, 201);
    let mut ada_events = Stream::open(a, &ada).await;
    let mut alan_events = Stream::open(a, &alan).await;

    // A compute made in the lab workspace: its reader gets it as GET returns it.
    let lab = format!("{WS}/computes/ci-events?{V}");
    let size = instance("Standard_DS11_v2");
    assert_eq!(call(a, "PUT", &lab, Some(&ada), &size).await.0, 201);
    let (_, resource) = call(a, "GET", &lab, Some(&ada), b"").await;
    let seen = alan_events.next().await;
    assert_eq!(seen["workspace"].as_str(), Some(WS));
    assert_eq!(names(&seen), ["ci-events"]);
    assert_eq!(seen["changes"]["computes"][0]["resource"], resource);
    assert_eq!(seen["changes"]["deleted"], serde_json::json!([]));
    assert!(seen["changes"]["activity"][0]["text"]
        .as_str()
        .is_some_and(|t| t.contains("ci-events")));
    let version = seen["version"].as_u64().unwrap();
    assert_eq!(ada_events.next().await, seen, "every reader gets the same");

    // A compute made in the second workspace: Alan learns only that the version moved.
    let other = format!("{SECOND}/computes/ci-hidden?{V}");
    assert_eq!(call(a, "PUT", &other, Some(&ada), &size).await.0, 201);
    let hidden = alan_events.next().await;
    assert_eq!(hidden, serde_json::json!({"version": version + 1}));
    assert!(!alan_events.seen.contains("ci-hidden"));
    assert_eq!(names(&ada_events.next().await), ["ci-hidden"]);

    // Stopping one compute: an event well under 4 KB.
    let stop = format!("{WS}/computes/ci-events/stop?{V}");
    assert_eq!(call(a, "POST", &stop, Some(&ada), b"").await.0, 202);
    let stopped = alan_events.next().await;
    assert_eq!(
        stopped["changes"]["computes"][0]["resource"]["properties"]["properties"]["state"],
        "Stopped"
    );
    assert!(
        stopped.to_string().len() <= 4096,
        "{}",
        stopped.to_string().len()
    );
    ada_events.next().await;

    // Deleting: the name deleted, no body.
    assert_eq!(call(a, "DELETE", &lab, Some(&ada), b"").await.0, 202);
    let deleted = alan_events.next().await;
    assert_eq!(
        deleted["changes"]["deleted"],
        serde_json::json!(["ci-events"])
    );
    assert!(names(&deleted).is_empty());
    server.task.abort();
}

#[tokio::test]
async fn a_change_of_more_than_computes_says_read_again_and_versions_match_reads() {
    let server = start(&temp_db("events-fallback"), None).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    let mut events = Stream::open(a, &ada).await;
    // The pace is a setting of the workspace, not a compute: only "read it again".
    let pace = br#"{"pace": "fast"}"#;
    let settings = format!("/api/settings?wsid={WS}");
    assert_eq!(call(a, "PUT", &settings, Some(&ada), pace).await.0, 204);
    let event = events.next().await;
    assert_eq!(event["workspace"].as_str(), Some(WS));
    assert!(event.get("changes").is_none(), "{event}");
    // A read names the version of what it holds: the studio applies only later events.
    let (_, head, _) = call_with(
        a,
        "GET",
        &format!("/api/workspace?wsid={WS}"),
        Some(&ada),
        "",
        b"",
    )
    .await;
    assert_eq!(
        header(&head, "x-azimuth-version").and_then(|v| v.parse().ok()),
        event["version"].as_u64()
    );
    // A directory change keeps today's event: the workspace empty, read everything again.
    let group = "/subscriptions/6f1c0a52-5a3b-4b7e-9d2e-3f7a1c2b9e10/resourcegroups/rg-events?api-version=2022-09-01";
    assert_eq!(
        call(a, "PUT", group, Some(&ada), br#"{"location": "eastus"}"#)
            .await
            .0,
        201
    );
    let directory = events.next().await;
    assert_eq!(directory["workspace"].as_str(), Some(""));
    assert!(directory.get("changes").is_none());
    server.task.abort();
}

/// A stream that names the workspace it shows (the studio's) gets what changed only there; a
/// change of another workspace it may read says only which one changed.
#[tokio::test]
async fn a_stream_watching_one_workspace_gets_the_changes_of_that_one_only() {
    let server = start(&temp_db("events-watched"), None).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    let second = format!("{SECOND}?{V}");
    let body = br#"{"location": "eastus"}"#;
    assert_eq!(call(a, "PUT", &second, Some(&ada), body).await.0, 201);
    let watched = WS.replace('/', "%2F");
    let path = format!("/api/events?access_token={ada}&workspace={watched}");
    let mut events = Stream::open_at(a, &path).await;

    let elsewhere = format!("{SECOND}/computes/ci-second?{V}");
    let size = instance("Standard_DS11_v2");
    assert_eq!(call(a, "PUT", &elsewhere, Some(&ada), &size).await.0, 201);
    let seen = events.next().await;
    assert_eq!(seen["workspace"].as_str(), Some(SECOND));
    assert!(seen.get("changes").is_none(), "{seen}");

    let here = format!("{WS}/computes/ci-watched?{V}");
    assert_eq!(call(a, "PUT", &here, Some(&ada), &size).await.0, 201);
    // The second workspace's instance may still be provisioning: its events come without
    // changes until the watched workspace's arrives.
    let mut seen = events.next().await;
    while seen["workspace"].as_str() == Some(SECOND) {
        assert!(seen.get("changes").is_none(), "{seen}");
        seen = events.next().await;
    }
    assert_eq!(seen["workspace"].as_str(), Some(WS));
    assert_eq!(names(&seen), ["ci-watched"]);
}
