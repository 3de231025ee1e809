//! One tree grower for every tree model: CART over binned features ([`Binned`]), choosing each
//! split from per-bin sums. What a split optimizes is its [`Objective`]: Gini impurity for the
//! classification trees (a leaf keeps its rows' class shares, so forests give real
//! probabilities), or the second-order gain of gradient boosting (a leaf keeps its step).
//!
//! Written here rather than taken from smartcore, whose trees and forests predict only a class
//! (no probabilities, so no AUC, log loss or curves) and sort values at every node.

use super::bins::Binned;
use crate::random::Rng;
use serde::{Deserialize, Serialize};

/// What a tree's splits optimize, over per-bin sums: `stats[0]` is the rows' count, then
/// [`Objective::width`] sums of the objective's own.
pub trait Objective {
    /// Sums kept per bin besides the count.
    fn width(&self) -> usize;
    /// Adds training row `row` to `stats`.
    fn add(&self, row: usize, stats: &mut [f64]);
    /// How good a node with `stats` is (a split's gain is its children's less its own).
    fn score(&self, stats: &[f64]) -> f64;
    /// Whether a child with `stats` may exist (beyond the rows per leaf).
    fn allowed(&self, _stats: &[f64]) -> bool {
        true
    }
    /// Whether a node with `stats` cannot be improved on.
    fn pure(&self, _stats: &[f64]) -> bool {
        false
    }
    /// The values a leaf with `stats` keeps.
    fn leaf(&self, stats: &[f64], out: &mut Vec<f64>);
}

/// How a tree grows.
#[derive(Clone, Debug, PartialEq)]
pub struct Growth {
    /// Depth at most (the root is depth 0).
    pub max_depth: usize,
    /// Rows in a leaf, at least.
    pub min_leaf: usize,
    /// Features tried at each split, at most (all when it is their number or more).
    pub features_per_split: usize,
    /// Extremely randomized: one random threshold per feature tried, not the best.
    pub random_thresholds: bool,
}

/// A split or a leaf.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Node {
    /// Rows with `x[feature] <= threshold` go `left`, the others `right` (node indexes).
    Split {
        /// The feature.
        feature: u32,
        /// The threshold.
        threshold: f64,
        /// The node of rows at or under it.
        left: u32,
        /// The node of rows above it.
        right: u32,
    },
    /// A leaf: its values start at `index * width` of the tree's `leaves`.
    Leaf(u32),
}

/// A grown tree.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tree {
    /// Its nodes, the root first.
    pub nodes: Vec<Node>,
    /// Each leaf's values, `width` apiece.
    pub leaves: Vec<f64>,
    /// Values per leaf.
    pub width: usize,
}

impl Tree {
    /// The values of the leaf `x` falls in.
    pub fn leaf(&self, x: &[f64]) -> &[f64] {
        let mut at = 0;
        loop {
            match &self.nodes[at] {
                Node::Split {
                    feature,
                    threshold,
                    left,
                    right,
                } => {
                    // A NaN goes right, as it compares false.
                    at = if x[*feature as usize] <= *threshold {
                        *left as usize
                    } else {
                        *right as usize
                    };
                }
                Node::Leaf(index) => {
                    let start = *index as usize * self.width;
                    return &self.leaves[start..start + self.width];
                }
            }
        }
    }
}

/// Grows a tree on the training rows `rows` (repeats allowed: a bootstrap sample).
pub fn grow<O: Objective>(
    binned: &Binned,
    objective: &O,
    growth: &Growth,
    rows: &mut [u32],
    rng: &mut Rng,
) -> Tree {
    let features = binned.edges.len();
    let mut grower = Grower {
        binned,
        objective,
        growth,
        rng,
        slots: objective.width() + 1,
        order: (0..features).collect(),
        hist: Vec::new(),
        tree: Tree {
            nodes: Vec::new(),
            leaves: Vec::new(),
            width: 0,
        },
    };
    let mut leaf = Vec::new();
    objective.leaf(&vec![0.0; grower.slots], &mut leaf);
    grower.tree.width = leaf.len();
    grower.node(rows, 0);
    grower.tree
}

struct Grower<'a, O: Objective> {
    binned: &'a Binned,
    objective: &'a O,
    growth: &'a Growth,
    rng: &'a mut Rng,
    slots: usize,
    order: Vec<usize>,
    hist: Vec<f64>,
    tree: Tree,
}

/// The best split found at a node.
struct Best {
    gain: f64,
    feature: usize,
    bin: usize,
}

impl<O: Objective> Grower<'_, O> {
    fn node(&mut self, rows: &mut [u32], depth: usize) -> u32 {
        let index = self.tree.nodes.len() as u32;
        let mut total = vec![0.0; self.slots];
        for &r in rows.iter() {
            total[0] += 1.0;
            self.objective.add(r as usize, &mut total);
        }
        let splittable = depth < self.growth.max_depth
            && rows.len() >= 2 * self.growth.min_leaf.max(1)
            && !self.objective.pure(&total);
        let best = if splittable {
            self.best_split(rows, &total)
        } else {
            None
        };
        let Some(best) = best else {
            let leaf = (self.tree.leaves.len() / self.tree.width.max(1)) as u32;
            let mut values = Vec::with_capacity(self.tree.width);
            self.objective.leaf(&total, &mut values);
            self.tree.leaves.extend(values);
            self.tree.nodes.push(Node::Leaf(leaf));
            return index;
        };
        self.tree.nodes.push(Node::Leaf(0));
        let bins = self.binned.feature(best.feature);
        let split = partition(rows, |r| bins[r as usize] as usize <= best.bin);
        let (left_rows, right_rows) = rows.split_at_mut(split);
        let left = self.node(left_rows, depth + 1);
        let right = self.node(right_rows, depth + 1);
        self.tree.nodes[index as usize] = Node::Split {
            feature: best.feature as u32,
            threshold: self.binned.edges[best.feature][best.bin],
            left,
            right,
        };
        index
    }

    /// The best split of the features tried, if one gains anything.
    fn best_split(&mut self, rows: &[u32], total: &[f64]) -> Option<Best> {
        let features = self.order.len();
        if features == 0 {
            return None;
        }
        let tried = self.growth.features_per_split.clamp(1, features);
        if tried < features {
            // The first `tried` of a partial shuffle.
            for i in 0..tried {
                let j = i + self.rng.below(features - i);
                self.order.swap(i, j);
            }
        }
        let parent = self.objective.score(total);
        let mut best: Option<Best> = None;
        for k in 0..tried {
            let feature = self.order[k];
            let nbins = self.binned.bins_of(feature);
            if nbins < 2 {
                continue;
            }
            self.histogram(rows, feature, nbins);
            let candidate = if self.growth.random_thresholds {
                self.random_threshold(nbins, total, parent)
            } else {
                self.best_threshold(nbins, total, parent)
            };
            if let Some((gain, bin)) = candidate {
                if best.as_ref().is_none_or(|b| gain > b.gain) {
                    best = Some(Best { gain, feature, bin });
                }
            }
        }
        best.filter(|b| b.gain > 1e-12)
    }

    /// Per-bin sums of `feature` over `rows`, into `self.hist`.
    fn histogram(&mut self, rows: &[u32], feature: usize, nbins: usize) {
        self.hist.clear();
        self.hist.resize(nbins * self.slots, 0.0);
        let bins = self.binned.feature(feature);
        for &r in rows {
            let at = bins[r as usize] as usize * self.slots;
            let stats = &mut self.hist[at..at + self.slots];
            stats[0] += 1.0;
            self.objective.add(r as usize, stats);
        }
    }

    /// The gain of splitting after bin `bin`, given the left side's sums.
    fn gain(&self, left: &[f64], total: &[f64], parent: f64, right: &mut [f64]) -> Option<f64> {
        let min = self.growth.min_leaf.max(1) as f64;
        for (r, (t, l)) in right.iter_mut().zip(total.iter().zip(left)) {
            *r = t - l;
        }
        if left[0] < min || right[0] < min {
            return None;
        }
        if !self.objective.allowed(left) || !self.objective.allowed(right) {
            return None;
        }
        Some(self.objective.score(left) + self.objective.score(right) - parent)
    }

    fn best_threshold(&self, nbins: usize, total: &[f64], parent: f64) -> Option<(f64, usize)> {
        let mut left = vec![0.0; self.slots];
        let mut right = vec![0.0; self.slots];
        let mut best: Option<(f64, usize)> = None;
        for bin in 0..nbins - 1 {
            let stats = &self.hist[bin * self.slots..(bin + 1) * self.slots];
            if stats[0] == 0.0 {
                continue;
            }
            for (l, s) in left.iter_mut().zip(stats) {
                *l += s;
            }
            if let Some(gain) = self.gain(&left, total, parent, &mut right) {
                if best.is_none_or(|(g, _)| gain > g) {
                    best = Some((gain, bin));
                }
            }
        }
        best
    }

    /// One threshold drawn between the node's lowest and highest bins (ExtraTrees).
    fn random_threshold(
        &mut self,
        nbins: usize,
        total: &[f64],
        parent: f64,
    ) -> Option<(f64, usize)> {
        let occupied = |bin: &usize| self.hist[bin * self.slots] > 0.0;
        let low = (0..nbins).find(occupied)?;
        let high = (0..nbins).rev().find(occupied)?;
        if low == high {
            return None;
        }
        let bin = low + self.rng.below(high - low);
        let mut left = vec![0.0; self.slots];
        for b in low..=bin {
            for (l, s) in left
                .iter_mut()
                .zip(&self.hist[b * self.slots..(b + 1) * self.slots])
            {
                *l += s;
            }
        }
        let mut right = vec![0.0; self.slots];
        self.gain(&left, total, parent, &mut right)
            .map(|g| (g, bin))
    }
}

/// Moves the rows for which `left` holds first; answers how many there are.
fn partition(rows: &mut [u32], left: impl Fn(u32) -> bool) -> usize {
    let mut split = 0;
    for i in 0..rows.len() {
        if left(rows[i]) {
            rows.swap(i, split);
            split += 1;
        }
    }
    split
}

/// Gini impurity over class labels: leaves keep their rows' class shares.
pub struct Gini<'a> {
    /// Each training row's class.
    pub labels: &'a [usize],
    /// The number of classes.
    pub classes: usize,
}

impl Objective for Gini<'_> {
    fn width(&self) -> usize {
        self.classes
    }

    fn add(&self, row: usize, stats: &mut [f64]) {
        stats[1 + self.labels[row]] += 1.0;
    }

    /// The sum of squared class counts over the count: the split that raises it most lowers
    /// the rows' weighted Gini impurity most.
    fn score(&self, stats: &[f64]) -> f64 {
        if stats[0] == 0.0 {
            return 0.0;
        }
        stats[1..].iter().map(|n| n * n).sum::<f64>() / stats[0]
    }

    fn pure(&self, stats: &[f64]) -> bool {
        stats[1..].iter().filter(|n| **n > 0.0).count() <= 1
    }

    fn leaf(&self, stats: &[f64], out: &mut Vec<f64>) {
        let n = stats[0].max(1.0);
        out.extend(stats[1..].iter().map(|c| c / n));
    }
}

/// Gradient boosting's second-order objective: rows' gradients and hessians, L2 `lambda`.
pub struct Newton<'a> {
    /// Each training row's gradient.
    pub gradients: &'a [f64],
    /// Each training row's hessian.
    pub hessians: &'a [f64],
    /// L2 regularization of the leaf values.
    pub lambda: f64,
    /// The least hessian a leaf may sum.
    pub min_hessian: f64,
}

impl Objective for Newton<'_> {
    fn width(&self) -> usize {
        2
    }

    fn add(&self, row: usize, stats: &mut [f64]) {
        stats[1] += self.gradients[row];
        stats[2] += self.hessians[row];
    }

    fn score(&self, stats: &[f64]) -> f64 {
        stats[1] * stats[1] / (stats[2] + self.lambda)
    }

    fn allowed(&self, stats: &[f64]) -> bool {
        stats[2] >= self.min_hessian
    }

    fn leaf(&self, stats: &[f64], out: &mut Vec<f64>) {
        out.push(-stats[1] / (stats[2] + self.lambda));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Features;

    #[test]
    fn a_tree_separates_two_classes_by_the_feature_that_tells_them_apart() {
        // Feature 0 is noise, feature 1 decides the class.
        let rows: Vec<Vec<f64>> = (0..40)
            .map(|i| {
                vec![
                    (i * 7 % 11) as f64,
                    if i < 20 { i as f64 } else { 100.0 + i as f64 },
                ]
            })
            .collect();
        let labels: Vec<usize> = (0..40).map(|i| usize::from(i >= 20)).collect();
        let x = Features::from_rows(2, &rows);
        let binned = Binned::new(&x);
        let gini = Gini {
            labels: &labels,
            classes: 2,
        };
        let growth = Growth {
            max_depth: 4,
            min_leaf: 1,
            features_per_split: 2,
            random_thresholds: false,
        };
        let mut all: Vec<u32> = (0..40).collect();
        let tree = grow(&binned, &gini, &growth, &mut all, &mut Rng::new(1));
        assert_eq!(tree.nodes.len(), 3, "one split: {tree:?}");
        assert!(matches!(tree.nodes[0], Node::Split { feature: 1, .. }));
        assert_eq!(tree.leaf(&[0.0, 5.0]), &[1.0, 0.0]);
        assert_eq!(tree.leaf(&[0.0, 150.0]), &[0.0, 1.0]);
    }
}
