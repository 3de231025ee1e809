//! An AutoML classification sweep, one trial at a time so its caller (the server's runner
//! thread) can log each as a child run, honour timeouts and stop on Cancel:
//! - [`Sweep::new`] splits off the target, plans the validation folds, fits each fold's
//!   featurizer on that fold's training rows only, and reports the data guardrails;
//! - [`Sweep::next_trials`] names the next trials (as many as may run at once): first each
//!   allowed algorithm's defaults, then draws from the search spaces of the algorithms doing
//!   best so far; none once the sweep is done (trials used up, the exit score reached, or no
//!   gain in [`PATIENCE`] trials with early termination on). Trials named together are drawn
//!   from what the trials before them scored, so running them at once or one after another
//!   gives the same leaderboard;
//! - [`Sweep::train`] trains a trial on every fold (it may run on any thread, and stops between
//!   folds when told to), and [`Sweep::keep`] scores it (metrics averaged over folds, as Azure
//!   reports them) or keeps it as failed;
//! - [`Sweep::ensemble`] adds the VotingEnsemble: trials picked greedily, with repeats, by how
//!   much they raise the primary metric of the averaged out-of-fold probabilities (Caruana's
//!   ensemble selection, as AutoML's);
//! - [`Sweep::final_model`] retrains a trial (or an ensemble's members) on every row.

use crate::featurize::{self, Featurizer, Frame, Guardrail, GuardrailState, Target};
use crate::metrics::{self, Scores};
use crate::models::{Algorithm, Model, Params, TrainingSet};
use crate::random::Rng;
use crate::testing::{set_aside, TestData, TestSet, Tested};
use crate::validate::{self, Validation};
use crate::{Features, Probabilities};
use serde::{Deserialize, Serialize};

/// Why a table cannot be trained on when featurization leaves no column.
const NO_COLUMNS: &str = "No column is left to learn from once identifiers, constant and empty columns are dropped: add columns that describe the rows.";
/// Trials without a better primary metric after which early termination stops a sweep.
pub const PATIENCE: usize = 10;
/// Rows above which KNN is not tried (it compares every validation row with every training
/// row: quadratic time).
pub const KNN_MAX_ROWS: usize = 20_000;
/// Trials an ensemble chooses from: the best ones.
const ENSEMBLE_CANDIDATES: usize = 10;
/// Picks an ensemble makes, at most.
const ENSEMBLE_PICKS: usize = 15;

/// The metric a sweep ranks trials by (Azure's `ClassificationPrimaryMetrics`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PrimaryMetric {
    /// AUC, weighted by class support.
    #[default]
    AUCWeighted,
    /// Accuracy.
    Accuracy,
    /// Macro recall, 0 for chance.
    NormMacroRecall,
    /// Average precision, weighted.
    AveragePrecisionScoreWeighted,
    /// Precision, weighted.
    PrecisionScoreWeighted,
}

impl PrimaryMetric {
    /// Every primary metric.
    pub const ALL: [PrimaryMetric; 5] = [
        PrimaryMetric::AUCWeighted,
        PrimaryMetric::Accuracy,
        PrimaryMetric::NormMacroRecall,
        PrimaryMetric::AveragePrecisionScoreWeighted,
        PrimaryMetric::PrecisionScoreWeighted,
    ];

    /// The name of the metric it is, as runs log it (`AUC_weighted`).
    pub fn metric(self) -> &'static str {
        match self {
            PrimaryMetric::AUCWeighted => "AUC_weighted",
            PrimaryMetric::Accuracy => "accuracy",
            PrimaryMetric::NormMacroRecall => "norm_macro_recall",
            PrimaryMetric::AveragePrecisionScoreWeighted => "average_precision_score_weighted",
            PrimaryMetric::PrecisionScoreWeighted => "precision_score_weighted",
        }
    }

    /// Its ARM name (`AUCWeighted`).
    pub fn arm_name(self) -> &'static str {
        match self {
            PrimaryMetric::AUCWeighted => "AUCWeighted",
            PrimaryMetric::Accuracy => "Accuracy",
            PrimaryMetric::NormMacroRecall => "NormMacroRecall",
            PrimaryMetric::AveragePrecisionScoreWeighted => "AveragePrecisionScoreWeighted",
            PrimaryMetric::PrecisionScoreWeighted => "PrecisionScoreWeighted",
        }
    }

    /// The studio's label (`AUC weighted`).
    pub fn label(self) -> &'static str {
        match self {
            PrimaryMetric::AUCWeighted => "AUC weighted",
            PrimaryMetric::Accuracy => "Accuracy",
            PrimaryMetric::NormMacroRecall => "Norm macro recall",
            PrimaryMetric::AveragePrecisionScoreWeighted => "Average precision score weighted",
            PrimaryMetric::PrecisionScoreWeighted => "Precision score weighted",
        }
    }

    /// The metric an ARM name (`AUCWeighted`) or a CLI one (`auc_weighted`) gives.
    pub fn parse(name: &str) -> Option<PrimaryMetric> {
        let plain = |s: &str| s.replace('_', "").to_ascii_lowercase();
        PrimaryMetric::ALL
            .into_iter()
            .find(|m| plain(m.arm_name()) == plain(name) || plain(m.metric()) == plain(name))
    }
}

/// What a sweep is asked to do.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// The column to predict.
    pub target: String,
    /// The positive class (two classes): AUC_binary's and the curves' first class.
    pub positive_label: Option<String>,
    /// The metric trials are ranked by.
    pub primary_metric: PrimaryMetric,
    /// The algorithms allowed (empty: all).
    pub allowed: Vec<Algorithm>,
    /// The algorithms blocked.
    pub blocked: Vec<Algorithm>,
    /// Trials, at most (the ensemble not counted).
    pub max_trials: usize,
    /// Stop once a trial's primary metric reaches this.
    pub exit_score: Option<f64>,
    /// Stop after [`PATIENCE`] trials without a better one.
    pub early_termination: bool,
    /// How trials are validated.
    pub validation: Validation,
    /// How columns become features.
    pub featurization: featurize::Settings,
    /// Whether a VotingEnsemble ends the sweep.
    pub vote_ensemble: bool,
    /// What the best model is tested on.
    pub test: TestData,
    /// The seed of every draw.
    pub seed: u64,
}

impl Settings {
    /// A sweep predicting `target` with Azure's defaults and `max_trials` trials.
    pub fn new(target: &str, max_trials: usize) -> Settings {
        Settings {
            target: target.to_owned(),
            positive_label: None,
            primary_metric: PrimaryMetric::default(),
            allowed: Vec::new(),
            blocked: Vec::new(),
            max_trials,
            exit_score: None,
            early_termination: true,
            validation: Validation::Auto,
            featurization: featurize::Settings::default(),
            vote_ensemble: true,
            test: TestData::None,
            seed: 42,
        }
    }
}

/// A scored trial: one of the leaderboard's rows.
#[derive(Clone, Debug, PartialEq)]
pub struct Trial {
    /// Its number, from 0 (the ensemble's is after the last trial's).
    pub iteration: usize,
    /// The algorithm's name ("VotingEnsemble" for the ensemble).
    pub algorithm: String,
    /// Its hyperparameters (`None` for the ensemble).
    pub params: Option<Params>,
    /// The ensemble's members (trial iterations) and their weights.
    pub members: Vec<(usize, f64)>,
    /// Every metric under Azure's names, averaged over the folds.
    pub metrics: Vec<(&'static str, f64)>,
    /// The primary metric.
    pub primary: f64,
    /// Each fold's probabilities for its validation rows.
    pub fold_probabilities: Vec<Probabilities>,
    /// Why it did not finish (its iteration timeout), if it did not: it has no metrics.
    pub failed: Option<String>,
}

impl Trial {
    /// A metric by its name.
    pub fn metric(&self, name: &str) -> Option<f64> {
        self.metrics
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
    }
}

/// A fold made ready: its rows as features (made by a featurizer fit on its training rows).
struct PreparedFold {
    train: TrainingSet,
    valid_x: Features,
    valid_y: Vec<usize>,
}

/// A sweep in progress.
pub struct Sweep {
    frame: Frame,
    target: Target,
    positive: usize,
    settings: Settings,
    algorithms: Vec<Algorithm>,
    folds: Vec<PreparedFold>,
    guardrails: Vec<Guardrail>,
    featurization: Vec<featurize::ColumnPlan>,
    trials: Vec<Trial>,
    draws: Rng,
    test: Option<TestSet>,
}

impl Sweep {
    /// Prepares a sweep of `frame` (every column, the target's included), or says why it
    /// cannot run.
    pub fn new(frame: Frame, settings: Settings) -> Result<Sweep, String> {
        let algorithms: Vec<Algorithm> = Algorithm::ALL
            .into_iter()
            .filter(|a| settings.allowed.is_empty() || settings.allowed.contains(a))
            .filter(|a| !settings.blocked.contains(a))
            .collect();
        if algorithms.is_empty() {
            return Err("No algorithm is left to try: the allowed ones are all blocked. Allow at least one.".into());
        }
        if settings.max_trials == 0 {
            return Err("Max trials must be at least 1.".into());
        }
        let mut algorithms = algorithms;
        if frame.rows() > KNN_MAX_ROWS {
            algorithms.retain(|a| *a != Algorithm::KNN);
            if algorithms.is_empty() {
                return Err(format!("KNN compares every row with every other: it is not tried on more than {KNN_MAX_ROWS} rows. Allow another algorithm."));
            }
        }
        let (frame, target, positive) =
            featurize::split_target(frame, &settings.target, settings.positive_label.as_deref())?;
        // A test share is drawn from the training rows only, never from the job's validation
        // rows (which come after them).
        let splittable = match settings.validation {
            Validation::User {
                first_validation_row,
            } => target.kept.partition_point(|&i| i < first_validation_row),
            _ => target.labels.len(),
        };
        let (frame, target, test) =
            set_aside(frame, target, &settings.test, splittable, settings.seed)?;
        let classes = target.classes.len();
        // The user's validation rows start after the training rows that were kept: a row
        // dropped for its missing target (or held out for the test) moves no validation row
        // into training.
        let validation = match settings.validation {
            Validation::User {
                first_validation_row,
            } => Validation::User {
                first_validation_row: target.kept.partition_point(|&i| i < first_validation_row),
            },
            ref asked => asked.clone(),
        };
        let plan = validate::plan(&target.labels, classes, &validation, settings.seed)?;
        let mut folds = Vec::with_capacity(plan.folds.len());
        for fold in &plan.folds {
            let featurizer = Featurizer::fit(&frame, &fold.train, &settings.featurization)?;
            let labels =
                |rows: &[usize]| rows.iter().map(|i| target.labels[*i]).collect::<Vec<_>>();
            folds.push(PreparedFold {
                train: TrainingSet::new(
                    featurizer.transform(&frame, &fold.train),
                    labels(&fold.train),
                    classes,
                ),
                valid_x: featurizer.transform(&frame, &fold.valid),
                valid_y: labels(&fold.valid),
            });
        }
        if folds.iter().any(|f| f.train.x.cols == 0) {
            return Err(NO_COLUMNS.into());
        }
        let all: Vec<usize> = (0..frame.rows()).collect();
        let whole = Featurizer::fit(&frame, &all, &settings.featurization)?;
        let mut guardrails = featurize::guardrails(&whole, &frame, &all, &target);
        guardrails.push(Guardrail {
            name: "Validation split handling".into(),
            state: GuardrailState::Done,
            description: plan.description.clone(),
            details: Vec::new(),
        });
        if let Some(set) = &test {
            guardrails.push(set.guardrail.clone());
        }
        Ok(Sweep {
            featurization: whole.report(),
            draws: Rng::new(settings.seed),
            frame,
            target,
            positive,
            settings,
            algorithms,
            folds,
            guardrails,
            trials: Vec::new(),
            test,
        })
    }

    /// The data guardrails.
    pub fn guardrails(&self) -> &[Guardrail] {
        &self.guardrails
    }

    /// How each column became features (on every row).
    pub fn featurization(&self) -> &[featurize::ColumnPlan] {
        &self.featurization
    }

    /// The target: its classes and rows.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// The trials run so far, in order.
    pub fn trials(&self) -> &[Trial] {
        &self.trials
    }

    /// The next trial's hyperparameters, or `None` when the sweep is done.
    pub fn next_trial(&mut self) -> Option<Params> {
        self.next_trials(1).pop()
    }

    /// The hyperparameters of the next trials, at most `at_most` of them (those that may run
    /// at once), all drawn from the trials kept so far; none when the sweep is done.
    pub fn next_trials(&mut self, at_most: usize) -> Vec<Params> {
        (0..at_most.max(1))
            .map_while(|pending| self.plan(pending))
            .collect()
    }

    /// The hyperparameters of the trial after the kept ones and `pending` trials already named.
    fn plan(&mut self, pending: usize) -> Option<Params> {
        let done = pending + self.trials.iter().filter(|t| t.params.is_some()).count();
        if done >= self.settings.max_trials || self.reached_exit_score() || self.out_of_patience() {
            return None;
        }
        if let Some(algorithm) = self.algorithms.get(done) {
            return Some(Params::default_for(*algorithm));
        }
        // The algorithms by their best trial; a draw favours the leaders.
        let mut ranked: Vec<(Algorithm, f64)> = self
            .algorithms
            .iter()
            .map(|a| {
                let best = self
                    .trials
                    .iter()
                    .filter(|t| t.params.as_ref().is_some_and(|p| p.algorithm() == *a))
                    .map(|t| self.rank(t.primary))
                    .fold(f64::NEG_INFINITY, f64::max);
                (*a, best)
            })
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
        let leaders = ranked.len().min(3);
        let pick = if self.draws.unit() < 0.8 {
            self.draws.below(leaders)
        } else {
            self.draws.below(ranked.len())
        };
        Some(Params::sample(ranked[pick].0, &mut self.draws))
    }

    /// A primary metric's value as "greater is better".
    fn rank(&self, value: f64) -> f64 {
        if value.is_nan() {
            f64::NEG_INFINITY
        } else {
            value
        }
    }

    fn reached_exit_score(&self) -> bool {
        self.settings
            .exit_score
            .is_some_and(|exit| self.trials.iter().any(|t| t.primary >= exit))
    }

    fn out_of_patience(&self) -> bool {
        if !self.settings.early_termination || self.trials.len() <= self.algorithms.len() + PATIENCE
        {
            return false;
        }
        let best_at = self
            .trials
            .iter()
            .enumerate()
            .max_by(|a, b| {
                self.rank(a.1.primary)
                    .total_cmp(&self.rank(b.1.primary))
                    .then(b.0.cmp(&a.0))
            })
            .map_or(0, |(i, _)| i);
        self.trials.len() - 1 - best_at >= PATIENCE
    }

    /// Trains and scores a trial of `params` on every fold, and keeps it.
    pub fn run(&mut self, params: Params) -> &Trial {
        let trained = self.train(self.trials.len(), &params, &|| true);
        self.keep(params, trained.ok_or_else(String::new))
    }

    /// Trial `iteration`'s probabilities for each fold's validation rows, trained with
    /// `params`; `None` when `go_on` answers false before a fold.
    pub fn train(
        &self,
        iteration: usize,
        params: &Params,
        go_on: &dyn Fn() -> bool,
    ) -> Option<Vec<Probabilities>> {
        let mut rng = Rng::new(self.settings.seed.wrapping_add(iteration as u64 + 1));
        self.folds
            .iter()
            .map(|fold| {
                go_on().then(|| {
                    let model = params.fit(&fold.train, &mut rng.fork());
                    model.predict_proba(&fold.valid_x)
                })
            })
            .collect()
    }

    /// Keeps the next trial: `params`' probabilities from [`Sweep::train`] scored, or why it
    /// failed.
    pub fn keep(&mut self, params: Params, trained: Result<Vec<Probabilities>, String>) -> &Trial {
        let iteration = self.trials.len();
        let algorithm = params.algorithm().name().to_owned();
        let trial = match trained {
            Ok(folds) => self.scored(iteration, algorithm, Some(params), Vec::new(), folds),
            Err(why) => Trial {
                iteration,
                algorithm,
                params: Some(params),
                members: Vec::new(),
                metrics: Vec::new(),
                primary: f64::NAN,
                fold_probabilities: Vec::new(),
                failed: Some(why),
            },
        };
        self.trials.push(trial);
        &self.trials[iteration]
    }

    /// The iteration number the next trial gets.
    pub fn next_iteration(&self) -> usize {
        self.trials.len()
    }

    /// A trial with its metrics averaged over the folds.
    fn scored(
        &self,
        iteration: usize,
        algorithm: String,
        params: Option<Params>,
        members: Vec<(usize, f64)>,
        fold_probabilities: Vec<Probabilities>,
    ) -> Trial {
        let scores: Vec<Scores> = self
            .folds
            .iter()
            .zip(&fold_probabilities)
            .map(|(fold, p)| metrics::score(&fold.valid_y, p, self.positive))
            .collect();
        let named: Vec<Vec<(&'static str, f64)>> = scores.iter().map(Scores::named).collect();
        let mut metrics = named[0].clone();
        for (k, (_, value)) in metrics.iter_mut().enumerate() {
            // A fold where a metric is undefined (a class with no row in it) is left out of
            // that metric's mean rather than making it undefined for the whole trial.
            let defined: Vec<f64> = named
                .iter()
                .map(|n| n[k].1)
                .filter(|v| !v.is_nan())
                .collect();
            *value = if defined.is_empty() {
                f64::NAN
            } else {
                defined.iter().sum::<f64>() / defined.len() as f64
            };
        }
        let primary = metrics
            .iter()
            .find(|(n, _)| *n == self.settings.primary_metric.metric())
            .map_or(f64::NAN, |(_, v)| *v);
        Trial {
            iteration,
            algorithm,
            params,
            members,
            metrics,
            primary,
            fold_probabilities,
            failed: None,
        }
    }

    /// The leaderboard: trials best first (ties: the earlier first).
    pub fn leaderboard(&self) -> Vec<&Trial> {
        let mut board: Vec<&Trial> = self.trials.iter().collect();
        board.sort_by(|a, b| {
            self.rank(b.primary)
                .total_cmp(&self.rank(a.primary))
                .then(a.iteration.cmp(&b.iteration))
        });
        board
    }

    /// The best trial (one that finished).
    pub fn best(&self) -> Option<&Trial> {
        self.leaderboard().into_iter().find(|t| t.failed.is_none())
    }

    /// `model` (the best trial's final model) scored on the test rows, if the job has some.
    pub fn test(&self, model: &TrainedModel) -> Option<Tested> {
        let test = self.test.as_ref()?;
        let probabilities = model.predict_proba(&test.frame);
        let scores = metrics::score(&test.labels, &probabilities, self.positive);
        Some(Tested {
            metrics: scores.named(),
            primary: scores
                .get(self.settings.primary_metric.metric())
                .unwrap_or(f64::NAN),
            truth: test.labels.clone(),
            probabilities,
        })
    }

    /// `trial` trained again on every row: the model a job leaves.
    pub fn final_model(&self, trial: &Trial) -> Result<TrainedModel, String> {
        let all: Vec<usize> = (0..self.frame.rows()).collect();
        let featurizer = Featurizer::fit(&self.frame, &all, &self.settings.featurization)?;
        if featurizer.feature_names().is_empty() {
            return Err(NO_COLUMNS.into());
        }
        let data = TrainingSet::new(
            featurizer.transform(&self.frame, &all),
            self.target.labels.clone(),
            self.target.classes.len(),
        );
        let members: Vec<(f64, Model)> = if trial.members.is_empty() {
            vec![(1.0, self.refit(trial, &data)?)]
        } else {
            trial
                .members
                .iter()
                .map(|(t, w)| Ok((*w, self.refit(&self.trials[*t], &data)?)))
                .collect::<Result<_, String>>()?
        };
        Ok(TrainedModel {
            algorithm: trial.algorithm.clone(),
            target: self.target.name.clone(),
            classes: self.target.classes.clone(),
            featurizer,
            members,
        })
    }

    fn refit(&self, trial: &Trial, data: &TrainingSet) -> Result<Model, String> {
        let params = trial
            .params
            .as_ref()
            .ok_or("An ensemble cannot be a member of another.")?;
        let mut rng = Rng::new(self.settings.seed.wrapping_add(trial.iteration as u64 + 1));
        Ok(params.fit(data, &mut rng.fork()))
    }
}

mod ensemble;
mod trained;

pub use trained::TrainedModel;

#[cfg(test)]
mod tests;
