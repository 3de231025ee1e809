//! Classification metrics over predicted probabilities, under Azure ML AutoML's names and with
//! scikit-learn's definitions, computed by hand. Where those leave room:
//! - A NaN probability or score counts as 0 (for the predicted class, rankings and log loss).
//! - An undefined metric is NaN (Azure's "not calculated"): every metric when there are no rows,
//!   and the AUCs and average precisions when no class has both positive and negative rows.
//!   Serialized, NaN is written as null (and a non-finite threshold as null), and read back.
//! - Macro and weighted AUC and average precision skip a class with no positive or no negative
//!   row (scikit-learn warns or fails on such a class; Azure averages over the classes present).
//! - Macro precision, recall and F1 average over the classes found in the truth or the
//!   predictions (scikit-learn's default labels, which Azure uses); a zero denominator gives 0.

use crate::Probabilities;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Azure AutoML's classification metrics for one set of predictions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    /// The share of rows whose predicted class is the true one.
    #[serde(with = "nan_null")]
    pub accuracy: f64,
    /// One-vs-rest ROC AUC, the mean over classes.
    #[serde(with = "nan_null")]
    pub auc_macro: f64,
    /// ROC AUC over every (row, class) pair: one-hot truth against the probability.
    #[serde(with = "nan_null")]
    pub auc_micro: f64,
    /// One-vs-rest ROC AUC, weighted by the classes' supports.
    #[serde(with = "nan_null")]
    pub auc_weighted: f64,
    /// With two classes only, the ROC AUC of the positive class.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "nan_null_option"
    )]
    pub auc_binary: Option<f64>,
    /// One-vs-rest average precision, the mean over classes.
    #[serde(with = "nan_null")]
    pub average_precision_score_macro: f64,
    /// Average precision over every (row, class) pair.
    #[serde(with = "nan_null")]
    pub average_precision_score_micro: f64,
    /// One-vs-rest average precision, weighted by the classes' supports.
    #[serde(with = "nan_null")]
    pub average_precision_score_weighted: f64,
    /// The macro recall (as Azure computes it).
    #[serde(with = "nan_null")]
    pub balanced_accuracy: f64,
    /// F1, the mean over classes.
    #[serde(with = "nan_null")]
    pub f1_score_macro: f64,
    /// F1 over all rows (the accuracy, each row having one label).
    #[serde(with = "nan_null")]
    pub f1_score_micro: f64,
    /// F1, weighted by the classes' supports.
    #[serde(with = "nan_null")]
    pub f1_score_weighted: f64,
    /// The mean negative log of the true class's (renormalized, clamped) probability.
    #[serde(with = "nan_null")]
    pub log_loss: f64,
    /// The Matthews correlation coefficient (multiclass), 0 when undefined.
    #[serde(with = "nan_null")]
    pub matthews_correlation: f64,
    /// The macro recall rescaled so that chance is 0 and perfection 1, floored at 0.
    #[serde(with = "nan_null")]
    pub norm_macro_recall: f64,
    /// Precision, the mean over classes.
    #[serde(with = "nan_null")]
    pub precision_score_macro: f64,
    /// Precision over all rows (the accuracy).
    #[serde(with = "nan_null")]
    pub precision_score_micro: f64,
    /// Precision, weighted by the classes' supports.
    #[serde(with = "nan_null")]
    pub precision_score_weighted: f64,
    /// Recall, the mean over classes.
    #[serde(with = "nan_null")]
    pub recall_score_macro: f64,
    /// Recall over all rows (the accuracy).
    #[serde(with = "nan_null")]
    pub recall_score_micro: f64,
    /// Recall, weighted by the classes' supports.
    #[serde(with = "nan_null")]
    pub recall_score_weighted: f64,
    /// Accuracy with each row weighted by the number of rows of its true class.
    #[serde(with = "nan_null")]
    pub weighted_accuracy: f64,
}

impl Scores {
    /// The metrics under Azure's names, in Azure's order ("AUC_binary" only when present).
    pub fn named(&self) -> Vec<(&'static str, f64)> {
        let mut named = vec![
            ("accuracy", self.accuracy),
            ("AUC_macro", self.auc_macro),
            ("AUC_micro", self.auc_micro),
            ("AUC_weighted", self.auc_weighted),
            (
                "average_precision_score_macro",
                self.average_precision_score_macro,
            ),
            (
                "average_precision_score_micro",
                self.average_precision_score_micro,
            ),
            (
                "average_precision_score_weighted",
                self.average_precision_score_weighted,
            ),
            ("balanced_accuracy", self.balanced_accuracy),
            ("f1_score_macro", self.f1_score_macro),
            ("f1_score_micro", self.f1_score_micro),
            ("f1_score_weighted", self.f1_score_weighted),
            ("log_loss", self.log_loss),
            ("matthews_correlation", self.matthews_correlation),
            ("norm_macro_recall", self.norm_macro_recall),
            ("precision_score_macro", self.precision_score_macro),
            ("precision_score_micro", self.precision_score_micro),
            ("precision_score_weighted", self.precision_score_weighted),
            ("recall_score_macro", self.recall_score_macro),
            ("recall_score_micro", self.recall_score_micro),
            ("recall_score_weighted", self.recall_score_weighted),
            ("weighted_accuracy", self.weighted_accuracy),
        ];
        if let Some(auc) = self.auc_binary {
            named.insert(4, ("AUC_binary", auc));
        }
        named
    }

    /// The metric of Azure's name `name`, if there is one.
    pub fn get(&self, name: &str) -> Option<f64> {
        self.named()
            .into_iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
    }

    /// Whether a greater value of the metric `name` is better (all but "log_loss").
    pub fn greater_is_better(name: &str) -> bool {
        name != "log_loss"
    }
}

/// The metrics of `truth` (class indices) against `proba`, predicting each row's likeliest
/// class; `positive` is the class whose AUC is `auc_binary` when there are two classes.
pub fn score(truth: &[usize], proba: &Probabilities, positive: usize) -> Scores {
    let k = proba.classes;
    assert_eq!(truth.len(), proba.rows(), "one true class per row");
    let proba = Probabilities {
        classes: k,
        values: proba.values.iter().map(|p| zero_nan(*p)).collect(),
    };
    let matrix = confusion_matrix(truth, &proba.predicted(), k);
    let counts = Counts::new(&matrix);
    let [auc_macro, auc_weighted, auc_micro] = averaged(truth, &proba, roc_auc);
    let [ap_macro, ap_weighted, ap_micro] = averaged(truth, &proba, average_precision);
    let [precision_macro, precision_weighted] = counts.averages(Counts::precision);
    let [recall_macro, recall_weighted] = counts.averages(Counts::recall);
    let [f1_macro, f1_weighted] = counts.averages(Counts::f1);
    let accuracy = counts.accuracy();
    let auc_binary = (k == 2).then(|| {
        let positives: Vec<bool> = truth.iter().map(|t| *t == positive).collect();
        roc_auc(&positives, &class_scores(&proba, positive)).unwrap_or(f64::NAN)
    });
    Scores {
        accuracy,
        auc_macro,
        auc_micro,
        auc_weighted,
        auc_binary,
        average_precision_score_macro: ap_macro,
        average_precision_score_micro: ap_micro,
        average_precision_score_weighted: ap_weighted,
        balanced_accuracy: counts.balanced_accuracy(),
        f1_score_macro: f1_macro,
        f1_score_micro: accuracy,
        f1_score_weighted: f1_weighted,
        log_loss: log_loss(truth, &proba),
        matthews_correlation: matthews(&matrix),
        norm_macro_recall: norm_macro_recall(recall_macro, k),
        precision_score_macro: precision_macro,
        precision_score_micro: accuracy,
        precision_score_weighted: precision_weighted,
        recall_score_macro: recall_macro,
        recall_score_micro: accuracy,
        recall_score_weighted: recall_weighted,
        weighted_accuracy: counts.weighted_accuracy(),
    }
}

/// Counts of rows by true class (rows) and predicted class (columns).
pub fn confusion_matrix(truth: &[usize], predicted: &[usize], classes: usize) -> Vec<Vec<u64>> {
    assert_eq!(
        truth.len(),
        predicted.len(),
        "one prediction per true class"
    );
    let mut matrix = vec![vec![0; classes]; classes];
    for (t, p) in truth.iter().zip(predicted) {
        assert!(*t < classes && *p < classes, "classes are below {classes}");
        matrix[*t][*p] += 1;
    }
    matrix
}

/// Column `class` of `proba`, a NaN read as 0: the scores of a one-vs-rest curve.
pub fn class_scores(proba: &Probabilities, class: usize) -> Vec<f64> {
    (0..proba.rows())
        .map(|i| zero_nan(proba.row(i)[class]))
        .collect()
}

/// The area under the ROC curve, ties counting one half; None without positives or negatives.
pub fn roc_auc(truth: &[bool], score: &[f64]) -> Option<f64> {
    let points = ranked(truth, score);
    let &(_, positives, negatives) = points.last()?;
    if positives == 0.0 || negatives == 0.0 {
        return None;
    }
    let (mut area, mut tp0, mut fp0) = (0.0, 0.0, 0.0);
    for &(_, tp, fp) in &points {
        area += (fp - fp0) * (tp + tp0) / 2.0;
        (tp0, fp0) = (tp, fp);
    }
    Some(area / (positives * negatives))
}

/// Average precision as scikit-learn's (the sum of precision times recall's steps); None
/// without positives.
pub fn average_precision(truth: &[bool], score: &[f64]) -> Option<f64> {
    let points = ranked(truth, score);
    let &(_, positives, _) = points.last()?;
    if positives == 0.0 {
        return None;
    }
    let (mut sum, mut tp0) = (0.0, 0.0);
    for &(_, tp, fp) in &points {
        sum += (tp - tp0) / positives * tp / (tp + fp);
        tp0 = tp;
    }
    Some(sum)
}

/// The points of a curve and the threshold of each.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Curve {
    /// Abscissas.
    pub x: Vec<f64>,
    /// Ordinates.
    pub y: Vec<f64>,
    /// The score from which a row counts as predicted positive, at each point.
    #[serde(with = "infinite_null")]
    pub thresholds: Vec<f64>,
}

/// The ROC curve: false against true positive rates, from (0, 0) at threshold +inf, then one
/// point per distinct score, descending (a rate with no rows to count is 0).
pub fn roc_curve(truth: &[bool], score: &[f64]) -> Curve {
    let points = ranked(truth, score);
    let (_, positives, negatives) = points.last().copied().unwrap_or_default();
    let mut curve = Curve {
        x: vec![0.0],
        y: vec![0.0],
        thresholds: vec![f64::INFINITY],
    };
    for (threshold, tp, fp) in points {
        curve.x.push(ratio(fp, negatives));
        curve.y.push(ratio(tp, positives));
        curve.thresholds.push(threshold);
    }
    curve
}

/// The precision-recall curve as scikit-learn's: recall against precision, one point per
/// distinct score, ascending, then (0, 1) at threshold +inf (recall is 1 without positives).
pub fn precision_recall_curve(truth: &[bool], score: &[f64]) -> Curve {
    let points = ranked(truth, score);
    let (_, positives, _) = points.last().copied().unwrap_or_default();
    let mut curve = Curve::default();
    for &(threshold, tp, fp) in points.iter().rev() {
        curve.x.push(if positives == 0.0 {
            1.0
        } else {
            tp / positives
        });
        curve.y.push(tp / (tp + fp));
        curve.thresholds.push(threshold);
    }
    curve.x.push(0.0);
    curve.y.push(1.0);
    curve.thresholds.push(f64::INFINITY);
    curve
}

/// At most `max_points` points of `curve`: its first and last and evenly spaced ones between.
pub fn downsample(curve: &Curve, max_points: usize) -> Curve {
    let len = curve.x.len();
    if len <= max_points {
        return curve.clone();
    }
    let keep: Vec<usize> = match max_points {
        0 => vec![],
        1 => vec![0],
        m => (0..m)
            .map(|i| (i * (len - 1) + (m - 1) / 2) / (m - 1))
            .collect(),
    };
    let pick = |v: &[f64]| keep.iter().map(|&i| v[i]).collect();
    Curve {
        x: pick(&curve.x),
        y: pick(&curve.y),
        thresholds: pick(&curve.thresholds),
    }
}

/// Each distinct score, descending, with the positives and negatives scored at least as high.
fn ranked(truth: &[bool], score: &[f64]) -> Vec<(f64, f64, f64)> {
    assert_eq!(truth.len(), score.len(), "one score per row");
    let score: Vec<f64> = score.iter().map(|s| zero_nan(*s)).collect();
    let mut order: Vec<usize> = (0..score.len()).collect();
    order.sort_by(|a, b| score[*b].total_cmp(&score[*a]));
    let mut points = Vec::new();
    let (mut tp, mut fp) = (0.0, 0.0);
    for (j, &i) in order.iter().enumerate() {
        if truth[i] {
            tp += 1.0;
        } else {
            fp += 1.0;
        }
        // -0.0 and 0.0 sort next to each other and are one score.
        if order.get(j + 1).is_none_or(|&next| score[next] != score[i]) {
            points.push((score[i], tp, fp));
        }
    }
    points
}

/// A ranking metric's one-vs-rest macro and weighted averages over the classes with positive
/// and negative rows, and its micro average over all (row, class) pairs: NaN when undefined.
fn averaged(truth: &[usize], proba: &Probabilities, metric: Ranking) -> [f64; 3] {
    let (mut sum, mut count, mut weighted, mut support) = (0.0, 0.0, 0.0, 0.0);
    for c in 0..proba.classes {
        let positives: Vec<bool> = truth.iter().map(|t| *t == c).collect();
        if let Some(value) = one_vs_rest(&positives, &class_scores(proba, c), metric) {
            let n = positives.iter().filter(|p| **p).count() as f64;
            (sum, count) = (sum + value, count + 1.0);
            (weighted, support) = (weighted + n * value, support + n);
        }
    }
    let flat: Vec<bool> = truth
        .iter()
        .flat_map(|t| (0..proba.classes).map(move |c| *t == c))
        .collect();
    let micro = one_vs_rest(&flat, &proba.values, metric).unwrap_or(f64::NAN);
    [sum / count, weighted / support, micro]
}

/// A metric over scores ranked against a yes/no truth.
type Ranking = fn(&[bool], &[f64]) -> Option<f64>;

/// `metric`, when the truth has both positives and negatives.
fn one_vs_rest(truth: &[bool], score: &[f64], metric: Ranking) -> Option<f64> {
    let both = truth.iter().any(|t| *t) && truth.iter().any(|t| !*t);
    both.then(|| metric(truth, score)).flatten()
}

/// Per class: correct predictions, true rows (support) and predicted rows.
struct Counts {
    hits: Vec<f64>,
    support: Vec<f64>,
    predicted: Vec<f64>,
}

impl Counts {
    fn new(matrix: &[Vec<u64>]) -> Counts {
        let k = matrix.len();
        Counts {
            hits: (0..k).map(|c| matrix[c][c] as f64).collect(),
            support: matrix
                .iter()
                .map(|row| row.iter().sum::<u64>() as f64)
                .collect(),
            predicted: (0..k)
                .map(|c| matrix.iter().map(|r| r[c]).sum::<u64>() as f64)
                .collect(),
        }
    }

    fn precision(&self, c: usize) -> f64 {
        ratio(self.hits[c], self.predicted[c])
    }

    fn recall(&self, c: usize) -> f64 {
        ratio(self.hits[c], self.support[c])
    }

    fn f1(&self, c: usize) -> f64 {
        ratio(2.0 * self.hits[c], self.support[c] + self.predicted[c])
    }

    /// The macro (over classes true or predicted) and support-weighted means of `metric`.
    fn averages(&self, metric: fn(&Counts, usize) -> f64) -> [f64; 2] {
        let present: Vec<usize> = (0..self.hits.len())
            .filter(|c| self.support[*c] + self.predicted[*c] > 0.0)
            .collect();
        let sum: f64 = present.iter().map(|c| metric(self, *c)).sum();
        let weighted: f64 = present
            .iter()
            .map(|c| self.support[*c] * metric(self, *c))
            .sum();
        [
            sum / present.len() as f64,
            weighted / self.support.iter().sum::<f64>(),
        ]
    }

    /// scikit-learn's `balanced_accuracy_score`: the mean recall over the classes that have
    /// true rows (a class only predicted does not count, unlike macro recall).
    fn balanced_accuracy(&self) -> f64 {
        let recalls: Vec<f64> = (0..self.hits.len())
            .filter(|c| self.support[*c] > 0.0)
            .map(|c| self.recall(c))
            .collect();
        recalls.iter().sum::<f64>() / recalls.len() as f64
    }

    fn accuracy(&self) -> f64 {
        self.hits.iter().sum::<f64>() / self.support.iter().sum::<f64>()
    }

    /// Rows of class c weigh its support: the sum of support * hits over that of support².
    fn weighted_accuracy(&self) -> f64 {
        let hits: f64 = self
            .support
            .iter()
            .zip(&self.hits)
            .map(|(s, h)| s * h)
            .sum();
        hits / self.support.iter().map(|s| s * s).sum::<f64>()
    }
}

/// The mean of -ln p over rows, p the true class's probability once the row is rescaled to sum
/// to 1 (0 if its sum is not positive), clamped to [ε, 1 - ε] with ε the machine epsilon of f64 (scikit-learn 1.5 and later).
fn log_loss(truth: &[usize], proba: &Probabilities) -> f64 {
    let total: f64 = truth
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let row = proba.row(i);
            let sum: f64 = row.iter().sum();
            let p = if sum > 0.0 {
                zero_nan(row[*t] / sum)
            } else {
                0.0
            };
            -libm::log(p.clamp(f64::EPSILON, 1.0 - f64::EPSILON))
        })
        .sum();
    total / truth.len() as f64
}

/// scikit-learn's multiclass Matthews correlation; 0 when a variance is 0, NaN without rows.
fn matthews(matrix: &[Vec<u64>]) -> f64 {
    let counts = Counts::new(matrix);
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    let (t, p) = (&counts.support, &counts.predicted);
    let s: f64 = t.iter().sum();
    if s == 0.0 {
        return f64::NAN;
    }
    let covariance = counts.hits.iter().sum::<f64>() * s - dot(t, p);
    let variances = (s * s - dot(t, t)) * (s * s - dot(p, p));
    if variances == 0.0 {
        0.0
    } else {
        covariance / variances.sqrt()
    }
}

/// Azure's normalized macro recall: (recall - 1/k) / (1 - 1/k), floored at 0.
fn norm_macro_recall(recall_macro: f64, classes: usize) -> f64 {
    if classes < 2 {
        return f64::NAN;
    }
    let chance = 1.0 / classes as f64;
    let value = (recall_macro - chance) / (1.0 - chance);
    if value < 0.0 {
        0.0
    } else {
        value
    }
}

/// `a / b`, or 0 when `b` is 0 (scikit-learn's zero_division = 0).
fn ratio(a: f64, b: f64) -> f64 {
    if b == 0.0 {
        0.0
    } else {
        a / b
    }
}

/// `v`, or 0 when NaN.
fn zero_nan(v: f64) -> f64 {
    if v.is_nan() {
        0.0
    } else {
        v
    }
}

/// A number written as null when NaN (JSON has no NaN), and null read as NaN: for
/// `#[serde(with = "azimuth_ml::metrics::nan_null")]`.
pub mod nan_null {
    use super::*;

    /// Writes `v`, null when it is NaN.
    pub fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        (!v.is_nan()).then_some(*v).serialize(s)
    }

    /// Reads a number, NaN for null.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
    }
}

/// An optional number, absent when None (see `skip_serializing_if`), null when NaN.
mod nan_null_option {
    use super::*;

    pub fn serialize<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
        nan_null::serialize(&v.unwrap_or(f64::NAN), s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        nan_null::deserialize(d).map(Some)
    }
}

/// Thresholds, a non-finite one written as null and null read as +inf.
mod infinite_null {
    use super::*;

    pub fn serialize<S: Serializer>(v: &[f64], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|t| t.is_finite().then_some(*t)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
        let v = Vec::<Option<f64>>::deserialize(d)?;
        Ok(v.into_iter().map(|t| t.unwrap_or(f64::INFINITY)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-12, "{a} != {b}");
    }

    fn proba(rows: &[&[f64]]) -> Probabilities {
        Probabilities {
            classes: rows[0].len(),
            values: rows.concat(),
        }
    }

    /// Three classes of supports 5, 2 and 1, predicted [0,0,1,0,2,1,1,2], with tied scores.
    fn three_classes() -> (Vec<usize>, Probabilities) {
        let rows: [&[f64]; 8] = [
            &[0.7, 0.2, 0.1],
            &[0.5, 0.3, 0.2],
            &[0.3, 0.4, 0.3],
            &[0.6, 0.1, 0.3],
            &[0.2, 0.2, 0.6],
            &[0.3, 0.6, 0.1],
            &[0.4, 0.5, 0.1],
            &[0.1, 0.3, 0.6],
        ];
        (vec![0, 0, 0, 0, 0, 1, 1, 2], proba(&rows))
    }

    #[test]
    fn auc_counts_ties_as_halves() {
        // sklearn.metrics.roc_auc_score([0,0,1,1], [0.5,0.5,0.5,0.9]) = 0.75 (2 wins, 2 ties of 4).
        let truth = [false, false, true, true];
        close(roc_auc(&truth, &[0.5, 0.5, 0.5, 0.9]).unwrap(), 0.75);
        // sklearn's documented example: roc_auc_score([0,0,1,1], [0.1,0.4,0.35,0.8]) = 0.75.
        close(roc_auc(&truth, &[0.1, 0.4, 0.35, 0.8]).unwrap(), 0.75);
        close(roc_auc(&truth, &[0.1, 0.2, 0.3, 0.4]).unwrap(), 1.0);
        close(roc_auc(&truth, &[0.4, 0.3, 0.2, 0.1]).unwrap(), 0.0);
        assert_eq!(roc_auc(&[true, true], &[0.1, 0.2]), None);
    }

    #[test]
    fn average_precision_groups_ties() {
        // By hand, then sklearn.metrics.average_precision_score([0,1,1,0,1],
        // [0.2,0.6,0.6,0.6,0.9]) = 5/6: recall 1/3 at precision 1, then 2/3 more at 3/4.
        let truth = [false, true, true, false, true];
        let ap = average_precision(&truth, &[0.2, 0.6, 0.6, 0.6, 0.9]).unwrap();
        close(ap, 5.0 / 6.0);
    }

    #[test]
    fn three_classes_match_sklearn() {
        // With sklearn 1.9.1, y = one-hot truth: roc_auc_score(y, P, average=...) and
        // average_precision_score(y, P, average=...); precision/recall/f1_score(t, pred,
        // average=..., zero_division=0); balanced_accuracy_score, matthews_corrcoef, log_loss.
        let (truth, p) = three_classes();
        let s = score(&truth, &p, 1);
        close(s.auc_macro, 0.8984126984126984);
        close(s.auc_weighted, 0.8452380952380952);
        close(s.auc_micro, 0.85546875);
        assert_eq!(s.auc_binary, None);
        close(s.average_precision_score_macro, 0.792063492063492);
        close(s.average_precision_score_weighted, 0.8601190476190477);
        close(s.average_precision_score_micro, 0.7502506265664161);
        close(s.precision_score_macro, 0.7222222222222222);
        close(s.precision_score_weighted, 0.8541666666666666);
        close(s.recall_score_macro, 0.8666666666666667);
        close(s.recall_score_weighted, 0.75);
        close(s.f1_score_macro, 0.7388888888888889);
        close(s.f1_score_weighted, 0.7520833333333333);
        let micro = [
            s.precision_score_micro,
            s.recall_score_micro,
            s.f1_score_micro,
        ];
        assert!(micro.iter().all(|m| *m == s.accuracy) && s.accuracy == 0.75);
        close(s.balanced_accuracy, 0.8666666666666667);
        close(s.matthews_correlation, 0.6615701550312039);
        close(s.log_loss, 0.7611071116395789);
        // By hand: (13/15 - 1/3) / (2/3) = 0.8.
        close(s.norm_macro_recall, 0.8);
        // By hand: (5·3 + 2·2 + 1·1) / (5² + 2² + 1²) = 2/3; Azure's formula (weights
        // support / n, sklearn accuracy_score with sample_weight) gives 0.6666666666666666.
        close(s.weighted_accuracy, 2.0 / 3.0);
    }

    #[test]
    fn matthews_on_confusion_matrices() {
        // sklearn.metrics.confusion_matrix on the three-class case.
        let (truth, p) = three_classes();
        let matrix = confusion_matrix(&truth, &p.predicted(), 3);
        assert_eq!(matrix, vec![vec![3, 1, 1], vec![0, 2, 0], vec![0, 0, 1]]);
        // sklearn.metrics.matthews_corrcoef(truth, predicted) on it.
        close(matthews(&matrix), 0.6615701550312039);
        // sklearn.metrics.matthews_corrcoef([1,1,1,0,0,0,1,0], [1,0,1,0,1,0,1,0]) = 0.5.
        close(matthews(&[vec![3, 1], vec![1, 3]]), 0.5);
        // A constant prediction has no variance: 0, as sklearn.
        close(matthews(&[vec![2, 0], vec![2, 0]]), 0.0);
    }

    #[test]
    fn two_classes_give_the_binary_auc() {
        // sklearn: roc_auc_score([0,0,1,1], P[:,1]) = 0.75 and, y one-hot, roc_auc_score(y, P,
        // average="micro") = 0.8125; average_precision_score(y, P, average=...) = 0.8333
        // (macro, weighted) and 0.8541666666666666 (micro).
        let p = proba(&[&[0.9, 0.1], &[0.6, 0.4], &[0.65, 0.35], &[0.2, 0.8]]);
        let s = score(&[0, 0, 1, 1], &p, 1);
        close(s.auc_binary.unwrap(), 0.75);
        close(s.auc_macro, 0.75);
        close(s.auc_weighted, 0.75);
        close(s.auc_micro, 0.8125);
        close(s.average_precision_score_macro, 5.0 / 6.0);
        close(s.average_precision_score_micro, 0.8541666666666666);
        // Recalls 1 and 1/2: macro 3/4, rescaled from chance 1/2 to 1/2.
        close(s.balanced_accuracy, 0.75);
        close(s.norm_macro_recall, 0.5);
        assert_eq!(s.get("AUC_binary"), Some(0.75));
        // Recalls 0 and 1: macro 1/2 = chance, 0; all wrong: below chance, floored at 0.
        close(norm_macro_recall(0.5, 2), 0.0);
        close(norm_macro_recall(0.0, 3), 0.0);
        close(norm_macro_recall(1.0, 4), 1.0);
    }

    #[test]
    fn log_loss_renormalizes_rows() {
        // sklearn.metrics.log_loss([0,1,1], [[0.8,0.2],[0.3,0.7],[0.5,0.5]]) =
        // 0.4243218919376292; the row [2, 2] is rescaled to [0.5, 0.5].
        let p = proba(&[&[0.8, 0.2], &[0.3, 0.7], &[2.0, 2.0]]);
        close(log_loss(&[0, 1, 1], &p), 0.4243218919376292);
        // A zero probability is clamped to the machine epsilon.
        let certain = proba(&[&[1.0, 0.0]]);
        close(log_loss(&[1], &certain), -f64::EPSILON.ln());
    }

    #[test]
    fn nan_counts_as_zero() {
        let p = proba(&[&[f64::NAN, 0.4], &[0.7, 0.3]]);
        let s = score(&[1, 0], &p, 1);
        close(s.accuracy, 1.0);
        close(s.auc_binary.unwrap(), 1.0);
        assert_eq!(class_scores(&p, 0), vec![0.0, 0.7]);
    }

    #[test]
    fn undefined_metrics_are_nan_and_survive_json() {
        // One class only in the truth: no one-vs-rest AUC is defined.
        let p = proba(&[&[0.9, 0.1], &[0.4, 0.6]]);
        let s = score(&[0, 0], &p, 1);
        assert!(s.auc_macro.is_nan() && s.auc_binary.unwrap().is_nan());
        close(s.auc_micro, 0.75);
        let json = serde_json::to_string(&s).unwrap();
        let back: Scores = serde_json::from_str(&json).unwrap();
        assert_eq!(format!("{:?}", back.named()), format!("{:?}", s.named()));
        assert!(score(&[], &proba(&[&[]]), 0).accuracy.is_nan());
    }

    #[test]
    fn roc_curve_points() {
        // sklearn.metrics.roc_curve([0,0,1,1], [0.1,0.4,0.35,0.8], drop_intermediate=False).
        let curve = roc_curve(&[false, false, true, true], &[0.1, 0.4, 0.35, 0.8]);
        assert_eq!(curve.x, vec![0.0, 0.0, 0.5, 0.5, 1.0]);
        assert_eq!(curve.y, vec![0.0, 0.5, 0.5, 1.0, 1.0]);
        assert_eq!(curve.thresholds, vec![f64::INFINITY, 0.8, 0.4, 0.35, 0.1]);
        let json = serde_json::to_string(&curve).unwrap();
        assert_eq!(serde_json::from_str::<Curve>(&json).unwrap(), curve);
    }

    #[test]
    fn precision_recall_curve_points() {
        // sklearn.metrics.precision_recall_curve([0,0,1,1], [0.1,0.4,0.35,0.8]): precision
        // [0.5, 2/3, 0.5, 1, 1], recall [1, 1, 0.5, 0.5, 0], thresholds [0.1, 0.35, 0.4, 0.8].
        let curve = precision_recall_curve(&[false, false, true, true], &[0.1, 0.4, 0.35, 0.8]);
        assert_eq!(curve.x, vec![1.0, 1.0, 0.5, 0.5, 0.0]);
        assert_eq!(curve.y, vec![0.5, 2.0 / 3.0, 0.5, 1.0, 1.0]);
        assert_eq!(curve.thresholds, vec![0.1, 0.35, 0.4, 0.8, f64::INFINITY]);
    }

    #[test]
    fn downsample_keeps_the_ends() {
        let x: Vec<f64> = (0..10).map(f64::from).collect();
        let curve = Curve {
            x: x.clone(),
            y: x.clone(),
            thresholds: x,
        };
        assert_eq!(downsample(&curve, 4).x, vec![0.0, 3.0, 6.0, 9.0]);
        assert_eq!(downsample(&curve, 3).x, vec![0.0, 5.0, 9.0]);
        assert_eq!(downsample(&curve, 20), curve);
    }

    #[test]
    fn names_are_azures() {
        let (truth, p) = three_classes();
        let s = score(&truth, &p, 0);
        let names: Vec<&str> = s.named().iter().map(|(n, _)| *n).collect();
        let azure = "accuracy AUC_macro AUC_micro AUC_weighted average_precision_score_macro \
            average_precision_score_micro average_precision_score_weighted balanced_accuracy \
            f1_score_macro f1_score_micro f1_score_weighted log_loss matthews_correlation \
            norm_macro_recall precision_score_macro precision_score_micro \
            precision_score_weighted recall_score_macro recall_score_micro \
            recall_score_weighted weighted_accuracy";
        assert_eq!(names.join(" "), azure);
        assert!(names.iter().all(|n| s.get(n).is_some()));
        assert_eq!(s.get("norm_macro_recall"), Some(s.norm_macro_recall));
        assert_eq!(s.get("AUC_binary"), None);
        assert!(!Scores::greater_is_better("log_loss"));
        assert!(Scores::greater_is_better("AUC_weighted"));
    }
}
