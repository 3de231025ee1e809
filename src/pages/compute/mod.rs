//! Compute: the four kinds of compute, each tab at its own URL, their pages, and quota and costs.

mod actions;
mod cluster_details;
mod clusters;
mod details;
mod instances;
mod new_cluster;
mod new_instance;
mod other;
mod quota;
pub(crate) mod size_picker;
mod tabs;

pub use cluster_details::ClusterDetailsPage;
pub use clusters::ClustersPage;
pub use details::InstanceDetailsPage;
pub use instances::InstancesPage;
pub use other::{OtherComputeKind, OtherComputePage};
pub use quota::{CostSummary, QuotaPage};
