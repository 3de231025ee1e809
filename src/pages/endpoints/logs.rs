//! An endpoint's Logs tab: a deployment's log (its last 200 lines, `getLogs`: the model
//! loaded, each request's rows, status and time), read again with Refresh. In a workspace kept
//! in the browser these are the page's own lines, from the Test tab's requests.

use super::endpoint::Shown;
use crate::components::{Appearance, Button, Icon, IconName};
use crate::store::use_store;
use leptos::prelude::*;

/// Lines asked for.
const TAIL: u32 = 200;

/// The Logs tab.
#[component]
pub fn LogsTab(
    /// The endpoint shown.
    shown: Shown,
) -> impl IntoView {
    let store = use_store();
    let picked = RwSignal::new(untrack(|| shown.busiest()).unwrap_or_default());
    let log = RwSignal::new(None::<Result<String, String>>);
    let read = move || {
        let (endpoint, name) = (shown.name.get_value(), picked.get_untracked());
        if name.is_empty() {
            return;
        }
        leptos::task::spawn_local(async move {
            let got = store.deployment_logs(&endpoint, &name, TAIL).await;
            let _ = log.try_set(Some(got.map_err(|e| e.message().to_owned())));
        });
    };
    Effect::new(move |_| {
        picked.track();
        log.set(None);
        read();
    });
    let options = move || {
        shown
            .deployments
            .get()
            .into_iter()
            .map(|d| {
                let name = d.name.clone();
                // Drawn anew as states change: each option says whether it is the one chosen.
                let chosen = move || picked.with(|p| *p == name);
                view! { <option value=d.name.clone() prop:selected=chosen>{d.name.clone()}</option> }
            })
            .collect_view()
    };
    let intro = move || {
        match store.is_shared() {
        true => "The deployment's log on azimuth-server: the model loaded, and each request's rows, status and time (the last 200 lines).",
        false => "This page's own lines: a workspace kept in the browser has no server, so these are the requests the Test tab scored in this page since it was opened.",
    }
    };
    view! {
        <p class="muted">{intro}</p>
        <div class="toolbar endpoint-logs__bar">
            <div class="field field--inline">
                <label class="field__label" for="logs-deployment">"Deployment"</label>
                <select id="logs-deployment" class="field__input" prop:value=move || picked.get() on:change=move |ev| picked.set(event_target_value(&ev))>
                    {options}
                </select>
            </div>
            <Button appearance=Appearance::Subtle on_click=move |_| read()>
                <Icon name=IconName::Refresh />
                "Refresh log"
            </Button>
        </div>
        {move || match log.get() {
            None if picked.with(String::is_empty) => view! { <p class="muted">"No deployment yet."</p> }.into_any(),
            None => view! { <p class="muted">"Reading the log…"</p> }.into_any(),
            Some(Err(e)) => view! { <div class="message-bar message-bar--error" role="alert">{e}</div> }.into_any(),
            Some(Ok(text)) if text.is_empty() => view! { <p class="muted">"No lines yet: the log starts with the deployment's first request."</p> }.into_any(),
            Some(Ok(text)) => view! { <pre class="code-view__code endpoint-logs" tabindex="0" aria-label="Deployment log"><code>{text}</code></pre> }.into_any(),
        }}
    }
}
