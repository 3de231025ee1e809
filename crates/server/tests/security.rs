//! Every kind of response carries the security headers: the studio's page and files, the `/api`
//! answers, ARM resources and errors, and refusals made before a handler runs.

mod common;

use azimuth_server::security::CONTENT_SECURITY_POLICY_VALUE;
use common::*;

/// A request (method, path, bearer token, body) and the status it gets.
type Case<'a> = (&'a str, &'a str, Option<&'a str>, &'a [u8], u16);

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let dist = std::env::temp_dir().join(format!("azimuth-security-{}", std::process::id()));
    std::fs::create_dir_all(dist.join("app-0123456789abcdef")).unwrap();
    std::fs::write(dist.join("index.html"), "<!DOCTYPE html><title>A</title>").unwrap();
    std::fs::write(dist.join("app-0123456789abcdef/start.js"), "export {};").unwrap();
    let server = start_with(&temp_db("security"), |c| c.dist = dist.clone()).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    let too_big = vec![b'x'; azimuth_server::MAX_BODY + 1];
    let compute = format!("{WS}/computes/ci-sec?{V}");
    let workspace = format!("/api/workspace?wsid={WS}");
    let cases: Vec<Case> = vec![
        ("GET", "/", None, b"", 200),
        ("GET", "/compute/instances", None, b"", 200),
        ("GET", "/app-0123456789abcdef/start.js", None, b"", 200),
        ("GET", "/studio.json", None, b"", 200),
        ("GET", "/api/health", None, b"", 200),
        ("GET", &workspace, Some(&ada), b"", 200),
        ("GET", "/api/workspace", None, b"", 401),
        ("GET", "/api/nothing-here", None, b"", 404),
        ("POST", "/compute/instances", None, b"", 405),
        ("GET", &compute, Some(&ada), b"", 404),
        ("PUT", &compute, Some(&ada), &too_big, 413),
    ];
    for (method, path, token, body, status) in cases {
        let (got, head, _) = call_with(a, method, path, token, "", body).await;
        assert_eq!(got, status, "{method} {path}: {head}");
        let csp = header(&head, "content-security-policy");
        assert_eq!(csp, Some(CONTENT_SECURITY_POLICY_VALUE), "{method} {path}");
        assert_eq!(
            header(&head, "x-content-type-options"),
            Some("nosniff"),
            "{method} {path}"
        );
        assert_eq!(
            header(&head, "referrer-policy"),
            Some("no-referrer"),
            "{method} {path}"
        );
    }
    std::fs::remove_dir_all(&dist).unwrap();
}

#[test]
fn the_policy_runs_only_the_studios_own_code() {
    let directives: Vec<&str> = CONTENT_SECURITY_POLICY_VALUE
        .split(';')
        .map(str::trim)
        .collect();
    for wanted in [
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(directives.contains(&wanted), "{wanted} in {directives:?}");
    }
    assert!(!CONTENT_SECURITY_POLICY_VALUE.contains("unsafe-inline"));
    assert!(!CONTENT_SECURITY_POLICY_VALUE.contains("'unsafe-eval'"));
}
