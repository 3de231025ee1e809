//! MLflow's run filter (`metrics.rmse < 0.8 and params.model = 'tree'`), read and applied. The
//! grammar is MLflow's (`metrics.`, `params.`, `tags.`, `attributes.` subjects; keys quoted with
//! backticks or double quotes; `=`, `!=`, `<`, `<=`, `>`, `>=`, `LIKE`, `ILIKE`, `IN`, `NOT IN`,
//! `IS NULL`, `IS NOT NULL`) widened where MLflow's users ask for more: `OR`, `NOT`, parentheses,
//! comparisons of params as numbers when both sides are numbers, and bare attribute names.

use azimuth_ml::decimal::parse_f64;

/// What a comparison looks at.
#[derive(Clone, Debug, PartialEq)]
pub enum Subject {
    /// One of the run's own fields.
    Attribute(Attribute),
    /// The latest value of a metric.
    Metric(String),
    /// A param.
    Param(String),
    /// A tag.
    Tag(String),
}

/// A run's own fields that filters and orderings name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attribute {
    /// `run_id`.
    RunId,
    /// `run_name` (an experiment's `name`).
    RunName,
    /// `status` (RUNNING, SCHEDULED, FINISHED, FAILED, KILLED).
    Status,
    /// `user_id`.
    UserId,
    /// `start_time` (ms; also `created`, and an experiment's `creation_time`).
    StartTime,
    /// `end_time` (ms; an experiment's `last_update_time`).
    EndTime,
    /// `artifact_uri`.
    ArtifactUri,
    /// `experiment_id` (also an experiment's own).
    ExperimentId,
}

impl Attribute {
    fn from_name(name: &str) -> Option<Self> {
        Some(match name.to_ascii_lowercase().as_str() {
            "run_id" | "id" => Self::RunId,
            "run_name" | "name" => Self::RunName,
            "status" => Self::Status,
            "user_id" => Self::UserId,
            "start_time" | "created" | "creation_time" => Self::StartTime,
            "end_time" | "last_update_time" => Self::EndTime,
            "artifact_uri" => Self::ArtifactUri,
            "experiment_id" => Self::ExperimentId,
            _ => return None,
        })
    }

    /// Whether the attribute is a time (compared as a number).
    pub fn is_time(self) -> bool {
        matches!(self, Self::StartTime | Self::EndTime)
    }
}

/// How a subject is compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Comparator {
    /// `=`.
    Eq,
    /// `!=`.
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
    /// `LIKE` (`%` any run of characters, `_` one).
    Like,
    /// `ILIKE`: `LIKE` ignoring case.
    ILike,
    /// `IN (...)`.
    In,
    /// `NOT IN (...)`.
    NotIn,
    /// `IS NULL`: the run has no such value.
    IsNull,
    /// `IS NOT NULL`.
    IsNotNull,
}

/// What a subject is compared with.
#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    /// A number.
    Number(f64),
    /// A quoted string.
    Text(String),
    /// `('a', 'b')`.
    List(Vec<String>),
    /// Nothing (`IS NULL`).
    Nothing,
}

/// A parsed filter.
#[derive(Clone, Debug, PartialEq)]
pub enum Filter {
    /// One comparison.
    Compare(Subject, Comparator, Operand),
    /// Every part holds.
    And(Vec<Filter>),
    /// Some part holds.
    Or(Vec<Filter>),
    /// The part does not hold.
    Not(Box<Filter>),
}

/// A value of one of a run's fields, for comparing.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldValue<'a> {
    /// A number (a metric, a time).
    Number(f64),
    /// Text (a param, a tag, most attributes).
    Text(&'a str),
}

/// What a filter reads of a run.
pub trait Fields {
    /// One of the run's attributes (`None` when it has none, e.g. no end time yet).
    fn attribute(&self, attribute: Attribute) -> Option<FieldValue<'_>>;
    /// The latest value of a metric.
    fn metric(&self, key: &str) -> Option<f64>;
    /// A param's value.
    fn param(&self, key: &str) -> Option<&str>;
    /// A tag's value.
    fn tag(&self, key: &str) -> Option<&str>;

    /// The value of `subject`, if the run has it.
    fn value(&self, subject: &Subject) -> Option<FieldValue<'_>> {
        match subject {
            Subject::Attribute(a) => self.attribute(*a),
            Subject::Metric(k) => self.metric(k).map(FieldValue::Number),
            Subject::Param(k) => self.param(k).map(FieldValue::Text),
            Subject::Tag(k) => self.tag(k).map(FieldValue::Text),
        }
    }
}

impl Filter {
    /// Whether a run passes.
    pub fn matches(&self, run: &impl Fields) -> bool {
        match self {
            Self::And(parts) => parts.iter().all(|p| p.matches(run)),
            Self::Or(parts) => parts.iter().any(|p| p.matches(run)),
            Self::Not(part) => !part.matches(run),
            Self::Compare(subject, comparator, operand) => {
                compare(run.value(subject), *comparator, operand, subject)
            }
        }
    }
}

fn compare(
    value: Option<FieldValue<'_>>,
    comparator: Comparator,
    operand: &Operand,
    subject: &Subject,
) -> bool {
    use Comparator::*;
    let Some(value) = value else {
        return comparator == IsNull;
    };
    match comparator {
        IsNull => false,
        IsNotNull => true,
        In | NotIn => {
            let Operand::List(list) = operand else {
                return false;
            };
            let text = value_text(&value);
            list.iter().any(|item| item == &text) == (comparator == In)
        }
        Like | ILike => {
            let Operand::Text(pattern) = operand else {
                return false;
            };
            let text = value_text(&value);
            if comparator == ILike {
                like(&text.to_lowercase(), &pattern.to_lowercase())
            } else {
                like(&text, pattern)
            }
        }
        _ => {
            let status = matches!(subject, Subject::Attribute(Attribute::Status));
            let ordering = match (&value, operand) {
                (FieldValue::Number(n), Operand::Number(o)) => n.partial_cmp(o),
                (FieldValue::Number(n), Operand::Text(o)) => {
                    parse_f64(o.trim()).and_then(|o| n.partial_cmp(&o))
                }
                (FieldValue::Text(t), Operand::Number(o)) => {
                    parse_f64(t.trim()).and_then(|t| t.partial_cmp(o))
                }
                (FieldValue::Text(t), Operand::Text(o)) if status => {
                    Some(t.to_ascii_uppercase().cmp(&o.to_ascii_uppercase()))
                }
                (FieldValue::Text(t), Operand::Text(o)) => {
                    match (parse_f64(t.trim()), parse_f64(o.trim())) {
                        (Some(a), Some(b)) if !matches!(comparator, Eq | Ne) => a.partial_cmp(&b),
                        _ => Some(t.cmp(&o.as_str())),
                    }
                }
                _ => None,
            };
            let Some(ordering) = ordering else {
                return false;
            };
            match comparator {
                Eq => ordering.is_eq(),
                Ne => ordering.is_ne(),
                Lt => ordering.is_lt(),
                Le => ordering.is_le(),
                Gt => ordering.is_gt(),
                _ => ordering.is_ge(),
            }
        }
    }
}

fn value_text(value: &FieldValue<'_>) -> String {
    match value {
        FieldValue::Number(n) => n.to_string(),
        FieldValue::Text(t) => (*t).to_owned(),
    }
}

/// SQL's LIKE: `%` matches any run of characters, `_` any one.
pub fn like(text: &str, pattern: &str) -> bool {
    let text: Vec<char> = text.chars().collect();
    let pattern: Vec<char> = pattern.chars().collect();
    // Greedy matching with one backtrack point, linear in practice.
    let (mut t, mut p) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && (pattern[p] == '_' || pattern[p] == text[t]) {
            t += 1;
            p += 1;
        } else if p < pattern.len() && pattern[p] == '%' {
            star = Some((p, t));
            p += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|c| *c == '%')
}

mod parse;

pub use parse::{parse, parse_subject};

#[cfg(test)]
mod tests;
