//! A radio card: one choice of a group, with a short note.

use leptos::prelude::*;

/// A radio card: a choice with its label in bold and a note under it.
pub fn radio_card(
    group: &'static str,
    checked: impl Fn() -> bool + Send + Sync + 'static,
    pick: impl Fn() + 'static,
    label: &'static str,
    note: &'static str,
) -> impl IntoView {
    view! {
        <label class="radio-card">
            <input type="radio" name=group prop:checked=checked on:change=move |_| pick() />
            <span>
                <strong>{label}</strong>
                <span class="muted">{note}</span>
            </span>
        </label>
    }
}
