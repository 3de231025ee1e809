//! The `MLTable` file of a Table (`mltable`) data asset: where its rows are (`paths`) and how to
//! read them (`transformations`), as Azure ML's `mltable` package reads it. Explore and Profile
//! apply it: the delimiter, the header, the encoding, the columns kept or dropped, rows skipped
//! and taken. It is also written here, from the Create wizard's Settings and Schema steps.

use super::encoding::{decode, ENCODINGS};
use super::files::Listing;
use super::preview::{Format, Table};
use super::profile::Profile;
use crate::yaml_in::{parse, Field, YamlError};

/// The name the file must have, in the asset's folder.
pub const MLTABLE_FILE: &str = "MLTable";

/// One entry of `paths`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TablePath {
    /// `file: ./data.csv`.
    File(String),
    /// `folder: ./data` (every file in it).
    Folder(String),
    /// `pattern: ./data/*.csv`.
    Pattern(String),
}

/// How the rows are stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Storage {
    /// Delimited text or JSON lines, which the studio reads.
    Text(Format),
    /// Parquet.
    Parquet,
}

/// A step that keeps some of the rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowStep {
    /// `skip: n`: the first n rows left out.
    Skip(usize),
    /// `take: n`: only the first n rows kept.
    Take(usize),
}

/// An `MLTable` file, read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MlTable {
    /// Where the rows are, relative to the file's folder (or full URIs).
    pub paths: Vec<TablePath>,
    /// How they are stored.
    pub storage: Storage,
    /// `read_delimited`'s or `read_json_lines`' encoding (`utf8` unless told).
    pub encoding: String,
    /// `keep_columns`: only these, in this order.
    pub keep_columns: Option<Vec<String>>,
    /// `drop_columns`.
    pub drop_columns: Vec<String>,
    /// `skip` and `take` steps, in the file's order.
    pub rows: Vec<RowStep>,
    /// Transformations read but not applied by the studio (named in what it shows).
    pub not_applied: Vec<String>,
}

/// Reads an `MLTable` file, or says which line is wrong.
pub fn read_mltable(text: &str) -> Result<MlTable, YamlError> {
    let root = parse(text)?;
    let doc = Field::root(&root).map()?;
    doc.only(
        "$schema type paths transformations traits metadata",
        "an MLTable file",
    )?;
    let paths = doc
        .required("paths")?
        .items(false)?
        .into_iter()
        .map(|item| {
            let item = item.map()?;
            item.only("file folder pattern", "a path")?;
            let read = |key: &str| item.opt(key, |f| f.string());
            match (read("file")?, read("folder")?, read("pattern")?) {
                (Some(f), None, None) => Ok(TablePath::File(f)),
                (None, Some(f), None) => Ok(TablePath::Folder(f)),
                (None, None, Some(p)) => Ok(TablePath::Pattern(p)),
                _ => Err(item.fail("a path is one of file, folder or pattern")),
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut table = MlTable {
        paths,
        storage: Storage::Text(Format::Delimited {
            delimiter: b',',
            header: true,
        }),
        encoding: "utf8".into(),
        keep_columns: None,
        drop_columns: Vec::new(),
        rows: Vec::new(),
        not_applied: Vec::new(),
    };
    let steps = match doc.get("transformations") {
        Some(list) => list.items(false)?,
        None => Vec::new(),
    };
    for step in steps {
        let (name, value) = match step.scalar() {
            Some((name, _)) => (name.to_owned(), None),
            None => {
                let step = step.clone().map()?;
                let mut entries = step.entries();
                let Some((name, value)) = entries.next() else {
                    return Err(step.fail("a transformation names what it does"));
                };
                (name.to_owned(), Some(value))
            }
        };
        apply(&mut table, &name, value.as_ref(), &step)?;
    }
    Ok(table)
}

/// Reads one transformation into `table`.
fn apply(
    table: &mut MlTable,
    name: &str,
    value: Option<&Field>,
    step: &Field,
) -> Result<(), YamlError> {
    let columns = |f: &Field| -> Result<Vec<String>, YamlError> {
        f.items(true)?.iter().map(Field::string).collect()
    };
    match (name, value) {
        ("read_delimited", settings) => {
            let (mut delimiter, mut header) = (b',', true);
            if let Some(s) = settings.filter(|s| s.scalar().is_none()) {
                let s = s.clone().map()?;
                if let Some(d) = s.opt("delimiter", Field::string)? {
                    let [byte] = d.as_bytes() else {
                        return Err(s.fail("the delimiter is one character"));
                    };
                    delimiter = *byte;
                }
                if let Some(h) = s.opt("header", |f| {
                    f.choice(&[
                        ("all_files_same_headers", "same"),
                        ("from_first_file", "first"),
                        ("all_files_different_headers", "each"),
                        ("no_header", "none"),
                    ])
                })? {
                    header = h != "none";
                }
                read_encoding(table, &s)?;
            }
            table.storage = Storage::Text(Format::Delimited { delimiter, header });
        }
        ("read_json_lines", settings) => {
            if let Some(s) = settings.filter(|s| s.scalar().is_none()) {
                read_encoding(table, &s.clone().map()?)?;
            }
            table.storage = Storage::Text(Format::JsonLines);
        }
        ("read_parquet", _) => table.storage = Storage::Parquet,
        ("keep_columns", Some(v)) => table.keep_columns = Some(columns(v)?),
        ("drop_columns", Some(v)) => table.drop_columns = columns(v)?,
        ("skip", Some(v)) => table
            .rows
            .push(RowStep::Skip(v.whole(0..=u64::MAX)? as usize)),
        ("take", Some(v)) => table
            .rows
            .push(RowStep::Take(v.whole(0..=u64::MAX)? as usize)),
        ("skip" | "take" | "keep_columns" | "drop_columns", None) => {
            return Err(step.fail(format!("{name} needs a value, e.g. \"- {name}: ...\"")));
        }
        (
            "take_random_sample"
            | "filter"
            | "convert_column_types"
            | "extract_columns_from_partition_format",
            _,
        ) => table.not_applied.push(name.to_owned()),
        (other, _) => {
            return Err(step.fail(format!("unknown transformation \"{other}\"; MLTable knows read_delimited, read_json_lines, read_parquet, keep_columns, drop_columns, skip, take, filter, convert_column_types, take_random_sample")));
        }
    }
    Ok(())
}

fn read_encoding(table: &mut MlTable, settings: &Field) -> Result<(), YamlError> {
    if let Some(encoding) = settings.opt("encoding", Field::string)? {
        if !ENCODINGS.split(' ').any(|e| e == encoding) {
            return Err(settings.fail(format!(
                "unknown encoding \"{encoding}\"; one of {}",
                ENCODINGS.replace(' ', ", ")
            )));
        }
        table.encoding = encoding;
    }
    Ok(())
}

/// Whether a relative path has a `..` part (or a Windows separator): it could leave the
/// table's folder.
fn escapes(path: &str) -> bool {
    path.contains('\\') || path.split('/').any(|part| part == "..")
}

impl MlTable {
    /// The first file holding the table's rows (by name), as a datastore path, for an MLTable
    /// file in `folder` (ending in `/`); `listing` is the content of the folder a `folder` or
    /// `pattern` path reads (`folder` + [`MlTable::listed_folder`]).
    pub fn first_file(&self, folder: &str, listing: Option<&Listing>) -> Result<String, String> {
        let Some(first) = self.paths.first() else {
            return Err("The MLTable file lists no paths.".into());
        };
        let relative = |p: &str| -> Result<String, String> {
            let p = p.strip_prefix("./").unwrap_or(p);
            if p.contains("://") || p.starts_with('/') || escapes(p) {
                return Err(format!("This table reads {p}, outside its folder; Explore and Profile read files beside the MLTable file."));
            }
            Ok(p.to_owned())
        };
        let in_listing = |sub: &str, matches: &dyn Fn(&str) -> bool| -> Result<String, String> {
            let files = listing.map(|l| l.files.as_slice()).unwrap_or_default();
            let mut names: Vec<&str> = files
                .iter()
                .map(|f| f.name.as_str())
                .filter(|n| *n != MLTABLE_FILE && matches(n))
                .collect();
            names.sort_unstable();
            names
                .first()
                .map(|n| format!("{folder}{sub}{n}"))
                .ok_or_else(|| format!("No file in {folder}{sub} matches the table's paths."))
        };
        let sub = self.listed_folder().unwrap_or_default();
        match first {
            TablePath::File(f) => Ok(format!("{folder}{}", relative(f)?)),
            TablePath::Folder(f) => {
                relative(f)?;
                in_listing(&sub, &|_| true)
            }
            TablePath::Pattern(p) => {
                let p = relative(p)?;
                let (folder_part, name) = p.rsplit_once('/').unwrap_or(("", &p));
                if folder_part.contains(['*', '?']) {
                    return Err(format!("This table's pattern {p} matches folders too; Explore and Profile read a pattern within one folder, such as ./data/*.csv."));
                }
                let name = name.to_owned();
                in_listing(&sub, &move |n| glob(name.as_bytes(), n.as_bytes()))
            }
        }
    }

    /// The folder (relative to the MLTable file's) whose files a `folder` or `pattern` path
    /// reads, when the first path is one (`None` too when it would leave the table's folder).
    pub fn listed_folder(&self) -> Option<String> {
        let folder = |p: &str| {
            let p = p.strip_prefix("./").unwrap_or(p).trim_end_matches('/');
            match p {
                "" | "." => String::new(),
                p => format!("{p}/"),
            }
        };
        let found = match self.paths.first()? {
            TablePath::File(_) => None,
            TablePath::Folder(f) => Some(folder(f)),
            TablePath::Pattern(p) => {
                let p = p.strip_prefix("./").unwrap_or(p);
                Some(
                    p.rsplit_once('/')
                        .map(|(f, _)| folder(f))
                        .unwrap_or_default(),
                )
            }
        };
        found.filter(|f| !f.starts_with('/') && !escapes(f))
    }

    /// The start of a file as UTF-8, decoded from the table's encoding, or why it cannot be.
    pub fn decode<'b>(&self, bytes: &'b [u8]) -> Result<std::borrow::Cow<'b, [u8]>, String> {
        decode(&self.encoding, bytes)
    }

    /// What the studio could not apply, for a note.
    fn unapplied_note(&self) -> Option<String> {
        (!self.not_applied.is_empty()).then(|| {
            format!(
                "Shown without the table's {} step{}.",
                self.not_applied.join(", "),
                if self.not_applied.len() == 1 { "" } else { "s" }
            )
        })
    }

    /// Rows the `skip` steps leave out at most (Explore reads that many more).
    pub fn rows_skipped(&self) -> usize {
        self.rows
            .iter()
            .map(|s| match s {
                RowStep::Skip(n) => *n,
                RowStep::Take(_) => 0,
            })
            .fold(0, usize::saturating_add)
    }

    /// The columns kept, as indexes into `names`: `keep_columns` in its order, without the
    /// dropped ones.
    fn kept(&self, names: &[String]) -> Vec<usize> {
        let dropped = |n: &String| self.drop_columns.contains(n);
        match &self.keep_columns {
            Some(keep) => keep
                .iter()
                .filter_map(|k| names.iter().position(|n| n == k))
                .filter(|&i| !dropped(&names[i]))
                .collect(),
            None => (0..names.len()).filter(|&i| !dropped(&names[i])).collect(),
        }
    }

    /// `table`, the first rows of the file, as the MLTable shapes them: rows skipped and
    /// taken in the file's order, columns kept and dropped.
    pub fn shape_rows(&self, mut table: Table) -> Table {
        let kept = self.kept(&table.columns);
        let mut past_what_was_read = false;
        for step in &self.rows {
            match *step {
                RowStep::Skip(n) => {
                    past_what_was_read |= table.more && n >= table.rows.len();
                    table.rows.drain(..n.min(table.rows.len()));
                }
                RowStep::Take(n) if table.rows.len() >= n => {
                    table.rows.truncate(n);
                    table.more = false;
                }
                RowStep::Take(_) => {}
            }
        }
        table.columns = kept.iter().map(|&i| table.columns[i].clone()).collect();
        for row in &mut table.rows {
            *row = kept.iter().map(|&i| row[i].clone()).collect();
        }
        let skipped = past_what_was_read.then(|| {
            "The table skips more rows than the start of the file Explore reads holds, so none are shown here; the rows after them are there when a job reads the table.".to_owned()
        });
        table.note = join_notes(join_notes(table.note, skipped), self.unapplied_note());
        table
    }

    /// `profile` of the file, with the columns the MLTable keeps (rows skipped or taken are
    /// still counted, and the note says so).
    pub fn shape_profile(&self, mut profile: Profile) -> Profile {
        let names: Vec<String> = profile.columns.iter().map(|c| c.name.clone()).collect();
        let kept = self.kept(&names);
        let mut columns: Vec<_> = profile.columns.into_iter().map(Some).collect();
        profile.columns = kept.iter().filter_map(|&i| columns[i].take()).collect();
        let mut unapplied = self.not_applied.clone();
        for step in &self.rows {
            let name = match step {
                RowStep::Skip(_) => "skip",
                RowStep::Take(_) => "take",
            };
            if !unapplied.iter().any(|u| u == name) {
                unapplied.push(name.into());
            }
        }
        let note = (!unapplied.is_empty()).then(|| {
            format!(
                "The profile covers every row of the file, without the table's {} step{}.",
                unapplied.join(", "),
                if unapplied.len() == 1 { "" } else { "s" }
            )
        });
        profile.note = join_notes(profile.note, note);
        profile
    }
}

fn join_notes(a: Option<String>, b: Option<String>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) => Some(format!("{a} {b}")),
        (a, b) => a.or(b),
    }
}

/// Whether `name` matches `pattern`, where `*` is any run of characters and `?` one; linear
/// in both, whatever the pattern (the last `*` is backtracked to, never more).
fn glob(pattern: &[u8], name: &[u8]) -> bool {
    let (mut p, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, n));
                p += 1;
            }
            Some(c) if *c == b'?' || *c == name[n] => {
                p += 1;
                n += 1;
            }
            _ => match star {
                Some((sp, sn)) => {
                    p = sp + 1;
                    n = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p.min(pattern.len())..].iter().all(|c| *c == b'*')
}

/// What the Create wizard's Settings and Schema steps decided about a table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TableSpec {
    /// Its files, beside the MLTable file.
    pub files: Vec<String>,
    /// How they are read.
    pub format: Option<Format>,
    /// Their encoding (`utf8`, `latin1`, ...).
    pub encoding: String,
    /// Rows left out at the start.
    pub skip: usize,
    /// Columns left out.
    pub dropped: Vec<String>,
    /// Columns read as another type than the one found: (column, `int` | `float` |
    /// `boolean` | `datetime` | `string`).
    pub types: Vec<(String, String)>,
}

/// The MLTable file of `spec`.
pub fn write_mltable(spec: &TableSpec) -> String {
    use crate::yaml_out::quote;
    let mut text = String::from("$schema: https://azuremlschemas.azureedge.net/latest/MLTable.schema.json\ntype: mltable\npaths:\n");
    for file in &spec.files {
        text.push_str(&format!("  - file: {}\n", quote(&format!("./{file}"))));
    }
    text.push_str("transformations:\n");
    let encoding = if spec.encoding.is_empty() {
        "utf8"
    } else {
        &spec.encoding
    };
    match spec.format.unwrap_or(Format::Delimited {
        delimiter: b',',
        header: true,
    }) {
        Format::Delimited { delimiter, header } => {
            let delimiter = match delimiter {
                b'\t' => "\"\\t\"".to_owned(),
                d => format!("'{}'", char::from(d)),
            };
            let header = if header {
                "all_files_same_headers"
            } else {
                "no_header"
            };
            text.push_str(&format!("  - read_delimited:\n      delimiter: {delimiter}\n      encoding: {encoding}\n      header: {header}\n"));
        }
        Format::JsonLines => {
            text.push_str(&format!(
                "  - read_json_lines:\n      encoding: {encoding}\n"
            ));
        }
    }
    if spec.skip > 0 {
        text.push_str(&format!("  - skip: {}\n", spec.skip));
    }
    if !spec.dropped.is_empty() {
        text.push_str("  - drop_columns:\n");
        for column in &spec.dropped {
            text.push_str(&format!("      - {}\n", quote(column)));
        }
    }
    if !spec.types.is_empty() {
        text.push_str("  - convert_column_types:\n");
        for (column, to) in &spec.types {
            text.push_str(&format!(
                "      - columns: {}\n        column_type: {to}\n",
                quote(column)
            ));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::files::FileEntry;
    use crate::data::preview::preview;
    use crate::data::samples::mltable_for_csv;

    #[test]
    fn the_samples_table_reads_its_csv_beside_it() {
        let t = read_mltable(&mltable_for_csv("diabetes.csv")).unwrap();
        assert_eq!(t.paths, [TablePath::File("./diabetes.csv".into())]);
        assert_eq!(
            t.storage,
            Storage::Text(Format::Delimited {
                delimiter: b',',
                header: true
            })
        );
        assert_eq!(
            t.first_file("samples/diabetes/", None).unwrap(),
            "samples/diabetes/diabetes.csv"
        );
    }

    #[test]
    fn settings_and_columns_shape_what_is_shown() {
        let text = "type: mltable\npaths:\n  - pattern: ./parts/*.tsv\ntransformations:\n  - read_delimited:\n      delimiter: \"\\t\"\n      header: no_header\n      encoding: latin1\n  - drop_columns: Column2\n  - skip: 1\n  - take: 1\n  - filter: col('Column1') > 0\n";
        let t = read_mltable(text).unwrap();
        let Storage::Text(format) = t.storage else {
            panic!()
        };
        assert_eq!(
            format,
            Format::Delimited {
                delimiter: b'\t',
                header: false
            }
        );
        assert_eq!(
            (t.rows.as_slice(), t.encoding.as_str()),
            ([RowStep::Skip(1), RowStep::Take(1)].as_slice(), "latin1")
        );
        assert_eq!(t.listed_folder().as_deref(), Some("parts/"));
        let listing = Listing {
            folders: vec![],
            files: ["b.tsv", "a.csv", "a.tsv", "MLTable"]
                .iter()
                .map(|n| FileEntry {
                    name: (*n).into(),
                    size: 1,
                    last_modified: String::new(),
                })
                .collect(),
        };
        assert_eq!(t.first_file("d/", Some(&listing)).unwrap(), "d/parts/a.tsv");
        let latin = t.decode(b"1\tx\ta\n2\ty\t\xe9\n3\tz\tc\n").unwrap();
        let rows = preview(&latin, true, format, 100).unwrap();
        let shaped = t.shape_rows(rows);
        assert_eq!(shaped.columns, ["Column1", "Column3"]);
        assert_eq!(shaped.rows, [vec!["2", "é"]]);
        assert!(shaped.note.unwrap().contains("filter"));
    }

    #[test]
    fn steps_apply_in_order_and_patterns_match_in_linear_time() {
        let t = read_mltable("paths: [{file: a.csv}]\ntransformations:\n  - take: 3\n  - skip: 1\n  - keep_columns: [c, a]\n").unwrap();
        let rows = preview(b"a,b,c\n1,2,3\n4,5,6\n7,8,9\n10,11,12\n", true, CSV, 100).unwrap();
        let shaped = t.shape_rows(rows);
        assert_eq!(shaped.columns, ["c", "a"]);
        assert_eq!(shaped.rows, [vec!["6", "4"], vec!["9", "7"]]);
        // A skip past the rows read says so instead of showing an empty table as the table.
        let t = read_mltable("paths: [{file: a.csv}]\ntransformations: [{skip: 500}]\n").unwrap();
        let cut = preview(b"a\n1\n2\n3\n", false, CSV, 100).unwrap();
        assert!(t.shape_rows(cut).note.unwrap().contains("skips more rows"));
        assert!(glob(b"*.csv", b"data.csv") && !glob(b"*.csv", b"data.csv.bak"));
        assert!(glob(b"d?ta*", b"data2024.csv") && glob(b"**", b""));
        let long_name = vec![b'a'; 200];
        let stars: Vec<u8> = std::iter::repeat_n(*b"*a", 50_000)
            .flatten()
            .chain(*b"b")
            .collect();
        assert!(
            !glob(&stars, &long_name),
            "no match, and no stack or time blow-up"
        );
        let t = read_mltable("paths: [{pattern: ./data/**/*.csv}]\n").unwrap();
        let e = t.first_file("d/", None).unwrap_err();
        assert!(e.contains("within one folder"), "{e}");
        // Nothing outside the table's folder is read, however the path is written.
        for escape in [
            "file: ../../secret.csv",
            "file: ./data/../../x.csv",
            "folder: ../up",
            "pattern: ../*.csv",
            "file: a\\..\\b.csv",
        ] {
            let t = read_mltable(&format!("paths: [{{{escape}}}]\n")).unwrap();
            assert!(
                t.first_file("d/", Some(&Listing::default())).is_err(),
                "{escape}"
            );
        }
        assert_eq!(
            read_mltable("paths: [{folder: ../up}]\n")
                .unwrap()
                .listed_folder(),
            None
        );
        let e = read_mltable("paths: [{file: a.csv}]\ntransformations: [skip]\n").unwrap_err();
        assert!(e.message.contains("skip needs a value"), "{e}");
    }

    const CSV: Format = Format::Delimited {
        delimiter: b',',
        header: true,
    };

    #[test]
    fn mistakes_name_their_line() {
        let e = read_mltable("paths:\n  - file: a.csv\ntransformations:\n  - read_csv: {}\n")
            .unwrap_err();
        assert_eq!(e.line, Some(4));
        assert!(e.message.contains("unknown transformation"), "{e}");
        let e = read_mltable("paths:\n  - file: a.csv\n    folder: b\n").unwrap_err();
        assert!(e.message.contains("one of file, folder or pattern"), "{e}");
        let e = read_mltable("type: mltable\n").unwrap_err();
        assert!(e.message.contains("paths is required"), "{e}");
        let e = read_mltable(
            "paths: [{file: a.csv}]\ntransformations:\n  - read_delimited: {delimiter: ';;'}\n",
        )
        .unwrap_err();
        assert!(e.message.contains("one character"), "{e}");
    }

    #[test]
    fn what_the_wizard_writes_reads_back() {
        let format = Format::Delimited {
            delimiter: b';',
            header: true,
        };
        let spec = TableSpec {
            files: vec!["my data.csv".into(), "2024.csv".into()],
            format: Some(format),
            encoding: "utf8".into(),
            skip: 2,
            dropped: vec!["Patient ID".into()],
            types: vec![("Age".into(), "float".into())],
        };
        let t = read_mltable(&write_mltable(&spec)).unwrap();
        assert_eq!(
            t.paths,
            [
                TablePath::File("./my data.csv".into()),
                TablePath::File("./2024.csv".into())
            ]
        );
        assert_eq!(
            (t.storage, t.rows.as_slice()),
            (Storage::Text(format), [RowStep::Skip(2)].as_slice())
        );
        assert_eq!(t.drop_columns, spec.dropped);
        assert_eq!(t.not_applied, ["convert_column_types"]);
        let tab = Format::Delimited {
            delimiter: b'\t',
            header: false,
        };
        let spec = TableSpec {
            files: vec!["x.tsv".into()],
            format: Some(tab),
            encoding: "latin1".into(),
            ..TableSpec::default()
        };
        let t = read_mltable(&write_mltable(&spec)).unwrap();
        assert_eq!(
            (t.storage, t.encoding.as_str()),
            (Storage::Text(tab), "latin1")
        );
        let spec = TableSpec {
            files: vec!["x.jsonl".into()],
            format: Some(Format::JsonLines),
            ..TableSpec::default()
        };
        let t = read_mltable(&write_mltable(&spec)).unwrap();
        assert_eq!(t.storage, Storage::Text(Format::JsonLines));
    }
}
