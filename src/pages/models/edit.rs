//! The model page's dialogs: Edit (what may change of a version: its description, stage and
//! tags) and Delete (a version, or the whole model; its files stay where they are).

use crate::components::{Appearance, Button, Dialog, TagList, TagsEditor, TextField};
use crate::router::navigate;
use crate::store::use_store;
use azimuth_core::models::rules::STAGES;
use azimuth_core::models::ModelVersionResource;
use leptos::prelude::*;

/// Edits a version's description, stage and tags.
#[component]
pub fn EditDialog(
    /// The model's name.
    name: String,
    /// The version edited, as it is.
    version: ModelVersionResource,
    /// Closes the dialog.
    close: Callback<()>,
) -> impl IntoView {
    let store = use_store();
    let props = &version.properties;
    let description = RwSignal::new(props.description.clone().unwrap_or_default());
    let stage = RwSignal::new(props.stage.clone().unwrap_or_else(|| "None".into()));
    let tags = TagList::new(&props.tags);
    let saving = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let title = format!("Edit {name} version {}", version.name);
    let version = StoredValue::new(version);
    let name = StoredValue::new(name);
    let save = move |_| {
        if let Some(e) = tags.error() {
            failure.set(Some(e));
            return;
        }
        let mut body = version.get_value();
        body.properties.description =
            Some(description.get_untracked().trim().to_owned()).filter(|d| !d.is_empty());
        body.properties.stage = Some(stage.get_untracked());
        body.properties.tags = tags.map();
        saving.set(true);
        failure.set(None);
        leptos::task::spawn_local(async move {
            let saved = store.change_model_version(&name.get_value(), body).await;
            saving.set(false);
            match saved {
                Ok(()) => close.run(()),
                Err(e) => failure.set(Some(e.message().to_owned())),
            }
        });
    };
    view! {
        <Dialog title=title class="dialog--form" on_close=close>
            <TextField label="Description" id="model-edit-description" value=description multiline=true />
            <div class="field">
                <label class="field__label" for="model-edit-stage">"Stage"</label>
                <select id="model-edit-stage" prop:value=move || stage.get() on:change=move |ev| stage.set(event_target_value(&ev))>
                    {STAGES.map(|s| view! { <option value=s>{s}</option> })}
                </select>
            </div>
            <div class="field">
                <span class="field__label">"Tags"</span>
                <TagsEditor tags />
            </div>
            <Show when=move || failure.with(Option::is_some)>
                <div class="message-bar message-bar--error" role="alert">{move || failure.get().unwrap_or_default()}</div>
            </Show>
            <div class="dialog__actions">
                <Button appearance=Appearance::Primary disabled=saving on_click=save>"Save"</Button>
                <Button on_click=move |_| close.run(())>"Cancel"</Button>
            </div>
        </Dialog>
    }
}

/// Asks before deleting a version, or (when it is the only one, or the person chooses) the
/// whole model.
#[component]
pub fn DeleteDialog(
    /// The model's name.
    name: String,
    /// The version shown.
    version: String,
    /// How many versions the model has.
    count: usize,
    /// Closes the dialog.
    close: Callback<()>,
) -> impl IntoView {
    let store = use_store();
    let whole = RwSignal::new(count <= 1);
    let deleting = RwSignal::new(false);
    let title = format!("Delete {name}?");
    let (model, shown) = (StoredValue::new(name), StoredValue::new(version));
    let confirm = move |_| {
        deleting.set(true);
        leptos::task::spawn_local(async move {
            let (name, version) = (model.get_value(), shown.get_value());
            let all = whole.get_untracked();
            let gone = store
                .delete_model(&name, (!all).then_some(version.as_str()))
                .await;
            deleting.set(false);
            if gone.is_ok() {
                close.run(());
                navigate(&if all {
                    "/models".to_owned()
                } else {
                    format!("/models/{name}")
                });
            }
        });
    };
    let choice = move |all: bool, label: String| {
        view! {
            <label class="radio-card">
                <input type="radio" name="model-delete" prop:checked=move || whole.get() == all on:change=move |_| whole.set(all) />
                <span><strong>{label}</strong></span>
            </label>
        }
    };
    let only = count <= 1;
    view! {
        <Dialog title=title alert=true on_close=close>
            {if only {
                view! { <p>{format!("{} has no other version, so the model goes with version {}. Its files stay where they are.", model.get_value(), shown.get_value())}</p> }.into_any()
            } else {
                view! {
                    <fieldset class="radio-group">
                        <legend>"What to delete"</legend>
                        {choice(false, format!("Version {}", shown.get_value()))}
                        {choice(true, format!("The whole model, with its {count} versions"))}
                    </fieldset>
                    <p class="muted">"The files stay where they are; a deleted version's number is not given again."</p>
                }.into_any()
            }}
            <div class="dialog__actions">
                <Button appearance=Appearance::Primary disabled=deleting on_click=confirm>"Delete"</Button>
                <Button on_click=move |_| close.run(())>"Cancel"</Button>
            </div>
        </Dialog>
    }
}
