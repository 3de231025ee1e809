//! Features cut into at most [`MAX_BINS`] bins at their training values' quantiles, once per
//! training set: every tree then finds its splits from per-bin sums (a histogram) rather than by
//! sorting values at each node, as LightGBM and scikit-learn's HistGradientBoosting do.

use crate::Features;

/// Bins per feature, at most.
pub const MAX_BINS: usize = 64;

/// Each training row's bin per feature, and the bins' upper edges.
pub struct Binned {
    /// Rows.
    pub rows: usize,
    /// `bins[f * rows + i]`: row `i`'s bin of feature `f` (feature-major, for the histograms).
    pub bins: Vec<u8>,
    /// Per feature, the greatest value of each bin but the last (a value `<= edges[b]` is in
    /// bin `b` or a lower one).
    pub edges: Vec<Vec<f64>>,
}

impl Binned {
    /// Bins `x`'s columns at quantiles of their values.
    pub fn new(x: &Features) -> Binned {
        let mut bins = vec![0u8; x.rows * x.cols];
        let mut edges = Vec::with_capacity(x.cols);
        let mut column = Vec::with_capacity(x.rows);
        for f in 0..x.cols {
            column.clear();
            column.extend((0..x.rows).map(|i| x.values[i * x.cols + f]));
            let cuts = quantile_edges(&mut column.clone());
            for i in 0..x.rows {
                bins[f * x.rows + i] = bin_of(&cuts, column[i]) as u8;
            }
            edges.push(cuts);
        }
        Binned {
            rows: x.rows,
            bins,
            edges,
        }
    }

    /// The bins of feature `f`.
    pub fn feature(&self, f: usize) -> &[u8] {
        &self.bins[f * self.rows..(f + 1) * self.rows]
    }

    /// How many bins feature `f` has.
    pub fn bins_of(&self, f: usize) -> usize {
        self.edges[f].len() + 1
    }
}

/// The bin of `value` among `edges`; NaN is the last bin, where a tree sends it too (NaN
/// compares false, so `x <= threshold` goes right).
fn bin_of(edges: &[f64], value: f64) -> usize {
    if value.is_nan() {
        return edges.len();
    }
    edges.partition_point(|e| *e < value)
}

/// Edges between distinct values at up to [`MAX_BINS`] quantiles: each edge is a value that
/// occurs, so a split `<= edge` separates values that differ.
fn quantile_edges(values: &mut [f64]) -> Vec<f64> {
    values.sort_by(f64::total_cmp);
    let mut distinct: Vec<f64> = Vec::new();
    for v in values.iter() {
        if distinct.last() != Some(v) {
            distinct.push(*v);
        }
    }
    if distinct.len() <= MAX_BINS {
        distinct.pop();
        return distinct;
    }
    let mut edges = Vec::with_capacity(MAX_BINS - 1);
    for q in 1..MAX_BINS {
        let v = values[q * values.len() / MAX_BINS];
        if edges.last() != Some(&v) && Some(&v) != distinct.last() {
            edges.push(v);
        }
    }
    edges
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn few_distinct_values_get_a_bin_each_and_many_get_quantiles() {
        let x = Features::from_rows(1, &[vec![3.0], vec![1.0], vec![2.0], vec![1.0]]);
        let b = Binned::new(&x);
        assert_eq!(b.edges[0], vec![1.0, 2.0]);
        assert_eq!(b.feature(0), &[2, 0, 1, 0]);
        let rows: Vec<Vec<f64>> = (0..1000).map(|i| vec![i as f64]).collect();
        let b = Binned::new(&Features::from_rows(1, &rows));
        assert_eq!(b.bins_of(0), MAX_BINS);
        let counts = (0..MAX_BINS)
            .map(|bin| b.feature(0).iter().filter(|v| **v as usize == bin).count())
            .collect::<Vec<_>>();
        assert!(counts.iter().all(|c| (15..=17).contains(c)), "{counts:?}");
    }
}
