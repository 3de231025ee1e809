//! A datastore's files: uploaded as they stream in, listed, downloaded whole or in part,
//! deleted; an interrupted upload leaves nothing; path tricks, clashing names, a Reader's
//! upload and an external datastore are refused with the reason.

mod common;

use common::*;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn files(path: &str) -> String {
    format!("/api/files?wsid={WS}&datastore=workspaceblobstore&path={path}")
}

fn names(listing: &Value, kind: &str) -> Vec<String> {
    listing[kind]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            f.as_str()
                .map_or_else(|| f["name"].as_str().unwrap().to_owned(), str::to_owned)
        })
        .collect()
}

/// Every file under `dir`, recursively (to see that nothing half-written is left).
fn on_disk(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(on_disk(&path));
        } else {
            out.push(path.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    out
}

const CSV: &[u8] = b"name,age\n\"Braund, Mr. Owen\",22\nCumings,38\n";

#[tokio::test]
async fn files_are_uploaded_listed_read_in_part_and_deleted() {
    let db = temp_db("files");
    let server = start(&db, None).await;
    let a = server.addr;
    let grace = sign_in(a, "Grace Hopper").await;
    let alan = sign_in(a, "Alan Turing").await;

    let (status, made) = call(a, "PUT", &files("data/titanic.csv"), Some(&grace), CSV).await;
    assert_eq!(
        (status, made["size"].as_u64()),
        (201, Some(CSV.len() as u64)),
        "{made}"
    );
    let (status, top) = call(a, "GET", &files(""), Some(&alan), b"").await;
    assert_eq!(
        (status, names(&top, "folders")),
        (200, vec!["data".to_owned()]),
        "{top}"
    );
    let (_, data) = call(a, "GET", &files("data/"), Some(&alan), b"").await;
    assert_eq!(names(&data, "files"), ["titanic.csv"]);
    assert_eq!(data["files"][0]["size"], CSV.len());
    assert!(data["files"][0]["lastModified"]
        .as_str()
        .unwrap()
        .ends_with('Z'));

    let content = format!("/api/files/content?wsid={WS}&path=data/titanic.csv");
    let (status, head, _) =
        call_with(a, "GET", &content, Some(&alan), "Range: bytes=0-7\r\n", b"").await;
    assert_eq!(status, 206, "{head}");
    assert_eq!(
        header(&head, "content-range"),
        Some(format!("bytes 0-7/{}", CSV.len()).as_str())
    );
    assert_eq!(header(&head, "content-length"), Some("8"));

    // Refusals, each with its reason.
    let cases: [(&str, &str, &[u8], u16, &str); 5] = [
        (
            "data/titanic.csv",
            "Grace Hopper",
            CSV,
            409,
            "already exists",
        ),
        (
            "data/TITANIC.csv",
            "Grace Hopper",
            CSV,
            409,
            "differ only in case",
        ),
        ("data/../../etc/passwd", "Grace Hopper", CSV, 400, "'..'"),
        ("data", "Grace Hopper", CSV, 409, "is a folder"),
        (
            "data/new.csv",
            "Alan Turing",
            CSV,
            403,
            "AuthorizationFailed",
        ),
    ];
    for (path, who, body, status, expected) in cases {
        let token = sign_in(a, who).await;
        let (got, e) = call(a, "PUT", &files(path), Some(&token), body).await;
        assert_eq!(got, status, "{path}: {e}");
        assert!(e.to_string().contains(expected), "{path}: {e}");
    }
    let overwrite = format!("{}&overwrite=true", files("data/titanic.csv"));
    assert_eq!(
        call(a, "PUT", &overwrite, Some(&grace), b"a,b\n1,2\n")
            .await
            .0,
        201
    );

    // A datastore on an account outside Azimuth is registered but cannot be reached from here.
    let external = format!("{WS}/datastores/outside?{V}");
    let body = br#"{"properties": {"datastoreType": "AzureBlob", "accountName": "elsewhere", "containerName": "raw"}}"#;
    assert_eq!(call(a, "PUT", &external, Some(&grace), body).await.0, 201);
    let (status, e) = call(
        a,
        "GET",
        &format!("/api/files?wsid={WS}&datastore=outside"),
        Some(&grace),
        b"",
    )
    .await;
    assert!(
        status == 400
            && e["error"]["message"]
                .as_str()
                .unwrap()
                .contains("cannot reach"),
        "{e}"
    );

    // Deleting: a file, then a folder with all in it; the top cannot go.
    assert_eq!(
        call(a, "PUT", &files("data/more/b.csv"), Some(&grace), CSV)
            .await
            .0,
        201
    );
    assert_eq!(
        call(a, "DELETE", &files("data/titanic.csv"), Some(&alan), b"")
            .await
            .0,
        403
    );
    assert_eq!(
        call(a, "DELETE", &files("data/titanic.csv"), Some(&grace), b"")
            .await
            .0,
        200
    );
    assert_eq!(
        call(a, "DELETE", &files("data/titanic.csv"), Some(&grace), b"")
            .await
            .0,
        204
    );
    let (status, gone) = call(a, "DELETE", &files("data/"), Some(&grace), b"").await;
    assert_eq!((status, gone["deleted"].as_u64()), (200, Some(1)), "{gone}");
    assert_eq!(
        call(a, "DELETE", &files(""), Some(&grace), b"").await.0,
        400
    );
    let (_, top) = call(a, "GET", &files(""), Some(&alan), b"").await;
    assert!(names(&top, "folders").is_empty(), "{top}");
}

#[tokio::test]
async fn an_upload_cut_short_leaves_no_file_behind() {
    let db = temp_db("files-cut");
    let server = start(&db, None).await;
    let a = server.addr;
    let grace = sign_in(a, "Grace Hopper").await;
    let mut tcp = tokio::net::TcpStream::connect(a).await.unwrap();
    let head = format!(
        "PUT {} HTTP/1.1\r\nHost: {a}\r\nAuthorization: Bearer {grace}\r\nContent-Length: 10000000\r\n\r\n",
        files("big/half.bin")
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    tcp.write_all(&vec![7u8; 3_000_000]).await.unwrap();
    tcp.flush().await.unwrap();
    drop(tcp);
    // The server notices, drops the upload, its staging file and the folder it made for it.
    let root = db.with_file_name("files");
    let mut left = (on_disk(&root), Value::Null);
    for _ in 0..50 {
        let (_, top) = call(a, "GET", &files(""), Some(&grace), b"").await;
        left = (on_disk(&root), top);
        if left.0.is_empty() && names(&left.1, "folders").is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(left.0.is_empty(), "left behind: {:?}", left.0);
    assert!(names(&left.1, "folders").is_empty(), "{}", left.1);
    // On a file share, a folder that was there before stays; only those the upload made go.
    let share_at = |verb: &str, path: &str| {
        format!("/api/files{verb}?wsid={WS}&datastore=workspaceworkingdirectory&path={path}")
    };
    let share = |path: &str| share_at("", path);
    let made = call(
        a,
        "POST",
        &share_at("/folder", "Users/grace/keep/"),
        Some(&grace),
        b"",
    )
    .await;
    assert_eq!(made.0, 201, "{}", made.1);
    let mut tcp = tokio::net::TcpStream::connect(a).await.unwrap();
    let head = format!(
        "PUT {} HTTP/1.1\r\nHost: {a}\r\nAuthorization: Bearer {grace}\r\nContent-Length: 10000000\r\n\r\n",
        share("Users/grace/keep/new/half.bin")
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    tcp.write_all(&vec![7u8; 3_000_000]).await.unwrap();
    drop(tcp);
    let mut kept = Value::Null;
    for _ in 0..50 {
        kept = call(a, "GET", &share("Users/grace/keep/"), Some(&grace), b"")
            .await
            .1;
        let staged = on_disk(&root).iter().any(|f| f.starts_with("half.bin"));
        if !staged && names(&kept, "folders").is_empty() {
            // The upload's end lets its name go just after its staging file.
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(names(&kept, "folders").is_empty(), "{kept}");
    let (_, grace_folder) = call(a, "GET", &share("Users/grace/"), Some(&grace), b"").await;
    assert_eq!(names(&grace_folder, "folders"), ["keep"], "{grace_folder}");
    // A whole one goes through, and reads back byte for byte.
    let body: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    assert_eq!(
        call(a, "PUT", &files("big/whole.bin"), Some(&grace), &body)
            .await
            .0,
        201
    );
    let mut tcp = tokio::net::TcpStream::connect(a).await.unwrap();
    let get = format!(
        "GET /api/files/content?wsid={WS}&path=big/whole.bin HTTP/1.1\r\nHost: {a}\r\nAuthorization: Bearer {grace}\r\nConnection: close\r\n\r\n"
    );
    tcp.write_all(get.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    tcp.read_to_end(&mut raw).await.unwrap();
    let at = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    assert!(String::from_utf8_lossy(&raw[..at]).contains("200 OK"));
    assert_eq!(&raw[at..], &body[..]);
}

#[tokio::test]
async fn a_tabular_file_is_profiled_as_it_streams() {
    let db = temp_db("profile");
    let server = start(&db, None).await;
    let a = server.addr;
    let alan = sign_in(a, "Alan Turing").await;
    let grace = sign_in(a, "Grace Hopper").await;
    let mut csv = String::from("\u{feff}id;city;score\n");
    for i in 0..5000 {
        csv.push_str(&format!(
            "{i};\"{}\";{}\n",
            ["Oslo", "Bergen; NO"][i % 2],
            i % 10
        ));
    }
    let (status, _) = call(a, "PUT", &files("p/rows.txt"), Some(&grace), csv.as_bytes()).await;
    assert_eq!(status, 201);
    let profile = |query: &str| format!("/api/files/profile?wsid={WS}&path=p/rows.txt{query}");
    let (status, p) = call(a, "GET", &profile("&delimiter=%3B"), Some(&alan), b"").await;
    assert_eq!(status, 200, "{p}");
    assert_eq!(p["rows"], 5000);
    assert_eq!(p["columns"][0]["name"], "id");
    assert_eq!(p["columns"][0]["columnType"], "integer");
    assert_eq!(
        p["columns"][1]["top"][0]["value"], "Bergen; NO",
        "ties: by value"
    );
    assert_eq!(p["columns"][2]["mean"], 4.5);
    let bins = p["columns"][2]["histogram"].as_array().unwrap();
    assert_eq!(
        bins.iter()
            .map(|b| b["count"].as_u64().unwrap())
            .sum::<u64>(),
        5000
    );

    // A ".txt" is read as CSV unless told otherwise; JSON lines that are not are refused.
    let (status, p) = call(a, "GET", &profile("&format=jsonl"), Some(&alan), b"").await;
    assert_eq!(status, 400, "{p}");
    assert!(
        p["error"]["message"].as_str().unwrap().contains("Line 1"),
        "{p}"
    );
    let (status, p) = call(a, "GET", &profile("&delimiter=ab"), Some(&alan), b"").await;
    assert_eq!(status, 400, "{p}");
    // Latin-1 text, read as Latin-1: é is one byte in the file, and é in the profile.
    let latin = b"name\nZo\xe9\nZo\xe9\n";
    assert_eq!(
        call(a, "PUT", &files("p/latin.csv"), Some(&grace), latin)
            .await
            .0,
        201
    );
    let latin_profile = format!("/api/files/profile?wsid={WS}&path=p/latin.csv&encoding=latin1");
    let (status, p) = call(a, "GET", &latin_profile, Some(&alan), b"").await;
    assert_eq!(
        (status, &p["columns"][0]["top"][0]["value"]),
        (200, &json!("Zoé")),
        "{p}"
    );
    let utf16 = format!("/api/files/profile?wsid={WS}&path=p/latin.csv&encoding=utf16");
    let (status, p) = call(a, "GET", &utf16, Some(&alan), b"").await;
    assert_eq!(status, 400, "{p}");
    let missing = format!("/api/files/profile?wsid={WS}&path=p/none.csv");
    let (status, _) = call(a, "GET", &missing, Some(&alan), b"").await;
    assert_eq!(status, 404);
    let (status, _) = call(a, "GET", &profile(""), None, b"").await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn two_uploads_racing_for_one_name_the_second_is_told() {
    let db = temp_db("files-race");
    let server = start(&db, None).await;
    let a = server.addr;
    let grace = sign_in(a, "Grace Hopper").await;
    // Grace's first upload is under way (half its body sent) ...
    let mut first = tokio::net::TcpStream::connect(a).await.unwrap();
    let head = format!(
        "PUT {} HTTP/1.1\r\nHost: {a}\r\nAuthorization: Bearer {grace}\r\nContent-Length: 2000000\r\nConnection: close\r\n\r\n",
        files("race/data.csv")
    );
    first.write_all(head.as_bytes()).await.unwrap();
    first.write_all(&vec![b'x'; 1_000_000]).await.unwrap();
    first.flush().await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    // ... when a second one to the same name (in another case) arrives: refused, in words.
    let (status, refused) = call(a, "PUT", &files("race/DATA.csv"), Some(&grace), b"a,b\n").await;
    assert_eq!(status, 409, "{refused}");
    assert!(refused["error"]["message"]
        .as_str()
        .unwrap()
        .contains("being uploaded"));
    first.write_all(&vec![b'x'; 1_000_000]).await.unwrap();
    let mut answer = Vec::new();
    first.read_to_end(&mut answer).await.unwrap();
    assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 201"));
    // The first one whole; the name is free again (an overwrite goes through).
    let (_, listing) = call(a, "GET", &files("race/"), Some(&grace), b"").await;
    assert_eq!(listing["files"][0]["size"], 2_000_000);
    let overwrite = format!("{}&overwrite=true", files("race/data.csv"));
    assert_eq!(
        call(a, "PUT", &overwrite, Some(&grace), b"a\n").await.0,
        201
    );
}

/// A small Parquet file as pandas writes one (Snappy): 3 patients, one score missing.
fn patients_parquet() -> Vec<u8> {
    use parquet::basic::Compression;
    use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int64Type};
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    use parquet::schema::parser::parse_message_type;
    use std::sync::Arc;
    let schema = "message patients { REQUIRED INT64 id; REQUIRED BYTE_ARRAY name (UTF8); OPTIONAL DOUBLE score; }";
    let schema = Arc::new(parse_message_type(schema).unwrap());
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    let mut out = Vec::new();
    let mut writer = SerializedFileWriter::new(&mut out, schema, Arc::new(props)).unwrap();
    let mut group = writer.next_row_group().unwrap();
    let mut column = group.next_column().unwrap().unwrap();
    column
        .typed::<Int64Type>()
        .write_batch(&[1, 2, 3], None, None)
        .unwrap();
    column.close().unwrap();
    let mut column = group.next_column().unwrap().unwrap();
    let names = ["Zoé", "René", "Ada"].map(ByteArray::from);
    column
        .typed::<ByteArrayType>()
        .write_batch(&names, None, None)
        .unwrap();
    column.close().unwrap();
    let mut column = group.next_column().unwrap().unwrap();
    // Definition levels: 1 present, 0 missing.
    column
        .typed::<DoubleType>()
        .write_batch(&[2.5, 4.5], Some(&[1, 0, 1]), None)
        .unwrap();
    column.close().unwrap();
    group.close().unwrap();
    writer.close().unwrap();
    out
}

#[tokio::test]
async fn a_parquet_file_is_explored_and_profiled_by_the_server() {
    let db = temp_db("parquet");
    let server = start(&db, None).await;
    let a = server.addr;
    let grace = sign_in(a, "Grace Hopper").await;
    let file = patients_parquet();
    if let Ok(dir) = std::env::var("AZIMUTH_WRITE_PARQUET") {
        std::fs::write(format!("{dir}/patients.parquet"), &file).unwrap();
    }
    assert_eq!(
        call(a, "PUT", &files("t/patients.parquet"), Some(&grace), &file)
            .await
            .0,
        201
    );
    let preview = format!("/api/files/preview?wsid={WS}&path=t/patients.parquet");
    let (status, table) = call(a, "GET", &preview, Some(&grace), b"").await;
    assert_eq!(status, 200, "{table}");
    assert_eq!(table["columns"], json!(["id", "name", "score"]));
    assert_eq!(table["rows"][1], json!(["2", "René", ""]));
    assert_eq!(table["more"], false);
    let profile = format!("/api/files/profile?wsid={WS}&path=t/patients.parquet");
    let (status, p) = call(a, "GET", &profile, Some(&grace), b"").await;
    assert_eq!(status, 200, "{p}");
    assert_eq!(p["rows"], 3);
    assert_eq!(p["columns"][0]["columnType"], "integer");
    assert_eq!(p["columns"][2]["columnType"], "decimal");
    assert_eq!(
        (&p["columns"][2]["missing"], &p["columns"][2]["mean"]),
        (&json!(1), &json!(3.5))
    );
    // Not Parquet: said so, not a crash; a CSV previews from its start.
    let csv = b"a,b\n1,2\n";
    assert_eq!(
        call(a, "PUT", &files("t/fake.parquet"), Some(&grace), csv)
            .await
            .0,
        201
    );
    let fake = format!("/api/files/profile?wsid={WS}&path=t/fake.parquet");
    let (status, e) = call(a, "GET", &fake, Some(&grace), b"").await;
    assert_eq!(status, 400, "{e}");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("cannot be read as Parquet"),
        "{e}"
    );
    assert_eq!(
        call(a, "PUT", &files("t/small.csv"), Some(&grace), csv)
            .await
            .0,
        201
    );
    let text = format!("/api/files/preview?wsid={WS}&path=t/small.csv");
    let (status, table) = call(a, "GET", &text, Some(&grace), b"").await;
    assert_eq!(
        (status, &table["rows"][0]),
        (200, &json!(["1", "2"])),
        "{table}"
    );
}
