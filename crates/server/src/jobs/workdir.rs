//! A job's working folder: made fresh for each run (`code/`, a snapshot of its code, where the
//! command starts; `code/outputs/`, kept as the run's artifacts; `named_outputs/{name}/` for its declared outputs;
//! `home/` and `tmp/`), its inputs resolved to the files they name (read in place, read-only),
//! and what it wrote kept once its command has ended: first moved out of the job's reach, then
//! copied without following any link the job made, so a job cannot have the server copy out a
//! file it could not read itself.

use crate::state::AppState;
use azimuth_core::data::uri::{parse_data_uri, DataUri};
use azimuth_core::jobs::command::JobSpec;
use azimuth_core::workspace::Workspace;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use azimuth_core::jobs::submit::output_uri;

/// A job's folder, made and filled.
pub struct Prepared {
    /// The folder.
    pub folder: PathBuf,
    /// Where the command starts (`code/`).
    pub cwd: PathBuf,
    /// Each input's value or path, by name.
    pub inputs: BTreeMap<String, String>,
    /// Each declared output's folder, by name.
    pub outputs: BTreeMap<String, String>,
    /// What the command may read beyond the system.
    pub reads: Vec<PathBuf>,
}

/// Makes `folder` afresh and puts the job's code and inputs in place, or says why it cannot.
pub fn prepare(
    state: &AppState,
    ws: &Workspace,
    folder: &Path,
    spec: &JobSpec,
) -> Result<Prepared, String> {
    let _ = std::fs::remove_dir_all(folder);
    let cwd = folder.join("code");
    for sub in ["code", "named_outputs", "home", "tmp"] {
        std::fs::create_dir_all(folder.join(sub))
            .map_err(|e| format!("The job's folder could not be made ({e})."))?;
    }
    if let Some(code) = &spec.code_id {
        let at = (ws.resource.properties.workspace_id.as_str(), ws.id());
        let code = crate::arm::jobs::codes::code_location(state, at, code)
            .map_err(|e| format!("Its code: {}", e.message()))?;
        let from = local_path(state, ws, &code).map_err(|e| format!("Its code: {e}"))?;
        copy_tree(&from, &cwd).map_err(|e| format!("Its code could not be copied ({e})."))?;
    }
    // As on Azure, `./outputs` of where the command starts is kept as the run's artifacts.
    std::fs::create_dir_all(cwd.join("outputs"))
        .map_err(|e| format!("The job's outputs folder could not be made ({e})."))?;
    let mut inputs = BTreeMap::new();
    let mut reads = Vec::new();
    for (name, input) in &spec.inputs {
        if input.job_input_type == "literal" {
            inputs.insert(name.clone(), input.value.clone().unwrap_or_default());
            continue;
        }
        let uri = input.uri.as_deref().unwrap_or_default();
        let path = local_path(state, ws, uri).map_err(|e| format!("Input '{name}': {e}"))?;
        inputs.insert(name.clone(), path.display().to_string());
        reads.push(path);
    }
    let mut outputs = BTreeMap::new();
    for name in spec.outputs.keys() {
        let at = folder.join("named_outputs").join(name);
        std::fs::create_dir_all(&at)
            .map_err(|e| format!("Output '{name}' could not be made ({e})."))?;
        outputs.insert(name.clone(), at.display().to_string());
    }
    outputs.insert("default".into(), cwd.join("outputs").display().to_string());
    Ok(Prepared {
        folder: folder.to_path_buf(),
        cwd,
        inputs,
        outputs,
        reads,
    })
}

/// The file or folder on this machine a data URI names (a datastore path, a data asset, or a
/// code asset's datastore path), or why it cannot be reached.
pub(super) fn local_path(state: &AppState, ws: &Workspace, uri: &str) -> Result<PathBuf, String> {
    let (datastore, path) = ws.data_location(uri)?;
    let root = ws
        .datastore_root(&datastore)
        .map_err(|e| e.message().to_owned())?;
    let at = state
        .storage
        .local_path(&root, &path)
        .ok_or("this server keeps files where jobs cannot read them in place")?;
    if !at.exists() {
        return Err(format!("'{uri}' does not exist; upload it first."));
    }
    Ok(at)
}

/// Copies the files and folders of `from` into `to` (a file into `to/<its name>`); links are
/// skipped, never followed, and files are opened without following one, so a job cannot have
/// the server copy out what it could not read itself. Answers how many files were copied.
pub fn copy_tree(from: &Path, to: &Path) -> std::io::Result<usize> {
    let meta = std::fs::symlink_metadata(from)?;
    if meta.file_type().is_symlink() {
        return Ok(0);
    }
    if meta.is_file() {
        std::fs::create_dir_all(to)?;
        copy_file(from, &to.join(from.file_name().unwrap_or_default()))?;
        return Ok(1);
    }
    let mut copied = 0;
    let mut stack = vec![(from.to_path_buf(), to.to_path_buf())];
    while let Some((src, dst)) = stack.pop() {
        std::fs::create_dir_all(&dst)?;
        for entry in std::fs::read_dir(&src)? {
            let entry = entry?;
            // The entry's own type: a link is a link, whatever it points at.
            let kind = entry.file_type()?;
            let target = dst.join(entry.file_name());
            if kind.is_dir() {
                stack.push((entry.path(), target));
            } else if kind.is_file() {
                copy_file(&entry.path(), &target)?;
                copied += 1;
            }
        }
    }
    Ok(copied)
}

/// Copies one file, refusing to open it through a link.
fn copy_file(from: &Path, to: &Path) -> std::io::Result<u64> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut source = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(from)?;
    let mut target = std::fs::File::create(to)?;
    std::io::copy(&mut source, &mut target)
}

/// Takes what the job wrote out of its reach before it is read: each of `parts` (relative to
/// the job's folder, every step a real folder, not a link) is moved to a folder beside the
/// job's that its sandbox never allowed. Answers that folder.
fn take_out(folder: &Path, parts: &[&str]) -> Result<std::path::PathBuf, String> {
    let name = folder.file_name().unwrap_or_default().to_string_lossy();
    let kept = folder.with_file_name(format!(".{name}.kept"));
    let _ = std::fs::remove_dir_all(&kept);
    std::fs::create_dir_all(&kept).map_err(|e| format!("Its outputs could not be kept ({e})."))?;
    for part in parts {
        let mut at = folder.to_path_buf();
        let mut real = true;
        for step in part.split('/') {
            at.push(step);
            real &= std::fs::symlink_metadata(&at).is_ok_and(|m| m.is_dir());
        }
        if real {
            std::fs::rename(&at, kept.join(part.replace('/', "_")))
                .map_err(|e| format!("Its outputs could not be kept ({e})."))?;
        }
    }
    Ok(kept)
}

/// Keeps what the job wrote: `outputs/` in its run's folder of the artifact store, and each
/// declared output where its uri says ([`output_uri`] by default). Answers a problem, if any.
pub fn collect(
    state: &AppState,
    ws: &Workspace,
    prepared: &Prepared,
    job: &str,
    spec: &JobSpec,
) -> Result<(), String> {
    let artifacts = ws
        .datastore_root(azimuth_core::jobs::run::ARTIFACT_STORE)
        .map_err(|e| e.message().to_owned())?;
    let run_folder = azimuth_core::jobs::run::run_folder(job);
    let kept = take_out(&prepared.folder, &["code/outputs", "named_outputs"])?;
    let result = keep_all(state, ws, &kept, &artifacts, &run_folder, job, spec);
    let _ = std::fs::remove_dir_all(&kept);
    result
}

fn keep_all(
    state: &AppState,
    ws: &Workspace,
    kept: &Path,
    artifacts: &str,
    run_folder: &str,
    job: &str,
    spec: &JobSpec,
) -> Result<(), String> {
    let keep = |from: &Path, root: &str, path: &str| -> Result<(), String> {
        let has_files = std::fs::read_dir(from).is_ok_and(|mut d| d.next().is_some());
        if !has_files {
            return Ok(());
        }
        let to = state
            .storage
            .local_path(root, path)
            .ok_or("this server keeps files where jobs cannot write them")?;
        copy_tree(from, &to).map(|_| ()).map_err(|e| {
            format!(
                "What it wrote to {} could not be kept ({e}).",
                from.display()
            )
        })
    };
    keep(
        &kept.join("code_outputs"),
        artifacts,
        &format!("{run_folder}/outputs"),
    )?;
    for (name, output) in &spec.outputs {
        let uri = output.uri.clone().unwrap_or_else(|| output_uri(job, name));
        let Ok(DataUri::Datastore {
            datastore, path, ..
        }) = parse_data_uri(&uri)
        else {
            return Err(format!(
                "Output '{name}' goes to '{uri}', which is not a datastore path of this workspace."
            ));
        };
        let root = ws
            .datastore_root(&datastore)
            .map_err(|e| e.message().to_owned())?;
        keep(
            &kept.join("named_outputs").join(name),
            &root,
            path.trim_end_matches('/'),
        )?;
    }
    Ok(())
}
