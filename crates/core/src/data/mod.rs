//! Data: the workspace's datastores (where files live, and how to reach them) and its data
//! assets (named, versioned references to files, folders and tables), with their ARM wire types,
//! rules and `azureml://` URIs.

pub mod asset;
mod columns;
pub mod credentials;
pub mod datastore;
pub mod encoding;
pub mod files;
pub mod folder;
pub mod mltable;
#[cfg(feature = "parquet")]
pub mod parquet;
pub mod preview;
pub mod profile;
pub mod samples;
pub mod uri;
pub mod yaml;
pub mod yaml_in;

pub use crate::arm::versioned::asset_name_error;
pub use asset::{DataContainerResource, DataVersionResource};
pub use datastore::{DatastoreResource, StoredDatastore};

/// Why a datastore name is refused, or `None`: letters, digits and underscores, 1 to 255
/// characters (names compare without regard to case).
pub fn datastore_name_error(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("Enter a datastore name.".into());
    }
    if name.len() > 255 {
        return Some("A datastore name can be at most 255 characters.".into());
    }
    name.chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
        .map(|c| {
            format!(
                "A datastore name can contain only letters, digits and underscores; {} is not allowed.",
                crate::arm::shown_char(c)
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(datastore_name_error("workspaceblobstore"), None);
        assert_eq!(datastore_name_error("My_Store_2"), None);
        assert!(datastore_name_error("my-store").unwrap().contains("'-'"));
        assert!(datastore_name_error("a b")
            .unwrap()
            .ends_with("; a space is not allowed."));
        assert!(datastore_name_error("a\u{200B}b")
            .unwrap()
            .ends_with("; an invisible character, U+200B, is not allowed."));
        assert!(asset_name_error("a\tb", "name").unwrap().contains("U+0009"));
        assert!(datastore_name_error("").is_some());
        assert_eq!(asset_name_error("titanic-v2.csv_x", "name"), None);
        assert!(asset_name_error(".hidden", "name").is_some());
        assert!(asset_name_error("x.", "name").is_some());
        assert!(asset_name_error("a/b", "name").unwrap().contains("'/'"));
        assert!(asset_name_error("../x", "version").is_some());
        assert!(asset_name_error(&"a".repeat(256), "name").is_some());
    }
}
