//! MLflow's model registry over raw HTTP: registered models are the workspace's models and
//! model versions its versions, so a version registered from a run's MLflow model folder is
//! seen over ARM too; aliases, stages, searches, and the errors MLflow's clients read.

mod common;

use common::*;
use serde_json::{json, Value};
use std::net::SocketAddr;

const MLMODEL: &str =
    "artifact_path: model\nflavors:\n  python_function:\n    loader_module: my_model\n";

/// One person calling the lab workspace's tracking API.
struct Mlflow {
    a: SocketAddr,
    token: String,
}

impl Mlflow {
    async fn sign_in(a: SocketAddr, member: &str) -> Mlflow {
        let token = sign_in(a, member).await;
        Mlflow { a, token }
    }

    async fn send(&self, method: &str, call_name: &str, body: Value) -> (u16, Value) {
        let path = format!("/mlflow/v1.0{WS}/api/2.0/mlflow/{call_name}");
        let body = body.to_string();
        call(self.a, method, &path, Some(&self.token), body.as_bytes()).await
    }

    /// The call answers 200; its body.
    async fn ok(&self, method: &str, call_name: &str, body: Value) -> Value {
        let (status, answer) = self.send(method, call_name, body).await;
        assert_eq!(status, 200, "{method} {call_name}: {answer}");
        answer
    }

    /// A GET (its arguments in `query`) that answers 200.
    async fn get(&self, query: &str) -> Value {
        self.ok("GET", query, Value::Null).await
    }

    /// The call fails with `status` and MLflow's `code`; its message.
    async fn refused(
        &self,
        method: &str,
        call_name: &str,
        body: Value,
        want: (u16, &str),
    ) -> String {
        let (status, answer) = self.send(method, call_name, body).await;
        assert_eq!(
            (status, answer["error_code"].as_str()),
            (want.0, Some(want.1)),
            "{answer}"
        );
        answer["message"].as_str().unwrap().to_owned()
    }

    /// An ARM resource of the workspace (`path` after it) that answers 200.
    async fn arm(&self, path: &str) -> Value {
        let (status, answer) = call(
            self.a,
            "GET",
            &format!("{WS}/{path}?{V}"),
            Some(&self.token),
            b"",
        )
        .await;
        assert_eq!(status, 200, "{path}: {answer}");
        answer
    }

    /// A run holding an MLflow model folder (`model/MLmodel`, `model/model.pkl`).
    async fn run_with_model(&self) -> String {
        let made = self
            .ok("POST", "runs/create", json!({"experiment_id": "0"}))
            .await;
        let run = made["run"]["info"]["run_id"].as_str().unwrap().to_owned();
        let artifacts = format!("/mlflow/v1.0{WS}/api/2.0/mlflow-artifacts/artifacts");
        for (file, body) in [
            ("MLmodel", MLMODEL.as_bytes()),
            ("model.pkl", b"\x80\x04weights"),
        ] {
            let path = format!("{artifacts}/ExperimentRun/dcid.{run}/model/{file}");
            let (status, _) = call(self.a, "PUT", &path, Some(&self.token), body).await;
            assert_eq!(status, 200);
        }
        run
    }

    /// Registers `name` and `count` versions of a new run's model folder; answers the run.
    async fn model_with_versions(&self, name: &str, count: usize) -> String {
        let run = self.run_with_model().await;
        self.ok("POST", "registered-models/create", json!({"name": name}))
            .await;
        let source = format!("mlflow-artifacts:/ExperimentRun/dcid.{run}/model");
        for _ in 0..count {
            let body = json!({"name": name, "source": source, "run_id": run});
            self.ok("POST", "model-versions/create", body).await;
        }
        run
    }
}

fn names(list: &Value, key: &str, field: &str) -> Vec<String> {
    let items = list[key].as_array().unwrap();
    items
        .iter()
        .map(|m| m[field].as_str().unwrap().to_owned())
        .collect()
}

const BAD: (u16, &str) = (400, "INVALID_PARAMETER_VALUE");
const MISSING: (u16, &str) = (404, "RESOURCE_DOES_NOT_EXIST");

#[tokio::test]
async fn registered_models_are_created_searched_changed_and_deleted() {
    let server = start(&temp_db("registry-models"), None).await;
    let ada = Mlflow::sign_in(server.addr, "Ada Lovelace").await;
    let body = json!({"name": "churn", "description": "Who leaves", "tags": [{"key": "team", "value": "a"}]});
    let made = ada
        .ok("POST", "registered-models/create", body.clone())
        .await;
    let model = &made["registered_model"];
    assert_eq!(
        (model["name"].as_str(), model["user_id"].as_str()),
        (Some("churn"), Some("ada@contoso.com"))
    );
    assert_eq!(model["tags"], json!([{"key": "team", "value": "a"}]));
    assert!(
        model["creation_timestamp"].as_i64().unwrap() > 1_700_000_000_000,
        "{made}"
    );
    let taken = ada
        .refused(
            "POST",
            "registered-models/create",
            body,
            (400, "RESOURCE_ALREADY_EXISTS"),
        )
        .await;
    assert!(taken.contains("churn"), "{taken}");
    for name in ["churn-2", "fraud"] {
        ada.ok("POST", "registered-models/create", json!({"name": name}))
            .await;
    }
    let got = ada.get("registered-models/get?name=churn").await;
    assert_eq!(got["registered_model"]["description"], "Who leaves");
    // The same model over ARM: one truth.
    assert_eq!(
        ada.arm("models/churn").await["properties"]["description"],
        "Who leaves"
    );

    let liked = ada
        .get("registered-models/search?filter=name+LIKE+%27%25churn%25%27")
        .await;
    assert_eq!(
        names(&liked, "registered_models", "name"),
        ["churn", "churn-2"],
        "{liked}"
    );
    let body = json!({"filter": "name ILIKE '%CHURN%'", "order_by": ["name DESC"]});
    let found = ada.ok("POST", "registered-models/search", body).await;
    assert_eq!(
        names(&found, "registered_models", "name"),
        ["churn-2", "churn"]
    );
    let exact = ada
        .get("registered-models/search?filter=name+%3D+%27fraud%27")
        .await;
    assert_eq!(names(&exact, "registered_models", "name"), ["fraud"]);
    let (mut paged, mut token) = (Vec::new(), String::new());
    loop {
        let page = ada
            .get(&format!(
                "registered-models/search?max_results=2&page_token={token}"
            ))
            .await;
        paged.extend(names(&page, "registered_models", "name"));
        match page["next_page_token"].as_str() {
            Some(next) => token = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(paged, ["churn", "churn-2", "fraud"]);
    let order = ada
        .refused(
            "POST",
            "registered-models/search",
            json!({"order_by": ["size"]}),
            BAD,
        )
        .await;
    assert!(order.contains("last_updated_timestamp"), "{order}");

    let body = json!({"name": "churn", "description": "Who leaves, and when"});
    let changed = ada.ok("PATCH", "registered-models/update", body).await;
    assert_eq!(
        changed["registered_model"]["description"],
        "Who leaves, and when"
    );
    let tag = json!({"name": "churn", "key": "stage", "value": "pilot"});
    ada.ok("POST", "registered-models/set-tag", tag).await;
    ada.ok(
        "DELETE",
        "registered-models/delete-tag",
        json!({"name": "churn", "key": "team"}),
    )
    .await;
    let got = ada.get("registered-models/get?name=churn").await;
    assert_eq!(
        got["registered_model"]["tags"],
        json!([{"key": "stage", "value": "pilot"}])
    );
    let rename = json!({"name": "churn", "new_name": "leavers"});
    let message = ada
        .refused("POST", "registered-models/rename", rename, BAD)
        .await;
    assert!(message.contains("cannot be renamed"), "{message}");

    ada.ok(
        "DELETE",
        "registered-models/delete",
        json!({"name": "churn"}),
    )
    .await;
    ada.refused(
        "GET",
        "registered-models/get?name=churn",
        Value::Null,
        MISSING,
    )
    .await;
    ada.refused(
        "DELETE",
        "registered-models/delete",
        json!({"name": "churn"}),
        MISSING,
    )
    .await;
    let path = format!("{WS}/models/churn?{V}");
    assert_eq!(
        call(server.addr, "GET", &path, Some(&ada.token), b"")
            .await
            .0,
        404
    );
}

#[tokio::test]
async fn a_version_from_a_runs_model_folder_is_ready_and_seen_over_arm() {
    let server = start(&temp_db("registry-versions"), None).await;
    let ada = Mlflow::sign_in(server.addr, "Ada Lovelace").await;
    let run = ada.model_with_versions("my-model", 1).await;
    let folder = format!("mlflow-artifacts:/ExperimentRun/dcid.{run}/model");
    let got = ada.get("model-versions/get?name=my-model&version=1").await;
    let v1 = &got["model_version"];
    assert_eq!(
        (v1["status"].as_str(), v1["current_stage"].as_str()),
        (Some("READY"), Some("None"))
    );
    assert_eq!(
        (v1["run_id"].as_str(), v1["source"].as_str()),
        (Some(run.as_str()), Some(folder.as_str()))
    );
    let arm = ada.arm("models/my-model/versions/1").await;
    let p = &arm["properties"];
    assert_eq!(
        (p["modelType"].as_str(), p["jobName"].as_str()),
        (Some("mlflow_model"), Some(run.as_str()))
    );
    assert_eq!(
        p["flavors"]["python_function"]["data"]["loader_module"], "my_model",
        "{arm}"
    );

    let body =
        json!({"name": "my-model", "source": format!("runs:/{run}/model"), "description": "again"});
    let made = ada.ok("POST", "model-versions/create", body).await;
    assert_eq!(made["model_version"]["version"], "2", "{made}");
    assert_eq!(
        made["model_version"]["run_id"].as_str(),
        Some(run.as_str()),
        "the source's run"
    );
    let uri = ada
        .get("model-versions/get-download-uri?name=my-model&version=2")
        .await;
    assert_eq!(uri["artifact_uri"], folder);
    let model = ada.get("registered-models/get?name=my-model").await;
    assert_eq!(
        names(&model["registered_model"], "latest_versions", "version"),
        ["2"]
    );

    let create = "model-versions/create";
    let empty = json!({"name": "my-model", "source": format!("runs:/{run}/nothing")});
    let message = ada.refused("POST", create, empty, BAD).await;
    assert!(message.contains("left no files"), "{message}");
    let logged = json!({"name": "my-model", "source": "models:/m-0123456789"});
    let message = ada.refused("POST", create, logged, BAD).await;
    assert!(message.contains("runs:/<run_id>/model"), "{message}");
    let orphan = json!({"name": "nobody", "source": format!("runs:/{run}/model")});
    let message = ada.refused("POST", create, orphan, MISSING).await;
    assert!(message.contains("create it first"), "{message}");

    let found = ada
        .get("model-versions/search?filter=name%3D%27my-model%27")
        .await;
    assert_eq!(
        names(&found, "model_versions", "version"),
        ["2", "1"],
        "{found}"
    );
    let body = json!({"filter": format!("run_id = '{run}'"), "order_by": ["version_number ASC"], "max_results": 1});
    let page = ada.ok("POST", "model-versions/search", body).await;
    assert_eq!(names(&page, "model_versions", "version"), ["1"]);
    assert_eq!(page["next_page_token"], "1");
    let body = json!({"name": "my-model", "version": "1", "description": "first"});
    let changed = ada.ok("PATCH", "model-versions/update", body).await;
    assert_eq!(changed["model_version"]["description"], "first");
    let tag = json!({"name": "my-model", "version": "1", "key": "checked", "value": "yes"});
    ada.ok("POST", "model-versions/set-tag", tag).await;
    assert_eq!(
        ada.arm("models/my-model/versions/1").await["properties"]["tags"]["checked"],
        "yes"
    );
    let untag = json!({"name": "my-model", "version": "1", "key": "checked"});
    ada.ok("DELETE", "model-versions/delete-tag", untag).await;
    ada.ok(
        "DELETE",
        "model-versions/delete",
        json!({"name": "my-model", "version": "2"}),
    )
    .await;
    ada.refused(
        "GET",
        "model-versions/get?name=my-model&version=2",
        Value::Null,
        MISSING,
    )
    .await;
    let third = json!({"name": "my-model", "source": format!("runs:/{run}/model")});
    let made = ada.ok("POST", create, third).await;
    assert_eq!(
        made["model_version"]["version"], "3",
        "a number is never given twice"
    );
}

#[tokio::test]
async fn aliases_name_versions_and_stages_move_them() {
    let server = start(&temp_db("registry-stages"), None).await;
    let ada = Mlflow::sign_in(server.addr, "Ada Lovelace").await;
    ada.model_with_versions("churn", 3).await;
    let set =
        |alias: &str, version: &str| json!({"name": "churn", "alias": alias, "version": version});
    ada.ok("POST", "registered-models/alias", set("champion", "1"))
        .await;
    let by_alias = ada
        .get("registered-models/alias?name=churn&alias=champion")
        .await;
    assert_eq!(by_alias["model_version"]["version"], "1", "{by_alias}");
    assert_eq!(by_alias["model_version"]["aliases"], json!(["champion"]));
    let model = ada.get("registered-models/get?name=churn").await;
    assert_eq!(
        model["registered_model"]["aliases"],
        json!([{"alias": "champion", "version": "1"}])
    );
    let latest = ada
        .get("registered-models/alias?name=churn&alias=latest")
        .await;
    assert_eq!(latest["model_version"]["version"], "3");
    let reserved = ada
        .refused("POST", "registered-models/alias", set("latest", "2"), BAD)
        .await;
    assert!(reserved.contains("reserved"), "{reserved}");
    ada.refused("POST", "registered-models/alias", set("x", "9"), MISSING)
        .await;
    ada.ok(
        "DELETE",
        "registered-models/alias",
        json!({"name": "churn", "alias": "champion"}),
    )
    .await;
    let gone = ada
        .refused(
            "GET",
            "registered-models/alias?name=churn&alias=champion",
            Value::Null,
            BAD,
        )
        .await;
    assert!(gone.contains("champion not found"), "{gone}");

    let to = |version: &str, stage: &str, archive: bool| json!({"name": "churn", "version": version, "stage": stage, "archive_existing_versions": archive});
    let transition = "model-versions/transition-stage";
    ada.ok("POST", transition, to("1", "production", false))
        .await;
    ada.ok("POST", transition, to("2", "Staging", false)).await;
    let moved = ada
        .ok("POST", transition, to("3", "PRODUCTION", true))
        .await;
    assert_eq!(
        moved["model_version"]["current_stage"], "Production",
        "{moved}"
    );
    let v1 = ada.get("model-versions/get?name=churn&version=1").await;
    assert_eq!(v1["model_version"]["current_stage"], "Archived", "{v1}");
    assert_eq!(
        ada.arm("models/churn/versions/1").await["properties"]["stage"],
        "Archived"
    );
    let body = json!({"name": "churn", "stages": ["production", "staging"]});
    let latest = ada
        .ok("POST", "registered-models/get-latest-versions", body)
        .await;
    assert_eq!(
        names(&latest, "model_versions", "version"),
        ["3", "2"],
        "{latest}"
    );
    let all = ada
        .get("registered-models/get-latest-versions?name=churn")
        .await;
    assert_eq!(
        names(&all, "model_versions", "current_stage"),
        ["Staging", "Production", "Archived"]
    );
    let bad = ada
        .refused("POST", transition, to("2", "prod", false), BAD)
        .await;
    assert!(bad.contains("Production"), "{bad}");
    ada.refused("POST", transition, to("2", "None", true), BAD)
        .await;
    ada.ok("POST", "registered-models/alias", set("next", "2"))
        .await;
    ada.ok(
        "DELETE",
        "model-versions/delete",
        json!({"name": "churn", "version": "2"}),
    )
    .await;
    let model = ada.get("registered-models/get?name=churn").await;
    assert_eq!(
        model["registered_model"]["aliases"],
        json!([]),
        "an alias goes with its version"
    );
}

#[tokio::test]
async fn a_reader_reads_models_but_does_not_register_them() {
    let server = start(&temp_db("registry-reader"), None).await;
    let ada = Mlflow::sign_in(server.addr, "Ada Lovelace").await;
    let alan = Mlflow::sign_in(server.addr, "Alan Turing").await;
    let run = ada.model_with_versions("churn", 1).await;
    alan.get("model-versions/get?name=churn&version=1").await;
    let writes = [
        ("POST", "registered-models/create", json!({"name": "mine"})),
        (
            "POST",
            "model-versions/create",
            json!({"name": "churn", "source": format!("runs:/{run}/model")}),
        ),
        (
            "PATCH",
            "registered-models/update",
            json!({"name": "churn", "description": "x"}),
        ),
        (
            "POST",
            "model-versions/set-tag",
            json!({"name": "churn", "version": "1", "key": "k", "value": "v"}),
        ),
        (
            "POST",
            "model-versions/transition-stage",
            json!({"name": "churn", "version": "1", "stage": "Production"}),
        ),
        (
            "POST",
            "registered-models/alias",
            json!({"name": "churn", "alias": "mine", "version": "1"}),
        ),
        (
            "DELETE",
            "registered-models/delete",
            json!({"name": "churn"}),
        ),
    ];
    for (method, call_name, body) in writes {
        let message = alan
            .refused(method, call_name, body, (403, "PERMISSION_DENIED"))
            .await;
        assert!(
            message.contains("needs the AzureML Data Scientist or Contributor role"),
            "{call_name}: {message}"
        );
    }
    let still = ada.get("registered-models/get?name=churn").await;
    assert_eq!(
        names(&still["registered_model"], "latest_versions", "version"),
        ["1"]
    );
}
