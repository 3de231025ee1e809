//! Code assets and their uploads, as azure-ai-ml's `command(code="./src")` makes them: an
//! upload asked for, files put at its signed address (and nowhere else), a code version made
//! from it and never changed, a job naming it; a Reader asks for no upload, and a wrong or
//! borrowed signature, a path trick and a block upload are refused.

mod common;

use common::*;
use serde_json::{json, Value};

/// The path and query of an address the server gave (`http://host:port/path?query`).
fn local(address: &str) -> String {
    let after = address.split_once("://").map_or(address, |(_, a)| a);
    after[after.find('/').unwrap_or(after.len())..].to_owned()
}

async fn start_upload(a: std::net::SocketAddr, token: &str, name: &str) -> (u16, Value) {
    let path = format!("{WS}/codes/{name}/versions/1/startPendingUpload?{V}");
    let body = json!({"pendingUploadType": "TemporaryBlobReference"}).to_string();
    call(a, "POST", &path, Some(token), body.as_bytes()).await
}

#[tokio::test]
async fn a_folder_is_uploaded_to_its_signed_address_and_becomes_a_code_version() {
    let server = start(&temp_db("codes"), None).await;
    let a = server.addr;
    let grace = sign_in(a, "Grace Hopper").await;
    let (status, upload) = start_upload(a, &grace, "train-code").await;
    assert_eq!(status, 200, "{upload}");
    let blob = upload["blobReferenceForConsumption"]["blobUri"]
        .as_str()
        .unwrap()
        .to_owned();
    let sas = upload["blobReferenceForConsumption"]["credential"]["sasUri"]
        .as_str()
        .unwrap()
        .to_owned();
    let (container, query) = local(&sas)
        .split_once('?')
        .map(|(c, q)| (c.to_owned(), q.to_owned()))
        .unwrap();
    let put = |path: &str| format!("{container}/{path}?{query}");
    let block = "x-ms-blob-type: BlockBlob\r\n";
    let (status, _, _) = call_with(
        a,
        "PUT",
        &put("src/train.py"),
        None,
        block,
        b"print('hi')\n",
    )
    .await;
    assert_eq!(status, 201);
    let (status, head, _) = call_raw(a, "HEAD", &put("src/train.py"), None, b"").await;
    assert_eq!(status, 200);
    assert_eq!(header(&head, "content-length"), Some("12"));
    let (status, head, _) = call_raw(a, "HEAD", &put("src/none.py"), None, b"").await;
    assert_eq!(
        (status, header(&head, "x-ms-error-code")),
        (404, Some("blobnotfound"))
    );
    let (_, _, body) = call_raw(a, "GET", &put("src/train.py"), None, b"").await;
    assert_eq!(body, b"print('hi')\n");
    assert_eq!(
        call_with(
            a,
            "PUT",
            &format!("{}&comp=metadata", put("src/train.py")),
            None,
            "x-ms-meta-name: x\r\n",
            b""
        )
        .await
        .0,
        200
    );

    // Refused: another signature, a signature borrowed for another upload, a path trick, blocks.
    let forged = format!("{container}/src/evil.py?sig={}", "0".repeat(64));
    assert_eq!(call_with(a, "PUT", &forged, None, block, b"x").await.0, 403);
    let (_, other) = start_upload(a, &grace, "other-code").await;
    let other_container = local(
        other["blobReferenceForConsumption"]["blobUri"]
            .as_str()
            .unwrap(),
    );
    let borrowed = format!("{other_container}/src/evil.py?{query}");
    assert_eq!(
        call_with(a, "PUT", &borrowed, None, block, b"x").await.0,
        403
    );
    let trick = format!("{container}/src/..%2F..%2Fazimuth.db?{query}");
    let (status, _, _) = call_with(a, "PUT", &trick, None, block, b"x").await;
    assert!(status == 400 || status == 404, "{status}");
    let blocks = format!("{}&comp=block&blockid=AAAA", put("src/big.bin"));
    assert_eq!(call_with(a, "PUT", &blocks, None, "", b"x").await.0, 413);

    // The version names the upload's folder; it never changes; a job names it.
    let version = format!("{WS}/codes/train-code/versions/1?{V}");
    let body = |uri: &str| json!({"properties": {"codeUri": uri, "isAnonymous": true}}).to_string();
    let (status, made) = call(
        a,
        "PUT",
        &version,
        Some(&grace),
        body(&format!("{blob}/src")).as_bytes(),
    )
    .await;
    assert_eq!(status, 201, "{made}");
    assert_eq!(made["properties"]["provisioningState"], "Succeeded");
    // The version took the upload: its folder takes no more files.
    let late = call_with(a, "PUT", &put("src/late.py"), None, block, b"x")
        .await
        .0;
    assert_eq!(late, 403, "a closed upload takes nothing");
    let (status, again) = call(
        a,
        "PUT",
        &version,
        Some(&grace),
        body(&format!("{blob}/src")).as_bytes(),
    )
    .await;
    assert_eq!((status, &again["id"]), (200, &made["id"]));
    let (status, changed) = call(
        a,
        "PUT",
        &version,
        Some(&grace),
        body(&format!("{blob}/other")).as_bytes(),
    )
    .await;
    assert_eq!(status, 400, "{changed}");
    assert!(changed["error"]["message"]
        .as_str()
        .unwrap()
        .contains("cannot change"));
    let elsewhere = format!("{WS}/codes/train-code/versions/2?{V}");
    let (status, refused) = call(
        a,
        "PUT",
        &elsewhere,
        Some(&grace),
        body("https://example.com/code.zip").as_bytes(),
    )
    .await;
    assert_eq!(status, 400, "{refused}");
    let (_, listed) = call(
        a,
        "GET",
        &format!("{WS}/codes/train-code/versions?{V}"),
        Some(&grace),
        b"",
    )
    .await;
    assert_eq!(listed["value"].as_array().unwrap().len(), 1);
    let (status, _) = call(
        a,
        "GET",
        &format!("{WS}/codes/nothing/versions/1?{V}"),
        Some(&grace),
        b"",
    )
    .await;
    assert_eq!(status, 404);
    let job = |code: &str| {
        json!({"properties": {"jobType": "Command", "command": "python train.py", "environmentId": "azureml:sklearn:1", "codeId": code}}).to_string()
    };
    let code_id = made["id"].as_str().unwrap();
    let (status, submitted) = call(
        a,
        "PUT",
        &format!("{WS}/jobs/from_code?{V}"),
        Some(&grace),
        job(code_id).as_bytes(),
    )
    .await;
    assert_eq!(status, 201, "{submitted}");
    assert_eq!(submitted["properties"]["codeId"], code_id);
    let missing = code_id.replace("train-code", "no-such-code");
    let (status, refused) = call(
        a,
        "PUT",
        &format!("{WS}/jobs/bad_code?{V}"),
        Some(&grace),
        job(&missing).as_bytes(),
    )
    .await;
    assert_eq!(status, 404, "{refused}");

    // Somebody else's upload is not theirs to make a version of.
    let ada = sign_in(a, "Ada Lovelace").await;
    let other_blob = other["blobReferenceForConsumption"]["blobUri"]
        .as_str()
        .unwrap();
    let theirs = format!("{WS}/codes/adas-code/versions/1?{V}");
    let (status, refused) = call(
        a,
        "PUT",
        &theirs,
        Some(&ada),
        body(&format!("{other_blob}/src")).as_bytes(),
    )
    .await;
    assert_eq!(status, 400, "{refused}");
    assert!(refused["error"]["message"]
        .as_str()
        .unwrap()
        .contains("not yours"));
    // A Reader makes no code.
    let alan = sign_in(a, "Alan Turing").await;
    assert_eq!(start_upload(a, &alan, "readers-code").await.0, 403);
    assert_eq!(
        call(
            a,
            "PUT",
            &version.replace("/1?", "/3?"),
            Some(&alan),
            body(&format!("{blob}/src")).as_bytes()
        )
        .await
        .0,
        403
    );
}
