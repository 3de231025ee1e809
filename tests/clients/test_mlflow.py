"""The real `mlflow` client, unchanged, logging into a workspace of a running azimuth-server.

Run by `cargo xtask test` after the azure-ai-ml checks (the server is started with `--demo
--pace instant` on a free loopback port); by hand: `AZIMUTH_URL=http://127.0.0.1:8080
target/python/bin/python tests/clients/test_mlflow.py`. The tracking URI is the workspace's
`mlFlowTrackingUri` as ARM answers it, the token one made for scripts (MLFLOW_TRACKING_TOKEN),
exactly as a person's script would be set up. Each check runs in order; the first failure stops
the run.
"""

import json
import os
import sys
import tempfile
import urllib.request
import warnings

from checks import run

URL = os.environ.get("AZIMUTH_URL", "http://127.0.0.1:8080").rstrip("/")
ML = "Microsoft.MachineLearningServices"
LAB_GROUP, LAB = "rg-azimuth-lab", "mlw-azimuth-lab"


def call(method, path, token=None, body=None, raw=None, headers=None):
    """One plain HTTP request; (status, parsed JSON or bytes)."""
    data = json.dumps(body).encode() if body is not None else raw
    request = urllib.request.Request(path if path.startswith("http") else URL + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    for k, v in (headers or {}).items():
        request.add_header(k, v)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=20) as answer:
            status, text = answer.status, answer.read()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read()
    try:
        return status, json.loads(text) if text else None
    except ValueError:
        return status, text


def sign_in(member):
    return call("POST", "/api/session", body={"member": member})[1]["token"]


class Context:
    """What the checks share: Ada's token and the lab workspace's tracking URI."""

    def __init__(self):
        self.token = sign_in("Ada Lovelace")
        subs = call("GET", "/subscriptions?api-version=2022-12-01", self.token)[1]
        sub = subs["value"][0]["subscriptionId"]
        path = f"/subscriptions/{sub}/resourceGroups/{LAB_GROUP}/providers/{ML}/workspaces/{LAB}?api-version=2025-12-01"
        ws = call("GET", path, self.token)[1]
        self.tracking_uri = ws["properties"]["mlFlowTrackingUri"]
        assert self.tracking_uri.startswith(URL + "/mlflow/v1.0/subscriptions/"), self.tracking_uri
        # A token for scripts, as the studio's "Log from a script" makes one: it logs runs and
        # does nothing else.
        status, made = call("POST", "/api/tokens", self.token)
        assert status == 200, (status, made)
        self.token = made["token"]
        os.environ["MLFLOW_TRACKING_URI"] = self.tracking_uri
        os.environ["MLFLOW_TRACKING_TOKEN"] = self.token
        os.environ["MLFLOW_HTTP_REQUEST_MAX_RETRIES"] = "0"
        os.environ["MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"] = "false"
        self.run_id = None

    def api(self, method, call_path, body=None, token=None):
        """A tracking call by hand; `body` is JSON, or bytes sent as they are."""
        raw = body if isinstance(body, bytes) else None
        body = None if raw is not None else body
        url = f"{self.tracking_uri}/api/2.0/mlflow/{call_path}"
        return call(method, url, token or self.token, body, raw=raw)


def check_a_script_logs_a_run(c):
    """What the issue asks: a script using only mlflow logs params, metrics and an artifact."""
    import mlflow

    mlflow.set_experiment("client-test")
    with mlflow.start_run(run_name="baseline") as run:
        mlflow.log_param("learning_rate", 0.01)
        mlflow.log_params({"depth": 6, "model": "forest"})
        for step in range(10):
            mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
        mlflow.log_metrics({"accuracy": 0.91, "auc": 0.95})
        mlflow.set_tag("team", "vision")
        with tempfile.TemporaryDirectory() as folder:
            notes = os.path.join(folder, "notes.txt")
            with open(notes, "w") as f:
                f.write("a tree is fine\n")
            mlflow.log_artifact(notes)
            mlflow.log_artifact(notes, artifact_path="docs")
        mlflow.log_dict({"classes": ["a", "b"]}, "labels.json")
        c.run_id = run.info.run_id
    got = mlflow.get_run(c.run_id)
    assert got.info.status == "FINISHED", got.info
    assert got.info.run_name == "baseline", got.info.run_name
    assert got.info.user_id == "ada@contoso.com", got.info.user_id
    assert got.data.params == {"learning_rate": "0.01", "depth": "6", "model": "forest"}, got.data.params
    assert got.data.metrics == {"loss": 0.1, "accuracy": 0.91, "auc": 0.95}, got.data.metrics
    assert got.data.tags["team"] == "vision"
    assert got.info.end_time and got.info.end_time >= got.info.start_time


def check_history_and_artifacts_read_back(c):
    from mlflow import MlflowClient

    client = MlflowClient()
    history = client.get_metric_history(c.run_id, "loss")
    assert [m.step for m in history] == list(range(10)), history
    assert abs(history[3].value - 0.25) < 1e-12, history[3]
    top = sorted((f.path, f.is_dir) for f in client.list_artifacts(c.run_id))
    assert top == [("docs", True), ("labels.json", False), ("notes.txt", False)], top
    inner = [f.path for f in client.list_artifacts(c.run_id, "docs")]
    assert inner == ["docs/notes.txt"], inner
    with tempfile.TemporaryDirectory() as folder:
        path = client.download_artifacts(c.run_id, "docs/notes.txt", folder)
        with open(path) as f:
            assert f.read() == "a tree is fine\n"
    import mlflow

    assert mlflow.artifacts.load_dict(f"runs:/{c.run_id}/labels.json") == {"classes": ["a", "b"]}


def check_search_with_mlflows_grammar(c):
    import mlflow

    experiment = mlflow.get_experiment_by_name("client-test")
    with mlflow.start_run(experiment_id=experiment.experiment_id, run_name="deeper"):
        mlflow.log_params({"depth": 12, "model": "forest"})
        mlflow.log_metric("accuracy", 0.87)
    with mlflow.start_run(experiment_id=experiment.experiment_id, run_name="linear"):
        mlflow.log_params({"model": "logistic"})
        mlflow.log_metric("accuracy", 0.93)
    runs = mlflow.search_runs(
        experiment_ids=[experiment.experiment_id],
        filter_string="params.model = 'forest' and metrics.accuracy > 0.88",
        output_format="list",
    )
    assert [r.info.run_name for r in runs] == ["baseline"], [r.info.run_name for r in runs]
    ordered = mlflow.search_runs(
        experiment_names=["client-test"], order_by=["metrics.accuracy DESC"], output_format="list"
    )
    assert [r.info.run_name for r in ordered] == ["linear", "baseline", "deeper"]
    liked = mlflow.search_runs(
        experiment_names=["client-test"], filter_string="attributes.run_name LIKE 'de%'", output_format="list"
    )
    assert [r.info.run_name for r in liked] == ["deeper"]
    found = mlflow.search_experiments(filter_string="name = 'client-test'")
    assert [e.name for e in found] == ["client-test"], found


def check_errors_are_mlflows(c):
    import mlflow
    from mlflow.exceptions import MlflowException

    try:
        mlflow.get_run("0" * 32)
        raise AssertionError("an unknown run was found")
    except MlflowException as e:
        assert e.error_code == "RESOURCE_DOES_NOT_EXIST", e.error_code
    from mlflow import MlflowClient

    try:
        MlflowClient().log_param(c.run_id, "learning_rate", "0.5")
        raise AssertionError("a param changed value")
    except MlflowException as e:
        assert e.error_code == "INVALID_PARAMETER_VALUE" and "Changing param values" in e.message, e
    try:
        mlflow.create_experiment("client-test")
        raise AssertionError("two experiments took one name")
    except MlflowException as e:
        assert e.error_code == "RESOURCE_ALREADY_EXISTS", e.error_code
    status, body = c.api("POST", "runs/log-batch", {"run_id": c.run_id, "params": [{"key": f"p{i}", "value": "1"} for i in range(101)]})
    assert status == 400 and "at most 100 params" in body["message"], (status, body)
    status, body = c.api("POST", "runs/log-metric", {"run_id": c.run_id, "key": "x"}, token="not-a-token")
    assert status == 401 and body["error_code"] == "UNAUTHENTICATED", (status, body)
    status, body = c.api("POST", "runs/log-metric", b"{not json")
    assert status == 400, (status, body)


def check_a_reader_reads_but_does_not_log(c):
    reader = sign_in("Alan Turing")
    status, body = c.api("GET", f"runs/get?run_id={c.run_id}", token=reader)
    assert status == 200 and body["run"]["info"]["run_name"] == "baseline", (status, body)
    status, body = c.api("POST", "runs/log-metric", {"run_id": c.run_id, "key": "x", "value": 1, "timestamp": 0}, token=reader)
    assert status == 403 and body["error_code"] == "PERMISSION_DENIED", (status, body)
    artifact = f"{c.tracking_uri}/api/2.0/mlflow-artifacts/artifacts/ExperimentRun/dcid.{c.run_id}/evil.txt"
    status, _ = call("PUT", artifact, reader, raw=b"x")
    assert status == 403, status
    scientist = sign_in("Grace Hopper")
    status, _ = c.api("POST", "runs/log-metric", {"run_id": c.run_id, "key": "grace", "value": 2, "timestamp": 0}, token=scientist)
    assert status == 200, status


def check_deleted_runs_take_nothing(c):
    import mlflow
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    with mlflow.start_run(experiment_id="0") as run:
        pass
    default = mlflow.get_experiment(run.info.experiment_id)
    assert default.name == "Default", default.name
    client = MlflowClient()
    client.delete_run(run.info.run_id)
    try:
        client.log_metric(run.info.run_id, "late", 1.0)
        raise AssertionError("a deleted run took a metric")
    except MlflowException as e:
        assert "'active' state" in e.message, e.message
    assert mlflow.search_runs(experiment_ids=["0"], output_format="list") == []
    client.restore_run(run.info.run_id)
    assert [r.info.run_id for r in mlflow.search_runs(experiment_ids=["0"], output_format="list")] == [run.info.run_id]


def check_a_runs_model_is_registered_staged_and_deleted(c):
    """A run's MLflow model folder registered twice with mlflow's own registry calls, found,
    aliased, staged and deleted; each version is a model of the workspace, seen over ARM."""
    import mlflow
    from mlflow import MlflowClient

    with mlflow.start_run(experiment_id="0", run_name="model maker") as run:
        with tempfile.TemporaryDirectory() as folder:
            with open(os.path.join(folder, "MLmodel"), "w") as f:
                f.write("artifact_path: model\nflavors:\n  python_function:\n    loader_module: my_model\n")
            with open(os.path.join(folder, "model.pkl"), "wb") as f:
                f.write(b"\x80\x04weights")
            mlflow.log_artifacts(folder, "model")
    run_id = run.info.run_id
    first = mlflow.register_model(f"runs:/{run_id}/model", "my-model")
    second = mlflow.register_model(f"runs:/{run_id}/model", "my-model")
    assert (first.version, second.version) == ("1", "2"), (first.version, second.version)
    assert first.run_id == run_id and first.status == "READY", first
    client = MlflowClient()
    found = client.search_model_versions("name='my-model'")
    assert sorted(v.version for v in found) == ["1", "2"], found
    client.set_registered_model_alias("my-model", "champion", "1")
    assert client.get_model_version_by_alias("my-model", "champion").version == "1"
    with warnings.catch_warnings():
        # MLflow deprecates stages (aliases replace them); Azure ML still shows them.
        warnings.simplefilter("ignore", FutureWarning)
        assert [v.version for v in client.get_latest_versions("my-model")] == ["2"]
        client.transition_model_version_stage("my-model", "1", "Production")
        client.transition_model_version_stage("my-model", "2", "production", archive_existing_versions=True)
        assert client.get_model_version("my-model", "1").current_stage == "Archived"
        assert [v.version for v in client.get_latest_versions("my-model", stages=["Production"])] == ["2"]
    workspace = c.tracking_uri.split("/mlflow/v1.0", 1)[1]
    path = f"{workspace}/models/my-model/versions/2?api-version=2025-12-01"
    status, arm = call("GET", path, sign_in("Ada Lovelace"))
    assert status == 200, (status, arm)
    assert arm["properties"]["modelType"] == "mlflow_model" and arm["properties"]["jobName"] == run_id, arm
    assert arm["properties"]["flavors"]["python_function"]["data"]["loader_module"] == "my_model", arm
    client.delete_model_version("my-model", "2")
    assert [v.version for v in client.search_model_versions("name='my-model'")] == ["1"]


CHECKS = [
    check_a_script_logs_a_run,
    check_history_and_artifacts_read_back,
    check_search_with_mlflows_grammar,
    check_errors_are_mlflows,
    check_a_reader_reads_but_does_not_log,
    check_deleted_runs_take_nothing,
    check_a_runs_model_is_registered_staged_and_deleted,
]


if __name__ == "__main__":
    sys.exit(run("mlflow", URL, Context, CHECKS))
