//! ARM wire types of a compute: the JSON of Azure ML's REST API for computes of every kind,
//! with the real property names and enum strings.

use crate::arm::json_de::FromValue;
use crate::arm::ArmError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A compute as ARM returns it (the envelope).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct ComputeResource {
    /// Full ARM id.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    /// The compute's name (the last path segment).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Always [`crate::arm::COMPUTE_TYPE`] in responses.
    #[serde(rename = "type", default, skip_serializing_if = "String::is_empty")]
    pub resource_type: String,
    /// Region; defaults to the workspace's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Tags as key/value pairs.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    /// The managed identity the compute acts as, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<ManagedIdentity>,
    /// The compute's properties.
    pub properties: Compute,
}

/// A compute's managed identity: system-assigned (Azure creates one for it), user-assigned
/// (identities that already exist), or both.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct ManagedIdentity {
    /// `SystemAssigned`, `UserAssigned`, `SystemAssigned,UserAssigned` or `None`.
    #[serde(rename = "type")]
    pub identity_type: String,
    /// Read-only: the system-assigned identity's object id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal_id: Option<String>,
    /// Read-only: the tenant of the system-assigned identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<String>,
    /// User-assigned identities by resource id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub user_assigned_identities: BTreeMap<String, UserAssignedIdentity>,
}

/// One user-assigned identity of a compute (its ids are read-only).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct UserAssignedIdentity {
    /// Read-only: its object id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal_id: Option<String>,
    /// Read-only: its client id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
}

/// The compute-type-independent properties.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct Compute {
    /// `ComputeInstance`, `AmlCompute`, `Kubernetes`, `VirtualMachine`, `Databricks`,
    /// `HDInsight` or `SynapseSpark`.
    pub compute_type: String,
    /// An attached compute's own ARM resource (an AKS cluster, a virtual machine...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    /// Region of the compute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compute_location: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// ARM provisioning state: Creating, Succeeded, Deleting, Failed...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioning_state: Option<String>,
    /// When the compute was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_on: Option<String>,
    /// When the compute last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified_on: Option<String>,
    /// Whether only Azure AD authentication is allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disable_local_auth: Option<bool>,
    /// Errors met while provisioning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioning_errors: Option<Vec<ArmError>>,
    /// The kind's own properties.
    #[serde(default)]
    pub properties: ComputeProperties,
}

/// `properties.properties` of a compute: a compute instance's, and a cluster's (AmlCompute),
/// each kind using its own fields and leaving the others out.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct ComputeProperties {
    /// VM size, e.g. `Standard_DS11_v2`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub vm_size: String,
    /// Subnet when the instance is in a virtual network.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet: Option<ResourceId>,
    /// `Personal` or `Shared`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_sharing_policy: Option<String>,
    /// SSH settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssh_settings: Option<SshSettings>,
    /// Whether the instance has a public IP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_node_public_ip: Option<bool>,
    /// Whether the user gets sudo.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_root_access: Option<bool>,
    /// Whether a stopped instance gives back its vCPU quota.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_quota_on_stop: Option<bool>,
    /// Whether the instance's applications sign its user in by themselves (`enableSSO`).
    #[serde(rename = "enableSSO", default, skip_serializing_if = "Option::is_none")]
    pub enable_sso: Option<bool>,
    /// The user the instance is assigned to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub personal_compute_instance_settings: Option<PersonalSettings>,
    /// Idle time before shutdown, ISO 8601 (`PT60M`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_time_before_shutdown: Option<String>,
    /// Start/stop schedules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedules: Option<ComputeSchedules>,
    /// Read-only: the instance's state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Read-only: the last operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_operation: Option<LastOperation>,
    /// Read-only: IP addresses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connectivity_endpoints: Option<ConnectivityEndpoints>,
    /// Read-only: application endpoints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applications: Option<Vec<Application>>,
    /// Read-only: who created the instance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<CreatedBy>,
    /// Read-only: errors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<ArmError>>,
    /// Cluster: `Dedicated` or `LowPriority`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vm_priority: Option<String>,
    /// Cluster: `Linux` or `Windows`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_type: Option<String>,
    /// Cluster: node counts and how soon idle nodes leave.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_settings: Option<ScaleSettings>,
    /// Cluster: SSH to the nodes: `Enabled`, `Disabled` or `NotSpecified`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_login_port_public_access: Option<String>,
    /// Cluster: the nodes' administrator account (a password is accepted, never returned).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_account_credentials: Option<UserAccountCredentials>,
    /// Read-only (cluster): `Steady` or `Resizing`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allocation_state: Option<String>,
    /// Read-only (cluster): when the allocation state last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allocation_state_transition_time: Option<String>,
    /// Read-only (cluster): nodes allocated now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_node_count: Option<u32>,
    /// Read-only (cluster): nodes the cluster is heading for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_node_count: Option<u32>,
    /// Read-only (cluster): nodes by state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_state_counts: Option<NodeStateCounts>,
    /// Kubernetes: the namespace jobs run in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Kubernetes: the instance type jobs get when they name none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_instance_type: Option<String>,
    /// Kubernetes: instance types by name (resource requests and limits per job).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_types: Option<BTreeMap<String, InstanceType>>,
    /// Read-only (Kubernetes): the Azure Machine Learning extension's release train.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_instance_release_train: Option<String>,
    /// Virtual machine: its size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub virtual_machine_size: Option<String>,
    /// Virtual machine, HDInsight: the SSH port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssh_port: Option<u32>,
    /// Virtual machine, HDInsight: the public address (IP or DNS name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Virtual machine, HDInsight: the SSH account (secrets accepted, never returned).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub administrator_account: Option<AdministratorAccount>,
    /// Databricks: the workspace URL, e.g. `adb-1234567890123456.7.azuredatabricks.net`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_url: Option<String>,
    /// Databricks: the access token (accepted, never returned).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub databricks_access_token: Option<String>,
    /// Read-only (Synapse Spark): the Synapse workspace and its pool.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_name: Option<String>,
    /// Read-only (Synapse Spark): the pool's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pool_name: Option<String>,
}

/// A Kubernetes instance type: what a job asks for and may use.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct InstanceType {
    /// Node labels a job's pods must match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_selector: Option<BTreeMap<String, String>>,
    /// Requests and limits.
    #[serde(default)]
    pub resources: InstanceTypeResources,
}

/// Resource quantities by name (`cpu`, `memory`, `nvidia.com/gpu`), as Kubernetes writes them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct InstanceTypeResources {
    /// What a job is guaranteed.
    #[serde(default)]
    pub requests: BTreeMap<String, String>,
    /// The most a job may use.
    #[serde(default)]
    pub limits: BTreeMap<String, String>,
}

/// The SSH account of an attached virtual machine or HDInsight cluster.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct AdministratorAccount {
    /// User name.
    pub username: String,
    /// Public key, when the account signs in with a key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key_data: Option<String>,
    /// Password (accepted, never returned).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// Private key (accepted, never returned).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_key_data: Option<String>,
}

/// A cluster's `scaleSettings`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct ScaleSettings {
    /// Most nodes.
    pub max_node_count: u32,
    /// Fewest nodes (kept even when idle).
    #[serde(default)]
    pub min_node_count: u32,
    /// How long a node stays idle before it leaves, ISO 8601 (`PT120S`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_idle_time_before_scale_down: Option<String>,
}

/// A cluster's administrator account.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct UserAccountCredentials {
    /// User name.
    pub admin_user_name: String,
    /// SSH public key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_user_ssh_public_key: Option<String>,
    /// Password: accepted in a request, never stored or returned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_user_password: Option<String>,
}

/// A cluster's nodes by state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct NodeStateCounts {
    /// Ready, without a job.
    #[serde(default)]
    pub idle_node_count: u32,
    /// Running a job.
    #[serde(default)]
    pub running_node_count: u32,
    /// Being allocated.
    #[serde(default)]
    pub preparing_node_count: u32,
    /// Broken.
    #[serde(default)]
    pub unusable_node_count: u32,
    /// Being released.
    #[serde(default)]
    pub leaving_node_count: u32,
    /// Taken back (low priority).
    #[serde(default)]
    pub preempted_node_count: u32,
}

/// `{"id": "..."}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromValue)]
pub struct ResourceId {
    /// Full ARM id.
    pub id: String,
}

/// SSH settings of a compute instance.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct SshSettings {
    /// `Enabled` or `Disabled`.
    pub ssh_public_access: String,
    /// Read-only: always `azureuser`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_user_name: Option<String>,
    /// Read-only: the SSH port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssh_port: Option<u16>,
    /// The public key allowed to sign in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_public_key: Option<String>,
}

/// `personalComputeInstanceSettings`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct PersonalSettings {
    /// The assigned user.
    pub assigned_user: AssignedUser,
}

/// An Azure AD user by object and tenant id.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct AssignedUser {
    /// Object id.
    pub object_id: String,
    /// Tenant id.
    pub tenant_id: String,
}

/// `schedules`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct ComputeSchedules {
    /// Start and stop schedules.
    #[serde(default)]
    pub compute_start_stop: Vec<StartStopSchedule>,
}

/// One start or stop schedule.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct StartStopSchedule {
    /// Read-only id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `Enabled` or `Disabled`.
    #[serde(default = "enabled")]
    pub status: String,
    /// `Start` or `Stop`.
    pub action: String,
    /// `Recurrence` or `Cron`.
    pub trigger_type: String,
    /// Recurrence trigger.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<Recurrence>,
    /// Cron trigger.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cron: Option<Cron>,
}

fn enabled() -> String {
    "Enabled".into()
}

/// A recurrence trigger.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct Recurrence {
    /// `Day` or `Week` (Azimuth's schedules); ARM also has Minute, Hour, Month.
    pub frequency: String,
    /// Every n frequencies; Azimuth supports 1.
    #[serde(default = "one")]
    pub interval: u32,
    /// When the schedule begins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    /// Windows time zone id, e.g. `Pacific Standard Time`, or `UTC`.
    #[serde(default = "utc")]
    pub time_zone: String,
    /// Hours, minutes and days.
    pub schedule: RecurrenceSchedule,
}

fn one() -> u32 {
    1
}

fn utc() -> String {
    "UTC".into()
}

/// The hours, minutes and week days a recurrence fires at.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct RecurrenceSchedule {
    /// Hours 0-23.
    pub hours: Vec<u32>,
    /// Minutes 0-59.
    pub minutes: Vec<u32>,
    /// `Monday` ... `Sunday`; empty means every day.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub week_days: Vec<String>,
}

/// A cron trigger.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct Cron {
    /// Five-field cron expression.
    pub expression: String,
    /// When the schedule begins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    /// Windows time zone id or `UTC`.
    #[serde(default = "utc")]
    pub time_zone: String,
}

/// `lastOperation`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct LastOperation {
    /// Create, Start, Stop, Restart, Reimage or Delete.
    pub operation_name: String,
    /// When it started.
    pub operation_time: String,
    /// InProgress, Succeeded, CreateFailed...
    pub operation_status: String,
    /// User, Schedule or IdleShutdown.
    pub operation_trigger: String,
}

/// `connectivityEndpoints`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct ConnectivityEndpoints {
    /// Public IP, absent with "No public IP".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_ip_address: Option<String>,
    /// Private IP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_ip_address: Option<String>,
}

/// An application endpoint of an instance.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct Application {
    /// `Jupyter`, `Jupyter Lab`, `VS Code`, `Terminal`.
    pub display_name: String,
    /// Where it is served.
    pub endpoint_uri: String,
}

/// `createdBy`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct CreatedBy {
    /// Sign-in name.
    pub user_name: String,
    /// Tenant id.
    pub user_org_id: String,
    /// Object id.
    pub user_id: String,
}
