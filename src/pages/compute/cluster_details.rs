//! A compute cluster's page at `/compute/clusters/{name}`: its properties, its nodes, a resize
//! of the node counts and idle time (ARM's PATCH of `scaleSettings`), its CLI v2 YAML and ARM JSON.

use super::actions::LifecycleButtons;
use super::clusters::{cluster_state, node_states, read_scale, tier};
use super::details::describe_tags;
use crate::components::prop;
use crate::components::{
    format_iso_time, format_price, format_time, Appearance, Button, CodeView, StateBadge, TextField,
};
use crate::router::leave_to;
use crate::shell::Breadcrumbs;
use crate::store::use_store;
use azimuth_core::compute::catalogue::find_vm_size;
use azimuth_core::compute::cost::{hourly_cost, machines_billed, price_per_machine};
use azimuth_core::compute::request::parse_subnet_id;
use azimuth_core::compute::yaml::cluster_yaml;
use azimuth_core::compute::ScaleSettings;
use azimuth_core::time::parse_duration_seconds;
use azimuth_core::{StoredCompute, Workspace};
use leptos::prelude::*;

fn properties(c: &StoredCompute, w: &Workspace) -> Vec<(&'static str, String)> {
    let props = &c.resource.properties;
    let inner = &props.properties;
    let scale = inner.scale_settings.clone().unwrap_or_default();
    let idle = scale
        .node_idle_time_before_scale_down
        .as_deref()
        .and_then(parse_duration_seconds)
        .map(|s| format!("{s} seconds"))
        .unwrap_or_default();
    let size = find_vm_size(&inner.vm_size).map_or_else(
        || inner.vm_size.clone(),
        |s| format!("{} ({})", s.name, s.summary()),
    );
    let ssh = match &inner.user_account_credentials {
        Some(account) => format!("Enabled (administrator {})", account.admin_user_name),
        None => "Disabled".into(),
    };
    let network = match inner.subnet.as_ref().map(|s| parse_subnet_id(&s.id)) {
        Some(Ok((_, vnet, subnet))) => {
            let ip = if inner.enable_node_public_ip == Some(false) {
                "no public IP"
            } else {
                "public IP"
            };
            format!("{vnet} / {subnet} ({ip})")
        }
        _ => "None".into(),
    };
    vec![
        ("State", cluster_state(c)),
        ("Description", props.description.clone().unwrap_or_default()),
        (
            "Provisioning state",
            props.provisioning_state.clone().unwrap_or_default(),
        ),
        ("Virtual machine size", size),
        (
            "Virtual machine tier",
            tier(inner.vm_priority.as_deref()).into(),
        ),
        ("Minimum number of nodes", scale.min_node_count.to_string()),
        ("Maximum number of nodes", scale.max_node_count.to_string()),
        ("Idle seconds before scale down", idle),
        (
            "Current nodes",
            inner.current_node_count.unwrap_or(0).to_string(),
        ),
        (
            "Target nodes",
            inner.target_node_count.unwrap_or(0).to_string(),
        ),
        ("Node states", node_states(c)),
        ("Estimated cost", estimated_cost(c, w)),
        (
            "Allocation state changed",
            inner
                .allocation_state_transition_time
                .as_deref()
                .map(format_iso_time)
                .unwrap_or_default(),
        ),
        ("SSH access", ssh),
        ("Virtual network", network),
        ("Location", w.region().display_name.to_owned()),
        (
            "Created on",
            props
                .created_on
                .as_deref()
                .map(format_iso_time)
                .unwrap_or_default(),
        ),
        ("Tags", describe_tags(c)),
    ]
}

/// What the cluster costs now, and what one node costs.
fn estimated_cost(c: &StoredCompute, w: &Workspace) -> String {
    match price_per_machine(c, w) {
        Some(per_node) => {
            let nodes = machines_billed(c);
            let plural = if nodes == 1 { "" } else { "s" };
            format!(
                "{} now ({nodes} node{plural} at {} each; Linux, pay as you go)",
                format_price(hourly_cost(c, w)),
                format_price(per_node)
            )
        }
        None => "Unknown for this size".into(),
    }
}

/// The resize form: node counts and idle time, checked by the engine's rules as typed.
#[component]
fn ResizeForm(name: Signal<String>, current: ScaleSettings) -> impl IntoView {
    let store = use_store();
    let min = RwSignal::new(current.min_node_count.to_string());
    let max = RwSignal::new(current.max_node_count.to_string());
    let idle_now = current
        .node_idle_time_before_scale_down
        .as_deref()
        .and_then(parse_duration_seconds)
        .unwrap_or(120);
    let idle = RwSignal::new(idle_now.to_string());
    // The fields, then the engine's check of the resize itself (quota for added nodes).
    let wanted = move || {
        let scale = read_scale(&min.get(), &max.get(), &idle.get())?;
        store.workspace.with(|w| {
            let refused = w
                .cluster(&name.get())
                .and_then(|c| w.check_rescale(c, &scale).err());
            match refused {
                Some(e) => Err([Some(e.message().to_owned()), None, None]),
                None => Ok(scale),
            }
        })
    };
    let error_at =
        move |i: usize| Signal::derive(move || wanted().err().and_then(|e| e[i].clone()));
    let blocked = Signal::derive(move || {
        wanted()
            .err()
            .map(|e| e.into_iter().flatten().collect::<Vec<_>>().join(" "))
    });
    let refusal = move || store.refusal(azimuth_core::workspace::roles::Action::WriteCompute);
    let apply = move |_| {
        if let Ok(scale) = wanted() {
            leptos::task::spawn_local(async move {
                let _ = store.rescale_cluster(&name.get_untracked(), scale).await;
            });
        }
    };
    view! {
        <section class="card" aria-labelledby="resize-title">
            <h2 id="resize-title">"Resize"</h2>
            <p class="muted">"With no jobs running, the cluster keeps its minimum: more nodes are prepared at once, and idle nodes above it leave after the idle time."</p>
            <div class="resize">
                <TextField label="Minimum number of nodes" id="resize-min" value=min error=error_at(0) />
                <TextField label="Maximum number of nodes" id="resize-max" value=max error=error_at(1) />
                <TextField label="Idle seconds before scale down" id="resize-idle" value=idle error=error_at(2) />
            </div>
            <Button
                appearance=Appearance::Primary
                blocked=Signal::derive(move || refusal().or_else(|| blocked.get()))
                on_click=apply
            >
                "Apply"
            </Button>
        </section>
    }
}

/// The details page of one compute cluster.
#[component]
pub fn ClusterDetailsPage(
    /// The cluster's name, from the path.
    name: String,
) -> impl IntoView {
    let store = use_store();
    let name = Signal::stored(name);
    let compute = Memo::new(move |_| store.workspace.with(|w| w.cluster(&name.get()).cloned()));
    let on_deleted = Callback::new(move |_| leave_to("/compute/clusters"));
    // The form starts from the settings when the page opens (not on every change).
    let scale = compute.with_untracked(|c| {
        c.as_ref()
            .and_then(|c| c.resource.properties.properties.scale_settings.clone())
            .unwrap_or_default()
    });
    view! {
        <Breadcrumbs items=vec![
            ("Compute".into(), "/compute/instances".into()),
            ("Compute clusters".into(), "/compute/clusters".into()),
            (name.get_untracked(), "".into()),
        ] />
        <Show
            when=move || compute.with(Option::is_some)
            fallback=move || {
                view! {
                    <section class="empty-state">
                        <h1>{move || name.get()}</h1>
                        <p>"There is no compute cluster with this name in the workspace. It may have been deleted."</p>
                        <p><a href=crate::router::href("/compute/clusters")>"Back to compute clusters"</a></p>
                    </section>
                }
            }
        >
            <header class="page-header page-header--with-badge">
                <h1>{move || name.get()}</h1>
                <StateBadge state=Signal::derive(move || compute.with(|c| c.as_ref().map(cluster_state).unwrap_or_default())) />
            </header>
            <div class="toolbar" role="toolbar" aria-label="Compute cluster actions">
                <LifecycleButtons selection=Signal::derive(move || vec![name.get()]) on_deleted cluster=true />
            </div>
            <section class="card" aria-labelledby="props-title">
                <h2 id="props-title">"Properties"</h2>
                <dl class="props">
                    {move || compute.with(|c| c.as_ref().map(|c| store.workspace.with(|w| properties(c, w)).into_iter().map(|(l, v)| prop(l, v)).collect_view()))}
                </dl>
            </section>
            <ResizeForm name current=scale.clone() />
            <section class="card" aria-labelledby="nodes-title">
                <h2 id="nodes-title">"Nodes"</h2>
                <div class="table-wrap">
                    <table class="data-table" aria-labelledby="nodes-title">
                        <thead>
                            <tr>
                                <th scope="col">"Node ID"</th>
                                <th scope="col">"State"</th>
                                <th scope="col">"Private IP address"</th>
                                <th scope="col">"Since"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {move || compute.with(|c| {
                                c.iter()
                                    .flat_map(|c| c.nodes.iter())
                                    .map(|n| view! {
                                        <tr>
                                            <td>{n.id.clone()}</td>
                                            <td>{n.state.label()}</td>
                                            <td>{n.private_ip.clone()}</td>
                                            <td>{format_time(n.since)}</td>
                                        </tr>
                                    })
                                    .collect_view()
                            })}
                        </tbody>
                    </table>
                    <Show when=move || compute.with(|c| c.as_ref().is_some_and(|c| c.nodes.is_empty()))>
                        <div class="table-empty">
                            {move || compute.with(|c| match c.as_ref().and_then(|c| c.resource.properties.provisioning_state.as_deref()) {
                                Some("Creating") => "No nodes yet: they are prepared once the cluster is created.",
                                _ => "No nodes: the cluster has scaled down to its minimum of 0.",
                            })}
                        </div>
                    </Show>
                </div>
            </section>
            {move || compute.with(|c| c.as_ref().map(|c| {
                let json = azimuth_core::arm::json::to_pretty_json(&c.resource);
                let yaml = store.workspace.with(|w| cluster_yaml(&c.resource.name, &c.resource, w));
                view! {
                    <CodeView title="Azure ML CLI v2 YAML" code=yaml file_name=format!("{}.yml", c.resource.name) />
                    <CodeView title="ARM JSON" code=json file_name=format!("{}.json", c.resource.name) />
                }
            }))}
        </Show>
    }
}
