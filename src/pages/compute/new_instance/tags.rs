//! Step 4, "Tags": name/value pairs kept on the compute's ARM resource.

use super::form::{InstanceForm, TagDraft};
use crate::components::{Icon, IconName};
use leptos::prelude::*;

/// The tags step.
#[component]
pub fn TagsStep(form: InstanceForm) -> impl IntoView {
    let add = move |_| {
        let id = form.take_id();
        form.tags.update(|t| {
            t.push(TagDraft {
                id,
                key: String::new(),
                value: String::new(),
            })
        });
    };
    let edit = move |id: u32, key: bool, v: String| {
        form.tags.update(|t| {
            if let Some(tag) = t.iter_mut().find(|x| x.id == id) {
                if key {
                    tag.key = v;
                } else {
                    tag.value = v;
                }
            }
        })
    };
    let ids = move || {
        form.tags
            .get()
            .into_iter()
            .map(|t| t.id)
            .collect::<Vec<_>>()
    };
    view! {
        <p class="muted">"Tags are name/value pairs that help you find and group resources, e.g. by team or cost centre."</p>
        <Show when=move || form.tags.with(Vec::is_empty)>
            <p class="muted">"No tags yet."</p>
        </Show>
        <table
            class="tags-table"
            aria-label="Tags"
            style:display=move || if form.tags.with(Vec::is_empty) { "none" } else { "" }
        >
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Value"</th>
                    <th scope="col"><span class="visually-hidden">"Remove"</span></th>
                </tr>
            </thead>
            <tbody>
                <For each=ids key=|id| *id let:id>
                    {
                        let tag = move || form.tags.with(|t| t.iter().find(|x| x.id == id).cloned().unwrap_or(TagDraft { id, key: String::new(), value: String::new() }));
                        let error = move || form.tags.with(|all| InstanceForm::tag_error(all, &tag()));
                        let n = move || form.tags.with(|t| t.iter().position(|x| x.id == id).unwrap_or(0) + 1);
                        view! {
                            <tr>
                                <td>
                                    <input
                                        class="field__input"
                                        aria-label=move || format!("Tag {} name", n())
                                        aria-invalid=move || error().map(|_| "true")
                                        prop:value=move || tag().key
                                        on:input=move |ev| edit(id, true, event_target_value(&ev))
                                    />
                                    <span class="field__error" role="alert">{move || error().unwrap_or_default()}</span>
                                </td>
                                <td>
                                    <input
                                        class="field__input"
                                        aria-label=move || format!("Tag {} value", n())
                                        prop:value=move || tag().value
                                        on:input=move |ev| edit(id, false, event_target_value(&ev))
                                    />
                                </td>
                                <td>
                                    <button
                                        type="button"
                                        class="icon-button"
                                        aria-label=move || format!("Remove tag {}", n())
                                        on:click=move |_| form.tags.update(|t| t.retain(|x| x.id != id))
                                    >
                                        <Icon name=IconName::Delete />
                                    </button>
                                </td>
                            </tr>
                        }
                    }
                </For>
            </tbody>
        </table>
        <button type="button" class="button" on:click=add>
            <Icon name=IconName::Add />
            "Add tag"
        </button>
    }
}
