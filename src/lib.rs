//! Azimuth studio: the Leptos app. `App` provides the store and leptos_router and holds the
//! one route table.

pub mod components;
pub mod lazy;
pub mod pages;
pub mod router;
pub mod shell;
pub mod store;

use azimuth_core::workspace::overview::{id_from_wsid, wsid, Installation, Opening};
use leptos::prelude::*;
use leptos_router::components::{Outlet, ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::{path, NavigateOptions};
use pages::compute::{
    AttachedDetailsPage, AttachedPage, ClusterDetailsPage, ClustersPage, ImportPage,
    InstanceDetailsPage, InstancesPage, QuotaPage,
};
use pages::workspaces::{AccessPage, NoAccessPage, WorkspacesPage};
use pages::{HomePage, NotFoundPage, RecoveryPage, SignInPage};
use shell::Shell;
use store::remote::{self, StoreKind};
use store::{
    load_preference, now_ms, save_preference, LoadProblem, LocalStore, Preference, Session, Store,
};

/// What the studio opens on.
pub enum Start {
    /// The studio, over an opened workspace.
    Ready(Store),
    /// The list of workspaces (`/workspaces`, or when there is none to open).
    Workspaces(Session),
    /// The address names a workspace this person holds no role in (its `wsid`).
    NoAccess(Session, String),
    /// The browser's saved installation cannot be read.
    Recovery(LoadProblem),
    /// The server wants to know who is there.
    SignIn,
}

/// Finds out where the installation lives (`/studio.json`), opens it, and only then mounts the
/// studio on the page: the one saved in this browser (or the recovery page when it cannot be
/// read), or the server's (after signing in).
pub fn start() {
    router::follow_mlflow_link();
    wasm_bindgen_futures::spawn_local(async {
        let start = match remote::store_kind().await {
            StoreKind::Browser => open_browser_store().await,
            StoreKind::Server => open_server_store().await,
        };
        leptos::mount::mount_to_body(move || App(AppProps { start }));
    });
}

/// The page the studio opened on. It is chosen once: signing in or out, or opening another
/// workspace, loads the page anew, so a session never outlives its workspace in memory.
#[component]
pub fn App(
    /// What to show.
    start: Start,
) -> impl IntoView {
    match start {
        Start::Ready(store) => {
            provide_context(store);
            provide_context(store.session);
            router::guard_history();
            view! {
                <Router>
                    <router::RouterHooks />
                    <Shell>
                        <StudioRoutes />
                    </Shell>
                </Router>
            }
            .into_any()
        }
        Start::Workspaces(session) => {
            provide_context(session);
            lazy::show(workspaces_page(), String::new())
        }
        Start::NoAccess(session, wsid) => {
            provide_context(session);
            lazy::show(no_access_page(), wsid)
        }
        Start::Recovery(problem) => {
            provide_context(problem);
            lazy::show(recovery_page(), String::new())
        }
        Start::SignIn => lazy::show(sign_in_page(), String::new()),
    }
}

/// Whether the address is the list of workspaces (or the people of the installation), which
/// opens no workspace.
fn is_list_address() -> bool {
    let path = window().location().pathname().unwrap_or_default();
    path == "/workspaces" || path.starts_with("/workspaces/") || path == "/people"
}

/// Picks what to open: the list at `/workspaces`; otherwise the rule of
/// [`Installation::opening`] over the address's `?wsid=` and the workspace used last.
fn pick(installation: &Installation) -> Opening {
    if is_list_address() {
        return Opening::List;
    }
    let asked = router::query_param("wsid");
    let last = load_preference(Preference::Workspace);
    installation.opening(asked.as_deref(), last.as_deref())
}

/// Remembers the workspace opened and puts it in the address.
fn opened(id: &str) {
    save_preference(Preference::Workspace, id);
    router::set_workspace(&wsid(id));
}

async fn open_browser_store() -> Start {
    let now = now_ms();
    let (local, mut tenant) = match LocalStore::open(now).await {
        Ok(opened) => opened,
        Err(problem) => return Start::Recovery(problem),
    };
    tenant.settle(now);
    let member = load_preference(Preference::Member)
        .filter(|m| tenant.directory.person(m).is_some())
        .unwrap_or_else(|| {
            tenant
                .directory
                .people
                .first()
                .map(|p| p.name.clone())
                .unwrap_or_default()
        });
    let session = Session::browser(local, &tenant, member);
    match session.installation.with_untracked(pick) {
        Opening::List => Start::Workspaces(session),
        Opening::Refused(wsid) => Start::NoAccess(session, wsid),
        Opening::Open(id) => match tenant.workspace(&id) {
            Some(ws) => {
                opened(&id);
                let store = Store::open(session, ws.clone());
                store::start_live_updates(store);
                Start::Ready(store)
            }
            None => Start::Workspaces(session),
        },
    }
}

/// Resumes the session this browser signed in with, when the server still knows it.
async fn open_server_store() -> Start {
    let (Some(token), Some(member)) = (
        load_preference(Preference::Session),
        load_preference(Preference::Member),
    ) else {
        return Start::SignIn;
    };
    // One request: the installation and the workspace the studio will open.
    let answer = match is_list_address() {
        true => remote::installation(&token)
            .await
            .map(|i| (i, None, None, 0)),
        false => {
            let asked = router::query_param("wsid");
            let path = window().location().pathname().unwrap_or_default();
            // A runs page's first rows are asked for beside the workspace (both need only
            // the address), not once the page's chunk has started.
            let ws = asked.as_deref().and_then(id_from_wsid);
            if let (Some(ws), Some(first)) = (ws, pages::jobs::runs_page_request(&path)) {
                remote::send_early_table(&token, &ws, first);
            }
            let last = load_preference(Preference::Workspace);
            remote::open(&token, asked.as_deref(), last.as_deref()).await
        }
    };
    let (installation, prefetched, server_time, version) = match answer {
        Ok(opened) => opened,
        Err(e) => {
            if e.code() == remote::SESSION_ENDED {
                save_preference(Preference::SignInNotice, store::SESSION_ENDED_NOTICE);
            }
            return Start::SignIn;
        }
    };
    let choice = pick(&installation);
    let session = Session::server(token.clone(), installation, member);
    let id = match choice {
        Opening::List => return Start::Workspaces(session),
        Opening::Refused(wsid) => return Start::NoAccess(session, wsid),
        Opening::Open(id) => id,
    };
    let workspace = match prefetched.filter(|w| w.id().eq_ignore_ascii_case(&id)) {
        Some(workspace) => Ok((workspace, server_time, version)),
        None => remote::workspace(&token, &id).await,
    };
    match workspace {
        Ok((workspace, server_time, version)) => {
            opened(&id);
            let store = Store::open(session, workspace);
            store.set_server_time(server_time);
            store.set_version(version);
            store::start_server_updates(store);
            Start::Ready(store)
        }
        Err(e) if e.code() == remote::SESSION_ENDED => Start::SignIn,
        Err(_) => Start::NoAccess(session, wsid(&id)),
    }
}

/// The one route table. Paths that show the same page (the list and its "+ New" wizard) show
/// the same component; old or short paths go to the page's address.
#[component]
fn StudioRoutes() -> impl IntoView {
    use router::OneOf;
    let to_instances = || {
        let options = NavigateOptions {
            replace: true,
            ..Default::default()
        };
        view! { <Redirect path=router::href("/compute/instances") options /> }
    };
    view! {
        <Routes fallback=|| lazy::show(not_found_page(), String::new())>
            <Route path=path!("/") view=lazy_view!(home_page) />
            <Route path=path!("/access") view=lazy_view!(access_page) />
            <ParentRoute path=path!("/compute") view=Outlet>
                <Route path=path!("") view=to_instances />
                <Route path=(OneOf("/instances", "/create/instance"),) view=lazy_view!(instances_page) />
                <Route path=path!("/instances/:name") view=lazy_view!(instance_details_page) />
                <Route path=(OneOf("/clusters", "/create/cluster"),) view=lazy_view!(clusters_page) />
                <Route path=path!("/clusters/:name") view=lazy_view!(cluster_details_page) />
                <Route path=path!("/quota") view=lazy_view!(quota_page) />
                <Route path=path!("/import") view=lazy_view!(import_page) />
                <Route path=(OneOf("/kubernetes", "/attach/kubernetes"),) view=lazy_view!(kubernetes_page) />
                <Route path=path!("/kubernetes/:name") view=lazy_view!(kubernetes_details_page) />
                <Route path=(OneOf("/attached", "/attach/compute"),) view=lazy_view!(attached_page) />
                <Route path=path!("/attached/:name") view=lazy_view!(attached_details_page) />
            </ParentRoute>
            <ParentRoute path=path!("/jobs") view=Outlet>
                <Route path=path!("") view=lazy_view!(experiments_page) />
                <Route path=path!("/all") view=lazy_view!(all_jobs_page) />
                <Route path=path!("/experiments/:name") view=lazy_view!(experiment_jobs_page) />
                <Route path=path!("/runs/:name") view=lazy_view!(job_page) />
                <Route path=path!("/create") view=lazy_view!(create_job_page) />
                <Route path=path!("/compare") view=lazy_view!(compare_jobs_page) />
            </ParentRoute>
            <ParentRoute path=path!("/automl") view=Outlet>
                <Route path=path!("") view=lazy_view!(automl_page) />
                <Route path=path!("/create") view=lazy_view!(new_automl_page) />
            </ParentRoute>
            <Route path=path!("/notebooks") view=lazy_view!(notebooks_page) />
            <ParentRoute path=path!("/data") view=Outlet>
                <Route path=(OneOf("", "/create"),) view=lazy_view!(data_assets_page) />
                <Route path=(OneOf("/datastores", "/create/datastore"),) view=lazy_view!(datastores_page) />
                <Route path=path!("/datastores/:name") view=lazy_view!(datastore_page) />
                <Route path=path!("/assets/:name") view=lazy_view!(data_asset_page) />
                <Route path=path!("/import") view=lazy_view!(data_import_page) />
            </ParentRoute>
            <ParentRoute path=path!("/models") view=Outlet>
                <Route path=(OneOf("", "/register"),) view=lazy_view!(models_page) />
                <Route path=path!("/:name") view=lazy_view!(model_page) />
                <Route path=path!("/:name/versions/:version") view=lazy_view!(model_page) />
            </ParentRoute>
            <ParentRoute path=path!("/endpoints") view=Outlet>
                <Route path=(OneOf("", "/create"),) view=lazy_view!(endpoints_page) />
                <Route path=(OneOf("/batch", "/batch/create"),) view=lazy_view!(batch_endpoints_page) />
                <Route path=path!("/batch/:name") view=lazy_view!(batch_endpoint_page) />
                <Route path=path!("/:name") view=lazy_view!(endpoint_page) />
            </ParentRoute>
        </Routes>
    }
}

// Every page but the instances list (the lab's first stop) is a chunk of its own.

lazy_page! {
    /// The page for a workspace one may not see (its argument: the `wsid` asked for).
    no_access_page in no_access => |wsid| view! { <NoAccessPage wsid /> }.into_any()
}

lazy_page! {
    /// The recovery page for an unreadable saved workspace (the problem is in the context).
    recovery_page in recovery => |_| {
        let problem = expect_context::<store::LoadProblem>();
        view! { <RecoveryPage problem /> }.into_any()
    }
}

lazy_page! {
    /// The Jobs page's All experiments tab.
    experiments_page in jobs => |_| view! { <pages::jobs::ExperimentsPage /> }.into_any()
}

lazy_page! {
    /// The Jobs page's All jobs tab.
    all_jobs_page in jobs => |_| view! { <pages::jobs::RunsPage experiment=String::new() /> }.into_any()
}

lazy_page! {
    /// One experiment's jobs (its argument: the experiment's id).
    experiment_jobs_page in jobs => |experiment| view! { <pages::jobs::RunsPage experiment /> }.into_any()
}

lazy_page! {
    /// A job's page (its argument: the job's name, its run id).
    job_page in job => |name| view! { <pages::jobs::JobPage name /> }.into_any()
}

lazy_page! {
    /// Jobs side by side: params, metrics overlaid, parallel coordinates.
    compare_jobs_page in job => |_| view! { <pages::jobs::ComparePage /> }.into_any()
}

lazy_page! {
    /// Submitting a command job from its CLI v2 YAML.
    create_job_page in job_create => |_| view! { <pages::jobs::CreateJobPage /> }.into_any()
}

lazy_page! {
    /// Automated ML: the AutoML jobs.
    automl_page in automl => |_| view! { <pages::automl::AutomlPage /> }.into_any()
}

lazy_page! {
    /// "Submit an Automated ML job", the wizard.
    new_automl_page in automl_create => |_| view! { <pages::automl::NewAutomlJobPage /> }.into_any()
}

lazy_page! {
    /// Notebooks: the Files tree, the samples and the file the address opens.
    notebooks_page in notebooks => |_| view! { <pages::notebooks::NotebooksPage /> }.into_any()
}

lazy_page! {
    /// The page for an address the studio does not have.
    not_found_page in not_found => |_| view! { <NotFoundPage /> }.into_any()
}

lazy_page! {
    /// The workspace's Access control.
    access_page in access => |_| view! { <AccessPage /> }.into_any()
}

lazy_page! {
    /// The list of workspaces (the studio's start page).
    workspaces_page in workspaces => |_| view! { <WorkspacesPage /> }.into_any()
}

lazy_page! {
    /// The sign-in page of a shared workspace.
    sign_in_page in sign_in => |_| view! { <SignInPage /> }.into_any()
}

lazy_page! {
    /// The workspace's home page.
    home_page in home => |_| view! { <HomePage /> }.into_any()
}

lazy_page! {
    /// The compute instances list (and its "+ New" wizard's address): its file is fetched beside
    /// the main module when the studio opens on it.
    instances_page in instances => |_| view! { <InstancesPage /> }.into_any()
}

lazy_page! {
    /// A compute instance's details page.
    instance_details_page in instance_details => |name| view! { <InstanceDetailsPage name /> }.into_any()
}

lazy_page! {
    /// The Compute clusters tab.
    clusters_page in clusters => |_| view! { <ClustersPage /> }.into_any()
}

lazy_page! {
    /// A compute cluster's details page.
    cluster_details_page in cluster_details => |name| view! { <ClusterDetailsPage name /> }.into_any()
}

lazy_page! {
    /// Quota and costs.
    quota_page in quota => |_| view! { <QuotaPage /> }.into_any()
}

lazy_page! {
    /// The Kubernetes clusters tab (and its attach dialog).
    kubernetes_page in attached => |_| view! { <AttachedPage kubernetes=true /> }.into_any()
}

lazy_page! {
    /// The Attached computes tab (and its attach dialog).
    attached_page in attached => |_| view! { <AttachedPage kubernetes=false /> }.into_any()
}

lazy_page! {
    /// Create from YAML.
    import_page in import => |_| view! { <ImportPage /> }.into_any()
}

lazy_page! {
    /// An attached Kubernetes cluster's page.
    kubernetes_details_page in attached_details => |name| view! { <AttachedDetailsPage name kubernetes=true /> }.into_any()
}

lazy_page! {
    /// Another attached compute's page.
    attached_details_page in attached_details => |name| view! { <AttachedDetailsPage name kubernetes=false /> }.into_any()
}

lazy_page! {
    /// The Data assets tab (and its Create wizard).
    data_assets_page in data => |_| view! { <pages::data::DataAssetsPage /> }.into_any()
}

lazy_page! {
    /// The Datastores tab (and its Create dialog).
    datastores_page in data => |_| view! { <pages::data::DatastoresPage /> }.into_any()
}

lazy_page! {
    /// A datastore's page and its files.
    datastore_page in datastore => |name| view! { <pages::data::DatastorePage name /> }.into_any()
}

lazy_page! {
    /// Create from YAML, for data assets and datastores.
    data_import_page in data_import => |_| view! { <pages::data::DataImportPage /> }.into_any()
}

lazy_page! {
    /// A data asset's page.
    data_asset_page in data_asset => |name| view! { <pages::data::DataAssetPage name /> }.into_any()
}

lazy_page! {
    /// The Model List (and its Register wizard).
    models_page in models => |_| view! { <pages::models::ModelsPage /> }.into_any()
}

lazy_page! {
    /// A model's page, at a version (its argument: the model's name).
    model_page in model => |name| view! { <pages::models::ModelPage name /> }.into_any()
}

lazy_page! {
    /// The Real-time endpoints list (and its Deploy wizard).
    endpoints_page in endpoints => |_| view! { <pages::endpoints::EndpointsPage /> }.into_any()
}

lazy_page! {
    /// An endpoint's page (its argument: the endpoint's name).
    endpoint_page in endpoint => |name| view! { <pages::endpoints::EndpointPage name /> }.into_any()
}

lazy_page! {
    /// The Batch endpoints list (and its Create wizard).
    batch_endpoints_page in batch_endpoints => |_| view! { <pages::endpoints::batch::BatchEndpointsPage /> }.into_any()
}

lazy_page! {
    /// A batch endpoint's page (its argument: the endpoint's name).
    batch_endpoint_page in batch_endpoint => |name| view! { <pages::endpoints::batch::BatchEndpointPage name /> }.into_any()
}
