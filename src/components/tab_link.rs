//! Tabs: a tab that is a link, a page of its own, current on its address and on the one
//! address that shows it with a dialog over it (a list and its "+ New"); and a tab of a page's
//! own tablist, kept in the address.

use leptos::prelude::*;

/// The tab linking to `href`, current when the path is `href` or `also`.
pub fn tab_link(
    path: Memo<String>,
    href: &'static str,
    also: &'static str,
    label: &'static str,
) -> impl IntoView {
    let current = move || (path.get() == href || path.get() == also).then_some("page");
    view! {
        <a class="tabs__tab" href=crate::router::href(href) aria-current=current>
            {label}
        </a>
    }
}

/// A tab of a page's own tablist, kept in the address as `?tab=` (`tab`): selected when it
/// holds `id`, or, for the first tab `first`, when it is empty (the first tab leaves it out).
pub fn query_tab(
    tab: RwSignal<String>,
    first: &'static str,
    id: &'static str,
    label: &'static str,
) -> impl IntoView {
    let selected = move || (tab.get() == id || (id == first && tab.get().is_empty())).to_string();
    let pick = move |_| {
        tab.set(if id == first {
            String::new()
        } else {
            id.to_owned()
        })
    };
    view! {
        <button type="button" role="tab" class="tabs__tab" aria-selected=selected on:click=pick>
            {label}
        </button>
    }
}
