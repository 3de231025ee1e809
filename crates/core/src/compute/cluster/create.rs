//! Creating a compute cluster: the request checked field by field as Azure would, then
//! completed with what Azure fills in. The password of the administrator account is checked and
//! never kept.

use super::{target, DEFAULT_IDLE_SECONDS, MAX_IDLE_SECONDS, MAX_NODES};
use crate::arm::*;
use crate::compute::catalogue::find_vm_size;
use crate::compute::create::{bad, check_identity, check_network};
use crate::compute::request::{validate_admin_username, validate_ssh_public_key, validate_tags};
use crate::compute::resource::*;
use crate::compute::unknown_size;
use crate::time::{format_iso, parse_duration_seconds, Millis};
use crate::workspace::roles::Action;
use crate::workspace::Workspace;

/// Refuses a cluster request that Azure would refuse, field by field.
fn validate_cluster_fields(
    body: &ComputeResource,
    region: &crate::compute::catalogue::Region,
) -> Result<(), ArmError> {
    let inner = &body.properties.properties;
    if inner.vm_size.is_empty() {
        return Err(bad("vmSize is required."));
    }
    find_vm_size(&inner.vm_size).ok_or_else(|| unknown_size(&inner.vm_size, region))?;
    match inner.vm_priority.as_deref() {
        None | Some("Dedicated" | "LowPriority") => {}
        Some(other) => {
            return Err(bad(format!(
                "vmPriority must be Dedicated or LowPriority, not '{other}'."
            )))
        }
    }
    validate_scale_settings(inner.scale_settings.as_ref())?;
    match inner.remote_login_port_public_access.as_deref() {
        None | Some("Enabled" | "Disabled" | "NotSpecified") => {}
        Some(other) => {
            return Err(bad(format!(
            "remoteLoginPortPublicAccess must be Enabled, Disabled or NotSpecified, not '{other}'."
        )))
        }
    }
    if let Some(account) = &inner.user_account_credentials {
        validate_admin_username(&account.admin_user_name).map_err(bad)?;
        match (
            &account.admin_user_password,
            &account.admin_user_ssh_public_key,
        ) {
            (None, None) => {
                return Err(bad(
                    "The administrator account needs a password or an SSH public key.",
                ))
            }
            (Some(password), _) if password.chars().count() < 12 => {
                return Err(bad(
                    "The administrator password must be at least 12 characters.",
                ))
            }
            (_, Some(key)) => validate_ssh_public_key(key).map_err(bad)?,
            _ => {}
        }
    }
    check_network(inner)?;
    check_identity(body.identity.as_ref())?;
    validate_tags(&body.tags).map_err(bad)
}

/// Checks the node counts and idle time of a cluster.
pub fn validate_scale_settings(scale: Option<&ScaleSettings>) -> Result<(), ArmError> {
    let scale = scale.ok_or_else(|| bad("scaleSettings with maxNodeCount is required."))?;
    if scale.max_node_count == 0 || scale.max_node_count > MAX_NODES {
        return Err(bad(format!(
            "The maximum number of nodes must be from 1 to {MAX_NODES}, not {}.",
            scale.max_node_count
        ))
        .at(scale_field::MAX));
    }
    if scale.min_node_count > scale.max_node_count {
        return Err(bad(format!(
            "The minimum number of nodes ({}) cannot be more than the maximum ({}).",
            scale.min_node_count, scale.max_node_count
        ))
        .at(scale_field::MAX));
    }
    if let Some(idle) = &scale.node_idle_time_before_scale_down {
        let seconds = parse_duration_seconds(idle).ok_or_else(|| {
            bad(format!(
                "nodeIdleTimeBeforeScaleDown '{idle}' is not an ISO 8601 duration such as PT120S."
            ))
            .at(scale_field::IDLE)
        })?;
        if seconds > MAX_IDLE_SECONDS {
            return Err(bad(format!(
                "The idle time before scale down can be at most {MAX_IDLE_SECONDS} seconds (a week)."
            ))
            .at(scale_field::IDLE));
        }
    }
    Ok(())
}

/// The fields of `scaleSettings` a scale error can be about (its ARM `target`).
pub mod scale_field {
    /// `maxNodeCount` (also where "the minimum is more than the maximum" is reported).
    pub const MAX: &str = "properties.properties.scaleSettings.maxNodeCount";
    /// `nodeIdleTimeBeforeScaleDown`.
    pub const IDLE: &str = "properties.properties.scaleSettings.nodeIdleTimeBeforeScaleDown";
}

impl Workspace {
    /// Checks a cluster create request without changing anything.
    pub fn validate_cluster_request(
        &self,
        name: &str,
        body: &ComputeResource,
    ) -> Result<(), ArmError> {
        self.check_name_and_location(name, body, "compute cluster")?;
        let region = self.region();
        validate_cluster_fields(body, region)?;
        let inner = &body.properties.properties;
        let low_priority = crate::compute::quota::is_low_priority(body);
        self.check_quota_for(&inner.vm_size, target(inner) as u32, low_priority)
    }

    /// Creates a compute cluster on behalf of a member; it is Creating, then keeps its minimum
    /// of nodes.
    pub fn create_cluster(
        &mut self,
        actor: &str,
        name: &str,
        body: ComputeResource,
        now: Millis,
    ) -> Result<&ComputeResource, ArmError> {
        self.settle(now);
        let member = self.authorize(actor, Action::WriteCompute)?.clone();
        self.validate_cluster_request(name, &body)?;
        let mut resource = self.new_resource(name, body, now);
        resource.properties.modified_on = Some(format_iso(now));
        let inner = &mut resource.properties.properties;
        inner.vm_priority.get_or_insert_with(|| "Dedicated".into());
        inner.os_type.get_or_insert_with(|| "Linux".into());
        inner
            .remote_login_port_public_access
            .get_or_insert_with(|| "NotSpecified".into());
        inner.enable_node_public_ip.get_or_insert(true);
        if let Some(scale) = &mut inner.scale_settings {
            scale
                .node_idle_time_before_scale_down
                .get_or_insert_with(|| format!("PT{DEFAULT_IDLE_SECONDS}S"));
        }
        // Secrets are write-only: the password is checked, then never kept.
        if let Some(account) = &mut inner.user_account_credentials {
            account.admin_user_password = None;
        }
        inner.errors = Some(Vec::new());
        self.add_created(&member.name, name, resource, now)
    }
}
