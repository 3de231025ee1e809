//! One file per lazily loaded page: the wasm chunks the page needs, joined into
//! `split_<name>.bin`, and a loader that fetches that one file in place of wasm-split-cli's,
//! which fetches every chunk on its own.
//!
//! wasm-split-cli gives each set of pages that share code a chunk of its own, so the instance
//! wizard was 99 files: 99 requests (six at a time over HTTP/1.1), each compressed alone. Joined,
//! a page is one request and its bytes compress together (the instance wizard's chunks: 167 KB
//! gzip as 99 files, 133 KB as one). A chunk that another page's file already brought in is not
//! instantiated again; its bytes come along in each page's file that needs it, the price of one
//! request per page.
//!
//! A part of a page that only that page opens (a tab, an editor: the chunk `<page>__<part>`,
//! see `src/lazy.rs`) loads its page first, so its file leaves out the shared chunks the
//! page's file brings (the notebook editor's file: 191 KB brotli with them, 154 KB without).
//!
//! A page file starts with its own table of contents (a little-endian u32: the length of a JSON
//! list of `[chunk, bytes]`, then that list), so the loader in the entry names only the files:
//! the tables of all pages in the loader were 9 KB of every page's first load, brotli
//! (148 KB raw); the loader is now 1 KB (5 KB raw).

use crate::Result;
use std::fs;
use std::path::Path;

/// A lazily loaded function of the studio, as the loader of wasm-split-cli exports it.
#[derive(Debug, PartialEq)]
pub struct SplitPoint {
    /// The function's name (`__wasm_split_load_<function>` in the loader).
    pub function: String,
    /// Its own chunk (`split_<name>.wasm`).
    pub own: String,
    /// The shared chunks it waits for (`chunk_<n>.wasm`), in the loader's order.
    pub shared: Vec<String>,
}

/// The split points of wasm-split-cli's loader (`const __chunk_N = makeLoad(... "./chunk_N.wasm"
/// ..., [])` for each shared chunk, then `export const __wasm_split_load_<name> =
/// wrapAsyncCb(makeLoad(... "./<file>.wasm" ..., [deps]))` for each lazy function).
pub fn split_points(loader: &str) -> Vec<SplitPoint> {
    // Each loader begins on a line of its own; its text runs to the next one.
    let starts: Vec<usize> = loader
        .match_indices('\n')
        .map(|(at, _)| at + 1)
        .filter(|&at| {
            let line = &loader[at..];
            line.starts_with("const __chunk_") || line.starts_with("export const ")
        })
        .collect();
    let mut shared: Vec<(&str, &str)> = Vec::new();
    let mut points = Vec::new();
    for (i, &start) in starts.iter().enumerate() {
        let text = &loader[start..starts.get(i + 1).copied().unwrap_or(loader.len())];
        let text = text.strip_prefix("export ").unwrap_or(text);
        let Some((name, rest)) = text["const ".len()..].split_once(" = ") else {
            continue;
        };
        let Some(file) = quoted_wasm(rest) else {
            continue;
        };
        let deps = rest
            .rsplit_once('[')
            .and_then(|(_, list)| list.split_once(']'))
            .map_or("", |(list, _)| list);
        let dep_files = deps.split(',').filter_map(|dep| {
            let dep = dep.trim();
            shared
                .iter()
                .find(|(n, _)| *n == dep)
                .map(|(_, f)| f.to_string())
        });
        match name.strip_prefix("__wasm_split_load_") {
            Some(function) => points.push(SplitPoint {
                function: function.to_owned(),
                own: file.to_owned(),
                shared: dep_files.collect(),
            }),
            None => shared.push((name, file)),
        }
    }
    points
}

/// The page whose part the split point `function` is (`notebooks` for `notebooks__editor`).
pub fn parent_page(function: &str) -> Option<&str> {
    function.split_once("__").map(|(page, _)| page)
}

/// The first `"./<file>.wasm"` in a text, without `./`.
fn quoted_wasm(text: &str) -> Option<&str> {
    let start = text.find("\"./")? + 3;
    let end = start + text[start..].find(".wasm\"")? + 5;
    Some(&text[start..end])
}

/// Joins each split point's chunks (in `dir`, optimized) into its page file, removes the chunk
/// files, and replaces wasm-split-cli's `loader` by one that fetches the page files. Returns
/// each lazy function with the one file it fetches.
pub fn bundle(dir: &Path, loader: &str, loader_name: &str) -> Result<Vec<(String, String)>> {
    // wasm-split-cli's own lines up to its chunk loaders: the import of the glue, the shared
    // imports every chunk gets, and the callback into the studio when a load ends.
    let prelude = loader
        .find("function makeLoad(")
        .map(|end| &loader[..end])
        .ok_or(
            "the chunk loader has no makeLoad: wasm-split-cli changed, see xtask/src/bundles.rs",
        )?;
    let mut script = format!("{prelude}{LOAD_BUNDLE}");
    let mut files = Vec::new();
    let points = split_points(loader);
    let file_of = |point: &SplitPoint| format!("{}.bin", point.own.trim_end_matches(".wasm"));
    for point in &points {
        let file = file_of(point);
        let parent = match parent_page(&point.function) {
            None => None,
            Some(page) => Some(points.iter().find(|p| p.function == page).ok_or(format!(
                "the chunk {} is part of a page {page} that the build has no chunk of",
                point.function
            ))?),
        };
        // What the page brings is there before its part loads.
        let brought = |chunk: &String| parent.is_some_and(|p| p.shared.contains(chunk));
        let mut joined = Vec::new();
        let mut parts = Vec::new();
        for chunk in point
            .shared
            .iter()
            .filter(|c| !brought(c))
            .chain([&point.own])
        {
            let bytes = fs::read(dir.join(chunk))?;
            parts.push(format!("[\"{chunk}\",{}]", bytes.len()));
            joined.extend(bytes);
        }
        let contents = format!("[{}]", parts.join(","));
        let length = u32::try_from(contents.len())?.to_le_bytes();
        let page = [&length[..], contents.as_bytes(), &joined].concat();
        fs::write(dir.join(&file), page)?;
        let after = parent.map_or(String::new(), |p| format!(", \"./{}\"", file_of(p)));
        script.push_str(&format!(
            "export const __wasm_split_load_{} = wrapAsyncCb(loadBundle(\"./{file}\"{after}));\n",
            point.function,
        ));
        files.push((point.function.clone(), file));
    }
    for point in &points {
        for chunk in point.shared.iter().chain([&point.own]) {
            // Several split points name the same chunks: the first removal is the one that counts.
            let _ = fs::remove_file(dir.join(chunk));
        }
    }
    fs::write(dir.join(loader_name), script)?;
    Ok(files)
}

/// The loader's part that fetches a page's file, reads its table of contents, compiles the
/// chunks in it and instantiates each once: the shared ones first, then the page's own (as
/// wasm-split-cli's loader orders them). `__wasm_split_prefetch(file)` starts the fetch and the compiling before the page is
/// routed to (`start.js` calls it for the address being opened), so the page's first load
/// only instantiates. A page's part (`loadBundle(file, page)`) loads its page first, whose
/// chunks its file leaves out. A load that fails (offline, a file that is not what the build
/// wrote) may be tried again.
const LOAD_BUNDLE: &str = r#"const pages = new Map();
const fetched = new Map();
const modules = new Map();
const instances = new Map();
function forget(map, key, value) {
    value.catch(() => { if (map.get(key) === value) map.delete(key); });
    map.set(key, value);
    return value;
}
function compile(name, bytes) {
    return modules.get(name) ?? forget(modules, name, WebAssembly.compile(bytes));
}
function fetchBundle(file) {
    if (!pages.has(file)) return Promise.reject(new Error(`${file}: not a page of this build`));
    return fetched.get(file) ?? forget(fetched, file, (async () => {
        const response = await fetch(new URL(file, import.meta.url));
        if (!response.ok) throw new Error(`${file}: HTTP ${response.status}`);
        const bytes = await response.arrayBuffer();
        const length = bytes.byteLength < 4 ? 0 : new DataView(bytes).getUint32(0, true);
        if (length === 0 || 4 + length > bytes.byteLength) throw new Error(`${file}: no table of contents`);
        const chunks = JSON.parse(new TextDecoder().decode(new Uint8Array(bytes, 4, length)));
        let at = 4 + length;
        const parts = chunks.map(([name, size]) => {
            const part = new Uint8Array(bytes, at, Math.min(size, bytes.byteLength - at));
            at += size;
            return [name, compile(name, part)];
        });
        if (at !== bytes.byteLength) throw new Error(`${file}: ${bytes.byteLength} bytes, not ${at}`);
        // A module that did not compile fails this fetch too, so a later load starts afresh.
        await Promise.all(parts.map(([, module]) => module));
        return parts;
    })());
}
export function __wasm_split_prefetch(file) {
    fetchBundle(file).catch(() => {});
}
function instantiate(name, module) {
    return instances.get(name) ?? forget(instances, name,
        module.then((m) => WebAssembly.instantiate(m, getSharedImports())));
}
function loadBundle(file, page) {
    const load = async () => {
        if (page !== undefined) await pages.get(page)();
        const parts = await fetchBundle(file);
        const own = parts[parts.length - 1];
        await Promise.all(parts.slice(0, -1).map(([name, module]) => instantiate(name, module)));
        await instantiate(own[0], own[1]);
    };
    let loading = undefined;
    const loader = () => {
        if (loading === undefined) {
            const thisLoad = load();
            thisLoad.catch(() => { if (loading === thisLoad) loading = undefined; });
            loading = thisLoad;
        }
        return loading;
    };
    pages.set(file, loader);
    return loader;
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    const LOADER: &str = r#"import { initSync } from "./azimuth-studio.js";
function getSharedImports() {}
function wrapAsyncCb(callee) {}
function makeLoad(fetcher, deps) {}
/* a, b */
const __chunk_3 = makeLoad(() => {
    const src = fetch(new URL("./chunk_3.wasm", import.meta.url));
}
, []);
const __chunk_4 = makeLoad(() => {
    const src = fetch(new URL("./chunk_4.wasm", import.meta.url));
}
, []);
export const __wasm_split_load_clusters_page_88 = wrapAsyncCb(makeLoad(() => {
    const src = fetch(new URL("./split_clusters_page_88.wasm", import.meta.url));
}
, [__chunk_3, __chunk_4]));
export const __wasm_split_load_home_page_19 = wrapAsyncCb(makeLoad(() => {
    const src = fetch(new URL("./split_home_page_19.wasm", import.meta.url));
}
, []));
"#;

    #[test]
    fn finds_each_lazy_function_with_its_chunks() {
        let points = split_points(LOADER);
        assert_eq!(
            points[0],
            SplitPoint {
                function: "clusters_page_88".into(),
                own: "split_clusters_page_88.wasm".into(),
                shared: vec!["chunk_3.wasm".into(), "chunk_4.wasm".into()],
            }
        );
        assert_eq!(points[1].own, "split_home_page_19.wasm");
        assert!(points[1].shared.is_empty());
        assert_eq!(points.len(), 2);
    }

    #[test]
    fn joins_each_page_into_one_file_and_loads_it_so() {
        let dir = std::env::temp_dir().join(format!("azimuth-bundles-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        for (file, bytes) in [
            ("chunk_3.wasm", &b"333"[..]),
            ("chunk_4.wasm", b"4444"),
            ("split_clusters_page_88.wasm", b"cc"),
            ("split_home_page_19.wasm", b"h"),
        ] {
            fs::write(dir.join(file), bytes).unwrap();
        }
        let files = bundle(&dir, LOADER, "loader.js").unwrap();
        let read = |f: &str| fs::read(dir.join(f)).ok();
        let joined = read("split_clusters_page_88.bin");
        let alone = read("split_home_page_19.bin");
        let left: Vec<_> = ["chunk_3.wasm", "split_home_page_19.wasm"].map(read).into();
        let script = fs::read_to_string(dir.join("loader.js")).unwrap();
        fs::remove_dir_all(&dir).ok();
        assert_eq!(
            files[0],
            (
                "clusters_page_88".into(),
                "split_clusters_page_88.bin".into()
            )
        );
        let contents =
            br#"[["chunk_3.wasm",3],["chunk_4.wasm",4],["split_clusters_page_88.wasm",2]]"#;
        let expected = [
            &(contents.len() as u32).to_le_bytes()[..],
            contents,
            b"3334444cc",
        ]
        .concat();
        assert_eq!(
            joined,
            Some(expected),
            "its table of contents, then the shared chunks, then its own"
        );
        let contents = br#"[["split_home_page_19.wasm",1]]"#;
        let expected = [&(contents.len() as u32).to_le_bytes()[..], contents, b"h"].concat();
        assert_eq!(alone, Some(expected));
        assert_eq!(left, [None, None], "the chunk files are gone");
        assert!(script.starts_with("import { initSync }"));
        assert!(
            !script.contains("makeLoad("),
            "wasm-split-cli's loaders are gone"
        );
        assert!(script.contains(
            r#"export const __wasm_split_load_clusters_page_88 = wrapAsyncCb(loadBundle("./split_clusters_page_88.bin"));"#
        ));
        assert!(
            !script.contains("chunk_3"),
            "the tables are in the pages' files"
        );
    }

    #[test]
    fn a_page_part_leaves_out_what_its_page_brings_and_loads_the_page_first() {
        let tab =
            "export const __wasm_split_load_clusters_page_88__tab = wrapAsyncCb(makeLoad(() => {
    const src = fetch(new URL(\"./split_clusters_page_88__tab.wasm\", import.meta.url));
}
, [__chunk_3, __chunk_5]));
";
        let chunk_5 = "const __chunk_5 = makeLoad(() => {
    const src = fetch(new URL(\"./chunk_5.wasm\", import.meta.url));
}
, []);
";
        let loader = LOADER.replace(
            "export const __wasm_split_load_clusters",
            &format!("{chunk_5}export const __wasm_split_load_clusters"),
        );
        let loader = format!("{loader}{tab}");
        let dir = std::env::temp_dir().join(format!("azimuth-parts-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        for (file, bytes) in [
            ("chunk_3.wasm", &b"333"[..]),
            ("chunk_4.wasm", b"4444"),
            ("chunk_5.wasm", b"55555"),
            ("split_clusters_page_88.wasm", b"cc"),
            ("split_clusters_page_88__tab.wasm", b"t"),
            ("split_home_page_19.wasm", b"h"),
        ] {
            fs::write(dir.join(file), bytes).unwrap();
        }
        let built = bundle(&dir, &loader, "loader.js");
        let part = fs::read(dir.join("split_clusters_page_88__tab.bin")).ok();
        let script = fs::read_to_string(dir.join("loader.js")).unwrap_or_default();
        fs::remove_dir_all(&dir).ok();
        built.unwrap();
        let contents = br#"[["chunk_5.wasm",5],["split_clusters_page_88__tab.wasm",1]]"#;
        let expected = [
            &(contents.len() as u32).to_le_bytes()[..],
            contents,
            b"55555t",
        ]
        .concat();
        assert_eq!(part, Some(expected), "chunk_3 comes with the page");
        assert!(script.contains(
            r#"export const __wasm_split_load_clusters_page_88__tab = wrapAsyncCb(loadBundle("./split_clusters_page_88__tab.bin", "./split_clusters_page_88.bin"));"#
        ));
        assert_eq!(
            parent_page("clusters_page_88__tab"),
            Some("clusters_page_88")
        );
        assert_eq!(parent_page("home_page_19"), None);

        let orphan = tab.replace("clusters_page_88__tab", "nowhere__tab");
        let dir = std::env::temp_dir().join(format!("azimuth-orphan-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        for file in [
            "chunk_3.wasm",
            "chunk_4.wasm",
            "split_clusters_page_88.wasm",
            "split_home_page_19.wasm",
            "split_nowhere__tab.wasm",
        ] {
            fs::write(dir.join(file), b"x").unwrap();
        }
        let refused = bundle(&dir, &format!("{LOADER}{orphan}"), "loader.js");
        fs::remove_dir_all(&dir).ok();
        let refused = refused.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            refused.contains("nowhere__tab is part of a page nowhere"),
            "a part of a page the build does not have: {refused}"
        );
    }

    #[test]
    fn a_loader_it_does_not_know_is_refused() {
        let dir = std::env::temp_dir();
        assert!(bundle(&dir, "export const x = 1;", "loader.js").is_err());
    }
}
