//! BernoulliNaiveBayes: each feature read as present (above 0: over its training mean once
//! scaled, or a category's one-hot column set) or absent, classes scored by their smoothed
//! frequencies, as scikit-learn's `BernoulliNB(binarize=0.0)`.

use crate::{Features, Probabilities};
use serde::{Deserialize, Serialize};

/// Per class: its log prior and each feature's log probabilities of being present and absent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BernoulliNb {
    /// Each class's log prior.
    pub log_prior: Vec<f64>,
    /// `classes x cols`: log P(present | class).
    pub log_present: Vec<f64>,
    /// `classes x cols`: log P(absent | class).
    pub log_absent: Vec<f64>,
    /// The number of classes.
    pub classes: usize,
}

impl BernoulliNb {
    /// Counts presence per class with additive smoothing `alpha`.
    pub fn fit(x: &Features, labels: &[usize], classes: usize, alpha: f64) -> BernoulliNb {
        let mut counts = vec![0.0; classes];
        let mut present = vec![0.0; classes * x.cols];
        for (i, &y) in labels.iter().enumerate() {
            counts[y] += 1.0;
            for (j, v) in x.row(i).iter().enumerate() {
                if *v > 0.0 {
                    present[y * x.cols + j] += 1.0;
                }
            }
        }
        let n: f64 = counts.iter().sum();
        let mut log_present = vec![0.0; present.len()];
        let mut log_absent = vec![0.0; present.len()];
        for c in 0..classes {
            for j in 0..x.cols {
                let p = (present[c * x.cols + j] + alpha) / (counts[c] + 2.0 * alpha);
                log_present[c * x.cols + j] = libm::log(p);
                log_absent[c * x.cols + j] = libm::log(1.0 - p);
            }
        }
        BernoulliNb {
            log_prior: counts
                .iter()
                .map(|c| libm::log((c / n).max(1e-300)))
                .collect(),
            log_present,
            log_absent,
            classes,
        }
    }

    /// Each row's class probabilities.
    pub fn predict_proba(&self, x: &Features) -> Probabilities {
        let mut values = Vec::with_capacity(x.rows * self.classes);
        let mut scores = vec![0.0; self.classes];
        for i in 0..x.rows {
            for (c, s) in scores.iter_mut().enumerate() {
                *s = self.log_prior[c];
                for (j, v) in x.row(i).iter().enumerate() {
                    let at = c * x.cols + j;
                    *s += if *v > 0.0 {
                        self.log_present[at]
                    } else {
                        self.log_absent[at]
                    };
                }
            }
            super::softmax(&mut scores);
            values.extend_from_slice(&scores);
        }
        Probabilities {
            classes: self.classes,
            values,
        }
    }
}
