//! Step 1, "Required settings": name, location, virtual machine type and size.

use super::form::{InstanceForm, SizeSource};
use super::size_picker::SizePicker;
use crate::components::{ComputeNameField, TextField};
use crate::store::use_store;
use azimuth_core::catalogue::{recommended_sizes, VmKind};
use leptos::prelude::*;

/// The required settings.
#[component]
pub fn RequiredStep(form: InstanceForm) -> impl IntoView {
    let store = use_store();
    let region = move || {
        store
            .workspace
            .with(|w| format!("{} ({})", w.region().display_name, w.region().name))
    };
    let region_value = RwSignal::new(region());
    let set_kind = move |kind: VmKind| {
        form.kind.set(kind);
        form.size_source.set(SizeSource::Recommended);
        form.size.set(recommended_sizes(kind)[0].to_owned());
    };
    let kind_radio = move |kind: VmKind, label: &'static str, note: &'static str| {
        view! {
            <label class="radio-card">
                <input type="radio" name="vm-kind" prop:checked=move || form.kind.get() == kind on:change=move |_| set_kind(kind) />
                <span>
                    <strong>{label}</strong>
                    <span class="muted">{note}</span>
                </span>
            </label>
        }
    };
    view! {
        <ComputeNameField value=form.name workspace=store.workspace require_now=form.review_seen />
        <TextField label="Location" id="compute-location" value=region_value readonly=true hint="A compute instance is created in the workspace's region." />
        <fieldset class="radio-group radio-group--row">
            <legend>"Virtual machine type"</legend>
            {kind_radio(VmKind::Cpu, "CPU", "General purpose and memory optimized")}
            {kind_radio(VmKind::Gpu, "GPU", "NVIDIA GPUs for deep learning")}
        </fieldset>
        <p class="muted">"The virtual machine type cannot be changed after the compute instance is created."</p>
        <SizePicker form />
    }
}
