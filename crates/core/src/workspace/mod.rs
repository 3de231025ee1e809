//! The workspace: its resource, its members and their roles, settings and recent activity.
//! Each asset folder (compute, and the assets to come) adds its own operations on [`Workspace`].

pub mod access;
pub mod changes;
pub mod groups;
pub mod lab;
pub mod manage;
pub mod overview;
pub mod records;
pub mod resource;
pub mod roles;
pub mod seed;
pub mod snapshot;
pub mod tenant;

pub use changes::Changes;
pub use resource::{WorkspaceProperties, WorkspaceResource};
pub use tenant::{Directory, Person, ResourceGroup, RoleAssignment, Tenant};

use crate::arm::json_de::FromValue;
use crate::arm::ArmError;
use crate::compute::catalogue::{find_region, Region, REGIONS};
use crate::compute::lifecycle::Pace;
use crate::compute::quota::HeldElsewhere;
use crate::compute::StoredCompute;
use crate::data::{DataContainerResource, DataVersionResource, StoredDatastore};
use crate::endpoints::batch::{StoredBatchDeployment, StoredBatchEndpoint};
use crate::endpoints::{StoredDeployment, StoredEndpoint};
use crate::models::{ModelContainerResource, ModelVersionResource};
use crate::time::Millis;
use roles::{Action, Member};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Workspace-wide settings.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// Pace of simulated operations.
    #[serde(default)]
    pub pace: Pace,
}

/// One line of the workspace's recent activity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct Activity {
    /// When it happened.
    pub at: Millis,
    /// Who did it (a member's name, or `Schedule` / `Idle shutdown`).
    pub actor: String,
    /// What happened, e.g. `created compute instance ci-1`.
    pub text: String,
    /// The compute concerned.
    #[serde(default)]
    pub compute: String,
}

/// How many activity lines the workspace keeps.
pub(crate) const ACTIVITY_KEPT: usize = 40;

/// The whole workspace as the engine keeps it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct Workspace {
    /// The workspace's ARM resource.
    pub resource: WorkspaceResource,
    /// Subscription id.
    pub subscription_id: String,
    /// Resource group.
    pub resource_group: String,
    /// Azure AD tenant of the members.
    pub tenant_id: String,
    /// Members and their roles.
    pub members: Vec<Member>,
    /// Computes, oldest first, each shared until it changes: a copy of the workspace costs a
    /// pointer per compute, and a change copies only the computes it touches.
    pub computes: Vec<Arc<StoredCompute>>,
    /// Datastores, oldest first, each shared until it changes (as computes are).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub datastores: Vec<Arc<StoredDatastore>>,
    /// Data assets (their containers), oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data: Vec<Arc<DataContainerResource>>,
    /// Every data asset's versions, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_versions: Vec<Arc<DataVersionResource>>,
    /// Models (their containers), oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub models: Vec<Arc<ModelContainerResource>>,
    /// Every model's versions, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub model_versions: Vec<Arc<ModelVersionResource>>,
    /// Online endpoints, with their keys.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub endpoints: Vec<Arc<StoredEndpoint>>,
    /// Online endpoints' deployments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deployments: Vec<Arc<StoredDeployment>>,
    /// Batch endpoints.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub batch_endpoints: Vec<Arc<StoredBatchEndpoint>>,
    /// Batch endpoints' deployments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub batch_deployments: Vec<Arc<StoredBatchDeployment>>,
    /// vCPU limits per family that differ from the defaults.
    #[serde(default)]
    pub quota_limits: BTreeMap<String, u32>,
    /// vCPUs the subscription's other workspaces in this region hold (quota is the
    /// subscription's, per region), as the installation last counted them.
    #[serde(default, skip_serializing_if = "HeldElsewhere::is_empty")]
    pub held_elsewhere: HeldElsewhere,
    /// Settings.
    #[serde(default)]
    pub settings: Settings,
    /// Recent activity, newest first.
    #[serde(default)]
    pub activity: Vec<Activity>,
    /// Everything up to this instant has been settled.
    pub settled_at: Millis,
    /// A counter for addresses and ids.
    #[serde(default)]
    pub serial: u64,
    /// When it was soft-deleted, if it was: it can be recovered for 14 days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_at: Option<Millis>,
    /// When its creation finishes (it is Creating until then).
    #[serde(default)]
    pub ready_at: Millis,
}

impl Workspace {
    /// Everything of the workspace but its assets (computes, datastores, data, models), which a store
    /// keeps one by one.
    pub fn without_assets(&self) -> Workspace {
        Workspace {
            resource: self.resource.clone(),
            subscription_id: self.subscription_id.clone(),
            resource_group: self.resource_group.clone(),
            tenant_id: self.tenant_id.clone(),
            members: self.members.clone(),
            computes: Vec::new(),
            datastores: Vec::new(),
            data: Vec::new(),
            data_versions: Vec::new(),
            models: Vec::new(),
            model_versions: Vec::new(),
            endpoints: Vec::new(),
            deployments: Vec::new(),
            batch_endpoints: Vec::new(),
            batch_deployments: Vec::new(),
            quota_limits: self.quota_limits.clone(),
            held_elsewhere: self.held_elsewhere.clone(),
            settings: self.settings.clone(),
            activity: self.activity.clone(),
            settled_at: self.settled_at,
            serial: self.serial,
            deleted_at: self.deleted_at,
            ready_at: self.ready_at,
        }
    }

    /// The workspace's region.
    pub fn region(&self) -> &'static Region {
        find_region(&self.resource.location).unwrap_or(&REGIONS[0])
    }

    /// The ARM id prefix of the workspace.
    pub fn id(&self) -> &str {
        &self.resource.id
    }

    /// A member by display name.
    pub fn member(&self, name: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.name == name)
    }

    /// A member by Azure AD object id.
    pub fn member_by_object_id(&self, object_id: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.object_id == object_id)
    }
    /// The member named `actor`, if their role allows `action`; otherwise ARM's AuthorizationFailed.
    pub fn authorize(&self, actor: &str, action: Action) -> Result<&Member, ArmError> {
        self.authorize_as(actor, action, action.arm_operation())
    }

    /// Like [`Workspace::authorize`], naming `arm_operation` in the refusal (e.g. `.../stop/action`).
    pub(crate) fn authorize_as(
        &self,
        actor: &str,
        action: Action,
        arm_operation: &str,
    ) -> Result<&Member, ArmError> {
        let member = self.member(actor).ok_or_else(|| {
            ArmError::new(
                "AuthenticationFailed",
                format!("'{actor}' is not a member of this workspace."),
            )
        })?;
        if member.allows(action) {
            Ok(member)
        } else {
            Err(ArmError::new(
                "AuthorizationFailed",
                format!(
                    "The client '{}' with object id '{}' ({}) does not have authorization to perform action '{}' over scope '{}' or the scope is invalid.",
                    member.user_name,
                    member.object_id,
                    member.role.display_name(),
                    arm_operation,
                    self.resource.id
                ),
            ))
        }
    }

    /// Adds a line to the recent activity, newest first, keeping the last [`ACTIVITY_KEPT`].
    pub(crate) fn record(&mut self, at: Millis, actor: &str, text: String, compute: &str) {
        self.activity.insert(
            0,
            Activity {
                at,
                actor: actor.to_owned(),
                text,
                compute: compute.to_owned(),
            },
        );
        self.activity.truncate(ACTIVITY_KEPT);
    }

    /// Changes the pace of simulated operations.
    pub fn set_pace(&mut self, actor: &str, pace: Pace, now: Millis) -> Result<(), ArmError> {
        self.settle(now);
        self.authorize(actor, Action::WriteWorkspace)?;
        self.settings.pace = pace;
        Ok(())
    }

    /// Applies everything that has happened by `now` (its creation finishing, and whatever its
    /// computes do by themselves); returns whether anything changed.
    pub fn settle(&mut self, now: Millis) -> bool {
        let provisioned = self.settle_provisioning(now);
        let endpoints = self.settle_endpoints(now);
        self.settle_computes(now) | provisioned | endpoints
    }

    /// Instants at which something will change by itself, the earliest first; the studio ticks
    /// its clock only while one is near.
    pub fn next_event_at(&self) -> Option<Millis> {
        let creating =
            (self.resource.properties.provisioning_state == "Creating").then_some(self.ready_at);
        self.next_compute_event_at()
            .into_iter()
            .chain(creating)
            .chain(self.next_endpoint_event_at())
            .min()
    }
}
