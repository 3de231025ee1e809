//! Azimuth studio: the Leptos app. `App` provides the store and the router and holds the one
//! route table.

pub mod components;
pub mod pages;
pub mod router;
pub mod shell;
pub mod store;

use leptos::prelude::*;
use pages::compute::{InstanceDetailsPage, InstancesPage, OtherComputeKind, OtherComputePage};
use pages::{HomePage, NotFoundPage, RecoveryPage};
use shell::Shell;
use store::{load_preference, now_ms, LocalStore, Preference, Store};

/// The studio: opens the workspace saved in this browser, or the recovery page when it cannot.
#[component]
pub fn App() -> impl IntoView {
    let local = LocalStore;
    let now = now_ms();
    match local.load_or_seed(now) {
        Ok(mut workspace) => {
            workspace.settle(now);
            let member = load_preference(Preference::Member)
                .filter(|m| workspace.member(m).is_some())
                .unwrap_or_else(|| workspace.members[0].name.clone());
            let store = Store::new(local, workspace, member);
            store::start_live_updates(store);
            provide_context(store);
            router::provide_router();
            view! { <Shell><Routes /></Shell> }.into_any()
        }
        Err(problem) => view! { <RecoveryPage problem /> }.into_any(),
    }
}

/// The pages of the studio; paths that show the same page map to the same value, so moving
/// between them (e.g. opening the "+ New" wizard over the list) keeps the page.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Page {
    Home,
    Instances,
    InstanceDetails(String),
    Other(OtherComputeKind),
    NotFound,
}

/// The one route table.
fn page_at(path: &str) -> Page {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match segments.as_slice() {
        [] => Page::Home,
        ["compute", "instances"] | ["compute", "create", "instance"] => Page::Instances,
        ["compute", "instances", name] => Page::InstanceDetails((*name).to_owned()),
        ["compute", "clusters"] => Page::Other(OtherComputeKind::Clusters),
        ["compute", "kubernetes"] => Page::Other(OtherComputeKind::Kubernetes),
        ["compute", "attached"] => Page::Other(OtherComputeKind::Attached),
        _ => Page::NotFound,
    }
}

/// Shows the page at the current path.
#[component]
fn Routes() -> impl IntoView {
    let location = router::use_location();
    let page = Memo::new(move |_| page_at(&location.path.get()));
    move || match page.get() {
        Page::Home => view! { <HomePage /> }.into_any(),
        Page::Instances => view! { <InstancesPage /> }.into_any(),
        Page::InstanceDetails(name) => view! { <InstanceDetailsPage name /> }.into_any(),
        Page::Other(kind) => view! { <OtherComputePage kind /> }.into_any(),
        Page::NotFound => view! { <NotFoundPage /> }.into_any(),
    }
}
