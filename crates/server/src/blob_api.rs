//! The blob endpoint code uploads go to: `/blob/{account}/{upload}/{path}`, answering the few
//! calls of Azure's Blob REST API that azure-storage-blob makes to upload a folder (Put Blob,
//! Get Blob Properties, Get Blob, Set Blob Metadata), for an upload `startPendingUpload`
//! made. The address's `sig` is the upload's own secret: it writes under
//! `LocalUpload/<upload>/` of its workspace's `workspaceblobstore` and nowhere else, until it
//! expires. Files over 64 MiB (which the client sends in blocks) are refused with the reason;
//! metadata is accepted and not kept, so the client uploads a folder again rather than reusing
//! it.

use crate::auth::{hash_token, same};
use crate::db::CodeUpload;
use crate::state::AppState;
use crate::QueryMap;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use azimuth_core::data::files::check_file_path;
use azimuth_core::jobs::code::{is_upload_id, CODE_DATASTORE, UPLOAD_FOLDER};
use azimuth_core::ArmError;
use std::sync::Arc;

/// An error as the Blob service writes it: its code in `x-ms-error-code` and an XML body.
fn blob_error(status: StatusCode, code: &str, message: &str) -> Response {
    let text = message
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let body = format!("<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>{code}</Code><Message>{text}</Message></Error>");
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/xml"),
    );
    if let Ok(v) = HeaderValue::from_str(code) {
        headers.insert("x-ms-error-code", v);
    }
    response
}

fn from_arm(e: &ArmError) -> Response {
    let (status, code) = match e.code() {
        "ResourceNotFound" | "NotFound" => (StatusCode::NOT_FOUND, "BlobNotFound"),
        "InvalidPath" => (StatusCode::BAD_REQUEST, "InvalidUri"),
        "Conflict" => (StatusCode::CONFLICT, "LeaseIdMissing"),
        "UploadInterrupted" => (StatusCode::BAD_REQUEST, "InvalidBlobOrBlock"),
        _ => (StatusCode::INTERNAL_SERVER_ERROR, "InternalError"),
    };
    blob_error(status, code, e.message())
}

/// The upload an address names, if its signature is that upload's and it has not expired.
fn upload_of(state: &AppState, upload: &str, query: &QueryMap) -> Option<CodeUpload> {
    if !is_upload_id(upload) {
        return None;
    }
    let found = state.with_db(|db| db.code_upload(upload, state.now()))?;
    let sig = query.get("sig").map(String::as_str).unwrap_or_default();
    same(&found.secret_hash, &hash_token(sig)).then_some(found)
}

/// `/blob/{account}/{upload}/{*path}`: Put Blob, Get Blob (Properties) and Set Blob Metadata.
pub async fn blob(
    State(state): State<Arc<AppState>>,
    Path((_account, upload, path)): Path<(String, String, String)>,
    method: Method,
    query: QueryMap,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let Some(grant) = upload_of(&state, &upload, &query) else {
        return blob_error(
            StatusCode::FORBIDDEN,
            "AuthenticationFailed",
            "This address is not signed for an upload, or its upload has expired. Ask for a new one (startPendingUpload).",
        );
    };
    let root = state.read(|t| {
        t.workspace(&grant.arm_id)
            .map(|w| w.datastore_root(CODE_DATASTORE))
    });
    let root = match root {
        Some(Ok(root)) => root,
        _ => {
            return blob_error(
                StatusCode::NOT_FOUND,
                "ContainerNotFound",
                "The workspace of this upload, or its workspaceblobstore, is gone.",
            )
        }
    };
    let path = match check_file_path(&path) {
        Ok(p) if !p.is_empty() && !p.ends_with('/') => format!("{UPLOAD_FOLDER}/{upload}/{p}"),
        Ok(_) => return blob_error(StatusCode::BAD_REQUEST, "InvalidUri", "Name a blob."),
        Err(e) => return from_arm(&e),
    };
    let comp = query.get("comp").map(String::as_str).unwrap_or_default();
    match (method, comp) {
        (Method::PUT, "") => put_blob(&state, &root, &path, &headers, body).await,
        (Method::PUT, "metadata") => StatusCode::OK.into_response(),
        (Method::PUT, "block" | "blocklist") => too_large(),
        (Method::HEAD, "") => blob_properties(&state, &root, &path).await,
        (Method::GET, "") => get_blob(&state, &root, &path).await,
        (m, _) => blob_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "UnsupportedHttpVerb",
            &format!("{m} {comp} is not answered here: this endpoint takes code uploads only."),
        ),
    }
}

/// The largest file a code upload takes (azure-storage-blob's single Put Blob; larger files
/// come in blocks, which are refused with the reason).
const MAX_BLOB: u64 = 64 * 1024 * 1024;

fn too_large() -> Response {
    blob_error(
        StatusCode::PAYLOAD_TOO_LARGE,
        "RequestBodyTooLarge",
        "Files over 64 MiB cannot be uploaded as code here; keep data out of the code folder (a data asset or a datastore path is its place).",
    )
}

async fn put_blob(
    state: &AppState,
    root: &str,
    path: &str,
    headers: &HeaderMap,
    body: Body,
) -> Response {
    let blob_type = headers.get("x-ms-blob-type").and_then(|v| v.to_str().ok());
    if blob_type.is_some_and(|t| !t.eq_ignore_ascii_case("BlockBlob")) {
        return blob_error(
            StatusCode::BAD_REQUEST,
            "InvalidHeaderValue",
            "Only block blobs are uploaded here.",
        );
    }
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BLOB) {
        return too_large();
    }
    let _claim = match state.storage.claim(root, path) {
        Ok(c) => c,
        Err(e) => return from_arm(&e),
    };
    // A body sent without its length is counted as it comes, and stopped past the limit.
    use futures_util::StreamExt;
    let mut seen = 0u64;
    let counted = body.into_data_stream().map(move |chunk| {
        let chunk = chunk?;
        seen += chunk.len() as u64;
        if seen > MAX_BLOB {
            return Err(axum::Error::new("the file is over 64 MiB"));
        }
        Ok(chunk)
    });
    match state.storage.upload(root, path, counted).await {
        Ok(_) => {
            let mut response = StatusCode::CREATED.into_response();
            let h = response.headers_mut();
            h.insert(header::ETAG, HeaderValue::from_static("\"0x1\""));
            h.insert(
                "x-ms-request-server-encrypted",
                HeaderValue::from_static("true"),
            );
            response
        }
        Err(e) => from_arm(&e),
    }
}

/// Get Blob: the whole file.
async fn get_blob(state: &AppState, root: &str, path: &str) -> Response {
    use futures_util::StreamExt;
    match state.storage.read(root, path, None).await {
        Ok(file) => {
            let stream = file.into_stream().map(|c| c.map_err(std::io::Error::other));
            let mut response = Body::from_stream(stream).into_response();
            response
                .headers_mut()
                .insert("x-ms-blob-type", HeaderValue::from_static("BlockBlob"));
            response
        }
        Err(e) => from_arm(&e),
    }
}

/// Get Blob Properties: its size and type, or BlobNotFound.
async fn blob_properties(state: &AppState, root: &str, path: &str) -> Response {
    match state.storage.size(root, path).await {
        Ok(Some(size)) => {
            let mut response = StatusCode::OK.into_response();
            let h = response.headers_mut();
            h.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
            h.insert("x-ms-blob-type", HeaderValue::from_static("BlockBlob"));
            h.insert(header::ETAG, HeaderValue::from_static("\"0x1\""));
            response
        }
        Ok(None) => blob_error(
            StatusCode::NOT_FOUND,
            "BlobNotFound",
            "The specified blob does not exist.",
        ),
        Err(e) => from_arm(&e),
    }
}
