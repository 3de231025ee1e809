//! Five-field cron expressions (minute hour day-of-month month day-of-week), as ARM's Cron
//! triggers (NCronTab) write them.

use crate::time::{civil_from_days, weekday};

/// One parsed cron field: which values it allows.
fn parse_field(field: &str, min: u32, max: u32) -> Result<Vec<bool>, String> {
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
        let mut week_days = parse_field(fields[4], 0, 7)?;
        if week_days[7] {
            week_days[0] = true;
        }
        week_days.truncate(7);
        Ok(Self {
            minutes: parse_field(fields[0], 0, 59)?,
            hours: parse_field(fields[1], 0, 23)?,
            month_days: parse_field(fields[2], 1, 31)?,
            months: parse_field(fields[3], 1, 12)?,
            week_days,
        })
    }

    /// The (hour, minute) pairs it fires at in a day, earliest first.
    pub fn times_of_day(&self) -> Vec<(u32, u32)> {
        (0..24u32)
            .flat_map(|h| (0..60u32).map(move |m| (h, m)))
            .filter(|&(h, m)| self.hours[h as usize] && self.minutes[m as usize])
            .collect()
    }

    /// Whether it fires on a day (a day number since the epoch, in local time).
    pub fn matches_day(&self, days: i64) -> bool {
        let (_, month, day) = civil_from_days(days);
        self.months[month as usize]
            && self.month_days[day as usize]
            && self.week_days[weekday(days) as usize]
    }
}
