//! The step list on the left of a wizard (the instance and cluster wizards), as a vertical
//! tablist: a click or the arrow keys move between steps, Home and End go to the ends, and a
//! step with errors says so.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The step list; the panel it controls has the id `wizard-panel` (`{prefix}-panel`).
#[component]
pub fn WizardSteps(
    /// The steps' titles, in order.
    titles: &'static [&'static str],
    /// The index of the step shown.
    #[prop(into)]
    current: Signal<usize>,
    /// Shows step `i`.
    select: Callback<usize>,
    /// Whether step `i` has errors to flag (reactive).
    has_errors: Callback<usize, bool>,
    /// What its ids start with, when it is shown over another wizard: `wizard` by default.
    #[prop(optional)]
    prefix: Option<&'static str>,
) -> impl IntoView {
    let prefix = prefix.unwrap_or("wizard");
    let last = titles.len() - 1;
    let key = move |ev: leptos::ev::KeyboardEvent, at: usize| {
        let to = match ev.key().as_str() {
            "ArrowDown" | "ArrowRight" => (at + 1).min(last),
            "ArrowUp" | "ArrowLeft" => at.saturating_sub(1),
            "Home" => 0,
            "End" => last,
            _ => return,
        };
        ev.prevent_default();
        select.run(to);
        if let Some(tab) = document().get_element_by_id(&format!("{prefix}-step-{to}")) {
            let _ = tab.unchecked_into::<web_sys::HtmlElement>().focus();
        }
    };
    view! {
        <div class="wizard__steps" role="tablist" aria-label="Steps" aria-orientation="vertical">
            {titles
                .iter()
                .enumerate()
                .map(|(i, title)| {
                    view! {
                        <button
                            type="button"
                            role="tab"
                            class="wizard__step"
                            id=format!("{prefix}-step-{i}")
                            aria-selected=move || (current.get() == i).to_string()
                            aria-controls=format!("{prefix}-panel")
                            tabindex=move || if current.get() == i { "0" } else { "-1" }
                            on:click=move |_| select.run(i)
                            on:keydown=move |ev| key(ev, i)
                        >
                            <span class="wizard__step-number" aria-hidden="true">{i + 1}</span>
                            {*title}
                            <Show when=move || has_errors.run(i)>
                                <span class="wizard__step-error">" (has errors)"</span>
                            </Show>
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}
