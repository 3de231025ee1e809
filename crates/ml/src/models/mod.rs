//! The classifiers a trial trains, under Azure's `ClassificationModels` names, each with its
//! hyperparameters ([`Params`]: a default, and a seeded draw from its search space) and its
//! fitted form ([`Model`]), which predicts class probabilities and is saved with the job's
//! model.

mod bayes;
mod bins;
mod boost;
mod forest;
mod knn;
mod linear;
mod tree;

pub use bins::Binned;

use crate::random::Rng;
use crate::{Features, Probabilities};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// A classification algorithm, as Azure's AutoML names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Algorithm {
    /// Softmax regression.
    LogisticRegression,
    /// Gradient-boosted trees.
    GradientBoosting,
    /// A forest on bootstrap samples.
    RandomForest,
    /// A forest with random thresholds.
    ExtremeRandomTrees,
    /// One tree.
    DecisionTree,
    /// A linear squared-hinge classifier.
    LinearSVM,
    /// Nearest neighbours.
    KNN,
    /// Naive Bayes over present and absent features.
    BernoulliNaiveBayes,
}

impl Algorithm {
    /// Every algorithm, in the order a sweep first tries them.
    pub const ALL: [Algorithm; 8] = [
        Algorithm::LogisticRegression,
        Algorithm::GradientBoosting,
        Algorithm::RandomForest,
        Algorithm::ExtremeRandomTrees,
        Algorithm::DecisionTree,
        Algorithm::LinearSVM,
        Algorithm::KNN,
        Algorithm::BernoulliNaiveBayes,
    ];

    /// Azure's name (`allowedTrainingAlgorithms`, the leaderboard's Algorithm column).
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::LogisticRegression => "LogisticRegression",
            Algorithm::GradientBoosting => "GradientBoosting",
            Algorithm::RandomForest => "RandomForest",
            Algorithm::ExtremeRandomTrees => "ExtremeRandomTrees",
            Algorithm::DecisionTree => "DecisionTree",
            Algorithm::LinearSVM => "LinearSVM",
            Algorithm::KNN => "KNN",
            Algorithm::BernoulliNaiveBayes => "BernoulliNaiveBayes",
        }
    }

    /// The algorithm a name gives, in Azure's PascalCase or the CLI's snake_case
    /// (`logistic_regression`, `linear_svm`, `knn`).
    pub fn parse(name: &str) -> Option<Algorithm> {
        let plain: String = name
            .chars()
            .filter(|c| *c != '_')
            .collect::<String>()
            .to_ascii_lowercase();
        Algorithm::ALL
            .into_iter()
            .find(|a| a.name().to_ascii_lowercase() == plain)
    }
}

/// An algorithm's hyperparameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "algorithm")]
pub enum Params {
    /// Inverse L2 strength `c`.
    LogisticRegression {
        /// Inverse regularization strength (scikit-learn's `C`).
        c: f64,
    },
    /// Rounds of trees on the log loss.
    GradientBoosting {
        /// Rounds.
        rounds: usize,
        /// Step taken of each tree.
        learning_rate: f64,
        /// Tree depth.
        max_depth: usize,
        /// Rows per leaf, at least.
        min_leaf: usize,
        /// L2 on leaf values.
        lambda: f64,
        /// Rows each round learns from.
        subsample: f64,
    },
    /// Bootstrap forest.
    RandomForest {
        /// Trees.
        trees: usize,
        /// Tree depth.
        max_depth: usize,
        /// Rows per leaf, at least.
        min_leaf: usize,
        /// Share of features tried per split.
        max_features: f64,
    },
    /// Random-threshold forest.
    ExtremeRandomTrees {
        /// Trees.
        trees: usize,
        /// Tree depth.
        max_depth: usize,
        /// Rows per leaf, at least.
        min_leaf: usize,
        /// Share of features tried per split.
        max_features: f64,
    },
    /// One tree.
    DecisionTree {
        /// Tree depth.
        max_depth: usize,
        /// Rows per leaf, at least.
        min_leaf: usize,
        /// Share of features tried per split.
        max_features: f64,
    },
    /// Squared hinge, inverse L2 strength `c`.
    LinearSVM {
        /// Inverse regularization strength.
        c: f64,
    },
    /// `k` neighbours.
    KNN {
        /// Neighbours.
        k: usize,
        /// Whether nearer neighbours count more.
        by_distance: bool,
    },
    /// Smoothing `alpha`.
    BernoulliNaiveBayes {
        /// Additive smoothing.
        alpha: f64,
    },
}

/// Gradient steps of the linear models.
const LINEAR_ITERATIONS: usize = 300;

impl Params {
    /// The algorithm's defaults: a sweep's first trial of it.
    pub fn default_for(algorithm: Algorithm) -> Params {
        match algorithm {
            Algorithm::LogisticRegression => Params::LogisticRegression { c: 1.0 },
            Algorithm::GradientBoosting => Params::GradientBoosting {
                rounds: 100,
                learning_rate: 0.1,
                max_depth: 5,
                min_leaf: 20,
                lambda: 1.0,
                subsample: 1.0,
            },
            Algorithm::RandomForest => Params::RandomForest {
                trees: 100,
                max_depth: 16,
                min_leaf: 2,
                max_features: 0.3,
            },
            Algorithm::ExtremeRandomTrees => Params::ExtremeRandomTrees {
                trees: 100,
                max_depth: 16,
                min_leaf: 2,
                max_features: 0.5,
            },
            Algorithm::DecisionTree => Params::DecisionTree {
                max_depth: 8,
                min_leaf: 5,
                max_features: 1.0,
            },
            Algorithm::LinearSVM => Params::LinearSVM { c: 1.0 },
            Algorithm::KNN => Params::KNN {
                k: 15,
                by_distance: false,
            },
            Algorithm::BernoulliNaiveBayes => Params::BernoulliNaiveBayes { alpha: 1.0 },
        }
    }

    /// A draw from the algorithm's search space.
    pub fn sample(algorithm: Algorithm, rng: &mut Rng) -> Params {
        let log_uniform = |rng: &mut Rng, low: f64, high: f64| {
            let (a, b) = (libm::log(low), libm::log(high));
            round3(libm::exp(a + rng.unit() * (b - a)))
        };
        fn pick<T: Copy>(rng: &mut Rng, from: &[T]) -> T {
            from[rng.below(from.len())]
        }
        match algorithm {
            Algorithm::LogisticRegression => Params::LogisticRegression {
                c: log_uniform(rng, 0.01, 100.0),
            },
            Algorithm::GradientBoosting => Params::GradientBoosting {
                rounds: pick(rng, &[50, 100, 200]),
                learning_rate: pick(rng, &[0.03, 0.05, 0.1, 0.2]),
                max_depth: pick(rng, &[3, 4, 5, 6, 8]),
                min_leaf: pick(rng, &[5, 10, 20, 50]),
                lambda: pick(rng, &[0.0, 1.0, 5.0]),
                subsample: pick(rng, &[0.7, 0.85, 1.0]),
            },
            Algorithm::RandomForest | Algorithm::ExtremeRandomTrees => {
                let trees = pick(rng, &[50, 100, 150]);
                let max_depth = pick(rng, &[8, 12, 16, 24]);
                let min_leaf = pick(rng, &[1, 2, 5, 10]);
                let max_features = pick(rng, &[0.2, 0.3, 0.5, 0.8]);
                if algorithm == Algorithm::RandomForest {
                    Params::RandomForest {
                        trees,
                        max_depth,
                        min_leaf,
                        max_features,
                    }
                } else {
                    Params::ExtremeRandomTrees {
                        trees,
                        max_depth,
                        min_leaf,
                        max_features,
                    }
                }
            }
            Algorithm::DecisionTree => Params::DecisionTree {
                max_depth: pick(rng, &[3, 5, 8, 12]),
                min_leaf: pick(rng, &[1, 5, 10, 20, 50]),
                max_features: pick(rng, &[0.5, 0.8, 1.0]),
            },
            Algorithm::LinearSVM => Params::LinearSVM {
                c: log_uniform(rng, 0.01, 10.0),
            },
            Algorithm::KNN => Params::KNN {
                k: pick(rng, &[5, 9, 15, 25, 41]),
                by_distance: rng.unit() < 0.5,
            },
            Algorithm::BernoulliNaiveBayes => Params::BernoulliNaiveBayes {
                alpha: log_uniform(rng, 0.01, 10.0),
            },
        }
    }

    /// The algorithm these are for.
    pub fn algorithm(&self) -> Algorithm {
        match self {
            Params::LogisticRegression { .. } => Algorithm::LogisticRegression,
            Params::GradientBoosting { .. } => Algorithm::GradientBoosting,
            Params::RandomForest { .. } => Algorithm::RandomForest,
            Params::ExtremeRandomTrees { .. } => Algorithm::ExtremeRandomTrees,
            Params::DecisionTree { .. } => Algorithm::DecisionTree,
            Params::LinearSVM { .. } => Algorithm::LinearSVM,
            Params::KNN { .. } => Algorithm::KNN,
            Params::BernoulliNaiveBayes { .. } => Algorithm::BernoulliNaiveBayes,
        }
    }

    /// Trains a model with these on `data`.
    pub fn fit(&self, data: &TrainingSet, rng: &mut Rng) -> Model {
        let (x, labels, classes) = (&data.x, &data.labels[..], data.classes);
        let growth = |max_depth, min_leaf, share: f64, random_thresholds| tree::Growth {
            max_depth,
            min_leaf,
            features_per_split: ((x.cols as f64 * share).round() as usize).max(1),
            random_thresholds,
        };
        let forest = |trees, growth, bootstrap, rng: &mut Rng| {
            let settings = forest::ForestSettings {
                trees,
                growth,
                bootstrap,
            };
            Model::Trees(forest::Forest::fit(
                data.binned(),
                labels,
                classes,
                &settings,
                rng,
            ))
        };
        match *self {
            Params::LogisticRegression { c } => Model::Linear(linear::Linear::fit(
                x,
                labels,
                classes,
                linear::Loss::Logistic,
                c,
                LINEAR_ITERATIONS,
            )),
            Params::LinearSVM { c } => Model::Linear(linear::Linear::fit(
                x,
                labels,
                classes,
                linear::Loss::SquaredHinge,
                c,
                LINEAR_ITERATIONS,
            )),
            Params::GradientBoosting {
                rounds,
                learning_rate,
                max_depth,
                min_leaf,
                lambda,
                subsample,
            } => {
                let settings = boost::BoostSettings {
                    rounds,
                    learning_rate,
                    growth: growth(max_depth, min_leaf, 1.0, false),
                    lambda,
                    subsample,
                };
                Model::Boosted(boost::Boosted::fit(
                    data.binned(),
                    labels,
                    classes,
                    &settings,
                    rng,
                ))
            }
            Params::RandomForest {
                trees,
                max_depth,
                min_leaf,
                max_features,
            } => forest(
                trees,
                growth(max_depth, min_leaf, max_features, false),
                true,
                rng,
            ),
            Params::ExtremeRandomTrees {
                trees,
                max_depth,
                min_leaf,
                max_features,
            } => forest(
                trees,
                growth(max_depth, min_leaf, max_features, true),
                false,
                rng,
            ),
            Params::DecisionTree {
                max_depth,
                min_leaf,
                max_features,
            } => forest(
                1,
                growth(max_depth, min_leaf, max_features, false),
                false,
                rng,
            ),
            Params::KNN { k, by_distance } => Model::Knn(knn::Knn {
                x: x.clone(),
                labels: labels.to_vec(),
                classes,
                k,
                by_distance,
            }),
            Params::BernoulliNaiveBayes { alpha } => {
                Model::NaiveBayes(bayes::BernoulliNb::fit(x, labels, classes, alpha))
            }
        }
    }
}

/// Rounds to 3 significant decimals, so drawn values read well on the leaderboard.
fn round3(v: f64) -> f64 {
    if v == 0.0 {
        return 0.0;
    }
    let scale = libm::pow(
        10.0,
        f64::from(2 - libm::floor(libm::log10(v.abs())) as i32),
    );
    (v * scale).round() / scale
}

/// A training set: features, classes, and its binned form made once for all the tree models
/// trained on it.
pub struct TrainingSet {
    /// The features.
    pub x: Features,
    /// Each row's class.
    pub labels: Vec<usize>,
    /// The number of classes.
    pub classes: usize,
    binned: OnceLock<Binned>,
}

impl TrainingSet {
    /// A training set of `x` and `labels`.
    pub fn new(x: Features, labels: Vec<usize>, classes: usize) -> TrainingSet {
        TrainingSet {
            x,
            labels,
            classes,
            binned: OnceLock::new(),
        }
    }

    /// Its features binned (made on first use).
    pub fn binned(&self) -> &Binned {
        self.binned.get_or_init(|| Binned::new(&self.x))
    }
}

/// A trained classifier.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Model {
    /// LogisticRegression or LinearSVM.
    Linear(linear::Linear),
    /// DecisionTree, RandomForest or ExtremeRandomTrees.
    Trees(forest::Forest),
    /// GradientBoosting.
    Boosted(boost::Boosted),
    /// KNN.
    Knn(knn::Knn),
    /// BernoulliNaiveBayes.
    NaiveBayes(bayes::BernoulliNb),
}

impl Model {
    /// Each row's class probabilities.
    pub fn predict_proba(&self, x: &Features) -> Probabilities {
        match self {
            Model::Linear(m) => m.predict_proba(x),
            Model::Trees(m) => m.predict_proba(x),
            Model::Boosted(m) => m.predict_proba(x),
            Model::Knn(m) => m.predict_proba(x),
            Model::NaiveBayes(m) => m.predict_proba(x),
        }
    }
}

/// 1 / (1 + e^-x).
pub(crate) fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + libm::exp(-x))
}

/// Replaces `scores` by their softmax (stable for large values).
pub(crate) fn softmax(scores: &mut [f64]) {
    let top = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut sum = 0.0;
    for s in scores.iter_mut() {
        *s = libm::exp(*s - top);
        sum += *s;
    }
    for s in scores.iter_mut() {
        *s /= sum;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` rows of `cols` features: `classes` Gaussian blobs `spread` apart (0: on top of
    /// each other), centred on 0 as scaled features are, and each row's class.
    pub(crate) fn blobs(
        n: usize,
        cols: usize,
        classes: usize,
        spread: f64,
        seed: u64,
    ) -> (Features, Vec<usize>) {
        let mut rng = Rng::new(seed);
        let mut rows = Vec::with_capacity(n);
        let mut labels = Vec::with_capacity(n);
        for i in 0..n {
            let class = i % classes;
            let row = (0..cols)
                .map(|j| {
                    let centre = if j % classes == class { spread } else { 0.0 };
                    centre - spread / classes as f64 + gaussian(&mut rng)
                })
                .collect();
            rows.push(row);
            labels.push(class);
        }
        (Features::from_rows(cols, &rows), labels)
    }

    fn gaussian(rng: &mut Rng) -> f64 {
        let u = rng.unit().max(1e-12);
        let v = rng.unit();
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }

    fn accuracy(model: &Model, x: &Features, labels: &[usize]) -> f64 {
        let p = model.predict_proba(x);
        for i in 0..p.rows() {
            let sum: f64 = p.row(i).iter().sum();
            assert!((sum - 1.0).abs() < 1e-9, "row {i} sums to {sum}");
        }
        let right = p
            .predicted()
            .iter()
            .zip(labels)
            .filter(|(a, b)| a == b)
            .count();
        right as f64 / labels.len() as f64
    }

    #[test]
    fn every_algorithm_learns_separable_classes_and_beats_chance_on_noisy_ones() {
        for classes in [2, 3] {
            let (x, y) = blobs(600, 6, classes, 6.0, 1);
            let (test_x, test_y) = blobs(300, 6, classes, 6.0, 2);
            let (noisy_x, noisy_y) = blobs(600, 6, classes, 1.0, 3);
            let (noisy_test_x, noisy_test_y) = blobs(300, 6, classes, 1.0, 4);
            for algorithm in Algorithm::ALL {
                let params = Params::default_for(algorithm);
                let model = params.fit(
                    &TrainingSet::new(x.clone(), y.clone(), classes),
                    &mut Rng::new(7),
                );
                let clean = accuracy(&model, &test_x, &test_y);
                assert!(clean >= 0.97, "{algorithm:?}, {classes} classes: {clean}");
                let model = params.fit(
                    &TrainingSet::new(noisy_x.clone(), noisy_y.clone(), classes),
                    &mut Rng::new(7),
                );
                let noisy = accuracy(&model, &noisy_test_x, &noisy_test_y);
                let chance = 1.0 / classes as f64;
                assert!(
                    noisy > chance + 0.15 && noisy < 0.97,
                    "{algorithm:?}, {classes} classes: {noisy}"
                );
            }
        }
    }

    #[test]
    fn the_same_seed_trains_the_same_model_and_drawn_params_stay_in_their_space() {
        let (x, y) = blobs(300, 4, 2, 1.5, 5);
        let data = TrainingSet::new(x.clone(), y, 2);
        let mut draws = Rng::new(11);
        for algorithm in Algorithm::ALL {
            for _ in 0..3 {
                let params = Params::sample(algorithm, &mut draws);
                assert_eq!(params.algorithm(), algorithm);
                let a = params.fit(&data, &mut Rng::new(3)).predict_proba(&x);
                let b = params.fit(&data, &mut Rng::new(3)).predict_proba(&x);
                assert_eq!(a, b, "{params:?}");
            }
        }
        assert_eq!(Algorithm::parse("linear_svm"), Some(Algorithm::LinearSVM));
        assert_eq!(
            Algorithm::parse("ExtremeRandomTrees"),
            Some(Algorithm::ExtremeRandomTrees)
        );
        assert_eq!(Algorithm::parse("knn"), Some(Algorithm::KNN));
        assert_eq!(Algorithm::parse("LightGBM"), None);
        assert_eq!(round3(0.012345), 0.0123);
        assert_eq!(round3(12.345), 12.3);
    }
}
