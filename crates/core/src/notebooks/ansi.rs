//! Terminal text in outputs: IPython colours its tracebacks with ANSI escape codes, and
//! progress bars rewrite their line with `\r`. The studio shows the text with a few colours
//! and the last state of each line, and never the codes themselves.

/// One of the eight terminal colours (bright ones shown as their plain colour).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnsiColor {
    /// 30 / 90.
    Black,
    /// 31 / 91.
    Red,
    /// 32 / 92.
    Green,
    /// 33 / 93.
    Yellow,
    /// 34 / 94.
    Blue,
    /// 35 / 95.
    Magenta,
    /// 36 / 96.
    Cyan,
    /// 37 / 97.
    White,
}

impl AnsiColor {
    /// The CSS class the studio colours it with, written whole so that the build finds it in
    /// the module's strings (xtask/src/area_rules.rs).
    pub fn class(self) -> &'static str {
        match self {
            AnsiColor::Black => "ansi-black",
            AnsiColor::Red => "ansi-red",
            AnsiColor::Green => "ansi-green",
            AnsiColor::Yellow => "ansi-yellow",
            AnsiColor::Blue => "ansi-blue",
            AnsiColor::Magenta => "ansi-magenta",
            AnsiColor::Cyan => "ansi-cyan",
            AnsiColor::White => "ansi-white",
        }
    }

    fn from_code(code: u32) -> Option<AnsiColor> {
        use AnsiColor::*;
        let colors = [Black, Red, Green, Yellow, Blue, Magenta, Cyan, White];
        match code {
            30..=37 => Some(colors[(code - 30) as usize]),
            90..=97 => Some(colors[(code - 90) as usize]),
            _ => None,
        }
    }
}

/// A run of text in one colour.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Styled {
    /// The text, without escape codes.
    pub text: String,
    /// Its foreground colour, if set.
    pub color: Option<AnsiColor>,
    /// Whether it is bold.
    pub bold: bool,
}

/// Splits terminal text into coloured runs, dropping every escape sequence (SGR colours are
/// read; cursor moves, OSC titles and the rest are removed). Text between escapes is copied a
/// slice at a time (a char at a time cost 30 ms more, natively, on a 5 MB notebook's outputs).
pub fn parse_ansi(text: &str) -> Vec<Styled> {
    let mut runs: Vec<Styled> = Vec::new();
    let (mut color, mut bold) = (None, false);
    let mut current = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('\u{1b}') {
        current.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let bytes = after.as_bytes();
        rest = match bytes.first() {
            Some(b'[') => {
                // CSI: parameters up to a final byte in 0x40..=0x7e.
                match bytes[1..].iter().position(|b| (0x40..=0x7e).contains(b)) {
                    Some(end) => {
                        if bytes[1 + end] == b'm' {
                            if !current.is_empty() {
                                runs.push(Styled {
                                    text: std::mem::take(&mut current),
                                    color,
                                    bold,
                                });
                            }
                            apply_sgr(&after[1..1 + end], &mut color, &mut bold);
                        }
                        &after[2 + end..]
                    }
                    None => "",
                }
            }
            // OSC: up to BEL or ESC \.
            Some(b']') => {
                let end = (1..bytes.len()).find_map(|i| match bytes[i] {
                    7 => Some(i + 1),
                    0x1b if bytes.get(i + 1) == Some(&b'\\') => Some(i + 2),
                    _ => None,
                });
                end.map_or("", |end| &after[end..])
            }
            // Any other escape: it and the character after it.
            _ => &after[after.chars().next().map_or(0, char::len_utf8)..],
        };
    }
    current.push_str(rest);
    if !current.is_empty() {
        runs.push(Styled {
            text: current,
            color,
            bold,
        });
    }
    runs
}

fn apply_sgr(params: &str, color: &mut Option<AnsiColor>, bold: &mut bool) {
    let codes: Vec<u32> = params.split(';').map(|p| p.parse().unwrap_or(0)).collect();
    let mut i = 0;
    while i < codes.len() {
        match codes[i] {
            0 => {
                *color = None;
                *bold = false;
            }
            1 => *bold = true,
            22 => *bold = false,
            39 => *color = None,
            // 256-colour and true-colour foregrounds: skipped with their arguments.
            38 => {
                i += if codes.get(i + 1) == Some(&5) { 2 } else { 4 };
            }
            48 => {
                i += if codes.get(i + 1) == Some(&5) { 2 } else { 4 };
            }
            code => {
                if let Some(c) = AnsiColor::from_code(code) {
                    *color = Some(c);
                }
            }
        }
        i += 1;
    }
}

/// The text without its escape codes.
pub fn strip_ansi(text: &str) -> String {
    parse_ansi(text).into_iter().map(|r| r.text).collect()
}

/// Each line as a terminal would leave it: what follows a `\r` writes over the line from its
/// start, `\r\n` is a plain new line, and a `\b` takes back the character before it.
pub fn settle_carriage_returns(text: &str) -> String {
    // Bytes, not a char pattern: the check was most of the 29 ms (natively) that the outputs of
    // a 5 MB notebook took to show; now they take 4.
    if !text.bytes().any(|b| b == b'\r' || b == 8) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    for (n, line) in text.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let line = line.strip_suffix('\r').unwrap_or(line);
        let mut shown: Vec<char> = Vec::new();
        let mut cursor = 0;
        for c in line.chars() {
            match c {
                '\r' => cursor = 0,
                '\u{8}' => {
                    if cursor > 0 && cursor == shown.len() {
                        shown.pop();
                    }
                    cursor = cursor.saturating_sub(1);
                }
                _ => {
                    if cursor < shown.len() {
                        shown[cursor] = c;
                    } else {
                        shown.push(c);
                    }
                    cursor += 1;
                }
            }
        }
        out.extend(shown);
    }
    out
}
