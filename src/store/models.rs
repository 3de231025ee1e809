//! The Store's models: a version registered (its files checked first: by azimuth-server, or in
//! this browser by listing its own files, on the engine's rule), a version changed (description,
//! tags, stage, archived), a model archived or restored, and a version or a whole model deleted.
//! Models are read from the workspace signal, as every asset is.

use super::{remote, Backend, Part, Store};
use azimuth_core::models::check::{check_found, needs_mlmodel, Found};
use azimuth_core::models::mlmodel::MLMODEL_FILE;
use azimuth_core::models::{
    model_not_found, ModelSource, ModelVersionProperties, ModelVersionResource,
};
use azimuth_core::ArmError;
use leptos::prelude::*;

/// The most bytes of an `MLmodel` file read.
const MLMODEL_BYTES: u64 = 256 * 1024;

fn bad_uri(message: String) -> ArmError {
    ArmError::new("ValidationError", message).at("properties.modelUri")
}

/// `folder/name`, or `name` at the top of a datastore.
fn in_folder(folder: &str, name: &str) -> String {
    match folder.trim_matches('/') {
        "" => name.to_owned(),
        f => format!("{f}/{name}"),
    }
}

impl Store {
    /// The datastore and folder that hold a model's files (see [`ModelSource::folder`]): a
    /// job's named output is looked up in the job.
    pub async fn model_folder(&self, model_uri: &str) -> Result<(String, String), ArmError> {
        let source = ModelSource::parse(model_uri).map_err(bad_uri)?;
        let job = match &source {
            ModelSource::JobOutput { job, .. } => self.job(job).await.ok(),
            _ => None,
        };
        source
            .folder(|_, output| {
                job.as_ref()?["properties"]["outputs"][output]["uri"]
                    .as_str()
                    .map(str::to_owned)
            })
            .map_err(bad_uri)
    }

    /// The text of the `MLmodel` file in a model's folder.
    pub async fn read_mlmodel_file(
        &self,
        datastore: &str,
        folder: &str,
    ) -> Result<String, ArmError> {
        let path = in_folder(folder, MLMODEL_FILE);
        let (bytes, _) = self
            .read_file(datastore, &path, MLMODEL_BYTES, Part::Start)
            .await?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// Checks a new version's files in this browser's own file system, on the engine's rule,
    /// and fills in an MLflow model's flavors.
    async fn check_in_browser(&self, props: &mut ModelVersionProperties) -> Result<(), ArmError> {
        let source = ModelSource::parse(&props.model_uri).map_err(bad_uri)?;
        let (datastore, folder) = self.model_folder(&props.model_uri).await?;
        let any = match self.list_files(&datastore, &folder).await {
            Ok(l) if !l.folders.is_empty() || !l.files.is_empty() => true,
            _ => self
                .read_file(&datastore, &folder, 1, Part::Start)
                .await
                .is_ok(),
        };
        let mlmodel = match any && needs_mlmodel(props) {
            true => self.read_mlmodel_file(&datastore, &folder).await.ok(),
            false => None,
        };
        let found = Found {
            any,
            mlmodel: mlmodel.as_deref(),
        };
        check_found(props, &source, found)
    }

    /// Registers version `version` of model `name` (and the model, the first time).
    pub async fn register_model_version(
        &self,
        name: &str,
        version: &str,
        mut body: ModelVersionResource,
    ) -> Result<(), ArmError> {
        let result = match self.backend {
            Backend::Browser(local) => match self.check_in_browser(&mut body.properties).await {
                Ok(()) => {
                    self.change(local, |w, me, now| {
                        w.put_model_version(me, name, version, body, now).map(drop)
                    })
                    .await
                }
                Err(e) => Err(e),
            },
            Backend::Server(token) => {
                let (token, ws) = (token.get_value(), self.workspace_id());
                let sent = remote::put_model_version(&token, &ws, name, version, &body).await;
                self.pull().await;
                sent
            }
        };
        if result.is_ok() {
            self.notify(
                false,
                "Model registered",
                format!("{name} version {version} is registered as azureml:{name}:{version}."),
            );
        }
        self.report(&format!("Could not register {name}"), result)
    }

    /// Changes what may change of a version: its description, tags, stage and archived flag.
    pub async fn change_model_version(
        &self,
        name: &str,
        body: ModelVersionResource,
    ) -> Result<(), ArmError> {
        let version = body.name.clone();
        let was_archived = self.workspace.with_untracked(|w| {
            w.model_version(name, &version)
                .map(|v| v.properties.is_archived)
        });
        let Some(was_archived) = was_archived else {
            return self.report(
                "Could not change the model",
                Err(model_not_found(name, Some(&version))),
            );
        };
        let now_archived = body.properties.is_archived;
        let result = match self.backend {
            Backend::Browser(local) => {
                self.change(local, |w, me, now| {
                    w.put_model_version(me, name, &version, body, now).map(drop)
                })
                .await
            }
            Backend::Server(token) => {
                let (token, ws) = (token.get_value(), self.workspace_id());
                let sent = remote::put_model_version(&token, &ws, name, &version, &body).await;
                self.pull().await;
                sent
            }
        };
        let verb = match (was_archived, now_archived) {
            (false, true) => "archived",
            (true, false) => "restored",
            _ => "saved",
        };
        if result.is_ok() {
            self.notify(
                false,
                format!("Model {verb}"),
                format!("{name} version {version} was {verb}."),
            );
        }
        self.report(
            &format!("Could not change {name} version {version}"),
            result,
        )
    }

    /// Archives or restores a whole model (its versions keep their own flags).
    pub async fn set_model_archived(&self, name: &str, archived: bool) -> Result<(), ArmError> {
        let found = self.workspace.with_untracked(|w| {
            w.model_container(name).cloned().map(|mut c| {
                c.properties.is_archived = archived;
                c
            })
        });
        let Some(body) = found else {
            return self.report("Could not archive", Err(model_not_found(name, None)));
        };
        let result = match self.backend {
            Backend::Browser(local) => {
                self.change(local, |w, me, now| {
                    w.put_model_container(me, name, body, now).map(drop)
                })
                .await
            }
            Backend::Server(token) => {
                let (token, ws) = (token.get_value(), self.workspace_id());
                let sent = remote::put_model_container(&token, &ws, name, &body).await;
                self.pull().await;
                sent
            }
        };
        let verb = if archived { "archived" } else { "restored" };
        if result.is_ok() {
            self.notify(
                false,
                format!("Model {verb}"),
                format!("{name} was {verb}."),
            );
        }
        self.report(&format!("Could not change {name}"), result)
    }

    /// Deletes one version of a model, or (none) the model with all its versions. The files
    /// stay where they are.
    pub async fn delete_model(&self, name: &str, version: Option<&str>) -> Result<(), ArmError> {
        let result = match self.backend {
            Backend::Browser(local) => {
                self.change(local, |w, me, now| match version {
                    Some(v) => w.delete_model_version(me, name, v, now).map(drop),
                    None => w.delete_model(me, name, now).map(drop),
                })
                .await
            }
            Backend::Server(token) => {
                let (token, ws) = (token.get_value(), self.workspace_id());
                let sent = remote::delete_model(&token, &ws, name, version).await;
                self.pull().await;
                sent
            }
        };
        let what = match version {
            Some(v) => format!("{name} version {v}"),
            None => name.to_owned(),
        };
        if result.is_ok() {
            self.notify(
                false,
                "Model deleted",
                format!("{what} was deleted; its files were not touched."),
            );
        }
        self.report(&format!("Could not delete {what}"), result)
    }
}
