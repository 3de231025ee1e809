//! What versioned assets (data assets, models) share: Azure's rule for their names and
//! versions, the version a create without one gets, the `listViewType` filter of their lists,
//! and the stamp of a change.

use super::SystemData;
use std::sync::Arc;

/// Why a versioned asset's name or version (data, models) is refused, or `None`: Azure's rule
/// for asset names (`^(?![-_.])[a-zA-Z0-9-_.]{1,255}(?<!\.)$`). `what` is `name` or `version`.
pub fn asset_name_error(name: &str, what: &str) -> Option<String> {
    if name.is_empty() {
        return Some(format!("Enter a {what}."));
    }
    if name.len() > 255 {
        return Some(format!("A {what} can be at most 255 characters."));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Some(format!(
            "A {what} can contain only letters, digits, '-', '_' and '.'; {} is not allowed.",
            crate::arm::shown_char(c)
        ));
    }
    if name.starts_with(['-', '_', '.']) {
        return Some(format!("A {what} must start with a letter or a digit."));
    }
    name.ends_with('.')
        .then(|| format!("A {what} cannot end with '.'."))
}

/// Which assets a list shows (`listViewType`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ListView {
    /// Those not archived (the default).
    #[default]
    ActiveOnly,
    /// Only archived ones.
    ArchivedOnly,
    /// Both.
    All,
}

impl ListView {
    /// Reads ARM's `listViewType` value (any case); unknown values read as the default.
    pub fn parse(text: &str) -> ListView {
        match text.to_ascii_lowercase().as_str() {
            "archivedonly" => ListView::ArchivedOnly,
            "all" => ListView::All,
            _ => ListView::ActiveOnly,
        }
    }

    /// Whether an item archived or not is shown.
    pub fn shows(self, archived: bool) -> bool {
        match self {
            ListView::ActiveOnly => !archived,
            ListView::ArchivedOnly => archived,
            ListView::All => true,
        }
    }
}

/// The version after the highest whole-number version, `1` when there is none.
pub fn next_version<'a>(versions: impl Iterator<Item = &'a str>) -> String {
    let top = versions
        .filter_map(|v| v.parse::<u64>().ok())
        .max()
        .unwrap_or(0);
    (top + 1).to_string()
}

/// Stamps a change by `by` at `at` (or the creation, when there is no record yet).
pub fn touch(system_data: &mut Option<SystemData>, by: &str, at: &str) {
    match system_data {
        Some(s) => {
            s.last_modified_at = at.to_owned();
            s.last_modified_by = by.to_owned();
        }
        None => *system_data = Some(SystemData::created(by, at)),
    }
}

/// The word for a change of an asset, by its archived flag before and after: `archived`,
/// `restored` or `updated`.
pub fn archive_verb(was: bool, is: bool) -> &'static str {
    match (was, is) {
        (false, true) => "archived",
        (true, false) => "restored",
        _ => "updated",
    }
}

/// The item of `list` named `name` (names compare without regard to case): an asset's
/// container by its name.
pub fn named<'a, T>(list: &'a [Arc<T>], name: &str, name_of: fn(&T) -> &str) -> Option<&'a T> {
    list.iter()
        .map(Arc::as_ref)
        .find(|item| name_of(item).eq_ignore_ascii_case(name))
}

/// The versions in `list` of the asset whose ARM id is `asset_id` (ids compare without regard
/// to case), in the list's order.
pub fn versions_of<'a, T>(
    list: &'a [Arc<T>],
    asset_id: &str,
    id_of: fn(&T) -> &str,
) -> impl Iterator<Item = &'a T> + use<'a, T> {
    let prefix = format!("{asset_id}/versions/").to_ascii_lowercase();
    list.iter()
        .map(Arc::as_ref)
        .filter(move |v| id_of(v).to_ascii_lowercase().starts_with(&prefix))
}
