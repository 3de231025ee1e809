//! The tabs for Kubernetes clusters and attached computes: what each kind is for. Attaching them
//! arrives with the issue that builds every kind of compute.

use super::tabs::ComputeTabs;
use crate::components::{Icon, IconName};
use crate::shell::Breadcrumbs;
use leptos::prelude::*;

/// A kind of compute other than instances and clusters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OtherComputeKind {
    /// Attached Kubernetes clusters.
    Kubernetes,
    /// Attached virtual machines, Databricks, HDInsight, Synapse.
    Attached,
}

impl OtherComputeKind {
    fn texts(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Self::Kubernetes => (
                "Kubernetes clusters",
                "Deployment targets for predictive services that use your trained models: Azure Kubernetes Service or Azure Arc clusters attached to the workspace (earlier called inference clusters).",
                "Attaching Kubernetes clusters is not available in Azimuth yet.",
            ),
            Self::Attached => (
                "Attached computes",
                "Links to other Azure compute resources, such as virtual machines, Azure Databricks, HDInsight or Synapse Spark pools, so the workspace can run work on them.",
                "Attaching compute is not available in Azimuth yet.",
            ),
        }
    }
}

/// An honest empty tab for a kind of compute Azimuth does not manage yet.
#[component]
pub fn OtherComputePage(
    /// Which kind.
    kind: OtherComputeKind,
) -> impl IntoView {
    let (title, purpose, status) = kind.texts();
    view! {
        <Breadcrumbs items=vec![("Compute".into(), "/compute"), (title.into(), "")] />
        <header class="page-header">
            <h1>"Compute"</h1>
        </header>
        <ComputeTabs />
        <section class="empty-state" aria-labelledby="empty-title">
            <Icon name=IconName::Compute />
            <h2 id="empty-title">{title}</h2>
            <p>{purpose}</p>
            <p class="muted">{status}</p>
        </section>
    }
}
