//! Azure ML CLI v2 YAML (`az ml compute create -f`) for a compute instance and a compute cluster.

use crate::compute::request::parse_subnet_id;
use crate::compute::{ComputeResource, StartStopSchedule};
use crate::time::parse_duration_seconds;
use crate::workspace::Workspace;
use crate::yaml_out::{raw, text, write, Node};

/// The CLI v2 schema of a compute instance file.
pub const INSTANCE_SCHEMA: &str =
    "https://azuremlschemas.azureedge.net/latest/computeInstance.schema.json";

/// The CLI v2 schema of a compute cluster file.
pub const CLUSTER_SCHEMA: &str =
    "https://azuremlschemas.azureedge.net/latest/amlCompute.schema.json";

/// The CLI v2 schemas of attached computes the CLI has a file type for.
const KUBERNETES_SCHEMA: &str =
    "https://azuremlschemas.azureedge.net/latest/kubernetesCompute.schema.json";
const VM_SCHEMA: &str = "https://azuremlschemas.azureedge.net/latest/vmCompute.schema.json";
const SYNAPSE_SCHEMA: &str =
    "https://azuremlschemas.azureedge.net/latest/synapseSparkCompute.schema.json";

fn schedule_node(s: &StartStopSchedule) -> Node {
    let mut entries = vec![
        ("action".into(), raw(s.action.to_ascii_lowercase())),
        ("state".into(), raw(s.status.to_ascii_lowercase())),
    ];
    let trigger = if let Some(cron) = &s.cron {
        let mut t = vec![
            ("type".into(), raw("cron")),
            ("expression".into(), text(&cron.expression)),
        ];
        if let Some(start) = &cron.start_time {
            t.push(("start_time".into(), text(start)));
        }
        t.push(("time_zone".into(), text(&cron.time_zone)));
        t
    } else if let Some(rec) = &s.recurrence {
        let list = |v: &[u32]| Node::List(v.iter().map(raw).collect());
        let mut sched = vec![
            ("hours".into(), list(&rec.schedule.hours)),
            ("minutes".into(), list(&rec.schedule.minutes)),
        ];
        if !rec.schedule.week_days.is_empty() {
            sched.push((
                "week_days".into(),
                Node::List(
                    rec.schedule
                        .week_days
                        .iter()
                        .map(|d| raw(d.to_ascii_lowercase()))
                        .collect(),
                ),
            ));
        }
        let mut t = vec![
            ("type".into(), raw("recurrence")),
            ("frequency".into(), raw(rec.frequency.to_ascii_lowercase())),
            ("interval".into(), raw(rec.interval)),
            ("schedule".into(), Node::Map(sched)),
        ];
        if let Some(start) = &rec.start_time {
            t.push(("start_time".into(), text(start)));
        }
        t.push(("time_zone".into(), text(&rec.time_zone)));
        t
    } else {
        Vec::new()
    };
    entries.push(("trigger".into(), Node::Map(trigger)));
    Node::Map(entries)
}

/// The keys every compute's YAML starts with: schema, name, type, size and location.
fn head(
    schema: &str,
    kind: &str,
    name: &str,
    resource: &ComputeResource,
    workspace: &Workspace,
) -> Vec<(String, Node)> {
    let location = resource
        .location
        .as_deref()
        .unwrap_or(&workspace.resource.location);
    vec![
        ("$schema".into(), raw(schema)),
        ("name".into(), text(name)),
        ("type".into(), raw(kind)),
        ("size".into(), text(&resource.properties.properties.vm_size)),
        ("location".into(), text(location)),
    ]
}

/// `network_settings` from the compute's subnet, when it has one.
fn network_settings(resource: &ComputeResource) -> Option<(String, Node)> {
    let subnet = resource.properties.properties.subnet.as_ref()?;
    let (_, vnet, subnet) = parse_subnet_id(&subnet.id).ok()?;
    Some((
        "network_settings".into(),
        Node::Map(vec![
            ("vnet_name".into(), text(&vnet)),
            ("subnet".into(), text(&subnet)),
        ]),
    ))
}

/// The document's identity and tags, when it has them, and the finished text.
fn finish(mut doc: Vec<(String, Node)>, resource: &ComputeResource) -> String {
    if let Some(identity) = resource
        .identity
        .as_ref()
        .filter(|i| i.identity_type != "None")
    {
        let kind = match identity.identity_type.replace(' ', "").as_str() {
            "SystemAssigned" => "system_assigned",
            "UserAssigned" => "user_assigned",
            _ => "system_assigned,user_assigned",
        };
        let mut entries = vec![("type".into(), raw(kind))];
        if !identity.user_assigned_identities.is_empty() {
            let ids = identity.user_assigned_identities.keys();
            let list = ids.map(|id| Node::Map(vec![("resource_id".into(), text(id))]));
            entries.push((
                "user_assigned_identities".into(),
                Node::List(list.collect()),
            ));
        }
        doc.push(("identity".into(), Node::Map(entries)));
    }
    if !resource.tags.is_empty() {
        let tags = resource.tags.iter().map(|(k, v)| (k.clone(), text(v)));
        doc.push(("tags".into(), Node::Map(tags.collect())));
    }
    write(doc)
}

/// The CLI v2 YAML of a compute instance (a create request or an existing resource).
pub fn instance_yaml(name: &str, resource: &ComputeResource, workspace: &Workspace) -> String {
    let compute = &resource.properties;
    let inner = &compute.properties;
    let mut doc = head(
        INSTANCE_SCHEMA,
        "computeinstance",
        name,
        resource,
        workspace,
    );
    if let Some(d) = &compute.description {
        doc.push(("description".into(), text(d)));
    }
    if let Some(p) = &inner.personal_compute_instance_settings {
        doc.push((
            "create_on_behalf_of".into(),
            Node::Map(vec![
                ("user_tenant_id".into(), text(&p.assigned_user.tenant_id)),
                ("user_object_id".into(), text(&p.assigned_user.object_id)),
            ]),
        ));
    }
    let ssh_enabled = inner
        .ssh_settings
        .as_ref()
        .is_some_and(|s| s.ssh_public_access == "Enabled");
    doc.push(("ssh_public_access_enabled".into(), raw(ssh_enabled)));
    if let Some(key) = inner
        .ssh_settings
        .as_ref()
        .and_then(|s| s.admin_public_key.as_deref())
    {
        doc.push((
            "ssh_settings".into(),
            Node::Map(vec![("ssh_key_value".into(), text(key))]),
        ));
    }
    doc.extend(network_settings(resource));
    let flags = [
        ("enable_node_public_ip", inner.enable_node_public_ip),
        ("enable_root_access", inner.enable_root_access),
        ("release_quota_on_stop", inner.release_quota_on_stop),
    ];
    for (key, value) in flags {
        if let Some(v) = value {
            doc.push((key.into(), raw(v)));
        }
    }
    if let Some(minutes) = inner
        .idle_time_before_shutdown
        .as_deref()
        .and_then(parse_duration_seconds)
    {
        doc.push((
            "idle_time_before_shutdown_minutes".into(),
            raw(minutes / 60),
        ));
    }
    if let Some(s) = inner
        .schedules
        .as_ref()
        .filter(|s| !s.compute_start_stop.is_empty())
    {
        doc.push((
            "schedules".into(),
            Node::Map(vec![(
                "compute_start_stop".into(),
                Node::List(s.compute_start_stop.iter().map(schedule_node).collect()),
            )]),
        ));
    }
    finish(doc, resource)
}

/// The CLI v2 YAML of any compute, or `None` for a kind the CLI has no file type for (Azure
/// Databricks and HDInsight are attached with ARM JSON only). Secrets are never written.
pub fn compute_yaml(resource: &ComputeResource, workspace: &Workspace) -> Option<String> {
    use crate::compute::attach::{attached_kind, AttachedKind};
    let name = &resource.name;
    let Some(kind) = attached_kind(resource) else {
        return Some(if crate::compute::cluster::is_cluster(resource) {
            cluster_yaml(name, resource, workspace)
        } else {
            instance_yaml(name, resource, workspace)
        });
    };
    let (schema, file_type) = match kind {
        AttachedKind::Kubernetes => (KUBERNETES_SCHEMA, "kubernetes"),
        AttachedKind::VirtualMachine => (VM_SCHEMA, "virtualmachine"),
        AttachedKind::SynapseSpark => (SYNAPSE_SCHEMA, "synapsespark"),
        AttachedKind::Databricks | AttachedKind::HdInsight => return None,
    };
    let compute = &resource.properties;
    let inner = &compute.properties;
    let mut doc = vec![
        ("$schema".into(), raw(schema)),
        ("name".into(), text(name)),
        ("type".into(), raw(file_type)),
        (
            "resource_id".into(),
            text(compute.resource_id.as_deref().unwrap_or_default()),
        ),
    ];
    if let Some(d) = &compute.description {
        doc.push(("description".into(), text(d)));
    }
    if let Some(namespace) = &inner.namespace {
        doc.push(("namespace".into(), text(namespace)));
    }
    if let Some(account) = &inner.administrator_account {
        let mut ssh = vec![("admin_username".into(), text(&account.username))];
        if let Some(address) = &inner.address {
            ssh.push(("address".into(), text(address)));
        }
        if let Some(port) = inner.ssh_port {
            ssh.push(("ssh_port".into(), raw(port)));
        }
        doc.push(("ssh_settings".into(), Node::Map(ssh)));
    }
    Some(finish(doc, resource))
}

/// The CLI v2 YAML of a compute cluster. A password is never written: it is not kept.
pub fn cluster_yaml(name: &str, resource: &ComputeResource, workspace: &Workspace) -> String {
    let compute = &resource.properties;
    let inner = &compute.properties;
    let mut doc = head(CLUSTER_SCHEMA, "amlcompute", name, resource, workspace);
    if let Some(d) = &compute.description {
        doc.push(("description".into(), text(d)));
    }
    let scale = inner.scale_settings.clone().unwrap_or_default();
    doc.push(("min_instances".into(), raw(scale.min_node_count)));
    doc.push(("max_instances".into(), raw(scale.max_node_count)));
    if let Some(seconds) = scale
        .node_idle_time_before_scale_down
        .as_deref()
        .and_then(parse_duration_seconds)
    {
        doc.push(("idle_time_before_scale_down".into(), raw(seconds)));
    }
    let tier = match inner.vm_priority.as_deref() {
        Some("LowPriority") => "low_priority",
        _ => "dedicated",
    };
    doc.push(("tier".into(), raw(tier)));
    if let Some(account) = &inner.user_account_credentials {
        let ssh_open = inner.remote_login_port_public_access.as_deref() != Some("Disabled");
        doc.push(("ssh_public_access_enabled".into(), raw(ssh_open)));
        let mut ssh = vec![("admin_username".into(), text(&account.admin_user_name))];
        if let Some(key) = &account.admin_user_ssh_public_key {
            ssh.push(("ssh_key_value".into(), text(key)));
        }
        doc.push(("ssh_settings".into(), Node::Map(ssh)));
    }
    doc.extend(network_settings(resource));
    if let Some(public_ip) = inner.enable_node_public_ip {
        doc.push(("enable_node_public_ip".into(), raw(public_ip)));
    }
    finish(doc, resource)
}
