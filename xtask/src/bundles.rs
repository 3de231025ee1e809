//! One file per lazily loaded page: the wasm chunks the page needs, merged into one module
//! `split_<name>.wasm` (`merge.rs`), and a loader that fetches that one file in place of
//! wasm-split-cli's, which fetches every chunk on its own.
//!
//! wasm-split-cli gives each set of pages that share code a chunk of its own, so the instance
//! wizard was 99 files: 99 requests (six at a time over HTTP/1.1), each compressed alone. As one
//! file, a page is one request and its bytes compress together (the instance wizard's chunks:
//! 167 KB gzip as 99 files, 133 KB as one); as one module, wasm-opt optimizes it whole. A chunk
//! that two pages share comes along in each page's file, and is compiled and instantiated with
//! each: the price of one request and one module per page.
//!
//! A part of a page that only that page opens (a tab, an editor: the chunk `<page>__<part>`,
//! see `src/lazy.rs`) loads its page first, so its file leaves out the shared chunks the
//! page's file brings (the notebook editor's file: 191 KB brotli with them, 154 KB without).

use crate::{merge, Result};
use std::collections::HashMap;
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

/// Merges each split point's chunks (wasm-split-cli's, in `split`) into its page's module
/// (`merge.rs`), written to `out` as `split_<name>.wasm` (for wasm-opt to optimize), and writes
/// there a loader that fetches the page files in place of wasm-split-cli's `loader`. Returns
/// each lazy function with the one file it fetches, and the chunks' writable data, for the main
/// module to write when it starts.
pub fn bundle(split: &Path, out: &Path, loader: &str, loader_name: &str) -> Result<Bundled> {
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
    let mut initial = Vec::new();
    let mut owners = merge::SlotOwners::default();
    // Each chunk read (and its slots claimed) once, though several pages merge it.
    let mut read: HashMap<String, Vec<u8>> = HashMap::new();
    let points = split_points(loader);
    for point in &points {
        let file = point.own.clone();
        let parent = match parent_page(&point.function) {
            None => None,
            Some(page) => Some(points.iter().find(|p| p.function == page).ok_or(format!(
                "the chunk {} is part of a page {page} that the build has no chunk of",
                point.function
            ))?),
        };
        // What the page brings is there before its part loads.
        let brought = |chunk: &String| parent.is_some_and(|p| p.shared.contains(chunk));
        let names: Vec<&String> = point
            .shared
            .iter()
            .filter(|c| !brought(c))
            .chain([&point.own])
            .collect();
        for chunk in &names {
            if !read.contains_key(*chunk) {
                let bytes = fs::read(split.join(chunk))?;
                owners.claim(chunk, &bytes)?;
                read.insert(chunk.to_string(), bytes);
            }
        }
        let chunks: Vec<&[u8]> = names.iter().map(|c| read[*c].as_slice()).collect();
        let module =
            merge::merged(&chunks, &mut initial).map_err(|e| format!("{}: {e}", point.function))?;
        fs::write(out.join(&file), module)?;
        let after = parent.map_or(String::new(), |p| format!(", \"./{}\"", p.own));
        script.push_str(&format!(
            "export const __wasm_split_load_{} = wrapAsyncCb(loadBundle(\"./{file}\"{after}));\n",
            point.function,
        ));
        files.push((point.function.clone(), file));
    }
    fs::write(out.join(loader_name), script)?;
    Ok(Bundled {
        pages: files,
        initial,
    })
}

/// What [`bundle`] made.
pub struct Bundled {
    /// Each lazy function and the one file it fetches.
    pub pages: Vec<(String, String)>,
    /// The chunks' writable data, for the main module to write when it starts.
    pub initial: Vec<merge::Initial>,
}

/// The loader's part that fetches a page's module, compiles it and instantiates it.
/// `__wasm_split_prefetch(file)` starts the fetch and the compiling before the page is routed
/// to (`start.js` calls it for the address being opened), so the page's first load only
/// instantiates. A page's part (`loadBundle(file, page)`) is fetched beside its page, and
/// instantiated once the page is (its module leaves out the page's chunks). A load that fails
/// (offline, a file that is not what the build wrote) may be tried again.
/// Compiling a page adopts the area rules its module carries (`area_rules.rs`).
const LOAD_BUNDLE: &str = r#"const pages = new Map();
const compiled = new Map();
function compilePage(file) {
    if (!pages.has(file)) return Promise.reject(new Error(`${file}: not a page of this build`));
    const known = compiled.get(file);
    if (known !== undefined) return known;
    const compiling = (async () => {
        const response = await fetch(new URL(file, import.meta.url));
        if (!response.ok) throw new Error(`${file}: HTTP ${response.status}`);
        const module = await WebAssembly.compile(await response.arrayBuffer());
        adoptRulesOf(module);
        return module;
    })();
    compiling.catch(() => { if (compiled.get(file) === compiling) compiled.delete(file); });
    compiled.set(file, compiling);
    return compiling;
}
export function __wasm_split_prefetch(file) {
    compilePage(file).catch(() => {});
}
function loadBundle(file, page) {
    const load = async () => {
        const compiling = compilePage(file);
        if (page !== undefined) await pages.get(page)();
        await WebAssembly.instantiate(await compiling, getSharedImports());
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

    /// A scratch folder with wasm-split-cli's output: each file a chunk whose function fills
    /// the slot given; the merged pages go to `out` under it.
    fn split_folder(name: &str, chunks: &[(&str, u32)]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("azimuth-{name}-{}", std::process::id()));
        fs::create_dir_all(dir.join("out")).unwrap();
        for (file, slot) in chunks {
            // chunk_3 keeps a `static`'s first value, which the main module is to write.
            let data: &[(&str, u32, &[u8])] = match *file {
                "chunk_3.wasm" => &[(".rodata", 64, b"x"), (".data", 80, b"\x07\0")],
                _ => &[(".rodata", 64, b"x")],
            };
            fs::write(dir.join(file), merge::test_chunk(*slot, None, false, data)).unwrap();
        }
        dir
    }

    /// The table slots a page's module fills.
    fn slots_of(module: &[u8]) -> Vec<i64> {
        wasmparser::validate(module).unwrap();
        let mut slots = Vec::new();
        for payload in wasmparser::Parser::new(0).parse_all(module) {
            if let wasmparser::Payload::ElementSection(reader) = payload.unwrap() {
                for element in reader {
                    if let wasmparser::ElementKind::Active { offset_expr, .. } =
                        element.unwrap().kind
                    {
                        let op = offset_expr.get_operators_reader().into_iter().next();
                        if let Some(Ok(wasmparser::Operator::I32Const { value })) = op {
                            slots.push(i64::from(value));
                        }
                    }
                }
            }
        }
        slots
    }

    #[test]
    fn merges_each_page_into_one_module_in_one_file_and_loads_it_so() {
        let dir = split_folder(
            "bundles",
            &[
                ("chunk_3.wasm", 3),
                ("chunk_4.wasm", 4),
                ("split_clusters_page_88.wasm", 8),
                ("split_home_page_19.wasm", 9),
            ],
        );
        let out = dir.join("out");
        let Bundled {
            pages: files,
            initial,
        } = bundle(&dir, &out, LOADER, "loader.js").unwrap();
        let read = |f: &str| fs::read(out.join(f)).unwrap_or_default();
        let joined = read("split_clusters_page_88.wasm");
        let alone = read("split_home_page_19.wasm");
        let script = fs::read_to_string(out.join("loader.js")).unwrap();
        fs::remove_dir_all(&dir).ok();
        assert_eq!(
            initial,
            [(80, b"\x07\0".to_vec())],
            "chunk_3's data, for the main module"
        );
        assert_eq!(
            files[0],
            (
                "clusters_page_88".into(),
                "split_clusters_page_88.wasm".into()
            )
        );
        assert_eq!(
            slots_of(&joined),
            [3, 4, 8],
            "the shared chunks, then its own, in one module"
        );
        assert_eq!(slots_of(&alone), [9]);
        assert!(script.starts_with("import { initSync }"));
        assert!(
            !script.contains("makeLoad("),
            "wasm-split-cli's loaders are gone"
        );
        assert!(script.contains(
            r#"export const __wasm_split_load_clusters_page_88 = wrapAsyncCb(loadBundle("./split_clusters_page_88.wasm"));"#
        ));
        assert!(
            !script.contains("chunk_3"),
            "the loader names the pages only"
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
        let dir = split_folder(
            "parts",
            &[
                ("chunk_3.wasm", 3),
                ("chunk_4.wasm", 4),
                ("chunk_5.wasm", 5),
                ("split_clusters_page_88.wasm", 8),
                ("split_clusters_page_88__tab.wasm", 10),
                ("split_home_page_19.wasm", 9),
            ],
        );
        let out = dir.join("out");
        let built = bundle(&dir, &out, &loader, "loader.js");
        let part = fs::read(out.join("split_clusters_page_88__tab.wasm")).unwrap_or_default();
        let script = fs::read_to_string(out.join("loader.js")).unwrap_or_default();
        fs::remove_dir_all(&dir).ok();
        built.unwrap();
        assert_eq!(slots_of(&part), [5, 10], "chunk_3 comes with the page");
        assert!(script.contains(
            r#"export const __wasm_split_load_clusters_page_88__tab = wrapAsyncCb(loadBundle("./split_clusters_page_88__tab.wasm", "./split_clusters_page_88.wasm"));"#
        ));
        assert_eq!(
            parent_page("clusters_page_88__tab"),
            Some("clusters_page_88")
        );
        assert_eq!(parent_page("home_page_19"), None);

        let orphan = tab.replace("clusters_page_88__tab", "nowhere__tab");
        let dir = split_folder(
            "orphan",
            &[
                ("chunk_3.wasm", 3),
                ("chunk_4.wasm", 4),
                ("split_clusters_page_88.wasm", 8),
                ("split_home_page_19.wasm", 9),
                ("split_nowhere__tab.wasm", 10),
            ],
        );
        let refused = bundle(
            &dir,
            &dir.join("out"),
            &format!("{LOADER}{orphan}"),
            "loader.js",
        );
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
        assert!(bundle(&dir, &dir, "export const x = 1;", "loader.js").is_err());
    }
}
