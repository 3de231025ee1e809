use super::*;
use crate::jobs::run::NewRun;
use crate::jobs::RunStatus;
use serde_json::json;

fn body() -> Value {
    json!({"properties": {
        "jobType": "Command",
        "command": "python train.py",
        "environmentId": "azureml:sklearn:1",
        "displayName": "first try",
        "experimentName": "iris",
        "tags": {"team": "a", "n": 3},
        "isArchived": false
    }})
}

fn run_of(submission: Submission) -> StoredRun {
    let mut run = StoredRun::new(NewRun {
        run_id: "clever_cat_0123456789",
        experiment_id: "e1",
        user: "ada",
        run_name: submission.display_name.as_deref(),
        generated_name: "clever_cat_0123456789".into(),
        start_time: 1_000,
        artifact_uri: "mlflow-artifacts:/ExperimentRun/dcid.clever_cat_0123456789".into(),
        tags: &submission.tags,
    })
    .unwrap();
    run.job = Some(StoredJob {
        spec: submission.spec,
        status: JobStatus::NotStarted,
        reason: None,
        started: None,
        submitted_by: "ada".into(),
    });
    run
}

#[test]
fn a_submission_becomes_a_run_and_an_arm_job() {
    let s = Submission::from_body(&body()).unwrap();
    assert_eq!(s.experiment_name, "iris");
    assert_eq!(s.archived, Some(false));
    assert!(s.tags.iter().any(|t| t.key == "n" && t.value == "3"));
    let mut run = run_of(s);
    assert!(run.set_job_status(JobStatus::Queued, Some("No runner.".into()), 2_000));
    assert_eq!(run.info.status, RunStatus::Scheduled);
    let place = JobPlace {
        workspace: "/subscriptions/s/resourceGroups/g/providers/Microsoft.MachineLearningServices/workspaces/w",
        experiment_name: "iris",
        tracking_uri: "http://127.0.0.1:8080/mlflow/v1.0/x",
        studio_url: "http://127.0.0.1:8080/jobs/runs/clever_cat_0123456789".into(),
    };
    let arm = job_resource(&run, &place);
    assert_eq!(arm["type"], JOB_TYPE);
    assert!(arm["id"]
        .as_str()
        .unwrap()
        .ends_with("/workspaces/w/jobs/clever_cat_0123456789"));
    let p = &arm["properties"];
    assert_eq!(p["status"], "Queued");
    assert_eq!(p["statusReason"], "No runner.");
    assert_eq!(p["displayName"], "first try");
    assert_eq!(p["experimentName"], "iris");
    assert_eq!(p["tags"], json!({"team": "a", "n": "3"}));
    assert_eq!(p["isArchived"], false);
    assert_eq!(p["command"], "python train.py");
    assert_eq!(
        p["outputs"]["default"]["uri"],
        "azureml://datastores/workspaceartifactstore/paths/ExperimentRun/dcid.clever_cat_0123456789/"
    );
    assert_eq!(p["services"]["Studio"]["endpoint"], place.studio_url);
    assert_eq!(arm["systemData"]["createdBy"], "ada");
}

#[test]
fn a_job_moves_forward_and_its_script_does_not_end_it() {
    let mut run = run_of(Submission::from_body(&body()).unwrap());
    run.set_job_status(JobStatus::Running, None, 5);
    assert_eq!(run.job.as_ref().unwrap().started, Some(5));
    // `mlflow.end_run()` inside the job: the process decides, not the script.
    run.update(Some(RunStatus::Finished), Some(6), None, 6)
        .unwrap();
    assert_eq!(run.job_status(), JobStatus::Running);
    assert!(!run.set_job_status(JobStatus::Queued, None, 7));
    assert!(run.set_job_status(JobStatus::Failed, Some("exit 1".into()), 8));
    assert_eq!(
        (run.info.status, run.info.end_time),
        (RunStatus::Failed, Some(8))
    );
    assert!(!run.set_job_status(JobStatus::Completed, None, 9));
}

#[test]
fn names_and_bad_bodies() {
    assert!(check_job_name("clever_cat_01-x").is_ok());
    for bad in ["", "-x", "a b", "ü", &"a".repeat(256)] {
        assert!(check_job_name(bad).is_err(), "{bad}");
    }
    assert!(Submission::from_body(&json!({})).is_err());
    let mut b = body();
    b["properties"]["tags"] = json!(["x"]);
    assert!(Submission::from_body(&b).is_err());
    b = body();
    b["properties"]["isArchived"] = json!("yes");
    assert!(Submission::from_body(&b).is_err());
    b = body();
    b["properties"]["experimentName"] = Value::Null;
    assert_eq!(
        Submission::from_body(&b).unwrap().experiment_name,
        "Default"
    );
}
