//! Where the studio shows what an MLflow link names. The mlflow client prints links into the
//! tracking server's own UI (`<tracking URI>/#/experiments/<id>/runs/<run id>`); azimuth-server
//! answers that address with the studio, which opens the job or experiment it names.

use crate::workspace::overview::wsid;

/// A path under a workspace's tracking URI (`/mlflow/{v1.0|v2.0}/subscriptions/{sub}/
/// resourceGroups/{rg}/providers/Microsoft.MachineLearningServices/workspaces/{ws}<rest>`): the
/// workspace's ARM id and the rest (from its `/`); `None` for any other path.
pub fn split_tracking_path(path: &str) -> Option<(String, &str)> {
    let rest = path.strip_prefix("/mlflow/")?;
    let (version, rest) = rest.split_once('/')?;
    if version != "v1.0" && version != "v2.0" {
        return None;
    }
    // The workspace is the first eight segments.
    let end = rest
        .match_indices('/')
        .nth(7)
        .map_or(rest.len(), |(at, _)| at);
    let (workspace, tail) = rest.split_at(end);
    let parts: Vec<&str> = workspace.split('/').collect();
    let shaped = parts.len() == 8
        && parts[0] == "subscriptions"
        && parts[2].eq_ignore_ascii_case("resourceGroups")
        && parts[4] == "providers"
        && parts[5].eq_ignore_ascii_case("Microsoft.MachineLearningServices")
        && parts[6] == "workspaces"
        && !parts[7].is_empty();
    shaped.then(|| (format!("/{workspace}"), tail))
}

/// The studio's page of job `run_id` of the workspace whose ARM id is `workspace` (a path, for
/// a server's or this page's origin to go before).
pub fn job_page(workspace: &str, run_id: &str) -> String {
    format!("/jobs/runs/{run_id}?wsid={}", wsid(workspace))
}

/// The studio address for an MLflow UI link: the path (`/mlflow/v1.0/subscriptions/…/
/// workspaces/<ws>/`) and the fragment (`#/experiments/<id>[/runs/<run id>]`); `None` when the
/// path is not a workspace's tracking URI.
pub fn studio_address(path: &str, fragment: &str) -> Option<String> {
    let (workspace, rest) = split_tracking_path(path)?;
    if !rest.trim_matches('/').is_empty() {
        return None;
    }
    let ws = wsid(&workspace);
    let names: Vec<&str> = fragment
        .trim_start_matches('#')
        .split('/')
        .filter(|p| !p.is_empty())
        .collect();
    let page = match names[..] {
        ["experiments", _, "runs", run, ..] => format!("/jobs/runs/{run}"),
        ["experiments", experiment, ..] => format!("/jobs/experiments/{experiment}"),
        _ => "/jobs".to_owned(),
    };
    Some(format!("{page}?wsid={ws}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATH: &str = "/mlflow/v1.0/subscriptions/s1/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/";

    #[test]
    fn a_run_link_opens_the_job() {
        assert_eq!(
            studio_address(PATH, "#/experiments/e1/runs/abc").as_deref(),
            Some("/jobs/runs/abc?wsid=/subscriptions/s1/resourcegroups/rg/workspaces/ws")
        );
        assert_eq!(
            studio_address(PATH.trim_end_matches('/'), "#/experiments/e1").as_deref(),
            Some("/jobs/experiments/e1?wsid=/subscriptions/s1/resourcegroups/rg/workspaces/ws")
        );
        assert!(studio_address(PATH, "").unwrap().starts_with("/jobs?wsid="));
        assert_eq!(studio_address("/mlflow/v1.0/elsewhere", "#/x"), None);
        assert_eq!(studio_address("/compute/instances", ""), None);
    }
}
