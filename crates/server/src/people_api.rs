//! The `/api` routes of people and their passwords: setting one's password from a one-time code,
//! and the installation Owners' list, add (one person or a class roster), reset and remove.

use crate::arm::error_response;
use crate::state::AppState;
use crate::{auth, json_body};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use azimuth_core::workspace::roles::Action;
use azimuth_core::ArmError;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;

/// `POST /api/password`'s body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetPassword {
    member: String,
    code: String,
    password: String,
}

/// `POST /api/password`: a person sets their password with the one-time code an Owner gave them.
pub async fn set_password(
    State(state): State<Arc<AppState>>,
    client: crate::throttle::Client,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let shape = r#"{"member": "<name>", "code": "<one-time code>", "password": "<new password>"}"#;
    let result = json_body::<SetPassword>(body, shape).and_then(|r| {
        state.attempt_from(&client, || {
            tokio::task::block_in_place(|| state.set_password(&r.member, &r.code, &r.password))
        })
    });
    match result {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => error_response(&e),
    }
}

/// The signed-in person, if they are an Owner of the installation (who manages people).
fn owner(state: &AppState, headers: &HeaderMap) -> Result<String, ArmError> {
    let me = auth::member_of(state, headers)?;
    state.read(|t| {
        let scope = t.directory.subscription_scope();
        t.directory
            .authorize_at(&me, &scope, Action::WriteRoleAssignments)
            .map(drop)
    })?;
    Ok(me)
}

/// `GET /api/people`: every person, with whether they have set a password or have a code
/// waiting (installation Owners only).
pub async fn list(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let result = owner(&state, &headers).map(|_| {
        let people = state.read(|t| t.directory.people.clone());
        let rows: Vec<Value> = people
            .into_iter()
            .map(|p| {
                let (password, code) = state.credential_state(&p.object_id);
                json!({"name": p.name, "userName": p.user_name, "objectId": p.object_id,
                    "hasPassword": password, "codeWaiting": code})
            })
            .collect();
        json!({"people": rows, "demo": state.config.demo})
    });
    match result {
        Ok(body) => Json(body).into_response(),
        Err(e) => error_response(&e),
    }
}

/// `POST /api/people`'s body: one name per line of a class roster, or one person.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AddPeople {
    names: Vec<String>,
}

/// `POST /api/people` with `{"names": [...]}`: adds each person (blank lines skipped) and answers
/// their one-time codes, the only time the codes are shown; all are added or none.
pub async fn add(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let request = json_body::<AddPeople>(body, r#"{"names": ["Student One", "Student Two"]}"#);
    let result = request.and_then(|r| {
        let me = owner(&state, &headers)?;
        let names: Vec<String> = r
            .names
            .iter()
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty())
            .collect();
        if names.is_empty() {
            return Err(ArmError::new("BadRequest", "Give at least one name, one per line.").at("names"));
        }
        let added = state.change_tenant(|t, _| {
            names
                .iter()
                .enumerate()
                .map(|(i, n)| {
                    t.add_person(&me, n, None).map_err(|e| {
                        ArmError::new(e.code(), format!("Line {} ({n}): {} Nobody was added.", i + 1, e.message()))
                    })
                })
                .collect::<Result<Vec<_>, _>>()
        })?;
        added
            .into_iter()
            .map(|p| {
                let code = if state.config.demo {
                    None
                } else {
                    Some(state.issue_code(&p.object_id, &p.name)?)
                };
                Ok(json!({"name": p.name, "userName": p.user_name, "objectId": p.object_id, "code": code}))
            })
            .collect::<Result<Vec<Value>, ArmError>>()
    });
    match result {
        Ok(added) => (StatusCode::CREATED, Json(json!({ "added": added }))).into_response(),
        Err(e) => error_response(&e),
    }
}

/// The body naming one person.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Named {
    name: String,
}

/// `POST /api/people/reset` with `{"name"}`: a new one-time code for the person; their password
/// and sessions stop working.
pub async fn reset(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let result = json_body::<Named>(body, r#"{"name": "<person>"}"#).and_then(|r| {
        let me = owner(&state, &headers)?;
        state.reset_person(&me, &r.name)
    });
    match result {
        Ok(code) => Json(json!({ "code": code })).into_response(),
        Err(e) => error_response(&e),
    }
}

/// `POST /api/people/remove` with `{"name"}`: removes a person, their roles and their sessions.
pub async fn remove(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let result = json_body::<Named>(body, r#"{"name": "<person>"}"#).and_then(|r| {
        let me = owner(&state, &headers)?;
        let gone = state.read(|t| t.directory.person(&r.name).map(|p| p.object_id.clone()));
        state.change_tenant(|t, _| t.remove_person(&me, &r.name))?;
        state.with_db(|db| db.delete_sessions_of(&r.name));
        if let Some(object_id) = gone {
            state.with_db(|db| db.delete_credential(&object_id));
        }
        Ok(())
    });
    match result {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => error_response(&e),
    }
}
