//! Batch endpoints' jobs on the server, on the job's own thread: the deployment's model (read
//! once, as online deployments read it) scores every file of the job's input, a mini-batch of
//! files at a time (the engine's `azimuth_core::endpoints::batch::scoring`), a line per
//! mini-batch in the job's log; the predictions go to the job's `score` output as one file.
//! Cancel stops it between mini-batches; once more mini-batches failed than its error
//! threshold allows, it fails, saying which file and why.

use super::automl::data::read_capped;
use super::automl::{write_output, Log};
use super::runner::JobKey;
use super::workdir::local_path;
use crate::state::AppState;
use azimuth_core::endpoints::batch::invoke::{BatchSettings, SCORE_OUTPUT};
use azimuth_core::endpoints::batch::scoring::{is_scored, score_file, Tally};
use azimuth_core::jobs::run::StoredRun;
use azimuth_core::jobs::status::JobStatus;
use azimuth_core::jobs::submit::output_uri;
use azimuth_core::workspace::Workspace;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// The most files one input may hold.
const MAX_FILES: usize = 100_000;

/// Runs a batch scoring job to its end: its final status and why.
pub(super) fn run(
    state: &AppState,
    key: &JobKey,
    ws: &Workspace,
    run: &StoredRun,
    settings: &BatchSettings,
    cancel: &AtomicBool,
) -> Result<(JobStatus, Option<String>), String> {
    let job = run.job.as_ref().ok_or("It has no deployment.")?;
    let preparing = Some("Reading its input and loading its model.".to_owned());
    if key.set(state, JobStatus::Preparing, preparing) != Some(JobStatus::Preparing) {
        return Ok((JobStatus::Canceled, job.reason.clone()));
    }
    let mut log = Log::open(state, ws, &key.name)?;
    let (input_name, input) = job.spec.inputs.iter().next().ok_or("It has no input.")?;
    let uri = input.uri.as_deref().unwrap_or_default();
    let files = input_files(&local_path(state, ws, uri)?)
        .map_err(|e| format!("Its input '{input_name}' ({uri}): {e}"))?;
    let version = ws
        .model_of(&settings.model)
        .map_err(|e| format!("Its model: {}", e.message()))?
        .clone();
    let deployment = format!("{}/batch/{}", settings.endpoint, settings.deployment);
    let model = crate::inference::model_for(state, ws.id(), &deployment, &version)
        .map_err(|e| format!("Its model could not be loaded: {e}."))?;
    log.line(&format!(
        "Batch scoring by deployment '{}' of endpoint '{}': {} ({}), {} file(s) of '{uri}', {} per mini-batch.",
        settings.deployment,
        settings.endpoint,
        version.id,
        model.algorithm,
        files.len(),
        settings.mini_batch_size
    ));
    if key.set(state, JobStatus::Running, None) != Some(JobStatus::Running) {
        return Ok((JobStatus::Canceled, None));
    }
    let clock = Instant::now();
    let mut tally = Tally::default();
    let batches = files.chunks(settings.mini_batch_size);
    let count = batches.len();
    for (i, batch) in batches.enumerate() {
        if cancel.load(Ordering::SeqCst) {
            log.line("Canceled: no more mini-batches are scored.");
            return Ok((JobStatus::Canceled, None));
        }
        let scored: Vec<(String, Result<Vec<String>, String>)> = batch
            .iter()
            .map(|(name, path)| {
                let result = read_capped(path, name).and_then(|b| score_file(&model, name, &b));
                (name.clone(), result)
            })
            .collect();
        let rows: usize = scored
            .iter()
            .filter_map(|(_, r)| r.as_ref().ok())
            .map(Vec::len)
            .sum();
        if tally.add(settings, scored) {
            log.line(&format!(
                "Mini-batch {}/{count}: {} file(s), {rows} row(s) scored.",
                i + 1,
                batch.len()
            ));
        } else {
            let why = tally.failed.last().cloned().unwrap_or_default();
            log.line(&format!("Mini-batch {}/{count} failed: {why}", i + 1));
        }
        if tally.over_threshold(settings) {
            let why = format!("{} mini-batch(es) failed, more than its error threshold allows ({}). The first: {}", tally.failed.len(), settings.error_threshold.unwrap_or(0), tally.failed[0]);
            log.line(&why);
            return Ok((JobStatus::Failed, Some(why)));
        }
    }
    key.set(
        state,
        JobStatus::Finalizing,
        Some("Writing its predictions.".into()),
    );
    let out = job
        .spec
        .outputs
        .get(SCORE_OUTPUT)
        .and_then(|o| o.uri.clone())
        .unwrap_or_else(|| output_uri(&key.name, SCORE_OUTPUT));
    if settings.append_rows {
        let file = vec![(
            settings.output_file.clone(),
            tally.output.clone().into_bytes(),
        )];
        write_output(state, ws, &out, &file)?;
    }
    log.line(&format!(
        "Scored {} row(s) of {} file(s) in {:.2} s; {} mini-batch(es) failed.{}",
        tally.rows,
        tally.files,
        clock.elapsed().as_secs_f64(),
        tally.failed.len(),
        if settings.append_rows {
            format!(" Predictions: {out}{}", settings.output_file)
        } else {
            " Summary only: no predictions file.".into()
        }
    ));
    let reason = (!tally.failed.is_empty()).then(|| {
        format!(
            "{} mini-batch(es) failed (its error threshold allows it); the first: {}",
            tally.failed.len(),
            tally.failed[0]
        )
    });
    Ok((JobStatus::Completed, reason))
}

/// The files to score: the input file, or every file under the input folder (sorted by path,
/// hidden files and MLTable files left out), each with its path in the input.
fn input_files(at: &Path) -> Result<Vec<(String, PathBuf)>, String> {
    if at.is_file() {
        let name = at
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        return Ok(vec![(name, at.to_path_buf())]);
    }
    let mut files = Vec::new();
    let mut stack = vec![(String::new(), at.to_path_buf())];
    while let Some((prefix, folder)) = stack.pop() {
        let entries = std::fs::read_dir(&folder)
            .map_err(|e| format!("it could not be listed ({}).", e.kind()))?;
        for entry in entries.flatten() {
            let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
            // The entry's own type: a link is not followed.
            match entry.file_type() {
                Ok(t) if t.is_dir() => stack.push((format!("{name}/"), entry.path())),
                Ok(t) if t.is_file() && is_scored(&name) => files.push((name, entry.path())),
                _ => {}
            }
        }
        if files.len() > MAX_FILES {
            return Err(format!("it holds more than {MAX_FILES} files; split it."));
        }
    }
    if files.is_empty() {
        return Err("it holds no file to score.".into());
    }
    files.sort();
    Ok(files)
}
