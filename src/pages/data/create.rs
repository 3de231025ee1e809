//! The "Create data asset" wizard, in the studio's steps: Data type (name, description, File /
//! Folder / Table), Data source (local files, a datastore path, or a URI), where the data is
//! (the upload's destination and files, or the path or URI), for a Table from local files its
//! Settings and Schema (`table_steps.rs`), then Review. Files go up first,
//! each with its progress and Cancel; the version is created only once all of them are stored,
//! so a failed or cancelled upload leaves no asset pointing at a half folder. The same wizard
//! opens over another page (the AutoML wizard's "+ Create"), for a Table, and tells that page
//! what it created ([`DataWizardHost`]).

use super::sources::{
    has_mltable, sample_path, table_files_of, top_folder_of, upload_folder, upload_picked,
    upload_sample, upload_text, SAMPLE_STORE,
};
use super::table_steps::{schema_step, settings_step, TableForm};
use super::{format_bytes, type_label};
use crate::components::{
    guard_close, picked_files, prop_view, radio_card, Appearance, Button, Dialog, DiscardPrompt,
    Picked, TextField, WizardSteps,
};
use crate::router::leave_to;
use crate::store::{use_store, Upload};
use azimuth_core::data::asset::DataVersionProperties;
use azimuth_core::data::mltable::{write_mltable, MLTABLE_FILE};
use azimuth_core::data::samples::SAMPLES;
use azimuth_core::data::uri::datastore_uri;
use azimuth_core::data::{asset_name_error, DataVersionResource};
use azimuth_core::workspace::roles::Action;
use leptos::prelude::*;

const STEPS: [&str; 4] = ["Data type", "Data source", "Location", "Review"];
/// A Table from local files also says how its text is read and which columns it has.
const TABLE_STEPS: [&str; 6] = [
    "Data type",
    "Data source",
    "Location",
    "Settings",
    "Schema",
    "Review",
];

/// Where the data comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    Local,
    Datastore,
    Uri,
    Sample,
}

/// The page a wizard opened over it tells what happened (from the context, see
/// [`create_table_dialog`]): the asset and version created, or that it was closed without one.
#[derive(Clone, Copy)]
pub struct DataWizardHost {
    /// The data asset created: its name and version (the page closes the wizard).
    pub created: Callback<(String, String)>,
    /// Cancelled or discarded: the page closes the wizard.
    pub closed: Callback<()>,
}

crate::lazy_page! {
    /// The wizard, in a chunk of its own.
    pub(crate) create_data_wizard in create_data => |_| view! { <CreateDataWizard /> }.into_any()
}

crate::lazy_page! {
    /// The wizard for a Table over another page, which provides its [`DataWizardHost`].
    pub(crate) create_table_dialog in create_data => |_| {
        let host = expect_context::<DataWizardHost>();
        view! { <CreateDataWizard host /> }.into_any()
    }
}

/// The wizard dialog, at `/data/create`, or over the page that is its `host`.
#[component]
pub fn CreateDataWizard(
    /// The page it was opened over, for a Table (none: the Data page's own, at `/data/create`).
    #[prop(optional)]
    host: Option<DataWizardHost>,
) -> impl IntoView {
    let store = use_store();
    let tables_only = host.is_some();
    let step = RwSignal::new(0usize);
    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let kind = RwSignal::new(if tables_only { "mltable" } else { "uri_file" });
    let source = RwSignal::new(Source::Local);
    let datastore = RwSignal::new("workspaceblobstore".to_owned());
    let folder = RwSignal::new(upload_folder(store.now()));
    let path = RwSignal::new(String::new());
    let uri = RwSignal::new(String::new());
    let files = RwSignal::new_local(Vec::<Picked>::new());
    let sample = RwSignal::new(SAMPLES[0].name);
    let uploads = RwSignal::new(Vec::<(String, Upload)>::new());
    let creating = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let tried = RwSignal::new(false);
    let table = TableForm::new();
    let table_local = Memo::new(move |_| kind.get() == "mltable" && source.get() == Source::Local);
    let steps = move || -> &'static [&'static str] {
        if table_local.get() {
            &TABLE_STEPS
        } else {
            &STEPS
        }
    };
    // The picked folder's top folder, whether it brings its own MLTable file, and the files a
    // made MLTable file reads.
    let top_folder = move || files.with(|f| top_folder_of(f));
    let own_mltable = Memo::new(move |_| files.with(|f| has_mltable(f)));
    let table_files = move || files.with(|f| table_files_of(f));
    let unsaved = Signal::derive(move || {
        !name.get().is_empty()
            || !files.with(Vec::is_empty)
            || !uri.get().is_empty()
            || !path.get().is_empty()
    });
    let guard = guard_close(
        unsaved,
        Callback::new(move |_| match host {
            Some(host) => host.closed.run(()),
            None => leave_to("/data"),
        }),
    );
    // An existing asset gets its next version; a new one version 1.
    let existing = Memo::new(move |_| {
        let wanted = name.get();
        store.workspace.with(|w| {
            w.data_container(wanted.trim()).map(|c| {
                (
                    c.properties.data_type.clone(),
                    c.properties
                        .next_version
                        .clone()
                        .unwrap_or_else(|| "1".into()),
                )
            })
        })
    });
    let version = move || existing.get().map_or_else(|| "1".to_owned(), |(_, v)| v);
    let reachable = Memo::new(move |_| {
        store.workspace.with(|w| {
            w.datastores
                .iter()
                .filter(|d| w.datastore_root(&d.resource.name).is_ok())
                .map(|d| d.resource.name.clone())
                .collect::<Vec<_>>()
        })
    });
    let name_error = Signal::derive(move || {
        let wanted = name.get();
        let wanted = wanted.trim();
        if wanted.is_empty() {
            return tried
                .get()
                .then(|| "Enter a name for the data asset.".to_owned());
        }
        asset_name_error(wanted, "name").or_else(|| {
            existing.get().filter(|(t, _)| t != kind.get()).map(|(t, _)| format!("{wanted} is a {}; its versions keep that type. Choose {} or give this data a name of its own.", type_label(&t), type_label(&t)))
        })
    });
    // The URI the version will point at, or what is missing.
    let target = Signal::derive(move || -> Result<String, String> {
        match source.get() {
            Source::Local => {
                let count = files.with(Vec::len);
                if count == 0 {
                    return Err("Choose the file or folder to upload.".into());
                }
                let base = folder.get().trim().trim_matches('/').to_owned();
                let dest = if base.is_empty() {
                    String::new()
                } else {
                    format!("{base}/")
                };
                // A folder's files keep their folder: the asset is that folder.
                let folder = || datastore_uri(&datastore.get(), &format!("{dest}{}", top_folder()));
                match kind.get() {
                    "uri_file" if count > 1 => Err(
                        "A File (uri_file) data asset is one file; choose one, or the type Folder."
                            .into(),
                    ),
                    "uri_file" => Ok(datastore_uri(
                        &datastore.get(),
                        &format!("{dest}{}", files.with(|f| f[0].relative.clone())),
                    )),
                    "mltable" if !own_mltable.get() => {
                        table.error().map_or_else(|| Ok(folder()), Err)
                    }
                    _ => Ok(folder()),
                }
            }
            Source::Datastore => match path.get().trim() {
                "" => Err("Enter the path in the datastore.".into()),
                p => Ok(datastore_uri(&datastore.get(), p)),
            },
            Source::Uri => match uri.get().trim() {
                "" => Err("Enter the URI of the data.".into()),
                u => Ok(u.to_owned()),
            },
            Source::Sample => Ok(datastore_uri(
                SAMPLE_STORE,
                &sample_path(sample.get(), kind.get() == "uri_file"),
            )),
        }
    });
    // The engine's verdict on where the version points, before anything is sent.
    let target_error = Signal::derive(move || match target.get() {
        Err(e) => Some(e),
        Ok(u) => store.workspace.with(|w| {
            w.check_data_uri(kind.get(), &u)
                .err()
                .map(|e| e.message().to_owned())
        }),
    });
    let problems = Signal::derive(move || {
        [name_error.get(), target_error.get()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
    });
    let input = NodeRef::<leptos::html::Input>::new();
    let on_pick = move |_| {
        if let Some(el) = input.get() {
            let picked = picked_files(&el);
            files.set(picked);
            match table_files().into_iter().next() {
                Some((_, file)) if !own_mltable.get_untracked() => table.load(file),
                _ => table.clear(),
            }
        }
    };
    let create = move |_| {
        tried.set(true);
        if let Some(first) = problems.get_untracked().first() {
            failure.set(Some(first.clone()));
            return;
        }
        let Ok(data_uri) = target.get_untracked() else {
            return;
        };
        failure.set(None);
        creating.set(true);
        let (asset, ver) = (name.get_untracked().trim().to_owned(), version());
        let body = DataVersionResource {
            properties: DataVersionProperties {
                data_type: kind.get_untracked().into(),
                data_uri,
                description: Some(description.get_untracked().trim().to_owned())
                    .filter(|d| !d.is_empty()),
                ..DataVersionProperties::default()
            },
            ..DataVersionResource::default()
        };
        leptos::task::spawn_local(async move {
            let stored = async {
                match source.get_untracked() {
                    Source::Sample => {
                        upload_sample(store, sample.get_untracked(), kind.get_untracked()).await
                    }
                    Source::Local => {
                        let base = folder.get_untracked().trim().trim_matches('/').to_owned();
                        let datastore = datastore.get_untracked();
                        upload_picked(store, &datastore, &base, &files.get_untracked(), uploads)
                            .await?;
                        if !table_local.get_untracked() || own_mltable.get_untracked() {
                            return Ok(());
                        }
                        let names = table_files().into_iter().map(|(n, _)| n).collect();
                        let text = write_mltable(&table.spec(names));
                        let at = [base.as_str(), &top_folder(), MLTABLE_FILE]
                            .iter()
                            .filter(|p| !p.is_empty())
                            .map(|p| p.trim_end_matches('/'))
                            .collect::<Vec<_>>()
                            .join("/");
                        upload_text(store, &datastore, &at, &text).await
                    }
                    Source::Datastore | Source::Uri => Ok(()),
                }
            };
            if let Err(e) = stored.await {
                failure.set(Some(format!("{} No data asset was created.", e.message())));
                creating.set(false);
                return;
            }
            let created = store.create_data_version(&asset, &ver, body).await;
            creating.set(false);
            match (created, host) {
                (Ok(()), Some(host)) => host.created.run((asset, ver)),
                (Ok(()), None) => guard.leave.run(()),
                (Err(e), _) => failure.set(Some(e.message().to_owned())),
            }
        });
    };
    let cancel_uploads =
        move |_| uploads.with_untracked(|u| u.iter().for_each(|(_, p)| p.cancel()));
    let datastore_select = move || {
        view! {
            <div class="field">
                <label class="field__label" for="data-datastore">"Datastore"</label>
                <select id="data-datastore" on:change=move |ev| datastore.set(event_target_value(&ev)) prop:value=move || datastore.get()>
                    {move || reachable.get().into_iter().map(|d| view! { <option value=d.clone()>{d.clone()}</option> }).collect_view()}
                </select>
            </div>
        }
    };
    let type_step = move || {
        view! {
            <TextField label="Name" id="data-name" value=name required=true error=name_error hint="Letters, digits, '-', '_' and '.'. An existing asset's name adds a version to it." />
            <p class="muted" aria-live="polite">{move || existing.get().map(|(_, v)| format!("{} exists: this creates its version {v}.", name.get().trim()))}</p>
            <TextField label="Description" id="data-description" value=description multiline=true />
            <fieldset class="radio-group">
                <legend>"Type"</legend>
                {(!tables_only).then(|| view! {
                    {radio_card("data-type", move || kind.get() == "uri_file", move || kind.set("uri_file"), "File (uri_file)", "One file, such as a CSV")}
                    {radio_card("data-type", move || kind.get() == "uri_folder", move || kind.set("uri_folder"), "Folder (uri_folder)", "A folder of files, such as images")}
                })}
                {radio_card("data-type", move || kind.get() == "mltable", move || kind.set("mltable"), "Table (mltable)", "A folder with an MLTable file that says how to read its rows; automated ML reads tables")}
            </fieldset>
            {tables_only.then(|| view! { <p class="muted">"Automated ML trains on a Table; a File or a Folder is created from the Data page."</p> })}
        }
    };
    let source_step = move || {
        view! {
            <fieldset class="radio-group">
                <legend>"Data source"</legend>
                {radio_card("data-source", move || source.get() == Source::Local, move || source.set(Source::Local), "From local files", "Upload a file or a folder from this computer")}
                {radio_card("data-source", move || source.get() == Source::Datastore, move || source.set(Source::Datastore), "From a datastore path", "Data already in one of the workspace's datastores")}
                {radio_card("data-source", move || source.get() == Source::Uri, move || source.set(Source::Uri), "From a URI", "An https:// address, or an azureml:// path")}
            {radio_card("data-source", move || source.get() == Source::Sample, move || {
                    source.set(Source::Sample);
                    if name.get_untracked().trim().is_empty() {
                        name.set(sample.get_untracked().to_owned());
                    }
                }, "Sample data", "A small table made for labs, put in workspaceblobstore")}
            </fieldset>
            <Show when=move || kind.get() == "mltable">
                <p class="muted">"A table is a folder holding an MLTable file (paths and how to read them). Upload a folder of CSV, TSV or JSON lines files and the next steps write that file; a folder that has one keeps its own."</p>
            </Show>
        }
    };
    let location_step = move || {
        match source.get() {
        Source::Local => view! {
            {datastore_select}
            <TextField label="Folder in the datastore" id="data-folder" value=folder hint="Where the upload goes; Azure's studio uses UI/<date>_<time>_UTC/." />
            <label class="field">
                <span class="field__label">{move || if kind.get() == "uri_file" { "File to upload" } else { "Folder to upload" }}</span>
                {move || {
                    let folder_mode = kind.get() != "uri_file";
                    view! { <input node_ref=input type="file" prop:webkitdirectory=folder_mode multiple=folder_mode on:change=on_pick /> }
                }}
            </label>
            <p class="muted">{move || {
                let (count, bytes) = files.with(|f| (f.len(), f.iter().map(|p| p.file.size() as u64).sum::<u64>()));
                (count > 0).then(|| format!("{count} file{} chosen, {}.", if count == 1 { "" } else { "s" }, format_bytes(bytes)))
            }}</p>
        }.into_any(),
        Source::Datastore => view! {
            {datastore_select}
            <TextField label="Path" id="data-path" value=path hint=if kind.get_untracked() == "uri_file" { "The file's path in the datastore, e.g. data/titanic.csv." } else { "The folder's path, e.g. images/ or tables/diabetes/." } />
        }.into_any(),
        Source::Uri => view! {
            <TextField label="URI" id="data-uri" value=uri placeholder="https://azuremlexamples.blob.core.windows.net/datasets/iris.csv" hint="Azimuth keeps the address; it cannot read web data from here." />
        }.into_any(),
        Source::Sample => view! {
            <fieldset class="radio-group">
                <legend>"Sample data set"</legend>
                {SAMPLES.map(|s| radio_card("data-sample", move || sample.get() == s.name, move || { sample.set(s.name); if name.get_untracked().trim().is_empty() { name.set(s.name.to_owned()); } }, s.title, s.task))}
            </fieldset>
            <p class="muted">{move || format!("Made by Azimuth from a fixed seed (the same rows everywhere); {} is the column to predict. A Table also gets its MLTable file.", SAMPLES.iter().find(|s| s.name == sample.get()).map_or("", |s| s.label))}</p>
        }.into_any(),
    }
    };
    let review_step = move || {
        view! {
            <dl class="props">
                {prop_view("Name", move || name.get())}
                {prop_view("Version", version)}
                {prop_view("Type", move || type_label(kind.get()))}
                {prop_view("Description", move || description.get())}
                {prop_view("URI", view! { <code>{move || target.get().unwrap_or_else(|e| e)}</code> })}
            </dl>
            <ul class="uploads" aria-label="Uploads">
                {move || uploads.get().into_iter().map(|(file, p)| view! {
                    <li class="upload">
                        <span class="upload__name">{file.clone()}</span>
                        <progress max="100" aria-label=format!("Uploading {file}") prop:value=move || { let t = p.total.get(); if t > 0.0 { (p.sent.get() / t * 100.0) as u32 } else { 0 } }></progress>
                    </li>
                }).collect_view()}
            </ul>
        }
    };
    let title = move || steps()[step.get().min(steps().len() - 1)];
    let panel = move || match title() {
        "Data type" => type_step().into_any(),
        "Data source" => source_step().into_any(),
        "Location" => location_step().into_any(),
        "Settings" => settings_step(table, own_mltable.get()).into_any(),
        "Schema" => schema_step(table, own_mltable.get()).into_any(),
        _ => review_step().into_any(),
    };
    let step_errors = move |i: usize| {
        tried.get()
            && match steps().get(i).copied() {
                Some("Data type") => name_error.with(Option::is_some),
                Some("Location") => target_error.with(Option::is_some) && !table_local.get(),
                Some("Settings") => target_error.with(Option::is_some),
                _ => false,
            }
    };
    view! {
        <Dialog title="Create data asset" class="dialog--wizard" on_close=guard.request keep_on_outside_click=true>
            <div class="wizard">
                {move || view! { <WizardSteps titles=steps() current=step select=Callback::new(move |i| step.set(i)) has_errors=Callback::new(step_errors) prefix="data-wizard" /> }}
                <div class="wizard__panel" role="tabpanel" id="data-wizard-panel" aria-label=title>
                    <h3 class="wizard__panel-title">{title}</h3>
                    {panel}
                </div>
            </div>
            <Show when=move || failure.with(Option::is_some)>
                <div class="message-bar message-bar--error" role="alert">{move || failure.get().unwrap_or_default()}</div>
            </Show>
            <div class="dialog__actions wizard__footer">
                <Show when=move || { step.get() + 1 >= steps().len() } fallback=move || view! { <Button appearance=Appearance::Primary on_click=move |_| step.update(|s| *s += 1)>"Next"</Button> }>
                    <Button appearance=Appearance::Primary blocked=Signal::derive(move || store.refusal(Action::WriteData)) disabled=creating on_click=create>"Create"</Button>
                </Show>
                <Show when=move || { step.get() > 0 }>
                    <Button on_click=move |_| step.update(|s| *s -= 1)>"Back"</Button>
                </Show>
                <Show when=move || creating.get() && source.get() == Source::Local fallback=move || view! { <Button on_click=move |_| guard.request.run(())>"Cancel"</Button> }>
                    <Button on_click=cancel_uploads>"Cancel upload"</Button>
                </Show>
            </div>
            <DiscardPrompt guard title="Discard the new data asset?" />
        </Dialog>
    }
}
