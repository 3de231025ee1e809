//! The runs table itself: the header (each column sorts), and only the rows and chosen columns
//! in view, between spacers that stand for the rest.

use super::runs::{Fetched, COLUMN, FIXED, OVERSCAN, PAGE};
use super::{format_cell, format_duration, status_badge};
use crate::components::format_time;
use crate::store::use_store;
use azimuth_core::jobs::table::Column;
use leptos::prelude::*;

/// The fixed columns: their sort key and header.
const FIXED_COLUMNS: [(Column, &str); 6] = [
    (Column::Name, "Display name"),
    (Column::Status, "Status"),
    (Column::Experiment, "Experiment"),
    (Column::Created, "Created on"),
    (Column::Duration, "Duration"),
    (Column::CreatedBy, "Created by"),
];

/// The rows drawn for a viewport scrolled to `top` and `height` tall, rows being `row` pixels
/// high: (first, past the last), with [`OVERSCAN`] more on each side.
pub fn rows_in_view(top: f64, height: f64, row: f64) -> (usize, usize) {
    let row = row.max(1.0);
    let first = ((top / row) as usize).saturating_sub(OVERSCAN);
    (first, first + (height / row).ceil() as usize + 2 * OVERSCAN)
}

/// The table itself: the header, and the rows in view between two spacers.
#[component]
pub fn RunsTable(
    chosen: Memo<Vec<Column>>,
    fetched: RwSignal<Fetched>,
    generation: RwSignal<u64>,
    total: RwSignal<Option<usize>>,
    scroll: RwSignal<(f64, f64)>,
    viewport: RwSignal<(f64, f64)>,
    sort: RwSignal<String>,
    desc: RwSignal<bool>,
    /// The jobs selected to compare: (id, name), in the order they were chosen.
    selected: RwSignal<Vec<(String, String)>>,
    /// A row's height as drawn (measured: fonts and zoom change it), which the spacers and the
    /// rows in view are counted in.
    row: RwSignal<f64>,
) -> impl IntoView {
    let store = use_store();
    let body = NodeRef::<leptos::html::Tbody>::new();
    // Once rows are drawn, their real height replaces the assumed one (a pixel off per row is
    // twenty-five rows off at the end of 1,200).
    Effect::new(move |_| {
        fetched.track();
        let Some(tbody) = body.get() else { return };
        if let Ok(Some(first)) = tbody.query_selector("tr[aria-rowindex]") {
            let height = first.get_bounding_client_rect().height();
            if height > 0.0 && (height - row.get_untracked()).abs() > 0.01 {
                row.set(height);
            }
        }
    });
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
        let (first, last) = rows_in_view(scroll.get().0, viewport.get().0, row.get());
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
                                <td colspan="9">"Loading…"</td>
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
                    let (id, name) = (r.id.clone(), r.name.clone());
                    let checked = {
                        let id = id.clone();
                        move || selected.with(|s| s.iter().any(|(i, _)| *i == id))
                    };
                    let toggle = move |ev: leptos::ev::Event| {
                        let on = event_target_checked(&ev);
                        selected.update(|s| {
                            s.retain(|(i, _)| *i != id);
                            if on {
                                s.push((id.clone(), name.clone()));
                            }
                        });
                    };
                    view! {
                        <tr aria-rowindex=i + 2 class=if stale { "row--muted" } else { "" }>
                            <td class="runs-table__select"><input type="checkbox" aria-label=format!("Select {}", r.name) prop:checked=checked on:change=toggle /></td>
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
    let top_space =
        move || rows_in_view(scroll.get().0, viewport.get().0, row.get()).0 as f64 * row.get();
    let bottom_space = move || {
        let t = total.get().unwrap_or(0);
        let last = rows_in_view(scroll.get().0, viewport.get().0, row.get())
            .1
            .min(t);
        t.saturating_sub(last) as f64 * row.get()
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
                    <th scope="col" class="runs-table__select"><span class="visually-hidden">"Select"</span></th>
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
            <tbody node_ref=body>
                <tr class="runs-table__space" aria-hidden="true" style:height=move || format!("{}px", top_space())></tr>
                {rows}
                <tr class="runs-table__space" aria-hidden="true" style:height=move || format!("{}px", bottom_space())></tr>
            </tbody>
        </table>
    }
}
