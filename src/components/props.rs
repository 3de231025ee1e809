//! A resource's properties as a list of label and value lines (`<dl class="props">`).

use leptos::prelude::*;

/// One property line; an empty value shows as a dash.
pub fn prop(label: &'static str, value: String) -> impl IntoView {
    view! {
        <div class="props__row">
            <dt>{label}</dt>
            <dd>{if value.is_empty() { "—".to_owned() } else { value }}</dd>
        </div>
    }
}

/// One property line whose value is a view (a link, code).
pub fn prop_view(label: &'static str, value: impl IntoView) -> impl IntoView {
    view! {
        <div class="props__row">
            <dt>{label}</dt>
            <dd>{value}</dd>
        </div>
    }
}
