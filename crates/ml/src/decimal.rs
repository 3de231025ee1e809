//! Decimal text read as a number, exactly as `str::parse::<f64>` reads it, without the table
//! `str::parse::<f64>` brings to wasm.
//!
//! Rust's own reader carries a 10,416-byte table of powers of five (10 KB brotli: it does not
//! compress) that every page of the studio reading a number carried with it, 18 of the 53
//! first loads on 2026-12-03. Here the text is checked against Rust's grammar, the common case
//! (at most 19 significant digits, a value below 2^53 and a power of ten an `f64` holds
//! exactly) is computed exactly by one multiplication or division, and the rest, in wasm, goes
//! to the browser's `parseFloat`, which rounds correctly as Rust's reader does. Natively, the
//! rest goes to Rust's reader itself. ECMAScript lets an engine round a text of more than 20
//! significant digits either way; V8 rounds it correctly, and the browser test that compares
//! the two bit for bit runs in Chromium only.

/// The powers of ten an `f64` holds exactly.
const EXACT_POWERS_OF_TEN: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// The most significant digits a `u64` holds whatever they are.
const MAX_DIGITS: u32 = 19;

/// The number `text` writes, or `None` where `str::parse::<f64>` refuses it: an optional sign,
/// then digits with an optional point and an optional exponent (`1`, `-.5`, `2.`, `6.02E23`),
/// or `inf`, `infinity` or `nan` in any case. No spaces: trim first where they may be.
pub fn parse_f64(text: &str) -> Option<f64> {
    let (negative, unsigned) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let magnitude =
        if unsigned.eq_ignore_ascii_case("inf") || unsigned.eq_ignore_ascii_case("infinity") {
            f64::INFINITY
        } else if unsigned.eq_ignore_ascii_case("nan") {
            f64::NAN
        } else {
            unsigned_decimal(unsigned)?
        };
    Some(if negative { -magnitude } else { magnitude })
}

/// Digits with an optional point and exponent, without a sign.
fn unsigned_decimal(text: &str) -> Option<f64> {
    let bytes = text.as_bytes();
    let mut at = 0;
    let mut mantissa = 0u64;
    let mut kept = 0;
    let mut dropped = false;
    let mut digits = 0;
    let mut exponent = 0i64;
    let mut fraction = false;
    while let Some(&byte) = bytes.get(at) {
        if byte == b'.' && !fraction {
            fraction = true;
        } else if byte.is_ascii_digit() {
            digits += 1;
            let digit = u64::from(byte - b'0');
            if mantissa == 0 && digit == 0 {
                exponent -= i64::from(fraction);
            } else if kept < MAX_DIGITS {
                mantissa = mantissa * 10 + digit;
                kept += 1;
                exponent -= i64::from(fraction);
            } else {
                dropped |= digit != 0;
                exponent += i64::from(!fraction);
            }
        } else {
            break;
        }
        at += 1;
    }
    if digits == 0 {
        return None;
    }
    if let Some(&marker) = bytes.get(at) {
        if marker | 0x20 != b'e' {
            return None;
        }
        at += 1;
        let negative = match bytes.get(at) {
            Some(b'-') => {
                at += 1;
                true
            }
            Some(b'+') => {
                at += 1;
                false
            }
            _ => false,
        };
        let written = &bytes[at..];
        if written.is_empty() || !written.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let value = written.iter().fold(0i64, |value, byte| {
            value
                .saturating_mul(10)
                .saturating_add(i64::from(byte - b'0'))
        });
        exponent = exponent.saturating_add(if negative { -value } else { value });
    }
    if mantissa == 0 {
        return Some(0.0);
    }
    let exact = !dropped && mantissa <= 1 << 53 && exponent.unsigned_abs() < 23;
    Some(if !exact {
        correctly_rounded(text)
    } else if exponent >= 0 {
        mantissa as f64 * EXACT_POWERS_OF_TEN[exponent as usize]
    } else {
        mantissa as f64 / EXACT_POWERS_OF_TEN[exponent.unsigned_abs() as usize]
    })
}

/// What the browser's `parseFloat` reads from text already checked against the grammar.
#[cfg(target_arch = "wasm32")]
fn correctly_rounded(text: &str) -> f64 {
    js_sys::parse_float(text)
}

/// What Rust's reader reads from text already checked against the grammar.
#[cfg(not(target_arch = "wasm32"))]
fn correctly_rounded(text: &str) -> f64 {
    text.parse().unwrap_or(f64::NAN)
}

/// What the tests check [`parse_f64`] against Rust's reader with, natively and in the browser.
/// Natively the rest goes to Rust's reader itself, so there the comparison checks the grammar
/// and the exact cases; the browser's, where the rest is `parseFloat`, checks the rounding.
#[doc(hidden)]
pub mod conformance {
    use super::parse_f64;

    /// Texts on every path: refused, exact, and rounded (long, huge, tiny, halfway, subnormal).
    pub const CASES: &[&str] = &[
        "0",
        "-0",
        "+0",
        "1",
        "-1",
        "0.5",
        ".5",
        "5.",
        "-.5",
        "1e5",
        "1E5",
        "1e+5",
        "1e-5",
        "6.02e23",
        "1.7976931348623157e308",
        "1.8e308",
        "4.9e-324",
        "2e-324",
        "1e-400",
        "1e400",
        "9007199254740993",
        "9007199254740992",
        "123456789012345678901234567890",
        "0.1",
        "0.2",
        "0.30000000000000004",
        "3.141592653589793238462643383279",
        "00012.500",
        "1e22",
        "1e23",
        "0.000000000000000000000000000001",
        "9e22",
        "12345e-27",
        "0e999999",
        "inf",
        "-inf",
        "0.0e-999999999999999999999",
        "1e99999999999999999999999",
        "Infinity",
        "INF",
        "nan",
        "NaN",
        "-nan",
        "",
        "-",
        "+",
        ".",
        "e5",
        ".e5",
        "1e",
        "1e+",
        "1.2.3",
        "1 ",
        " 1",
        "1_000",
        "0x10",
        "1e5.5",
        "--1",
        "+-1",
        "infinit",
        "nan1",
        "1,5",
        "١",
        "0.99999999999999999999",
        "100000000000000000000000",
        "18446744073709551615",
        "18446744073709551616",
        "9999999999999999999",
        "2.2250738585072014e-308",
        "2.2250738585072011e-308",
        "9007199254740993.0000000000000000000001",
        "7.038531e-26",
        "8.98846567431158e307",
    ];

    /// Where `parse_f64` and `str::parse::<f64>` read `text` differently, what each read.
    pub fn disagreement(text: &str) -> Option<String> {
        let (ours, rusts) = (parse_f64(text), text.parse::<f64>().ok());
        let same = match (ours, rusts) {
            (Some(a), Some(b)) => a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
            (a, b) => a.is_none() && b.is_none(),
        };
        (!same).then(|| format!("{text:?}: ours {ours:?}, Rust's {rusts:?}"))
    }

    /// `count` decimal texts drawn from `seed`: up to 24 digits, a point somewhere in half of
    /// them, an exponent from -40 to 39 in a third.
    pub fn generated(count: usize, seed: u64) -> Vec<String> {
        let mut random = crate::random::Rng::new(seed);
        (0..count)
            .map(|_| {
                let digits = 1 + random.below(24);
                let mut text: String = (0..digits)
                    .map(|_| char::from(b'0' + random.below(10) as u8))
                    .collect();
                if random.below(2) == 0 {
                    text.insert(random.below(digits + 1), '.');
                }
                if random.below(3) == 0 {
                    text.push_str(&format!("e{}", random.below(80) as i64 - 40));
                }
                text
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::conformance::{disagreement, generated, CASES};

    #[test]
    fn reads_what_rust_reads_and_refuses_what_it_refuses() {
        let wrong: Vec<String> = CASES.iter().filter_map(|case| disagreement(case)).collect();
        assert!(wrong.is_empty(), "{wrong:#?}");
    }

    #[test]
    fn agrees_on_many_generated_numbers() {
        let wrong: Vec<String> = generated(20_000, 7)
            .iter()
            .filter_map(|case| disagreement(case))
            .collect();
        assert!(wrong.is_empty(), "{wrong:#?}");
    }
}
