//! Metric histories as they are read back: page by page (MLflow's `get-history`), sampled
//! across runs (`get-history-bulk-interval`), or shaped for a chart (buckets of least and
//! greatest values); SQLite does the choosing, so a history of millions is never read whole.
//! As values are written, blocks of 64 and 4,096 steps keep their least and greatest values
//! (`metric_blocks`), so a chart of a long history by step reads blocks, not values.

use super::store::{sql, Tracking};
use azimuth_core::jobs::metrics::{add_to_block, block_of, block_size_for, Block, BLOCK_STEPS};
use azimuth_core::jobs::{Metric, TrackingError};
use rusqlite::{params, Connection};
use std::collections::HashMap;

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

/// Adds values just written (each with its metric's number in run `run`) to their blocks'
/// summaries, in the same transaction.
pub(super) fn add_to_blocks(
    conn: &Connection,
    run: i64,
    points: &[(u32, Metric)],
) -> Result<(), TrackingError> {
    let mut blocks: HashMap<(u32, i64, i64), Block> = HashMap::new();
    for (number, m) in points {
        for size in BLOCK_STEPS {
            let block = blocks
                .entry((*number, size, block_of(m.step, size)))
                .or_insert((i64::MAX, i64::MIN, None, None, 0));
            add_to_block(block, m.step, m.value);
        }
    }
    let mut upsert = conn
        .prepare_cached(
            "INSERT INTO metric_blocks (run, metric, size, block, first_step, last_step, least, greatest, count) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (run, metric, size, block) DO UPDATE SET
               first_step = min(first_step, excluded.first_step), last_step = max(last_step, excluded.last_step),
               least = coalesce(min(least, excluded.least), least, excluded.least),
               greatest = coalesce(max(greatest, excluded.greatest), greatest, excluded.greatest),
               count = count + excluded.count",
        )
        .map_err(sql)?;
    for ((number, size, block), (first, last, least, greatest, count)) in blocks {
        upsert
            .execute(params![
                run,
                number,
                size,
                block,
                first,
                last,
                least,
                greatest,
                count as i64
            ])
            .map_err(sql)?;
    }
    Ok(())
}

/// Summarises into blocks the histories of a database written before blocks were kept (once:
/// when there are values and no blocks).
pub(super) fn summarise_blocks_once(conn: &Connection) -> Result<(), TrackingError> {
    let has = |table: &str| -> Result<bool, TrackingError> {
        conn.query_row(&format!("SELECT EXISTS (SELECT 1 FROM {table})"), [], |r| {
            r.get(0)
        })
        .map_err(sql)
    };
    if has("metric_blocks")? || !has("metric_points")? {
        return Ok(());
    }
    for size in BLOCK_STEPS {
        // Floor division, as `block_of` does for steps below zero.
        conn.execute(
            "INSERT INTO metric_blocks (run, metric, size, block, first_step, last_step, least, greatest, count)
             SELECT run, metric, ?1, CASE WHEN step >= 0 THEN step / ?1 ELSE (step - ?1 + 1) / ?1 END AS b,
                    MIN(step), MAX(step), MIN(value), MAX(value), COUNT(*)
             FROM metric_points GROUP BY run, metric, b",
            params![size],
        )
        .map_err(sql)?;
    }
    Ok(())
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
        // Two queries: SQLite answers a lone MIN or MAX from the index's end, but reads the
        // whole series for both at once.
        let end = |aggregate: &str| -> Result<Option<i64>, TrackingError> {
            inner
                .conn
                .prepare_cached(&format!(
                    "SELECT {aggregate}({x}) FROM metric_points WHERE run = ?1 AND metric = ?2"
                ))
                .and_then(|mut s| s.query_row(params![run_seq, metric], |r| r.get(0)))
                .map_err(sql)
        };
        let (first, last) = (end("MIN")?, end("MAX")?);
        let (Some(first), Some(last)) = (first, last) else {
            return Ok(Sampled::default());
        };
        let low = range.0.unwrap_or(first).max(first);
        let high = range.1.unwrap_or(last).min(last);
        let count = || -> Result<i64, TrackingError> {
            inner
                .conn
                .prepare_cached(&format!("SELECT COUNT(*) FROM metric_points WHERE run = ?1 AND metric = ?2 AND {x} BETWEEN ?3 AND ?4"))
                .and_then(|mut s| s.query_row(params![run_seq, metric, low, high], |r| r.get(0)))
                .map_err(sql)
        };
        // By step, the finest blocks say about how many values the range holds without reading
        // them (exactly, but for the blocks at its edges); a small range is counted exactly.
        let total = if by_time {
            count()?
        } else {
            let estimate: i64 = inner
                .conn
                .prepare_cached("SELECT COALESCE(SUM(count), 0) FROM metric_blocks WHERE run = ?1 AND metric = ?2 AND size = ?3 AND last_step >= ?4 AND first_step <= ?5")
                .and_then(|mut s| s.query_row(params![run_seq, metric, BLOCK_STEPS[0], low, high], |r| r.get(0)))
                .map_err(sql)?;
            if estimate <= 4 * buckets {
                count()?
            } else {
                estimate
            }
        };
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
        } else if let Some(size) = block_size_for(low, high, buckets).filter(|_| !by_time) {
            // Blocks overlapping the range, gathered into buckets.
            let span = (high - low).max(0) + 1;
            let mut s = inner
                .conn
                .prepare_cached("SELECT (max(first_step, ?3) - ?3) * ?5 / ?6 AS b, MIN(first_step), MAX(last_step), MIN(least), MAX(greatest) FROM metric_blocks WHERE run = ?1 AND metric = ?2 AND size = ?7 AND last_step >= ?3 AND first_step <= ?4 GROUP BY b ORDER BY b")
                .map_err(sql)?;
            let rows = s
                .query_map(
                    params![run_seq, metric, low, high, buckets, span, size],
                    |r| Ok((r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
                )
                .map_err(sql)?;
            shaped.buckets = rows.collect::<Result<_, _>>().map_err(sql)?;
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
