//! Reading Azure ML CLI v2 YAML (`az ml compute create -f`) into a create request: the reverse
//! of [`crate::compute::yaml`]. Every error names its line and field, and never shows a password.
//!
//! The text goes through `saphyr-parser`, a maintained YAML 1.2 event parser (two small
//! dependencies, no unsafe code) whose events carry their line. The tree is built here rather
//! than with a YAML value type so that each value keeps its line and whether it was quoted: a
//! quoted scalar is always a string (the writer quotes `on`, `18:00` or `123` to mean text),
//! while a plain `yes`/`on` in a true-or-false field is read the way the CLI's PyYAML reads it.
//! serde_yaml is not used: it is archived, and its values carry no lines.

use crate::compute::cluster::{AML_COMPUTE, MAX_NODES};
use crate::compute::request::{parse_subnet_id, subnet_id};
use crate::compute::resource::*;
use crate::compute::schedule::WEEK_DAYS;
use crate::time::format_duration_minutes;
use crate::workspace::Workspace;
use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Span, StrInput};
use std::collections::BTreeMap;
use std::ops::RangeInclusive;

/// A compute read from a YAML file: its name and the ARM create request (what a wizard PUTs).
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedCompute {
    /// The compute's name (the last segment of the PUT path).
    pub name: String,
    /// The request body.
    pub resource: ComputeResource,
}

/// Why a YAML file could not be read: where (1-based line, dotted field) and what to fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    /// The line, from 1, when one is known.
    pub line: Option<usize>,
    /// The field as a dotted path, e.g. `ssh_settings.ssh_key_value`.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for YamlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let message = &self.message;
        match (self.line, &self.field) {
            (Some(line), Some(field)) => write!(f, "line {line}, field {field}: {message}"),
            (Some(line), None) => write!(f, "line {line}: {message}"),
            (None, Some(field)) => write!(f, "field {field}: {message}"),
            (None, None) => f.write_str(message),
        }
    }
}

impl std::error::Error for YamlError {}

fn error(line: Option<usize>, field: Option<&str>, message: impl Into<String>) -> YamlError {
    YamlError {
        line,
        field: field.map(str::to_owned),
        message: message.into(),
    }
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
    let doc = Field::new(&root, String::new(), root.line).map()?;
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

// ---- The tree: each value with its line and whether it was quoted. ----

#[derive(Debug)]
enum Value {
    Null,
    /// The text, and whether it was quoted.
    Scalar(String, bool),
    Map(Vec<(String, usize, Node)>),
    List(Vec<Node>),
}

#[derive(Debug)]
struct Node {
    value: Value,
    line: usize,
}

/// How deep maps and lists may nest: far more than any compute file, and a bound on recursion
/// (the parser bounds flow nesting, `[[[`, but not block nesting).
const MAX_DEPTH: usize = 64;

fn at(line: usize, message: &str) -> YamlError {
    error(Some(line), None, message)
}

/// Builds the tree of a one-document stream. Anchors and aliases are refused: no compute file
/// needs them, and so a password can only ever be read as a string, which never fails on text.
fn parse(text: &str) -> Result<Node, YamlError> {
    let mut parser = Parser::new_from_str(text);
    let mut root = None;
    loop {
        match next(&mut parser)? {
            (Event::StreamEnd, _) => break,
            (Event::DocumentStart(_), s) if root.is_some() => {
                let message = "the file has more than one YAML document; keep one compute per file";
                return Err(at(s.start.line(), message));
            }
            (Event::DocumentStart(_), _) => {
                let (event, span) = next(&mut parser)?;
                root = Some(node(&mut parser, event, span, 0)?);
            }
            _ => {} // StreamStart, DocumentEnd
        }
    }
    let empty = || {
        error(
            None,
            None,
            "the file is empty: expected keys such as name and type",
        )
    };
    root.ok_or_else(empty)
}

type Events<'a> = Parser<'a, StrInput<'a>>;

fn next<'a>(parser: &mut Events<'a>) -> Result<(Event<'a>, Span), YamlError> {
    match parser.next_event() {
        Some(Ok(next)) => Ok(next),
        Some(Err(e)) => Err(syntax(&e)),
        None => Err(error(None, None, "the file ended in the middle of a value")),
    }
}

/// The node that `event` begins.
fn node<'a>(
    parser: &mut Events<'a>,
    event: Event<'a>,
    span: Span,
    depth: usize,
) -> Result<Node, YamlError> {
    let line = span.start.line();
    if depth > MAX_DEPTH {
        return Err(at(line, "maps and lists are nested too deeply"));
    }
    let value = match event {
        Event::Alias(_)
        | Event::Scalar(_, _, 1.., _)
        | Event::SequenceStart(1.., _)
        | Event::MappingStart(1.., _) => {
            return Err(at(
                line,
                "anchors and aliases (&name, *name) are not supported here",
            ));
        }
        Event::Scalar(text, ScalarStyle::Plain, ..)
            if matches!(text.as_ref(), "~" | "null" | "Null" | "NULL" | "") =>
        {
            Value::Null
        }
        Event::Scalar(text, style, ..) => {
            Value::Scalar(text.into_owned(), style != ScalarStyle::Plain)
        }
        Event::SequenceStart(..) => {
            let mut items = Vec::new();
            loop {
                match next(parser)? {
                    (Event::SequenceEnd, _) => break Value::List(items),
                    (e, s) => items.push(node(parser, e, s, depth + 1)?),
                }
            }
        }
        Event::MappingStart(..) => {
            let mut entries: Vec<(String, usize, Node)> = Vec::new();
            loop {
                let (key, line) = match next(parser)? {
                    (Event::MappingEnd, _) => break Value::Map(entries),
                    (Event::Scalar(k, ..), s) => (k.into_owned(), s.start.line()),
                    (_, s) => {
                        return Err(at(
                            s.start.line(),
                            "a key must be a name, not a map or a list",
                        ))
                    }
                };
                if entries.iter().any(|(k, ..)| *k == key) {
                    let message = "this key appears twice in the same map";
                    return Err(error(Some(line), Some(&key), message));
                }
                let (e, s) = next(parser)?;
                entries.push((key, line, node(parser, e, s, depth + 1)?));
            }
        }
        _ => return Err(at(line, "unexpected YAML")),
    };
    Ok(Node { value, line })
}

/// A syntax error with its line. The scanner's messages never quote the text but for one
/// character, and that one is dropped here too.
fn syntax(e: &ScanError) -> YamlError {
    let info = match e.info() {
        i if i.starts_with("unexpected character") => "a plain value cannot start with %, @ or `",
        i => i,
    };
    let (line, column) = (e.marker().line(), e.marker().col() + 1);
    error(
        Some(line),
        None,
        format!("not valid YAML (column {column}): {info}"),
    )
}

// ---- Reading values: each at a dotted path and a line. ----

/// A value in the file with its dotted path and the line errors point at (its key's).
#[derive(Clone)]
struct Field<'a> {
    node: &'a Node,
    path: String,
    line: usize,
}

impl<'a> Field<'a> {
    fn new(node: &'a Node, path: String, line: usize) -> Self {
        Field { node, path, line }
    }

    fn fail(&self, message: impl Into<String>) -> YamlError {
        let field = (!self.path.is_empty()).then_some(self.path.as_str());
        error(Some(self.line), field, message)
    }

    /// An error saying what was expected and what was found.
    fn expected(&self, what: &str) -> YamlError {
        let found = match &self.node.value {
            Value::Null => "nothing".to_owned(),
            Value::Map(_) => "a map".to_owned(),
            Value::List(_) => "a list".to_owned(),
            Value::Scalar(text, false) if text.parse::<i64>().is_ok() => text.clone(),
            Value::Scalar(text, quoted) => {
                let short: String = text.chars().take(40).collect();
                let cut = if short.len() < text.len() { "..." } else { "" };
                let kind = if *quoted { "the quoted string " } else { "" };
                format!("{kind}{}{cut}", serde_json::Value::from(short))
            }
        };
        self.fail(format!("expected {what}, found {found}"))
    }

    fn string(&self) -> Result<String, YamlError> {
        let text = self.scalar().map(|(text, _)| text.to_owned());
        text.ok_or_else(|| self.expected("a string"))
    }

    /// A string where an empty value means the empty string (tag values).
    fn string_or_empty(&self) -> Result<String, YamlError> {
        match self.node.value {
            Value::Null => Ok(String::new()),
            _ => self.string(),
        }
    }

    /// The text of a scalar, and whether it was quoted.
    fn scalar(&self) -> Option<(&str, bool)> {
        match &self.node.value {
            Value::Scalar(text, quoted) => Some((text, *quoted)),
            _ => None,
        }
    }

    /// The text of a plain (unquoted) scalar: only those can be numbers or true/false.
    fn plain(&self) -> Option<&str> {
        self.scalar()
            .filter(|(_, quoted)| !quoted)
            .map(|(text, _)| text)
    }

    /// `true`/`false`, or YAML 1.1's yes/no/on/off as the CLI's PyYAML reads them.
    fn boolean(&self) -> Result<bool, YamlError> {
        match self.plain().map(str::to_ascii_lowercase).as_deref() {
            Some("true" | "yes" | "on") => Ok(true),
            Some("false" | "no" | "off") => Ok(false),
            _ => Err(self.expected("true or false")),
        }
    }

    fn whole(&self, range: RangeInclusive<u64>) -> Result<u64, YamlError> {
        let n = self
            .plain()
            .and_then(|t| t.strip_prefix('+').unwrap_or(t).parse().ok());
        let (low, high) = (range.start(), range.end());
        n.filter(|n| range.contains(n))
            .ok_or_else(|| self.expected(&format!("a whole number from {low} to {high}")))
    }

    /// One of `options` (the YAML spelling, any case) as its ARM spelling.
    fn choice(&self, options: &[(&str, &'static str)]) -> Result<&'static str, YamlError> {
        let text = self.scalar().map_or("", |(text, _)| text);
        match options.iter().find(|(y, _)| y.eq_ignore_ascii_case(text)) {
            Some((_, arm)) => Ok(arm),
            None => {
                let names: Vec<String> = options
                    .iter()
                    .map(|(y, _)| y.to_ascii_lowercase())
                    .collect();
                Err(self.expected(&format!("one of {}", names.join(", "))))
            }
        }
    }

    /// The items of a list; with `single`, one scalar counts as a list of one (as the CLI has it).
    fn items(&self, single: bool) -> Result<Vec<Field<'a>>, YamlError> {
        match &self.node.value {
            Value::List(items) => Ok(items
                .iter()
                .enumerate()
                .map(|(i, node)| Field::new(node, format!("{}[{i}]", self.path), node.line))
                .collect()),
            Value::Scalar(..) if single => Ok(vec![self.clone()]),
            _ => Err(self.expected("a list")),
        }
    }

    /// This field if it is a map; its keys are then read with `get`, `required`, `opt`.
    fn map(self) -> Result<Self, YamlError> {
        match self.node.value {
            Value::Map(_) => Ok(self),
            _ => Err(self.expected("a map of keys")),
        }
    }

    fn child(&self, key: &str) -> String {
        match self.path.as_str() {
            "" => key.to_owned(),
            map => format!("{map}.{key}"),
        }
    }

    /// The entries of a map, empty ones included.
    fn entries(&self) -> impl Iterator<Item = (&'a str, Field<'a>)> + '_ {
        let entries: &'a [_] = match &self.node.value {
            Value::Map(entries) => entries,
            _ => &[],
        };
        entries
            .iter()
            .map(|(k, line, node)| (k.as_str(), Field::new(node, self.child(k), *line)))
    }

    /// The value of `key`, unless it is absent or empty.
    fn get(&self, key: &str) -> Option<Field<'a>> {
        let mut entries = self.entries();
        entries
            .find(|(k, f)| *k == key && !matches!(f.node.value, Value::Null))
            .map(|(_, f)| f)
    }

    fn required(&self, key: &str) -> Result<Field<'a>, YamlError> {
        // A missing key points at its map's line (none for the document itself).
        let line = (!self.path.is_empty()).then_some(self.line);
        let missing = || error(line, Some(&self.child(key)), format!("{key} is required"));
        self.get(key).ok_or_else(missing)
    }

    /// The value of `key` read by `read`, unless it is absent or empty.
    fn opt<T>(
        &self,
        key: &str,
        read: impl FnOnce(&Field<'a>) -> Result<T, YamlError>,
    ) -> Result<Option<T>, YamlError> {
        self.get(key).as_ref().map(read).transpose()
    }

    /// Refuses keys not in `allowed` (space-separated), naming them all: the CLI's schemas
    /// refuse unknown fields.
    fn only(&self, allowed: &str, what: &str) -> Result<(), YamlError> {
        let allowed: Vec<&str> = allowed.split_whitespace().collect();
        let unknown: Vec<_> = self
            .entries()
            .filter(|(k, _)| !allowed.contains(k))
            .collect();
        let Some((_, first)) = unknown.first() else {
            return Ok(());
        };
        let names: Vec<String> = unknown.iter().map(|(k, _)| format!("\"{k}\"")).collect();
        let noun = if names.len() == 1 { "field" } else { "fields" };
        let (names, allowed) = (names.join(", "), allowed.join(", "));
        Err(first.fail(format!(
            "unknown {noun} {names}; {what} may have only: {allowed}"
        )))
    }
}
