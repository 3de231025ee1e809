//! What the Create wizard holds, filled in from the address (`?model=&version=` from a model's
//! page, `?endpoint=` from an endpoint's page), each step's check (the engine's name rule, the
//! names already taken, the instance count, the request settings and probes, the traffic
//! split) and the plan it deploys.

use super::model_choice_error;
use super::settings::DeploymentSettings;
use super::traffic::TrafficShares;
use crate::pages::compute::size_picker::VmChoice;
use crate::router::query_param;
use crate::store::{DeployPlan, Store};
use azimuth_core::endpoints::deployments::MAX_INSTANCES;
use azimuth_core::endpoints::rules::endpoint_name_error;
use azimuth_core::endpoints::{
    DeploymentProperties, DeploymentResource, EndpointProperties, EndpointResource, Sku,
};
use leptos::prelude::*;

/// The steps, in order.
pub const STEPS: [&str; 5] = ["Model", "Endpoint", "Deployment", "Traffic", "Review"];
/// Azure's default VM size of a managed online deployment.
const DEFAULT_SIZE: &str = "Standard_DS3_v2";
/// Names offered for a deployment, in order, when the endpoint has the first already.
pub const DEPLOYMENT_NAMES: [&str; 4] = ["blue", "green", "red", "yellow"];

/// The wizard's input; cheap to copy into closures.
#[derive(Clone, Copy)]
pub struct DeployForm {
    /// The model version chosen: its ARM id.
    pub model: RwSignal<String>,
    /// Whether the deployment goes to a new endpoint.
    pub new_endpoint: RwSignal<bool>,
    /// The new endpoint's name.
    pub endpoint_name: RwSignal<String>,
    /// The existing endpoint chosen.
    pub existing: RwSignal<String>,
    /// The new endpoint's authentication: `Key` or `AMLToken`.
    pub auth: RwSignal<&'static str>,
    /// The new endpoint's description.
    pub description: RwSignal<String>,
    /// The deployment's name.
    pub deployment: RwSignal<String>,
    /// Its instances' VM size.
    pub vm: VmChoice,
    /// How many instances, as typed.
    pub count: RwSignal<String>,
    /// Its request settings and probes ("Advanced settings").
    pub settings: DeploymentSettings,
    /// The endpoint's traffic split once deployed.
    pub traffic: TrafficShares,
    /// Whether a step's Next (or Create) was pressed with errors: empty fields say so too.
    pub tried: RwSignal<bool>,
}

impl DeployForm {
    /// The form, filled in from the address.
    pub fn from_address(store: Store) -> Self {
        let asked = |key: &str| query_param(key).unwrap_or_default();
        let (model, version) = (asked("model"), asked("version"));
        let picked = store.workspace.with_untracked(|w| {
            w.model_version(&model, &version)
                .map(|v| v.id.clone())
                .unwrap_or_default()
        });
        let endpoint = asked("endpoint");
        let existing = store.workspace.with_untracked(|w| {
            w.endpoint(&endpoint)
                .or_else(|_| w.endpoints.first().map(|e| &**e).ok_or(()))
                .map(|e| e.resource.name.clone())
                .unwrap_or_default()
        });
        let vm = VmChoice::new();
        vm.size.set(DEFAULT_SIZE.to_owned());
        DeployForm {
            model: RwSignal::new(picked),
            new_endpoint: RwSignal::new(endpoint.is_empty() || existing.is_empty()),
            endpoint_name: RwSignal::new(String::new()),
            existing: RwSignal::new(existing),
            auth: RwSignal::new("Key"),
            description: RwSignal::new(String::new()),
            deployment: RwSignal::new(DEPLOYMENT_NAMES[0].to_owned()),
            vm,
            count: RwSignal::new("1".into()),
            settings: DeploymentSettings::new(),
            traffic: TrafficShares(RwSignal::new(Vec::new())),
            tried: RwSignal::new(false),
        }
    }

    /// The endpoint deployed to (reactive).
    pub fn endpoint(&self) -> String {
        match self.new_endpoint.get() {
            true => self.endpoint_name.get().trim().to_owned(),
            false => self.existing.get(),
        }
    }

    /// Why the model chosen cannot be deployed, if so (reactive).
    pub fn model_error(&self, store: Store) -> Option<String> {
        model_choice_error(store, &self.model.get())
    }

    /// What is wrong with the new endpoint's name (shown as it is typed), if anything.
    pub fn endpoint_name_error(&self, store: Store) -> Option<String> {
        let name = self.endpoint_name.get().trim().to_owned();
        if name.is_empty() {
            return self
                .tried
                .get()
                .then(|| "Give the endpoint a name.".to_owned());
        }
        if let Some(e) = endpoint_name_error(&name, "endpoint") {
            return Some(e);
        }
        store.workspace.with(|w| w.endpoint(&name).is_ok()).then(|| {
            format!("An endpoint named '{name}' already exists in this workspace: choose \"Existing\" to add a deployment to it, or give another name.")
        })
    }

    /// What is wrong on the Endpoint step, if anything (reactive).
    pub fn endpoint_error(&self, store: Store) -> Option<String> {
        match self.new_endpoint.get() {
            true => self.endpoint_name_error(store).or_else(|| {
                self.endpoint_name
                    .with(|n| n.trim().is_empty())
                    .then(|| "Give the endpoint a name.".to_owned())
            }),
            false => self
                .existing
                .with(String::is_empty)
                .then(|| "Choose the endpoint to add the deployment to.".to_owned()),
        }
    }

    /// What is wrong with the deployment's name, if anything (reactive).
    pub fn deployment_name_error(&self, store: Store) -> Option<String> {
        let name = self.deployment.get().trim().to_owned();
        if let Some(e) = endpoint_name_error(&name, "deployment") {
            return Some(e);
        }
        let endpoint = self.endpoint();
        let taken = !self.new_endpoint.get()
            && store
                .workspace
                .with(|w| w.deployment(&endpoint, &name).is_ok());
        taken.then(|| format!("The endpoint {endpoint} already has a deployment named '{name}'."))
    }

    /// The instance count, or what is wrong with it (reactive).
    pub fn count(&self) -> Result<u32, String> {
        self.count
            .get()
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=MAX_INSTANCES).contains(n))
            .ok_or_else(|| {
                format!("The instance count is a whole number from 1 to {MAX_INSTANCES}.")
            })
    }

    /// What is wrong on step `step`, if anything (reactive).
    pub fn step_error(&self, store: Store, step: usize) -> Option<String> {
        match STEPS[step] {
            "Model" => self.model_error(store),
            "Endpoint" => self.endpoint_error(store),
            "Deployment" => self
                .deployment_name_error(store)
                .or_else(|| self.count().err())
                .or_else(|| self.settings.error()),
            "Traffic" => self.traffic.error(),
            _ => None,
        }
    }

    /// The deployment as ARM takes it, in the workspace's region `location`.
    pub fn deployment_body(&self, location: String) -> DeploymentResource {
        let mut body = DeploymentResource {
            location,
            kind: Some("Managed".into()),
            sku: Sku {
                name: "Default".into(),
                capacity: untrack(|| self.count()).unwrap_or(1),
            },
            properties: DeploymentProperties {
                endpoint_compute_type: "Managed".into(),
                model: self.model.get_untracked(),
                instance_type: self.vm.size.get_untracked(),
                ..Default::default()
            },
            ..Default::default()
        };
        self.settings.apply(&mut body.properties);
        body
    }

    /// What Create deploys.
    pub fn plan(&self, store: Store) -> DeployPlan {
        let endpoint = untrack(|| self.endpoint());
        let new = self.new_endpoint.get_untracked();
        let description = self.description.get_untracked().trim().to_owned();
        let new_endpoint = new.then(|| EndpointResource {
            kind: Some("Managed".into()),
            properties: EndpointProperties {
                auth_mode: self.auth.get_untracked().into(),
                description: (!description.is_empty()).then_some(description),
                ..Default::default()
            },
            ..Default::default()
        });
        let split = untrack(|| self.traffic.split()).unwrap_or_default();
        let live = |t: &std::collections::BTreeMap<String, u32>| {
            t.iter()
                .filter(|(_, s)| **s > 0)
                .map(|(k, s)| (k.clone(), *s))
                .collect::<Vec<_>>()
        };
        let current = store.workspace.with_untracked(|w| {
            w.endpoint(&endpoint)
                .map(|e| e.resource.properties.traffic.clone())
                .unwrap_or_default()
        });
        let traffic = (new || live(&split) != live(&current)).then_some(split);
        DeployPlan {
            endpoint,
            new_endpoint,
            deployment: self.deployment.get_untracked().trim().to_owned(),
            body: self.deployment_body(
                store
                    .workspace
                    .with_untracked(|w| w.resource.location.clone()),
            ),
            traffic,
        }
    }
}
