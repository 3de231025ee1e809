//! Scoring a batch job's files, the same wherever it runs: each file (a CSV, TSV or JSON lines
//! table) is read whole and every row scored by the deployment's model; the output file has a
//! line per row, `row,prediction,file`, without a header, as Azure's MLflow batch deployments
//! write it (Azure's docs read it with `pd.read_csv(..., names=["row", "prediction", "file"])`).
//! Files are scored in mini-batches; a mini-batch fails when one of its files cannot be read
//! or scored, and the job fails once more mini-batches failed than its error threshold allows.

use super::invoke::BatchSettings;
use crate::data::preview::{preview, Format};
use azimuth_ml::featurize::Frame;
use azimuth_ml::sweep::TrainedModel;

/// Why a file was not scored.
pub type FileError = String;

/// `bytes` of file `name` scored by `model`: a prediction per row, or why not.
pub fn score_file(
    model: &TrainedModel,
    name: &str,
    bytes: &[u8],
) -> Result<Vec<String>, FileError> {
    let format = Format::guess(name)
        .ok_or_else(|| format!("'{name}' is not a CSV, TSV or JSON lines file."))?;
    let table = preview(bytes, true, format, usize::MAX).map_err(|e| format!("'{name}': {e}"))?;
    let frame = Frame::from_text(table.columns, table.rows);
    model
        .featurizer
        .check_request(&frame, true)
        .map_err(|e| format!("'{name}': {}", e.replacen("The request", "The file", 1)))?;
    let proba = model.predict_proba(&frame);
    Ok(proba
        .predicted()
        .into_iter()
        .map(|c| model.classes[c].clone())
        .collect())
}

/// The output file's lines for `file`'s predictions.
pub fn output_lines(file: &str, predictions: &[String], out: &mut String) {
    for (row, prediction) in predictions.iter().enumerate() {
        out.push_str(&format!(
            "{row},{},{}\n",
            csv_field(prediction),
            csv_field(file)
        ));
    }
}

/// A CSV field: quoted when it holds a comma, a quote or a line break.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// A job's scoring so far: its output, and how many rows, files and mini-batches it scored.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tally {
    /// The output file's text (nothing with `SummaryOnly`).
    pub output: String,
    /// Rows scored.
    pub rows: usize,
    /// Files scored.
    pub files: usize,
    /// Mini-batches scored.
    pub batches: usize,
    /// Mini-batches that failed, each with why.
    pub failed: Vec<String>,
}

impl Tally {
    /// Adds a mini-batch's files, each with its predictions or why it failed; answers whether
    /// the mini-batch succeeded. A failed mini-batch adds none of its rows.
    pub fn add(
        &mut self,
        settings: &BatchSettings,
        batch: Vec<(String, Result<Vec<String>, FileError>)>,
    ) -> bool {
        if let Some((_, Err(why))) = batch.iter().find(|(_, r)| r.is_err()) {
            self.failed.push(why.clone());
            return false;
        }
        self.batches += 1;
        for (file, predictions) in batch {
            let predictions = predictions.unwrap_or_default();
            self.rows += predictions.len();
            self.files += 1;
            if settings.append_rows {
                output_lines(&file, &predictions, &mut self.output);
            }
        }
        true
    }

    /// Whether more mini-batches failed than the threshold allows.
    pub fn over_threshold(&self, settings: &BatchSettings) -> bool {
        settings
            .error_threshold
            .is_some_and(|t| self.failed.len() > t)
    }
}

/// Whether a file of an input folder is one to score (not hidden, not an MLTable file).
pub fn is_scored(name: &str) -> bool {
    let base = name.rsplit('/').next().unwrap_or(name);
    !base.starts_with('.') && base != crate::data::mltable::MLTABLE_FILE
}
