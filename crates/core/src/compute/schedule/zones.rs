//! Time zones as ARM names them (Windows ids), with their daylight-saving rules.
//!
//! A small hand-kept table rather than chrono-tz: the full tz database would add hundreds of
//! kilobytes to the studio's wasm for the dozen zones a schedule picker offers.

use crate::time::{civil_from_days, days_from_civil, weekday, Millis, DAY, HOUR, MINUTE};

/// How a zone moves its clocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DstRule {
    /// No daylight saving time.
    None,
    /// United States and Canada: second Sunday of March 02:00 to first Sunday of November 02:00 local.
    NorthAmerica,
    /// European Union and UK: last Sunday of March to last Sunday of October, 01:00 UTC.
    Europe,
}

/// A time zone a schedule can use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeZone {
    /// Windows id as ARM stores it, e.g. `Pacific Standard Time`.
    pub id: &'static str,
    /// What the studio shows, e.g. `(UTC-08:00) Pacific Time (US & Canada)`.
    pub label: &'static str,
    /// Standard offset from UTC in minutes.
    pub standard_offset_minutes: i64,
    /// Daylight-saving rule.
    pub dst: DstRule,
}

const fn tz(id: &'static str, label: &'static str, offset: i64, dst: DstRule) -> TimeZone {
    TimeZone {
        id,
        label,
        standard_offset_minutes: offset,
        dst,
    }
}

/// The time zones schedules can use.
pub const TIME_ZONES: &[TimeZone] = &[
    tz("UTC", "(UTC) Coordinated Universal Time", 0, DstRule::None),
    tz(
        "Pacific Standard Time",
        "(UTC-08:00) Pacific Time (US & Canada)",
        -480,
        DstRule::NorthAmerica,
    ),
    tz(
        "Mountain Standard Time",
        "(UTC-07:00) Mountain Time (US & Canada)",
        -420,
        DstRule::NorthAmerica,
    ),
    tz(
        "Central Standard Time",
        "(UTC-06:00) Central Time (US & Canada)",
        -360,
        DstRule::NorthAmerica,
    ),
    tz(
        "Eastern Standard Time",
        "(UTC-05:00) Eastern Time (US & Canada)",
        -300,
        DstRule::NorthAmerica,
    ),
    tz(
        "GMT Standard Time",
        "(UTC+00:00) Dublin, Edinburgh, Lisbon, London",
        0,
        DstRule::Europe,
    ),
    tz(
        "W. Europe Standard Time",
        "(UTC+01:00) Amsterdam, Berlin, Rome, Stockholm",
        60,
        DstRule::Europe,
    ),
    tz(
        "Romance Standard Time",
        "(UTC+01:00) Brussels, Copenhagen, Madrid, Paris",
        60,
        DstRule::Europe,
    ),
    tz(
        "India Standard Time",
        "(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi",
        330,
        DstRule::None,
    ),
    tz(
        "Singapore Standard Time",
        "(UTC+08:00) Kuala Lumpur, Singapore",
        480,
        DstRule::None,
    ),
    tz(
        "Tokyo Standard Time",
        "(UTC+09:00) Osaka, Sapporo, Tokyo",
        540,
        DstRule::None,
    ),
];

/// Looks a zone up by its id, ignoring case.
pub fn find_time_zone(id: &str) -> Option<&'static TimeZone> {
    TIME_ZONES.iter().find(|z| z.id.eq_ignore_ascii_case(id))
}

/// The day number of the n-th (1-based) or, with `n == 0`, last given weekday of a month.
fn nth_weekday(year: i64, month: u32, wanted: u32, n: u32) -> i64 {
    if n == 0 {
        let next_first = if month == 12 {
            days_from_civil(year + 1, 1, 1)
        } else {
            days_from_civil(year, month + 1, 1)
        };
        let last = next_first - 1;
        last - i64::from((weekday(last) + 7 - wanted) % 7)
    } else {
        let first = days_from_civil(year, month, 1);
        first + i64::from((wanted + 7 - weekday(first)) % 7) + 7 * i64::from(n - 1)
    }
}

impl TimeZone {
    /// Offset from UTC in milliseconds at an instant.
    pub fn offset_at(&self, utc: Millis) -> Millis {
        let standard = self.standard_offset_minutes * MINUTE;
        let (year, _, _) = civil_from_days((utc + standard).div_euclid(DAY));
        let in_dst = match self.dst {
            DstRule::None => false,
            DstRule::NorthAmerica => {
                // Starts 02:00 standard time, ends 02:00 daylight time (01:00 standard).
                let start = nth_weekday(year, 3, 0, 2) * DAY + 2 * HOUR - standard;
                let end = nth_weekday(year, 11, 0, 1) * DAY + HOUR - standard;
                (start..end).contains(&utc)
            }
            DstRule::Europe => {
                let start = nth_weekday(year, 3, 0, 0) * DAY + HOUR;
                let end = nth_weekday(year, 10, 0, 0) * DAY + HOUR;
                (start..end).contains(&utc)
            }
        };
        standard + if in_dst { HOUR } else { 0 }
    }

    /// The UTC instant of a local wall-clock time. A time skipped by a spring-forward change
    /// resolves to the instant after the gap; an ambiguous autumn time to its first occurrence.
    pub fn local_to_utc(&self, local: Millis) -> Millis {
        let standard = self.standard_offset_minutes * MINUTE;
        let daylight = standard + HOUR;
        let first = local - daylight;
        if self.offset_at(first) == daylight {
            return first;
        }
        let second = local - standard;
        if self.offset_at(second) == standard {
            return second;
        }
        // In the spring gap: the wall clock jumps past this time.
        local - standard
    }
}
