//! Notebook kernels on azimuth-server (`/api/kernelspecs`, `/api/computes/{name}/kernels`,
//! `/api/kernels/{id}/…`); a cell's outputs are read from the answer's stream as they come.

use super::{send, send_with};
use crate::store::kernels::Reply;
use azimuth_core::arm::json::to_json;
use azimuth_core::arm::json_de::from_json;
use azimuth_core::ArmError;
use gloo_net::http::RequestBuilder;
use serde_json::Value;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}

/// Whether the server runs kernels, and which.
pub async fn kernelspecs() -> Result<Value, ArmError> {
    send("GET", "/api/kernelspecs", None, None)
        .await
        .map(|t| json(&t))
}

fn kernels_url(ws: &str, compute: &str) -> String {
    let ws: String = js_sys::encode_uri_component(ws).into();
    let compute: String = js_sys::encode_uri_component(compute).into();
    format!("/api/computes/{compute}/kernels?wsid={ws}")
}

/// The person's kernels on an instance.
pub async fn instance_kernels(
    token: &str,
    ws: &str,
    compute: &str,
) -> Result<Vec<Value>, ArmError> {
    let text = send("GET", &kernels_url(ws, compute), Some(token), None).await?;
    Ok(json(&text)["value"].as_array().cloned().unwrap_or_default())
}

/// Starts a kernel on an instance for notebook `path`.
pub async fn start_kernel(
    token: &str,
    ws: &str,
    compute: &str,
    path: &str,
) -> Result<Value, ArmError> {
    let body = to_json(&serde_json::json!({ "path": path }));
    let text = send("POST", &kernels_url(ws, compute), Some(token), Some(body)).await?;
    Ok(json(&text))
}

/// Interrupts or restarts a kernel.
pub async fn kernel_action(token: &str, id: &str, action: &str) -> Result<(), ArmError> {
    send(
        "POST",
        &format!("/api/kernels/{id}/{action}"),
        Some(token),
        None,
    )
    .await
    .map(drop)
}

/// Shuts a kernel down.
pub async fn shutdown_kernel(token: &str, id: &str) -> Result<(), ArmError> {
    send_with(
        "DELETE",
        &format!("/api/kernels/{id}"),
        Some(token),
        None,
        None,
    )
    .await
    .map(drop)
}

fn unreachable() -> ArmError {
    ArmError::new(
        "ServerUnreachable",
        "The Azimuth server stopped answering while the cell ran. Check that it is running; the cell may still be running there.",
    )
}

/// Runs `code`: each output goes to `on_output` as its line arrives; answers the reply.
pub async fn execute(
    token: &str,
    id: &str,
    code: &str,
    on_output: impl Fn(Value),
) -> Result<Reply, ArmError> {
    let body = to_json(&serde_json::json!({ "code": code }));
    let response = RequestBuilder::new(&format!("/api/kernels/{id}/execute"))
        .method(gloo_net::http::Method::POST)
        .header("Authorization", &format!("Bearer {token}"))
        .header("Content-Type", "application/json")
        .body(body)
        .map_err(|_| unreachable())?
        .send()
        .await
        .map_err(|_| unreachable())?;
    if !response.ok() {
        let text = response.text().await.unwrap_or_default();
        return Err(from_json::<ArmError>(&text).unwrap_or_else(|_| unreachable()));
    }
    let stream = response.body().ok_or_else(unreachable)?;
    let reader: web_sys::ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let mut pending: Vec<u8> = Vec::new();
    loop {
        let chunk = JsFuture::from(reader.read())
            .await
            .map_err(|_| unreachable())?;
        let done = js_sys::Reflect::get(&chunk, &"done".into())
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true);
        if done {
            return Err(unreachable());
        }
        let value = js_sys::Reflect::get(&chunk, &"value".into()).map_err(|_| unreachable())?;
        pending.extend(js_sys::Uint8Array::new(&value).to_vec());
        while let Some(end) = pending.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = pending.drain(..=end).collect();
            let message = json(&String::from_utf8_lossy(&line));
            if let Some(reply) = message.get("reply") {
                return Ok(Reply {
                    status: reply["status"].as_str().unwrap_or("ok").to_owned(),
                    execution_count: reply["executionCount"].as_u64(),
                });
            }
            if message.get("error").is_some() {
                return Err(azimuth_core::arm::json_de::from_value::<ArmError>(message)
                    .unwrap_or_else(|_| unreachable()));
            }
            on_output(message);
        }
    }
}
