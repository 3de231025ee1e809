use super::*;
use std::fs;
use std::io::Read;

/// A throwaway directory shaped like `dist/`, removed when dropped.
struct Site(PathBuf);

impl Site {
    fn new(name: &str) -> Site {
        let dir = std::env::temp_dir().join(format!("xtask-serve-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("icons")).unwrap();
        fs::create_dir_all(dir.join("app-0123456789abcdef")).unwrap();
        fs::write(
            dir.join("index.html"),
            "<!doctype html><title>Azimuth</title>",
        )
        .unwrap();
        fs::write(
            dir.join("app-0123456789abcdef/azimuth-studio_bg.wasm"),
            b"\0asm\x01\0\0\0",
        )
        .unwrap();
        fs::write(dir.join("app-0123456789abcdef.js"), "export {}").unwrap();
        fs::write(dir.join("studio.json"), "{}").unwrap();
        fs::write(dir.join("icons/a b.svg"), "<svg/>").unwrap();
        Site(dir)
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Sends raw request bytes on a fresh connection and returns the whole response as text.
fn exchange(server: &Server, raw: &str) -> String {
    let mut stream = TcpStream::connect(server.addr()).unwrap();
    stream.write_all(raw.as_bytes()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut out = Vec::new();
    let _ = stream.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

fn get(server: &Server, target: &str) -> String {
    exchange(
        server,
        &format!("GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
    )
}

fn header<'a>(response: &'a str, name: &str) -> Option<&'a str> {
    response.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

#[test]
fn serves_files_with_their_types() {
    let site = Site::new("types");
    let server = serve_dir(&site.0, "127.0.0.1:0").unwrap();
    let wasm = get(&server, "/app-0123456789abcdef/azimuth-studio_bg.wasm");
    assert!(wasm.starts_with("HTTP/1.1 200 OK"), "{wasm}");
    assert_eq!(header(&wasm, "content-type"), Some("application/wasm"));
    assert_eq!(header(&wasm, "content-length"), Some("8"));
    assert_eq!(
        header(&wasm, "cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    let js = get(&server, "/app-0123456789abcdef.js?v=1");
    assert_eq!(
        header(&js, "content-type"),
        Some("text/javascript; charset=utf-8")
    );
    let json = get(&server, "/studio.json");
    assert_eq!(header(&json, "content-type"), Some("application/json"));
    assert_eq!(header(&json, "cache-control"), Some("no-cache"));
    let svg = get(&server, "/icons/a%20b.svg");
    assert_eq!(header(&svg, "content-type"), Some("image/svg+xml"));
    assert!(svg.ends_with("<svg/>"));
}

#[test]
fn deep_links_get_index_html() {
    let site = Site::new("spa");
    let server = serve_dir(&site.0, "127.0.0.1:0").unwrap();
    for target in [
        "/",
        "/index.html",
        "/compute/instances/ci-1",
        "/icons/",
        "/nope.js",
    ] {
        let response = get(&server, target);
        assert!(
            response.starts_with("HTTP/1.1 200 OK"),
            "{target}: {response}"
        );
        assert_eq!(
            header(&response, "content-type"),
            Some("text/html; charset=utf-8")
        );
        assert_eq!(header(&response, "cache-control"), Some("no-cache"));
        assert!(response.ends_with("<title>Azimuth</title>"), "{target}");
    }
}

#[test]
fn refuses_traversal_and_other_methods() {
    let site = Site::new("refuse");
    let server = serve_dir(&site.0, "127.0.0.1:0").unwrap();
    for target in [
        "/../etc/passwd",
        "/icons/../../x",
        "/%2e%2e/etc/passwd",
        "/a%5c..%5cb",
    ] {
        let response = get(&server, target);
        assert!(
            response.starts_with("HTTP/1.1 403") || response.starts_with("HTTP/1.1 400"),
            "{target}: {response}"
        );
    }
    assert!(get(&server, "relative").starts_with("HTTP/1.1 400"));
    assert!(get(&server, "/%zz").starts_with("HTTP/1.1 400"));
    let post = exchange(&server, "POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
    assert!(post.starts_with("HTTP/1.1 405"), "{post}");
    assert_eq!(header(&post, "allow"), Some("GET, HEAD"));
}

#[test]
fn head_has_headers_only_and_keep_alive_works() {
    let site = Site::new("head");
    let server = serve_dir(&site.0, "127.0.0.1:0").unwrap();
    let both = exchange(
        &server,
        "HEAD /studio.json HTTP/1.1\r\nHost: x\r\n\r\nGET /studio.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    let responses: Vec<&str> = both.split("HTTP/1.1 ").filter(|r| !r.is_empty()).collect();
    assert_eq!(responses.len(), 2, "{both}");
    assert!(responses[0].starts_with("200 OK"));
    assert!(
        responses[0].ends_with("\r\n\r\n"),
        "HEAD sent a body: {both}"
    );
    assert!(responses[1].ends_with("{}"));
}

#[test]
fn missing_index_is_404() {
    let site = Site::new("noindex");
    fs::remove_file(site.0.join("index.html")).unwrap();
    let server = serve_dir(&site.0, "127.0.0.1:0").unwrap();
    assert!(get(&server, "/compute").starts_with("HTTP/1.1 404"));
    assert!(get(&server, "/studio.json").starts_with("HTTP/1.1 200"));
}

#[test]
fn decodes_percent_escapes() {
    assert_eq!(percent_decode("/a%20b").as_deref(), Some("/a b"));
    assert_eq!(percent_decode("/%e2%98%b0").as_deref(), Some("/☰"));
    assert_eq!(percent_decode("/%2"), None);
    assert_eq!(percent_decode("/%ff"), None);
}
