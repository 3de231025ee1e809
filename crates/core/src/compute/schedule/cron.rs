//! Five-field cron expressions (minute hour day-of-month month day-of-week), as ARM's Cron
//! triggers (NCronTab) write them.

use crate::time::{civil_from_days, weekday};

/// What a cron field holds: its name in errors, its range, and the names it also takes
/// (NCronTab's JAN-DEC and SUN-SAT, the first for `min`).
struct FieldKind {
    what: &'static str,
    min: u32,
    max: u32,
    names: &'static [&'static str],
}

const MINUTE: FieldKind = FieldKind {
    what: "minute",
    min: 0,
    max: 59,
    names: &[],
};
const HOUR: FieldKind = FieldKind {
    what: "hour",
    min: 0,
    max: 23,
    names: &[],
};
const MONTH_DAY: FieldKind = FieldKind {
    what: "day of the month",
    min: 1,
    max: 31,
    names: &[],
};
const MONTH: FieldKind = FieldKind {
    what: "month",
    min: 1,
    max: 12,
    names: &[
        "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
    ],
};
const WEEK_DAY: FieldKind = FieldKind {
    what: "day of the week",
    min: 0,
    max: 7,
    names: &["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"],
};

impl FieldKind {
    /// One value: a number, or one of the field's names.
    fn value(&self, text: &str) -> Result<u32, String> {
        if let Ok(v) = text.parse::<u32>() {
            return Ok(v);
        }
        if let Some(i) = self.names.iter().position(|n| n.eq_ignore_ascii_case(text)) {
            return Ok(self.min + i as u32);
        }
        let names = match self.names {
            [] => String::new(),
            [first, .., last] => format!(" or a name from {first} to {last}"),
            [only] => format!(" or {only}"),
        };
        Err(format!(
            "The {} '{text}' is not a number from {} to {}{names}.",
            self.what, self.min, self.max
        ))
    }

    /// One parsed field: which values it allows.
    fn parse(&self, field: &str) -> Result<Vec<bool>, String> {
        let (min, max, what) = (self.min, self.max, self.what);
        let mut allowed = vec![false; (max + 1) as usize];
        for part in field.split(',') {
            let (range, step) = match part.split_once('/') {
                Some((r, s)) => (
                    r,
                    s.parse::<u32>()
                        .map_err(|_| format!("The step in the {what} '{part}' is not a number."))?,
                ),
                None => (part, 1),
            };
            if step == 0 {
                return Err(format!(
                    "The step in the {what} '{part}' is 0; use 1 or more."
                ));
            }
            let (lo, hi) = if range == "*" {
                (min, max)
            } else if let Some((a, b)) = range.split_once('-') {
                (self.value(a)?, self.value(b)?)
            } else {
                let v = self.value(range)?;
                (v, if part.contains('/') { max } else { v })
            };
            if lo > hi {
                return Err(format!(
                    "The {what} range '{part}' runs backwards: write the smaller value first."
                ));
            }
            if lo < min || hi > max {
                return Err(format!("The {what} '{part}' is outside {min}-{max}."));
            }
            for v in (lo..=hi).step_by(step as usize) {
                allowed[v as usize] = true;
            }
        }
        Ok(allowed)
    }
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
        if fields.is_empty() {
            return Err(
                "Enter a cron expression: minute hour day month weekday, such as 0 18 * * 1-5."
                    .into(),
            );
        }
        if fields.len() != 5 {
            return Err(format!(
                "A cron expression has 5 fields (minute hour day month weekday); '{expression}' has {}.",
                fields.len()
            ));
        }
        let mut week_days = WEEK_DAY.parse(fields[4])?;
        if week_days[7] {
            week_days[0] = true;
        }
        week_days.truncate(7);
        Ok(Self {
            minutes: MINUTE.parse(fields[0])?,
            hours: HOUR.parse(fields[1])?,
            month_days: MONTH_DAY.parse(fields[2])?,
            months: MONTH.parse(fields[3])?,
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
