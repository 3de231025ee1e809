//! The workspace a new studio starts with: a lab workspace in East US with four members.

use crate::arm::WORKSPACE_TYPE;
use crate::time::Millis;
use crate::workspace::resource::*;
use crate::workspace::roles::{Member, Role};
use crate::workspace::{Settings, Workspace};
use std::collections::BTreeMap;

/// The member a new browser is signed in as.
pub const DEFAULT_MEMBER: &str = "Ada Lovelace";

fn member(name: &str, user: &str, object_id: &str, role: Role) -> Member {
    Member {
        name: name.into(),
        user_name: user.into(),
        object_id: object_id.into(),
        role,
    }
}

impl Workspace {
    /// A fresh lab workspace at `now`: Ada (Owner, signed in), Grace (AzureML Data Scientist),
    /// Alan (Reader) and Katherine (AzureML Compute Operator); no computes yet.
    pub fn seed(now: Millis) -> Workspace {
        let subscription_id = "6f1c0a52-5a3b-4b7e-9d2e-3f7a1c2b9e10".to_owned();
        let resource_group = "rg-azimuth-lab".to_owned();
        let name = "mlw-azimuth-lab";
        let id = format!(
            "/subscriptions/{subscription_id}/resourceGroups/{resource_group}/providers/Microsoft.MachineLearningServices/workspaces/{name}"
        );
        Workspace {
            resource: WorkspaceResource {
                id,
                name: name.into(),
                resource_type: WORKSPACE_TYPE.into(),
                location: "eastus".into(),
                tags: BTreeMap::new(),
                properties: WorkspaceProperties {
                    friendly_name: "Azimuth lab".into(),
                    description: "A workspace for the Microsoft Learn lab \"Explore an Azure Machine Learning workspace\".".into(),
                    provisioning_state: "Succeeded".into(),
                    workspace_id: "0b4e7f38-1c9d-4a56-8e2f-7d3c5b1a9e64".into(),
                },
            },
            subscription_id,
            resource_group,
            tenant_id: "72f988bf-86f1-41af-91ab-2d7cd011db47".into(),
            members: vec![
                member(DEFAULT_MEMBER, "ada@contoso.com", "5d1b3e2a-7c4f-4e8a-9b61-0f2d8c7a3e15", Role::Owner),
                member("Grace Hopper", "grace@contoso.com", "8a2c4f6e-1b3d-4e5f-a7c9-2d4f6b8e0a13", Role::DataScientist),
                member("Alan Turing", "alan@contoso.com", "c3e5a7b9-2d4f-4a6c-8e0b-4f6a8c0e2b35", Role::Reader),
                member("Katherine Johnson", "katherine@contoso.com", "e7a9c1b3-4f6d-4c8e-a2b4-6c8e0a2c4d57", Role::ComputeOperator),
            ],
            computes: Vec::new(),
            quota_limits: BTreeMap::new(),
            settings: Settings::default(),
            activity: Vec::new(),
            settled_at: now,
            serial: 0,
        }
    }
}
