//! Where notebooks are and what they are called: a person's folder `Users/<alias>/` in the
//! workspace's `workspaceworkingdirectory` (shared with every member, as in Azure), the kinds of
//! file the studio creates, names made unique the way Jupyter makes them, and path arithmetic.

use crate::arm::ArmError;
use crate::data::files::check_file_path;

/// A person's alias: their sign-in name before `@` (`ada` of `ada@contoso.com`), or, without
/// one, their display name with spaces as `.`.
pub fn alias(user_name: &str, display_name: &str) -> String {
    let from_user = user_name.split('@').next().unwrap_or_default().trim();
    let base = if from_user.is_empty() {
        display_name.trim().replace(char::is_whitespace, ".")
    } else {
        from_user.to_owned()
    };
    let clean: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '/' | '\\'))
        .collect();
    let clean = clean.trim_matches('.').to_owned();
    if clean.is_empty() {
        "me".to_owned()
    } else {
        clean
    }
}

/// A person's folder: `Users/<alias>/`.
pub fn home_folder(alias: &str) -> String {
    format!("Users/{alias}/")
}

/// A kind of file "New file" creates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// A Jupyter notebook (`.ipynb`).
    Notebook,
    /// A Python script (`.py`).
    Python,
    /// Markdown (`.md`).
    Markdown,
    /// Plain text (`.txt`).
    Text,
}

impl FileKind {
    /// Every kind, in the order the dialog offers them.
    pub const ALL: [FileKind; 4] = [
        FileKind::Notebook,
        FileKind::Python,
        FileKind::Markdown,
        FileKind::Text,
    ];

    /// Its extension, with the point.
    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Notebook => ".ipynb",
            FileKind::Python => ".py",
            FileKind::Markdown => ".md",
            FileKind::Text => ".txt",
        }
    }

    /// What the dialog calls it.
    pub fn label(self) -> &'static str {
        match self {
            FileKind::Notebook => "Notebook",
            FileKind::Python => "Python",
            FileKind::Markdown => "Markdown",
            FileKind::Text => "Text",
        }
    }

    /// The name a new file of this kind starts as (`Untitled.ipynb`).
    pub fn default_name(self) -> String {
        format!("Untitled{}", self.extension())
    }

    /// `name` with this kind's extension (added when it has none of its own).
    pub fn named(self, name: &str) -> String {
        let name = name.trim();
        let has_extension = name
            .rsplit_once('.')
            .is_some_and(|(stem, ext)| !stem.is_empty() && !ext.is_empty());
        if has_extension {
            name.to_owned()
        } else {
            format!("{name}{}", self.extension())
        }
    }
}

/// Whether a path is a notebook (`.ipynb`).
pub fn is_notebook(path: &str) -> bool {
    path.to_ascii_lowercase().ends_with(".ipynb")
}

/// `name` split as Jupyter numbers it: `Untitled` and `.ipynb` of `Untitled.ipynb`.
fn stem_and_extension(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(dot) if dot > 0 => (&name[..dot], &name[dot..]),
        _ => (name, ""),
    }
}

fn taken_by(taken: &[String], name: &str) -> bool {
    taken.iter().any(|t| t.eq_ignore_ascii_case(name))
}

/// `wanted` if no name in `taken` is it (names compare without regard to case), otherwise the
/// first free `Untitled1.ipynb`, `Untitled2.ipynb`, … as Jupyter numbers new files.
pub fn unique_name(wanted: &str, taken: &[String]) -> String {
    if !taken_by(taken, wanted) {
        return wanted.to_owned();
    }
    let (stem, ext) = stem_and_extension(wanted);
    (1..)
        .map(|n| format!("{stem}{n}{ext}"))
        .find(|n| !taken_by(taken, n))
        .unwrap_or_default()
}

/// The name of a copy of `name` as Jupyter names one (`train-Copy1.ipynb`), free in `taken`;
/// `name` itself when it is free.
pub fn copy_name(name: &str, taken: &[String]) -> String {
    if !taken_by(taken, name) {
        return name.to_owned();
    }
    let (stem, ext) = stem_and_extension(name);
    (1..)
        .map(|n| format!("{stem}-Copy{n}{ext}"))
        .find(|n| !taken_by(taken, n))
        .unwrap_or_default()
}

/// Checks a file or folder name typed by a person: not empty, one name (no `/`), and a name
/// Azure Files keeps. Answers it trimmed.
pub fn check_name(name: &str) -> Result<String, ArmError> {
    let name = name.trim();
    let refuse = |m: &str| Err(ArmError::new("InvalidName", m));
    if name.is_empty() {
        return refuse("Enter a name.");
    }
    if name.contains(['/', '\\']) {
        return refuse("A name cannot contain '/' or '\\'. To put it in another folder, use Move.");
    }
    if name == "." || name == ".." {
        return refuse("'.' and '..' name folders already; choose another name.");
    }
    check_file_path(name)?;
    Ok(name.to_owned())
}

/// A folder path with one trailing `/` (empty for the top).
pub fn folder_prefix(folder: &str) -> String {
    let trimmed = folder.trim_matches('/');
    if trimmed.is_empty() {
        String::new()
    } else {
        format!("{trimmed}/")
    }
}

/// `name` inside `folder`.
pub fn join(folder: &str, name: &str) -> String {
    format!("{}{name}", folder_prefix(folder))
}

/// The folder a file or folder is in (`Users/ada/` of `Users/ada/x.ipynb` and of
/// `Users/ada/data/`).
pub fn parent(path: &str) -> String {
    let inner = path.trim_end_matches('/');
    match inner.rfind('/') {
        Some(i) => inner[..=i].to_owned(),
        None => String::new(),
    }
}

/// The last name of a path (`x.ipynb` of `Users/ada/x.ipynb`, `data` of `Users/ada/data/`).
pub fn file_name(path: &str) -> &str {
    let inner = path.trim_end_matches('/');
    inner.rsplit('/').next().unwrap_or(inner)
}

/// Checks where a file or folder would move to: a folder path typed by a person (`Users/ada/
/// archive`), not the item itself nor inside it. Answers the new path.
pub fn move_target(from: &str, folder: &str) -> Result<String, ArmError> {
    let folder = folder_prefix(folder.trim());
    check_file_path(&folder)?;
    let name = file_name(from);
    let is_folder = from.ends_with('/');
    let to = if is_folder {
        format!("{folder}{name}/")
    } else {
        format!("{folder}{name}")
    };
    if is_folder && folder.starts_with(from) {
        return Err(ArmError::new(
            "InvalidPath",
            format!("A folder cannot move into itself: choose a folder outside {from}."),
        ));
    }
    if to == from {
        return Err(ArmError::new(
            "InvalidPath",
            format!("{name} is in {folder} already; choose another folder."),
        ));
    }
    Ok(to)
}
