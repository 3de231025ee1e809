use super::*;
use crate::jobs::command::JobSpec;

const LAB: &str = r#"
$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json
code: azureml://datastores/workspaceblobstore/paths/src/
command: >-
  python main.py --iris-csv ${{inputs.iris_csv}} --C ${{inputs.C}}
  --model ${{outputs.model}}
inputs:
  iris_csv:
    type: uri_file
    path: azureml://datastores/workspaceblobstore/paths/example-data/iris.csv
    mode: ro_mount
  C: 0.8
  epochs: {type: integer, default: 3}
outputs:
  model: {type: mlflow_model}
environment: azureml:AzureML-sklearn-1.0-ubuntu20.04-py38-cpu@latest
environment_variables: {LOG_LEVEL: debug}
compute: azureml:cpu-cluster
experiment_name: sklearn-iris-example
display_name: sklearn-iris-example
limits: {timeout: 1800}
resources: {instance_count: 1}
tags: {course: ml-101}
"#;

#[test]
fn a_lab_file_becomes_an_arm_body_the_engine_accepts() {
    let job = job_from_yaml(LAB).unwrap();
    assert_eq!(job.name, None);
    assert_eq!(job.local_code, None);
    let p = &job.body["properties"];
    assert_eq!(
        p["codeId"],
        "azureml://datastores/workspaceblobstore/paths/src/"
    );
    assert_eq!(
        p["inputs"]["C"],
        json!({"jobInputType": "literal", "value": "0.8"})
    );
    assert_eq!(p["inputs"]["epochs"]["value"], "3");
    assert_eq!(p["inputs"]["iris_csv"]["mode"], "ReadOnlyMount");
    assert_eq!(p["outputs"]["model"]["jobOutputType"], "mlflow_model");
    assert_eq!(p["limits"]["timeout"], "PT1800S");
    assert_eq!(p["computeId"], "azureml:cpu-cluster");
    assert_eq!(p["resources"]["instanceCount"], 1);
    let spec = JobSpec::from_properties(p).unwrap();
    assert_eq!(spec.timeout_seconds().unwrap(), Some(1800));
    // Written out and read back, it is the same job.
    let written = job_yaml("iris_1", p);
    assert!(written.starts_with("$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json\ntype: command\nname: iris_1\n"), "{written}");
    let again = job_from_yaml(&written).unwrap();
    assert_eq!(again.name.as_deref(), Some("iris_1"));
    assert_eq!(again.body, job.body, "{written}");
}

#[test]
fn bad_files_say_where_and_what() {
    let err = |text: &str| job_from_yaml(text).unwrap_err().to_string();
    assert!(err("type: sweep\ncommand: x\nenvironment: e").contains("command and AutoML jobs"));
    assert!(err("environment: e").contains("command is required"));
    assert!(err("command: x\nenvironment:\n  image: python:3.11").contains("register it"));
    assert!(
        err("command: x\nenvironment: e\ninputs:\n  d: {type: uri_file, path: ./data.csv}")
            .contains("line 4")
    );
    assert!(err("command: x\nenvironment: e\nlimits: {timeout: PT5M}").contains("whole number"));
    assert!(err("command: x\nenvironment: e\nnonsense: 1").contains("nonsense"));
    let local = job_from_yaml("code: ./src\ncommand: python main.py\nenvironment: e").unwrap();
    assert_eq!(local.local_code.as_deref(), Some("./src"));
    assert!(local.body["properties"].get("codeId").is_none());
}
