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
    send(apps, "GET", path, cookie).await
}

/// A request with an empty JSON object as its body (for a POST) on the applications' port.
async fn send(apps: SocketAddr, method: &str, path: &str, cookie: &str) -> (u16, String, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(apps).await.unwrap();
    let cookie = if cookie.is_empty() {
        String::new()
    } else {
        format!("Cookie: {cookie}\r\n")
    };
    let body = if method == "GET" { "" } else { "{}" };
    let head = format!(
        "{method} {path} HTTP/1.0\r\nHost: {apps}\r\n{cookie}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
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

    // JupyterLab's own token is in its environment, not on its command line, which any
    // process of the machine may read.
    let lab = environment_of_process_with(&format!("/apps/{id}/")).await;
    let cmdline = std::fs::read(format!("/proc/{}/cmdline", lab["AZIMUTH_TEST_PID"])).unwrap();
    let token = lab["JUPYTER_TOKEN"].as_str();
    assert!(!token.is_empty());
    assert!(!String::from_utf8_lossy(&cmdline).contains(token));

    // A kernel JupyterLab starts reaches this workspace: its tracking URI with a token of the
    // person's that works, the instance's identity, and config.json where from_config finds it.
    let (status, head, kernel) =
        send(apps, "POST", &format!("/apps/{id}/api/kernels"), &cookie).await;
    assert_eq!(status, 201, "{head} {kernel}");
    let kernel: serde_json::Value = serde_json::from_str(&kernel).unwrap();
    let kernel_id = kernel["id"].as_str().unwrap().to_owned();
    let env = environment_of_process_with(&kernel_id).await;
    let (_, workspace) = call(a, "GET", &format!("{WS}?{V}"), Some(&ada), b"").await;
    let uri = workspace["properties"]["mlFlowTrackingUri"]
        .as_str()
        .unwrap();
    assert_eq!(
        env.get("MLFLOW_TRACKING_URI").map(String::as_str),
        Some(uri)
    );
    assert!(
        env["MSI_ENDPOINT"].ends_with("/api/kernels/identity"),
        "{env:?}"
    );
    assert_eq!(env.get("CI_NAME").map(String::as_str), Some("ci-lab"));
    let token = env["MLFLOW_TRACKING_TOKEN"].clone();
    let search = format!(
        "{}/api/2.0/mlflow/experiments/search?max_results=1",
        uri.split_once("/mlflow/")
            .map(|(_, rest)| format!("/mlflow/{rest}"))
            .unwrap()
    );
    let (status, found) = call(a, "GET", &search, Some(&token), b"").await;
    assert_eq!(status, 200, "the kernel's token works: {found}");
    let cwd = std::fs::read_link(format!("/proc/{}/cwd", env["AZIMUTH_TEST_PID"])).unwrap();
    let config = cwd
        .ancestors()
        .find_map(|folder| std::fs::read_to_string(folder.join(".azureml/config.json")).ok())
        .expect("config.json above the kernel's folder, as MLClient.from_config() looks");
    assert!(
        config.contains("\"workspace_name\": \"mlw-azimuth-lab\""),
        "{config}"
    );

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
    let (status, _) = call(a, "GET", &search, Some(&token), b"").await;
    assert_eq!(status, 401, "its kernels' token is taken back with it");
}

/// The environment of the process whose command line names `word` (a kernel started by
/// JupyterLab names its connection file after its id), once it is running, with its pid as
/// `AZIMUTH_TEST_PID`.
async fn environment_of_process_with(word: &str) -> std::collections::HashMap<String, String> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
            if !String::from_utf8_lossy(&cmdline).contains(word) {
                continue;
            }
            let Ok(environ) = std::fs::read(entry.path().join("environ")) else {
                continue;
            };
            let mut env: std::collections::HashMap<String, String> = environ
                .split(|b| *b == 0)
                .filter_map(|pair| {
                    let pair = String::from_utf8_lossy(pair);
                    let (k, v) = pair.split_once('=')?;
                    Some((k.to_owned(), v.to_owned()))
                })
                .collect();
            // Where to find the process again (its working folder), kept beside its variables.
            env.insert(
                "AZIMUTH_TEST_PID".into(),
                entry.file_name().to_string_lossy().into(),
            );
            return env;
        }
        assert!(Instant::now() < deadline, "no process of kernel {word}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
