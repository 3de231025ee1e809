//! Online endpoints on a server: an AutoML job's best model registered, deployed and scored
//! for real at the endpoint's scoringUri with its keys; traffic split and mirrored; keys
//! regenerated, tokens, bad requests, roles, and a deployed model kept from deletion.

mod common;
use common::*;
use serde_json::{json, Value};

fn endpoint_path(name: &str, rest: &str) -> String {
    format!("{WS}/onlineEndpoints/{name}{rest}?{V}")
}

/// A request of two diabetes rows, in Azure's input_data shape.
fn two_rows() -> Value {
    json!({"input_data": {
        "columns": ["PatientID", "Pregnancies", "PlasmaGlucose", "DiastolicBloodPressure", "TricepsThickness", "SerumInsulin", "BMI", "DiabetesPedigree", "Age"],
        "index": [0, 1],
        "data": [[1354778, 0, 80, 80, 34, 23, 43.5, 1.2, 21], [1147438, 8, 190, 92, 47, 36, 45.3, 0.9, 60]]}})
}

/// Scores `body` at `uri` (the scoringUri's path) with `key`, naming `deployment` if any:
/// the status, the deployment that answered, and the answer.
async fn score(
    a: std::net::SocketAddr,
    uri: &str,
    key: &str,
    deployment: Option<&str>,
    body: &Value,
) -> (u16, String, Value) {
    let extra = deployment.map_or_else(String::new, |d| {
        format!("azureml-model-deployment: {d}\r\n")
    });
    let (status, head, answer) = call_with(
        a,
        "POST",
        uri,
        Some(key),
        &extra,
        body.to_string().as_bytes(),
    )
    .await;
    let served = header(&head, "azureml-model-deployment")
        .unwrap_or("")
        .to_owned();
    (status, served, answer)
}

/// How many requests deployment `which` of `diabetes-ep` logged (`getLogs`).
async fn scored_lines(a: std::net::SocketAddr, token: &str, which: &str) -> usize {
    let path = format!("{WS}/onlineEndpoints/diabetes-ep/deployments/{which}/getLogs?{V}");
    let (_, logs) = call(a, "POST", &path, Some(token), br#"{"tail": 1000}"#).await;
    let content = logs["content"].as_str().unwrap_or("");
    content
        .lines()
        .filter(|l| l.contains("POST /score"))
        .count()
}

#[tokio::test]
async fn a_best_model_deployed_to_an_endpoint_scores_requests_with_its_keys() {
    let (_db, server) = runner_server("endpoints-score", &["--pace", "instant"]).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    let model = trained_model(a, &ada).await;

    // The endpoint: created with keys that no GET or list shows.
    let body = json!({"location": "ignored", "properties": {"authMode": "Key", "description": "diabetes"}});
    let (status, made) = call(
        a,
        "PUT",
        &endpoint_path("diabetes-ep", ""),
        Some(&ada),
        body.to_string().as_bytes(),
    )
    .await;
    assert_eq!(status, 201, "{made}");
    let scoring = made["properties"]["scoringUri"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(scoring.ends_with("/diabetes-ep/score"), "{scoring}");
    let uri = scoring
        .split_once("://")
        .unwrap()
        .1
        .split_once('/')
        .map(|(_, p)| format!("/{p}"))
        .unwrap();
    let (_, keys) = call(
        a,
        "POST",
        &endpoint_path("diabetes-ep", "/listKeys"),
        Some(&ada),
        b"",
    )
    .await;
    let key = keys["primaryKey"].as_str().unwrap().to_owned();
    assert_eq!(key.len(), 64);
    let (_, listed) = call(a, "GET", &endpoint_path("", ""), Some(&ada), b"").await;
    assert!(!listed.to_string().contains(&key), "keys are never listed");
    let alan = sign_in(a, "Alan Turing").await;
    let (status, _) = call(
        a,
        "POST",
        &endpoint_path("diabetes-ep", "/listKeys"),
        Some(&alan),
        b"",
    )
    .await;
    assert_eq!(status, 403, "a Reader sees no keys");

    // A deployment of the model; until it gets traffic, only the header reaches it.
    let deployment = json!({"sku": {"name": "Default", "capacity": 1},
        "properties": {"model": model, "instanceType": "Standard_DS3_v2"}});
    let path = format!("{WS}/onlineEndpoints/diabetes-ep/deployments/blue?{V}");
    let (status, blue) = call(
        a,
        "PUT",
        &path,
        Some(&ada),
        deployment.to_string().as_bytes(),
    )
    .await;
    assert_eq!(status, 201, "{blue}");
    let (status, _, refused) = score(a, &uri, &key, None, &two_rows()).await;
    assert_eq!(status, 424, "{refused}");
    let (status, served, answer) = score(a, &uri, &key, Some("blue"), &two_rows()).await;
    assert_eq!((status, served.as_str()), (200, "blue"), "{answer}");
    let labels = answer.as_array().unwrap().clone();
    assert!(
        labels.len() == 2 && labels.iter().all(|l| *l == 0 || *l == 1),
        "{answer}"
    );

    // With all traffic on blue, plain requests score; bad ones get a 4xx that says why.
    let traffic = json!({"properties": {"authMode": "Key", "traffic": {"blue": 100}}});
    let (status, _) = call(
        a,
        "PUT",
        &endpoint_path("diabetes-ep", ""),
        Some(&ada),
        traffic.to_string().as_bytes(),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _, _) = score(a, &uri, &key, None, &two_rows()).await;
    assert_eq!(status, 200);
    let (status, _, refused) = score(a, &uri, "wrong", None, &two_rows()).await;
    assert_eq!(status, 401, "{refused}");
    let mut missing = two_rows();
    missing["input_data"]["columns"][8] = json!("Years");
    let (status, _, refused) = score(a, &uri, &key, None, &missing).await;
    assert_eq!(status, 400);
    assert!(
        refused["message"].as_str().unwrap().contains("'Age'"),
        "{refused}"
    );
    let (status, _, _) = call_with(a, "POST", &uri, Some(&key), "", b"{\"input_data\": [").await;
    assert_eq!(status, 400);
    let mut probabilities = two_rows();
    probabilities["params"] = json!({"predict_method": "predict_proba"});
    let (_, _, answer) = score(a, &uri, &key, None, &probabilities).await;
    for (row, label) in answer.as_array().unwrap().iter().zip(&labels) {
        let (no, yes) = (row["0"].as_f64().unwrap(), row["1"].as_f64().unwrap());
        assert!((no + yes - 1.0).abs() < 1e-9, "{row}");
        assert_eq!(
            *label,
            json!(u8::from(yes > no)),
            "the prediction is the likelier class"
        );
    }

    // A regenerated key stops the old one at once.
    let regenerate = json!({"keyType": "Primary"});
    let (status, _) = call(
        a,
        "POST",
        &endpoint_path("diabetes-ep", "/regenerateKeys"),
        Some(&ada),
        regenerate.to_string().as_bytes(),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _, _) = score(a, &uri, &key, None, &two_rows()).await;
    assert_eq!(status, 401);
    let (_, keys) = call(
        a,
        "POST",
        &endpoint_path("diabetes-ep", "/listKeys"),
        Some(&ada),
        b"",
    )
    .await;
    let key = keys["primaryKey"].as_str().unwrap().to_owned();
    let secondary = keys["secondaryKey"].as_str().unwrap().to_owned();
    assert_eq!(score(a, &uri, &secondary, None, &two_rows()).await.0, 200);

    // Two deployments 70/30 over 1,000 requests, and green mirrored while blue takes all.
    let (status, _) = call(
        a,
        "PUT",
        &path.replace("/blue?", "/green?"),
        Some(&ada),
        deployment.to_string().as_bytes(),
    )
    .await;
    assert_eq!(status, 201);
    let split = json!({"properties": {"traffic": {"blue": 70, "green": 30}}});
    call(
        a,
        "PATCH",
        &endpoint_path("diabetes-ep", ""),
        Some(&ada),
        split.to_string().as_bytes(),
    )
    .await;
    let mut blue_count = 0;
    for _ in 0..1000 {
        let (status, served, _) = score(a, &uri, &key, None, &two_rows()).await;
        assert_eq!(status, 200);
        blue_count += usize::from(served == "blue");
    }
    assert!(
        (640..=760).contains(&blue_count),
        "blue served {blue_count} of 1000 at 70%"
    );
    let mirror = json!({"properties": {"traffic": {"blue": 100, "green": 0}, "mirrorTraffic": {"green": 20}}});
    let (status, answer) = call(
        a,
        "PATCH",
        &endpoint_path("diabetes-ep", ""),
        Some(&ada),
        mirror.to_string().as_bytes(),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let before = scored_lines(a, &ada, "green").await;
    for _ in 0..500 {
        let (_, served, _) = score(a, &uri, &key, None, &two_rows()).await;
        assert_eq!(served, "blue", "mirrored answers are dropped");
    }
    let mirrored = scored_lines(a, &ada, "green").await - before;
    assert!(
        (60..=140).contains(&mirrored),
        "green saw {mirrored} of 500 at 20%"
    );

    // The swagger document names the model's columns; the figures count the requests.
    let swagger = uri.replace("/score", "/swagger.json");
    let (status, _, doc) = call_with(a, "GET", &swagger, Some(&key), "", b"").await;
    assert_eq!(status, 200, "{doc}");
    let example = doc["paths"]["/score"]["post"]["requestBody"]["content"]["application/json"]
        ["example"]
        .to_string();
    assert!(
        example.contains("\"Age\"") && !example.contains("PatientID"),
        "{example}"
    );
    assert_eq!(
        call_with(a, "GET", &swagger, Some("wrong"), "", b"")
            .await
            .0,
        401
    );
    let metrics = format!("/api/endpoints/metrics?wsid={WS}&endpoint=diabetes-ep");
    let (status, figures) = call(a, "GET", &metrics, Some(&ada), b"").await;
    assert_eq!(status, 200, "{figures}");
    let blue_figures = &figures["deployments"]["blue"];
    assert!(
        blue_figures["requests"].as_u64().unwrap() > 1000,
        "{figures}"
    );
    assert!(
        blue_figures["errors"].as_u64().unwrap() >= 2,
        "the 400s count: {figures}"
    );
    let minute = &blue_figures["minutes"][0];
    assert!(
        minute["p50"].as_f64().unwrap() > 0.0
            && minute["p99"].as_f64().unwrap() >= minute["p50"].as_f64().unwrap(),
        "{minute}"
    );
    assert_eq!(call(a, "GET", &metrics, None, b"").await.0, 401);

    // A deployed model is not deleted; a deployment with traffic is not either.
    let (status, refused) = call(
        a,
        "DELETE",
        &format!("{WS}/models/diabetes-best/versions/1?{V}"),
        Some(&ada),
        b"",
    )
    .await;
    assert_eq!(status, 400, "{refused}");
    assert!(
        refused.to_string().contains("delete that deployment first"),
        "{refused}"
    );
    let (status, _) = call(a, "DELETE", &path, Some(&ada), b"").await;
    assert_eq!(status, 400);
    let (status, _) = call(
        a,
        "DELETE",
        &endpoint_path("diabetes-ep", ""),
        Some(&ada),
        b"",
    )
    .await;
    assert_eq!(status, 200);
    let (status, _, _) = score(a, &uri, &key, None, &two_rows()).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn an_aml_token_endpoint_takes_its_tokens_not_its_keys_and_names_are_unique_in_a_region() {
    let (_db, server) = runner_server("endpoints-token", &["--pace", "instant"]).await;
    let a = server.addr;
    let ada = sign_in(a, "Ada Lovelace").await;
    let model = trained_model(a, &ada).await;
    let body = json!({"properties": {"authMode": "AMLToken", "traffic": {}}});
    let (status, made) = call(
        a,
        "PUT",
        &endpoint_path("token-ep", ""),
        Some(&ada),
        body.to_string().as_bytes(),
    )
    .await;
    assert_eq!(status, 201, "{made}");
    let deployment = json!({"properties": {"model": model, "instanceType": "Standard_DS2_v2"}});
    let path = format!("{WS}/onlineEndpoints/token-ep/deployments/only?{V}");
    assert_eq!(
        call(
            a,
            "PUT",
            &path,
            Some(&ada),
            deployment.to_string().as_bytes()
        )
        .await
        .0,
        201
    );
    let uri = format!(
        "/inference/{}/token-ep/score",
        made["location"].as_str().unwrap()
    );
    let (_, keys) = call(
        a,
        "POST",
        &endpoint_path("token-ep", "/listKeys"),
        Some(&ada),
        b"",
    )
    .await;
    let (status, token) = call(
        a,
        "POST",
        &endpoint_path("token-ep", "/token"),
        Some(&ada),
        b"",
    )
    .await;
    assert_eq!(status, 200, "{token}");
    assert_eq!(token["tokenType"], "Bearer");
    let token = token["accessToken"].as_str().unwrap().to_owned();
    assert_eq!(
        score(a, &uri, &token, Some("only"), &two_rows()).await.0,
        200
    );
    let key = keys["primaryKey"].as_str().unwrap();
    assert_eq!(score(a, &uri, key, Some("only"), &two_rows()).await.0, 401);
    let forged = format!(
        "{}{}",
        &token[..token.len() - 1],
        if token.ends_with('0') { '1' } else { '0' }
    );
    assert_eq!(
        score(a, &uri, &forged, Some("only"), &two_rows()).await.0,
        401
    );
    // Over the quota, a deployment is refused saying so.
    let big = json!({"sku": {"capacity": 20}, "properties": {"model": model, "instanceType": "Standard_DS3_v2"}});
    let (status, refused) = call(
        a,
        "PUT",
        &path.replace("/only?", "/big?"),
        Some(&ada),
        big.to_string().as_bytes(),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(refused["error"]["code"], "QuotaExceeded", "{refused}");
    // Another endpoint of the same name in the region is refused.
    let (status, _) = call(
        a,
        "PUT",
        &endpoint_path("token-ep", ""),
        Some(&ada),
        body.to_string().as_bytes(),
    )
    .await;
    assert_eq!(status, 200, "a PUT of the same endpoint updates it");
}
