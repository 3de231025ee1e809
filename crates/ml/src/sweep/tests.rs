use super::*;
use azimuth_core::data::preview::{preview, Format};

fn diabetes() -> Frame {
    let text = azimuth_core::data::samples::sample_csv("diabetes").expect("the diabetes sample");
    let format = Format::Delimited {
        delimiter: b',',
        header: true,
    };
    let table = preview(text.as_bytes(), true, format, usize::MAX).unwrap();
    Frame::from_text(table.columns, table.rows)
}

#[test]
fn a_sweep_of_the_diabetes_sample_ranks_real_trials_and_leaves_a_model() {
    let mut settings = Settings::new("Diabetic", 10);
    settings.validation = Validation::KFold { folds: 3 };
    let mut sweep = Sweep::new(diabetes(), settings.clone()).unwrap();
    let rails: Vec<&str> = sweep.guardrails().iter().map(|g| g.name.as_str()).collect();
    assert_eq!(
        rails,
        [
            "Class balancing detection",
            "Missing feature values imputation",
            "High cardinality feature detection",
            "Validation split handling"
        ]
    );
    let mut algorithms = Vec::new();
    while let Some(params) = sweep.next_trial() {
        algorithms.push(sweep.run(params).algorithm.clone());
    }
    assert_eq!(algorithms.len(), 10);
    assert_eq!(&algorithms[..8], Algorithm::ALL.map(|a| a.name()));
    // Here the linear models lead and no blend beats the best of them: no ensemble.
    assert!(sweep.ensemble().is_none());
    let board = sweep.leaderboard();
    assert!(board.windows(2).all(|w| w[0].primary >= w[1].primary));
    let best = board[0].clone();
    assert!(best.primary > 0.85, "{}: {}", best.algorithm, best.primary);
    assert_eq!(best.metric("AUC_weighted"), Some(best.primary));
    let model = sweep.final_model(&best).unwrap();
    let p = model.predict_proba(&sweep.frame);
    let reread = TrainedModel::from_bytes(&model.to_bytes()).unwrap();
    assert_eq!(reread.predict_proba(&sweep.frame), p);
    assert!(TrainedModel::from_bytes(b"PK\x03\x04").is_err());
    assert!(TrainedModel::from_bytes(&model.to_bytes()[..40])
        .unwrap_err()
        .contains("damaged"));
    let right = p
        .predicted()
        .iter()
        .zip(&sweep.target.labels)
        .filter(|(a, b)| a == b)
        .count();
    assert!(right as f64 / p.rows() as f64 > 0.8);

    // The same seed gives the same leaderboard.
    let mut again = Sweep::new(diabetes(), settings).unwrap();
    while let Some(params) = again.next_trial() {
        again.run(params);
    }
    again.ensemble();
    let primaries = |s: &Sweep| {
        s.trials()
            .iter()
            .map(|t| (t.algorithm.clone(), t.primary))
            .collect::<Vec<_>>()
    };
    assert_eq!(primaries(&sweep), primaries(&again));
}

#[test]
fn a_blend_of_different_models_that_scores_better_is_the_voting_ensemble() {
    let mut settings = Settings::new("Diabetic", 3);
    settings.allowed = vec![
        Algorithm::KNN,
        Algorithm::BernoulliNaiveBayes,
        Algorithm::DecisionTree,
    ];
    settings.validation = Validation::KFold { folds: 3 };
    let mut sweep = Sweep::new(diabetes(), settings).unwrap();
    while let Some(params) = sweep.next_trial() {
        sweep.run(params);
    }
    let best_single = sweep.best().unwrap().primary;
    let ensemble = sweep.ensemble().unwrap().clone();
    assert_eq!(ensemble.algorithm, "VotingEnsemble");
    assert!(ensemble.members.len() >= 2, "{:?}", ensemble.members);
    assert!((ensemble.members.iter().map(|m| m.1).sum::<f64>() - 1.0).abs() < 1e-12);
    assert!(
        ensemble.primary > best_single,
        "{} <= {best_single}",
        ensemble.primary
    );
    assert_eq!(sweep.best().unwrap().algorithm, "VotingEnsemble");
    let model = sweep.final_model(&ensemble).unwrap();
    assert_eq!(model.members.len(), ensemble.members.len());
}

#[test]
fn user_validation_rows_stay_validation_rows_when_training_rows_are_dropped() {
    // 40 training rows (two without a class, dropped), then 20 validation rows.
    let rows: Vec<Vec<String>> = (0..60)
        .map(|i| {
            let class = if i == 3 || i == 7 {
                String::new()
            } else {
                (i % 2).to_string()
            };
            vec![format!("{}", i % 2 * 10 + i % 7), class]
        })
        .collect();
    let frame = Frame::from_text(vec!["x".into(), "y".into()], rows);
    let mut settings = Settings::new("y", 1);
    settings.validation = Validation::User {
        first_validation_row: 40,
    };
    let sweep = Sweep::new(frame, settings).unwrap();
    assert_eq!(sweep.folds.len(), 1);
    assert_eq!(sweep.folds[0].valid_y.len(), 20);
    assert_eq!(sweep.folds[0].train.labels.len(), 38);
}

#[test]
fn limits_and_bad_settings_are_honoured_or_refused() {
    let mut settings = Settings::new("Diabetic", 5);
    settings.allowed = vec![Algorithm::LogisticRegression, Algorithm::DecisionTree];
    settings.blocked = vec![Algorithm::DecisionTree];
    settings.exit_score = Some(0.5);
    let mut sweep = Sweep::new(diabetes(), settings.clone()).unwrap();
    let params = sweep.next_trial().unwrap();
    assert_eq!(params.algorithm(), Algorithm::LogisticRegression);
    sweep.run(params);
    assert!(sweep.next_trial().is_none(), "the exit score was reached");
    assert!(sweep.ensemble().is_none(), "one trial makes no ensemble");
    settings.blocked = vec![Algorithm::LogisticRegression, Algorithm::DecisionTree];
    assert!(Sweep::new(diabetes(), settings.clone())
        .err()
        .unwrap()
        .contains("Allow at least one"));
    settings.blocked.clear();
    settings.target = "Nope".into();
    assert!(Sweep::new(diabetes(), settings)
        .err()
        .unwrap()
        .contains("'Nope'"));
    assert_eq!(
        PrimaryMetric::parse("auc_weighted"),
        Some(PrimaryMetric::AUCWeighted)
    );
    assert_eq!(
        PrimaryMetric::parse("NormMacroRecall"),
        Some(PrimaryMetric::NormMacroRecall)
    );
    assert_eq!(
        PrimaryMetric::parse("average_precision_score_weighted"),
        Some(PrimaryMetric::AveragePrecisionScoreWeighted)
    );
    assert_eq!(PrimaryMetric::parse("log_loss"), None);
}

#[test]
fn trials_drawn_together_timed_out_trials_and_the_test_of_the_best_model() {
    let mut settings = Settings::new("Diabetic", 10);
    settings.validation = Validation::KFold { folds: 3 };
    settings.allowed = vec![Algorithm::LogisticRegression, Algorithm::DecisionTree];
    settings.test = TestData::Split { share: 0.25 };
    let mut sweep = Sweep::new(diabetes(), settings).unwrap();
    assert_eq!(
        sweep.guardrails().last().unwrap().name,
        "Train-test data split"
    );
    let (rows, held) = (
        sweep.frame.rows(),
        sweep.test.as_ref().unwrap().labels.len(),
    );
    assert_eq!(sweep.target.labels.len(), rows);
    assert!(
        (held as f64 / (rows + held) as f64 - 0.25).abs() < 0.002,
        "{held}"
    );
    // The defaults of both algorithms, then draws: three named at once.
    let batch = sweep.next_trials(3);
    assert_eq!(batch.len(), 3);
    let first = sweep.next_iteration();
    let stopped = sweep.train(first, &batch[0], &|| false);
    assert!(stopped.is_none(), "told to stop, it stops before a fold");
    let mut it = batch.into_iter();
    sweep.keep(
        it.next().unwrap(),
        Err("Its iteration timeout ended it.".into()),
    );
    for params in it {
        let folds = sweep.train(sweep.next_iteration(), &params, &|| true);
        sweep.keep(params, Ok(folds.unwrap()));
    }
    let failed = &sweep.trials()[0];
    assert!(failed.primary.is_nan() && failed.metrics.is_empty());
    assert_eq!(sweep.leaderboard().last().unwrap().iteration, 0);
    let best = sweep.best().unwrap().clone();
    assert_ne!(best.iteration, 0, "a failed trial is never the best");
    let model = sweep.final_model(&best).unwrap();
    let tested = sweep.test(&model).unwrap();
    assert_eq!(tested.truth.len(), held);
    assert!(tested.primary > 0.8, "{}", tested.primary);
    assert!(
        (tested.primary - best.primary).abs() < 0.05,
        "test near validation"
    );
}
