//! A tab that is a link: a page of its own, current on its address and on the one address that
//! shows it with a dialog over it (a list and its "+ New").

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
