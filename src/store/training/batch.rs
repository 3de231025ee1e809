//! Batch endpoints' jobs of a workspace kept in this browser, scored by this page as the
//! server's runner scores them: every file under the job's input (in path order, a mini-batch
//! at a time, a line per mini-batch in the job's log) scored by the deployment's model with the
//! engine's `score_file` (in the page's scoring chunk, `store::scorer`), the predictions kept
//! as the job's `score` output (`row,prediction,file`), Cancel heard between mini-batches, and
//! the error threshold applied as on the server.

use super::files::{write, write_artifact};
use super::{key, message, set_status};
use crate::store::local::runs;
use crate::store::scorer::{file_scorer, FileScored};
use crate::store::{opfs, Part, Store};
use azimuth_core::endpoints::batch::invoke::{BatchSettings, SCORE_OUTPUT};
use azimuth_core::endpoints::batch::scoring::{is_scored, Tally};
use azimuth_core::jobs::automl::rows::MAX_TABLE_BYTES;
use azimuth_core::jobs::job::JOB_LOG;
use azimuth_core::jobs::status::JobStatus;
use azimuth_core::jobs::submit::output_uri;
use azimuth_core::Workspace;

/// The most files one input may hold.
const MAX_FILES: usize = 10_000;

/// The job's log, kept whole and written again with each line (the job's page tails it).
struct Log<'a> {
    ws: &'a Workspace,
    job: &'a str,
    text: String,
}

impl Log<'_> {
    async fn line(&mut self, line: &str) -> Result<(), String> {
        self.text.push_str(line);
        self.text.push('\n');
        write_artifact(self.ws, self.job, JOB_LOG, self.text.as_bytes()).await
    }
}

/// Scores batch job `job` to its end: its final status and why.
pub(super) async fn score(
    store: Store,
    ws: &Workspace,
    job: &str,
    settings: BatchSettings,
) -> Result<(JobStatus, Option<String>), String> {
    let held = runs::read(&key(ws)).await.map_err(message)?;
    let spec = held
        .runs
        .get(job)
        .and_then(|r| r.job.as_ref())
        .map(|j| j.spec.clone())
        .ok_or("The job is gone.")?;
    let preparing = Some("Reading its input and loading its model.".to_owned());
    if set_status(store, ws, job, JobStatus::Preparing, preparing).await? != JobStatus::Preparing {
        return Ok((JobStatus::Canceled, None));
    }
    let mut log = Log {
        ws,
        job,
        text: String::new(),
    };
    let (input_name, input) = spec.inputs.iter().next().ok_or("It has no input.")?;
    let uri = input.uri.clone().unwrap_or_default();
    let (datastore, path) = ws.data_location(&uri)?;
    let files = input_files(ws, &datastore, &path)
        .await
        .map_err(|e| format!("Its input '{input_name}' ({uri}): {e}"))?;
    let version = ws
        .model_of(&settings.model)
        .map_err(|e| format!("Its model: {}", e.message()))?
        .clone();
    let score_file = file_scorer().await.map_err(|_| {
        "The page's scoring could not be downloaded. Check the connection, then submit it again."
    })?;
    let bytes = crate::store::scoring::model_bytes(&store, &version).await?;
    if let Some(Err(e)) = score_file(&version.id, Some(&bytes), "", b"") {
        return Err(format!("Its model cannot be read: {e}"));
    }
    log.line(&format!(
        "Batch scoring by deployment '{}' of endpoint '{}' in this page: {}, {} file(s) of '{uri}', {} per mini-batch.",
        settings.deployment, settings.endpoint, version.id, files.len(), settings.mini_batch_size
    ))
    .await?;
    if set_status(store, ws, job, JobStatus::Running, None).await? != JobStatus::Running {
        return Ok((JobStatus::Canceled, None));
    }
    let mut tally = Tally::default();
    let count = files.len().div_ceil(settings.mini_batch_size);
    for (i, batch) in files.chunks(settings.mini_batch_size).enumerate() {
        if canceled(ws, job).await {
            log.line("Canceled: no more mini-batches are scored.")
                .await?;
            return Ok((JobStatus::Canceled, None));
        }
        let mut scored = Vec::new();
        for (name, file) in batch {
            let read = store
                .read_file(&datastore, file, MAX_TABLE_BYTES, Part::Start)
                .await
                .map_err(|e| format!("'{name}' could not be read: {}", e.message()));
            let result = read.and_then(|(bytes, whole)| match whole {
                true => flatten(score_file(&version.id, None, name, &bytes)),
                false => Err(format!(
                    "'{name}' is over {} MB; split it.",
                    MAX_TABLE_BYTES >> 20
                )),
            });
            scored.push((name.clone(), result));
        }
        let rows: usize = scored
            .iter()
            .filter_map(|(_, r)| r.as_ref().ok())
            .map(Vec::len)
            .sum();
        let line = if tally.add(&settings, scored) {
            format!(
                "Mini-batch {}/{count}: {} file(s), {rows} row(s) scored.",
                i + 1,
                batch.len()
            )
        } else {
            let why = tally.failed.last().cloned().unwrap_or_default();
            format!("Mini-batch {}/{count} failed: {why}", i + 1)
        };
        log.line(&line).await?;
        if tally.over_threshold(&settings) {
            let why = format!("{} mini-batch(es) failed, more than its error threshold allows ({}). The first: {}", tally.failed.len(), settings.error_threshold.unwrap_or(0), tally.failed[0]);
            log.line(&why).await?;
            return Ok((JobStatus::Failed, Some(why)));
        }
    }
    set_status(
        store,
        ws,
        job,
        JobStatus::Finalizing,
        Some("Writing its predictions.".into()),
    )
    .await?;
    let out = spec
        .outputs
        .get(SCORE_OUTPUT)
        .and_then(|o| o.uri.clone())
        .unwrap_or_else(|| output_uri(job, SCORE_OUTPUT));
    let (out_store, out_folder) = ws.data_location(&out)?;
    if settings.append_rows {
        let at = format!(
            "{}/{}",
            out_folder.trim_end_matches('/'),
            settings.output_file
        );
        write(ws, &out_store, &at, tally.output.as_bytes()).await?;
    }
    log.line(&format!(
        "Scored {} row(s) of {} file(s); {} mini-batch(es) failed.{}",
        tally.rows,
        tally.files,
        tally.failed.len(),
        if settings.append_rows {
            format!(" Predictions: {out}{}", settings.output_file)
        } else {
            " Summary only: no predictions file.".into()
        }
    ))
    .await?;
    let reason = (!tally.failed.is_empty()).then(|| {
        format!(
            "{} mini-batch(es) failed (its error threshold allows it); the first: {}",
            tally.failed.len(),
            tally.failed[0]
        )
    });
    Ok((JobStatus::Completed, reason))
}

/// A file's predictions, or why not (the model kept in the chunk since the job started).
fn flatten(scored: Option<FileScored>) -> Result<Vec<String>, String> {
    match scored {
        Some(Ok(file)) => file,
        Some(Err(e)) => Err(format!("The model cannot be read: {e}")),
        None => Err("The model is no longer kept by this page.".into()),
    }
}

/// Whether the job was asked to stop (or ended) since it started.
async fn canceled(ws: &Workspace, job: &str) -> bool {
    let status = runs::read(&key(ws))
        .await
        .ok()
        .and_then(|held| held.runs.get(job).map(|r| r.job_status()));
    status.is_none_or(|s| s == JobStatus::CancelRequested || s.is_terminal())
}

/// The files to score under `path` of `datastore`: each with its name in the input and its
/// path in the datastore, sorted by name, hidden files and MLTable files left out.
async fn input_files(
    ws: &Workspace,
    datastore: &str,
    path: &str,
) -> Result<Vec<(String, String)>, String> {
    let root = ws.datastore_root(datastore).map_err(message)?;
    let top = path.trim_end_matches('/');
    if opfs::file(&root, top).await.is_ok() {
        let name = top.rsplit('/').next().unwrap_or(top).to_owned();
        return Ok(vec![(name, top.to_owned())]);
    }
    let mut files = Vec::new();
    let mut folders = vec![String::new()];
    while let Some(prefix) = folders.pop() {
        let at = format!("{top}/{prefix}");
        let listing = opfs::list(&root, at.trim_end_matches('/'))
            .await
            .map_err(|e| message(opfs::files_error(&e, &format!("Listing {at}"))))?;
        folders.extend(listing.folders.iter().map(|f| format!("{prefix}{f}/")));
        let names = listing.files.iter().map(|f| format!("{prefix}{}", f.name));
        files.extend(
            names
                .filter(|n| is_scored(n))
                .map(|n| (n.clone(), format!("{top}/{n}"))),
        );
        if files.len() > MAX_FILES {
            return Err(format!("it holds more than {MAX_FILES} files; split it."));
        }
    }
    if files.is_empty() {
        return Err("it holds no file to score (upload it first).".into());
    }
    files.sort();
    Ok(files)
}
