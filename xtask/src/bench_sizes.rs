//! `cargo xtask bench sizes`: the bytes of every file of the build, and what each page of the
//! studio downloads when it is the first one opened.
//!
//! The entry is every file but the pages' own, the Web Worker's (fetched only when a profile
//! or a training is first asked for) and those fetched on demand (see [`ON_DEMAND`]):
//! `index.html`, the CSS, icon and `studio.json`, the app's scripts and main module (the shell).
//! Every page is lazily loaded; its first load (a link, a reload) is the entry plus the file its
//! split point fetches (from the map `cargo xtask build` writes to `target/app-chunks.txt`),
//! and a page's part (`<page>__<part>`: a tab, an editor) adds its page's file. The budget
//! holds every page's first load.

use crate::bench::{files, Context, Sizes};
use crate::{build, bundles, cmd, Result};
use std::collections::BTreeMap;
use std::fs;

/// The most a page's first load may download, in brotli bytes (KB = 1000 bytes).
pub const SIZE_BUDGET_BROTLI: u64 = 250_000;

/// Prints every file's sizes and each page's first load; met when every page's is in budget.
pub fn sizes(context: &Context) -> Result<bool> {
    let mut measured = BTreeMap::new();
    for file in files(&context.dist)? {
        let sizes = Sizes::of(&fs::read(context.dist.join(&file))?)?;
        measured.insert(file.to_string_lossy().replace('\\', "/"), sizes);
    }
    let width = measured.keys().map(String::len).max().unwrap_or(0).max(5);
    let line = |name: &str, s: &Sizes| {
        println!(
            "{name:<width$} {:>10} {:>10} {:>10}",
            s.raw, s.gzip, s.brotli
        )
    };
    println!(
        "{:<width$} {:>10} {:>10} {:>10}",
        "file", "raw", "gzip", "brotli"
    );
    for (name, s) in &measured {
        line(name, s);
    }
    let total = sum(measured.values());
    line("all files", &total);

    let map =
        fs::read_to_string(cmd::root().join("target").join(build::CHUNK_MAP)).unwrap_or_default();
    let (entry, pages) = first_loads(&map, &measured).ok_or(
        "target/app-chunks.txt does not describe this build's app folder; run `cargo xtask build`",
    )?;
    println!("\nfirst load of each page (the entry, then the page's file):");
    line(ENTRY, &entry);
    for (page, s) in &pages {
        line(page, s);
    }
    let over = pages
        .iter()
        .filter(|(_, s)| s.brotli > SIZE_BUDGET_BROTLI)
        .count();
    let met = over == 0 && entry.brotli <= SIZE_BUDGET_BROTLI;
    println!(
        "budget: 250 KB brotli ({SIZE_BUDGET_BROTLI} bytes) for every page's first load: {} ({over} of {} pages over; the entry alone {} bytes, {:.0}% of budget)",
        if met { "met" } else { "MISSED" },
        pages.len(),
        entry.brotli,
        entry.brotli as f64 * 100.0 / SIZE_BUDGET_BROTLI as f64
    );
    if let Some((page, most)) = pages.iter().max_by_key(|(_, s)| s.brotli) {
        println!(
            "largest first load of a page: {page}, {} bytes",
            most.brotli
        );
    }
    let json_rows = |rows: &mut dyn Iterator<Item = (&String, &Sizes)>| -> String {
        rows.map(|(name, s)| format!("{{\"name\":{name:?},{}}}", json(s)))
            .collect::<Vec<_>>()
            .join(",")
    };
    let report = format!(
        "{{\"files\":[{}],\"total\":{{{}}},\"entry\":{{{}}},\"pages\":[{}],\"budget_brotli\":{SIZE_BUDGET_BROTLI},\"met\":{met}}}\n",
        json_rows(&mut measured.iter()),
        json(&total),
        json(&entry),
        json_rows(&mut pages.iter().map(|(p, s)| (p, s))),
    );
    fs::write(context.out_dir.join("sizes.json"), report)?;
    Ok(met)
}

/// The Web Worker's files: no page's first load fetches them.
const WORKER_FILES: [&str; 3] = ["worker.js", "azimuth-worker.js", "azimuth-worker_bg.wasm"];

/// Folders of files a page fetches only when the person asks for them: the in-browser
/// kernel (Pyodide, when a notebook first runs a cell in the browser), a guided lab (when it
/// is opened) and the sample notebooks (when Samples is opened or one is cloned).
const ON_DEMAND: [&str; 3] = ["pyodide/", "labs/", "samples/"];

/// The row naming the entry: the shell every page's first load starts with.
const ENTRY: &str = "entry (the shell)";

/// The entry, and each lazy page's first load (by its chunk's name) from the build's chunk map;
/// `None` when the map is not this build's.
fn first_loads(
    map: &str,
    measured: &BTreeMap<String, Sizes>,
) -> Option<(Sizes, Vec<(String, Sizes)>)> {
    let mut lines = map.lines();
    let app = lines.next()?;
    let prefix = format!("{app}/");
    measured
        .keys()
        .any(|name| name.starts_with(&prefix))
        .then_some(())?;
    let lines: Vec<&str> = lines.collect();
    let fetched_later: Vec<String> = lines
        .iter()
        .flat_map(|line| line.split_whitespace().skip(1))
        .map(|file| format!("{prefix}{file}"))
        .collect();
    let worker = |name: &str| WORKER_FILES.contains(&name.rsplit('/').next().unwrap_or(name));
    let on_demand = |name: &str| ON_DEMAND.iter().any(|folder| name.starts_with(folder));
    let entry = measured
        .iter()
        .filter(|(name, _)| !fetched_later.contains(name) && !worker(name) && !on_demand(name))
        .map(|(_, s)| s);
    let entry = sum(entry);
    let files_of = |function: &str| {
        lines
            .iter()
            .map(|line| line.split_whitespace())
            .find_map(|mut words| (words.next() == Some(function)).then_some(words))
            .map(|files| {
                files
                    .map(|file| measured.get(&format!("{prefix}{file}")))
                    .collect::<Option<Vec<_>>>()
            })?
    };
    let mut pages = Vec::new();
    for line in &lines {
        let Some(function) = line.split_whitespace().next() else {
            continue;
        };
        let mut chunks = files_of(function)?;
        // A page's part (a tab, an editor) is opened over its page, which is loaded first.
        if let Some(page) = bundles::parent_page(function) {
            chunks.extend(files_of(page)?);
        }
        let page = function
            .rsplit_once('_')
            .filter(|(_, hash)| hash.bytes().all(|b| b.is_ascii_digit()))
            .map_or(function, |(page, _)| page);
        pages.push((page.to_string(), sum(chunks).add(entry)));
    }
    pages.sort_by(|a, b| a.0.cmp(&b.0));
    Some((entry, pages))
}

fn sum<'a>(sizes: impl IntoIterator<Item = &'a Sizes>) -> Sizes {
    sizes
        .into_iter()
        .fold(Sizes::default(), |all, s| all.add(*s))
}

fn json(s: &Sizes) -> String {
    format!(
        "\"raw\":{},\"gzip\":{},\"brotli\":{}",
        s.raw, s.gzip, s.brotli
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn size(brotli: u64) -> Sizes {
        Sizes {
            raw: brotli * 3,
            gzip: brotli * 2,
            brotli,
        }
    }

    #[test]
    fn a_first_load_is_the_page_the_app_and_its_chunks() {
        let measured: BTreeMap<String, Sizes> = [
            ("index.html", 1),
            ("base-0123456789abcdef.css", 10),
            ("app-00000000000000aa/azimuth-studio.js", 100),
            ("app-00000000000000aa/__wasm_split.js", 1_000),
            ("app-00000000000000aa/azimuth-studio_bg.wasm", 10_000),
            ("app-00000000000000aa/chunk_3.wasm", 100_000),
            ("app-00000000000000aa/azimuth-worker_bg.wasm", 7),
            ("pyodide/pyodide.asm.wasm", 5_000_000),
            ("labs/explore-workspace.json", 500),
            ("samples/notebooks/get-started.ipynb", 900),
            ("app-00000000000000aa/split_home_page_12.wasm", 1_000_000),
            ("app-00000000000000aa/split_home_page_12__tab.wasm", 200),
            (
                "app-00000000000000aa/split_clusters_page_34.wasm",
                10_000_000,
            ),
        ]
        .into_iter()
        .map(|(name, b)| (name.to_string(), size(b)))
        .collect();
        let map = "app-00000000000000aa\n\
                   home_page_12 split_home_page_12.wasm\n\
                   clusters_page_34 split_clusters_page_34.wasm chunk_3.wasm\n\
                   home_page_12__tab split_home_page_12__tab.wasm\n";
        let (entry, pages) = first_loads(map, &measured).unwrap();
        assert_eq!(entry.brotli, 11_111);
        let brotli: Vec<(&str, u64)> = pages.iter().map(|(p, s)| (p.as_str(), s.brotli)).collect();
        assert_eq!(
            brotli,
            [
                ("clusters_page", 10_111_111),
                ("home_page", 1_011_111),
                ("home_page_12__tab", 1_011_311),
            ],
            "a page's part is loaded over its page"
        );
        assert_eq!(pages[1].1.raw, 3_033_333);
        assert!(
            first_loads("app-00000000000000bb\n", &measured).is_none(),
            "another build"
        );
        let missing = "app-00000000000000aa\nx_1 split_x_1.wasm\n";
        assert!(
            first_loads(missing, &measured).is_none(),
            "a chunk that is not there"
        );
    }
}
