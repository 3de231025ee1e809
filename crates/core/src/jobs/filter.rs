//! MLflow's run filter (`metrics.rmse < 0.8 and params.model = 'tree'`), read and applied. The
//! grammar is MLflow's (`metrics.`, `params.`, `tags.`, `attributes.` subjects; keys quoted with
//! backticks or double quotes; `=`, `!=`, `<`, `<=`, `>`, `>=`, `LIKE`, `ILIKE`, `IN`, `NOT IN`,
//! `IS NULL`, `IS NOT NULL`) widened where MLflow's users ask for more: `OR`, `NOT`, parentheses,
//! comparisons of params as numbers when both sides are numbers, and bare attribute names.

use super::tracking::TrackingError;

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

/// Reads a filter; `None` for an empty one (every run).
pub fn parse(text: &str) -> Result<Option<Filter>, TrackingError> {
    let tokens = tokenize(text)?;
    if tokens.is_empty() {
        return Ok(None);
    }
    let mut parser = Parser {
        tokens,
        at: 0,
        text,
    };
    let filter = parser.or()?;
    if let Some(extra) = parser.tokens.get(parser.at) {
        return Err(parser.error(&format!("'{}' is not expected here", extra.show())));
    }
    Ok(Some(filter))
}

/// Reads a subject such as `metrics.rmse`, `params."learning rate"` or `attributes.status`.
pub fn parse_subject(text: &str) -> Result<Subject, TrackingError> {
    let tokens = tokenize(text)?;
    let mut parser = Parser {
        tokens,
        at: 0,
        text,
    };
    let subject = parser.subject()?;
    if parser.at != parser.tokens.len() {
        return Err(parser.error("only one name is expected"));
    }
    Ok(subject)
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
                    o.trim().parse::<f64>().ok().and_then(|o| n.partial_cmp(&o))
                }
                (FieldValue::Text(t), Operand::Number(o)) => {
                    t.trim().parse::<f64>().ok().and_then(|t| t.partial_cmp(o))
                }
                (FieldValue::Text(t), Operand::Text(o)) if status => {
                    Some(t.to_ascii_uppercase().cmp(&o.to_ascii_uppercase()))
                }
                (FieldValue::Text(t), Operand::Text(o)) => {
                    match (t.trim().parse::<f64>(), o.trim().parse::<f64>()) {
                        (Ok(a), Ok(b)) if !matches!(comparator, Eq | Ne) => a.partial_cmp(&b),
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

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Word(String),
    Quoted(char, String),
    Number(f64),
    Symbol(&'static str),
}

impl Token {
    fn show(&self) -> String {
        match self {
            Self::Word(w) => w.clone(),
            Self::Quoted(q, s) => format!("{q}{s}{q}"),
            Self::Number(n) => n.to_string(),
            Self::Symbol(s) => (*s).to_owned(),
        }
    }

    fn keyword(&self, word: &str) -> bool {
        matches!(self, Self::Word(w) if w.eq_ignore_ascii_case(word))
    }
}

fn bad_filter(text: &str, why: &str) -> TrackingError {
    TrackingError::invalid(format!("Invalid filter '{text}': {why}."))
}

fn tokenize(text: &str) -> Result<Vec<Token>, TrackingError> {
    const SYMBOLS: [&str; 11] = ["==", "!=", "<>", "<=", ">=", "=", "<", ">", "(", ")", ","];
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let word_char = |c: char| c.is_alphanumeric() || "_.:/".contains(c);
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '\'' || c == '"' || c == '`' {
            let end = chars[i + 1..]
                .iter()
                .position(|d| *d == c)
                .ok_or_else(|| bad_filter(text, &format!("a {c} is not closed")))?;
            tokens.push(Token::Quoted(c, chars[i + 1..i + 1 + end].iter().collect()));
            i += end + 2;
        } else if c.is_ascii_digit()
            || ((c == '-' || c == '.') && chars.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            let start = i;
            i += 1;
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric()
                    || chars[i] == '.'
                    || ((chars[i] == '-' || chars[i] == '+') && matches!(chars[i - 1], 'e' | 'E')))
            {
                i += 1;
            }
            let number: String = chars[start..i].iter().collect();
            let value = number
                .parse()
                .map_err(|_| bad_filter(text, &format!("'{number}' is not a number")))?;
            tokens.push(Token::Number(value));
        } else if word_char(c) {
            let start = i;
            while i < chars.len() && (word_char(chars[i]) || (chars[i] == '-' && i > start)) {
                i += 1;
            }
            tokens.push(Token::Word(chars[start..i].iter().collect()));
        } else {
            let rest: String = chars[i..chars.len().min(i + 2)].iter().collect();
            let symbol = SYMBOLS
                .iter()
                .find(|s| rest.starts_with(**s))
                .ok_or_else(|| bad_filter(text, &format!("'{c}' is not understood")))?;
            tokens.push(Token::Symbol(symbol));
            i += symbol.len();
        }
    }
    Ok(tokens)
}

struct Parser<'a> {
    tokens: Vec<Token>,
    at: usize,
    text: &'a str,
}

impl Parser<'_> {
    fn error(&self, why: &str) -> TrackingError {
        bad_filter(self.text, why)
    }

    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn eat_keyword(&mut self, word: &str) -> bool {
        let found = self.peek().is_some_and(|t| t.keyword(word));
        if found {
            self.at += 1;
        }
        found
    }

    fn eat_symbol(&mut self, symbol: &str) -> bool {
        let found = matches!(self.peek(), Some(Token::Symbol(s)) if *s == symbol);
        if found {
            self.at += 1;
        }
        found
    }

    fn or(&mut self) -> Result<Filter, TrackingError> {
        let mut parts = vec![self.and()?];
        while self.eat_keyword("or") {
            parts.push(self.and()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Filter::Or(parts)
        })
    }

    fn and(&mut self) -> Result<Filter, TrackingError> {
        let mut parts = vec![self.not()?];
        while self.eat_keyword("and") {
            parts.push(self.not()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Filter::And(parts)
        })
    }

    fn not(&mut self) -> Result<Filter, TrackingError> {
        if self.eat_keyword("not") {
            return Ok(Filter::Not(Box::new(self.not()?)));
        }
        if self.eat_symbol("(") {
            let inner = self.or()?;
            if !self.eat_symbol(")") {
                return Err(self.error("a '(' is not closed"));
            }
            return Ok(inner);
        }
        self.comparison()
    }

    fn subject(&mut self) -> Result<Subject, TrackingError> {
        let Some(Token::Word(word)) = self.next() else {
            return Err(self.error(
                "each comparison starts with a name such as metrics.loss, params.lr, tags.team or attributes.status",
            ));
        };
        let Some((kind, key)) = word.split_once('.') else {
            return Attribute::from_name(&word)
                .map(Subject::Attribute)
                .ok_or_else(|| self.error(&format!("say which kind of value '{word}' is: metrics.{word}, params.{word}, tags.{word} or attributes.{word}")));
        };
        let key = if key.is_empty() {
            match self.next() {
                Some(Token::Quoted('"' | '`', quoted)) => quoted,
                _ => return Err(self.error(&format!("a name is expected after '{word}'"))),
            }
        } else {
            key.to_owned()
        };
        match kind.to_ascii_lowercase().as_str() {
            "metric" | "metrics" => Ok(Subject::Metric(key)),
            "param" | "params" | "parameter" | "parameters" => Ok(Subject::Param(key)),
            "tag" | "tags" => Ok(Subject::Tag(key)),
            "attribute" | "attributes" | "attr" | "run" => Attribute::from_name(&key)
                .map(Subject::Attribute)
                .ok_or_else(|| self.error(&format!("'{key}' is not an attribute of a run (run_id, run_name, status, user_id, start_time, end_time, artifact_uri, experiment_id)"))),
            other => Err(self.error(&format!("'{other}' is not a kind of value: use metrics, params, tags or attributes"))),
        }
    }

    fn comparison(&mut self) -> Result<Filter, TrackingError> {
        let subject = self.subject()?;
        let comparator = self.comparator()?;
        let operand = match comparator {
            Comparator::IsNull | Comparator::IsNotNull => Operand::Nothing,
            Comparator::In | Comparator::NotIn => self.list()?,
            _ => match self.next() {
                Some(Token::Number(n)) => Operand::Number(n),
                Some(Token::Quoted('\'' | '"', s)) => Operand::Text(s),
                _ => {
                    return Err(self
                        .error("a comparison needs a number or a quoted value after its operator"))
                }
            },
        };
        if matches!(subject, Subject::Metric(_))
            && matches!(operand, Operand::Text(_) | Operand::List(_))
        {
            return Err(self.error("metrics are compared with numbers, e.g. metrics.loss < 0.5"));
        }
        if matches!(comparator, Comparator::Like | Comparator::ILike)
            && !matches!(operand, Operand::Text(_))
        {
            return Err(self.error("LIKE needs a quoted pattern, e.g. params.model LIKE 'tree%'"));
        }
        Ok(Filter::Compare(subject, comparator, operand))
    }

    fn comparator(&mut self) -> Result<Comparator, TrackingError> {
        let token = self.next();
        Ok(match token {
            Some(Token::Symbol("=" | "==")) => Comparator::Eq,
            Some(Token::Symbol("!=" | "<>")) => Comparator::Ne,
            Some(Token::Symbol("<")) => Comparator::Lt,
            Some(Token::Symbol("<=")) => Comparator::Le,
            Some(Token::Symbol(">")) => Comparator::Gt,
            Some(Token::Symbol(">=")) => Comparator::Ge,
            Some(t) if t.keyword("like") => Comparator::Like,
            Some(t) if t.keyword("ilike") => Comparator::ILike,
            Some(t) if t.keyword("in") => Comparator::In,
            Some(t) if t.keyword("not") && self.eat_keyword("in") => Comparator::NotIn,
            Some(t) if t.keyword("is") => {
                let not = self.eat_keyword("not");
                if !self.eat_keyword("null") {
                    return Err(self.error("IS is followed by NULL or NOT NULL"));
                }
                if not {
                    Comparator::IsNotNull
                } else {
                    Comparator::IsNull
                }
            }
            other => {
                let seen = other.map_or("the end".to_owned(), |t| format!("'{}'", t.show()));
                return Err(self.error(&format!("an operator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN, IS NULL) is expected, not {seen}")));
            }
        })
    }

    fn list(&mut self) -> Result<Operand, TrackingError> {
        if !self.eat_symbol("(") {
            return Err(self.error("IN is followed by a list in parentheses, e.g. ('a', 'b')"));
        }
        let mut items = Vec::new();
        loop {
            match self.next() {
                Some(Token::Quoted('\'' | '"', s)) => items.push(s),
                Some(Token::Number(n)) => items.push(n.to_string()),
                _ => return Err(self.error("a list holds quoted values separated by commas")),
            }
            if self.eat_symbol(")") {
                return Ok(Operand::List(items));
            }
            if !self.eat_symbol(",") {
                return Err(self.error("a list's values are separated by commas and closed by ')'"));
            }
        }
    }
}

#[cfg(test)]
mod tests;
