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
    let notes = snake.notes().join(" ");
    assert!(
        notes.contains("maxConcurrentTrials") && notes.contains("iteration timeout"),
        "{notes}"
    );
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
