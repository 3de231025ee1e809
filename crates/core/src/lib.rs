//! azimuth-core: the Azimuth workspace engine. Every rule (names, lifecycle, quotas, roles,
//! schedules) lives here once; the browser store and the server both call it. Pure Rust, no IO,
//! no clock: callers pass `now` in milliseconds since the epoch.

pub mod arm;
pub mod attach;
pub mod catalogue;
pub mod cluster;
pub mod cost;
mod create;
mod ids;
pub mod json;
pub mod json_de;
pub mod lifecycle;
pub mod names;
pub mod quota;
pub mod request;
pub mod roles;
pub mod schedule;
pub mod seed;
mod settle;
pub mod snapshot;
pub mod time;
mod update;
pub mod workspace;
pub mod yaml;
pub mod yaml_in;

pub use arm::{ArmError, ComputeResource};
pub use create::MAX_SCHEDULES;
pub use lifecycle::{Operation, Pace, Trigger};
pub use quota::QuotaUsage;
pub use settle::{idle_shutdown_ms, next_shutdown};
pub use workspace::{Activity, StoredCompute, Workspace};
