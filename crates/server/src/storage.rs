//! The workspaces' files, behind one storage interface: `object_store`, which puts local files,
//! S3 and Azure Blob behind the same calls, so an installation that outgrows one disk changes
//! where its files go, not this code. The embedded default is the local file system under the
//! server's files folder (`--files`), fsynced, one folder per storage account and container.
//!
//! Chosen over writing files by hand because its local store already streams an upload into a
//! staging file that is renamed into place only when complete and removed when the upload is
//! dropped: an interrupted or cancelled upload leaves no half file.

use axum::body::Bytes;
use azimuth_core::data::files::{FileEntry, Listing};
use azimuth_core::ArmError;
use futures_util::{Stream, StreamExt};
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{GetOptions, GetRange, GetResult, ObjectStore, ObjectStoreExt, WriteMultipart};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

/// Bytes an upload writes at a time; at most [`IN_FLIGHT`] such parts are held in memory.
const PART: usize = 8 << 20;
/// Parts of one upload written at once.
const IN_FLIGHT: usize = 2;

/// The installation's file storage.
#[derive(Clone, Debug)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    /// Files being uploaded (`root/path`, lower case), so two uploads to one name do not race.
    uploading: Arc<Mutex<HashSet<String>>>,
    /// The folder on disk, for the local store.
    local: Option<std::path::PathBuf>,
}

/// A file's name held for one upload; let go when dropped (the upload ended, however it ended).
/// On the local store it then removes the folders the upload made that it left empty, when it
/// did not finish; folders that were there before stay.
#[derive(Debug)]
pub struct Claim {
    key: String,
    uploading: Arc<Mutex<HashSet<String>>>,
    /// The file's folder on disk, and the nearest folder above or at it that was there before
    /// the upload (where the clean-up stops).
    folders: Option<(std::path::PathBuf, std::path::PathBuf)>,
}

impl Drop for Claim {
    fn drop(&mut self) {
        if let Some((mut folder, kept)) = self.folders.take() {
            // `remove_dir` removes only an empty folder: a finished upload's stays.
            while folder.starts_with(&kept)
                && folder != kept
                && std::fs::remove_dir(&folder).is_ok()
            {
                folder.pop();
            }
        }
        if let Ok(mut set) = self.uploading.lock() {
            set.remove(&self.key);
        }
    }
}

/// A storage failure as the API answers it: a full disk, a missing file, or another fault.
fn storage_error(e: object_store::Error, what: &str) -> ArmError {
    match e {
        object_store::Error::NotFound { .. } => {
            ArmError::new("ResourceNotFound", format!("{what} was not found."))
        }
        object_store::Error::AlreadyExists { .. } => ArmError::new(
            "Conflict",
            format!("Something already has the name {what} would take; choose another name."),
        ),
        other => {
            let text = other.to_string();
            if text.contains("No space left") || text.contains("os error 28") {
                ArmError::new("InsufficientStorage", format!("The server's disk is full, so {what} was not saved. Nothing already stored was lost; free some space (or delete files you no longer need) and try again."))
            } else {
                ArmError::new(
                    "StorageError",
                    format!("The file storage failed on {what} ({text}); nothing was changed."),
                )
            }
        }
    }
}

fn location(root: &str, path: &str) -> Result<Path, ArmError> {
    let joined = format!("{root}/{}", path.trim_end_matches('/'));
    Path::parse(joined.trim_end_matches('/'))
        .map_err(|e| ArmError::new("InvalidPath", format!("'{path}' cannot be stored: {e}")))
}

impl Storage {
    /// Files in folder `root` of the local file system, created when missing.
    pub fn local(root: &std::path::Path) -> Result<Storage, String> {
        std::fs::create_dir_all(root)
            .map_err(|e| format!("cannot create {}: {e}", root.display()))?;
        let store = LocalFileSystem::new_with_prefix(root)
            .map_err(|e| format!("cannot use {} for files: {e}", root.display()))?
            .with_fsync(true)
            .with_automatic_cleanup(true);
        Ok(Storage {
            store: Arc::new(store),
            uploading: Arc::default(),
            local: Some(root.to_path_buf()),
        })
    }

    /// Holds `path` of `root` for one upload, or refuses when another upload to that name (in
    /// any case) is under way: the second of two people racing for a name is told, not
    /// silently overwritten.
    pub fn claim(&self, root: &str, path: &str) -> Result<Claim, ArmError> {
        let key = format!("{root}/{path}").to_lowercase();
        let mut set = self.uploading.lock().unwrap_or_else(|e| e.into_inner());
        if !set.insert(key.clone()) {
            return Err(ArmError::new("Conflict", format!("'{path}' is being uploaded by someone else right now; wait for that upload to end, then try again.")));
        }
        let folders = self.local.as_ref().map(|top| {
            let folder = format!("{root}/{path}");
            let folder = top.join(folder.rsplit_once('/').map_or("", |(f, _)| f));
            let kept = folder
                .ancestors()
                .find(|f| !f.starts_with(top) || f.is_dir())
                .unwrap_or(top)
                .to_path_buf();
            (folder, kept)
        });
        Ok(Claim {
            key,
            uploading: Arc::clone(&self.uploading),
            folders,
        })
    }

    /// Where `path` of `root` is on disk, for the local store (jobs read their inputs and
    /// write their logs there); `None` for a store that is not on this machine's disk.
    pub fn local_path(&self, root: &str, path: &str) -> Option<std::path::PathBuf> {
        let top = self.local.as_ref()?;
        let mut at = top.join(root);
        for part in path.split('/').filter(|p| !p.is_empty()) {
            if part == "." || part == ".." {
                return None;
            }
            at.push(part);
        }
        Some(at)
    }

    /// The folders and files directly in `folder` (`""` for the top) of `root`.
    pub async fn list(&self, root: &str, folder: &str) -> Result<Listing, ArmError> {
        let prefix = location(root, folder)?;
        let found = self
            .store
            .list_with_delimiter(Some(&prefix))
            .await
            .map_err(|e| storage_error(e, &format!("the folder '{folder}'")))?;
        let name = |p: &Path| p.filename().unwrap_or_default().to_owned();
        let mut listing = Listing {
            folders: found.common_prefixes.iter().map(name).collect(),
            files: found
                .objects
                .iter()
                .map(|o| FileEntry {
                    name: name(&o.location),
                    size: o.size,
                    last_modified: azimuth_core::time::format_iso(
                        o.last_modified.timestamp_millis(),
                    ),
                })
                .collect(),
        };
        listing.folders.sort();
        listing.files.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(listing)
    }

    /// Whether a file is at `path` of `root`, and its size.
    pub async fn size(&self, root: &str, path: &str) -> Result<Option<u64>, ArmError> {
        match self.store.head(&location(root, path)?).await {
            Ok(meta) => Ok(Some(meta.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(storage_error(e, &format!("'{path}'"))),
        }
    }

    /// Writes `body` to `path` of `root` as it arrives, holding at most a few parts in memory;
    /// the file appears only once all of it is written (answers its size). If the body stops
    /// short (the client went away, or cancelled) nothing is left behind.
    pub async fn upload<E: std::fmt::Display>(
        &self,
        root: &str,
        path: &str,
        mut body: impl Stream<Item = Result<Bytes, E>> + Unpin,
    ) -> Result<u64, ArmError> {
        let at = location(root, path)?;
        let what = format!("the upload of '{path}'");
        let upload = self
            .store
            .put_multipart(&at)
            .await
            .map_err(|e| storage_error(e, &what))?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART);
        let mut size = 0u64;
        while let Some(chunk) = body.next().await {
            let chunk = match chunk {
                Ok(chunk) => chunk,
                Err(e) => {
                    let _ = writer.abort().await;
                    return Err(ArmError::new(
                        "UploadInterrupted",
                        format!("{what} stopped after {size} bytes ({e}); nothing was kept. Upload the file again."),
                    ));
                }
            };
            size += chunk.len() as u64;
            if let Err(e) = writer.wait_for_capacity(IN_FLIGHT).await {
                let _ = writer.abort().await;
                return Err(storage_error(e, &what));
            }
            writer.put(chunk);
        }
        writer.finish().await.map_err(|e| storage_error(e, &what))?;
        Ok(size)
    }

    /// The version of the file at `path` of `root` (its ETag), or `None` when no file is there.
    pub async fn version(&self, root: &str, path: &str) -> Result<Option<String>, ArmError> {
        match self.store.head(&location(root, path)?).await {
            Ok(meta) => Ok(Some(version_of(&meta))),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(storage_error(e, &format!("'{path}'"))),
        }
    }

    /// Makes the folder `path` of `root`. Folders are real on the local store (as in an Azure
    /// file share, which the notebooks' datastore is); an object store keeps them only through
    /// their files, so there it is made when its first file is.
    pub fn make_folder(&self, root: &str, path: &str) -> Result<(), ArmError> {
        let Some(at) = self.local_path(root, path) else {
            return Ok(());
        };
        std::fs::create_dir_all(&at).map_err(|e| {
            ArmError::new(
                "StorageError",
                format!("The folder '{path}' could not be made ({e})."),
            )
        })
    }

    /// Moves the file at `from` to `to` (which must be free), or, when both end in `/`, the
    /// folder and all in it; answers how many files moved.
    pub async fn rename(&self, root: &str, from: &str, to: &str) -> Result<usize, ArmError> {
        let (source, target) = (location(root, from)?, location(root, to)?);
        let what = format!("'{from}'");
        if !from.ends_with('/') {
            self.store
                .rename_if_not_exists(&source, &target)
                .await
                .map_err(|e| storage_error(e, &what))?;
            return Ok(1);
        }
        let all: Vec<_> = self.store.list(Some(&source)).collect().await;
        let skip = source.as_ref().len();
        let mut count = 0;
        for meta in all {
            let meta = meta.map_err(|e| storage_error(e, &what))?;
            let rest = &meta.location.as_ref()[skip..];
            let moved = Path::parse(format!("{}{rest}", target.as_ref()))
                .map_err(|e| ArmError::new("InvalidPath", e.to_string()))?;
            self.store
                .rename_if_not_exists(&meta.location, &moved)
                .await
                .map_err(|e| storage_error(e, &what))?;
            count += 1;
        }
        if let Some(folder) = self.local_path(root, from) {
            // Empty folders left behind (and an empty folder moved as such) follow their files.
            if folder.is_dir() {
                if let Some(dest) = self.local_path(root, to) {
                    copy_folders(&folder, &dest);
                }
                let _ = std::fs::remove_dir_all(&folder);
            }
        }
        Ok(count)
    }

    /// Reads `path` of `root`, the bytes `range` asks for (all when none).
    pub async fn read(
        &self,
        root: &str,
        path: &str,
        range: Option<GetRange>,
    ) -> Result<GetResult, ArmError> {
        let options = GetOptions {
            range,
            ..GetOptions::default()
        };
        self.store
            .get_opts(&location(root, path)?, options)
            .await
            .map_err(|e| storage_error(e, &format!("'{path}'")))
    }

    /// Deletes the file at `path` of `root`, or (a path ending in `/`) the folder and all in
    /// it; answers how many files went.
    pub async fn delete(&self, root: &str, path: &str) -> Result<usize, ArmError> {
        let at = location(root, path)?;
        if !path.ends_with('/') {
            self.store
                .delete(&at)
                .await
                .map_err(|e| storage_error(e, &format!("'{path}'")))?;
            return Ok(1);
        }
        let all: Vec<_> = self.store.list(Some(&at)).collect().await;
        let mut count = 0;
        for meta in all {
            let meta = meta.map_err(|e| storage_error(e, &format!("the folder '{path}'")))?;
            self.store
                .delete(&meta.location)
                .await
                .map_err(|e| storage_error(e, &format!("'{}'", meta.location)))?;
            count += 1;
        }
        if let Some(folder) = self.local_path(root, path) {
            // Its empty folders go too (only empty ones: a file that arrived meanwhile stays).
            remove_empty_folders(&folder);
        }
        Ok(count)
    }
}

/// Removes `folder` and the folders in it, deepest first, as far as they are empty.
fn remove_empty_folders(folder: &std::path::Path) {
    if let Ok(entries) = std::fs::read_dir(folder) {
        for entry in entries.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                remove_empty_folders(&entry.path());
            }
        }
    }
    let _ = std::fs::remove_dir(folder);
}

/// Makes under `to` the folders that are under `from` (which hold no files by now).
fn copy_folders(from: &std::path::Path, to: &std::path::Path) {
    let _ = std::fs::create_dir_all(to);
    if let Ok(entries) = std::fs::read_dir(from) {
        for entry in entries.flatten() {
            if entry.path().is_dir() {
                copy_folders(&entry.path(), &to.join(entry.file_name()));
            }
        }
    }
}

/// A file's version as the API shows it in `ETag` (unquoted): the store's own tag, or its
/// modification time and size.
pub fn version_of(meta: &object_store::ObjectMeta) -> String {
    match &meta.e_tag {
        Some(tag) => tag.trim_matches('"').to_owned(),
        None => format!("{}-{}", meta.last_modified.timestamp_micros(), meta.size),
    }
}
