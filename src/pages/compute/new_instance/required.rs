//! Step 1, "Required settings": name, location, virtual machine type and size.

use super::form::InstanceForm;
use crate::components::{ComputeNameField, TextField};
use crate::pages::compute::size_picker::{SizePicker, VmKindPicker};
use crate::store::use_store;
use leptos::prelude::*;

/// The required settings.
#[component]
pub fn RequiredStep(form: InstanceForm) -> impl IntoView {
    let store = use_store();
    let region = move || store.workspace.with(|w| w.region().display_name.to_owned());
    let region_value = RwSignal::new(region());
    view! {
        <ComputeNameField value=form.name workspace=store.workspace require_now=form.review_seen />
        <TextField label="Location" id="compute-location" value=region_value readonly=true hint="A compute instance is created in the workspace's region." />
        <VmKindPicker choice=form.vm what="compute instance" />
        <SizePicker form=form.vm />
    }
}
