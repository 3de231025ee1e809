//! The rules of online endpoints: Azure's name rule, the sign-in modes served here, a traffic
//! split that adds up, keys only for the roles that may see them, and provisioning at the
//! workspace's pace (deployments' rules: [`super::deployments`]).

use super::{
    EndpointKeys, EndpointResource, StoredDeployment, StoredEndpoint, AUTH_MODES, ENDPOINT_TYPE,
};
use crate::arm::tags::validate_tags;
use crate::arm::versioned::touch;
use crate::arm::{ArmError, SystemData};
use crate::time::{format_iso, Millis};
use crate::workspace::roles::Action;
use crate::workspace::Workspace;
use crate::Operation;
use serde_json::json;
use std::sync::Arc;

/// The most live traffic mirrored, in percent (Azure's limit).
pub const MAX_MIRROR: u32 = 50;

/// A ValidationError saying `message`.
pub(super) fn bad(message: impl Into<String>) -> ArmError {
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
        if self.batch_endpoint(name).is_ok() {
            return Err(ArmError::new("Conflict", format!("A batch endpoint is named '{name}': batch and online endpoints answer at the same address, so their names are unique together. Choose another name.")));
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

    /// Moves endpoints and deployments (online and batch) whose provisioning is done to
    /// Succeeded; answers whether any moved.
    pub(crate) fn settle_endpoints(&mut self, now: Millis) -> bool {
        settle_all(&mut self.endpoints, now)
            | settle_all(&mut self.deployments, now)
            | settle_all(&mut self.batch_endpoints, now)
            | settle_all(&mut self.batch_deployments, now)
    }

    /// When the next endpoint or deployment (online or batch) finishes provisioning.
    pub(crate) fn next_endpoint_event_at(&self) -> Option<Millis> {
        [
            next_ready(&self.endpoints),
            next_ready(&self.deployments),
            next_ready(&self.batch_endpoints),
            next_ready(&self.batch_deployments),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    pub(super) fn replace_endpoint(&mut self, next: StoredEndpoint) {
        if let Some(slot) = self
            .endpoints
            .iter_mut()
            .find(|e| e.resource.name == next.resource.name)
        {
            *slot = Arc::new(next);
        }
    }
}

/// What provisions at the workspace's pace: a state that becomes Succeeded at a time.
pub(crate) trait Provisioned: Clone {
    /// When its provisioning is done.
    fn ready_at(&self) -> Millis;
    /// Its provisioning state, to change.
    fn state(&mut self) -> &mut Option<String>;
    /// Whether its provisioning state is Succeeded.
    fn succeeded(&self) -> bool;
}

macro_rules! provisioned {
    ($($t:ty),*) => {$(
        impl Provisioned for $t {
            fn ready_at(&self) -> Millis {
                self.ready_at
            }
            fn state(&mut self) -> &mut Option<String> {
                &mut self.resource.properties.provisioning_state
            }
            fn succeeded(&self) -> bool {
                self.resource.properties.provisioning_state.as_deref() == Some("Succeeded")
            }
        }
    )*};
}

provisioned!(
    StoredEndpoint,
    StoredDeployment,
    crate::endpoints::batch::StoredBatchEndpoint,
    crate::endpoints::batch::StoredBatchDeployment
);

/// Moves what is ready by `now` to Succeeded; answers whether any moved.
fn settle_all<T: Provisioned>(list: &mut [Arc<T>], now: Millis) -> bool {
    let mut moved = false;
    for item in list.iter_mut().filter(|i| i.ready_at() <= now) {
        if !item.succeeded() {
            *Arc::make_mut(item).state() = Some("Succeeded".into());
            moved = true;
        }
    }
    moved
}

/// When the first of `list` still provisioning is ready.
fn next_ready<T: Provisioned>(list: &[Arc<T>]) -> Option<Millis> {
    list.iter()
        .filter(|i| !i.succeeded())
        .map(|i| i.ready_at())
        .min()
}
