//! A model trained on every row: what a job leaves, saved in a compact binary form (postcard)
//! and read back to score new rows.

use crate::featurize::{Featurizer, Frame};
use crate::models::Model;
use crate::Probabilities;
use serde::{Deserialize, Serialize};

/// A model trained on every row, with the featurizer that makes its features: what scores new
/// rows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainedModel {
    /// The algorithm's name.
    pub algorithm: String,
    /// The column it predicts.
    pub target: String,
    /// The classes, in the order of its probabilities.
    pub classes: Vec<String>,
    /// How a row's columns become its features.
    pub featurizer: Featurizer,
    /// Its models and their weights (one, weight 1, unless it is an ensemble).
    pub members: Vec<(f64, Model)>,
}

/// What a model file starts with: the format and its version, so a file of another kind or an
/// older layout is refused rather than misread.
const MODEL_MAGIC: &[u8] = b"azimuth-model/1\n";

impl TrainedModel {
    /// The model as a file's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = MODEL_MAGIC.to_vec();
        bytes.extend(postcard::to_allocvec(self).unwrap_or_default());
        bytes
    }

    /// A model read back from [`TrainedModel::to_bytes`], or why it cannot be.
    pub fn from_bytes(bytes: &[u8]) -> Result<TrainedModel, String> {
        let body = bytes
            .strip_prefix(MODEL_MAGIC)
            .ok_or("This is not an Azimuth model file (or one of an older layout).")?;
        postcard::from_bytes(body).map_err(|e| format!("The model file is damaged ({e})."))
    }

    /// Each row of `frame`'s class probabilities.
    pub fn predict_proba(&self, frame: &Frame) -> Probabilities {
        let rows: Vec<usize> = (0..frame.rows()).collect();
        let x = self.featurizer.transform(frame, &rows);
        let mut values = vec![0.0; x.rows * self.classes.len()];
        for (w, model) in &self.members {
            for (v, p) in values.iter_mut().zip(model.predict_proba(&x).values) {
                *v += w * p;
            }
        }
        Probabilities {
            classes: self.classes.len(),
            values,
        }
    }
}
