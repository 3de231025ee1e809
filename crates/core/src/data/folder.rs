//! The profile of a Folder (`uri_folder`) data asset, such as a folder of images sorted into
//! one sub-folder per class: how many files it holds and how big they are, by sub-folder and by
//! type. Made from the listings of the folder and of each of its sub-folders (one level down).

use super::files::Listing;
use crate::arm::json_de::FromValue;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Files and bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromValue)]
pub struct Tally {
    /// How many files.
    pub files: u64,
    /// Their bytes.
    pub bytes: u64,
}

impl Tally {
    fn add(&mut self, bytes: u64) {
        self.files += 1;
        self.bytes += bytes;
    }
}

/// A folder's profile.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct FolderProfile {
    /// Every file counted.
    pub total: Tally,
    /// Files directly in the folder (`""`) and in each sub-folder (`name/`), by name.
    pub by_folder: Vec<(String, Tally)>,
    /// Files by extension (lower case, `""` for none), most files first.
    pub by_type: Vec<(String, Tally)>,
    /// Sub-folders whose own sub-folders were not counted (deeper than one level).
    pub deeper: Vec<String>,
}

/// The profile of a folder from its `top` listing and its sub-folders' (`name/`, listing).
pub fn folder_profile(top: &Listing, below: &[(String, Listing)]) -> FolderProfile {
    let mut profile = FolderProfile::default();
    let mut types: BTreeMap<String, Tally> = BTreeMap::new();
    let mut count = |folder: &str, listing: &Listing, profile: &mut FolderProfile| {
        let mut tally = Tally::default();
        for file in &listing.files {
            tally.add(file.size);
            profile.total.add(file.size);
            let extension = match file.name.rsplit_once('.') {
                Some((stem, ext)) if !stem.is_empty() => ext.to_ascii_lowercase(),
                _ => String::new(),
            };
            types.entry(extension).or_default().add(file.size);
        }
        if tally.files > 0 || !folder.is_empty() {
            profile.by_folder.push((folder.to_owned(), tally));
        }
        if !folder.is_empty() && !listing.folders.is_empty() {
            profile.deeper.push(folder.to_owned());
        }
    };
    count("", top, &mut profile);
    for (name, listing) in below {
        count(name, listing, &mut profile);
    }
    let mut by_type: Vec<_> = types.into_iter().collect();
    by_type.sort_by(|a, b| b.1.files.cmp(&a.1.files).then_with(|| a.0.cmp(&b.0)));
    profile.by_type = by_type;
    profile
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::files::FileEntry;

    fn listing(folders: &[&str], files: &[(&str, u64)]) -> Listing {
        Listing {
            folders: folders.iter().map(|f| (*f).to_owned()).collect(),
            files: files
                .iter()
                .map(|(n, s)| FileEntry {
                    name: (*n).to_owned(),
                    size: *s,
                    last_modified: String::new(),
                })
                .collect(),
        }
    }

    #[test]
    fn images_sorted_by_class_are_counted_by_folder_and_type() {
        let top = listing(&["cats", "dogs"], &[("labels.csv", 10)]);
        let cats = listing(&[], &[("a.JPG", 100), ("b.jpg", 300)]);
        let dogs = listing(&["more"], &[("c.png", 50), (".hidden", 1)]);
        let p = folder_profile(&top, &[("cats/".into(), cats), ("dogs/".into(), dogs)]);
        assert_eq!(
            p.total,
            Tally {
                files: 5,
                bytes: 461
            }
        );
        assert_eq!(
            p.by_folder[0],
            (
                String::new(),
                Tally {
                    files: 1,
                    bytes: 10
                }
            )
        );
        assert_eq!(
            p.by_folder[1],
            (
                "cats/".into(),
                Tally {
                    files: 2,
                    bytes: 400
                }
            )
        );
        assert_eq!(
            p.by_type[0],
            (
                "jpg".into(),
                Tally {
                    files: 2,
                    bytes: 400
                }
            )
        );
        assert!(
            p.by_type.iter().any(|(t, _)| t.is_empty()),
            "a name without extension"
        );
        assert_eq!(p.deeper, ["dogs/"]);
    }
}
