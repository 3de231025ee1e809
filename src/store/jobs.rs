//! The Store's jobs: experiments, pages of the runs table, a run, a metric's history for a
//! chart, and jobs over ARM (read, submitted, canceled). Runs live where they are logged: on azimuth-server, which answers MLflow's tracking
//! API. A workspace kept in this browser has no tracking server, so it has no jobs yet (the
//! studio does not link the Jobs pages there).

use super::remote::{self, ExperimentSummary, ScriptToken, Series, TableRequest};
use super::{Backend, Store};
use azimuth_core::jobs::code::CodeVersionResource;
use azimuth_core::jobs::table::TablePage;
use azimuth_core::jobs::Run;
use azimuth_core::ArmError;
use leptos::prelude::*;

fn no_tracking() -> ArmError {
    ArmError::new(
        "NotSupported",
        "Jobs are kept by azimuth-server, which answers MLflow's tracking API; this workspace is kept in your browser.",
    )
}

impl Store {
    /// Whether this workspace has jobs to show (it is on a server).
    pub fn keeps_jobs(&self) -> bool {
        matches!(self.backend, Backend::Server(_))
    }

    fn tracking_token(&self) -> Result<String, ArmError> {
        match self.backend {
            Backend::Server(token) => Ok(token.get_value()),
            Backend::Browser(_) => Err(no_tracking()),
        }
    }

    /// A signal that changes whenever runs of this workspace change on the server (a run
    /// created, logged to, ended), for pages that show runs to read them again.
    pub fn runs_changed(&self) -> ReadSignal<u64> {
        self.runs_changed.read_only()
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
        remote::job_experiments(&self.tracking_token()?, &self.workspace_id()).await
    }

    /// One page of the runs table.
    pub async fn runs_table(&self, request: &TableRequest) -> Result<TablePage, ArmError> {
        remote::runs_table(&self.tracking_token()?, &self.workspace_id(), request).await
    }

    /// A run, with its latest metrics, params and tags.
    pub async fn run(&self, run_id: &str) -> Result<Run, ArmError> {
        remote::run(&self.tracking_token()?, &self.workspace_id(), run_id).await
    }

    /// A job as ARM answers it (its status, why, and what it runs).
    pub async fn job(&self, name: &str) -> Result<serde_json::Value, ArmError> {
        remote::job(&self.tracking_token()?, &self.workspace_id(), name).await
    }

    /// Submits a command job (the body ARM's PUT takes); answers it as ARM does.
    pub async fn submit_job(
        &self,
        name: &str,
        body: &serde_json::Value,
    ) -> Result<serde_json::Value, ArmError> {
        remote::put_job(&self.tracking_token()?, &self.workspace_id(), name, body).await
    }

    /// A code version of this workspace (what a command job's `codeId` may name).
    pub async fn code_version(
        &self,
        name: &str,
        version: &str,
    ) -> Result<CodeVersionResource, ArmError> {
        let token = self.tracking_token()?;
        remote::code_version(&token, &self.workspace_id(), name, version).await
    }

    /// Cancels a job: one that waits ends at once, one that runs once its process has ended.
    pub async fn cancel_job(&self, name: &str) -> Result<(), ArmError> {
        remote::cancel_job(&self.tracking_token()?, &self.workspace_id(), name).await
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
        let token = self.tracking_token()?;
        remote::metric_series(&token, &self.workspace_id(), run_id, key, x, range, buckets).await
    }
}
