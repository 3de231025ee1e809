//! An editable, highlighted block of code: a `<textarea>` laid exactly over a `<pre>` that
//! shows the same text coloured (the classic overlay: the textarea's own text is transparent,
//! its caret and selection show). Both sit in one grid cell and grow with the text, so they
//! scroll together inside whatever scrolls around them. Tab indents, Enter keeps the line's
//! indentation (one level more after a `:` in Python).

use azimuth_core::notebooks::highlight::{highlight, Language};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Text longer than this is shown without colours (a big JSON file stays quick to type in).
const MAX_HIGHLIGHTED: usize = 100_000;

/// The highlighted text of `text` in `language`, as spans of `tok-*` classes.
pub fn highlighted(language: Language, text: &str) -> Vec<AnyView> {
    let spans = if text.len() > MAX_HIGHLIGHTED {
        Vec::new()
    } else {
        highlight(language, text)
    };
    let mut out = Vec::with_capacity(spans.len() * 2 + 1);
    let mut at = 0;
    for span in spans {
        if span.start > at {
            out.push(text[at..span.start].to_owned().into_any());
        }
        let class = span.token.class();
        let piece = text[span.start..span.end].to_owned();
        out.push(view! { <span class=class>{piece}</span> }.into_any());
        at = span.end;
    }
    if at < text.len() {
        out.push(text[at..].to_owned().into_any());
    }
    out
}

/// Inserts `text` at the caret as typing would (the browser's undo keeps it, and its `input`
/// event follows); answers false when the browser would not, after writing it itself.
fn insert_text(area: &web_sys::HtmlTextAreaElement, text: &str) -> bool {
    let inserted = js_sys::Reflect::get(&document(), &"execCommand".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .and_then(|f| {
            f.call3(
                &document(),
                &"insertText".into(),
                &false.into(),
                &text.into(),
            )
            .ok()
        })
        .is_some_and(|done| done.is_truthy());
    if !inserted {
        let value: Vec<char> = area.value().chars().collect();
        let start = area.selection_start().ok().flatten().unwrap_or(0) as usize;
        let end = area.selection_end().ok().flatten().unwrap_or(0) as usize;
        let before: String = value[..start.min(value.len())].iter().collect();
        let after: String = value[end.min(value.len())..].iter().collect();
        area.set_value(&format!("{before}{text}{after}"));
        let caret = (start + text.chars().count()) as u32;
        let _ = area.set_selection_range(caret, caret);
    }
    inserted
}

/// The indentation Enter continues with after the caret's line.
fn next_indent(area: &web_sys::HtmlTextAreaElement, language: Language) -> String {
    let value = area.value();
    let caret = area.selection_start().ok().flatten().unwrap_or(0) as usize;
    let before: String = value.chars().take(caret).collect();
    let line = before.rsplit('\n').next().unwrap_or_default();
    let mut indent: String = line.chars().take_while(|c| *c == ' ').collect();
    if language == Language::Python && line.trim_end().ends_with(':') {
        indent.push_str("    ");
    }
    indent
}

/// A highlighted code editor.
#[component]
pub fn CodeArea(
    /// The text, written on every keystroke.
    text: RwSignal<String>,
    /// How the text is coloured.
    #[prop(into)]
    language: Signal<Language>,
    /// The textarea's accessible name.
    #[prop(into)]
    label: Signal<String>,
    /// Shown but not editable.
    #[prop(into, optional)]
    readonly: Signal<bool>,
    /// Called after each edit.
    #[prop(optional)]
    on_edit: Option<Callback<()>>,
    /// Called when the textarea gets the focus.
    #[prop(optional)]
    on_focus: Option<Callback<()>>,
    /// The textarea, for focusing it from outside.
    #[prop(optional)]
    area: NodeRef<leptos::html::Textarea>,
    /// Extra class (`code-area--file` for a whole file).
    #[prop(into, optional)]
    class: String,
) -> impl IntoView {
    let edited = move |el: &web_sys::HtmlTextAreaElement| {
        text.set(el.value());
        if let Some(edit) = on_edit {
            edit.run(());
        }
    };
    let keydown = move |ev: web_sys::KeyboardEvent| {
        if readonly.get_untracked() || ev.is_composing() {
            return;
        }
        let Some(el) = area.get_untracked() else {
            return;
        };
        let plain = !(ev.shift_key() || ev.ctrl_key() || ev.meta_key() || ev.alt_key());
        match ev.key().as_str() {
            "Tab" if plain => {
                ev.prevent_default();
                if !insert_text(&el, "    ") {
                    edited(&el);
                }
            }
            "Enter" if plain => {
                let indent = next_indent(&el, language.get_untracked());
                if !indent.is_empty() {
                    ev.prevent_default();
                    if !insert_text(&el, &format!("\n{indent}")) {
                        edited(&el);
                    }
                }
            }
            _ => {}
        }
    };
    view! {
        <div class=format!("code-area {class}")>
            <pre class="code-area__shown" aria-hidden="true">
                {move || text.with(|t| highlighted(language.get(), t))}
                // A last empty line still takes its height.
                "\n"
            </pre>
            <textarea
                class="code-area__input"
                node_ref=area
                aria-label=move || label.get()
                spellcheck="false"
                autocomplete="off"
                autocapitalize="off"
                wrap="soft"
                readonly=move || readonly.get()
                prop:value=move || text.get()
                on:input=move |ev| {
                    text.set(event_target_value(&ev));
                    if let Some(edit) = on_edit {
                        edit.run(());
                    }
                }
                on:keydown=keydown
                on:focus=move |_| {
                    if let Some(focus) = on_focus {
                        focus.run(());
                    }
                }
            ></textarea>
        </div>
    }
}
