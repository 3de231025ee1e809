//! Long-running operations the way ARM does them, and ETags.
//!
//! An operation's id names the compute, the operation and when it began, so its status is read
//! from the compute itself (its `lastOperation`) and no table of operations is kept.

use axum::http::{HeaderMap, HeaderValue};
use azimuth_core::time::format_iso;
use azimuth_core::{ArmError, Operation, Workspace};
use serde_json::{json, Value};

/// The id of an operation on a compute that began at `started` (milliseconds).
pub fn operation_id(compute: &str, op: Operation, started: i64) -> String {
    format!("{compute}~{}~{started}", op.as_str())
}

/// The status URL of an operation, absolute as ARM's are.
pub fn status_url(headers: &HeaderMap, w: &Workspace, id: &str, api_version: &str) -> String {
    let host = headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    format!(
        "http://{host}/subscriptions/{}/providers/Microsoft.MachineLearningServices/locations/{}/computeOperationsStatus/{id}?api-version={api_version}",
        w.subscription_id, w.resource.location
    )
}

/// The headers that tell a client to poll: `Azure-AsyncOperation`, `Location`, `Retry-After: 1`.
pub fn poll_headers(url: &str) -> [(&'static str, HeaderValue); 3] {
    let value = HeaderValue::from_str(url).unwrap_or_else(|_| HeaderValue::from_static("/"));
    [
        ("azure-asyncoperation", value.clone()),
        ("location", value),
        ("retry-after", HeaderValue::from_static("1")),
    ]
}

/// The operation-status resource: `status` InProgress, then Succeeded or Failed.
pub fn status(w: &Workspace, id: &str) -> Result<Value, ArmError> {
    let unknown = || ArmError::new("NotFound", format!("There is no operation '{id}'."));
    let mut parts = id.split('~');
    let (Some(name), Some(op), Some(started), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(unknown());
    };
    let started: i64 = started.parse().map_err(|_| unknown())?;
    let since = format_iso(started);
    let compute = w.compute(name);
    let status = match compute.map(|c| c.resource.properties.properties.last_operation.clone()) {
        // The compute is gone: a delete finished; anything else was cut short by one.
        None => {
            if op.eq_ignore_ascii_case("Delete") {
                "Succeeded"
            } else {
                "Canceled"
            }
        }
        // A cluster keeps no lastOperation: its provisioningState tells.
        Some(None) => {
            match compute.and_then(|c| c.resource.properties.provisioning_state.as_deref()) {
                Some("Creating" | "Deleting" | "Updating") => "InProgress",
                Some("Failed") => "Failed",
                _ => "Succeeded",
            }
        }
        Some(Some(last))
            if last.operation_name.eq_ignore_ascii_case(op) && last.operation_time == since =>
        {
            match last.operation_status.as_str() {
                "InProgress" => "InProgress",
                "Succeeded" => "Succeeded",
                _ => "Failed",
            }
        }
        // A later operation began, so this one had finished.
        Some(Some(last)) if last.operation_time > since => "Succeeded",
        Some(Some(_)) => return Err(unknown()),
    };
    Ok(json!({"id": id, "name": id, "status": status, "startTime": since}))
}

/// The ETag of a resource's JSON (FNV-1a, quoted as HTTP wants).
pub fn etag(json: &str) -> String {
    let hash = json.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("\"{hash:016x}\"")
}

/// Checks `If-Match` / `If-None-Match` against the current ETag (`None`: no such resource).
pub fn check_preconditions(headers: &HeaderMap, current: Option<&str>) -> Result<(), ArmError> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    let failed = |why: String| ArmError::new("PreconditionFailed", why);
    if let Some(wanted) = header("if-match") {
        match current {
            None => {
                return Err(failed(
                    "If-Match was given but the resource does not exist.".into(),
                ))
            }
            Some(tag) if wanted != "*" && !wanted.split(',').any(|w| w.trim() == tag) => {
                return Err(failed(format!("The resource has changed: its ETag is {tag}, not {wanted}. Read it again and retry.")));
            }
            _ => {}
        }
    }
    if header("if-none-match") == Some("*") && current.is_some() {
        return Err(failed(
            "A resource with this name already exists; If-None-Match: * only creates.".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_and_preconditions() {
        let tag = etag("{\"a\":1}");
        assert_ne!(tag, etag("{\"a\":2}"));
        let mut h = HeaderMap::new();
        assert!(check_preconditions(&h, Some(&tag)).is_ok());
        h.insert("if-match", HeaderValue::from_str(&tag).unwrap());
        assert!(check_preconditions(&h, Some(&tag)).is_ok());
        assert_eq!(
            check_preconditions(&h, Some("\"other\""))
                .unwrap_err()
                .code(),
            "PreconditionFailed"
        );
        assert!(check_preconditions(&h, None).is_err());
        let mut h = HeaderMap::new();
        h.insert("if-none-match", HeaderValue::from_static("*"));
        assert!(check_preconditions(&h, None).is_ok());
        assert!(check_preconditions(&h, Some(&tag)).is_err());
    }

    #[test]
    fn operation_status_reads_the_compute() {
        let mut w = Workspace::seed(0);
        let body = serde_json::from_str(r#"{"properties":{"computeType":"ComputeInstance","properties":{"vmSize":"Standard_DS11_v2"}}}"#).unwrap();
        w.create_instance("Ada Lovelace", "ci-op", body, 1_000)
            .unwrap();
        let id = operation_id("ci-op", Operation::Create, 1_000);
        assert_eq!(status(&w, &id).unwrap()["status"], "InProgress");
        w.settle(11_000);
        assert_eq!(status(&w, &id).unwrap()["status"], "Succeeded");
        w.delete("Ada Lovelace", "ci-op", 12_000).unwrap();
        w.settle(20_000);
        assert_eq!(
            status(&w, &operation_id("ci-op", Operation::Delete, 12_000)).unwrap()["status"],
            "Succeeded"
        );
        assert!(status(&w, "nonsense").is_err());
    }
}
