//! KNN: a row's class shares among its `k` nearest training rows (Euclidean distance over the
//! scaled features), each neighbour counted once or by the inverse of its distance.

use crate::{Features, Probabilities};
use serde::{Deserialize, Serialize};

/// The training rows a KNN model compares against.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Knn {
    /// The training features.
    pub x: Features,
    /// Their classes.
    pub labels: Vec<usize>,
    /// The number of classes.
    pub classes: usize,
    /// Neighbours asked.
    pub k: usize,
    /// Whether nearer neighbours count more (by 1 / distance).
    pub by_distance: bool,
}

impl Knn {
    /// Each row's class shares among its nearest training rows.
    pub fn predict_proba(&self, x: &Features) -> Probabilities {
        let k = self.k.clamp(1, self.x.rows.max(1));
        let mut values = Vec::with_capacity(x.rows * self.classes);
        let mut distances: Vec<(f64, u32)> = Vec::with_capacity(self.x.rows);
        for i in 0..x.rows {
            let row = x.row(i);
            distances.clear();
            for j in 0..self.x.rows {
                let d: f64 = row
                    .iter()
                    .zip(self.x.row(j))
                    .map(|(a, b)| (a - b) * (a - b))
                    .sum();
                distances.push((d, j as u32));
            }
            // Ties at the k-th distance are broken by the training row's order: deterministic.
            let nearest = if k < distances.len() {
                distances
                    .select_nth_unstable_by(k - 1, |a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                &distances[..k]
            } else {
                &distances[..]
            };
            let mut shares = vec![0.0; self.classes];
            for (d, j) in nearest {
                let weight = if self.by_distance {
                    1.0 / (d.sqrt() + 1e-9)
                } else {
                    1.0
                };
                shares[self.labels[*j as usize]] += weight;
            }
            let total: f64 = shares.iter().sum();
            values.extend(shares.iter().map(|s| s / total));
        }
        Probabilities {
            classes: self.classes,
            values,
        }
    }
}
