//! Time as milliseconds since the Unix epoch, ISO 8601 text for ARM, and civil-date arithmetic.
//!
//! Written by hand rather than with chrono: the engine needs only UTC formatting, parsing and
//! weekday arithmetic, and chrono (with time zone data) would add far more to the wasm bundle.

/// Milliseconds since 1970-01-01T00:00:00Z.
pub type Millis = i64;

/// One minute in milliseconds.
pub const MINUTE: Millis = 60_000;
/// One hour in milliseconds.
pub const HOUR: Millis = 60 * MINUTE;
/// One day in milliseconds.
pub const DAY: Millis = 24 * HOUR;

/// Days since the epoch of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = month as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The (year, month, day) of a day number since the epoch.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Day of the week of a day number: 0 = Sunday ... 6 = Saturday.
pub fn weekday(days: i64) -> u32 {
    (days + 4).rem_euclid(7) as u32
}

/// Formats an instant as ARM does: `2026-11-22T20:14:46.123Z`.
pub fn format_iso(ms: Millis) -> String {
    let days = ms.div_euclid(DAY);
    let rest = ms.rem_euclid(DAY);
    let (y, mo, d) = civil_from_days(days);
    let (h, mi, s, milli) = (
        rest / HOUR,
        rest % HOUR / MINUTE,
        rest % MINUTE / 1000,
        rest % 1000,
    );
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{milli:03}Z")
}

/// Parses `YYYY-MM-DDTHH:MM[:SS[.fff...]]` followed by `Z`, `+hh:mm`, `-hh:mm` or nothing (UTC).
pub fn parse_iso(text: &str) -> Option<Millis> {
    let b = text.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let s = text.get(from..from + len)?;
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    if b.len() < 16 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let (y, mo, d, h, mi) = (num(0, 4)?, num(5, 2)?, num(8, 2)?, num(11, 2)?, num(14, 2)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 {
        return None;
    }
    let mut i = 16;
    let mut secs = 0;
    let mut millis = 0;
    if b.get(i) == Some(&b':') {
        secs = num(i + 1, 2)?;
        i += 3;
        if b.get(i) == Some(&b'.') {
            let start = i + 1;
            i = start;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            let frac = &text[start..i];
            let padded: String = frac.chars().chain("000".chars()).take(3).collect();
            millis = padded.parse().ok()?;
        }
    }
    let offset = match &text[i..] {
        "" | "Z" | "z" => 0,
        tz if tz.len() == 6 && (tz.starts_with('+') || tz.starts_with('-')) => {
            let sign = if tz.starts_with('-') { -1 } else { 1 };
            sign * (num(i + 1, 2)? * HOUR + num(i + 4, 2)? * MINUTE)
        }
        _ => return None,
    };
    let days = days_from_civil(y, mo as u32, d as u32);
    Some(days * DAY + h * HOUR + mi * MINUTE + secs * 1000 + millis - offset)
}

/// Formats whole minutes as an ISO 8601 duration the way Azure ML writes idle times: `PT60M`.
pub fn format_duration_minutes(minutes: u32) -> String {
    format!("PT{minutes}M")
}

/// An ISO 8601 duration in seconds, a fraction of the seconds kept (`PT0.5S` is 0.5, `PT1M`
/// 60, `PT1M0.5S` 60.5). The seconds are digits with one point between digits: no sign,
/// exponent, `inf` or `NaN`.
pub fn duration_seconds(text: &str) -> Option<f64> {
    let Some(body) = text
        .strip_suffix(['S', 's'])
        .filter(|body| body.contains('.'))
    else {
        return parse_duration_seconds(text).map(|s| s as f64);
    };
    let start = body.rfind(|c: char| !(c.is_ascii_digit() || c == '.'))? + 1;
    let (before, seconds) = body.split_at(start);
    let (whole, fraction) = seconds.split_once('.')?;
    if whole.is_empty() || fraction.is_empty() || fraction.contains('.') {
        return None;
    }
    if !before.contains(['T', 't']) {
        return None;
    }
    let rest = if before.eq_ignore_ascii_case("PT") {
        0
    } else {
        parse_duration_seconds(before)?
    };
    Some(rest as f64 + azimuth_ml::decimal::parse_f64(seconds)?)
}

/// Parses an ISO 8601 duration (`P1DT2H30M`, `PT120S`) into whole seconds.
pub fn parse_duration_seconds(text: &str) -> Option<u64> {
    let rest = text.strip_prefix('P').or_else(|| text.strip_prefix('p'))?;
    let mut total: u64 = 0;
    let mut in_time = false;
    let mut digits = String::new();
    let mut seen_unit = false;
    for c in rest.chars() {
        match c.to_ascii_uppercase() {
            'T' if !in_time && digits.is_empty() => in_time = true,
            d if d.is_ascii_digit() => digits.push(d),
            unit => {
                let n: u64 = digits.parse().ok()?;
                digits.clear();
                let factor = match (in_time, unit) {
                    (false, 'W') => 604_800,
                    (false, 'D') => 86_400,
                    (true, 'H') => 3_600,
                    (true, 'M') => 60,
                    (true, 'S') => 1,
                    _ => return None,
                };
                total = total.checked_add(n.checked_mul(factor)?)?;
                seen_unit = true;
            }
        }
    }
    (digits.is_empty() && seen_unit).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_duration_keeps_its_fraction_of_a_second_and_refuses_other_numbers() {
        let read = [
            ("PT0.5S", Some(0.5)),
            ("pt0.5s", Some(0.5)),
            ("PT1M", Some(60.0)),
            ("PT90S", Some(90.0)),
            ("PT1M0.5S", Some(60.5)),
            ("P1DT0.25S", Some(86_400.25)),
            ("PT2H", Some(7_200.0)),
            ("PTinfS", None),
            ("PTNaNS", None),
            ("PT-1S", None),
            ("PT+1S", None),
            ("PT1e3S", None),
            ("PT.5S", None),
            ("PT5.S", None),
            ("PT1.2.3S", None),
            ("P0.5S", None),
            ("P1D0.5S", None),
            ("0.5S", None),
            ("", None),
        ];
        for (text, seconds) in read {
            assert_eq!(duration_seconds(text), seconds, "{text}");
        }
    }

    #[test]
    fn iso_round_trip_and_known_instants() {
        assert_eq!(format_iso(0), "1970-01-01T00:00:00.000Z");
        let t = parse_iso("2026-11-22T20:14:46.123Z").unwrap();
        assert_eq!(format_iso(t), "2026-11-22T20:14:46.123Z");
        assert_eq!(
            parse_iso("2021-04-01T22:00:00.0000000+00:00"),
            parse_iso("2021-04-01T22:00:00Z")
        );
        assert_eq!(
            parse_iso("2021-04-01T23:00:00+01:00"),
            parse_iso("2021-04-01T22:00:00Z")
        );
        assert_eq!(
            parse_iso("2024-02-29T00:00"),
            Some(days_from_civil(2024, 2, 29) * DAY)
        );
        assert_eq!(parse_iso("not a date"), None);
        assert_eq!(parse_iso("2024-13-01T00:00:00Z"), None);
    }

    #[test]
    fn weekdays() {
        assert_eq!(weekday(0), 4, "1970-01-01 was a Thursday");
        assert_eq!(
            weekday(days_from_civil(2026, 11, 22)),
            0,
            "2026-11-22 is a Sunday"
        );
        for days in [-1000, 0, 19_000, 20_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration_seconds("PT60M"), Some(3600));
        assert_eq!(parse_duration_seconds("PT120S"), Some(120));
        assert_eq!(parse_duration_seconds("P3D"), Some(3 * 86_400));
        assert_eq!(parse_duration_seconds("P1DT2H30M"), Some(95_400));
        assert_eq!(parse_duration_seconds("PT"), None);
        assert_eq!(parse_duration_seconds("60M"), None);
        assert_eq!(parse_duration_seconds("PT5X"), None);
        assert_eq!(format_duration_minutes(60), "PT60M");
    }
}
