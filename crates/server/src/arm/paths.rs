//! Which resource an ARM path names, matched without regard to case as ARM does, within the
//! workspace's subscription and resource group.

use azimuth_core::{ArmError, Operation, Workspace};

const PROVIDER: &str = "Microsoft.MachineLearningServices";

/// What a path names.
#[derive(Debug, PartialEq)]
pub enum Target {
    Subscriptions,
    Workspaces,
    Workspace,
    Computes,
    Compute(String),
    Action(String, Operation),
    ListNodes(String),
    UpdateIdleShutdown(String),
    VmSizes,
    Usages,
    OperationStatus(String),
}

fn eq(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// Matches a path against the workspace's ARM scope.
pub fn target(segments: &[&str], w: &Workspace) -> Result<Target, ArmError> {
    let not_found = |code: &str, what: String| ArmError::new(code, what);
    match segments {
        [s] if eq(s, "subscriptions") => return Ok(Target::Subscriptions),
        [s, sub, rest @ ..] if eq(s, "subscriptions") => {
            if !eq(sub, &w.subscription_id) {
                return Err(not_found(
                    "SubscriptionNotFound",
                    format!("The subscription '{sub}' could not be found."),
                ));
            }
            match rest {
                [p, m, l, _loc, kind]
                    if eq(p, "providers") && eq(m, PROVIDER) && eq(l, "locations") =>
                {
                    if eq(kind, "vmSizes") {
                        return Ok(Target::VmSizes);
                    }
                    if eq(kind, "usages") {
                        return Ok(Target::Usages);
                    }
                }
                [p, m, l, _loc, kind, id]
                    if eq(p, "providers")
                        && eq(m, PROVIDER)
                        && eq(l, "locations")
                        && eq(kind, "computeOperationsStatus") =>
                {
                    return Ok(Target::OperationStatus((*id).to_owned()));
                }
                [p, m, ws] if eq(p, "providers") && eq(m, PROVIDER) && eq(ws, "workspaces") => {
                    return Ok(Target::Workspaces)
                }
                [g, rg, tail @ ..] if eq(g, "resourceGroups") => {
                    if !eq(rg, &w.resource_group) {
                        return Err(not_found(
                            "ResourceGroupNotFound",
                            format!("Resource group '{rg}' could not be found."),
                        ));
                    }
                    return workspace_target(tail, w);
                }
                _ => {}
            }
        }
        _ => {}
    }
    Err(ArmError::new(
        "NotFound",
        format!(
            "No ARM resource or operation lives at '/{}'.",
            segments.join("/")
        ),
    ))
}

fn workspace_target(tail: &[&str], w: &Workspace) -> Result<Target, ArmError> {
    let [p, m, kind, rest @ ..] = tail else {
        return Err(ArmError::new("NotFound", "This path names no resource."));
    };
    if !(eq(p, "providers") && eq(m, PROVIDER) && eq(kind, "workspaces")) {
        return Err(ArmError::new(
            "NotFound",
            "This path names no Azure Machine Learning resource.",
        ));
    }
    let [name, rest @ ..] = rest else {
        return Ok(Target::Workspaces);
    };
    if !eq(name, &w.resource.name) {
        return Err(ArmError::new(
            "WorkspaceNotFound",
            format!("The workspace '{name}' could not be found in this resource group."),
        ));
    }
    match rest {
        [] => Ok(Target::Workspace),
        [c] if eq(c, "computes") => Ok(Target::Computes),
        [c, compute] if eq(c, "computes") => Ok(Target::Compute((*compute).to_owned())),
        [c, compute, action] if eq(c, "computes") && eq(action, "listNodes") => {
            Ok(Target::ListNodes((*compute).to_owned()))
        }
        [c, compute, action] if eq(c, "computes") && eq(action, "updateIdleShutdownSetting") => {
            Ok(Target::UpdateIdleShutdown((*compute).to_owned()))
        }
        [c, compute, action] if eq(c, "computes") => {
            let op = [Operation::Start, Operation::Stop, Operation::Restart]
                .into_iter()
                .find(|op| eq(action, op.as_str()))
                .ok_or_else(|| {
                    ArmError::new(
                        "NotFound",
                        format!("Computes have no '{action}' action; use start, stop, restart, listNodes or updateIdleShutdownSetting."),
                    )
                })?;
            Ok(Target::Action((*compute).to_owned(), op))
        }
        _ => Err(ArmError::new(
            "NotFound",
            "This path names no workspace resource.",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_without_case() {
        let w = Workspace::seed(0);
        let base = format!("subscriptions/{}/resourcegroups/{}/providers/microsoft.machinelearningservices/workspaces/{}", w.subscription_id, w.resource_group.to_uppercase(), w.resource.name);
        let seg = |p: &str| {
            p.split('/')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        let t = |p: String| {
            let s = seg(&p);
            let r: Vec<&str> = s.iter().map(String::as_str).collect();
            target(&r, &w)
        };
        assert_eq!(t(format!("{base}/COMPUTES")).unwrap(), Target::Computes);
        assert_eq!(
            t(format!("{base}/computes/ci-1/Start")).unwrap(),
            Target::Action("ci-1".into(), Operation::Start)
        );
        assert_eq!(
            t(format!("{base}/computes/ci-1/explode"))
                .unwrap_err()
                .code(),
            "NotFound"
        );
        assert_eq!(
            t(format!(
                "{}/computes",
                base.replace("mlw-azimuth-lab", "other")
            ))
            .unwrap_err()
            .code(),
            "WorkspaceNotFound"
        );
        assert_eq!(
            t("subscriptions/nope/resourceGroups/x".into())
                .unwrap_err()
                .code(),
            "SubscriptionNotFound"
        );
    }
}
