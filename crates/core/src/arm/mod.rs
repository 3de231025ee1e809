//! What every ARM resource shares: the resource types, ARM's error envelope, ids, and the JSON
//! helpers. Each asset's own wire types live beside the asset (`compute::resource`,
//! `workspace::resource`).

pub mod ids;
pub mod json;
pub mod json_de;
pub mod tags;
pub mod versioned;

use crate::arm::json_de::FromValue;
use serde::{Deserialize, Serialize};

/// A character a name may not hold, as a message names it: `'$'`, `a space`, `an apostrophe
/// (')`, or, by its code point, one that cannot be seen as itself (`a space, U+00A0,`,
/// `an invisible character, U+200B,`, `a combining mark, U+0301,`), so that a message never
/// shows a character that hides, reorders or changes the text around it.
pub fn shown_char(c: char) -> String {
    let code = u32::from(c);
    if c == ' ' {
        "a space".into()
    } else if c == '\'' {
        "an apostrophe (')".into()
    } else if c.is_whitespace() && !c.is_control() {
        format!("a space, U+{code:04X},")
    } else if is_invisible(c) {
        format!("an invisible character, U+{code:04X},")
    } else if is_combining(c) {
        format!("a combining mark, U+{code:04X},")
    } else {
        format!("'{c}'")
    }
}

/// Whether `c` shows nothing by itself: a control character, a format character (zero-width
/// spaces and joiners, the soft hyphen, the text direction marks, embeddings and isolates, the
/// byte order mark), a variation selector or a tag.
fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{061C}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{206F}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{E0000}'..='\u{E007F}'
                | '\u{E0100}'..='\u{E01EF}'
        )
}

/// Whether `c` is in one of the blocks of combining marks, which draw over the character
/// before them (a quote mark, in a message). The blocks rather than Unicode's property keep
/// its tables out of the wasm (see `arm::json`).
fn is_combining(c: char) -> bool {
    matches!(
        c,
        '\u{0300}'..='\u{036F}'
            | '\u{1AB0}'..='\u{1AFF}'
            | '\u{1DC0}'..='\u{1DFF}'
            | '\u{20D0}'..='\u{20FF}'
            | '\u{FE20}'..='\u{FE2F}'
    )
}

/// The ARM resource type of a compute.
pub const COMPUTE_TYPE: &str = "Microsoft.MachineLearningServices/workspaces/computes";
/// The ARM resource type of a datastore.
pub const DATASTORE_TYPE: &str = "Microsoft.MachineLearningServices/workspaces/datastores";
/// The ARM resource type of a data asset (its container).
pub const DATA_TYPE: &str = "Microsoft.MachineLearningServices/workspaces/data";
/// The ARM resource type of a data asset's version.
pub const DATA_VERSION_TYPE: &str = "Microsoft.MachineLearningServices/workspaces/data/versions";
/// The ARM resource type of a model (its container).
pub const MODEL_TYPE: &str = "Microsoft.MachineLearningServices/workspaces/models";
/// The ARM resource type of a model's version.
pub const MODEL_VERSION_TYPE: &str = "Microsoft.MachineLearningServices/workspaces/models/versions";
/// The ARM resource type of a workspace.
pub const WORKSPACE_TYPE: &str = "Microsoft.MachineLearningServices/workspaces";

/// ARM's error body: `{"error": {"code", "message"}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, FromValue)]
pub struct ArmError {
    /// The error itself.
    pub error: ErrorDetail,
}

/// The code and message of an ARM error.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, FromValue)]
pub struct ErrorDetail {
    /// A machine-readable code such as `ResourceNotFound`.
    pub code: String,
    /// A sentence for people.
    pub message: String,
    /// The request field the error is about, e.g. `properties.resourceId`, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

impl ArmError {
    /// Builds an error from a code and a message.
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Self {
            error: ErrorDetail {
                code: code.to_owned(),
                message: message.into(),
                target: None,
            },
        }
    }

    /// The same error, about one field of the request.
    pub fn at(mut self, target: &str) -> Self {
        self.error.target = Some(target.to_owned());
        self
    }

    /// The request field the error is about, if it names one.
    pub fn target(&self) -> Option<&str> {
        self.error.target.as_deref()
    }

    /// The error's code.
    pub fn code(&self) -> &str {
        &self.error.code
    }

    /// The error's message.
    pub fn message(&self) -> &str {
        &self.error.message
    }
}

impl std::fmt::Display for ArmError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.error.code, self.error.message)
    }
}

impl std::error::Error for ArmError {}

/// `systemData`: who created and last changed a resource, and when.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct SystemData {
    /// When it was created (ISO 8601).
    pub created_at: String,
    /// Who created it (a sign-in name).
    pub created_by: String,
    /// `User`, `Application`, `ManagedIdentity` or `Key`.
    pub created_by_type: String,
    /// When it last changed.
    pub last_modified_at: String,
    /// Who last changed it.
    pub last_modified_by: String,
    /// `User`, `Application`, `ManagedIdentity` or `Key`.
    pub last_modified_by_type: String,
}

impl SystemData {
    /// A resource a user created at `at` (ISO 8601).
    pub fn created(by: &str, at: &str) -> SystemData {
        SystemData {
            created_at: at.to_owned(),
            created_by: by.to_owned(),
            created_by_type: "User".into(),
            last_modified_at: at.to_owned(),
            last_modified_by: by.to_owned(),
            last_modified_by_type: "User".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::shown_char;

    #[test]
    fn a_refused_character_is_named_so_that_it_cannot_hide_or_turn_the_message() {
        let shown = [
            ('$', "'$'"),
            ('é', "'é'"),
            (' ', "a space"),
            ('\'', "an apostrophe (')"),
            ('\u{00A0}', "a space, U+00A0,"),
            ('\u{3000}', "a space, U+3000,"),
            ('\t', "an invisible character, U+0009,"),
            ('\u{200B}', "an invisible character, U+200B,"),
            ('\u{00AD}', "an invisible character, U+00AD,"),
            ('\u{202E}', "an invisible character, U+202E,"),
            ('\u{2067}', "an invisible character, U+2067,"),
            ('\u{FE0F}', "an invisible character, U+FE0F,"),
            ('\u{E0041}', "an invisible character, U+E0041,"),
            ('\u{0301}', "a combining mark, U+0301,"),
            ('\u{20DD}', "a combining mark, U+20DD,"),
        ];
        for (c, name) in shown {
            assert_eq!(shown_char(c), name, "U+{:04X}", u32::from(c));
        }
    }
}
