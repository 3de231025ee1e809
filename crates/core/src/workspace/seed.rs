//! What a new installation starts with: a lab workspace in East US, in its own resource group,
//! with four people. Ada Lovelace is the installation's Owner (Owner of the subscription); Grace
//! Hopper (AzureML Data Scientist), Alan Turing (Reader) and Katherine Johnson (AzureML Compute
//! Operator) hold their roles on the lab workspace only.

use super::resource::{WorkspaceProperties, WorkspaceResource};
use super::roles::Role;
use super::tenant::{Directory, Person, Tenant};
use super::Workspace;
use crate::compute::lifecycle::Pace;
use crate::time::Millis;

/// The person a new browser is signed in as, and the installation's first Owner.
pub const DEFAULT_MEMBER: &str = "Ada Lovelace";
/// The seeded subscription.
pub const SUBSCRIPTION_ID: &str = "6f1c0a52-5a3b-4b7e-9d2e-3f7a1c2b9e10";
/// The lab's resource group.
pub const LAB_GROUP: &str = "rg-azimuth-lab";
/// The lab workspace.
pub const LAB_WORKSPACE: &str = "mlw-azimuth-lab";
/// A tenant id for tests and examples (installations make up their own).
pub const EXAMPLE_TENANT: &str = "3c8e5a1f-6b2d-4f0e-9a7c-1d5b3e9f2a64";

fn person(name: &str, user: &str, object_id: &str) -> Person {
    Person {
        name: name.into(),
        user_name: user.into(),
        object_id: object_id.into(),
    }
}

impl Tenant {
    /// A new installation at `now` in the Azure AD tenant `tenant_id`, its lab workspace ready;
    /// `tracking_base` is the server's address (`None` in the browser).
    pub fn seed(now: Millis, tenant_id: &str, tracking_base: Option<&str>) -> Tenant {
        let ada = person(
            DEFAULT_MEMBER,
            "ada@contoso.com",
            "5d1b3e2a-7c4f-4e8a-9b61-0f2d8c7a3e15",
        );
        let mut tenant = Tenant {
            directory: Directory {
                tenant_id: tenant_id.to_owned(),
                subscription_id: SUBSCRIPTION_ID.into(),
                subscription_name: "Azimuth".into(),
                people: vec![
                    ada.clone(),
                    person(
                        "Grace Hopper",
                        "grace@contoso.com",
                        "8a2c4f6e-1b3d-4e5f-a7c9-2d4f6b8e0a13",
                    ),
                    person(
                        "Alan Turing",
                        "alan@contoso.com",
                        "c3e5a7b9-2d4f-4a6c-8e0b-4f6a8c0e2b35",
                    ),
                    person(
                        "Katherine Johnson",
                        "katherine@contoso.com",
                        "e7a9c1b3-4f6d-4c8e-a2b4-6c8e0a2c4d57",
                    ),
                ],
                resource_groups: Vec::new(),
                role_assignments: Vec::new(),
                pace: Pace::Instant,
                serial: 0,
            },
            workspaces: Vec::new(),
        };
        let subscription = tenant.directory.subscription_scope();
        tenant.add_assignment(&subscription, &ada.object_id, Role::Owner, now);
        let seeded = |r: Result<bool, crate::ArmError>| r.expect("the seed is valid");
        seeded(tenant.put_resource_group(DEFAULT_MEMBER, LAB_GROUP, "eastus", Default::default()));
        let request = WorkspaceResource {
            location: "eastus".into(),
            properties: WorkspaceProperties {
                friendly_name: "Azimuth lab".into(),
                description: "A workspace for the Microsoft Learn lab \"Explore an Azure Machine Learning workspace\".".into(),
                ..Default::default()
            },
            ..Default::default()
        };
        seeded(tenant.put_workspace(
            DEFAULT_MEMBER,
            LAB_GROUP,
            LAB_WORKSPACE,
            request,
            tracking_base,
            now,
        ));
        let lab = tenant.workspaces[0].id().to_owned();
        // Ada holds Owner through the subscription: the creator's own assignment is not needed.
        tenant.directory.role_assignments.retain(|a| a.scope != lab);
        let people = tenant.directory.people.clone();
        for (p, role) in
            people[1..]
                .iter()
                .zip([Role::DataScientist, Role::Reader, Role::ComputeOperator])
        {
            tenant.add_assignment(&lab, &p.object_id, role, now);
        }
        tenant.directory.pace = Pace::default();
        tenant.workspaces[0].settings.pace = Pace::default();
        tenant.workspaces[0].activity.clear();
        tenant.sync_members();
        tenant
    }
}

impl Workspace {
    /// A fresh lab workspace at `now` (the seed installation's, in [`EXAMPLE_TENANT`]): Ada
    /// (Owner), Grace (AzureML Data Scientist), Alan (Reader) and Katherine (AzureML Compute
    /// Operator); no computes yet.
    pub fn seed(now: Millis) -> Workspace {
        Tenant::seed(now, EXAMPLE_TENANT, None).workspaces.remove(0)
    }
}
