//! Text encodings a table's file may be in (`read_delimited`'s `encoding`), turned into UTF-8
//! for the preview and the profile: the UTF-8 family as it is, Latin-1 and Windows-1252 one
//! byte to one character, whole or as a stream. UTF-16 and UTF-32 are refused in words.

use std::borrow::Cow;
use std::io::{self, Read};

/// Encodings `read_delimited` accepts.
pub const ENCODINGS: &str = "utf8 iso88591 latin1 ascii utf16 utf32 utf8bom windows1252";

/// Windows-1252's characters for bytes 0x80 to 0x9F (where Latin-1 has control codes); the five
/// bytes it leaves undefined keep Latin-1's.
const WINDOWS_1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
];

/// How bytes become characters.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Decoding {
    Utf8,
    Latin1,
    Windows1252,
}

fn decoding(encoding: &str) -> Result<Decoding, String> {
    match encoding {
        "" | "utf8" | "utf8bom" | "ascii" => Ok(Decoding::Utf8),
        "iso88591" | "latin1" => Ok(Decoding::Latin1),
        "windows1252" => Ok(Decoding::Windows1252),
        other => Err(format!("This table's text is {other}; the studio reads UTF-8, Latin-1 and Windows-1252 files. Save it as UTF-8 to explore and profile it here.")),
    }
}

fn character(decoding: Decoding, byte: u8) -> char {
    match (decoding, byte) {
        (Decoding::Windows1252, 0x80..=0x9F) => WINDOWS_1252_HIGH[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

/// `bytes` in `encoding` as UTF-8, or why the studio cannot read it.
pub fn decode<'b>(encoding: &str, bytes: &'b [u8]) -> Result<Cow<'b, [u8]>, String> {
    match decoding(encoding)? {
        Decoding::Utf8 => Ok(bytes.into()),
        single => {
            let text: String = bytes.iter().map(|b| character(single, *b)).collect();
            Ok(text.into_bytes().into())
        }
    }
}

/// A reader of `inner` in `encoding` that yields UTF-8, a buffer at a time.
pub fn decoding_reader<R: Read>(encoding: &str, inner: R) -> Result<DecodingReader<R>, String> {
    Ok(DecodingReader {
        inner,
        decoding: decoding(encoding)?,
        raw: Vec::new(),
        out: Vec::new(),
        at: 0,
    })
}

/// A reader that turns text in a table's encoding into UTF-8 (UTF-8 passes through as it is).
pub struct DecodingReader<R> {
    inner: R,
    decoding: Decoding,
    raw: Vec<u8>,
    out: Vec<u8>,
    at: usize,
}

impl<R: Read> Read for DecodingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.decoding == Decoding::Utf8 {
            return self.inner.read(buf);
        }
        if self.at == self.out.len() {
            self.raw.resize(1 << 15, 0);
            let n = self.inner.read(&mut self.raw)?;
            if n == 0 {
                return Ok(0);
            }
            self.out.clear();
            self.at = 0;
            let mut utf8 = [0u8; 4];
            for byte in &self.raw[..n] {
                let c = character(self.decoding, *byte);
                self.out
                    .extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
            }
        }
        let n = buf.len().min(self.out.len() - self.at);
        buf[..n].copy_from_slice(&self.out[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_byte_text_reads_the_same_whole_and_streamed() {
        let bytes = b"Zo\xe9 \x80 \x93quoted\x94\n";
        assert_eq!(
            &*decode("latin1", bytes).unwrap(),
            "Zoé \u{80} \u{93}quoted\u{94}\n".as_bytes()
        );
        let windows = decode("windows1252", bytes).unwrap();
        assert_eq!(std::str::from_utf8(&windows).unwrap(), "Zoé € “quoted”\n");
        let mut streamed = String::new();
        decoding_reader("windows1252", &bytes[..])
            .unwrap()
            .read_to_string(&mut streamed)
            .unwrap();
        assert_eq!(streamed.as_bytes(), &*windows);
        assert_eq!(&*decode("utf8", "é".as_bytes()).unwrap(), "é".as_bytes());
        assert!(decode("utf16", b"x").unwrap_err().contains("utf16"));
        assert!(decoding_reader("utf32", &b""[..]).is_err());
    }
}
