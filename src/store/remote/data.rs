//! Datastores and data assets over ARM, and a datastore's files over `/api/files`; an upload
//! goes through XMLHttpRequest, the one browser request that reports how much it has sent.

use super::{encode, send, unexpected, API_VERSION};
use crate::store::Part;
use azimuth_core::arm::json_de::from_json;
use azimuth_core::data::files::Listing;
use azimuth_core::data::preview::{Format, Table};
use azimuth_core::data::profile::Profile;
use azimuth_core::data::{DataContainerResource, DataVersionResource, DatastoreResource};
use azimuth_core::ArmError;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{File, XmlHttpRequest};

fn to_json<T: serde::Serialize>(value: &T) -> Option<String> {
    serde_json::to_string(value).ok()
}

/// `PUT .../datastores/{name}`.
pub async fn put_datastore(
    token: &str,
    ws: &str,
    name: &str,
    body: &DatastoreResource,
) -> Result<(), ArmError> {
    let url = format!("{ws}/datastores/{}?api-version={API_VERSION}", encode(name));
    send("PUT", &url, Some(token), to_json(body))
        .await
        .map(drop)
}

/// `DELETE .../datastores/{name}`.
pub async fn delete_datastore(token: &str, ws: &str, name: &str) -> Result<(), ArmError> {
    let url = format!("{ws}/datastores/{}?api-version={API_VERSION}", encode(name));
    send("DELETE", &url, Some(token), None).await.map(drop)
}

/// `PUT .../data/{name}/versions/{version}`.
pub async fn put_data_version(
    token: &str,
    ws: &str,
    name: &str,
    version: &str,
    body: &DataVersionResource,
) -> Result<(), ArmError> {
    let url = format!(
        "{ws}/data/{}/versions/{}?api-version={API_VERSION}",
        encode(name),
        encode(version)
    );
    send("PUT", &url, Some(token), to_json(body))
        .await
        .map(drop)
}

/// `PUT .../data/{name}`.
pub async fn put_data_container(
    token: &str,
    ws: &str,
    name: &str,
    body: &DataContainerResource,
) -> Result<(), ArmError> {
    let url = format!("{ws}/data/{}?api-version={API_VERSION}", encode(name));
    send("PUT", &url, Some(token), to_json(body))
        .await
        .map(drop)
}

pub(super) fn files_url(route: &str, ws: &str, datastore: &str, path: &str) -> String {
    format!(
        "/api/{route}?wsid={}&datastore={}&path={}",
        encode(ws),
        encode(datastore),
        encode(path)
    )
}

/// `GET /api/files`: a folder's content.
pub async fn list_files(
    token: &str,
    ws: &str,
    datastore: &str,
    folder: &str,
) -> Result<Listing, ArmError> {
    let text = send(
        "GET",
        &files_url("files", ws, datastore, folder),
        Some(token),
        None,
    )
    .await?;
    from_json(&text).map_err(|e| unexpected(&e))
}

/// `GET /api/files/profile`: the server's profile of a tabular file read as `format` from text
/// in `encoding`.
pub async fn profile(
    token: &str,
    ws: &str,
    datastore: &str,
    path: &str,
    format: Format,
    encoding: &str,
) -> Result<Profile, ArmError> {
    let url = format!(
        "{}&{}&encoding={}",
        files_url("files/profile", ws, datastore, path),
        format.params(),
        encode(encoding)
    );
    let text = send("GET", &url, Some(token), None).await?;
    from_json(&text).map_err(|e| unexpected(&e))
}

/// `GET /api/files/preview` of a Parquet file: its first rows, read by the server.
pub async fn parquet_preview(
    token: &str,
    ws: &str,
    datastore: &str,
    path: &str,
) -> Result<Table, ArmError> {
    let url = format!(
        "{}&format=parquet",
        files_url("files/preview", ws, datastore, path)
    );
    let text = send("GET", &url, Some(token), None).await?;
    from_json(&text).map_err(|e| unexpected(&e))
}

/// `GET /api/files/profile` of a Parquet file.
pub async fn parquet_profile(
    token: &str,
    ws: &str,
    datastore: &str,
    path: &str,
) -> Result<Profile, ArmError> {
    let url = format!(
        "{}&format=parquet",
        files_url("files/profile", ws, datastore, path)
    );
    let text = send("GET", &url, Some(token), None).await?;
    from_json(&text).map_err(|e| unexpected(&e))
}

/// `DELETE /api/files`: a file, or a folder with all in it.
pub async fn delete_file(
    token: &str,
    ws: &str,
    datastore: &str,
    path: &str,
) -> Result<(), ArmError> {
    send(
        "DELETE",
        &files_url("files", ws, datastore, path),
        Some(token),
        None,
    )
    .await
    .map(drop)
}

/// `GET /api/files/content` (with `Range` when given): the response, or the server's error.
pub(super) async fn file_response(
    token: &str,
    ws: &str,
    datastore: &str,
    path: &str,
    range: Option<String>,
) -> Result<gloo_net::http::Response, ArmError> {
    let url = files_url("files/content", ws, datastore, path);
    let mut request = gloo_net::http::RequestBuilder::new(&url)
        .header("Authorization", &format!("Bearer {token}"));
    if let Some(range) = range {
        request = request.header("Range", &range);
    }
    let response = request
        .build()
        .map_err(|_| unreachable())?
        .send()
        .await
        .map_err(|_| unreachable())?;
    if response.ok() {
        return Ok(response);
    }
    let text = response.text().await.unwrap_or_default();
    Err(from_json::<ArmError>(&text).unwrap_or_else(|_| unreachable()))
}

/// `bytes` of a file from its start or its end (`Range`), and whether that is all of it.
pub async fn read_part(
    token: &str,
    ws: &str,
    datastore: &str,
    path: &str,
    bytes: u64,
    part: Part,
) -> Result<(Vec<u8>, bool), ArmError> {
    let range = match part {
        Part::Start => format!("bytes=0-{}", bytes.saturating_sub(1)),
        Part::End => format!("bytes=-{bytes}"),
    };
    let response = file_response(token, ws, datastore, path, Some(range)).await?;
    let total = response
        .headers()
        .get("content-range")
        .and_then(|r| r.rsplit('/').next().and_then(|t| t.parse::<u64>().ok()));
    let body = response.binary().await.map_err(|_| unreachable())?;
    let whole = total.is_none_or(|t| t <= body.len() as u64);
    Ok((body, whole))
}

/// A whole file, as a blob the browser keeps (to download).
pub async fn file_blob(
    token: &str,
    ws: &str,
    datastore: &str,
    path: &str,
) -> Result<web_sys::Blob, ArmError> {
    let raw: web_sys::Response = file_response(token, ws, datastore, path, None)
        .await?
        .into();
    let blob = raw.blob().map_err(|_| unreachable())?;
    wasm_bindgen_futures::JsFuture::from(blob)
        .await
        .map(|b| b.unchecked_into())
        .map_err(|_| unreachable())
}

pub(super) fn unreachable() -> ArmError {
    ArmError::new(
        "ServerUnreachable",
        "The Azimuth server did not answer. Check that it is running, then try again.",
    )
}

/// An upload on its way to the server; [`Sending::abort`] stops it (the server keeps nothing).
pub struct Sending {
    xhr: XmlHttpRequest,
}

impl Sending {
    /// Stops the upload.
    pub fn abort(&self) {
        let _ = self.xhr.abort();
    }
}

/// Starts `PUT /api/files` of `file`; `progress` hears the bytes sent. Answers the request
/// (to abort) and a future that ends with the server's answer.
pub fn upload(
    token: &str,
    ws: &str,
    datastore: &str,
    path: &str,
    overwrite: bool,
    file: &File,
    progress: impl Fn(f64) + 'static,
) -> Result<
    (
        Sending,
        impl std::future::Future<Output = Result<(), ArmError>>,
    ),
    ArmError,
> {
    let failed = |_| ArmError::new("UploadFailed", "The browser could not start the upload.");
    let xhr = XmlHttpRequest::new().map_err(failed)?;
    let mut url = files_url("files", ws, datastore, path);
    if overwrite {
        url.push_str("&overwrite=true");
    }
    xhr.open("PUT", &url).map_err(failed)?;
    xhr.set_request_header("Authorization", &format!("Bearer {token}"))
        .map_err(failed)?;
    let on_progress =
        Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
            progress(e.loaded())
        });
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    }
    let done = js_sys::Promise::new(&mut |resolve, _| {
        let settle = Closure::<dyn FnMut()>::new(move || {
            let _ = resolve.call0(&JsValue::NULL);
        });
        xhr.set_onloadend(Some(settle.as_ref().unchecked_ref()));
        settle.forget();
    });
    xhr.send_with_opt_blob(Some(file)).map_err(failed)?;
    let watched = xhr.clone();
    let finished = async move {
        let _ = wasm_bindgen_futures::JsFuture::from(done).await;
        drop(on_progress);
        let status = watched.status().unwrap_or(0);
        if (200..300).contains(&status) {
            return Ok(());
        }
        if status == 0 {
            return Err(ArmError::new("UploadCancelled", "The upload stopped before it was finished (cancelled, or the connection was lost); the server kept nothing of it."));
        }
        let text = watched.response_text().ok().flatten().unwrap_or_default();
        Err(from_json::<ArmError>(&text).unwrap_or_else(|_| {
            ArmError::new(
                "UnexpectedResponse",
                format!("The server answered {status}."),
            )
        }))
    };
    Ok((Sending { xhr }, finished))
}
