//! The rules of online deployments: a registered model Azimuth trained (so it can be scored),
//! a VM size of the catalogue and its instances' vCPUs held against the quota, Azure's settings
//! filled in, provisioning at the workspace's pace, and a served model kept from deletion.

use super::rules::{bad, endpoint_name_error};
use super::{DeploymentResource, StoredDeployment, DEPLOYMENT_TYPE};
use crate::arm::tags::validate_tags;
use crate::arm::versioned::touch;
use crate::arm::{ArmError, SystemData};
use crate::compute::catalogue::find_vm_size;
use crate::compute::unknown_size;
use crate::models::{model_not_found, ModelVersionResource};
use crate::time::{format_iso, Millis};
use crate::workspace::roles::Action;
use crate::workspace::Workspace;
use crate::Operation;
use serde_json::{json, Map, Value};
use std::sync::Arc;

/// The most instances a deployment may ask for.
pub const MAX_INSTANCES: u32 = 20;

impl Workspace {
    /// ARM's PUT of a deployment: creates it (answers `true`; provisioning at the workspace's
    /// pace) or changes its description, tags, instance count and settings. Its model must be
    /// a version of this workspace that Azimuth trained; its instances' vCPUs must fit the
    /// quota.
    pub fn put_deployment(
        &mut self,
        actor: &str,
        endpoint: &str,
        name: &str,
        request: DeploymentResource,
        now: Millis,
    ) -> Result<(bool, DeploymentResource), ArmError> {
        self.settle(now);
        let member = self.authorize(actor, Action::WriteEndpoints)?.clone();
        let endpoint = self.endpoint(endpoint)?.resource.name.clone();
        validate_tags(&request.tags).map_err(bad)?;
        let mut asked = request.properties;
        refuse_scripts(&asked.rest)?;
        let capacity = request.sku.capacity;
        if !(1..=MAX_INSTANCES).contains(&capacity) {
            return Err(bad(format!(
                "The instance count must be from 1 to {MAX_INSTANCES}, not {capacity}."
            ))
            .at("sku.capacity"));
        }
        let old = self.deployment(&endpoint, name).ok().cloned();
        if asked.instance_type.is_empty() {
            asked.instance_type = old
                .as_ref()
                .map_or_else(String::new, |o| o.resource.properties.instance_type.clone());
        }
        let size = find_vm_size(&asked.instance_type)
            .ok_or_else(|| unknown_size(&asked.instance_type, self.region()))?;
        let held = old.as_ref().filter(|o| {
            o.resource
                .properties
                .instance_type
                .eq_ignore_ascii_case(size.name)
        });
        let more = capacity.saturating_sub(held.map_or(0, |o| o.resource.sku.capacity));
        if more > 0 {
            self.check_quota_for(size.name, more, false)?;
        }
        asked.instance_type = size.name.to_owned();
        let at = format_iso(now);
        let pace = self.settings.pace;
        if let Some(old) = old {
            let was = &old.resource.properties;
            if !asked.model.is_empty()
                && self.model_of(&asked.model)?.id != self.model_of(&was.model)?.id
            {
                return Err(bad(format!("The deployment '{name}' serves {}; its model cannot change. Create another deployment for the new model and move the traffic to it.", was.model)).at("properties.model"));
            }
            let mut next = old.clone();
            let props = &mut next.resource.properties;
            props.description = asked.description;
            props.properties = asked.properties;
            props.instance_type = asked.instance_type;
            merge(&mut props.request_settings, asked.request_settings);
            merge(&mut props.liveness_probe, asked.liveness_probe);
            merge(&mut props.readiness_probe, asked.readiness_probe);
            let scaling = next.resource.sku.capacity != capacity;
            next.resource.sku.capacity = capacity;
            next.resource.tags = request.tags;
            touch(&mut next.resource.system_data, &member.user_name, &at);
            if scaling {
                props.provisioning_state = Some("Scaling".into());
                next.ready_at = now + pace.duration(Operation::Start);
            }
            let resource = next.resource.clone();
            self.record(
                now,
                actor,
                format!("updated deployment {name} of endpoint {endpoint}"),
                "",
            );
            self.replace_deployment(next);
            return Ok((false, resource));
        }
        if let Some(e) = endpoint_name_error(name, "deployment") {
            return Err(bad(e).at("name"));
        }
        asked.model = self.served_model(&asked.model)?.id.clone();
        asked.endpoint_compute_type = "Managed".into();
        fill(
            &mut asked.request_settings,
            json!({"requestTimeout": "PT5S", "maxConcurrentRequestsPerInstance": 1, "maxQueueWait": "PT0.5S"}),
        );
        let probe = json!({"initialDelay": "PT10S", "period": "PT10S", "timeout": "PT2S", "successThreshold": 1, "failureThreshold": 30});
        fill(&mut asked.liveness_probe, probe.clone());
        fill(&mut asked.readiness_probe, probe);
        asked.provisioning_state = Some("Creating".into());
        fill(
            &mut asked.rest,
            json!({"scaleSettings": {"scaleType": "Default"}, "appInsightsEnabled": false, "egressPublicNetworkAccess": "Enabled"}),
        );
        let resource = DeploymentResource {
            id: format!(
                "{}/onlineEndpoints/{endpoint}/deployments/{name}",
                self.resource.id
            ),
            name: name.to_owned(),
            resource_type: DEPLOYMENT_TYPE.into(),
            location: self.resource.location.clone(),
            kind: Some("Managed".into()),
            sku: request.sku,
            tags: request.tags,
            system_data: Some(SystemData::created(&member.user_name, &at)),
            properties: asked,
        };
        self.deployments.push(Arc::new(StoredDeployment {
            endpoint: endpoint.clone(),
            resource,
            ready_at: now + pace.duration(Operation::Create),
        }));
        self.record(
            now,
            actor,
            format!("created deployment {name} of endpoint {endpoint}"),
            "",
        );
        self.settle(now);
        Ok((true, self.deployment(&endpoint, name)?.resource.clone()))
    }

    /// ARM's DELETE of a deployment; one that gets live traffic is refused.
    pub fn delete_deployment(
        &mut self,
        actor: &str,
        endpoint: &str,
        name: &str,
        now: Millis,
    ) -> Result<(), ArmError> {
        self.settle(now);
        self.authorize(actor, Action::WriteEndpoints)?;
        let found = self.deployment(endpoint, name)?.resource.name.clone();
        let mut owner = self.endpoint(endpoint)?.clone();
        let props = &mut owner.resource.properties;
        if props.traffic.get(&found).is_some_and(|s| *s > 0) {
            return Err(ArmError::new("UserError", format!("The deployment '{found}' gets {}% of the endpoint's traffic: set its traffic to 0 before deleting it.", props.traffic[&found])));
        }
        props.traffic.remove(&found);
        props.mirror_traffic.remove(&found);
        self.replace_endpoint(owner);
        self.deployments
            .retain(|d| !(d.endpoint.eq_ignore_ascii_case(endpoint) && d.resource.name == found));
        self.record(
            now,
            actor,
            format!("deleted deployment {found} of endpoint {endpoint}"),
            "",
        );
        Ok(())
    }

    /// Refuses to take away model version `id` while a deployment serves it.
    pub fn check_not_deployed(&self, id: &str) -> Result<(), ArmError> {
        let serves = |model: &str| {
            self.model_of(model)
                .is_ok_and(|v| v.id.eq_ignore_ascii_case(id))
        };
        let online = self
            .deployments
            .iter()
            .find(|d| serves(&d.resource.properties.model))
            .map(|d| (&d.resource.name, &d.endpoint, "endpoint"));
        let batch = || {
            self.batch_deployments
                .iter()
                .find(|d| serves(&d.resource.properties.model.asset_id))
                .map(|d| (&d.resource.name, &d.endpoint, "batch endpoint"))
        };
        match online.or_else(batch) {
            Some((name, endpoint, kind)) => Err(ArmError::new("UserError", format!("{} is deployed (deployment '{name}' of the {kind} '{endpoint}'): delete that deployment first.", model_label(id)))),
            None => Ok(()),
        }
    }

    /// The model version a deployment names: its ARM id, `azureml:<name>:<version>` or
    /// `<name>:<version>`.
    pub fn model_of(&self, reference: &str) -> Result<&ModelVersionResource, ArmError> {
        let (name, version) = parse_model_reference(reference).ok_or_else(|| {
            bad(format!("'{reference}' names no model version: give its ARM id or azureml:<name>:<version>.")).at("properties.model")
        })?;
        self.model_version(&name, &version)
            .ok_or_else(|| model_not_found(&name, Some(&version)))
    }

    /// The model version a deployment names, if Azimuth trained it (so it can be scored here).
    pub fn served_model(&self, reference: &str) -> Result<&ModelVersionResource, ArmError> {
        let model = self.model_of(reference)?;
        if !model.properties.flavors.contains_key("azimuth") {
            return Err(bad(format!("Version {} of the model '{}' was not trained by Azimuth (it has no azimuth flavor), and only such models are scored here: deploy an AutoML job's best model, or a model registered from one.", model.name, model_name(&model.id))).at("properties.model"));
        }
        Ok(model)
    }

    fn replace_deployment(&mut self, next: StoredDeployment) {
        let same = |d: &StoredDeployment| {
            d.endpoint == next.endpoint && d.resource.name == next.resource.name
        };
        if let Some(slot) = self.deployments.iter_mut().find(|d| same(d)) {
            *slot = Arc::new(next);
        }
    }
}

/// A model version's name and version from its ARM id (`.../models/{m}/versions/{v}`),
/// `azureml:<m>:<v>` or `<m>:<v>`.
pub fn parse_model_reference(reference: &str) -> Option<(String, String)> {
    let parts: Vec<&str> = reference.trim_matches('/').split('/').collect();
    if let [.., "models", name, "versions", version] = parts[..] {
        return Some((name.to_owned(), version.to_owned()));
    }
    let short = reference.strip_prefix("azureml:").unwrap_or(reference);
    let (name, version) = short.rsplit_once(':')?;
    (!name.is_empty() && !version.is_empty() && !name.contains('/'))
        .then(|| (name.to_owned(), version.to_owned()))
}

/// "Version v of the model 'm'", from a version's ARM id.
fn model_label(id: &str) -> String {
    match parse_model_reference(id) {
        Some((name, version)) => format!("Version {version} of the model '{name}'"),
        None => id.to_owned(),
    }
}

/// A model's name from a version's ARM id.
fn model_name(id: &str) -> String {
    parse_model_reference(id).map_or_else(|| id.to_owned(), |(name, _)| name)
}

/// Refuses a scoring script or an environment: only models Azimuth trained are scored here.
pub(crate) fn refuse_scripts(rest: &Map<String, Value>) -> Result<(), ArmError> {
    for refused in ["codeConfiguration", "environmentId"] {
        if rest.get(refused).is_some_and(|v| !v.is_null()) {
            return Err(bad(format!("{refused}: a scoring script in an environment of its own is not run here. Deploy a model Azimuth trained (an AutoML job's best model, say): it is scored without one, as Azure's MLflow models are.")).at(&format!("properties.{refused}")));
        }
    }
    Ok(())
}

/// Fills what `settings` leaves out from Azure's `defaults`.
pub(crate) fn fill(settings: &mut Map<String, Value>, defaults: Value) {
    if let Value::Object(defaults) = defaults {
        for (k, v) in defaults {
            settings.entry(k).or_insert(v);
        }
    }
}

/// Sets what `asked` sends over `settings`.
fn merge(settings: &mut Map<String, Value>, asked: Map<String, Value>) {
    settings.extend(asked);
}
