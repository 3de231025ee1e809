//! When start/stop schedules fire: Windows time zone ids with their daylight-saving rules, a
//! five-field cron evaluator and ARM recurrences.
//!
//! Time zones are a small hand-kept table rather than chrono-tz: the full tz database would add
//! hundreds of kilobytes to the studio's wasm for the dozen zones a schedule picker offers.

use crate::arm::StartStopSchedule;
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

/// The week day names ARM uses, Sunday first (index = [`weekday`]).
pub const WEEK_DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

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

/// One parsed cron field: which values it allows.
fn parse_cron_field(field: &str, min: u32, max: u32) -> Result<Vec<bool>, String> {
    let mut allowed = vec![false; (max + 1) as usize];
    for part in field.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (
                r,
                s.parse::<u32>()
                    .map_err(|_| format!("bad step in '{part}'"))?,
            ),
            None => (part, 1),
        };
        if step == 0 {
            return Err(format!("step 0 in '{part}'"));
        }
        let (lo, hi) = if range == "*" {
            (min, max)
        } else if let Some((a, b)) = range.split_once('-') {
            let a = a
                .parse::<u32>()
                .map_err(|_| format!("'{a}' is not a number"))?;
            let b = b
                .parse::<u32>()
                .map_err(|_| format!("'{b}' is not a number"))?;
            (a, b)
        } else {
            let v = range
                .parse::<u32>()
                .map_err(|_| format!("'{range}' is not a number"))?;
            (v, if part.contains('/') { max } else { v })
        };
        if lo < min || hi > max || lo > hi {
            return Err(format!("'{part}' is outside {min}-{max}"));
        }
        for v in (lo..=hi).step_by(step as usize) {
            allowed[v as usize] = true;
        }
    }
    Ok(allowed)
}

/// A parsed five-field cron expression (minute hour day-of-month month day-of-week).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CronSpec {
    minutes: Vec<bool>,
    hours: Vec<bool>,
    month_days: Vec<bool>,
    months: Vec<bool>,
    week_days: Vec<bool>,
}

impl CronSpec {
    /// Parses `m h dom mon dow`; day of week 0 or 7 is Sunday.
    pub fn parse(expression: &str) -> Result<Self, String> {
        let fields: Vec<&str> = expression.split_whitespace().collect();
        if fields.len() != 5 {
            return Err(format!(
                "A cron expression has 5 fields (minute hour day month weekday); '{expression}' has {}.",
                fields.len()
            ));
        }
        let mut week_days = parse_cron_field(fields[4], 0, 7)?;
        if week_days[7] {
            week_days[0] = true;
        }
        week_days.truncate(7);
        Ok(Self {
            minutes: parse_cron_field(fields[0], 0, 59)?,
            hours: parse_cron_field(fields[1], 0, 23)?,
            month_days: parse_cron_field(fields[2], 1, 31)?,
            months: parse_cron_field(fields[3], 1, 12)?,
            week_days,
        })
    }

    fn matches_day(&self, days: i64) -> bool {
        let (_, month, day) = civil_from_days(days);
        self.months[month as usize]
            && self.month_days[day as usize]
            && self.week_days[weekday(days) as usize]
    }
}

/// When a schedule fires, in the zone's local time: the days it fires on and the times of day.
struct LocalPlan {
    zone: &'static TimeZone,
    day_filter: Box<dyn Fn(i64) -> bool>,
    times: Vec<(u32, u32)>,
    not_before: Option<Millis>,
}

fn plan(schedule: &StartStopSchedule) -> Result<LocalPlan, String> {
    let zone_of = |id: &str| find_time_zone(id).ok_or_else(|| format!("Unknown time zone '{id}'."));
    // ARM writes startTime as wall-clock time in the schedule's zone unless it carries an offset.
    let start = |s: &Option<String>, zone: &TimeZone| {
        let text = s.as_deref()?;
        let instant = crate::time::parse_iso(text)?;
        let has_offset =
            text.ends_with(['Z', 'z']) || text.get(19..).is_some_and(|t| t.contains(['+', '-']));
        Some(if has_offset {
            instant
        } else {
            zone.local_to_utc(instant)
        })
    };
    match schedule.trigger_type.as_str() {
        "Cron" => {
            let cron = schedule
                .cron
                .as_ref()
                .ok_or("A Cron schedule needs a cron trigger.")?;
            let spec = CronSpec::parse(&cron.expression)?;
            let mut times = Vec::new();
            for h in 0..24 {
                for m in 0..60 {
                    if spec.hours[h as usize] && spec.minutes[m as usize] {
                        times.push((h, m));
                    }
                }
            }
            let zone = zone_of(&cron.time_zone)?;
            Ok(LocalPlan {
                zone,
                day_filter: Box::new(move |d| spec.matches_day(d)),
                times,
                not_before: start(&cron.start_time, zone),
            })
        }
        "Recurrence" => {
            let rec = schedule
                .recurrence
                .as_ref()
                .ok_or("A Recurrence schedule needs a recurrence trigger.")?;
            let days: Vec<u32> = rec
                .schedule
                .week_days
                .iter()
                .map(|d| {
                    WEEK_DAYS
                        .iter()
                        .position(|w| w.eq_ignore_ascii_case(d))
                        .map(|p| p as u32)
                        .ok_or_else(|| format!("'{d}' is not a day of the week."))
                })
                .collect::<Result<_, _>>()?;
            if rec.interval != 1 {
                return Err(format!(
                    "A recurrence interval of {} is not supported; Azimuth's schedules repeat every day or every week (interval 1).",
                    rec.interval
                ));
            }
            if !matches!(rec.frequency.as_str(), "Day" | "Week") {
                return Err(format!(
                    "Recurrence frequency '{}' is not supported; use Day or Week.",
                    rec.frequency
                ));
            }
            let every_day = rec.frequency == "Day" || days.is_empty();
            let mut times = Vec::new();
            for &h in &rec.schedule.hours {
                for &m in &rec.schedule.minutes {
                    if h > 23 || m > 59 {
                        return Err(format!("{h:02}:{m:02} is not a time of day."));
                    }
                    times.push((h, m));
                }
            }
            times.sort_unstable();
            let zone = zone_of(&rec.time_zone)?;
            Ok(LocalPlan {
                zone,
                day_filter: Box::new(move |d| every_day || days.contains(&weekday(d))),
                times,
                not_before: start(&rec.start_time, zone),
            })
        }
        other => Err(format!(
            "Trigger type '{other}' is not supported; use Recurrence or Cron."
        )),
    }
}

/// Checks that a schedule is well formed; the error says what to fix.
pub fn validate_schedule(schedule: &StartStopSchedule) -> Result<(), String> {
    if !matches!(schedule.action.as_str(), "Start" | "Stop") {
        return Err(format!(
            "Schedule action must be Start or Stop, not '{}'.",
            schedule.action
        ));
    }
    let p = plan(schedule)?;
    if p.times.is_empty() {
        return Err("The schedule never fires: give it at least one time of day.".into());
    }
    Ok(())
}

/// The first instant strictly after `after` at which an enabled schedule fires, if any within 400 days.
pub fn next_fire(schedule: &StartStopSchedule, after: Millis) -> Option<Millis> {
    if schedule.status != "Enabled" {
        return None;
    }
    let p = plan(schedule).ok()?;
    let after = after.max(p.not_before.map_or(Millis::MIN, |t| t - 1));
    let first_local_day = (after + p.zone.offset_at(after)).div_euclid(DAY) - 1;
    for day in first_local_day..first_local_day + 400 {
        if !(p.day_filter)(day) {
            continue;
        }
        for &(h, m) in &p.times {
            let local = day * DAY + i64::from(h) * HOUR + i64::from(m) * MINUTE;
            let utc = p.zone.local_to_utc(local);
            if utc > after {
                return Some(utc);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arm::{Cron, Recurrence, RecurrenceSchedule};
    use crate::time::{format_iso, parse_iso};

    fn cron(expr: &str, zone: &str) -> StartStopSchedule {
        StartStopSchedule {
            status: "Enabled".into(),
            action: "Stop".into(),
            trigger_type: "Cron".into(),
            cron: Some(Cron {
                expression: expr.into(),
                start_time: None,
                time_zone: zone.into(),
            }),
            ..Default::default()
        }
    }

    fn weekly(days: &[&str], h: u32, m: u32, zone: &str) -> StartStopSchedule {
        StartStopSchedule {
            status: "Enabled".into(),
            action: "Start".into(),
            trigger_type: "Recurrence".into(),
            recurrence: Some(Recurrence {
                frequency: "Week".into(),
                interval: 1,
                start_time: None,
                time_zone: zone.into(),
                schedule: RecurrenceSchedule {
                    hours: vec![h],
                    minutes: vec![m],
                    week_days: days.iter().map(|d| d.to_string()).collect(),
                },
            }),
            ..Default::default()
        }
    }

    fn at(text: &str) -> Millis {
        parse_iso(text).unwrap()
    }

    #[test]
    fn cron_in_utc_and_in_pacific_time_across_dst() {
        let s = cron("0 18 * * *", "UTC");
        assert_eq!(
            format_iso(next_fire(&s, at("2026-11-22T17:00:00Z")).unwrap()),
            "2026-11-22T18:00:00.000Z"
        );
        assert_eq!(
            format_iso(next_fire(&s, at("2026-11-22T18:00:00Z")).unwrap()),
            "2026-11-23T18:00:00.000Z"
        );
        let p = cron("0 18 * * *", "Pacific Standard Time");
        // PDT (UTC-7) on 31 October, PST (UTC-8) after 1 November 2026.
        assert_eq!(
            format_iso(next_fire(&p, at("2026-10-31T02:00:00Z")).unwrap()),
            "2026-11-01T01:00:00.000Z"
        );
        assert_eq!(
            format_iso(next_fire(&p, at("2026-11-01T02:00:00Z")).unwrap()),
            "2026-11-02T02:00:00.000Z"
        );
    }

    #[test]
    fn europe_dst_and_weekly_recurrence() {
        let s = weekly(&["Monday", "Friday"], 8, 30, "W. Europe Standard Time");
        // Sunday 22 Nov 2026 (CET, UTC+1) → Monday 23 Nov 08:30 local = 07:30 UTC.
        assert_eq!(
            format_iso(next_fire(&s, at("2026-11-22T12:00:00Z")).unwrap()),
            "2026-11-23T07:30:00.000Z"
        );
        // Friday 3 Apr 2026 is CEST (UTC+2).
        assert_eq!(
            format_iso(next_fire(&s, at("2026-04-01T00:00:00Z")).unwrap()),
            "2026-04-03T06:30:00.000Z"
        );
    }

    #[test]
    fn spring_gap_resolves_after_the_gap() {
        let z = find_time_zone("Eastern Standard Time").unwrap();
        // 8 March 2026 02:30 local does not exist in New York.
        let local = days_from_civil(2026, 3, 8) * DAY + 2 * HOUR + 30 * MINUTE;
        assert_eq!(
            format_iso(z.local_to_utc(local)),
            "2026-03-08T07:30:00.000Z"
        );
    }

    #[test]
    fn cron_parsing_and_validation() {
        assert!(CronSpec::parse("*/15 9-17 * * 1-5").is_ok());
        assert!(CronSpec::parse("0 18 * *")
            .unwrap_err()
            .contains("5 fields"));
        assert!(CronSpec::parse("61 * * * *").is_err());
        let weekdays = cron("0 9 * * 1-5", "UTC");
        // Saturday 28 Nov 2026 → Monday 30 Nov.
        assert_eq!(
            format_iso(next_fire(&weekdays, at("2026-11-27T10:00:00Z")).unwrap()),
            "2026-11-30T09:00:00.000Z"
        );
        let mut every_other = weekly(&["Monday"], 9, 0, "UTC");
        every_other.recurrence.as_mut().unwrap().interval = 2;
        assert!(validate_schedule(&every_other)
            .unwrap_err()
            .contains("interval of 2"));
        // A start time without an offset is wall-clock time in the schedule's zone.
        let mut later = cron("0 18 * * *", "Pacific Standard Time");
        later.cron.as_mut().unwrap().start_time = Some("2026-11-25T12:00:00".into());
        assert_eq!(
            format_iso(next_fire(&later, at("2026-11-22T00:00:00Z")).unwrap()),
            "2026-11-26T02:00:00.000Z"
        );
        later.cron.as_mut().unwrap().start_time = Some("2026-11-26T02:00:01Z".into());
        assert_eq!(
            format_iso(next_fire(&later, at("2026-11-22T00:00:00Z")).unwrap()),
            "2026-11-27T02:00:00.000Z"
        );
        assert!(validate_schedule(&cron("0 9 * * *", "Mars Standard Time"))
            .unwrap_err()
            .contains("Unknown time zone"));
        let mut disabled = cron("0 9 * * *", "UTC");
        disabled.status = "Disabled".into();
        assert_eq!(next_fire(&disabled, 0), None);
    }
}
