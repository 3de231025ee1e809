//! The rules of batch endpoints and deployments: Azure's names (an online endpoint's name is
//! taken too: both answer at the same address), callers signing in as themselves, a default
//! deployment that exists, a model Azimuth trained scored on a compute cluster of the
//! workspace, Azure's settings filled in and checked, provisioning at the workspace's pace.

use super::{
    AssetReference, BatchDeploymentResource, BatchEndpointResource, StoredBatchDeployment,
    StoredBatchEndpoint, BATCH_DEPLOYMENT_TYPE, BATCH_ENDPOINT_TYPE,
};
use crate::arm::tags::validate_tags;
use crate::arm::versioned::touch;
use crate::arm::{ArmError, SystemData};
use crate::compute::cluster::is_cluster;
use crate::endpoints::deployments::{fill, refuse_scripts};
use crate::endpoints::rules::{bad, endpoint_name_error};
use crate::time::{format_iso, Millis};
use crate::workspace::roles::Action;
use crate::workspace::Workspace;
use crate::Operation;
use serde_json::json;
use std::sync::Arc;

/// The output file a deployment writes when it names none (Azure's).
pub const DEFAULT_OUTPUT_FILE: &str = "predictions.csv";
/// The most files a mini-batch may hold.
pub const MAX_MINI_BATCH: u32 = 10_000;

/// ARM's error for a batch endpoint that is not there.
pub fn batch_endpoint_not_found(name: &str) -> ArmError {
    ArmError::new(
        "ResourceNotFound",
        format!("The batch endpoint '{name}' was not found in this workspace."),
    )
}

impl Workspace {
    /// A batch endpoint by name (names compare without regard to case).
    pub fn batch_endpoint(&self, name: &str) -> Result<&StoredBatchEndpoint, ArmError> {
        self.batch_endpoints
            .iter()
            .find(|e| e.resource.name.eq_ignore_ascii_case(name))
            .map(|e| &**e)
            .ok_or_else(|| batch_endpoint_not_found(name))
    }

    /// A batch endpoint's deployments, in the order they were made.
    pub fn batch_deployments_of<'a>(
        &'a self,
        endpoint: &'a str,
    ) -> impl Iterator<Item = &'a StoredBatchDeployment> + 'a {
        self.batch_deployments
            .iter()
            .filter(move |d| d.endpoint.eq_ignore_ascii_case(endpoint))
            .map(|d| &**d)
    }

    /// A deployment of a batch endpoint by name.
    pub fn batch_deployment(
        &self,
        endpoint: &str,
        name: &str,
    ) -> Result<&StoredBatchDeployment, ArmError> {
        self.batch_deployments
            .iter()
            .find(|d| {
                d.endpoint.eq_ignore_ascii_case(endpoint)
                    && d.resource.name.eq_ignore_ascii_case(name)
            })
            .map(|d| &**d)
            .ok_or_else(|| {
                ArmError::new(
                    "ResourceNotFound",
                    format!("The batch endpoint '{endpoint}' has no deployment '{name}'."),
                )
            })
    }

    /// ARM's PUT of a batch endpoint: creates it (answers `true`), its invocation URI under
    /// `scoring_base` (the server's address; `None` in a browser), or changes its description,
    /// tags and default deployment.
    pub fn put_batch_endpoint(
        &mut self,
        actor: &str,
        name: &str,
        request: BatchEndpointResource,
        scoring_base: Option<&str>,
        now: Millis,
    ) -> Result<(bool, BatchEndpointResource), ArmError> {
        self.settle(now);
        let member = self.authorize(actor, Action::WriteEndpoints)?.clone();
        validate_tags(&request.tags).map_err(bad)?;
        let mut asked = request.properties;
        if !asked.auth_mode.is_empty() && !asked.auth_mode.eq_ignore_ascii_case("AADToken") {
            return Err(bad(format!(
                "A batch endpoint signs callers in with their own token (AADToken), not {}.",
                asked.auth_mode
            ))
            .at("properties.authMode"));
        }
        asked.auth_mode = "AADToken".into();
        if let Some(default) = &asked.defaults.deployment_name {
            let found = self.batch_deployment(name, default).map_err(|_| {
                bad(format!("The default deployment '{default}' is not a deployment of the batch endpoint '{name}'.")).at("properties.defaults.deploymentName")
            })?;
            asked.defaults.deployment_name = Some(found.resource.name.clone());
        }
        let at = format_iso(now);
        if let Ok(old) = self.batch_endpoint(name) {
            let mut next = old.clone();
            let props = &mut next.resource.properties;
            props.description = asked.description;
            props.properties = asked.properties;
            props.defaults = asked.defaults;
            next.resource.tags = request.tags;
            touch(&mut next.resource.system_data, &member.user_name, &at);
            let resource = next.resource.clone();
            self.record(now, actor, format!("updated batch endpoint {name}"), "");
            self.replace_batch_endpoint(next);
            return Ok((false, resource));
        }
        if let Some(e) = endpoint_name_error(name, "endpoint") {
            return Err(bad(e).at("name"));
        }
        if self.endpoint(name).is_ok() {
            return Err(ArmError::new("Conflict", format!("An online endpoint is named '{name}': batch and online endpoints answer at the same address, so their names are unique together. Choose another name.")));
        }
        let location = self.resource.location.clone();
        asked.scoring_uri = scoring_base.map(|b| {
            format!(
                "{}/inference/{location}/{name}/jobs",
                b.trim_end_matches('/')
            )
        });
        asked.provisioning_state = Some("Creating".into());
        let resource = BatchEndpointResource {
            id: format!("{}/batchEndpoints/{name}", self.resource.id),
            name: name.to_owned(),
            resource_type: BATCH_ENDPOINT_TYPE.into(),
            location,
            identity: request.identity,
            tags: request.tags,
            system_data: Some(SystemData::created(&member.user_name, &at)),
            properties: asked,
        };
        self.batch_endpoints.push(Arc::new(StoredBatchEndpoint {
            resource,
            ready_at: now + self.settings.pace.duration(Operation::Start),
        }));
        self.record(now, actor, format!("created batch endpoint {name}"), "");
        self.settle(now);
        Ok((true, self.batch_endpoint(name)?.resource.clone()))
    }

    /// ARM's DELETE of a batch endpoint and its deployments (its jobs stay).
    pub fn delete_batch_endpoint(
        &mut self,
        actor: &str,
        name: &str,
        now: Millis,
    ) -> Result<(), ArmError> {
        self.settle(now);
        self.authorize(actor, Action::WriteEndpoints)?;
        let found = self.batch_endpoint(name)?.resource.name.clone();
        self.batch_endpoints.retain(|e| e.resource.name != found);
        self.batch_deployments
            .retain(|d| !d.endpoint.eq_ignore_ascii_case(&found));
        self.record(now, actor, format!("deleted batch endpoint {found}"), "");
        Ok(())
    }

    /// ARM's PUT of a batch deployment: creates it (answers `true`) or changes its description,
    /// tags and settings. Its model must be a version of this workspace that Azimuth trained,
    /// its compute a cluster of the workspace. The endpoint's first deployment becomes its
    /// default.
    pub fn put_batch_deployment(
        &mut self,
        actor: &str,
        endpoint: &str,
        name: &str,
        request: BatchDeploymentResource,
        now: Millis,
    ) -> Result<(bool, BatchDeploymentResource), ArmError> {
        self.settle(now);
        let member = self.authorize(actor, Action::WriteEndpoints)?.clone();
        let endpoint = self.batch_endpoint(endpoint)?.resource.name.clone();
        validate_tags(&request.tags).map_err(bad)?;
        let mut asked = request.properties;
        refuse_scripts(&asked.rest)?;
        let old = self.batch_deployment(&endpoint, name).ok().cloned();
        if asked.model.asset_id.is_empty() {
            if let Some(o) = &old {
                asked.model = o.resource.properties.model.clone();
            }
        }
        let model = self.served_model(&asked.model.asset_id)?.id.clone();
        if let Some(o) = &old {
            if o.resource.properties.model.asset_id != model {
                return Err(bad(format!("The deployment '{name}' scores with {}; its model cannot change. Create another deployment for the new model and make it the default.", o.resource.properties.model.asset_id)).at("properties.model"));
            }
        }
        asked.model = AssetReference {
            reference_type: "Id".into(),
            asset_id: model,
        };
        if asked.compute.is_empty() {
            asked.compute = old
                .as_ref()
                .map(|o| o.resource.properties.compute.clone())
                .unwrap_or_default();
        }
        asked.compute = self.batch_compute(&asked.compute)?;
        fill_settings(&mut asked)?;
        let at = format_iso(now);
        if let Some(old) = old {
            let mut next = old.clone();
            let id = next.resource.id.clone();
            next.resource.properties = asked;
            next.resource.properties.provisioning_state = Some("Succeeded".into());
            next.resource.tags = request.tags;
            touch(&mut next.resource.system_data, &member.user_name, &at);
            let resource = next.resource.clone();
            self.batch_deployments = self
                .batch_deployments
                .iter()
                .map(|d| {
                    if d.resource.id == id {
                        Arc::new(next.clone())
                    } else {
                        d.clone()
                    }
                })
                .collect();
            self.record(
                now,
                actor,
                format!("updated deployment {name} of batch endpoint {endpoint}"),
                "",
            );
            return Ok((false, resource));
        }
        if let Some(e) = endpoint_name_error(name, "deployment") {
            return Err(bad(e).at("name"));
        }
        asked.provisioning_state = Some("Creating".into());
        let resource = BatchDeploymentResource {
            id: format!(
                "{}/batchEndpoints/{endpoint}/deployments/{name}",
                self.resource.id
            ),
            name: name.to_owned(),
            resource_type: BATCH_DEPLOYMENT_TYPE.into(),
            location: self.resource.location.clone(),
            tags: request.tags,
            system_data: Some(SystemData::created(&member.user_name, &at)),
            properties: asked,
        };
        self.batch_deployments.push(Arc::new(StoredBatchDeployment {
            endpoint: endpoint.clone(),
            resource,
            ready_at: now + self.settings.pace.duration(Operation::Create),
        }));
        let mut owner = self.batch_endpoint(&endpoint)?.clone();
        if owner.resource.properties.defaults.deployment_name.is_none() {
            owner.resource.properties.defaults.deployment_name = Some(name.to_owned());
            self.replace_batch_endpoint(owner);
        }
        self.record(
            now,
            actor,
            format!("created deployment {name} of batch endpoint {endpoint}"),
            "",
        );
        self.settle(now);
        Ok((
            true,
            self.batch_deployment(&endpoint, name)?.resource.clone(),
        ))
    }

    /// ARM's DELETE of a batch deployment; the endpoint's default is refused while others
    /// remain.
    pub fn delete_batch_deployment(
        &mut self,
        actor: &str,
        endpoint: &str,
        name: &str,
        now: Millis,
    ) -> Result<(), ArmError> {
        self.settle(now);
        self.authorize(actor, Action::WriteEndpoints)?;
        let found = self.batch_deployment(endpoint, name)?.resource.id.clone();
        let mut owner = self.batch_endpoint(endpoint)?.clone();
        let is_default = owner
            .resource
            .properties
            .defaults
            .deployment_name
            .as_deref()
            .is_some_and(|d| d.eq_ignore_ascii_case(name));
        let others = self.batch_deployments_of(endpoint).count() > 1;
        if is_default && others {
            return Err(ArmError::new("UserError", format!("The deployment '{name}' is the batch endpoint's default: make another deployment the default before deleting it.")));
        }
        if is_default {
            owner.resource.properties.defaults.deployment_name = None;
            self.replace_batch_endpoint(owner);
        }
        self.batch_deployments.retain(|d| d.resource.id != found);
        self.record(
            now,
            actor,
            format!("deleted deployment {name} of batch endpoint {endpoint}"),
            "",
        );
        Ok(())
    }

    /// The compute cluster a batch deployment names (its ARM id, `azureml:<name>` or its name),
    /// as its ARM id.
    fn batch_compute(&self, asked: &str) -> Result<String, ArmError> {
        let name = asked
            .rsplit_once("/computes/")
            .map_or(asked.strip_prefix("azureml:").unwrap_or(asked), |(_, n)| n);
        if name.is_empty() {
            return Err(bad(
                "A batch deployment runs on a compute cluster: name one (properties.compute).",
            )
            .at("properties.compute"));
        }
        let compute = self.compute(name).ok_or_else(|| {
            bad(format!("The compute '{name}' does not exist in this workspace. Create a compute cluster on the Compute page.")).at("properties.compute")
        })?;
        if !is_cluster(&compute.resource) {
            return Err(bad(format!("'{name}' is not a compute cluster: batch deployments run on clusters (AmlCompute).")).at("properties.compute"));
        }
        Ok(compute.resource.id.clone())
    }

    fn replace_batch_endpoint(&mut self, next: StoredBatchEndpoint) {
        if let Some(slot) = self
            .batch_endpoints
            .iter_mut()
            .find(|e| e.resource.name == next.resource.name)
        {
            *slot = Arc::new(next);
        }
    }
}

/// Fills in Azure's defaults for what a deployment leaves out, and refuses what is out of
/// range, naming the setting.
fn fill_settings(p: &mut super::BatchDeploymentProperties) -> Result<(), ArmError> {
    if p.mini_batch_size == 0 {
        p.mini_batch_size = 10;
    }
    if p.mini_batch_size > MAX_MINI_BATCH {
        return Err(bad(format!(
            "miniBatchSize is the number of files in a mini-batch: at most {MAX_MINI_BATCH}."
        ))
        .at("properties.miniBatchSize"));
    }
    if p.max_concurrency_per_instance == 0 {
        p.max_concurrency_per_instance = 1;
    }
    p.output_action = match p.output_action.to_ascii_lowercase().as_str() {
        "" | "appendrow" | "append_row" => "AppendRow".into(),
        "summaryonly" | "summary_only" => "SummaryOnly".into(),
        other => {
            return Err(bad(format!(
                "outputAction is AppendRow or SummaryOnly, not '{other}'."
            ))
            .at("properties.outputAction"))
        }
    };
    if p.output_file_name.is_empty() {
        p.output_file_name = DEFAULT_OUTPUT_FILE.into();
    }
    let file_ok = p
        .output_file_name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        && !p.output_file_name.starts_with('.');
    if !file_ok || p.output_file_name.len() > 100 {
        return Err(bad(format!("The output file name '{}' must be a plain file name: letters, digits, '.', '_' and '-', at most 100 characters.", p.output_file_name)).at("properties.outputFileName"));
    }
    if p.error_threshold.is_some_and(|t| t < -1) {
        return Err(
            bad("errorThreshold is -1 (any number of failed mini-batches) or more.")
                .at("properties.errorThreshold"),
        );
    }
    p.error_threshold.get_or_insert(-1);
    fill(
        &mut p.retry_settings,
        json!({"maxRetries": 3, "timeout": "PT30S"}),
    );
    fill(&mut p.resources, json!({"instanceCount": 1}));
    if p.logging_level.is_empty() {
        p.logging_level = "Info".into();
    }
    Ok(())
}
