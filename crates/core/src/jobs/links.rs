//! Where the studio shows what an MLflow link names. The mlflow client prints links into the
//! tracking server's own UI (`<tracking URI>/#/experiments/<id>/runs/<run id>`); azimuth-server
//! answers that address with the studio, which opens the job or experiment it names.

use crate::workspace::overview::wsid;

/// The studio address for an MLflow UI link: the path (`/mlflow/v1.0/subscriptions/…/
/// workspaces/<ws>/`) and the fragment (`#/experiments/<id>[/runs/<run id>]`); `None` when the
/// path is not a workspace's tracking URI.
pub fn studio_address(path: &str, fragment: &str) -> Option<String> {
    let rest = path.strip_prefix("/mlflow/")?;
    let (_version, workspace) = rest.split_once('/')?;
    let workspace = workspace.trim_end_matches('/');
    let parts: Vec<&str> = workspace.split('/').collect();
    let shaped = parts.len() == 8
        && parts[0] == "subscriptions"
        && parts[2].eq_ignore_ascii_case("resourceGroups")
        && parts[6] == "workspaces";
    if !shaped {
        return None;
    }
    let ws = wsid(&format!("/{workspace}"));
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
