//! The Store's access control of the open workspace: the role assignments that apply to it (its
//! own and those it inherits from its resource group and subscription), giving a person a role
//! and taking one away; through the engine (browser) or Microsoft.Authorization (server).

use super::{remote, Backend, Store};
use azimuth_core::workspace::roles::Role;
use azimuth_core::ArmError;
use leptos::prelude::*;

/// One role assignment as the Access control page lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct AssignmentRow {
    /// Its ARM id.
    pub id: String,
    /// The person's display name.
    pub name: String,
    /// Their sign-in name.
    pub user_name: String,
    /// The role.
    pub role: Role,
    /// Where it was given: the workspace, or the group or subscription it inherits from.
    pub scope: String,
    /// Whether it was given above the workspace.
    pub inherited: bool,
}

impl Store {
    /// The role assignments that apply to the open workspace.
    pub async fn role_assignments(&self) -> Result<Vec<AssignmentRow>, ArmError> {
        let ws = self.workspace_id();
        match self.backend {
            Backend::Browser(local) => {
                let tenant = local.tenant();
                let person = |id: &str| tenant.directory.people.iter().find(|p| p.object_id == id);
                Ok(tenant
                    .assignments_for(&ws)
                    .into_iter()
                    .map(|(a, inherited)| AssignmentRow {
                        id: a.id.clone(),
                        name: person(&a.principal_id)
                            .map(|p| p.name.clone())
                            .unwrap_or_default(),
                        user_name: person(&a.principal_id)
                            .map(|p| p.user_name.clone())
                            .unwrap_or_default(),
                        role: a.role,
                        scope: a.scope.clone(),
                        inherited,
                    })
                    .collect())
            }
            Backend::Server(token) => {
                let rows = remote::role_assignments(&token.get_value(), &ws).await?;
                Ok(rows
                    .into_iter()
                    .filter(|r| azimuth_core::workspace::tenant::covers(&r.scope, &ws))
                    .map(|mut r| {
                        r.inherited = !r.scope.eq_ignore_ascii_case(&ws);
                        r
                    })
                    .collect())
            }
        }
    }

    /// Gives the person with object id `principal_id` a role on the open workspace.
    pub async fn add_role_assignment(
        &self,
        principal_id: &str,
        who: &str,
        role: Role,
    ) -> Result<(), ArmError> {
        let ws = self.workspace_id();
        let result = match self.backend {
            Backend::Browser(local) => {
                self.change_in_tenant(local, |t, me, now| {
                    t.grant(me, &ws, principal_id, role, None, now).map(drop)
                })
                .await
            }
            Backend::Server(token) => {
                let made =
                    remote::put_role_assignment(&token.get_value(), &ws, principal_id, role).await;
                self.after_access_change().await;
                made
            }
        };
        if result.is_ok() {
            self.notify(
                false,
                "Role assigned",
                format!("{who} is now {} of this workspace.", role.display_name()),
            );
        }
        self.report("Could not assign the role", result)
    }

    /// Takes a role assignment of the open workspace away.
    pub async fn remove_role_assignment(&self, id: &str, who: &str) -> Result<(), ArmError> {
        let result = match self.backend {
            Backend::Browser(local) => {
                self.change_in_tenant(local, |t, me, _| t.remove_role_assignment(me, id).map(drop))
                    .await
            }
            Backend::Server(token) => {
                let removed = remote::delete_role_assignment(&token.get_value(), id).await;
                self.after_access_change().await;
                removed
            }
        };
        if result.is_ok() {
            self.notify(
                false,
                "Role removed",
                format!("{who} no longer holds that role here."),
            );
        }
        self.report("Could not remove the role", result)
    }

    /// Reads the workspace (its members) and what the person sees again after a change of roles.
    async fn after_access_change(&self) {
        self.session.refresh().await;
        self.pull().await;
    }
}
