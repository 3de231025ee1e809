//! The URIs a data asset may point at, as azure-ai-ml and the CLI write them: a datastore path
//! (`azureml://datastores/{ds}/paths/{path}`, or its long form naming the workspace), another
//! data asset (`azureml:{name}:{version}`, `azureml:{name}@latest`), a job's output, or storage
//! on the web (`https://`, `wasbs://`, `abfss://`). Paths are checked for the tricks that would
//! leave the datastore: `..`, NUL and control characters.

/// A data URI, taken apart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DataUri {
    /// A path in a datastore of this workspace (or of the workspace the long form names).
    Datastore {
        /// The workspace named by the long form, as (subscription, resource group, workspace).
        workspace: Option<(String, String, String)>,
        /// The datastore's name.
        datastore: String,
        /// The path inside it, without a leading `/` (a folder's may end with `/`).
        path: String,
    },
    /// Another data asset: a version, or a label such as `latest`.
    Asset {
        /// The asset's name.
        name: String,
        /// `Version(v)` or `Label(l)`.
        pick: Pick,
    },
    /// A job's output: `azureml://jobs/{job}/outputs/{output}/paths/{path}`.
    JobOutput {
        /// The job's name.
        job: String,
        /// The output's name.
        output: String,
        /// The path inside it.
        path: String,
    },
    /// Storage outside Azimuth: `https://`, `http://`, `wasbs://`, `wasb://`, `abfss://`, `adl://`.
    External(String),
}

/// Which version of an asset a reference picks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pick {
    /// One version.
    Version(String),
    /// A label (`latest`).
    Label(String),
}

/// Schemes of storage outside Azimuth that a data asset may point at.
const EXTERNAL: [&str; 6] = [
    "https://", "http://", "wasbs://", "wasb://", "abfss://", "adl://",
];

/// Checks a path inside a datastore or an output: no `.` or `..` segment, no NUL or control
/// character, no backslash, at most 1,024 characters.
pub fn check_path(path: &str) -> Result<(), String> {
    if path.len() > 1024 {
        return Err("A path can be at most 1,024 characters.".into());
    }
    if let Some(c) = path.chars().find(|c| c.is_control()) {
        return Err(format!(
            "A path cannot contain control characters such as {}.",
            c.escape_unicode()
        ));
    }
    if path.contains('\\') {
        return Err("Paths use '/' between folders, not '\\'.".into());
    }
    if path.split('/').any(|s| s == ".." || s == ".") {
        return Err(format!(
            "The path '{path}' has a '.' or '..' folder; name each folder on the way instead."
        ));
    }
    Ok(())
}

fn invalid(text: &str, why: &str) -> String {
    format!("'{text}' is not a data URI Azure Machine Learning reads: {why}. Use azureml://datastores/<datastore>/paths/<path>, azureml:<name>:<version>, azureml:<name>@latest or an https:// address.")
}

/// Takes a data URI apart, or says why it cannot be read.
pub fn parse_data_uri(text: &str) -> Result<DataUri, String> {
    let text = text.trim();
    if let Some(rest) = text.strip_prefix("azureml://") {
        return parse_azureml(text, rest);
    }
    // What azure-ai-ml sends once it has resolved `azureml:<name>:<version>`: the version's ARM id.
    if let Some(rest) = text
        .strip_prefix('/')
        .filter(|r| r.starts_with("subscriptions/"))
    {
        return parse_arm_id(text, rest);
    }
    if let Some(rest) = text.strip_prefix("azureml:") {
        let rest = rest.trim_start_matches('/');
        if rest.starts_with("subscriptions/") {
            return parse_arm_id(text, rest);
        }
        let (name, pick) = match (rest.split_once('@'), rest.split_once(':')) {
            (Some((name, label)), _) => (name, Pick::Label(label.to_owned())),
            (None, Some((name, version))) => (name, Pick::Version(version.to_owned())),
            (None, None) => {
                return Err(invalid(
                    text,
                    "it names no version (add :<version> or @latest)",
                ))
            }
        };
        if let Some(e) = super::asset_name_error(name, "name") {
            return Err(invalid(text, &e));
        }
        match &pick {
            Pick::Label(l) if l != "latest" => {
                return Err(invalid(text, "the only label is @latest"))
            }
            Pick::Version(v) => {
                if let Some(e) = super::asset_name_error(v, "version") {
                    return Err(invalid(text, &e));
                }
            }
            Pick::Label(_) => {}
        }
        return Ok(DataUri::Asset {
            name: name.to_owned(),
            pick,
        });
    }
    if EXTERNAL
        .iter()
        .any(|s| text.to_ascii_lowercase().starts_with(s))
    {
        let host = text.split_once("://").map_or("", |(_, r)| r);
        if host.is_empty() || host.starts_with('/') {
            return Err(invalid(text, "it names no host"));
        }
        return Ok(DataUri::External(text.to_owned()));
    }
    Err(invalid(text, "its scheme is not one of them"))
}

/// `azureml://datastores/...`, its long form, and `azureml://jobs/...`.
fn parse_azureml(text: &str, rest: &str) -> Result<DataUri, String> {
    let parts: Vec<&str> = rest.splitn(9, '/').collect();
    let path_after = |marker_at: usize| -> Result<String, String> {
        let path = parts
            .get(marker_at + 1..)
            .map(|p| p.join("/"))
            .unwrap_or_default();
        let path = path.trim_start_matches('/').to_owned();
        check_path(&path).map_err(|e| invalid(text, &e))?;
        Ok(path)
    };
    match parts.as_slice() {
        ["datastores", ds, "paths", ..] => {
            let datastore = checked_datastore(text, ds)?;
            let rest = rest.splitn(4, '/').nth(3).unwrap_or_default();
            let path = rest.trim_start_matches('/').to_owned();
            check_path(&path).map_err(|e| invalid(text, &e))?;
            Ok(DataUri::Datastore {
                workspace: None,
                datastore,
                path,
            })
        }
        ["subscriptions", sub, group_word, rg, "workspaces", ws, "datastores", ds, _]
            if group_word.eq_ignore_ascii_case("resourcegroups") =>
        {
            let datastore = checked_datastore(text, ds)?;
            let tail = parts[8];
            let Some(path) = tail
                .strip_prefix("paths/")
                .or((tail == "paths").then_some(""))
            else {
                return Err(invalid(text, "the datastore is not followed by /paths/"));
            };
            let path = path.trim_start_matches('/').to_owned();
            check_path(&path).map_err(|e| invalid(text, &e))?;
            Ok(DataUri::Datastore {
                workspace: Some(((*sub).into(), (*rg).into(), (*ws).into())),
                datastore,
                path,
            })
        }
        ["jobs", job, "outputs", output, "paths", ..] => Ok(DataUri::JobOutput {
            job: (*job).to_owned(),
            output: (*output).to_owned(),
            path: path_after(4)?,
        }),
        _ => Err(invalid(
            text,
            "the part after azureml:// is not datastores/<name>/paths/<path>",
        )),
    }
}

/// `azureml:/subscriptions/.../workspaces/{ws}/data/{name}/versions/{v}`: an asset by ARM id.
fn parse_arm_id(text: &str, rest: &str) -> Result<DataUri, String> {
    let parts: Vec<&str> = rest.split('/').collect();
    match parts.as_slice() {
        [.., "data", name, "versions", version] => Ok(DataUri::Asset {
            name: (*name).to_owned(),
            pick: Pick::Version((*version).to_owned()),
        }),
        _ => Err(invalid(text, "the ARM id names no data asset version")),
    }
}

fn checked_datastore(text: &str, name: &str) -> Result<String, String> {
    match super::datastore_name_error(name) {
        Some(e) => Err(invalid(text, &e)),
        None => Ok(name.to_owned()),
    }
}

/// A datastore path's URI, in the short form.
pub fn datastore_uri(datastore: &str, path: &str) -> String {
    format!(
        "azureml://datastores/{datastore}/paths/{}",
        path.trim_start_matches('/')
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datastore_paths() {
        assert_eq!(
            parse_data_uri("azureml://datastores/workspaceblobstore/paths/data/titanic.csv"),
            Ok(DataUri::Datastore {
                workspace: None,
                datastore: "workspaceblobstore".into(),
                path: "data/titanic.csv".into()
            })
        );
        let long =
            "azureml://subscriptions/s/resourcegroups/rg/workspaces/ws/datastores/d/paths/a/b/";
        assert_eq!(
            parse_data_uri(long),
            Ok(DataUri::Datastore {
                workspace: Some(("s".into(), "rg".into(), "ws".into())),
                datastore: "d".into(),
                path: "a/b/".into()
            })
        );
        for bad in [
            "azureml://datastores/d/paths/../x",
            "azureml://datastores/d/paths/a/./b",
            "azureml://datastores/d/paths/a\u{0}b",
            "azureml://datastores/d-x/paths/a",
            "azureml://datastores/d/files/a",
            "ftp://host/x",
            "/etc/passwd",
            "https://",
        ] {
            assert!(parse_data_uri(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn assets_jobs_and_the_web() {
        assert_eq!(
            parse_data_uri("azureml:titanic:2"),
            Ok(DataUri::Asset {
                name: "titanic".into(),
                pick: Pick::Version("2".into())
            })
        );
        assert_eq!(
            parse_data_uri("azureml:titanic@latest"),
            Ok(DataUri::Asset {
                name: "titanic".into(),
                pick: Pick::Label("latest".into())
            })
        );
        assert!(parse_data_uri("azureml:titanic@newest").is_err());
        assert!(parse_data_uri("azureml:titanic").is_err());
        assert_eq!(
            parse_data_uri("azureml:/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w/data/t/versions/3"),
            Ok(DataUri::Asset {
                name: "t".into(),
                pick: Pick::Version("3".into())
            })
        );
        assert_eq!(
            parse_data_uri("/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w/data/t/versions/3"),
            Ok(DataUri::Asset {
                name: "t".into(),
                pick: Pick::Version("3".into())
            }),
            "as azure-ai-ml sends an input it resolved"
        );
        assert_eq!(
            parse_data_uri("azureml://jobs/job_1/outputs/model/paths/x.pkl"),
            Ok(DataUri::JobOutput {
                job: "job_1".into(),
                output: "model".into(),
                path: "x.pkl".into()
            })
        );
        assert!(matches!(
            parse_data_uri("https://example.com/data.csv"),
            Ok(DataUri::External(_))
        ));
        assert!(matches!(
            parse_data_uri("wasbs://data@acct.blob.core.windows.net/x.csv"),
            Ok(DataUri::External(_))
        ));
    }
}
