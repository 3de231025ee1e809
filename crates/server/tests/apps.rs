//! A running compute instance's applications for real (`--instance-runtime local`): JupyterLab
//! on the applications' own port, opened from the studio with a one-time ticket, only by the
//! instance's assigned user, its API and pages passed through, and gone with the instance.
//! Needs the Python environment `cargo xtask setup` makes (target/python, with jupyterlab).

mod common;

use common::*;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// A GET on the applications' port with `cookie`: status, head (lower case), body.
async fn get(apps: SocketAddr, path: &str, cookie: &str) -> (u16, String, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(apps).await.unwrap();
    let cookie = if cookie.is_empty() {
        String::new()
    } else {
        format!("Cookie: {cookie}\r\n")
    };
    let head = format!("GET {path} HTTP/1.0\r\nHost: {apps}\r\n{cookie}\r\n");
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw).await;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head.to_ascii_lowercase(), body.to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn jupyterlab_opens_for_the_assigned_user_through_a_one_time_link() {
    let db = temp_db("apps");
    let (server, apps) = start_with_runtime(&db, &[]).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    let grace = sign_in(a, "Grace Hopper").await;
    let compute = format!("{WS}/computes/ci-lab?{V}");
    let (status, made) = call(
        a,
        "PUT",
        &compute,
        Some(&ada),
        &instance("Standard_DS11_v2"),
    )
    .await;
    assert!(status < 300, "{made}");
    let files =
        format!("/api/files?wsid={WS}&datastore=workspaceworkingdirectory&path=Users/ada/hello.py");
    call(a, "PUT", &files, Some(&ada), b"print('hello')").await;

    let open = |app: &str| format!("/api/computes/ci-lab/applications/{app}?wsid={WS}");
    let (status, refused) = call(a, "POST", &open("Jupyter%20Lab"), Some(&grace), b"").await;
    assert_eq!(status, 403, "only the assigned user opens it: {refused}");
    let (status, vscode) = call(a, "POST", &open("VS%20Code"), Some(&ada), b"").await;
    assert_eq!(status, 400, "{vscode}");
    assert!(
        vscode["error"]["message"]
            .as_str()
            .unwrap()
            .contains("VS Code"),
        "{vscode}"
    );

    let started = Instant::now();
    let (status, opened) = call(a, "POST", &open("Jupyter%20Lab"), Some(&ada), b"").await;
    assert_eq!(status, 200, "{opened}");
    eprintln!("JupyterLab started in {:?}", started.elapsed());
    let uri = opened["endpointUri"].as_str().unwrap().to_owned();
    let path = uri
        .strip_prefix(&format!("http://{apps}"))
        .expect("on the applications' port")
        .to_owned();
    let id = path.split('/').nth(2).unwrap().to_owned();

    // Without the ticket's cookie nothing passes; the ticket works once.
    assert_eq!(get(apps, &format!("/apps/{id}/lab"), "").await.0, 403);
    let (status, head, _) = get(apps, &path, "").await;
    assert_eq!(status, 303, "{head}");
    let cookie = header(&head, "set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    assert!(header(&head, "set-cookie").unwrap().contains("httponly"));
    assert_eq!(get(apps, &path, "").await.0, 403, "a ticket is good once");

    let (status, head, page) = get(apps, &format!("/apps/{id}/lab"), &cookie).await;
    assert_eq!(status, 200, "{head}");
    assert!(
        page.contains("JupyterLab") || page.contains("jupyter"),
        "{page:.300}"
    );
    let (status, head, listing) = get(apps, &format!("/apps/{id}/api/contents"), &cookie).await;
    assert_eq!(status, 200, "{head} {listing}");
    assert!(
        listing.contains("hello.py"),
        "JupyterLab works in the person's folder: {listing}"
    );
    let (status, head, specs) = get(apps, &format!("/apps/{id}/api/kernelspecs"), &cookie).await;
    assert_eq!(status, 200, "{head} {specs}");
    let specs: serde_json::Value = serde_json::from_str(&specs).unwrap();
    assert_eq!(specs["default"], "python310-sdkv2", "{specs}");
    let names: Vec<&String> = specs["kernelspecs"].as_object().unwrap().keys().collect();
    assert_eq!(
        names,
        ["python310-sdkv2"],
        "the one kernel Azure ML names: {specs}"
    );
    assert_eq!(
        specs["kernelspecs"]["python310-sdkv2"]["spec"]["display_name"],
        "Python 3.10 - SDK v2"
    );
    assert!(
        page.contains("@jupyterlab/apputils-extension:announcements"),
        "the news prompt is turned off: {page:.300}"
    );
    let (status, _, _) = get(
        apps,
        &format!("/apps/{id}/api/contents"),
        "azimuth_app=guess",
    )
    .await;
    assert_eq!(status, 403);

    // Stopping the instance stops JupyterLab.
    let stop = format!("{WS}/computes/ci-lab/stop?{V}");
    call(a, "POST", &stop, Some(&ada), b"").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while get(apps, &format!("/apps/{id}/api/contents"), &cookie)
        .await
        .0
        == 200
    {
        assert!(
            Instant::now() < deadline,
            "JupyterLab outlived its instance"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}
