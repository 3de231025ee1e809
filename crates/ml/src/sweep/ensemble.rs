//! The VotingEnsemble that ends a sweep: trials picked greedily, with repeats, by how much they
//! raise the primary metric of the averaged out-of-fold probabilities (Caruana's ensemble
//! selection, as AutoML's).

use super::{Sweep, Trial, ENSEMBLE_CANDIDATES, ENSEMBLE_PICKS};
use crate::metrics;
use crate::Probabilities;

impl Sweep {
    /// Adds the VotingEnsemble of the best trials, if it is asked for and the selection picks
    /// two trials or more (one alone is no ensemble: the leaderboard keeps that trial).
    pub fn ensemble(&mut self) -> Option<&Trial> {
        let mut candidates: Vec<usize> = (0..self.trials.len())
            .filter(|t| self.trials[*t].failed.is_none())
            .collect();
        if !self.settings.vote_ensemble || candidates.len() < 2 {
            return None;
        }
        candidates.sort_by(|a, b| {
            self.rank(self.trials[*b].primary)
                .total_cmp(&self.rank(self.trials[*a].primary))
                .then(a.cmp(b))
        });
        candidates.truncate(ENSEMBLE_CANDIDATES);
        let mut picks: Vec<usize> = Vec::new();
        let mut best = f64::NEG_INFINITY;
        for _ in 0..ENSEMBLE_PICKS {
            let mut round: Option<(f64, usize)> = None;
            for &c in &candidates {
                let mut trying = picks.clone();
                trying.push(c);
                let value = self.rank(self.pooled_primary(&weights(&trying)));
                if round.is_none_or(|(v, _)| value > v) {
                    round = Some((value, c));
                }
            }
            match round {
                Some((value, c)) if value > best || picks.is_empty() => {
                    best = value;
                    picks.push(c);
                }
                _ => break,
            }
        }
        let members = weights(&picks);
        if members.len() < 2 {
            // One trial alone is that trial: no ensemble to add.
            return None;
        }
        let fold_probabilities = (0..self.folds.len())
            .map(|f| self.blend(&members, |t| &self.trials[t].fold_probabilities[f]))
            .collect();
        let iteration = self.trials.len();
        let trial = self.scored(
            iteration,
            "VotingEnsemble".into(),
            None,
            members,
            fold_probabilities,
        );
        self.trials.push(trial);
        self.trials.last()
    }

    /// The primary metric of `members`' blended probabilities over every fold's rows together.
    fn pooled_primary(&self, members: &[(usize, f64)]) -> f64 {
        let blended = |f: usize| self.blend(members, |t| &self.trials[t].fold_probabilities[f]);
        let pooled = self.pool((0..self.folds.len()).map(blended));
        metrics::score(&self.validation_labels(), &pooled, self.positive)
            .get(self.settings.primary_metric.metric())
            .unwrap_or(f64::NAN)
    }

    /// Every fold's validation rows' classes, a fold after another.
    pub fn validation_labels(&self) -> Vec<usize> {
        self.folds
            .iter()
            .flat_map(|f| f.valid_y.iter().copied())
            .collect()
    }

    /// A trial's probabilities for every fold's validation rows, in the order of
    /// [`Sweep::validation_labels`].
    pub fn pooled(&self, trial: &Trial) -> Probabilities {
        self.pool(trial.fold_probabilities.iter().cloned())
    }

    fn pool(&self, folds: impl Iterator<Item = Probabilities>) -> Probabilities {
        let mut pooled = Probabilities {
            classes: self.target.classes.len(),
            values: Vec::new(),
        };
        for p in folds {
            pooled.values.extend(p.values);
        }
        pooled
    }

    /// The weighted mean of members' probabilities.
    fn blend<'a>(
        &'a self,
        members: &[(usize, f64)],
        of: impl Fn(usize) -> &'a Probabilities,
    ) -> Probabilities {
        let first = of(members[0].0);
        let mut values = vec![0.0; first.values.len()];
        for (t, w) in members {
            for (v, p) in values.iter_mut().zip(&of(*t).values) {
                *v += w * p;
            }
        }
        Probabilities {
            classes: first.classes,
            values,
        }
    }
}

/// Each distinct pick and its share of the picks.
fn weights(picks: &[usize]) -> Vec<(usize, f64)> {
    let mut counts: Vec<(usize, f64)> = Vec::new();
    for p in picks {
        match counts.iter_mut().find(|(t, _)| t == p) {
            Some((_, n)) => *n += 1.0,
            None => counts.push((*p, 1.0)),
        }
    }
    let total = picks.len() as f64;
    counts.iter_mut().for_each(|(_, n)| *n /= total);
    counts
}
