//! A table of jobs: All jobs, or one experiment's. It stays fast with tens of thousands of runs:
//! the server sorts, filters and pages (the engine's table rule), and only the rows and the
//! chosen columns in view are drawn (a fixed row height and column width; spacers stand for
//! the rest). The filter is MLflow's grammar with OR, NOT and parentheses, checked here by the
//! same parser the server uses; filter, sort and columns are in the address. New runs and
//! status changes appear as the server announces them.

use super::{format_cell, format_duration, status_badge, JobsTabs};
use crate::components::{format_time, Appearance, Button, Dialog, Icon, IconName};
use crate::router::query_state;
use crate::shell::Breadcrumbs;
use crate::store::{use_store, TableRequest};
use azimuth_core::jobs::table::{Column, Keys, Stat, TableRow};
use leptos::prelude::*;
use std::collections::{BTreeMap, HashSet};

/// A row's height in pixels (the CSS's `.runs-table td` makes it so).
const ROW: f64 = 37.0;
/// A chosen column's width in pixels.
const COLUMN: f64 = 150.0;
/// The fixed columns' width in pixels (name, status, experiment, created, duration, user).
const FIXED: f64 = 220.0 + 130.0 + 150.0 + 180.0 + 100.0 + 170.0;
/// Rows fetched at a time.
const PAGE: usize = 100;
/// Rows drawn beyond the viewport on each side.
const OVERSCAN: usize = 8;

/// The rows fetched so far: for one version of the query, by page.
#[derive(Default)]
struct Fetched {
    generation: u64,
    pages: BTreeMap<usize, Vec<TableRow>>,
}

/// The fixed columns: their sort key and header.
const FIXED_COLUMNS: [(Column, &str); 6] = [
    (Column::Name, "Display name"),
    (Column::Status, "Status"),
    (Column::Experiment, "Experiment"),
    (Column::Created, "Created on"),
    (Column::Duration, "Duration"),
    (Column::CreatedBy, "Created by"),
];

/// A table of jobs: one experiment's (its id), or all (empty).
#[component]
pub fn RunsPage(
    /// The experiment's id, or empty for All jobs.
    experiment: String,
) -> impl IntoView {
    let store = use_store();
    let experiment = StoredValue::new(experiment);
    let filter = query_state::<String>("filter");
    let sort = query_state::<String>("sort");
    let desc = query_state::<bool>("desc");
    let columns = query_state::<String>("columns");
    let chosen = Memo::new(move |_| {
        columns.with(|c| {
            c.split(',')
                .filter_map(Column::parse)
                .collect::<Vec<Column>>()
        })
    });
    let fetched = RwSignal::new(Fetched::default());
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
        generation.update(|g| *g += 1);
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
            experiment: experiment.get_value(),
            filter: filter.get_untracked(),
            sort: sort.get_untracked(),
            desc: desc.get_untracked(),
            columns: chosen.get_untracked().iter().map(Column::spec).collect(),
            offset: page * PAGE,
            limit: PAGE,
        };
        leptos::task::spawn_local(async move {
            let answer = store.runs_table(&request).await;
            in_flight.update_value(|f| {
                f.remove(&(g, page));
            });
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
    // The rows in view (and a few around them).
    let in_view = Memo::new(move |_| {
        let (top, _) = scroll.get();
        let (height, _) = viewport.get();
        let first = ((top / ROW) as usize).saturating_sub(OVERSCAN);
        let count = (height / ROW).ceil() as usize + 2 * OVERSCAN;
        (first, first + count)
    });
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
        leptos::task::spawn_local(async move {
            if let Ok(all) = store.job_experiments().await {
                let id = experiment.get_value();
                if let Some(found) = all.into_iter().find(|e| e.id == id) {
                    title.set(found.name);
                }
            }
        });
    }
    // The region grows with its rows up to the window's height less the page above it (the
    // CSS's max-height): rows are counted for that height, whatever is loaded yet.
    let measure = move || {
        if let Some(el) = node.get_untracked() {
            let window_height = window()
                .inner_height()
                .ok()
                .and_then(|h| h.as_f64())
                .unwrap_or(900.0);
            viewport.set(((window_height - 340.0).max(300.0), el.client_width() as f64));
        }
    };
    Effect::new(move |_| {
        if node.get().is_some() {
            measure();
        }
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| measure());
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
            <Button appearance=Appearance::Subtle on_click=move |_| generation.update(|g| *g += 1)>
                <Icon name=IconName::Refresh />
                "Refresh"
            </Button>
            <Button appearance=Appearance::Subtle on_click=move |_| picking.set(true)>
                "Columns"
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
            <RunsTable chosen fetched generation total scroll viewport sort desc />
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

/// The filter box: MLflow's filter, checked as it is applied.
#[component]
fn FilterBox(filter: RwSignal<String>) -> impl IntoView {
    let draft = RwSignal::new(filter.get_untracked());
    let problem = RwSignal::new(None::<String>);
    // Back and Forward change the address's filter: the box follows.
    Effect::watch(
        move || filter.get(),
        move |f, _, _| draft.set(f.clone()),
        false,
    );
    let apply = move || {
        let text = draft.get_untracked();
        match azimuth_core::jobs::filter::parse(&text) {
            Ok(_) => {
                problem.set(None);
                filter.set(text.trim().to_owned());
            }
            Err(e) => problem.set(Some(e.message)),
        }
    };
    view! {
        <div class="filters runs-filter">
            <label class="field__label" for="runs-filter">"Filter"</label>
            <input
                id="runs-filter"
                class="field__input runs-filter__input"
                type="search"
                placeholder="metrics.accuracy > 0.9 and params.model = 'forest'"
                aria-describedby="runs-filter-help"
                aria-invalid=move || problem.with(Option::is_some).then_some("true")
                prop:value=move || draft.get()
                on:input=move |ev| draft.set(event_target_value(&ev))
                on:keydown=move |ev| {
                    if ev.key() == "Enter" {
                        apply();
                    }
                }
            />
            <Button on_click=move |_| apply()>"Apply"</Button>
            <p id="runs-filter-help" class="muted field__help">
                "metrics.<name>, params.<name>, tags.<name> and attributes.status, run_name, user_id, start_time; = != < <= > >= LIKE ILIKE IN; AND, OR, NOT and parentheses."
            </p>
            {move || problem.get().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
        </div>
    }
}

/// The table itself: the header, and the rows in view between two spacers.
#[component]
fn RunsTable(
    chosen: Memo<Vec<Column>>,
    fetched: RwSignal<Fetched>,
    generation: RwSignal<u64>,
    total: RwSignal<Option<usize>>,
    scroll: RwSignal<(f64, f64)>,
    viewport: RwSignal<(f64, f64)>,
    sort: RwSignal<String>,
    desc: RwSignal<bool>,
) -> impl IntoView {
    let store = use_store();
    // The chosen columns in view: (first, last) by index.
    let columns_in_view = Memo::new(move |_| {
        let (_, left) = scroll.get();
        let (_, width) = viewport.get();
        let count = chosen.with(Vec::len);
        let first = (((left - FIXED) / COLUMN).max(0.0) as usize).min(count);
        let last = (first + (width / COLUMN).ceil() as usize + 2).min(count);
        (first, last)
    });
    let width = move || FIXED + COLUMN * chosen.with(Vec::len) as f64;
    let spacers = move || {
        let (first, last) = columns_in_view.get();
        let count = chosen.with(Vec::len);
        (first as f64 * COLUMN, (count - last) as f64 * COLUMN)
    };
    let header = move |column: Column, label: String, class: &'static str| {
        let spec = column.spec();
        let active = {
            let spec = spec.clone();
            move || sort.with(|s| *s == spec)
        };
        let aria = {
            let active = active.clone();
            move || {
                if !active() {
                    "none"
                } else if desc.get() {
                    "descending"
                } else {
                    "ascending"
                }
            }
        };
        let click = move |_| {
            if sort.get_untracked() == spec {
                desc.update(|d| *d = !*d);
            } else {
                sort.set(spec.clone());
                desc.set(false);
            }
        };
        view! {
            <th scope="col" class=class aria-sort=aria title=label.clone()>
                <button type="button" class="sort-button" on:click=click>
                    {label.clone()}
                </button>
            </th>
        }
    };
    let rows = move || {
        let g = generation.get();
        let (first, last) = {
            let (top, _) = scroll.get();
            let (height, _) = viewport.get();
            let first = ((top / ROW) as usize).saturating_sub(OVERSCAN);
            (first, first + (height / ROW).ceil() as usize + 2 * OVERSCAN)
        };
        let last = total.get().map_or(first, |t| last.min(t));
        let (cfirst, clast) = columns_in_view.get();
        let (left, right) = spacers();
        let now = store.now();
        fetched.with(|f| {
            let stale = f.generation != g;
            (first..last)
                .map(|i| {
                    let row = f.pages.get(&(i / PAGE)).and_then(|p| p.get(i % PAGE)).cloned();
                    let Some(r) = row else {
                        return view! {
                            <tr class="runs-table__loading" aria-rowindex=i + 2>
                                <td colspan="8">"Loading…"</td>
                            </tr>
                        }
                        .into_any();
                    };
                    let link = crate::router::href(&format!("/jobs/runs/{}", r.id));
                    let duration = format_duration(r.end_time.unwrap_or(now) - r.start_time);
                    let cells = chosen.with(|c| {
                        c[cfirst..clast]
                            .iter()
                            .enumerate()
                            .map(|(j, _)| {
                                let value = r.values.get(cfirst + j).map(format_cell).unwrap_or_default();
                                view! { <td class="data-table__number">{value}</td> }
                            })
                            .collect_view()
                    });
                    view! {
                        <tr aria-rowindex=i + 2 class=if stale { "row--muted" } else { "" }>
                            <th scope="row" class="data-table__name"><a href=link>{r.name.clone()}</a></th>
                            <td>{status_badge(r.status.clone())}</td>
                            <td>{r.experiment.clone()}</td>
                            <td>{format_time(r.start_time)}</td>
                            <td class="data-table__number">{duration}</td>
                            <td class="data-table__person">{r.user.clone()}</td>
                            <td class="runs-table__spacer" style:width=format!("{left}px")></td>
                            {cells}
                            <td class="runs-table__spacer" style:width=format!("{right}px")></td>
                        </tr>
                    }
                    .into_any()
                })
                .collect_view()
        })
    };
    let top_space = move || {
        let (top, _) = scroll.get();
        ((top / ROW) as usize).saturating_sub(OVERSCAN) as f64 * ROW
    };
    let bottom_space = move || {
        let t = total.get().unwrap_or(0);
        let (top, _) = scroll.get();
        let (height, _) = viewport.get();
        let first = ((top / ROW) as usize).saturating_sub(OVERSCAN);
        let last = (first + (height / ROW).ceil() as usize + 2 * OVERSCAN).min(t);
        t.saturating_sub(last) as f64 * ROW
    };
    view! {
        <table
            class="data-table runs-table"
            aria-label="Jobs"
            aria-rowcount=move || total.get().unwrap_or(0) + 1
            style:width=move || format!("{}px", width())
        >
            <thead>
                <tr aria-rowindex="1">
                    {FIXED_COLUMNS
                        .iter()
                        .map(|(c, label)| header(c.clone(), (*label).to_owned(), "runs-table__fixed"))
                        .collect_view()}
                    <th class="runs-table__spacer" aria-hidden="true" style:width=move || format!("{}px", spacers().0)></th>
                    {move || {
                        let (first, last) = columns_in_view.get();
                        chosen.with(|c| {
                            c[first..last]
                                .iter()
                                .map(|column| header(column.clone(), column.label(), "runs-table__chosen"))
                                .collect_view()
                        })
                    }}
                    <th class="runs-table__spacer" aria-hidden="true" style:width=move || format!("{}px", spacers().1)></th>
                </tr>
            </thead>
            <tbody>
                <tr class="runs-table__space" aria-hidden="true" style:height=move || format!("{}px", top_space())></tr>
                {rows}
                <tr class="runs-table__space" aria-hidden="true" style:height=move || format!("{}px", bottom_space())></tr>
            </tbody>
        </table>
    }
}

/// "Columns": which params, metrics (last, least, greatest) and tags the table shows.
#[component]
fn ColumnPicker(
    keys: RwSignal<Keys>,
    columns: RwSignal<String>,
    on_close: Callback<()>,
) -> impl IntoView {
    let has = move |spec: &str| columns.with(|c| c.split(',').any(|s| s == spec));
    let toggle = move |spec: String, on: bool| {
        columns.update(|c| {
            let mut list: Vec<String> = c
                .split(',')
                .filter(|s| !s.is_empty() && *s != spec)
                .map(str::to_owned)
                .collect();
            if on {
                list.push(spec);
            }
            *c = list.join(",");
        })
    };
    let check = move |column: Column, label: String| {
        let spec = column.spec();
        let checked = {
            let spec = spec.clone();
            move || has(&spec)
        };
        view! {
            <label class="checkbox">
                <input
                    type="checkbox"
                    prop:checked=checked
                    on:change=move |ev| toggle(spec.clone(), event_target_checked(&ev))
                />
                {label}
            </label>
        }
    };
    view! {
        <Dialog title="Columns" on_close>
            <p class="muted">"Choose the params, metrics and tags to show as columns; a metric can show its last, least or greatest value."</p>
            <div class="column-picker">
                <fieldset>
                    <legend>"Metrics"</legend>
                    {move || keys.with(|k| k.metrics.clone()).into_iter().map(|key| view! {
                        <div class="column-picker__metric">
                            <span class="column-picker__key">{key.clone()}</span>
                            {check(Column::Metric(key.clone(), Stat::Last), "Last".into())}
                            {check(Column::Metric(key.clone(), Stat::Min), "Min".into())}
                            {check(Column::Metric(key.clone(), Stat::Max), "Max".into())}
                        </div>
                    }).collect_view()}
                </fieldset>
                <fieldset>
                    <legend>"Params"</legend>
                    {move || keys.with(|k| k.params.clone()).into_iter().map(|key| check(Column::Param(key.clone()), key)).collect_view()}
                </fieldset>
                <fieldset>
                    <legend>"Tags"</legend>
                    {move || keys.with(|k| k.tags.clone()).into_iter().map(|key| check(Column::Tag(key.clone()), key)).collect_view()}
                </fieldset>
            </div>
            <div class="dialog__actions">
                <button type="button" class="button button--primary" on:click=move |_| on_close.run(())>"Done"</button>
            </div>
        </Dialog>
    }
}
