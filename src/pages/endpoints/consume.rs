//! An endpoint's Consume tab: its REST endpoint and Swagger URI, how callers sign in (the
//! primary and secondary keys, fetched with `listKeys` only when "Show" or "Copy" asks, each
//! with Regenerate; or an AMLToken endpoint's token), and code that calls it (`snippets.rs`)
//! with the real address and the key once shown. A workspace kept in the browser has no REST
//! endpoint, and the tab says so instead of offering code.

use super::endpoint::Shown;
use super::sample::use_sample;
use super::snippets::{snippet, Call, LANGUAGES};
use crate::components::{Appearance, Button, CodeView, Dialog, Icon, IconName};
use crate::store::{copy_to_clipboard, use_store};
use azimuth_core::endpoints::EndpointKeys;
use azimuth_core::workspace::roles::Action;
use leptos::prelude::*;

/// The credential a snippet shows before the key or token is.
const PLACEHOLDER: &str = "<your-api-key>";

/// The Consume tab.
#[component]
pub fn ConsumeTab(
    /// The endpoint shown.
    shown: Shown,
) -> impl IntoView {
    let store = use_store();
    let props = Memo::new(move |_| {
        shown
            .endpoint
            .with(|e| e.as_ref().map(|e| e.properties.clone()).unwrap_or_default())
    });
    let token_mode = move || store.is_shared() && props.with(|p| p.auth_mode == "AMLToken");
    // The key (or token) a snippet shows, once the person has shown it.
    let credential = RwSignal::new(None::<String>);
    let address = move |label: &'static str, uri: Option<String>| {
        let uri = uri.unwrap_or_default();
        let copied = uri.clone();
        view! {
            <div class="props__row">
                <dt>{label}</dt>
                <dd class="endpoint-secret">
                    <code class="endpoint-uri">{uri}</code>
                    <button type="button" class="button button--subtle" aria-label=format!("Copy {label}") on:click=move |_| copy_to_clipboard(&copied)>
                        <Icon name=IconName::Copy />
                    </button>
                </dd>
            </div>
        }
    };
    view! {
        <Show when=move || store.is_shared() fallback=|| view! {
            <div class="message-bar message-bar--info" role="note">
                "There is no REST endpoint without azimuth-server: a workspace kept in this browser cannot be called over HTTP, so there is no code to call it with. Use the Test tab, which scores in the page, or serve the workspace with azimuth-server."
            </div>
        }>
            <section class="card" aria-labelledby="consume-basics">
                <h2 id="consume-basics">"Basic consumption info"</h2>
                <dl class="props props--review">
                    {move || address("REST endpoint", props.with(|p| p.scoring_uri.clone()))}
                    {move || address("Swagger URI", props.with(|p| p.swagger_uri.clone()))}
                </dl>
            </section>
        </Show>
        <section class="card" aria-labelledby="consume-auth">
            <h2 id="consume-auth">"Authentication"</h2>
            <Show when=token_mode fallback=move || view! { <Keys shown credential /> }>
                <Token shown credential />
            </Show>
        </section>
        <Show when=move || store.is_shared()>
            <Snippets shown credential />
        </Show>
    }
}

/// The primary and secondary keys, hidden until shown.
#[component]
fn Keys(shown: Shown, credential: RwSignal<Option<String>>) -> impl IntoView {
    let store = use_store();
    let keys = RwSignal::new(None::<Result<EndpointKeys, String>>);
    let regenerating = RwSignal::new(None::<&'static str>);
    let fetch = move |then: Box<dyn FnOnce(&EndpointKeys)>| {
        if let Some(Ok(k)) = keys.get_untracked() {
            then(&k);
            return;
        }
        leptos::task::spawn_local(async move {
            let got = store
                .endpoint_keys(&shown.name.get_value())
                .await
                .map_err(|e| e.message().to_owned());
            if let Ok(k) = &got {
                then(k);
            }
            let _ = keys.try_set(Some(got));
        });
    };
    let row = move |kind: &'static str| {
        let visible = RwSignal::new(false);
        let pick = move |k: &EndpointKeys| match kind {
            "Primary" => k.primary_key.clone(),
            _ => k.secondary_key.clone(),
        };
        let text = move || match (visible.get(), keys.get()) {
            (true, Some(Ok(k))) => pick(&k),
            _ => "•".repeat(32),
        };
        let toggle = move |_| {
            if visible.get_untracked() {
                visible.set(false);
                return;
            }
            fetch(Box::new(move |k| {
                visible.set(true);
                if kind == "Primary" {
                    credential.set(Some(pick(k)));
                }
            }));
        };
        let copy = move |_| fetch(Box::new(move |k| copy_to_clipboard(&pick(k))));
        let label = format!("{kind} key");
        view! {
            <div class="props__row">
                <dt>{label.clone()}</dt>
                <dd class="endpoint-secret">
                    <code class="endpoint-secret__value" aria-label=label.clone()>{text}</code>
                    <Button appearance=Appearance::Subtle on_click=toggle>{move || if visible.get() { "Hide" } else { "Show" }}</Button>
                    <Button appearance=Appearance::Subtle on_click=copy><Icon name=IconName::Copy />"Copy"</Button>
                    <Button appearance=Appearance::Subtle blocked=Signal::derive(move || store.refusal(Action::ListEndpointKeys)) on_click=move |_| regenerating.set(Some(kind))>
                        <Icon name=IconName::Refresh />"Regenerate"
                    </Button>
                </dd>
            </div>
        }
    };
    let regenerate = move |kind: &'static str| {
        leptos::task::spawn_local(async move {
            let name = shown.name.get_value();
            if store.regenerate_endpoint_key(&name, kind).await.is_ok() {
                let got = store
                    .endpoint_keys(&name)
                    .await
                    .map_err(|e| e.message().to_owned());
                if kind == "Primary" && credential.get_untracked().is_some() {
                    credential.set(got.as_ref().ok().map(|k| k.primary_key.clone()));
                }
                let _ = keys.try_set(Some(got));
            }
            let _ = regenerating.try_set(None);
        });
    };
    view! {
        <p class="muted">"Callers send one of these keys as Authorization: Bearer <key>. Keep them secret; regenerating one ends it at once."</p>
        <dl class="props props--review">
            {row("Primary")}
            {row("Secondary")}
        </dl>
        {move || keys.get().and_then(Result::err).map(|e| view! { <div class="message-bar message-bar--error" role="alert">{e}</div> })}
        {move || regenerating.get().map(|kind| {
            let close = Callback::new(move |_| regenerating.set(None));
            view! {
                <Dialog title=format!("Regenerate the {} key?", kind.to_lowercase()) alert=true on_close=close>
                    <p>"Callers still sending the old key are refused from then on."</p>
                    <div class="dialog__actions">
                        <Button appearance=Appearance::Primary on_click=move |_| regenerate(kind)>"Regenerate"</Button>
                        <Button on_click=move |_| close.run(())>"Cancel"</Button>
                    </div>
                </Dialog>
            }
        })}
    }
}

/// An AMLToken endpoint's token, asked for on demand.
#[component]
fn Token(shown: Shown, credential: RwSignal<Option<String>>) -> impl IntoView {
    let store = use_store();
    let failure = RwSignal::new(None::<String>);
    let get = move |_| {
        leptos::task::spawn_local(async move {
            match store.endpoint_credential(&shown.name.get_value()).await {
                Ok(token) => credential.set(Some(token)),
                Err(e) => failure.set(Some(e.message().to_owned())),
            }
        });
    };
    view! {
        <p class="muted">"Callers send a token from the endpoint's token action as Authorization: Bearer <token>. A token lasts an hour; regenerating the primary key ends every token."</p>
        <dl class="props props--review">
            <div class="props__row">
                <dt>"Token"</dt>
                <dd class="endpoint-secret">
                    <code class="endpoint-secret__value" aria-label="Token">{move || credential.get().unwrap_or_else(|| "•".repeat(32))}</code>
                    <Button appearance=Appearance::Subtle on_click=get>"Get token"</Button>
                    <Button appearance=Appearance::Subtle disabled=Signal::derive(move || credential.with(Option::is_none)) on_click=move |_| copy_to_clipboard(&credential.get_untracked().unwrap_or_default())>
                        <Icon name=IconName::Copy />"Copy"
                    </Button>
                </dd>
            </div>
        </dl>
        {move || failure.get().map(|e| view! { <div class="message-bar message-bar--error" role="alert">{e}</div> })}
    }
}

/// Code that calls the endpoint, in the language chosen.
#[component]
fn Snippets(shown: Shown, credential: RwSignal<Option<String>>) -> impl IntoView {
    let language = RwSignal::new(LANGUAGES[0].0);
    let model = Signal::derive(move || {
        let busiest = shown.busiest()?;
        shown.deployments.with(|all| {
            all.iter()
                .find(|d| d.name == busiest)
                .map(|d| d.properties.model.clone())
        })
    });
    let sample = use_sample(model);
    let code = Signal::derive(move || {
        let uri = shown
            .endpoint
            .with(|e| e.as_ref().and_then(|e| e.properties.scoring_uri.clone()))
            .unwrap_or_default();
        let body = match sample.get() {
            Some(Ok(body)) => body,
            _ => "{\"input_data\": {\"columns\": [], \"index\": [], \"data\": []}}".to_owned(),
        };
        let key = credential.get().unwrap_or_else(|| PLACEHOLDER.to_owned());
        snippet(
            language.get(),
            &Call {
                uri: &uri,
                credential: &key,
                body: &body,
            },
        )
    });
    let file = Signal::derive(move || {
        let lang = language.get();
        LANGUAGES
            .iter()
            .find(|(l, _)| *l == lang)
            .map(|(_, f)| (*f).to_owned())
            .unwrap_or_default()
    });
    let choice = move |(lang, _): (&'static str, &'static str)| {
        view! {
            <label class="radio-inline">
                <input type="radio" name="snippet-language" prop:checked=move || language.get() == lang on:change=move |_| language.set(lang) />
                {lang}
            </label>
        }
    };
    view! {
        <section class="card" aria-labelledby="consume-code">
            <h2 id="consume-code">"Consumption code"</h2>
            <fieldset class="radio-group radio-group--row">
                <legend>"Language"</legend>
                {LANGUAGES.map(choice)}
            </fieldset>
            <p class="muted">{move || match credential.get() {
                Some(_) => "The code holds the key shown above: keep it out of source control.",
                None => "Select \"Show\" (or \"Get token\") above to put the real key in the code; until then it holds a placeholder.",
            }}</p>
            {move || view! { <CodeView title=language.get() code file_name=file /> }}
        </section>
    }
}
