//! What a runs table shows of a metric without reading its history: the latest value (MLflow's
//! rule: highest step, then latest time, then largest value), the least and the greatest, and
//! how many values were logged; kept up to date as each value is written.

use super::tracking::Metric;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// A metric's summary in one run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
    fn nan_does_not_hide_the_range() {
        let mut s = MetricSummary::new(&m(0, 0, f64::NAN));
        assert!(s.min.is_nan());
        s.add(&m(1, 1, 2.0));
        s.add(&m(2, 2, f64::NAN));
        assert_eq!((s.min, s.max), (2.0, 2.0));
        assert!(s.last.value.is_nan());
    }
}
