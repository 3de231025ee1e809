//! `/compute/import`: "Create from YAML". A file pasted or uploaded (any of the CLI's compute
//! file types) is read as `az ml compute create -f` would, checked by the engine, and shown as
//! what it will create; "Create" then sends it. Errors name their line and field; secrets in the
//! file are accepted and never shown.

use super::clusters::tier;
use super::details::{describe_idle_shutdown, describe_schedules};
use crate::components::{guard_close, ImportSummary, YamlFile};
use crate::router::{leave_held, leave_to, release_page};
use crate::shell::Breadcrumbs;
use crate::store::use_store;
use azimuth_core::compute::attach::attached_kind;
use azimuth_core::compute::catalogue::find_vm_size;
use azimuth_core::compute::cluster::is_cluster;
use azimuth_core::compute::yaml_in::{compute_from_yaml, ImportedCompute};
use azimuth_core::time::parse_duration_seconds;
use azimuth_core::workspace::roles::Action;
use azimuth_core::{ComputeResource, Workspace};
use leptos::prelude::*;

/// What the file will create, as label and value lines in the studio's words (never a secret).
fn summary(c: &ImportedCompute) -> Vec<(&'static str, String)> {
    let compute = &c.resource.properties;
    let inner = &compute.properties;
    let cluster = is_cluster(&c.resource);
    let mut lines = vec![
        ("Name", c.name.clone()),
        ("Type", kind_of(&c.resource).into()),
    ];
    if !inner.vm_size.is_empty() {
        let size = find_vm_size(&inner.vm_size).map_or_else(
            || inner.vm_size.clone(),
            |s| format!("{} ({})", s.name, s.summary()),
        );
        lines.push(("Virtual machine size", size));
    }
    if cluster {
        lines.push((
            "Virtual machine tier",
            tier(inner.vm_priority.as_deref()).into(),
        ));
    }
    if let Some(scale) = &inner.scale_settings {
        let nodes = format!("{} to {}", scale.min_node_count, scale.max_node_count);
        lines.push(("Nodes", nodes));
        let idle = scale
            .node_idle_time_before_scale_down
            .as_deref()
            .and_then(parse_duration_seconds);
        if let Some(seconds) = idle {
            lines.push(("Idle seconds before scale down", seconds.to_string()));
        }
    }
    if let Some(d) = compute.description.as_deref().filter(|d| !d.is_empty()) {
        // A long description is shown by its start.
        let shown: String = d.chars().take(200).collect();
        let more = if shown.len() < d.len() { "…" } else { "" };
        lines.push(("Description", format!("{shown}{more}")));
    }
    if let Some(id) = &compute.resource_id {
        lines.push(("Resource ID", id.clone()));
    }
    if let Some(namespace) = &inner.namespace {
        lines.push(("Namespace", namespace.clone()));
    }
    if !cluster && attached_kind(&c.resource).is_none() {
        let idle = inner.idle_time_before_shutdown.as_deref();
        lines.push(("Idle shutdown", describe_idle_shutdown(idle)));
        let schedules = describe_schedules(inner.schedules.as_ref());
        if !schedules.is_empty() {
            lines.push(("Schedules", schedules));
        }
    }
    let ssh = inner
        .ssh_settings
        .as_ref()
        .map(|s| s.ssh_public_access == "Enabled")
        .or(inner.user_account_credentials.as_ref().map(|_| true))
        .or(inner.administrator_account.as_ref().map(|_| true));
    if let Some(on) = ssh {
        lines.push(("SSH", if on { "Enabled" } else { "Disabled" }.into()));
    }
    if !c.resource.tags.is_empty() {
        let tags: Vec<String> = c
            .resource
            .tags
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect();
        lines.push(("Tags", tags.join(", ")));
    }
    lines
}

/// "Compute instance", "Compute cluster" or the attached kind.
fn kind_of(r: &ComputeResource) -> &'static str {
    match attached_kind(r) {
        Some(kind) => kind.label(),
        None if is_cluster(r) => "Compute cluster",
        None => "Compute instance",
    }
}

/// The list a created compute shows in.
fn list_of(r: &ComputeResource) -> &'static str {
    match attached_kind(r) {
        Some(azimuth_core::compute::attach::AttachedKind::Kubernetes) => "/compute/kubernetes",
        Some(_) => "/compute/attached",
        None if is_cluster(r) => "/compute/clusters",
        None => "/compute/instances",
    }
}

/// Reads and checks a file: what it will create, or why it cannot.
fn check(text: &str, w: &Workspace) -> Result<ImportedCompute, String> {
    let imported = compute_from_yaml(text, w).map_err(|e| e.to_string())?;
    let (name, body) = (&imported.name, &imported.resource);
    let checked = if attached_kind(body).is_some() {
        w.check_attach_request(name, body).map(drop)
    } else if is_cluster(body) {
        w.validate_cluster_request(name, body)
    } else {
        w.validate_instance_request(name, body)
    };
    checked.map_err(|e| e.message().to_owned())?;
    Ok(imported)
}

/// The "Create from YAML" page.
#[component]
pub fn ImportPage() -> impl IntoView {
    let store = use_store();
    let text = RwSignal::new(String::new());
    let sending = RwSignal::new(false);
    // Back, Forward and Cancel ask before pasted YAML is lost.
    let unsaved = Signal::derive(move || !text.with(|t| t.trim().is_empty()));
    let guard = guard_close(
        unsaved,
        Callback::new(move |_| leave_held("/compute/instances")),
    );
    let result = Memo::new(move |_| {
        let text = text.get();
        (!text.trim().is_empty()).then(|| store.workspace.with(|w| check(&text, w)))
    });
    let summary =
        Signal::derive(move || result.get().map(|r| r.map(|imported| summary(&imported))));
    let on_create = Callback::new(move |_| {
        let Some(Ok(imported)) = result.get_untracked() else {
            return;
        };
        sending.set(true);
        leptos::task::spawn_local(async move {
            let list = list_of(&imported.resource);
            let sent = store
                .create_compute(&imported.name, imported.resource)
                .await;
            sending.set(false);
            if sent.is_ok() {
                // The form's entry gives way to the list, so Back does not open it again empty.
                release_page();
                leave_to(list);
            }
        });
    });
    let blocked = Signal::derive(move || {
        store
            .refusal(Action::WriteCompute)
            .or_else(|| match result.get() {
                None => Some("Paste or upload a compute YAML file first.".into()),
                Some(Err(_)) => Some("Fix the file first.".into()),
                Some(Ok(_)) => None,
            })
    });
    view! {
        <Breadcrumbs items=vec![("Compute".into(), "/compute/instances".into()), ("Create from YAML".into(), "".into())] />
        <header class="page-header">
            <h1>"Create from YAML"</h1>
        </header>
        <p class="muted tab-intro">
            "An Azure ML CLI v2 compute file, as " <code>"az ml compute create -f"</code>
            " takes it: a compute instance, a compute cluster (amlcompute), or a Kubernetes cluster, virtual machine or Synapse Spark pool to attach. Secrets in the file (passwords, keys) are used once and never shown."
        </p>
        <YamlFile text placeholder="$schema: https://azuremlschemas.azureedge.net/latest/amlCompute.schema.json\nname: cpu-cluster\ntype: amlcompute\nsize: STANDARD_DS3_v2\nmin_instances: 0\nmax_instances: 2" />
        <ImportSummary summary blocked sending on_create guard />
    }
}
