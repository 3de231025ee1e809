//! The Jobs page (Assets ▸ Jobs): its "All experiments" and "All jobs" tabs, an experiment's
//! jobs, and a job's page (Overview, Metrics, Outputs + logs, Child jobs). Runs logged through
//! MLflow's tracking API are the workspace's jobs; new ones and status changes appear as the
//! server announces them.

mod automl;
mod batch;
mod chart;
mod columns;
mod command;
mod compare;
mod create;
mod experiments;
mod filter_box;
mod job;
mod metrics;
mod outputs;
mod runs;
mod table;

pub use compare::ComparePage;
pub use create::CreateJobPage;
pub use experiments::ExperimentsPage;
pub use job::JobPage;
pub use outputs::FolderFiles;
pub use runs::RunsPage;

use crate::components::{tab_link, Icon, IconName};
use crate::router::{query_param, use_location};
use crate::store::{use_store, TableRequest};
use azimuth_core::jobs::table::{Cell, TableRow};
use leptos::prelude::*;

/// The address's query keys of a runs page's state (its filter, sort, order and columns).
const QUERY_KEYS: (&str, &str, &str, &str) = ("filter", "sort", "desc", "columns");

/// The first rows a runs page at `path` (All jobs, or an experiment's) asks for with the
/// address's query, for the studio to ask for them as it starts; `None` for other pages.
pub fn runs_page_request(path: &str) -> Option<TableRequest> {
    let experiment = match path.trim_end_matches('/') {
        "/jobs/all" => String::new(),
        other => {
            let id = other.strip_prefix("/jobs/experiments/")?;
            js_sys::decode_uri_component(id).ok()?.as_string()?
        }
    };
    let query = |name| query_param(name).unwrap_or_default();
    Some(TableRequest::first_page(
        experiment,
        query(QUERY_KEYS.0),
        query(QUERY_KEYS.1),
        query(QUERY_KEYS.2).parse().unwrap_or_default(),
        &query(QUERY_KEYS.3),
    ))
}

/// The Jobs page's tabs, each at its own address.
#[component]
fn JobsTabs() -> impl IntoView {
    let path = use_location().path;
    view! {
        <nav class="tabs" aria-label="Jobs">
            {tab_link(path, "/jobs", "/jobs", "All experiments")}
            {tab_link(path, "/jobs/all", "/jobs/all", "All jobs")}
        </nav>
    }
}

/// A job's status with its icon: a spinner while it is under way.
pub fn status_badge(status: String) -> impl IntoView {
    let (tone, icon) = match status.as_str() {
        "Completed" => ("success", Some(IconName::Success)),
        "Failed" => ("danger", Some(IconName::Error)),
        "Canceled" => ("neutral", Some(IconName::Stopped)),
        _ => ("busy", None),
    };
    let state = status.clone();
    view! {
        <span class=format!("state-badge state-badge--{tone}") data-state=state>
            {match icon {
                Some(name) => view! { <Icon name /> }.into_any(),
                None => view! { <span class="spinner" aria-hidden="true"></span> }.into_any(),
            }}
            <span class="state-badge__text">{status}</span>
        </span>
    }
}

/// A duration as people read it: `45s`, `3m 12s`, `2h 5m`, `3d 4h`.
pub fn format_duration(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m {}s", s / 60, s % 60),
        3600..86_400 => format!("{}h {}m", s / 3600, s % 3600 / 60),
        _ => format!("{}d {}h", s / 86_400, s % 86_400 / 3600),
    }
}

/// A metric value with up to six significant digits, as JavaScript writes it (float printing
/// stays out of the wasm).
pub fn format_number(value: f64) -> String {
    if !value.is_finite() {
        return if value.is_nan() {
            "NaN".into()
        } else if value > 0.0 {
            "∞".into()
        } else {
            "-∞".into()
        };
    }
    let short = js_sys::Number::from(value)
        .to_precision(6)
        .map(|s| js_sys::Number::parse_float(&String::from(s)))
        .unwrap_or(value);
    String::from(
        js_sys::Number::from(short)
            .to_string_with_radix(10)
            .unwrap_or_default(),
    )
}

/// A cell of the runs table: a number formatted, text as it is, a dash for nothing.
pub fn format_cell(value: &Cell) -> String {
    match value {
        Cell::Empty => "—".into(),
        Cell::Number(n) => format_number(*n),
        Cell::Text(s) => s.clone(),
    }
}

/// A cell of the runs table as text, empty when there is no value (a column a row lacks).
pub fn cell_or_blank(value: Option<&Cell>) -> String {
    match value {
        None | Some(Cell::Empty) => String::new(),
        Some(cell) => format_cell(cell),
    }
}

/// The rows of the runs table `request` makes, read again whenever runs change: `None` while
/// the first read is under way, or the error a person sees.
pub type LiveRows = RwSignal<Option<Result<Vec<TableRow>, String>>>;

/// [`LiveRows`] for the requests `request` makes.
pub fn live_rows(request: impl Fn() -> TableRequest + 'static) -> LiveRows {
    let store = use_store();
    let rows = RwSignal::new(None);
    Effect::new(move |_| {
        store.runs_changed().track();
        let request = request();
        leptos::task::spawn_local(async move {
            let answer = store.runs_table(&request).await;
            rows.try_set(Some(
                answer.map(|t| t.rows).map_err(|e| e.message().to_owned()),
            ));
        });
    });
    rows
}
