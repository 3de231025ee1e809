//! Azimuth's Web Worker: work too long for the page's thread runs here, in a module of its own
//! built for speed (`opt-level = 3`, the `worker` profile) rather than size, fetched only when
//! first needed. `worker.js` beside this crate starts it and answers the page's messages.
//!
//! It profiles a tabular file the page hands it as a `Blob` (an OPFS file: posting it copies no
//! bytes), reading it a slice at a time so a 1 GB file needs no 1 GB of memory; and it trains
//! an AutoML job's sweep (`azimuth_core::jobs::automl::drive`, the server's very sweep), telling
//! the page what each step leaves as it goes.

use azimuth_core::arm::json::to_json;
use azimuth_core::data::encoding::decoding_reader;
use azimuth_core::data::mltable::read_mltable;
use azimuth_core::data::preview::{Format, Table};
use azimuth_core::data::profile;
use azimuth_core::jobs::automl::drive::{drive, Halt};
use azimuth_core::jobs::automl::rows::{frame_of, table_rows, MAX_TABLE_BYTES};
use azimuth_core::jobs::automl::AutoMLTask;
use std::io::{self, Read};
use wasm_bindgen::prelude::*;
use web_sys::{Blob, FileReaderSync};

/// Bytes read from the blob at a time.
const SLICE: f64 = (1 << 20) as f64;

/// A `Blob` as a [`Read`], one slice at a time (`FileReaderSync`: workers only).
struct BlobReader {
    blob: Blob,
    reader: FileReaderSync,
    at: f64,
    slice: Vec<u8>,
    taken: usize,
}

impl BlobReader {
    fn new(blob: Blob) -> Result<BlobReader, JsValue> {
        Ok(BlobReader {
            blob,
            reader: FileReaderSync::new()?,
            at: 0.0,
            slice: Vec::new(),
            taken: 0,
        })
    }
}

/// A browser error as an I/O error.
fn io_error(e: JsValue) -> io::Error {
    let text = e
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .unwrap_or_else(|| "the browser could not read the file".into());
    io::Error::other(text)
}

impl Read for BlobReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.taken == self.slice.len() {
            let size = self.blob.size();
            if self.at >= size {
                return Ok(0);
            }
            let end = (self.at + SLICE).min(size);
            let part = self
                .blob
                .slice_with_f64_and_f64(self.at, end)
                .map_err(io_error)?;
            let buffer = self.reader.read_as_array_buffer(&part).map_err(io_error)?;
            self.slice = js_sys::Uint8Array::new(&buffer).to_vec();
            (self.at, self.taken) = (end, 0);
        }
        let n = out.len().min(self.slice.len() - self.taken);
        out[..n].copy_from_slice(&self.slice[self.taken..self.taken + n]);
        self.taken += n;
        Ok(n)
    }
}

/// The profile of the tabular file in `blob`, as JSON: JSON lines when `json_lines`, otherwise
/// text delimited by `delimiter` whose first row names the columns when `header`; its text in
/// `encoding` (`utf8`, `latin1`, `windows1252`, ...).
#[wasm_bindgen]
pub fn profile(
    blob: Blob,
    json_lines: bool,
    delimiter: u8,
    header: bool,
    encoding: &str,
) -> Result<String, JsError> {
    let format = match json_lines {
        true => Format::JsonLines,
        false => Format::Delimited { delimiter, header },
    };
    let reader = BlobReader::new(blob)
        .map_err(|_| JsError::new("This browser cannot read files in a worker."))?;
    let reader = decoding_reader(encoding, reader).map_err(|e| JsError::new(&e))?;
    let profile = profile::profile(reader, format).map_err(|e| JsError::new(&e))?;
    serde_json::to_string(&profile).map_err(|e| JsError::new(&e.to_string()))
}

/// Every byte of `blob`, refused past [`MAX_TABLE_BYTES`] (the page's memory is the person's).
fn whole(blob: Blob, shown: &str) -> Result<Vec<u8>, String> {
    if blob.size() > MAX_TABLE_BYTES as f64 {
        return Err(format!(
            "'{shown}' is {} MB; AutoML trains on tables of at most {} MB. Sample it down (an MLTable's take step, or a smaller file).",
            blob.size() as u64 >> 20,
            MAX_TABLE_BYTES >> 20
        ));
    }
    let mut bytes = Vec::with_capacity(blob.size() as usize);
    BlobReader::new(blob)
        .map_err(|_| "This browser cannot read files in a worker.".to_owned())?
        .read_to_end(&mut bytes)
        .map_err(|e| format!("'{shown}' could not be read ({e})."))?;
    Ok(bytes)
}

/// The rows of one table: file `name` in `blob`, shaped by the MLTable file `mltable` (its
/// text) when the data is an MLTable folder.
fn rows(blob: Blob, name: &str, mltable: Option<String>) -> Result<Table, String> {
    let table = match mltable {
        Some(text) => Some(read_mltable(&text).map_err(|e| format!("its MLTable file: {e}"))?),
        None => None,
    };
    table_rows(table.as_ref(), name, &whole(blob, name)?)
}

/// The table `key` of `tables` (`{blob, name, mltable}`), if there is one, read whole and
/// shaped; `what` names it in errors.
fn table(tables: &JsValue, key: &str, what: &str) -> Result<Option<Table>, Halt> {
    let field = |on: &JsValue, k: &str| js_sys::Reflect::get(on, &k.into()).unwrap_or_default();
    let given = field(tables, key);
    if given.is_undefined() || given.is_null() {
        return Ok(None);
    }
    let blob: Blob = field(&given, "blob")
        .dyn_into()
        .map_err(|_| Halt::failed(format!("Its {what} data was not handed over as a file.")))?;
    let name = field(&given, "name").as_string().unwrap_or_default();
    rows(blob, &name, field(&given, "mltable").as_string())
        .map(Some)
        .map_err(|e| Halt::failed(format!("Its {what} data: {e}")))
}

/// Trains job `job`'s sweep of `task` (its ARM `taskDetails`, as JSON) on its `tables`
/// (`train`, and `valid` and `test` if it has them, each `{blob, name, mltable}`), drawing as
/// many trials at a time as a compute of `nodes` nodes allows. Each event is handed to `post`
/// as JSON as it happens, and each file of the best model's folder as (name, bytes); answers
/// how it ended, as JSON: the outcome (its files left out) or the halt.
#[wasm_bindgen]
pub fn automl(
    job: &str,
    task: &str,
    tables: &JsValue,
    nodes: u32,
    post: &js_sys::Function,
) -> String {
    let ended = (|| -> Result<_, Halt> {
        let task: AutoMLTask =
            serde_json::from_str(task).map_err(|e| Halt::failed(e.to_string()))?;
        let train = table(tables, "train", "training")?
            .ok_or_else(|| Halt::failed("It has no training data."))?;
        let valid = table(tables, "valid", "validation")?;
        let test = table(tables, "test", "test")?;
        let rows = frame_of(train, valid, test).map_err(Halt::failed)?;
        let seconds = || js_sys::Date::now() / 1000.0;
        let mut on = |event| {
            let text = serde_json::to_string(&event).unwrap_or_default();
            let _ = post.call2(&JsValue::NULL, &"event".into(), &text.into());
            Ok(())
        };
        let mut outcome = drive(job, &task, rows, nodes as usize, &seconds, &mut on)?;
        for (name, bytes) in std::mem::take(&mut outcome.folder) {
            let bytes = js_sys::Uint8Array::from(bytes.as_slice());
            let _ = post.call2(&JsValue::NULL, &format!("file/{name}").into(), &bytes);
        }
        Ok(outcome)
    })();
    let answer = match ended {
        Ok(outcome) => serde_json::json!({"outcome": outcome}),
        Err(halt) => serde_json::json!({"halt": halt}),
    };
    to_json(&answer)
}
