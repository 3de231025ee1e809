//! What one person sees of the installation: its ids, the resource groups they may create
//! workspaces in, the workspaces they hold a role in, and the soft-deleted ones they may recover.
//! The studio's start page and workspace panel show it, from either store; the server sends it
//! as `GET /api/installation`. Also the studio's `wsid`, Azure's short form of a workspace id.

use super::roles::{Action, Role};
use super::tenant::{Person, Tenant};
use super::{Workspace, WorkspaceResource};
use crate::arm::json_de::FromValue;
use crate::time::Millis;
use serde::{Deserialize, Serialize};

/// The installation as one person sees it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct Installation {
    /// The Azure AD tenant ("Directory").
    pub tenant_id: String,
    /// The subscription's id.
    pub subscription_id: String,
    /// The subscription's name.
    pub subscription_name: String,
    /// The person.
    pub me: Option<Person>,
    /// Whether they may create resource groups.
    pub may_create_groups: bool,
    /// Whether they manage the installation's people (an Owner of the subscription).
    #[serde(default)]
    pub may_manage_people: bool,
    /// Every resource group, with whether they may create workspaces in it.
    pub resource_groups: Vec<GroupChoice>,
    /// The workspaces they hold a role in, oldest first.
    pub workspaces: Vec<WorkspaceSummary>,
    /// Soft-deleted workspaces they may recover or purge.
    pub deleted: Vec<WorkspaceSummary>,
    /// The directory's people (to give them roles).
    #[serde(default)]
    pub people: Vec<Person>,
}

/// A resource group as the create-workspace form offers it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct GroupChoice {
    /// Its name.
    pub name: String,
    /// Its region.
    pub location: String,
    /// Whether the person may create workspaces in it.
    pub may_create: bool,
}

/// One workspace in a list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceSummary {
    /// Its ARM id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its friendly name.
    pub friendly_name: String,
    /// Its resource group.
    pub resource_group: String,
    /// Its region (ARM name).
    pub location: String,
    /// When it was created (ISO 8601), when known.
    pub created_at: String,
    /// Creating, Succeeded...
    pub provisioning_state: String,
    /// The person's strongest role in it (none for a soft-deleted one).
    pub role: Option<Role>,
    /// Whether they may delete it (and recover or purge it once deleted).
    pub may_delete: bool,
    /// When it was soft-deleted.
    pub deleted_at: Option<Millis>,
    /// The workspace as ARM answers it (its associated resources, tracking URI...).
    pub resource: WorkspaceResource,
}

impl WorkspaceSummary {
    /// The summary of `ws` for `person`.
    pub fn of(t: &Tenant, ws: &Workspace, person: &str) -> WorkspaceSummary {
        WorkspaceSummary {
            id: ws.id().to_owned(),
            name: ws.resource.name.clone(),
            friendly_name: ws.resource.properties.friendly_name.clone(),
            resource_group: ws.resource_group.clone(),
            location: ws.resource.location.clone(),
            created_at: ws
                .resource
                .system_data
                .as_ref()
                .map(|d| d.created_at.clone())
                .unwrap_or_default(),
            provisioning_state: ws.resource.properties.provisioning_state.clone(),
            role: ws.member(person).map(|m| m.role),
            may_delete: t
                .directory
                .authorize_at(person, ws.id(), Action::DeleteWorkspace)
                .is_ok(),
            deleted_at: ws.deleted_at,
            resource: ws.resource.clone(),
        }
    }

    /// The studio's `wsid` of the workspace.
    pub fn wsid(&self) -> String {
        wsid(&self.id)
    }
}

impl Tenant {
    /// What `person` sees of the installation.
    pub fn overview(&self, person: &str) -> Installation {
        let d = &self.directory;
        let summary = |w: &&Workspace| WorkspaceSummary::of(self, w, person);
        Installation {
            tenant_id: d.tenant_id.clone(),
            subscription_id: d.subscription_id.clone(),
            subscription_name: d.subscription_name.clone(),
            me: d.person(person).cloned(),
            may_create_groups: d
                .authorize_at(person, &d.subscription_scope(), Action::CreateWorkspace)
                .is_ok(),
            may_manage_people: d
                .authorize_at(
                    person,
                    &d.subscription_scope(),
                    Action::WriteRoleAssignments,
                )
                .is_ok(),
            resource_groups: d
                .resource_groups
                .iter()
                .map(|g| GroupChoice {
                    name: g.name.clone(),
                    location: g.location.clone(),
                    may_create: d
                        .authorize_at(person, &d.group_scope(&g.name), Action::CreateWorkspace)
                        .is_ok(),
                })
                .collect(),
            workspaces: self
                .visible_workspaces(person)
                .iter()
                .map(summary)
                .collect(),
            deleted: self
                .deleted_workspaces(person)
                .iter()
                .map(summary)
                .collect(),
            people: d.people.clone(),
        }
    }
}

/// Which workspace a studio opens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Opening {
    /// The list of workspaces (there is none to open).
    List,
    /// This workspace (its ARM id, as saved).
    Open(String),
    /// The address names a workspace the person holds no role in (the `wsid` asked for).
    Refused(String),
}

impl Installation {
    /// What a studio opens: the workspace the address names (`asked`, a `wsid` or an ARM id;
    /// refused when the person holds no role in it), otherwise the one used `last` in this
    /// browser, or the first they see; the list when there is none.
    pub fn opening(&self, asked: Option<&str>, last: Option<&str>) -> Opening {
        let visible = |id: &str| {
            self.workspaces
                .iter()
                .find(|w| w.id.eq_ignore_ascii_case(id))
                .map(|w| w.id.clone())
        };
        if let Some(asked) = asked {
            return match id_from_wsid(asked).and_then(|id| visible(&id)) {
                Some(id) => Opening::Open(id),
                None => Opening::Refused(asked.to_owned()),
            };
        }
        last.and_then(visible)
            .or_else(|| self.workspaces.first().map(|w| w.id.clone()))
            .map_or(Opening::List, Opening::Open)
    }
}

/// Azure studio's short form of a workspace's ARM id, as its URLs carry it (`?wsid=`):
/// `/subscriptions/{sub}/resourcegroups/{rg}/workspaces/{name}`.
pub fn wsid(id: &str) -> String {
    let parts: Vec<&str> = id.split('/').collect();
    match parts[..] {
        ["", _, sub, _, rg, _, _, _, name] => {
            format!("/subscriptions/{sub}/resourcegroups/{rg}/workspaces/{name}")
        }
        _ => id.to_owned(),
    }
}

/// The ARM id a `wsid` names (the short form, or a full ARM id), or `None` when it is neither.
pub fn id_from_wsid(wsid: &str) -> Option<String> {
    let parts: Vec<&str> = wsid.trim_end_matches('/').split('/').collect();
    let eq = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
    match parts[..] {
        ["", s, sub, g, rg, w, name]
            if eq(s, "subscriptions") && eq(g, "resourcegroups") && eq(w, "workspaces") =>
        {
            Some(format!("/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.MachineLearningServices/workspaces/{name}"))
        }
        ["", s, sub, g, rg, p, m, w, name]
            if eq(s, "subscriptions")
                && eq(g, "resourcegroups")
                && eq(p, "providers")
                && eq(m, "Microsoft.MachineLearningServices")
                && eq(w, "workspaces") =>
        {
            Some(format!("/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.MachineLearningServices/workspaces/{name}"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::seed::EXAMPLE_TENANT;

    #[test]
    fn wsids_go_both_ways_and_the_overview_shows_only_ones_own() {
        let t = Tenant::seed(0, EXAMPLE_TENANT, None);
        let id = t.workspaces[0].id();
        let short = wsid(id);
        assert_eq!(short, "/subscriptions/6f1c0a52-5a3b-4b7e-9d2e-3f7a1c2b9e10/resourcegroups/rg-azimuth-lab/workspaces/mlw-azimuth-lab");
        assert_eq!(id_from_wsid(&short).as_deref(), Some(id));
        assert_eq!(id_from_wsid(id).as_deref(), Some(id));
        assert_eq!(id_from_wsid("/subscriptions/x"), None);
        let grace = t.overview("Grace Hopper");
        assert_eq!(grace.workspaces[0].role, Some(Role::DataScientist));
        assert!(!grace.workspaces[0].may_delete && !grace.may_create_groups);
        assert!(t.overview("Ada Lovelace").may_create_groups);
        assert!(t.overview("Nobody").workspaces.is_empty());
    }
}
