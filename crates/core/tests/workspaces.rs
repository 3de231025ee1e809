//! Workspaces as Azure resources: resource groups, people and roles per workspace, soft delete,
//! and compute names unique in a region across workspaces.

use azimuth_core::workspace::manage::{associated_name, workspace_name_error, RETENTION_MS};
use azimuth_core::workspace::roles::Role;
use azimuth_core::workspace::seed::{EXAMPLE_TENANT, LAB_GROUP};
use azimuth_core::workspace::{Tenant, WorkspaceResource};
use azimuth_core::{ComputeResource, Pace};
use serde_json::json;

const ADA: &str = "Ada Lovelace";
const GRACE: &str = "Grace Hopper";
const ALAN: &str = "Alan Turing";
const T0: i64 = 1_800_000_000_000;

fn request(location: &str) -> WorkspaceResource {
    serde_json::from_value(json!({"location": location, "properties": {"description": "second"}}))
        .unwrap()
}

fn instance() -> ComputeResource {
    serde_json::from_value(json!({"properties": {"computeType": "ComputeInstance", "properties": {"vmSize": "Standard_DS11_v2"}}})).unwrap()
}

/// The same instance asked for in `location`.
fn instance_in(location: &str) -> ComputeResource {
    ComputeResource {
        location: Some(location.into()),
        ..instance()
    }
}

/// The seed installation plus a workspace `name` in `location`, created by Ada.
fn with_second(name: &str, location: &str) -> (Tenant, String, String) {
    let mut t = Tenant::seed(T0, EXAMPLE_TENANT, Some("http://127.0.0.1:8080"));
    t.directory.pace = Pace::Instant;
    assert!(t
        .put_workspace(
            ADA,
            LAB_GROUP,
            name,
            request(location),
            Some("http://127.0.0.1:8080"),
            T0
        )
        .unwrap());
    let lab = t.workspaces[0].id().to_owned();
    let second = t.workspaces[1].id().to_owned();
    (t, lab, second)
}

#[test]
fn a_new_workspace_gets_what_azure_fills_in_and_its_creator_owns_it() {
    let mut t = Tenant::seed(T0, EXAMPLE_TENANT, Some("http://127.0.0.1:8080"));
    t.put_resource_group(ADA, "rg-class", "westeurope", Default::default())
        .unwrap();
    t.assign_role(
        ADA,
        &t.directory.group_scope("rg-class"),
        GRACE,
        Role::Contributor,
        T0,
    )
    .unwrap();
    assert!(t
        .put_workspace(
            GRACE,
            "RG-CLASS",
            "mlw-grace",
            request("westeurope"),
            Some("http://127.0.0.1:8080"),
            T0
        )
        .unwrap());
    let ws = t.workspaces.last().unwrap();
    let p = &ws.resource.properties;
    assert_eq!(
        p.provisioning_state, "Creating",
        "created at the installation's pace (fast)"
    );
    let storage = p.storage_account.rsplit('/').next().unwrap();
    assert_eq!(storage.len(), 24);
    assert_eq!(
        &storage[..15],
        &associated_name("mlw-grace", "storage", "any")[..15]
    );
    assert!(p.storage_account.contains(
        "/resourceGroups/rg-class/providers/Microsoft.Storage/storageAccounts/mlwgracestorage"
    ));
    assert!(p
        .key_vault
        .contains("/Microsoft.KeyVault/vaults/mlwgracekeyvault"));
    assert!(p
        .application_insights
        .contains("/microsoft.insights/components/mlwgraceinsights"));
    assert_eq!(p.container_registry, None, "a registry only when asked");
    assert_eq!(
        p.ml_flow_tracking_uri,
        format!("http://127.0.0.1:8080/mlflow/v1.0{}", ws.id())
    );
    assert_eq!(p.tenant_id, EXAMPLE_TENANT);
    assert_eq!(
        ws.member(GRACE).unwrap().role,
        Role::Owner,
        "the creator becomes its Owner"
    );
    assert_eq!(
        ws.member(ADA).unwrap().role,
        Role::Owner,
        "the subscription's Owner sees it"
    );
    assert!(ws.member(ALAN).is_none(), "Alan holds no role there");
    let ws_id = ws.id().to_owned();
    let err = t
        .create_compute(&ws_id, GRACE, "ci-early", instance(), T0 + 1)
        .unwrap_err();
    assert!(err.message().contains("still being created"), "{err}");
    assert_eq!(t.settle(T0 + 5_000), std::slice::from_ref(&ws_id));
    assert_eq!(
        t.workspace(&ws_id)
            .unwrap()
            .resource
            .properties
            .provisioning_state,
        "Succeeded"
    );
    t.create_compute(&ws_id, GRACE, "ci-grace", instance(), T0 + 5_000)
        .unwrap();
    // A PUT with an existing storage account keeps it.
    let mut own = request("westeurope");
    own.properties.storage_account =
        "/subscriptions/s/resourceGroups/rg-class/providers/Microsoft.Storage/storageAccounts/mine"
            .into();
    own.properties.container_registry = Some("/subscriptions/s/resourceGroups/rg-class/providers/Microsoft.ContainerRegistry/registries/acr1".into());
    t.put_workspace(ADA, "rg-class", "mlw-own", own, None, T0)
        .unwrap();
    let p = &t.workspaces.last().unwrap().resource.properties;
    assert!(
        p.storage_account.ends_with("/mine")
            && p.container_registry.as_deref().unwrap().ends_with("/acr1")
    );
    assert!(p
        .ml_flow_tracking_uri
        .starts_with("azureml://westeurope.api.azureml.ms/mlflow/v1.0/subscriptions/"));
}

#[test]
fn who_may_create_workspaces_and_resource_groups() {
    let mut t = Tenant::seed(T0, EXAMPLE_TENANT, None);
    let e = t
        .put_workspace(ALAN, LAB_GROUP, "mlw-alan", request("eastus"), None, T0)
        .unwrap_err();
    assert_eq!(e.code(), "AuthorizationFailed");
    assert!(
        e.message()
            .contains("Microsoft.MachineLearningServices/workspaces/write"),
        "{e}"
    );
    let e = t
        .put_resource_group(GRACE, "rg-grace", "eastus", Default::default())
        .unwrap_err();
    assert_eq!(e.code(), "AuthorizationFailed");
    let e = t
        .put_workspace(ADA, "rg-missing", "mlw-x", request("eastus"), None, T0)
        .unwrap_err();
    assert_eq!(e.code(), "ResourceGroupNotFound");
    let e = t
        .put_workspace(ADA, LAB_GROUP, "mlw-x", request("mars"), None, T0)
        .unwrap_err();
    assert_eq!(e.target(), Some("location"));
    for (name, fragment) in [
        ("ab", "between 3 and 33"),
        ("-abc", "start with a letter or a digit"),
        ("my ws", "a space"),
        ("ws.1", "'.'"),
    ] {
        assert!(
            workspace_name_error(name).unwrap().contains(fragment),
            "{name}"
        );
        let e = t
            .put_workspace(ADA, LAB_GROUP, name, request("eastus"), None, T0)
            .unwrap_err();
        assert!(e.message().contains(fragment), "{name}: {e}");
    }
    assert_eq!(workspace_name_error("mlw_Lab-2"), None);
    assert_eq!(
        t.put_resource_group(ADA, "rg-x.", "eastus", Default::default())
            .unwrap_err()
            .target(),
        Some("name")
    );
    assert!(t
        .put_resource_group(ADA, "rg-x", "eastus", Default::default())
        .unwrap());
    assert!(
        !t.put_resource_group(ADA, "RG-X", "eastus", Default::default())
            .unwrap(),
        "a second PUT updates"
    );
    let e = t
        .put_resource_group(ADA, "rg-x", "westus2", Default::default())
        .unwrap_err();
    assert_eq!(e.code(), "InvalidResourceGroupLocation");
    let e = t.delete_resource_group(ADA, LAB_GROUP).unwrap_err();
    assert!(e.message().contains("mlw-azimuth-lab"), "{e}");
    t.delete_resource_group(ADA, "rg-x").unwrap();
    assert!(t.directory.resource_group("rg-x").is_none());
}

#[test]
fn two_workspaces_never_mix_and_compute_names_are_unique_in_a_region() {
    let (mut t, lab, second) = with_second("mlw-second", "eastus");
    t.create_compute(&lab, ADA, "ci-shared", instance(), T0)
        .unwrap();
    assert!(
        t.workspace(&second).unwrap().computes.is_empty(),
        "the lab's compute is not in the other"
    );
    let e = t
        .create_compute(&second, ADA, "CI-SHARED", instance(), T0)
        .unwrap_err();
    assert_eq!(e.code(), "Conflict");
    assert!(e.message().contains("another workspace in East US"), "{e}");
    assert!(t
        .check_compute_name(&second, "ci-shared")
        .unwrap_err()
        .to_string()
        .contains("across workspaces"));
    // Another region: allowed.
    t.put_workspace(
        ADA,
        LAB_GROUP,
        "mlw-europe",
        request("westeurope"),
        None,
        T0,
    )
    .unwrap();
    let europe = t.workspaces[2].id().to_owned();
    t.create_compute(&europe, ADA, "ci-shared", instance_in("westeurope"), T0)
        .unwrap();
    assert_eq!(t.workspace(&lab).unwrap().computes.len(), 1);
    assert_eq!(t.workspace(&europe).unwrap().computes.len(), 1);
}

#[test]
fn a_reader_of_one_workspace_owns_another_and_sees_only_those() {
    let (mut t, lab, second) = with_second("mlw-alan", "eastus");
    t.assign_role(ADA, &second, ALAN, Role::Owner, T0).unwrap();
    let names = |t: &Tenant, who: &str| {
        t.visible_workspaces(who)
            .iter()
            .map(|w| w.resource.name.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&t, ALAN), ["mlw-azimuth-lab", "mlw-alan"]);
    assert_eq!(names(&t, GRACE), ["mlw-azimuth-lab"]);
    let e = t
        .create_compute(&lab, ALAN, "ci-alan", instance(), T0)
        .unwrap_err();
    assert_eq!(e.code(), "AuthorizationFailed");
    t.create_compute(&second, ALAN, "ci-alan", instance(), T0)
        .unwrap();
    // Alan, Owner of his workspace, gives Grace a role there but not in the lab.
    t.assign_role(ALAN, &second, GRACE, Role::Reader, T0)
        .unwrap();
    assert_eq!(
        t.assign_role(ALAN, &lab, GRACE, Role::Owner, T0)
            .unwrap_err()
            .code(),
        "AuthorizationFailed"
    );
    assert_eq!(
        t.assign_role(ALAN, &second, GRACE, Role::Reader, T0)
            .unwrap_err()
            .code(),
        "RoleAssignmentExists"
    );
    assert_eq!(names(&t, GRACE), ["mlw-azimuth-lab", "mlw-alan"]);
    let e = t.workspace_for(GRACE, &second).map(drop);
    assert!(e.is_ok());
    let e = t.workspace_for("Katherine Johnson", &second).unwrap_err();
    assert_eq!(e.code(), "AuthorizationFailed");
    assert!(e.message().contains("Owners to give you a role"), "{e}");
    // Roles add up: Reader on the lab plus Compute Operator on the resource group.
    t.assign_role(
        ADA,
        &t.directory.group_scope(LAB_GROUP),
        ALAN,
        Role::ComputeOperator,
        T0,
    )
    .unwrap();
    let alan = t.workspace(&lab).unwrap().member(ALAN).unwrap().clone();
    assert_eq!(
        (alan.role, alan.more_roles.clone()),
        (Role::ComputeOperator, vec![Role::Reader])
    );
    t.create_compute(&lab, ALAN, "ci-alan2", instance(), T0)
        .unwrap();
    let inherited = t
        .assignments_for(&second)
        .iter()
        .filter(|(_, inherited)| *inherited)
        .count();
    assert_eq!(
        inherited, 2,
        "Ada's subscription Owner and Alan's group role"
    );
}

#[test]
fn soft_delete_keeps_the_name_until_recovered_or_purged() {
    let (mut t, _lab, second) = with_second("mlw-temp", "eastus");
    t.create_compute(&second, ADA, "ci-temp", instance(), T0)
        .unwrap();
    assert_eq!(
        t.delete_workspace(GRACE, &second, false, T0)
            .unwrap_err()
            .code(),
        "AuthorizationFailed"
    );
    t.delete_workspace(ADA, &second, false, T0).unwrap();
    assert!(t.workspace(&second).is_none());
    assert_eq!(t.visible_workspaces(ADA).len(), 1);
    assert_eq!(t.deleted_workspaces(ADA).len(), 1);
    assert!(t.deleted_workspaces(GRACE).is_empty());
    let e = t
        .put_workspace(ADA, LAB_GROUP, "MLW-TEMP", request("eastus"), None, T0)
        .unwrap_err();
    assert!(
        e.message()
            .contains("Soft-deleted workspace exists. Please purge or recover it."),
        "{e}"
    );
    assert_eq!(
        t.create_compute(&second, ADA, "ci-x", instance(), T0)
            .unwrap_err()
            .code(),
        "ResourceNotFound"
    );
    t.recover_workspace(ADA, &second, T0 + 1).unwrap();
    assert_eq!(
        t.workspace(&second).unwrap().computes.len(),
        1,
        "recovered as it was"
    );
    assert_eq!(
        t.recover_workspace(ADA, &second, T0).unwrap_err().code(),
        "BadRequest"
    );
    // Purge: gone with its role assignments; the name is free again.
    t.assign_role(ADA, &second, GRACE, Role::Reader, T0)
        .unwrap();
    t.delete_workspace(ADA, &second, false, T0).unwrap();
    t.delete_workspace(ADA, &second, true, T0).unwrap();
    assert!(t.workspaces.iter().all(|w| w.id() != second));
    assert!(t
        .directory
        .role_assignments
        .iter()
        .all(|a| !a.scope.eq_ignore_ascii_case(&second)));
    assert!(t
        .put_workspace(ADA, LAB_GROUP, "mlw-temp", request("eastus"), None, T0)
        .unwrap());
    // Retention: 14 days after a soft delete it is purged by itself.
    t.delete_workspace(ADA, &second, false, T0).unwrap();
    assert_eq!(t.next_event_at(), Some(T0 + RETENTION_MS));
    t.settle(T0 + RETENTION_MS - 1);
    assert_eq!(t.deleted_workspaces(ADA).len(), 1);
    t.settle(T0 + RETENTION_MS);
    assert!(t.deleted_workspaces(ADA).is_empty());
}

#[test]
fn people_are_managed_by_the_installations_owners() {
    let mut t = Tenant::seed(T0, EXAMPLE_TENANT, None);
    assert_eq!(
        t.add_person(GRACE, "Student One", None).unwrap_err().code(),
        "AuthorizationFailed"
    );
    let p = t.add_person(ADA, " Student One ", None).unwrap();
    assert_eq!(
        (p.name.as_str(), p.user_name.as_str()),
        ("Student One", "student.one@azimuth.local")
    );
    assert_eq!(
        t.add_person(ADA, "student one", None).unwrap_err().target(),
        Some("name")
    );
    assert_eq!(
        t.add_person(ADA, "Other", Some("student.one@azimuth.local"))
            .unwrap_err()
            .target(),
        Some("userName")
    );
    assert_eq!(
        t.add_person(ADA, "Other", Some("not a mail"))
            .unwrap_err()
            .target(),
        Some("userName")
    );
    assert_eq!(
        t.add_person(ADA, "  ", None).unwrap_err().target(),
        Some("name")
    );
    let lab = t.workspaces[0].id().to_owned();
    t.assign_role(ADA, &lab, "Student One", Role::DataScientist, T0)
        .unwrap();
    assert_eq!(
        t.workspaces[0].member("Student One").unwrap().role,
        Role::DataScientist
    );
    t.remove_person(ADA, "Student One").unwrap();
    assert!(t.workspaces[0].member("Student One").is_none());
    assert_eq!(t.remove_person(ADA, ADA).unwrap_err().code(), "BadRequest");
    // The last Owner of the subscription stays.
    let owner = t.directory.role_assignments[0].id.clone();
    let e = t.remove_role_assignment(ADA, &owner).unwrap_err();
    assert!(e.message().contains("last Owner"), "{e}");
    let sub = t.directory.subscription_scope();
    t.assign_role(ADA, &sub, GRACE, Role::Owner, T0).unwrap();
    t.remove_role_assignment(GRACE, &owner).unwrap();
    assert!(
        t.visible_workspaces(ADA).is_empty(),
        "Ada held the lab only through the subscription"
    );
}

#[test]
fn a_studio_opens_the_asked_workspace_else_the_last_else_the_first() {
    use azimuth_core::workspace::overview::{wsid, Opening};
    let (t, lab, second) = with_second("mlw-second", "eastus");
    let ada = t.overview(ADA);
    assert_eq!(ada.opening(None, None), Opening::Open(lab.clone()));
    assert_eq!(
        ada.opening(None, Some(&second.to_uppercase())),
        Opening::Open(second.clone())
    );
    assert_eq!(
        ada.opening(Some(&wsid(&second)), Some(&lab)),
        Opening::Open(second.clone())
    );
    assert_eq!(ada.opening(None, Some("/gone")), Opening::Open(lab.clone()));
    // Alan holds no role in the second workspace: asked for, it is refused; never the default.
    let alan = t.overview(ALAN);
    assert_eq!(
        alan.opening(Some(&wsid(&second)), None),
        Opening::Refused(wsid(&second))
    );
    assert_eq!(alan.opening(None, Some(&second)), Opening::Open(lab));
    assert_eq!(
        alan.opening(Some("not a wsid"), None),
        Opening::Refused("not a wsid".into())
    );
    let nobody = Tenant::seed(T0, EXAMPLE_TENANT, None).overview("Nobody");
    assert_eq!(nobody.opening(None, None), Opening::List);
}

#[test]
fn quota_is_the_subscriptions_per_region_across_workspaces() {
    let (mut t, lab, second) = with_second("mlw-second", "eastus");
    let family = "standardDSv2Family";
    for ws in &mut t.workspaces {
        ws.quota_limits.insert(family.into(), 4);
    }
    // Two DS11_v2 instances (2 vCPUs each) in the lab use the region's 4 vCPUs.
    t.create_compute(&lab, ADA, "ci-one", instance(), T0)
        .unwrap();
    t.create_compute(&lab, ADA, "ci-two", instance(), T0)
        .unwrap();
    t.settle(T0);
    let used = |t: &Tenant, id: &str| {
        t.workspace(id)
            .unwrap()
            .quota_usage()
            .into_iter()
            .find(|u| u.family == family)
            .unwrap()
            .used
    };
    assert_eq!(
        used(&t, &second),
        4,
        "the second workspace sees the region's usage"
    );
    let e = t
        .create_compute(&second, ADA, "ci-three", instance(), T0)
        .unwrap_err();
    assert_eq!(e.code(), "QuotaExceeded", "{e}");
    assert!(e.message().contains("Current Usage: 4"), "{e}");
    // Another region has its own quota.
    t.put_workspace(
        ADA,
        LAB_GROUP,
        "mlw-europe",
        request("westeurope"),
        None,
        T0,
    )
    .unwrap();
    let europe = t.workspaces[2].id().to_owned();
    t.create_compute(&europe, ADA, "ci-europe", instance_in("westeurope"), T0)
        .unwrap();
    // Deleting one in the lab frees quota for the second workspace.
    t.settle(T0 + 600_000);
    t.workspace_mut(&lab)
        .unwrap()
        .delete(ADA, "ci-two", T0 + 600_000)
        .unwrap();
    t.settle(T0 + 1_200_000);
    t.create_compute(&second, ADA, "ci-three", instance(), T0 + 1_200_000)
        .unwrap();
    // Every store settles after a change, which counts again for each workspace.
    t.settle(T0 + 1_200_000);
    assert_eq!(
        used(&t, &lab),
        4,
        "one in the lab, one in the second workspace"
    );
}
