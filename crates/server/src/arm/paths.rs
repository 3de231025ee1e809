//! Which resource an ARM path names, matched without regard to case as ARM does: the
//! subscription, its resource groups, workspaces (per group or per subscription), and each
//! workspace's computes, with the subscription-level lists and operation statuses.

use super::jobs::JobTarget;
use azimuth_core::workspace::Tenant;
use azimuth_core::{ArmError, Operation};

const PROVIDER: &str = "Microsoft.MachineLearningServices";

/// What a path names. Workspace ids are the canonical ARM ids of existing workspaces.
#[derive(Debug, PartialEq)]
pub enum Target {
    Subscriptions,
    Subscription,
    ResourceGroups,
    ResourceGroup(String),
    /// Workspaces of the subscription (`None`) or of a resource group.
    Workspaces(Option<String>),
    /// A workspace by resource group and name (it may not exist yet: PUT creates it).
    Workspace(String, String),
    Computes(String),
    Compute(String, String),
    Action(String, String, Operation),
    ListNodes(String, String),
    UpdateIdleShutdown(String, String),
    /// `POST .../computes/{name}/enableSso`.
    EnableSso(String, String),
    VmSizes,
    Usages(String),
    OperationStatus(String),
    /// Role assignments at (and around) a scope: the subscription, a group or a workspace.
    RoleAssignments(String),
    /// One role assignment: its scope and name (a GUID).
    RoleAssignment(String, String),
    /// The built-in role definitions, at a scope.
    RoleDefinitions(String),
    /// A workspace's datastores or data assets.
    Data(String, super::data::DataTarget),
    /// A workspace's jobs.
    Jobs(String, super::jobs::JobTarget),
    /// A workspace's models.
    Models(String, super::models::ModelTarget),
    /// A workspace's online endpoints and their deployments.
    Endpoints(String, super::endpoints::EndpointTarget),
    /// A workspace's batch endpoints and their deployments.
    BatchEndpoints(String, super::batch_endpoints::BatchTarget),
}

impl Target {
    /// Whether the path is one of Microsoft.Resources' (its api-versions differ from Azure ML's).
    pub fn is_resource_manager(&self) -> bool {
        matches!(
            self,
            Self::Subscriptions
                | Self::Subscription
                | Self::ResourceGroups
                | Self::ResourceGroup(_)
                | Self::RoleAssignments(_)
                | Self::RoleAssignment(..)
                | Self::RoleDefinitions(_)
        )
    }
}

fn eq(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

fn no_resource(segments: &[&str]) -> ArmError {
    ArmError::new(
        "NotFound",
        format!(
            "No ARM resource or operation lives at '/{}'.",
            segments.join("/")
        ),
    )
}

/// Matches a path against the installation's ARM scope.
pub fn target(segments: &[&str], t: &Tenant) -> Result<Target, ArmError> {
    if let Some(k) = segments
        .windows(2)
        .position(|w| eq(w[0], "providers") && eq(w[1], "Microsoft.Authorization"))
    {
        let scope = format!("/{}", segments[..k].join("/"));
        return match &segments[k + 2..] {
            [r] if eq(r, "roleAssignments") => Ok(Target::RoleAssignments(scope)),
            [r, name] if eq(r, "roleAssignments") => {
                Ok(Target::RoleAssignment(scope, (*name).to_owned()))
            }
            [r, ..] if eq(r, "roleDefinitions") => Ok(Target::RoleDefinitions(scope)),
            _ => Err(no_resource(segments)),
        };
    }
    let [s, rest @ ..] = segments else {
        return Err(no_resource(segments));
    };
    if !eq(s, "subscriptions") {
        return Err(no_resource(segments));
    }
    let [sub, rest @ ..] = rest else {
        return Ok(Target::Subscriptions);
    };
    if !eq(sub, &t.directory.subscription_id) {
        return Err(ArmError::new(
            "SubscriptionNotFound",
            format!("The subscription '{sub}' could not be found."),
        ));
    }
    match rest {
        [] => Ok(Target::Subscription),
        [g] if eq(g, "resourceGroups") => Ok(Target::ResourceGroups),
        [g, rg] if eq(g, "resourceGroups") => Ok(Target::ResourceGroup((*rg).to_owned())),
        [p, m, l, loc, kind] if eq(p, "providers") && eq(m, PROVIDER) && eq(l, "locations") => {
            if eq(kind, "vmSizes") {
                Ok(Target::VmSizes)
            } else if eq(kind, "usages") {
                Ok(Target::Usages((*loc).to_owned()))
            } else {
                Err(no_resource(segments))
            }
        }
        [p, m, l, _loc, kind, id]
            if eq(p, "providers")
                && eq(m, PROVIDER)
                && eq(l, "locations")
                && (eq(kind, "computeOperationsStatus") || eq(kind, "mfeOperationsStatus")) =>
        {
            Ok(Target::OperationStatus((*id).to_owned()))
        }
        [p, m, ws] if eq(p, "providers") && eq(m, PROVIDER) && eq(ws, "workspaces") => {
            Ok(Target::Workspaces(None))
        }
        [g, rg, tail @ ..] if eq(g, "resourceGroups") => {
            let group = t.directory.resource_group(rg).ok_or_else(|| {
                ArmError::new(
                    "ResourceGroupNotFound",
                    format!("Resource group '{rg}' could not be found."),
                )
            })?;
            workspace_target(tail, t, &group.name)
        }
        _ => Err(no_resource(segments)),
    }
}

fn workspace_target(tail: &[&str], t: &Tenant, group: &str) -> Result<Target, ArmError> {
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
        return Ok(Target::Workspaces(Some(group.to_owned())));
    };
    if rest.is_empty() {
        return Ok(Target::Workspace(group.to_owned(), (*name).to_owned()));
    }
    let id = format!(
        "{}/providers/{PROVIDER}/workspaces/{name}",
        t.directory.group_scope(group)
    );
    let ws = t.workspace(&id).ok_or_else(|| {
        ArmError::new(
            "WorkspaceNotFound",
            format!("The workspace '{name}' could not be found in resource group '{group}'."),
        )
    })?;
    let ws = ws.id().to_owned();
    let owned = |s: &str| s.to_owned();
    match rest {
        [c] if eq(c, "computes") => Ok(Target::Computes(ws)),
        [c, compute] if eq(c, "computes") => Ok(Target::Compute(ws, owned(compute))),
        [c, compute, action] if eq(c, "computes") && eq(action, "listNodes") => {
            Ok(Target::ListNodes(ws, owned(compute)))
        }
        [c, compute, action] if eq(c, "computes") && eq(action, "updateIdleShutdownSetting") => {
            Ok(Target::UpdateIdleShutdown(ws, owned(compute)))
        }
        [c, compute, action] if eq(c, "computes") && eq(action, "enableSso") => {
            Ok(Target::EnableSso(ws, owned(compute)))
        }
        [j] if eq(j, "jobs") => Ok(Target::Jobs(ws, JobTarget::List)),
        [j, name] if eq(j, "jobs") => Ok(Target::Jobs(ws, JobTarget::One(owned(name)))),
        [j, name, c] if eq(j, "jobs") && eq(c, "cancel") => {
            Ok(Target::Jobs(ws, JobTarget::Cancel(owned(name))))
        }
        [c, name] if eq(c, "codes") => Ok(Target::Jobs(ws, JobTarget::Code(owned(name)))),
        [c, name, v] if eq(c, "codes") && eq(v, "versions") => {
            Ok(Target::Jobs(ws, JobTarget::CodeVersions(owned(name))))
        }
        [c, name, v, version] if eq(c, "codes") && eq(v, "versions") => Ok(Target::Jobs(
            ws,
            JobTarget::CodeVersion(owned(name), owned(version)),
        )),
        [c, name, v, version, a]
            if eq(c, "codes") && eq(v, "versions") && eq(a, "startPendingUpload") =>
        {
            Ok(Target::Jobs(
                ws,
                JobTarget::PendingUpload(owned(name), owned(version)),
            ))
        }
        [e, rest @ ..] if eq(e, "onlineEndpoints") => endpoint_target(rest)
            .map(|t| Target::Endpoints(ws, t))
            .ok_or_else(|| ArmError::new("NotFound", "This path names no online endpoint.")),
        [e, rest @ ..] if eq(e, "batchEndpoints") => batch_target(rest)
            .map(|t| Target::BatchEndpoints(ws, t))
            .ok_or_else(|| ArmError::new("NotFound", "This path names no batch endpoint.")),
        [m, rest @ ..] if eq(m, "models") => model_target(rest)
            .map(|t| Target::Models(ws, t))
            .ok_or_else(|| ArmError::new("NotFound", "This path names no model.")),
        [..] if eq(rest[0], "datastores") || eq(rest[0], "data") => data_target(rest)
            .map(|d| Target::Data(ws, d))
            .ok_or_else(|| {
                ArmError::new("NotFound", "This path names no datastore or data asset.")
            }),
        [c, compute, action] if eq(c, "computes") => {
            let op = [Operation::Start, Operation::Stop, Operation::Restart]
                .into_iter()
                .find(|op| eq(action, op.as_str()))
                .ok_or_else(|| {
                    ArmError::new(
                        "NotFound",
                        format!("Computes have no '{action}' action; use start, stop, restart, listNodes, updateIdleShutdownSetting or enableSso."),
                    )
                })?;
            Ok(Target::Action(ws, owned(compute), op))
        }
        _ => Err(ArmError::new(
            "NotFound",
            "This path names no workspace resource.",
        )),
    }
}

/// What a path under a workspace's `onlineEndpoints` names.
fn endpoint_target(rest: &[&str]) -> Option<super::endpoints::EndpointTarget> {
    use super::endpoints::EndpointTarget as E;
    let owned = |s: &str| s.to_owned();
    Some(match rest {
        [] => E::Endpoints,
        [n] => E::Endpoint(owned(n)),
        [n, d] if eq(d, "deployments") => E::Deployments(owned(n)),
        [n, d, name] if eq(d, "deployments") => E::Deployment(owned(n), owned(name)),
        [n, d, name, l] if eq(d, "deployments") && eq(l, "getLogs") => {
            E::Logs(owned(n), owned(name))
        }
        [n, action] => E::Action(owned(n), owned(action)),
        _ => return None,
    })
}

/// What a path under a workspace's `batchEndpoints` names.
fn batch_target(rest: &[&str]) -> Option<super::batch_endpoints::BatchTarget> {
    use super::batch_endpoints::BatchTarget as B;
    let owned = |s: &str| s.to_owned();
    Some(match rest {
        [] => B::Endpoints,
        [n] => B::Endpoint(owned(n)),
        [n, d] if eq(d, "deployments") => B::Deployments(owned(n)),
        [n, d, name] if eq(d, "deployments") => B::Deployment(owned(n), owned(name)),
        [n, action] => B::Action(owned(n), owned(action)),
        _ => return None,
    })
}

/// What a path under a workspace's `models` names.
fn model_target(rest: &[&str]) -> Option<super::models::ModelTarget> {
    use super::models::ModelTarget as M;
    Some(match rest {
        [] => M::Containers,
        [n] => M::Container((*n).to_owned()),
        [n, v] if eq(v, "versions") => M::Versions((*n).to_owned()),
        [n, v, version] if eq(v, "versions") => M::Version((*n).to_owned(), (*version).to_owned()),
        _ => return None,
    })
}

/// What a path under a workspace's `datastores` or `data` names.
fn data_target(rest: &[&str]) -> Option<super::data::DataTarget> {
    use super::data::DataTarget as D;
    let owned = |s: &str| s.to_owned();
    Some(match rest {
        [c] if eq(c, "datastores") => D::Datastores,
        [c, n] if eq(c, "datastores") => D::Datastore(owned(n)),
        [c, n, a] if eq(c, "datastores") && eq(a, "listSecrets") => D::Secrets(owned(n)),
        [c] if eq(c, "data") => D::Containers,
        [c, n] if eq(c, "data") => D::Container(owned(n)),
        [c, n, v] if eq(c, "data") && eq(v, "versions") => D::Versions(owned(n)),
        [c, n, v, version] if eq(c, "data") && eq(v, "versions") => {
            D::Version(owned(n), owned(version))
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use azimuth_core::workspace::seed::EXAMPLE_TENANT;

    #[test]
    fn paths_match_without_case() {
        let t = Tenant::seed(0, EXAMPLE_TENANT, None);
        let w = &t.workspaces[0];
        let base = format!("subscriptions/{}/resourcegroups/{}/providers/microsoft.machinelearningservices/workspaces/{}", w.subscription_id, w.resource_group.to_uppercase(), w.resource.name);
        let seg = |p: &str| {
            p.split('/')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        let at = |p: String| {
            let s = seg(&p);
            let r: Vec<&str> = s.iter().map(String::as_str).collect();
            target(&r, &t)
        };
        let id = w.id().to_owned();
        assert_eq!(
            at(format!("{base}/COMPUTES")).unwrap(),
            Target::Computes(id.clone())
        );
        assert_eq!(
            at(format!("{base}/computes/ci-1/Start")).unwrap(),
            Target::Action(id, "ci-1".into(), Operation::Start)
        );
        assert_eq!(
            at(format!("{base}/computes/ci-1/explode"))
                .unwrap_err()
                .code(),
            "NotFound"
        );
        let other = base.replace("mlw-azimuth-lab", "other");
        assert_eq!(
            at(format!("{other}/computes")).unwrap_err().code(),
            "WorkspaceNotFound"
        );
        assert_eq!(
            at(other).unwrap(),
            Target::Workspace("rg-azimuth-lab".into(), "other".into()),
            "a PUT may create it"
        );
        assert_eq!(
            at("subscriptions/nope/resourceGroups/x".into())
                .unwrap_err()
                .code(),
            "SubscriptionNotFound"
        );
        let sub = format!("subscriptions/{}", w.subscription_id);
        assert_eq!(
            at(format!(
                "{sub}/resourcegroups/nope/providers/microsoft.machinelearningservices/workspaces"
            ))
            .unwrap_err()
            .code(),
            "ResourceGroupNotFound"
        );
        assert_eq!(
            at(format!("{sub}/resourcegroups/nope")).unwrap(),
            Target::ResourceGroup("nope".into())
        );
        assert_eq!(
            at(format!(
                "{sub}/providers/Microsoft.MachineLearningServices/workspaces"
            ))
            .unwrap(),
            Target::Workspaces(None)
        );
    }
}
