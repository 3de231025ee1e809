//! The Endpoints page's Real-time endpoints tab (`/endpoints`): every online endpoint with its
//! description, dates, provisioning state, authentication and compute type; "+ Create" opens
//! the wizard at its own address (`/endpoints/create`); rows chosen are deleted after asking.

use super::create::create_endpoint_wizard;
use super::delete::DeleteEndpointsDialog;
use crate::components::{
    format_iso_time, search_box, select_cell, Appearance, Button, Icon, IconName, StateBadge,
};
use crate::lazy;
use crate::router::{navigate, query_state, use_location};
use crate::store::use_store;
use azimuth_core::endpoints::StoredEndpoint;
use azimuth_core::workspace::roles::Action;
use leptos::prelude::*;

/// One row of the table.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Row {
    name: String,
    description: String,
    created_on: String,
    updated_on: String,
    state: String,
    auth: String,
}

fn row(e: &StoredEndpoint) -> Row {
    let system = e.resource.system_data.clone().unwrap_or_default();
    let p = &e.resource.properties;
    Row {
        name: e.resource.name.clone(),
        description: p.description.clone().unwrap_or_default(),
        created_on: format_iso_time(&system.created_at),
        updated_on: format_iso_time(&system.last_modified_at),
        state: p.provisioning_state.clone().unwrap_or_default(),
        auth: match p.auth_mode.as_str() {
            "AMLToken" => "AML token".to_owned(),
            other => other.to_owned(),
        },
    }
}

/// The Real-time endpoints list, at `/endpoints` (and under its wizard, `/endpoints/create`).
#[component]
pub fn EndpointsPage() -> impl IntoView {
    let store = use_store();
    let path = use_location().path;
    let search = query_state::<String>("search");
    let selected = RwSignal::new(Vec::<String>::new());
    let deleting = RwSignal::new(false);
    let rows = Memo::new(move |_| {
        store
            .workspace
            .with(|w| w.endpoints.iter().map(|e| row(e)).collect::<Vec<_>>())
    });
    let visible = Memo::new(move |_| {
        let query = search.get().to_ascii_lowercase();
        rows.with(|rows| {
            rows.iter()
                .filter(|r| {
                    query.is_empty()
                        || [&r.name, &r.description, &r.state]
                            .iter()
                            .any(|f| f.to_ascii_lowercase().contains(&query))
                })
                .map(|r| r.name.clone())
                .collect::<Vec<_>>()
        })
    });
    let chosen = Signal::derive(move || {
        let picked = selected.get();
        visible.with(|v| {
            v.iter()
                .filter(|n| picked.contains(n))
                .cloned()
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
        {super::kinds_header(path)}
        <p class="muted tab-intro">
            "A real-time endpoint answers scoring requests over HTTPS with the models deployed to it; its traffic is split between its deployments."
        </p>
        <div class="toolbar" role="toolbar" aria-label="Endpoint actions">
            <Button appearance=Appearance::Primary blocked=write_refusal on_click=move |_| navigate("/endpoints/create")>
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
        <div class="filters">{search_box("Search endpoints", search)}</div>
        <div class="table-wrap">
            <table class="data-table endpoints-table" aria-label="Real-time endpoints">
                <thead>
                    <tr>
                        <th scope="col" class="data-table__check"><span class="visually-hidden">"Select"</span></th>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Description"</th>
                        <th scope="col">"Created on"</th>
                        <th scope="col">"Updated on"</th>
                        <th scope="col">"Provisioning state"</th>
                        <th scope="col">"Authentication type"</th>
                        <th scope="col">"Compute type"</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || rows.get() key=|r| r.clone() let:r>
                        {
                            let name = r.name.clone();
                            let hidden = {
                                let name = name.clone();
                                move || !visible.with(|v| v.contains(&name))
                            };
                            view! {
                                <tr prop:hidden=hidden>
                                    {select_cell(name.clone(), selected)}
                                    <td class="data-table__name"><a href=super::endpoint_href(&name, "")>{name.clone()}</a></td>
                                    <td class="endpoints-table__description">{r.description}</td>
                                    <td class="data-table__number">{r.created_on}</td>
                                    <td class="data-table__number">{r.updated_on}</td>
                                    <td><StateBadge state=Signal::stored(r.state) /></td>
                                    <td>{r.auth}</td>
                                    <td>"Managed"</td>
                                </tr>
                            }
                        }
                    </For>
                </tbody>
            </table>
            <Show when=move || visible.with(Vec::is_empty)>
                <div class="table-empty">
                    {move || if rows.with(Vec::is_empty) {
                        "No endpoints yet. Select \"+ Create\", or \"Deploy\" on a model's page, to deploy a model that Automated ML trained."
                    } else {
                        "No endpoint matches the search."
                    }}
                </div>
            </Show>
        </div>
        <Show when=move || deleting.get()>
            <DeleteEndpointsDialog names=chosen.get_untracked() close />
        </Show>
        <Show when=move || path.get() == "/endpoints/create">
            {lazy::show(create_endpoint_wizard(), String::new())}
        </Show>
    }
}
