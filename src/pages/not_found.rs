//! The page for an address the studio does not have.

use crate::router::use_location;
use crate::shell::Breadcrumbs;
use leptos::prelude::*;

/// Says the page does not exist and offers the way back.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    let path = use_location().path;
    view! {
        <Breadcrumbs items=vec![("Page not found".into(), "".into())] />
        <NotFoundMessage path>
            <a href=crate::router::href("/")>"Go to Home"</a>
            " or "
            <a href=crate::router::href("/compute/instances")>"Compute"</a>
        </NotFoundMessage>
    }
}

/// "Page not found" for `path`, then the ways on (`children`); inside a workspace or outside.
#[component]
pub fn NotFoundMessage(
    /// The address asked for.
    #[prop(into)]
    path: Signal<String>,
    /// Links to go on with.
    children: Children,
) -> impl IntoView {
    view! {
        <section class="empty-state">
            <h1>"Page not found"</h1>
            <p>"There is no page at " <code>{move || path.get()}</code> " in this studio."</p>
            <p>{children()}</p>
        </section>
    }
}
