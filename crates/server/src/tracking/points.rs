//! Metric histories as they are read back: page by page (MLflow's `get-history`), sampled
//! across runs (`get-history-bulk-interval`), or shaped for a chart (buckets of least and
//! greatest values); SQLite does the choosing, so a history of millions is never read whole.

use super::store::{sql, Tracking};
use azimuth_core::jobs::TrackingError;
use rusqlite::params;

/// A value of a metric's history.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    /// The step.
    pub step: i64,
    /// When (ms).
    pub timestamp: i64,
    /// The value.
    pub value: f64,
}

/// Where a value is in its history: (step, timestamp, row).
pub type Place = (i64, i64, i64);

/// A value read back (SQLite keeps NaN as NULL).
fn point(r: &rusqlite::Row<'_>) -> rusqlite::Result<Point> {
    Ok(Point {
        step: r.get(0)?,
        timestamp: r.get(1)?,
        value: r.get::<_, Option<f64>>(2)?.unwrap_or(f64::NAN),
    })
}

/// A metric's history shaped for a chart: the whole series' first and last x, how many values
/// lie in the range asked for, and either those values (`[x, y]`) or, when there are more than
/// twice the buckets, each bucket's `[first x, last x, least, greatest]`.
#[derive(Debug, Default, PartialEq)]
pub struct Sampled {
    /// The series' first x (step or time).
    pub first: Option<i64>,
    /// Its last x.
    pub last: Option<i64>,
    /// Values in the range.
    pub total: i64,
    /// The values, when few.
    pub points: Vec<(i64, Option<f64>)>,
    /// The buckets, when many.
    pub buckets: Vec<(i64, i64, Option<f64>, Option<f64>)>,
}

impl Tracking {
    /// A metric's values in one run in step order (then time, then as logged), after the
    /// value `after` names (a page's last), at most `limit`: each with its place, for the next
    /// page's token (reading page after page costs the same however far in).
    pub fn history(
        &self,
        run_seq: i64,
        metric: u32,
        after: Option<Place>,
        limit: usize,
    ) -> Result<Vec<(Point, Place)>, TrackingError> {
        let inner = self.lock();
        let (step, timestamp, row) = after.unwrap_or((i64::MIN, i64::MIN, i64::MIN));
        let mut statement = inner
            .conn
            .prepare_cached(
                "SELECT step, timestamp, value, rowid FROM metric_points WHERE run = ?1 AND metric = ?2 AND (step, timestamp, rowid) > (?3, ?4, ?5) ORDER BY step, timestamp, rowid LIMIT ?6",
            )
            .map_err(sql)?;
        let rows = statement
            .query_map(
                params![run_seq, metric, step, timestamp, row, limit as i64],
                |r| {
                    let point = point(r)?;
                    let place = (point.step, point.timestamp, r.get(3)?);
                    Ok((point, place))
                },
            )
            .map_err(sql)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(sql)
    }

    /// About `wanted` values of a metric in one run between two steps, spread evenly over its
    /// values there, the first and the last always among them; SQLite picks them, so a long
    /// history is never read whole.
    pub fn sample(
        &self,
        run_seq: i64,
        metric: u32,
        (low, high): (i64, i64),
        wanted: usize,
    ) -> Result<Vec<Point>, TrackingError> {
        let inner = self.lock();
        let count: i64 = inner
            .conn
            .prepare_cached("SELECT COUNT(*) FROM metric_points WHERE run = ?1 AND metric = ?2 AND step BETWEEN ?3 AND ?4")
            .and_then(|mut s| s.query_row(params![run_seq, metric, low, high], |r| r.get(0)))
            .map_err(sql)?;
        // Row n is kept when n * (wanted - 1) / (count - 1) reaches a new whole number.
        let (gaps, span) = ((wanted.max(2) - 1) as i64, (count - 1).max(1));
        let mut statement = inner
            .conn
            .prepare_cached(
                "SELECT step, timestamp, value FROM (SELECT step, timestamp, value, ROW_NUMBER() OVER (ORDER BY step, timestamp, rowid) - 1 AS n FROM metric_points WHERE run = ?1 AND metric = ?2 AND step BETWEEN ?3 AND ?4) WHERE ?5 >= ?6 OR (n * ?5) % ?6 < ?5",
            )
            .map_err(sql)?;
        let rows = statement
            .query_map(params![run_seq, metric, low, high, gaps, span], point)
            .map_err(sql)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(sql)
    }

    /// A metric's history for a chart, x being the step or (`by_time`) the time, within
    /// `range` (all when open), in at most `buckets` buckets of least and greatest values.
    pub fn sampled(
        &self,
        run_seq: i64,
        metric: u32,
        by_time: bool,
        range: (Option<i64>, Option<i64>),
        buckets: i64,
    ) -> Result<Sampled, TrackingError> {
        let inner = self.lock();
        let x = if by_time { "timestamp" } else { "step" };
        let (first, last): (Option<i64>, Option<i64>) = inner
            .conn
            .prepare_cached(&format!(
                "SELECT MIN({x}), MAX({x}) FROM metric_points WHERE run = ?1 AND metric = ?2"
            ))
            .and_then(|mut s| s.query_row(params![run_seq, metric], |r| Ok((r.get(0)?, r.get(1)?))))
            .map_err(sql)?;
        let (Some(first), Some(last)) = (first, last) else {
            return Ok(Sampled::default());
        };
        let low = range.0.unwrap_or(first).max(first);
        let high = range.1.unwrap_or(last).min(last);
        let total: i64 = inner
            .conn
            .prepare_cached(&format!("SELECT COUNT(*) FROM metric_points WHERE run = ?1 AND metric = ?2 AND {x} BETWEEN ?3 AND ?4"))
            .and_then(|mut s| s.query_row(params![run_seq, metric, low, high], |r| r.get(0)))
            .map_err(sql)?;
        let mut shaped = Sampled {
            first: Some(first),
            last: Some(last),
            total,
            ..Sampled::default()
        };
        if total <= 2 * buckets {
            let mut s = inner
                .conn
                .prepare_cached(&format!("SELECT {x}, value FROM metric_points WHERE run = ?1 AND metric = ?2 AND {x} BETWEEN ?3 AND ?4 ORDER BY {x}, rowid"))
                .map_err(sql)?;
            let rows = s
                .query_map(params![run_seq, metric, low, high], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .map_err(sql)?;
            shaped.points = rows.collect::<Result<_, _>>().map_err(sql)?;
        } else {
            let span = (high - low).max(0) + 1;
            let mut s = inner
                .conn
                .prepare_cached(&format!("SELECT ({x} - ?3) * ?5 / ?6 AS b, MIN({x}), MAX({x}), MIN(value), MAX(value) FROM metric_points WHERE run = ?1 AND metric = ?2 AND {x} BETWEEN ?3 AND ?4 GROUP BY b ORDER BY b"))
                .map_err(sql)?;
            let rows = s
                .query_map(params![run_seq, metric, low, high, buckets, span], |r| {
                    Ok((r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                })
                .map_err(sql)?;
            shaped.buckets = rows.collect::<Result<_, _>>().map_err(sql)?;
        }
        Ok(shaped)
    }
}
