//! The browser store's files as the notebooks' Files tree uses them, on the Origin Private File
//! System as [`super::opfs`] keeps them: a file's version (its `lastModified` and size, what a
//! save checks it still has), text read and written whole, real folders made empty, and files
//! and folders moved (copied, then the original deleted).

use super::idb::IdbError;
use super::opfs::{self, folder, split, wait};
use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{File, FileSystemDirectoryHandle, FileSystemFileHandle};

/// What is at a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    /// A file.
    File,
    /// A folder.
    Folder,
}

/// A file's version: its last modification time and size.
pub fn version_of(file: &File) -> String {
    format!("{}-{}", file.last_modified() as i64, file.size() as u64)
}

/// What is at `path` (a trailing `/` is ignored), if anything.
pub async fn entry_at(root: &str, path: &str) -> Option<Entry> {
    let (folders, name) = split(path);
    if name.is_empty() {
        return Some(Entry::Folder);
    }
    let dir = folder(root, &folders, false).await.ok()?;
    if wait(dir.get_file_handle(name)).await.is_ok() {
        return Some(Entry::File);
    }
    wait(dir.get_directory_handle(name))
        .await
        .ok()
        .map(|_| Entry::Folder)
}

/// The text of the file at `path` and its version.
pub async fn read_text(root: &str, path: &str) -> Result<(String, String), IdbError> {
    let file = opfs::file(root, path).await?;
    let version = version_of(&file);
    let buffer = wait(file.array_buffer()).await?;
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    Ok((super::notebooks::decode_text(bytes), version))
}

/// Writes `blob` whole to `path` (its folders made on the way); answers the new version.
pub async fn write(root: &str, path: &str, blob: &web_sys::Blob) -> Result<String, IdbError> {
    let upload = opfs::Upload::start(root, path).await?;
    upload.write(blob, |_| {}, || false).await?;
    Ok(version_of(&opfs::file(root, path).await?))
}

/// A blob of UTF-8 text.
pub fn text_blob(text: &str) -> Result<web_sys::Blob, IdbError> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/plain;charset=utf-8");
    web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|e| IdbError::from_js(&e))
}

/// Makes the folder at `path` (and those on the way); one already there is fine.
pub async fn make_folder(root: &str, path: &str) -> Result<(), IdbError> {
    let names: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    folder(root, &names, true).await.map(drop)
}

/// The names and handles directly in a folder.
async fn entries(dir: &FileSystemDirectoryHandle) -> Result<Vec<(String, JsValue)>, IdbError> {
    let iter = dir.entries();
    let mut out = Vec::new();
    loop {
        let step = wait(iter.next().map_err(|e| IdbError::from_js(&e))?).await?;
        if Reflect::get(&step, &"done".into()).is_ok_and(|d| d.is_truthy()) {
            return Ok(out);
        }
        let pair: js_sys::Array = Reflect::get(&step, &"value".into())
            .map_err(|e| IdbError::from_js(&e))?
            .unchecked_into();
        out.push((pair.get(0).as_string().unwrap_or_default(), pair.get(1)));
    }
}

/// Copies the folder `dir` to `to` (a path ending in `/`), everything in it; answers the
/// number of files copied.
async fn copy_folder(
    root: &str,
    dir: &FileSystemDirectoryHandle,
    to: &str,
) -> Result<u64, IdbError> {
    make_folder(root, to).await?;
    let mut copied = 0;
    for (name, handle) in entries(dir).await? {
        if handle.is_instance_of::<FileSystemFileHandle>() {
            let file: File = wait(handle.unchecked_into::<FileSystemFileHandle>().get_file())
                .await?
                .unchecked_into();
            write(root, &format!("{to}{name}"), &file).await?;
            copied += 1;
        } else {
            let sub: FileSystemDirectoryHandle = handle.unchecked_into();
            copied += Box::pin(copy_folder(root, &sub, &format!("{to}{name}/"))).await?;
        }
    }
    Ok(copied)
}

/// Moves the file at `from` to `to`, or (both ending in `/`) the folder with all in it:
/// copied whole first, then the original deleted; a copy that fails half-way is removed.
/// Answers the number of files moved.
pub async fn move_entry(root: &str, from: &str, to: &str) -> Result<u64, IdbError> {
    let moved = if from.ends_with('/') {
        let names: Vec<&str> = from.split('/').filter(|s| !s.is_empty()).collect();
        let dir = folder(root, &names, false).await?;
        match copy_folder(root, &dir, to).await {
            Ok(n) => n,
            Err(e) => {
                let _ = opfs::delete(root, to).await;
                return Err(e);
            }
        }
    } else {
        let file = opfs::file(root, from).await?;
        write(root, to, &file).await?;
        1
    };
    opfs::delete(root, from).await?;
    Ok(moved)
}
