//! The rules of online endpoints and deployments: Azure's name rule, the sign-in modes served
//! here, a traffic split that adds up, a deployment's model (one Azimuth trained, so it can be
//! scored), VM size and instances (their vCPUs held against the workspace's quota), keys only
//! for the roles that may see them, and provisioning at the workspace's pace.

use super::{
    DeploymentResource, EndpointKeys, EndpointResource, StoredDeployment, StoredEndpoint,
    AUTH_MODES, DEPLOYMENT_TYPE, ENDPOINT_TYPE,
};
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
/// The most live traffic mirrored, in percent (Azure's limit).
pub const MAX_MIRROR: u32 = 50;

fn bad(message: impl Into<String>) -> ArmError {
    ArmError::new("ValidationError", message)
}

/// Why `name` is not an endpoint's or a deployment's name (Azure's rule), if it is not.
pub fn endpoint_name_error(name: &str, what: &str) -> Option<String> {
    let ok_chars = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    let first = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    let last = name
        .chars()
        .last()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    (!(3..=32).contains(&name.len()) || !ok_chars || !first || !last).then(|| {
        format!("The {what} name '{name}' is not valid: use 3 to 32 letters, digits and hyphens, starting with a letter and ending with a letter or digit.")
    })
}

/// ARM's error for an endpoint that is not there.
pub fn endpoint_not_found(name: &str) -> ArmError {
    ArmError::new(
        "ResourceNotFound",
        format!("The online endpoint '{name}' was not found in this workspace."),
    )
}

/// ARM's error for a deployment that is not there.
pub fn deployment_not_found(endpoint: &str, name: &str) -> ArmError {
    ArmError::new(
        "ResourceNotFound",
        format!("The endpoint '{endpoint}' has no deployment '{name}'."),
    )
}

impl Workspace {
    /// An endpoint by name (names compare without regard to case).
    pub fn endpoint(&self, name: &str) -> Result<&StoredEndpoint, ArmError> {
        self.endpoints
            .iter()
            .find(|e| e.resource.name.eq_ignore_ascii_case(name))
            .map(|e| &**e)
            .ok_or_else(|| endpoint_not_found(name))
    }

    /// An endpoint's deployments, in the order they were made.
    pub fn deployments_of<'a>(
        &'a self,
        endpoint: &'a str,
    ) -> impl Iterator<Item = &'a StoredDeployment> + 'a {
        self.deployments
            .iter()
            .filter(move |d| d.endpoint.eq_ignore_ascii_case(endpoint))
            .map(|d| &**d)
    }

    /// A deployment of an endpoint by name.
    pub fn deployment(&self, endpoint: &str, name: &str) -> Result<&StoredDeployment, ArmError> {
        self.deployments
            .iter()
            .find(|d| {
                d.endpoint.eq_ignore_ascii_case(endpoint)
                    && d.resource.name.eq_ignore_ascii_case(name)
            })
            .map(|d| &**d)
            .ok_or_else(|| deployment_not_found(endpoint, name))
    }

    /// ARM's PUT of an endpoint: creates it with `keys` (answers `true`) and `scoring_base`
    /// (the server's address; `None` in a browser, where there is no REST endpoint), or changes
    /// its description, tags and traffic.
    pub fn put_endpoint(
        &mut self,
        actor: &str,
        name: &str,
        request: EndpointResource,
        (keys, scoring_base): (EndpointKeys, Option<&str>),
        now: Millis,
    ) -> Result<(bool, EndpointResource), ArmError> {
        self.settle(now);
        let member = self.authorize(actor, Action::WriteEndpoints)?.clone();
        validate_tags(&request.tags).map_err(bad)?;
        let mut asked = request.properties;
        if asked.auth_mode.is_empty() {
            asked.auth_mode = "Key".into();
        }
        let Some(mode) = AUTH_MODES
            .iter()
            .find(|m| m.eq_ignore_ascii_case(&asked.auth_mode))
        else {
            return Err(bad(format!("authMode '{}' is not served here: use Key or AMLToken (AADToken needs Microsoft Entra ID).", asked.auth_mode)).at("properties.authMode"));
        };
        asked.auth_mode = (*mode).to_owned();
        self.check_traffic(name, &asked.traffic, &asked.mirror_traffic)?;
        let at = format_iso(now);
        if let Ok(old) = self.endpoint(name) {
            let mut next = old.clone();
            let was = &old.resource.properties;
            if !was.auth_mode.eq_ignore_ascii_case(&asked.auth_mode) {
                return Err(bad(format!("The endpoint '{name}' signs callers in with {}; its authMode cannot change. Create another endpoint for {}.", was.auth_mode, asked.auth_mode)));
            }
            let props = &mut next.resource.properties;
            props.description = asked.description;
            props.properties = asked.properties;
            props.traffic = asked.traffic;
            props.mirror_traffic = asked.mirror_traffic;
            props.public_network_access = asked
                .public_network_access
                .or(props.public_network_access.take());
            next.resource.tags = request.tags;
            touch(&mut next.resource.system_data, &member.user_name, &at);
            let resource = next.resource.clone();
            self.record(
                now,
                actor,
                format!("updated endpoint {}", resource.name),
                "",
            );
            self.replace_endpoint(next);
            return Ok((false, resource));
        }
        if let Some(e) = endpoint_name_error(name, "endpoint") {
            return Err(bad(e).at("name"));
        }
        let location = self.resource.location.clone();
        let scoring = scoring_base
            .map(|b| format!("{}/inference/{location}/{name}", b.trim_end_matches('/')));
        asked.scoring_uri = scoring.as_ref().map(|s| format!("{s}/score"));
        asked.swagger_uri = scoring.as_ref().map(|s| format!("{s}/swagger.json"));
        asked.provisioning_state = Some("Creating".into());
        asked
            .public_network_access
            .get_or_insert_with(|| "Enabled".into());
        let resource = EndpointResource {
            id: format!("{}/onlineEndpoints/{name}", self.resource.id),
            name: name.to_owned(),
            resource_type: ENDPOINT_TYPE.into(),
            location,
            kind: Some("Managed".into()),
            identity: request
                .identity
                .or_else(|| Some(json!({"type": "SystemAssigned"}))),
            tags: request.tags,
            system_data: Some(SystemData::created(&member.user_name, &at)),
            properties: asked,
        };
        let stored = StoredEndpoint {
            resource: resource.clone(),
            keys: Some(keys),
            ready_at: now + self.settings.pace.duration(Operation::Start),
        };
        self.endpoints.push(Arc::new(stored));
        self.record(now, actor, format!("created endpoint {name}"), "");
        self.settle(now);
        Ok((true, self.endpoint(name)?.resource.clone()))
    }

    /// Refuses a traffic split that names a deployment the endpoint does not have, does not add
    /// up to 100 (or 0), or mirrors more than [`MAX_MIRROR`]% or to a deployment with live
    /// traffic.
    fn check_traffic(
        &self,
        endpoint: &str,
        traffic: &std::collections::BTreeMap<String, u32>,
        mirror: &std::collections::BTreeMap<String, u32>,
    ) -> Result<(), ArmError> {
        for name in traffic.keys().chain(mirror.keys()) {
            if self.deployment(endpoint, name).is_err() {
                return Err(bad(format!("The traffic names the deployment '{name}', which the endpoint '{endpoint}' does not have.")).at("properties.traffic"));
            }
        }
        let live: u32 = traffic.values().sum();
        if live != 0 && live != 100 {
            return Err(bad(format!("The traffic adds up to {live}%: the deployments' shares must add up to 100 (or all be 0).")).at("properties.traffic"));
        }
        for (name, share) in mirror {
            if *share > MAX_MIRROR || mirror.values().sum::<u32>() > MAX_MIRROR {
                return Err(bad(format!(
                    "At most {MAX_MIRROR}% of the traffic can be mirrored."
                ))
                .at("properties.mirrorTraffic"));
            }
            if traffic.get(name).is_some_and(|s| *s > 0) {
                return Err(bad(format!("The deployment '{name}' gets live traffic, so it cannot also get mirrored traffic.")).at("properties.mirrorTraffic"));
            }
        }
        Ok(())
    }

    /// ARM's DELETE of an endpoint and its deployments (their quota given back).
    pub fn delete_endpoint(
        &mut self,
        actor: &str,
        name: &str,
        now: Millis,
    ) -> Result<(), ArmError> {
        self.settle(now);
        self.authorize(actor, Action::WriteEndpoints)?;
        let found = self.endpoint(name)?.resource.name.clone();
        self.endpoints.retain(|e| e.resource.name != found);
        self.deployments
            .retain(|d| !d.endpoint.eq_ignore_ascii_case(&found));
        self.record(now, actor, format!("deleted endpoint {found}"), "");
        Ok(())
    }

    /// `listKeys`: the endpoint's keys, for the roles that may see them.
    pub fn endpoint_keys(&self, actor: &str, name: &str) -> Result<EndpointKeys, ArmError> {
        self.authorize(actor, Action::ListEndpointKeys)?;
        self.endpoint(name)?
            .keys
            .clone()
            .ok_or_else(|| ArmError::new("UserError", "This copy of the workspace holds no keys."))
    }

    /// `regenerateKeys`: `key_type` (Primary or Secondary) becomes `fresh`; the old key stops
    /// working at once.
    pub fn regenerate_endpoint_key(
        &mut self,
        actor: &str,
        name: &str,
        key_type: &str,
        fresh: String,
        now: Millis,
    ) -> Result<EndpointKeys, ArmError> {
        self.settle(now);
        self.authorize(actor, Action::ListEndpointKeys)?;
        let mut next = self.endpoint(name)?.clone();
        let keys = next.keys.get_or_insert_with(EndpointKeys::default);
        match key_type.to_ascii_lowercase().as_str() {
            "primary" => keys.primary_key = fresh,
            "secondary" => keys.secondary_key = fresh,
            _ => {
                return Err(bad(format!(
                    "keyType is Primary or Secondary, not '{key_type}'."
                ))
                .at("keyType"))
            }
        }
        let answer = keys.clone();
        self.record(
            now,
            actor,
            format!("regenerated the {key_type} key of endpoint {name}"),
            "",
        );
        self.replace_endpoint(next);
        Ok(answer)
    }

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
        for refused in ["codeConfiguration", "environmentId"] {
            if asked.rest.get(refused).is_some_and(|v| !v.is_null()) {
                return Err(bad(format!("{refused}: a scoring script in an environment of its own is not run here. Deploy a model Azimuth trained (an AutoML job's best model, say): it is scored without one, as Azure's MLflow models are.")).at(&format!("properties.{refused}")));
            }
        }
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
        let model = self.model_of(&asked.model)?;
        if !model.properties.flavors.contains_key("azimuth") {
            return Err(bad(format!("Version {} of the model '{}' was not trained by Azimuth (it has no azimuth flavor), and only such models are scored here: deploy an AutoML job's best model, or a model registered from one.", model.name, model_name(&model.id))).at("properties.model"));
        }
        asked.model = model.id.clone();
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
        let serving = self.deployments.iter().find(|d| {
            self.model_of(&d.resource.properties.model)
                .is_ok_and(|v| v.id.eq_ignore_ascii_case(id))
        });
        match serving {
            Some(d) => Err(ArmError::new("UserError", format!("{} is deployed (deployment '{}' of the endpoint '{}'): delete that deployment first.", model_label(id), d.resource.name, d.endpoint))),
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

    /// Moves endpoints and deployments whose provisioning is done to Succeeded; answers
    /// whether any moved.
    pub(crate) fn settle_endpoints(&mut self, now: Millis) -> bool {
        let mut moved = false;
        for e in self.endpoints.iter_mut().filter(|e| e.ready_at <= now) {
            if e.resource.properties.provisioning_state.as_deref() != Some("Succeeded") {
                Arc::make_mut(e).resource.properties.provisioning_state = Some("Succeeded".into());
                moved = true;
            }
        }
        for d in self.deployments.iter_mut().filter(|d| d.ready_at <= now) {
            if d.resource.properties.provisioning_state.as_deref() != Some("Succeeded") {
                Arc::make_mut(d).resource.properties.provisioning_state = Some("Succeeded".into());
                moved = true;
            }
        }
        moved
    }

    /// When the next endpoint or deployment finishes provisioning.
    pub(crate) fn next_endpoint_event_at(&self) -> Option<Millis> {
        let pending = |state: &Option<String>, at: Millis| {
            (state.as_deref() != Some("Succeeded")).then_some(at)
        };
        let endpoints = self
            .endpoints
            .iter()
            .filter_map(|e| pending(&e.resource.properties.provisioning_state, e.ready_at));
        let deployments = self
            .deployments
            .iter()
            .filter_map(|d| pending(&d.resource.properties.provisioning_state, d.ready_at));
        endpoints.chain(deployments).min()
    }

    fn replace_endpoint(&mut self, next: StoredEndpoint) {
        if let Some(slot) = self
            .endpoints
            .iter_mut()
            .find(|e| e.resource.name == next.resource.name)
        {
            *slot = Arc::new(next);
        }
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

/// Fills what `settings` leaves out from Azure's `defaults`.
fn fill(settings: &mut Map<String, Value>, defaults: Value) {
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
