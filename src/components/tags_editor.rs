//! Tags being edited as rows of a name and a value, each row's problems under it (Azure's
//! limits, `azimuth_core::arm::tags`), with "Add tag" and "Remove tag n".

use super::{Icon, IconName};
use azimuth_core::arm::tags::{tag_errors, TagPart};
use leptos::prelude::*;
use std::collections::BTreeMap;

/// One tag being edited.
#[derive(Clone, Debug, PartialEq)]
struct TagRow {
    id: u32,
    key: String,
    value: String,
}

/// Tags being edited; cheap to copy into closures.
#[derive(Clone, Copy)]
pub struct TagList {
    rows: RwSignal<Vec<TagRow>>,
    next_id: StoredValue<u32>,
}

impl TagList {
    /// A list holding `tags`.
    pub fn new(tags: &BTreeMap<String, String>) -> Self {
        let rows: Vec<TagRow> = tags
            .iter()
            .zip(1..)
            .map(|((key, value), id)| TagRow {
                id,
                key: key.clone(),
                value: value.clone(),
            })
            .collect();
        let next_id = StoredValue::new(rows.len() as u32 + 1);
        TagList {
            rows: RwSignal::new(rows),
            next_id,
        }
    }

    /// Replaces the tags entered with `tags` (a file read, say).
    pub fn set(&self, tags: &BTreeMap<String, String>) {
        let first = self.next_id.get_value();
        let rows: Vec<TagRow> = tags
            .iter()
            .zip(first..)
            .map(|((key, value), id)| TagRow {
                id,
                key: key.clone(),
                value: value.clone(),
            })
            .collect();
        self.next_id.set_value(first + rows.len() as u32);
        self.rows.set(rows);
    }

    /// Whether no tag is entered (reactive).
    pub fn is_empty(&self) -> bool {
        self.rows.with(Vec::is_empty)
    }

    /// The tags entered, names trimmed (reactive).
    pub fn map(&self) -> BTreeMap<String, String> {
        self.rows.with(|rows| {
            rows.iter()
                .map(|r| (r.key.trim().to_owned(), r.value.clone()))
                .collect()
        })
    }

    /// The first problem of the tags entered, if any (reactive).
    pub fn error(&self) -> Option<String> {
        self.rows.with(|rows| {
            rows.iter()
                .find_map(|r| row_errors(rows, r).into_iter().next().map(|(_, e)| e))
        })
    }

    fn add(&self) {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        self.rows.update(|rows| {
            rows.push(TagRow {
                id,
                key: String::new(),
                value: String::new(),
            })
        });
    }

    fn edit(&self, id: u32, key: bool, text: String) {
        self.rows.update(|rows| {
            if let Some(row) = rows.iter_mut().find(|r| r.id == id) {
                if key {
                    row.key = text;
                } else {
                    row.value = text;
                }
            }
        });
    }
}

/// A row's problems: Azure's limits, and a name given twice.
fn row_errors(rows: &[TagRow], row: &TagRow) -> Vec<(TagPart, String)> {
    let mut errors = tag_errors(&row.key, &row.value);
    let key = row.key.trim();
    let earlier = rows
        .iter()
        .take_while(|r| r.id != row.id)
        .any(|r| r.key.trim() == key);
    if !key.is_empty() && earlier {
        errors.push((
            TagPart::Name,
            format!("The tag name '{key}' is given twice; each name can have one value."),
        ));
    }
    errors
}

/// The tags table, with "Add tag".
#[component]
pub fn TagsEditor(
    /// The tags being edited.
    tags: TagList,
) -> impl IntoView {
    let ids = move || {
        tags.rows
            .with(|r| r.iter().map(|t| t.id).collect::<Vec<_>>())
    };
    view! {
        <Show when=move || !tags.is_empty() fallback=|| view! { <p class="muted">"No tags yet."</p> }>
            <table class="tags-table" aria-label="Tags">
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
                            let row = move || tags.rows.with(|r| r.iter().find(|t| t.id == id).cloned());
                            let errors = move || tags.rows.with(|all| row().map(|r| row_errors(all, &r)).unwrap_or_default());
                            let invalid = move |part: TagPart| errors().iter().any(|(p, _)| *p == part).then_some("true");
                            let n = move || tags.rows.with(|r| r.iter().position(|t| t.id == id).unwrap_or(0) + 1);
                            let errors_id = format!("tag-row-{id}-errors");
                            view! {
                                <tr>
                                    <td>
                                        <input class="field__input" aria-label=move || format!("Tag {} name", n()) aria-invalid=move || invalid(TagPart::Name) aria-describedby=errors_id.clone() prop:value=move || row().map(|r| r.key).unwrap_or_default() on:input=move |ev| tags.edit(id, true, event_target_value(&ev)) />
                                    </td>
                                    <td>
                                        <input class="field__input" aria-label=move || format!("Tag {} value", n()) aria-invalid=move || invalid(TagPart::Value) aria-describedby=errors_id.clone() prop:value=move || row().map(|r| r.value).unwrap_or_default() on:input=move |ev| tags.edit(id, false, event_target_value(&ev)) />
                                    </td>
                                    <td>
                                        <button type="button" class="icon-button" aria-label=move || format!("Remove tag {}", n()) on:click=move |_| tags.rows.update(|r| r.retain(|t| t.id != id))>
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
        </Show>
        <button type="button" class="button" on:click=move |_| tags.add()>
            <Icon name=IconName::Add />
            "Add tag"
        </button>
    }
}
