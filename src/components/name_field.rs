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
) -> impl IntoView {
    // Nothing typed yet is not an error to shout about; Review + Create still lists it.
    let error = Signal::derive(move || {
        let name = value.get();
        if name.is_empty() {
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
            hint="3 to 24 letters, digits and hyphens, starting with a letter; unique among computes in the region."
        />
    }
}
