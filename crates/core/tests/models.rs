//! Models in the engine: where a version's files are, the first version creating the model,
//! immutable versions, stages, archive, delete, roles, CLI YAML both ways and their records.

use azimuth_core::models::yaml::{model_from_yaml, model_yaml};
use azimuth_core::models::{ModelSource, ModelVersionResource};
use azimuth_core::workspace::records::{writes, RecordWrite};
use azimuth_core::workspace::seed::EXAMPLE_TENANT;
use azimuth_core::workspace::Tenant;
use azimuth_core::Workspace;
use serde_json::json;

const ADA: &str = "Ada Lovelace";
const ALAN: &str = "Alan Turing";
const KATHERINE: &str = "Katherine Johnson";
const T0: i64 = 1_800_000_000_000;
const FROM_JOB: &str = "azureml://jobs/clever_needle_1grscjk86f/outputs/artifacts/paths/model/";

fn version(model_type: &str, uri: &str) -> ModelVersionResource {
    serde_json::from_value(
        json!({"properties": {"modelType": model_type, "modelUri": uri, "description": "d"}}),
    )
    .unwrap()
}

fn folder(uri: &str) -> Result<(String, String), String> {
    ModelSource::parse(uri)?.folder(|job, output| {
        (job == "j1" && output == "best_model")
            .then(|| "azureml://datastores/workspaceblobstore/paths/azureml/j1/best_model/".into())
    })
}

#[test]
fn a_model_uri_says_where_its_files_are() {
    let art = |p: &str| Ok(("workspaceartifactstore".to_owned(), p.to_owned()));
    assert_eq!(
        folder(FROM_JOB),
        art("ExperimentRun/dcid.clever_needle_1grscjk86f/model")
    );
    assert_eq!(
        folder("runs:/r1/outputs/model"),
        art("ExperimentRun/dcid.r1/outputs/model")
    );
    assert_eq!(
        folder("mlflow-artifacts:/ExperimentRun/dcid.r1/model"),
        art("ExperimentRun/dcid.r1/model")
    );
    let blob = |p: &str| Ok(("workspaceblobstore".to_owned(), p.to_owned()));
    assert_eq!(
        folder("azureml://jobs/j1/outputs/best_model"),
        blob("azureml/j1/best_model")
    );
    assert_eq!(
        folder("azureml://jobs/j1/outputs/best_model/paths/MLmodel"),
        blob("azureml/j1/best_model/MLmodel")
    );
    assert_eq!(
        folder("azureml://datastores/workspaceblobstore/paths/models/m1/"),
        blob("models/m1")
    );
    assert!(folder("azureml://jobs/j1/outputs/nothing")
        .unwrap_err()
        .contains("no output named 'nothing'"));
    for bad in [
        "",
        "https://example.com/model.pkl",
        "runs:/r1/../../etc",
        "mlflow-artifacts:/other/x",
        "azureml:titanic:1",
        "./model",
    ] {
        assert!(ModelSource::parse(bad).is_err(), "{bad}");
    }
    assert_eq!(
        ModelSource::parse(FROM_JOB).unwrap().job(),
        Some("clever_needle_1grscjk86f")
    );
}

#[test]
fn the_first_version_makes_the_model_and_versions_do_not_change() {
    let mut w = Workspace::seed(T0);
    let (created, v1) = w
        .put_model_version(ADA, "diabetes", "1", version("MLFlowModel", FROM_JOB), T0)
        .unwrap();
    assert!(created);
    assert_eq!(v1.properties.model_type, "mlflow_model");
    assert_eq!(
        v1.properties.job_name.as_deref(),
        Some("clever_needle_1grscjk86f")
    );
    assert_eq!(v1.properties.stage.as_deref(), Some("None"));
    assert_eq!(
        v1.resource_type,
        "Microsoft.MachineLearningServices/workspaces/models/versions"
    );
    assert!(v1.id.ends_with("/models/diabetes/versions/1"));
    let c = w.model_container("DIABETES").unwrap();
    assert_eq!(c.properties.latest_version.as_deref(), Some("1"));
    assert_eq!(c.properties.next_version.as_deref(), Some("2"));
    // The same version again with other files is refused; its description may change.
    let e = w
        .put_model_version(
            ADA,
            "diabetes",
            "1",
            version("custom_model", FROM_JOB),
            T0 + 1,
        )
        .unwrap_err();
    assert!(
        e.message().contains("versions cannot change"),
        "{}",
        e.message()
    );
    let mut change = version("", "");
    change.properties.description = Some("better".into());
    change.properties.stage = Some("Production".into());
    let (created, v1) = w
        .put_model_version(ADA, "diabetes", "1", change, T0 + 2)
        .unwrap();
    assert!(!created);
    assert_eq!(v1.properties.description.as_deref(), Some("better"));
    assert_eq!(v1.properties.stage.as_deref(), Some("Production"));
    let mut bad_stage = version("", "");
    bad_stage.properties.stage = Some("Live".into());
    assert!(w
        .put_model_version(ADA, "diabetes", "1", bad_stage, T0 + 3)
        .is_err());
    // A bad type, a bad path, a datastore the workspace lacks, a bad version: each refused.
    for (v, t, uri) in [
        ("2", "onnx", FROM_JOB),
        ("2", "custom_model", "https://example.com/m"),
        ("2", "custom_model", "azureml://datastores/nostore/paths/m/"),
        ("two/", "custom_model", FROM_JOB),
    ] {
        assert!(
            w.put_model_version(ADA, "diabetes", v, version(t, uri), T0 + 4)
                .is_err(),
            "{v} {t} {uri}"
        );
    }
    // A Reader and a Compute Operator may not register models.
    for who in [ALAN, KATHERINE] {
        let e = w
            .put_model_version(
                who,
                "diabetes",
                "2",
                version("custom_model", FROM_JOB),
                T0 + 5,
            )
            .unwrap_err();
        assert_eq!(e.code(), "AuthorizationFailed");
    }
    w.put_model_version(
        ADA,
        "diabetes",
        "2",
        version("custom_model", FROM_JOB),
        T0 + 6,
    )
    .unwrap();
    assert_eq!(w.next_model_version("diabetes"), "3");
    // Deleting the latest version makes the one before it the latest; numbers are not reused.
    assert!(w
        .delete_model_version(ADA, "diabetes", "2", T0 + 7)
        .unwrap());
    assert!(!w
        .delete_model_version(ADA, "diabetes", "2", T0 + 8)
        .unwrap());
    let c = w.model_container("diabetes").unwrap();
    assert_eq!(c.properties.latest_version.as_deref(), Some("1"));
    assert_eq!(c.properties.next_version.as_deref(), Some("3"));
    assert_eq!(w.next_model_version("diabetes"), "3");
    assert!(w.delete_model(ADA, "diabetes", T0 + 9).unwrap());
    assert!(w.model_container("diabetes").is_none());
    assert_eq!(w.model_versions("diabetes").count(), 0);
}

#[test]
fn cli_yaml_round_trips_and_bad_files_say_why() {
    let mut w = Workspace::seed(T0);
    let mut asked = version("mlflow_model", FROM_JOB);
    asked.properties.tags.insert("team".into(), "a".into());
    asked.properties.stage = Some("Staging".into());
    let (_, v) = w
        .put_model_version(ADA, "diabetes", "1", asked, T0)
        .unwrap();
    let yaml = model_yaml("diabetes", &v);
    assert_eq!(yaml, "$schema: https://azuremlschemas.azureedge.net/latest/model.schema.json\nname: diabetes\nversion: \"1\"\ndescription: d\ntype: mlflow_model\npath: azureml://jobs/clever_needle_1grscjk86f/outputs/artifacts/paths/model/\nstage: Staging\njob_name: clever_needle_1grscjk86f\ntags:\n  team: a\n");
    let read = model_from_yaml(&yaml).unwrap();
    assert_eq!(
        (read.name.as_str(), read.version.as_deref()),
        ("diabetes", Some("1"))
    );
    let mut again = Workspace::seed(T0);
    let (_, v2) = again
        .put_model_version(ADA, &read.name, "1", read.resource, T0)
        .unwrap();
    assert_eq!(v2.properties, v.properties);
    let remote = model_from_yaml("name: m\npath: https://example.org/m\n").unwrap_err();
    assert!(remote.to_string().contains("line 2"), "{remote}");
    assert!(model_from_yaml("name: m\ntype: onnx\npath: runs:/r/m\n").is_err());
    assert!(model_from_yaml("name: m\npath: runs:/r/m\ncolour: red\n").is_err());
}

#[test]
fn model_changes_write_their_own_records_and_travel_as_changes() {
    let mut t = Tenant::seed(T0, EXAMPLE_TENANT, None);
    let before = t.clone();
    let ws = &mut t.workspaces[0];
    ws.put_model_version(
        ADA,
        "diabetes",
        "1",
        version("mlflow_model", FROM_JOB),
        T0 + 1,
    )
    .unwrap();
    let w = writes(Some(&before), &t);
    let puts = w
        .iter()
        .filter(|w| matches!(w, RecordWrite::Put { key, .. } if key.contains("|model")))
        .count();
    assert_eq!(puts, 2);
    let changes = t.workspaces[0]
        .changes_since(&before.workspaces[0])
        .unwrap();
    assert_eq!(
        (
            changes.models.containers.len(),
            changes.models.versions.len()
        ),
        (1, 1)
    );
    let mut studio = before.workspaces[0].clone();
    studio.apply_changes(changes);
    assert_eq!(studio, t.workspaces[0]);
    // A deletion travels too, and removes the records.
    let before = t.clone();
    t.workspaces[0]
        .delete_model(ADA, "diabetes", T0 + 2)
        .unwrap();
    let w = writes(Some(&before), &t);
    let deletes = w
        .iter()
        .filter(|w| matches!(w, RecordWrite::Delete { key, .. } if key.contains("|model")))
        .count();
    assert_eq!(deletes, 2);
    let changes = t.workspaces[0]
        .changes_since(&before.workspaces[0])
        .unwrap();
    assert_eq!(changes.models.deleted, ["diabetes"]);
    assert_eq!(changes.models.deleted_versions.len(), 1);
    let mut studio = before.workspaces[0].clone();
    studio.apply_changes(changes);
    assert_eq!(studio, t.workspaces[0]);
}
