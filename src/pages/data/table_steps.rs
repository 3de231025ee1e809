//! The Create wizard's Settings and Schema steps for a Table made from local files: how its
//! text is read (format, delimiter, encoding, header, data rows to skip) with a preview of the
//! first rows as set, and per column whether it is kept and as which type. They become the
//! table's `MLTable` file. A folder that brings its own `MLTable` file is used as written.

use azimuth_core::data::encoding::decode;
use azimuth_core::data::mltable::TableSpec;
use azimuth_core::data::preview::{preview, Format, Table, PREVIEW_BYTES};
use azimuth_core::data::profile::{profile_table, ColumnType, Profile};
use leptos::prelude::*;

/// Rows the Settings step shows.
const SHOWN_ROWS: usize = 10;
/// Rows the Schema step finds the columns' types from, at most (of those in the first 256 KB;
/// the steps read them again on each change of a setting, so they are kept few).
const TYPED_ROWS: usize = 2_000;

/// The types a column can be read as: label, and MLTable's `column_type`.
const TYPES: [(ColumnType, &str, &str); 5] = [
    (ColumnType::Text, "String", "string"),
    (ColumnType::Integer, "Integer", "int"),
    (ColumnType::Decimal, "Decimal", "float"),
    (ColumnType::Boolean, "Boolean", "boolean"),
    (ColumnType::Date, "Date", "datetime"),
];

/// The start of the table's first data file: its name, its first bytes and whether that is all
/// of it; or why it could not be read.
type Sample = Result<(String, Vec<u8>, bool), String>;

/// One column of the Schema step.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct ColumnChoice {
    name: String,
    found: ColumnType,
    include: bool,
    /// MLTable's `column_type` to read it as, or "" for the type found.
    read_as: &'static str,
}

/// The Settings and Schema steps' choices; cheap to copy into closures.
#[derive(Clone, Copy)]
pub(super) struct TableForm {
    json_lines: RwSignal<bool>,
    delimiter: RwSignal<u8>,
    header: RwSignal<bool>,
    encoding: RwSignal<String>,
    skip: RwSignal<String>,
    /// The data file's name and the start of it (and whether that is all of it).
    sample: RwSignal<Option<Sample>>,
    columns: RwSignal<Vec<ColumnChoice>>,
}

impl TableForm {
    /// Settings as a CSV with a header row, nothing read yet.
    pub fn new() -> Self {
        TableForm {
            json_lines: RwSignal::new(false),
            delimiter: RwSignal::new(b','),
            header: RwSignal::new(true),
            encoding: RwSignal::new("utf8".into()),
            skip: RwSignal::new("0".into()),
            sample: RwSignal::new(None),
            columns: RwSignal::new(Vec::new()),
        }
    }

    /// Reads the start of the table's first data file, and takes its layout from its name.
    pub fn load(&self, file: web_sys::File) {
        let this = *self;
        let name = file.name();
        match Format::guess(&name) {
            Some(Format::JsonLines) => this.json_lines.set(true),
            Some(Format::Delimited { delimiter, .. }) => {
                this.json_lines.set(false);
                this.delimiter.set(delimiter);
            }
            None => {}
        }
        this.columns.set(Vec::new());
        leptos::task::spawn_local(async move {
            let read = crate::store::read_local_start(&file, PREVIEW_BYTES).await;
            this.sample
                .set(Some(read.map(|(bytes, whole)| (name, bytes, whole))));
        });
    }

    /// Forgets the data file (none picked, or the folder has its own MLTable file).
    pub fn clear(&self) {
        self.sample.set(None);
        self.columns.set(Vec::new());
    }

    fn format(&self) -> Format {
        match self.json_lines.get() {
            true => Format::JsonLines,
            false => Format::Delimited {
                delimiter: self.delimiter.get(),
                header: self.header.get(),
            },
        }
    }

    /// Data rows to skip, or why the entry is not one.
    fn skip_rows(&self) -> Result<usize, String> {
        let text = self.skip.get();
        match text.trim() {
            "" => Ok(0),
            t => t
                .parse::<usize>()
                .ok()
                .filter(|n| *n <= 1_000_000)
                .ok_or_else(|| {
                    format!("Rows to skip is a whole number from 0 to 1,000,000, not '{t}'.")
                }),
        }
    }

    /// The first rows as set, and the profile of the start of the file.
    fn read(&self) -> Option<Result<(Table, Profile), String>> {
        let format = self.format();
        let skip = self.skip_rows();
        let encoding = self.encoding.get();
        self.sample.with(|sample| {
            let (_, bytes, whole) = match sample.as_ref()? {
                Err(e) => return Some(Err(e.clone())),
                Ok(s) => s,
            };
            let result = (|| {
                let skip = skip?;
                let text = decode(&encoding, bytes)?;
                // The types are found from the rows the table keeps, as many as were read
                // (a cut row at the end is never among them).
                let mut table = preview(&text, *whole, format, TYPED_ROWS + skip)?;
                table.rows.drain(..skip.min(table.rows.len()));
                let profile = profile_table(&table);
                table.rows.truncate(SHOWN_ROWS);
                Ok((table, profile))
            })();
            Some(result)
        })
    }

    /// The columns of the Schema step, kept as chosen where a column is still there.
    fn sync_columns(&self) {
        let Some(Ok((_, profile))) = self.read() else {
            return;
        };
        let before = self.columns.get_untracked();
        let next: Vec<ColumnChoice> = profile
            .columns
            .iter()
            .map(|c| {
                before
                    .iter()
                    .find(|b| b.name == c.name)
                    .cloned()
                    .unwrap_or(ColumnChoice {
                        name: c.name.clone(),
                        found: c.column_type,
                        include: true,
                        read_as: "",
                    })
            })
            .collect();
        if next != before {
            self.columns.set(next);
        }
    }

    /// What is wrong with the settings, if anything.
    pub fn error(&self) -> Option<String> {
        match self.read() {
            None => Some(
                "Choose a folder holding a CSV, TSV or JSON lines file (or an MLTable file)."
                    .into(),
            ),
            Some(Err(e)) => Some(e),
            Some(Ok((table, _))) if table.columns.is_empty() => {
                Some("The file has no columns to read as set.".into())
            }
            Some(Ok(_)) => self
                .columns
                .with(|c| !c.is_empty() && c.iter().all(|c| !c.include))
                .then(|| "Include at least one column.".into()),
        }
    }

    /// The table's MLTable file, reading `files` (beside it).
    pub fn spec(&self, files: Vec<String>) -> TableSpec {
        self.sync_columns();
        let columns = self.columns.get_untracked();
        TableSpec {
            files,
            format: Some(self.format()),
            encoding: self.encoding.get_untracked(),
            skip: self.skip_rows().unwrap_or(0),
            dropped: columns
                .iter()
                .filter(|c| !c.include)
                .map(|c| c.name.clone())
                .collect(),
            types: columns
                .iter()
                .filter(|c| c.include && !c.read_as.is_empty())
                .map(|c| (c.name.clone(), c.read_as.to_owned()))
                .collect(),
        }
    }
}

fn select<T: Clone + PartialEq + Send + Sync + 'static>(
    id: &'static str,
    label: &'static str,
    value: RwSignal<T>,
    options: Vec<(T, &'static str)>,
) -> impl IntoView {
    let current = {
        let options = options.clone();
        move || {
            let v = value.get();
            options
                .iter()
                .position(|(o, _)| *o == v)
                .unwrap_or(0)
                .to_string()
        }
    };
    let chosen = options.clone();
    view! {
        <div class="field">
            <label class="field__label" for=id>{label}</label>
            <select id=id prop:value=current on:change=move |ev| {
                if let Some((v, _)) = event_target_value(&ev).parse::<usize>().ok().and_then(|i| chosen.get(i)) {
                    value.set(v.clone());
                }
            }>
                {options.iter().enumerate().map(|(i, (_, l))| view! { <option value=i.to_string()>{*l}</option> }).collect_view()}
            </select>
        </div>
    }
}

/// The Settings step: how the text is read, and the first rows as set.
pub(super) fn settings_step(form: TableForm, own_mltable: bool) -> impl IntoView {
    if own_mltable {
        return view! { <p class="muted">"The folder has its own MLTable file: the table is read as it says, and Explore shows its rows once created."</p> }.into_any();
    }
    let delimited = move || !form.json_lines.get();
    view! {
        <p class="muted">{move || form.sample.with(|s| match s {
            Some(Ok((name, ..))) => format!("Reading {name}: the first {} KB set how the table is read.", PREVIEW_BYTES / 1024),
            _ => String::new(),
        })}</p>
        <div class="form-grid">
            {select("table-format", "File format", form.json_lines, vec![(false, "Delimited"), (true, "JSON lines")])}
            <Show when=delimited>
                {select("table-delimiter", "Delimiter", form.delimiter, vec![(b',', "Comma"), (b';', "Semicolon"), (b'\t', "Tab"), (b'|', "Pipe"), (b' ', "Space")])}
                {select("table-header", "Column headers", form.header, vec![(true, "Use headers from the first file"), (false, "No headers")])}
            </Show>
            {select("table-encoding", "Encoding", form.encoding, vec![("utf8".to_owned(), "UTF-8"), ("latin1".to_owned(), "Latin-1 (ISO 8859-1)"), ("windows1252".to_owned(), "Windows-1252"), ("ascii".to_owned(), "ASCII")])}
            <div class="field">
                <label class="field__label" for="table-skip">"Data rows to skip"</label>
                <input id="table-skip" class="field__input" type="number" min="0" inputmode="numeric" prop:value=move || form.skip.get() on:input=move |ev| form.skip.set(event_target_value(&ev)) />
            </div>
        </div>
        {move || match form.read() {
            None => ().into_any(),
            Some(Err(e)) => view! { <div class="message-bar message-bar--warning" role="status">{e}</div> }.into_any(),
            Some(Ok((t, _))) => view! {
                <div class="table-wrap">
                    <table class="data-table data-table--preview" aria-label="Table preview">
                        <thead><tr>{t.columns.iter().map(|c| view! { <th scope="col">{c.clone()}</th> }).collect_view()}</tr></thead>
                        <tbody>{t.rows.iter().map(|r| view! { <tr>{r.iter().map(|c| view! { <td>{c.clone()}</td> }).collect_view()}</tr> }).collect_view()}</tbody>
                    </table>
                </div>
            }.into_any(),
        }}
    }
    .into_any()
}

/// The Schema step: per column, whether it is kept and as which type.
pub(super) fn schema_step(form: TableForm, own_mltable: bool) -> impl IntoView {
    if own_mltable {
        return view! { <p class="muted">"The folder's own MLTable file says which columns the table has."</p> }.into_any();
    }
    form.sync_columns();
    let row = move |i: usize, c: ColumnChoice| {
        let toggle = move |_| {
            form.columns
                .update(|cols| cols[i].include = !cols[i].include)
        };
        let found = c.found;
        let label = match found {
            ColumnType::Empty => "Empty".to_owned(),
            t => t.label().to_owned(),
        };
        let choose = move |ev: leptos::ev::Event| {
            let picked = event_target_value(&ev);
            let read_as = TYPES
                .iter()
                .find(|(t, _, code)| *code == picked && *t != found)
                .map_or("", |(_, _, code)| *code);
            form.columns.update(|cols| cols[i].read_as = read_as);
        };
        let shown = if c.read_as.is_empty() {
            TYPES
                .iter()
                .find(|(t, ..)| *t == found)
                .map_or("string", |(_, _, code)| *code)
        } else {
            c.read_as
        };
        view! {
            <tr>
                <td><input type="checkbox" prop:checked=c.include on:change=toggle aria-label=format!("Include {}", c.name) /></td>
                <th scope="row">{c.name.clone()}</th>
                <td>{label}</td>
                <td>
                    <select aria-label=format!("Type of {}", c.name) prop:value=shown on:change=choose>
                        {TYPES.iter().map(|(_, l, code)| view! { <option value=*code>{*l}</option> }).collect_view()}
                    </select>
                </td>
            </tr>
        }
    };
    view! {
        <p class="muted">"Types are found from the file's first rows; a column read as another type is converted when the table is read (convert_column_types)."</p>
        <div class="table-wrap">
            <table class="data-table" aria-label="Schema">
                <thead><tr><th scope="col">"Include"</th><th scope="col">"Column"</th><th scope="col">"Type found"</th><th scope="col">"Read as"</th></tr></thead>
                <tbody>{move || form.columns.get().into_iter().enumerate().map(|(i, c)| row(i, c)).collect_view()}</tbody>
            </table>
        </div>
    }
    .into_any()
}
