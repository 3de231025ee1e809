//! Breadcrumbs: the workspace, then the page's ancestors, then the page. They also name the
//! browser tab after the page, so history, tabs and bookmarks say where they lead.

use crate::store::use_store;
use leptos::prelude::*;
use std::borrow::Cow;

/// The trail from the workspace to the current page; the last item is the page itself.
#[component]
pub fn Breadcrumbs(
    /// (label, link) pairs after the workspace; the last one's link is ignored.
    items: Vec<(String, Cow<'static, str>)>,
) -> impl IntoView {
    let store = use_store();
    let last = items.len().saturating_sub(1);
    let page = items
        .last()
        .map(|(label, _)| label.clone())
        .unwrap_or_default();
    let workspace = Memo::new(move |_| store.workspace.with(|w| w.resource.name.clone()));
    Effect::new(move |_| {
        document().set_title(&format!("{page} · {} · Azimuth", workspace.get()));
    });
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <ol>
                <li>
                    <a href=crate::router::href("/")>{move || workspace.get()}</a>
                </li>
                {items
                    .into_iter()
                    .enumerate()
                    .map(|(i, (label, href))| {
                        if i == last {
                            view! { <li><span aria-current="page">{label}</span></li> }.into_any()
                        } else {
                            view! { <li><a href=crate::router::href(&href)>{label}</a></li> }.into_any()
                        }
                    })
                    .collect_view()}
            </ol>
        </nav>
    }
}
