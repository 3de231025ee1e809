//! Compute: the four kinds of compute, each tab at its own URL, and compute instance pages.

mod actions;
mod details;
mod instances;
mod new_instance;
mod other;
mod tabs;

pub use details::InstanceDetailsPage;
pub use instances::InstancesPage;
pub use other::{OtherComputeKind, OtherComputePage};
