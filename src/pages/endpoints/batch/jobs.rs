//! A batch endpoint's Jobs tab: the jobs it started, newest first (the server's
//! `.../batchEndpoints/{name}/jobs`, or this browser's), each linking to its job's page.

use super::page::ShownBatch;
use crate::components::{format_iso_time, Appearance, Button, Icon, IconName, StateBadge};
use crate::store::use_store;
use leptos::prelude::*;

/// The Jobs tab.
#[component]
pub fn JobsTab(
    /// The endpoint shown.
    shown: ShownBatch,
) -> impl IntoView {
    let store = use_store();
    let again = RwSignal::new(0u32);
    let jobs = LocalResource::new(move || {
        again.track();
        async move { store.batch_endpoint_jobs(&shown.name.get_value()).await }
    });
    let rows = move || {
        let answer = jobs.get()?;
        Some(match answer {
            Err(e) => view! { <div class="message-bar message-bar--error" role="alert">{e.message().to_owned()}</div> }.into_any(),
            Ok(list) if list.is_empty() => view! {
                <tr><td colspan="4" class="muted">"No jobs yet. Select \"Create job\" to score a data asset with this endpoint."</td></tr>
            }.into_any(),
            Ok(list) => list.into_iter().map(|j| view! {
                <tr>
                    <td class="data-table__name"><a href=crate::router::href(&format!("/jobs/runs/{}", j.name))>{j.name.clone()}</a></td>
                    <td><StateBadge state=Signal::stored(j.status) /></td>
                    <td class="data-table__number">{format_iso_time(&j.created_at)}</td>
                    <td>{j.deployment}</td>
                </tr>
            }).collect_view().into_any(),
        })
    };
    view! {
            <div class="toolbar" role="toolbar" aria-label="Job list actions">
                <Button appearance=Appearance::Subtle on_click=move |_| again.update(|n| *n += 1)>
                    <Icon name=IconName::Refresh />
                    "Refresh jobs"
                </Button>
            </div>
            <div class="table-wrap">
                <table class="data-table" aria-label="Batch jobs">
                    <thead><tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Created on"</th>
                        <th scope="col">"Deployment"</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
    }
}
