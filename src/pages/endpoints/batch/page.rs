//! A batch endpoint's page, at `/endpoints/batch/{name}`: its provisioning state, the toolbar
//! (Refresh, Create job, Delete) and the tabs Details and CLI YAML (`details.rs`) and Jobs
//! (`jobs.rs`), each in the address (`?tab=`). In a workspace kept in the browser, this page
//! scores the jobs itself, and says so.

use super::details::{DetailsTab, YamlTab};
use super::jobs::JobsTab;
use super::run_job::CreateJobDialog;
use crate::components::{query_tab, Appearance, Button, Icon, IconName, StateBadge};
use crate::pages::endpoints::delete::DeleteEndpointsDialog;
use crate::router::query_state;
use crate::shell::Breadcrumbs;
use crate::store::use_store;
use azimuth_core::endpoints::batch::{BatchDeploymentResource, BatchEndpointResource};
use azimuth_core::workspace::roles::Action;
use leptos::prelude::*;

/// What a workspace kept in the browser does with a batch endpoint's jobs.
const SCORED_HERE: &str = "This workspace is kept in your browser, which has no REST endpoint: its batch jobs are scored by this page, with the same engine as azimuth-server. Keep the tab open until a job ends.";

/// The tabs: their id in the address and their label.
const TABS: [(&str, &str); 3] = [
    ("details", "Details"),
    ("jobs", "Jobs"),
    ("yaml", "CLI YAML"),
];

/// A batch endpoint and its deployments as the page shows them (reactive, from the workspace).
#[derive(Clone, Copy)]
pub struct ShownBatch {
    /// The endpoint's name, from the address.
    pub name: StoredValue<String>,
    /// The endpoint, while it exists.
    pub endpoint: Memo<Option<BatchEndpointResource>>,
    /// Its deployments, in the order they were made.
    pub deployments: Memo<Vec<BatchDeploymentResource>>,
}

/// Whether the page's Create job dialog is open (the page provides it).
#[derive(Clone, Copy)]
struct CreatingJob(RwSignal<bool>);

crate::lazy_page! {
    /// The Jobs tab, over the [`ShownBatch`] the page provides; with the Create job dialog, in
    /// a chunk of their own that the page downloads when either is first asked for.
    batch_jobs_tab in batch_endpoint__jobs => |_| {
        let shown = expect_context::<ShownBatch>();
        view! { <JobsTab shown /> }.into_any()
    }
}

crate::lazy_page! {
    /// The Create job dialog, in the Jobs tab's chunk; it closes through the page's
    /// [`CreatingJob`].
    create_batch_job in batch_endpoint__jobs => |_| {
        let CreatingJob(open) = expect_context::<CreatingJob>();
        let shown = expect_context::<ShownBatch>();
        view! { <CreateJobDialog shown close=Callback::new(move |_| open.set(false)) /> }.into_any()
    }
}

/// The page of batch endpoint `name`.
#[component]
pub fn BatchEndpointPage(
    /// The endpoint's name, from the address.
    name: String,
) -> impl IntoView {
    let store = use_store();
    let name = StoredValue::new(name);
    let endpoint = Memo::new(move |_| {
        store.workspace.with(|w| {
            w.batch_endpoint(&name.get_value())
                .ok()
                .map(|e| e.resource.clone())
        })
    });
    let deployments = Memo::new(move |_| {
        store.workspace.with(|w| {
            w.batch_deployments_of(&name.get_value())
                .map(|d| d.resource.clone())
                .collect::<Vec<_>>()
        })
    });
    let shown = ShownBatch {
        name,
        endpoint,
        deployments,
    };
    let tab = query_state::<String>("tab");
    let deleting = RwSignal::new(false);
    let running = RwSignal::new(false);
    provide_context(shown);
    provide_context(CreatingJob(running));
    let state = Signal::derive(move || {
        endpoint.with(|e| {
            e.as_ref()
                .and_then(|e| e.properties.provisioning_state.clone())
                .unwrap_or_default()
        })
    });
    let refusal = Signal::derive(move || store.refusal(Action::WriteEndpoints));
    let job_refusal = Signal::derive(move || {
        store.refusal(Action::WriteJobs).or_else(|| {
            deployments
                .with(Vec::is_empty)
                .then(|| "The endpoint has no deployment yet.".to_owned())
        })
    });
    let crumbs = vec![
        ("Endpoints".to_owned(), "/endpoints".into()),
        ("Batch endpoints".to_owned(), "/endpoints/batch".into()),
        (name.get_value(), "".into()),
    ];
    view! {
        <Breadcrumbs items=crumbs />
        <Show
            when=move || endpoint.with(Option::is_some)
            fallback=move || view! {
                <section class="empty-state">
                    <h1>"Batch endpoint not found"</h1>
                    <p>{move || format!("There is no batch endpoint {} in this workspace.", name.get_value())}</p>
                    <a href=crate::router::href("/endpoints/batch")>"All batch endpoints"</a>
                </section>
            }
        >
            <header class="page-header page-header--with-badge">
                <h1>{name.get_value()}</h1>
                <StateBadge state />
            </header>
            <div class="toolbar" role="toolbar" aria-label="Batch endpoint actions">
                <Button appearance=Appearance::Subtle on_click=move |_| store.refresh()>
                    <Icon name=IconName::Refresh />
                    "Refresh"
                </Button>
                <Button appearance=Appearance::Subtle blocked=job_refusal on_click=move |_| running.set(true)>
                    <Icon name=IconName::Add />
                    "Create job"
                </Button>
                <Button appearance=Appearance::Subtle blocked=refusal on_click=move |_| deleting.set(true)>
                    <Icon name=IconName::Delete />
                    "Delete"
                </Button>
            </div>
            <Show when=move || store.scores_batch_jobs_here()>
                <div class="message-bar message-bar--info" role="note" aria-label="Batch jobs">{SCORED_HERE}</div>
            </Show>
            <div class="tabs" role="tablist" aria-label="Batch endpoint">
                {TABS.map(|(id, label)| query_tab(tab, "details", id, label))}
            </div>
            {move || {
                let panel = match tab.get().as_str() {
                    "jobs" => crate::lazy::show(batch_jobs_tab(), String::new()),
                    "yaml" => view! { <YamlTab shown /> }.into_any(),
                    _ => view! { <DetailsTab shown /> }.into_any(),
                };
                view! { <div role="tabpanel" class="endpoint-panel">{panel}</div> }
            }}
        </Show>
        <Show when=move || running.get()>
            {crate::lazy::show(create_batch_job(), String::new())}
        </Show>
        <Show when=move || deleting.get()>
            <DeleteEndpointsDialog names=vec![name.get_value()] close=Callback::new(move |_| deleting.set(false)) then="/endpoints/batch" batch=true />
        </Show>
    }
}
