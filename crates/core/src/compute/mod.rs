//! Computes of every kind (instances, clusters, Kubernetes and attached): their ARM wire types,
//! rules, lifecycle, quota, schedules and CLI YAML, and the operations on a workspace's computes.

pub mod attach;
pub mod catalogue;
pub mod cluster;
pub mod cost;
mod create;
pub mod jobs;
pub mod lifecycle;
pub mod names;
pub mod quota;
pub mod request;
pub mod resource;
pub mod schedule;
pub(crate) mod settle;
mod update;
pub mod yaml;
pub mod yaml_in;

pub use create::MAX_SCHEDULES;
pub use resource::*;

use crate::arm::json_de::FromValue;
use crate::arm::ArmError;
use crate::time::{format_iso, Millis};
use crate::workspace::roles::Member;
use crate::workspace::Workspace;
use catalogue::Region;
use lifecycle::{Operation, Transition, Trigger};
use names::{validate_compute_name, NameError};
use quota::holds_quota;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// A compute as stored: its ARM resource plus what the engine needs to move it along.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct StoredCompute {
    /// The resource exactly as ARM returns it.
    pub resource: ComputeResource,
    /// The operation in flight, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transition: Option<Transition>,
    /// The last time someone used the instance (for idle shutdown).
    pub last_activity: Millis,
    /// A cluster's nodes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nodes: Vec<crate::compute::cluster::Node>,
    /// The instant of a scheduled stop someone chose to skip ("Skip this shutdown").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped_stop: Option<Millis>,
}

/// ARM's 404 for a compute this workspace does not have.
pub fn not_found(name: &str) -> ArmError {
    ArmError::new(
        "ResourceNotFound",
        format!("The compute '{name}' was not found in this workspace."),
    )
}

/// ARM's 404 for an instance-only action on a name that is no compute instance here.
pub fn instance_not_found(name: &str) -> ArmError {
    ArmError::new(
        "ResourceNotFound",
        format!("There is no compute instance '{name}' in this workspace."),
    )
}

impl Workspace {
    /// The compute instances, oldest first (the other kinds left out).
    pub fn instances(&self) -> impl Iterator<Item = &StoredCompute> {
        self.computes
            .iter()
            .map(Arc::as_ref)
            .filter(|c| c.resource.properties.compute_type == "ComputeInstance")
    }

    /// The compute clusters, oldest first.
    pub fn clusters(&self) -> impl Iterator<Item = &StoredCompute> {
        self.computes
            .iter()
            .map(Arc::as_ref)
            .filter(|c| crate::compute::cluster::is_cluster(&c.resource))
    }

    /// A compute cluster by name, if `name` is one.
    pub fn cluster(&self, name: &str) -> Option<&StoredCompute> {
        self.compute(name)
            .filter(|c| crate::compute::cluster::is_cluster(&c.resource))
    }

    /// A compute instance by name, if `name` is one.
    pub fn instance(&self, name: &str) -> Option<&StoredCompute> {
        self.compute(name)
            .filter(|c| c.resource.properties.compute_type == "ComputeInstance")
    }

    /// A compute by name (names are case-insensitive in Azure).
    pub fn compute(&self, name: &str) -> Option<&StoredCompute> {
        self.computes
            .iter()
            .map(Arc::as_ref)
            .find(|c| c.resource.name.eq_ignore_ascii_case(name))
    }

    pub(crate) fn compute_mut(&mut self, name: &str) -> Result<&mut StoredCompute, ArmError> {
        self.computes
            .iter_mut()
            .find(|c| c.resource.name.eq_ignore_ascii_case(name))
            .map(Arc::make_mut)
            .ok_or_else(|| not_found(name))
    }

    /// Checks a new compute name: Azure's rules, then uniqueness among the workspace's computes.
    pub fn check_new_name(&self, name: &str) -> Result<(), NameError> {
        validate_compute_name(name)?;
        match self.compute(name) {
            Some(_) => Err(NameError::Taken(self.region().display_name.to_owned())),
            None => Ok(()),
        }
    }

    /// Starts, stops or restarts a compute instance on behalf of a member.
    pub fn operate(
        &mut self,
        actor: &str,
        name: &str,
        op: Operation,
        now: Millis,
    ) -> Result<(), ArmError> {
        self.settle(now);
        let action = op.action();
        let arm_operation = match op {
            Operation::Delete => action.arm_operation().to_owned(),
            _ => format!(
                "Microsoft.MachineLearningServices/workspaces/computes/{}/action",
                op.as_str().to_ascii_lowercase()
            ),
        };
        self.authorize_as(actor, action, &arm_operation)?;
        self.check_operation(name, op)?;
        let kind = kind_label(&self.compute(name).ok_or_else(|| not_found(name))?.resource);
        let compute = self.compute(name).ok_or_else(|| not_found(name))?;
        let holds = holds_quota(compute);
        let vm_size = compute.resource.properties.properties.vm_size.clone();
        if op == Operation::Start && !holds {
            self.check_quota(&vm_size)?;
        }
        let canonical = compute.resource.name.clone();
        let detach = crate::compute::attach::attached_kind(&compute.resource).is_some();
        self.begin(&canonical, op, Trigger::User, now)?;
        let verb = if detach { "detached" } else { op.past_tense() };
        self.record(now, actor, format!("{verb} {kind} {canonical}"), &canonical);
        Ok(())
    }

    /// Whether the lifecycle lets `op` begin on a compute now (roles aside); ARM's error if not.
    pub fn check_operation(&self, name: &str, op: Operation) -> Result<(), ArmError> {
        let compute = self.compute(name).ok_or_else(|| not_found(name))?;
        let attached = crate::compute::attach::attached_kind(&compute.resource);
        if crate::compute::cluster::is_cluster(&compute.resource) || attached.is_some() {
            if op != Operation::Delete {
                let why = match attached {
                    Some(kind) => format!("{} is not supported on the attached {} '{name}': it is started and stopped where it lives.", op.as_str(), kind.noun()),
                    None => format!("{} is not supported on compute cluster '{name}': a cluster adds and removes nodes between its minimum and maximum instead.", op.as_str()),
                };
                return Err(ArmError::new("BadRequest", why));
            }
            if compute
                .transition
                .is_some_and(|t| t.operation == Operation::Delete)
            {
                return Err(ArmError::new(
                    "Conflict",
                    format!("Compute '{name}' is already being deleted."),
                ));
            }
            return Ok(());
        }
        let state = compute
            .resource
            .properties
            .properties
            .state
            .as_deref()
            .unwrap_or_default();
        op.check_allowed(name, state, compute.transition.map(|t| t.operation))
    }

    /// Deletes a compute instance on behalf of a member.
    pub fn delete(&mut self, actor: &str, name: &str, now: Millis) -> Result<(), ArmError> {
        self.operate(actor, name, Operation::Delete, now)
    }

    /// Puts a compute into the transient state of `op`.
    pub(crate) fn begin(
        &mut self,
        name: &str,
        op: Operation,
        trigger: Trigger,
        at: Millis,
    ) -> Result<(), ArmError> {
        let duration = self.settings.pace.duration(op);
        let compute = self.compute_mut(name)?;
        compute.transition = Some(Transition {
            operation: op,
            trigger,
            started_at: at,
            duration,
        });
        let cluster = crate::compute::cluster::is_cluster(&compute.resource);
        let attached = crate::compute::attach::attached_kind(&compute.resource).is_some();
        let props = &mut compute.resource.properties;
        props.modified_on = Some(format_iso(at));
        if op == Operation::Delete {
            props.provisioning_state = Some("Deleting".into());
        }
        if attached {
            // An attached compute has no state or lastOperation: provisioningState says it.
            return Ok(());
        }
        if cluster {
            // A cluster has no state or lastOperation: provisioningState and its nodes say it.
            for node in &mut compute.nodes {
                node.state = crate::compute::cluster::NodeState::Leaving;
                node.since = at;
                node.until = None;
            }
            crate::compute::cluster::refresh_view(compute, at);
            return Ok(());
        }
        let inner = &mut props.properties;
        inner.state = Some(op.transient_state().into());
        inner.last_operation = Some(LastOperation {
            operation_name: op.as_str().into(),
            operation_time: format_iso(at),
            operation_status: "InProgress".into(),
            operation_trigger: trigger.as_str().into(),
        });
        Ok(())
    }

    /// Records that a member opened one of an instance's applications: only the assigned user
    /// may, and only while it runs; it counts as activity for idle shutdown. Returns the endpoint.
    pub fn open_application(
        &mut self,
        actor: &str,
        name: &str,
        app: &str,
        now: Millis,
    ) -> Result<String, ArmError> {
        self.settle(now);
        let member = self.member(actor).cloned().ok_or_else(|| {
            ArmError::new(
                "AuthenticationFailed",
                format!("'{actor}' is not a member of this workspace."),
            )
        })?;
        let compute = self.compute_mut(name)?;
        if let Some(reason) = application_refusal(compute, &member) {
            return Err(ArmError::new("AuthorizationFailed", reason));
        }
        compute.last_activity = now;
        let uri = compute
            .resource
            .properties
            .properties
            .applications
            .iter()
            .flatten()
            .find(|a| a.display_name == app)
            .map(|a| a.endpoint_uri.clone())
            .ok_or_else(|| {
                ArmError::new(
                    "BadRequest",
                    format!("Compute instance '{name}' has no application '{app}'."),
                )
            })?;
        Ok(uri)
    }

    /// Records that a member's notebook kernel on an instance ran something: only the assigned
    /// user may run code there, and only while it runs; it counts as activity for idle shutdown.
    pub fn use_instance(&mut self, actor: &str, name: &str, now: Millis) -> Result<(), ArmError> {
        self.settle(now);
        let refusal = self.instance_refusal(actor, name)?;
        if let Some(reason) = refusal {
            return Err(ArmError::new("AuthorizationFailed", reason));
        }
        self.compute_mut(name)?.last_activity = now;
        Ok(())
    }

    /// Why `actor` may not run code on instance `name` now (`None` when they may); an error when
    /// there is no such instance or member.
    pub fn instance_refusal(&self, actor: &str, name: &str) -> Result<Option<String>, ArmError> {
        let member = self.member(actor).ok_or_else(|| {
            ArmError::new(
                "AuthenticationFailed",
                format!("'{actor}' is not a member of this workspace."),
            )
        })?;
        let compute = self.compute(name).ok_or_else(|| {
            ArmError::new(
                "ResourceNotFound",
                format!("There is no compute '{name}' in this workspace."),
            )
        })?;
        if compute.resource.properties.compute_type != "ComputeInstance" {
            return Ok(Some(format!(
                "'{name}' is not a compute instance: notebooks run on a compute instance."
            )));
        }
        Ok(application_refusal(compute, member))
    }

    /// Instants at which something will change by itself (operations ending, idle shutdowns,
    /// schedules), the earliest first; the studio ticks its clock only while one is near.
    pub(crate) fn next_compute_event_at(&self) -> Option<Millis> {
        self.computes
            .iter()
            .filter_map(|c| crate::compute::settle::next_event(c, self.settled_at).map(|(t, _)| t))
            .min()
    }
}

/// "compute instance", "compute cluster" or the attached kind, for activity lines and messages.
pub fn kind_label(c: &ComputeResource) -> &'static str {
    if crate::compute::cluster::is_cluster(c) {
        "compute cluster"
    } else if let Some(kind) = crate::compute::attach::attached_kind(c) {
        kind.noun()
    } else {
        "compute instance"
    }
}

/// Why a member may not open a compute instance's applications, or `None` when they may.
pub fn application_refusal(c: &StoredCompute, member: &Member) -> Option<String> {
    let inner = &c.resource.properties.properties;
    let assigned = inner
        .personal_compute_instance_settings
        .as_ref()
        .map(|p| p.assigned_user.object_id.as_str());
    if assigned != Some(member.object_id.as_str()) {
        return Some(format!(
            "Only the user this compute instance is assigned to can open its applications; {} is not.",
            member.name
        ));
    }
    if inner.state.as_deref() != Some("Running") {
        return Some("Applications open only while the compute instance is Running.".into());
    }
    None
}

pub(crate) fn unknown_size(vm_size: &str, region: &Region) -> ArmError {
    ArmError::new(
        "BadRequest",
        format!("The VM size '{vm_size}' is not supported in region {}. Pick a size from the list of available sizes.", region.name),
    )
}
