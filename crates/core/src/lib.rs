//! azimuth-core: the Azimuth workspace engine. Every rule (names, lifecycle, quotas, roles,
//! schedules) lives here once; the browser store and the server both call it. Pure Rust, no IO,
//! no clock: callers pass `now` in milliseconds since the epoch.
//!
//! Laid out as the studio's navigation is: `workspace` (the workspace, its people and roles),
//! one folder per asset kind (`compute`, and the assets to come), `arm` for what every ARM
//! resource shares, and `time`. An asset folder uses `arm`, `time` and the workspace, never
//! another asset's internals.

// The readers `#[derive(FromValue)]` writes name the trait as `::azimuth_core::...`.
extern crate self as azimuth_core;

pub mod arm;
pub mod compute;
pub mod data;
pub mod endpoints;
pub mod jobs;
pub mod models;
pub mod notebooks;
pub mod time;
pub mod workspace;
pub(crate) mod yaml_in;
pub(crate) mod yaml_out;

pub use arm::ArmError;
/// The training engine, whose names (algorithms, primary metrics) AutoML jobs use.
pub use azimuth_ml as ml;
pub use compute::lifecycle::{Operation, Pace, Trigger};
pub use compute::quota::QuotaUsage;
pub use compute::settle::{idle_shutdown_ms, next_shutdown};
pub use compute::{ComputeResource, StoredCompute, MAX_SCHEDULES};
pub use workspace::{Activity, Workspace};
