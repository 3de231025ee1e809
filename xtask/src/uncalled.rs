//! Bindings of crates the studio links but never calls, dropped before the module is split.
//!
//! leptos always builds server_fn's browser client (leptos turns on its `browser` feature),
//! which streams bodies through wasm-streams, and wasm-streams exports three classes to
//! JavaScript (`IntoUnderlyingSource`, `IntoUnderlyingByteSource`, `IntoUnderlyingSink`). An
//! export is a root: their code stayed in the main module and their classes in the glue,
//! although the studio calls no server function. (Measured on the linked module: the glue
//! 98,721 → 94,757 bytes before terser, the module 9 KB of code lighter before wasm-opt.)
//!
//! Each `#[wasm_bindgen]` item leaves a pair of entries in the `__wasm_bindgen_unstable`
//! section (a version and a program, each a little-endian `u32` length and its bytes), and a
//! program names its crate as `<crate>-<16 hex digits>`; the crate's exports end in
//! `_<the same digits>`. Both go. Should a page ever call into such a crate, its imports are
//! still called after the cut and have no binding, and wasm-bindgen stops the build ("import of
//! `…` doesn't have an adapter listed").

use crate::slim::rewritten;
use crate::Result;
use wasmparser::{Parser, Payload};

/// Crates whose bindings nothing calls, by the name wasm-bindgen identifies them with.
const UNCALLED: [&str; 1] = ["wasm-streams"];

/// The section in which wasm-bindgen describes each crate's bindings.
const BINDINGS: &str = "__wasm_bindgen_unstable";

/// `module` without the bindings of the crates in [`UNCALLED`] (unchanged when it has none).
pub fn without_uncalled_bindings(module: &[u8]) -> Result<Vec<u8>> {
    let mut kept = None;
    let mut suffixes = Vec::new();
    for payload in Parser::new(0).parse_all(module) {
        if let Payload::CustomSection(section) = payload? {
            if section.name() == BINDINGS {
                let (entries, dropped) = kept_entries(section.data(), &UNCALLED)?;
                kept = Some(entries);
                suffixes = dropped;
            }
        }
    }
    let Some(kept) = kept.filter(|_| !suffixes.is_empty()) else {
        return Ok(module.to_vec());
    };
    rewritten(module, |payload, out| match payload {
        Payload::CustomSection(section) if section.name() == BINDINGS => {
            out.section(&wasm_encoder::CustomSection {
                name: BINDINGS.into(),
                data: kept.as_slice().into(),
            });
            Ok(true)
        }
        Payload::ExportSection(reader) => {
            let mut section = wasm_encoder::ExportSection::new();
            for export in reader.clone() {
                let export = export?;
                if !suffixes.iter().any(|s| export.name.ends_with(s.as_str())) {
                    let kind = wasm_encoder::ExportKind::from(export.kind);
                    section.export(export.name, kind, export.index);
                }
            }
            out.section(&section);
            Ok(true)
        }
        _ => Ok(false),
    })
}

/// The section's entries without the pairs whose program belongs to one of `crates`, and the
/// export-name suffixes (`_<digits>`) of the crates it dropped.
fn kept_entries(mut data: &[u8], crates: &[&str]) -> Result<(Vec<u8>, Vec<String>)> {
    let mut kept = Vec::with_capacity(data.len());
    let mut suffixes: Vec<String> = Vec::new();
    while !data.is_empty() {
        let version = entry(&mut data)?;
        let program = entry(&mut data)?;
        match crates.iter().find_map(|c| crate_digits(program, c)) {
            Some(digits) => {
                let suffix = format!("_{digits}");
                if !suffixes.contains(&suffix) {
                    suffixes.push(suffix);
                }
            }
            None => {
                kept.extend_from_slice(version);
                kept.extend_from_slice(program);
            }
        }
    }
    Ok((kept, suffixes))
}

/// The next entry of the section, its length prefix included.
fn entry<'a>(data: &mut &'a [u8]) -> Result<&'a [u8]> {
    let damaged = || format!("the {BINDINGS} section is not as wasm-bindgen writes it");
    let length = data
        .get(..4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
        .ok_or_else(damaged)?;
    let (entry, rest) = data.split_at_checked(4 + length).ok_or_else(damaged)?;
    *data = rest;
    Ok(entry)
}

/// The 16 hex digits after `<name>-` when `program` names the crate `name` (the identifier is
/// written as its length in one byte, then its text).
fn crate_digits(program: &[u8], name: &str) -> Option<String> {
    let mut needle = vec![(name.len() + 17) as u8];
    needle.extend_from_slice(name.as_bytes());
    needle.push(b'-');
    let at = program.windows(needle.len()).position(|w| w == needle)? + needle.len();
    let digits = program.get(at..at + 16)?;
    digits
        .iter()
        .all(u8::is_ascii_hexdigit)
        .then(|| String::from_utf8_lossy(digits).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_encoder::{
        CodeSection, CustomSection, ExportKind, ExportSection, Function, FunctionSection, Module,
        TypeSection,
    };

    const DIGITS: &str = "58a9338f50bce61c";

    /// A version and a program entry naming `identifier`, as wasm-bindgen writes them.
    fn pair(identifier: &str, body: &str) -> Vec<u8> {
        let version = br#"{"schema_version":"0","version":"0"}"#.to_vec();
        let mut program = vec![0, 0, identifier.len() as u8];
        program.extend_from_slice(identifier.as_bytes());
        program.extend_from_slice(body.as_bytes());
        let mut out = Vec::new();
        for entry in [version, program] {
            out.extend_from_slice(&(entry.len() as u32).to_le_bytes());
            out.extend_from_slice(&entry);
        }
        out
    }

    fn module(exports: &[&str], bindings: &[u8]) -> Vec<u8> {
        let mut module = Module::new();
        let mut types = TypeSection::new();
        types.ty().function([], []);
        module.section(&types);
        let mut functions = FunctionSection::new();
        functions.function(0);
        module.section(&functions);
        let mut section = ExportSection::new();
        for name in exports {
            section.export(name, ExportKind::Func, 0);
        }
        module.section(&section);
        let mut code = CodeSection::new();
        let mut body = Function::new([]);
        body.instructions().end();
        code.function(&body);
        module.section(&code);
        module.section(&CustomSection {
            name: BINDINGS.into(),
            data: bindings.into(),
        });
        module.finish()
    }

    #[test]
    fn drops_the_uncalled_crates_entries_and_exports_and_keeps_the_rest() {
        let studio = pair("azimuth-studio-0123456789abcdef", "start");
        let streams = pair(&format!("wasm-streams-{DIGITS}"), "IntoUnderlyingSource");
        let bindings = [studio.clone(), streams.clone(), studio.clone()].concat();
        let exports = [
            "main",
            &format!("intounderlyingsource_pull_{DIGITS}"),
            &format!("__wbg_intounderlyingsource_free_{DIGITS}"),
            "__wbindgen_start",
        ];
        let cut = without_uncalled_bindings(&module(&exports, &bindings)).unwrap();
        wasmparser::validate(&cut).unwrap();
        assert_eq!(
            cut,
            module(
                &["main", "__wbindgen_start"],
                &[studio.clone(), studio].concat()
            )
        );
    }

    #[test]
    fn a_module_without_those_crates_is_left_as_it_is() {
        let bindings = pair("azimuth-studio-0123456789abcdef", "wasm-streams-x");
        let module = module(&["main_0123456789abcdef"], &bindings);
        assert_eq!(without_uncalled_bindings(&module).unwrap(), module);
    }

    #[test]
    fn a_damaged_section_is_an_error_not_a_guess() {
        let mut bindings = pair(&format!("wasm-streams-{DIGITS}"), "x");
        bindings.truncate(bindings.len() - 1);
        let error = without_uncalled_bindings(&module(&["main"], &bindings)).unwrap_err();
        assert!(error.to_string().contains("not as wasm-bindgen writes it"));
    }
}
