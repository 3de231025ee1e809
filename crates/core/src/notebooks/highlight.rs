//! Syntax highlighting for the editor: a small hand-written Python tokenizer (keywords,
//! builtins, strings with their prefixes, triple-quoted and f-strings, comments, numbers,
//! decorators, operators), and JSON and YAML in `highlight_data`. Hand-written because a
//! highlighting library (syntect, tree-sitter) costs hundreds of KB of wasm for what a few
//! hundred lines do here; it colours text, it does not have to parse it.

/// What a highlighted range of text is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Token {
    /// `def`, `if`, `import`, … (and JSON's and YAML's `true`, `false`, `null`).
    Keyword,
    /// `True`, `False`, `None`.
    Constant,
    /// `print`, `len`, `range`, …
    Builtin,
    /// A string literal (or a JSON or YAML value).
    String,
    /// The `{expression}` inside an f-string.
    Interpolation,
    /// `# a comment`.
    Comment,
    /// `42`, `3.14`, `0xff`, `1e-3j`.
    Number,
    /// `@decorator`.
    Decorator,
    /// `+`, `==`, `->`, …
    Operator,
    /// The name `def` or `class` defines (or a JSON or YAML key).
    Definition,
}

impl Token {
    /// The CSS class the studio colours it with, written whole so that the build finds it in
    /// the module's strings (xtask/src/area_rules.rs).
    pub fn class(self) -> &'static str {
        match self {
            Token::Keyword => "tok-kw",
            Token::Constant => "tok-const",
            Token::Builtin => "tok-builtin",
            Token::String => "tok-str",
            Token::Interpolation => "tok-interp",
            Token::Comment => "tok-comment",
            Token::Number => "tok-num",
            Token::Decorator => "tok-deco",
            Token::Operator => "tok-op",
            Token::Definition => "tok-def",
        }
    }
}

/// A highlighted range: byte offsets `start..end` of the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    /// What it is.
    pub token: Token,
    /// Its first byte.
    pub start: usize,
    /// The byte after it.
    pub end: usize,
}

/// How a file's text is highlighted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    /// `.py` files and code cells.
    Python,
    /// `.json` and `.ipynb` opened as text.
    Json,
    /// `.yml` and `.yaml`.
    Yaml,
    /// Anything else: not highlighted.
    Plain,
}

impl Language {
    /// The language of a file, by its extension.
    pub fn of_path(path: &str) -> Language {
        let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
        match ext.as_deref() {
            Some("py") => Language::Python,
            Some("json" | "ipynb") => Language::Json,
            Some("yml" | "yaml") => Language::Yaml,
            _ => Language::Plain,
        }
    }
}

/// The highlighted ranges of `text` in `language`, in order, not overlapping; text between them
/// is plain.
pub fn highlight(language: Language, text: &str) -> Vec<Span> {
    match language {
        Language::Python => python(text),
        Language::Json => super::highlight_data::json(text),
        Language::Yaml => super::highlight_data::yaml(text),
        Language::Plain => Vec::new(),
    }
}

const KEYWORDS: &[&str] = &[
    "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif",
    "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
    "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];

const BUILTINS: &[&str] = &[
    "abs",
    "all",
    "any",
    "bool",
    "bytes",
    "callable",
    "chr",
    "dict",
    "dir",
    "divmod",
    "enumerate",
    "Exception",
    "filter",
    "float",
    "format",
    "frozenset",
    "getattr",
    "hasattr",
    "hash",
    "help",
    "hex",
    "id",
    "input",
    "int",
    "isinstance",
    "issubclass",
    "iter",
    "len",
    "list",
    "map",
    "max",
    "min",
    "next",
    "object",
    "open",
    "ord",
    "pow",
    "print",
    "property",
    "range",
    "repr",
    "reversed",
    "round",
    "self",
    "set",
    "setattr",
    "slice",
    "sorted",
    "str",
    "sum",
    "super",
    "tuple",
    "type",
    "ValueError",
    "TypeError",
    "KeyError",
    "zip",
];

/// String prefixes (lower-cased): raw, bytes, unicode, formatted.
const PREFIXES: &[&str] = &["r", "u", "b", "f", "br", "rb", "fr", "rf"];

const OPERATORS: &str = "+-*/%=<>!&|^~:@";

/// Python's tokens.
fn python(text: &str) -> Vec<Span> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut at = 0;
    // Whether only spaces came before, on this line (a decorator starts a line).
    let mut line_start = true;
    let mut defining = false;
    while at < bytes.len() {
        let c = bytes[at];
        let start = at;
        match c {
            b'\n' => {
                line_start = true;
                at += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' => {
                at += 1;
                continue;
            }
            b'#' => {
                at = line_end(text, at);
                spans.push(span(Token::Comment, start, at));
            }
            b'\'' | b'"' => at = string(text, at, "", &mut spans),
            b'@' if line_start => {
                at += 1;
                while at < bytes.len() && (is_ident(bytes[at]) || bytes[at] == b'.') {
                    at += 1;
                }
                spans.push(span(Token::Decorator, start, at));
            }
            b'0'..=b'9' => {
                at = number(bytes, at);
                spans.push(span(Token::Number, start, at));
            }
            b'.' if bytes.get(at + 1).is_some_and(u8::is_ascii_digit) => {
                at = number(bytes, at);
                spans.push(span(Token::Number, start, at));
            }
            _ if is_ident(c) => {
                while at < bytes.len() && is_ident(bytes[at]) {
                    at += 1;
                }
                let word = &text[start..at];
                let quoted = matches!(bytes.get(at), Some(b'\'' | b'"'));
                if quoted && PREFIXES.contains(&word.to_ascii_lowercase().as_str()) {
                    spans.push(span(Token::String, start, at));
                    at = string(text, at, word, &mut spans);
                } else if defining {
                    spans.push(span(Token::Definition, start, at));
                } else if KEYWORDS.contains(&word) {
                    spans.push(span(Token::Keyword, start, at));
                } else if matches!(word, "True" | "False" | "None") {
                    spans.push(span(Token::Constant, start, at));
                } else if BUILTINS.contains(&word) {
                    spans.push(span(Token::Builtin, start, at));
                }
                defining = matches!(word, "def" | "class");
                line_start = false;
                continue;
            }
            _ if OPERATORS.as_bytes().contains(&c) => {
                while at < bytes.len() && OPERATORS.as_bytes().contains(&bytes[at]) {
                    at += 1;
                }
                spans.push(span(Token::Operator, start, at));
            }
            _ => at += char_len(text, at),
        }
        line_start = false;
        defining = false;
    }
    spans
}

fn span(token: Token, start: usize, end: usize) -> Span {
    Span { token, start, end }
}

/// A letter, digit or `_` (any non-ASCII byte too: Python names may be in any script).
fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

fn char_len(text: &str, at: usize) -> usize {
    text[at..].chars().next().map_or(1, char::len_utf8)
}

/// The end of the line `at` is on (before its `\n`).
pub(crate) fn line_end(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |n| at + n)
}

/// The end of a number starting at `at`: digits, `_`, a point, an exponent, hex/octal/binary
/// digits after their prefix, a `j` for imaginary numbers.
fn number(bytes: &[u8], mut at: usize) -> usize {
    let start = at;
    while at < bytes.len() {
        let b = bytes[at];
        let exponent_sign =
            matches!(b, b'+' | b'-') && at > start && matches!(bytes[at - 1], b'e' | b'E');
        let hex = bytes
            .get(start + 1)
            .is_some_and(|x| matches!(x, b'x' | b'X'));
        if b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || exponent_sign {
            // `1.real` is a number then an attribute; `1.5` and `1.` are numbers.
            if b == b'.' && bytes.get(at + 1).is_some_and(|n| n.is_ascii_alphabetic()) {
                break;
            }
            if matches!(b, b'+' | b'-') && hex {
                break;
            }
            at += 1;
        } else {
            break;
        }
    }
    at
}

/// A string starting with the quote at `at` (after `prefix`): up to its closing quote (three
/// for a triple-quoted one), a new line ending a one-line string that was not closed. An
/// f-string's `{expressions}` are interpolations between string spans.
fn string(text: &str, at: usize, prefix: &str, spans: &mut Vec<Span>) -> usize {
    let bytes = text.as_bytes();
    let quote = bytes[at];
    let triple = bytes.get(at + 1) == Some(&quote) && bytes.get(at + 2) == Some(&quote);
    let lower = prefix.to_ascii_lowercase();
    let formatted = lower.contains('f');
    let mut i = at + if triple { 3 } else { 1 };
    let mut piece = at;
    while i < bytes.len() {
        let b = bytes[i];
        // An escaped quote does not end the string (in a raw one either: `r"\""`).
        if b == b'\\' {
            i += 2;
            continue;
        }
        if b == quote {
            if !triple {
                i += 1;
                break;
            }
            if bytes.get(i + 1) == Some(&quote) && bytes.get(i + 2) == Some(&quote) {
                i += 3;
                break;
            }
        }
        if b == b'\n' && !triple {
            break;
        }
        if formatted && b == b'{' {
            if bytes.get(i + 1) == Some(&b'{') {
                i += 2;
                continue;
            }
            if i > piece {
                spans.push(span(Token::String, piece, i));
            }
            let end = interpolation_end(bytes, i);
            spans.push(span(Token::Interpolation, i, end));
            i = end;
            piece = end;
            continue;
        }
        i += 1;
    }
    let end = i.min(bytes.len());
    if end > piece {
        spans.push(span(Token::String, piece, end));
    }
    end
}

/// The byte after the `}` that closes the interpolation opened at `at` (nested braces count),
/// or the end of the line.
fn interpolation_end(bytes: &[u8], at: usize) -> usize {
    let mut depth = 0;
    let mut i = at;
    while i < bytes.len() && bytes[i] != b'\n' {
        match bytes[i] {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    i
}
