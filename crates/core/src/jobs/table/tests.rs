use super::*;
use crate::jobs::filter::parse;
use crate::jobs::run::NewRun;
use crate::jobs::tracking::{LifecycleStage, Metric, Tag};

fn experiment(id: &str, name: &str) -> Experiment {
    Experiment {
        experiment_id: id.into(),
        name: name.into(),
        artifact_location: String::new(),
        lifecycle_stage: LifecycleStage::Active,
        last_update_time: 0,
        creation_time: 0,
        tags: Vec::new(),
    }
}

fn run(id: &str, experiment: &str, start: i64, lr: &str, losses: &[f64]) -> StoredRun {
    let mut run = StoredRun::new(NewRun {
        run_id: id,
        experiment_id: experiment,
        user: "ada@contoso.com",
        run_name: Some(id),
        generated_name: String::new(),
        start_time: start,
        artifact_uri: String::new(),
        tags: &[Tag {
            key: "team".into(),
            value: "vision".into(),
        }],
    })
    .unwrap();
    let metrics: Vec<Metric> = losses
        .iter()
        .enumerate()
        .map(|(step, v)| Metric {
            key: "loss".into(),
            value: *v,
            timestamp: start,
            step: step as i64,
        })
        .collect();
    let params = [Tag {
        key: "lr".into(),
        value: lr.into(),
    }];
    run.log(&metrics, &params, &[]);
    run
}

fn runs() -> Vec<StoredRun> {
    vec![
        run("a", "e1", 10, "0.1", &[0.9, 0.2, 0.5]),
        run("b", "e1", 20, "0.01", &[0.8, 0.4]),
        run("c", "e2", 30, "1", &[0.3]),
        run("d", "e1", 40, "10", &[]),
    ]
}

fn ids(page: &TablePage) -> Vec<&str> {
    page.rows.iter().map(|r| r.id.as_str()).collect()
}

fn query() -> TableQuery {
    TableQuery {
        limit: 100,
        now: 100,
        ..TableQuery::default()
    }
}

#[test]
fn newest_first_with_the_chosen_columns_and_every_key() {
    let all = runs();
    let experiments = [experiment("e1", "iris"), experiment("e2", "wine")];
    let q = TableQuery {
        columns: vec![
            Column::Param("lr".into()),
            Column::Metric("loss".into(), Stat::Min),
            Column::Duration,
        ],
        ..query()
    };
    let page = table(all.iter(), &experiments, &q);
    assert_eq!(ids(&page), ["d", "c", "b", "a"]);
    assert_eq!(page.total, 4);
    assert_eq!(
        page.rows[3].values,
        vec![
            Cell::Text("0.1".into()),
            Cell::Number(0.2),
            Cell::Number(90.0)
        ]
    );
    assert_eq!(page.rows[0].values[1], Cell::Empty, "d logged no loss");
    let text = serde_json::to_string(&page.rows[3].values).unwrap();
    assert_eq!(text, r#"["0.1",0.2,90.0]"#);
    let back: Vec<Cell> = serde_json::from_str(r#"["a",1,2.5,null]"#).unwrap();
    assert_eq!(
        back,
        [
            Cell::Text("a".into()),
            Cell::Number(1.0),
            Cell::Number(2.5),
            Cell::Empty
        ]
    );
    assert_eq!(page.rows[1].experiment, "wine");
    assert_eq!(page.keys.params, ["lr"]);
    assert_eq!(page.keys.tags, ["team"], "mlflow.* tags are left out");
}

#[test]
fn sorts_on_any_column_with_missing_values_last() {
    let all = runs();
    let sorted = |column: Column, descending: bool| {
        let q = TableQuery {
            sort: Some((column, descending)),
            ..query()
        };
        table(all.iter(), &[], &q)
            .rows
            .into_iter()
            .map(|r| r.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        sorted(Column::Metric("loss".into(), Stat::Last), false),
        ["c", "b", "a", "d"]
    );
    assert_eq!(
        sorted(Column::Metric("loss".into(), Stat::Last), true),
        ["a", "b", "c", "d"]
    );
    assert_eq!(
        sorted(Column::Metric("loss".into(), Stat::Max), true),
        ["a", "b", "c", "d"]
    );
    assert_eq!(
        sorted(Column::Param("lr".into()), false),
        ["b", "a", "c", "d"],
        "as numbers"
    );
    assert_eq!(sorted(Column::Name, true), ["d", "c", "b", "a"]);
}

#[test]
fn filters_experiments_and_pages() {
    let all = runs();
    let q = TableQuery {
        experiment: Some("e1".into()),
        filter: parse("metrics.loss < 0.45 or params.lr = '10'").unwrap(),
        ..query()
    };
    let page = table(all.iter(), &[], &q);
    assert_eq!(
        ids(&page),
        ["d", "b"],
        "a ended at 0.5; c is in another experiment"
    );
    let paged = TableQuery {
        offset: 1,
        limit: 2,
        ..query()
    };
    let page = table(all.iter(), &[], &paged);
    assert_eq!((ids(&page), page.total), (vec!["c", "b"], 4));
}

#[test]
fn columns_read_back_from_the_url() {
    for spec in [
        "name",
        "duration",
        "param:lr",
        "tag:team",
        "metric:loss",
        "metric.min:val:loss",
        "metric.max:a b",
    ] {
        assert_eq!(Column::parse(spec).unwrap().spec(), spec);
    }
    assert_eq!(Column::parse("metric.avg:x"), None);
    assert_eq!(Column::parse("param:"), None);
    assert_eq!(
        Column::Metric("loss".into(), Stat::Max).label(),
        "loss (max)"
    );
}
