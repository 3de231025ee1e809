//! Workspace members, Azure's built-in roles, and what each role may do.

use crate::arm::json_de::FromValue;
use serde::{Deserialize, Serialize};

/// A built-in Azure role that can be assigned on a workspace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, FromValue)]
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
    /// Create a workspace or a resource group (at the subscription or resource group).
    CreateWorkspace,
    /// Delete, recover or purge a workspace.
    DeleteWorkspace,
    /// Give or take away roles, and manage the installation's people.
    WriteRoleAssignments,
    /// Register or change a datastore.
    WriteDatastore,
    /// Unregister a datastore.
    DeleteDatastore,
    /// Read a datastore's secrets (`listSecrets`).
    ListDatastoreSecrets,
    /// Create a data asset or a version of one, change, archive or restore it.
    WriteData,
    /// Register, change, archive or delete models and their versions.
    WriteModels,
    /// Create experiments and runs, log params, metrics, tags and artifacts, cancel or delete jobs.
    WriteJobs,
    /// Create, change or delete online endpoints and their deployments.
    WriteEndpoints,
    /// Read or regenerate an online endpoint's keys, or get a token for it.
    ListEndpointKeys,
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
            Self::WriteWorkspace | Self::CreateWorkspace => {
                "Microsoft.MachineLearningServices/workspaces/write"
            }
            Self::DeleteWorkspace => "Microsoft.MachineLearningServices/workspaces/delete",
            Self::WriteRoleAssignments => "Microsoft.Authorization/roleAssignments/write",
            Self::WriteDatastore => "Microsoft.MachineLearningServices/workspaces/datastores/write",
            Self::DeleteDatastore => {
                "Microsoft.MachineLearningServices/workspaces/datastores/delete"
            }
            Self::ListDatastoreSecrets => {
                "Microsoft.MachineLearningServices/workspaces/datastores/listsecrets/action"
            }
            Self::WriteData => "Microsoft.MachineLearningServices/workspaces/data/versions/write",
            Self::WriteModels => {
                "Microsoft.MachineLearningServices/workspaces/models/versions/write"
            }
            Self::WriteJobs => {
                "Microsoft.MachineLearningServices/workspaces/experiments/runs/write"
            }
            Self::WriteEndpoints => {
                "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/write"
            }
            Self::ListEndpointKeys => {
                "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/listkeys/action"
            }
        }
    }

    /// What the action is, in the studio's words, for tooltips.
    pub fn description(self) -> &'static str {
        match self {
            Self::WriteCompute => "create or change compute",
            Self::DeleteCompute => "delete compute",
            Self::OperateCompute => "start, stop or restart compute",
            Self::WriteWorkspace => "change workspace settings",
            Self::CreateWorkspace => "create workspaces here",
            Self::DeleteWorkspace => "delete, recover or purge the workspace",
            Self::WriteRoleAssignments => "give or take away roles",
            Self::WriteDatastore => "register or change datastores",
            Self::DeleteDatastore => "unregister datastores",
            Self::ListDatastoreSecrets => "see datastore secrets",
            Self::WriteData => "create, archive or restore data assets",
            Self::WriteModels => "register, change or delete models",
            Self::WriteJobs => "submit jobs and log runs",
            Self::WriteEndpoints => "create, change or delete endpoints",
            Self::ListEndpointKeys => "see endpoint keys",
        }
    }
}

impl Role {
    /// How much the role allows, to pick the one a member is shown with (Owner first).
    pub fn rank(self) -> u8 {
        match self {
            Self::Owner => 0,
            Self::Contributor => 1,
            Self::DataScientist => 2,
            Self::ComputeOperator => 3,
            Self::Reader => 4,
        }
    }

    /// Azure's id of the built-in role definition.
    pub fn definition_id(self) -> &'static str {
        match self {
            Self::Owner => "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
            Self::Contributor => "b24988ac-6180-42a0-ab88-20f7382dd24c",
            Self::Reader => "acdd72a7-3385-48ef-bd42-f606fba81ae7",
            Self::DataScientist => "f6c7c914-8db3-469d-8ca1-694a8f32e121",
            Self::ComputeOperator => "e503ece1-11d0-4e8e-8e2c-7a6c3bf38815",
        }
    }

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
            Self::Owner => true,
            Self::Contributor => action != WriteRoleAssignments,
            Self::Reader => false,
            Self::DataScientist => matches!(
                action,
                OperateCompute
                    | WriteDatastore
                    | DeleteDatastore
                    | ListDatastoreSecrets
                    | WriteData
                    | WriteModels
                    | WriteJobs
                    | WriteEndpoints
                    | ListEndpointKeys
            ),
            Self::ComputeOperator => {
                matches!(action, WriteCompute | DeleteCompute | OperateCompute)
            }
        }
    }
}

/// A person who belongs to the workspace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    /// Display name, e.g. `Ada Lovelace`.
    pub name: String,
    /// Sign-in name, e.g. `ada@contoso.com`; ARM's `userName`.
    pub user_name: String,
    /// Azure AD object id.
    pub object_id: String,
    /// The member's strongest role on the workspace (from the workspace, its resource group or
    /// the subscription).
    pub role: Role,
    /// The member's other roles there, if any: Azure adds up what every role allows.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub more_roles: Vec<Role>,
}

impl Member {
    /// The member's alias, as Azure ML names their notebooks folder `Users/<alias>/`: the
    /// sign-in name before its `@`, in lower case.
    pub fn alias(&self) -> String {
        let name = self.user_name.split('@').next().unwrap_or_default();
        let alias = if name.is_empty() { &self.name } else { name };
        alias.to_lowercase()
    }

    /// The member's initials for an avatar.
    pub fn initials(&self) -> String {
        self.name
            .split_whitespace()
            .filter_map(|w| w.chars().next())
            .take(2)
            .collect()
    }

    /// Whether any of the member's roles allows `action`.
    pub fn allows(&self, action: Action) -> bool {
        self.role.allows(action) || self.more_roles.iter().any(|r| r.allows(action))
    }

    /// Why the member may not do an action, or `None` when the role allows it.
    pub fn refusal(&self, action: Action) -> Option<String> {
        (!self.allows(action)).then(|| {
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
            (Role::Owner, [true, true, true, true, true, true, true]),
            (
                Role::Contributor,
                [true, true, true, true, true, true, false],
            ),
            (Role::Reader, [false; 7]),
            (
                Role::DataScientist,
                [false, false, true, false, false, false, false],
            ),
            (
                Role::ComputeOperator,
                [true, true, true, false, false, false, false],
            ),
        ];
        for (role, expected) in table {
            let got = [
                WriteCompute,
                DeleteCompute,
                OperateCompute,
                WriteWorkspace,
                CreateWorkspace,
                DeleteWorkspace,
                WriteRoleAssignments,
            ]
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
