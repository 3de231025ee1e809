//! A datastore's files, for the studio and for curl: `?wsid=<workspace>&datastore=<name>&path=<path>`
//! on `/api/files` lists a folder (GET), uploads a file as its body streams in (PUT; `&overwrite=true`
//! to replace one) or deletes a file or, with a path ending in `/`, a folder (DELETE);
//! `/api/files/content` downloads a file (GET, with `Range: bytes=a-b` for a part of it);
//! `/api/files/profile` profiles a CSV, TSV, JSON lines or Parquet file (GET, `&delimiter=`,
//! `&header=`, `&format=jsonl|parquet` to say how to read it, `&encoding=latin1` or
//! `windows1252` for such text); `/api/files/preview` answers its first 100 rows as a table.
//! Anyone who may read the workspace reads its files; writing needs a role that may write data.

use crate::state::AppState;
use crate::{arm, auth, wsid, QueryMap};
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use azimuth_core::data::encoding::{decode, decoding_reader};
use azimuth_core::data::files::{check_file_path, file_exists};
use azimuth_core::data::preview::{self, Format, PREVIEW_BYTES, PREVIEW_ROWS};
use azimuth_core::data::{parquet, profile};
use azimuth_core::workspace::roles::Action;
use azimuth_core::ArmError;
use futures_util::StreamExt;
use object_store::GetRange;
use serde_json::json;
use std::sync::Arc;
use tokio_util::io::{StreamReader, SyncIoBridge};

/// Who asks, and where in which datastore: the storage root and the checked path.
pub(crate) struct Place {
    pub(crate) root: String,
    pub(crate) path: String,
    /// Whether the datastore is a file share, whose folders stay when their last file goes (a
    /// blob container's folders are only the paths of its files).
    pub(crate) share: bool,
}

impl Place {
    /// Keeps the folder `path` was in, on a file share, once `path` is deleted or moved away
    /// (what was asked is done by then: a folder that cannot be made again is only logged).
    pub(crate) fn keep_folder_of(&self, state: &AppState, path: &str) {
        let folder = azimuth_core::notebooks::paths::parent(path);
        if self.share && !folder.is_empty() {
            if let Err(e) = state.storage.make_folder(&self.root, &folder) {
                eprintln!("azimuth-server: {}", e.message());
            }
        }
    }
}

/// Finds the datastore's files for `me`, who may read the workspace (and, with `write`, may
/// write data in it).
pub(crate) fn place(
    state: &AppState,
    query: &QueryMap,
    headers: &HeaderMap,
    write: bool,
) -> Result<Place, ArmError> {
    let me = auth::member_of(state, headers)?;
    let id = wsid(query)?;
    let datastore = query
        .get("datastore")
        .map_or("workspaceblobstore", String::as_str);
    let path = check_file_path(query.get("path").map_or("", String::as_str))?;
    let (root, share) = state.read_workspace(&me, &id, |w| {
        if write {
            w.authorize(&me, Action::WriteData)?;
        }
        let share = w
            .datastore(datastore)
            .is_some_and(|d| d.resource.properties.datastore_type == "AzureFile");
        Ok::<_, ArmError>((w.datastore_root(datastore)?, share))
    })??;
    Ok(Place { root, path, share })
}

pub(crate) fn answer(result: Result<Response, ArmError>) -> Response {
    result.unwrap_or_else(|e| arm::error_response(&e))
}

/// `GET /api/files`: the folders and files in a folder.
pub(crate) async fn list(
    State(state): State<Arc<AppState>>,
    query: QueryMap,
    headers: HeaderMap,
) -> Response {
    let result = async {
        let at = place(&state, &query, &headers, false)?;
        let listing = state.storage.list(&at.root, &at.path).await?;
        Ok(axum::Json(listing).into_response())
    };
    answer(result.await)
}

/// `PUT /api/files`: the body becomes the file at `path`, written as it arrives.
pub(crate) async fn upload(
    State(state): State<Arc<AppState>>,
    query: QueryMap,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let result = async {
        let at = place(&state, &query, &headers, true)?;
        let (folder, name) = match at.path.rsplit_once('/') {
            Some((folder, name)) => (format!("{folder}/"), name),
            None => (String::new(), at.path.as_str()),
        };
        if name.is_empty() {
            return Err(ArmError::new(
                "InvalidPath",
                "Name the file to upload: path=<folder>/<name>.",
            ));
        }
        let _claim = state.storage.claim(&at.root, &at.path)?;
        let here = state.storage.list(&at.root, &folder).await?;
        let expected = if_match(&headers);
        let overwrite = expected.is_some()
            || query.get("overwrite").is_some_and(|v| v == "true")
                && !headers.contains_key(header::IF_NONE_MATCH);
        if here.folders.iter().any(|f| f.eq_ignore_ascii_case(name)) {
            return Err(ArmError::new(
                "Conflict",
                format!("'{folder}{name}' is a folder; a file cannot take its name."),
            ));
        }
        if let Some(other) = here
            .files
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
        {
            if other.name != name {
                return Err(ArmError::new("Conflict", format!("'{folder}{}' is already here, and names that differ only in case would be one file in Azure Files and on Windows; rename '{name}' or replace '{}'.", other.name, other.name)));
            }
            if !overwrite {
                return Err(file_exists(&format!("{folder}{name}")));
            }
        }
        if let Some(expected) = expected {
            let now = state.storage.version(&at.root, &at.path).await?;
            if now.as_deref() != Some(expected.as_str()) {
                return Err(ArmError::new("ConditionNotMet", format!("'{folder}{name}' was changed (or removed) by someone else since you read it, so your copy was not saved over theirs. Read it again to see their changes, or save yours under another name.")));
            }
        }
        let size = state
            .storage
            .upload(&at.root, &at.path, body.into_data_stream())
            .await?;
        let etag = state.storage.version(&at.root, &at.path).await?;
        let entry = json!({"name": name, "path": at.path, "size": size, "etag": etag});
        Ok((StatusCode::CREATED, axum::Json(entry)).into_response())
    };
    answer(result.await)
}

/// `DELETE /api/files`: a file, or a folder (a path ending in `/`) with all in it.
pub(crate) async fn delete(
    State(state): State<Arc<AppState>>,
    query: QueryMap,
    headers: HeaderMap,
) -> Response {
    let result = async {
        let at = place(&state, &query, &headers, true)?;
        if at.path.is_empty() {
            return Err(ArmError::new(
                "InvalidPath",
                "Name the file or folder to delete; a datastore's top cannot be deleted.",
            ));
        }
        if !at.path.ends_with('/') && state.storage.size(&at.root, &at.path).await?.is_none() {
            return Ok(StatusCode::NO_CONTENT.into_response());
        }
        let count = state.storage.delete(&at.root, &at.path).await?;
        if count > 0 {
            at.keep_folder_of(&state, &at.path);
        }
        Ok(axum::Json(json!({"deleted": count})).into_response())
    };
    answer(result.await)
}

/// The version an `If-Match` header asks for (its quotes and any `W/` taken off).
fn if_match(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::IF_MATCH)?.to_str().ok()?.trim();
    let value = value.strip_prefix("W/").unwrap_or(value);
    Some(value.trim_matches('"').to_owned())
}

/// Reads `Range: bytes=a-b` (or `a-`, or `-n`) for a part of a file.
fn range(headers: &HeaderMap) -> Result<Option<GetRange>, ArmError> {
    let Some(value) = headers.get(header::RANGE).and_then(|v| v.to_str().ok()) else {
        return Ok(None);
    };
    let bad = || {
        ArmError::new(
            "InvalidRange",
            format!("The range '{value}' is not bytes=<first>-<last>."),
        )
    };
    let spec = value.strip_prefix("bytes=").ok_or_else(bad)?;
    let (a, b) = spec.split_once('-').ok_or_else(bad)?;
    let number = |s: &str| s.trim().parse::<u64>().map_err(|_| bad());
    Ok(Some(match (a.trim().is_empty(), b.trim().is_empty()) {
        (false, false) => GetRange::Bounded(number(a)?..number(b)? + 1),
        (false, true) => GetRange::Offset(number(a)?),
        (true, false) => GetRange::Suffix(number(b)?),
        (true, true) => return Err(bad()),
    }))
}

/// `GET /api/files/content`: the file, streamed (206 with `Content-Range` for a range).
pub(crate) async fn content(
    State(state): State<Arc<AppState>>,
    query: QueryMap,
    headers: HeaderMap,
) -> Response {
    let result = async {
        let at = place(&state, &query, &headers, false)?;
        let asked = range(&headers)?;
        let partial = asked.is_some();
        let file = state.storage.read(&at.root, &at.path, asked).await?;
        let (span, total) = (file.range.clone(), file.meta.size);
        let etag = crate::storage::version_of(&file.meta);
        let name = at
            .path
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .replace('"', "");
        let stream = file.into_stream().map(|c| c.map_err(std::io::Error::other));
        let mut response = Body::from_stream(stream).into_response();
        let h = response.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/octet-stream"),
        );
        h.insert(
            header::CONTENT_LENGTH,
            HeaderValue::from(span.end - span.start),
        );
        h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
        if let Ok(tag) = HeaderValue::from_str(&format!("\"{etag}\"")) {
            h.insert(header::ETAG, tag);
        }
        if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
            h.insert(header::CONTENT_DISPOSITION, v);
        }
        if partial {
            let r = format!(
                "bytes {}-{}/{total}",
                span.start,
                span.end.saturating_sub(1)
            );
            if let Ok(v) = HeaderValue::from_str(&r) {
                h.insert(header::CONTENT_RANGE, v);
            }
            *response.status_mut() = StatusCode::PARTIAL_CONTENT;
        }
        Ok(response)
    };
    answer(result.await)
}

/// `GET /api/files/profile`: the profile of a tabular file, read once as it streams from
/// storage (on a blocking thread: the parse is CPU work).
pub(crate) async fn profile(
    State(state): State<Arc<AppState>>,
    query: QueryMap,
    headers: HeaderMap,
) -> Response {
    let result = async {
        let at = place(&state, &query, &headers, false)?;
        let param = |name: &str| query.get(name).map(String::as_str);
        let profile = if is_parquet(&at.path, param("format")) {
            let bytes = parquet_bytes(&state, &at).await?;
            off_thread("profile", move || parquet::parquet_profile(bytes)).await?
        } else {
            let format = text_format(&at, &query)?;
            let file = state.storage.read(&at.root, &at.path, None).await?;
            let stream = file.into_stream().map(|c| c.map_err(std::io::Error::other));
            let encoding = param("encoding").unwrap_or("utf8");
            let reader = decoding_reader(encoding, SyncIoBridge::new(StreamReader::new(stream)))
                .map_err(|e| ArmError::new("InvalidFormat", e))?;
            off_thread("profile", move || profile::profile(reader, format)).await?
        };
        Ok(axum::Json(profile).into_response())
    };
    answer(result.await)
}

/// How a text file is read: the request's `format`, `delimiter` and `header`, or its name.
fn text_format(at: &Place, query: &QueryMap) -> Result<Format, ArmError> {
    let param = |name: &str| query.get(name).map(String::as_str);
    Format::from_params(
        &at.path,
        param("format"),
        param("delimiter"),
        param("header"),
    )
    .map_err(|e| ArmError::new("InvalidFormat", e))
}

/// Runs the parse `work` on a blocking thread (it is CPU work); a file it cannot read is
/// `InvalidFormat`.
async fn off_thread<T: Send + 'static>(
    what: &str,
    work: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, ArmError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ArmError::new("InternalError", format!("The {what} failed: {e}.")))?
        .map_err(|e| ArmError::new("InvalidFormat", e))
}

/// A file that storage could not hand over whole.
fn unreadable(path: &str, e: object_store::Error) -> ArmError {
    ArmError::new("StorageError", format!("'{path}' could not be read ({e})."))
}

/// Parquet files read for Explore and Profile, at most: they are read whole.
const MAX_PARQUET_BYTES: u64 = 512 << 20;

/// Whether a request reads a Parquet file: `format=parquet`, or a name ending in `.parquet`.
fn is_parquet(path: &str, format: Option<&str>) -> bool {
    format == Some("parquet") || path.to_ascii_lowercase().ends_with(".parquet")
}

/// A Parquet file's bytes (its schema is in a footer at its end, so it is read whole).
async fn parquet_bytes(state: &AppState, at: &Place) -> Result<bytes::Bytes, ArmError> {
    let size = state.storage.size(&at.root, &at.path).await?;
    let size = size.ok_or_else(|| {
        ArmError::new("ResourceNotFound", format!("'{}' was not found.", at.path))
    })?;
    if size > MAX_PARQUET_BYTES {
        return Err(ArmError::new("InvalidFormat", format!("'{}' is {} MB; Explore and Profile read Parquet files of up to {} MB whole. Split it into parts (a Table reads every part), or profile it where it is used.", at.path, size >> 20, MAX_PARQUET_BYTES >> 20)));
    }
    let file = state.storage.read(&at.root, &at.path, None).await?;
    file.bytes().await.map_err(|e| unreadable(&at.path, e))
}

/// `GET /api/files/preview`: the first rows of a tabular file as a table (a Parquet file read
/// whole; a text file from its first 256 KB, as the studio reads it itself).
pub(crate) async fn preview(
    State(state): State<Arc<AppState>>,
    query: QueryMap,
    headers: HeaderMap,
) -> Response {
    let result = async {
        let at = place(&state, &query, &headers, false)?;
        let param = |name: &str| query.get(name).map(String::as_str);
        let table = if is_parquet(&at.path, param("format")) {
            let bytes = parquet_bytes(&state, &at).await?;
            off_thread("preview", move || {
                parquet::parquet_preview(bytes, PREVIEW_ROWS)
            })
            .await?
        } else {
            let format = text_format(&at, &query)?;
            let start = GetRange::Bounded(0..PREVIEW_BYTES);
            let file = state.storage.read(&at.root, &at.path, Some(start)).await?;
            let whole = file.meta.size <= PREVIEW_BYTES;
            let bytes = file.bytes().await.map_err(|e| unreadable(&at.path, e))?;
            let encoding = param("encoding").unwrap_or("utf8");
            let text = decode(encoding, &bytes).map_err(|e| ArmError::new("InvalidFormat", e))?;
            preview::preview(&text, whole, format, PREVIEW_ROWS)
                .map_err(|e| ArmError::new("InvalidFormat", e))?
        };
        Ok(axum::Json(table).into_response())
    };
    answer(result.await)
}
