//! The "File" card of a Create from YAML page: a `.yml` file uploaded, or the text pasted; a
//! file that is not text is refused with a notice rather than pasted in.

use crate::store::use_store;
use leptos::prelude::*;

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
            let content = wasm_bindgen_futures::JsFuture::from(file.text()).await;
            let content = content.ok().and_then(|c| c.as_string()).unwrap_or_default();
            // A picture or another binary file is not pasted in as text.
            if content.contains('\0') || content.contains('\u{fffd}') {
                store.notify(
                    true,
                    "Not a YAML file",
                    format!("{} is not a text file.", file.name()),
                );
            } else {
                text.set(content);
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
