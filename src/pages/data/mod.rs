//! The Data page (Assets ▸ Data): its "Data assets" and "Datastores" tabs, a data asset's page,
//! a datastore's page with its files, and the Create data asset wizard.

mod asset;
mod assets;
mod create;
mod datastore;
mod datastores;
mod explore;
mod files;
mod import;
mod new_datastore;
mod profile;
mod sources;
mod table_steps;

pub use asset::DataAssetPage;
pub use assets::DataAssetsPage;
pub(crate) use create::create_table_dialog;
pub use create::DataWizardHost;
pub use datastore::DatastorePage;
pub use datastores::DatastoresPage;
pub use explore::first_table;
pub use import::DataImportPage;
pub use sources::upload_stamp;

use crate::components::tab_link;
use crate::router::use_location;
use leptos::prelude::*;

/// The Data page's tabs, each at its own address.
#[component]
fn DataTabs() -> impl IntoView {
    let path = use_location().path;
    view! {
        <nav class="tabs" aria-label="Data">
            {tab_link(path, "/data", "/data/create", "Data assets")}
            {tab_link(path, "/data/datastores", "/data/create/datastore", "Datastores")}
        </nav>
    }
}

/// A byte count as people read it: `512 B`, `1.4 KB`, `23.0 MB` (whole-number arithmetic:
/// float formatting stays out of the wasm).
pub fn format_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let (mut unit, mut scale) = (0, 1024u64);
    while unit + 1 < UNITS.len() && bytes >= scale * 1024 {
        scale *= 1024;
        unit += 1;
    }
    let tenths = bytes.saturating_mul(10) / scale;
    format!("{}.{} {}", tenths / 10, tenths % 10, UNITS[unit])
}

/// The type of a data asset as the studio names it: `File (uri_file)`.
pub fn type_label(data_type: &str) -> String {
    let word = match data_type {
        "uri_file" => "File",
        "uri_folder" => "Folder",
        "mltable" => "Table",
        other => return other.to_owned(),
    };
    format!("{word} ({data_type})")
}
