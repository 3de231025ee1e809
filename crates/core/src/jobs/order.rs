//! MLflow's `order_by` (`metrics.rmse DESC`, `attributes.start_time`): read, and applied as a
//! comparison of two runs. Runs without the value come last either way; ties fall back to the
//! newest first, then the run id, so a page boundary never moves.

use super::filter::{parse_subject, Attribute, FieldValue, Fields, Subject};
use super::tracking::TrackingError;
use azimuth_ml::decimal::parse_f64;
use std::cmp::Ordering;

/// One key of an ordering.
#[derive(Clone, Debug, PartialEq)]
pub struct OrderBy {
    /// What is compared.
    pub subject: Subject,
    /// Largest first.
    pub descending: bool,
}

/// Reads one `order_by` clause.
pub fn parse_order(text: &str) -> Result<OrderBy, TrackingError> {
    let trimmed = text.trim();
    let (rest, descending) = match trimmed.rsplit_once(char::is_whitespace) {
        Some((rest, last)) if last.eq_ignore_ascii_case("desc") => (rest, true),
        Some((rest, last)) if last.eq_ignore_ascii_case("asc") => (rest, false),
        _ => (trimmed, false),
    };
    let subject = parse_subject(rest).map_err(|e| {
        TrackingError::invalid(format!(
            "Invalid order_by clause '{text}': {}",
            e.message
                .split_once(": ")
                .map_or(e.message.as_str(), |(_, why)| why)
        ))
    })?;
    Ok(OrderBy {
        subject,
        descending,
    })
}

/// Reads every clause of an `order_by` list.
pub fn parse_orders(clauses: &[String]) -> Result<Vec<OrderBy>, TrackingError> {
    clauses.iter().map(|c| parse_order(c)).collect()
}

/// Orders two values the one way every list sorts: numbers (and text that reads as a number)
/// before other text; numbers by value, text ignoring case and then exactly. A total order, so
/// no mix of values makes a sort inconsistent.
pub fn compare_values(a: &FieldValue<'_>, b: &FieldValue<'_>) -> Ordering {
    fn number(v: &FieldValue<'_>) -> Option<f64> {
        match v {
            FieldValue::Number(n) => Some(*n),
            FieldValue::Text(t) => parse_f64(t.trim()),
        }
    }
    fn text<'a>(v: &'a FieldValue<'a>) -> &'a str {
        match v {
            FieldValue::Text(t) => t,
            FieldValue::Number(_) => "",
        }
    }
    match (number(a), number(b)) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => {
            let (x, y) = (text(a), text(b));
            x.to_lowercase()
                .cmp(&y.to_lowercase())
                .then_with(|| x.cmp(y))
        }
    }
}

/// Compares two runs by `orders`, then newest first, then by run id.
pub fn compare_runs<R: Fields>(a: &R, b: &R, orders: &[OrderBy]) -> Ordering {
    for order in orders {
        let ordering = match (a.value(&order.subject), b.value(&order.subject)) {
            (Some(x), Some(y)) => {
                let o = compare_values(&x, &y);
                if order.descending {
                    o.reverse()
                } else {
                    o
                }
            }
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        if ordering != Ordering::Equal {
            return ordering;
        }
    }
    let start = Subject::Attribute(Attribute::StartTime);
    let id = Subject::Attribute(Attribute::RunId);
    let newest = match (a.value(&start), b.value(&start)) {
        (Some(x), Some(y)) => compare_values(&y, &x),
        _ => Ordering::Equal,
    };
    newest.then_with(|| match (a.value(&id), b.value(&id)) {
        (Some(x), Some(y)) => compare_values(&x, &y),
        _ => Ordering::Equal,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    struct R(&'static str, f64, Option<f64>);

    impl Fields for R {
        fn attribute(&self, attribute: Attribute) -> Option<FieldValue<'_>> {
            match attribute {
                Attribute::RunId => Some(FieldValue::Text(self.0)),
                Attribute::StartTime => Some(FieldValue::Number(self.1)),
                _ => None,
            }
        }
        fn metric(&self, _: &str) -> Option<f64> {
            self.2
        }
        fn param(&self, _: &str) -> Option<&str> {
            None
        }
        fn tag(&self, _: &str) -> Option<&str> {
            None
        }
    }

    fn sorted(orders: &[&str], mut runs: Vec<R>) -> Vec<&'static str> {
        let clauses: Vec<String> = orders.iter().map(|o| (*o).to_owned()).collect();
        let orders = parse_orders(&clauses).unwrap();
        runs.sort_by(|a, b| compare_runs(a, b, &orders));
        runs.iter().map(|r| r.0).collect()
    }

    #[test]
    fn orders_by_metric_with_missing_values_last() {
        let runs = || {
            vec![
                R("a", 1.0, Some(0.5)),
                R("b", 2.0, None),
                R("c", 3.0, Some(0.9)),
            ]
        };
        assert_eq!(sorted(&["metrics.acc DESC"], runs()), ["c", "a", "b"]);
        assert_eq!(sorted(&["metrics.acc"], runs()), ["a", "c", "b"]);
        assert_eq!(sorted(&[], runs()), ["c", "b", "a"], "newest first");
        assert_eq!(
            sorted(&["attributes.start_time asc"], runs()),
            ["a", "b", "c"]
        );
    }

    #[test]
    fn mixed_values_sort_in_one_consistent_order() {
        let values = ["2", "1e1", "1f", "B", "a", "-1"];
        let mut sorted: Vec<FieldValue<'_>> = values.iter().map(|v| FieldValue::Text(v)).collect();
        sorted.sort_by(compare_values);
        let shown: Vec<&str> = sorted
            .iter()
            .map(|v| match v {
                FieldValue::Text(t) => *t,
                FieldValue::Number(_) => "",
            })
            .collect();
        assert_eq!(shown, ["-1", "2", "1e1", "1f", "a", "B"]);
    }

    #[test]
    fn a_bad_clause_is_named() {
        let error = parse_order("rmse DESC").unwrap_err();
        assert!(error
            .message
            .starts_with("Invalid order_by clause 'rmse DESC'"));
        assert!(error.message.contains("metrics.rmse"), "{}", error.message);
    }
}
