//! An endpoint's `swaggerUri`: the OpenAPI document of its scoring, with its model's columns.

use super::models::model_for;
use super::{find, refuse, sign_in};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use azimuth_core::ml::sweep::TrainedModel;
use serde_json::{json, Value};
use std::sync::Arc;

/// `GET {swaggerUri}`: the scoring request as OpenAPI describes it, with the columns the
/// endpoint's model takes (that of the deployment with the most traffic).
pub async fn swagger(
    State(state): State<Arc<AppState>>,
    Path((region, name)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let Some(found) = find(&state, &region, &name) else {
        let missing = format!("There is no online endpoint '{name}' in {region}.");
        return refuse(StatusCode::NOT_FOUND, "ENDPOINT_NOT_FOUND", missing).into_response();
    };
    if let Err(refused) = sign_in(&state, &found, &headers) {
        return refused.into_response();
    }
    let busiest = found
        .traffic
        .iter()
        .max_by_key(|(_, share)| *share)
        .map(|(n, _)| n.clone());
    let deployed = found
        .deployments
        .iter()
        .find(|d| {
            busiest
                .as_deref()
                .is_some_and(|b| d.name.eq_ignore_ascii_case(b))
        })
        .or(found.deployments.first());
    let model = deployed.and_then(|d| {
        let version = d.model.as_ref().ok()?;
        model_for(&state, &found.workspace, &d.id, version).ok()
    });
    let Some(model) = model else {
        let why = "The endpoint has no deployment with a model to describe yet.";
        return refuse(StatusCode::FAILED_DEPENDENCY, "NO_DEPLOYMENT", why).into_response();
    };
    (StatusCode::OK, Json(openapi(&name, &model))).into_response()
}

/// The OpenAPI document of an endpoint's scoring with `model`.
fn openapi(endpoint: &str, model: &TrainedModel) -> Value {
    let plans = model.featurizer.report();
    let columns: Vec<&str> = model.featurizer.inputs();
    let example: Vec<Value> = columns
        .iter()
        .map(|c| match plans.iter().find(|p| p.column == *c) {
            Some(p) if p.detected == "Numeric" => json!(0.0),
            _ => json!(""),
        })
        .collect();
    let cell = json!({"oneOf": [{"type": "number"}, {"type": "string"}, {"type": "null"}]});
    json!({
        "openapi": "3.0.1",
        "info": {"title": endpoint, "version": "1.0", "description": format!("Scores rows with {} ({}), predicting {}.", model.algorithm, model.classes.join(", "), model.target)},
        "paths": {"/score": {"post": {
            "summary": "Predictions for the rows given (params.predict_method: predict_proba for each class's probability).",
            "security": [{"Bearer": []}],
            "requestBody": {"required": true, "content": {"application/json": {
                "schema": {"type": "object", "properties": {"input_data": {"type": "object",
                    "properties": {"columns": {"type": "array", "items": {"type": "string", "enum": columns}},
                        "index": {"type": "array", "items": {"type": "integer"}},
                        "data": {"type": "array", "items": {"type": "array", "items": cell}}}}}},
                "example": {"input_data": {"columns": columns, "index": [0], "data": [example]}}}}},
            "responses": {
                "200": {"description": "A prediction per row", "content": {"application/json": {"schema": {"type": "array"}}}},
                "400": {"description": "A row or column that cannot be scored, named"},
                "401": {"description": "No key or token, or a wrong one"}}}}},
        "components": {"securitySchemes": {"Bearer": {"type": "http", "scheme": "bearer"}}},
    })
}
