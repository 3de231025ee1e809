//! Markdown kept safe, highlighting, terminal text.

use super::ansi::{parse_ansi, settle_carriage_returns, strip_ansi, AnsiColor};
use super::highlight::{highlight, Language, Span, Token};
use super::markdown::{parse_markdown, plain_text, safe_image, safe_link, Node};

/// Every node of a tree, depth first.
fn walk(nodes: &[Node], out: &mut Vec<Node>) {
    for n in nodes {
        out.push(n.clone());
        match n {
            Node::Heading { children, .. }
            | Node::Paragraph(children)
            | Node::Emphasis(children)
            | Node::Strong(children)
            | Node::Strikethrough(children)
            | Node::Item(children)
            | Node::BlockQuote(children)
            | Node::TableRow(children)
            | Node::TableCell(children)
            | Node::Link { children, .. } => walk(children, out),
            Node::List { items, .. } => walk(items, out),
            Node::Table { head, rows, .. } => {
                walk(head, out);
                walk(rows, out);
            }
            _ => {}
        }
    }
}

fn all(md: &str) -> Vec<Node> {
    let mut out = Vec::new();
    walk(&parse_markdown(md), &mut out);
    out
}

fn links(md: &str) -> Vec<String> {
    all(md)
        .into_iter()
        .filter_map(|n| match n {
            Node::Link { href, .. } => Some(href),
            _ => None,
        })
        .collect()
}

fn images(md: &str) -> Vec<String> {
    all(md)
        .into_iter()
        .filter_map(|n| match n {
            Node::Image { src, .. } => Some(src),
            _ => None,
        })
        .collect()
}

#[test]
fn markdown_structure() {
    let md = "# Big *title*\n\nA **bold** `code` and ~~gone~~.  \nNext\n\n- one\n- [x] two\n\n3. c\n\n> quoted\n\n---\n\n```python\nx = 1\n```\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n";
    let nodes = parse_markdown(md);
    assert!(matches!(&nodes[0], Node::Heading { level: 1, anchor, .. } if anchor == "Big-title"));
    let every = all(md);
    assert!(every.iter().any(|n| matches!(n, Node::Strong(_))));
    assert!(every
        .iter()
        .any(|n| matches!(n, Node::Code(c) if c == "code")));
    assert!(every.iter().any(|n| matches!(n, Node::Strikethrough(_))));
    assert!(every.iter().any(|n| matches!(n, Node::LineBreak)));
    assert!(every.iter().any(|n| matches!(n, Node::Task(true))));
    assert!(every
        .iter()
        .any(|n| matches!(n, Node::List { start: Some(3), .. })));
    assert!(every.iter().any(|n| matches!(n, Node::BlockQuote(_))));
    assert!(every.iter().any(|n| matches!(n, Node::Rule)));
    assert!(every
        .iter()
        .any(|n| matches!(n, Node::CodeBlock { language, code } if language == "python" && code == "x = 1\n")));
    let table = every
        .iter()
        .find(|n| matches!(n, Node::Table { .. }))
        .unwrap();
    match table {
        Node::Table { align, head, rows } => {
            assert_eq!(align.len(), 2);
            assert_eq!(plain_text(head), "ab");
            assert_eq!(rows.len(), 1);
        }
        _ => unreachable!(),
    }
}

#[test]
fn raw_html_is_literal_text() {
    let md = "<script>window.__x=1</script>\n\nSee <img src=x onerror=alert(1)> here\n\n<div onclick=\"x()\">block</div>";
    let every = all(md);
    let text = plain_text(&parse_markdown(md));
    assert!(text.contains("<script>window.__x=1</script>"));
    assert!(text.contains("<img src=x onerror=alert(1)>"));
    assert!(text.contains("<div onclick=\"x()\">block</div>"));
    assert!(!every
        .iter()
        .any(|n| matches!(n, Node::Image { .. } | Node::Link { .. })));
}

#[test]
fn only_safe_links_are_kept() {
    let md = "[a](https://learn.microsoft.com) [b](http://x.org) [c](mailto:ada@contoso.com) \
              [d](#results) [e](data/train.py) [f](../other.ipynb) \
              [g](javascript:alert(1)) [h](JAVASCRIPT:alert(1)) [i](vbscript:msgbox) \
              [j](data:text/html,<script>alert(1)</script>) [k](java\tscript:alert(1)) \
              [l]( javascript:alert(1)) [m](&#106;avascript:alert(1)) [n](file:///etc/passwd)";
    assert_eq!(
        links(md),
        [
            "https://learn.microsoft.com",
            "http://x.org",
            "mailto:ada@contoso.com",
            "#results",
            "data/train.py",
            "../other.ipynb"
        ]
    );
    // The refused links' text stays.
    let text = plain_text(&parse_markdown(md));
    for kept in ["g", "h", "i", "j", "k", "l", "m", "n"] {
        assert!(text.contains(kept), "{kept}");
    }
    assert_eq!(safe_link("java\nscript:alert(1)"), None);
    assert_eq!(safe_link("\u{1}javascript:alert(1)"), None);
    assert_eq!(safe_link(""), None);
    assert_eq!(safe_link("HTTPS://X"), Some("HTTPS://X".into()));
}

#[test]
fn only_safe_images_are_kept() {
    let md = "![a](https://x.org/a.png) ![b](data:image/png;base64,iVBOR) ![c](data:image/jpeg;base64,/9j) \
              ![d](data:image/gif;base64,R0l) ![e](data:image/svg+xml;base64,PHN2Zz4=) \
              ![f](data:text/html;base64,PHNjcmlwdD4=) ![g](javascript:alert(1)) ![h](local.png) \
              ![i](DATA:IMAGE/PNG;base64,x)";
    assert_eq!(
        images(md),
        [
            "https://x.org/a.png",
            "data:image/png;base64,iVBOR",
            "data:image/jpeg;base64,/9j",
            "data:image/gif;base64,R0l",
            "DATA:IMAGE/PNG;base64,x"
        ]
    );
    let text = plain_text(&parse_markdown(md));
    for alt in ["e", "f", "g", "h"] {
        assert!(text.contains(alt), "{alt}");
    }
    assert_eq!(safe_image("data:image/svg+xml,<svg onload=alert(1)>"), None);
}

#[test]
fn math_stays_literal() {
    let text = plain_text(&parse_markdown("Loss $x_1 + y_2$ here"));
    assert_eq!(text, "Loss $x_1 + y_2$ here");
}

fn tokens(language: Language, text: &str) -> Vec<(Token, String)> {
    highlight(language, text)
        .into_iter()
        .map(|Span { token, start, end }| (token, text[start..end].to_owned()))
        .collect()
}

#[test]
fn python_tokens() {
    use Token::*;
    let code = "@dataclass\ndef train(x=0x1F, y=1.5e-3j):\n    # fit it\n    return print(f\"{x!r} is {y}\", r'\\d', None)\n";
    let t = tokens(Language::Python, code);
    assert_eq!(t[0], (Decorator, "@dataclass".into()));
    assert_eq!(t[1], (Keyword, "def".into()));
    assert_eq!(t[2], (Definition, "train".into()));
    assert!(t.contains(&(Number, "0x1F".into())));
    assert!(t.contains(&(Number, "1.5e-3j".into())));
    assert!(t.contains(&(Comment, "# fit it".into())));
    assert!(t.contains(&(Keyword, "return".into())));
    assert!(t.contains(&(Builtin, "print".into())));
    assert!(t.contains(&(String, "f".into())));
    assert!(t.contains(&(Interpolation, "{x!r}".into())));
    assert!(t.contains(&(String, " is ".into())));
    assert!(t.contains(&(String, "'\\d'".into())));
    assert!(t.contains(&(Constant, "None".into())));
    assert!(t.contains(&(Operator, "=".into())));
}

#[test]
fn python_strings_span_lines_and_escapes() {
    use Token::*;
    let code = "s = \"\"\"one\n'two' \"still\"\n\"\"\"\nt = 'it\\'s'  # done\nu = \"open\nv = 1";
    let t = tokens(Language::Python, code);
    assert!(t.contains(&(String, "\"\"\"one\n'two' \"still\"\n\"\"\"".into())));
    assert!(t.contains(&(String, "'it\\'s'".into())));
    assert!(t.contains(&(Comment, "# done".into())));
    // An unclosed one-line string ends at its line.
    assert!(t.contains(&(String, "\"open".into())));
    assert!(t.contains(&(Number, "1".into())));
    // `a @ b` is an operator; `{{` in an f-string is text.
    let t = tokens(Language::Python, "c = a @ b\nf'{{x}}'");
    assert!(t.contains(&(Operator, "@".into())));
    assert!(!t.iter().any(|(k, _)| *k == Interpolation));
    // Non-ASCII names and text never split a character.
    let t = tokens(Language::Python, "naïve = 'ça' # é\nx\\é");
    assert!(t.contains(&(String, "'ça'".into())));
}

#[test]
fn json_and_yaml_tokens() {
    use Token::*;
    let t = tokens(
        Language::Json,
        "{\"name\": \"x\", \"n\": -1.5e3, \"ok\": true, \"v\": null}",
    );
    assert!(t.contains(&(Definition, "\"name\"".into())));
    assert!(t.contains(&(String, "\"x\"".into())));
    assert!(t.contains(&(Number, "-1.5e3".into())));
    assert!(t.contains(&(Keyword, "true".into())));
    assert!(t.contains(&(Keyword, "null".into())));
    let yaml = "# job\n$schema: https://x/y.json\ncompute: azureml:cpu  # here\ninputs:\n  - n: 3\n    flag: true\n    s: \"a: b\"\n";
    let t = tokens(Language::Yaml, yaml);
    assert!(t.contains(&(Comment, "# job".into())));
    assert!(t.contains(&(Definition, "$schema".into())));
    assert!(t.contains(&(Definition, "compute".into())));
    assert!(t.contains(&(Comment, "# here".into())));
    assert!(t.contains(&(Definition, "n".into())));
    assert!(t.contains(&(Number, "3".into())));
    assert!(t.contains(&(Keyword, "true".into())));
    assert!(t.contains(&(String, "\"a: b\"".into())));
    assert_eq!(Language::of_path("a/b.YML"), Language::Yaml);
    assert_eq!(Language::of_path("train.py"), Language::Python);
    assert_eq!(Language::of_path("notes.txt"), Language::Plain);
    assert!(tokens(Language::Plain, "def x").is_empty());
}

#[test]
fn terminal_text() {
    let tb = "\u{1b}[0;31mZeroDivisionError\u{1b}[0m: \u{1b}[1;32mdivision\u{1b}[39m\u{1b}]0;title\u{7}!";
    assert_eq!(strip_ansi(tb), "ZeroDivisionError: division!");
    let runs = parse_ansi(tb);
    assert_eq!(runs[0].color, Some(AnsiColor::Red));
    assert_eq!(runs[0].text, "ZeroDivisionError");
    assert!(runs[2].bold && runs[2].color == Some(AnsiColor::Green));
    assert_eq!(runs[3].color, None);
    assert_eq!(strip_ansi("\u{1b}[38;5;208mx\u{1b}[2Ky"), "xy");
    assert_eq!(
        settle_carriage_returns("10%\r50%\r100%\ndone\r\n"),
        "100%\ndone\n"
    );
    assert_eq!(settle_carriage_returns("abc\rx"), "xbc");
    assert_eq!(settle_carriage_returns("ab\u{8}c"), "ac");
}
