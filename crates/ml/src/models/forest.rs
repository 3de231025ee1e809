//! Classification trees and their forests: DecisionTree (one tree on every row), RandomForest
//! (bootstrap samples, a share of the features at each split) and ExtremeRandomTrees (every
//! row, random thresholds). A forest's probabilities are its trees' leaf class shares averaged,
//! as scikit-learn's are.

use super::bins::Binned;
use super::tree::{grow, Gini, Growth, Tree};
use crate::random::Rng;
use crate::{Features, Probabilities};
use serde::{Deserialize, Serialize};

/// How a forest is grown.
#[derive(Clone, Debug, PartialEq)]
pub struct ForestSettings {
    /// Trees.
    pub trees: usize,
    /// Each tree's growth.
    pub growth: Growth,
    /// Whether each tree learns from a bootstrap sample of the rows rather than all of them.
    pub bootstrap: bool,
}

/// Trees whose leaves hold class shares.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Forest {
    /// The trees.
    pub trees: Vec<Tree>,
    /// The number of classes.
    pub classes: usize,
}

impl Forest {
    /// Grows the forest on binned training features.
    pub fn fit(
        binned: &Binned,
        labels: &[usize],
        classes: usize,
        settings: &ForestSettings,
        rng: &mut Rng,
    ) -> Forest {
        let gini = Gini { labels, classes };
        let n = labels.len();
        let trees = (0..settings.trees)
            .map(|_| {
                let mut tree_rng = rng.fork();
                let mut rows: Vec<u32> = if settings.bootstrap {
                    (0..n).map(|_| tree_rng.below(n) as u32).collect()
                } else {
                    (0..n as u32).collect()
                };
                grow(binned, &gini, &settings.growth, &mut rows, &mut tree_rng)
            })
            .collect();
        Forest { trees, classes }
    }

    /// The mean of the trees' class shares for each row of `x`.
    pub fn predict_proba(&self, x: &Features) -> Probabilities {
        let mut values = vec![0.0; x.rows * self.classes];
        let share = 1.0 / self.trees.len().max(1) as f64;
        for i in 0..x.rows {
            let out = &mut values[i * self.classes..(i + 1) * self.classes];
            for tree in &self.trees {
                for (o, p) in out.iter_mut().zip(tree.leaf(x.row(i))) {
                    *o += p * share;
                }
            }
        }
        Probabilities {
            classes: self.classes,
            values,
        }
    }
}
