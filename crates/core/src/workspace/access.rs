//! People and their roles: the installation's Owners add and remove people, and give or take
//! away roles at the subscription, a resource group or a workspace ("Access control"). A
//! workspace's Owners manage its own role assignments.

use super::roles::{Action, Role};
use super::tenant::{covers, Person, RoleAssignment, Tenant};
use crate::arm::ids::guid_for;
use crate::arm::ArmError;
use crate::time::Millis;

/// Why a display name is refused, or `None`.
pub fn person_name_error(name: &str) -> Option<String> {
    let trimmed = name.trim();
    if trimmed.is_empty() {
        Some("Name is required.".into())
    } else if trimmed.chars().count() > 64 {
        Some("Name must be at most 64 characters long.".into())
    } else if trimmed.chars().any(char::is_control) {
        Some("Name cannot contain control characters.".into())
    } else {
        None
    }
}

/// A sign-in name made from a display name: `Grace Hopper` becomes `grace.hopper@azimuth.local`.
pub fn default_user_name(name: &str) -> String {
    let local: String = name
        .trim()
        .to_lowercase()
        .split_whitespace()
        .map(|w| {
            w.chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(".");
    let local = if local.is_empty() {
        "user".into()
    } else {
        local
    };
    format!("{local}@azimuth.local")
}

impl Tenant {
    /// Adds a person to the directory (an installation Owner only); `user_name` defaults to
    /// one made from the name. Answers the person.
    pub fn add_person(
        &mut self,
        actor: &str,
        name: &str,
        user_name: Option<&str>,
    ) -> Result<Person, ArmError> {
        let scope = self.directory.subscription_scope();
        self.directory
            .authorize_at(actor, &scope, Action::WriteRoleAssignments)?;
        let name = name.trim();
        if let Some(e) = person_name_error(name) {
            return Err(ArmError::new("BadRequest", e).at("name"));
        }
        let user_name = user_name
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .map_or_else(|| default_user_name(name), str::to_owned);
        if !user_name.contains('@') || user_name.chars().any(char::is_whitespace) {
            return Err(ArmError::new(
                "BadRequest",
                format!(
                    "'{user_name}' is not a sign-in name: write it as name@domain, without spaces."
                ),
            )
            .at("userName"));
        }
        let people = &self.directory.people;
        if people.iter().any(|p| p.name.eq_ignore_ascii_case(name)) {
            return Err(ArmError::new("Conflict", format!("There is already a person named '{name}'. Give this one a name people can tell apart (e.g. with an initial).")).at("name"));
        }
        if people
            .iter()
            .any(|p| p.user_name.eq_ignore_ascii_case(&user_name))
        {
            return Err(ArmError::new(
                "Conflict",
                format!("The sign-in name '{user_name}' is already taken."),
            )
            .at("userName"));
        }
        let serial = self.directory.next_serial();
        let person = Person {
            name: name.to_owned(),
            user_name: user_name.clone(),
            object_id: guid_for(&format!(
                "{}#person#{user_name}#{serial}",
                self.directory.tenant_id
            )),
        };
        self.directory.people.push(person.clone());
        Ok(person)
    }

    /// Removes a person and every role they hold (an installation Owner only; nobody removes
    /// themselves).
    pub fn remove_person(&mut self, actor: &str, name: &str) -> Result<(), ArmError> {
        let scope = self.directory.subscription_scope();
        self.directory
            .authorize_at(actor, &scope, Action::WriteRoleAssignments)?;
        if actor == name {
            return Err(ArmError::new(
                "BadRequest",
                "You cannot remove yourself: ask another Owner of the installation.",
            ));
        }
        let person = self.directory.person(name).cloned().ok_or_else(|| {
            ArmError::new("NotFound", format!("There is no person named '{name}'."))
        })?;
        self.directory
            .people
            .retain(|p| p.object_id != person.object_id);
        self.directory
            .role_assignments
            .retain(|a| a.principal_id != person.object_id);
        self.sync_members();
        Ok(())
    }

    /// Gives `person` a role at `scope` (the subscription, a resource group or a workspace);
    /// only an Owner at or above the scope may. Answers the assignment.
    pub fn assign_role(
        &mut self,
        actor: &str,
        scope: &str,
        person: &str,
        role: Role,
        now: Millis,
    ) -> Result<RoleAssignment, ArmError> {
        let principal = self.directory.person(person).cloned().ok_or_else(|| {
            ArmError::new(
                "PrincipalNotFound",
                format!("There is no person named '{person}'. Add them to the installation first."),
            )
        })?;
        self.grant(actor, scope, &principal.object_id, role, None, now)
    }

    /// ARM's PUT of a role assignment: gives the person with object id `principal_id` a role
    /// at `scope`, under the assignment's name `guid` when the caller chose one.
    pub fn grant(
        &mut self,
        actor: &str,
        scope: &str,
        principal_id: &str,
        role: Role,
        guid: Option<&str>,
        now: Millis,
    ) -> Result<RoleAssignment, ArmError> {
        let scope = self.canonical_scope(scope)?;
        self.directory
            .authorize_at(actor, &scope, Action::WriteRoleAssignments)?;
        let principal = self
            .directory
            .people
            .iter()
            .find(|p| p.object_id.eq_ignore_ascii_case(principal_id))
            .cloned()
            .ok_or_else(|| {
                ArmError::new(
                    "PrincipalNotFound",
                    format!(
                        "Principal {principal_id} does not exist in the directory {}.",
                        self.directory.tenant_id
                    ),
                )
            })?;
        let exists = self.directory.role_assignments.iter().any(|a| {
            a.principal_id == principal.object_id
                && a.role == role
                && a.scope.eq_ignore_ascii_case(&scope)
        });
        if exists {
            return Err(ArmError::new(
                "RoleAssignmentExists",
                format!(
                    "{} already has the role {} here.",
                    principal.name,
                    role.display_name()
                ),
            ));
        }
        if let Some(guid) = guid {
            let taken = self.directory.role_assignments.iter().any(|a| {
                a.id.rsplit('/')
                    .next()
                    .is_some_and(|g| g.eq_ignore_ascii_case(guid))
            });
            if taken {
                return Err(ArmError::new("RoleAssignmentExists", format!("A role assignment named {guid} already exists; role assignments cannot be changed, only deleted and made again.")));
            }
        }
        let mut assignment = self.add_assignment(&scope, &principal.object_id, role, now);
        if let Some(guid) = guid {
            let id = format!("{scope}/providers/Microsoft.Authorization/roleAssignments/{guid}");
            if let Some(stored) = self.directory.role_assignments.last_mut() {
                stored.id.clone_from(&id);
            }
            assignment.id = id;
        }
        self.sync_members();
        Ok(assignment)
    }

    /// Whether `person` may read what is at `scope`: they hold a role there, above it, or on
    /// something below it.
    pub fn can_read(&self, person: &str, scope: &str) -> bool {
        self.directory.person(person).is_some_and(|p| {
            self.directory.role_assignments.iter().any(|a| {
                a.principal_id == p.object_id
                    && (covers(&a.scope, scope) || covers(scope, &a.scope))
            })
        })
    }

    /// Takes a role assignment away, by id; the subscription's last Owner stays.
    pub fn remove_role_assignment(
        &mut self,
        actor: &str,
        id: &str,
    ) -> Result<RoleAssignment, ArmError> {
        let assignment = self
            .directory
            .role_assignments
            .iter()
            .find(|a| a.id.eq_ignore_ascii_case(id))
            .cloned()
            .ok_or_else(|| {
                ArmError::new(
                    "RoleAssignmentNotFound",
                    "The role assignment does not exist.",
                )
            })?;
        self.directory
            .authorize_at(actor, &assignment.scope, Action::WriteRoleAssignments)?;
        let subscription = self.directory.subscription_scope();
        let owners_left = self
            .directory
            .role_assignments
            .iter()
            .filter(|a| a.role == Role::Owner && a.scope.eq_ignore_ascii_case(&subscription))
            .count();
        if assignment.role == Role::Owner
            && assignment.scope.eq_ignore_ascii_case(&subscription)
            && owners_left == 1
        {
            return Err(ArmError::new(
                "BadRequest",
                "This is the installation's last Owner: make somebody else Owner of the subscription first, so the installation is never left without one.",
            ));
        }
        self.directory
            .role_assignments
            .retain(|a| a.id != assignment.id);
        self.sync_members();
        Ok(assignment)
    }

    /// The role assignments at a workspace: its own and those it inherits, each with whether it
    /// is inherited.
    pub fn assignments_for(&self, ws_id: &str) -> Vec<(&RoleAssignment, bool)> {
        self.directory
            .role_assignments
            .iter()
            .filter(|a| covers(&a.scope, ws_id))
            .map(|a| (a, !a.scope.eq_ignore_ascii_case(ws_id)))
            .collect()
    }

    /// Records a role assignment (no checks).
    pub(crate) fn add_assignment(
        &mut self,
        scope: &str,
        principal_id: &str,
        role: Role,
        now: Millis,
    ) -> RoleAssignment {
        let serial = self.directory.next_serial();
        let guid = guid_for(&format!(
            "{}#assignment#{scope}#{principal_id}#{serial}",
            self.directory.tenant_id
        ));
        let assignment = RoleAssignment {
            id: format!("{scope}/providers/Microsoft.Authorization/roleAssignments/{guid}"),
            scope: scope.to_owned(),
            principal_id: principal_id.to_owned(),
            role,
            created_at: now,
        };
        self.directory.role_assignments.push(assignment.clone());
        assignment
    }

    /// The scope as stored (the subscription, a resource group or an active workspace), or why
    /// it names nothing.
    fn canonical_scope(&self, scope: &str) -> Result<String, ArmError> {
        let scope = scope.trim_end_matches('/');
        let subscription = self.directory.subscription_scope();
        if scope.eq_ignore_ascii_case(&subscription) {
            return Ok(subscription);
        }
        if let Some(group) = self.directory.resource_groups.iter().find(|g| {
            self.directory
                .group_scope(&g.name)
                .eq_ignore_ascii_case(scope)
        }) {
            return Ok(self.directory.group_scope(&group.name));
        }
        if let Some(ws) = self.workspace(scope) {
            return Ok(ws.id().to_owned());
        }
        Err(ArmError::new("InvalidScope", format!("'{scope}' is not the subscription, a resource group or a workspace of this installation.")))
    }
}
