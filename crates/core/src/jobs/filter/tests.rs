use super::*;
use std::collections::HashMap;

#[derive(Default)]
struct TestRun {
    status: &'static str,
    start: f64,
    end: Option<f64>,
    metrics: HashMap<&'static str, f64>,
    params: HashMap<&'static str, &'static str>,
    tags: HashMap<&'static str, &'static str>,
}

impl Fields for TestRun {
    fn attribute(&self, attribute: Attribute) -> Option<FieldValue<'_>> {
        match attribute {
            Attribute::Status => Some(FieldValue::Text(self.status)),
            Attribute::StartTime => Some(FieldValue::Number(self.start)),
            Attribute::EndTime => self.end.map(FieldValue::Number),
            Attribute::RunName => Some(FieldValue::Text("bold_owl_1")),
            _ => None,
        }
    }
    fn metric(&self, key: &str) -> Option<f64> {
        self.metrics.get(key).copied()
    }
    fn param(&self, key: &str) -> Option<&str> {
        self.params.get(key).copied()
    }
    fn tag(&self, key: &str) -> Option<&str> {
        self.tags.get(key).copied()
    }
}

fn run() -> TestRun {
    TestRun {
        status: "FINISHED",
        start: 1000.0,
        end: None,
        metrics: HashMap::from([("rmse", 0.7), ("train loss", 0.2)]),
        params: HashMap::from([("model", "tree"), ("lr", "0.01"), ("depth", "10")]),
        tags: HashMap::from([("mlflow.user", "ada"), ("team", "Vision")]),
    }
}

fn check(filter: &str) -> bool {
    parse(filter).unwrap().unwrap().matches(&run())
}

#[test]
fn mlflows_own_grammar() {
    assert!(check("metrics.rmse < 0.8 and params.model = 'tree'"));
    assert!(!check("metrics.rmse >= 0.8"));
    assert!(check("metrics.`train loss` <= 0.2"));
    assert!(check("tags.\"mlflow.user\" = 'ada'"));
    assert!(check(
        "attributes.status = 'FINISHED' AND attribute.start_time > 999"
    ));
    assert!(check("params.model LIKE 'tr%'"));
    assert!(!check("params.model LIKE 'TR%'"));
    assert!(check("params.model ILIKE 'TR_E'"));
    assert!(check("tags.team IN ('Vision', 'Speech')"));
    assert!(check("tags.team NOT IN ('Speech')"));
    assert!(check("params.lr = \"0.01\""));
    assert!(check("metric.rmse = 7e-1"));
}

#[test]
fn missing_values_match_only_is_null() {
    assert!(!check("metrics.accuracy > 0"));
    assert!(!check("metrics.accuracy != 1"));
    assert!(check("metrics.accuracy IS NULL"));
    assert!(check("tags.team IS NOT NULL"));
    assert!(!check("attributes.end_time > 0"));
}

#[test]
fn or_not_and_parentheses_widen_it() {
    assert!(check("metrics.rmse > 1 OR params.model = 'tree'"));
    assert!(!check("NOT params.model = 'tree'"));
    assert!(check(
        "(metrics.rmse > 1 or tags.team = 'Vision') and not params.lr = '1'"
    ));
    assert!(
        check("status = 'finished'"),
        "bare attribute, status in any case"
    );
}

#[test]
fn params_compare_as_numbers_when_both_are() {
    assert!(check("params.depth > 9"), "10 > 9, not '10' < '9'");
    assert!(check("params.depth > '9'"));
    assert!(check("params.model > 'apple'"), "text compares as text");
}

#[test]
fn errors_say_what_is_wrong() {
    let message = |f: &str| parse(f).unwrap_err().message;
    assert!(message("rmse < 1").contains("metrics.rmse"));
    assert!(message("metrics.rmse < 'low'").contains("compared with numbers"));
    assert!(message("metrics.rmse <").contains("number or a quoted value"));
    assert!(message("params.a = 'x").contains("not closed"));
    assert!(message("(metrics.a < 1").contains("'(' is not closed"));
    assert!(message("metrics.a < 1 metrics.b < 2").contains("not expected"));
    assert!(message("datasets.name = 'x'").contains("not a kind of value"));
    assert!(message("attributes.color = 'red'").contains("not an attribute"));
    assert!(message("tags.t IN 'x'").contains("parentheses"));
    assert!(message("tags.t ~ 'x'").contains("not understood"));
    assert_eq!(parse("  ").unwrap(), None);
}

#[test]
fn like_handles_percent_and_underscore() {
    assert!(like("abc", "a%"));
    assert!(like("abc", "%c"));
    assert!(like("abc", "a_c"));
    assert!(like("", "%"));
    assert!(!like("abc", "a_"));
    assert!(like("aXbXc", "%b%c"));
    assert!(!like("ab", "a%c"));
}

#[test]
fn subjects_are_read_alone() {
    assert_eq!(
        parse_subject("metrics.`val loss`").unwrap(),
        Subject::Metric("val loss".into())
    );
    assert_eq!(
        parse_subject("start_time").unwrap(),
        Subject::Attribute(Attribute::StartTime)
    );
    assert!(parse_subject("metrics.a metrics.b").is_err());
}

#[test]
fn deep_nesting_and_long_filters_are_refused_not_overflowed() {
    let deep = format!(
        "{}metrics.a < 1{}",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    assert!(parse(&deep).unwrap_err().message.contains("at most"));
    let nots = format!("{}metrics.a < 1", "NOT ".repeat(1_000));
    assert!(parse(&nots)
        .unwrap_err()
        .message
        .contains("nest at most 64"));
    let ok = format!("{}metrics.a < 1{}", "(".repeat(60), ")".repeat(60));
    assert!(parse(&ok).is_ok());
}
