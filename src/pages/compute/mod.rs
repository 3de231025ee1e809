//! Compute: the four kinds of compute, each tab at its own URL, their pages, and quota and costs.

mod actions;
mod attached;
mod cluster_details;
mod clusters;
mod details;
mod import;
mod instances;
mod network;
mod new_cluster;
mod new_instance;
mod quota;
pub(crate) mod size_picker;
mod tabs;

pub use attached::{AttachedDetailsPage, AttachedPage};
pub use cluster_details::ClusterDetailsPage;
pub use clusters::ClustersPage;
pub use details::InstanceDetailsPage;
pub use import::ImportPage;
pub use instances::InstancesPage;
pub use quota::{CostSummary, QuotaPage};
