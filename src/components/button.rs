//! The studio's button, in Fluent's three looks.
//!
//! Written here rather than taken from thaw: the studio used only thaw's Button and
//! ConfigProvider, and dropping thaw (with its palette, chrono and uuid dependencies and its
//! runtime-injected CSS) keeps the first load inside the 250 KB brotli budget.

use leptos::ev::MouseEvent;
use leptos::prelude::*;

/// How much a button stands out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Appearance {
    /// Bordered, for most actions.
    #[default]
    Secondary,
    /// Filled with the brand colour, for the one main action.
    Primary,
    /// No border, for toolbars.
    Subtle,
}

/// A button. When `blocked` holds a reason, the button is disabled but stays focusable and shows
/// the reason as its tooltip, so people learn why they cannot use it.
#[component]
pub fn Button(
    /// The look.
    #[prop(optional)]
    appearance: Appearance,
    /// Why the button cannot be used now, if it cannot.
    #[prop(into, optional)]
    blocked: Signal<Option<String>>,
    /// Disabled without a reason to give (e.g. "Back" on the first step).
    #[prop(into, optional)]
    disabled: Signal<bool>,
    /// What a click does (a `Callback`, so all buttons share one compiled component).
    #[prop(into)]
    on_click: Callback<MouseEvent>,
    /// The label (and icon).
    children: Children,
) -> impl IntoView {
    let class = match appearance {
        Appearance::Secondary => "button",
        Appearance::Primary => "button button--primary",
        Appearance::Subtle => "button button--subtle",
    };
    view! {
        <button
            type="button"
            class=class
            disabled=move || disabled.get()
            aria-disabled=move || blocked.with(Option::is_some).then_some("true")
            title=move || blocked.get()
            on:click=move |ev| {
                if blocked.with_untracked(Option::is_none) {
                    on_click.run(ev);
                }
            }
        >
            {children()}
        </button>
    }
}
