//! Step 4, "Tags": name/value pairs kept on the compute's ARM resource.

use super::form::{InstanceForm, TagDraft};
use crate::components::{Icon, IconName};
use azimuth_core::compute::request::TagPart;
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
                        let errors = move || form.tags.with(|all| InstanceForm::tag_errors(all, &tag()));
                        let invalid = move |part: TagPart| errors().iter().any(|(p, _)| *p == part).then_some("true");
                        let n = move || form.tags.with(|t| t.iter().position(|x| x.id == id).unwrap_or(0) + 1);
                        let errors_id = format!("tag-{id}-errors");
                        // The tag's problems, all of them, on a row of their own across the
                        // columns; both fields are described by it.
                        view! {
                            <tr>
                                <td>
                                    <input
                                        class="field__input"
                                        aria-label=move || format!("Tag {} name", n())
                                        aria-invalid=move || invalid(TagPart::Name)
                                        aria-describedby=errors_id.clone()
                                        prop:value=move || tag().key
                                        on:input=move |ev| edit(id, true, event_target_value(&ev))
                                    />
                                </td>
                                <td>
                                    <input
                                        class="field__input"
                                        aria-label=move || format!("Tag {} value", n())
                                        aria-invalid=move || invalid(TagPart::Value)
                                        aria-describedby=errors_id.clone()
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
                            <tr class="tags-table__errors" hidden=move || errors().is_empty()>
                                <td colspan="3">
                                    <div class="field__error" id=errors_id.clone() role="alert">
                                        <ul>{move || errors().into_iter().map(|(_, e)| view! { <li>{e}</li> }).collect_view()}</ul>
                                    </div>
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
