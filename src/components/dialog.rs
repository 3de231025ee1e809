//! A modal dialog: a labelled `role="dialog"` over a dimmed page. It takes the focus when it
//! opens (its first field, or itself), keeps Tab inside, closes on Escape wherever the focus
//! is, presses its primary button on Enter in a one-line field (as a form submits), and gives
//! the focus back to what had it. Only the topmost of nested dialogs answers the keys. A form
//! that holds input asks before it is discarded ([`guard_close`], [`DiscardPrompt`]).

use super::{Appearance, Button};
use crate::router::{hold_page, release_hold};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

/// What Tab can reach inside a dialog.
const FOCUSABLE: &str = "a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

fn focusables(root: &web_sys::Element) -> Vec<HtmlElement> {
    let Ok(list) = root.query_selector_all(FOCUSABLE) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<HtmlElement>().ok())
        .filter(|e| e.offset_parent().is_some())
        .collect()
}

/// Keeps Tab and Shift+Tab cycling inside `dialog`.
fn trap_tab(dialog: &HtmlElement, ev: &web_sys::KeyboardEvent) {
    let items = focusables(dialog);
    let (Some(first), Some(last)) = (items.first(), items.last()) else {
        return;
    };
    let active = document().active_element();
    let inside = active.as_ref().is_some_and(|a| dialog.contains(Some(a)));
    let at = |e: &HtmlElement| {
        active
            .as_ref()
            .is_some_and(|a| a == e.unchecked_ref::<web_sys::Element>())
    };
    let target = match (ev.shift_key(), inside) {
        (true, false) => Some(last),
        (false, false) => Some(first),
        (true, true)
            if at(first)
                || active
                    .as_ref()
                    .is_some_and(|a| a == dialog.unchecked_ref::<web_sys::Element>()) =>
        {
            Some(last)
        }
        (false, true) if at(last) => Some(first),
        _ => None,
    };
    if let Some(t) = target {
        ev.prevent_default();
        let _ = t.focus();
    }
}

/// Input types in which Enter submits a form (HTML's implicit submission).
const SUBMITTING_INPUTS: [&str; 10] = [
    "text",
    "search",
    "password",
    "number",
    "email",
    "url",
    "tel",
    "time",
    "date",
    "datetime-local",
];

/// On Enter in a one-line field of `dialog`, clicks its primary action (Next, Create, Save),
/// which does nothing while that action is blocked or disabled.
fn submit_on_enter(dialog: &HtmlElement, ev: &web_sys::KeyboardEvent) {
    let Some(field) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return;
    };
    if ev.is_composing() || !dialog.contains(Some(&field)) {
        return;
    }
    if !SUBMITTING_INPUTS.contains(&field.type_().as_str()) {
        return;
    }
    let primary = dialog
        .query_selector(".dialog__actions .button--primary")
        .ok()
        .flatten()
        .and_then(|b| b.dyn_into::<HtmlElement>().ok());
    if let Some(button) = primary {
        ev.prevent_default();
        button.click();
    }
}

thread_local! {
    /// The open dialogs, innermost last, by a number each.
    static OPEN: std::cell::RefCell<(u32, Vec<u32>)> = const { std::cell::RefCell::new((0, Vec::new())) };
}

/// A modal dialog with a title; `on_close` runs on Escape or a click outside.
#[component]
pub fn Dialog(
    /// The dialog's title and accessible name.
    #[prop(into)]
    title: String,
    /// `alertdialog` for confirmations, `dialog` otherwise.
    #[prop(optional)]
    alert: bool,
    /// Extra class for sizing.
    #[prop(into, optional)]
    class: String,
    /// Called to close the dialog.
    on_close: Callback<()>,
    /// Keep the dialog open on a click outside it (a form whose input would be lost).
    #[prop(optional)]
    keep_on_outside_click: bool,
    /// The content.
    children: Children,
) -> impl IntoView {
    let title_id = format!(
        "dialog-{}",
        title
            .to_ascii_lowercase()
            .replace(|c: char| !c.is_ascii_alphanumeric(), "-")
    );
    let label_id = title_id.clone();
    let dialog_ref = NodeRef::<leptos::html::Div>::new();
    let previous = StoredValue::new_local(document().active_element());
    let me = OPEN.with(|o| {
        let (next, open) = &mut *o.borrow_mut();
        *next += 1;
        open.push(*next);
        *next
    });
    let on_top = move || OPEN.with(|o| o.borrow().1.last() == Some(&me));
    Effect::new(move |_| {
        if let Some(el) = dialog_ref.get() {
            let field = el
                .query_selector("input:not([type=hidden]):not([readonly]), select, textarea")
                .ok()
                .flatten()
                .and_then(|f| f.dyn_into::<HtmlElement>().ok());
            let _ = field.map_or_else(|| el.focus(), |f| f.focus());
        }
    });
    let keys = window_event_listener(
        leptos::ev::keydown,
        move |ev: web_sys::KeyboardEvent| match ev.key().as_str() {
            _ if !on_top() => {}
            "Escape" => on_close.run(()),
            "Tab" => {
                if let Some(el) = dialog_ref.get_untracked() {
                    trap_tab(&el, &ev);
                }
            }
            "Enter" => {
                if let Some(el) = dialog_ref.get_untracked() {
                    submit_on_enter(&el, &ev);
                }
            }
            _ => {}
        },
    );
    on_cleanup(move || {
        keys.remove();
        OPEN.with(|o| o.borrow_mut().1.retain(|d| *d != me));
        if let Some(el) = previous
            .get_value()
            .and_then(|e| e.dyn_into::<HtmlElement>().ok())
        {
            if el.is_connected() {
                let _ = el.focus();
            }
        }
    });
    view! {
        <div
            class="dialog-backdrop"
            on:click=move |_| {
                if !keep_on_outside_click {
                    on_close.run(())
                }
            }
        >
            <div
                class=format!("dialog {class}")
                node_ref=dialog_ref
                tabindex="-1"
                role=if alert { "alertdialog" } else { "dialog" }
                aria-modal="true"
                aria-labelledby=label_id
                on:click=|ev| ev.stop_propagation()
            >
                <h2 class="dialog__title" id=title_id>{title}</h2>
                {children()}
            </div>
        </div>
    }
}

/// How a form that holds input closes: `request` (its Escape and Cancel) closes it at once when
/// nothing was entered, and otherwise asks, as the browser's Back and Forward do.
#[derive(Clone, Copy)]
pub struct GuardedClose {
    /// Whether the "discard?" question is showing.
    pub asking: RwSignal<bool>,
    /// Close, asking first when there is input to lose.
    pub request: Callback<()>,
    /// Close without asking (after a create, or when the person chose to discard).
    pub leave: Callback<()>,
}

/// Guards closing a form whose input `unsaved` says would be lost; `close` leaves it.
pub fn guard_close(unsaved: Signal<bool>, close: Callback<()>) -> GuardedClose {
    let asking = RwSignal::new(false);
    let held = hold_page(unsaved, move || asking.set(true));
    on_cleanup(move || release_hold(held));
    let leave = Callback::new(move |_| {
        release_hold(held);
        asking.set(false);
        close.run(());
    });
    let request = Callback::new(move |_| {
        if unsaved.get_untracked() {
            asking.set(true);
        } else {
            leave.run(());
        }
    });
    GuardedClose {
        asking,
        request,
        leave,
    }
}

/// The question a guarded form asks before its input is lost: "Discard" or "Keep editing".
#[component]
pub fn DiscardPrompt(
    /// The form's guarded close.
    guard: GuardedClose,
    /// The question, e.g. "Discard the new compute?".
    title: &'static str,
) -> impl IntoView {
    let keep = Callback::new(move |_| guard.asking.set(false));
    view! {
        <Show when=move || guard.asking.get()>
            <Dialog title=title alert=true on_close=keep>
                <p>"What you entered will be lost."</p>
                <div class="dialog__actions">
                    <Button appearance=Appearance::Primary on_click=move |_| guard.leave.run(())>"Discard"</Button>
                    <Button on_click=move |_| keep.run(())>"Keep editing"</Button>
                </div>
            </Dialog>
        </Show>
    }
}
