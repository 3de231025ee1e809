//! "Compute name": validated as you type with Azure's rules and uniqueness in the region.

use super::TextField;
use azimuth_core::Workspace;
use leptos::prelude::*;

/// The compute name field; its error comes from the engine's rules against `workspace`.
#[component]
pub fn ComputeNameField(
    /// The name as typed.
    value: RwSignal<String>,
    /// The workspace the name must be unique in.
    #[prop(into)]
    workspace: Signal<Workspace>,
    /// Whether to say so when the name is still empty (not while the person is just starting:
    /// a message appearing on blur would shift the form under their pointer).
    #[prop(into, optional)]
    require_now: Signal<bool>,
) -> impl IntoView {
    let error = Signal::derive(move || {
        let name = value.get();
        if name.is_empty() && !require_now.get() {
            return None;
        }
        workspace.with(|w| w.check_new_name(&name).err().map(|e| e.to_string()))
    });
    view! {
        <TextField
            label="Compute name"
            id="compute-name"
            value
            error
            required=true
            hint="3 to 24 letters, digits and hyphens; starts with a letter; after the last hyphen there must be a letter (ci-lab-1 is refused, ci-lab-a1 is fine); unique among computes in the region."
        />
    }
}
