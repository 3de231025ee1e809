//! Linear models: LogisticRegression (the softmax of linear scores, L2-regularized cross
//! entropy) and LinearSVM (one linear score per class, L2-regularized squared hinge loss one
//! class against the rest, as scikit-learn's LinearSVC). Both are fitted by Nesterov's
//! accelerated gradient descent with a step from the loss's Lipschitz bound, so they need no
//! tuning and give the same weights everywhere. Written here (about 150 lines) rather than taken
//! from smartcore, whose LogisticRegression has no probabilities and would copy each training
//! set into its own matrix type.

use super::{sigmoid, softmax};
use crate::{Features, Probabilities};
use serde::{Deserialize, Serialize};

/// Which loss a linear model was fitted on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Loss {
    /// Cross entropy of the softmax (LogisticRegression).
    Logistic,
    /// Squared hinge, each class against the rest (LinearSVM).
    SquaredHinge,
}

/// A weight per class and feature, and an intercept per class.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Linear {
    /// The loss it was fitted on.
    pub loss: Loss,
    /// `classes x (cols + 1)`: each class's weights, then its intercept.
    pub weights: Vec<f64>,
    /// The number of classes.
    pub classes: usize,
    /// The number of features.
    pub cols: usize,
}

impl Linear {
    /// Fits on `x` and `labels` with inverse regularization strength `c` (as scikit-learn's
    /// `C`: the loss summed over rows, plus half the squared weights over `c`) in `iterations`.
    pub fn fit(
        x: &Features,
        labels: &[usize],
        classes: usize,
        loss: Loss,
        c: f64,
        iterations: usize,
    ) -> Linear {
        let width = x.cols + 1;
        let n = x.rows.max(1) as f64;
        // Mean loss + |w|^2 / (2 c n): scikit-learn's objective over n.
        let l2 = 1.0 / (c * n);
        let mean_square = (0..x.rows)
            .map(|i| x.row(i).iter().map(|v| v * v).sum::<f64>() + 1.0)
            .sum::<f64>()
            / n;
        let curvature = match loss {
            Loss::Logistic => 0.5,
            Loss::SquaredHinge => 2.0,
        };
        let step = 1.0 / (curvature * mean_square + l2);
        let mut model = Linear {
            loss,
            weights: vec![0.0; classes * width],
            classes,
            cols: x.cols,
        };
        let mut previous = model.weights.clone();
        let mut gradient = vec![0.0; model.weights.len()];
        for t in 0..iterations {
            // Nesterov: look ahead along the last step, take a gradient step from there.
            let momentum = t as f64 / (t as f64 + 3.0);
            let ahead: Vec<f64> = model
                .weights
                .iter()
                .zip(&previous)
                .map(|(w, p)| w + momentum * (w - p))
                .collect();
            model.gradient(&ahead, x, labels, l2, &mut gradient);
            previous.clone_from(&model.weights);
            for ((w, a), g) in model.weights.iter_mut().zip(&ahead).zip(&gradient) {
                *w = a - step * g;
            }
        }
        model
    }

    /// The mean loss's gradient at `weights`, into `gradient`.
    fn gradient(
        &self,
        weights: &[f64],
        x: &Features,
        labels: &[usize],
        l2: f64,
        gradient: &mut [f64],
    ) {
        let width = self.cols + 1;
        gradient.iter_mut().for_each(|g| *g = 0.0);
        let n = x.rows.max(1) as f64;
        let mut scores = vec![0.0; self.classes];
        for (i, &y) in labels.iter().enumerate().take(x.rows) {
            let row = x.row(i);
            scores_of(weights, row, self.classes, &mut scores);
            if self.loss == Loss::Logistic {
                softmax(&mut scores);
            }
            for c in 0..self.classes {
                let d = match self.loss {
                    Loss::Logistic => scores[c] - f64::from(u8::from(c == y)),
                    Loss::SquaredHinge => {
                        let sign = if c == y { 1.0 } else { -1.0 };
                        let margin = 1.0 - sign * scores[c];
                        if margin > 0.0 {
                            -2.0 * sign * margin
                        } else {
                            0.0
                        }
                    }
                };
                if d == 0.0 {
                    continue;
                }
                let g = &mut gradient[c * width..(c + 1) * width];
                for (gj, v) in g.iter_mut().zip(row) {
                    *gj += d * v / n;
                }
                g[self.cols] += d / n;
            }
        }
        for c in 0..self.classes {
            for j in 0..self.cols {
                gradient[c * width + j] += l2 * weights[c * width + j];
            }
        }
    }

    /// Each row's class probabilities: the softmax of its scores (for LinearSVM, a monotone
    /// reading of its margins rather than a calibrated probability).
    pub fn predict_proba(&self, x: &Features) -> Probabilities {
        let mut values = Vec::with_capacity(x.rows * self.classes);
        let mut scores = vec![0.0; self.classes];
        for i in 0..x.rows {
            scores_of(&self.weights, x.row(i), self.classes, &mut scores);
            if self.loss == Loss::SquaredHinge && self.classes == 2 {
                // One margin decides: class 1's against class 0's.
                let d = scores[1] - scores[0];
                let p = sigmoid(d);
                values.extend([1.0 - p, p]);
            } else {
                softmax(&mut scores);
                values.extend_from_slice(&scores);
            }
        }
        Probabilities {
            classes: self.classes,
            values,
        }
    }
}

/// Each class's linear score of `row`.
fn scores_of(weights: &[f64], row: &[f64], classes: usize, scores: &mut [f64]) {
    let width = row.len() + 1;
    for (c, s) in scores.iter_mut().enumerate().take(classes) {
        let w = &weights[c * width..(c + 1) * width];
        *s = w[row.len()] + w.iter().zip(row).map(|(a, b)| a * b).sum::<f64>();
    }
}
