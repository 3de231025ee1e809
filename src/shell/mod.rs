//! The frame around every page: top bar, ☰ navigation, notifications.

mod breadcrumbs;
mod lab;
mod member_menu;
mod nav;
mod notifications;
mod settings;
mod top_bar;
mod workspace_panel;

pub use breadcrumbs::Breadcrumbs;

use crate::store::{load_preference, save_preference, Preference};
use leptos::prelude::*;

/// Whether the left navigation shows labels; shared by the ☰ button and the navigation.
#[derive(Clone, Copy)]
pub struct NavState {
    /// True when only icons show.
    pub collapsed: RwSignal<bool>,
}

impl NavState {
    /// Collapses or expands the navigation and remembers the choice in this browser.
    pub fn toggle(&self) {
        let collapsed = !self.collapsed.get_untracked();
        self.collapsed.set(collapsed);
        save_preference(
            Preference::NavCollapsed,
            if collapsed { "true" } else { "false" },
        );
    }
}

/// Below this width (CSS pixels) the navigation starts collapsed.
const NARROW_WINDOW: f64 = 1200.0;

/// The studio frame; the routed page goes in `children`.
#[component]
pub fn Shell(children: Children) -> impl IntoView {
    let nav = NavState {
        // Collapsed as the person left it; at first, collapsed on a narrow window, so the
        // tables keep their columns in view.
        collapsed: RwSignal::new(match load_preference(Preference::NavCollapsed).as_deref() {
            Some(saved) => saved == "true",
            None => window()
                .inner_width()
                .ok()
                .and_then(|w| w.as_f64())
                .is_some_and(|w| w < NARROW_WINDOW),
        }),
    };
    provide_context(nav);
    lab::provide_lab();
    view! {
        <div class="app" class:app--nav-collapsed=move || nav.collapsed.get()>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <top_bar::TopBar />
            <div class="app__body">
                <nav::Navigation />
                // Notices take their own room below the page instead of lying over it, so they
                // hide none of its actions.
                <div class="app__column">
                    <main class="app__main" id="main" tabindex="-1">{children()}</main>
                    <notifications::Notifications />
                </div>
                <lab::LabPanel />
            </div>
        </div>
    }
}
