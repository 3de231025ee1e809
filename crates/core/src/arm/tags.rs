//! Tags, which every ARM resource may carry: Azure's limits, checked the same way for each asset.

use std::collections::BTreeMap;

/// Characters Azure does not allow in tag names.
const TAG_KEY_FORBIDDEN: [char; 7] = ['<', '>', '%', '&', '\\', '?', '/'];

/// Checks tags against Azure's limits: at most 50, names 1-512 characters without `<>%&\?/`,
/// values up to 256 characters.
pub fn validate_tags(tags: &BTreeMap<String, String>) -> Result<(), String> {
    if tags.len() > 50 {
        return Err(format!(
            "A resource can have at most 50 tags; this one has {}.",
            tags.len()
        ));
    }
    for (key, value) in tags {
        validate_tag(key, value)?;
    }
    Ok(())
}

/// Checks one tag name and value: its first problem (see [`tag_errors`] for all of them).
pub fn validate_tag(key: &str, value: &str) -> Result<(), String> {
    tag_errors(key, value)
        .into_iter()
        .next()
        .map_or(Ok(()), |(_, e)| Err(e))
}

/// The part of a tag a problem is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TagPart {
    /// The tag's name.
    Name,
    /// The tag's value.
    Value,
}

/// Every problem of one tag, each with the part it is in: its name's, then its value's.
pub fn tag_errors(key: &str, value: &str) -> Vec<(TagPart, String)> {
    let mut errors = Vec::new();
    if key.trim().is_empty() {
        errors.push((TagPart::Name, "Tag name is required.".into()));
    }
    if key.chars().count() > 512 {
        errors.push((
            TagPart::Name,
            "Tag names can be at most 512 characters.".into(),
        ));
    }
    if let Some(c) = key.chars().find(|c| TAG_KEY_FORBIDDEN.contains(c)) {
        errors.push((
            TagPart::Name,
            format!("Tag names cannot contain '{c}' (nor any of < > % & \\ ? /)."),
        ));
    }
    if value.chars().count() > 256 {
        errors.push((
            TagPart::Value,
            format!("The value of tag '{key}' is longer than 256 characters."),
        ));
    }
    errors
}
