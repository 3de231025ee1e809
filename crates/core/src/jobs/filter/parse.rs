//! Reading a filter: its words (names, quoted values, numbers, operators), then its grammar,
//! with how deep parentheses and NOTs may nest and how long a filter may be bounded, so no
//! request can exhaust the parser's stack.

use super::{Attribute, Comparator, Filter, Operand, Subject};
use crate::jobs::tracking::TrackingError;
use azimuth_ml::decimal::parse_f64;

/// The longest filter read (characters).
pub const MAX_FILTER: usize = 20_000;
/// How deep parentheses and NOTs may nest.
pub const MAX_DEPTH: usize = 64;

/// Reads a filter; `None` for an empty one (every run).
pub fn parse(text: &str) -> Result<Option<Filter>, TrackingError> {
    if text.chars().count() > MAX_FILTER {
        return Err(TrackingError::invalid(format!(
            "The filter is {} characters long; at most {MAX_FILTER} are read.",
            text.chars().count()
        )));
    }
    let tokens = tokenize(text)?;
    if tokens.is_empty() {
        return Ok(None);
    }
    let mut parser = Parser {
        tokens,
        at: 0,
        text,
        depth: 0,
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
        depth: 0,
    };
    let subject = parser.subject()?;
    if parser.at != parser.tokens.len() {
        return Err(parser.error("only one name is expected"));
    }
    Ok(subject)
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
            let value = parse_f64(&number)
                .ok_or_else(|| bad_filter(text, &format!("'{number}' is not a number")))?;
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
    /// Parentheses and NOTs open around the current position.
    depth: usize,
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
        let nests = self
            .peek()
            .is_some_and(|t| t.keyword("not") || *t == Token::Symbol("("));
        if !nests {
            return self.comparison();
        }
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(&format!(
                "parentheses and NOTs nest at most {MAX_DEPTH} deep"
            )));
        }
        let inner = if self.eat_keyword("not") {
            Filter::Not(Box::new(self.not()?))
        } else {
            self.eat_symbol("(");
            let inner = self.or()?;
            if !self.eat_symbol(")") {
                return Err(self.error("a '(' is not closed"));
            }
            inner
        };
        self.depth -= 1;
        Ok(inner)
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
