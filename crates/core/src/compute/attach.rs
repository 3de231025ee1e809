//! Attached computes: Kubernetes clusters (AKS or Azure Arc) and computes that live outside the
//! workspace (a virtual machine, Azure Databricks, HDInsight, a Synapse Spark pool). Attaching
//! checks the request field by field as Azure would; secrets are checked, then never kept;
//! detaching (a delete) removes the compute from the workspace and leaves the resource alone.

use crate::arm::*;
use crate::compute::create::bad;
use crate::compute::request::validate_tags;
use crate::compute::resource::*;
use crate::time::Millis;
use crate::workspace::roles::Action;
use crate::workspace::Workspace;
use std::collections::BTreeMap;

/// The request fields an attach error can be about (its ARM `target`), so a form shows the
/// error under the field it is about.
pub mod field {
    /// `properties.resourceId`.
    pub const RESOURCE_ID: &str = "properties.resourceId";
    /// A Kubernetes compute's namespace.
    pub const NAMESPACE: &str = "properties.properties.namespace";
    /// A Kubernetes compute's instance types; an error about one quantity of one type is at
    /// `instanceTypes.{type}.resources.{requests|limits}.{cpu|memory|nvidia.com/gpu}`.
    pub const INSTANCE_TYPES: &str = "properties.properties.instanceTypes";
    /// A Kubernetes compute's default instance type.
    pub const DEFAULT_INSTANCE_TYPE: &str = "properties.properties.defaultInstanceType";
    /// The address of a VM or an HDInsight cluster.
    pub const ADDRESS: &str = "properties.properties.address";
    /// Its SSH port.
    pub const SSH_PORT: &str = "properties.properties.sshPort";
    /// Its administrator's username.
    pub const USERNAME: &str = "properties.properties.administratorAccount.username";
    /// Its administrator's password.
    pub const PASSWORD: &str = "properties.properties.administratorAccount.password";
    /// Its administrator's private key.
    pub const PRIVATE_KEY: &str = "properties.properties.administratorAccount.privateKeyData";
    /// A Databricks workspace's URL.
    pub const WORKSPACE_URL: &str = "properties.properties.workspaceUrl";
    /// A Databricks access token.
    pub const ACCESS_TOKEN: &str = "properties.properties.databricksAccessToken";
}

/// The kinds of compute a workspace attaches rather than creates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttachedKind {
    /// An AKS or Azure Arc-enabled Kubernetes cluster.
    Kubernetes,
    /// A Linux virtual machine reached over SSH.
    VirtualMachine,
    /// An Azure Databricks workspace.
    Databricks,
    /// An HDInsight cluster reached over SSH.
    HdInsight,
    /// A Synapse Spark pool.
    SynapseSpark,
}

impl AttachedKind {
    /// Every attached kind, in the order the studio offers them.
    pub const ALL: [AttachedKind; 5] = [
        Self::Kubernetes,
        Self::VirtualMachine,
        Self::Databricks,
        Self::HdInsight,
        Self::SynapseSpark,
    ];

    /// The kind of a `computeType`, if it is attached.
    pub fn of(compute_type: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.compute_type().eq_ignore_ascii_case(compute_type))
    }

    /// ARM's `computeType`.
    pub fn compute_type(self) -> &'static str {
        match self {
            Self::Kubernetes => "Kubernetes",
            Self::VirtualMachine => "VirtualMachine",
            Self::Databricks => "Databricks",
            Self::HdInsight => "HDInsight",
            Self::SynapseSpark => "SynapseSpark",
        }
    }

    /// What people call it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Kubernetes => "Kubernetes cluster",
            Self::VirtualMachine => "Virtual machine",
            Self::Databricks => "Azure Databricks",
            Self::HdInsight => "HDInsight",
            Self::SynapseSpark => "Synapse Spark pool",
        }
    }

    /// What it is called in a sentence ("detached virtual machine vm-1").
    pub fn noun(self) -> &'static str {
        match self {
            Self::Kubernetes => "Kubernetes cluster",
            Self::VirtualMachine => "virtual machine",
            Self::Databricks => "Azure Databricks workspace",
            Self::HdInsight => "HDInsight cluster",
            Self::SynapseSpark => "Synapse Spark pool",
        }
    }

    /// The ARM resource types its `resourceId` may name (`provider/type[/child]`).
    fn resource_types(self) -> &'static [&'static str] {
        match self {
            Self::Kubernetes => &[
                "Microsoft.ContainerService/managedClusters",
                "Microsoft.Kubernetes/connectedClusters",
            ],
            Self::VirtualMachine => &["Microsoft.Compute/virtualMachines"],
            Self::Databricks => &["Microsoft.Databricks/workspaces"],
            Self::HdInsight => &["Microsoft.HDInsight/clusters"],
            Self::SynapseSpark => &["Microsoft.Synapse/workspaces/bigDataPools"],
        }
    }

    /// What a resource id of this kind looks like.
    pub fn example_id(self) -> &'static str {
        match self {
            Self::Kubernetes => "/subscriptions/…/resourceGroups/…/providers/Microsoft.ContainerService/managedClusters/my-aks",
            Self::VirtualMachine => "/subscriptions/…/resourceGroups/…/providers/Microsoft.Compute/virtualMachines/my-dsvm",
            Self::Databricks => "/subscriptions/…/resourceGroups/…/providers/Microsoft.Databricks/workspaces/my-databricks",
            Self::HdInsight => "/subscriptions/…/resourceGroups/…/providers/Microsoft.HDInsight/clusters/my-hdinsight",
            Self::SynapseSpark => "/subscriptions/…/resourceGroups/…/providers/Microsoft.Synapse/workspaces/my-synapse/bigDataPools/my-pool",
        }
    }
}

/// The attached kind of a compute, if it is attached.
pub fn attached_kind(c: &ComputeResource) -> Option<AttachedKind> {
    AttachedKind::of(&c.properties.compute_type)
}

/// The instance type a Kubernetes compute gets when the request names none (Azure's default).
pub const DEFAULT_INSTANCE_TYPE: &str = "defaultinstancetype";

/// The parts of an ARM resource id: resource group, `provider/type[/child type]`, and the names.
struct ResourceIdParts<'a> {
    resource_type: String,
    names: Vec<&'a str>,
}

/// Splits `/subscriptions/{s}/resourceGroups/{rg}/providers/{ns}/{type}/{name}[/{type}/{name}]`.
fn parse_resource_id(id: &str) -> Option<ResourceIdParts<'_>> {
    let parts: Vec<&str> = id.trim_start_matches('/').split('/').collect();
    let [subs, sub, groups, group, providers, namespace, rest @ ..] = parts.as_slice() else {
        return None;
    };
    let well_formed = subs.eq_ignore_ascii_case("subscriptions")
        && groups.eq_ignore_ascii_case("resourceGroups")
        && providers.eq_ignore_ascii_case("providers")
        && ![sub, group, namespace].iter().any(|s| s.is_empty())
        && !rest.is_empty()
        && rest.len() % 2 == 0
        && rest.iter().all(|s| !s.is_empty());
    well_formed.then(|| ResourceIdParts {
        resource_type: std::iter::once(*namespace)
            .chain(rest.iter().step_by(2).copied())
            .collect::<Vec<_>>()
            .join("/"),
        names: rest.iter().skip(1).step_by(2).copied().collect(),
    })
}

/// Whether `text` is a DNS label (RFC 1123): lowercase letters, digits and `-`, at most 63,
/// starting and ending with a letter or digit.
fn is_dns_label(text: &str) -> bool {
    let edge = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    (1..=63).contains(&text.len())
        && text.chars().all(|c| edge(c) || c == '-')
        && text.starts_with(edge)
        && text.ends_with(edge)
}

/// A Kubernetes quantity in thousandths (`100m` = 100, `1` = 1000, `0.5` = 500) or, for memory,
/// in bytes (`4Gi`, `512Mi`, `2G`, `1000`); `None` when it is not one. Whole-number arithmetic:
/// no float parser in the wasm.
fn quantity(resource: &str, text: &str) -> Option<u128> {
    let text = text.trim();
    if resource == "memory" {
        const SUFFIXES: [(&str, u128); 8] = [
            ("Ki", 1 << 10),
            ("Mi", 1 << 20),
            ("Gi", 1 << 30),
            ("Ti", 1 << 40),
            ("K", 1_000),
            ("M", 1_000_000),
            ("G", 1_000_000_000),
            ("T", 1_000_000_000_000),
        ];
        let (digits, factor) = SUFFIXES
            .iter()
            .find_map(|(s, f)| text.strip_suffix(s).map(|d| (d, *f)))
            .unwrap_or((text, 1));
        return whole(digits).map(|n| n * factor);
    }
    if let Some(milli) = text.strip_suffix('m') {
        return whole(milli);
    }
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    if frac.len() > 3 || (int.is_empty() && frac.is_empty()) {
        return None;
    }
    let int = if int.is_empty() { 0 } else { whole(int)? };
    let frac = if frac.is_empty() {
        0
    } else {
        whole(frac)? * 10u128.pow(3 - frac.len() as u32)
    };
    Some(int * 1000 + frac)
}

/// ASCII digits as a number.
fn whole(digits: &str) -> Option<u128> {
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

/// Checks one instance type: a valid name, known quantities, requests within limits; adds
/// every problem to `errors`.
fn check_instance_type(name: &str, it: &InstanceType, errors: &mut Vec<ArmError>) {
    if !is_dns_label(name) {
        errors.push(bad(format!(
            "Instance type '{name}' must be lowercase letters, digits and hyphens (at most 63), starting and ending with a letter or digit."
        )).at(field::INSTANCE_TYPES));
    }
    let before = errors.len();
    let sides = [
        ("requests", &it.resources.requests),
        ("limits", &it.resources.limits),
    ];
    for (side, quantities) in sides {
        for (resource, value) in quantities {
            let at = format!(
                "{}.{name}.resources.{side}.{resource}",
                field::INSTANCE_TYPES
            );
            let known = matches!(resource.as_str(), "cpu" | "memory" | "nvidia.com/gpu");
            if !known {
                errors.push(
                    bad(format!(
                        "Instance type '{name}' names '{resource}'; use cpu, memory or nvidia.com/gpu."
                    ))
                    .at(&at),
                );
                continue;
            }
            let valid = match resource.as_str() {
                "nvidia.com/gpu" => whole(value).is_some(),
                r => quantity(r, value).is_some(),
            };
            if !valid {
                errors.push(bad(format!(
                    "Instance type '{name}': {resource} '{value}' is not a Kubernetes quantity such as {}.",
                    match resource.as_str() {
                        "memory" => "4Gi or 512Mi",
                        "cpu" => "1, 0.5 or 500m",
                        _ => "a whole number of GPUs, such as 1",
                    }
                ))
                .at(&at));
            }
        }
    }
    if errors.len() > before {
        return; // requests and limits are compared only once they all read
    }
    for (resource, request) in &it.resources.requests {
        let Some(limit) = it.resources.limits.get(resource) else {
            continue;
        };
        let amount = |v: &str| match resource.as_str() {
            "nvidia.com/gpu" => whole(v),
            r => quantity(r, v),
        };
        if amount(request) > amount(limit) {
            errors.push(bad(format!(
                "Instance type '{name}' requests more {resource} ({request}) than its limit ({limit})."
            ))
            .at(&format!(
                "{}.{name}.resources.limits.{resource}",
                field::INSTANCE_TYPES
            )));
        }
    }
}

/// The instance type Azure gives a Kubernetes compute attached without any.
fn default_instance_types() -> BTreeMap<String, InstanceType> {
    let quantities = |cpu: &str, memory: &str| {
        BTreeMap::from([("cpu".into(), cpu.into()), ("memory".into(), memory.into())])
    };
    BTreeMap::from([(
        DEFAULT_INSTANCE_TYPE.to_owned(),
        InstanceType {
            node_selector: None,
            resources: InstanceTypeResources {
                requests: quantities("100m", "2Gi"),
                limits: quantities("2", "2Gi"),
            },
        },
    )])
}

/// Checks the fields of a Kubernetes attach and fills in what Azure does.
fn kubernetes(inner: &mut ComputeProperties, errors: &mut Vec<ArmError>) {
    let namespace = inner.namespace.get_or_insert_with(|| "default".into());
    if !is_dns_label(namespace) {
        errors.push(bad(format!(
            "Namespace '{namespace}' must be lowercase letters, digits and hyphens (at most 63), starting and ending with a letter or digit."
        )).at(field::NAMESPACE));
    }
    let types = inner
        .instance_types
        .get_or_insert_with(default_instance_types);
    if types.is_empty() {
        *types = default_instance_types();
    }
    for (name, it) in types.iter() {
        check_instance_type(name, it, errors);
    }
    let default = inner
        .default_instance_type
        .get_or_insert_with(|| types.keys().next().cloned().unwrap_or_default());
    if !types.contains_key(default.as_str()) {
        errors.push(
            bad(format!(
                "The default instance type '{default}' is not one of the instance types ({}).",
                types.keys().cloned().collect::<Vec<_>>().join(", ")
            ))
            .at(field::DEFAULT_INSTANCE_TYPE),
        );
    }
    inner.extension_instance_release_train = Some("stable".into());
}

/// Checks the address, port and account of a computer reached over SSH; forgets its secrets.
fn ssh_target(inner: &mut ComputeProperties, what: &str, errors: &mut Vec<ArmError>) {
    let address = inner.address.as_deref().unwrap_or("").trim();
    let host_char = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '.';
    let numeric = address.chars().all(|c| c.is_ascii_digit() || c == '.');
    let octets: Vec<_> = address.split('.').map(|o| o.parse::<u8>()).collect();
    // Left out, the address is the resource's own name: empty here, the resource ID is wrong,
    // and says so itself.
    let not_host = !address.chars().all(host_char) || address.starts_with(['-', '.']);
    if !address.is_empty() && not_host {
        errors.push(bad(format!(
            "The {what}'s address must be its public IP address or DNS name, such as 20.51.10.4 or myvm.eastus.cloudapp.azure.com (or left out: then it is the resource's own DNS name)."
        )).at(field::ADDRESS));
    } else if !address.is_empty()
        && numeric
        && (octets.len() != 4 || octets.iter().any(Result::is_err))
    {
        errors.push(
            bad(format!(
                "'{address}' is not an IPv4 address: four numbers from 0 to 255, such as 20.51.10.4."
            ))
            .at(field::ADDRESS),
        );
    }
    let port = *inner.ssh_port.get_or_insert(22);
    if !(1..=65535).contains(&port) {
        errors
            .push(bad("The SSH port must be a whole number from 1 to 65535.").at(field::SSH_PORT));
    }
    let Some(account) = inner.administrator_account.as_mut() else {
        errors.push(
            bad(format!(
                "The {what} needs an administrator account with a username."
            ))
            .at(field::USERNAME),
        );
        return;
    };
    if account.username.trim().is_empty() {
        errors.push(
            bad(format!(
                "The {what}'s administrator account needs a username."
            ))
            .at(field::USERNAME),
        );
    }
    let key = account
        .private_key_data
        .as_deref()
        .filter(|k| !k.trim().is_empty());
    if key.is_some_and(|k| !(k.contains("-----BEGIN") && k.contains("PRIVATE KEY-----"))) {
        errors.push(bad(
            "The private key must be a whole private key file, from -----BEGIN … PRIVATE KEY----- to its END line (not a public key).",
        )
        .at(field::PRIVATE_KEY));
    }
    let has_password = account.password.as_deref().is_some_and(|p| !p.is_empty());
    if !has_password && key.is_none() {
        errors.push(
            bad(format!(
                "The {what}'s administrator account needs a password{}.",
                if what == "virtual machine" {
                    " or a private key"
                } else {
                    ""
                }
            ))
            .at(field::PASSWORD),
        );
    }
    // Secrets are write-only: checked, then never kept.
    account.password = None;
    account.private_key_data = None;
}

/// Checks a Databricks attach; forgets the token.
fn databricks(inner: &mut ComputeProperties, errors: &mut Vec<ArmError>) {
    let url = inner.workspace_url.as_deref().unwrap_or("").trim();
    let host = url.trim_start_matches("https://").trim_end_matches('/');
    if !host.ends_with(".azuredatabricks.net") || host.contains('/') {
        errors.push(bad(
            "The workspace URL must be the Databricks workspace's address, such as adb-1234567890123456.7.azuredatabricks.net.",
        )
        .at(field::WORKSPACE_URL));
    }
    inner.workspace_url = Some(host.to_owned());
    let token = inner.databricks_access_token.take().unwrap_or_default();
    if !token.starts_with("dapi") || token.len() < 20 {
        errors.push(bad(
            "The access token must be a Databricks personal access token: dapi followed by at least 16 letters and digits.",
        )
        .at(field::ACCESS_TOKEN));
    }
}

/// The error for a `computeType` that is not attached.
fn not_attachable(body: &ComputeResource) -> ArmError {
    bad(format!(
        "'{}' is not a compute type that can be attached.",
        body.properties.compute_type
    ))
}

impl Workspace {
    /// Checks an attach request and returns it completed as Azure completes it (defaults filled
    /// in, secrets removed), without changing the workspace.
    pub fn check_attach_request(
        &self,
        name: &str,
        body: &ComputeResource,
    ) -> Result<ComputeResource, ArmError> {
        let kind = attached_kind(body).ok_or_else(|| not_attachable(body))?;
        self.check_name_and_location(name, body, kind.noun())?;
        self.check_attach_fields(body)
    }

    /// Checks everything of an attach request but its name and location, and returns it
    /// completed (a form checks the name on its own, so that both errors show at once); the
    /// first problem when there are several.
    pub fn check_attach_fields(&self, body: &ComputeResource) -> Result<ComputeResource, ArmError> {
        let (completed, errors) = self.complete_attach(body);
        match errors.into_iter().next() {
            Some(first) => Err(first),
            None => Ok(completed),
        }
    }

    /// Every problem of an attach request but its name and location, each at its field, so a
    /// form shows them all at once.
    pub fn attach_field_errors(&self, body: &ComputeResource) -> Vec<ArmError> {
        self.complete_attach(body).1
    }

    /// The request completed as Azure completes it, and every problem found on the way.
    fn complete_attach(&self, body: &ComputeResource) -> (ComputeResource, Vec<ArmError>) {
        let mut body = body.clone();
        let Some(kind) = attached_kind(&body) else {
            let error = not_attachable(&body);
            return (body, vec![error]);
        };
        let mut errors = Vec::new();
        body.properties.compute_type = kind.compute_type().into();
        let id = body.properties.resource_id.clone().unwrap_or_default();
        let parts = parse_resource_id(&id).filter(|p| {
            kind.resource_types()
                .iter()
                .any(|t| t.eq_ignore_ascii_case(&p.resource_type))
        });
        if parts.is_none() {
            errors.push(
                bad(format!(
                    "The resource ID must be the ARM id of the {} ({}), such as {}.",
                    kind.noun(),
                    kind.resource_types().join(" or "),
                    kind.example_id()
                ))
                .at(field::RESOURCE_ID),
            );
        }
        let names = parts.map(|p| p.names).unwrap_or_default();
        let inner = &mut body.properties.properties;
        // Azure reads the address of an attached VM or HDInsight cluster from the resource when
        // the request leaves it out; its public DNS name stands in for it here.
        let own_name = names.last().copied().unwrap_or_default();
        let region = self.region().name;
        if !own_name.is_empty() && inner.address.as_deref().is_none_or(|a| a.trim().is_empty()) {
            inner.address = match kind {
                AttachedKind::VirtualMachine => {
                    Some(format!("{own_name}.{region}.cloudapp.azure.com"))
                }
                AttachedKind::HdInsight => Some(format!("{own_name}-ssh.azurehdinsight.net")),
                _ => None,
            };
        }
        match kind {
            AttachedKind::Kubernetes => kubernetes(inner, &mut errors),
            AttachedKind::VirtualMachine => ssh_target(inner, "virtual machine", &mut errors),
            AttachedKind::HdInsight => ssh_target(inner, "HDInsight cluster", &mut errors),
            AttachedKind::Databricks => databricks(inner, &mut errors),
            AttachedKind::SynapseSpark => {
                inner.workspace_name = names.first().map(|s| s.to_string());
                inner.pool_name = names.get(1).map(|s| s.to_string());
            }
        }
        errors.extend(crate::compute::create::check_identity(body.identity.as_ref()).err());
        errors.extend(validate_tags(&body.tags).err().map(bad));
        (body, errors)
    }

    /// Attaches a compute on behalf of a member: it is Creating, then Succeeded at the pace.
    pub fn attach_compute(
        &mut self,
        actor: &str,
        name: &str,
        body: ComputeResource,
        now: Millis,
    ) -> Result<&ComputeResource, ArmError> {
        self.settle(now);
        let member = self.authorize(actor, Action::WriteCompute)?.name.clone();
        let checked = self.check_attach_request(name, &body)?;
        let resource = self.new_resource(name, checked, now);
        self.add_created(&member, name, resource, now)
    }

    /// The attached Kubernetes clusters, oldest first.
    pub fn kubernetes_computes(&self) -> impl Iterator<Item = &crate::StoredCompute> {
        self.computes
            .iter()
            .map(std::sync::Arc::as_ref)
            .filter(|c| attached_kind(&c.resource) == Some(AttachedKind::Kubernetes))
    }

    /// The other attached computes (virtual machines, Databricks, HDInsight, Synapse), oldest
    /// first.
    pub fn attached_computes(&self) -> impl Iterator<Item = &crate::StoredCompute> {
        self.computes
            .iter()
            .map(std::sync::Arc::as_ref)
            .filter(|c| attached_kind(&c.resource).is_some_and(|k| k != AttachedKind::Kubernetes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubernetes_quantities() {
        assert_eq!(quantity("cpu", "100m"), Some(100));
        assert_eq!(quantity("cpu", "2"), Some(2000));
        assert_eq!(quantity("cpu", "0.5"), Some(500));
        assert_eq!(quantity("cpu", ".25"), Some(250));
        assert_eq!(quantity("cpu", "1.0001"), None);
        assert_eq!(quantity("cpu", "two"), None);
        assert_eq!(quantity("memory", "4Gi"), Some(4 << 30));
        assert_eq!(quantity("memory", "512Mi"), Some(512 << 20));
        assert_eq!(quantity("memory", "2G"), Some(2_000_000_000));
        assert_eq!(quantity("memory", "4GB"), None);
    }

    #[test]
    fn resource_ids() {
        let aks = parse_resource_id("/subscriptions/0000/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-1").unwrap();
        assert_eq!(
            aks.resource_type,
            "Microsoft.ContainerService/managedClusters"
        );
        assert_eq!(aks.names, ["aks-1"]);
        let pool = parse_resource_id("/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Synapse/workspaces/syn/bigDataPools/pool1").unwrap();
        assert_eq!(
            pool.resource_type,
            "Microsoft.Synapse/workspaces/bigDataPools"
        );
        assert_eq!(pool.names, ["syn", "pool1"]);
        assert!(parse_resource_id("/subscriptions/0000/resourceGroups/rg").is_none());
        assert!(parse_resource_id("aks-1").is_none());
    }
}
