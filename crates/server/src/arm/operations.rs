//! Long-running operations the way ARM does them, and ETags.
//!
//! An operation's id names the workspace, the compute (none for the workspace's own creation),
//! the operation and when it began, so its status is read from the resource itself (a
//! compute's `lastOperation`, a workspace's `provisioningState`) and no table of operations is
//! kept.

use axum::http::{HeaderMap, HeaderValue};
use azimuth_core::time::format_iso;
use azimuth_core::workspace::Tenant;
use azimuth_core::{ArmError, Operation, Workspace};
use serde_json::{json, Value};

/// The id of an operation on a compute of `w` (or, with `compute` empty, on `w` itself) that
/// began at `started` (milliseconds).
pub fn operation_id(w: &Workspace, compute: &str, op: Operation, started: i64) -> String {
    format!(
        "{}~{}~{compute}~{}~{started}",
        w.resource_group,
        w.resource.name,
        op.as_str()
    )
}

/// The status URL of an operation, absolute as ARM's are.
pub fn status_url(headers: &HeaderMap, w: &Workspace, id: &str, api_version: &str) -> String {
    let host = headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    // Behind a proxy that ends TLS, the client came in over https: poll the way it came.
    let scheme = match headers
        .get("x-forwarded-proto")
        .and_then(|p| p.to_str().ok())
        .and_then(|p| p.split(',').next())
        .map(str::trim)
    {
        Some(p) if p.eq_ignore_ascii_case("https") => "https",
        _ => "http",
    };
    format!(
        "{scheme}://{host}/subscriptions/{}/providers/Microsoft.MachineLearningServices/locations/{}/computeOperationsStatus/{id}?api-version={api_version}",
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

/// An operation's status from a resource's `provisioningState` (a workspace's, or a cluster's,
/// which keeps no `lastOperation`).
fn provisioning_status(state: Option<&str>) -> &'static str {
    match state {
        Some("Creating" | "Deleting" | "Updating") => "InProgress",
        Some("Failed") => "Failed",
        _ => "Succeeded",
    }
}

/// The operation-status resource: `status` InProgress, then Succeeded or Failed.
pub fn status(t: &Tenant, me: &str, id: &str) -> Result<Value, ArmError> {
    let unknown = || ArmError::new("NotFound", format!("There is no operation '{id}'."));
    let parts: Vec<&str> = id.split('~').collect();
    let [group, workspace, name, op, started] = parts[..] else {
        return Err(unknown());
    };
    let started: i64 = started.parse().map_err(|_| unknown())?;
    let ws_id = format!(
        "{}/providers/Microsoft.MachineLearningServices/workspaces/{workspace}",
        t.directory.group_scope(group)
    );
    let since = format_iso(started);
    // Only people who may see the workspace learn about its operations (a purged one's
    // deletion is answered to those who held a role in its resource group or above).
    let Some(w) = t.workspace(&ws_id) else {
        if !t.can_read(me, &t.directory.group_scope(group)) {
            return Err(unknown());
        }
        // The workspace is gone: its deletion finished.
        let status = if name.is_empty() && op.eq_ignore_ascii_case("Delete") {
            "Succeeded"
        } else {
            "Canceled"
        };
        return Ok(json!({"id": id, "name": id, "status": status, "startTime": since}));
    };
    t.workspace_for(me, &ws_id)?;
    if name.is_empty() {
        let status = provisioning_status(Some(&w.resource.properties.provisioning_state));
        return Ok(json!({"id": id, "name": id, "status": status, "startTime": since}));
    }
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
        Some(None) => provisioning_status(
            compute.and_then(|c| c.resource.properties.provisioning_state.as_deref()),
        ),
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

/// The operation-status answer: while the operation is InProgress it carries `Retry-After: 1`,
/// as ARM's do, so clients poll again in a second (azure-core waits 30 s without it).
pub fn status_response(status: Value) -> axum::response::Response {
    use axum::response::IntoResponse;
    let body = axum::Json(status.clone());
    if status["status"] == "InProgress" {
        ([("retry-after", HeaderValue::from_static("1"))], body).into_response()
    } else {
        body.into_response()
    }
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

    const ADA: &str = "Ada Lovelace";

    #[test]
    fn operation_status_reads_the_compute() {
        let mut t = Tenant::seed(0, azimuth_core::workspace::seed::EXAMPLE_TENANT, None);
        let ws = t.workspaces[0].id().to_owned();
        let body = serde_json::from_str(r#"{"properties":{"computeType":"ComputeInstance","properties":{"vmSize":"Standard_DS11_v2"}}}"#).unwrap();
        t.create_compute(&ws, "Ada Lovelace", "ci-op", body, 1_000)
            .unwrap();
        let id = operation_id(&t.workspaces[0], "ci-op", Operation::Create, 1_000);
        assert_eq!(status(&t, ADA, &id).unwrap()["status"], "InProgress");
        assert_eq!(
            status(&t, "Nobody", &id).unwrap_err().code(),
            "AuthenticationFailed"
        );
        let alan = t.workspaces[0].member("Alan Turing").is_some();
        assert!(
            alan,
            "Alan is a Reader of the lab: he may read its operations"
        );
        t.settle(11_000);
        assert_eq!(status(&t, ADA, &id).unwrap()["status"], "Succeeded");
        t.workspaces[0]
            .delete("Ada Lovelace", "ci-op", 12_000)
            .unwrap();
        t.settle(20_000);
        let deleted = operation_id(&t.workspaces[0], "ci-op", Operation::Delete, 12_000);
        assert_eq!(status(&t, ADA, &deleted).unwrap()["status"], "Succeeded");
        assert!(status(&t, ADA, "nonsense").is_err());
        let created = operation_id(&t.workspaces[0], "", Operation::Create, 0);
        assert_eq!(status(&t, ADA, &created).unwrap()["status"], "Succeeded");
    }
}
