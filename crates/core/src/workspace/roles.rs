//! Workspace members, Azure's built-in roles, and what each role may do.

use serde::{Deserialize, Serialize};

/// A built-in Azure role that can be assigned on a workspace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    /// Full access, including access management.
    Owner,
    /// Full access to the workspace's resources.
    Contributor,
    /// Sees everything, changes nothing.
    Reader,
    /// Works with assets and runs compute, but does not create or delete compute.
    #[serde(rename = "AzureML Data Scientist")]
    DataScientist,
    /// Creates, manages and deletes compute, and nothing else.
    #[serde(rename = "AzureML Compute Operator")]
    ComputeOperator,
}

/// Something a member may try to do; each maps to an ARM action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Create or update a compute.
    WriteCompute,
    /// Delete a compute.
    DeleteCompute,
    /// Start, stop or restart a compute.
    OperateCompute,
    /// Change the workspace's settings.
    WriteWorkspace,
}

impl Action {
    /// The ARM operation Azure checks for this action.
    pub fn arm_operation(self) -> &'static str {
        match self {
            Self::WriteCompute => "Microsoft.MachineLearningServices/workspaces/computes/write",
            Self::DeleteCompute => "Microsoft.MachineLearningServices/workspaces/computes/delete",
            Self::OperateCompute => {
                "Microsoft.MachineLearningServices/workspaces/computes/start/action"
            }
            Self::WriteWorkspace => "Microsoft.MachineLearningServices/workspaces/write",
        }
    }

    /// What the action is, in the studio's words, for tooltips.
    pub fn description(self) -> &'static str {
        match self {
            Self::WriteCompute => "create or change compute",
            Self::DeleteCompute => "delete compute",
            Self::OperateCompute => "start, stop or restart compute",
            Self::WriteWorkspace => "change workspace settings",
        }
    }
}

impl Role {
    /// Every role, for pickers and tests.
    pub const ALL: [Role; 5] = [
        Role::Owner,
        Role::Contributor,
        Role::Reader,
        Role::DataScientist,
        Role::ComputeOperator,
    ];

    /// The role's name as Azure shows it.
    pub fn display_name(self) -> &'static str {
        match self {
            Self::Owner => "Owner",
            Self::Contributor => "Contributor",
            Self::Reader => "Reader",
            Self::DataScientist => "AzureML Data Scientist",
            Self::ComputeOperator => "AzureML Compute Operator",
        }
    }

    /// Whether the role grants an action.
    pub fn allows(self, action: Action) -> bool {
        use Action::*;
        match self {
            Self::Owner | Self::Contributor => true,
            Self::Reader => false,
            Self::DataScientist => matches!(action, OperateCompute),
            Self::ComputeOperator => {
                matches!(action, WriteCompute | DeleteCompute | OperateCompute)
            }
        }
    }
}

/// A person who belongs to the workspace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    /// Display name, e.g. `Ada Lovelace`.
    pub name: String,
    /// Sign-in name, e.g. `ada@contoso.com`; ARM's `userName`.
    pub user_name: String,
    /// Azure AD object id.
    pub object_id: String,
    /// The member's role on the workspace.
    pub role: Role,
}

impl Member {
    /// The member's initials for an avatar.
    pub fn initials(&self) -> String {
        self.name
            .split_whitespace()
            .filter_map(|w| w.chars().next())
            .take(2)
            .collect()
    }

    /// Why the member may not do an action, or `None` when the role allows it.
    pub fn refusal(&self, action: Action) -> Option<String> {
        (!self.role.allows(action)).then(|| {
            format!(
                "Your role ({}) does not allow you to {}.",
                self.role.display_name(),
                action.description()
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action::*;

    #[test]
    fn role_matrix() {
        let table = [
            (Role::Owner, [true, true, true, true]),
            (Role::Contributor, [true, true, true, true]),
            (Role::Reader, [false, false, false, false]),
            (Role::DataScientist, [false, false, true, false]),
            (Role::ComputeOperator, [true, true, true, false]),
        ];
        for (role, expected) in table {
            let got = [WriteCompute, DeleteCompute, OperateCompute, WriteWorkspace]
                .map(|a| role.allows(a));
            assert_eq!(got, expected, "{role:?}");
        }
    }

    #[test]
    fn roles_serialize_with_azure_names() {
        for role in Role::ALL {
            let json = serde_json::to_string(&role).unwrap();
            assert_eq!(json, format!("\"{}\"", role.display_name()));
            assert_eq!(serde_json::from_str::<Role>(&json).unwrap(), role);
        }
    }
}
