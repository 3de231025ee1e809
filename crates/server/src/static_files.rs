//! Serving the built studio: files from `--dist`, and `index.html` for any other path so a reload
//! on a deep link works.

use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use std::path::{Component, Path, PathBuf};

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "json" => "application/json",
        "ico" => "image/x-icon",
        _ => "application/octet-stream",
    }
}

/// The file for a path under `dist`, refusing anything that climbs out of it.
fn resolve(dist: &Path, uri: &Uri) -> Option<PathBuf> {
    let relative = Path::new(uri.path().trim_start_matches('/'));
    if relative
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return None;
    }
    let path = dist.join(relative);
    path.is_file().then_some(path)
}

/// Whether a file carries a content hash, so it can be cached for good: trunk's in its name
/// (`name-0123456789abcdef.ext`), or the build's app folder's (`app-0123456789abcdef/...`).
fn is_hashed(path: &Path) -> bool {
    let hashed = |name: &str| {
        name.rsplit_once('-')
            .is_some_and(|(_, h)| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()))
    };
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let folder = path
        .parent()
        .and_then(Path::file_name)
        .and_then(|s| s.to_str());
    hashed(stem) || folder.is_some_and(|f| f.starts_with("app-") && hashed(f))
}

/// A file of the studio, or its `index.html`; the build's brotli copy (`<file>.br`, which
/// `cargo xtask build` writes) when the browser accepts brotli, a third of the bytes.
/// Whether the request accepts brotli-compressed answers.
pub fn accepts_brotli(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|e| e.trim().starts_with("br")))
}

pub async fn serve(dist: &Path, uri: &Uri, accepts_brotli: bool) -> Response {
    let (path, cache) = match resolve(dist, uri) {
        Some(p) if is_hashed(&p) => (p, "public, max-age=31536000, immutable"),
        Some(p) => (p, "no-cache"),
        _ => (dist.join("index.html"), "no-cache"),
    };
    if accepts_brotli {
        let mut compressed = path.clone().into_os_string();
        compressed.push(".br");
        if let Ok(bytes) = tokio::fs::read(&compressed).await {
            return (
                [
                    (header::CONTENT_TYPE, content_type(&path)),
                    (header::CACHE_CONTROL, cache),
                    (header::CONTENT_ENCODING, "br"),
                    (header::VARY, "Accept-Encoding"),
                ],
                bytes,
            )
                .into_response();
        }
    }
    match tokio::fs::read(&path).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, content_type(&path)),
                (header::CACHE_CONTROL, cache),
                (header::VARY, "Accept-Encoding"),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => (
            StatusCode::NOT_FOUND,
            format!(
                "The studio is not built: {} is missing. Run `cargo xtask build`.",
                path.display()
            ),
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::to_bytes;

    async fn get(
        dist: &Path,
        path: &str,
        brotli: bool,
    ) -> (StatusCode, Vec<(String, String)>, Vec<u8>) {
        let response = serve(dist, &path.parse().unwrap(), brotli).await;
        let status = response.status();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap().to_owned()))
            .collect();
        let body = to_bytes(response.into_body(), 1 << 20).await.unwrap();
        (status, headers, body.to_vec())
    }

    fn has(headers: &[(String, String)], name: &str, value: &str) -> bool {
        headers.iter().any(|(k, v)| k == name && v == value)
    }

    #[tokio::test]
    async fn files_precompressed_copies_deep_links_and_no_escape() {
        let dist = std::env::temp_dir().join(format!("azimuth-static-{}", std::process::id()));
        std::fs::create_dir_all(&dist).unwrap();
        std::fs::write(dist.join("index.html"), "<html>").unwrap();
        let js = "app-0123456789abcdef.js";
        std::fs::write(dist.join(js), "plain").unwrap();
        std::fs::write(dist.join(format!("{js}.br")), "squeezed").unwrap();

        let (status, headers, body) = get(&dist, &format!("/{js}"), true).await;
        assert_eq!(
            (status, body.as_slice()),
            (StatusCode::OK, &b"squeezed"[..])
        );
        assert!(has(&headers, "content-encoding", "br"));
        assert!(has(
            &headers,
            "content-type",
            "text/javascript; charset=utf-8"
        ));
        assert!(has(
            &headers,
            "cache-control",
            "public, max-age=31536000, immutable"
        ));

        let (_, headers, body) = get(&dist, &format!("/{js}"), false).await;
        assert_eq!(body, b"plain");
        assert!(!headers.iter().any(|(k, _)| k == "content-encoding"));

        // Everything in the build's app folder is hashed by its folder's name.
        std::fs::create_dir_all(dist.join("app-00000000000000aa")).unwrap();
        std::fs::write(dist.join("app-00000000000000aa/chunk_3.wasm"), "w").unwrap();
        let (_, headers, _) = get(&dist, "/app-00000000000000aa/chunk_3.wasm", false).await;
        assert!(has(&headers, "content-type", "application/wasm"));
        assert!(has(
            &headers,
            "cache-control",
            "public, max-age=31536000, immutable"
        ));

        // A deep link gets index.html (no brotli copy of it here), never cached for good.
        let (status, headers, body) = get(&dist, "/compute/instances/ci-1", true).await;
        assert_eq!((status, body.as_slice()), (StatusCode::OK, &b"<html>"[..]));
        assert!(has(&headers, "cache-control", "no-cache"));
        // Climbing out of dist gets index.html too.
        let (_, _, body) = get(&dist, "/../secret", false).await;
        assert_eq!(body, b"<html>");
        std::fs::remove_dir_all(&dist).unwrap();
    }
}
