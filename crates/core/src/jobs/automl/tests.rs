use super::*;
use serde_json::json;

fn azure_example() -> Value {
    json!({"taskType": "Classification", "primaryMetric": "AUCWeighted", "targetColumnName": "y", "logVerbosity": "Info",
        "trainingData": {"jobInputType": "mltable", "uri": "azureml:bank-train:1"},
        "nCrossValidations": {"mode": "Custom", "value": 5}, "positiveLabel": "yes",
        "limitSettings": {"maxTrials": 40, "maxConcurrentTrials": 4, "maxCoresPerTrial": -1, "timeout": "PT3H", "trialTimeout": "PT20M", "enableEarlyTermination": true, "exitScore": 0.92},
        "featurizationSettings": {"mode": "Custom", "blockedTransformers": ["WordEmbedding"], "columnNameAndTypes": {"age": "Numeric"},
            "transformerParams": {"imputer": [{"fields": ["job"], "parameters": {"strategy": "most_frequent"}}]}, "enableDnnFeaturization": false},
        "trainingSettings": {"allowedTrainingAlgorithms": ["LightGBM", "LogisticRegression"], "blockedTrainingAlgorithms": [],
            "enableVoteEnsemble": true, "enableStackEnsemble": true}})
}

#[test]
fn azures_own_example_is_read_into_the_engines_settings_and_kept_as_sent() {
    let task = AutoMLTask::from_value(&azure_example()).unwrap();
    let settings = task.sweep_settings(7).unwrap();
    assert_eq!(settings.target, "y");
    assert_eq!(settings.positive_label.as_deref(), Some("yes"));
    assert_eq!(settings.primary_metric, PrimaryMetric::AUCWeighted);
    assert_eq!(settings.allowed, vec![Algorithm::LogisticRegression]);
    assert_eq!(settings.max_trials, 40);
    assert_eq!(settings.exit_score, Some(0.92));
    assert_eq!(settings.validation, Validation::KFold { folds: 5 });
    assert_eq!(settings.featurization.mode, Mode::Custom);
    assert_eq!(settings.featurization.column_types["age"], Kind::Numeric);
    assert_eq!(settings.featurization.imputers["job"], Impute::MostFrequent);
    assert_eq!(settings.seed, 7);
    assert_eq!(task.timeouts(), (Some(3 * 3600), Some(20 * 60)));
    assert_eq!(task.max_concurrent_trials(), 4);
    let notes = task.notes().join(" ");
    assert!(
        notes.contains("LightGBM") && notes.contains("StackEnsemble"),
        "{notes}"
    );
    // What the engine does not read is answered as sent.
    let back = serde_json::to_value(&task).unwrap();
    assert_eq!(back["logVerbosity"], "Info");
    assert_eq!(back["limitSettings"]["maxCoresPerTrial"], -1);
    assert_eq!(
        back["featurizationSettings"]["enableDnnFeaturization"],
        false
    );
    assert_eq!(back, azure_example());
}

#[test]
fn defaults_are_azures() {
    let task = AutoMLTask::from_value(
        &json!({"taskType": "classification", "targetColumnName": "Diabetic",
        "trainingData": {"jobInputType": "mltable", "uri": "azureml:diabetes:1"}}),
    )
    .unwrap();
    let settings = task.sweep_settings(1).unwrap();
    assert_eq!(settings.primary_metric, PrimaryMetric::AUCWeighted);
    assert_eq!(settings.validation, Validation::Auto);
    assert_eq!(settings.max_trials, 1000);
    assert!(settings.early_termination && settings.vote_ensemble);
    assert!(settings.allowed.is_empty() && settings.blocked.is_empty());
    assert_eq!(task.max_concurrent_trials(), 1);
    assert!(task.notes().is_empty());
    // A metric sent in the CLI's spelling is kept as ARM names it.
    let snake = AutoMLTask::from_value(&json!({"taskType": "classification", "targetColumnName": "y", "primaryMetric": "accuracy",
        "trainingData": {"jobInputType": "mltable", "uri": "azureml:t:1"}, "limitSettings": {"maxConcurrentTrials": 4, "trialTimeout": "PT5M"}}))
    .unwrap();
    assert_eq!(snake.primary_metric.as_deref(), Some("Accuracy"));
    assert_eq!(snake.task_type, "Classification");
    assert!(
        snake.notes().is_empty(),
        "concurrency and trial timeouts are applied"
    );
    assert_eq!(
        snake.concurrent_trials(2),
        2,
        "no more trials at once than nodes"
    );
    assert_eq!(snake.concurrent_trials(8), 4);
    assert_eq!(snake.concurrent_trials(0), 1);
    let tested = AutoMLTask::from_value(
        &json!({"taskType": "classification", "targetColumnName": "y",
        "trainingData": {"jobInputType": "mltable", "uri": "azureml:t:1"}, "testDataSize": 0.25}),
    )
    .unwrap();
    let settings = tested.sweep_settings(1).unwrap();
    assert_eq!(settings.test, TestData::Split { share: 0.25 });
}

#[test]
fn what_cannot_be_trained_is_refused_with_its_reason() {
    let refused = |change: Value| {
        let mut body = azure_example();
        for (k, v) in change.as_object().unwrap() {
            if v.is_null() {
                body.as_object_mut().unwrap().remove(k);
            } else {
                body[k] = v.clone();
            }
        }
        AutoMLTask::from_value(&body)
            .unwrap_err()
            .message()
            .to_owned()
    };
    assert!(refused(json!({"taskType": "Regression"})).contains("classification models"));
    assert!(refused(json!({"taskType": "Clustering"})).contains("must be one of"));
    assert!(refused(json!({"targetColumnName": " "})).contains("target column"));
    assert!(refused(json!({"primaryMetric": "LogLoss"})).contains("primaryMetric"));
    assert!(
        refused(json!({"trainingData": {"jobInputType": "uri_file", "uri": "x.csv"}}))
            .contains("mltable")
    );
    assert!(refused(json!({"trainingData": {"jobInputType": "mltable"}})).contains("uri"));
    assert!(
        refused(json!({"nCrossValidations": {"mode": "Custom", "value": 1}})).contains("2 to 50")
    );
    assert!(refused(json!({"validationDataSize": 0.2})).contains("not both"));
    assert!(refused(json!({"testDataSize": 1.5})).contains("between 0 and 1"));
    let both =
        json!({"testDataSize": 0.1, "testData": {"jobInputType": "mltable", "uri": "azureml:t:1"}});
    assert!(refused(both).contains("only one of them"));
    assert!(refused(json!({"limitSettings": {"maxTrials": 0}})).contains("maxTrials"));
    assert!(refused(json!({"limitSettings": {"timeout": "3 hours"}})).contains("ISO 8601"));
    assert!(
        refused(json!({"trainingSettings": {"allowedTrainingAlgorithms": ["LightGBM"]}}))
            .contains("None of the allowed")
    );
    assert!(
        refused(json!({"trainingSettings": {"allowedTrainingAlgorithms": ["Prophet"]}}))
            .contains("'Prophet'")
    );
    assert!(refused(json!({"trainingSettings": {"allowedTrainingAlgorithms": ["KNN"], "blockedTrainingAlgorithms": ["knn"]}})).contains("blocked"));
    assert!(refused(json!({"featurizationSettings": {"mode": "Fancy"}}))
        .contains("Auto, Custom or Off"));
    assert!(
        refused(json!({"featurizationSettings": {"columnNameAndTypes": {"note": "Text"}}}))
            .contains("'note'")
    );
    assert!(refused(json!({"weightColumnName": "w"})).contains("weightColumnName"));
}

const CLI_YAML: &str = r#"$schema: https://azuremlschemas.azureedge.net/latest/autoMLJob.schema.json
type: automl
experiment_name: mslearn-diabetes-automl
display_name: Diabetes classification
compute: azureml:aml-cluster
task: classification
primary_metric: auc_weighted
target_column_name: Diabetic
positive_label: "1"
training_data:
  type: mltable
  path: azureml:diabetes-training:1
n_cross_validations: 5
limits:
  timeout_minutes: 60
  trial_timeout_minutes: 20
  max_trials: 5
  max_concurrent_trials: 4
  enable_early_termination: true
  exit_score: 0.95
featurization:
  mode: custom
  blocked_transformers: [WordEmbedding]
  column_name_and_types:
    Age: Numeric
  transformer_params:
    imputer:
      - fields: [BMI]
        parameters:
          strategy: median
training:
  allowed_training_algorithms: [logistic_regression, light_gbm, random_forest]
  enable_stack_ensemble: false
tags:
  course: dp-100
"#;

#[test]
fn cli_yaml_reads_into_the_arm_body_and_is_written_back_the_same() {
    use crate::jobs::yaml::{job_from_yaml, job_yaml};
    let imported = job_from_yaml(CLI_YAML).unwrap();
    let p = &imported.body["properties"];
    assert_eq!(p["jobType"], "AutoML");
    assert_eq!(p["experimentName"], "mslearn-diabetes-automl");
    assert_eq!(p["computeId"], "azureml:aml-cluster");
    let t = &p["taskDetails"];
    assert_eq!(t["primaryMetric"], "AUCWeighted");
    assert_eq!(
        t["trainingData"],
        json!({"jobInputType": "mltable", "uri": "azureml:diabetes-training:1"})
    );
    assert_eq!(
        t["nCrossValidations"],
        json!({"mode": "Custom", "value": 5})
    );
    assert_eq!(t["limitSettings"]["timeout"], "PT60M");
    assert_eq!(t["limitSettings"]["exitScore"], 0.95);
    assert_eq!(
        t["trainingSettings"]["allowedTrainingAlgorithms"],
        json!(["LogisticRegression", "LightGBM", "RandomForest"])
    );
    assert_eq!(
        t["featurizationSettings"]["transformerParams"]["imputer"][0]["parameters"]["strategy"],
        "median"
    );
    // As a submission: checked, and answered by ARM as the spec keeps it.
    let spec = crate::jobs::command::JobSpec::from_properties(p).unwrap();
    let mut answered = serde_json::to_value(&spec).unwrap();
    for key in ["displayName", "experimentName", "tags"] {
        answered[key] = p[key].clone();
    }
    let written = job_yaml("diabetes_automl", &answered);
    assert!(
        written.contains("type: automl") && written.contains("primary_metric: auc_weighted"),
        "{written}"
    );
    assert!(written.contains("- light_gbm"), "{written}");
    let again = job_from_yaml(&written).unwrap();
    assert_eq!(again.name.as_deref(), Some("diabetes_automl"));
    assert_eq!(again.body["properties"]["taskDetails"], *t, "{written}");
    assert_eq!(
        again.body["properties"]["experimentName"],
        p["experimentName"]
    );
}

#[test]
fn a_bad_automl_file_says_which_line_and_field() {
    use crate::jobs::yaml::job_from_yaml;
    let err = |yaml: &str| job_from_yaml(yaml).unwrap_err().to_string();
    let base = "type: automl\ntask: classification\ntarget_column_name: y\ntraining_data:\n  path: azureml:t:1\n";
    assert!(job_from_yaml(base).is_ok());
    assert!(err("type: automl\ntask: regression\n").contains("regression"));
    assert!(err(&format!("{base}primary_metric: loss\n")).contains("primary_metric"));
    assert!(err(&format!("{base}n_cross_validations: 1\n")).contains("n_cross_validations"));
    assert!(err(&format!("{base}limits:\n  max_trials: lots\n")).contains("limits.max_trials"));
    assert!(err(&format!(
        "{base}training:\n  allowed_training_algorithms: [prophet]\n"
    ))
    .contains("allowed_training_algorithms"));
    assert!(err(&format!("{base}colour: blue\n")).contains("colour"));
    assert!(
        err("type: automl\ntask: classification\ntraining_data:\n  path: azureml:t:1\n")
            .contains("target_column_name")
    );
}

/// A sweep of the fixture's rows under `limits`, on a clock that moves `step` seconds at each
/// reading: its trials' records and how it ended.
fn sweep_with_clock(limits: Value, step: f64) -> (Vec<drive::TrialRecord>, Result<String, String>) {
    use super::rows::{frame_of, table_rows};
    use drive::Event;
    let task = AutoMLTask::from_value(
        &json!({"taskType": "Classification", "targetColumnName": "Plan",
        "trainingData": {"jobInputType": "mltable", "uri": "azureml:t:1"}, "testDataSize": 0.2,
        "nCrossValidations": {"mode": "Custom", "value": 3}, "limitSettings": limits}),
    )
    .unwrap();
    let rows = include_bytes!("../../../tests/fixtures/automl/rows.csv");
    let table = table_rows(None, "rows.csv", rows).unwrap();
    let now = std::sync::Mutex::new(0.0);
    let clock = || {
        let mut t = now.lock().unwrap();
        *t += step;
        *t
    };
    let mut trials = Vec::new();
    let mut logged = String::new();
    let mut keep = |event: Event| {
        match event {
            Event::Trial(t) => trials.push(t),
            Event::Tested { model_run, record } => {
                assert_eq!(record.child, format!("{model_run}_test"));
                trials.push(record);
            }
            Event::Log(line) => logged.push_str(&line),
            _ => {}
        }
        Ok(())
    };
    let ended = drive::drive(
        "j",
        &task,
        frame_of(table, None, None).unwrap(),
        4,
        &clock,
        &mut keep,
    );
    let ended = ended
        .map(|_| logged)
        .map_err(|h| h.reason.unwrap_or_default());
    (trials, ended)
}

#[test]
fn trials_past_their_iteration_timeout_fail_and_trials_drawn_together_are_kept_in_order() {
    // A clock that moves 2 s at each reading: every trial is past a 1 s timeout before its
    // first fold.
    let (trials, ended) = sweep_with_clock(json!({"maxTrials": 3, "trialTimeout": "PT1S"}), 2.0);
    assert_eq!(trials.len(), 3);
    assert!(trials.iter().all(|t| t
        .failed
        .as_deref()
        .is_some_and(|w| w.contains("iteration timeout (1 s)"))));
    assert!(trials
        .iter()
        .all(|t| t.primary.is_nan() && t.metrics.is_empty()));
    assert_eq!(
        trials[0].tags("j")[2].value,
        trials[0].failed.clone().unwrap()
    );
    let why = ended.unwrap_err();
    assert!(
        why.contains("No trial finished") && why.contains("iteration timeout"),
        "{why}"
    );
    // Without a timeout, 6 trials drawn 3 at a time (4 nodes), kept in order, then the
    // ensemble, then the best model's test.
    let (trials, ended) = sweep_with_clock(json!({"maxTrials": 6, "maxConcurrentTrials": 3}), 0.01);
    let log = ended.unwrap();
    assert!(log.contains("Up to 3 trials at a time"), "{log}");
    assert!(log.contains("Tested the best model on 72 rows"), "{log}");
    let children: Vec<&str> = trials.iter().map(|t| t.child.as_str()).collect();
    assert_eq!(&children[..6], ["j_0", "j_1", "j_2", "j_3", "j_4", "j_5"]);
    assert!(children.last().unwrap().ends_with("_test"));
    assert!(trials.iter().all(|t| t.failed.is_none()));
    // Records travel to the page as JSON, a failed trial's NaN too.
    let (failed, _) = sweep_with_clock(json!({"maxTrials": 1, "trialTimeout": "PT1S"}), 2.0);
    let text = serde_json::to_string(&failed[0]).unwrap();
    let back: drive::TrialRecord = serde_json::from_str(&text).unwrap();
    assert!(back.primary.is_nan() && back.failed.is_some(), "{text}");
}
