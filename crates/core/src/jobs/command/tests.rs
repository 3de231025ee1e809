use super::*;
use serde_json::json;

fn spec(properties: Value) -> Result<JobSpec, ArmError> {
    JobSpec::from_properties(&properties)
}

fn iris() -> Value {
    json!({
        "jobType": "Command",
        "command": "python main.py --iris-csv ${{inputs.iris_csv}} --C ${{inputs.C}} --out ${{outputs.model}}",
        "environmentId": "azureml://registries/azureml/environments/sklearn-1.5/labels/latest",
        "inputs": {
            "iris_csv": {"jobInputType": "uri_file", "uri": "azureml://datastores/workspaceblobstore/paths/example-data/iris.csv", "mode": "ReadOnlyMount"},
            "C": {"jobInputType": "literal", "value": "0.8"}
        },
        "outputs": {"model": {"jobOutputType": "mlflow_model"}},
        "limits": {"jobLimitsType": "Command", "timeout": "PT30M"},
        "resources": {"instanceCount": 1},
        "displayName": "iris", "experimentName": "sklearn-iris", "tags": {"a": "b"},
        "status": "Completed", "services": {}
    })
}

#[test]
fn a_command_job_is_read_and_checked() {
    let s = spec(iris()).unwrap();
    assert_eq!(s.job_type, "Command");
    assert_eq!(s.inputs["C"].value.as_deref(), Some("0.8"));
    assert_eq!(s.timeout_seconds().unwrap(), Some(1800));
    // Kept as sent, beside what the engine reads.
    assert_eq!(s.rest["resources"], json!({"instanceCount": 1}));
    // What the run keeps and what ARM computes are not part of the spec.
    for key in [
        "displayName",
        "experimentName",
        "tags",
        "status",
        "services",
    ] {
        assert!(!s.rest.contains_key(key), "{key}");
    }
}

#[test]
fn bad_submissions_say_what_is_wrong() {
    let with = |path: &str, value: Value| {
        let mut body = iris();
        let mut at = &mut body;
        let parts: Vec<&str> = path.split('.').collect();
        for p in &parts[..parts.len() - 1] {
            at = at.get_mut(*p).unwrap();
        }
        at[parts[parts.len() - 1]] = value;
        spec(body).unwrap_err().message().to_owned()
    };
    assert!(with("jobType", json!("Sweep")).contains("command and AutoML jobs"));
    assert!(with("jobType", json!("AutoML")).contains("taskDetails"));
    assert!(with("jobType", json!("Batch")).contains("must be one of"));
    assert!(with("command", json!("  ")).contains("needs a command"));
    assert!(with("environmentId", Value::Null).contains("environment"));
    assert!(with("inputs.C.value", Value::Null).contains("needs a value"));
    assert!(with("inputs.iris_csv.uri", json!("")).contains("needs a uri"));
    assert!(with("inputs.iris_csv.mode", json!("mount")).contains("ReadOnlyMount"));
    assert!(with("outputs.model.jobOutputType", json!("csv")).contains("uri_folder"));
    assert!(with("limits.timeout", json!("30 minutes")).contains("ISO 8601"));
    assert!(with("limits.timeout", json!("P90D")).contains("P30D"));
    assert!(with("command", json!("python x.py ${{inputs.lr}}")).contains("no input named 'lr'"));
    assert!(with("command", json!("python x.py ${{outputs.m}}")).contains("no output named 'm'"));
    assert!(with("environmentVariables", json!({"A B": "1"})).contains("environment variable"));
    let mut body = iris();
    body["inputs"]["1bad"] = json!({"jobInputType": "literal", "value": "1"});
    assert!(spec(body)
        .unwrap_err()
        .message()
        .contains("cannot name an input"));
    assert!(spec(json!([])).is_err());
    assert!(with("codeId", json!("https://example.com/src.zip"))
        .contains("names neither a code asset version"));
    // An unclosed optional part is text, checked like the rest.
    let mut body = iris();
    body["command"] = json!("python x.py $[[--lr ${{inputs.lr}}");
    assert!(spec(body)
        .unwrap_err()
        .message()
        .contains("no input named 'lr'"));
    // An optional part may use an input the job does not have.
    let mut body = iris();
    body["command"] = json!("python x.py $[[--lr ${{inputs.lr}}]]");
    assert!(spec(body).is_ok());
}

#[test]
fn commands_are_resolved_as_azure_resolves_them() {
    let inputs: BTreeMap<String, String> = [
        ("data".to_owned(), "/job/inputs/data".to_owned()),
        ("note".to_owned(), "it's $HOME; rm -rf /".to_owned()),
    ]
    .into();
    let outputs: BTreeMap<String, String> =
        [("model".to_owned(), "/job/outputs/model".to_owned())].into();
    let command = "python t.py --data ${{inputs.data}} --note ${{ inputs.note }} $[[--lr ${{inputs.lr}}]] $[[--out ${{outputs.model}}]] ${{inputs.missing}}";
    assert_eq!(
        resolve_command(command, &inputs, &outputs),
        "python t.py --data /job/inputs/data --note it's $HOME; rm -rf /  --out /job/outputs/model ${{inputs.missing}}"
    );
    assert_eq!(
        resolve_command("echo ${{inputs.x", &inputs, &outputs),
        "echo ${{inputs.x"
    );
    assert_eq!(
        resolve_command("echo $[[ open", &inputs, &outputs),
        "echo $[[ open"
    );
}

#[test]
fn only_the_description_changes_after_submission() {
    let s = spec(iris()).unwrap();
    let mut described = s.clone();
    described.description = Some("better words".into());
    assert!(s.check_change(&described).is_ok());
    let mut other = s.clone();
    other.command = "python other.py".into();
    assert!(s.check_change(&other).is_err());
}
