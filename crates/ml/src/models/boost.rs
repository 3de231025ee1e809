//! Gradient boosting of trees on the log loss, second order (as XGBoost and LightGBM): each
//! round grows one tree per class (one in all for two classes) on the rows' gradients and
//! hessians, on the same binned features as the forests. Written here rather than taken from
//! the `gbdt` crate: its classification loss is for two classes only, and its wasm build needs
//! getrandom's JavaScript backend; this one shares the forests' tree grower.

use super::bins::Binned;
use super::tree::{grow, Growth, Newton, Tree};
use super::{sigmoid, softmax};
use crate::random::Rng;
use crate::{Features, Probabilities};
use serde::{Deserialize, Serialize};

/// How boosting runs.
#[derive(Clone, Debug, PartialEq)]
pub struct BoostSettings {
    /// Rounds.
    pub rounds: usize,
    /// How much of each tree's step is taken.
    pub learning_rate: f64,
    /// Each tree's growth.
    pub growth: Growth,
    /// L2 regularization of the leaf values.
    pub lambda: f64,
    /// The share of rows each round learns from (1: all).
    pub subsample: f64,
}

/// Boosted trees: raw scores summed, then a sigmoid (two classes) or a softmax.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Boosted {
    /// The starting raw score of each output (the classes' log odds in the training rows).
    pub base: Vec<f64>,
    /// Each round's trees, one per output; leaf values already scaled by the learning rate.
    pub rounds: Vec<Vec<Tree>>,
    /// The number of classes.
    pub classes: usize,
}

impl Boosted {
    /// Outputs: 1 for two classes (the second class's log odds), else one per class.
    fn outputs(classes: usize) -> usize {
        if classes == 2 {
            1
        } else {
            classes
        }
    }

    /// Boosts trees on binned training features.
    pub fn fit(
        binned: &Binned,
        labels: &[usize],
        classes: usize,
        settings: &BoostSettings,
        rng: &mut Rng,
    ) -> Boosted {
        let n = labels.len();
        let k = Self::outputs(classes);
        let mut counts = vec![0.0f64; classes];
        for &y in labels {
            counts[y] += 1.0;
        }
        let prior = |c: usize| libm::log(counts[c].max(0.5) / n as f64);
        let base: Vec<f64> = if k == 1 {
            vec![prior(1) - prior(0)]
        } else {
            (0..classes).map(prior).collect()
        };
        let mut raw: Vec<f64> = (0..n).flat_map(|_| base.iter().copied()).collect();
        let at_edges = edge_values(binned);
        let mut gradients = vec![0.0; n];
        let mut hessians = vec![0.0; n];
        let mut model = Boosted {
            base,
            rounds: Vec::with_capacity(settings.rounds),
            classes,
        };
        for _ in 0..settings.rounds {
            let mut rows = sample_rows(n, settings.subsample, rng);
            // Every output's gradients are taken before any of this round's steps.
            let p = probabilities(&raw, k);
            let mut trees = Vec::with_capacity(k);
            for output in 0..k {
                for i in 0..n {
                    let target = if k == 1 {
                        labels[i] == 1
                    } else {
                        labels[i] == output
                    };
                    let q = p[i * k + output];
                    gradients[i] = q - f64::from(u8::from(target));
                    hessians[i] = (q * (1.0 - q)).max(1e-16);
                }
                let newton = Newton {
                    gradients: &gradients,
                    hessians: &hessians,
                    lambda: settings.lambda,
                    min_hessian: 1e-3,
                };
                let mut tree = grow(binned, &newton, &settings.growth, &mut rows, rng);
                for v in &mut tree.leaves {
                    *v *= settings.learning_rate;
                }
                trees.push(tree);
            }
            for i in 0..n {
                for (output, tree) in trees.iter().enumerate() {
                    raw[i * k + output] += tree.leaf(at_edges.row(i))[0];
                }
            }
            model.rounds.push(trees);
        }
        model
    }

    /// Each row's class probabilities.
    pub fn predict_proba(&self, x: &Features) -> Probabilities {
        let k = self.base.len();
        let mut values = Vec::with_capacity(x.rows * self.classes);
        let mut raw = vec![0.0; k];
        for i in 0..x.rows {
            raw.copy_from_slice(&self.base);
            for trees in &self.rounds {
                for (r, tree) in raw.iter_mut().zip(trees) {
                    *r += tree.leaf(x.row(i))[0];
                }
            }
            if k == 1 {
                let p = sigmoid(raw[0]);
                values.extend([1.0 - p, p]);
            } else {
                softmax(&mut raw);
                values.extend_from_slice(&raw);
            }
        }
        Probabilities {
            classes: self.classes,
            values,
        }
    }
}

/// The rows a round learns from: all, or a sample without repeats.
fn sample_rows(n: usize, share: f64, rng: &mut Rng) -> Vec<u32> {
    let mut rows: Vec<u32> = (0..n as u32).collect();
    if share < 1.0 {
        rng.shuffle(&mut rows);
        rows.truncate(((n as f64 * share).ceil() as usize).max(1));
    }
    rows
}

/// The training rows with each value replaced by its bin's upper edge: the value the trees'
/// thresholds compare, so a training row falls in the leaf it was grown into.
fn edge_values(binned: &Binned) -> Features {
    let cols = binned.edges.len();
    let mut values = vec![0.0; binned.rows * cols];
    for (f, edges) in binned.edges.iter().enumerate() {
        for (i, bin) in binned.feature(f).iter().enumerate() {
            values[i * cols + f] = edges.get(*bin as usize).copied().unwrap_or(f64::INFINITY);
        }
    }
    Features {
        rows: binned.rows,
        cols,
        values,
    }
}

/// Each row's probability per output (the second class's for one output).
fn probabilities(raw: &[f64], k: usize) -> Vec<f64> {
    if k == 1 {
        return raw.iter().map(|r| sigmoid(*r)).collect();
    }
    let mut p = raw.to_vec();
    p.chunks_mut(k).for_each(softmax);
    p
}
