//! The notebooks' files on azimuth-server: a text file read with its version (`ETag`), saved
//! only if it is still that version (`If-Match`) or created only if absent (`If-None-Match:
//! *`), a file or folder moved, an empty folder made.

use super::data::{file_response, files_url, unreachable};
use super::{encode, send};
use azimuth_core::arm::json_de::from_json;
use azimuth_core::arm::json_de::FromValue;
use azimuth_core::ArmError;
use gloo_net::http::{Method, RequestBuilder};
use serde::Deserialize;

/// What a save asks of the file it replaces.
#[derive(Clone, Copy, Debug)]
pub enum Precondition<'a> {
    /// That it is still this version.
    Version(&'a str),
    /// That there is none yet.
    Absent,
}

#[derive(Deserialize, FromValue)]
struct Written {
    #[serde(default)]
    etag: Option<String>,
}

#[derive(Deserialize, FromValue)]
struct Moved {
    #[serde(default)]
    moved: u64,
}

/// An ETag without its quotes (and weak marker), as the studio keeps a version.
fn unquote(tag: &str) -> String {
    tag.trim()
        .trim_start_matches("W/")
        .trim_matches('"')
        .to_owned()
}

/// `GET /api/files/content`: a file's text and its version.
pub async fn read_text(
    token: &str,
    ws: &str,
    datastore: &str,
    path: &str,
) -> Result<(String, String), ArmError> {
    let response = file_response(token, ws, datastore, path, None).await?;
    let version = response
        .headers()
        .get("etag")
        .map(|t| unquote(&t))
        .unwrap_or_default();
    let bytes = response.binary().await.map_err(|_| unreachable())?;
    Ok((crate::store::notebooks::decode_text(bytes), version))
}

/// A file's version, from the `ETag` of a read of its first byte.
async fn version_of(
    token: &str,
    ws: &str,
    datastore: &str,
    path: &str,
) -> Result<String, ArmError> {
    let response = file_response(token, ws, datastore, path, Some("bytes=0-0".into())).await?;
    Ok(response
        .headers()
        .get("etag")
        .map(|t| unquote(&t))
        .unwrap_or_default())
}

/// `PUT /api/files` of `text` under `when`; answers the new version. A version no longer there
/// is `ConditionNotMet` (412), a file already there `Conflict` (409), as the server says.
pub async fn put_text(
    token: &str,
    ws: &str,
    datastore: &str,
    path: &str,
    text: &str,
    when: Precondition<'_>,
) -> Result<String, ArmError> {
    let mut url = files_url("files", ws, datastore, path);
    let precondition = match when {
        Precondition::Version(v) => {
            url.push_str("&overwrite=true");
            ("If-Match", format!("\"{v}\""))
        }
        Precondition::Absent => ("If-None-Match", "*".to_owned()),
    };
    let request = RequestBuilder::new(&url)
        .method(Method::PUT)
        .header("Authorization", &format!("Bearer {token}"))
        .header("Content-Type", "application/octet-stream")
        .header(precondition.0, &precondition.1);
    let response = request
        .body(text)
        .map_err(|_| unreachable())?
        .send()
        .await
        .map_err(|_| unreachable())?;
    let header = response.headers().get("etag").map(|t| unquote(&t));
    let body = response.text().await.unwrap_or_default();
    if response.ok() {
        let written = from_json::<Written>(&body)
            .ok()
            .and_then(|w| w.etag)
            .map(|t| unquote(&t))
            .or(header)
            .filter(|t| !t.is_empty());
        return match written {
            Some(version) => Ok(version),
            // No version in the answer: the file's, as a read of its first byte tells it.
            None => version_of(token, ws, datastore, path).await,
        };
    }
    let error = from_json::<ArmError>(&body).unwrap_or_else(|_| {
        ArmError::new(
            "UnexpectedResponse",
            format!("The server answered {}.", response.status()),
        )
    });
    Err(match response.status() {
        412 => ArmError::new("ConditionNotMet", error.message()),
        409 => ArmError::new("Conflict", error.message()),
        _ => error,
    })
}

/// `POST /api/files/move`: a file, or a folder (both paths ending in `/`), to `to`; answers how
/// many files moved.
pub async fn move_path(
    token: &str,
    ws: &str,
    datastore: &str,
    from: &str,
    to: &str,
) -> Result<u64, ArmError> {
    let url = format!(
        "{}&to={}",
        files_url("files/move", ws, datastore, from),
        encode(to)
    );
    let text = send("POST", &url, Some(token), None).await?;
    Ok(from_json::<Moved>(&text).map_or(0, |m| m.moved))
}

/// `POST /api/files/folder`: an empty folder at `path` (ending in `/`).
pub async fn make_folder(
    token: &str,
    ws: &str,
    datastore: &str,
    path: &str,
) -> Result<(), ArmError> {
    let url = files_url("files/folder", ws, datastore, path);
    send("POST", &url, Some(token), None)
        .await
        .map(drop)
        .map_err(|e| match e.code() {
            "UnexpectedResponse" => ArmError::new(
                "UnexpectedResponse",
                format!("{} The server may not know folders yet.", e.message()),
            ),
            _ => e,
        })
}

/// A sample notebook (or `index.json`, their list), served with the studio on either store.
pub async fn sample_file(name: &str) -> Result<String, ArmError> {
    send("GET", &format!("/samples/notebooks/{name}"), None, None).await
}
