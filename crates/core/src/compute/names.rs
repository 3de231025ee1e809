//! Azure ML's rules for compute names.

use crate::arm::shown_char;

/// Why a compute name is refused; `Display` gives the message the studio shows under the field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NameError {
    /// Empty input.
    Empty,
    /// Fewer than 3 or more than 24 characters.
    Length(usize),
    /// Does not start with a letter.
    FirstNotLetter,
    /// Holds a character other than a letter, a digit or '-'.
    BadCharacter(char),
    /// Ends with digits after its last '-'.
    NoLetterAfterHyphen,
    /// Ends with '-'.
    EndsWithHyphen,
    /// Another compute of the workspace already has this name (the region's display name).
    Taken(String),
    /// A compute of another workspace in the same region has this name.
    TakenElsewhere(String),
}

impl std::fmt::Display for NameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Empty => write!(f, "Compute name is required."),
            Self::Length(n) => write!(
                f,
                "Compute name must be between 3 and 24 characters long (it has {n})."
            ),
            Self::FirstNotLetter => write!(
                f,
                "Compute name must start with a letter (a-z or A-Z)."
            ),
            Self::BadCharacter(c) if c.is_whitespace() && !c.is_control() => write!(
                f,
                "Compute name cannot contain spaces; use a hyphen ('-') instead."
            ),
            Self::BadCharacter(c) => write!(
                f,
                "Compute name can only contain letters (a-z, A-Z), digits and hyphens ('-'); {} is not allowed.",
                shown_char(*c)
            ),
            Self::NoLetterAfterHyphen => write!(
                f,
                "Numbers cannot be the ending of the name if the previous character is a minus symbol: put a letter after the last '-'."
            ),
            Self::EndsWithHyphen => write!(f, "Compute name cannot end with a hyphen ('-')."),
            Self::Taken(region) => write!(
                f,
                "This name is already used by another compute in {region}. Compute names must be unique within a region."
            ),
            Self::TakenElsewhere(region) => write!(
                f,
                "This name is already used by a compute of another workspace in {region}. Compute names must be unique within a region, across workspaces: pick another name, or use this one in a workspace of another region."
            ),
        }
    }
}

impl std::error::Error for NameError {}

/// Checks a compute name against Azure ML's rules (not uniqueness, which needs the workspace).
pub fn validate_compute_name(name: &str) -> Result<(), NameError> {
    if name.is_empty() {
        return Err(NameError::Empty);
    }
    let len = name.chars().count();
    if !(3..=24).contains(&len) {
        return Err(NameError::Length(len));
    }
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err(NameError::FirstNotLetter);
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
    {
        return Err(NameError::BadCharacter(bad));
    }
    if name.ends_with('-') {
        return Err(NameError::EndsWithHyphen);
    }
    if let Some(hyphen) = name.rfind('-') {
        if !name[hyphen..].chars().any(|c| c.is_ascii_alphabetic()) {
            return Err(NameError::NoLetterAfterHyphen);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_rules_table() {
        let cases: &[(&str, Result<(), NameError>)] = &[
            ("ci-a1b", Ok(())),
            ("Lab-VM2", Ok(())),
            ("abc", Ok(())),
            ("notebook123", Ok(())),
            ("a-b-c", Ok(())),
            ("x23456789012345678901234", Ok(())),
            ("cpu-cluster-1", Err(NameError::NoLetterAfterHyphen)),
            ("ci-", Err(NameError::EndsWithHyphen)),
            ("ada-ci-001", Err(NameError::NoLetterAfterHyphen)),
            ("ci-12", Err(NameError::NoLetterAfterHyphen)),
            ("", Err(NameError::Empty)),
            ("ab", Err(NameError::Length(2))),
            ("x234567890123456789012345", Err(NameError::Length(25))),
            ("1abc", Err(NameError::FirstNotLetter)),
            ("-abc", Err(NameError::FirstNotLetter)),
            ("ab_c", Err(NameError::BadCharacter('_'))),
            ("ab c", Err(NameError::BadCharacter(' '))),
            ("abé", Err(NameError::BadCharacter('é'))),
            ("<img>", Err(NameError::FirstNotLetter)),
        ];
        for (name, expected) in cases {
            assert_eq!(&validate_compute_name(name), expected, "{name:?}");
        }
    }

    #[test]
    fn messages_say_how_to_fix() {
        assert!(NameError::Length(2)
            .to_string()
            .contains("between 3 and 24"));
        assert!(NameError::NoLetterAfterHyphen
            .to_string()
            .contains("letter after the last '-'"));
        assert!(NameError::FirstNotLetter
            .to_string()
            .contains("(a-z or A-Z)"));
        assert!(NameError::BadCharacter('\u{200B}')
            .to_string()
            .contains("an invisible character, U+200B"));
        for space in [' ', '\u{00A0}', '\u{3000}'] {
            let message = NameError::BadCharacter(space).to_string();
            assert!(message.contains("cannot contain spaces"), "{message}");
            assert!(!message.contains("invisible"), "{message}");
        }
        assert!(NameError::BadCharacter('\t')
            .to_string()
            .contains("an invisible character, U+0009"));
        assert!(NameError::Taken("eastus".into())
            .to_string()
            .contains("unique within a region"));
    }
}
