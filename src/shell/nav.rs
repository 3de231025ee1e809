//! The left navigation: the studio's sections, icons with labels or icons alone.

use super::NavState;
use crate::components::{Icon, IconName};
use crate::router::use_location;
use leptos::prelude::*;

/// One link of the navigation: to the section's first page (`href`), current on every page of
/// the section (the paths under `section`). It links to the page itself, never to the bare
/// section, whose address redirects in place and would take the page left off the history.
#[component]
fn NavLink(
    href: &'static str,
    section: &'static str,
    label: &'static str,
    icon: IconName,
) -> impl IntoView {
    let nav = expect_context::<NavState>();
    let path = use_location().path;
    let current = move || {
        let p = path.get();
        let active = if section == "/" {
            p == "/"
        } else {
            p == section || p.starts_with(&format!("{section}/"))
        };
        active.then_some("page")
    };
    view! {
        <li>
            <a
                class="nav__link"
                href=crate::router::href(href)
                aria-current=current
                title=move || nav.collapsed.get().then_some(label)
                aria-label=move || nav.collapsed.get().then_some(label)
            >
                <Icon name=icon />
                <span class="nav__label">{label}</span>
            </a>
        </li>
    }
}

/// The navigation; only pages that work are listed.
#[component]
pub fn Navigation() -> impl IntoView {
    view! {
        <nav class="nav" id="app-navigation" aria-label="Studio">
            <ul class="nav__list">
                <NavLink href="/" section="/" label="Home" icon=IconName::Home />
            </ul>
            <h2 class="nav__section">"Authoring"</h2>
            <ul class="nav__list">
                <NavLink href="/notebooks" section="/notebooks" label="Notebooks" icon=IconName::Notebook />
                <NavLink href="/automl" section="/automl" label="Automated ML" icon=IconName::Automl />
            </ul>
            <h2 class="nav__section">"Assets"</h2>
            <ul class="nav__list">
                <NavLink href="/data" section="/data" label="Data" icon=IconName::Data />
                <NavLink href="/jobs/all" section="/jobs" label="Jobs" icon=IconName::Jobs />
                <NavLink href="/models" section="/models" label="Models" icon=IconName::Models />
                <NavLink href="/endpoints" section="/endpoints" label="Endpoints" icon=IconName::Endpoints />
            </ul>
            <h2 class="nav__section">"Manage"</h2>
            <ul class="nav__list">
                <NavLink href="/compute/instances" section="/compute" label="Compute" icon=IconName::Compute />
                <NavLink href="/access" section="/access" label="Access control" icon=IconName::Person />
            </ul>
        </nav>
    }
}
