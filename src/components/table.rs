//! What the studio's list tables share: a row's selection checkbox and the search box.

use super::{Icon, IconName};
use leptos::prelude::*;

/// A list row's "Select <name>" checkbox, adding the name to `selected` or taking it out.
pub fn select_cell(name: String, selected: RwSignal<Vec<String>>) -> impl IntoView {
    let checked = {
        let name = name.clone();
        move || selected.with(|s| s.contains(&name))
    };
    view! {
        <td class="data-table__check">
            <input
                type="checkbox"
                aria-label=format!("Select {name}")
                prop:checked=checked
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    selected.update(|s| {
                        s.retain(|n| n != &name);
                        if on {
                            s.push(name.clone());
                        }
                    })
                }
            />
        </td>
    }
}

/// The "Search" box above a list.
pub fn search_box(label: &'static str, query: RwSignal<String>) -> impl IntoView {
    view! {
        <label class="search">
            <Icon name=IconName::Search />
            <input
                type="search"
                placeholder="Search"
                aria-label=label
                prop:value=move || query.get()
                on:input=move |ev| query.set(event_target_value(&ev))
            />
        </label>
    }
}
