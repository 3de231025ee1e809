//! A labelled text input with a hint and an error message wired to it for assistive technology.
//!
//! Written here rather than with thaw's Field + Input: those do not connect the validation
//! message to the input (`aria-invalid`, `aria-describedby`), which people using screen readers
//! and our role-based tests both rely on.

use leptos::prelude::*;

/// A text field whose error is shown under it as the value changes.
#[component]
pub fn TextField(
    /// Visible label, also the input's accessible name.
    #[prop(into)]
    label: String,
    /// Unique id of the input.
    #[prop(into)]
    id: String,
    /// The value, updated on every keystroke.
    value: RwSignal<String>,
    /// The error to show, if any.
    #[prop(into, optional)]
    error: Signal<Option<String>>,
    /// Help text under the field.
    #[prop(into, optional)]
    hint: Option<String>,
    /// Placeholder.
    #[prop(into, optional)]
    placeholder: Option<String>,
    /// Read-only display.
    #[prop(into, optional)]
    readonly: Signal<bool>,
    /// Marks the field as required.
    #[prop(optional)]
    required: bool,
    /// Use a multi-line text area.
    #[prop(optional)]
    multiline: bool,
    /// A secret (password, token): typed out of sight, never filled in by the browser.
    #[prop(optional)]
    secret: bool,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described = {
        let (error_id, hint_id, has_hint) = (error_id.clone(), hint_id.clone(), hint.is_some());
        move || {
            let mut ids = Vec::new();
            if error.with(Option::is_some) {
                ids.push(error_id.clone());
            }
            if has_hint {
                ids.push(hint_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let invalid = move || error.with(Option::is_some).then_some("true");
    let input = if multiline {
        view! {
            <textarea
                id=id.clone()
                class="field__input field__input--multiline"
                rows="3"
                placeholder=placeholder.clone()
                aria-invalid=invalid
                aria-describedby=described.clone()
                aria-required=required.then_some("true")
                readonly=move || readonly.get()
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            ></textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                id=id.clone()
                class="field__input"
                type=if secret { "password" } else { "text" }
                spellcheck="false"
                autocomplete=if secret { "new-password" } else { "off" }
                placeholder=placeholder.clone()
                aria-invalid=invalid
                aria-describedby=described
                aria-required=required.then_some("true")
                readonly=move || readonly.get()
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        }
        .into_any()
    };
    view! {
        <div class="field" class:field--invalid=move || error.with(Option::is_some)>
            <label class="field__label" for=id>
                {label}
                {required.then(|| view! { <span class="field__required" aria-hidden="true">" *"</span> })}
            </label>
            {input}
            {hint.map(|h| view! { <p class="field__hint" id=hint_id>{h}</p> })}
            <p class="field__error" id=error_id role="alert">
                {move || error.get().unwrap_or_default()}
            </p>
        </div>
    }
}
