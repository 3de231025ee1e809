//! An endpoint's Test tab: a JSON box prefilled from the deployment's model (`sample.rs`), a
//! deployment to send it to, and "Test", which shows the answer, its status, the deployment
//! that answered and how long it took. On azimuth-server the request goes to the endpoint's
//! scoring address with its key (or token), fetched when needed; in a workspace kept in the
//! browser the page scores it with the engine, and says so.

use super::endpoint::Shown;
use super::sample::use_sample;
use crate::components::{Appearance, Button};
use crate::store::{use_store, Scored};
use leptos::prelude::*;

/// Pretty JSON of a body that is JSON, else the body as it came.
fn pretty(body: &str) -> String {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| body.to_owned())
}

/// The Test tab.
#[component]
pub fn TestTab(
    /// The endpoint shown.
    shown: Shown,
) -> impl IntoView {
    let store = use_store();
    let picked = RwSignal::new(untrack(|| shown.busiest()).unwrap_or_default());
    let input = RwSignal::new(String::new());
    let edited = RwSignal::new(false);
    let testing = RwSignal::new(false);
    let result = RwSignal::new(None::<Result<Scored, String>>);
    let model = Signal::derive(move || {
        let name = picked.get();
        shown.deployments.with(|all| {
            all.iter()
                .find(|d| d.name == name)
                .map(|d| d.properties.model.clone())
        })
    });
    let sample = use_sample(model);
    // The box follows the model chosen until it is typed in.
    Effect::new(move |_| {
        if let Some(Ok(text)) = sample.get() {
            if !edited.get_untracked() {
                input.set(text);
            }
        }
    });
    let test = move |_| {
        testing.set(true);
        result.set(None);
        let (name, deployment, body) = (
            shown.name.get_value(),
            picked.get_untracked(),
            input.get_untracked(),
        );
        leptos::task::spawn_local(async move {
            let to = (!deployment.is_empty()).then_some(deployment.as_str());
            let scored = store.score(&name, to, body).await;
            testing.set(false);
            let _ = result.try_set(Some(scored.map_err(|e| e.message().to_owned())));
        });
    };
    let options = move || {
        shown
            .deployments
            .get()
            .into_iter()
            .map(|d| {
                let label = format!(
                    "{} ({})",
                    d.name,
                    d.properties.provisioning_state.clone().unwrap_or_default()
                );
                let name = d.name.clone();
                // Drawn anew as states change: each option says whether it is the one chosen.
                let chosen = move || picked.with(|p| *p == name);
                view! { <option value=d.name.clone() prop:selected=chosen>{label}</option> }
            })
            .collect_view()
    };
    let note = move || {
        (!store.is_shared()).then(|| view! {
            <div class="message-bar message-bar--info" role="note">
                "Scored in this browser: there is no REST endpoint without azimuth-server. The page reads the deployment's model from this browser's files and scores the request with the same engine the server uses."
            </div>
        })
    };
    let sample_note = move || match sample.get() {
        Some(Err(e)) => Some(
            view! { <p class="muted" role="status">{format!("The request could not be prefilled: {e}")}</p> },
        ),
        _ => None,
    };
    view! {
        {note}
        <div class="endpoint-test">
            <section class="card endpoint-test__input" aria-labelledby="test-input">
                <h2 id="test-input">"Input data to test the endpoint"</h2>
                <div class="field">
                    <label class="field__label" for="test-deployment">"Deployment"</label>
                    <select id="test-deployment" class="field__input" prop:value=move || picked.get() on:change=move |ev| picked.set(event_target_value(&ev))>
                        <option value="" prop:selected=move || picked.with(String::is_empty)>"Split by traffic"</option>
                        {options}
                    </select>
                    <p class="field__hint">"Sent as the azureml-model-deployment header, which skips the traffic split."</p>
                </div>
                {sample_note}
                <div class="field field--wide">
                    <label class="field__label" for="test-body">"Request (JSON)"</label>
                    <textarea id="test-body" class="field__input field__input--multiline endpoint-test__box" rows="14" spellcheck="false" wrap="off"
                        placeholder=move || if sample.with(Option::is_none) { "Reading the model's signature…" } else { "" }
                        prop:value=move || input.get()
                        on:input=move |ev| { edited.set(true); input.set(event_target_value(&ev)); }></textarea>
                </div>
                <div class="toolbar">
                    <Button appearance=Appearance::Primary disabled=testing on_click=test>"Test"</Button>
                    <Show when=move || testing.get()><span class="muted" role="status">"Sending…"</span></Show>
                </div>
            </section>
            <section class="card endpoint-test__output" aria-labelledby="test-result">
                <h2 id="test-result">"Test result"</h2>
                {move || match result.get() {
                    None => view! { <p class="muted">"The endpoint's answer appears here."</p> }.into_any(),
                    Some(Err(e)) => view! { <div class="message-bar message-bar--error" role="alert">{e}</div> }.into_any(),
                    Some(Ok(s)) => answer(s).into_any(),
                }}
            </section>
        </div>
    }
}

/// Milliseconds to show: tenths below 10.
fn millis(ms: f64) -> String {
    match ms.max(0.0) {
        ms if ms < 10.0 => format!("{ms:.1}"),
        ms => format!("{ms:.0}"),
    }
}

/// An answer: its status, time and deployment, then its body.
fn answer(s: Scored) -> impl IntoView {
    let a = s.answer;
    let ok = (200..300).contains(&a.status);
    let status = match a.status_text.is_empty() {
        true => a.status.to_string(),
        false => format!("{} {}", a.status, a.status_text),
    };
    let how = if s.here {
        " (scored in this browser)"
    } else {
        ""
    };
    view! {
        <dl class="props props--review">
            <div class="props__row"><dt>"Status"</dt><dd class:endpoint-test__bad=!ok>{status}</dd></div>
            <div class="props__row"><dt>"Time"</dt><dd>{format!("{} ms{how}", millis(s.millis))}</dd></div>
            <div class="props__row"><dt>"Deployment"</dt><dd>{a.deployment.unwrap_or_else(|| "—".into())}</dd></div>
        </dl>
        <pre class="code-view__code endpoint-test__answer" tabindex="0" aria-label="Response body"><code>{pretty(&a.body)}</code></pre>
    }
}
