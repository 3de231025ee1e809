"""The real azure-ai-ml client, unchanged, against a running azimuth-server.

Run by `cargo xtask test` (which starts the server with `--demo --pace instant` on a free
loopback port); by hand: `AZIMUTH_URL=http://127.0.0.1:8080 target/python/bin/python
tests/clients/test_azure_ai_ml.py`. Each check is a function run in order; the first failure
stops the run with its traceback and a non-zero exit.
"""

import io
import json
import os
import sys
import tempfile
import time
import urllib.error
import urllib.request
from urllib.parse import urlparse

from azure.ai.ml import Input, MLClient, automl, command, load_compute
from azure.ai.ml.constants import AssetTypes
from azure.ai.ml.entities import (
    AccountKeyConfiguration,
    AmlCompute,
    AzureBlobDatastore,
    ComputeInstance,
    Data,
    Workspace,
)
from azure.core.credentials import AccessToken
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.core.pipeline.policies import SansIOHTTPPolicy

from checks import run

URL = os.environ.get("AZIMUTH_URL", "http://127.0.0.1:8080").rstrip("/")
ML = "Microsoft.MachineLearningServices"
LAB_GROUP, LAB = "rg-azimuth-lab", "mlw-azimuth-lab"
GROUP, SECOND = "rg-client-test", "mlw-client-second"
DOOMED, PURGED = "mlw-client-doomed", "mlw-client-purged"


def call(method, path, token=None, body=None, raw=None):
    """One plain HTTP request to the server (a JSON body, or `raw` bytes); the JSON answer (or None)."""
    data = json.dumps(body).encode() if body is not None else raw
    request = urllib.request.Request(URL + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=10) as answer:
        text = answer.read()
    return json.loads(text) if text else None


class ServerToken:
    """A TokenCredential whose tokens are azimuth-server sessions (Ada signs in by name)."""

    def __init__(self, member):
        self.token = call("POST", "/api/session", body={"member": member})["token"]

    def get_token(self, *scopes, **kwargs):
        return AccessToken(self.token, int(time.time()) + 3600)


class LoopbackHttp(SansIOHTTPPolicy):
    """azure-core's `enforce_https=False` for this loopback server only: its bearer-token policy
    otherwise refuses to send a token over plain http."""

    def on_request(self, request):
        if urlparse(request.http_request.url).hostname in ("127.0.0.1", "localhost", "::1"):
            request.context.options["enforce_https"] = False


def cloud():
    """What every MLClient here is given: a custom cloud whose resource manager is the server
    (a fresh policy list each time: azure-core adds to the list it is given)."""
    return {
        "cloud": "Azimuth",
        "cloud_metadata": {
            "azure_portal": URL,
            "resource_manager": URL + "/",
            "active_directory": URL,
            "aml_resource_id": URL + "/",
            "storage_endpoint": "core.windows.net",
            "registry_discovery_endpoint": URL,
        },
        "per_call_policies": [LoopbackHttp()],
        "enable_telemetry": False,
        "show_progress": False,
    }


def client(credential, sub, group, workspace=None):
    """An MLClient on the server's cloud."""
    return MLClient(credential, sub, group, workspace, **cloud())


class Context:
    """What the checks share."""

    def __init__(self):
        self.credential = ServerToken("Ada Lovelace")
        subs = call("GET", "/subscriptions?api-version=2022-12-01", self.credential.token)
        self.sub = subs["value"][0]["subscriptionId"]
        self.lab = client(self.credential, self.sub, LAB_GROUP, LAB)
        self.second = None

    def arm(self, method, path, body=None):
        return call(method, f"/subscriptions/{self.sub}{path}", self.credential.token, body)

    def put_workspace(self, name):
        path = f"/resourceGroups/{GROUP}/providers/{ML}/workspaces/{name}?api-version=2025-12-01"
        self.arm("PUT", path, {"location": "westeurope", "properties": {"friendlyName": name}})

    def pace(self, ml, pace):
        """Sets a workspace's pace of simulated operations (an Owner's setting in the studio)."""
        ws = ml.workspaces.get(ml.workspace_name)
        call("PUT", f"/api/settings?wsid={ws.id}", self.credential.token, {"pace": pace})


def check_workspace_get(c):
    ws = c.lab.workspaces.get(LAB)
    assert ws.name == LAB and ws.location == "eastus", ws
    assert ws.resource_group == LAB_GROUP, ws.resource_group
    assert ws.id.endswith(f"/workspaces/{LAB}"), ws.id


def check_from_config(c):
    """`MLClient.from_config` with the config.json the studio's workspace panel downloads."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "config.json")
        with open(path, "w") as f:
            json.dump({"subscription_id": c.sub, "resource_group": LAB_GROUP,
                       "workspace_name": LAB}, f)
        ml = MLClient.from_config(c.credential, path=path, **cloud())
    assert ml.workspaces.get().name == LAB


def check_second_workspace(c):
    """A second workspace in a resource group of its own, made as the portal does (ARM PUT)."""
    c.arm("PUT", f"/resourcegroups/{GROUP}?api-version=2022-12-01", {"location": "westeurope"})
    for name in (SECOND, DOOMED, PURGED):
        c.put_workspace(name)
    c.second = client(c.credential, c.sub, GROUP, SECOND)
    ws = c.second.workspaces.get(SECOND)
    assert ws.name == SECOND and ws.location == "westeurope", ws
    assert ws.display_name == SECOND, ws.display_name


def check_workspace_list(c):
    in_group = sorted(w.name for w in c.second.workspaces.list())
    assert in_group == [DOOMED, PURGED, SECOND], in_group
    everywhere = {w.name for w in c.lab.workspaces.list(scope="subscription")}
    assert {LAB, SECOND, DOOMED, PURGED} <= everywhere, everywhere
    assert len(list(c.second.workspaces.list(filtered_kinds="default"))) == 3
    assert list(c.second.workspaces.list(filtered_kinds=["hub", "project"])) == []


def check_workspace_update(c):
    ws = c.second.workspaces.get(SECOND)
    ws.description, ws.tags = "Changed by azure-ai-ml", {"team": "client-test"}
    updated = c.second.workspaces.begin_update(ws).result()
    assert updated.description == "Changed by azure-ai-ml", updated.description
    assert updated.tags == {"team": "client-test"}, updated.tags
    assert c.lab.workspaces.get(LAB).tags == {}, "the lab changed too"
    # begin_create of a workspace that exists: the SDK reads it, then updates it.
    again = Workspace(name=SECOND, location="westeurope", description="Created again")
    made = c.second.workspaces.begin_create(again).result()
    assert made.description == "Created again" and made.tags["team"] == "client-test", made


def check_workspace_delete(c):
    c.second.workspaces.begin_delete(DOOMED, delete_dependent_resources=False).result()
    names = sorted(w.name for w in c.second.workspaces.list())
    assert names == [PURGED, SECOND], names
    try:
        c.second.workspaces.get(DOOMED)
    except ResourceNotFoundError:
        pass
    else:
        raise AssertionError("a soft-deleted workspace is still answered")
    try:
        c.put_workspace(DOOMED)
    except urllib.error.HTTPError as e:
        assert e.code in (400, 409), e.code
    else:
        raise AssertionError("a soft-deleted workspace's name was taken again")
    c.second.workspaces.begin_delete(PURGED, delete_dependent_resources=False,
                                     permanently_delete=True).result()
    assert [w.name for w in c.second.workspaces.list()] == [SECOND]
    c.put_workspace(PURGED)  # a purged workspace's name is free again


CI_YAML = """\
$schema: https://azuremlschemas.azureedge.net/latest/computeInstance.schema.json
name: ci-yaml
type: computeinstance
size: STANDARD_DS3_v2
idle_time_before_shutdown_minutes: 60
schedules:
  compute_start_stop:
    - action: stop
      trigger: {type: cron, expression: 0 18 * * *, time_zone: UTC}
    - action: start
      state: enabled
      trigger:
        type: recurrence
        frequency: week
        interval: 1
        schedule: {hours: [8], minutes: [0], week_days: [monday, friday]}
        time_zone: UTC
"""


def check_compute_create(c):
    for ml, name in ((c.lab, "ci-lab-client"), (c.second, "ci-second")):
        ml.compute.begin_create_or_update(ComputeInstance(name=name, size="Standard_DS11_v2")).result()
    cluster = AmlCompute(name="cpu-cluster", size="Standard_DS3_v2", min_instances=1,
                         max_instances=2, idle_time_before_scale_down=120)
    made = c.second.compute.begin_create_or_update(cluster).result()
    assert made.name == "cpu-cluster" and made.type == "amlcompute", made
    # `az ml compute create -f`: the SDK sends the YAML's enum values as written (`stop`).
    from_yaml = load_compute(io.StringIO(CI_YAML))
    made = c.second.compute.begin_create_or_update(from_yaml).result()
    actions = [s.action for s in made.schedules.compute_start_stop]
    assert actions == ["Stop", "Start"], actions


def check_compute_get_list(c):
    ci = c.second.compute.get("ci-second")
    assert ci.type == "computeinstance" and ci.size.lower() == "standard_ds11_v2", ci
    assert ci.state == "Running", ci.state
    cluster = c.second.compute.get("cpu-cluster")
    assert cluster.max_instances == 2 and cluster.idle_time_before_scale_down == 120, cluster
    # Like Usage below, azure-ai-ml 1.35's AmlComputeNodeInfo keeps the wire names.
    nodes = [vars(n) for n in c.second.compute.list_nodes("cpu-cluster")]
    assert [n["nodeState"] for n in nodes] == ["idle"], nodes
    second = sorted(x.name for x in c.second.compute.list())
    assert second == ["ci-second", "ci-yaml", "cpu-cluster"], second
    lab = {x.name for x in c.lab.compute.list()}
    assert "ci-lab-client" in lab and not lab & {"ci-second", "ci-yaml", "cpu-cluster"}, lab
    only = [x.name for x in c.second.compute.list(compute_type="AmlCompute")]
    assert only == ["cpu-cluster"], only
    try:
        c.lab.compute.get("ci-second")
    except ResourceNotFoundError:
        pass
    else:
        raise AssertionError("the lab workspace answers the second one's compute")


def check_compute_lifecycle(c):
    ops = c.second.compute
    ops.begin_stop("ci-second").result()
    assert ops.get("ci-second").state == "Stopped"
    ops.begin_start("ci-second").result()
    assert ops.get("ci-second").state == "Running"
    ops.begin_restart("ci-second").result()
    assert ops.get("ci-second").state == "Running"
    assert ops.get("ci-second").enable_sso is True
    ops.enable_sso(name="ci-second", enable_sso=False)
    assert ops.get("ci-second").enable_sso is False
    assert c.lab.compute.get("ci-lab-client").state == "Running", "the lab's instance moved"
    try:
        c.lab.compute.begin_start("ci-second").result()
    except HttpResponseError as e:
        assert e.status_code == 404, e
    else:
        raise AssertionError("the lab workspace started the second one's compute")


def check_polling(c):
    """One operation at the fast pace (a stop takes 4 s): the poller sees InProgress, then
    Succeeded, polling every second as the server's Retry-After says."""
    c.pace(c.second, "fast")
    began = time.monotonic()
    poller = c.second.compute.begin_stop("ci-second")
    assert poller.status() == "InProgress", poller.status()
    assert c.second.compute.get("ci-second").state == "Stopping"
    poller.result()
    took = time.monotonic() - began
    assert c.second.compute.get("ci-second").state == "Stopped"
    assert 3 < took < 8, f"the stop took {took:.1f} s"
    c.pace(c.second, "instant")
    c.second.compute.begin_start("ci-second").result()


def check_roles(c):
    grace = client(ServerToken("Grace Hopper"), c.sub, LAB_GROUP, LAB)
    try:
        grace.compute.begin_create_or_update(ComputeInstance(name="ci-grace", size="Standard_DS11_v2"))
    except HttpResponseError as e:
        assert e.status_code == 403 and e.error.code == "AuthorizationFailed", e
    else:
        raise AssertionError("a Data Scientist created a compute")
    grace.compute.begin_stop("ci-lab-client").result()  # a Data Scientist may stop one
    grace.compute.begin_start("ci-lab-client").result()
    try:
        client(ServerToken("Grace Hopper"), c.sub, GROUP, SECOND).compute.list().next()
    except HttpResponseError as e:
        assert e.status_code in (403, 404), e
    else:
        raise AssertionError("Grace sees a workspace she holds no role in")


def check_sizes_and_usage(c):
    sizes = {s.name.lower() for s in c.second.compute.list_sizes()}
    assert "standard_ds11_v2" in sizes and "standard_ds3_v2" in sizes, sizes
    usage = list(c.second.compute.list_usage())
    assert usage and all(u.unit for u in usage), usage
    # azure-ai-ml 1.35's Usage keeps the wire names (`currentValue`, `name` as a dict): its
    # `_from_rest_object` copies `as_dict()` of a model that answers wire names (the server's
    # are Azure's: `currentValue`, `nodeState`).
    held = {u.name["value"]: vars(u)["currentValue"] for u in usage}
    # The two instances (DS11_v2, DS3_v2) and the cluster's node (DS3_v2).
    assert held["standardDSv2Family"] == 2 + 4 + 4, held
    elsewhere = {u.name["value"]: vars(u)["currentValue"]
                 for u in c.second.compute.list_usage(location="westus2")}
    assert elsewhere.keys() == held.keys() and not any(elsewhere.values()), elsewhere


def check_compute_delete(c):
    for name in ("ci-second", "ci-yaml", "cpu-cluster"):
        c.second.compute.begin_delete(name).result()
    assert [x.name for x in c.second.compute.list()] == []
    assert "ci-lab-client" in {x.name for x in c.lab.compute.list()}


def check_datastores(c):
    names = [d.name for d in c.lab.datastores.list()]
    assert names == ["workspaceartifactstore", "workspaceblobstore", "workspacefilestore",
                     "workspaceworkingdirectory"], names
    default = c.lab.datastores.get_default()
    assert default.name == "workspaceblobstore" and default.container_name.startswith("azureml-blobstore-"), default
    key = "c2VjcmV0LWZyb20tdGhlLWNsaWVudA=="
    store = AzureBlobDatastore(name="class_data", account_name="classdata", container_name="raw",
                               description="Raw files", credentials=AccountKeyConfiguration(account_key=key))
    made = c.lab.datastores.create_or_update(store)
    assert made.name == "class_data" and made.container_name == "raw", made
    assert key not in json.dumps(made._to_dict()), "a create answered the secret"
    plain = c.lab.datastores.get("class_data")
    assert getattr(plain.credentials, "account_key", None) is None, plain.credentials
    shown = c.lab.datastores.get("class_data", include_secrets=True)
    assert shown.credentials.account_key == key, shown.credentials
    reader = client(ServerToken("Alan Turing"), c.sub, LAB_GROUP, LAB)
    try:
        reader.datastores.get("class_data", include_secrets=True)
    except HttpResponseError as e:
        assert e.status_code == 403, e
    else:
        raise AssertionError("a Reader read a datastore's secret")
    c.lab.datastores.delete("class_data")
    assert "class_data" not in {d.name for d in c.lab.datastores.list()}


def check_data_assets(c):
    path = "azureml://datastores/workspaceblobstore/paths/data/titanic.csv"
    one = c.lab.data.create_or_update(Data(name="titanic", version="1", type=AssetTypes.URI_FILE,
                                           path=path, description="Passengers"))
    assert (one.version, one.path, one.type) == ("1", path, "uri_file"), one
    # Without a version: the next one, as Azure numbers it.
    two = c.lab.data.create_or_update(Data(name="titanic", type=AssetTypes.URI_FILE,
                                           path=path.replace("titanic.csv", "titanic-2.csv")))
    assert two.version == "2", two.version
    assert c.lab.data.get("titanic", label="latest").version == "2"
    assert c.lab.data.get("titanic", version="1").description == "Passengers"
    folder = c.lab.data.create_or_update(Data(name="images", version="1", type=AssetTypes.URI_FOLDER,
                                              path="azureml://datastores/workspaceblobstore/paths/images/"))
    assert folder.type == "uri_folder", folder
    assert {d.name for d in c.lab.data.list()} >= {"titanic", "images"}
    assert [d.version for d in c.lab.data.list(name="titanic")] == ["1", "2"]
    c.lab.data.archive("titanic", version="2")
    assert [d.version for d in c.lab.data.list(name="titanic")] == ["1"]
    assert c.lab.data.get("titanic", label="latest").version == "2", "latest is the container's"
    c.lab.data.restore("titanic", version="2")
    try:
        c.lab.data.create_or_update(Data(name="titanic", version="1", type=AssetTypes.URI_FILE,
                                         path=path.replace("titanic.csv", "other.csv")))
    except HttpResponseError as e:
        assert "cannot change" in str(e), e
    else:
        raise AssertionError("a data version changed")


def wait_job(ml, name, statuses, seconds=60):
    """The job once its status is one of `statuses`."""
    deadline = time.monotonic() + seconds
    while True:
        job = ml.jobs.get(name)
        if job.status in statuses:
            return job
        assert time.monotonic() < deadline, f"{name} is still {job.status}"
        time.sleep(0.2)


def check_command_jobs(c):
    """Command jobs submitted with azure-ai-ml run on the server (its runner is on in this
    test): one completes, and the `mlflow` calls of its script land in its run; another is
    canceled while it runs."""
    ws = c.lab.workspaces.get(LAB)
    env = ws.id + "/environments/sklearn/versions/1"
    script = "import mlflow; mlflow.log_metric('acc', 0.9); print('C is ${{inputs.C}}')"
    job = command(command=f'python -c "{script}"', inputs={"C": 0.5}, environment=env,
                  experiment_name="client-jobs", display_name="hello")
    made = c.lab.jobs.create_or_update(job)
    assert made.status in ("Queued", "Preparing", "Running", "Completed"), made.status
    assert made.studio_url.startswith(URL + "/jobs/runs/" + made.name), made.studio_url
    done = wait_job(c.lab, made.name, ("Completed", "Failed"))
    assert done.status == "Completed", done.status
    assert done.experiment_name == "client-jobs" and done.display_name == "hello", done
    assert made.name in [j.name for j in c.lab.jobs.list()]
    run = call("GET", urlparse(ws.mlflow_tracking_uri).path
               + f"/api/2.0/mlflow/runs/get?run_id={made.name}", c.credential.token)
    assert run["run"]["data"]["metrics"][0] == {"key": "acc", "value": 0.9, "step": 0,
                                               "timestamp": run["run"]["data"]["metrics"][0]["timestamp"]}, run
    slow = c.lab.jobs.create_or_update(command(command="sleep 60", environment=env,
                                               experiment_name="client-jobs"))
    wait_job(c.lab, slow.name, ("Running",))
    c.lab.jobs.begin_cancel(slow.name).result()
    assert wait_job(c.lab, slow.name, ("Canceled",), 15).status == "Canceled"


def check_code_uploads(c):
    """command(code="./src") as the Microsoft Learn labs write it: azure-ai-ml asks where to
    upload (startPendingUpload), uploads the folder with azure-storage-blob to the signed
    address it was given, makes a code version, and the job runs from that folder; the same
    folder again reuses the version; the signature works for its upload only."""
    ws = c.lab.workspaces.get(LAB)
    env = ws.id + "/environments/sklearn/versions/1"
    src = os.path.join(tempfile.mkdtemp(), "src")
    os.makedirs(os.path.join(src, "utils"))
    with open(os.path.join(src, "train.py"), "w") as f:
        f.write("import mlflow\nfrom utils.rows import ROWS\nmlflow.log_metric('rows', ROWS)\nprint('trained on', ROWS, 'rows')\n")
    with open(os.path.join(src, "utils", "rows.py"), "w") as f:
        f.write("ROWS = 150\n")
    job = command(code=src, command="python train.py", environment=env,
                  experiment_name="client-code", display_name="from ./src")
    made = c.lab.jobs.create_or_update(job)
    assert "/codes/" in made.code and "/versions/" in made.code, made.code
    done = wait_job(c.lab, made.name, ("Completed", "Failed"))
    assert done.status == "Completed", (done.status, done.status_reason if hasattr(done, "status_reason") else "")
    run = call("GET", urlparse(ws.mlflow_tracking_uri).path
               + f"/api/2.0/mlflow/runs/get?run_id={made.name}", c.credential.token)
    assert [(m["key"], m["value"]) for m in run["run"]["data"]["metrics"]] == [("rows", 150.0)], run
    version = call("GET", made.code.removeprefix("azureml:") + "?api-version=2024-10-01", c.credential.token)
    assert version["properties"]["codeUri"].endswith("/src"), version
    again = c.lab.jobs.create_or_update(command(code=src, command="python train.py", environment=env,
                                                experiment_name="client-code"))
    assert again.code == made.code, (again.code, made.code)
    # The upload's address, signed otherwise, takes nothing.
    blob = version["properties"]["codeUri"] + "/evil.py?sig=" + "0" * 64
    request = urllib.request.Request(blob, data=b"x", method="PUT", headers={"x-ms-blob-type": "BlockBlob"})
    try:
        urllib.request.urlopen(request, timeout=10)
    except urllib.error.HTTPError as e:
        assert e.code == 403, e.code
    else:
        raise AssertionError("an unsigned upload was taken")
    wait_job(c.lab, again.name, ("Completed", "Failed"))


def check_automl_jobs(c):
    """automl.classification as the Microsoft Learn lab writes it, on an MLTable data asset
    (a table made here: two numbers, a category, a class that follows them with noise): the
    server trains real trials, the job completes, and its children are MLflow runs with
    Azure's metrics."""
    ws = c.lab.workspaces.get(LAB)
    token = c.credential.token
    folder = "/api/files?wsid=" + ws.id + "&datastore=workspaceblobstore&path=automl-diabetes/"
    lines, seed = ["Glucose,BMI,Smoker,Diabetic"], 7
    for _ in range(400):
        values = []
        for _ in range(3):
            seed = (seed * 1103515245 + 12345) % 2**31
            values.append(seed / 2**31)
        glucose, bmi = 70 + 120 * values[0], 18 + 25 * values[1]
        smoker = "yes" if values[2] < 0.3 else "no"
        diabetic = int(glucose / 190 + bmi / 43 + 0.3 * (smoker == "yes") + 0.4 * values[2] > 1.2)
        lines.append(f"{glucose:.1f},{bmi:.1f},{smoker},{diabetic}")
    rows = ("\n".join(lines) + "\n").encode()
    call("PUT", folder + "diabetes.csv", token, raw=rows)
    mltable = b"paths:\n  - file: ./diabetes.csv\ntransformations:\n  - read_delimited:\n      delimiter: ','\n"
    call("PUT", folder + "MLTable", token, raw=mltable)
    # Made over ARM: azure-ai-ml's MLTable data create first fetches a schema from the internet,
    # which this machine cannot reach (80 s of retries).
    call("PUT", ws.id + "/data/diabetes-training/versions/1?api-version=2024-10-01", token, {
        "properties": {"dataType": "mltable",
                       "dataUri": "azureml://datastores/workspaceblobstore/paths/automl-diabetes/"}})
    job = automl.classification(
        experiment_name="client-automl",
        training_data=Input(type=AssetTypes.MLTABLE, path="azureml:diabetes-training:1"),
        target_column_name="Diabetic",
        primary_metric="AUC_weighted",
        n_cross_validations=3,
        enable_model_explainability=False,
    )
    job.set_limits(max_trials=4, timeout_minutes=10, enable_early_termination=False)
    job.set_training(blocked_training_algorithms=["KNN"])
    made = c.lab.jobs.create_or_update(job)
    assert made.type == "automl", made.type
    done = wait_job(c.lab, made.name, ("Completed", "Failed"), 120)
    rest = call("GET", made.id + "?api-version=2024-10-01", token)
    assert done.status == "Completed", rest
    assert "AUC_WEIGHTED" in str(done.primary_metric).upper() and done.target_column_name == "Diabetic", done
    path = urlparse(ws.mlflow_tracking_uri).path
    experiment = call("GET", path + "/api/2.0/mlflow/experiments/get-by-name?experiment_name=client-automl", token)
    found = call("POST", path + "/api/2.0/mlflow/runs/search", token, {
        "experiment_ids": [experiment["experiment"]["experiment_id"]],
        "filter": f"tags.mlflow.parentRunId = '{made.name}'"})
    algorithms = sorted(p["value"] for r in found["runs"] for p in r["data"]["params"]
                        if p["key"] == "algorithm" and p["value"] != "VotingEnsemble")
    assert algorithms == ["ExtremeRandomTrees", "GradientBoosting", "LogisticRegression", "RandomForest"], algorithms
    for r in found["runs"]:
        auc = [m["value"] for m in r["data"]["metrics"] if m["key"] == "AUC_weighted"]
        assert auc and 0.7 < auc[0] <= 1.0, r
    # The best model, registered from the job's output as the studio's "Register model" does.
    from azure.ai.ml.entities import Model
    model = c.lab.models.create_or_update(Model(
        name="diabetes-classifier", type="mlflow_model", description="AutoML's best",
        path=f"azureml://jobs/{made.name}/outputs/best_model"))
    assert (model.version, model.type, model.job_name) == ("1", "mlflow_model", made.name), model
    assert "azimuth" in (model.flavors or {}), model.flavors
    again = c.lab.models.create_or_update(Model(
        name="diabetes-classifier", type="custom_model", path=f"azureml://jobs/{made.name}/outputs/best_model"))
    assert again.version == "2", again.version
    listed = sorted(m.version for m in c.lab.models.list(name="diabetes-classifier"))
    assert listed == ["1", "2"], listed
    assert c.lab.models.get("diabetes-classifier", label="latest").version == "2"
    c.lab.models.archive("diabetes-classifier", version="2")
    listed = [m.version for m in c.lab.models.list(name="diabetes-classifier")]
    assert listed == ["1"], listed


def check_online_endpoints(c):
    """The Learn lab's deployment: a managed online endpoint and a deployment of AutoML's best
    model (an MLflow model: no scoring script, no environment), all traffic to it, then
    online_endpoints.invoke with a request file, get_keys, and get_logs."""
    from azure.ai.ml.entities import ManagedOnlineDeployment, ManagedOnlineEndpoint
    endpoint = ManagedOnlineEndpoint(name="diabetes-endpoint", auth_mode="key",
                                     description="AutoML's best diabetes model")
    made = c.lab.online_endpoints.begin_create_or_update(endpoint).result()
    assert made.provisioning_state == "Succeeded", made.provisioning_state
    assert made.scoring_uri.startswith(URL + "/inference/"), made.scoring_uri
    deployment = ManagedOnlineDeployment(name="blue", endpoint_name="diabetes-endpoint",
                                         model="azureml:diabetes-classifier:1",
                                         instance_type="Standard_DS3_v2", instance_count=1)
    c.lab.online_deployments.begin_create_or_update(deployment).result()
    endpoint.traffic = {"blue": 100}
    c.lab.online_endpoints.begin_create_or_update(endpoint).result()
    assert c.lab.online_endpoints.get("diabetes-endpoint").traffic == {"blue": 100}
    keys = c.lab.online_endpoints.get_keys("diabetes-endpoint")
    assert len(keys.primary_key) == 64, keys
    request = {"input_data": {"columns": ["Glucose", "BMI", "Smoker"], "index": [0, 1],
                              "data": [[70.0, 18.0, "no"], [185.0, 41.0, "yes"]]}}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(request, f)
    answer = json.loads(c.lab.online_endpoints.invoke(endpoint_name="diabetes-endpoint",
                                                      request_file=f.name))
    # With probabilities: the likelier class is the prediction, and the sicker patient is likelier.
    request["params"] = {"predict_method": "predict_proba"}
    with open(f.name, "w") as g:
        json.dump(request, g)
    proba = json.loads(c.lab.online_endpoints.invoke(endpoint_name="diabetes-endpoint",
                                                     request_file=f.name))
    assert answer == [int(p["1"] > p["0"]) for p in proba], (answer, proba)
    assert proba[0]["1"] < proba[1]["1"] and answer[1] == 1, proba
    named = json.loads(c.lab.online_endpoints.invoke(endpoint_name="diabetes-endpoint",
                                                     deployment_name="blue", request_file=f.name))
    assert named == proba, named
    logs = c.lab.online_deployments.get_logs(name="blue", endpoint_name="diabetes-endpoint", lines=10)
    assert "POST /score" in logs, logs
    listed = [e.name for e in c.lab.online_endpoints.list()]
    assert "diabetes-endpoint" in listed, listed
    c.lab.online_endpoints.begin_delete(name="diabetes-endpoint").result()


def check_batch_endpoints(c):
    """The Learn lab's batch deployment of an MLflow model: a compute cluster, a batch endpoint
    and a model batch deployment of AutoML's best model, a uri_folder data asset of unlabeled
    files, batch_endpoints.invoke, the job (a pipeline job) completed, and predictions.csv with
    a line per row (row, prediction, file)."""
    from azure.ai.ml.constants import BatchDeploymentOutputAction
    from azure.ai.ml.entities import (BatchEndpoint, BatchRetrySettings, Data,
                                      ModelBatchDeployment, ModelBatchDeploymentSettings)
    c.lab.compute.begin_create_or_update(AmlCompute(
        name="batch-cluster", size="Standard_DS3_v2", min_instances=0, max_instances=2)).result()
    endpoint = c.lab.batch_endpoints.begin_create_or_update(
        BatchEndpoint(name="diabetes-batch", description="Scores unlabeled patients")).result()
    assert endpoint.scoring_uri.startswith(URL + "/inference/"), endpoint.scoring_uri
    deployment = ModelBatchDeployment(
        name="classifier", endpoint_name="diabetes-batch", model="azureml:diabetes-classifier:1",
        compute="batch-cluster", settings=ModelBatchDeploymentSettings(
            instance_count=1, max_concurrency_per_instance=2, mini_batch_size=2,
            output_action=BatchDeploymentOutputAction.APPEND_ROW, output_file_name="predictions.csv",
            retry_settings=BatchRetrySettings(max_retries=3, timeout=300), logging_level="info"))
    made = c.lab.batch_deployments.begin_create_or_update(deployment).result()
    assert made.compute.endswith("/computes/batch-cluster"), made.compute
    assert c.lab.batch_endpoints.get("diabetes-batch").defaults.deployment_name == "classifier"
    ws = c.lab.workspaces.get(LAB)
    folder = "/api/files?wsid=" + ws.id + "&datastore=workspaceblobstore&path=diabetes-unlabeled/"
    for part, rows in [("a", [(70.0, 18.0, "no"), (185.0, 41.0, "yes")]), ("b", [(120.0, 30.0, "no")])]:
        text = "Glucose,BMI,Smoker\n" + "".join(f"{g},{b},{s}\n" for g, b, s in rows)
        call("PUT", folder + f"part-{part}.csv", c.credential.token, raw=text.encode())
    c.lab.data.create_or_update(Data(
        name="diabetes-unlabeled", type=AssetTypes.URI_FOLDER,
        path="azureml://datastores/workspaceblobstore/paths/diabetes-unlabeled/"))
    # Named: azure-ai-ml 1.35 keeps the last invoke's azureml-model-deployment header in a
    # module-level dict, so after online_endpoints.invoke(deployment_name="blue") above, an
    # invoke naming none would still ask for "blue".
    job = c.lab.batch_endpoints.invoke(
        endpoint_name="diabetes-batch", deployment_name="classifier",
        input=Input(type=AssetTypes.URI_FOLDER, path="azureml:diabetes-unlabeled:1"))
    done = wait_job(c.lab, job.name, ("Completed", "Failed"), 60)
    assert done.status == "Completed", done
    content = "/api/files/content?wsid=" + ws.id + f"&datastore=workspaceblobstore&path=azureml/{job.name}/score/predictions.csv"
    req = urllib.request.Request(URL + content, headers={"Authorization": "Bearer " + c.credential.token})
    lines = urllib.request.urlopen(req).read().decode().splitlines()
    # The healthy patient is 0 and the sick one 1, as the online endpoint scored them.
    assert lines[:2] == ["0,0,part-a.csv", "1,1,part-a.csv"], lines
    assert len(lines) == 3 and lines[2].startswith("0,") and lines[2].endswith(",part-b.csv"), lines
    c.lab.batch_endpoints.begin_delete(name="diabetes-batch").result()


ENDPOINT_YAML = """\
$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json
name: diabetes-yaml
auth_mode: key
description: Made from the CLI's YAML
"""

DEPLOYMENT_YAML = """\
$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json
name: blue
endpoint_name: diabetes-yaml
model: azureml:diabetes-classifier:1
instance_type: Standard_DS3_v2
instance_count: 1
request_settings:
  request_timeout_ms: 3000
  max_concurrent_requests_per_instance: 2
liveness_probe:
  initial_delay: 20
"""

BATCH_ENDPOINT_YAML = """\
$schema: https://azuremlschemas.azureedge.net/latest/batchEndpoint.schema.json
name: diabetes-batch-yaml
description: Made from the CLI's YAML
"""

BATCH_DEPLOYMENT_YAML = """\
$schema: https://azuremlschemas.azureedge.net/latest/modelBatchDeployment.schema.json
name: classifier
endpoint_name: diabetes-batch-yaml
type: model
model: azureml:diabetes-classifier:1
compute: azureml:batch-cluster
resources:
  instance_count: 1
settings:
  mini_batch_size: 5
  output_action: append_row
  output_file_name: scores.csv
  error_threshold: 0
"""


def check_endpoints_from_yaml(c):
    """`az ml online-endpoint create -f`, `online-deployment create -f`, `batch-endpoint create
    -f` and `batch-deployment create -f` read their files with azure-ai-ml's loaders (a `type:
    model` batch deployment with load_model_batch_deployment), then send ARM: the same here, and
    what the files say is what the server keeps."""
    from azure.ai.ml import load_batch_endpoint, load_online_deployment, load_online_endpoint
    # Not exported by azure.ai.ml 1.35; the CLI's ml extension imports it from here.
    from azure.ai.ml.entities._load_functions import load_model_batch_deployment
    folder = tempfile.mkdtemp()

    def load(loader, text, name):
        path = os.path.join(folder, name)
        with open(path, "w") as f:
            f.write(text)
        return loader(source=path)

    c.lab.online_endpoints.begin_create_or_update(load(load_online_endpoint, ENDPOINT_YAML, "endpoint.yml")).result()
    c.lab.online_deployments.begin_create_or_update(load(load_online_deployment, DEPLOYMENT_YAML, "deployment.yml")).result()
    blue = c.lab.online_deployments.get(name="blue", endpoint_name="diabetes-yaml")
    assert blue.request_settings.request_timeout_ms == 3000, blue.request_settings
    assert blue.request_settings.max_concurrent_requests_per_instance == 2, blue.request_settings
    assert blue.liveness_probe.initial_delay == 20 and blue.liveness_probe.period == 10, blue.liveness_probe
    c.lab.online_endpoints.begin_delete(name="diabetes-yaml").result()
    c.lab.batch_endpoints.begin_create_or_update(load(load_batch_endpoint, BATCH_ENDPOINT_YAML, "batch.yml")).result()
    c.lab.batch_deployments.begin_create_or_update(load(load_model_batch_deployment, BATCH_DEPLOYMENT_YAML, "batch-deployment.yml")).result()
    made = c.lab.batch_deployments.get(name="classifier", endpoint_name="diabetes-batch-yaml")
    assert (made.mini_batch_size, made.output_file_name, made.error_threshold) == (5, "scores.csv", 0), made
    assert made.output_action in ("append_row", "AppendRow"), made.output_action
    c.lab.batch_endpoints.begin_delete(name="diabetes-batch-yaml").result()


CHECKS = [
    check_workspace_get,
    check_from_config,
    check_second_workspace,
    check_workspace_list,
    check_workspace_update,
    check_workspace_delete,
    check_compute_create,
    check_compute_get_list,
    check_compute_lifecycle,
    check_polling,
    check_roles,
    check_sizes_and_usage,
    check_compute_delete,
    check_datastores,
    check_data_assets,
    check_command_jobs,
    check_code_uploads,
    check_automl_jobs,
    check_online_endpoints,
    check_batch_endpoints,
    check_endpoints_from_yaml,
]


if __name__ == "__main__":
    sys.exit(run("azure-ai-ml", URL, Context, CHECKS))
