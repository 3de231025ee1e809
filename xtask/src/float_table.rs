//! The build refuses a studio module that carries Rust's table for reading decimal text.
//!
//! `str::parse::<f64>` (and `f32`) reads with a table of 1,302 powers of five, 10,416 bytes
//! that do not compress: with its code, 12 KB brotli in every page file that read a number
//! (18 of them on 2026-12-04). `azimuth_ml::decimal::parse_f64` reads the same numbers without
//! it, so a module that carries it again reads a number the other way and is named here.

use crate::Result;
use std::fs;
use std::path::PathBuf;

/// The table's first entry, 5^-342 normalized to 128 bits, as it lies in memory: its high
/// and its low half, each a little-endian `u64`.
fn first_entry() -> [u8; 16] {
    let mut bytes = [0; 16];
    bytes[..8].copy_from_slice(&0xeef4_53d6_923b_d65a_u64.to_le_bytes());
    bytes[8..].copy_from_slice(&0x113f_aa29_06a1_3b3f_u64.to_le_bytes());
    bytes
}

/// Whether `module` holds the table.
fn carries_table(module: &[u8]) -> bool {
    module.windows(16).any(|window| window == first_entry())
}

/// Refuses the build if one of `modules` holds the table, naming each that does.
pub fn refuse_in(modules: &[PathBuf]) -> Result {
    let mut carrying = Vec::new();
    for module in modules {
        if carries_table(&fs::read(module)?) {
            carrying.push(
                module
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned(),
            );
        }
    }
    if carrying.is_empty() {
        return Ok(());
    }
    Err(format!(
        "{} read decimal text with str::parse::<f64>, which brings a 10 KB table to wasm; \
         read it with azimuth_core::ml::decimal::parse_f64",
        carrying.join(", ")
    )
    .into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_module_with_the_table_is_refused_by_name() {
        let dir = std::env::temp_dir().join(format!("float-table-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let clean = dir.join("split_clean.wasm");
        let carrying = dir.join("split_reads.wasm");
        fs::write(&clean, b"\0asm\x01\0\0\0 no table here").unwrap();
        let mut with_table = b"\0asm\x01\0\0\0 data: ".to_vec();
        with_table.extend(first_entry());
        fs::write(&carrying, with_table).unwrap();
        assert!(refuse_in(std::slice::from_ref(&clean)).is_ok());
        let refused = refuse_in(&[clean, carrying]).unwrap_err().to_string();
        assert!(
            refused.starts_with("split_reads.wasm read decimal text"),
            "{refused}"
        );
        fs::remove_dir_all(dir).unwrap();
    }
}
