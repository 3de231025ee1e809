//! The Session's workspace operations, for the start page: create a workspace (in an existing
//! resource group or a new one), delete it (soft, or purged), recover it, and read again what
//! the person sees; each through the engine (browser) or ARM (server).

use super::{now_ms, remote, Backend, Session};
use azimuth_core::workspace::manage::associated_name;
use azimuth_core::workspace::{WorkspaceProperties, WorkspaceResource};
use azimuth_core::ArmError;
use leptos::prelude::*;
use std::collections::BTreeMap;

/// What the "Create workspace" form asks for.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NewWorkspace {
    /// The resource group.
    pub group: String,
    /// Whether the group is to be created (in the workspace's region).
    pub new_group: bool,
    /// The workspace's name.
    pub name: String,
    /// Its region (ARM name).
    pub location: String,
    /// Its friendly name.
    pub friendly_name: String,
    /// Its description.
    pub description: String,
    /// Whether a new container registry comes with it.
    pub container_registry: bool,
    /// Makes the associated resources' names (the form shows them before Create).
    pub seed: String,
}

impl NewWorkspace {
    /// The ARM id of the workspace in `subscription`.
    pub fn id(&self, subscription: &str) -> String {
        format!(
            "{}/providers/Microsoft.MachineLearningServices/workspaces/{}",
            self.group_id(subscription),
            self.name
        )
    }

    fn group_id(&self, subscription: &str) -> String {
        format!(
            "/subscriptions/{subscription}/resourceGroups/{}",
            self.group
        )
    }

    /// The names of the new storage account, Key Vault, Application Insights and container
    /// registry (none when not asked), as Azure's clients make them up.
    pub fn associated_names(&self) -> [Option<String>; 4] {
        let name = |kind: &str| associated_name(&self.name, kind, &format!("{}#{kind}", self.seed));
        [
            Some(name("storage")),
            Some(name("keyvault")),
            Some(name("insights")),
            self.container_registry.then(|| name("containe")),
        ]
    }

    /// The ARM PUT body, naming its new associated resources.
    pub fn request(&self, subscription: &str) -> WorkspaceResource {
        let group = self.group_id(subscription);
        let [storage, vault, insights, registry] = self.associated_names();
        let id = |provider: &str, name: Option<String>| {
            name.map(|n| format!("{group}/providers/{provider}/{n}"))
        };
        WorkspaceResource {
            location: self.location.clone(),
            properties: WorkspaceProperties {
                friendly_name: self.friendly_name.trim().to_owned(),
                description: self.description.trim().to_owned(),
                storage_account: id("Microsoft.Storage/storageAccounts", storage)
                    .unwrap_or_default(),
                key_vault: id("Microsoft.KeyVault/vaults", vault).unwrap_or_default(),
                application_insights: id("microsoft.insights/components", insights)
                    .unwrap_or_default(),
                container_registry: id("Microsoft.ContainerRegistry/registries", registry),
                ..Default::default()
            },
            ..Default::default()
        }
    }
}

impl Session {
    /// Creates a workspace (and its resource group when it is new); answers its ARM id.
    pub async fn create_workspace(&self, form: &NewWorkspace) -> Result<String, ArmError> {
        let subscription = self
            .installation
            .with_untracked(|i| i.subscription_id.clone());
        let id = form.id(&subscription);
        let request = form.request(&subscription);
        let result = match self.backend {
            Backend::Browser(local) => self
                .change_tenant(local, |t, me, now| {
                    if form.new_group {
                        t.put_resource_group(me, &form.group, &form.location, BTreeMap::new())?;
                    }
                    t.put_workspace(me, &form.group, &form.name, request, None, now)
                })
                .await
                .map(drop),
            Backend::Server(token) => {
                let token = token.get_value();
                let group = if form.new_group {
                    remote::put_resource_group(&token, &subscription, &form.group, &form.location)
                        .await
                } else {
                    Ok(())
                };
                let created = match group {
                    Ok(()) => remote::put_workspace(&token, &id, &request).await,
                    Err(e) => Err(e),
                };
                self.refresh().await;
                created
            }
        };
        if result.is_ok() {
            self.notify(
                false,
                format!("Creating {}", form.name),
                "The workspace shows Succeeded when it is ready.",
            );
        }
        self.report("Could not create the workspace", result)
            .map(|()| id)
    }

    /// Deletes a workspace: a soft delete (it can be recovered for 14 days), or a purge.
    pub async fn delete_workspace(
        &self,
        id: &str,
        name: &str,
        purge: bool,
    ) -> Result<(), ArmError> {
        let result = match self.backend {
            Backend::Browser(local) => {
                // Soft-deleted ones included: a purge from "Recently deleted" is of one.
                let tenant = local.tenant();
                let guid = tenant.index_of(id).map(|i| {
                    tenant.workspaces[i]
                        .resource
                        .properties
                        .workspace_id
                        .clone()
                });
                let deleted = self
                    .change_tenant(local, |t, me, now| t.delete_workspace(me, id, purge, now))
                    .await
                    .map(drop);
                if let (Ok(()), true, Some(guid)) = (&deleted, purge, guid) {
                    // Its runs are keyed by its GUID, so none would show again; this frees the
                    // space (what a failure leaves, the next start sweeps).
                    let _ = super::local::runs::purge(&guid).await;
                }
                deleted
            }
            Backend::Server(token) => {
                let deleted = remote::delete_workspace(&token.get_value(), id, purge).await;
                self.refresh().await;
                deleted
            }
        };
        if result.is_ok() {
            let (title, body) = if purge {
                (
                    format!("{name} purged"),
                    "The workspace and everything in it are gone; its name is free again.",
                )
            } else {
                (
                    format!("{name} deleted"),
                    "It can be recovered for 14 days from Recently deleted.",
                )
            };
            self.notify(false, title, body);
        }
        self.report(&format!("Could not delete {name}"), result)
    }

    /// Recovers a soft-deleted workspace.
    pub async fn recover_workspace(&self, id: &str, name: &str) -> Result<(), ArmError> {
        let result = match self.backend {
            Backend::Browser(local) => self
                .change_tenant(local, |t, me, now| t.recover_workspace(me, id, now))
                .await
                .map(drop),
            Backend::Server(token) => {
                let recovered = remote::recover_workspace(&token.get_value(), id).await;
                self.refresh().await;
                recovered
            }
        };
        if result.is_ok() {
            self.notify(false, format!("{name} recovered"), "It is back as it was.");
        }
        self.report(&format!("Could not recover {name}"), result)
    }

    /// Reads what the person sees again: from the server, or from this browser's storage
    /// (settled now, so a workspace being created shows Succeeded once it is ready).
    pub async fn refresh(&self) {
        match self.backend {
            Backend::Browser(local) => {
                if let Ok(mut tenant) = local.reload().await {
                    tenant.settle(now_ms());
                    let me = self.member_name.get_untracked();
                    self.installation.set(tenant.overview(&me));
                }
            }
            Backend::Server(token) => {
                if let Ok(installation) = remote::installation(&token.get_value()).await {
                    self.installation.set(installation);
                }
            }
        }
    }
}
