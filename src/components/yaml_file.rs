//! The "File" card of a Create from YAML page: a `.yml` file uploaded, or the text pasted; a
//! file that is not text is refused with a notice rather than pasted in ([`file_text`], which
//! other pages that read a YAML file use too).

use crate::store::use_store;
use leptos::prelude::*;

/// The text of a file picked, or (a picture or another binary file) that it is not text.
pub async fn file_text(file: &web_sys::File) -> Result<String, String> {
    let content = wasm_bindgen_futures::JsFuture::from(file.text()).await;
    let content = content.ok().and_then(|c| c.as_string()).unwrap_or_default();
    match content.contains('\0') || content.contains('\u{fffd}') {
        true => Err(format!("{} is not a text file.", file.name())),
        false => Ok(content),
    }
}

/// The upload and the text area, both filling `text`; `placeholder` shows an example file.
#[component]
pub fn YamlFile(text: RwSignal<String>, placeholder: &'static str) -> impl IntoView {
    let store = use_store();
    let upload = move |ev: leptos::ev::Event| {
        let input = event_target::<web_sys::HtmlInputElement>(&ev);
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        leptos::task::spawn_local(async move {
            match file_text(&file).await {
                Ok(content) => text.set(content),
                Err(why) => store.notify(true, "Not a YAML file", why),
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="import-file">
            <h2 id="import-file">"File"</h2>
            <div class="field">
                <label class="field__label" for="import-upload">"Upload a .yml file"</label>
                <input id="import-upload" type="file" accept=".yml,.yaml,text/yaml,application/yaml" on:change=upload />
            </div>
            <div class="field">
                <label class="field__label" for="import-text">"Or paste it here"</label>
                <textarea
                    id="import-text"
                    class="field__input field__input--multiline field__input--code"
                    rows="14"
                    spellcheck="false"
                    placeholder=placeholder
                    prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))
                ></textarea>
            </div>
        </section>
    }
}

/// What a file will create, as (label, value) lines, or why it cannot be used.
pub type FileSummary = Result<Vec<(&'static str, String)>, String>;

/// What a Create from YAML page shows under its file: why the file cannot be used, or what it
/// will create; then Create and Cancel, and the question before discarding the file.
#[component]
pub fn ImportSummary(
    /// What the file creates (label, value), or why it cannot; `None` before there is a file.
    summary: Signal<Option<FileSummary>>,
    /// Why Create cannot be used now, if it cannot.
    blocked: Signal<Option<String>>,
    /// Whether the request is under way.
    sending: RwSignal<bool>,
    /// Sends the file's request.
    on_create: Callback<()>,
    /// The page's guarded close.
    guard: super::GuardedClose,
    /// The Create button's label.
    #[prop(default = "Create")]
    create_label: &'static str,
) -> impl IntoView {
    use super::{prop, Appearance, Button, DiscardPrompt};
    view! {
        {move || match summary.get() {
            None => ().into_any(),
            Some(Err(why)) => view! {
                <div class="message-bar message-bar--error" role="alert">{why}</div>
            }.into_any(),
            Some(Ok(lines)) => view! {
                <section class="card" aria-labelledby="import-preview">
                    <h2 id="import-preview">"What it will create"</h2>
                    <dl class="props">
                        {lines.into_iter().map(|(label, value)| prop(label, value)).collect_view()}
                    </dl>
                </section>
            }.into_any(),
        }}
        <div class="toolbar">
            <Button appearance=Appearance::Primary blocked disabled=sending on_click=move |_| on_create.run(())>{create_label}</Button>
            <Button on_click=move |_| guard.request.run(())>"Cancel"</Button>
        </div>
        <DiscardPrompt guard title="Discard the YAML?" />
    }
}
