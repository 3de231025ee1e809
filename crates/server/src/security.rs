//! Security headers on every response: a Content-Security-Policy that runs only the studio's own
//! scripts and WebAssembly and keeps it out of frames, no MIME sniffing, no referrer sent on.

use axum::http::header::{CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS};
use axum::http::HeaderValue;
use axum::response::Response;

/// The studio's policy: its scripts, styles, icon and API calls come from this origin only
/// (no inline script, no `eval`); `'wasm-unsafe-eval'` lets it compile its own WebAssembly;
/// `blob:` images are those it made from files it read itself (a job's image outputs), and
/// `data:` images a notebook's outputs (an image never runs script, an SVG in `<img>` neither).
pub const CONTENT_SECURITY_POLICY_VALUE: &str = "default-src 'self'; \
     script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' blob: data:; \
     connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
     frame-ancestors 'none'";

/// Adds the security headers to a response (an `axum::middleware::map_response` layer).
pub async fn add_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY_VALUE),
    );
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}
