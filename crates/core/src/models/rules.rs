//! The rules of models: creating a model and its versions (the first version creates the
//! model), what may change of them, and deleting them. The same rules serve ARM and MLflow.

use super::{
    model_type, ModelContainerProperties, ModelContainerResource, ModelSource, ModelVersionResource,
};
use crate::arm::tags::validate_tags;
use crate::arm::versioned::{
    archive_verb, asset_name_error, named, next_version, touch, versions_of,
};
use crate::arm::{ArmError, SystemData, MODEL_TYPE, MODEL_VERSION_TYPE};
use crate::time::{format_iso, Millis};
use crate::workspace::roles::Action;
use crate::workspace::Workspace;
use std::sync::Arc;

/// The stages a version may be in (MLflow's; Azure shows them as they are).
pub const STAGES: [&str; 4] = ["None", "Staging", "Production", "Archived"];

fn bad(message: impl Into<String>) -> ArmError {
    ArmError::new("ValidationError", message)
}

const SUCCEEDED: &str = "Succeeded";

impl Workspace {
    /// A model's container by name (names compare without regard to case).
    pub fn model_container(&self, name: &str) -> Option<&ModelContainerResource> {
        named(&self.models, name, |m| &m.name)
    }

    /// A model's versions, oldest first.
    pub fn model_versions<'a>(
        &'a self,
        name: &str,
    ) -> impl Iterator<Item = &'a ModelVersionResource> + use<'a> {
        let model = format!("{}/models/{name}", self.resource.id);
        versions_of(&self.model_versions, &model, |v| &v.id)
    }

    /// One version of a model.
    pub fn model_version(&self, name: &str, version: &str) -> Option<&ModelVersionResource> {
        self.model_versions(name).find(|v| v.name == version)
    }

    /// The version a create without one gets: one past the highest whole number there is or
    /// was (a deleted version's number is not given again).
    pub fn next_model_version(&self, name: &str) -> String {
        let kept = self
            .model_container(name)
            .and_then(|c| c.properties.next_version.as_deref())
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(1);
        let from_versions = next_version(self.model_versions(name).map(|v| v.name.as_str()));
        let from_versions = from_versions.parse::<u64>().unwrap_or(1);
        kept.max(from_versions).to_string()
    }

    /// ARM's PUT of a model container: creates the model (answers `true`) or changes its
    /// description, tags, properties and archived flag.
    pub fn put_model_container(
        &mut self,
        actor: &str,
        name: &str,
        request: ModelContainerResource,
        now: Millis,
    ) -> Result<(bool, ModelContainerResource), ArmError> {
        self.settle(now);
        let member = self.authorize(actor, Action::WriteModels)?.clone();
        let asked = request.properties;
        validate_tags(&asked.tags).map_err(bad)?;
        let at = format_iso(now);
        if let Some(old) = self.model_container(name).cloned() {
            let mut next = old.clone();
            next.properties.description = asked.description;
            next.properties.tags = asked.tags;
            next.properties.properties = asked.properties;
            next.properties.is_archived = asked.is_archived;
            touch(&mut next.system_data, &member.user_name, &at);
            if next != old {
                let verb = archive_verb(old.properties.is_archived, next.properties.is_archived);
                self.record(now, actor, format!("{verb} model {}", old.name), "");
                self.replace_model(next.clone());
            }
            return Ok((false, next));
        }
        if let Some(e) = asset_name_error(name, "name") {
            return Err(bad(e).at("name"));
        }
        let container = ModelContainerResource {
            id: format!("{}/models/{name}", self.resource.id),
            name: name.to_owned(),
            resource_type: MODEL_TYPE.into(),
            system_data: Some(SystemData::created(&member.user_name, &at)),
            properties: ModelContainerProperties {
                latest_version: None,
                next_version: Some("1".into()),
                provisioning_state: Some(SUCCEEDED.into()),
                ..asked
            },
        };
        self.models.push(Arc::new(container.clone()));
        self.record(now, actor, format!("registered model {name}"), "");
        Ok((true, container))
    }

    /// ARM's PUT of a model version: creates it (and the model, the first time; answers `true`),
    /// or changes what may change of an existing version (description, tags, stage, archived).
    /// The caller has checked that the files are there and read the flavors of an MLflow model.
    pub fn put_model_version(
        &mut self,
        actor: &str,
        name: &str,
        version: &str,
        request: ModelVersionResource,
        now: Millis,
    ) -> Result<(bool, ModelVersionResource), ArmError> {
        self.settle(now);
        let member = self.authorize(actor, Action::WriteModels)?.clone();
        let mut asked = request.properties;
        validate_tags(&asked.tags).map_err(bad)?;
        if let Some(stage) = &asked.stage {
            check_stage(stage)?;
        }
        let at = format_iso(now);
        if let Some(old) = self.model_version(name, version).cloned() {
            let was = &old.properties;
            let kind = model_type(&asked.model_type);
            if (!asked.model_type.is_empty() && kind != Some(was.model_type.as_str()))
                || (!asked.model_uri.is_empty() && asked.model_uri != was.model_uri)
            {
                return Err(ArmError::new("UserError", format!("Version {version} of the model '{name}' already exists and versions cannot change: it is a {} at {}. Register a new version for other files.", was.model_type, was.model_uri)));
            }
            let mut next = old.clone();
            next.properties.description = asked.description;
            next.properties.tags = asked.tags;
            next.properties.is_archived = asked.is_archived;
            if asked.stage.is_some() {
                next.properties.stage = asked.stage;
            }
            touch(&mut next.system_data, &member.user_name, &at);
            if next != old {
                let verb = archive_verb(was.is_archived, next.properties.is_archived);
                self.record(
                    now,
                    actor,
                    format!("{verb} model {name} version {version}"),
                    "",
                );
                let id = old.id.clone();
                if let Some(slot) = self.model_versions.iter_mut().find(|v| v.id == id) {
                    *slot = Arc::new(next.clone());
                }
            }
            return Ok((false, next));
        }
        if let Some(e) = asset_name_error(version, "version") {
            return Err(bad(e).at("version"));
        }
        asked.model_type = match asked.model_type.as_str() {
            "" => "custom_model".into(),
            t => model_type(t).map(str::to_owned).ok_or_else(|| {
                bad(format!("properties.modelType must be custom_model (any files), mlflow_model (an MLflow model folder) or triton_model; '{t}' is none of them.")).at("properties.modelType")
            })?,
        };
        let source =
            ModelSource::parse(&asked.model_uri).map_err(|e| bad(e).at("properties.modelUri"))?;
        if let ModelSource::Datastore { datastore, .. } = &source {
            if self.datastore(datastore).is_none() {
                return Err(bad(format!(
                    "The datastore '{datastore}' in {} is not registered in this workspace.",
                    asked.model_uri
                ))
                .at("properties.modelUri"));
            }
        }
        if asked.job_name.is_none() {
            asked.job_name = source.job().map(str::to_owned);
        }
        asked.stage.get_or_insert_with(|| "None".into());
        asked.provisioning_state = Some(SUCCEEDED.into());
        let container = match self.model_container(name) {
            Some(c) => c.clone(),
            None => {
                self.put_model_container(actor, name, ModelContainerResource::default(), now)?
                    .1
            }
        };
        let resource = ModelVersionResource {
            id: format!("{}/versions/{version}", container.id),
            name: version.to_owned(),
            resource_type: MODEL_VERSION_TYPE.into(),
            system_data: Some(SystemData::created(&member.user_name, &at)),
            properties: asked,
        };
        self.model_versions.push(Arc::new(resource.clone()));
        let mut next = container;
        next.properties.latest_version = Some(version.to_owned());
        next.properties.next_version = Some(self.next_model_version(&next.name));
        let model = next.name.clone();
        self.replace_model(next);
        self.record(
            now,
            actor,
            format!("registered model {model} version {version}"),
            "",
        );
        Ok((true, resource))
    }

    /// Deletes a model version; the model keeps its other versions (and its next version
    /// number, so a number is never given twice). Answers whether there was one.
    pub fn delete_model_version(
        &mut self,
        actor: &str,
        name: &str,
        version: &str,
        now: Millis,
    ) -> Result<bool, ArmError> {
        self.settle(now);
        self.authorize(actor, Action::WriteModels)?;
        let Some(id) = self.model_version(name, version).map(|v| v.id.clone()) else {
            return Ok(false);
        };
        self.check_not_deployed(&id)?;
        self.model_versions.retain(|v| v.id != id);
        if let Some(mut container) = self.model_container(name).cloned() {
            if container.properties.latest_version.as_deref() == Some(version) {
                container.properties.latest_version =
                    self.model_versions(name).last().map(|v| v.name.clone());
            }
            container
                .properties
                .properties
                .retain(|k, v| !(k.starts_with(ALIAS) && v == version));
            self.replace_model(container);
        }
        self.record(
            now,
            actor,
            format!("deleted model {name} version {version}"),
            "",
        );
        Ok(true)
    }

    /// Deletes a model and all its versions. Answers whether there was one.
    pub fn delete_model(&mut self, actor: &str, name: &str, now: Millis) -> Result<bool, ArmError> {
        self.settle(now);
        self.authorize(actor, Action::WriteModels)?;
        let Some(id) = self.model_container(name).map(|c| c.id.clone()) else {
            return Ok(false);
        };
        let prefix = format!("{id}/versions/").to_ascii_lowercase();
        for v in self.model_versions(name) {
            self.check_not_deployed(&v.id)?;
        }
        self.model_versions
            .retain(|v| !v.id.to_ascii_lowercase().starts_with(&prefix));
        self.models.retain(|c| c.id != id);
        self.record(now, actor, format!("deleted model {name}"), "");
        Ok(true)
    }

    fn replace_model(&mut self, next: ModelContainerResource) {
        if let Some(slot) = self.models.iter_mut().find(|c| c.name == next.name) {
            *slot = Arc::new(next);
        }
    }
}

/// The prefix of the container properties that hold MLflow aliases (`mlflow.alias.{alias}`).
pub const ALIAS: &str = "mlflow.alias.";

/// Refuses a stage MLflow does not know.
pub fn check_stage(stage: &str) -> Result<(), ArmError> {
    if STAGES.contains(&stage) {
        Ok(())
    } else {
        Err(bad(format!(
            "The stage '{stage}' is not one of None, Staging, Production and Archived."
        ))
        .at("properties.stage"))
    }
}
