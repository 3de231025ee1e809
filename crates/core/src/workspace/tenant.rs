//! The installation: its directory of people (an Azure AD tenant), one subscription with its
//! resource groups, the role assignments, and the workspaces. Whatever spans workspaces is
//! decided here: who sees which workspace with which role, and compute names, which are unique
//! in a region across workspaces. Creating and deleting workspaces and resource groups is in
//! `manage`, people and role assignments in `access`.

use super::roles::{Action, Member, Role};
use super::Workspace;
use crate::arm::json_de::FromValue;
use crate::arm::ArmError;
use crate::compute::lifecycle::Pace;
use crate::compute::names::{validate_compute_name, NameError};
use crate::time::Millis;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A person in the installation's directory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct Person {
    /// Display name, e.g. `Ada Lovelace`; unique in the directory.
    pub name: String,
    /// Sign-in name, e.g. `ada@contoso.com`; unique in the directory.
    pub user_name: String,
    /// Azure AD object id.
    pub object_id: String,
}

/// A resource group of the subscription.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct ResourceGroup {
    /// Its name, as it was created.
    pub name: String,
    /// Its region.
    pub location: String,
    /// Tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

/// A role given to a person at a scope: the subscription, a resource group or a workspace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct RoleAssignment {
    /// Full ARM id: `{scope}/providers/Microsoft.Authorization/roleAssignments/{guid}`.
    pub id: String,
    /// The ARM id of what it applies to, and everything below it.
    pub scope: String,
    /// The person's object id.
    pub principal_id: String,
    /// The role.
    pub role: Role,
    /// When it was given.
    pub created_at: Millis,
}

/// Everything of the installation but its workspaces: stored on its own, apart from each
/// workspace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct Directory {
    /// The Azure AD tenant id, made up for each installation.
    pub tenant_id: String,
    /// The one subscription's id.
    pub subscription_id: String,
    /// Its display name.
    pub subscription_name: String,
    /// People who may sign in.
    pub people: Vec<Person>,
    /// Resource groups, oldest first.
    pub resource_groups: Vec<ResourceGroup>,
    /// Role assignments, oldest first.
    pub role_assignments: Vec<RoleAssignment>,
    /// The pace new workspaces are created at and start with.
    #[serde(default)]
    pub pace: Pace,
    /// A counter for ids.
    #[serde(default)]
    pub serial: u64,
}

/// The installation: its directory and its workspaces (soft-deleted ones included).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct Tenant {
    /// People, resource groups and role assignments.
    pub directory: Directory,
    /// Workspaces, oldest first.
    pub workspaces: Vec<Workspace>,
}

/// Whether `scope` is `id` or one of its ancestors (ARM ids compare without regard to case).
pub fn covers(scope: &str, id: &str) -> bool {
    let (scope, id) = (scope.trim_end_matches('/'), id.trim_end_matches('/'));
    id.len() >= scope.len()
        && id.is_char_boundary(scope.len())
        && id[..scope.len()].eq_ignore_ascii_case(scope)
        && (id.len() == scope.len() || id.as_bytes()[scope.len()] == b'/')
}

impl Directory {
    /// The subscription's ARM id.
    pub fn subscription_scope(&self) -> String {
        format!("/subscriptions/{}", self.subscription_id)
    }

    /// A resource group's ARM id.
    pub fn group_scope(&self, group: &str) -> String {
        format!(
            "/subscriptions/{}/resourceGroups/{group}",
            self.subscription_id
        )
    }

    /// A person by display name.
    pub fn person(&self, name: &str) -> Option<&Person> {
        self.people.iter().find(|p| p.name == name)
    }

    /// A resource group by name (without regard to case).
    pub fn resource_group(&self, name: &str) -> Option<&ResourceGroup> {
        self.resource_groups
            .iter()
            .find(|g| g.name.eq_ignore_ascii_case(name))
    }

    /// The roles a person holds at `id` (given there or on anything above it).
    pub fn roles_at(&self, person: &Person, id: &str) -> Vec<Role> {
        let mut roles: Vec<Role> = self
            .role_assignments
            .iter()
            .filter(|a| a.principal_id == person.object_id && covers(&a.scope, id))
            .map(|a| a.role)
            .collect();
        roles.sort_by_key(|r| r.rank());
        roles.dedup();
        roles
    }

    /// The person named `actor` if one of their roles at `scope` allows `action`; otherwise
    /// ARM's AuthenticationFailed or AuthorizationFailed.
    pub fn authorize_at(
        &self,
        actor: &str,
        scope: &str,
        action: Action,
    ) -> Result<&Person, ArmError> {
        let person = self.person(actor).ok_or_else(|| unknown_person(actor))?;
        if self
            .roles_at(person, scope)
            .iter()
            .any(|r| r.allows(action))
        {
            return Ok(person);
        }
        Err(ArmError::new(
            "AuthorizationFailed",
            format!(
                "The client '{}' with object id '{}' does not have authorization to perform action '{}' over scope '{scope}' or the scope is invalid. Ask an Owner to give you a role that allows it ({}).",
                person.user_name,
                person.object_id,
                action.arm_operation(),
                action.description()
            ),
        ))
    }

    /// The next number for an id.
    pub(crate) fn next_serial(&mut self) -> u64 {
        self.serial += 1;
        self.serial
    }
}

/// ARM's refusal for a name nobody in the directory has.
pub(crate) fn unknown_person(name: &str) -> ArmError {
    ArmError::new(
        "AuthenticationFailed",
        format!("'{name}' is not a person of this installation."),
    )
}

/// ARM's answer for a workspace that does not exist (or is soft-deleted).
pub(crate) fn workspace_not_found(id: &str) -> ArmError {
    let name = id.rsplit('/').next().unwrap_or(id);
    ArmError::new(
        "ResourceNotFound",
        format!("The Resource 'Microsoft.MachineLearningServices/workspaces/{name}' under resource group was not found."),
    )
}

impl Tenant {
    /// A workspace that is not soft-deleted, by ARM id (without regard to case).
    pub fn workspace(&self, id: &str) -> Option<&Workspace> {
        self.workspaces
            .iter()
            .find(|w| w.deleted_at.is_none() && w.id().eq_ignore_ascii_case(id))
    }

    /// The index of a workspace by ARM id, soft-deleted ones included.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        let id = id.trim_end_matches('/');
        self.workspaces
            .iter()
            .position(|w| w.id().eq_ignore_ascii_case(id))
    }

    /// A workspace to change, or ARM's not-found error.
    pub fn workspace_mut(&mut self, id: &str) -> Result<&mut Workspace, ArmError> {
        self.workspaces
            .iter_mut()
            .find(|w| w.deleted_at.is_none() && w.id().eq_ignore_ascii_case(id))
            .ok_or_else(|| workspace_not_found(id))
    }

    /// The workspaces `person` holds a role in (none soft-deleted), oldest first.
    pub fn visible_workspaces<'a>(&'a self, person: &str) -> Vec<&'a Workspace> {
        self.workspaces
            .iter()
            .filter(|w| w.deleted_at.is_none() && w.member(person).is_some())
            .collect()
    }

    /// The soft-deleted workspaces `person` may recover or purge.
    pub fn deleted_workspaces<'a>(&'a self, person: &str) -> Vec<&'a Workspace> {
        self.workspaces
            .iter()
            .filter(|w| w.deleted_at.is_some())
            .filter(|w| {
                self.directory
                    .authorize_at(person, w.id(), Action::DeleteWorkspace)
                    .is_ok()
            })
            .collect()
    }

    /// A workspace `actor` may see, or why not: 404 when it does not exist, ARM's 403
    /// AuthorizationFailed when they hold no role in it.
    pub fn workspace_for(&self, actor: &str, id: &str) -> Result<&Workspace, ArmError> {
        let ws = self.workspace(id).ok_or_else(|| workspace_not_found(id))?;
        let person = self
            .directory
            .person(actor)
            .ok_or_else(|| unknown_person(actor))?;
        if ws.member(actor).is_none() {
            return Err(ArmError::new(
                "AuthorizationFailed",
                format!(
                    "The client '{}' with object id '{}' does not have authorization to perform action 'Microsoft.MachineLearningServices/workspaces/read' over scope '{}' or the scope is invalid. Ask one of the workspace's Owners to give you a role in it.",
                    person.user_name, person.object_id, ws.id()
                ),
            ));
        }
        Ok(ws)
    }

    /// Makes every workspace's members what the role assignments say, and its tenant the
    /// directory's (and gives a workspace saved before datastores existed its default ones);
    /// called after any change to people or roles, and after loading.
    pub fn sync_members(&mut self) {
        let directory = &self.directory;
        for ws in &mut self.workspaces {
            ws.ensure_default_datastores();
            ws.tenant_id.clone_from(&directory.tenant_id);
            ws.resource
                .properties
                .tenant_id
                .clone_from(&directory.tenant_id);
            let id = ws.id().to_owned();
            ws.members = directory
                .people
                .iter()
                .filter_map(|p| {
                    let mut roles = directory.roles_at(p, &id).into_iter();
                    let role = roles.next()?;
                    Some(Member {
                        name: p.name.clone(),
                        user_name: p.user_name.clone(),
                        object_id: p.object_id.clone(),
                        role,
                        more_roles: roles.collect(),
                    })
                })
                .collect();
        }
    }

    /// Checks a new compute's name for workspace `ws_id`: Azure's rules, then unique among the
    /// computes of the workspace's region, in every workspace of the installation.
    pub fn check_compute_name(&self, ws_id: &str, name: &str) -> Result<(), NameError> {
        let ws = self
            .workspaces
            .iter()
            .find(|w| w.id().eq_ignore_ascii_case(ws_id));
        let Some(ws) = ws else {
            return validate_compute_name(name);
        };
        ws.check_new_name(name)?;
        let region = ws.region();
        let elsewhere = self.workspaces.iter().any(|other| {
            !other.id().eq_ignore_ascii_case(ws_id)
                && other.region().name == region.name
                && other.compute(name).is_some()
        });
        if elsewhere {
            return Err(NameError::TakenElsewhere(region.display_name.to_owned()));
        }
        Ok(())
    }

    /// ARM's Conflict when a compute of another workspace in the same region has `name` (the
    /// workspace's own computes are its own engine's concern).
    pub fn check_compute_name_elsewhere(&self, ws_id: &str, name: &str) -> Result<(), ArmError> {
        match self.check_compute_name(ws_id, name) {
            Err(e @ NameError::TakenElsewhere(_)) => Err(ArmError::new("Conflict", e.to_string())),
            _ => Ok(()),
        }
    }

    /// Creates a compute of any kind (instance, cluster, attached) in a workspace from its ARM
    /// request, after checking its name across the region's workspaces.
    pub fn create_compute(
        &mut self,
        ws_id: &str,
        actor: &str,
        name: &str,
        body: crate::ComputeResource,
        now: Millis,
    ) -> Result<(), ArmError> {
        self.check_compute_name_elsewhere(ws_id, name)?;
        let held = self.held_elsewhere(ws_id);
        let ws = self.workspace_mut(ws_id)?;
        ws.held_elsewhere = held;
        ws.check_ready()?;
        if crate::compute::cluster::is_cluster(&body) {
            ws.create_cluster(actor, name, body, now).map(drop)
        } else if crate::compute::attach::attached_kind(&body).is_some() {
            ws.attach_compute(actor, name, body, now).map(drop)
        } else {
            ws.create_instance(actor, name, body, now).map(drop)
        }
    }

    /// Applies everything that has happened by `now` in every workspace (operations, schedules,
    /// workspaces finishing their creation, soft-deleted workspaces past their retention);
    /// returns the ids of the workspaces that changed.
    pub fn settle(&mut self, now: Millis) -> Vec<String> {
        let before = self.workspaces.len();
        self.purge_expired(now);
        let mut changed: Vec<String> = self
            .workspaces
            .iter_mut()
            .filter(|w| w.deleted_at.is_none())
            .filter_map(|w| w.settle(now).then(|| w.id().to_owned()))
            .collect();
        if self.workspaces.len() != before {
            changed.push(String::new());
        }
        self.count_held_elsewhere();
        changed
    }

    /// The earliest instant at which something in any workspace changes by itself.
    pub fn next_event_at(&self) -> Option<Millis> {
        self.workspaces
            .iter()
            .filter(|w| w.deleted_at.is_none())
            .filter_map(Workspace::next_event_at)
            .chain(
                self.workspaces
                    .iter()
                    .filter_map(|w| w.deleted_at.map(|at| at + super::manage::RETENTION_MS)),
            )
            .min()
    }
}
