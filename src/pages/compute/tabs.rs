//! The Compute page's tabs; each kind of compute has its own URL.

use crate::router::use_location;
use leptos::prelude::*;

/// The four kinds of compute, as tabs linking to their pages.
#[component]
pub fn ComputeTabs() -> impl IntoView {
    let path = use_location().path;
    let tab = move |href: &'static str, label: &'static str| {
        let current = move || {
            (path.get() == href
                || (href == "/compute/instances" && path.get() == "/compute/create/instance")
                || (href == "/compute/clusters" && path.get() == "/compute/create/cluster")
                || (href == "/compute/kubernetes" && path.get() == "/compute/attach/kubernetes")
                || (href == "/compute/attached" && path.get() == "/compute/attach/compute"))
                .then_some("page")
        };
        view! {
            <a class="tabs__tab" href=crate::router::href(href) aria-current=current>
                {label}
            </a>
        }
    };
    view! {
        <nav class="tabs" aria-label="Kinds of compute">
            {tab("/compute/instances", "Compute instances")}
            {tab("/compute/clusters", "Compute clusters")}
            {tab("/compute/kubernetes", "Kubernetes clusters")}
            {tab("/compute/attached", "Attached computes")}
            <div class="tabs__asides">
                <a href=crate::router::href("/compute/import")>"Create from YAML"</a>
                <a href=crate::router::href("/compute/quota")>"View quota and costs"</a>
            </div>
        </nav>
    }
}
