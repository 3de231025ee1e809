//! nbformat read, upgraded, refused and written back; names and paths; outputs.

use super::display::{choose, Shown};
use super::model::{append_output, mime_text, CellType, MimeBundle, Output};
use super::paths::*;
use super::read::{new_notebook, read_notebook, valid_cell_id, write_notebook};
use serde_json::{json, Value};

const V4: &str = r##"{
 "cells": [
  {
   "cell_type": "markdown",
   "id": "intro",
   "metadata": {"tags": ["x"]},
   "source": ["# Title\n", "Some *text*"],
   "attachments": {"a.png": {"image/png": "iVBOR"}}
  },
  {
   "cell_type": "code",
   "execution_count": 3,
   "id": "c1",
   "metadata": {"scrolled": true},
   "outputs": [
    {"name": "stdout", "output_type": "stream", "text": ["hello\n", "world\n"]},
    {"data": {"image/png": "iVBORw0KGgo=\n", "text/plain": ["<Figure>"]}, "metadata": {"image/png": {"width": 10}}, "output_type": "display_data"},
    {"data": {"text/plain": "42"}, "execution_count": 3, "metadata": {}, "output_type": "execute_result"},
    {"ename": "ZeroDivisionError", "evalue": "division by zero", "output_type": "error", "traceback": ["\u001b[0;31mZeroDivisionError\u001b[0m"]},
    {"output_type": "widget_state", "model": 7}
   ],
   "source": "print('hello')\nprint('world')"
  },
  {"cell_type": "raw", "id": "r", "metadata": {}, "source": ""}
 ],
 "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}, "custom": {"deep": [1, 2.5, null]}},
 "nbformat": 4,
 "nbformat_minor": 5,
 "x-extension": {"kept": true}
}"##;

#[test]
fn reads_nbformat_4_with_every_kind_of_output() {
    let nb = read_notebook("a.ipynb", V4).unwrap();
    assert_eq!(nb.cells.len(), 3);
    let md = &nb.cells[0];
    assert_eq!(md.cell_type, CellType::Markdown);
    assert_eq!(md.source, "# Title\nSome *text*");
    assert!(md.extra.contains_key("attachments"));
    let code = &nb.cells[1];
    assert_eq!(code.execution_count, Some(3));
    assert_eq!(code.source, "print('hello')\nprint('world')");
    assert!(
        matches!(&code.outputs[0], Output::Stream { name, text, .. } if name == "stdout" && text == "hello\nworld\n")
    );
    assert!(
        matches!(&code.outputs[1], Output::DisplayData { data, .. } if data.contains_key("image/png"))
    );
    assert!(matches!(
        &code.outputs[2],
        Output::ExecuteResult {
            execution_count: Some(3),
            ..
        }
    ));
    assert!(
        matches!(&code.outputs[3], Output::Error { ename, .. } if ename == "ZeroDivisionError")
    );
    assert!(matches!(&code.outputs[4], Output::Unknown(v) if v["model"] == 7));
    assert!(nb.extra.contains_key("x-extension"));
}

#[test]
fn a_round_trip_loses_nothing_and_writes_as_jupyter_does() {
    let nb = read_notebook("a.ipynb", V4).unwrap();
    let text = write_notebook(&nb);
    assert!(text.starts_with("{\n \"cells\": [\n  {\n   \"attachments\""));
    assert!(text.ends_with("}\n"));
    // Sources as lists of lines; base64 images as one string; text outputs as lines.
    assert!(
        text.contains("\"source\": [\n    \"print('hello')\\n\",\n    \"print('world')\"\n   ]")
    );
    assert!(text.contains("\"image/png\": \"iVBORw0KGgo=\\n\""));
    assert!(text.contains("\"text/plain\": [\n       \"42\"\n      ]"));
    // Non-code cells carry no outputs or execution count; an empty source is an empty list.
    assert!(text.contains(
        "\"cell_type\": \"raw\",\n   \"id\": \"r\",\n   \"metadata\": {},\n   \"source\": []"
    ));
    let again = read_notebook("a.ipynb", &text).unwrap();
    assert_eq!(again, nb);
    assert_eq!(write_notebook(&again), text);
    // As JSON, the same as the original, lines joined.
    let original: Value = serde_json::from_str(V4).unwrap();
    let written: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(written["metadata"], original["metadata"]);
    assert_eq!(written["x-extension"], original["x-extension"]);
    assert_eq!(
        written["cells"][1]["outputs"][4],
        original["cells"][1]["outputs"][4]
    );
    assert_eq!(
        written["cells"][1]["metadata"],
        original["cells"][1]["metadata"]
    );
}

#[test]
fn code_cells_without_a_count_write_null() {
    let nb = new_notebook("abc");
    let text = write_notebook(&nb);
    assert!(text.contains("\"execution_count\": null"));
    assert!(text.contains("\"outputs\": []"));
    assert!(text.contains("\"name\": \"python310-sdkv2\""));
    assert!(text.contains("\"display_name\": \"Python 3.10 - SDK v2\""));
    assert!(text.contains("\"nbformat_minor\": 5"));
    assert_eq!(read_notebook("n.ipynb", &text).unwrap(), nb);
}

#[test]
fn upgrades_nbformat_3() {
    let v3 = json!({
        "metadata": {"name": "old", "signature": "sha256:x"},
        "nbformat": 3, "nbformat_minor": 0,
        "worksheets": [{"metadata": {}, "cells": [
            {"cell_type": "heading", "level": 2, "metadata": {}, "source": ["Results\n", "of today"]},
            {"cell_type": "markdown", "metadata": {}, "source": "Plain *text*"},
            {"cell_type": "code", "collapsed": false, "input": ["x = 1\n", "x"], "language": "python",
             "metadata": {}, "prompt_number": 4, "outputs": [
                {"output_type": "pyout", "prompt_number": 4, "text": ["1"], "html": "<b>1</b>", "png": "iVBOR", "metadata": {}},
                {"output_type": "stream", "stream": "stderr", "text": "warn\n"},
                {"output_type": "display_data", "svg": "<svg/>", "json": "{\"a\": 1}"},
                {"output_type": "pyerr", "ename": "NameError", "evalue": "y", "traceback": ["tb"]}
            ]},
            {"cell_type": "raw", "metadata": {}, "source": "raw"}
        ]}]
    });
    let nb = read_notebook("old.ipynb", &v3.to_string()).unwrap();
    assert_eq!(nb.nbformat, 4);
    assert_eq!(nb.metadata.get("orig_nbformat"), Some(&json!(3)));
    assert!(!nb.metadata.contains_key("name"));
    assert_eq!(nb.cells[0].cell_type, CellType::Markdown);
    assert_eq!(nb.cells[0].source, "## Results of today");
    assert_eq!(nb.cells[1].source, "Plain *text*");
    let code = &nb.cells[2];
    assert_eq!(code.source, "x = 1\nx");
    assert_eq!(code.execution_count, Some(4));
    assert_eq!(code.metadata.get("collapsed"), Some(&json!(false)));
    match &code.outputs[0] {
        Output::ExecuteResult {
            data,
            execution_count,
            ..
        } => {
            assert_eq!(*execution_count, Some(4));
            assert_eq!(mime_text(&data["text/plain"]).unwrap(), "1");
            assert_eq!(mime_text(&data["text/html"]).unwrap(), "<b>1</b>");
            assert!(data.contains_key("image/png"));
        }
        other => panic!("{other:?}"),
    }
    assert!(
        matches!(&code.outputs[1], Output::Stream { name, text, .. } if name == "stderr" && text == "warn\n")
    );
    match &code.outputs[2] {
        Output::DisplayData { data, .. } => {
            assert!(data.contains_key("image/svg+xml"));
            assert_eq!(data["application/json"], json!({"a": 1}));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(&code.outputs[3], Output::Error { ename, .. } if ename == "NameError"));
    assert_eq!(nb.cells[3].cell_type, CellType::Raw);
}

#[test]
fn refuses_what_is_not_a_notebook_it_can_read() {
    let cases = [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "not a Jupyter notebook"),
        (r#"{"cells": []}"#, "not a Jupyter notebook"),
        (r#"{"nbformat": 2, "worksheets": []}"#, "nbformat 2"),
        (
            r#"{"nbformat": 5, "cells": []}"#,
            "newer than the nbformat 4",
        ),
        (
            r#"{"nbformat": 4, "nbformat_minor": 2, "cells": [{"cell_type": "widget"}]}"#,
            "does not follow nbformat 4",
        ),
    ];
    for (text, said) in cases {
        let e = read_notebook("x.ipynb", text).unwrap_err();
        assert_eq!(e.code(), "InvalidNotebook");
        assert!(e.message().contains(said), "{text}: {}", e.message());
        assert!(e.message().contains("x.ipynb"));
    }
}

#[test]
fn ids_are_filled_and_made_unique() {
    let mut nb = read_notebook(
        "a.ipynb",
        r#"{"nbformat": 4, "nbformat_minor": 2, "metadata": {}, "cells": [
            {"cell_type": "code", "metadata": {}, "source": "", "outputs": [], "execution_count": null},
            {"cell_type": "code", "id": "same", "metadata": {}, "source": "", "outputs": [], "execution_count": null},
            {"cell_type": "code", "id": "same", "metadata": {}, "source": "", "outputs": [], "execution_count": null},
            {"cell_type": "markdown", "id": "bad id!", "metadata": {}, "source": ""}
        ]}"#,
    )
    .unwrap();
    let mut n = 0;
    nb.fill_ids(|| {
        n += 1;
        format!("new{n}")
    });
    let ids: Vec<_> = nb.cells.iter().map(|c| c.id.clone().unwrap()).collect();
    assert_eq!(ids, ["new1", "same", "new2", "new3"]);
    assert_eq!(nb.nbformat_minor, 5);
    assert!(valid_cell_id("a-b_C9"));
    assert!(!valid_cell_id(""));
    assert!(!valid_cell_id(&"a".repeat(65)));
}

#[test]
fn streams_merge_as_jupyter_merges_them() {
    let mut outputs = Vec::new();
    append_output(&mut outputs, Output::stream("stdout", "a"));
    append_output(&mut outputs, Output::stream("stdout", "b\n"));
    append_output(&mut outputs, Output::stream("stderr", "warn"));
    append_output(&mut outputs, Output::stream("stdout", "c"));
    append_output(&mut outputs, Output::display(MimeBundle::new()));
    append_output(&mut outputs, Output::stream("stdout", "d"));
    assert_eq!(outputs.len(), 5);
    assert!(matches!(&outputs[0], Output::Stream { text, .. } if text == "ab\n"));
    assert!(matches!(&outputs[4], Output::Stream { text, .. } if text == "d"));
    let from_kernel =
        Output::from_value(json!({"output_type": "stream", "name": "stdout", "text": "x"}));
    assert_eq!(from_kernel, Output::stream("stdout", "x"));
}

#[test]
fn the_richest_safe_representation_is_shown() {
    let bundle = |pairs: &[(&str, Value)]| -> MimeBundle {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    };
    let all = bundle(&[
        ("text/plain", json!("t")),
        ("text/html", json!(["<b>", "x</b>"])),
        ("image/png", json!("iVBO\nRw==\n")),
        ("image/svg+xml", json!("<svg/>")),
    ]);
    assert_eq!(choose(&all), Shown::Html("<b>x</b>".into()));
    let images = bundle(&[
        ("image/png", json!("iVBO\nRw==\n")),
        ("image/svg+xml", json!("<svg/>")),
    ]);
    assert_eq!(choose(&images), Shown::Svg("<svg/>".into()));
    let png = bundle(&[
        ("image/png", json!("iVBO\nRw==\n")),
        ("image/jpeg", json!("/9j")),
    ]);
    assert_eq!(choose(&png), Shown::Image("image/png", "iVBORw==".into()));
    let md = bundle(&[
        ("text/markdown", json!("**b**")),
        ("text/plain", json!("b")),
    ]);
    assert_eq!(choose(&md), Shown::Markdown("**b**".into()));
    let js = bundle(&[("application/javascript", json!("alert(1)"))]);
    assert!(matches!(choose(&js), Shown::Nothing(_)));
}

#[test]
fn names_and_folders() {
    assert_eq!(alias("ada@contoso.com", "Ada Lovelace"), "ada");
    assert_eq!(alias("", "Ada Lovelace"), "Ada.Lovelace");
    assert_eq!(alias("a/b@x", ""), "ab");
    assert_eq!(home_folder("ada"), "Users/ada/");
    let taken = vec!["Untitled.ipynb".to_owned(), "untitled1.ipynb".to_owned()];
    assert_eq!(unique_name("Untitled.ipynb", &taken), "Untitled2.ipynb");
    assert_eq!(unique_name("train.py", &taken), "train.py");
    assert_eq!(unique_name("README", &["README".into()]), "README1");
    assert_eq!(
        copy_name("get-started.ipynb", &["get-started.ipynb".into()]),
        "get-started-Copy1.ipynb"
    );
    assert_eq!(copy_name("new.ipynb", &taken), "new.ipynb");
    assert_eq!(FileKind::Notebook.named("analysis"), "analysis.ipynb");
    assert_eq!(FileKind::Python.named("train.py"), "train.py");
    assert_eq!(FileKind::Text.named(".env"), ".env.txt");
    assert_eq!(FileKind::Notebook.default_name(), "Untitled.ipynb");
    assert!(check_name("a/b").unwrap_err().message().contains("Move"));
    assert!(check_name("  ").is_err());
    assert!(check_name("..").is_err());
    assert_eq!(check_name(" ok.py ").unwrap(), "ok.py");
    assert_eq!(join("Users/ada", "x.py"), "Users/ada/x.py");
    assert_eq!(join("", "x.py"), "x.py");
    assert_eq!(parent("Users/ada/x.ipynb"), "Users/ada/");
    assert_eq!(parent("Users/ada/data/"), "Users/ada/");
    assert_eq!(parent("x"), "");
    assert_eq!(file_name("Users/ada/data/"), "data");
    assert!(is_notebook("A.IPYNB"));
}

#[test]
fn moves_are_checked() {
    assert_eq!(
        move_target("Users/ada/x.ipynb", "Users/ada/old").unwrap(),
        "Users/ada/old/x.ipynb"
    );
    assert_eq!(
        move_target("Users/ada/data/", "Users/grace/").unwrap(),
        "Users/grace/data/"
    );
    assert!(move_target("Users/ada/data/", "Users/ada/data/deeper").is_err());
    assert!(move_target("Users/ada/x.ipynb", "Users/ada").is_err());
    assert!(move_target("Users/ada/x.ipynb", "a//b").is_err());
}

#[test]
fn base64_and_data_urls() {
    use super::display::{data_url_image, decode_base64};
    assert_eq!(decode_base64("aGVsbG8=").unwrap(), b"hello");
    assert_eq!(decode_base64("aGVs\nbG8").unwrap(), b"hello");
    assert_eq!(decode_base64("").unwrap(), b"");
    assert!(decode_base64("a*b").is_none());
    let (mime, bytes) = data_url_image("DATA:image/PNG;base64,aGk=").unwrap();
    assert_eq!(
        (mime.as_str(), bytes.as_slice()),
        ("image/png", b"hi".as_slice())
    );
    assert!(data_url_image("data:image/png,raw").is_none());
}

#[test]
fn the_studio_samples_are_nbformat_4_written_as_jupyter_writes_them() {
    for (name, text) in [
        (
            "get-started.ipynb",
            include_str!("../../../../public/samples/notebooks/get-started.ipynb"),
        ),
        (
            "train-classifier-mlflow.ipynb",
            include_str!("../../../../public/samples/notebooks/train-classifier-mlflow.ipynb"),
        ),
        (
            "python-in-the-browser.ipynb",
            include_str!("../../../../public/samples/notebooks/python-in-the-browser.ipynb"),
        ),
    ] {
        let nb = read_notebook(name, text).unwrap();
        assert_eq!((nb.nbformat, nb.nbformat_minor), (4, 5), "{name}");
        assert!(
            nb.cells
                .iter()
                .all(|c| c.id.as_deref().is_some_and(valid_cell_id)),
            "{name}"
        );
        assert_eq!(
            nb.metadata["kernelspec"]["name"], "python310-sdkv2",
            "{name}"
        );
        assert_eq!(write_notebook(&nb), text, "{name}");
    }
    let train = include_str!("../../../../public/samples/notebooks/train-classifier-mlflow.ipynb");
    for needed in [
        "mlflow.set_experiment",
        "mlflow.log_metric",
        "MLClient.from_config(DefaultAzureCredential())",
    ] {
        assert!(train.contains(needed), "{needed}");
    }
}
