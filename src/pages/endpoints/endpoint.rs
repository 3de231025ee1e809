//! An endpoint's page, at `/endpoints/{name}`: its provisioning state, the toolbar (Refresh,
//! "+ Add deployment", Delete) and the tabs Details (`details.rs`), Test (`test_tab.rs`),
//! Consume (`consume.rs`), Monitoring (`monitoring.rs`), Logs (`logs.rs`) and CLI YAML
//! (`yaml_tab.rs`), each in the address (`?tab=`).

use super::consume::ConsumeTab;
use super::delete::DeleteEndpointsDialog;
use super::details::DetailsTab;
use super::logs::LogsTab;
use super::monitoring::MonitoringTab;
use super::test_tab::TestTab;
use super::yaml_tab::YamlTab;
use crate::components::{query_tab, Appearance, Button, Icon, IconName, StateBadge};
use crate::router::{navigate, query_state};
use crate::shell::Breadcrumbs;
use crate::store::use_store;
use azimuth_core::endpoints::{DeploymentResource, EndpointResource};
use azimuth_core::workspace::roles::Action;
use leptos::prelude::*;

/// The tabs: their id in the address and their label.
const TABS: [(&str, &str); 6] = [
    ("details", "Details"),
    ("test", "Test"),
    ("consume", "Consume"),
    ("monitoring", "Monitoring"),
    ("logs", "Logs"),
    ("yaml", "CLI YAML"),
];

/// An endpoint and its deployments as the page shows them (reactive, from the workspace).
#[derive(Clone, Copy)]
pub struct Shown {
    /// The endpoint's name, from the address.
    pub name: StoredValue<String>,
    /// The endpoint, while it exists.
    pub endpoint: Memo<Option<EndpointResource>>,
    /// Its deployments, in the order they were made.
    pub deployments: Memo<Vec<DeploymentResource>>,
}

impl Shown {
    /// The deployment with the most traffic (the first when none has any), by name.
    pub fn busiest(&self) -> Option<String> {
        let traffic = self
            .endpoint
            .with(|e| e.as_ref().map(|e| e.properties.traffic.clone()))?;
        self.deployments.with(|all| {
            all.iter()
                .max_by_key(|d| {
                    (
                        traffic.get(&d.name).copied().unwrap_or(0),
                        std::cmp::Reverse(d.name.clone()),
                    )
                })
                .map(|d| d.name.clone())
        })
    }
}

crate::lazy_page! {
    /// The tab `tab` other than Details (the one a page opens on), over the [`Shown`] the page
    /// provides. Test, Consume, Monitoring, Logs and CLI YAML are in a chunk of their own,
    /// downloaded when one of them is first chosen.
    endpoint_tab in endpoint__tabs => |tab| {
        let shown = expect_context::<Shown>();
        match tab.as_str() {
            "test" => view! { <TestTab shown /> }.into_any(),
            "consume" => view! { <ConsumeTab shown /> }.into_any(),
            "monitoring" => view! { <MonitoringTab shown /> }.into_any(),
            "logs" => view! { <LogsTab shown /> }.into_any(),
            _ => view! { <YamlTab shown /> }.into_any(),
        }
    }
}

/// The page of endpoint `name`.
#[component]
pub fn EndpointPage(
    /// The endpoint's name, from the address.
    name: String,
) -> impl IntoView {
    let store = use_store();
    let name = StoredValue::new(name);
    let endpoint = Memo::new(move |_| {
        store.workspace.with(|w| {
            w.endpoint(&name.get_value())
                .ok()
                .map(|e| e.resource.clone())
        })
    });
    let deployments = Memo::new(move |_| {
        store.workspace.with(|w| {
            w.deployments_of(&name.get_value())
                .map(|d| d.resource.clone())
                .collect::<Vec<_>>()
        })
    });
    let shown = Shown {
        name,
        endpoint,
        deployments,
    };
    provide_context(shown);
    let tab = query_state::<String>("tab");
    let deleting = RwSignal::new(false);
    let state = Signal::derive(move || {
        endpoint.with(|e| {
            e.as_ref()
                .and_then(|e| e.properties.provisioning_state.clone())
                .unwrap_or_default()
        })
    });
    let refusal = Signal::derive(move || store.refusal(Action::WriteEndpoints));
    let crumbs = vec![
        ("Endpoints".to_owned(), "/endpoints".into()),
        (name.get_value(), "".into()),
    ];
    view! {
        <Breadcrumbs items=crumbs />
        <Show
            when=move || endpoint.with(Option::is_some)
            fallback=move || view! {
                <section class="empty-state">
                    <h1>"Endpoint not found"</h1>
                    <p>{move || format!("There is no endpoint {} in this workspace.", name.get_value())}</p>
                    <a href=crate::router::href("/endpoints")>"All endpoints"</a>
                </section>
            }
        >
            <header class="page-header page-header--with-badge">
                <h1>{name.get_value()}</h1>
                <StateBadge state />
            </header>
            <div class="toolbar" role="toolbar" aria-label="Endpoint actions">
                <Button appearance=Appearance::Subtle on_click=move |_| store.refresh()>
                    <Icon name=IconName::Refresh />
                    "Refresh"
                </Button>
                <Button appearance=Appearance::Subtle blocked=refusal on_click=move |_| navigate(&format!("/endpoints/create?endpoint={}", name.get_value()))>
                    <Icon name=IconName::Add />
                    "Add deployment"
                </Button>
                <Button appearance=Appearance::Subtle blocked=refusal on_click=move |_| deleting.set(true)>
                    <Icon name=IconName::Delete />
                    "Delete"
                </Button>
            </div>
            <div class="tabs" role="tablist" aria-label="Endpoint">
                {TABS.map(|(id, label)| query_tab(tab, "details", id, label))}
            </div>
            {move || {
                let panel = match tab.get() {
                    t if TABS[1..].iter().any(|(id, _)| *id == t) => crate::lazy::show(endpoint_tab(), t),
                    _ => view! { <DetailsTab shown /> }.into_any(),
                };
                view! { <div role="tabpanel" class="endpoint-panel">{panel}</div> }
            }}
        </Show>
        <Show when=move || deleting.get()>
            <DeleteEndpointsDialog names=vec![name.get_value()] close=Callback::new(move |_| deleting.set(false)) then="/endpoints" />
        </Show>
    }
}
