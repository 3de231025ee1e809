//! A table of jobs: All jobs, or one experiment's. It stays fast with tens of thousands of runs:
//! the server sorts, filters and pages (the engine's table rule), and only the rows and the
//! chosen columns in view are drawn (a fixed row height and column width; spacers stand for
//! the rest). The filter is MLflow's grammar with OR, NOT and parentheses, checked here by the
//! same parser the server uses; filter, sort and columns are in the address. New runs and
//! status changes appear as the server announces them.

use super::columns::ColumnPicker;
use super::filter_box::FilterBox;
use super::table::{rows_in_view, RunsTable};
use super::JobsTabs;
use crate::components::{Appearance, Button, Icon, IconName};
use crate::router::query_state;
use crate::shell::Breadcrumbs;
use crate::store::{use_store, TableRequest};
use azimuth_core::jobs::table::{Column, Keys, TableRow};
use leptos::prelude::*;
use std::collections::{BTreeMap, HashSet};

/// A row's height in pixels (the CSS's `.runs-table td`), until a drawn one is measured. The
/// CSS gives cells room for a status badge or a checkbox (37.8 px drawn), so the measured
/// height is this one and the first rows are not drawn twice.
pub(super) const ROW: f64 = 38.0;
/// A chosen column's width in pixels.
pub(super) const COLUMN: f64 = 150.0;
/// The fixed columns' width in pixels (name, status, experiment, created, duration, user).
pub(super) const FIXED: f64 = 40.0 + 220.0 + 130.0 + 150.0 + 180.0 + 100.0 + 170.0;
/// Rows fetched at a time.
pub(super) const PAGE: usize = TableRequest::PAGE;
/// Rows drawn beyond the viewport on each side.
pub(super) const OVERSCAN: usize = 8;

/// The rows fetched so far: for one version of the query, by page.
#[derive(Default)]
pub(super) struct Fetched {
    /// The query version these rows are of.
    pub(super) generation: u64,
    /// Rows by page.
    pub(super) pages: BTreeMap<usize, Vec<TableRow>>,
}

/// A table of jobs: one experiment's (its id), or all (empty).
#[component]
pub fn RunsPage(
    /// The experiment's id, or empty for All jobs.
    experiment: String,
) -> impl IntoView {
    let store = use_store();
    let experiment = StoredValue::new(experiment);
    let (filter, sort, desc, columns) = super::QUERY_KEYS;
    let filter = query_state::<String>(filter);
    let sort = query_state::<String>(sort);
    let desc = query_state::<bool>(desc);
    let columns = query_state::<String>(columns);
    let chosen = Memo::new(move |_| {
        columns.with(|c| {
            c.split(',')
                .filter_map(Column::parse)
                .collect::<Vec<Column>>()
        })
    });
    let fetched = RwSignal::new(Fetched::default());
    let selected = RwSignal::new(Vec::<(String, String)>::new());
    let row = RwSignal::new(ROW);
    let compare_refusal = Signal::derive(move || match selected.with(Vec::len) {
        0 | 1 => Some("Select two or more jobs to compare.".to_owned()),
        n if n > super::compare::MAX_COMPARED => Some(format!(
            "At most {} jobs can be compared at once; {n} are selected.",
            super::compare::MAX_COMPARED
        )),
        _ => None,
    });
    let generation = RwSignal::new(1u64);
    let total = RwSignal::new(None::<usize>);
    let keys = RwSignal::new(Keys::default());
    let error = RwSignal::new(None::<String>);
    let title = RwSignal::new(String::new());
    let in_flight = StoredValue::new(HashSet::<(u64, usize)>::new());
    let scroll = RwSignal::new((0.0f64, 0.0f64));
    let viewport = RwSignal::new((600.0f64, 1000.0f64));
    let node = NodeRef::<leptos::html::Div>::new();

    // A new query starts again from the top; a live change reads again what is in view.
    Effect::new(move |previous: Option<(String, String, bool, String)>| {
        let now = (filter.get(), sort.get(), desc.get(), columns.get());
        if previous.as_ref().is_some_and(|p| *p != now) {
            if let Some(el) = node.get_untracked() {
                el.set_scroll_top(0);
            }
            scroll.update(|s| s.0 = 0.0);
        }
        // The first query is generation 1, already asked for below.
        if previous.is_some() {
            generation.update(|g| *g += 1);
        }
        now
    });
    Effect::new(move |seen: Option<u64>| {
        let n = store.runs_changed().get();
        if seen.is_some() {
            generation.update(|g| *g += 1);
        }
        n
    });
    let fetch = move |page: usize, g: u64| {
        if in_flight.with_value(|f| f.contains(&(g, page))) {
            return;
        }
        in_flight.update_value(|f| {
            f.insert((g, page));
        });
        let request = TableRequest {
            offset: page * PAGE,
            ..TableRequest::first_page(
                experiment.get_value(),
                filter.get_untracked(),
                sort.get_untracked(),
                desc.get_untracked(),
                &columns.get_untracked(),
            )
        };
        leptos::task::spawn_local(async move {
            let answer = store.runs_table(&request).await;
            // The page may have closed meanwhile: its values are gone, and so is the answer.
            if in_flight
                .try_update_value(|f| f.remove(&(g, page)))
                .is_none()
            {
                return;
            }
            if g < fetched.with_untracked(|f| f.generation) {
                return;
            }
            match answer {
                Ok(table) => {
                    error.set(None);
                    total.set(Some(table.total));
                    // Set only when they change: an open Columns dialog keeps its focus.
                    if keys.with_untracked(|k| *k != table.keys) {
                        keys.set(table.keys);
                    }
                    fetched.update(|f| {
                        if g > f.generation {
                            *f = Fetched {
                                generation: g,
                                pages: BTreeMap::new(),
                            };
                        }
                        f.pages.insert(page, table.rows);
                    });
                }
                Err(e) => error.set(Some(e.message().to_owned())),
            }
        });
    };
    // The first page is asked for at once, beside the experiment's name, rather than once
    // the page has rendered (17 ms sooner on a cold load).
    fetch(0, generation.get_untracked());
    // The rows in view (and a few around them).
    let in_view = Memo::new(move |_| rows_in_view(scroll.get().0, viewport.get().0, row.get()));
    Effect::new(move |_| {
        let g = generation.get();
        let (first, last) = in_view.get();
        let last = total.get().map_or(last, |t| last.min(t.max(1)));
        let loaded = fetched.with(|f| {
            if f.generation == g {
                f.pages.keys().copied().collect::<Vec<_>>()
            } else {
                Vec::new()
            }
        });
        for page in first / PAGE..=last.saturating_sub(1) / PAGE {
            if !loaded.contains(&page) {
                fetch(page, g);
            }
        }
    });
    if !experiment.get_value().is_empty() {
        let id = experiment.get_value();
        leptos::task::spawn_local(async move {
            if let Ok(all) = store.job_experiments().await {
                if let Some(found) = all.into_iter().find(|e| e.id == id) {
                    title.set(found.name);
                }
            }
        });
    }
    // The region grows with its rows up to the window's height less the page above it (the
    // CSS's max-height): rows are counted for that height, whatever is loaded yet. Its width
    // is first taken as the window's (a few columns more drawn at most): reading the region's
    // own width as the page mounts forced the page's first layout before its rows were in
    // (78 ms of a cold load's profile), then a second one with them.
    let window_size = || {
        let size = |v: Result<wasm_bindgen::JsValue, _>| v.ok().and_then(|v| v.as_f64());
        (
            size(window().inner_height()).unwrap_or(900.0),
            size(window().inner_width()).unwrap_or(1400.0),
        )
    };
    let (height, width) = window_size();
    viewport.set(((height - 340.0).max(300.0), width));
    let resize = window_event_listener(leptos::ev::resize, move |_| {
        if let Some(el) = node.get_untracked() {
            let (height, _) = window_size();
            viewport.set(((height - 340.0).max(300.0), el.client_width() as f64));
        }
    });
    on_cleanup(move || resize.remove());

    let heading = move || {
        if experiment.get_value().is_empty() {
            "All jobs".to_owned()
        } else {
            let name = title.get();
            if name.is_empty() {
                "Experiment".to_owned()
            } else {
                name
            }
        }
    };
    let crumbs = move || {
        if experiment.get_value().is_empty() {
            vec![
                ("Jobs".into(), "/jobs".into()),
                ("All jobs".into(), "".into()),
            ]
        } else {
            vec![("Jobs".into(), "/jobs".into()), (heading(), "".into())]
        }
    };
    let picking = RwSignal::new(false);
    view! {
        {move || view! { <Breadcrumbs items=crumbs() /> }}
        <header class="page-header">
            <h1>{heading}</h1>
        </header>
        <Show when=move || experiment.get_value().is_empty()>
            <JobsTabs />
        </Show>
        <div class="toolbar" role="toolbar" aria-label="Job actions">
            <Button appearance=Appearance::Primary blocked=Signal::derive(move || store.refusal(azimuth_core::workspace::roles::Action::WriteJobs)) on_click=move |_| crate::router::navigate("/jobs/create")>
                "Submit from YAML"
            </Button>
            <Button appearance=Appearance::Subtle on_click=move |_| generation.update(|g| *g += 1)>
                <Icon name=IconName::Refresh />
                "Refresh"
            </Button>
            <Button appearance=Appearance::Subtle on_click=move |_| picking.set(true)>
                "Columns"
            </Button>
            <Button appearance=Appearance::Subtle blocked=compare_refusal on_click=move |_| {
                let ids: Vec<String> = selected.with_untracked(|s| s.iter().map(|(id, _)| id.clone()).collect());
                crate::router::navigate(&format!("/jobs/compare?runs={}", ids.join(",")));
            }>
                {move || match selected.with(Vec::len) {
                    0 => "Compare".to_owned(),
                    n => format!("Compare ({n})"),
                }}
            </Button>
        </div>
        <FilterBox filter />
        <p class="muted runs-count" role="status">
            {move || match total.get() {
                None => "Loading jobs…".to_owned(),
                Some(1) => "1 job".to_owned(),
                Some(n) => format!("{n} jobs"),
            }}
        </p>
        {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        // A scrolling region, reachable by keyboard (arrows and Page Down scroll it).
        <div
            class="runs-viewport"
            role="region"
            aria-label="Jobs table"
            tabindex="0"
            node_ref=node
            on:scroll=move |ev| {
                let el = event_target::<web_sys::Element>(&ev);
                scroll.set((el.scroll_top() as f64, el.scroll_left() as f64));
            }
        >
            <RunsTable chosen fetched generation total scroll viewport sort desc selected row />
        </div>
        <Show when=move || total.get() == Some(0) && filter.with(String::is_empty)>
            <p class="table-empty">
                "No jobs yet. Log one from a script with MLflow (see All experiments), and it appears here as it runs."
            </p>
        </Show>
        <Show when=move || picking.get()>
            <ColumnPicker keys columns on_close=Callback::new(move |_| picking.set(false)) />
        </Show>
    }
}
