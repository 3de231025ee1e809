//! Jobs on the server: the Jobs page's own reads (`/api/jobs/...`: experiments, a page of the
//! runs table, a metric shaped for a chart) and a run as MLflow's tracking API answers it.

use super::{encode, send, unexpected, API_VERSION};
use azimuth_core::arm::json::to_json;
use azimuth_core::arm::json_de::from_json;
use azimuth_core::arm::json_de::FromValue;
use azimuth_core::jobs::code::CodeVersionResource;
use azimuth_core::jobs::experiment::ExperimentSummary;
use azimuth_core::jobs::table::{Column, TablePage};
use azimuth_core::jobs::Run;
use azimuth_core::workspace::overview::wsid;
use azimuth_core::ArmError;
use js_sys::Promise;
use serde::Deserialize;
use std::cell::RefCell;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

#[derive(Deserialize, FromValue)]
struct Experiments {
    experiments: Vec<ExperimentSummary>,
}

/// A metric's history shaped for a chart (see `GET /api/jobs/metric`).
#[derive(Clone, Debug, Default, PartialEq, Deserialize, FromValue)]
pub struct Series {
    /// The series' first x.
    pub first: Option<i64>,
    /// Its last x.
    pub last: Option<i64>,
    /// Values in the range asked for.
    #[serde(default)]
    pub total: i64,
    /// `[x, y]`, when few (y null for NaN).
    #[serde(default)]
    pub points: Vec<(i64, Option<f64>)>,
    /// `[first x, last x, least, greatest]`, when many.
    #[serde(default)]
    pub buckets: Vec<(i64, i64, Option<f64>, Option<f64>)>,
}

/// A token for scripts, as `/api/tokens` lists it (and, once, as it was made, with the token).
#[derive(Clone, Debug, PartialEq, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct ScriptToken {
    /// The token: only in the answer that made it (it is shown once).
    #[serde(default)]
    pub token: Option<String>,
    /// What names it in the list (a part of its hash).
    pub id: String,
    /// What its owner called it.
    pub name: String,
    /// When it was made (ISO 8601), if known.
    #[serde(default)]
    pub created_on: Option<String>,
    /// When it stops working (ISO 8601).
    pub expires_on: String,
}

#[derive(Deserialize, FromValue)]
struct ScriptTokens {
    value: Vec<ScriptToken>,
}

#[derive(Deserialize, FromValue)]
struct RunBody {
    run: Run,
}

/// What a page of the runs table asks for, as `GET /api/jobs/table` takes it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TableRequest {
    /// One experiment's id, or empty for all.
    pub experiment: String,
    /// An MLflow filter.
    pub filter: String,
    /// The column sorted by (its URL form), or empty.
    pub sort: String,
    /// Largest first.
    pub desc: bool,
    /// The chosen columns' URL forms.
    pub columns: Vec<String>,
    /// The first row.
    pub offset: usize,
    /// How many rows.
    pub limit: usize,
}

/// `GET /api/jobs/experiments`.
pub async fn job_experiments(token: &str, ws: &str) -> Result<Vec<ExperimentSummary>, ArmError> {
    let url = format!("/api/jobs/experiments?wsid={}", encode(ws));
    let text = send("GET", &url, Some(token), None).await?;
    from_json::<Experiments>(&text)
        .map(|e| e.experiments)
        .map_err(|e| unexpected(&e))
}

impl TableRequest {
    /// Rows a page of the table holds.
    pub const PAGE: usize = 100;

    /// The first page of the runs of `experiment` (empty: all) as an address's query asks
    /// for them: `filter`, `sort`, `desc` and `columns` (comma-separated URL forms; those
    /// the studio does not know are left out).
    pub fn first_page(
        experiment: String,
        filter: String,
        sort: String,
        desc: bool,
        columns: &str,
    ) -> Self {
        TableRequest {
            experiment,
            filter,
            sort,
            desc,
            columns: columns
                .split(',')
                .filter_map(Column::parse)
                .map(|c| c.spec())
                .collect(),
            offset: 0,
            limit: Self::PAGE,
        }
    }
}

/// How long an early answer may stand for the page's own request: the start of a page, not a
/// later visit (runs change meanwhile).
const EARLY_MS: f64 = 5_000.0;

/// The runs table's first page, asked for while the studio starts on a runs page.
struct EarlyTable {
    /// The workspace it was asked for.
    ws: String,
    /// What was asked.
    request: TableRequest,
    /// When it was sent (ms, this page's clock).
    sent: f64,
    /// Its answer to come: the page's text, or `null` when it failed.
    answer: Promise,
}

thread_local! {
    /// The runs table's first page, asked for beside `/api/open` rather than once the page's
    /// chunk has started; the page's own first request takes it when it is the same.
    static EARLY_TABLE: RefCell<Option<EarlyTable>> = const { RefCell::new(None) };
}

/// Sends the request of a runs page's first rows now, as the studio starts; the page takes
/// its answer (see [`runs_table`]). Only a hint: a page that asks otherwise sends its own.
pub fn send_early_table(token: &str, ws: &str, request: TableRequest) {
    let url = table_url(ws, &request);
    let token = token.to_owned();
    // A failure answers `null` (the page then asks itself): never an unhandled rejection.
    let answer = wasm_bindgen_futures::future_to_promise(async move {
        Ok(send("GET", &url, Some(&token), None)
            .await
            .map_or(JsValue::NULL, JsValue::from))
    });
    let early = EarlyTable {
        ws: ws.to_owned(),
        request,
        sent: js_sys::Date::now(),
        answer,
    };
    EARLY_TABLE.with(|e| *e.borrow_mut() = Some(early));
}

fn table_url(ws: &str, r: &TableRequest) -> String {
    format!(
        "/api/jobs/table?wsid={}&experiment={}&filter={}&sort={}&desc={}&columns={}&offset={}&limit={}",
        encode(ws),
        encode(&r.experiment),
        encode(&r.filter),
        encode(&r.sort),
        r.desc,
        encode(&r.columns.join(",")),
        r.offset,
        r.limit
    )
}

/// `GET /api/jobs/table`; the studio's first request answered by the one sent as it started,
/// when that was the same.
pub async fn runs_table(token: &str, ws: &str, r: &TableRequest) -> Result<TablePage, ArmError> {
    let early = EARLY_TABLE.with(|e| e.borrow_mut().take()).filter(|e| {
        wsid(&e.ws).eq_ignore_ascii_case(&wsid(ws))
            && e.request == *r
            && js_sys::Date::now() - e.sent < EARLY_MS
    });
    let answered = match early {
        Some(e) => JsFuture::from(e.answer)
            .await
            .ok()
            .and_then(|t| t.as_string()),
        None => None,
    };
    let text = match answered {
        Some(text) => text,
        None => send("GET", &table_url(ws, r), Some(token), None).await?,
    };
    from_json(&text).map_err(|e| unexpected(&e))
}

/// `GET /api/jobs/metric`: `x` is `step` or `time`; `range` the x range shown (all when open).
pub async fn metric_series(
    token: &str,
    ws: &str,
    run: &str,
    key: &str,
    x: &str,
    range: (Option<i64>, Option<i64>),
    buckets: u32,
) -> Result<Series, ArmError> {
    let bound = |b: Option<i64>| b.map(|v| v.to_string()).unwrap_or_default();
    let url = format!(
        "/api/jobs/metric?wsid={}&run={}&key={}&x={x}&from={}&to={}&buckets={buckets}",
        encode(ws),
        encode(run),
        encode(key),
        bound(range.0),
        bound(range.1)
    );
    let text = send("GET", &url, Some(token), None).await?;
    from_json(&text).map_err(|e| unexpected(&e))
}

/// MLflow's `runs/get` at the workspace's tracking address.
pub async fn run(token: &str, ws: &str, run_id: &str) -> Result<Run, ArmError> {
    let url = format!(
        "/mlflow/v1.0{ws}/api/2.0/mlflow/runs/get?run_id={}",
        encode(run_id)
    );
    let text = send("GET", &url, Some(token), None).await?;
    from_json::<RunBody>(&text)
        .map(|b| b.run)
        .map_err(|e| unexpected(&e))
}

/// `POST /api/tokens`: a token for scripts named `name`, which logs runs and does nothing else.
pub async fn script_token(token: &str, name: &str) -> Result<ScriptToken, ArmError> {
    let body = format!(r#"{{"name":{}}}"#, super::json_string(name));
    let text = send("POST", "/api/tokens", Some(token), Some(body)).await?;
    from_json(&text).map_err(|e| unexpected(&e))
}

/// `GET /api/tokens`: the person's tokens for scripts that still work, newest first.
pub async fn script_tokens(token: &str) -> Result<Vec<ScriptToken>, ArmError> {
    let text = send("GET", "/api/tokens", Some(token), None).await?;
    from_json::<ScriptTokens>(&text)
        .map(|t| t.value)
        .map_err(|e| unexpected(&e))
}

/// `DELETE /api/tokens/{id}`: takes back one of the person's tokens for scripts.
pub async fn revoke_script_token(token: &str, id: &str) -> Result<(), ArmError> {
    let url = format!("/api/tokens/{}", encode(id));
    send("DELETE", &url, Some(token), None).await.map(drop)
}

fn job_url(ws: &str, name: &str, action: &str) -> String {
    format!(
        "{ws}/jobs/{}{action}?api-version={API_VERSION}",
        encode(name)
    )
}

/// A code version of workspace `ws` (`GET .../codes/{name}/versions/{version}`).
pub async fn code_version(
    token: &str,
    ws: &str,
    name: &str,
    version: &str,
) -> Result<CodeVersionResource, ArmError> {
    let url = format!(
        "{ws}/codes/{}/versions/{}?api-version={API_VERSION}",
        encode(name),
        encode(version)
    );
    let text = send("GET", &url, Some(token), None).await?;
    from_json(&text).map_err(|e| unexpected(&e))
}

/// ARM's job (`GET .../jobs/{name}`), as ARM answers it.
pub async fn job(token: &str, ws: &str, name: &str) -> Result<serde_json::Value, ArmError> {
    let text = send("GET", &job_url(ws, name, ""), Some(token), None).await?;
    from_json(&text).map_err(|e| unexpected(&e))
}

/// Submits a job (`PUT .../jobs/{name}`); answers it as ARM does.
pub async fn put_job(
    token: &str,
    ws: &str,
    name: &str,
    body: &serde_json::Value,
) -> Result<serde_json::Value, ArmError> {
    let url = job_url(ws, name, "");
    let text = send("PUT", &url, Some(token), Some(to_json(body))).await?;
    from_json(&text).map_err(|e| unexpected(&e))
}

/// Cancels a job (`POST .../jobs/{name}/cancel`).
pub async fn cancel_job(token: &str, ws: &str, name: &str) -> Result<(), ArmError> {
    send("POST", &job_url(ws, name, "/cancel"), Some(token), None)
        .await
        .map(|_| ())
}
