//! The state of a compute shown as an icon and its name, coloured by what it means.

use super::icons::{Icon, IconName};
use leptos::prelude::*;

/// How a state looks: its tone (for colour) and whether it is in transition.
pub fn state_tone(state: &str) -> &'static str {
    match state {
        "Running" | "JobRunning" | "Steady" | "Succeeded" => "success",
        "Stopped" => "neutral",
        "Creating" | "Starting" | "Stopping" | "Restarting" | "Deleting" | "SettingUp"
        | "UserSettingUp" | "Resizing" | "Updating" | "Scaling" => "busy",
        "CreateFailed" | "SetupFailed" | "UserSetupFailed" | "Unusable" | "Failed" => "danger",
        _ => "neutral",
    }
}

/// A compute state with its icon; transitional states show a spinner.
#[component]
pub fn StateBadge(
    /// ARM state string, e.g. `Running`.
    #[prop(into)]
    state: Signal<String>,
) -> impl IntoView {
    let tone = move || state.with(|s| state_tone(s));
    let icon = move || match tone() {
        "success" => view! { <Icon name=IconName::Success /> }.into_any(),
        "danger" => view! { <Icon name=IconName::Error /> }.into_any(),
        "busy" => view! { <span class="spinner" aria-hidden="true"></span> }.into_any(),
        _ => view! { <Icon name=IconName::Stopped /> }.into_any(),
    };
    view! {
        <span class=move || format!("state-badge state-badge--{}", tone()) data-state=move || state.get()>
            {icon}
            <span class="state-badge__text">{move || state.get()}</span>
        </span>
    }
}
