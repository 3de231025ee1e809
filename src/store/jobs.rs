//! The Store's jobs: experiments, pages of the runs table, a run, a metric's history for a
//! chart, and jobs over ARM (read, submitted, canceled). Runs live where they are logged: on
//! azimuth-server, which answers MLflow's tracking API, or, for a workspace kept in this
//! browser, in its IndexedDB (`local::jobs`), where command jobs wait since nothing runs them
//! and AutoML jobs train in the tab's worker (`training`).

use super::local::jobs as local_jobs;
use super::remote::{self, ScriptToken, Series, TableRequest};
use super::{Backend, Store};
use azimuth_core::jobs::code::CodeVersionResource;
use azimuth_core::jobs::experiment::ExperimentSummary;
use azimuth_core::jobs::table::TablePage;
use azimuth_core::jobs::Run;
use azimuth_core::ArmError;
use leptos::prelude::*;

/// What a workspace kept in the browser cannot do, and where it can be done.
fn server_only(what: &str) -> ArmError {
    ArmError::new(
        "NotSupported",
        format!("{what} are kept by azimuth-server, which answers MLflow's tracking API; this workspace is kept in your browser."),
    )
}

impl Store {
    /// The session's token on the server, or `None` for a workspace kept in this browser.
    fn server_token(&self) -> Option<String> {
        match self.backend {
            Backend::Server(token) => Some(token.get_value()),
            Backend::Browser(_) => None,
        }
    }

    fn tracking_token(&self) -> Result<String, ArmError> {
        self.server_token()
            .ok_or_else(|| server_only("Tokens for scripts"))
    }

    /// A signal that changes whenever runs of this workspace change (a run created, logged
    /// to, ended: on the server, or in this browser by this tab or another), for pages that
    /// show runs to read them again.
    pub fn runs_changed(&self) -> ReadSignal<u64> {
        self.runs_changed.read_only()
    }

    /// Tells the pages showing runs that they changed (see [`Store::runs_changed`]).
    pub(super) fn note_runs_changed(&self) {
        self.runs_changed.update(|n| *n += 1);
    }

    /// The workspace's MLflow tracking URI, which a script sets as `MLFLOW_TRACKING_URI`.
    pub fn tracking_uri(&self) -> String {
        self.workspace
            .with_untracked(|w| w.resource.properties.ml_flow_tracking_uri.clone())
    }

    /// Makes a token for scripts (`MLFLOW_TRACKING_TOKEN`) named `name`: it logs runs with
    /// the person's role for 90 days and can do nothing else, unlike the session's own token.
    pub async fn script_token(&self, name: &str) -> Result<ScriptToken, ArmError> {
        remote::script_token(&self.tracking_token()?, name).await
    }

    /// The person's tokens for scripts that still work, newest first (never the tokens).
    pub async fn script_tokens(&self) -> Result<Vec<ScriptToken>, ArmError> {
        remote::script_tokens(&self.tracking_token()?).await
    }

    /// Takes back a token for scripts: it stops working at once.
    pub async fn revoke_script_token(&self, id: &str) -> Result<(), ArmError> {
        remote::revoke_script_token(&self.tracking_token()?, id).await
    }

    /// The workspace's experiments with their run counts.
    pub async fn job_experiments(&self) -> Result<Vec<ExperimentSummary>, ArmError> {
        match self.server_token() {
            Some(token) => remote::job_experiments(&token, &self.workspace_id()).await,
            None => local_jobs::experiments(&self.workspace.get_untracked()).await,
        }
    }

    /// One page of the runs table.
    pub async fn runs_table(&self, request: &TableRequest) -> Result<TablePage, ArmError> {
        match self.server_token() {
            Some(token) => remote::runs_table(&token, &self.workspace_id(), request).await,
            None => {
                let ws = self.workspace.get_untracked();
                super::training::fail_left_behind(*self, &ws).await;
                local_jobs::runs_table(&ws, request, self.now()).await
            }
        }
    }

    /// A run, with its latest metrics, params and tags.
    pub async fn run(&self, run_id: &str) -> Result<Run, ArmError> {
        match self.server_token() {
            Some(token) => remote::run(&token, &self.workspace_id(), run_id).await,
            None => local_jobs::run(&self.workspace.get_untracked(), run_id).await,
        }
    }

    /// A job as ARM answers it (its status, why, and what it runs).
    pub async fn job(&self, name: &str) -> Result<serde_json::Value, ArmError> {
        match self.server_token() {
            Some(token) => remote::job(&token, &self.workspace_id(), name).await,
            None => {
                let ws = self.workspace.get_untracked();
                super::training::fail_left_behind(*self, &ws).await;
                local_jobs::job(&ws, name).await
            }
        }
    }

    /// Submits a command job (the body ARM's PUT takes); answers it as ARM does.
    pub async fn submit_job(
        &self,
        name: &str,
        body: &serde_json::Value,
    ) -> Result<serde_json::Value, ArmError> {
        match self.server_token() {
            Some(token) => remote::put_job(&token, &self.workspace_id(), name, body).await,
            None => {
                let (ws, me) = (
                    self.workspace.get_untracked(),
                    self.member_name.get_untracked(),
                );
                let created = local_jobs::job(&ws, name).await.is_err();
                let job = local_jobs::submit(&ws, &me, name, body, self.now()).await?;
                self.note_runs_changed();
                if created && body["properties"]["jobType"] == "AutoML" {
                    super::training::start(*self, ws, name.to_owned());
                }
                Ok(job)
            }
        }
    }

    /// A code version of this workspace (what a command job's `codeId` may name).
    pub async fn code_version(
        &self,
        name: &str,
        version: &str,
    ) -> Result<CodeVersionResource, ArmError> {
        let token = self
            .server_token()
            .ok_or_else(|| server_only("Code versions"))?;
        remote::code_version(&token, &self.workspace_id(), name, version).await
    }

    /// Cancels a job: one that waits ends at once, one that runs once its process has ended.
    pub async fn cancel_job(&self, name: &str) -> Result<(), ArmError> {
        match self.server_token() {
            Some(token) => remote::cancel_job(&token, &self.workspace_id(), name).await,
            None => {
                let (ws, me) = (
                    self.workspace.get_untracked(),
                    self.member_name.get_untracked(),
                );
                local_jobs::cancel(&ws, &me, name, self.now()).await?;
                self.note_runs_changed();
                Ok(())
            }
        }
    }

    /// A metric's history for a chart: `x` is `step` or `time`, `range` the x range shown.
    pub async fn metric_series(
        &self,
        run_id: &str,
        key: &str,
        x: &str,
        range: (Option<i64>, Option<i64>),
        buckets: u32,
    ) -> Result<Series, ArmError> {
        match self.server_token() {
            Some(token) => {
                let ws = self.workspace_id();
                remote::metric_series(&token, &ws, run_id, key, x, range, buckets).await
            }
            // A browser job's values are few (one per AutoML trial): all of them, no buckets.
            None => {
                let ws = self.workspace.get_untracked();
                local_jobs::metric_series(&ws, run_id, key, x, range).await
            }
        }
    }
}
