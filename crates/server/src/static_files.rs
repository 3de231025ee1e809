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

/// Whether a file name carries trunk's content hash (`name-0123456789abcdef.ext`), so it can be
/// cached for good.
fn is_hashed(path: &Path) -> bool {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, h)| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A file of the studio, or its `index.html`.
pub async fn serve(dist: &Path, uri: &Uri) -> Response {
    let (path, cache) = match resolve(dist, uri) {
        Some(p) if is_hashed(&p) => (p, "public, max-age=31536000, immutable"),
        Some(p) => (p, "no-cache"),
        _ => (dist.join("index.html"), "no-cache"),
    };
    match tokio::fs::read(&path).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, content_type(&path)),
                (header::CACHE_CONTROL, cache),
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
