//! Nothing acknowledged is lost: the server is killed with SIGKILL in the middle of a burst of
//! creates, restarted on the same database, and every compute answered 2xx is there.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const WS: &str = "/subscriptions/6f1c0a52-5a3b-4b7e-9d2e-3f7a1c2b9e10/resourceGroups/rg-azimuth-lab/providers/Microsoft.MachineLearningServices/workspaces/mlw-azimuth-lab";

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn spawn(port: u16, db: &std::path::Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_azimuth-server"))
        .args([
            "--addr",
            &format!("127.0.0.1:{port}"),
            "--pace",
            "instant",
            "--dist",
            "dist",
            "--demo",
        ])
        .arg("--db")
        .arg(db)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the server binary starts")
}

async fn request(
    port: u16,
    method: &str,
    path: &str,
    token: &str,
    body: &str,
) -> Option<(u16, String)> {
    let mut s = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .ok()?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(head.as_bytes()).await.ok()?;
    let mut raw = String::new();
    s.read_to_string(&mut raw).await.ok()?;
    let status = raw.split(' ').nth(1)?.parse().ok()?;
    Some((
        status,
        raw.split_once("\r\n\r\n")
            .map(|(_, b)| b.to_owned())
            .unwrap_or_default(),
    ))
}

async fn wait_ready(port: u16) {
    let start = Instant::now();
    while request(port, "GET", "/api/health", "", "")
        .await
        .map(|r| r.0)
        != Some(200)
    {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the server did not come up"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn sign_in(port: u16) -> String {
    let (_, body) = request(
        port,
        "POST",
        "/api/session",
        "",
        r#"{"member":"Ada Lovelace"}"#,
    )
    .await
    .unwrap();
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    v["token"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_create_survives_sigkill() {
    let dir = std::env::temp_dir().join(format!("azimuth-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let db = dir.join("azimuth.db");
    let port = free_port();
    let mut server = spawn(port, &db);
    wait_ready(port).await;
    let token = sign_in(port).await;
    let body = r#"{"properties":{"computeType":"ComputeInstance","properties":{"vmSize":"Standard_DS1_v2"}}}"#;
    let burst: Vec<_> = (0..20)
        .map(|i| {
            let token = token.clone();
            tokio::spawn(async move {
                let name = format!("ci-crash-{}", (b'a' + i as u8) as char);
                let path = format!("{WS}/computes/{name}?api-version=2025-12-01");
                let answer = request(port, "PUT", &path, &token, body).await;
                (name, answer.map(|a| a.0))
            })
        })
        .collect();
    // Kill it while the burst is under way.
    tokio::time::sleep(Duration::from_millis(15)).await;
    server.kill().expect("SIGKILL");
    let _ = server.wait();
    let mut acknowledged = Vec::new();
    for call in burst {
        let (name, status) = call.await.unwrap();
        if matches!(status, Some(200..=299)) {
            acknowledged.push(name);
        }
    }
    let mut server = spawn(port, &db);
    wait_ready(port).await;
    let token = sign_in(port).await;
    let (status, list) = request(
        port,
        "GET",
        &format!("{WS}/computes?api-version=2025-12-01"),
        &token,
        "",
    )
    .await
    .unwrap();
    assert_eq!(status, 200);
    let list: serde_json::Value = serde_json::from_str(&list).unwrap();
    let names: Vec<&str> = list["value"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    for name in &acknowledged {
        assert!(
            names.contains(&name.as_str()),
            "{name} was acknowledged but is gone after the crash"
        );
    }
    let _ = server.kill();
    let _ = server.wait();
    eprintln!(
        "{} of 20 creates were acknowledged before the kill; all {} are there",
        acknowledged.len(),
        acknowledged.len()
    );
}
