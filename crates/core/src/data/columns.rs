//! What the profiler keeps of one column while it reads a file: its type so far, its numbers'
//! running statistics and histogram, its dates' range, and its distinct values (counted
//! exactly, then estimated), all in memory that does not grow with the file.

use super::profile::{
    Bin, Bound, ColumnProfile, ColumnType, TopValue, EXACT_DISTINCT, HISTOGRAM_BINS, TOP_VALUES,
};
use azimuth_ml::decimal::parse_f64;
use rustc_hash::{FxHashMap, FxHasher};
use std::hash::Hasher;

/// One column, as read so far.
pub(super) struct ColumnStats {
    name: String,
    /// Values present.
    count: u64,
    /// Whether every value so far is a number / a whole number / a boolean / a date.
    numeric: bool,
    integer: bool,
    boolean: bool,
    date: bool,
    numbers: Numbers,
    dates: Option<(Vec<u8>, Vec<u8>)>,
    /// How often each value occurs, while there are at most [`EXACT_DISTINCT`] of them.
    counts: Option<FxHashMap<Box<[u8]>, u64>>,
    /// The distinct values' sketch, once there are too many to count.
    sketch: Option<Sketch>,
}

impl ColumnStats {
    /// A column named `name`, nothing read yet.
    pub(super) fn new(name: String) -> ColumnStats {
        ColumnStats {
            name,
            count: 0,
            numeric: true,
            integer: true,
            boolean: true,
            date: true,
            numbers: Numbers::default(),
            dates: None,
            counts: Some(FxHashMap::default()),
            sketch: None,
        }
    }

    /// Reads one present value (trimmed, not missing).
    pub(super) fn add(&mut self, value: &[u8]) {
        self.count += 1;
        self.count_distinct(value);
        if self.numeric {
            match parse_number(value) {
                Some((number, whole)) => {
                    self.integer &= whole;
                    self.numbers.add(number);
                }
                None => {
                    (self.numeric, self.integer) = (false, false);
                    self.numbers = Numbers::default();
                }
            }
        }
        self.boolean &= value.eq_ignore_ascii_case(b"true") || value.eq_ignore_ascii_case(b"false");
        if self.date {
            if is_date(value) {
                match &mut self.dates {
                    None => self.dates = Some((value.to_vec(), value.to_vec())),
                    Some((low, high)) => {
                        if value < low.as_slice() {
                            *low = value.to_vec();
                        } else if value > high.as_slice() {
                            *high = value.to_vec();
                        }
                    }
                }
            } else {
                self.date = false;
                self.dates = None;
            }
        }
    }

    fn count_distinct(&mut self, value: &[u8]) {
        if let Some(sketch) = &mut self.sketch {
            sketch.add(value);
            return;
        }
        let Some(counts) = &mut self.counts else {
            return;
        };
        if let Some(n) = counts.get_mut(value) {
            *n += 1;
        } else if counts.len() < EXACT_DISTINCT {
            counts.insert(value.into(), 1);
        } else {
            let mut sketch = Sketch::new();
            counts.keys().for_each(|k| sketch.add(k));
            sketch.add(value);
            self.sketch = Some(sketch);
            self.counts = None;
        }
    }

    /// The column's profile, `rows` rows read in all.
    pub(super) fn finish(mut self, rows: u64) -> ColumnProfile {
        let column_type = match self.count {
            0 => ColumnType::Empty,
            _ if self.numeric && self.integer => ColumnType::Integer,
            _ if self.numeric => ColumnType::Decimal,
            _ if self.boolean => ColumnType::Boolean,
            _ if self.date => ColumnType::Date,
            _ => ColumnType::Text,
        };
        let (distinct, distinct_exact) = match (&self.counts, &self.sketch) {
            (Some(counts), _) => (counts.len() as u64, true),
            (None, Some(sketch)) => (sketch.estimate(), false),
            (None, None) => (0, true),
        };
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        let mut profile = ColumnProfile {
            name: std::mem::take(&mut self.name),
            column_type,
            count: self.count,
            missing: rows.saturating_sub(self.count),
            distinct,
            distinct_exact,
            min: None,
            max: None,
            mean: None,
            std_dev: None,
            histogram: Vec::new(),
            top: Vec::new(),
        };
        if column_type.is_numeric() {
            let n = &mut self.numbers;
            profile.min = Some(Bound::Number(n.min));
            profile.max = Some(Bound::Number(n.max));
            profile.mean = Some(n.sum / n.n as f64);
            profile.std_dev = (n.n > 1).then(|| (n.m2 / (n.n - 1) as f64).sqrt());
            profile.histogram = n.histogram.finish();
        } else {
            if let Some((low, high)) = &self.dates {
                (profile.min, profile.max) =
                    (Some(Bound::Text(text(low))), Some(Bound::Text(text(high))));
            }
            if let Some(counts) = self.counts {
                let mut top: Vec<_> = counts.into_iter().collect();
                top.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                profile.top = top
                    .into_iter()
                    .take(TOP_VALUES)
                    .map(|(value, count)| TopValue {
                        value: text(&value),
                        count,
                    })
                    .collect();
            }
        }
        profile
    }
}

/// A number and whether it is written as a whole number, or `None` for anything else.
fn parse_number(value: &[u8]) -> Option<(f64, bool)> {
    let text = std::str::from_utf8(value).ok()?;
    if let Ok(whole) = text.parse::<i64>() {
        return Some((whole as f64, true));
    }
    parse_f64(text)
        .filter(|n| n.is_finite())
        .map(|n| (n, false))
}

/// `YYYY-MM-DD`, then nothing or a time after `T` or a space.
fn is_date(value: &[u8]) -> bool {
    let digits = |r: std::ops::Range<usize>| value[r].iter().all(u8::is_ascii_digit);
    if value.len() < 10 || value[4] != b'-' || value[7] != b'-' {
        return false;
    }
    if !(digits(0..4) && digits(5..7) && digits(8..10)) {
        return false;
    }
    let month = (value[5] - b'0') * 10 + (value[6] - b'0');
    let day = (value[8] - b'0') * 10 + (value[9] - b'0');
    let time = match value.get(10) {
        None => true,
        Some(b'T' | b' ') => value.get(11).is_some_and(u8::is_ascii_digit),
        Some(_) => false,
    };
    (1..=12).contains(&month) && (1..=31).contains(&day) && time
}

/// A numeric column's running statistics (Welford's) and histogram.
#[derive(Default)]
struct Numbers {
    n: u64,
    /// The running mean (for `m2`); the mean shown is `sum / n`, exact for whole numbers.
    mean: f64,
    m2: f64,
    sum: f64,
    min: f64,
    max: f64,
    histogram: Histogram,
}

impl Numbers {
    fn add(&mut self, x: f64) {
        if self.n == 0 {
            (self.min, self.max) = (x, x);
        } else {
            self.min = self.min.min(x);
            self.max = self.max.max(x);
        }
        self.n += 1;
        self.sum += x;
        let delta = x - self.mean;
        self.mean += delta / self.n as f64;
        self.m2 += delta * (x - self.mean);
        self.histogram.add(x);
    }
}

/// Values held before a histogram's bins are laid out from them.
const SETTLE_AFTER: usize = 1024;

/// A histogram of [`HISTOGRAM_BINS`] bars over `[low, low + bins × width)` that doubles its
/// bars' width when a value falls outside (merging neighbours), so every count stays exact.
#[derive(Default)]
struct Histogram {
    pending: Vec<f64>,
    low: f64,
    width: f64,
    bins: [u64; HISTOGRAM_BINS],
}

impl Histogram {
    fn add(&mut self, x: f64) {
        if self.width == 0.0 {
            self.pending.push(x);
            if self.pending.len() >= SETTLE_AFTER {
                self.settle();
            }
        } else {
            self.place(x);
        }
    }

    /// Lays the bars out over the values held so far, a round width apart.
    fn settle(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        let (min, max) = pending
            .iter()
            .fold((f64::MAX, f64::MIN), |(lo, hi), x| (lo.min(*x), hi.max(*x)));
        let whole = pending.iter().all(|x| x.fract() == 0.0);
        let mut width = round_width((max - min) / HISTOGRAM_BINS as f64);
        if whole {
            width = width.ceil().max(1.0);
        }
        if width == 0.0 || !width.is_finite() {
            width = round_width(min.abs() / 10.0).max(f64::MIN_POSITIVE);
        }
        self.width = width;
        self.low = (min / width).floor() * width;
        pending.into_iter().for_each(|x| self.place(x));
    }

    fn place(&mut self, x: f64) {
        loop {
            let at = ((x - self.low) / self.width).floor();
            if at >= HISTOGRAM_BINS as f64 {
                self.widen(false);
            } else if at < 0.0 {
                self.widen(true);
            } else {
                self.bins[at as usize] += 1;
                return;
            }
        }
    }

    /// Doubles the bars' width, keeping the low edge (the range grows up) or, `downward`, the
    /// high edge.
    fn widen(&mut self, downward: bool) {
        let half = HISTOGRAM_BINS / 2;
        let mut merged = [0u64; HISTOGRAM_BINS];
        for i in 0..half {
            let pair = self.bins[2 * i] + self.bins[2 * i + 1];
            merged[if downward { half + i } else { i }] = pair;
        }
        if downward {
            self.low -= self.width * HISTOGRAM_BINS as f64;
        }
        self.width *= 2.0;
        self.bins = merged;
    }

    /// The bars from the first to the last that holds a value.
    fn finish(&mut self) -> Vec<Bin> {
        if self.width == 0.0 {
            if self.pending.is_empty() {
                return Vec::new();
            }
            self.settle();
        }
        let first = self.bins.iter().position(|c| *c > 0).unwrap_or(0);
        let last = self.bins.iter().rposition(|c| *c > 0).unwrap_or(0);
        (first..=last)
            .map(|i| Bin {
                low: self.low + i as f64 * self.width,
                high: self.low + (i + 1) as f64 * self.width,
                count: self.bins[i],
            })
            .collect()
    }
}

/// The round number (1, 2 or 5 times a power of ten) at or above `raw`; 0 for 0.
fn round_width(raw: f64) -> f64 {
    if raw <= 0.0 || !raw.is_finite() {
        return 0.0;
    }
    let power = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .find(|s| raw <= s * power * (1.0 + 1e-9))
        .unwrap_or(10.0);
    step * power
}

/// Registers of the HyperLogLog sketch: 2^14, a standard error of 0.8 %.
const SKETCH_BITS: u32 = 14;

/// A HyperLogLog sketch of distinct values (Flajolet et al. 2007, with its small-range
/// correction). Written here rather than taken from a crate: it is 30 lines, and the crates
/// for it bring hashers and serialization the profiler has no use for.
pub(super) struct Sketch {
    registers: Vec<u8>,
}

impl Sketch {
    fn new() -> Sketch {
        Sketch {
            registers: vec![0; 1 << SKETCH_BITS],
        }
    }

    fn add(&mut self, value: &[u8]) {
        let mut hasher = FxHasher::default();
        hasher.write(value);
        let hash = mix(hasher.finish());
        let register = (hash >> (64 - SKETCH_BITS)) as usize;
        let rest = (hash << SKETCH_BITS) | (1 << (SKETCH_BITS - 1));
        let rank = rest.leading_zeros() as u8 + 1;
        let slot = &mut self.registers[register];
        *slot = (*slot).max(rank);
    }

    fn estimate(&self) -> u64 {
        let m = self.registers.len() as f64;
        let alpha = 0.7213 / (1.0 + 1.079 / m);
        let sum: f64 = self.registers.iter().map(|r| (-f64::from(*r)).exp2()).sum();
        let raw = alpha * m * m / sum;
        let zeros = self.registers.iter().filter(|r| **r == 0).count();
        let estimate = if raw <= 2.5 * m && zeros > 0 {
            m * (m / zeros as f64).ln()
        } else {
            raw
        };
        estimate.round() as u64
    }
}

/// SplitMix64's finalizer: spreads FxHash's bits, whose high bits alone are too regular for the
/// sketch's register index.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_round_widths() {
        assert!(is_date(b"2024-02-29"));
        assert!(is_date(b"2024-02-29T10:00:00Z"));
        assert!(is_date(b"2024-02-29 10:00"));
        assert!(!is_date(b"2024-13-01"));
        assert!(!is_date(b"2024-02-29x"));
        assert!(!is_date(b"20240229"));
        assert_eq!(round_width(0.37), 0.5);
        assert_eq!(round_width(12.0), 20.0);
        assert_eq!(round_width(1.0), 1.0);
    }

    #[test]
    fn the_sketch_counts_a_million_within_two_percent() {
        let mut sketch = Sketch::new();
        for i in 0..1_000_000u32 {
            sketch.add(format!("row{i}").as_bytes());
        }
        let e = sketch.estimate() as f64;
        assert!((e - 1e6).abs() / 1e6 < 0.02, "{e}");
    }
}
