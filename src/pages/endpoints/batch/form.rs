//! What the batch endpoint wizard holds, filled in from the address (`?model=&version=` from a
//! model's page), each step's check (the engine's name rule, names taken by batch and online
//! endpoints alike, the numbers) and the plan it creates.

use crate::pages::endpoints::model_choice_error;
use crate::router::query_param;
use crate::store::{BatchPlan, Store};
use azimuth_core::compute::cluster::is_cluster;
use azimuth_core::endpoints::batch::{
    AssetReference, BatchDeploymentProperties, BatchDeploymentResource, BatchEndpointProperties,
    BatchEndpointResource,
};
use azimuth_core::endpoints::rules::endpoint_name_error;
use leptos::prelude::*;

/// The steps, in order.
pub const STEPS: [&str; 5] = ["Endpoint", "Model", "Deployment", "Compute", "Review"];

/// The wizard's input; cheap to copy into closures.
#[derive(Clone, Copy)]
pub struct BatchForm {
    /// The endpoint's name.
    pub endpoint_name: RwSignal<String>,
    /// Its description.
    pub description: RwSignal<String>,
    /// The model version chosen: its ARM id.
    pub model: RwSignal<String>,
    /// The deployment's name.
    pub deployment: RwSignal<String>,
    /// How many files a mini-batch holds, as typed.
    pub mini_batch_size: RwSignal<String>,
    /// `AppendRow` or `SummaryOnly`.
    pub output_action: RwSignal<&'static str>,
    /// The output file's name.
    pub output_file_name: RwSignal<String>,
    /// How many mini-batches may fail (-1: any number), as typed.
    pub error_threshold: RwSignal<String>,
    /// The compute cluster chosen, by name.
    pub compute: RwSignal<String>,
    /// How many of its nodes a job uses, as typed.
    pub instance_count: RwSignal<String>,
    /// Whether Next (or Create) was pressed with errors: empty fields say so too.
    pub tried: RwSignal<bool>,
}

/// A whole number typed in `text` within `range`, or what is wrong with it.
fn number_in(text: &str, range: std::ops::RangeInclusive<i64>, what: &str) -> Result<i64, String> {
    text.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| {
            format!(
                "{what} is a whole number from {} to {}.",
                range.start(),
                range.end()
            )
        })
}

impl BatchForm {
    /// The form, filled in from the address.
    pub fn from_address(store: Store) -> Self {
        let asked = |key: &str| query_param(key).unwrap_or_default();
        let (model, version) = (asked("model"), asked("version"));
        let (picked, cluster) = store.workspace.with_untracked(|w| {
            let picked = w.model_version(&model, &version).map(|v| v.id.clone());
            let cluster = w.computes.iter().find(|c| is_cluster(&c.resource));
            (
                picked.unwrap_or_default(),
                cluster.map(|c| c.resource.name.clone()).unwrap_or_default(),
            )
        });
        BatchForm {
            endpoint_name: RwSignal::new(String::new()),
            description: RwSignal::new(String::new()),
            model: RwSignal::new(picked),
            deployment: RwSignal::new(String::new()),
            mini_batch_size: RwSignal::new("10".into()),
            output_action: RwSignal::new("AppendRow"),
            output_file_name: RwSignal::new("predictions.csv".into()),
            error_threshold: RwSignal::new("-1".into()),
            compute: RwSignal::new(cluster),
            instance_count: RwSignal::new("1".into()),
            tried: RwSignal::new(false),
        }
    }

    /// What is wrong with the endpoint's name (shown as it is typed), if anything.
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
        let (batch, online) = store
            .workspace
            .with(|w| (w.batch_endpoint(&name).is_ok(), w.endpoint(&name).is_ok()));
        match (batch, online) {
            (true, _) => Some(format!("A batch endpoint named '{name}' already exists in this workspace: give another name.")),
            (_, true) => Some(format!("A real-time endpoint is named '{name}': batch and real-time endpoints share their names. Give another name.")),
            _ => None,
        }
    }

    /// What is wrong with the deployment's name, if anything (reactive).
    pub fn deployment_name_error(&self) -> Option<String> {
        let name = self.deployment.get().trim().to_owned();
        if name.is_empty() {
            return self
                .tried
                .get()
                .then(|| "Give the deployment a name.".to_owned());
        }
        endpoint_name_error(&name, "deployment")
    }

    /// The mini-batch size, or what is wrong with it (reactive).
    pub fn mini_batch_size(&self) -> Result<i64, String> {
        number_in(
            &self.mini_batch_size.get(),
            1..=10_000,
            "The mini-batch size",
        )
    }

    /// The error threshold, or what is wrong with it (reactive).
    pub fn error_threshold(&self) -> Result<i64, String> {
        number_in(
            &self.error_threshold.get(),
            -1..=i64::from(i32::MAX),
            "The error threshold",
        )
    }

    /// What is wrong with the output file's name, if anything (reactive).
    pub fn output_file_error(&self) -> Option<String> {
        let name = self.output_file_name.get();
        let name = name.trim();
        (name.is_empty() || name.contains('/') || name.contains('\\'))
            .then(|| "Give the output file a name, without folders (predictions.csv).".to_owned())
    }

    /// The instance count, or what is wrong with it (reactive).
    pub fn instance_count(&self) -> Result<i64, String> {
        number_in(&self.instance_count.get(), 1..=100, "The instance count")
    }

    /// What is wrong with the compute chosen, if anything (reactive).
    pub fn compute_error(&self, store: Store) -> Option<String> {
        let name = self.compute.get();
        let found = store.workspace.with(|w| {
            w.computes
                .iter()
                .any(|c| c.resource.name == name && is_cluster(&c.resource))
        });
        (!found).then(|| "Choose the compute cluster that runs the deployment's jobs.".to_owned())
    }

    /// What is wrong on step `step`, if anything (reactive).
    pub fn step_error(&self, store: Store, step: usize) -> Option<String> {
        match STEPS[step] {
            "Endpoint" => self.endpoint_name_error(store).or_else(|| {
                self.endpoint_name
                    .with(|n| n.trim().is_empty())
                    .then(|| "Give the endpoint a name.".to_owned())
            }),
            "Model" => model_choice_error(store, &self.model.get()),
            "Deployment" => (self.deployment_name_error())
                .or_else(|| {
                    (self.deployment.with(|d| d.trim().is_empty()))
                        .then(|| "Give the deployment a name.".to_owned())
                })
                .or_else(|| self.mini_batch_size().err())
                .or_else(|| self.output_file_error())
                .or_else(|| self.error_threshold().err()),
            "Compute" => self
                .compute_error(store)
                .or_else(|| self.instance_count().err()),
            _ => None,
        }
    }

    /// The deployment as ARM takes it, in the workspace's region.
    pub fn deployment_body(&self, store: Store) -> BatchDeploymentResource {
        let (location, compute) = store.workspace.with_untracked(|w| {
            let name = self.compute.get_untracked();
            let id = w.compute(&name).map_or(name, |c| c.resource.id.clone());
            (w.resource.location.clone(), id)
        });
        let count = untrack(|| self.instance_count()).unwrap_or(1);
        let resources = serde_json::json!({ "instanceCount": count });
        BatchDeploymentResource {
            location,
            properties: BatchDeploymentProperties {
                compute,
                model: AssetReference {
                    reference_type: "Id".into(),
                    asset_id: self.model.get_untracked(),
                },
                resources: resources.as_object().cloned().unwrap_or_default(),
                mini_batch_size: untrack(|| self.mini_batch_size()).unwrap_or(10) as u32,
                output_action: self.output_action.get_untracked().into(),
                output_file_name: self.output_file_name.get_untracked().trim().to_owned(),
                error_threshold: untrack(|| self.error_threshold()).ok(),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    /// What Create makes.
    pub fn plan(&self, store: Store) -> BatchPlan {
        let description = self.description.get_untracked().trim().to_owned();
        BatchPlan {
            endpoint: self.endpoint_name.get_untracked().trim().to_owned(),
            body: BatchEndpointResource {
                location: store
                    .workspace
                    .with_untracked(|w| w.resource.location.clone()),
                properties: BatchEndpointProperties {
                    auth_mode: "AADToken".into(),
                    description: (!description.is_empty()).then_some(description),
                    ..Default::default()
                },
                ..Default::default()
            },
            deployment: self.deployment.get_untracked().trim().to_owned(),
            deployment_body: self.deployment_body(store),
        }
    }
}
