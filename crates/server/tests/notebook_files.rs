//! The notebooks' files in `workspaceworkingdirectory`: folders made and moved, files renamed,
//! folders that stay when emptied (a file share's do), and two people saving one notebook: the
//! later save, made from an older version, is refused (412) instead of overwriting the first.

mod common;

use common::*;

fn at(verb: &str, path: &str) -> String {
    format!("/api/files{verb}?wsid={WS}&datastore=workspaceworkingdirectory&path={path}")
}

fn listing(value: &serde_json::Value, kind: &str) -> Vec<String> {
    value[kind]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            f.as_str()
                .unwrap_or_else(|| f["name"].as_str().unwrap())
                .to_owned()
        })
        .collect()
}

#[tokio::test]
async fn folders_are_made_and_files_moved_and_a_stale_save_is_refused() {
    let db = temp_db("notebook-files");
    let server = start(&db, None).await;
    let a = server.addr;
    let grace = sign_in(a, "Grace Hopper").await;
    let ada = sign_in(a, "Ada Lovelace").await;
    let alan = sign_in(a, "Alan Turing").await;

    let (status, _) = call(
        a,
        "POST",
        &at("/folder", "Users/grace/lab/"),
        Some(&grace),
        b"",
    )
    .await;
    assert_eq!(status, 201);
    let (_, users) = call(a, "GET", &at("", "Users/grace/"), Some(&alan), b"").await;
    assert_eq!(
        listing(&users, "folders"),
        ["lab"],
        "an empty folder is listed: {users}"
    );
    let (status, again) = call(
        a,
        "POST",
        &at("/folder", "Users/grace/LAB/"),
        Some(&grace),
        b"",
    )
    .await;
    assert_eq!(status, 409, "{again}");

    let notebook = br#"{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}"#;
    let (status, _, made) = call_with(
        a,
        "PUT",
        &at("", "Users/grace/a.ipynb"),
        Some(&grace),
        "If-None-Match: *\r\n",
        notebook,
    )
    .await;
    assert_eq!(status, 201, "{made}");
    let first = made["etag"].as_str().unwrap().to_owned();
    let (status, _, _) = call_with(
        a,
        "PUT",
        &at("", "Users/grace/a.ipynb"),
        Some(&ada),
        "If-None-Match: *\r\n",
        notebook,
    )
    .await;
    assert_eq!(status, 409, "a create-only write does not replace a file");

    // Both read version one; Grace saves first; Ada's save from version one is refused.
    let (status, head, _) = call_raw(
        a,
        "GET",
        &at("/content", "Users/grace/a.ipynb"),
        Some(&alan),
        b"",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(header(&head, "etag"), Some(format!("\"{first}\"").as_str()));
    let mine = format!("If-Match: \"{first}\"\r\n");
    let (status, _, saved) = call_with(
        a,
        "PUT",
        &at("", "Users/grace/a.ipynb"),
        Some(&grace),
        &mine,
        b"{\"v\": 2}",
    )
    .await;
    assert_eq!(status, 201, "{saved}");
    assert_ne!(
        saved["etag"].as_str().unwrap(),
        first,
        "a save makes a new version"
    );
    let (status, _, refused) = call_with(
        a,
        "PUT",
        &at("", "Users/grace/a.ipynb"),
        Some(&ada),
        &mine,
        b"{\"v\": 3}",
    )
    .await;
    assert_eq!(status, 412, "{refused}");
    assert_eq!(refused["error"]["code"], "ConditionNotMet");
    assert!(refused["error"]["message"]
        .as_str()
        .unwrap()
        .contains("someone else"));
    let (_, _, body) = call_raw(
        a,
        "GET",
        &at("/content", "Users/grace/a.ipynb"),
        Some(&alan),
        b"",
    )
    .await;
    assert_eq!(body, b"{\"v\": 2}", "the first save is kept");

    // Rename a file, move a folder with its files, refuse a taken name and a missing file.
    let (status, moved) = call(
        a,
        "POST",
        &format!(
            "{}&to=Users/grace/lab/b.ipynb",
            at("/move", "Users/grace/a.ipynb")
        ),
        Some(&grace),
        b"",
    )
    .await;
    assert_eq!((status, moved["moved"].as_u64()), (200, Some(1)), "{moved}");
    let (status, gone) = call(
        a,
        "POST",
        &format!(
            "{}&to=Users/grace/c.ipynb",
            at("/move", "Users/grace/a.ipynb")
        ),
        Some(&grace),
        b"",
    )
    .await;
    assert_eq!(status, 404, "{gone}");
    call(
        a,
        "POST",
        &at("/folder", "Users/grace/lab/empty/"),
        Some(&grace),
        b"",
    )
    .await;
    let (status, moved) = call(
        a,
        "POST",
        &format!("{}&to=Users/grace/work/", at("/move", "Users/grace/lab/")),
        Some(&grace),
        b"",
    )
    .await;
    assert_eq!(status, 200, "{moved}");
    let (_, work) = call(a, "GET", &at("", "Users/grace/work/"), Some(&grace), b"").await;
    assert_eq!(listing(&work, "files"), ["b.ipynb"]);
    assert_eq!(
        listing(&work, "folders"),
        ["empty"],
        "empty folders move too"
    );
    let (_, top) = call(a, "GET", &at("", "Users/grace/"), Some(&grace), b"").await;
    assert_eq!(listing(&top, "folders"), ["work"], "{top}");
    let (status, into) = call(
        a,
        "POST",
        &format!(
            "{}&to=Users/grace/work/empty/w/",
            at("/move", "Users/grace/work/")
        ),
        Some(&grace),
        b"",
    )
    .await;
    assert_eq!(status, 400, "{into}");
    call(
        a,
        "PUT",
        &at("", "Users/grace/x.py"),
        Some(&grace),
        b"print(1)",
    )
    .await;
    let (status, taken) = call(
        a,
        "POST",
        &format!(
            "{}&to=Users/grace/work/B.ipynb",
            at("/move", "Users/grace/x.py")
        ),
        Some(&grace),
        b"",
    )
    .await;
    assert_eq!(status, 409, "{taken}");

    // A file share's folders stay when their last file goes (deleted or moved away); a deleted
    // folder goes with its empty folders; a blob container's emptied folders go.
    call(
        a,
        "PUT",
        &at("", "Users/grace/solo/s.py"),
        Some(&grace),
        b"1",
    )
    .await;
    let (status, _) = call(
        a,
        "DELETE",
        &at("", "Users/grace/solo/s.py"),
        Some(&grace),
        b"",
    )
    .await;
    assert_eq!(status, 200);
    let (_, solo) = call(a, "GET", &at("", "Users/grace/solo/"), Some(&grace), b"").await;
    assert!(solo["files"].as_array().unwrap().is_empty(), "{solo}");
    let to_top = format!(
        "{}&to=Users/grace/b.ipynb",
        at("/move", "Users/grace/work/b.ipynb")
    );
    let (status, moved) = call(a, "POST", &to_top, Some(&grace), b"").await;
    assert_eq!(status, 200, "{moved}");
    let (_, top) = call(a, "GET", &at("", "Users/grace/"), Some(&grace), b"").await;
    assert_eq!(
        listing(&top, "folders"),
        ["solo", "work"],
        "emptied folders stay: {top}"
    );
    for folder in ["Users/grace/solo/", "Users/grace/work/"] {
        let (status, _) = call(a, "DELETE", &at("", folder), Some(&grace), b"").await;
        assert_eq!(status, 200);
    }
    let (_, top) = call(a, "GET", &at("", "Users/grace/"), Some(&grace), b"").await;
    assert!(
        listing(&top, "folders").is_empty(),
        "deleted folders go: {top}"
    );
    let (_, users) = call(a, "GET", &at("", "Users/"), Some(&grace), b"").await;
    assert!(
        listing(&users, "folders").contains(&"grace".to_owned()),
        "{users}"
    );
    let blob =
        |path: &str| format!("/api/files?wsid={WS}&datastore=workspaceblobstore&path={path}");
    call(a, "PUT", &blob("gone/g.csv"), Some(&grace), b"a\n1\n").await;
    call(a, "DELETE", &blob("gone/g.csv"), Some(&grace), b"").await;
    let (_, top) = call(a, "GET", &blob(""), Some(&grace), b"").await;
    assert!(
        !listing(&top, "folders").contains(&"gone".to_owned()),
        "{top}"
    );
}
