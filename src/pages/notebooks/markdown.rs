//! Markdown shown as elements made one by one from the engine's safe nodes (never through
//! `innerHTML`): links open outside the studio in a new tab, `#fragments` scroll to a heading,
//! relative links open the file they name in the notebooks page; images from `data:` URLs are
//! shown from blob addresses (what the studio's Content-Security-Policy allows).

use super::code_area::highlighted;
use azimuth_core::notebooks::display::data_url_image;
use azimuth_core::notebooks::highlight::Language;
use azimuth_core::notebooks::markdown::{parse_markdown, Align, Node};
use leptos::prelude::*;

/// A blob address for `bytes` of `mime`, revoked when the view that asked for it goes.
pub fn blob_url(mime: &str, bytes: &[u8]) -> Option<String> {
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let revoke = url.clone();
    on_cleanup(move || {
        let _ = web_sys::Url::revoke_object_url(&revoke);
    });
    Some(url)
}

/// `relative` (a link in a file of `folder`) as a path from the datastore's top, if it stays
/// inside it.
pub fn resolve(folder: &str, relative: &str) -> Option<String> {
    let relative = relative.split(['?', '#']).next().unwrap_or_default();
    let mut parts: Vec<&str> = if relative.starts_with('/') {
        Vec::new()
    } else {
        folder.split('/').filter(|s| !s.is_empty()).collect()
    };
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            name => parts.push(name),
        }
    }
    let decoded = js_sys::decode_uri_component(&parts.join("/")).ok()?;
    Some(String::from(decoded)).filter(|p| !p.is_empty())
}

/// Rendered Markdown; relative links are read from `folder`.
#[component]
pub fn MarkdownView(
    /// The Markdown text.
    #[prop(into)]
    text: Signal<String>,
    /// The folder of the file it is in (relative links start there).
    #[prop(into)]
    folder: Signal<String>,
) -> impl IntoView {
    move || {
        let nodes = text.with(|t| parse_markdown(t));
        let folder = folder.get();
        view! { <div class="markdown">{nodes_view(nodes, &folder)}</div> }
    }
}

fn nodes_view(nodes: Vec<Node>, folder: &str) -> Vec<AnyView> {
    nodes.into_iter().map(|n| node_view(n, folder)).collect()
}

fn align_class(align: Option<&Align>) -> &'static str {
    match align {
        Some(Align::Left) => "md-left",
        Some(Align::Center) => "md-center",
        Some(Align::Right) => "md-right",
        _ => "",
    }
}

fn node_view(node: Node, folder: &str) -> AnyView {
    let kids = |c: Vec<Node>| nodes_view(c, folder);
    match node {
        Node::Heading {
            level,
            anchor,
            children,
        } => {
            let c = kids(children);
            match level {
                1 => view! { <h1 id=anchor>{c}</h1> }.into_any(),
                2 => view! { <h2 id=anchor>{c}</h2> }.into_any(),
                3 => view! { <h3 id=anchor>{c}</h3> }.into_any(),
                4 => view! { <h4 id=anchor>{c}</h4> }.into_any(),
                5 => view! { <h5 id=anchor>{c}</h5> }.into_any(),
                _ => view! { <h6 id=anchor>{c}</h6> }.into_any(),
            }
        }
        Node::Paragraph(c) => view! { <p>{kids(c)}</p> }.into_any(),
        Node::Emphasis(c) => view! { <em>{kids(c)}</em> }.into_any(),
        Node::Strong(c) => view! { <strong>{kids(c)}</strong> }.into_any(),
        Node::Strikethrough(c) => view! { <del>{kids(c)}</del> }.into_any(),
        Node::Code(t) => view! { <code>{t}</code> }.into_any(),
        Node::CodeBlock { language, code } => {
            let language = match language.to_ascii_lowercase().as_str() {
                "python" | "py" | "python3" => Language::Python,
                "json" => Language::Json,
                "yaml" | "yml" => Language::Yaml,
                _ => Language::Plain,
            };
            view! { <pre class="md-code"><code>{highlighted(language, &code)}</code></pre> }
                .into_any()
        }
        Node::List { start: None, items } => view! { <ul>{kids(items)}</ul> }.into_any(),
        Node::List {
            start: Some(n),
            items,
        } => view! { <ol start=n>{kids(items)}</ol> }.into_any(),
        Node::Item(c) => view! { <li>{kids(c)}</li> }.into_any(),
        Node::Task(done) => view! {
            <input type="checkbox" disabled=true checked=done aria-label=if done { "Done" } else { "Not done" } />
        }
        .into_any(),
        Node::BlockQuote(c) => view! { <blockquote>{kids(c)}</blockquote> }.into_any(),
        Node::Table { align, head, rows } => {
            let header = head
                .into_iter()
                .enumerate()
                .map(|(i, cell)| {
                    let c = match cell {
                        Node::TableCell(c) => kids(c),
                        other => vec![node_view(other, folder)],
                    };
                    view! { <th scope="col" class=align_class(align.get(i))>{c}</th> }
                })
                .collect_view();
            let body = rows
                .into_iter()
                .map(|row| {
                    let cells = match row {
                        Node::TableRow(cells) => cells,
                        other => vec![other],
                    };
                    let cells = cells
                        .into_iter()
                        .enumerate()
                        .map(|(i, cell)| {
                            let c = match cell {
                                Node::TableCell(c) => kids(c),
                                other => vec![node_view(other, folder)],
                            };
                            view! { <td class=align_class(align.get(i))>{c}</td> }
                        })
                        .collect_view();
                    view! { <tr>{cells}</tr> }
                })
                .collect_view();
            view! {
                <div class="md-table-wrap">
                    <table class="md-table"><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>
                </div>
            }
            .into_any()
        }
        Node::TableRow(c) => view! { <tr>{kids(c)}</tr> }.into_any(),
        Node::TableCell(c) => view! { <td>{kids(c)}</td> }.into_any(),
        Node::Link {
            href,
            title,
            children,
        } => link_view(href, title, kids(children), folder),
        Node::Image { src, alt, title } => image_view(src, alt, title),
        Node::Text(t) => t.into_any(),
        Node::Rule => view! { <hr /> }.into_any(),
        Node::LineBreak => view! { <br /> }.into_any(),
    }
}

fn link_view(href: String, title: String, children: Vec<AnyView>, folder: &str) -> AnyView {
    let title = (!title.is_empty()).then_some(title);
    let lower = href.to_ascii_lowercase();
    if lower.starts_with("http:") || lower.starts_with("https:") || lower.starts_with("//") {
        return view! { <a href=href title=title target="_blank" rel="noopener noreferrer">{children}</a> }
            .into_any();
    }
    if lower.starts_with("mailto:") {
        return view! { <a href=href title=title>{children}</a> }.into_any();
    }
    if let Some(fragment) = href.strip_prefix('#') {
        let target = js_sys::decode_uri_component(fragment)
            .map(String::from)
            .unwrap_or_else(|_| fragment.to_owned());
        let jump = move |ev: web_sys::MouseEvent| {
            ev.prevent_default();
            if let Some(el) = document().get_element_by_id(&target) {
                el.scroll_into_view();
            }
        };
        return view! { <a href=href title=title on:click=jump>{children}</a> }.into_any();
    }
    match resolve(folder, &href) {
        Some(path) => {
            let to = crate::router::href(&format!("/notebooks?path={}", super::encode_path(&path)));
            view! { <a href=to title=title>{children}</a> }.into_any()
        }
        None => view! { <span title=title>{children}</span> }.into_any(),
    }
}

fn image_view(src: String, alt: String, title: String) -> AnyView {
    let title = (!title.is_empty()).then_some(title);
    if src
        .get(..5)
        .is_some_and(|s| s.eq_ignore_ascii_case("data:"))
    {
        return match data_url_image(&src).and_then(|(mime, bytes)| blob_url(&mime, &bytes)) {
            Some(url) => view! { <img src=url alt=alt title=title class="md-image" /> }.into_any(),
            None => alt.into_any(),
        };
    }
    view! { <img src=src alt=alt title=title class="md-image" referrerpolicy="no-referrer" /> }
        .into_any()
}
