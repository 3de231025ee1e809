//! A block of code (JSON or YAML) with "Copy" and "Download" buttons.

use super::icons::{Icon, IconName};
use crate::store::{copy_to_clipboard, download};
use leptos::prelude::*;

/// Shows text as code with copy and download actions.
#[component]
pub fn CodeView(
    /// What the code is, e.g. `ARM request body`; names the region and the buttons.
    #[prop(into)]
    title: String,
    /// The text.
    #[prop(into)]
    code: Signal<String>,
    /// A line shown above the code but not copied, e.g. the request's method and path.
    #[prop(into, optional)]
    caption: Signal<String>,
    /// File name for "Download".
    #[prop(into)]
    file_name: Signal<String>,
) -> impl IntoView {
    let copied = RwSignal::new(false);
    let mime = move || {
        if file_name.get().ends_with(".json") {
            "application/json"
        } else {
            "application/yaml"
        }
    };
    view! {
        <section class="code-view" aria-label=title.clone()>
            <header class="code-view__header">
                <h4>{title.clone()}</h4>
                <button
                    type="button"
                    class="button button--subtle"
                    aria-label=format!("Copy {title}")
                    on:click=move |_| {
                        copy_to_clipboard(&code.get_untracked());
                        copied.set(true);
                    }
                >
                    <Icon name=IconName::Copy />
                    {move || if copied.get() { "Copied" } else { "Copy" }}
                </button>
                <button
                    type="button"
                    class="button button--subtle"
                    aria-label=format!("Download {title}")
                    on:click=move |_| download(&file_name.get_untracked(), &code.get_untracked(), mime())
                >
                    <Icon name=IconName::Download />
                    "Download"
                </button>
            </header>
            <Show when=move || caption.with(|c| !c.is_empty())>
                <p class="code-view__caption">
                    <code>{move || caption.get()}</code>
                </p>
            </Show>
            <pre class="code-view__code" tabindex="0"><code>{move || code.get()}</code></pre>
        </section>
    }
}
