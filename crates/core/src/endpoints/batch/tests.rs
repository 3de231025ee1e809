use super::invoke::{BatchSettings, SCORE_OUTPUT};
use super::scoring::{score_file, Tally};
use super::yaml::*;
use super::*;
use crate::compute::lifecycle::Pace;
use crate::models::ModelVersionResource;
use crate::Workspace;
use serde_json::json;

const ADA: &str = "Ada Lovelace";
const T0: i64 = 1_800_000_000_000;

/// A workspace at the fast pace with a cluster, an instance, a model Azimuth trained and one
/// it did not, and a data asset.
fn workspace() -> Workspace {
    let mut w = Workspace::seed(T0);
    w.settings.pace = Pace::Fast;
    let cluster = json!({"properties": {"computeType": "AmlCompute", "properties": {
        "vmSize": "STANDARD_DS3_V2", "scaleSettings": {"minNodeCount": 0, "maxNodeCount": 2}}}});
    w.put_compute(
        ADA,
        "cpu-cluster",
        serde_json::from_value(cluster).unwrap(),
        T0,
    )
    .unwrap();
    let instance = json!({"properties": {"computeType": "ComputeInstance", "properties": {"vmSize": "STANDARD_DS3_V2"}}});
    w.put_compute(ADA, "ada-ci", serde_json::from_value(instance).unwrap(), T0)
        .unwrap();
    let version = |flavor: &str| -> ModelVersionResource {
        serde_json::from_value(json!({"properties": {"modelType": "mlflow_model",
            "modelUri": "azureml://jobs/j1/outputs/best_model", "flavors": {flavor: {"data": {}}}}}))
        .unwrap()
    };
    w.put_model_version(ADA, "diabetes", "1", version("azimuth"), T0)
        .unwrap();
    w.put_model_version(ADA, "sklearn", "1", version("python_function"), T0)
        .unwrap();
    w.settle(T0 + 600_000);
    w
}

fn deployment(model: &str, compute: &str) -> BatchDeploymentResource {
    serde_json::from_value(json!({"properties": {"model": {"referenceType": "Id", "assetId": model}, "compute": compute}}))
        .unwrap()
}

/// The workspace with endpoint `heart-batch` and its deployment `classifier`, Succeeded.
fn deployed() -> Workspace {
    let mut w = workspace();
    let now = T0 + 600_000;
    w.put_batch_endpoint(
        ADA,
        "heart-batch",
        BatchEndpointResource::default(),
        Some("http://127.0.0.1:8080"),
        now,
    )
    .unwrap();
    w.put_batch_deployment(
        ADA,
        "heart-batch",
        "classifier",
        deployment("azureml:diabetes:1", "azureml:cpu-cluster"),
        now,
    )
    .unwrap();
    w.settle(now + 600_000);
    w
}

#[test]
fn a_batch_endpoint_gets_its_invocation_uri_and_its_first_deployment_as_default() {
    let w = deployed();
    let e = &w.batch_endpoint("HEART-BATCH").unwrap().resource;
    assert_eq!(e.resource_type, BATCH_ENDPOINT_TYPE);
    let p = &e.properties;
    assert_eq!(p.auth_mode, "AADToken");
    let uri = format!(
        "http://127.0.0.1:8080/inference/{}/heart-batch/jobs",
        w.resource.location
    );
    assert_eq!(p.scoring_uri.as_deref(), Some(uri.as_str()));
    assert_eq!(p.provisioning_state.as_deref(), Some("Succeeded"));
    assert_eq!(p.defaults.deployment_name.as_deref(), Some("classifier"));
    let d = &w
        .batch_deployment("heart-batch", "classifier")
        .unwrap()
        .resource
        .properties;
    assert!(
        d.model.asset_id.ends_with("/models/diabetes/versions/1"),
        "{}",
        d.model.asset_id
    );
    assert!(d.compute.ends_with("/computes/cpu-cluster"));
    assert_eq!(
        (
            d.mini_batch_size,
            d.output_action.as_str(),
            d.output_file_name.as_str()
        ),
        (10, "AppendRow", "predictions.csv")
    );
    assert_eq!(d.error_threshold, Some(-1));
    assert_eq!(d.retry_settings["maxRetries"], 3);
    assert_eq!(d.provisioning_state.as_deref(), Some("Succeeded"));
}

#[test]
fn batch_endpoints_and_deployments_refuse_what_azure_refuses() {
    let mut w = deployed();
    let now = T0 + 2_000_000;
    let endpoint = |body: serde_json::Value| -> BatchEndpointResource {
        serde_json::from_value(body).unwrap()
    };
    let err = |r: Result<(bool, BatchEndpointResource), crate::ArmError>| {
        r.unwrap_err().message().to_owned()
    };
    assert!(
        err(w.put_batch_endpoint(ADA, "b", endpoint(json!({})), None, now)).contains("3 to 32")
    );
    assert!(err(w.put_batch_endpoint(
        ADA,
        "keyed",
        endpoint(json!({"properties": {"authMode": "Key"}})),
        None,
        now
    ))
    .contains("AADToken"));
    assert!(err(w.put_batch_endpoint(
        ADA,
        "heart-batch",
        endpoint(json!({"properties": {"defaults": {"deploymentName": "nope"}}})),
        None,
        now
    ))
    .contains("nope"));
    w.put_endpoint(
        ADA,
        "online-ep",
        crate::endpoints::EndpointResource::default(),
        (Default::default(), None),
        now,
    )
    .unwrap();
    assert!(
        err(w.put_batch_endpoint(ADA, "online-ep", endpoint(json!({})), None, now))
            .contains("unique together")
    );
    let derr = |w: &mut Workspace, d: BatchDeploymentResource| {
        w.put_batch_deployment(ADA, "heart-batch", "second", d, now)
            .unwrap_err()
            .message()
            .to_owned()
    };
    assert!(derr(&mut w, deployment("azureml:sklearn:1", "cpu-cluster"))
        .contains("not trained by Azimuth"));
    assert!(
        derr(&mut w, deployment("azureml:diabetes:1", "ada-ci")).contains("not a compute cluster")
    );
    assert!(
        derr(&mut w, deployment("azureml:diabetes:1", "gpu-cluster")).contains("does not exist")
    );
    let mut big = deployment("azureml:diabetes:1", "cpu-cluster");
    big.properties.output_action = "EveryOther".into();
    assert!(derr(&mut w, big).contains("AppendRow or SummaryOnly"));
    let mut sneaky = deployment("azureml:diabetes:1", "cpu-cluster");
    sneaky.properties.output_file_name = "../../etc/passwd".into();
    assert!(derr(&mut w, sneaky).contains("plain file name"));
    // The model of a deployment stays, and the default cannot go while others remain.
    let model = w.model_of("azureml:diabetes:1").unwrap().id.clone();
    assert!(w
        .check_not_deployed(&model)
        .unwrap_err()
        .message()
        .contains("batch endpoint 'heart-batch'"));
    w.put_batch_deployment(
        ADA,
        "heart-batch",
        "second",
        deployment("azureml:diabetes:1", "cpu-cluster"),
        now,
    )
    .unwrap();
    let refused = w
        .delete_batch_deployment(ADA, "heart-batch", "classifier", now)
        .unwrap_err();
    assert!(
        refused.message().contains("default"),
        "{}",
        refused.message()
    );
    w.delete_batch_deployment(ADA, "heart-batch", "second", now)
        .unwrap();
    w.delete_batch_deployment(ADA, "heart-batch", "classifier", now)
        .unwrap();
    assert_eq!(
        w.batch_endpoint("heart-batch")
            .unwrap()
            .resource
            .properties
            .defaults
            .deployment_name,
        None
    );
    w.delete_batch_endpoint(ADA, "heart-batch", now).unwrap();
    assert!(w.batch_endpoint("heart-batch").is_err());
    assert!(w.check_not_deployed(&model).is_ok());
}

#[test]
fn an_invocation_becomes_a_pipeline_job_with_its_deployments_settings() {
    let w = deployed();
    let body = json!({"properties": {"inputData": {"heart": {"jobInputType": "UriFolder", "uri": "azureml://datastores/workspaceblobstore/paths/heart/"}},
        "outputFileName": "scores.csv", "miniBatchSize": 2}});
    let s = w
        .invoke_batch(ADA, "heart-batch", None, "batchjob-1", &body)
        .unwrap();
    assert_eq!(s.spec.job_type, "Pipeline");
    assert_eq!(s.experiment_name, "heart-batch");
    assert!(s
        .spec
        .compute_id
        .as_deref()
        .unwrap()
        .ends_with("/computes/cpu-cluster"));
    assert_eq!(s.spec.inputs["heart"].job_input_type, "uri_folder");
    let out = s.spec.outputs[SCORE_OUTPUT].uri.as_deref().unwrap();
    assert_eq!(
        out,
        "azureml://datastores/workspaceblobstore/paths/azureml/batchjob-1/score/"
    );
    let settings = BatchSettings::of(&s.spec).unwrap();
    assert_eq!(
        (
            settings.deployment.as_str(),
            settings.output_file.as_str(),
            settings.mini_batch_size
        ),
        ("classifier", "scores.csv", 2)
    );
    assert!(settings.append_rows);
    assert_eq!(settings.error_threshold, None);
    // REST callers' capitals are read too; what cannot be scored is refused, saying why.
    let rest = json!({"properties": {"InputData": {"heart": {"JobInputType": "UriFile", "Uri": "azureml://datastores/workspaceblobstore/paths/heart.csv"}}}});
    assert_eq!(
        w.invoke_batch(ADA, "heart-batch", Some("classifier"), "j2", &rest)
            .unwrap()
            .spec
            .inputs["heart"]
            .job_input_type,
        "uri_file"
    );
    let refused = |body: serde_json::Value, dep: Option<&str>| {
        w.invoke_batch(ADA, "heart-batch", dep, "j3", &body)
            .unwrap_err()
            .message()
            .to_owned()
    };
    assert!(refused(json!({"properties": {}}), None).contains("inputData"));
    assert!(refused(json!({"properties": {"inputData": {"a": {"uri": "azureml:x:1"}, "b": {"uri": "azureml:y:1"}}}}), None).contains("exactly one"));
    assert!(refused(
        json!({"properties": {"inputData": {"a": {"jobInputType": "Literal", "value": "1"}}}}),
        None
    )
    .contains("literal"));
    assert!(refused(
        json!({"properties": {"inputData": {"a": {"uri": "https://example.com/x.csv"}}}}),
        None
    )
    .contains("outside this installation"));
    assert!(refused(body.clone(), Some("nope")).contains("no deployment 'nope'"));
    assert!(refused(
        json!({"properties": {"inputData": {"a": {"uri": "azureml://datastores/workspaceblobstore/paths/heart/"}}, "miniBatchSize": 0}}),
        None
    )
    .contains("miniBatchSize"));
    let reader = w
        .invoke_batch("Alan Turing", "heart-batch", None, "j4", &body)
        .unwrap_err();
    assert_eq!(reader.code(), "AuthorizationFailed", "{}", reader.message());
}

#[test]
fn files_are_scored_row_by_row_and_failed_mini_batches_counted_against_the_threshold() {
    let (model, columns) = crate::endpoints::score::tests::model();
    let text = crate::data::samples::sample_csv("diabetes").unwrap();
    let head: String = text.lines().take(4).collect::<Vec<_>>().join("\n");
    let predictions = score_file(&model, "part-0.csv", head.as_bytes()).unwrap();
    assert_eq!(predictions.len(), 3);
    assert!(predictions.iter().all(|p| model.classes.contains(p)));
    let missing = columns
        .iter()
        .filter(|c| *c != "Pregnancies")
        .cloned()
        .collect::<Vec<_>>()
        .join(",");
    let why = score_file(&model, "bad.csv", format!("{missing}\n").as_bytes()).unwrap_err();
    assert!(
        why.contains("bad.csv") && why.contains("Pregnancies"),
        "{why}"
    );
    assert!(score_file(&model, "notes.docx", b"x")
        .unwrap_err()
        .contains("not a CSV"));
    let mut settings = BatchSettings {
        endpoint: "e".into(),
        deployment: "d".into(),
        model: "m".into(),
        append_rows: true,
        output_file: "predictions.csv".into(),
        mini_batch_size: 2,
        error_threshold: Some(0),
    };
    let mut tally = Tally::default();
    assert!(tally.add(
        &settings,
        vec![
            ("a.csv".into(), Ok(vec!["1".into(), "0".into()])),
            ("b,c.csv".into(), Ok(vec!["1".into()]))
        ]
    ));
    assert_eq!(tally.output, "0,1,a.csv\n1,0,a.csv\n0,1,\"b,c.csv\"\n");
    assert!(!tally.over_threshold(&settings));
    assert!(!tally.add(
        &settings,
        vec![
            ("d.csv".into(), Ok(vec!["1".into()])),
            ("e.csv".into(), Err("'e.csv': broken".into()))
        ]
    ));
    assert_eq!(
        (tally.rows, tally.files, tally.batches, tally.failed.len()),
        (3, 2, 1, 1)
    );
    assert!(tally.over_threshold(&settings));
    settings.error_threshold = None;
    assert!(!tally.over_threshold(&settings));
    settings.append_rows = false;
    let mut summary = Tally::default();
    summary.add(&settings, vec![("a.csv".into(), Ok(vec!["1".into()]))]);
    assert_eq!((summary.output.as_str(), summary.rows), ("", 1));
}

#[test]
fn batch_endpoint_and_deployment_files_read_and_write_back_the_same() {
    let text = "$schema: https://azuremlschemas.azureedge.net/latest/batchEndpoint.schema.json\nname: heart-batch\ndescription: Scores the heart data\ndefaults:\n  deployment_name: classifier\ntags:\n  course: dp-100\n";
    let (name, endpoint) = batch_endpoint_from_yaml(text).unwrap();
    assert_eq!(name, "heart-batch");
    assert_eq!(
        endpoint.properties.defaults.deployment_name.as_deref(),
        Some("classifier")
    );
    let written = batch_endpoint_yaml(&endpoint);
    assert_eq!(
        batch_endpoint_from_yaml(&written).unwrap().1,
        endpoint,
        "{written}"
    );
    let text = "name: classifier\nendpoint_name: heart-batch\ntype: model\nmodel: azureml:heart-classifier:1\ncompute: azureml:batch-cluster\nresources:\n  instance_count: 2\nsettings:\n  max_concurrency_per_instance: 2\n  mini_batch_size: 10\n  output_action: append_row\n  output_file_name: predictions.csv\n  retry_settings:\n    max_retries: 3\n    timeout: 300\n  error_threshold: -1\n  logging_level: info\n";
    let d = batch_deployment_from_yaml(text).unwrap();
    assert_eq!(
        (d.endpoint.as_str(), d.name.as_str()),
        ("heart-batch", "classifier")
    );
    let p = &d.resource.properties;
    assert_eq!(
        (
            p.output_action.as_str(),
            p.error_threshold,
            p.logging_level.as_str()
        ),
        ("AppendRow", Some(-1), "Info")
    );
    assert_eq!(p.retry_settings["timeout"], "PT300S");
    assert_eq!(p.resources["instanceCount"], 2);
    let written = batch_deployment_yaml("heart-batch", &d.resource);
    assert_eq!(
        batch_deployment_from_yaml(&written).unwrap(),
        d,
        "{written}"
    );
    let bad = |t: &str| batch_deployment_from_yaml(t).unwrap_err().to_string();
    assert!(bad("name: classifier\nendpoint_name: e\nmodel: azureml:m:1\n").contains("compute"));
    assert!(bad("name: classifier\nendpoint_name: e\nmodel: azureml:m:1\ncompute: c\nsettings:\n  output_action: all\n").contains("append_row, summary_only"));
    assert!(bad(
        "name: classifier\nendpoint_name: e\ntype: pipeline\nmodel: azureml:m:1\ncompute: c\n"
    )
    .contains("model"));
}
