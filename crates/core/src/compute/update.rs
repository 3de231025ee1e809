//! PUT on an existing compute: ARM's create-or-update. Tags, description, idle shutdown and
//! schedules may change; the kind and size of an instance may not.

use crate::arm::ArmError;
use crate::compute::create::{bad, validate_changeable};
use crate::compute::request::validate_tags;
use crate::compute::ComputeResource;
use crate::time::{format_iso, Millis};
use crate::workspace::roles::Action;
use crate::workspace::Workspace;

impl Workspace {
    /// Creates the compute, or updates it when it exists; returns whether it was created and
    /// the resource as it now is.
    pub fn put_compute(
        &mut self,
        actor: &str,
        name: &str,
        body: ComputeResource,
        now: Millis,
    ) -> Result<(bool, ComputeResource), ArmError> {
        self.settle(now);
        let mut body = body;
        crate::compute::schedule::canonical_casing(&mut body.properties.properties);
        if self.compute(name).is_none() {
            let kind = &body.properties.compute_type;
            let created = if kind == crate::compute::cluster::AML_COMPUTE {
                self.create_cluster(actor, name, body, now)
            } else if crate::compute::attach::AttachedKind::of(kind).is_some() {
                self.attach_compute(actor, name, body, now)
            } else {
                self.create_instance(actor, name, body, now)
            };
            return created.map(|r| (true, r.clone()));
        }
        let member = self.authorize(actor, Action::WriteCompute)?.name.clone();
        let existing = &self.compute(name).expect("checked above").resource;
        let (kind, size) = (
            &body.properties.compute_type,
            &body.properties.properties.vm_size,
        );
        if !kind.is_empty() && kind != &existing.properties.compute_type {
            return Err(bad(format!(
                "The compute type of '{}' is {} and cannot be changed to {kind}. Delete the compute and create a new one instead.",
                existing.name, existing.properties.compute_type
            )));
        }
        if !size.is_empty() && !size.eq_ignore_ascii_case(&existing.properties.properties.vm_size) {
            return Err(bad(format!(
                "The virtual machine size of compute instance '{}' is {} and cannot be changed to {size}. Delete the instance and create a new one instead.",
                existing.name, existing.properties.properties.vm_size
            )));
        }
        if crate::compute::cluster::is_cluster(existing) {
            return self.update_cluster(&member, name, body, now);
        }
        if let Some(kind) = crate::compute::attach::attached_kind(existing) {
            return Err(bad(format!(
                "The attached {} '{}' cannot be changed. Detach it, then attach it again with the new settings.",
                kind.noun(),
                existing.name
            )));
        }
        let assigned = |r: &ComputeResource| {
            r.properties
                .properties
                .personal_compute_instance_settings
                .as_ref()
                .map(|p| p.assigned_user.object_id.clone())
        };
        if let Some(wanted) = assigned(&body).filter(|w| Some(w) != assigned(existing).as_ref()) {
            return Err(bad(format!(
                "The assigned user of compute instance '{}' cannot be changed (to {wanted}). Delete the instance and create a new one for the other user instead.",
                existing.name
            )));
        }
        validate_changeable(&body)?;
        let canonical = existing.name.clone();
        let stored = self
            .computes
            .iter_mut()
            .find(|c| c.resource.name == canonical)
            .map(std::sync::Arc::make_mut)
            .expect("checked above");
        let resource = &mut stored.resource;
        resource.tags = body.tags;
        let (props, new) = (&mut resource.properties, body.properties);
        props.description = new.description;
        props.modified_on = Some(format_iso(now));
        props.properties.idle_time_before_shutdown = new.properties.idle_time_before_shutdown;
        props.properties.schedules = new.properties.schedules;
        let updated = resource.clone();
        self.record(
            now,
            &member,
            format!("updated compute instance {canonical}"),
            &canonical,
        );
        Ok((false, updated))
    }

    /// PUT or PATCH on an existing cluster: tags, description and scale settings may change.
    fn update_cluster(
        &mut self,
        member: &str,
        name: &str,
        body: ComputeResource,
        now: Millis,
    ) -> Result<(bool, ComputeResource), ArmError> {
        let index = self
            .computes
            .iter()
            .position(|c| c.resource.name.eq_ignore_ascii_case(name))
            .expect("the caller found it");
        let provisioning = &self.computes[index].resource.properties.provisioning_state;
        if let Some(busy @ ("Creating" | "Deleting")) = provisioning.as_deref() {
            return Err(ArmError::new(
                "Conflict",
                format!(
                    "Compute cluster '{name}' is {}; change it once that is done.",
                    busy.to_ascii_lowercase()
                ),
            ));
        }
        let existing = &self.computes[index].resource.properties.properties;
        if let Some(wanted) = body.properties.properties.vm_priority.as_deref() {
            if Some(wanted) != existing.vm_priority.as_deref() {
                return Err(bad(format!(
                    "The tier of compute cluster '{name}' cannot be changed to {wanted}. Delete the cluster and create a new one instead."
                )));
            }
        }
        validate_tags(&body.tags).map_err(bad)?;
        if let Some(scale) = body.properties.properties.scale_settings {
            self.rescale(index, scale, now)?;
        }
        let resource = &mut std::sync::Arc::make_mut(&mut self.computes[index]).resource;
        resource.tags = body.tags;
        resource.properties.description = body.properties.description;
        resource.properties.modified_on = Some(format_iso(now));
        let canonical = resource.name.clone();
        let updated = resource.clone();
        self.record(
            now,
            member,
            format!("updated compute cluster {canonical}"),
            &canonical,
        );
        Ok((false, updated))
    }

    /// ARM's `enableSso` action: turns single sign-on of an instance's applications on or off
    /// (an action, so whoever may start and stop it may).
    pub fn set_sso(
        &mut self,
        actor: &str,
        name: &str,
        enabled: bool,
        now: Millis,
    ) -> Result<ComputeResource, ArmError> {
        self.settle(now);
        let member = self.authorize(actor, Action::OperateCompute)?.name.clone();
        let canonical = self
            .instance(name)
            .ok_or_else(|| crate::compute::instance_not_found(name))?
            .resource
            .name
            .clone();
        let stored = self
            .computes
            .iter_mut()
            .find(|c| c.resource.name == canonical)
            .expect("found above");
        let stored = std::sync::Arc::make_mut(stored);
        let props = &mut stored.resource.properties;
        props.properties.enable_sso = Some(enabled);
        props.modified_on = Some(format_iso(now));
        let updated = stored.resource.clone();
        let state = if enabled { "on" } else { "off" };
        let text = format!("turned single sign-on {state} for compute instance {canonical}");
        self.record(now, &member, text, &canonical);
        Ok(updated)
    }
}
