//! Jobs and experiments as MLflow's tracking API sees them: experiments, runs (a run is a job,
//! named by its run id), params, tags and metrics, with MLflow's rules and limits, its search
//! grammar (widened with OR, NOT and parentheses) and the metric summaries (last, min, max) a
//! runs table shows without reading histories. Pure: the server keeps them in SQLite, and the
//! browser store keeps them in IndexedDB, both through these types and rules.

pub mod automl;
pub mod code;
pub mod command;
pub mod experiment;
pub mod filter;
pub mod job;
pub mod limits;
pub mod links;
pub mod metrics;
pub mod names;
pub mod order;
pub mod run;
pub mod status;
pub mod submit;
pub mod table;
pub mod tracking;
pub mod yaml;

pub use tracking::{
    Experiment, LifecycleStage, Metric, Run, RunData, RunInfo, RunStatus, Tag, TrackingError,
    ViewType,
};
