//! A modal dialog: a labelled `role="dialog"` over a dimmed page, closed with Escape.

use leptos::prelude::*;

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
    // Move focus into the dialog when it opens, so keyboard and screen reader users land in it.
    Effect::new(move |_| {
        if let Some(el) = dialog_ref.get() {
            let _ = el.focus();
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
                on:keydown=move |ev| {
                    if ev.key() == "Escape" {
                        on_close.run(());
                    }
                }
            >
                <h2 class="dialog__title" id=title_id>{title}</h2>
                {children()}
            </div>
        </div>
    }
}
