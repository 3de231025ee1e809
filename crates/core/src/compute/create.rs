//! Creating a compute instance: the request is checked field by field, then completed with what
//! Azure fills in (state, SSH user and port, addresses, application endpoints, creator).

use crate::arm::*;
use crate::compute::catalogue::find_vm_size;
use crate::compute::lifecycle::{Operation, Trigger};
use crate::compute::request::{
    validate_idle_minutes, validate_ssh_public_key, validate_subnet_id, validate_tags,
};
use crate::compute::resource::*;
use crate::compute::schedule::validate_schedule;
use crate::compute::{unknown_size, StoredCompute};
use crate::time::{format_iso, parse_duration_seconds, Millis};
use crate::workspace::roles::Action;
use crate::workspace::Workspace;

/// Most start/stop schedules an instance can have.
pub const MAX_SCHEDULES: usize = 4;

pub(crate) fn bad(message: impl Into<String>) -> ArmError {
    ArmError::new("BadRequest", message)
}

/// Checks what an update may change as well as a create: idle shutdown, schedules and tags.
pub(crate) fn validate_changeable(body: &ComputeResource) -> Result<(), ArmError> {
    let inner = &body.properties.properties;
    if let Some(idle) = &inner.idle_time_before_shutdown {
        let seconds = parse_duration_seconds(idle).ok_or_else(|| {
            bad(format!(
                "idleTimeBeforeShutdown '{idle}' is not an ISO 8601 duration such as PT60M."
            ))
        })?;
        let minutes = u32::try_from(seconds / 60).unwrap_or(u32::MAX);
        validate_idle_minutes(minutes).map_err(bad)?;
    }
    if let Some(schedules) = &inner.schedules {
        if schedules.compute_start_stop.len() > MAX_SCHEDULES {
            return Err(bad(format!(
                "A compute instance can have at most {MAX_SCHEDULES} schedules."
            )));
        }
        for s in &schedules.compute_start_stop {
            validate_schedule(s).map_err(bad)?;
        }
    }
    validate_tags(&body.tags).map_err(bad)
}

/// Checks the virtual network of a compute: a valid subnet id, and "No public IP" only with one.
/// Refuses a managed identity Azure would refuse: an unknown type, or user-assigned without an
/// identity's resource id (`.../Microsoft.ManagedIdentity/userAssignedIdentities/{name}`).
pub(crate) fn check_identity(identity: Option<&ManagedIdentity>) -> Result<(), ArmError> {
    let Some(identity) = identity else {
        return Ok(());
    };
    let user = match identity.identity_type.replace(' ', "").as_str() {
        "None" | "SystemAssigned" => false,
        "UserAssigned" | "SystemAssigned,UserAssigned" => true,
        other => {
            return Err(bad(format!(
                "identity type '{other}' must be SystemAssigned, UserAssigned, SystemAssigned,UserAssigned or None."
            )))
        }
    };
    if user && identity.user_assigned_identities.is_empty() {
        return Err(bad(
            "A user-assigned identity needs the resource id of at least one identity.",
        ));
    }
    for id in identity.user_assigned_identities.keys() {
        let ok = id.starts_with("/subscriptions/")
            && id
                .to_ascii_lowercase()
                .contains("/providers/microsoft.managedidentity/userassignedidentities/")
            && !id.ends_with('/');
        if !ok {
            return Err(bad(format!(
                "'{id}' is not a user-assigned identity's resource id (/subscriptions/…/resourceGroups/…/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>)."
            )));
        }
    }
    Ok(())
}

pub(crate) fn check_network(inner: &ComputeProperties) -> Result<(), ArmError> {
    if let Some(subnet) = &inner.subnet {
        validate_subnet_id(&subnet.id).map_err(bad)?;
    }
    if inner.enable_node_public_ip == Some(false) && inner.subnet.is_none() {
        return Err(bad(
            "\"No public IP\" needs a virtual network: choose a subnet.",
        ));
    }
    Ok(())
}

impl Workspace {
    /// Checks a new compute's name (ARM's Conflict when it is taken) and that it is in the
    /// workspace's region; `kind` names it in the message.
    pub(crate) fn check_name_and_location(
        &self,
        name: &str,
        body: &ComputeResource,
        kind: &str,
    ) -> Result<(), ArmError> {
        self.check_new_name(name).map_err(|e| {
            let code = if matches!(e, crate::compute::names::NameError::Taken(_)) {
                "Conflict"
            } else {
                "BadRequest"
            };
            ArmError::new(code, e.to_string())
        })?;
        let region = self.region();
        let location = body
            .location
            .as_deref()
            .or(body.properties.compute_location.as_deref());
        match location {
            Some(l) if !l.eq_ignore_ascii_case(region.name) => Err(bad(format!(
                "A {kind} must be in the workspace's region '{}', not '{l}'.",
                region.name
            ))),
            _ => Ok(()),
        }
    }

    /// A new compute's request completed with what Azure fills in for every kind: its id, name,
    /// type and region, Creating, the creation time, and the size's canonical spelling.
    pub(crate) fn new_resource(
        &self,
        name: &str,
        body: ComputeResource,
        now: Millis,
    ) -> ComputeResource {
        let region = self.region().name;
        let mut resource = body;
        resource.id = format!("{}/computes/{name}", self.resource.id);
        resource.name = name.to_owned();
        resource.resource_type = COMPUTE_TYPE.into();
        resource.location = Some(region.into());
        let props = &mut resource.properties;
        props.compute_location = Some(region.into());
        props.provisioning_state = Some("Creating".into());
        props.created_on = Some(format_iso(now));
        props.disable_local_auth.get_or_insert(true);
        if let Some(size) = find_vm_size(&props.properties.vm_size) {
            props.properties.vm_size = size.name.into();
        }
        // Azure creates a system-assigned identity with the compute and fills in its ids.
        if let Some(identity) = &mut resource.identity {
            if identity.identity_type.contains("SystemAssigned") {
                identity.principal_id = Some(crate::arm::ids::guid_for(&resource.id));
                identity.tenant_id = Some(self.tenant_id.clone());
            }
            for (id, user) in identity.user_assigned_identities.iter_mut() {
                user.principal_id = Some(crate::arm::ids::guid_for(id));
                user.client_id = Some(crate::arm::ids::guid_for(&format!("{id}/client")));
            }
        }
        resource
    }

    /// Checks a create request for a compute instance without changing anything.
    pub fn validate_instance_request(
        &self,
        name: &str,
        body: &ComputeResource,
    ) -> Result<(), ArmError> {
        let compute = &body.properties;
        if compute.compute_type != "ComputeInstance" {
            return Err(bad(format!(
                "computeType '{}' is not supported here; Azimuth creates ComputeInstance and AmlCompute computes.",
                compute.compute_type
            )));
        }
        self.check_name_and_location(name, body, "compute instance")?;
        check_identity(body.identity.as_ref())?;
        let region = self.region();
        let inner = &compute.properties;
        if inner.vm_size.is_empty() {
            return Err(bad("vmSize is required."));
        }
        find_vm_size(&inner.vm_size).ok_or_else(|| unknown_size(&inner.vm_size, region))?;
        validate_changeable(body)?;
        if let Some(ssh) = &inner.ssh_settings {
            match ssh.ssh_public_access.as_str() {
                // A key may be added later ("Set up an SSH key later"); a key given must be valid.
                "Enabled" => {
                    if let Some(key) = &ssh.admin_public_key {
                        validate_ssh_public_key(key).map_err(bad)?;
                    }
                }
                "Disabled" => {}
                other => {
                    return Err(bad(format!(
                        "sshPublicAccess must be Enabled or Disabled, not '{other}'."
                    )))
                }
            }
        }
        check_network(inner)?;
        if let Some(p) = &inner.personal_compute_instance_settings {
            if self
                .member_by_object_id(&p.assigned_user.object_id)
                .is_none()
            {
                return Err(bad(format!(
                    "The assigned user '{}' is not a member of this workspace.",
                    p.assigned_user.object_id
                )));
            }
        }
        self.check_quota(&inner.vm_size)
    }

    /// Creates a compute instance on behalf of a member; it starts in Creating.
    pub fn create_instance(
        &mut self,
        actor: &str,
        name: &str,
        body: ComputeResource,
        now: Millis,
    ) -> Result<&ComputeResource, ArmError> {
        self.settle(now);
        let member = self.authorize(actor, Action::WriteCompute)?.clone();
        let mut body = body;
        crate::compute::schedule::canonical_casing(&mut body.properties.properties);
        self.validate_instance_request(name, &body)?;
        self.serial += 1;
        let serial = self.serial;
        let region = self.region().name;
        let mut resource = self.new_resource(name, body, now);
        let inner = &mut resource.properties.properties;
        inner
            .application_sharing_policy
            .get_or_insert_with(|| "Personal".into());
        let ssh = inner.ssh_settings.get_or_insert_with(|| SshSettings {
            ssh_public_access: "Disabled".into(),
            ..Default::default()
        });
        ssh.admin_user_name = Some("azureuser".into());
        ssh.ssh_port = Some(50_000);
        let public_ip = inner.enable_node_public_ip != Some(false);
        inner.enable_node_public_ip = Some(public_ip);
        inner.connectivity_endpoints = Some(ConnectivityEndpoints {
            public_ip_address: public_ip.then(|| {
                format!(
                    "20.{}.{}.{}",
                    40 + serial / 65_536 % 200,
                    serial / 256 % 256,
                    serial % 256
                )
            }),
            private_ip_address: Some(format!("10.0.{}.{}", serial / 250 % 250, 4 + serial % 250)),
        });
        let host = format!(
            "https://{}.{region}.instances.azureml.ms",
            name.to_ascii_lowercase()
        );
        inner.applications = Some(
            [
                ("Jupyter Lab", "/lab"),
                ("Jupyter", "/tree"),
                ("VS Code", "/vscode"),
                ("Terminal", "/terminals/1"),
            ]
            .into_iter()
            .map(|(display_name, path)| Application {
                display_name: display_name.into(),
                endpoint_uri: format!("{host}{path}"),
            })
            .collect(),
        );
        inner.created_by = Some(CreatedBy {
            user_name: member.user_name.clone(),
            user_org_id: self.tenant_id.clone(),
            user_id: member.object_id.clone(),
        });
        inner
            .personal_compute_instance_settings
            .get_or_insert_with(|| PersonalSettings {
                assigned_user: AssignedUser {
                    object_id: member.object_id.clone(),
                    tenant_id: self.tenant_id.clone(),
                },
            });
        if let Some(schedules) = &mut inner.schedules {
            for (i, s) in schedules.compute_start_stop.iter_mut().enumerate() {
                s.id.get_or_insert_with(|| format!("{name}-schedule-{}", i + 1));
            }
        }
        inner.errors = Some(Vec::new());
        self.add_created(&member.name, name, resource, now)
    }

    /// Adds a completed new compute of any kind, Creating from `now`, and records who made it.
    pub(crate) fn add_created(
        &mut self,
        member: &str,
        name: &str,
        resource: ComputeResource,
        now: Millis,
    ) -> Result<&ComputeResource, ArmError> {
        let kind = crate::compute::kind_label(&resource);
        self.computes.push(std::sync::Arc::new(StoredCompute {
            resource,
            transition: None,
            last_activity: now,
            nodes: Vec::new(),
            skipped_stop: None,
        }));
        self.begin(name, Operation::Create, Trigger::User, now)?;
        let verb = if crate::compute::attach::attached_kind(
            &self.compute(name).expect("just added").resource,
        )
        .is_some()
        {
            "attached"
        } else {
            "created"
        };
        self.record(now, member, format!("{verb} {kind} {name}"), name);
        Ok(&self.compute(name).expect("just created").resource)
    }
}
