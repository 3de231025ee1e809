//! Azimuth studio: the Leptos app. `App` provides the store and holds the one route table.

pub mod components;
pub mod pages;
pub mod shell;
pub mod store;

use leptos::prelude::*;
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::path;
use pages::compute::{InstanceDetailsPage, InstancesPage, OtherComputeKind, OtherComputePage};
use pages::{HomePage, NotFoundPage, RecoveryPage};
use shell::Shell;
use store::{load_preference, now_ms, LocalStore, Preference, Store};
use thaw::ConfigProvider;

/// The studio: opens the workspace saved in this browser, or the recovery page when it cannot.
#[component]
pub fn App() -> impl IntoView {
    let local = LocalStore;
    let now = now_ms();
    view! {
        <ConfigProvider>
            {match local.load_or_seed(now) {
                Ok(mut workspace) => {
                    workspace.settle(now);
                    let member = load_preference(Preference::Member)
                        .filter(|m| workspace.member(m).is_some())
                        .unwrap_or_else(|| workspace.members[0].name.clone());
                    let store = Store::new(local, workspace, member);
                    store::start_live_updates(store);
                    provide_context(store);
                    view! { <Studio /> }.into_any()
                }
                Err(problem) => view! { <RecoveryPage problem /> }.into_any(),
            }}
        </ConfigProvider>
    }
}

/// The router and the shell around the pages.
#[component]
fn Studio() -> impl IntoView {
    view! {
        <Router>
            <Shell>
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=HomePage />
                    <Route path=path!("/compute") view=|| view! { <Redirect path="/compute/instances" /> } />
                    <Route path=path!("/compute/instances") view=InstancesPage />
                    <Route path=path!("/compute/create/instance") view=InstancesPage />
                    <Route path=path!("/compute/instances/:name") view=InstanceDetailsPage />
                    <Route
                        path=path!("/compute/clusters")
                        view=|| view! { <OtherComputePage kind=OtherComputeKind::Clusters /> }
                    />
                    <Route
                        path=path!("/compute/kubernetes")
                        view=|| view! { <OtherComputePage kind=OtherComputeKind::Kubernetes /> }
                    />
                    <Route
                        path=path!("/compute/attached")
                        view=|| view! { <OtherComputePage kind=OtherComputeKind::Attached /> }
                    />
                </Routes>
            </Shell>
        </Router>
    }
}
