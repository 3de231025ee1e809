//! Creating, changing and deleting workspaces and resource groups, as ARM does: a workspace is
//! created with its storage account, Key Vault and Application Insights (a container registry
//! only when asked), provisioned at the installation's pace, soft-deleted (its name stays taken
//! for 14 days, it can be recovered) or purged.

use super::groups::group_not_found;
use super::resource::{WorkspaceIdentity, WorkspaceResource, WorkspaceSku};
use super::roles::{Action, Role};
use super::tenant::{workspace_not_found, Tenant};
use super::{Settings, Workspace};
use crate::arm::ids::guid_for;
use crate::arm::{ArmError, SystemData, WORKSPACE_TYPE};
use crate::compute::catalogue::{find_region, REGIONS};
use crate::compute::lifecycle::Pace;
use crate::time::{format_iso, Millis};
use std::collections::BTreeMap;

/// How long a soft-deleted workspace can be recovered: 14 days, as in Azure.
pub const RETENTION_MS: Millis = 14 * 24 * 3_600_000;

/// Why a workspace name is refused, or `None`; Azure's rule `^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$`.
pub fn workspace_name_error(name: &str) -> Option<String> {
    let count = name.chars().count();
    if name.is_empty() {
        return Some("Workspace name is required.".into());
    }
    if !(3..=33).contains(&count) {
        return Some(format!(
            "Workspace name must be between 3 and 33 characters long (it has {count})."
        ));
    }
    if !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Some("Workspace name must start with a letter or a digit.".into());
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        let shown = if c == ' ' {
            "a space".to_owned()
        } else {
            format!("'{c}'")
        };
        return Some(format!(
            "Workspace name cannot contain {shown}: use letters (a-z, A-Z), digits, '-' and '_'."
        ));
    }
    None
}

/// How long creating a workspace takes at a pace.
fn provisioning_ms(pace: Pace) -> Millis {
    match pace {
        Pace::Instant => 0,
        Pace::Fast => 5_000,
        Pace::Realistic => 90_000,
    }
}

/// The name Azure's clients give an associated resource: the workspace name's first 8 letters
/// and digits (lowercase), the first 8 letters of the kind, and hex, cut to 24 characters.
pub fn associated_name(workspace: &str, kind: &str, seed: &str) -> String {
    let head: String = workspace
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(8)
        .collect::<String>()
        .to_ascii_lowercase();
    let hex = guid_for(seed).replace('-', "");
    let mut name = format!("{head}{}{hex}", &kind[..kind.len().min(8)]);
    name.truncate(24);
    name
}

/// A problem with a region, for a workspace or a resource group.
pub(crate) fn check_location(location: &str, what: &str) -> Result<&'static str, ArmError> {
    find_region(location).map(|r| r.name).ok_or_else(|| {
        let known: Vec<&str> = REGIONS.iter().map(|r| r.name).collect();
        ArmError::new(
            "LocationNotAvailableForResourceType",
            format!(
                "The location '{location}' is not available for {what}. Pick one of: {}.",
                known.join(", ")
            ),
        )
        .at("location")
    })
}

/// Where the workspace's MLflow clients log: this server's tracking API when there is one,
/// otherwise Azure's `azureml://` form.
fn tracking_uri(base: Option<&str>, region: &str, id: &str) -> (String, String) {
    match base {
        Some(base) => (
            format!("{}/mlflow/v1.0{id}", base.trim_end_matches('/')),
            format!("{}/discovery", base.trim_end_matches('/')),
        ),
        None => (
            format!("azureml://{region}.api.azureml.ms/mlflow/v1.0{id}"),
            format!("https://{region}.api.azureml.ms/discovery"),
        ),
    }
}

impl Tenant {
    /// ARM's PUT of a workspace: creates it in an existing resource group (answers `true`; it is
    /// Creating until the installation's pace has passed, and its creator becomes its Owner) or
    /// changes what may change (tags, friendly name, description). `tracking_base` is this
    /// server's address, for `mlFlowTrackingUri`.
    pub fn put_workspace(
        &mut self,
        actor: &str,
        group: &str,
        name: &str,
        request: WorkspaceResource,
        tracking_base: Option<&str>,
        now: Millis,
    ) -> Result<bool, ArmError> {
        let group = self
            .directory
            .resource_group(group)
            .cloned()
            .ok_or_else(|| group_not_found(group))?;
        let id = format!(
            "{}/providers/Microsoft.MachineLearningServices/workspaces/{name}",
            self.directory.group_scope(&group.name)
        );
        if let Some(index) = self.index_of(&id) {
            return self
                .update_workspace(actor, index, request, now)
                .map(|()| false);
        }
        if let Some(e) = workspace_name_error(name) {
            return Err(ArmError::new("ValidationError", e).at("name"));
        }
        let person = self
            .directory
            .authorize_at(actor, &id, Action::CreateWorkspace)?
            .clone();
        let location = check_location(&request.location, "Azure Machine Learning workspaces")?;
        let ws = self.new_workspace(
            &person.user_name,
            &id,
            name,
            location,
            request,
            tracking_base,
            now,
        )?;
        self.workspaces.push(ws);
        let scope = id.clone();
        self.add_assignment(&scope, &person.object_id, Role::Owner, now);
        self.sync_members();
        let ws = self.workspace_mut(&id)?;
        ws.record(now, actor, format!("created workspace {name}"), "");
        Ok(true)
    }

    /// A new workspace's resource, with what Azure fills in.
    #[allow(clippy::too_many_arguments)]
    fn new_workspace(
        &mut self,
        created_by: &str,
        id: &str,
        name: &str,
        location: &str,
        request: WorkspaceResource,
        tracking_base: Option<&str>,
        now: Millis,
    ) -> Result<Workspace, ArmError> {
        let serial = self.directory.next_serial();
        let seed = format!("{}#{id}#{serial}", self.directory.tenant_id);
        let group_id = id
            .split("/providers/")
            .next()
            .unwrap_or_default()
            .to_owned();
        let props = request.properties;
        let associated = |given: String, provider: &str, kind: &str| -> String {
            if given.is_empty() {
                let n = associated_name(name, kind, &format!("{seed}#{kind}"));
                format!("{group_id}/providers/{provider}/{n}")
            } else {
                given
            }
        };
        let registry = props.container_registry.filter(|r| !r.is_empty());
        let (tracking, discovery) = tracking_uri(tracking_base, location, id);
        let at = format_iso(now);
        let pace = self.directory.pace;
        let friendly = if props.friendly_name.is_empty() {
            name.to_owned()
        } else {
            props.friendly_name
        };
        let resource = WorkspaceResource {
            id: id.to_owned(),
            name: name.to_owned(),
            resource_type: WORKSPACE_TYPE.into(),
            location: location.to_owned(),
            tags: request.tags,
            kind: Some("Default".into()),
            sku: Some(WorkspaceSku {
                name: "Basic".into(),
                tier: Some("Basic".into()),
            }),
            identity: Some(WorkspaceIdentity {
                identity_type: "SystemAssigned".into(),
                principal_id: Some(guid_for(&format!("{seed}#identity"))),
                tenant_id: Some(self.directory.tenant_id.clone()),
            }),
            system_data: Some(SystemData::created(created_by, &at)),
            properties: super::WorkspaceProperties {
                friendly_name: friendly,
                description: props.description,
                provisioning_state: if provisioning_ms(pace) == 0 {
                    "Succeeded"
                } else {
                    "Creating"
                }
                .into(),
                workspace_id: guid_for(&seed),
                storage_account: associated(
                    props.storage_account,
                    "Microsoft.Storage/storageAccounts",
                    "storage",
                ),
                key_vault: associated(props.key_vault, "Microsoft.KeyVault/vaults", "keyvault"),
                application_insights: associated(
                    props.application_insights,
                    "microsoft.insights/components",
                    "insights",
                ),
                container_registry: registry,
                ml_flow_tracking_uri: tracking,
                discovery_url: discovery,
                tenant_id: self.directory.tenant_id.clone(),
                public_network_access: Some(
                    props
                        .public_network_access
                        .unwrap_or_else(|| "Enabled".into()),
                ),
                hbi_workspace: Some(props.hbi_workspace.unwrap_or(false)),
            },
        };
        let mut ws = Workspace {
            resource,
            subscription_id: self.directory.subscription_id.clone(),
            resource_group: group_id.rsplit('/').next().unwrap_or_default().to_owned(),
            tenant_id: self.directory.tenant_id.clone(),
            members: Vec::new(),
            computes: Vec::new(),
            datastores: Vec::new(),
            data: Vec::new(),
            data_versions: Vec::new(),
            models: Vec::new(),
            model_versions: Vec::new(),
            endpoints: Vec::new(),
            deployments: Vec::new(),
            batch_endpoints: Vec::new(),
            batch_deployments: Vec::new(),
            quota_limits: BTreeMap::new(),
            held_elsewhere: Default::default(),
            settings: Settings { pace },
            activity: Vec::new(),
            settled_at: now,
            serial: 0,
            deleted_at: None,
            ready_at: now + provisioning_ms(pace),
        };
        ws.ensure_default_datastores();
        Ok(ws)
    }

    /// PUT or PATCH on an existing workspace: tags, friendly name and description may change.
    fn update_workspace(
        &mut self,
        actor: &str,
        index: usize,
        request: WorkspaceResource,
        now: Millis,
    ) -> Result<(), ArmError> {
        let ws = &self.workspaces[index];
        if ws.deleted_at.is_some() {
            return Err(ArmError::new(
                "Conflict",
                format!("Soft-deleted workspace exists. Please purge or recover it. The workspace '{}' was deleted; recover or purge it from the list of workspaces (Recently deleted).", ws.resource.name),
            ));
        }
        let member = ws.authorize(actor, Action::WriteWorkspace)?.clone();
        if !request.location.is_empty()
            && !request.location.eq_ignore_ascii_case(&ws.resource.location)
        {
            return Err(ArmError::new(
                "InvalidResourceLocation",
                format!("The workspace '{}' already exists in location '{}'; a workspace cannot move to '{}'.", ws.resource.name, ws.resource.location, request.location),
            ));
        }
        let ws = &mut self.workspaces[index];
        let props = &mut ws.resource.properties;
        if !request.properties.friendly_name.is_empty() {
            props.friendly_name = request.properties.friendly_name;
        }
        props.description = request.properties.description;
        ws.resource.tags = request.tags;
        if let Some(data) = &mut ws.resource.system_data {
            data.last_modified_at = format_iso(now);
            data.last_modified_by = member.user_name;
        }
        Ok(())
    }

    /// ARM's DELETE of a workspace: a soft delete (recoverable for 14 days, the name stays
    /// taken), or with `purge` (`forceToPurge=true`) gone at once with its computes and roles.
    /// Purging a soft-deleted workspace works too.
    pub fn delete_workspace(
        &mut self,
        actor: &str,
        id: &str,
        purge: bool,
        now: Millis,
    ) -> Result<(), ArmError> {
        let index = self.index_of(id).ok_or_else(|| workspace_not_found(id))?;
        let canonical = self.workspaces[index].id().to_owned();
        self.directory
            .authorize_at(actor, &canonical, Action::DeleteWorkspace)?;
        if purge {
            self.workspaces.remove(index);
            self.directory
                .role_assignments
                .retain(|a| !super::tenant::covers(&canonical, &a.scope));
            return Ok(());
        }
        let ws = &mut self.workspaces[index];
        if ws.deleted_at.is_some() {
            return Err(workspace_not_found(id));
        }
        ws.deleted_at = Some(now);
        Ok(())
    }

    /// Recovers a soft-deleted workspace, as it was.
    pub fn recover_workspace(
        &mut self,
        actor: &str,
        id: &str,
        now: Millis,
    ) -> Result<(), ArmError> {
        let index = self.index_of(id).ok_or_else(|| workspace_not_found(id))?;
        let canonical = self.workspaces[index].id().to_owned();
        self.directory
            .authorize_at(actor, &canonical, Action::DeleteWorkspace)?;
        let ws = &mut self.workspaces[index];
        if ws.deleted_at.is_none() {
            return Err(ArmError::new(
                "BadRequest",
                format!(
                    "The workspace '{}' is not deleted: there is nothing to recover.",
                    ws.resource.name
                ),
            ));
        }
        ws.deleted_at = None;
        let name = ws.resource.name.clone();
        ws.record(now, actor, format!("recovered workspace {name}"), "");
        Ok(())
    }

    /// Purges soft-deleted workspaces whose retention has passed.
    pub(crate) fn purge_expired(&mut self, now: Millis) {
        let expired: Vec<String> = self
            .workspaces
            .iter()
            .filter(|w| w.deleted_at.is_some_and(|at| at + RETENTION_MS <= now))
            .map(|w| w.id().to_owned())
            .collect();
        for id in expired {
            self.workspaces.retain(|w| w.id() != id);
            self.directory
                .role_assignments
                .retain(|a| !super::tenant::covers(&id, &a.scope));
        }
    }
}

impl Workspace {
    /// ARM's refusal while the workspace is still being created.
    pub fn check_ready(&self) -> Result<(), ArmError> {
        if self.resource.properties.provisioning_state == "Creating" {
            return Err(ArmError::new(
                "Conflict",
                format!(
                    "The workspace '{}' is still being created; try again when it shows Succeeded.",
                    self.resource.name
                ),
            ));
        }
        Ok(())
    }

    /// Finishes the workspace's creation once its time has come; returns whether it did.
    pub(crate) fn settle_provisioning(&mut self, now: Millis) -> bool {
        let props = &mut self.resource.properties;
        if props.provisioning_state == "Creating" && now >= self.ready_at {
            props.provisioning_state = "Succeeded".into();
            return true;
        }
        false
    }
}

impl Tenant {
    /// Points every workspace's `mlFlowTrackingUri` and `discoveryUrl` at `base` (this server's
    /// address, which may change between runs), or at Azure's form without a server.
    pub fn set_tracking_base(&mut self, base: Option<&str>) {
        for ws in &mut self.workspaces {
            let (tracking, discovery) = tracking_uri(base, &ws.resource.location, &ws.resource.id);
            ws.resource.properties.ml_flow_tracking_uri = tracking;
            ws.resource.properties.discovery_url = discovery;
        }
    }
}
