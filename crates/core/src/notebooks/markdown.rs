//! Markdown made safe to show: pulldown-cmark parses it into a tree of plain nodes that the
//! studio turns into elements one by one, never into HTML text. Raw HTML in the Markdown stays
//! literal text (a `<script>` is shown, not run); links keep only http, https, mailto, `#`
//! fragments and relative paths, images only http, https and PNG, JPEG or GIF `data:` URLs;
//! any other link or image (`javascript:`, `data:text/html`, SVG) is dropped and its text kept.

use pulldown_cmark::{Alignment, CodeBlockKind, Event, Options, Parser, Tag};

/// A column's alignment in a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    /// As the text flows.
    None,
    /// Left.
    Left,
    /// Centred.
    Center,
    /// Right.
    Right,
}

/// One piece of rendered Markdown.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    /// `#` to `######`, with the anchor Jupyter gives it (its text, spaces as `-`).
    Heading {
        /// 1 to 6.
        level: u8,
        /// The `id` a `#fragment` link finds it by.
        anchor: String,
        /// Its content.
        children: Vec<Node>,
    },
    /// A paragraph.
    Paragraph(Vec<Node>),
    /// *Emphasis*.
    Emphasis(Vec<Node>),
    /// **Strong**.
    Strong(Vec<Node>),
    /// ~~Struck through~~.
    Strikethrough(Vec<Node>),
    /// `Inline code`.
    Code(String),
    /// A fenced or indented code block and its language (may be empty).
    CodeBlock {
        /// The fence's info string's first word.
        language: String,
        /// The code.
        code: String,
    },
    /// A bulleted list (no start) or a numbered one.
    List {
        /// The first number of a numbered list.
        start: Option<u64>,
        /// Its items ([`Node::Item`]).
        items: Vec<Node>,
    },
    /// A list's item.
    Item(Vec<Node>),
    /// A task list's check box.
    Task(bool),
    /// A quotation.
    BlockQuote(Vec<Node>),
    /// A table.
    Table {
        /// Each column's alignment.
        align: Vec<Align>,
        /// The header's cells ([`Node::TableCell`]).
        head: Vec<Node>,
        /// The body's rows ([`Node::TableRow`]).
        rows: Vec<Node>,
    },
    /// A table's row.
    TableRow(Vec<Node>),
    /// A table's cell.
    TableCell(Vec<Node>),
    /// A link to a checked address.
    Link {
        /// http, https, mailto, `#fragment` or a relative path.
        href: String,
        /// Its title (a tooltip), may be empty.
        title: String,
        /// Its text.
        children: Vec<Node>,
    },
    /// An image from a checked address.
    Image {
        /// http, https, or a PNG, JPEG or GIF `data:` URL.
        src: String,
        /// Its alternative text.
        alt: String,
        /// Its title, may be empty.
        title: String,
    },
    /// Plain text (raw HTML included, literally).
    Text(String),
    /// A line across (`---`).
    Rule,
    /// A hard line break.
    LineBreak,
}

/// Parses Markdown into nodes (tables, strikethrough, task lists and `$math$` as Jupyter
/// reads them; math is kept as its literal text).
pub fn parse_markdown(text: &str) -> Vec<Node> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_MATH;
    let mut builder = Builder {
        stack: vec![Frame::new(Open::Root)],
    };
    for event in Parser::new_ext(text, options) {
        builder.event(event);
    }
    while builder.stack.len() > 1 {
        builder.close();
    }
    builder.stack.pop().map(|f| f.children).unwrap_or_default()
}

/// Removes what browsers skip in an address (tabs and new lines anywhere, spaces and control
/// characters around it), so `java\tscript:` is seen as the `javascript:` it would be.
fn normalise(url: &str) -> String {
    url.chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .trim_matches(|c: char| c <= ' ')
        .to_owned()
}

/// An address's scheme, lower-cased, if it has one (`https` of `HTTPS://x`).
fn scheme(url: &str) -> Option<String> {
    let end = url.find([':', '/', '?', '#'])?;
    let candidate = &url[..end];
    let valid = url[end..].starts_with(':')
        && candidate.starts_with(|c: char| c.is_ascii_alphabetic())
        && candidate
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| candidate.to_ascii_lowercase())
}

/// The link's address if it may be followed: http, https, mailto, a `#fragment` or a relative
/// path; `None` for any other scheme (`javascript:`, `vbscript:`, `data:`, `file:`).
pub fn safe_link(url: &str) -> Option<String> {
    let url = normalise(url);
    match scheme(&url).as_deref() {
        None if !url.is_empty() => Some(url),
        Some("http" | "https" | "mailto") => Some(url),
        _ => None,
    }
}

/// The image's address if it may be shown: http, https, or a PNG, JPEG or GIF `data:` URL.
pub fn safe_image(url: &str) -> Option<String> {
    let url = normalise(url);
    match scheme(&url).as_deref() {
        Some("http" | "https") => Some(url),
        Some("data") => {
            let media = url[5..]
                .split([';', ','])
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase();
            matches!(media.as_str(), "image/png" | "image/jpeg" | "image/gif").then_some(url)
        }
        _ => None,
    }
}

/// The anchor Jupyter gives a heading: its text with spaces as `-`.
pub fn anchor(text: &str) -> String {
    text.trim().replace(char::is_whitespace, "-")
}

/// The plain text of nodes (a heading's anchor, an image's alt text).
pub fn plain_text(nodes: &[Node]) -> String {
    let mut out = String::new();
    for node in nodes {
        match node {
            Node::Text(t) | Node::Code(t) => out.push_str(t),
            Node::Image { alt, .. } => out.push_str(alt),
            Node::LineBreak => out.push(' '),
            Node::Heading { children, .. }
            | Node::Paragraph(children)
            | Node::Emphasis(children)
            | Node::Strong(children)
            | Node::Strikethrough(children)
            | Node::Item(children)
            | Node::BlockQuote(children)
            | Node::TableRow(children)
            | Node::TableCell(children)
            | Node::Link { children, .. } => out.push_str(&plain_text(children)),
            _ => {}
        }
    }
    out
}

/// What an open tag will become when it closes.
enum Open {
    Root,
    Paragraph,
    Heading(u8),
    BlockQuote,
    CodeBlock(String),
    List(Option<u64>),
    Item,
    Table(Vec<Align>),
    TableHead,
    TableRow,
    TableCell,
    Emphasis,
    Strong,
    Strikethrough,
    /// A link: its address if safe, and its title.
    Link(Option<String>, String),
    /// An image: its address if safe, and its title; its children are its alt text.
    Image(Option<String>, String),
    /// Raw HTML: its text is kept as text.
    Html,
}

struct Frame {
    open: Open,
    children: Vec<Node>,
}

impl Frame {
    fn new(open: Open) -> Self {
        Frame {
            open,
            children: Vec::new(),
        }
    }
}

struct Builder {
    stack: Vec<Frame>,
}

impl Builder {
    fn push(&mut self, node: Node) {
        if let Some(top) = self.stack.last_mut() {
            // Adjacent text (split by the parser at entities) is one text node.
            if let (Some(Node::Text(last)), Node::Text(more)) = (top.children.last_mut(), &node) {
                last.push_str(more);
                return;
            }
            top.children.push(node);
        }
    }

    fn event(&mut self, event: Event) {
        match event {
            Event::Start(tag) => self.stack.push(Frame::new(open(tag))),
            // Every start has its end: each closes the innermost open tag.
            Event::End(_) => self.close(),
            Event::Text(t) => self.push(Node::Text(t.into_string())),
            Event::Code(t) => self.push(Node::Code(t.into_string())),
            Event::InlineMath(t) => self.push(Node::Text(format!("${t}$"))),
            Event::DisplayMath(t) => self.push(Node::Text(format!("$${t}$$"))),
            Event::Html(t) | Event::InlineHtml(t) => self.push(Node::Text(t.into_string())),
            Event::FootnoteReference(t) => self.push(Node::Text(format!("[^{t}]"))),
            Event::SoftBreak => self.push(Node::Text("\n".into())),
            Event::HardBreak => self.push(Node::LineBreak),
            Event::Rule => self.push(Node::Rule),
            Event::TaskListMarker(done) => self.push(Node::Task(done)),
        }
    }

    /// Closes the innermost open tag into its node.
    fn close(&mut self) {
        let Some(Frame { open, children }) = self.stack.pop() else {
            return;
        };
        let node = match open {
            Open::Root => {
                self.stack.push(Frame { open, children });
                return;
            }
            Open::Paragraph => Node::Paragraph(children),
            Open::Heading(level) => Node::Heading {
                level,
                anchor: anchor(&plain_text(&children)),
                children,
            },
            Open::BlockQuote => Node::BlockQuote(children),
            Open::CodeBlock(language) => Node::CodeBlock {
                language,
                code: plain_text(&children),
            },
            Open::List(start) => Node::List {
                start,
                items: children,
            },
            Open::Item => Node::Item(children),
            Open::Table(align) => {
                let mut parts = children.into_iter();
                let head = match parts.next() {
                    Some(Node::TableRow(cells)) => cells,
                    _ => Vec::new(),
                };
                Node::Table {
                    align,
                    head,
                    rows: parts.collect(),
                }
            }
            Open::TableHead | Open::TableRow => Node::TableRow(children),
            Open::TableCell => Node::TableCell(children),
            Open::Emphasis => Node::Emphasis(children),
            Open::Strong => Node::Strong(children),
            Open::Strikethrough => Node::Strikethrough(children),
            Open::Link(Some(href), title) => Node::Link {
                href,
                title,
                children,
            },
            Open::Image(Some(src), title) => Node::Image {
                src,
                alt: plain_text(&children),
                title,
            },
            // An address refused: the text stays, without the link or the image.
            Open::Link(None, _) | Open::Image(None, _) | Open::Html => {
                for child in children {
                    self.push(child);
                }
                return;
            }
        };
        self.push(node);
    }
}

fn open(tag: Tag) -> Open {
    match tag {
        Tag::Paragraph => Open::Paragraph,
        Tag::Heading { level, .. } => Open::Heading(level as u8),
        Tag::BlockQuote(_) => Open::BlockQuote,
        Tag::CodeBlock(CodeBlockKind::Fenced(info)) => Open::CodeBlock(
            info.split_whitespace()
                .next()
                .unwrap_or_default()
                .to_owned(),
        ),
        Tag::CodeBlock(CodeBlockKind::Indented) => Open::CodeBlock(String::new()),
        Tag::List(start) => Open::List(start),
        Tag::Item => Open::Item,
        Tag::Table(align) => Open::Table(
            align
                .into_iter()
                .map(|a| match a {
                    Alignment::None => Align::None,
                    Alignment::Left => Align::Left,
                    Alignment::Center => Align::Center,
                    Alignment::Right => Align::Right,
                })
                .collect(),
        ),
        Tag::TableHead => Open::TableHead,
        Tag::TableRow => Open::TableRow,
        Tag::TableCell => Open::TableCell,
        Tag::Emphasis => Open::Emphasis,
        Tag::Strong => Open::Strong,
        Tag::Strikethrough => Open::Strikethrough,
        Tag::Link {
            dest_url, title, ..
        } => Open::Link(safe_link(&dest_url), title.into_string()),
        Tag::Image {
            dest_url, title, ..
        } => Open::Image(safe_image(&dest_url), title.into_string()),
        // Raw HTML blocks, and anything not enabled above, keep their text as text.
        _ => Open::Html,
    }
}
