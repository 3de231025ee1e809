//! The Store's batch endpoints: an endpoint made with its first deployment (all or nothing in
//! this browser; on the server a new endpoint whose deployment is refused is taken away
//! again), its default deployment changed, endpoints and deployments deleted, an endpoint
//! invoked (a scoring job started: by the server's runner, or scored by this page) and its
//! jobs listed.
//! Endpoints are read from the workspace signal.

use super::endpoints::same_origin;
use super::{remote, Backend, Store};
use azimuth_core::endpoints::batch::{BatchDeploymentResource, BatchEndpointResource};
use azimuth_core::ArmError;
use leptos::prelude::*;
use serde_json::{json, Value};

/// What the batch endpoint wizard creates.
#[derive(Clone, Debug)]
pub struct BatchPlan {
    /// The endpoint's name.
    pub endpoint: String,
    /// The endpoint.
    pub body: BatchEndpointResource,
    /// Its first deployment's name.
    pub deployment: String,
    /// The deployment.
    pub deployment_body: BatchDeploymentResource,
}

/// What a batch scoring job scores, as "Create job" asks it.
#[derive(Clone, Debug, PartialEq)]
pub struct BatchInput {
    /// The deployment that scores it (`None`: the endpoint's default).
    pub deployment: Option<String>,
    /// `UriFolder` or `UriFile`.
    pub input_type: String,
    /// `azureml:<asset>:<version>` or `azureml://datastores/<ds>/paths/<path>`.
    pub uri: String,
    /// The output file's name (`None`: the deployment's).
    pub output_file_name: Option<String>,
}

/// One job a batch endpoint started, as its Jobs tab lists it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BatchJobRow {
    /// The job's name.
    pub name: String,
    /// Its status (`Running`, `Completed`…).
    pub status: String,
    /// When it was created (ISO 8601).
    pub created_at: String,
    /// The deployment that scored it.
    pub deployment: String,
}

impl BatchJobRow {
    /// The row of a job resource as ARM answers it.
    pub fn of(job: &Value) -> Self {
        let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
        BatchJobRow {
            name: text(&job["name"]),
            status: text(&job["properties"]["status"]),
            created_at: text(&job["systemData"]["createdAt"]),
            deployment: text(&job["properties"]["properties"]["azureml.deploymentName"]),
        }
    }
}

impl Store {
    /// Creates a batch endpoint with its first deployment (which becomes its default).
    pub async fn create_batch_endpoint(&self, plan: BatchPlan) -> Result<(), ArmError> {
        let name = plan.endpoint.clone();
        let result = match self.backend {
            Backend::Browser(local) => {
                self.change(local, move |w, me, now| {
                    w.put_batch_endpoint(me, &plan.endpoint, plan.body, None, now)?;
                    w.put_batch_deployment(
                        me,
                        &plan.endpoint,
                        &plan.deployment,
                        plan.deployment_body,
                        now,
                    )
                    .map(drop)
                })
                .await
            }
            Backend::Server(token) => {
                let (token, ws) = (token.get_value(), self.workspace_id());
                let sent = async {
                    remote::put_batch_endpoint(&token, &ws, &name, &plan.body).await?;
                    let made = remote::put_batch_deployment(
                        &token,
                        &ws,
                        &name,
                        &plan.deployment,
                        &plan.deployment_body,
                    )
                    .await;
                    if made.is_err() {
                        let _ = remote::delete_batch_endpoint(&token, &ws, &name).await;
                    }
                    made
                }
                .await;
                self.pull().await;
                sent
            }
        };
        if result.is_ok() {
            self.notify(
                false,
                "Batch endpoint created",
                format!("{name} is being created; it takes jobs once it has Succeeded."),
            );
        }
        self.report(&format!("Could not create {name}"), result)
    }

    /// Makes `deployment` the default of batch endpoint `name` (PUT with `defaults.deploymentName`).
    pub async fn set_default_batch_deployment(
        &self,
        name: &str,
        deployment: &str,
    ) -> Result<(), ArmError> {
        let mut resource = self
            .workspace
            .with_untracked(|w| w.batch_endpoint(name).map(|e| e.resource.clone()))?;
        resource.properties.defaults.deployment_name = Some(deployment.to_owned());
        let result = match self.backend {
            Backend::Browser(local) => {
                self.change(local, |w, me, now| {
                    w.put_batch_endpoint(me, name, resource, None, now)
                        .map(drop)
                })
                .await
            }
            Backend::Server(token) => {
                let (token, ws) = (token.get_value(), self.workspace_id());
                let sent = remote::put_batch_endpoint(&token, &ws, name, &resource).await;
                self.pull().await;
                sent
            }
        };
        self.report(
            &format!("Could not make {deployment} the default of {name}"),
            result,
        )
    }

    /// Deletes a batch endpoint with its deployments.
    pub async fn delete_batch_endpoint(&self, name: &str) -> Result<(), ArmError> {
        let result = match self.backend {
            Backend::Browser(local) => {
                self.change(local, |w, me, now| w.delete_batch_endpoint(me, name, now))
                    .await
            }
            Backend::Server(token) => {
                let (token, ws) = (token.get_value(), self.workspace_id());
                let sent = remote::delete_batch_endpoint(&token, &ws, name).await;
                self.pull().await;
                sent
            }
        };
        if result.is_ok() {
            self.notify(
                false,
                "Batch endpoint deleted",
                format!("{name} and its deployments were deleted."),
            );
        }
        self.report(&format!("Could not delete {name}"), result)
    }

    /// Deletes a batch deployment.
    pub async fn delete_batch_deployment(
        &self,
        endpoint: &str,
        name: &str,
    ) -> Result<(), ArmError> {
        let result = match self.backend {
            Backend::Browser(local) => {
                self.change(local, |w, me, now| {
                    w.delete_batch_deployment(me, endpoint, name, now)
                })
                .await
            }
            Backend::Server(token) => {
                let (token, ws) = (token.get_value(), self.workspace_id());
                let sent = remote::delete_batch_deployment(&token, &ws, endpoint, name).await;
                self.pull().await;
                sent
            }
        };
        self.report(&format!("Could not delete {name}"), result)
    }

    /// Whether this page scores the batch jobs (a workspace kept in this browser).
    pub fn scores_batch_jobs_here(&self) -> bool {
        matches!(self.backend, Backend::Browser(_))
    }

    /// Invokes batch endpoint `name` on `input`: the name of the scoring job it started (on
    /// azimuth-server by its runner, in a workspace kept in this browser by this page).
    pub async fn invoke_batch_endpoint(
        &self,
        name: &str,
        input: BatchInput,
    ) -> Result<String, ArmError> {
        let mut properties = json!({
            "inputData": {"input_data": {"jobInputType": input.input_type, "uri": input.uri}}
        });
        if let Some(file) = input.output_file_name {
            properties["outputFileName"] = Value::String(file);
        }
        let body = json!({ "properties": properties });
        let result = match self.backend {
            Backend::Server(token) => {
                self.invoke_on_server(&token.get_value(), name, input.deployment.as_deref(), &body)
                    .await
            }
            Backend::Browser(_) => {
                self.invoke_here(name, input.deployment.as_deref(), &body)
                    .await
            }
        };
        self.report(&format!("Could not start a job on {name}"), result)
    }

    /// Posts the invocation to the endpoint's scoring address.
    async fn invoke_on_server(
        &self,
        token: &str,
        name: &str,
        deployment: Option<&str>,
        body: &Value,
    ) -> Result<String, ArmError> {
        let uri = self.workspace.with_untracked(|w| {
            w.batch_endpoint(name)
                .map(|e| e.resource.properties.scoring_uri.clone())
        })?;
        let Some(uri) = uri else {
            return Err(ArmError::new(
                "UserError",
                format!("The batch endpoint '{name}' has no scoring address yet."),
            ));
        };
        let job =
            remote::invoke_batch_endpoint(token, &same_origin(&uri), deployment, body).await?;
        Ok(BatchJobRow::of(&job).name)
    }

    /// Starts the engine's job for the invocation and scores it in this page.
    async fn invoke_here(
        &self,
        name: &str,
        deployment: Option<&str>,
        body: &Value,
    ) -> Result<String, ArmError> {
        let (ws, me) = (
            self.workspace.get_untracked(),
            self.member_name.get_untracked(),
        );
        let job = format!("batchjob-{}", super::local::random_guid());
        let submission = ws.invoke_batch(&me, name, deployment, &job, body)?;
        super::local::jobs::start_batch(&ws, &me, &job, submission, self.now()).await?;
        self.note_runs_changed();
        super::training::start(*self, ws, job.clone());
        Ok(job)
    }

    /// The jobs batch endpoint `name` started, newest first.
    pub async fn batch_endpoint_jobs(&self, name: &str) -> Result<Vec<BatchJobRow>, ArmError> {
        let jobs = match self.backend {
            Backend::Server(token) => {
                remote::batch_endpoint_jobs(&token.get_value(), &self.workspace_id(), name).await?
            }
            Backend::Browser(_) => {
                let ws = self.workspace.get_untracked();
                super::local::jobs::batch_jobs(&ws, name).await?
            }
        };
        Ok(jobs.iter().map(BatchJobRow::of).collect())
    }
}
