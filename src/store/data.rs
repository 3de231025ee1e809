//! The Store's data operations: datastores registered and unregistered, data asset versions
//! created, archived and restored (through the engine, or ARM on the server), and a datastore's
//! files listed, uploaded with progress and Cancel, read and deleted (the browser's own file
//! system, or the server's `/api/files`).

use super::opfs::{self, files_error};
use super::{remote, Backend, Store};

use azimuth_core::data::files::{check_file_path, file_exists, Listing};
use azimuth_core::data::preview::{Format, Table};
use azimuth_core::data::profile::Profile;
use azimuth_core::data::{DataVersionResource, DatastoreResource};
use azimuth_core::workspace::roles::Action;
use azimuth_core::ArmError;
use leptos::prelude::*;
use web_sys::File;

/// Which part of a file to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// From its first byte.
    Start,
    /// Up to its last byte (a log's tail).
    End,
}

/// An upload's progress, and its Cancel; cheap to copy into closures.
#[derive(Clone, Copy)]
pub struct Upload {
    /// Bytes written so far.
    pub sent: RwSignal<f64>,
    /// The file's size.
    pub total: RwSignal<f64>,
    cancelled: RwSignal<bool>,
    request: StoredValue<Option<remote::Sending>, LocalStorage>,
}

impl Default for Upload {
    fn default() -> Self {
        Self::new()
    }
}

impl Upload {
    /// A new upload, nothing sent yet.
    pub fn new() -> Self {
        Upload {
            sent: RwSignal::new(0.0),
            total: RwSignal::new(0.0),
            cancelled: RwSignal::new(false),
            request: StoredValue::new_local(None),
        }
    }

    /// Stops the upload; nothing of it is kept.
    pub fn cancel(&self) {
        self.cancelled.set(true);
        self.request.with_value(|r| {
            if let Some(r) = r {
                r.abort();
            }
        });
    }
}

/// What an Archive or Restore changes: one version, or the whole asset.
enum Archivable {
    Version(DataVersionResource),
    Container(azimuth_core::data::DataContainerResource),
}

impl Store {
    /// Registers a datastore, or changes one.
    pub async fn put_datastore(&self, name: &str, body: DatastoreResource) -> Result<(), ArmError> {
        let result = match self.backend {
            Backend::Browser(local) => {
                self.change(local, |w, me, now| {
                    w.put_datastore(me, name, body, now).map(drop)
                })
                .await
            }
            Backend::Server(token) => {
                let sent =
                    remote::put_datastore(&token.get_value(), &self.workspace_id(), name, &body)
                        .await;
                self.pull().await;
                sent
            }
        };
        if result.is_ok() {
            self.notify(
                false,
                "Datastore saved",
                format!("{name} is registered in this workspace."),
            );
        }
        self.report(&format!("Could not save the datastore {name}"), result)
    }

    /// Unregisters a datastore (its files stay where they are).
    pub async fn delete_datastore(&self, name: &str) -> Result<(), ArmError> {
        let result = match self.backend {
            Backend::Browser(local) => {
                self.change(local, |w, me, now| w.delete_datastore(me, name, now))
                    .await
            }
            Backend::Server(token) => {
                let sent =
                    remote::delete_datastore(&token.get_value(), &self.workspace_id(), name).await;
                self.pull().await;
                sent
            }
        };
        if result.is_ok() {
            self.notify(
                false,
                "Datastore unregistered",
                format!("{name} is no longer registered; its files were not touched."),
            );
        }
        self.report(&format!("Could not unregister {name}"), result)
    }

    /// Creates a version of a data asset (and the asset, the first time).
    pub async fn create_data_version(
        &self,
        name: &str,
        version: &str,
        body: DataVersionResource,
    ) -> Result<(), ArmError> {
        let result = match self.backend {
            Backend::Browser(local) => {
                self.change(local, |w, me, now| {
                    w.put_data_version(me, name, version, body, now).map(drop)
                })
                .await
            }
            Backend::Server(token) => {
                let sent = remote::put_data_version(
                    &token.get_value(),
                    &self.workspace_id(),
                    name,
                    version,
                    &body,
                )
                .await;
                self.pull().await;
                sent
            }
        };
        if result.is_ok() {
            self.notify(
                false,
                "Data asset created",
                format!("{name} version {version} is ready to use as azureml:{name}:{version}."),
            );
        }
        self.report(&format!("Could not create {name}"), result)
    }

    /// Archives or restores a data asset: one version, or (none) the whole asset.
    pub async fn set_data_archived(
        &self,
        name: &str,
        version: Option<&str>,
        archived: bool,
    ) -> Result<(), ArmError> {
        let what = match version {
            Some(v) => format!("{name} version {v}"),
            None => name.to_owned(),
        };
        let found = self.workspace.with_untracked(|w| match version {
            Some(v) => w.data_version(name, v).cloned().map(|mut r| {
                r.properties.is_archived = archived;
                Archivable::Version(r)
            }),
            None => w.data_container(name).cloned().map(|mut c| {
                c.properties.is_archived = archived;
                Archivable::Container(c)
            }),
        });
        let Some(body) = found else {
            return self.report(
                "Could not archive",
                Err(azimuth_core::data::asset::data_not_found(name, version)),
            );
        };
        let result = match (self.backend, body) {
            (Backend::Browser(local), Archivable::Version(v)) => {
                let version = v.name.clone();
                self.change(local, |w, me, now| {
                    w.put_data_version(me, name, &version, v, now).map(drop)
                })
                .await
            }
            (Backend::Browser(local), Archivable::Container(c)) => {
                self.change(local, |w, me, now| {
                    w.put_data_container(me, name, c, now).map(drop)
                })
                .await
            }
            (Backend::Server(token), body) => {
                let (token, ws) = (token.get_value(), self.workspace_id());
                let sent = match body {
                    Archivable::Version(v) => {
                        remote::put_data_version(&token, &ws, name, &v.name, &v).await
                    }
                    Archivable::Container(c) => {
                        remote::put_data_container(&token, &ws, name, &c).await
                    }
                };
                self.pull().await;
                sent
            }
        };
        let verb = if archived { "archived" } else { "restored" };
        if result.is_ok() {
            self.notify(
                false,
                format!("Data asset {verb}"),
                format!("{what} was {verb}."),
            );
        }
        self.report(&format!("Could not change {what}"), result)
    }

    /// Where a datastore's files are in this browser, for someone who may `write` them or read
    /// them (browser mode: the engine decides, as the server does).
    pub(super) fn files_root(&self, datastore: &str, write: bool) -> Result<String, ArmError> {
        self.workspace.with_untracked(|w| {
            if write {
                w.authorize(&self.member_name.get_untracked(), Action::WriteData)?;
            }
            w.datastore_root(datastore)
        })
    }

    /// The folders and files directly in `folder` of a datastore.
    pub async fn list_files(&self, datastore: &str, folder: &str) -> Result<Listing, ArmError> {
        let folder = check_file_path(folder)?;
        match self.backend {
            Backend::Browser(_) => {
                let root = self.files_root(datastore, false)?;
                opfs::list(&root, &folder)
                    .await
                    .map_err(|e| files_error(&e, "Listing the folder"))
            }
            Backend::Server(token) => {
                remote::list_files(&token.get_value(), &self.workspace_id(), datastore, &folder)
                    .await
            }
        }
    }

    /// Uploads `file` to `path` of a datastore (replacing a file there only with `overwrite`),
    /// reporting to `progress`; on any failure or Cancel nothing of it is kept.
    pub async fn upload_file(
        &self,
        datastore: &str,
        path: &str,
        file: &File,
        overwrite: bool,
        progress: Upload,
    ) -> Result<(), ArmError> {
        let path = check_file_path(path)?;
        progress.total.set(file.size());
        let what = format!("The upload of {}", file.name());
        match self.backend {
            Backend::Browser(_) => {
                let root = self.files_root(datastore, true)?;
                if !overwrite && opfs::exists(&root, &path).await {
                    return Err(file_exists(&path));
                }
                let upload = opfs::Upload::start(&root, &path)
                    .await
                    .map_err(|e| files_error(&e, &what))?;
                upload
                    .write(
                        file,
                        move |n| progress.sent.set(n),
                        move || progress.cancelled.get_untracked(),
                    )
                    .await
                    .map_err(|e| files_error(&e, &what))
            }
            Backend::Server(token) => {
                let sent = progress.sent;
                let (request, done) = remote::upload(
                    &token.get_value(),
                    &self.workspace_id(),
                    datastore,
                    &path,
                    overwrite,
                    file,
                    move |n| sent.set(n),
                )?;
                progress.request.set_value(Some(request));
                let result = done.await;
                progress.request.set_value(None);
                if result.is_ok() {
                    progress.sent.set(file.size());
                }
                result
            }
        }
    }

    /// Deletes a file, or (a path ending in `/`) a folder with all in it.
    pub async fn delete_file(&self, datastore: &str, path: &str) -> Result<(), ArmError> {
        let path = check_file_path(path)?;
        let result = match self.backend {
            Backend::Browser(_) => match self.files_root(datastore, true) {
                Ok(root) => opfs::delete(&root, &path)
                    .await
                    .map_err(|e| files_error(&e, &format!("Deleting {path}"))),
                Err(e) => Err(e),
            },
            Backend::Server(token) => {
                remote::delete_file(&token.get_value(), &self.workspace_id(), datastore, &path)
                    .await
            }
        };
        self.report(&format!("Could not delete {path}"), result)
    }

    /// `bytes` of a file from its start or its end (a log as it grows), and whether that is
    /// all of it.
    pub async fn read_file(
        &self,
        datastore: &str,
        path: &str,
        bytes: u64,
        part: Part,
    ) -> Result<(Vec<u8>, bool), ArmError> {
        let path = check_file_path(path)?;
        match self.backend {
            Backend::Browser(_) => {
                let root = self.files_root(datastore, false)?;
                opfs::read_part(&root, &path, bytes as f64, part)
                    .await
                    .map_err(|e| files_error(&e, &format!("Reading {path}")))
            }
            Backend::Server(token) => {
                let (token, ws) = (token.get_value(), self.workspace_id());
                remote::read_part(&token, &ws, datastore, &path, bytes, part).await
            }
        }
    }

    /// The profile of a tabular file read as `format` from text in `encoding`: computed by the
    /// server where the file is, or in this browser's worker (the page stays responsive).
    pub async fn profile_file(
        &self,
        datastore: &str,
        path: &str,
        format: Format,
        encoding: &str,
    ) -> Result<Profile, ArmError> {
        let path = check_file_path(path)?;
        match self.backend {
            Backend::Browser(_) => {
                let root = self.files_root(datastore, false)?;
                let file = opfs::file(&root, &path)
                    .await
                    .map_err(|e| files_error(&e, &format!("Reading {path}")))?;
                super::worker::profile(&file, format, encoding)
                    .await
                    .map_err(|e| ArmError::new("InvalidFormat", e))
            }
            Backend::Server(token) => {
                remote::profile(
                    &token.get_value(),
                    &self.workspace_id(),
                    datastore,
                    &path,
                    format,
                    encoding,
                )
                .await
            }
        }
    }

    /// Where a Parquet file is read: the server, which has the whole file (Parquet's schema
    /// is in a footer at its end): its session and the workspace; the browser store says where
    /// to read it instead.
    fn parquet_reader(&self) -> Result<(String, String), ArmError> {
        match self.backend {
            Backend::Browser(_) => Err(ArmError::new("ParquetNeedsServer", "Parquet files are read by azimuth-server: on a shared workspace, Explore and Profile show them. In this browser they read CSV, TSV and JSON lines files.")),
            Backend::Server(token) => Ok((token.get_value(), self.workspace_id())),
        }
    }

    /// The first rows of a Parquet file.
    pub async fn parquet_preview(&self, datastore: &str, path: &str) -> Result<Table, ArmError> {
        let path = check_file_path(path)?;
        let (token, ws) = self.parquet_reader()?;
        remote::parquet_preview(&token, &ws, datastore, &path).await
    }

    /// The profile of a Parquet file.
    pub async fn parquet_profile(&self, datastore: &str, path: &str) -> Result<Profile, ArmError> {
        let path = check_file_path(path)?;
        let (token, ws) = self.parquet_reader()?;
        remote::parquet_profile(&token, &ws, datastore, &path).await
    }

    /// A file's content, to download.
    pub async fn file_blob(&self, datastore: &str, path: &str) -> Result<web_sys::Blob, ArmError> {
        let path = check_file_path(path)?;
        let result = match self.backend {
            Backend::Browser(_) => match self.files_root(datastore, false) {
                Ok(root) => opfs::file(&root, &path)
                    .await
                    .map(Into::into)
                    .map_err(|e| files_error(&e, &format!("Reading {path}"))),
                Err(e) => Err(e),
            },
            Backend::Server(token) => {
                remote::file_blob(&token.get_value(), &self.workspace_id(), datastore, &path).await
            }
        };
        self.report(&format!("Could not download {path}"), result)
    }
}
