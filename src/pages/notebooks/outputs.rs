//! A code cell's outputs, shown as Jupyter shows them and without running anything they hold:
//! printed text (stderr tinted), terminal colours of tracebacks mapped to a few classes, images
//! (PNG, JPEG, and SVG as an `<img>`, which never runs script) from blob addresses, Markdown
//! made safe, and HTML inside a frame sandboxed with no permission at all (no scripts, no
//! same origin, no forms, no popups).

use super::markdown::{blob_url, MarkdownView};
use azimuth_core::notebooks::ansi::{parse_ansi, settle_carriage_returns};
use azimuth_core::notebooks::display::{choose, decode_base64, Shown};
use azimuth_core::notebooks::{MimeBundle, Output};
use leptos::prelude::*;

/// Terminal text with its colours as `ansi-*` classes.
fn terminal_text(text: &str) -> Vec<AnyView> {
    parse_ansi(&settle_carriage_returns(text))
        .into_iter()
        .map(|run| {
            if run.color.is_none() && !run.bold {
                return run.text.into_any();
            }
            let mut class = String::new();
            if let Some(c) = run.color {
                class.push_str(c.class());
            }
            if run.bold {
                class.push_str(" ansi-bold");
            }
            view! { <span class=class>{run.text}</span> }.into_any()
        })
        .collect()
}

/// A height for an HTML output's frame, from how much it holds (a sandboxed frame cannot be
/// measured from outside); the person can resize it.
fn frame_height(html: &str) -> u32 {
    let rows = html.matches("<tr").count() as u32;
    let lines = html.matches("<br").count() as u32
        + html.matches("<p").count() as u32
        + html.matches("<li").count() as u32
        + html.matches("<h").count() as u32
        + html.lines().count() as u32 / 4;
    (40 + rows * 30 + lines * 22).clamp(60, 480)
}

fn html_view(html: String) -> AnyView {
    let height = frame_height(&html);
    view! {
        <iframe
            class="output__html"
            title="HTML output (shown without running its scripts)"
            sandbox=""
            referrerpolicy="no-referrer"
            srcdoc=html
            style:height=format!("{height}px")
        ></iframe>
    }
    .into_any()
}

fn image_view(mime: &str, bytes: &[u8], alt: &'static str) -> AnyView {
    match blob_url(mime, bytes) {
        Some(url) => view! { <img class="output__image" src=url alt=alt /> }.into_any(),
        None => view! { <p class="muted">"The browser could not show this image."</p> }.into_any(),
    }
}

fn bundle_view(data: &MimeBundle, folder: Signal<String>) -> AnyView {
    match choose(data) {
        Shown::Html(html) => html_view(html),
        Shown::Svg(svg) => image_view("image/svg+xml", svg.as_bytes(), "SVG output"),
        Shown::Image(mime, b64) => match decode_base64(&b64) {
            Some(bytes) => image_view(mime, &bytes, "Image output"),
            None => view! { <p class="muted">"This image's data is damaged (not base64)."</p> }
                .into_any(),
        },
        Shown::Markdown(md) => view! {
            <div class="output__markdown"><MarkdownView text=md folder /></div>
        }
        .into_any(),
        Shown::Text(text) => {
            view! { <pre class="output__text">{terminal_text(&text)}</pre> }.into_any()
        }
        Shown::Nothing(mimes) => view! {
            <p class="muted output__note">{format!("An output of type {} that the studio does not show.", mimes.join(", "))}</p>
        }
        .into_any(),
    }
}

/// One output.
pub fn output_view(output: Output, folder: Signal<String>) -> AnyView {
    match output {
        Output::Stream { name, text, .. } => {
            let class = if name == "stderr" {
                "output__text output__text--stderr"
            } else {
                "output__text"
            };
            view! { <pre class=class>{terminal_text(&text)}</pre> }.into_any()
        }
        Output::DisplayData { data, .. } | Output::ExecuteResult { data, .. } => {
            bundle_view(&data, folder)
        }
        Output::Error {
            ename,
            evalue,
            traceback,
            ..
        } => {
            let shown = if traceback.is_empty() {
                format!("{ename}: {evalue}")
            } else {
                traceback.join("\n")
            };
            view! {
                <pre class="output__text output__text--error" aria-label=format!("Error: {ename}")>{terminal_text(&shown)}</pre>
            }
            .into_any()
        }
        Output::Unknown(value) => {
            let kind = value
                .get("output_type")
                .and_then(|k| k.as_str())
                .unwrap_or("unknown")
                .to_owned();
            view! { <p class="muted output__note">{format!("An output of type {kind} that the studio does not show; it is kept in the file.")}</p> }
                .into_any()
        }
    }
}

/// A code cell's outputs (nothing when it has none).
#[component]
pub fn Outputs(
    /// The outputs.
    #[prop(into)]
    outputs: Signal<Vec<Output>>,
    /// The notebook's folder (for relative links in Markdown outputs).
    #[prop(into)]
    folder: Signal<String>,
) -> impl IntoView {
    move || {
        let list = outputs.get();
        (!list.is_empty()).then(|| {
            view! {
                <div class="cell__outputs" role="group" aria-label="Output">
                    {list.into_iter().map(|o| output_view(o, folder)).collect_view()}
                </div>
            }
        })
    }
}
