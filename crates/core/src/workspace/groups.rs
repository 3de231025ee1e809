//! Resource groups of the subscription, as Microsoft.Resources has them: created (in a region)
//! or changed (tags) by a PUT, deleted only when they hold no workspace.

use super::manage::check_location;
use super::roles::Action;
use super::tenant::{ResourceGroup, Tenant};
use crate::arm::ArmError;
use std::collections::BTreeMap;

/// Why a resource group name is refused, or `None`: 1 to 90 letters, digits, `-`, `_`, `.`,
/// `(` and `)`, not ending in `.`.
pub fn resource_group_name_error(name: &str) -> Option<String> {
    let ok = |c: char| c.is_alphanumeric() || "-_.()".contains(c);
    if name.is_empty() {
        Some("Resource group name is required.".into())
    } else if name.chars().count() > 90 {
        Some("Resource group name must be at most 90 characters long.".into())
    } else if let Some(c) = name.chars().find(|c| !ok(*c)) {
        Some(format!("Resource group name cannot contain '{c}': use letters, digits, '-', '_', '.', '(' and ')'."))
    } else if name.ends_with('.') {
        Some("Resource group name cannot end with a period.".into())
    } else {
        None
    }
}

/// ARM's answer for a resource group that does not exist.
pub(crate) fn group_not_found(name: &str) -> ArmError {
    ArmError::new(
        "ResourceGroupNotFound",
        format!("Resource group '{name}' could not be found."),
    )
}

impl Tenant {
    /// ARM's PUT of a resource group: creates it (answers `true`) or changes its tags.
    pub fn put_resource_group(
        &mut self,
        actor: &str,
        name: &str,
        location: &str,
        tags: BTreeMap<String, String>,
    ) -> Result<bool, ArmError> {
        if let Some(e) = resource_group_name_error(name) {
            return Err(ArmError::new("InvalidResourceGroup", e).at("name"));
        }
        let scope = self.directory.group_scope(name);
        self.directory
            .authorize_at(actor, &scope, Action::CreateWorkspace)?;
        let location = check_location(location, "resource groups")?;
        let groups = &mut self.directory.resource_groups;
        if let Some(g) = groups
            .iter_mut()
            .find(|g| g.name.eq_ignore_ascii_case(name))
        {
            if !g.location.eq_ignore_ascii_case(location) {
                return Err(ArmError::new(
                    "InvalidResourceGroupLocation",
                    format!("Invalid resource group location '{location}'. The Resource group already exists in location '{}'.", g.location),
                ));
            }
            g.tags = tags;
            return Ok(false);
        }
        groups.push(ResourceGroup {
            name: name.to_owned(),
            location: location.to_owned(),
            tags,
        });
        Ok(true)
    }

    /// Deletes an empty resource group (one with workspaces, even soft-deleted ones, is refused).
    pub fn delete_resource_group(&mut self, actor: &str, name: &str) -> Result<(), ArmError> {
        let group = self
            .directory
            .resource_group(name)
            .cloned()
            .ok_or_else(|| group_not_found(name))?;
        let scope = self.directory.group_scope(&group.name);
        self.directory
            .authorize_at(actor, &scope, Action::DeleteWorkspace)?;
        let held: Vec<&str> = self
            .workspaces
            .iter()
            .filter(|w| w.resource_group.eq_ignore_ascii_case(&group.name))
            .map(|w| w.resource.name.as_str())
            .collect();
        if !held.is_empty() {
            return Err(ArmError::new(
                "Conflict",
                format!("Resource group '{}' still holds the workspace(s) {}: delete and purge them first.", group.name, held.join(", ")),
            ));
        }
        self.directory
            .resource_groups
            .retain(|g| !g.name.eq_ignore_ascii_case(&group.name));
        self.directory
            .role_assignments
            .retain(|a| !super::tenant::covers(&scope, &a.scope));
        self.sync_members();
        Ok(())
    }
}
