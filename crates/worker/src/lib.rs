//! Azimuth's Web Worker: work too long for the page's thread runs here, in a module of its own
//! built for speed (`opt-level = 3`, the `worker` profile) rather than size, fetched only when
//! first needed. `worker.js` beside this crate starts it and answers the page's messages.
//!
//! Today it profiles a tabular file the page hands it as a `Blob` (an OPFS file: posting it
//! copies no bytes), reading it a slice at a time so a 1 GB file needs no 1 GB of memory.

use azimuth_core::data::encoding::decoding_reader;
use azimuth_core::data::preview::Format;
use azimuth_core::data::profile;
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
