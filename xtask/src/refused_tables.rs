//! The build refuses a studio module that carries one of two tables of Rust's standard library
//! that every page once paid for and none needs.
//!
//! - `str::parse::<f64>` (and `f32`) reads with a table of 1,302 powers of five, 10,416 bytes
//!   that do not compress: with its code, 12 KB brotli in every page file that read a number
//!   (18 of them on 2026-12-03). `azimuth_ml::decimal::parse_f64` reads the same numbers
//!   without it.
//! - `str`'s and `char`'s `Debug` escape what is not printable, with Unicode tables of about
//!   2 KB brotli (grapheme extenders and printable ranges, which come together: the first is
//!   looked for, and only where the studio is built with its own standard library, whose
//!   source says what its bytes are). A release build prints no `Debug`,
//!   but a hand-written `Debug` still calls them: `Display for serde_json::Value` goes through an
//!   `io::Error` made from a string (15 pages carried them for it on 2026-12-03), and so did
//!   `escape_debug` in a name's error. `azimuth_core::arm::json::to_json` and
//!   `arm::shown_char` do the same work without them.
//!
//! A module that carries one again is named, with the way around it.

use crate::{cmd, setup, Result};
use std::fs;
use std::path::{Path, PathBuf};

/// A table no module may carry: bytes that begin it as it lies in memory, and the advice.
struct Refused {
    start: Vec<u8>,
    advice: &'static str,
}

/// The powers of five's first entry, 5^-342 normalized to 128 bits: its high and its low half,
/// each a little-endian `u64`. The numbers are mathematics, so the bytes do not change.
fn float_table() -> Refused {
    let mut start = Vec::with_capacity(16);
    start.extend(0xeef4_53d6_923b_d65a_u64.to_le_bytes());
    start.extend(0x113f_aa29_06a1_3b3f_u64.to_le_bytes());
    Refused {
        start,
        advice: "str::parse::<f64> brings a 10 KB table of powers of five; read decimal text \
                 with azimuth_ml::decimal::parse_f64",
    }
}

/// How many of the grapheme extenders' offsets make the Unicode table's needle.
const UNICODE_NEEDLE: usize = 24;

/// The grapheme extenders' table (`core::unicode::unicode_data::grapheme_extend::OFFSETS`) as
/// the standard library the studio is built with writes it: read from that library's source,
/// because a new Unicode version changes the bytes.
fn unicode_table(source: &str) -> Result<Refused> {
    let module = source
        .split_once("pub mod grapheme_extend")
        .map(|(_, rest)| rest)
        .ok_or("core's unicode_data.rs has no grapheme_extend module")?;
    let offsets = module
        .split_once("static OFFSETS")
        .and_then(|(_, rest)| rest.split_once("= ["))
        .and_then(|(_, rest)| rest.split_once(']'))
        .map(|(list, _)| list)
        .ok_or("core's grapheme_extend has no OFFSETS list")?;
    let start = offsets
        .split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .take(UNICODE_NEEDLE)
        .map(str::parse::<u8>)
        .collect::<std::result::Result<Vec<u8>, _>>()
        .map_err(|e| format!("core's grapheme_extend OFFSETS: {e}"))?;
    if start.len() < UNICODE_NEEDLE {
        return Err("core's grapheme_extend OFFSETS is shorter than the needle".into());
    }
    Ok(Refused {
        start,
        advice: "str's Debug brings its Unicode tables (about 2 KB brotli); write a \
                 serde_json::Value with azimuth_core::arm::json::to_json rather than Display, \
                 and name a character with azimuth_core::arm::shown_char rather than \
                 escape_debug",
    })
}

/// core's Unicode data in the nightly toolchain's source, which the studio's own standard
/// library is built from.
fn nightly_unicode_source() -> Result<String> {
    let toolchain = format!("+{}", setup::NIGHTLY);
    let sysroot = cmd::output("rustc", &[&toolchain, "--print", "sysroot"])
        .ok_or("rustc +nightly --print sysroot failed")?;
    let path = Path::new(sysroot.trim())
        .join("lib/rustlib/src/rust/library/core/src/unicode/unicode_data.rs");
    fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()).into())
}

/// Refuses the build if one of `modules` holds a refused table, naming each that does. With
/// the stable toolchain's prebuilt standard library (`own_std` false) the Unicode tables'
/// source is not installed, and only the float table is looked for.
pub fn refuse_in(modules: &[PathBuf], own_std: bool) -> Result {
    let mut refused = vec![float_table()];
    if own_std {
        refused.push(unicode_table(&nightly_unicode_source()?)?);
    }
    refuse_tables(modules, &refused)
}

/// Whether `module` holds `needle`.
fn carries(module: &[u8], needle: &[u8]) -> bool {
    module.windows(needle.len()).any(|window| window == needle)
}

/// The refusal of every module that carries one of `refused`, one line per table.
fn refuse_tables(modules: &[PathBuf], refused: &[Refused]) -> Result {
    let mut lines = Vec::new();
    let contents = modules
        .iter()
        .map(|module| Ok((module, fs::read(module)?)))
        .collect::<Result<Vec<_>>>()?;
    for table in refused {
        let carrying: Vec<String> = contents
            .iter()
            .filter(|(_, bytes)| carries(bytes, &table.start))
            .map(|(module, _)| {
                module
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        if !carrying.is_empty() {
            lines.push(format!("{}: {}", carrying.join(", "), table.advice));
        }
    }
    if lines.is_empty() {
        Ok(())
    } else {
        Err(lines.join("\n").into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder of its own for one test's modules.
    fn folder(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_module_with_the_float_table_is_refused_by_name() {
        let dir = folder("float-table");
        let clean = dir.join("split_clean.wasm");
        let carrying = dir.join("split_reads.wasm");
        fs::write(&clean, b"\0asm\x01\0\0\0 no table here").unwrap();
        let mut with_table = b"\0asm\x01\0\0\0 data: ".to_vec();
        with_table.extend(float_table().start);
        fs::write(&carrying, with_table).unwrap();
        assert!(refuse_tables(std::slice::from_ref(&clean), &[float_table()]).is_ok());
        let refused = refuse_tables(&[clean, carrying], &[float_table()])
            .unwrap_err()
            .to_string();
        assert!(
            refused.starts_with("split_reads.wasm: str::parse::<f64>"),
            "{refused}"
        );
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn the_unicode_needle_is_read_from_core_source() {
        let source = "pub mod alphabetic {\n static OFFSETS: [u8; 3] = [9, 9, 9];\n}\n\
                      pub mod grapheme_extend {\n    static SHORT_OFFSET_RUNS: [u32; 1] = [7];\n    \
                      static OFFSETS: [u8; 30] = [\n        0, 112, 0, 7, 0, 45, 1, 1, 1, 2, 1, 2, \
                      1, 1, 72, 11,\n 48, 21, 16, 1, 101, 7, 2, 6, 2, 2, 1, 4, 35, 1,\n    ];\n}\n";
        let table = unicode_table(source).unwrap();
        assert_eq!(
            table.start,
            [0, 112, 0, 7, 0, 45, 1, 1, 1, 2, 1, 2, 1, 1, 72, 11, 48, 21, 16, 1, 101, 7, 2, 6]
        );
        assert!(unicode_table("pub mod grapheme_extend { }").is_err());
        assert!(unicode_table("no such module").is_err());
    }

    #[test]
    fn each_table_names_its_own_modules() {
        let dir = folder("refused-tables");
        let unicode = unicode_table(
            "pub mod grapheme_extend { static OFFSETS: [u8; 24] = \
             [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24]; }",
        )
        .unwrap();
        let floats = dir.join("split_floats.wasm");
        let debug = dir.join("split_debug.wasm");
        let mut bytes = b"\0asm".to_vec();
        bytes.extend(float_table().start);
        fs::write(&floats, &bytes).unwrap();
        let mut bytes = b"\0asm".to_vec();
        bytes.extend(&unicode.start);
        fs::write(&debug, &bytes).unwrap();
        let refused = refuse_tables(&[floats, debug], &[float_table(), unicode])
            .unwrap_err()
            .to_string();
        let lines: Vec<&str> = refused.lines().collect();
        assert_eq!(lines.len(), 2, "{refused}");
        assert!(
            lines[0].starts_with("split_floats.wasm: str::parse"),
            "{refused}"
        );
        assert!(
            lines[1].starts_with("split_debug.wasm: str's Debug"),
            "{refused}"
        );
        fs::remove_dir_all(dir).unwrap();
    }
}
