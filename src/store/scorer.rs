//! The engine's scoring for a page that scores itself (a workspace kept in the browser), in a
//! wasm chunk of its own: the model's reader and every algorithm's prediction are downloaded
//! only when such a page first scores, never with the endpoint pages of a server's studio.

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

thread_local! {
    /// Models read, by model version id (versions never change).
    static MODELS: RefCell<HashMap<String, Rc<TrainedModel>>> = RefCell::new(HashMap::new());
}

/// An answer in MLflow's error shape.
fn refused(status: u16, code: &str, message: String, loaded: Option<String>) -> Outcome {
    let body = serde_json::json!({"error_code": code, "message": message}).to_string();
    Outcome::Scored {
        status,
        body,
        rows: 0,
        loaded,
    }
}

fn score_with(id: &str, bytes: Option<&[u8]>, request: &[u8]) -> Outcome {
    let kept = MODELS.with(|m| m.borrow().get(id).cloned());
    let (model, loaded) = match (kept, bytes) {
        (Some(model), _) => (model, None),
        (None, None) => return Outcome::NeedModel,
        (None, Some(bytes)) => match TrainedModel::from_bytes(bytes) {
            Ok(model) => {
                let model = Rc::new(model);
                MODELS.with(|m| m.borrow_mut().insert(id.to_owned(), model.clone()));
                let algorithm = model.algorithm.clone();
                (model, Some(algorithm))
            }
            Err(e) => {
                let message = format!("The model cannot be read: {e}");
                return refused(424, "MODEL_UNAVAILABLE", message, None);
            }
        },
    };
    let answer = read_request(request).and_then(|r| Ok((r.frame.rows(), score(&model, &r)?)));
    match answer {
        Ok((rows, value)) => Outcome::Scored {
            status: 200,
            body: value.to_string(),
            rows,
            loaded,
        },
        Err(e) => refused(e.status, "BAD_REQUEST", e.message, loaded),
    }
}

/// The scorer, once its chunk is in.
#[cfg(feature = "split")]
#[wasm_split_helpers::wasm_split(browser_scoring, fallible)]
pub fn scorer() -> Result<Scorer, crate::lazy::LoadFailed> {
    Ok(score_with)
}

/// The scorer, once its chunk is in.
#[cfg(not(feature = "split"))]
pub async fn scorer() -> Result<Scorer, crate::lazy::LoadFailed> {
    Ok(score_with)
}
