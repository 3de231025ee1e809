//! `cargo xtask build`: the studio's release build into `dist/`.
//!
//! Trunk builds the page (HTML, CSS, icon, `studio.json`: minified and hashed). The wasm is built
//! here, because trunk 0.21 cannot split it: cargo with the `split` feature, `wasm-split-cli`
//! (pages behind `lazy_page!` become chunks), wasm-bindgen's ES-module glue, each page's chunks
//! merged into the one module the studio fetches when it first shows the page (`bundles.rs`,
//! `merge.rs`), wasm-opt on every module, and terser on the JavaScript. The
//! pieces import each other by fixed names, so they go into one folder named by a hash of all
//! of them (`app-<16 hex>/`), which servers cache for good.

use crate::{area_rules, bundles, cmd, merge, refused_tables, setup, slim, uncalled, Result};
use std::fs;
use std::path::{Path, PathBuf};

/// The wasm-bindgen glue's file name; `__wasm_split.js` imports it by this name.
const GLUE: &str = "azimuth-studio.js";
/// The main module after wasm-bindgen.
const MAIN_WASM: &str = "azimuth-studio_bg.wasm";
/// The loader of the split chunks, as wasm-split-cli names it.
const SPLIT_LOADER: &str = "__wasm_split.js";
/// The module that starts the studio: a file of its own, not an inline script, so a
/// Content-Security-Policy of `script-src 'self'` lets it run.
const STARTER: &str = "start.js";
/// The start of `start.js`: for an address whose page is a chunk of its own, that chunk is
/// fetched and compiled beside the entry's wasm (the loader's `__wasm_split_prefetch`), rather
/// than once the studio has started and routed. A cold runs page of 2,000 runs to its first
/// row, medians of 5 on one build: 527 ms with no hint, 475 ms with the chunk only fetched
/// early, 452 ms fetched and compiled. (Making the pages' time formatter here too, to load its
/// locale data early, cost 100 ms more: left out.) Each row of [`EARLY_PAGES`] is a path prefix
/// (`/` alone: exactly), the page file, and a pattern of the query that opens a part of the
/// page (a tab, a file) with that part's file; the first prefix that matches counts. The build
/// refuses a row naming a file it did not make.
fn early_chunks() -> String {
    let rows: Vec<String> = EARLY_PAGES
        .iter()
        // Debug quotes and escapes each as a JavaScript string literal reads it (ASCII only).
        .map(|(path, page, query, part)| format!("[{path:?},{page:?},{query:?},{part:?}]"))
        .collect();
    format!(
        "import{{__wasm_split_prefetch as f}}from\"./{SPLIT_LOADER}\";const l=location.pathname;\
         for(const[p,c,q,t]of[{}])if(p===\"/\"?l===p:l.startsWith(p)){{f(`./split_${{c}}.wasm`);\
         if(q&&new RegExp(q).test(location.search))f(`./split_${{t}}.wasm`);break}}",
        rows.join(",")
    )
}

/// The page file for each address (`src/lib.rs`'s routes), most specific first: path prefix,
/// page, the query that opens a part of it, and the part.
const EARLY_PAGES: [(&str, &str, &str, &str); 35] = [
    ("/", "home", "", ""),
    ("/access", "access", "", ""),
    ("/compute/instances/", "instance_details", "", ""),
    ("/compute/clusters/", "cluster_details", "", ""),
    ("/compute/clusters", "clusters", "", ""),
    ("/compute/create/cluster", "clusters", "", ""),
    ("/compute/quota", "quota", "", ""),
    ("/compute/import", "import", "", ""),
    ("/compute/kubernetes/", "attached_details", "", ""),
    ("/compute/attached/", "attached_details", "", ""),
    ("/compute/kubernetes", "attached", "", ""),
    ("/compute/attach", "attached", "", ""),
    ("/compute", "instances", "", ""),
    ("/jobs/runs/", "job", "[?&]tab=[^&]", "job__tabs"),
    ("/jobs/create", "job_create", "", ""),
    ("/jobs/compare", "job", "", ""),
    ("/jobs", "jobs", "", ""),
    ("/automl/create", "automl_create", "", ""),
    ("/automl", "automl", "", ""),
    (
        "/notebooks",
        "notebooks",
        "[?&](path|sample)=[^&]",
        "notebooks__editor",
    ),
    ("/data/datastores/", "datastore", "", ""),
    ("/data/assets/", "data_asset", "", ""),
    ("/data/import", "data_import", "", ""),
    ("/data", "data", "", ""),
    ("/models/register", "models", "", ""),
    ("/models/", "model", "[?&]tab=artifacts", "model__artifacts"),
    ("/models", "models", "", ""),
    ("/endpoints/batch/create", "batch_endpoints", "", ""),
    (
        "/endpoints/batch/",
        "batch_endpoint",
        "[?&]tab=jobs",
        "batch_endpoint__jobs",
    ),
    ("/endpoints/batch", "batch_endpoints", "", ""),
    ("/endpoints/create", "endpoints", "", ""),
    (
        "/endpoints/",
        "endpoint",
        "[?&]tab=(?!details)[^&]",
        "endpoint__tabs",
    ),
    ("/endpoints", "endpoints", "", ""),
    ("/workspaces", "workspaces", "", ""),
    ("/people", "workspaces", "", ""),
];

/// The first file of [`EARLY_PAGES`] that the build did not make (its `pages`: lazy function
/// and file), if any.
fn early_page_missing(pages: &[(String, String)]) -> Option<&'static str> {
    EARLY_PAGES
        .iter()
        .flat_map(|(_, page, _, part)| [*page, *part])
        .filter(|name| !name.is_empty())
        .find(|name| {
            !pages
                .iter()
                .any(|(_, file)| *file == format!("split_{name}.wasm"))
        })
}

/// The Web Worker's script, and the glue of its module.
const WORKER: &str = "worker.js";
const WORKER_GLUE: &str = "azimuth-worker.js";
/// The app folder's name, then the file the chunk loader fetches for each lazy function (one
/// line each, see `bundles`); written to `target/` for the size bench.
pub const CHUNK_MAP: &str = "app-chunks.txt";

/// The release wasm's standard library is built with the studio, so it is optimized for size
/// with it, and a panic stops the page at once: no panic messages, locations or `Debug`
/// output in the module (the studio prints none in release). Measured on the main module,
/// brotli: 278,902 bytes with the stable toolchain's prebuilt standard library, 261,045 with
/// its own and `immediate-abort`, 257,635 with `Debug` and locations also left out.
const OWN_STD_ARGS: [&str; 3] = [
    "-Zbuild-std=std,panic_abort",
    "--config",
    "target.wasm32-unknown-unknown.rustflags=\
     [\"-Zunstable-options\",\"-Cpanic=immediate-abort\",\"-Zfmt-debug=none\",\
     \"-Zlocation-detail=none\"]",
];

/// `cargo xtask build`: setup, then a release build into `dist/`.
pub fn main(args: &[String]) -> Result {
    if !args.is_empty() {
        return Err("usage: cargo xtask build".into());
    }
    setup::ensure()?;
    if std::env::var_os(STOP_WITH_PARENT).is_some() {
        stop_with_parent();
    }
    release()
}

/// Set by `cargo xtask test` for the build it starts in the background.
pub const STOP_WITH_PARENT: &str = "XTASK_STOP_WITH_PARENT";

/// Ends this build (its process group: cargo, rustc, node) once the process that started it
/// is gone, however it went (a Ctrl-C reaches only the test run's own group).
fn stop_with_parent() {
    let parent = std::os::unix::process::parent_id();
    std::thread::spawn(move || loop {
        std::thread::sleep(std::time::Duration::from_secs(1));
        if std::os::unix::process::parent_id() != parent {
            cmd::stop_group(std::process::id());
            std::process::exit(1);
        }
    });
}

/// The release build into `dist/`, then a brotli copy of every file for servers that send
/// precompressed files.
pub fn release() -> Result {
    cmd::run(&mut cmd::command("cargo", &["fetch", "--quiet"]))?;
    let mut trunk = cmd::command("trunk", &["build", "--release"]);
    // Env rather than `--offline`, whose optional value would swallow a following word.
    trunk
        .env("TRUNK_OFFLINE", "true")
        .env("TRUNK_SKIP_VERSION_CHECK", "true");
    cmd::run(&mut trunk)?;
    let dist = cmd::root().join("dist");
    let area_rules = crate::styles::area_rules(&dist)?;
    let app = build_app(&dist, &area_rules)?;
    link_app(&dist.join("index.html"), &app)?;
    crate::styles::join(&dist)?;
    copy_pyodide(&dist)?;
    crate::bench::precompress(&dist)
}

/// The files of Pyodide (npm `pyodide`: the interpreter and the standard library) the
/// "Python (in this browser)" kernel loads, and its Worker (`public/pyodide/kernel.mjs`), into
/// `dist/pyodide/`. Fetched only when a notebook first runs a cell in the browser.
const PYODIDE_FILES: [&str; 5] = [
    "pyodide.mjs",
    "pyodide.asm.mjs",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
];

fn copy_pyodide(dist: &Path) -> Result {
    let root = cmd::root();
    let out = dist.join("pyodide");
    fs::create_dir_all(&out)?;
    for file in PYODIDE_FILES {
        fs::copy(root.join("node_modules/pyodide").join(file), out.join(file))?;
    }
    fs::copy(
        root.join("public/pyodide/kernel.mjs"),
        out.join("kernel.mjs"),
    )?;
    Ok(())
}

/// Builds, splits, binds and optimizes the studio's wasm into `dist/app-<hash>/`; returns the
/// folder's name.
fn build_app(dist: &Path, area_rules: &[area_rules::Rule]) -> Result<String> {
    let root = cmd::root();
    let target = root.join("target");
    let mut args = vec![
        "build",
        "--release",
        "--quiet",
        "--target",
        "wasm32-unknown-unknown",
        "--package",
        "azimuth-studio",
        "--bin",
        "azimuth-studio",
        "--features",
        "split",
    ];
    let toolchain = format!("+{}", setup::NIGHTLY);
    let own_std = setup::nightly_std_ready();
    if own_std {
        args.splice(0..0, [toolchain.as_str()]);
        args.extend(OWN_STD_ARGS);
    } else {
        println!(
            "build: the nightly toolchain's rust-src is missing, so the studio is built with \
             the stable standard library (about 7 % larger); `cargo xtask setup` adds it"
        );
    }
    cmd::run(&mut cmd::command("cargo", &args))?;
    let linked = cmd::cargo_target().join("wasm32-unknown-unknown/release/azimuth-studio.wasm");
    let work = target.join("app");
    let _ = fs::remove_dir_all(&work);
    let split = work.join("split");
    let out = work.join("out");
    fs::create_dir_all(&split)?;
    fs::create_dir_all(&out)?;

    let trimmed = work.join("linked.wasm");
    fs::write(
        &trimmed,
        uncalled::without_uncalled_bindings(&fs::read(&linked)?)?,
    )?;
    let split_cli = cmd::tools_bin().join(setup::WASM_SPLIT_CLI);
    cmd::run(&mut cmd::command(
        &split_cli.to_string_lossy(),
        &[
            "--target",
            "web",
            "--out-name",
            "azimuth-studio",
            &trimmed.to_string_lossy(),
            &split.to_string_lossy(),
        ],
    ))?;
    // The chunks use the main module's function table, so wasm-bindgen must keep its export.
    cmd::run(&mut cmd::command(
        "wasm-bindgen",
        &[
            "--target",
            "web",
            "--keep-lld-exports",
            "--no-typescript",
            "--out-name",
            "azimuth-studio",
            "--out-dir",
            &out.to_string_lossy(),
            &split.join("azimuth-studio.wasm").to_string_lossy(),
        ],
    ))?;

    let loader = fs::read_to_string(split.join(SPLIT_LOADER))?;
    let bundles::Bundled { pages, initial } = bundles::bundle(&split, &out, &loader, SPLIT_LOADER)?;
    let main = out.join(MAIN_WASM);
    fs::write(
        &main,
        merge::with_initial_data(&fs::read(&main)?, &initial)?,
    )?;
    let modules = files_with_extension(&out, "wasm")?;
    optimize_all(&modules)?;
    refused_tables::refuse_in(&modules, own_std)?;
    if let Some(missing) = early_page_missing(&pages) {
        return Err(format!("start.js would fetch split_{missing}.wasm, which the build did not make: see EARLY_PAGES in xtask/src/build.rs").into());
    }
    area_rules::place(area_rules, &out, MAIN_WASM, SPLIT_LOADER, &pages)?;
    build_worker(&work, &out)?;
    fs::write(
        out.join(STARTER),
        format!(
            "{}import start from\"./{GLUE}\";\
             start({{module_or_path:new URL(\"{MAIN_WASM}\",import.meta.url)}});\n",
            early_chunks()
        ),
    )?;
    for script in [GLUE, SPLIT_LOADER, WORKER_GLUE, WORKER] {
        minify_js(&out.join(script))?;
    }
    slim::main_module(&out.join(MAIN_WASM), &out.join(GLUE), SPLIT_LOADER)?;

    let mut hash = Fnv::default();
    let mut files = files_with_extension(&out, "")?;
    files.sort();
    for file in &files {
        hash.write(file.file_name().unwrap_or_default().as_encoded_bytes());
        hash.write(&fs::read(file)?);
    }
    let name = format!("app-{:016x}", hash.0);
    for stale in fs::read_dir(dist)? {
        let stale = stale?.path();
        if stale.is_dir() && is_app_folder(&stale) {
            fs::remove_dir_all(stale)?;
        }
    }
    fs::rename(&out, dist.join(&name))?;
    let map: String = pages
        .iter()
        .map(|(f, file)| format!("{f} {file}\n"))
        .collect();
    let map = format!("{name}\n{map}");
    fs::write(target.join(CHUNK_MAP), map)?;
    Ok(name)
}

/// Builds the Web Worker (`crates/worker`, the `worker` profile: optimized for speed) into
/// `out`: its module, its wasm-bindgen glue and `worker.js`, which starts it.
fn build_worker(work: &Path, out: &Path) -> Result {
    cmd::run(&mut cmd::command(
        "cargo",
        &[
            "build",
            "--profile",
            "worker",
            "--quiet",
            "--target",
            "wasm32-unknown-unknown",
            "--package",
            "azimuth-worker",
        ],
    ))?;
    let root = cmd::root();
    let linked = cmd::cargo_target().join("wasm32-unknown-unknown/worker/azimuth_worker.wasm");
    let bound = work.join("worker");
    cmd::run(&mut cmd::command(
        "wasm-bindgen",
        &[
            "--target",
            "web",
            "--no-typescript",
            "--out-name",
            "azimuth-worker",
            "--out-dir",
            &bound.to_string_lossy(),
            &linked.to_string_lossy(),
        ],
    ))?;
    let module = out.join("azimuth-worker_bg.wasm");
    fs::copy(bound.join("azimuth-worker_bg.wasm"), &module)?;
    fs::copy(bound.join(WORKER_GLUE), out.join(WORKER_GLUE))?;
    fs::copy(root.join("crates/worker").join(WORKER), out.join(WORKER))?;
    optimize_wasm(&module, "-O3")
}

/// Whether a folder under `dist/` is an app folder of some build.
fn is_app_folder(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.strip_prefix("app-")
        .is_some_and(|h| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// wasm-opt -Oz on every module (the main one and a page's each): one node
/// process per core, each loading binaryen once and optimizing its share
/// (`xtask/wasm_opt.mjs`). Run as one `wasm-opt` per module, binaryen's start-up alone took
/// most of the build (1.3 s for a module of 1 KB; about 7 of the build's 14 minutes).
fn optimize_all(modules: &[PathBuf]) -> Result {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    // The largest first, each to the share with the fewest bytes so far.
    let mut sized: Vec<(u64, &PathBuf)> = modules
        .iter()
        .map(|m| (fs::metadata(m).map_or(0, |d| d.len()), m))
        .collect();
    sized.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut shares: Vec<(u64, Vec<String>)> = vec![(0, Vec::new()); workers];
    for (size, module) in sized {
        if let Some(share) = shares.iter_mut().min_by_key(|s| s.0) {
            share.0 += size;
            share.1.push(module.to_string_lossy().into_owned());
        }
    }
    let script = cmd::root().join("xtask/wasm_opt.mjs");
    let script = script.to_string_lossy();
    let failures: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = shares
            .iter()
            .filter(|(_, files)| !files.is_empty())
            .map(|(_, files)| {
                let script = &script;
                s.spawn(move || {
                    let mut args = vec![script.as_ref()];
                    args.extend(files.iter().map(String::as_str));
                    cmd::run(&mut cmd::command("node", &args)).map_err(|e| e.to_string())
                })
            })
            .collect();
        handles
            .into_iter()
            .filter_map(|h| match h.join() {
                Ok(Ok(())) => None,
                Ok(Err(e)) => Some(e),
                Err(_) => Some("wasm-opt's worker panicked".into()),
            })
            .collect()
    });
    match failures.into_iter().next() {
        Some(first) => Err(first.into()),
        None => Ok(()),
    }
}

/// `wasm-opt <level>` in place, with the features Rust's wasm32 target emits.
fn optimize_wasm(module: &Path, level: &str) -> Result {
    let path = module.to_string_lossy();
    let wasm_opt = cmd::tools_bin().join("wasm-opt");
    cmd::run(&mut cmd::command(
        &wasm_opt.to_string_lossy(),
        &[
            level,
            "--enable-bulk-memory",
            "--enable-nontrapping-float-to-int",
            "--enable-sign-ext",
            "--enable-reference-types",
            "--enable-multivalue",
            "--enable-mutable-globals",
            &path,
            "-o",
            &path,
        ],
    ))
}

/// terser on an ES module, in place.
fn minify_js(script: &Path) -> Result {
    let path = script.to_string_lossy();
    cmd::run(&mut cmd::command(
        "node",
        &[
            "node_modules/terser/bin/terser",
            &path,
            "--module",
            "--compress",
            "--mangle",
            "--output",
            &path,
        ],
    ))
}

/// Adds the app to the page trunk built: where its Web Worker is (a `<meta>` the studio reads),
/// preloads in `<head>` (the glue, the chunk loader it
/// imports, the main module) and the module script that starts it (`STARTER`) at the end of
/// `<body>`.
fn link_app(index: &Path, app: &str) -> Result {
    let html = fs::read_to_string(index)?;
    let (Some(head), Some(body)) = (html.find("</head>"), html.rfind("</body>")) else {
        return Err(format!("{} has no </head> or </body>", index.display()).into());
    };
    let preloads = format!(
        "<meta name=azimuth-worker content=/{app}/{WORKER}>\
         <link rel=modulepreload href=/{app}/{GLUE}>\
         <link rel=modulepreload href=/{app}/{SPLIT_LOADER}>\
         <link rel=preload href=/{app}/{MAIN_WASM} as=fetch type=application/wasm crossorigin>"
    );
    let start = format!("<script type=module src=/{app}/{STARTER}></script>");
    let linked = format!(
        "{}{preloads}{}{start}{}",
        &html[..head],
        &html[head..body],
        &html[body..]
    );
    fs::write(index, linked)?;
    Ok(())
}

/// The files directly in `dir` whose name ends with `extension` (every file for "").
fn files_with_extension(dir: &Path, extension: &str) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        let matches =
            extension.is_empty() || path.extension().and_then(|e| e.to_str()) == Some(extension);
        if path.is_file() && matches {
            files.push(path);
        }
    }
    Ok(files)
}

/// FNV-1a, 64 bits: names the app folder (and the stylesheet) after its contents (not
/// cryptographic; cache busting).
pub(crate) struct Fnv(pub(crate) u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    /// Adds `bytes` to the hash.
    pub(crate) fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = (self.0 ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_js_names_only_page_files_the_build_made() {
        let mut pages: Vec<(String, String)> = EARLY_PAGES
            .iter()
            .flat_map(|(_, page, _, part)| [*page, *part])
            .filter(|name| !name.is_empty())
            .map(|name| (name.to_owned(), format!("split_{name}.wasm")))
            .collect();
        assert_eq!(early_page_missing(&pages), None);
        pages.retain(|(name, _)| name != "endpoint__tabs");
        assert_eq!(early_page_missing(&pages), Some("endpoint__tabs"));
        let script = early_chunks();
        assert!(script.starts_with("import{__wasm_split_prefetch as f}from\"./__wasm_split.js\";"));
        assert!(script
            .contains(r#"["/endpoints/","endpoint","[?&]tab=(?!details)[^&]","endpoint__tabs"]"#));
    }

    #[test]
    fn start_js_fetches_the_page_file_each_address_opens() {
        let script = early_chunks().replace(
            &format!("import{{__wasm_split_prefetch as f}}from\"./{SPLIT_LOADER}\";"),
            "",
        );
        let cases = r#"[
            ["/", "", "home"],
            ["/compute/instances", "", "instances"],
            ["/compute/create/instance", "", "instances"],
            ["/compute/instances/ci-1", "", "instance_details"],
            ["/compute/attached", "", "attached"],
            ["/compute/attached/a1", "", "attached_details"],
            ["/endpoints/batch/b1", "?tab=jobs", "batch_endpoint batch_endpoint__jobs"],
            ["/endpoints/batch/b1", "?tab=yaml", "batch_endpoint"],
            ["/endpoints/batch", "", "batch_endpoints"],
            ["/endpoints/e1", "?tab=details", "endpoint"],
            ["/endpoints/e1", "?wsid=w&tab=test", "endpoint endpoint__tabs"],
            ["/notebooks", "", "notebooks"],
            ["/notebooks", "?path=Users/ada/a.ipynb", "notebooks notebooks__editor"],
            ["/jobs/runs/r1", "", "job"],
            ["/jobs/runs/r1", "?tab=metrics", "job job__tabs"],
            ["/models/m/versions/1", "?tab=artifacts", "model model__artifacts"],
            ["/data/assets/d1", "", "data_asset"],
            ["/elsewhere", "", ""]
        ]"#;
        let program = format!(
            "const out=[];const f=(x)=>out.push(x.slice(8,-5));\
             for(const[p,s,want]of{cases}){{globalThis.location={{pathname:p,search:s}};\
             out.length=0;{{{script}}}if(out.join(' ')!==want)\
             throw new Error(`${{p}}${{s}}: ${{out.join(' ')}}, not ${{want}}`)}}"
        );
        let ran = std::process::Command::new("node")
            .args(["-e", &program])
            .output()
            .expect("node runs (cargo xtask setup installs it)");
        assert!(
            ran.status.success(),
            "{}",
            String::from_utf8_lossy(&ran.stderr)
        );
    }

    #[test]
    fn links_the_app_into_the_page() {
        let dir = std::env::temp_dir().join(format!("azimuth-link-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let index = dir.join("index.html");
        fs::write(
            &index,
            "<html><head><title>A</title></head><body><p>x</body></html>",
        )
        .unwrap();
        link_app(&index, "app-0123456789abcdef").unwrap();
        let html = fs::read_to_string(&index).unwrap();
        fs::remove_dir_all(&dir).unwrap();
        assert!(html.contains(
            "<title>A</title><meta name=azimuth-worker content=/app-0123456789abcdef/worker.js>\
             <link rel=modulepreload href=/app-0123456789abcdef/azimuth-studio.js>"
        ));
        assert!(html.ends_with(
            "<p>x<script type=module src=/app-0123456789abcdef/start.js></script></body></html>"
        ));
        assert!(!html.contains("<script type=module>"), "no inline script");
        assert!(link_app(&index, "app-0").is_err(), "the file is gone");
    }

    #[test]
    fn app_folders_are_recognised() {
        assert!(is_app_folder(Path::new("dist/app-0123456789abcdef")));
        assert!(!is_app_folder(Path::new("dist/app-01234")));
        assert!(!is_app_folder(Path::new("dist/style")));
    }
}
