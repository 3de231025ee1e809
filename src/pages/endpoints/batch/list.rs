//! The Batch endpoints tab (`/endpoints/batch`): every batch endpoint with its description,
//! default deployment, creation date and provisioning state; "+ Create" opens the wizard at its
//! own address (`/endpoints/batch/create`); rows chosen are deleted after asking.

use super::batch_endpoint_href;
use super::create::create_batch_wizard;
use crate::components::{
    format_iso_time, select_cell, Appearance, Button, Icon, IconName, StateBadge,
};
use crate::lazy;
use crate::pages::endpoints::delete::DeleteEndpointsDialog;
use crate::router::{navigate, use_location};
use crate::store::use_store;
use azimuth_core::endpoints::batch::StoredBatchEndpoint;
use azimuth_core::workspace::roles::Action;
use leptos::prelude::*;

/// One row of the table.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Row {
    name: String,
    description: String,
    default_deployment: String,
    created_on: String,
    state: String,
}

fn row(e: &StoredBatchEndpoint) -> Row {
    let p = &e.resource.properties;
    Row {
        name: e.resource.name.clone(),
        description: p.description.clone().unwrap_or_default(),
        default_deployment: p.defaults.deployment_name.clone().unwrap_or_default(),
        created_on: format_iso_time(
            &e.resource
                .system_data
                .clone()
                .unwrap_or_default()
                .created_at,
        ),
        state: p.provisioning_state.clone().unwrap_or_default(),
    }
}

/// The Batch endpoints list, at `/endpoints/batch` (and under its wizard).
#[component]
pub fn BatchEndpointsPage() -> impl IntoView {
    let store = use_store();
    let path = use_location().path;
    let selected = RwSignal::new(Vec::<String>::new());
    let deleting = RwSignal::new(false);
    let rows = Memo::new(move |_| {
        store
            .workspace
            .with(|w| w.batch_endpoints.iter().map(|e| row(e)).collect::<Vec<_>>())
    });
    let chosen = Signal::derive(move || {
        let picked = selected.get();
        rows.with(|rows| {
            rows.iter()
                .filter(|r| picked.contains(&r.name))
                .map(|r| r.name.clone())
                .collect::<Vec<_>>()
        })
    });
    let write_refusal = Signal::derive(move || store.refusal(Action::WriteEndpoints));
    let none_chosen = Signal::derive(move || chosen.with(Vec::is_empty));
    let close = Callback::new(move |_| {
        deleting.set(false);
        selected.set(Vec::new());
    });
    view! {
        {crate::pages::endpoints::kinds_header(path)}
        <p class="muted tab-intro">
            "A batch endpoint scores a whole data asset or folder of files in a job on a compute cluster, and writes every prediction to one output file."
        </p>
        <div class="toolbar" role="toolbar" aria-label="Batch endpoint actions">
            <Button appearance=Appearance::Primary blocked=write_refusal on_click=move |_| navigate("/endpoints/batch/create")>
                "+ Create"
            </Button>
            <Button appearance=Appearance::Subtle on_click=move |_| store.refresh()>
                <Icon name=IconName::Refresh />
                "Refresh"
            </Button>
            <Button appearance=Appearance::Subtle blocked=write_refusal disabled=none_chosen on_click=move |_| deleting.set(true)>
                <Icon name=IconName::Delete />
                "Delete"
            </Button>
        </div>
        <div class="table-wrap">
            <table class="data-table endpoints-table" aria-label="Batch endpoints">
                <thead>
                    <tr>
                        <th scope="col" class="data-table__check"><span class="visually-hidden">"Select"</span></th>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Description"</th>
                        <th scope="col">"Default deployment"</th>
                        <th scope="col">"Created on"</th>
                        <th scope="col">"Provisioning state"</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || rows.get() key=|r| r.clone() let:r>
                        <tr>
                            {select_cell(r.name.clone(), selected)}
                            <td class="data-table__name"><a href=batch_endpoint_href(&r.name, "")>{r.name.clone()}</a></td>
                            <td class="endpoints-table__description">{r.description}</td>
                            <td>{r.default_deployment}</td>
                            <td class="data-table__number">{r.created_on}</td>
                            <td><StateBadge state=Signal::stored(r.state) /></td>
                        </tr>
                    </For>
                </tbody>
            </table>
            <Show when=move || rows.with(Vec::is_empty)>
                <div class="table-empty">
                    "No batch endpoints yet. Select \"+ Create\" to score data assets in jobs with a model that Automated ML trained."
                </div>
            </Show>
        </div>
        <Show when=move || deleting.get()>
            <DeleteEndpointsDialog names=chosen.get_untracked() close batch=true />
        </Show>
        <Show when=move || path.get() == "/endpoints/batch/create">
            {lazy::show(create_batch_wizard(), String::new())}
        </Show>
    }
}
