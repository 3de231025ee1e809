//! A tracking call's arguments, one JSON object however they came: a POST's JSON body, or a
//! GET's query string (a key given twice becomes a list, as `run_ids=a&run_ids=b`).

use axum::body::Body;
use axum::http::Method;
use azimuth_core::jobs::TrackingError;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

/// Reads the arguments: the query string for GET, otherwise the JSON body (at most `limit`
/// bytes; an empty body is `{}`).
pub(crate) async fn args(
    method: &Method,
    query: Option<&str>,
    body: Body,
    limit: usize,
) -> Result<Value, TrackingError> {
    let mut args = Map::new();
    for (key, value) in serde_urlencoded::from_str::<Vec<(String, String)>>(query.unwrap_or(""))
        .map_err(|e| TrackingError::invalid(format!("The query string cannot be read: {e}.")))?
    {
        match args.get_mut(&key) {
            Some(Value::Array(list)) => list.push(Value::String(value)),
            Some(one) => *one = Value::Array(vec![one.take(), Value::String(value)]),
            None => {
                args.insert(key, Value::String(value));
            }
        }
    }
    if method == Method::GET || method == Method::HEAD {
        return Ok(Value::Object(args));
    }
    let bytes = axum::body::to_bytes(body, limit).await.map_err(|e| {
        TrackingError::invalid(format!(
            "The request body could not be read ({e}); at most {limit} bytes are taken."
        ))
    })?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(args));
    }
    let body: Value = serde_json::from_slice(&bytes).map_err(|e| {
        TrackingError::new(
            "MALFORMED_REQUEST",
            format!("The request body is not valid JSON: {e}."),
        )
    })?;
    match body {
        Value::Object(mut fields) => {
            for (k, v) in args {
                fields.entry(k).or_insert(v);
            }
            Ok(Value::Object(fields))
        }
        _ => Err(TrackingError::new(
            "MALFORMED_REQUEST",
            "The request body must be a JSON object.",
        )),
    }
}

/// Reads the arguments as `T`, naming what is wrong.
pub(crate) fn parse<T: DeserializeOwned>(args: Value) -> Result<T, TrackingError> {
    serde_json::from_value(args)
        .map_err(|e| TrackingError::invalid(format!("The request is not valid: {e}.")))
}

/// A list given as a list, or as one value (a query string's single `run_ids=a`).
pub(crate) fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Many(Vec<String>),
        One(String),
    }
    Ok(match Option::<Either>::deserialize(d)? {
        Some(Either::Many(list)) => list,
        Some(Either::One(one)) => vec![one],
        None => Vec::new(),
    })
}

/// A run id from `run_id` or, from older clients, `run_uuid`.
pub(crate) fn run_id(id: Option<String>, uuid: Option<String>) -> Result<String, TrackingError> {
    id.or(uuid)
        .filter(|i| !i.is_empty())
        .ok_or_else(|| TrackingError::invalid("Missing value for required parameter 'run_id'."))
}

/// The page a `page_token` starts at (this server's tokens are the offset, in decimal).
pub(crate) fn page_start(token: Option<&str>) -> Result<usize, TrackingError> {
    match token.filter(|t| !t.is_empty()) {
        None => Ok(0),
        Some(t) => t
            .parse()
            .map_err(|_| TrackingError::invalid(format!("Invalid page token '{t}'."))),
    }
}

/// How many results a page holds: `max_results` (or `default`), at most `most`.
pub(crate) fn page_size(
    max_results: Option<i64>,
    default: usize,
    most: usize,
) -> Result<usize, TrackingError> {
    match max_results {
        None => Ok(default),
        Some(n) if n >= 1 && (n as u64) <= most as u64 => Ok(n as usize),
        Some(n) => Err(TrackingError::invalid(format!(
            "Invalid value {n} for parameter 'max_results' supplied. It must be at least 1 and at most {most}."
        ))),
    }
}
