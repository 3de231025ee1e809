//! An endpoint's Details tab: its attributes (REST endpoint, Swagger URI, provisioning state as
//! it moves, authentication, compute type), its traffic allocation with "Update traffic" (live
//! and mirrored shares, checked as they are typed), and a card per deployment (model,
//! instances, request settings and probes, state, Delete, refused while it gets traffic).

use super::delete::DeleteDeploymentDialog;
use super::endpoint::Shown;
use super::settings::settings_lines;
use super::traffic::{share_rows, TrafficEditor, TrafficShares};
use super::{auth_label, model_link};
use crate::components::{
    format_iso_time, prop, prop_view, Appearance, Button, Icon, IconName, StateBadge,
};
use crate::pages::models::tags_view;
use crate::store::use_store;
use azimuth_core::endpoints::DeploymentResource;
use azimuth_core::workspace::roles::Action;
use leptos::prelude::*;

/// Where a read-only address goes when the workspace is kept in the browser.
const NO_SERVER: &str = "None: a workspace kept in this browser has no REST endpoint (the Test tab scores in the page). Serve it with azimuth-server to call it over HTTP.";

/// The Details tab.
#[component]
pub fn DetailsTab(
    /// The endpoint shown.
    shown: Shown,
) -> impl IntoView {
    let endpoint = shown.endpoint;
    let attributes = move || {
        let e = endpoint.get()?;
        let system = e.system_data.clone().unwrap_or_default();
        let p = e.properties.clone();
        let address = |uri: Option<String>, none: &'static str| match uri {
            Some(uri) => view! { <code class="endpoint-uri">{uri}</code> }.into_any(),
            None => view! { <span class="muted">{none}</span> }.into_any(),
        };
        let state = p.provisioning_state.clone().unwrap_or_default();
        Some(view! {
            <dl class="props">
                {prop("Name", e.name.clone())}
                {prop("Description", p.description.clone().unwrap_or_default())}
                {prop_view("Provisioning state", view! { <StateBadge state=Signal::stored(state) /> })}
                {prop("Authentication type", auth_label(&p.auth_mode).to_owned())}
                {prop("Compute type", "Managed".to_owned())}
                {prop_view("REST endpoint", address(p.scoring_uri.clone(), NO_SERVER))}
                {prop_view("Swagger URI", address(p.swagger_uri.clone(), "None in a workspace kept in this browser."))}
                {prop("Created on", format_iso_time(&system.created_at))}
                {prop("Created by", system.created_by.clone())}
                {prop("Last updated on", format_iso_time(&system.last_modified_at))}
                {prop_view("Tags", tags_view(&e.tags))}
                {(!p.mirror_traffic.is_empty()).then(|| prop("Mirrored traffic", p.mirror_traffic.iter().map(|(k, v)| format!("{k}: {v}%")).collect::<Vec<_>>().join(", ")))}
            </dl>
        })
    };
    view! {
        <div class="details">
            <section class="card" aria-labelledby="endpoint-attributes">
                <h2 id="endpoint-attributes">"Attributes"</h2>
                {attributes}
            </section>
            <TrafficCard shown />
            <section class="endpoint-deployments" aria-label="Deployments">
                <h2>"Deployments"</h2>
                {move || {
                    let all = shown.deployments.get();
                    if all.is_empty() {
                        return view! { <p class="muted">"No deployment yet: select \"Add deployment\" to deploy a model to this endpoint."</p> }.into_any();
                    }
                    all.into_iter().map(|d| view! { <DeploymentCard shown deployment=d /> }).collect_view().into_any()
                }}
            </section>
        </div>
    }
}

/// The traffic allocation, and its editor.
#[component]
fn TrafficCard(shown: Shown) -> impl IntoView {
    let store = use_store();
    let editing = RwSignal::new(false);
    let saving = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let shares = TrafficShares(RwSignal::new(Vec::new()));
    let splits = Memo::new(move |_| {
        shown.endpoint.with(|e| {
            e.as_ref()
                .map(|e| {
                    (
                        e.properties.traffic.clone(),
                        e.properties.mirror_traffic.clone(),
                    )
                })
                .unwrap_or_default()
        })
    });
    let names = Memo::new(move |_| {
        shown
            .deployments
            .with(|d| d.iter().map(|d| d.name.clone()).collect::<Vec<_>>())
    });
    let edit = move |_| {
        let (traffic, mirror) = splits.get_untracked();
        shares.set(share_rows(&names.get_untracked(), &traffic, &mirror));
        failure.set(None);
        editing.set(true);
    };
    let save = move |_| {
        let (Ok(split), Ok(mirror)) = (shares.split(), shares.mirror()) else {
            return;
        };
        saving.set(true);
        failure.set(None);
        leptos::task::spawn_local(async move {
            let saved = store
                .set_traffic(&shown.name.get_value(), split, mirror)
                .await;
            saving.set(false);
            match saved {
                Ok(()) => editing.set(false),
                Err(e) => failure.set(Some(e.message().to_owned())),
            }
        });
    };
    let invalid = Signal::derive(move || shares.error().is_some());
    let mirrored = move || splits.with(|(_, m)| m.values().any(|s| *s > 0));
    let summary = move || {
        names.get().into_iter().map(|n| {
            let (share, copy) = splits.with(|(t, m)| {
                let of = |map: &std::collections::BTreeMap<String, u32>| map.get(&n).copied().unwrap_or(0);
                (of(t), of(m))
            });
            view! {
                <tr>
                    <th scope="row">{n}</th>
                    <td class="data-table__number">{format!("{share} %")}</td>
                    {mirrored().then(|| view! { <td class="data-table__number">{format!("{copy} %")}</td> })}
                    <td class="traffic__bar-cell">
                        // An SVG's own width, not a style attribute: the CSP allows no inline styles.
                        <svg class="traffic__bar" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true">
                            <rect class="traffic__track" width="100" height="8" rx="4" />
                            <rect class="traffic__share" width=share height="8" rx="4" />
                        </svg>
                    </td>
                </tr>
            }
        }).collect_view()
    };
    view! {
        <section class="card" aria-labelledby="endpoint-traffic">
            <h2 id="endpoint-traffic">"Traffic allocation"</h2>
            <Show when=move || editing.get() fallback=move || view! {
                <table class="data-table traffic" aria-label="Traffic">
                    <thead><tr>
                        <th scope="col">"Deployment"</th>
                        <th scope="col">"Traffic"</th>
                        {move || mirrored().then(|| view! { <th scope="col">"Mirrored"</th> })}
                        <th scope="col"><span class="visually-hidden">"Share"</span></th>
                    </tr></thead>
                    <tbody>{summary}</tbody>
                </table>
                <div class="toolbar endpoint-card__actions">
                    <Button blocked=Signal::derive(move || store.refusal(Action::WriteEndpoints)) disabled=Signal::derive(move || names.with(Vec::is_empty)) on_click=edit>"Update traffic"</Button>
                </div>
            }>
                <p class="muted">"Live traffic is shared between the deployments; mirrored traffic is a copy of some requests sent to a deployment without live traffic, whose answers are not returned (at most 50% in all)."</p>
                <TrafficEditor shares mirror=true />
                <div class="toolbar endpoint-card__actions">
                    <Button appearance=Appearance::Primary disabled=Signal::derive(move || invalid.get() || saving.get()) on_click=save>"Save"</Button>
                    <Button on_click=move |_| editing.set(false)>"Cancel"</Button>
                </div>
                <Show when=move || failure.with(Option::is_some)>
                    <div class="message-bar message-bar--error" role="alert">{move || failure.get().unwrap_or_default()}</div>
                </Show>
            </Show>
        </section>
    }
}

/// One deployment's card.
#[component]
fn DeploymentCard(shown: Shown, deployment: DeploymentResource) -> impl IntoView {
    let store = use_store();
    let deleting = RwSignal::new(false);
    let name = deployment.name.clone();
    let p = deployment.properties.clone();
    let system = deployment.system_data.clone().unwrap_or_default();
    let share = {
        let name = name.clone();
        Memo::new(move |_| {
            shown.endpoint.with(|e| {
                e.as_ref()
                    .and_then(|e| e.properties.traffic.get(&name).copied())
                    .unwrap_or(0)
            })
        })
    };
    let refusal = {
        let name = name.clone();
        Signal::derive(move || {
            store.refusal(Action::WriteEndpoints).or_else(|| {
                let s = share.get();
                (s > 0).then(|| format!("{name} gets {s}% of the endpoint's traffic: set its traffic to 0 (Update traffic) before deleting it."))
            })
        })
    };
    let (heading, labelled) = (format!("deployment-{name}"), format!("deployment-{name}"));
    let state = p.provisioning_state.clone().unwrap_or_default();
    view! {
        <section class="card endpoint-card" aria-labelledby=labelled>
            <header class="endpoint-card__header">
                <h3 id=heading>{name.clone()}</h3>
                <StateBadge state=Signal::stored(state) />
            </header>
            <dl class="props">
                {prop_view("Model", model_link(&p.model))}
                {prop("Instance type", p.instance_type.clone())}
                {prop("Instance count", deployment.sku.capacity.to_string())}
                {prop_view("Traffic", move || format!("{} %", share.get()))}
                {settings_lines(&p).map(|(label, line)| prop(label, line))}
                {prop("Compute type", "Managed".to_owned())}
                {prop("Created on", format_iso_time(&system.created_at))}
            </dl>
            <div class="toolbar endpoint-card__actions">
                <Button appearance=Appearance::Subtle blocked=refusal on_click=move |_| deleting.set(true)>
                    <Icon name=IconName::Delete />
                    {format!("Delete {name}")}
                </Button>
            </div>
            <Show when=move || deleting.get()>
                <DeleteDeploymentDialog endpoint=shown.name.get_value() name=deployment.name.clone() close=Callback::new(move |_| deleting.set(false)) />
            </Show>
        </section>
    }
}
