//! The engine's scoring for a page that scores itself (a workspace kept in the browser), in wasm
//! chunks of their own: the model's reader and every algorithm's prediction are downloaded only
//! when such a page first scores, never with the endpoint pages of a server's studio. A request
//! (`browser_scoring`, which reads JSON) and a batch job's file (`batch_scoring`, which reads CSV
//! and Parquet) are chunks apart, so neither brings the other's readers.

use azimuth_core::arm::json::to_json;
use azimuth_core::endpoints::batch::scoring::score_file;
use azimuth_core::endpoints::score::{read_request, score};
use azimuth_core::ml::sweep::TrainedModel;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// What scoring with a model came to.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// The model is not kept yet: call again with its file's bytes.
    NeedModel,
    /// The answer: its status, its body (JSON), how many rows it scored, and the model's
    /// algorithm when this call read the model.
    Scored {
        /// The HTTP status it answers with.
        status: u16,
        /// A JSON array of predictions, or MLflow's `error_code` and `message`.
        body: String,
        /// Rows scored.
        rows: usize,
        /// The algorithm of the model read by this call, if it read one.
        loaded: Option<String>,
    },
}

/// Scores `request` with the model kept under `id`, reading it from `bytes` first when given.
pub type Scorer = fn(&str, Option<&[u8]>, &[u8]) -> Outcome;

/// Scores a batch job's file (its name, its bytes) with the model kept under `id`, reading it
/// from `bytes` first when given: `None` when the model is not kept yet, else a prediction per
/// row or why the file cannot be scored (an `Err` of `Err`: the model cannot be read).
pub type FileScorer = fn(&str, Option<&[u8]>, &str, &[u8]) -> Option<FileScored>;

/// A file's predictions, or why not; the outer error is the model's.
pub type FileScored = Result<Result<Vec<String>, String>, String>;

thread_local! {
    /// Models read, by model version id (versions never change).
    static MODELS: RefCell<HashMap<String, Rc<TrainedModel>>> = RefCell::new(HashMap::new());
}

/// An answer in MLflow's error shape.
fn refused(status: u16, code: &str, message: String, loaded: Option<String>) -> Outcome {
    let body = to_json(&serde_json::json!({"error_code": code, "message": message}));
    Outcome::Scored {
        status,
        body,
        rows: 0,
        loaded,
    }
}

/// The model kept under `id`, read from `bytes` when it is not kept yet (and answered as read).
fn model(id: &str, bytes: Option<&[u8]>) -> Option<Result<(Rc<TrainedModel>, bool), String>> {
    if let Some(model) = MODELS.with(|m| m.borrow().get(id).cloned()) {
        return Some(Ok((model, false)));
    }
    let read = TrainedModel::from_bytes(bytes?).map(|model| {
        let model = Rc::new(model);
        MODELS.with(|m| m.borrow_mut().insert(id.to_owned(), model.clone()));
        (model, true)
    });
    Some(read)
}

fn score_file_with(id: &str, bytes: Option<&[u8]>, name: &str, file: &[u8]) -> Option<FileScored> {
    Some(model(id, bytes)?.map(|(model, _)| score_file(&model, name, file)))
}

fn score_with(id: &str, bytes: Option<&[u8]>, request: &[u8]) -> Outcome {
    let (model, loaded) = match model(id, bytes) {
        None => return Outcome::NeedModel,
        Some(Ok((model, read))) => {
            let algorithm = read.then(|| model.algorithm.clone());
            (model, algorithm)
        }
        Some(Err(e)) => {
            let message = format!("The model cannot be read: {e}");
            return refused(424, "MODEL_UNAVAILABLE", message, None);
        }
    };
    let answer = read_request(request).and_then(|r| Ok((r.frame.rows(), score(&model, &r)?)));
    match answer {
        Ok((rows, value)) => Outcome::Scored {
            status: 200,
            body: to_json(&value),
            rows,
            loaded,
        },
        Err(e) => refused(e.status, "BAD_REQUEST", e.message, loaded),
    }
}

/// The request scorer, once its chunk is in.
#[cfg(feature = "split")]
#[wasm_split_helpers::wasm_split(browser_scoring, fallible)]
pub fn request_scorer() -> Result<Scorer, crate::lazy::LoadFailed> {
    Ok(score_with)
}

/// The request scorer, once its chunk is in.
#[cfg(not(feature = "split"))]
pub async fn request_scorer() -> Result<Scorer, crate::lazy::LoadFailed> {
    Ok(score_with)
}

/// The batch file scorer, once its chunk is in.
#[cfg(feature = "split")]
#[wasm_split_helpers::wasm_split(batch_scoring, fallible)]
pub fn file_scorer() -> Result<FileScorer, crate::lazy::LoadFailed> {
    Ok(score_file_with)
}

/// The batch file scorer, once its chunk is in.
#[cfg(not(feature = "split"))]
pub async fn file_scorer() -> Result<FileScorer, crate::lazy::LoadFailed> {
    Ok(score_file_with)
}
