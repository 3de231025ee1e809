//! Files picked in a file input (a folder's keep their sub-folders), for an upload.

/// A file picked for upload, with its path under the destination folder.
#[derive(Clone)]
pub struct Picked {
    /// The file.
    pub file: web_sys::File,
    /// Its path under the folder picked (its name, for a single file).
    pub relative: String,
}

/// The files of a file input, each with its path (a folder's keep their sub-folders).
pub fn picked_files(input: &web_sys::HtmlInputElement) -> Vec<Picked> {
    let Some(list) = input.files() else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|file| {
            let relative = js_sys::Reflect::get(&file, &"webkitRelativePath".into())
                .ok()
                .and_then(|v| v.as_string())
                .filter(|p| !p.is_empty())
                .unwrap_or_else(|| file.name());
            Picked { file, relative }
        })
        .collect()
}
