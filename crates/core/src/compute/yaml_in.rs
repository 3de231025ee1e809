//! Reading Azure ML CLI v2 YAML (`az ml compute create -f`) into a create request: the reverse
//! of [`crate::compute::yaml`], over the shared YAML tree (`crate::yaml_in`). Every error
//! names its line and field, and never shows a password.

use crate::compute::cluster::{AML_COMPUTE, MAX_NODES};
use crate::compute::request::{parse_subnet_id, subnet_id};
use crate::compute::resource::*;
use crate::compute::schedule::WEEK_DAYS;
use crate::time::format_duration_minutes;
use crate::workspace::Workspace;
pub use crate::yaml_in::YamlError;
use crate::yaml_in::{error, parse, Field};
use std::collections::BTreeMap;

/// A compute read from a YAML file: its name and the ARM create request (what a wizard PUTs).
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedCompute {
    /// The compute's name (the last segment of the PUT path).
    pub name: String,
    /// The request body.
    pub resource: ComputeResource,
}

/// The VM size a file without `size` gets, as the CLI's.
pub const DEFAULT_SIZE: &str = "Standard_DS3_v2";

/// Keys every type of compute file may have.
const COMMON_KEYS: &str = "$schema name type size location description tags identity";

/// One `type` of compute file: its ARM computeType, its own keys, the reader of those keys, and
/// whether it has a VM size (attached computes have none of their own).
struct Kind {
    name: &'static str,
    compute_type: &'static str,
    keys: &'static str,
    read: fn(&Field, &Workspace, &mut Compute) -> Result<(), YamlError>,
    sized: bool,
}

/// The types read; another is one more entry with its own reader.
const KINDS: [Kind; 5] = [
    Kind {
        name: "computeinstance",
        compute_type: "ComputeInstance",
        keys: "create_on_behalf_of ssh_public_access_enabled ssh_settings network_settings \
               enable_node_public_ip enable_root_access release_quota_on_stop \
               idle_time_before_shutdown_minutes schedules",
        read: read_instance,
        sized: true,
    },
    Kind {
        name: "amlcompute",
        compute_type: AML_COMPUTE,
        keys: "min_instances max_instances idle_time_before_scale_down tier \
               ssh_public_access_enabled ssh_settings network_settings enable_node_public_ip",
        read: read_cluster,
        sized: true,
    },
    Kind {
        name: "kubernetes",
        compute_type: "Kubernetes",
        keys: "resource_id namespace",
        read: read_kubernetes,
        sized: false,
    },
    Kind {
        name: "virtualmachine",
        compute_type: "VirtualMachine",
        keys: "resource_id ssh_settings",
        read: read_virtual_machine,
        sized: false,
    },
    Kind {
        name: "synapsespark",
        compute_type: "SynapseSpark",
        keys: "resource_id",
        read: read_resource_id,
        sized: false,
    },
];

/// The largest file read: far more than any compute needs, and well inside the 1 MiB a
/// request to azimuth-server may carry, so both stores accept the same files.
pub const MAX_FILE_BYTES: usize = 256 * 1024;

/// Reads an `az ml compute create -f` file into a create request. A subnet given by name is
/// taken to be in the workspace's subscription and resource group, as the CLI does.
pub fn compute_from_yaml(text: &str, workspace: &Workspace) -> Result<ImportedCompute, YamlError> {
    if text.len() > MAX_FILE_BYTES {
        return Err(error(
            None,
            None,
            format!(
                "The file has {} KB; a compute file is at most {} KB (a few hundred bytes is usual). Is it the right file?",
                text.len() / 1024,
                MAX_FILE_BYTES / 1024
            ),
        ));
    }
    let root = parse(text)?;
    let doc = Field::root(&root).map()?;
    let type_field = doc.required("type")?;
    let type_name = type_field.string()?;
    let Some(kind) = KINDS
        .iter()
        .find(|k| k.name.eq_ignore_ascii_case(&type_name))
    else {
        let names: Vec<&str> = KINDS.iter().map(|k| k.name).collect();
        let supported = names.join(", ");
        let message = format!("type \"{type_name}\" is not supported; use one of: {supported}");
        return Err(type_field.fail(message));
    };
    let what = format!("a file of type {}", kind.name);
    doc.only(&format!("{COMMON_KEYS} {}", kind.keys), &what)?;
    let name = doc.required("name")?.string()?;
    let identity = doc.get("identity").map(|f| read_identity(&f)).transpose()?;
    let mut tags = BTreeMap::new();
    if let Some(t) = doc.get("tags") {
        for (key, value) in t.map()?.entries() {
            tags.insert(key.to_owned(), value.string_or_empty()?);
        }
    }
    let size = doc.opt("size", Field::string)?;
    let mut compute = Compute {
        compute_type: kind.compute_type.into(),
        description: doc.opt("description", Field::string)?,
        ..Default::default()
    };
    if kind.sized {
        compute.properties.vm_size = size.unwrap_or_else(|| DEFAULT_SIZE.into());
    } else {
        compute.properties.virtual_machine_size = size;
    }
    (kind.read)(&doc, workspace, &mut compute)?;
    let resource = ComputeResource {
        location: doc.opt("location", Field::string)?,
        tags,
        identity,
        properties: compute,
        ..Default::default()
    };
    Ok(ImportedCompute { name, resource })
}

fn enabled(on: bool) -> String {
    if on { "Enabled" } else { "Disabled" }.into()
}

const MAX_U32: u64 = u32::MAX as u64;

fn read_instance(doc: &Field, ws: &Workspace, c: &mut Compute) -> Result<(), YamlError> {
    let p = &mut c.properties;
    let open = doc.opt("ssh_public_access_enabled", Field::boolean)?;
    let key = match doc.get("ssh_settings") {
        Some(s) => {
            let s = s.map()?;
            s.only("ssh_key_value", "ssh_settings of a compute instance")?;
            s.opt("ssh_key_value", Field::string)?
        }
        None => None,
    };
    if open.is_some() || key.is_some() {
        p.ssh_settings = Some(SshSettings {
            // A key without the flag means SSH is wanted.
            ssh_public_access: enabled(open.unwrap_or(key.is_some())),
            admin_public_key: key,
            ..Default::default()
        });
    }
    if let Some(f) = doc.get("create_on_behalf_of") {
        let f = f.map()?;
        f.only("user_tenant_id user_object_id", "create_on_behalf_of")?;
        let tenant_id = f.opt("user_tenant_id", Field::string)?;
        p.personal_compute_instance_settings = Some(PersonalSettings {
            assigned_user: AssignedUser {
                object_id: f.required("user_object_id")?.string()?,
                tenant_id: tenant_id.unwrap_or_else(|| ws.tenant_id.clone()),
            },
        });
    }
    p.subnet = subnet(doc, ws)?;
    p.enable_node_public_ip = doc.opt("enable_node_public_ip", Field::boolean)?;
    p.enable_root_access = doc.opt("enable_root_access", Field::boolean)?;
    p.release_quota_on_stop = doc.opt("release_quota_on_stop", Field::boolean)?;
    let idle = doc.opt("idle_time_before_shutdown_minutes", |f| {
        f.whole(0..=MAX_U32)
    })?;
    p.idle_time_before_shutdown = idle.map(|m| format_duration_minutes(m as u32));
    if let Some(s) = doc.get("schedules") {
        let s = s.map()?;
        s.only("compute_start_stop", "schedules")?;
        let items = s.opt("compute_start_stop", |l| l.items(false))?;
        let items = items.unwrap_or_default();
        let compute_start_stop = items.iter().map(schedule).collect::<Result<_, _>>()?;
        p.schedules = Some(ComputeSchedules { compute_start_stop });
    }
    Ok(())
}

fn read_cluster(doc: &Field, ws: &Workspace, c: &mut Compute) -> Result<(), YamlError> {
    let p = &mut c.properties;
    let nodes = |f: &Field, low| f.whole(low..=u64::from(MAX_NODES)).map(|n| n as u32);
    let idle = doc.opt("idle_time_before_scale_down", |f| f.whole(0..=MAX_U32))?;
    p.scale_settings = Some(ScaleSettings {
        min_node_count: doc.opt("min_instances", |f| nodes(f, 0))?.unwrap_or(0),
        max_node_count: doc.opt("max_instances", |f| nodes(f, 1))?.unwrap_or(1),
        node_idle_time_before_scale_down: idle.map(|s| format!("PT{s}S")),
    });
    let tiers = [("dedicated", "Dedicated"), ("low_priority", "LowPriority")];
    p.vm_priority = doc.opt("tier", |f| f.choice(&tiers))?.map(Into::into);
    let open = doc.opt("ssh_public_access_enabled", Field::boolean)?;
    p.remote_login_port_public_access = open.map(enabled);
    if let Some(s) = doc.get("ssh_settings") {
        let s = s.map()?;
        let what = "ssh_settings of a compute cluster";
        s.only("admin_username ssh_key_value admin_password", what)?;
        let key = s.opt("ssh_key_value", Field::string)?;
        // Kept in the request: the engine checks it, then drops it.
        let password = s.opt("admin_password", Field::string)?;
        if key.is_none() && password.is_none() {
            // An exported file never holds the password: say which key to add back.
            return Err(s.fail(
                "needs admin_password or ssh_key_value: a file exported from Azimuth or Azure never holds the password, so add it back before creating",
            ));
        }
        p.user_account_credentials = Some(UserAccountCredentials {
            admin_user_name: s.required("admin_username")?.string()?,
            admin_user_ssh_public_key: key,
            admin_user_password: password,
        });
    }
    p.subnet = subnet(doc, ws)?;
    p.enable_node_public_ip = doc.opt("enable_node_public_ip", Field::boolean)?;
    Ok(())
}

/// `network_settings`: a subnet by name in `vnet_name`, or by its full ARM id.
fn subnet(doc: &Field, ws: &Workspace) -> Result<Option<ResourceId>, YamlError> {
    let Some(n) = doc.get("network_settings") else {
        return Ok(None);
    };
    let n = n.map()?;
    n.only("vnet_name subnet", "network_settings")?;
    let field = n.required("subnet")?;
    let subnet = field.string()?;
    if subnet.starts_with('/') {
        parse_subnet_id(&subnet).map_err(|m| field.fail(m))?;
        return Ok(Some(ResourceId { id: subnet }));
    }
    let vnet = n.required("vnet_name")?.string()?;
    let id = subnet_id(&ws.subscription_id, &ws.resource_group, &vnet, &subnet);
    Ok(Some(ResourceId { id }))
}

/// `identity`: `type` system_assigned, user_assigned or both (`system_assigned,user_assigned`),
/// and `user_assigned_identities` as a list of `resource_id`s.
fn read_identity(field: &Field) -> Result<ManagedIdentity, YamlError> {
    let identity = field.clone().map()?;
    identity.only("type user_assigned_identities", "identity")?;
    let kind = identity.required("type")?;
    let identity_type = match kind.string()?.replace(' ', "").as_str() {
        "system_assigned" => "SystemAssigned",
        "user_assigned" => "UserAssigned",
        "system_assigned,user_assigned" => "SystemAssigned,UserAssigned",
        "none" => "None",
        other => {
            let message = format!("expected system_assigned, user_assigned or system_assigned,user_assigned, found \"{other}\"");
            return Err(kind.fail(message));
        }
    };
    let mut user_assigned_identities = BTreeMap::new();
    if let Some(list) = identity.get("user_assigned_identities") {
        for item in list.items(false)? {
            let item = item.map()?;
            item.only("resource_id", "a user-assigned identity")?;
            let id = item.required("resource_id")?.string()?;
            user_assigned_identities.insert(id, UserAssignedIdentity::default());
        }
    }
    Ok(ManagedIdentity {
        identity_type: identity_type.into(),
        user_assigned_identities,
        ..Default::default()
    })
}

/// An attached Kubernetes cluster: its resource id and namespace (the engine fills in the
/// default instance type; instance types live on the cluster, not in the file).
fn read_kubernetes(doc: &Field, _: &Workspace, c: &mut Compute) -> Result<(), YamlError> {
    c.resource_id = Some(doc.required("resource_id")?.string()?);
    c.properties.namespace = doc.opt("namespace", Field::string)?;
    Ok(())
}

/// An attached compute that is only its resource id (a Synapse Spark pool).
fn read_resource_id(doc: &Field, _: &Workspace, c: &mut Compute) -> Result<(), YamlError> {
    c.resource_id = Some(doc.required("resource_id")?.string()?);
    Ok(())
}

/// An attached virtual machine: its resource id and SSH account (a password or a private key,
/// accepted and never shown back). The CLI reads the file `ssh_private_key_file` names; a
/// browser cannot read a local path, so the value must be the key itself, and a path is
/// refused with how to give the key instead.
fn read_virtual_machine(doc: &Field, _: &Workspace, c: &mut Compute) -> Result<(), YamlError> {
    c.resource_id = Some(doc.required("resource_id")?.string()?);
    let ssh = doc.required("ssh_settings")?.map()?;
    ssh.only(
        "admin_username admin_password ssh_private_key_file ssh_port address",
        "ssh_settings of a virtual machine",
    )?;
    let p = &mut c.properties;
    p.address = ssh.opt("address", Field::string)?;
    p.ssh_port = ssh
        .opt("ssh_port", |f| f.whole(1..=65_535))?
        .map(|n| n as u32);
    p.administrator_account = Some(AdministratorAccount {
        username: ssh.required("admin_username")?.string()?,
        password: ssh.opt("admin_password", Field::string)?,
        private_key_data: ssh.opt("ssh_private_key_file", private_key)?,
        public_key_data: None,
    });
    Ok(())
}

/// The text of a private key where the CLI takes a file's path.
fn private_key(f: &Field) -> Result<String, YamlError> {
    let key = f.string()?;
    if key.contains("-----BEGIN") {
        Ok(key)
    } else {
        Err(f.fail(
            "must hold the private key itself here, from its -----BEGIN line to its END line (a block scalar: ssh_private_key_file: |): a web page cannot read a file from your computer by its path. Or use admin_password.",
        ))
    }
}

/// One item of `schedules.compute_start_stop` (the writer's `schedule_node` in reverse).
fn schedule(item: &Field) -> Result<StartStopSchedule, YamlError> {
    let f = item.clone().map()?;
    f.only("action state trigger", "a schedule")?;
    let actions = [("start", "Start"), ("stop", "Stop")];
    let states = [("enabled", "Enabled"), ("disabled", "Disabled")];
    let t = f.required("trigger")?.map()?;
    let types = [("cron", "Cron"), ("recurrence", "Recurrence")];
    let kind = t.required("type")?.choice(&types)?;
    let start_time = t.opt("start_time", Field::string)?;
    let time_zone = t.opt("time_zone", Field::string)?;
    let time_zone = time_zone.unwrap_or_else(|| "UTC".into());
    let status = f.opt("state", |s| s.choice(&states))?.unwrap_or("Enabled");
    let mut schedule = StartStopSchedule {
        status: status.into(),
        action: f.required("action")?.choice(&actions)?.into(),
        trigger_type: kind.into(),
        ..Default::default()
    };
    if kind == "Cron" {
        t.only("type expression start_time time_zone", "a cron trigger")?;
        let expression = t.required("expression")?.string()?;
        schedule.cron = Some(Cron {
            expression,
            start_time,
            time_zone,
        });
        return Ok(schedule);
    }
    let keys = "type frequency interval schedule start_time time_zone";
    t.only(keys, "a recurrence trigger")?;
    let frequencies = ["Minute", "Hour", "Day", "Week", "Month"].map(|f| (f, f));
    let s = t.required("schedule")?.map()?;
    s.only("hours minutes week_days", "a recurrence schedule")?;
    let numbers = |key: &str, high: u64| -> Result<Vec<u32>, YamlError> {
        let items = s.required(key)?.items(true)?;
        items
            .iter()
            .map(|i| Ok(i.whole(0..=high)? as u32))
            .collect()
    };
    let days = WEEK_DAYS.map(|d| (d, d));
    let week_days = s.opt("week_days", |w| w.items(true))?.unwrap_or_default();
    let week_days = week_days.iter().map(|d| d.choice(&days).map(str::to_owned));
    schedule.recurrence = Some(Recurrence {
        frequency: t.required("frequency")?.choice(&frequencies)?.into(),
        interval: t.opt("interval", |i| i.whole(1..=MAX_U32))?.unwrap_or(1) as u32,
        start_time,
        time_zone,
        schedule: RecurrenceSchedule {
            hours: numbers("hours", 23)?,
            minutes: numbers("minutes", 59)?,
            week_days: week_days.collect::<Result<_, _>>()?,
        },
    });
    Ok(schedule)
}
