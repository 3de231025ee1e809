//! JSON and YAML coloured as simply as they can be: keys, strings, numbers, `true` / `false` /
//! `null`, YAML's comments. Malformed text is coloured as far as it goes, never refused.

use super::highlight::{line_end, Span, Token};

fn span(token: Token, start: usize, end: usize) -> Span {
    Span { token, start, end }
}

/// The end of a double-quoted string starting at `at` (its closing quote, or the line's end).
fn quoted(bytes: &[u8], at: usize, quote: u8) -> usize {
    let mut i = at + 1;
    while i < bytes.len() && bytes[i] != b'\n' {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b if b == quote => return i + 1,
            _ => i += 1,
        }
    }
    i.min(bytes.len())
}

/// A scalar's token: a number, a keyword (`true`, `false`, `null`, YAML's `yes` / `no` / `~`),
/// or none.
fn scalar(word: &str) -> Option<Token> {
    let lower = word.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "~"
    ) {
        return Some(Token::Keyword);
    }
    let number = word
        .trim_start_matches(['-', '+'])
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+' | '_'));
    (number && word.chars().any(|c| c.is_ascii_digit())).then_some(Token::Number)
}

/// JSON's tokens: keys (a string before `:`), strings, numbers, keywords.
pub fn json(text: &str) -> Vec<Span> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let c = bytes[at];
        if c == b'"' {
            let end = quoted(bytes, at, b'"');
            let mut next = end;
            while next < bytes.len() && bytes[next].is_ascii_whitespace() {
                next += 1;
            }
            let key = bytes.get(next) == Some(&b':');
            let token = if key {
                Token::Definition
            } else {
                Token::String
            };
            spans.push(span(token, at, end));
            at = end;
        } else if c == b'-' || c.is_ascii_alphanumeric() {
            let start = at;
            while at < bytes.len()
                && (bytes[at].is_ascii_alphanumeric() || matches!(bytes[at], b'.' | b'-' | b'+'))
            {
                at += 1;
            }
            if let Some(token) = scalar(&text[start..at]) {
                spans.push(span(token, start, at));
            }
        } else {
            at += text[at..].chars().next().map_or(1, char::len_utf8);
        }
    }
    spans
}

/// YAML's tokens, line by line: comments, keys (`name:`), quoted strings, scalar values.
pub fn yaml(text: &str) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut at = 0;
    while at < text.len() {
        let end = line_end(text, at);
        yaml_line(text, at, end, &mut spans);
        at = end + 1;
    }
    spans
}

fn yaml_line(text: &str, start: usize, end: usize, spans: &mut Vec<Span>) {
    let bytes = text.as_bytes();
    let mut at = start;
    while at < end && matches!(bytes[at], b' ' | b'\t' | b'-') {
        // `- ` starts a list item; `---` a document.
        if bytes[at] == b'-' && !matches!(bytes.get(at + 1), Some(b' ' | b'\n' | b'-') | None) {
            break;
        }
        at += 1;
    }
    // A key: up to `: ` or a `:` ending the line, outside quotes.
    let mut key_end = None;
    let mut i = at;
    while i < end {
        match bytes[i] {
            b'"' | b'\'' => i = quoted(bytes, i, bytes[i]).min(end),
            b'#' if i == at || bytes[i - 1] == b' ' => break,
            b':' if i + 1 == end || matches!(bytes[i + 1], b' ' | b'\t') => {
                key_end = Some(i);
                break;
            }
            _ => i += 1,
        }
    }
    if let Some(k) = key_end {
        if k > at {
            spans.push(span(Token::Definition, at, k));
        }
        at = k + 1;
    }
    while at < end && matches!(bytes[at], b' ' | b'\t') {
        at += 1;
    }
    if at >= end {
        return;
    }
    match bytes[at] {
        b'#' => spans.push(span(Token::Comment, at, end)),
        b'"' | b'\'' => {
            let close = quoted(bytes, at, bytes[at]).min(end);
            spans.push(span(Token::String, at, close));
            comment_after(bytes, close, end, spans);
        }
        _ => {
            let value_end = comment_at(bytes, at, end).unwrap_or(end);
            let value = text[at..value_end].trim_end();
            if let Some(token) = scalar(value) {
                spans.push(span(token, at, at + value.len()));
            }
            comment_after(bytes, value_end, end, spans);
        }
    }
}

/// Where a ` #` comment starts between `from` and `end`.
fn comment_at(bytes: &[u8], from: usize, end: usize) -> Option<usize> {
    (from..end).find(|&i| bytes[i] == b'#' && (i == from || matches!(bytes[i - 1], b' ' | b'\t')))
}

fn comment_after(bytes: &[u8], from: usize, end: usize, spans: &mut Vec<Span>) {
    if let Some(c) = comment_at(bytes, from, end) {
        if c == from || matches!(bytes[c - 1], b' ' | b'\t') {
            spans.push(span(Token::Comment, c, end));
        }
    }
}
