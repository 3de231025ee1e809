//! The top bar: ☰, product name, the workspace, settings and the signed-in member.

use super::lab::LabButton;
use super::member_menu::MemberMenu;
use super::settings::SettingsButton;
use super::workspace_panel::WorkspaceButton;
use super::NavState;
use crate::components::{Icon, IconName};
use leptos::prelude::*;

/// The bar across the top of the studio.
#[component]
pub fn TopBar() -> impl IntoView {
    let nav = expect_context::<NavState>();
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
            <a class="top-bar__product" href=crate::router::href("/")>
                <span class="top-bar__logo" aria-hidden="true">"◭"</span>
                "Azimuth"
                <span class="top-bar__product-sub">"Machine Learning studio"</span>
            </a>
            <WorkspaceButton />
            <div class="top-bar__actions">
                <LabButton />
                <SettingsButton />
                <MemberMenu />
            </div>
        </header>
    }
}
