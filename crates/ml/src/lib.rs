//! Azimuth's training engine, built for the server and for wasm (the browser's worker is to
//! train with it too): a table's
//! columns made into features as Azure's AutoML does ([`featurize`]), classifiers trained with
//! seeded hyperparameters ([`models`]), validation splits ([`validate`]), and every metric
//! computed here over predicted probabilities ([`metrics`]), so the figures do not depend on
//! how a model was trained. Pure Rust: no IO, no clock, no threads; every draw comes from one
//! seeded generator and every `exp` and `ln` from `libm`, so the same input and seed give the
//! same numbers on any platform, wasm included.

pub mod decimal;
pub mod featurize;
pub mod metrics;
pub mod models;
pub mod random;
pub mod sweep;
pub mod testing;
pub mod validate;

/// A dense matrix of features, row-major: `rows` x `cols`.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Features {
    /// Rows (examples).
    pub rows: usize,
    /// Columns (features).
    pub cols: usize,
    /// `rows * cols` values, a row after another.
    pub values: Vec<f64>,
}

impl Features {
    /// A matrix of `cols` columns from its rows.
    pub fn from_rows(cols: usize, rows: &[Vec<f64>]) -> Features {
        let mut values = Vec::with_capacity(rows.len() * cols);
        for row in rows {
            assert_eq!(row.len(), cols, "every row has {cols} values");
            values.extend_from_slice(row);
        }
        Features {
            rows: rows.len(),
            cols,
            values,
        }
    }

    /// Row `i`.
    pub fn row(&self, i: usize) -> &[f64] {
        &self.values[i * self.cols..(i + 1) * self.cols]
    }

    /// The rows `which`, in that order.
    pub fn select(&self, which: &[usize]) -> Features {
        let mut values = Vec::with_capacity(which.len() * self.cols);
        for &i in which {
            values.extend_from_slice(self.row(i));
        }
        Features {
            rows: which.len(),
            cols: self.cols,
            values,
        }
    }
}

/// Predicted class probabilities, row-major: `rows` x `classes`, each row summing to 1.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Probabilities {
    /// The number of classes.
    pub classes: usize,
    /// `rows * classes` values.
    pub values: Vec<f64>,
}

impl Probabilities {
    /// The rows' count.
    pub fn rows(&self) -> usize {
        self.values.len().checked_div(self.classes).unwrap_or(0)
    }

    /// Row `i`'s probabilities.
    pub fn row(&self, i: usize) -> &[f64] {
        &self.values[i * self.classes..(i + 1) * self.classes]
    }

    /// The most probable class of each row (the lowest index on a tie).
    pub fn predicted(&self) -> Vec<usize> {
        (0..self.rows())
            .map(|i| {
                let row = self.row(i);
                let mut best = 0;
                for (c, p) in row.iter().enumerate() {
                    if *p > row[best] {
                        best = c;
                    }
                }
                best
            })
            .collect()
    }
}
