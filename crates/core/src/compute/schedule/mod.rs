//! When start/stop schedules fire: ARM recurrences and cron triggers, evaluated in their time
//! zone across daylight-saving changes.

mod cron;
mod zones;

pub use cron::CronSpec;
pub use zones::{find_time_zone, DstRule, TimeZone, TIME_ZONES};

use crate::compute::StartStopSchedule;
use crate::time::{weekday, Millis, DAY, HOUR, MINUTE};

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
            let times = spec.times_of_day();
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

/// Writes the enum values of a compute's schedules in ARM's casing (`stop` → `Stop`, `week` →
/// `Week`, `monday` → `Monday`). Azure takes them in any case, and azure-ai-ml sends them as the
/// CLI v2 YAML wrote them (`action: stop`).
pub fn canonical_casing(props: &mut crate::compute::ComputeProperties) {
    fn canon(value: &mut String, names: &[&str]) {
        if let Some(name) = names.iter().find(|n| n.eq_ignore_ascii_case(value)) {
            *value = (*name).to_owned();
        }
    }
    let Some(schedules) = &mut props.schedules else {
        return;
    };
    for s in &mut schedules.compute_start_stop {
        canon(&mut s.action, &["Start", "Stop"]);
        canon(&mut s.status, &["Enabled", "Disabled"]);
        canon(&mut s.trigger_type, &["Recurrence", "Cron"]);
        if let Some(rec) = &mut s.recurrence {
            canon(
                &mut rec.frequency,
                &["Minute", "Hour", "Day", "Week", "Month"],
            );
            for day in &mut rec.schedule.week_days {
                canon(day, &WEEK_DAYS);
            }
        }
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
    // Days that never come (the 31st of February) make a schedule that never fires: looked for
    // through a whole leap year.
    let probe = StartStopSchedule {
        status: "Enabled".into(),
        ..schedule.clone()
    };
    if next_fire(&probe, LEAP_YEAR_START).is_none() {
        return Err("The schedule never fires: no date has the days and months it names (such as the 31st of February).".into());
    }
    Ok(())
}

/// 2024-01-01T00:00:00Z: a leap year starts, so every date that exists comes within 400 days.
const LEAP_YEAR_START: Millis = 1_704_067_200_000;

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
        // The earliest time of the day after `after` (times need not be in order: a
        // recurrence lists hours and minutes as given).
        let first = p
            .times
            .iter()
            .map(|&(h, m)| {
                p.zone
                    .local_to_utc(day * DAY + i64::from(h) * HOUR + i64::from(m) * MINUTE)
            })
            .filter(|&utc| utc > after)
            .min();
        if first.is_some() {
            return first;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compute::{Cron, Recurrence, RecurrenceSchedule};
    use crate::time::{days_from_civil, format_iso, parse_iso};

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
        assert_eq!(
            CronSpec::parse("61 * * * *").unwrap_err(),
            "The minute '61' is outside 0-59."
        );
        assert!(CronSpec::parse("0 9 * * 5-1")
            .unwrap_err()
            .contains("runs backwards"));
        assert!(CronSpec::parse("  ")
            .unwrap_err()
            .starts_with("Enter a cron expression"));
        // NCronTab's names for days and months.
        assert_eq!(
            CronSpec::parse("0 9 * JAN,dec MON-FRI"),
            CronSpec::parse("0 9 * 1,12 1-5")
        );
        assert!(CronSpec::parse("0 9 * * MONDAY")
            .unwrap_err()
            .contains("or a name from SUN to SAT"));
        // A date that never comes is a schedule that never fires; the 29th of February does.
        assert!(validate_schedule(&cron("0 0 31 2 *", "UTC"))
            .unwrap_err()
            .contains("never fires"));
        assert!(validate_schedule(&cron("0 0 29 2 *", "UTC")).is_ok());
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

    #[test]
    fn enum_values_in_any_case_are_written_as_arm_writes_them() {
        let mut lower = weekly(&["monday", "FRIDAY"], 8, 0, "UTC");
        lower.action = "start".into();
        lower.status = "enabled".into();
        lower.trigger_type = "recurrence".into();
        if let Some(rec) = &mut lower.recurrence {
            rec.frequency = "week".into();
        }
        let mut props = crate::compute::ComputeProperties {
            schedules: Some(crate::compute::ComputeSchedules {
                compute_start_stop: vec![lower],
            }),
            ..Default::default()
        };
        canonical_casing(&mut props);
        let canonical = &props.schedules.unwrap().compute_start_stop[0];
        assert_eq!(*canonical, weekly(&["Monday", "Friday"], 8, 0, "UTC"));
        let mut odd = cron("0 9 * * *", "UTC");
        odd.action = "Reboot".into();
        let mut props = crate::compute::ComputeProperties {
            schedules: Some(crate::compute::ComputeSchedules {
                compute_start_stop: vec![odd.clone()],
            }),
            ..Default::default()
        };
        canonical_casing(&mut props);
        assert_eq!(
            props.schedules.unwrap().compute_start_stop[0],
            odd,
            "what is no enum value is left for validation to refuse"
        );
    }
}
