//! What a runs table shows of a metric without reading its history: the latest value (MLflow's
//! rule: highest step, then latest time, then largest value), the least and the greatest, and
//! how many values were logged; kept up to date as each value is written.

use super::tracking::Metric;
use crate::arm::json_de::FromValue;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// A metric's summary in one run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct MetricSummary {
    /// The latest value, as `runs/get` answers it.
    pub last: Metric,
    /// The least value logged (NaN when every value was NaN).
    #[serde(with = "super::tracking::double")]
    pub min: f64,
    /// The greatest value logged (NaN when every value was NaN).
    #[serde(with = "super::tracking::double")]
    pub max: f64,
    /// How many values were logged.
    pub count: u64,
}

/// Orders values for "latest": NaN below every number.
fn value_order(a: f64, b: f64) -> Ordering {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        _ => a.total_cmp(&b),
    }
}

/// Whether `a` is at least as late as `b` by MLflow's rule.
fn is_later(a: &Metric, b: &Metric) -> bool {
    (a.step, a.timestamp)
        .cmp(&(b.step, b.timestamp))
        .then_with(|| value_order(a.value, b.value))
        != Ordering::Less
}

impl MetricSummary {
    /// The summary of a metric's first value.
    pub fn new(first: &Metric) -> Self {
        Self {
            last: first.clone(),
            min: first.value,
            max: first.value,
            count: 1,
        }
    }

    /// Takes in one more value.
    pub fn add(&mut self, metric: &Metric) {
        if is_later(metric, &self.last) {
            self.last = metric.clone();
        }
        if !metric.value.is_nan() {
            if self.min.is_nan() || metric.value < self.min {
                self.min = metric.value;
            }
            if self.max.is_nan() || metric.value > self.max {
                self.max = metric.value;
            }
        }
        self.count += 1;
    }
}

/// The sizes (in steps) of the blocks a history is also summarised in as it is written: each
/// block keeps its first and last step, least and greatest value and count, so a chart of a
/// long history reads a block per few thousand values instead of every value.
pub const BLOCK_STEPS: [i64; 2] = [64, 4096];

/// The block of `size` steps that `step` falls in (counting from step 0, downwards too).
pub fn block_of(step: i64, size: i64) -> i64 {
    step.div_euclid(size)
}

/// The block size a chart of `buckets` buckets over steps `low..=high` reads: the coarsest that
/// still gives at least half as many blocks as buckets, or none (read the values themselves).
pub fn block_size_for(low: i64, high: i64, buckets: i64) -> Option<i64> {
    let span = high.saturating_sub(low).saturating_add(1);
    BLOCK_STEPS
        .iter()
        .rev()
        .copied()
        .find(|size| span / size >= (buckets / 2).max(1))
}

/// One block's summary: (first step, last step, least, greatest, count); least and greatest
/// are `None` while the block holds only NaN.
pub type Block = (i64, i64, Option<f64>, Option<f64>, u64);

/// Adds a value to a block's summary.
pub fn add_to_block(block: &mut Block, step: i64, value: f64) {
    block.0 = block.0.min(step);
    block.1 = block.1.max(step);
    if !value.is_nan() {
        block.2 = Some(block.2.map_or(value, |m| m.min(value)));
        block.3 = Some(block.3.map_or(value, |m| m.max(value)));
    }
    block.4 += 1;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(step: i64, timestamp: i64, value: f64) -> Metric {
        Metric {
            key: "loss".into(),
            value,
            timestamp,
            step,
        }
    }

    #[test]
    fn the_latest_is_the_highest_step_then_the_latest_time() {
        let mut s = MetricSummary::new(&m(5, 100, 0.5));
        s.add(&m(3, 900, 0.1));
        assert_eq!(
            s.last.value, 0.5,
            "a lower step logged later is not the latest"
        );
        s.add(&m(5, 200, 0.4));
        assert_eq!(s.last.value, 0.4);
        s.add(&m(5, 200, 0.45));
        assert_eq!(s.last.value, 0.45, "same step and time: the larger value");
        assert_eq!((s.min, s.max, s.count), (0.1, 0.5, 4));
    }

    #[test]
    fn blocks_are_chosen_by_the_range_shown() {
        assert_eq!(block_size_for(0, 999_999, 450), Some(4096));
        assert_eq!(block_size_for(0, 99_999, 450), Some(64));
        assert_eq!(
            block_size_for(0, 9_999, 450),
            None,
            "few enough values to read"
        );
        assert_eq!(block_of(-1, 64), -1);
        assert_eq!(block_of(127, 64), 1);
        let mut b: Block = (i64::MAX, i64::MIN, None, None, 0);
        add_to_block(&mut b, 5, f64::NAN);
        add_to_block(&mut b, 3, 2.0);
        add_to_block(&mut b, 9, -1.0);
        assert_eq!(b, (3, 9, Some(-1.0), Some(2.0), 3));
    }

    #[test]
    fn nan_does_not_hide_the_range() {
        let mut s = MetricSummary::new(&m(0, 0, f64::NAN));
        assert!(s.min.is_nan());
        s.add(&m(1, 1, 2.0));
        s.add(&m(2, 2, f64::NAN));
        assert_eq!((s.min, s.max), (2.0, 2.0));
        assert!(s.last.value.is_nan());
    }
}
