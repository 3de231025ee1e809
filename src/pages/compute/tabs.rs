//! The Compute page's tabs; each kind of compute has its own URL.

use crate::components::tab_link;
use crate::router::use_location;
use leptos::prelude::*;

/// The four kinds of compute, as tabs linking to their pages.
#[component]
pub fn ComputeTabs() -> impl IntoView {
    let path = use_location().path;
    view! {
        <nav class="tabs" aria-label="Kinds of compute">
            {tab_link(path, "/compute/instances", "/compute/create/instance", "Compute instances")}
            {tab_link(path, "/compute/clusters", "/compute/create/cluster", "Compute clusters")}
            {tab_link(path, "/compute/kubernetes", "/compute/attach/kubernetes", "Kubernetes clusters")}
            {tab_link(path, "/compute/attached", "/compute/attach/compute", "Attached computes")}
            <div class="tabs__asides">
                <a href=crate::router::href("/compute/import")>"Create from YAML"</a>
                <a href=crate::router::href("/compute/quota")>"View quota and costs"</a>
            </div>
        </nav>
    }
}
