//! A data asset's Explore tab: the first rows of a CSV, TSV, JSON lines or Parquet file (Parquet
//! read by the server), or of a Table read as its `MLTable` file says (delimiter, header,
//! encoding, columns kept or dropped, rows skipped and taken), or a folder's files. Only the
//! start of a text file is read. Also where the Profile tab learns which file to read and how.

use super::asset::in_datastore;
use super::format_bytes;
use crate::store::{use_store, Part, Store};
use azimuth_core::data::mltable::{read_mltable, MlTable, Storage, MLTABLE_FILE};
use azimuth_core::data::preview::{preview, Format, Table, PREVIEW_BYTES, PREVIEW_ROWS};
use azimuth_core::data::DataVersionResource;
use leptos::prelude::*;

const OUTSIDE: &str = "This data is outside the workspace's datastores (a web address or a job's output); Azimuth keeps its URI but cannot read it from here.";

/// Where a version's rows are and how to read them.
pub struct TableSource {
    /// The datastore holding the file.
    pub datastore: String,
    /// The file's path in it.
    pub path: String,
    /// How its rows are stored: text laid out as a [`Format`], or Parquet.
    pub storage: Storage,
    /// The Table's `MLTable` file, which shapes what is shown.
    pub mltable: Option<MlTable>,
}

/// The file holding a File or Table version's rows, or why the studio cannot read it as a
/// table.
pub async fn table_source(
    store: Store,
    version: &DataVersionResource,
) -> Result<TableSource, String> {
    let (datastore, path) = in_datastore(version).ok_or_else(|| OUTSIDE.to_owned())?;
    let not_tabular = |path: &str| {
        format!("Explore and Profile read CSV, TSV, JSON lines and Parquet files; {path} is none of them. Download it from the datastore to look at it.")
    };
    match version.properties.data_type.as_str() {
        "uri_file" => {
            let storage = match Format::guess(&path) {
                Some(format) => Storage::Text(format),
                None if path.to_ascii_lowercase().ends_with(".parquet") => Storage::Parquet,
                None => return Err(not_tabular(&path)),
            };
            Ok(TableSource { datastore, path, storage, mltable: None })
        }
        "mltable" => {
            let folder = match path.as_str() {
                "" => String::new(),
                p if p.ends_with('/') => p.to_owned(),
                p => format!("{p}/"),
            };
            let file = format!("{folder}{MLTABLE_FILE}");
            let (bytes, _) = store
                .read_file(&datastore, &file, PREVIEW_BYTES, Part::Start)
                .await
                .map_err(|e| format!("This table's {MLTABLE_FILE} file could not be read: {}", e.message()))?;
            let text = String::from_utf8_lossy(&bytes);
            let mltable = read_mltable(&text)
                .map_err(|e| format!("This table's {MLTABLE_FILE} file is not valid: {e}."))?;
            let listing = match mltable.listed_folder() {
                None => None,
                Some(sub) => Some(
                    store
                        .list_files(&datastore, &format!("{folder}{sub}"))
                        .await
                        .map_err(|e| e.message().to_owned())?,
                ),
            };
            let path = mltable.first_file(&folder, listing.as_ref())?;
            Ok(TableSource { datastore, path, storage: mltable.storage, mltable: Some(mltable) })
        }
        other => Err(format!("Explore and Profile read the rows of File and Table assets; this version is a {other}.")),
    }
}

/// What Explore shows.
#[derive(Clone)]
enum Shown {
    /// The rows, and the file they come from when an MLTable chose it.
    Rows(Table, Option<String>),
    Files(Vec<(String, u64)>),
    Message(String),
}

/// The first rows of a File or Table asset's version, shaped as its MLTable says (the
/// AutoML wizard reads its columns from them).
pub async fn first_table(store: Store, version: &DataVersionResource) -> Result<Table, String> {
    match first_rows(store, version).await? {
        Shown::Rows(table, _) => Ok(table),
        Shown::Files(_) | Shown::Message(_) => Err("This data asset is not a table.".into()),
    }
}

/// The first rows of a table.
async fn first_rows(store: Store, version: &DataVersionResource) -> Result<Shown, String> {
    let source = table_source(store, version).await?;
    let message = |e: azimuth_core::ArmError| e.message().to_owned();
    let table = match source.storage {
        Storage::Parquet => store
            .parquet_preview(&source.datastore, &source.path)
            .await
            .map_err(message)?,
        Storage::Text(format) => {
            let (bytes, whole) = store
                .read_file(&source.datastore, &source.path, PREVIEW_BYTES, Part::Start)
                .await
                .map_err(message)?;
            let Some(mltable) = &source.mltable else {
                return Ok(Shown::Rows(
                    preview(&bytes, whole, format, PREVIEW_ROWS)?,
                    None,
                ));
            };
            let text = mltable.decode(&bytes)?;
            let rows = PREVIEW_ROWS + mltable.rows_skipped().min(PREVIEW_ROWS * 10);
            preview(&text, whole, format, rows)?
        }
    };
    Ok(match source.mltable {
        Some(mltable) => Shown::Rows(mltable.shape_rows(table), Some(source.path)),
        None => Shown::Rows(table, None),
    })
}

/// The Explore tab: the first rows of a table, or a folder's files.
#[component]
pub fn Explore(version: DataVersionResource) -> impl IntoView {
    let store = use_store();
    let shown = RwSignal::new(None::<Shown>);
    leptos::task::spawn_local(async move {
        let answer = match (
            in_datastore(&version),
            version.properties.data_type.as_str(),
        ) {
            (Some((ds, path)), "uri_folder") => match store.list_files(&ds, &path).await {
                Err(e) => Shown::Message(e.message().to_owned()),
                Ok(listing) => Shown::Files(
                    listing
                        .folders
                        .into_iter()
                        .map(|f| (format!("{f}/"), 0))
                        .chain(listing.files.into_iter().map(|f| (f.name, f.size)))
                        .collect(),
                ),
            },
            _ => first_rows(store, &version)
                .await
                .unwrap_or_else(Shown::Message),
        };
        shown.set(Some(answer));
    });
    move || {
        match shown.get() {
        None => view! { <p class="muted">"Reading…"</p> }.into_any(),
        Some(Shown::Message(m)) => view! { <div class="message-bar message-bar--warning" role="status">{m}</div> }.into_any(),
        Some(Shown::Files(files)) => view! {
            <div class="table-wrap">
                <table class="data-table" aria-label="Files in the folder">
                    <thead><tr><th scope="col">"Name"</th><th scope="col">"Size"</th></tr></thead>
                    <tbody>{files.into_iter().map(|(n, size)| view! { <tr><td>{n.clone()}</td><td class="data-table__number">{(!n.ends_with('/')).then(|| format_bytes(size))}</td></tr> }).collect_view()}</tbody>
                </table>
            </div>
        }.into_any(),
        Some(Shown::Rows(t, from)) => {
            let count = match t.more {
                true => format!("The first {} rows", t.rows.len()),
                false => format!("All {} rows", t.rows.len()),
            };
            let summary = match from {
                Some(path) => format!("{count} of {path}, read as the table's {MLTABLE_FILE} file says."),
                None => format!("{count}."),
            };
            view! {
                <p class="muted">{summary}</p>
                {t.note.clone().map(|n| view! { <div class="message-bar message-bar--warning" role="status">{n}</div> })}
                <div class="table-wrap">
                    <table class="data-table data-table--preview" aria-label="Preview">
                        <thead><tr>{t.columns.iter().map(|c| view! { <th scope="col">{c.clone()}</th> }).collect_view()}</tr></thead>
                        <tbody>{t.rows.iter().map(|r| view! { <tr>{r.iter().map(|c| view! { <td>{c.clone()}</td> }).collect_view()}</tr> }).collect_view()}</tbody>
                    </table>
                </div>
            }.into_any()
        }
    }
    }
}
