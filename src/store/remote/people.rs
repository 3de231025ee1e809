//! The server's `/api` routes for people: the installation Owners' list, add (a class roster),
//! reset and remove.

use super::{json_string, send, unexpected};
use azimuth_core::arm::json_de::from_json;
use azimuth_core::arm::json_de::FromValue;
use azimuth_core::ArmError;
use serde::Deserialize;

/// A person as the People page lists them.
#[derive(Clone, Debug, PartialEq, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct PersonRow {
    /// Display name.
    pub name: String,
    /// Sign-in name.
    pub user_name: String,
    /// Whether they have set a password.
    #[serde(default)]
    pub has_password: bool,
    /// Whether a one-time code of theirs is waiting.
    #[serde(default)]
    pub code_waiting: bool,
    /// Their new one-time code, right after they were added or reset.
    #[serde(default)]
    pub code: Option<String>,
}

#[derive(Deserialize, FromValue)]
struct PeopleList {
    people: Vec<PersonRow>,
}

#[derive(Deserialize, FromValue)]
struct Added {
    added: Vec<PersonRow>,
}

#[derive(Deserialize, FromValue)]
struct CodeBody {
    code: String,
}

/// Everyone in the installation, with their password state (installation Owners only).
pub async fn people(token: &str) -> Result<Vec<PersonRow>, ArmError> {
    let text = send("GET", "/api/people", Some(token), None).await?;
    from_json::<PeopleList>(&text)
        .map(|l| l.people)
        .map_err(|e| unexpected(&e))
}

/// Adds people (one per name); answers them with their one-time codes.
pub async fn add_people(token: &str, names: &[String]) -> Result<Vec<PersonRow>, ArmError> {
    let list: Vec<String> = names.iter().map(|n| json_string(n)).collect();
    let body = format!(r#"{{"names":[{}]}}"#, list.join(","));
    let text = send("POST", "/api/people", Some(token), Some(body)).await?;
    from_json::<Added>(&text)
        .map(|a| a.added)
        .map_err(|e| unexpected(&e))
}

/// A new one-time code for a person.
pub async fn reset_person(token: &str, name: &str) -> Result<String, ArmError> {
    let body = format!(r#"{{"name":{}}}"#, json_string(name));
    let text = send("POST", "/api/people/reset", Some(token), Some(body)).await?;
    from_json::<CodeBody>(&text)
        .map(|c| c.code)
        .map_err(|e| unexpected(&e))
}

/// Removes a person.
pub async fn remove_person(token: &str, name: &str) -> Result<(), ArmError> {
    let body = format!(r#"{{"name":{}}}"#, json_string(name));
    send("POST", "/api/people/remove", Some(token), Some(body))
        .await
        .map(drop)
}
