//! The top bar: ☰, product name, the workspace, settings and the signed-in member.

use super::member_menu::MemberMenu;
use super::settings::SettingsButton;
use super::NavState;
use crate::components::{Icon, IconName};
use crate::store::use_store;
use leptos::prelude::*;

/// The bar across the top of the studio.
#[component]
pub fn TopBar() -> impl IntoView {
    let nav = expect_context::<NavState>();
    let store = use_store();
    let ws = move || {
        store.workspace.with(|w| {
            (
                w.resource.name.clone(),
                w.region().display_name,
                w.resource_group.clone(),
            )
        })
    };
    view! {
        <header class="top-bar">
            <button
                type="button"
                class="top-bar__toggle"
                aria-label="Toggle navigation"
                title="Toggle navigation"
                aria-expanded=move || (!nav.collapsed.get()).to_string()
                aria-controls="app-navigation"
                on:click=move |_| nav.toggle()
            >
                <Icon name=IconName::Menu />
            </button>
            <a class="top-bar__product" href="/">
                <span class="top-bar__logo" aria-hidden="true">"◭"</span>
                "Azimuth"
                <span class="top-bar__product-sub">"Machine Learning studio"</span>
            </a>
            <div class="top-bar__workspace" role="group" aria-label="Workspace">
                <span class="top-bar__ws-name" title="Workspace">{move || ws().0}</span>
                <span class="top-bar__ws-meta">
                    <span title="Location">{move || ws().1}</span>
                    " · "
                    <span title="Resource group">{move || ws().2}</span>
                </span>
            </div>
            <div class="top-bar__actions">
                <SettingsButton />
                <MemberMenu />
            </div>
        </header>
    }
}
