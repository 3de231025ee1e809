//! The OpenAPI 3 description of the server, built from the one route table below; tests check
//! that every path the server matches is in it and that every documented route answers.

use serde_json::{json, Map, Value};

/// One documented operation.
pub struct Route {
    /// HTTP method.
    pub method: &'static str,
    /// Path template.
    pub path: &'static str,
    /// What it does.
    pub summary: &'static str,
    /// The success status.
    pub ok: u16,
    /// Whether it needs `Authorization: Bearer`.
    pub signed_in: bool,
}

const WS: &str = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.MachineLearningServices/workspaces/{workspaceName}";

macro_rules! ws_path {
    ($suffix:literal) => {
        concat!(
            "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.MachineLearningServices/workspaces/{workspaceName}",
            $suffix
        )
    };
}

macro_rules! mlflow_path {
    ($suffix:literal) => {
        concat!(
            "/mlflow/{apiVersion}/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.MachineLearningServices/workspaces/{workspaceName}/api/2.0/",
            $suffix
        )
    };
}

const fn route(
    method: &'static str,
    path: &'static str,
    summary: &'static str,
    ok: u16,
    signed_in: bool,
) -> Route {
    Route {
        method,
        path,
        summary,
        ok,
        signed_in,
    }
}

/// Every route of the server.
pub const ROUTES: &[Route] = &[
    route("get", "/api/health", "200 when the database is usable, with the bytes of JSON written to it since the start", 200, false),
    route("get", "/api/members", "The installation's people, for signing in", 200, false),
    route("post", "/api/session", "Sign in: {member, accessKey} gives {token, member} and the event stream's session cookie", 200, false),
    route("delete", "/api/session", "Sign out", 204, false),
    route("get", "/api/events", "Server-sent events: `changed` with {version, workspace} and, for the workspace named in ?workspace= (or every readable one), its changes, and `runs` with {workspace} when runs there changed (the session cookie, or ?access_token=)", 200, false),
    route("get", "/api/installation", "The signed-in person, the resource groups and workspaces they see (with their roles) and the soft-deleted workspaces they may recover", 200, true),
    route("post", "/api/workspaces/recover", "Recover a soft-deleted workspace: {id}", 204, true),
    route("get", "/api/open", "What a starting studio needs in one answer: the installation and the workspace it opens (?wsid=<asked>&last=<ARM id>)", 200, true),
    route("get", "/api/workspace", "One workspace (?wsid=<ARM id>), for the studio", 200, true),
    route("put", "/api/settings", "Set a workspace's {pace} (instant, fast or realistic) for everyone (?wsid=); Owners only", 204, true),
    route("get", "/api/kernelspecs", "Whether this server runs notebook kernels (--instance-runtime local), and which: {available, default, kernelspecs: [{name, displayName}]} or {available: false, reason}", 200, false),
    route("get", "/api/computes/{computeName}/kernels", "Your notebook kernels on an instance (?wsid=): {value: [{id, name, displayName, executionState, computeName, path, startedAt}]}", 200, true),
    route("post", "/api/computes/{computeName}/kernels", "Start a kernel for a notebook {\"path\": \"Users/<alias>/x.ipynb\"} (?wsid=; the instance's assigned user, while it runs)", 201, true),
    route("post", "/api/kernels/{kernelId}/execute", "Run a cell {\"code\"}: the answer streams one JSON object a line (application/x-ndjson), each output as nbformat keeps it, then {\"reply\": {status, executionCount}}", 200, true),
    route("post", "/api/kernels/{kernelId}/interrupt", "Interrupt the running cell (SIGINT, as Jupyter sends it)", 200, true),
    route("post", "/api/kernels/{kernelId}/restart", "Restart the kernel (its variables are gone)", 200, true),
    route("delete", "/api/kernels/{kernelId}", "Shut the kernel down", 204, true),
    route("get", "/metadata/endpoints", "This installation as an Azure cloud (ARM cloud metadata, for azure-ai-ml's ARM_CLOUD_METADATA_URL)", 200, false),
    route("get", "/api/kernels/identity", "The compute instance's managed identity for azure-identity (MSI_ENDPOINT; header secret: MSI_SECRET): {access_token, expires_on, resource, token_type}", 200, false),
    route("post", "/api/computes/{computeName}/applications/{application}", "Open an instance's application (?wsid=; its assigned user, while it runs); counts as activity", 200, true),
    route("post", "/api/computes/{computeName}/skipShutdown", "Skip the next shutdown of a running instance (?wsid=): idle shutdown waits a whole idle time again, or the next scheduled stop does not happen", 200, true),
    route("post", "/api/clock", "Move the clock forward by advanceMinutes (an Owner of the subscription, on a server started with --movable-clock); what falls due meanwhile happens", 200, true),
    route("get", "/api/files", "A datastore's folder (?wsid=&datastore=&path=<folder>/): {folders, files: [{name, size, lastModified}]}", 200, true),
    route("put", "/api/files", "Upload the body as a file (?wsid=&datastore=&path=<folder>/<name>, &overwrite=true to replace; If-Match: <ETag> to replace only that version, else 412), streamed; a cut-short upload leaves nothing", 201, true),
    route("delete", "/api/files", "Delete a file, or a folder (a path ending in /) with all in it", 200, true),
    route("post", "/api/files/folder", "Make an empty folder (?wsid=&datastore=&path=<folder>/)", 201, true),
    route("post", "/api/files/move", "Move or rename a file, or a folder when both end in / (?wsid=&datastore=&path=<from>&to=<to>); 409 when to is taken", 200, true),
    route("get", "/api/files/content", "Download a file (?wsid=&datastore=&path=), or part of it with Range: bytes=a-b (206)", 200, true),
    route("post", "/api/tokens", "Make a token for scripts ({name}, or no body): {token, id, name, createdOn, expiresOn}; MLFLOW_TRACKING_TOKEN=<token> logs runs through the tracking API with the person's role for 90 days, and the token does nothing else", 200, true),
    route("get", "/api/tokens", "The signed-in person's tokens for scripts that still work, newest first: {value: [{id, name, createdOn, expiresOn}]} (never the tokens themselves)", 200, true),
    route("put", "/blob/{account}/{upload}/{path}", "Azure Blob's Put Blob for a code upload (x-ms-blob-type: BlockBlob; ?sig= from startPendingUpload): the file lands in LocalUpload/<upload>/ of workspaceblobstore", 201, false),
    route("head", "/blob/{account}/{upload}/{path}", "Azure Blob's Get Blob Properties for a code upload (404 BlobNotFound when absent)", 200, false),
    route("get", "/blob/{account}/{upload}/{path}", "Azure Blob's Get Blob for a code upload", 200, false),
    route("delete", "/api/tokens/{id}", "Take back one of the person's tokens for scripts: it stops working at once (404 if they have none of that id)", 204, true),
    route("get", "/api/jobs/experiments", "The Jobs page's experiments (?wsid=): {experiments: [{id, name, created, runs, latestRun}]}", 200, true),
    route("get", "/api/jobs/table", "One page of the runs table (?wsid=&experiment=&filter=<MLflow filter>&sort=<column>&desc=true&columns=name,param:lr,metric:loss,metric.min:loss,...&offset=&limit=&view=active|deleted|all): {total, rows, keys}", 200, true),
    route("get", "/api/jobs/metric", "A metric's history for a chart (?wsid=&run=&key=&x=step|time&from=&to=&buckets=): its values, or each bucket's [first x, last x, least, greatest]", 200, true),
    route("post", mlflow_path!("mlflow/experiments/create"), "MLflow: create an experiment {name, tags} (apiVersion v1.0 or v2.0; the workspace's mlFlowTrackingUri)", 200, true),
    route("get", mlflow_path!("mlflow/experiments/get"), "MLflow: an experiment (?experiment_id=; 0 is Default)", 200, true),
    route("get", mlflow_path!("mlflow/experiments/get-by-name"), "MLflow: an experiment by name (?experiment_name=)", 200, true),
    route("post", mlflow_path!("mlflow/experiments/search"), "MLflow: search experiments {filter, order_by, max_results, page_token, view_type}", 200, true),
    route("post", mlflow_path!("mlflow/experiments/update"), "MLflow: rename an experiment {experiment_id, new_name}", 200, true),
    route("post", mlflow_path!("mlflow/experiments/delete"), "MLflow: delete an experiment {experiment_id}", 200, true),
    route("post", mlflow_path!("mlflow/experiments/restore"), "MLflow: restore an experiment {experiment_id}", 200, true),
    route("post", mlflow_path!("mlflow/experiments/set-experiment-tag"), "MLflow: set an experiment's tag {experiment_id, key, value}", 200, true),
    route("post", mlflow_path!("mlflow/experiments/delete-experiment-tag"), "MLflow: delete an experiment's tag {experiment_id, key}", 200, true),
    route("post", mlflow_path!("mlflow/runs/create"), "MLflow: create a run {experiment_id, run_name, start_time, tags}; its user is the person signed in", 200, true),
    route("get", mlflow_path!("mlflow/runs/get"), "MLflow: a run with its latest metrics, params, tags and inputs (?run_id=)", 200, true),
    route("post", mlflow_path!("mlflow/runs/update"), "MLflow: a run's status, end time or name {run_id, status, end_time, run_name}", 200, true),
    route("post", mlflow_path!("mlflow/runs/delete"), "MLflow: delete a run {run_id}", 200, true),
    route("post", mlflow_path!("mlflow/runs/restore"), "MLflow: restore a run {run_id}", 200, true),
    route("post", mlflow_path!("mlflow/runs/search"), "MLflow: search runs {experiment_ids, filter (MLflow's grammar with OR, NOT, parentheses), order_by, run_view_type, max_results, page_token}", 200, true),
    route("post", mlflow_path!("mlflow/runs/log-metric"), "MLflow: log a metric {run_id, key, value, timestamp, step}", 200, true),
    route("post", mlflow_path!("mlflow/runs/log-parameter"), "MLflow: log a param {run_id, key, value}; a param keeps its first value", 200, true),
    route("post", mlflow_path!("mlflow/runs/set-tag"), "MLflow: set a run's tag {run_id, key, value}", 200, true),
    route("post", mlflow_path!("mlflow/runs/delete-tag"), "MLflow: delete a run's tag {run_id, key}", 200, true),
    route("post", mlflow_path!("mlflow/runs/log-batch"), "MLflow: log at most 1000 metrics, 100 params and 100 tags {run_id, metrics, params, tags}", 200, true),
    route("post", mlflow_path!("mlflow/runs/log-inputs"), "MLflow: log a run's input datasets {run_id, datasets}", 200, true),
    route("get", mlflow_path!("mlflow/metrics/get-history"), "MLflow: a metric's history, paged (?run_id=&metric_key=&max_results=&page_token=)", 200, true),
    route("get", mlflow_path!("mlflow/metrics/get-history-bulk-interval"), "MLflow: one metric of several runs, sampled (?run_ids=&metric_key=&start_step=&end_step=&max_results=)", 200, true),
    route("get", mlflow_path!("mlflow/artifacts/list"), "MLflow: a folder of a run's artifacts (?run_id=&path=)", 200, true),
    route("post", mlflow_path!("mlflow/logged-models/search"), "MLflow 3: logged models (none are kept yet)", 200, true),
    route("post", mlflow_path!("mlflow/registered-models/create"), "MLflow registry: create a model of the workspace {name, tags, description} (RESOURCE_ALREADY_EXISTS when the name is taken)", 200, true),
    route("get", mlflow_path!("mlflow/registered-models/get"), "MLflow registry: a model with its latest version per stage, tags and aliases (?name=)", 200, true),
    route("get", mlflow_path!("mlflow/registered-models/search"), "MLflow registry: search models (?filter=name LIKE '%x%'&order_by=&max_results=&page_token=)", 200, true),
    route("post", mlflow_path!("mlflow/registered-models/search"), "MLflow registry: search models {filter, order_by, max_results, page_token}", 200, true),
    route("post", mlflow_path!("mlflow/registered-models/rename"), "MLflow registry: refused, as on Azure (models keep their names)", 200, true),
    route("patch", mlflow_path!("mlflow/registered-models/update"), "MLflow registry: a model's description {name, description}", 200, true),
    route("delete", mlflow_path!("mlflow/registered-models/delete"), "MLflow registry: delete a model and its versions {name}", 200, true),
    route("get", mlflow_path!("mlflow/registered-models/get-latest-versions"), "MLflow registry: the latest version in each stage (?name=&stages=)", 200, true),
    route("post", mlflow_path!("mlflow/registered-models/get-latest-versions"), "MLflow registry: the latest version in each stage {name, stages}", 200, true),
    route("post", mlflow_path!("mlflow/registered-models/set-tag"), "MLflow registry: set a model's tag {name, key, value}", 200, true),
    route("delete", mlflow_path!("mlflow/registered-models/delete-tag"), "MLflow registry: delete a model's tag {name, key}", 200, true),
    route("post", mlflow_path!("mlflow/registered-models/alias"), "MLflow registry: point an alias at a version {name, alias, version}", 200, true),
    route("delete", mlflow_path!("mlflow/registered-models/alias"), "MLflow registry: delete an alias {name, alias}", 200, true),
    route("get", mlflow_path!("mlflow/registered-models/alias"), "MLflow registry: the version an alias names (?name=&alias=; latest is the newest)", 200, true),
    route("post", mlflow_path!("mlflow/model-versions/create"), "MLflow registry: register the next version {name, source (a run's MLflow model folder), run_id, tags, description}, its files checked", 200, true),
    route("get", mlflow_path!("mlflow/model-versions/get"), "MLflow registry: a model version (?name=&version=)", 200, true),
    route("get", mlflow_path!("mlflow/model-versions/search"), "MLflow registry: search versions (?filter=name='m' or run_id='r'&order_by=&max_results=&page_token=)", 200, true),
    route("post", mlflow_path!("mlflow/model-versions/search"), "MLflow registry: search versions {filter, order_by, max_results, page_token}", 200, true),
    route("patch", mlflow_path!("mlflow/model-versions/update"), "MLflow registry: a version's description {name, version, description}", 200, true),
    route("delete", mlflow_path!("mlflow/model-versions/delete"), "MLflow registry: delete a version and the aliases naming it {name, version}", 200, true),
    route("post", mlflow_path!("mlflow/model-versions/transition-stage"), "MLflow registry: move a version to a stage {name, version, stage, archive_existing_versions}", 200, true),
    route("post", mlflow_path!("mlflow/model-versions/set-tag"), "MLflow registry: set a version's tag {name, version, key, value}", 200, true),
    route("delete", mlflow_path!("mlflow/model-versions/delete-tag"), "MLflow registry: delete a version's tag {name, version, key}", 200, true),
    route("get", mlflow_path!("mlflow/model-versions/get-download-uri"), "MLflow registry: where a version's files are downloaded from (?name=&version=)", 200, true),
    route("get", mlflow_path!("mlflow-artifacts/artifacts"), "MLflow artifacts proxy: list a folder (?path=ExperimentRun/dcid.<run id>/...)", 200, true),
    route("get", mlflow_path!("mlflow-artifacts/artifacts/{artifactPath}"), "MLflow artifacts proxy: download a run's file", 200, true),
    route("put", mlflow_path!("mlflow-artifacts/artifacts/{artifactPath}"), "MLflow artifacts proxy: upload a run's file, streamed (ExperimentRun/dcid.<run id>/...)", 200, true),
    route("delete", mlflow_path!("mlflow-artifacts/artifacts/{artifactPath}"), "MLflow artifacts proxy: delete a run's file", 200, true),
    route("get", "/studio.json", "Tells the studio to use this server", 200, false),
    route("get", "/openapi.json", "This document", 200, false),
    route("get", "/subscriptions", "The subscriptions the member sees", 200, true),
    route("get", "/subscriptions/{subscriptionId}", "The subscription", 200, true),
    route("get", "/subscriptions/{subscriptionId}/resourcegroups", "The resource groups the member sees (Microsoft.Resources api-versions)", 200, true),
    route("get", "/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}", "A resource group", 200, true),
    route("head", "/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}", "Whether a resource group exists (204 or 404)", 204, true),
    route("put", "/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}", "Create (201) or update (200) a resource group: {location, tags}", 201, true),
    route("delete", "/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}", "Delete an empty resource group", 200, true),
    route("get", "/subscriptions/{subscriptionId}/providers/Microsoft.MachineLearningServices/workspaces", "Workspaces in the subscription that the member holds a role in (kind=default,hub,... filters)", 200, true),
    route("get", "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.MachineLearningServices/workspaces", "Workspaces in the resource group that the member holds a role in (kind=default,hub,... filters)", 200, true),
    route("get", ws_path!(""), "The workspace", 200, true),
    route("put", ws_path!(""), "Create (201, long-running: Creating, then Succeeded) or update (200) a workspace", 201, true),
    route("patch", ws_path!(""), "Change a workspace's tags, friendly name or description (JSON merge patch)", 200, true),
    route("delete", ws_path!(""), "Soft-delete a workspace (recoverable for 14 days), or purge it with forceToPurge=true", 200, true),
    route("get", "/subscriptions/{subscriptionId}/providers/Microsoft.Authorization/roleDefinitions", "The built-in roles (Owner, Contributor, Reader, AzureML Data Scientist, AzureML Compute Operator)", 200, true),
    route("get", ws_path!("/providers/Microsoft.Authorization/roleAssignments"), "Role assignments at, above and below a scope (also at the subscription or a resource group)", 200, true),
    route("get", ws_path!("/providers/Microsoft.Authorization/roleAssignments/{roleAssignmentName}"), "A role assignment", 200, true),
    route("put", ws_path!("/providers/Microsoft.Authorization/roleAssignments/{roleAssignmentName}"), "Give a person a role at the scope: {properties: {roleDefinitionId, principalId}}; an Owner of the scope only", 201, true),
    route("delete", ws_path!("/providers/Microsoft.Authorization/roleAssignments/{roleAssignmentName}"), "Take a role assignment away (the subscription's last Owner stays)", 200, true),
    route("get", ws_path!("/computes"), "Computes, paged with nextLink ($skip)", 200, true),
    route("get", ws_path!("/computes/{computeName}"), "A compute, with its ETag", 200, true),
    route("put", ws_path!("/computes/{computeName}"), "Create (201, long-running) or update (200) a compute; If-Match honoured", 201, true),
    route("patch", ws_path!("/computes/{computeName}"), "Change tags, description, idle shutdown or schedules (JSON merge patch)", 200, true),
    route("delete", ws_path!("/computes/{computeName}"), "Delete a compute (202, long-running; 204 when absent)", 202, true),
    route("post", ws_path!("/computes/{computeName}/start"), "Start a stopped instance (202, long-running)", 202, true),
    route("post", ws_path!("/computes/{computeName}/stop"), "Stop a running instance (202, long-running)", 202, true),
    route("post", ws_path!("/computes/{computeName}/restart"), "Restart a running instance (202, long-running)", 202, true),
    route("post", ws_path!("/computes/{computeName}/listNodes"), "A cluster's nodes: id, private address, state", 200, true),
    route("post", ws_path!("/computes/{computeName}/updateIdleShutdownSetting"), "Set an instance's idleTimeBeforeShutdown (ISO 8601, 15 minutes to 3 days)", 200, true),
    route("post", ws_path!("/computes/{computeName}/enableSso"), "Turn single sign-on of an instance's applications on or off: {\"enableSSO\": bool}", 200, true),
    route("get", ws_path!("/datastores"), "Datastores (isDefault, names, searchText filters), paged with nextLink; never with secrets", 200, true),
    route("get", ws_path!("/datastores/{datastoreName}"), "A datastore, without its secrets", 200, true),
    route("put", ws_path!("/datastores/{datastoreName}"), "Register (201) or change (200) a datastore: AzureBlob, AzureDataLakeGen2 or AzureFile, with AccountKey, Sas, ServicePrincipal, Certificate or None credentials", 201, true),
    route("delete", ws_path!("/datastores/{datastoreName}"), "Unregister a datastore (not a default one); 204 when absent", 200, true),
    route("post", ws_path!("/datastores/{datastoreName}/listSecrets"), "A datastore's secrets, for the roles that may see them", 200, true),
    route("get", ws_path!("/data"), "Data assets (listViewType=ActiveOnly|ArchivedOnly|All), paged with nextLink", 200, true),
    route("get", ws_path!("/jobs"), "Jobs, newest first (listViewType, jobType, tag, experimentName, status), paged with nextLink; every MLflow run is a job named by its run id", 200, true),
    route("get", ws_path!("/jobs/{id}"), "A job: its status and statusReason, what a command job runs, its services (Studio, Tracking)", 200, true),
    route("put", ws_path!("/jobs/{id}"), "Submit a command job (201; Queued, then run by --job-runner local on its compute), or change its description, display name, tags or isArchived (200)", 201, true),
    route("delete", ws_path!("/jobs/{id}"), "Archive an ended job (409 while it has not ended; 204 when absent)", 200, true),
    route("post", ws_path!("/jobs/{id}/cancel"), "Cancel a job: Canceled at once when it waits, CancelRequested until its process has ended when it runs", 200, true),
    route("get", ws_path!("/codes/{name}"), "A code asset, with its latest version", 200, true),
    route("get", ws_path!("/codes/{name}/versions"), "A code asset's versions, oldest first (hash=: those of a folder with that content hash)", 200, true),
    route("get", ws_path!("/codes/{name}/versions/{version}"), "A code version: codeUri, where the folder a command job runs from is", 200, true),
    route("put", ws_path!("/codes/{name}/versions/{version}"), "Make a code version (201; versions never change: the same one again is 200, other code is refused)", 201, true),
    route("post", ws_path!("/codes/{name}/versions/{version}/startPendingUpload"), "Where to upload a code folder: {blobReferenceForConsumption: {blobUri, credential: {sasUri}}}, an address of /blob/ signed for that upload only, for 6 hours", 200, true),
    route("get", ws_path!("/data/{name}"), "A data asset, with latestVersion and nextVersion", 200, true),
    route("put", ws_path!("/data/{name}"), "Create a data asset (201) or change its description, tags or archived flag (200)", 201, true),
    route("get", ws_path!("/data/{name}/versions"), "A data asset's versions (listViewType, $orderBy=createdtime desc, $top)", 200, true),
    route("get", ws_path!("/data/{name}/versions/{version}"), "A data asset version", 200, true),
    route("put", ws_path!("/data/{name}/versions/{version}"), "Create a version (201; uri_file, uri_folder or mltable at an azureml:// or https:// URI), or change its description, tags or archived flag (200); versions are otherwise immutable", 201, true),
    route("get", ws_path!("/models"), "Models (listViewType), paged with nextLink", 200, true),
    route("get", ws_path!("/models/{name}"), "A model, with latestVersion and nextVersion", 200, true),
    route("put", ws_path!("/models/{name}"), "Create a model (201) or change its description, tags, properties or archived flag (200)", 201, true),
    route("delete", ws_path!("/models/{name}"), "Delete a model and all its versions (204 when absent)", 200, true),
    route("get", ws_path!("/models/{name}/versions"), "A model's versions (listViewType, version, tags, $orderBy=createdtime desc, $top)", 200, true),
    route("get", ws_path!("/models/{name}/versions/{version}"), "A model version: modelType, modelUri, jobName, flavors, stage", 200, true),
    route("put", ws_path!("/models/{name}/versions/{version}"), "Register a version (201) from a job's artifacts or output, or a datastore folder, its files checked and an MLflow model's flavors read; or change its description, tags, stage or archived flag (200)", 201, true),
    route("delete", ws_path!("/models/{name}/versions/{version}"), "Delete a model version (204 when absent)", 200, true),
    route("get", ws_path!("/onlineEndpoints"), "Online endpoints, paged with nextLink (never their keys)", 200, true),
    route("get", ws_path!("/onlineEndpoints/{endpointName}"), "An online endpoint: authMode, traffic, mirrorTraffic, scoringUri, swaggerUri, provisioningState", 200, true),
    route("put", ws_path!("/onlineEndpoints/{endpointName}"), "Create an online endpoint (201; Key or AMLToken, a name unique in its region, fresh keys) or change its description, tags and traffic (200)", 201, true),
    route("patch", ws_path!("/onlineEndpoints/{endpointName}"), "Change an online endpoint: the body merged over it (traffic, mirrorTraffic, description, tags)", 200, true),
    route("delete", ws_path!("/onlineEndpoints/{endpointName}"), "Delete an online endpoint and its deployments", 200, true),
    route("post", ws_path!("/onlineEndpoints/{endpointName}/listKeys"), "The endpoint's keys: {primaryKey, secondaryKey} (AzureML Data Scientist and above)", 200, true),
    route("post", ws_path!("/onlineEndpoints/{endpointName}/regenerateKeys"), "A new Primary or Secondary key ({keyType, keyValue?}); the old one stops working at once", 200, true),
    route("post", ws_path!("/onlineEndpoints/{endpointName}/token"), "An AMLToken endpoint's token: {accessToken, tokenType, expiryTimeUtc, refreshAfterTimeUtc}", 200, true),
    route("get", ws_path!("/onlineEndpoints/{endpointName}/deployments"), "An endpoint's deployments, paged with nextLink", 200, true),
    route("get", ws_path!("/onlineEndpoints/{endpointName}/deployments/{deploymentName}"), "A deployment: model, instanceType, sku.capacity, requestSettings, probes, provisioningState", 200, true),
    route("put", ws_path!("/onlineEndpoints/{endpointName}/deployments/{deploymentName}"), "Deploy a model Azimuth trained (201; its file read first, its instances' vCPUs held against the quota) or change its instance count and settings (200)", 201, true),
    route("patch", ws_path!("/onlineEndpoints/{endpointName}/deployments/{deploymentName}"), "Change a deployment: the body merged over it", 200, true),
    route("delete", ws_path!("/onlineEndpoints/{endpointName}/deployments/{deploymentName}"), "Delete a deployment without live traffic", 200, true),
    route("post", ws_path!("/onlineEndpoints/{endpointName}/deployments/{deploymentName}/getLogs"), "A deployment's log ({tail}): model loads and each request's status and time", 200, true),
    route("post", "/inference/{region}/{endpointName}/score", "An endpoint's scoringUri: Authorization: Bearer <key or token>, {input_data: {columns, index, data}} (or records, or MLflow's dataframe_split/records; params.predict_method: predict_proba) answered with a prediction per row; azureml-model-deployment picks a deployment", 200, false),
    route("get", "/inference/{region}/{endpointName}/swagger.json", "An endpoint's swaggerUri: the OpenAPI document of its scoring, with its model's columns (the same Bearer key or token)", 200, false),
    route("get", "/api/endpoints/metrics", "An endpoint's requests, errors and p50/p99 latency per deployment, a minute at a time over the last hour (?wsid=&endpoint=)", 200, true),
    route("get", "/subscriptions/{subscriptionId}/providers/Microsoft.MachineLearningServices/locations/{location}/vmSizes", "VM sizes with prices", 200, true),
    route("get", "/subscriptions/{subscriptionId}/providers/Microsoft.MachineLearningServices/locations/{location}/usages", "vCPU usage and limit per family", 200, true),
    route("get", "/subscriptions/{subscriptionId}/providers/Microsoft.MachineLearningServices/locations/{location}/computeOperationsStatus/{operationId}", "A long-running operation's status", 200, true),
    route("get", "/subscriptions/{subscriptionId}/providers/Microsoft.MachineLearningServices/locations/{location}/mfeOperationsStatus/{operationId}", "A workspace operation's status", 200, true),
];

/// The OpenAPI 3 document.
pub fn document() -> Value {
    let mut paths = Map::new();
    for r in ROUTES {
        let params: Vec<Value> = r
            .path
            .split('/')
            .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
            .chain(r.path.starts_with("/subscriptions").then(|| {
                json!({"name": "api-version", "in": "query", "required": true, "schema": {"type": "string", "example": "2025-12-01"}})
            }))
            .collect();
        let mut operation = json!({
            "summary": r.summary,
            "parameters": params,
            "responses": {
                r.ok.to_string(): {"description": "Success"},
                "default": {"description": "ARM error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}}
            }
        });
        if r.signed_in {
            operation["security"] = json!([{"bearer": []}]);
        }
        let entry = paths.entry(r.path).or_insert_with(|| json!({}));
        entry[r.method] = operation;
    }
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Azimuth server", "version": env!("CARGO_PKG_VERSION"),
            "description": format!("Azure Machine Learning's ARM REST API for workspaces, their computes, datastores and data assets (and the files of their datastores), Microsoft.Resources for resource groups ({WS}), and MLflow's tracking API at each workspace's mlFlowTrackingUri")},
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"ErrorResponse": {"type": "object", "properties": {"error": {"type": "object",
                "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}}}
        }
    })
}
