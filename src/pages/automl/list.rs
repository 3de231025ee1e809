//! `/automl`: Automated ML, the workspace's AutoML jobs (newest first, live) and "+ New
//! Automated ML job".

use crate::components::{format_time, Appearance, Button, Icon, IconName};
use crate::pages::jobs::{cell_or_blank, format_duration, live_rows, status_badge};
use crate::router::href;
use crate::store::{use_store, TableRequest};
use azimuth_core::jobs::run::RUN_SOURCE_TAG;
use azimuth_core::jobs::table::MAX_PAGE;
use azimuth_core::workspace::roles::Action;
use leptos::prelude::*;

/// The Automated ML page.
#[component]
pub fn AutomlPage() -> impl IntoView {
    let store = use_store();
    let rows = live_rows(|| TableRequest {
        filter: format!("tags.\"{RUN_SOURCE_TAG}\" = 'automl'"),
        sort: "created".into(),
        desc: true,
        columns: vec!["experiment".into(), "tag:azureml.run_algorithm".into()],
        limit: MAX_PAGE,
        ..TableRequest::default()
    });
    let now = store.now();
    view! {
        <header class="page-header"><h1>"Automated ML"</h1></header>
        <p class="muted tab-intro">{if store.is_shared() {
            "Pick a Table data asset and the column to predict: the server trains real classifiers on it, validates each honestly, ranks them and keeps the best as the job's model."
        } else {
            "Pick a Table data asset and the column to predict: this tab trains real classifiers on it in a Web Worker (keep the tab open while it trains), validates each honestly, ranks them and keeps the best as the job's model."
        }}</p>
        <div class="toolbar" role="toolbar" aria-label="Automated ML actions">
            <Button appearance=Appearance::Primary blocked=Signal::derive(move || store.refusal(Action::WriteJobs)) on_click=move |_| crate::router::leave_to("/automl/create")>
                <Icon name=IconName::Add />
                "New Automated ML job"
            </Button>
        </div>
        {move || match rows.get() {
            None => view! { <p class="muted">"Loading…"</p> }.into_any(),
            Some(Err(e)) => view! { <p class="form-error" role="alert">{e}</p> }.into_any(),
            Some(Ok(rows)) if rows.is_empty() => view! { <p class="table-empty">"No Automated ML job yet."</p> }.into_any(),
            Some(Ok(rows)) => view! {
                <table class="data-table" aria-label="Automated ML jobs">
                    <thead><tr>
                        <th scope="col">"Display name"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Experiment"</th>
                        <th scope="col">"Best model"</th>
                        <th scope="col">"Created on"</th>
                        <th scope="col">"Duration"</th>
                        <th scope="col">"Created by"</th>
                    </tr></thead>
                    <tbody>
                        {rows.into_iter().map(|r| {
                            let duration = r.end_time.unwrap_or(now) - r.start_time;
                            view! {
                                <tr>
                                    <th scope="row"><a href=href(&format!("/jobs/runs/{}", r.id))>{r.name}</a></th>
                                    <td>{status_badge(r.status)}</td>
                                    <td>{cell_or_blank(r.values.first())}</td>
                                    <td>{cell_or_blank(r.values.get(1))}</td>
                                    <td>{format_time(r.start_time)}</td>
                                    <td>{format_duration(duration)}</td>
                                    <td>{r.user}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any(),
        }}
    }
}
