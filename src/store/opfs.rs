//! The browser store's files, in the Origin Private File System: folder `azimuth-files`, then
//! one folder per storage account and container (the datastore's root), then the file's own
//! folders. A file is written through a writable stream the browser commits only when it is
//! closed, so a cancelled or failed upload leaves the file as it was (and a new one not at all).

use super::idb::IdbError;
use super::Part;
use azimuth_core::data::files::{FileEntry, Listing};
use azimuth_core::ArmError;
use js_sys::{Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    File, FileSystemDirectoryHandle, FileSystemFileHandle, FileSystemGetDirectoryOptions,
    FileSystemGetFileOptions, FileSystemRemoveOptions, FileSystemWritableFileStream,
};

/// The top folder of the studio's files.
const TOP: &str = "azimuth-files";
/// Bytes written at a time, so progress can be shown and Cancel is quick.
const SLICE: f64 = 8.0 * 1024.0 * 1024.0;

pub(super) async fn wait(promise: Promise) -> Result<JsValue, IdbError> {
    JsFuture::from(promise)
        .await
        .map_err(|e| IdbError::from_js(&e))
}

/// A refusal of the browser's file system, in words.
pub fn files_error(e: &IdbError, what: &str) -> ArmError {
    let within = mid_sentence(what);
    match e.name.as_str() {
        "QuotaExceededError" => ArmError::new("StorageFull", format!("This browser's storage for Azimuth is full, so {within} was not saved and nothing already stored was lost. Delete files you no longer need, or free space in the browser's site data, then try again.")),
        "NotFoundError" => ArmError::new("ResourceNotFound", format!("{what}: there is no such file or folder.")),
        "TypeMismatchError" => ArmError::new("Conflict", format!("{what}: a file and a folder cannot share a name.")),
        "AbortError" => ArmError::new("UploadCancelled", format!("{what} was cancelled; nothing was kept.")),
        _ => ArmError::new("StorageError", format!("The browser could not store files ({}: {}); {within} did not happen.", e.name, e.message)),
    }
}

/// `what` (written to start a sentence, "The upload of a.csv") for the middle of one: its first
/// letter in lower case unless it starts a name written in capitals ("CSV files" stays).
fn mid_sentence(what: &str) -> String {
    let mut chars = what.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second))
            if first.is_ascii_uppercase() && !second.is_ascii_uppercase() =>
        {
            format!("{}{}", first.to_ascii_lowercase(), &what[1..])
        }
        _ => what.to_owned(),
    }
}

/// The folder at `names` under the datastore's root, created on the way when `create`.
pub(super) async fn folder(
    root: &str,
    names: &[&str],
    create: bool,
) -> Result<FileSystemDirectoryHandle, IdbError> {
    let storage = web_sys::window()
        .ok_or_else(IdbError::unavailable)?
        .navigator()
        .storage();
    let mut dir: FileSystemDirectoryHandle = wait(storage.get_directory()).await?.unchecked_into();
    let options = FileSystemGetDirectoryOptions::new();
    options.set_create(create);
    for name in std::iter::once(TOP)
        .chain(root.split('/'))
        .chain(names.iter().copied())
    {
        dir = wait(dir.get_directory_handle_with_options(name, &options))
            .await?
            .unchecked_into();
    }
    Ok(dir)
}

/// A path's folders and its last name (`a/b/c.csv` → `[a, b]`, `c.csv`).
pub(super) fn split(path: &str) -> (Vec<&str>, &str) {
    let mut names: Vec<&str> = path
        .trim_end_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let last = names.pop().unwrap_or_default();
    (names, last)
}

/// The folders and files directly in `path` (a folder; empty for the top). A folder that does
/// not exist yet is empty.
pub async fn list(root: &str, path: &str) -> Result<Listing, IdbError> {
    let names: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let dir = match folder(root, &names, false).await {
        Ok(dir) => dir,
        Err(e) if e.name == "NotFoundError" => return Ok(Listing::default()),
        Err(e) => return Err(e),
    };
    let entries = dir.entries();
    let mut listing = Listing::default();
    loop {
        let step = wait(entries.next().map_err(|e| IdbError::from_js(&e))?).await?;
        if Reflect::get(&step, &"done".into()).is_ok_and(|d| d.is_truthy()) {
            break;
        }
        let pair: js_sys::Array = Reflect::get(&step, &"value".into())
            .map_err(|e| IdbError::from_js(&e))?
            .unchecked_into();
        let name = pair.get(0).as_string().unwrap_or_default();
        let handle = pair.get(1);
        if handle.is_instance_of::<FileSystemFileHandle>() {
            let file: File = wait(handle.unchecked_into::<FileSystemFileHandle>().get_file())
                .await?
                .unchecked_into();
            listing.files.push(FileEntry {
                name,
                size: file.size() as u64,
                last_modified: azimuth_core::time::format_iso(file.last_modified() as i64),
            });
        } else {
            listing.folders.push(name);
        }
    }
    listing.folders.sort();
    listing.files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(listing)
}

/// An upload in progress: writing `file` to `path`, slice by slice.
pub struct Upload {
    handle: FileSystemFileHandle,
    stream: FileSystemWritableFileStream,
    dir: FileSystemDirectoryHandle,
    name: String,
    existed: bool,
}

impl Upload {
    /// Opens `path` for writing (its folders made on the way).
    pub async fn start(root: &str, path: &str) -> Result<Upload, IdbError> {
        let (folders, name) = split(path);
        let dir = folder(root, &folders, true).await?;
        let existed = wait(dir.get_file_handle(name)).await.is_ok();
        let options = FileSystemGetFileOptions::new();
        options.set_create(true);
        let handle: FileSystemFileHandle = wait(dir.get_file_handle_with_options(name, &options))
            .await?
            .unchecked_into();
        let stream = wait(handle.create_writable()).await?.unchecked_into();
        Ok(Upload {
            handle,
            stream,
            dir,
            name: name.to_owned(),
            existed,
        })
    }

    /// Writes the whole of `file` (a picked file, or a blob made in the page), calling
    /// `progress` with the bytes written so far, until it is done or `cancelled` says stop;
    /// then the file is there whole, or as it was before.
    pub async fn write(
        self,
        file: &web_sys::Blob,
        progress: impl Fn(f64),
        cancelled: impl Fn() -> bool,
    ) -> Result<(), IdbError> {
        let size = file.size();
        let mut at = 0.0;
        while at < size {
            if cancelled() {
                self.abandon().await;
                return Err(IdbError {
                    name: "AbortError".into(),
                    message: "cancelled".into(),
                });
            }
            let end = (at + SLICE).min(size);
            let slice = file
                .slice_with_f64_and_f64(at, end)
                .map_err(|e| IdbError::from_js(&e))?;
            let written = self
                .stream
                .write_with_blob(&slice)
                .map_err(|e| IdbError::from_js(&e));
            if let Err(e) = match written {
                Ok(p) => wait(p).await.map(drop),
                Err(e) => Err(e),
            } {
                self.abandon().await;
                return Err(e);
            }
            at = end;
            progress(at);
        }
        let closed = wait(self.stream.close()).await;
        if let Err(e) = closed {
            self.abandon().await;
            return Err(e);
        }
        drop(self.handle);
        Ok(())
    }

    /// Drops what was written; a file that did not exist before goes again. The stream's lock
    /// on the file can outlive `abort()` for a moment: Chromium then refuses the removal, which
    /// once left an empty file behind a refused upload (CI, 2026-12-02), so it is tried again.
    async fn abandon(self) {
        let _ = wait(self.stream.abort()).await;
        if self.existed {
            return;
        }
        for _ in 0..20 {
            match wait(self.dir.remove_entry(&self.name)).await {
                Err(e) if e.name != "NotFoundError" => super::sleep_ms(50).await,
                _ => return,
            }
        }
    }
}

/// Whether a file is at `path`.
pub async fn exists(root: &str, path: &str) -> bool {
    let (folders, name) = split(path);
    match folder(root, &folders, false).await {
        Ok(dir) => wait(dir.get_file_handle(name)).await.is_ok(),
        Err(_) => false,
    }
}

/// The file at `path`, to read or download.
pub async fn file(root: &str, path: &str) -> Result<File, IdbError> {
    let (folders, name) = split(path);
    let dir = folder(root, &folders, false).await?;
    let handle: FileSystemFileHandle = wait(dir.get_file_handle(name)).await?.unchecked_into();
    Ok(wait(handle.get_file()).await?.unchecked_into())
}

/// Deletes the file at `path`, or (a path ending in `/`) the folder with all in it.
pub async fn delete(root: &str, path: &str) -> Result<(), IdbError> {
    let (folders, name) = split(path);
    let dir = folder(root, &folders, false).await?;
    let options = FileSystemRemoveOptions::new();
    options.set_recursive(path.ends_with('/'));
    wait(dir.remove_entry_with_options(name, &options))
        .await
        .map(drop)
}

/// The first `bytes` of a file, and whether that is all of it.
pub async fn read_part(
    root: &str,
    path: &str,
    bytes: f64,
    part: Part,
) -> Result<(Vec<u8>, bool), IdbError> {
    blob_part(&file(root, path).await?.into(), bytes, part).await
}

/// `bytes` of a blob (a file in this store, or one picked on this computer) from its start or
/// its end, and whether that is all of it.
pub async fn blob_part(
    blob: &web_sys::Blob,
    bytes: f64,
    part: Part,
) -> Result<(Vec<u8>, bool), IdbError> {
    let size = blob.size();
    let whole = size <= bytes;
    let (from, to) = match part {
        Part::Start => (0.0, bytes.min(size)),
        Part::End => ((size - bytes).max(0.0), size),
    };
    let part = blob
        .slice_with_f64_and_f64(from, to)
        .map_err(|e| IdbError::from_js(&e))?;
    let buffer = wait(part.array_buffer()).await?;
    Ok((js_sys::Uint8Array::new(&buffer).to_vec(), whole))
}
