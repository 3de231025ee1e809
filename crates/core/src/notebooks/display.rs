//! Which of an output's representations the studio shows, as Jupyter picks one: HTML (in a
//! sandboxed frame) before SVG, PNG, JPEG, Markdown and plain text.

use super::model::{mime_text, MimeBundle};

/// The representation of an output to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shown {
    /// `text/html`, to show in a sandboxed frame that runs no script.
    Html(String),
    /// `image/svg+xml`, to show as an image (an image never runs script).
    Svg(String),
    /// `image/png` or `image/jpeg` (the mime type), base64 without white space.
    Image(&'static str, String),
    /// `text/markdown`, to render safely.
    Markdown(String),
    /// `text/plain`, or JSON or LaTeX as their text.
    Text(String),
    /// Nothing the studio can show (only `application/javascript`, widgets, …).
    Nothing(Vec<String>),
}

/// Chooses what to show of a mime bundle.
pub fn choose(data: &MimeBundle) -> Shown {
    let text = |mime: &str| data.get(mime).and_then(mime_text);
    if let Some(html) = text("text/html") {
        return Shown::Html(html);
    }
    if let Some(svg) = text("image/svg+xml") {
        return Shown::Svg(svg);
    }
    for mime in ["image/png", "image/jpeg"] {
        if let Some(b64) = text(mime) {
            let clean: String = b64.chars().filter(|c| !c.is_whitespace()).collect();
            let mime = if mime == "image/png" {
                "image/png"
            } else {
                "image/jpeg"
            };
            return Shown::Image(mime, clean);
        }
    }
    if let Some(md) = text("text/markdown") {
        return Shown::Markdown(md);
    }
    if let Some(plain) = text("text/plain") {
        return Shown::Text(plain);
    }
    if let Some(json) = data.get("application/json") {
        return Shown::Text(serde_json::to_string_pretty(json).unwrap_or_default());
    }
    if let Some(latex) = text("text/latex") {
        return Shown::Text(latex);
    }
    Shown::Nothing(data.keys().cloned().collect())
}

/// Decodes base64 (standard or URL-safe alphabet; white space and missing padding allowed), or
/// `None` for anything else.
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let mut buffer = 0u32;
    let mut bits = 0;
    for b in text.bytes() {
        let value = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            b if b.is_ascii_whitespace() => continue,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    Some(out)
}

/// The mime type and bytes of a `data:image/...;base64,` URL.
pub fn data_url_image(url: &str) -> Option<(String, Vec<u8>)> {
    let rest = url
        .get(5..)
        .filter(|_| url[..5].eq_ignore_ascii_case("data:"))?;
    let (head, data) = rest.split_once(',')?;
    let mut parts = head.split(';');
    let mime = parts.next()?.trim().to_ascii_lowercase();
    if !parts.any(|p| p.trim().eq_ignore_ascii_case("base64")) {
        return None;
    }
    Some((mime, decode_base64(data)?))
}
