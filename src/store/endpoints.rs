//! The Store's online endpoints: a deployment made (with its endpoint, when new, and the
//! traffic it is given, all or nothing in this browser), the traffic split changed, endpoints
//! and deployments deleted, keys listed and regenerated, a request scored (by azimuth-server at
//! the endpoint's scoring address, or in this page: [`super::scoring`]), a deployment's log
//! and the server's request figures. Endpoints are read from the workspace signal.

use super::remote::{self, EndpointFigures, ScoreAnswer};
use super::{scoring, Backend, Store};
use azimuth_core::endpoints::{DeploymentResource, EndpointKeys, EndpointResource};
use azimuth_core::ArmError;
use leptos::prelude::*;
use std::collections::BTreeMap;

/// What the Create wizard deploys.
#[derive(Clone, Debug)]
pub struct DeployPlan {
    /// The endpoint's name.
    pub endpoint: String,
    /// The endpoint to create first, when it is new.
    pub new_endpoint: Option<EndpointResource>,
    /// The deployment's name.
    pub deployment: String,
    /// The deployment.
    pub body: DeploymentResource,
    /// The endpoint's traffic split once the deployment is there (`None`: left as it is).
    pub traffic: Option<BTreeMap<String, u32>>,
}

/// A scoring request's answer and how long it took, as the Test tab shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Scored {
    /// The answer as it came.
    pub answer: ScoreAnswer,
    /// Milliseconds from sending to the whole answer.
    pub millis: f64,
    /// Whether this page scored it (a workspace kept in the browser has no REST endpoint).
    pub here: bool,
}

/// 32 random bytes as hex, from the browser's cryptographic generator (an endpoint's key).
fn fresh_key() -> String {
    let bytes = js_sys::Uint8Array::new_with_length(32);
    let global = js_sys::global();
    let crypto = js_sys::Reflect::get(&global, &"crypto".into()).unwrap_or_default();
    let fill = js_sys::Reflect::get(&crypto, &"getRandomValues".into())
        .ok()
        .and_then(|f| wasm_bindgen::JsCast::dyn_into::<js_sys::Function>(f).ok());
    if let Some(fill) = fill {
        let _ = fill.call1(&crypto, &bytes);
    }
    bytes.to_vec().iter().map(|b| format!("{b:02x}")).collect()
}

/// Milliseconds on the page's monotonic clock (`performance.now()`).
pub(super) fn performance_now() -> f64 {
    let global = js_sys::global();
    let performance = js_sys::Reflect::get(&global, &"performance".into()).unwrap_or_default();
    js_sys::Reflect::get(&performance, &"now".into())
        .ok()
        .and_then(|f| wasm_bindgen::JsCast::dyn_into::<js_sys::Function>(f).ok())
        .and_then(|f| f.call0(&performance).ok())
        .and_then(|v| v.as_f64())
        .unwrap_or_else(js_sys::Date::now)
}

/// The endpoint `name` as the studio holds it, with `traffic` (and `mirror`, when given).
fn with_traffic(
    store: &Store,
    name: &str,
    traffic: BTreeMap<String, u32>,
    mirror: Option<BTreeMap<String, u32>>,
) -> Result<EndpointResource, ArmError> {
    let mut resource = store
        .workspace
        .with_untracked(|w| w.endpoint(name).map(|e| e.resource.clone()))?;
    resource.properties.traffic = traffic;
    if let Some(mirror) = mirror {
        resource.properties.mirror_traffic = mirror;
    }
    Ok(resource)
}

impl Store {
    /// Deploys a model: creates the endpoint when it is new, then the deployment, then gives
    /// it its traffic. In this browser all of it happens or none; on the server a new endpoint
    /// whose deployment is refused is taken away again.
    pub async fn deploy(&self, plan: DeployPlan) -> Result<(), ArmError> {
        let (endpoint, deployment) = (plan.endpoint.clone(), plan.deployment.clone());
        let result = match self.backend {
            Backend::Browser(local) => {
                let keys = EndpointKeys {
                    primary_key: fresh_key(),
                    secondary_key: fresh_key(),
                };
                self.change(local, move |w, me, now| {
                    if let Some(new) = plan.new_endpoint {
                        w.put_endpoint(me, &plan.endpoint, new, (keys, None), now)?;
                    }
                    w.put_deployment(me, &plan.endpoint, &plan.deployment, plan.body, now)?;
                    if let Some(traffic) = plan.traffic {
                        let mut resource = w.endpoint(&plan.endpoint)?.resource.clone();
                        resource.properties.traffic = traffic;
                        w.put_endpoint(me, &plan.endpoint, resource, Default::default(), now)?;
                    }
                    Ok(())
                })
                .await
            }
            Backend::Server(token) => {
                let sent = self.deploy_on_server(&token.get_value(), plan).await;
                self.pull().await;
                sent
            }
        };
        if result.is_ok() {
            self.notify(
                false,
                "Deployment created",
                format!("{deployment} of {endpoint} is being created; it answers requests once it has Succeeded."),
            );
        }
        self.report(&format!("Could not deploy to {endpoint}"), result)
    }

    async fn deploy_on_server(&self, token: &str, plan: DeployPlan) -> Result<(), ArmError> {
        let ws = self.workspace_id();
        let name = &plan.endpoint;
        if let Some(new) = &plan.new_endpoint {
            remote::put_endpoint(token, &ws, name, new).await?;
        }
        let made = remote::put_deployment(token, &ws, name, &plan.deployment, &plan.body).await;
        if let Err(e) = made {
            if plan.new_endpoint.is_some() {
                let _ = remote::delete_endpoint(token, &ws, name).await;
            }
            return Err(e);
        }
        let Some(traffic) = plan.traffic else {
            return Ok(());
        };
        self.pull().await;
        let resource = with_traffic(self, name, traffic, None)?;
        remote::put_endpoint(token, &ws, name, &resource).await
    }

    /// Sets an endpoint's live traffic split (each deployment's share, adding up to 100) and
    /// its mirrored traffic (at most 50% in all, to deployments without live traffic): one PUT
    /// of the endpoint with both.
    pub async fn set_traffic(
        &self,
        name: &str,
        traffic: BTreeMap<String, u32>,
        mirror: BTreeMap<String, u32>,
    ) -> Result<(), ArmError> {
        let result = match self.backend {
            Backend::Browser(local) => {
                self.change(local, |w, me, now| {
                    let mut resource = w.endpoint(name)?.resource.clone();
                    resource.properties.traffic = traffic;
                    resource.properties.mirror_traffic = mirror;
                    w.put_endpoint(me, name, resource, Default::default(), now)
                        .map(drop)
                })
                .await
            }
            Backend::Server(token) => match with_traffic(self, name, traffic, Some(mirror)) {
                Ok(resource) => {
                    let (token, ws) = (token.get_value(), self.workspace_id());
                    let sent = remote::put_endpoint(&token, &ws, name, &resource).await;
                    self.pull().await;
                    sent
                }
                Err(e) => Err(e),
            },
        };
        self.report(&format!("Could not update the traffic of {name}"), result)
    }

    /// Deletes an endpoint with its deployments.
    pub async fn delete_endpoint(&self, name: &str) -> Result<(), ArmError> {
        let result = match self.backend {
            Backend::Browser(local) => {
                self.change(local, |w, me, now| w.delete_endpoint(me, name, now))
                    .await
            }
            Backend::Server(token) => {
                let (token, ws) = (token.get_value(), self.workspace_id());
                let sent = remote::delete_endpoint(&token, &ws, name).await;
                self.pull().await;
                sent
            }
        };
        if result.is_ok() {
            self.notify(
                false,
                "Endpoint deleted",
                format!("{name} and its deployments were deleted."),
            );
        }
        self.report(&format!("Could not delete {name}"), result)
    }

    /// Deletes a deployment (refused while it gets traffic).
    pub async fn delete_deployment(&self, endpoint: &str, name: &str) -> Result<(), ArmError> {
        let result = match self.backend {
            Backend::Browser(local) => {
                self.change(local, |w, me, now| {
                    w.delete_deployment(me, endpoint, name, now)
                })
                .await
            }
            Backend::Server(token) => {
                let (token, ws) = (token.get_value(), self.workspace_id());
                let sent = remote::delete_deployment(&token, &ws, endpoint, name).await;
                self.pull().await;
                sent
            }
        };
        if result.is_ok() {
            self.notify(
                false,
                "Deployment deleted",
                format!("{name} of {endpoint} was deleted."),
            );
        }
        self.report(&format!("Could not delete {name}"), result)
    }

    /// An endpoint's keys (`listKeys`), for the roles that may see them.
    pub async fn endpoint_keys(&self, name: &str) -> Result<EndpointKeys, ArmError> {
        match self.backend {
            Backend::Browser(_) => {
                let me = self.member_name.get_untracked();
                self.workspace
                    .with_untracked(|w| w.endpoint_keys(&me, name))
            }
            Backend::Server(token) => {
                remote::list_endpoint_keys(&token.get_value(), &self.workspace_id(), name).await
            }
        }
    }

    /// Regenerates an endpoint's `Primary` or `Secondary` key; the old one stops working.
    pub async fn regenerate_endpoint_key(
        &self,
        name: &str,
        key_type: &str,
    ) -> Result<(), ArmError> {
        let result = match self.backend {
            Backend::Browser(local) => {
                let fresh = fresh_key();
                self.change(local, |w, me, now| {
                    w.regenerate_endpoint_key(me, name, key_type, fresh, now)
                        .map(drop)
                })
                .await
            }
            Backend::Server(token) => {
                let (token, ws) = (token.get_value(), self.workspace_id());
                remote::regenerate_endpoint_key(&token, &ws, name, key_type).await
            }
        };
        if result.is_ok() {
            self.notify(
                false,
                "Key regenerated",
                format!(
                    "The old {} key of {name} no longer works.",
                    key_type.to_lowercase()
                ),
            );
        }
        self.report(&format!("Could not regenerate the key of {name}"), result)
    }

    /// What a caller of endpoint `name` signs in with: its primary key, or (AMLToken) a token.
    pub async fn endpoint_credential(&self, name: &str) -> Result<String, ArmError> {
        let mode = self.workspace.with_untracked(|w| {
            w.endpoint(name)
                .map(|e| e.resource.properties.auth_mode.clone())
        })?;
        match (mode.as_str(), self.backend) {
            ("AMLToken", Backend::Server(token)) => {
                remote::endpoint_token(&token.get_value(), &self.workspace_id(), name).await
            }
            _ => self.endpoint_keys(name).await.map(|k| k.primary_key),
        }
    }

    /// Scores `request` at endpoint `name` (by `deployment` when one is named, else as its
    /// traffic falls): posted to its scoring address, or scored in this page.
    pub async fn score(
        &self,
        name: &str,
        deployment: Option<&str>,
        request: String,
    ) -> Result<Scored, ArmError> {
        let Backend::Server(_) = self.backend else {
            let started = performance_now();
            let answer = scoring::score_here(self, name, deployment, &request).await;
            return Ok(Scored {
                answer,
                millis: performance_now() - started,
                here: true,
            });
        };
        let uri = self.workspace.with_untracked(|w| {
            w.endpoint(name)
                .map(|e| e.resource.properties.scoring_uri.clone())
        })?;
        let Some(uri) = uri else {
            return Err(ArmError::new(
                "UserError",
                format!("The endpoint '{name}' has no scoring address yet."),
            ));
        };
        let credential = self.endpoint_credential(name).await?;
        // The page's own server answers it: its path, on the page's origin.
        let path = same_origin(&uri);
        let started = performance_now();
        let answer = remote::post_score(&path, &credential, deployment, request).await?;
        Ok(Scored {
            answer,
            millis: performance_now() - started,
            here: false,
        })
    }

    /// The last `tail` lines of a deployment's log: the server's, or this page's own lines.
    pub async fn deployment_logs(
        &self,
        endpoint: &str,
        name: &str,
        tail: u32,
    ) -> Result<String, ArmError> {
        match self.backend {
            Backend::Browser(_) => {
                let id = self.workspace.with_untracked(|w| {
                    w.deployment(endpoint, name).map(|d| d.resource.id.clone())
                })?;
                Ok(scoring::page_log(&id, tail as usize))
            }
            Backend::Server(token) => {
                let ws = self.workspace_id();
                remote::deployment_logs(&token.get_value(), &ws, endpoint, name, tail).await
            }
        }
    }

    /// The server's figures of an endpoint's last hour of requests (none in this browser).
    pub async fn endpoint_metrics(&self, name: &str) -> Result<EndpointFigures, ArmError> {
        match self.backend {
            Backend::Browser(_) => Err(ArmError::new(
                "UserError",
                "Monitoring needs azimuth-server.",
            )),
            Backend::Server(token) => {
                remote::endpoint_metrics(&token.get_value(), &self.workspace_id(), name).await
            }
        }
    }
}

/// An absolute address's path and query (`http://host/inference/x/score` → `/inference/x/score`).
pub(super) fn same_origin(uri: &str) -> String {
    let rest = uri.split_once("://").map_or(uri, |(_, rest)| rest);
    match rest.find('/') {
        Some(at) => rest[at..].to_owned(),
        None => "/".to_owned(),
    }
}
