use super::*;

/// A frame from comma-separated lines, the first naming the columns.
fn frame(csv: &str) -> Frame {
    let split = |l: &str| l.split(',').map(str::to_string).collect::<Vec<_>>();
    let mut lines = csv.lines().map(split);
    let names = lines.next().unwrap();
    Frame::from_text(names, lines.collect())
}

fn all(frame: &Frame) -> Vec<usize> {
    (0..frame.rows()).collect()
}

fn fit(frame: &Frame, settings: &Settings) -> Result<Featurizer, String> {
    Featurizer::fit(frame, &all(frame), settings)
}

fn custom(types: &[(&str, Kind)], imputers: &[(&str, Impute)]) -> Settings {
    let column_types = types.iter().map(|(n, k)| (n.to_string(), *k)).collect();
    let imputers = imputers.iter().map(|(n, i)| (n.to_string(), *i)).collect();
    let mode = Mode::Custom;
    Settings {
        mode,
        column_types,
        imputers,
        ..Settings::default()
    }
}

fn reason(fz: &Featurizer, column: usize) -> String {
    fz.report()[column].reason.clone().unwrap_or_default()
}

#[test]
fn infers_types_and_missing_markers() {
    let f = frame("a,b,c,d\n1,x,NA,\n2.5, y ,n/a\n?,NULL,None,nan");
    assert_eq!(f.rows(), 3);
    assert_eq!(
        f.columns[0],
        Column::Numeric(vec![Some(1.0), Some(2.5), None])
    );
    let b = vec![Some("x".into()), Some("y".into()), None];
    assert_eq!(f.columns[1], Column::Categorical(b));
    assert_eq!(f.columns[2], Column::Numeric(vec![None; 3]));
    assert_eq!(f.columns[3], Column::Numeric(vec![None; 3]), "short rows");
    assert_eq!(f.column("b"), Some(1));
    let inf = vec![Some("1".into()), Some("inf".into())];
    assert_eq!(frame("a\n1\ninf").columns[0], Column::Categorical(inf));
}

#[test]
fn numeric_imputation_and_scaling_learn_from_training_rows() {
    let f = frame("x,y\n1,a\n3,b\n,a\n1000,b");
    let fz = Featurizer::fit(&f, &[0, 1, 2], &Settings::default()).unwrap();
    // Mean 2 fills row 2; the imputed 1, 3, 2 have deviation sqrt(2/3).
    let sd = (2.0f64 / 3.0).sqrt();
    let out = fz.transform(&f, &[0, 2, 3]);
    assert_eq!(fz.feature_names(), ["x", "y_a", "y_b"]);
    assert!((out.row(0)[0] + 1.0 / sd).abs() < 1e-12);
    assert_eq!(out.row(1)[0], 0.0, "the missing value is the training mean");
    assert!(
        (out.row(2)[0] - 998.0 / sd).abs() < 1e-9,
        "row 3 is not learned"
    );
    let plan = &fz.report()[0];
    assert_eq!(plan.transformations, ["MeanImputer", "StandardScaler"]);
}

#[test]
fn one_hot_encodes_and_unseen_values_are_zeros() {
    let f = frame("City,n\nOslo,1\nLima,2\nOslo,3\n,4\nRome,5");
    let fz = Featurizer::fit(&f, &[0, 1, 2, 3], &Settings::default()).unwrap();
    assert_eq!(fz.feature_names(), ["City_Lima", "City_Oslo", "n"]);
    let out = fz.transform(&f, &[1, 3, 4]);
    assert_eq!(&out.row(0)[..2], [1.0, 0.0]);
    assert_eq!(
        &out.row(1)[..2],
        [0.0, 1.0],
        "missing is Oslo, the most frequent"
    );
    assert_eq!(&out.row(2)[..2], [0.0, 0.0], "Rome was never seen");
    let plan = &fz.report()[0];
    assert_eq!(plan.transformations, ["ModeCatImputer", "OneHotEncoder"]);
}

#[test]
fn hashes_above_thirty_categories_or_when_one_hot_is_blocked() {
    let rows: Vec<String> = (0..80).map(|i| format!("c{}", i % 40)).collect();
    let f = frame(&format!("Code\n{}", rows.join("\n")));
    let fz = fit(&f, &Settings::default()).unwrap();
    assert_eq!(fz.feature_names().len(), HASH_BUCKETS);
    assert_eq!(fz.feature_names()[7], "Code_hash_7");
    let out = fz.transform(&f, &[3, 43]);
    assert_eq!(out.row(0), out.row(1), "c3 lands in the same bucket");
    assert_eq!(out.row(0).iter().sum::<f64>(), 1.0);
    assert_eq!(
        bucket("a"),
        (0xaf63_dc4c_8601_ec8c_u64 % 32) as usize,
        "FNV-1a 64"
    );
    let small = frame("g\na\nb\na");
    let blocked = vec!["OneHotEncoder".into()];
    let mut settings = Settings {
        blocked,
        ..Settings::default()
    };
    let plan = &fit(&small, &settings).unwrap().report()[0];
    assert_eq!(plan.transformations[1], "HashOneHotEncoder");
    settings.blocked.push("HashOneHotEncoder".into());
    assert!(reason(&fit(&small, &settings).unwrap(), 0).contains("both blocked"));
    settings.blocked = vec!["Scaler".into()];
    assert!(fit(&small, &settings).unwrap_err().contains("'Scaler'"));
}

#[test]
fn drops_identifier_constant_and_empty_columns() {
    let rows = (0..25).map(|i| format!("{},N{i},7,,{}", 100 + i * 3, i % 4));
    let f = frame(&format!(
        "Id,Name,Same,Empty,k\n{}",
        rows.collect::<Vec<_>>().join("\n")
    ));
    let fz = fit(&f, &Settings::default()).unwrap();
    let report = fz.report();
    let detected: Vec<&str> = report.iter().map(|p| p.detected.as_str()).collect();
    assert_eq!(
        detected,
        ["Dropped", "Dropped", "Dropped", "Dropped", "Numeric"]
    );
    assert!(reason(&fz, 0).contains("identifier") && reason(&fz, 1).contains("identifier"));
    assert!(reason(&fz, 2).contains("constant: 7"));
    assert!(reason(&fz, 3).contains("no values"));
    assert_eq!(fz.feature_names(), ["k"]);
    // With 20 rows or fewer, distinct whole numbers are kept.
    let twenty: Vec<usize> = (0..20).collect();
    let fz = Featurizer::fit(&f, &twenty, &Settings::default()).unwrap();
    assert_eq!(fz.report()[0].detected, "Numeric");
}

#[test]
fn off_mode_refuses_text_and_missing_values() {
    let off = Settings {
        mode: Mode::Off,
        ..Settings::default()
    };
    let err = fit(&frame("a,b\n1,x\n2,y"), &off).unwrap_err();
    assert!(err.starts_with("'b' holds text") && err.contains("turn featurization on"));
    let err = fit(&frame("a\n1\n\n3"), &off).unwrap_err();
    assert!(err.starts_with("'a' has 1 missing") && err.contains("turn featurization on"));
    let f = frame("a,b\n1,4\n2,5");
    let fz = fit(&f, &off).unwrap();
    assert_eq!(fz.transform(&f, &[1]).values, [2.0, 5.0], "no scaling");
    let err = fz
        .transform_row(&["a".into()], &[Some("3".into())])
        .unwrap_err();
    assert!(err.contains("'b' has no value"), "{err}");
}

#[test]
fn custom_mode_applies_types_and_imputers() {
    let f = frame("x,t,z\n1,a,5\n2,b,6\n9,a,\n,b,8");
    let types = [("t", Kind::Ignore), ("z", Kind::Categorical)];
    let fz = fit(&f, &custom(&types, &[("x", Impute::Median)])).unwrap();
    assert_eq!(fz.feature_names(), ["x", "z_5", "z_6", "z_8"]);
    assert_eq!(fz.report()[0].transformations[0], "MedianImputer");
    assert_eq!(
        reason(&fz, 1),
        "it is set to Ignore in the featurization settings"
    );
    // The median of 1, 2, 9 is 2, which row 3 takes: the same feature as row 1's.
    let out = fz.transform(&f, &[1, 3]);
    assert_eq!(out.row(0)[0], out.row(1)[0]);
    let err = fit(&f, &custom(&[("t", Kind::Numeric)], &[])).unwrap_err();
    assert!(err.starts_with("'t' is set to Numeric, but it holds 'a', which is not a number"));
    let err = fit(&f, &custom(&[], &[("t", Impute::Mean)])).unwrap_err();
    assert!(err.starts_with("'t' is categorical"), "{err}");
    let err = fit(&f, &custom(&[("nope", Kind::Ignore)], &[])).unwrap_err();
    assert!(err.contains("'nope'"), "{err}");
}

#[test]
fn split_target_refuses_unusable_targets() {
    let f = frame("Age,Diabetic\n30,1\n40,1\n50,");
    let err = split_target(f.clone(), "Outcome", None).unwrap_err();
    assert!(
        err.contains("'Outcome'") && err.contains("Age, Diabetic"),
        "{err}"
    );
    let err = split_target(f, "Diabetic", None).unwrap_err();
    let single = "'Diabetic' has only one value, 1: a classifier needs at least two classes";
    assert!(err.starts_with(single), "{err}");
    let err = split_target(frame("Age,Empty\n1,\n2,"), "Empty", None).unwrap_err();
    assert!(err.starts_with("'Empty' has no values"), "{err}");
    let rows: Vec<String> = (0..30).map(|i| format!("{i},{}", i * 2)).collect();
    let f = frame(&format!("a,Price\n{}", rows.join("\n")));
    let err = split_target(f, "Price", None).unwrap_err();
    assert!(err.starts_with("'Price' has 30 distinct") && err.contains("regression"));
    let f = frame("Age,Label\n30,yes\n40,no");
    let err = split_target(f, "Label", Some("maybe")).unwrap_err();
    assert!(err.contains("'maybe'") && err.contains("'Label'") && err.contains("(no, yes)"));
}

#[test]
fn numeric_classes_sort_numerically() {
    let f = frame("x,y\n1,10\n2,2.0\n3,\n4,1\n5,2");
    let (features, target, positive) = split_target(f.clone(), "y", None).unwrap();
    assert_eq!(target.classes, ["1", "2", "10"]);
    assert_eq!(target.labels, [2, 1, 0, 1]);
    assert_eq!(target.dropped_rows, 1);
    assert_eq!(positive, 2, "the greatest label");
    assert_eq!(features.names, ["x"]);
    let x = vec![Some(1.0), Some(2.0), Some(4.0), Some(5.0)];
    assert_eq!(features.columns[0], Column::Numeric(x));
    assert_eq!(split_target(f, "y", Some("1.0")).unwrap().2, 0);
}

#[test]
fn guardrails_report_imbalance_imputation_and_cardinality() {
    let mut lines = vec!["Age,Town,Label".to_string()];
    for i in 0..50 {
        let age = if i % 10 == 0 {
            String::new()
        } else {
            (20 + i % 7).to_string()
        };
        let label = if i < 6 { "yes" } else { "no" };
        lines.push(format!("{age},t{},{label}", i % 40));
    }
    let (f, target, _) = split_target(frame(&lines.join("\n")), "Label", None).unwrap();
    let fz = fit(&f, &Settings::default()).unwrap();
    let rails = guardrails(&fz, &f, &all(&f), &target);
    let names: Vec<&str> = rails.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names[0], "Class balancing detection");
    assert_eq!(
        names[1..],
        [
            "Missing feature values imputation",
            "High cardinality feature detection"
        ]
    );
    assert_eq!(rails[0].state, GuardrailState::Alerted);
    assert_eq!(rails[0].details, ["no: 44 rows", "yes: 6 rows"]);
    assert_eq!(rails[1].state, GuardrailState::Done);
    assert_eq!(
        rails[1].details,
        ["Age: 5 missing of 50 rows, imputed with the mean"]
    );
    assert_eq!(rails[2].state, GuardrailState::Done);
    assert!(rails[2].details[0].starts_with("Town: 40 distinct values, hashed"));
    let json = serde_json::to_string(&rails[0]).unwrap();
    assert!(json.contains("\"state\":\"alerted\""), "{json}");
}

#[test]
fn scores_a_request_by_column_name() {
    let f = frame("Age,Gender\n20,F\n40,M\n30,F");
    let fz = fit(&f, &Settings::default()).unwrap();
    let names = ["Gender".to_string(), "Age".to_string()];
    let row = fz.transform_row(&names, &[Some("M".into()), Some("30".into())]);
    assert_eq!(row.unwrap(), [0.0, 0.0, 1.0]);
    let row = fz.transform_row(&names[..1], &[None]).unwrap();
    assert_eq!(row, [0.0, 1.0, 0.0], "missing values are imputed");
    let err = fz
        .transform_row(&names, &[None, Some("old".into())])
        .unwrap_err();
    assert!(err.contains("'Age'") && err.contains("'old'"), "{err}");
    let saved = serde_json::to_string(&fz).unwrap();
    assert_eq!(serde_json::from_str::<Featurizer>(&saved).unwrap(), fz);
    let json = r#"{"mode":"custom","imputers":{"Age":"mostFrequent"}}"#;
    let settings: Settings = serde_json::from_str(json).unwrap();
    assert_eq!(settings.imputers["Age"], Impute::MostFrequent);
}

#[test]
fn featurizes_the_diabetes_sample() {
    use azimuth_core::data::preview::{preview, Format};
    let csv = azimuth_core::data::samples::sample_csv("diabetes").unwrap();
    let format = Format::Delimited {
        delimiter: b',',
        header: true,
    };
    let table = preview(csv.as_bytes(), true, format, usize::MAX).unwrap();
    let f = Frame::from_text(table.columns, table.rows);
    let (f, target, positive) = split_target(f, "Diabetic", None).unwrap();
    assert_eq!(
        (target.classes.join(","), positive, target.dropped_rows),
        ("0,1".into(), 1, 0)
    );
    let fz = fit(&f, &Settings::default()).unwrap();
    assert_eq!(fz.report()[0].column, "PatientID");
    assert!(reason(&fz, 0).contains("identifier"));
    assert_eq!(fz.feature_names().len(), 8);
    let features = fz.transform(&f, &all(&f));
    assert_eq!((features.rows, features.cols), (1_000, 8));
    let glucose = (0..1_000).map(|i| features.row(i)[1]).sum::<f64>() / 1_000.0;
    assert!(glucose.abs() < 1e-9, "standardized to mean 0");
    let rails = guardrails(&fz, &f, &all(&f), &target);
    assert_eq!(rails[1].state, GuardrailState::Passed);
    let identifier = "PatientID: every value is different, dropped as an identifier";
    assert_eq!(rails[2].details, [identifier]);
}
