//! One stylesheet for the studio. The sources stay one file per part (`style/*.css`, each
//! minified and named by its hash by trunk); the build joins what `index.html` links, in its
//! order, into one file. The area stylesheets (`style/areas/`, in `dist/areas/`) are not part of
//! it: their rules travel with the modules that use them (`area_rules.rs`).
//!
//! A cold runs page of 2,000 runs to its first row, 25 loads each way in one sitting: median
//! 360 ms with the 11 stylesheets, 319 ms with one (each stylesheet is a request of its own,
//! checked against its `integrity` hash, and parsed and applied in a task of its own before the
//! studio's script may run).

use crate::build::Fnv;
use crate::{area_rules, Result};
use std::fs;
use std::path::Path;

/// Where trunk writes the area stylesheets (their links' `data-target-path`).
const AREAS: &str = "areas/";

/// The rules of the area stylesheets `dist/index.html` links, numbered in its order.
pub fn area_rules(dist: &Path) -> Result<Vec<area_rules::Rule>> {
    let html = fs::read_to_string(dist.join("index.html"))?;
    let mut rules = Vec::new();
    for link in stylesheet_links(&html).iter().filter(|l| l.is_area()) {
        let css = fs::read_to_string(dist.join(&link.file))?;
        rules.extend(
            area_rules::rules(&css, rules.len()).map_err(|e| format!("{}: {e}", link.file))?,
        );
    }
    Ok(rules)
}

/// Joins the stylesheets `dist/index.html` links, but for the area ones, into one
/// `styles-<hash>.css`, links that one in place of the first and drops the others (and their
/// files, and the area stylesheets' folder).
pub fn join(dist: &Path) -> Result {
    let index = dist.join("index.html");
    let html = fs::read_to_string(&index)?;
    let links = stylesheet_links(&html);
    if links.is_empty() {
        return Ok(());
    }
    let mut joined = String::new();
    for link in links.iter().filter(|l| !l.is_area()) {
        joined.push_str(fs::read_to_string(dist.join(&link.file))?.trim_end());
        joined.push('\n');
    }
    let mut hash = Fnv::default();
    hash.write(joined.as_bytes());
    let name = format!("styles-{:016x}.css", hash.0);
    fs::write(dist.join(&name), &joined)?;
    let mut page = String::with_capacity(html.len());
    let mut at = 0;
    for (n, link) in links.iter().enumerate() {
        page.push_str(&html[at..link.start]);
        if n == 0 {
            page.push_str(&format!("<link rel=stylesheet href=/{name}>"));
        }
        at = link.end;
    }
    page.push_str(&html[at..]);
    fs::write(&index, page)?;
    for link in &links {
        fs::remove_file(dist.join(&link.file))?;
    }
    let areas = dist.join(AREAS);
    if areas.is_dir() && fs::read_dir(&areas)?.next().is_none() {
        fs::remove_dir(areas)?;
    }
    Ok(())
}

/// A `<link rel=stylesheet href=/x.css ...>` of the page: where its tag is, and its file.
struct Link {
    start: usize,
    end: usize,
    file: String,
}

impl Link {
    fn is_area(&self) -> bool {
        self.file.starts_with(AREAS)
    }
}

/// The page's links to stylesheets of its own folder or the areas', in order (trunk writes them
/// as `<link href=/x-<hash>.css integrity=... rel=stylesheet>`, attributes in any order).
fn stylesheet_links(html: &str) -> Vec<Link> {
    let mut links = Vec::new();
    let mut from = 0;
    while let Some(found) = html[from..].find("<link ") {
        let start = from + found;
        let Some(length) = html[start..].find('>') else {
            break;
        };
        let end = start + length + 1;
        let tag = &html[start..end];
        let attribute = |name: &str| {
            tag[1..tag.len() - 1]
                .split_ascii_whitespace()
                .find_map(|a| a.strip_prefix(name))
                .map(|v| v.trim_matches(['"', '\'']).to_owned())
        };
        let stylesheet = attribute("rel=").is_some_and(|r| r == "stylesheet");
        let file = attribute("href=")
            .and_then(|h| h.strip_prefix('/').map(str::to_owned))
            .filter(|f| {
                let name = f.strip_prefix(AREAS).unwrap_or(f);
                f.ends_with(".css") && !name.contains('/')
            });
        if let (true, Some(file)) = (stylesheet, file) {
            links.push(Link { start, end, file });
        }
        from = end;
    }
    links
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_the_linked_stylesheets_in_their_order_but_the_areas() {
        let dir = std::env::temp_dir().join(format!("azimuth-styles-{}", std::process::id()));
        fs::create_dir_all(dir.join("areas")).unwrap();
        fs::write(
            dir.join("areas/x-3.css"),
            ".x{gap:0}@media (width<=9px){.y{gap:1px}}",
        )
        .unwrap();
        fs::write(dir.join("areas/z-4.css"), ".z{gap:2px}").unwrap();
        fs::write(dir.join("a-1.css"), "a{color:red}\n").unwrap();
        fs::write(dir.join("b-2.css"), "b{color:blue}").unwrap();
        fs::write(dir.join("other.css"), "c{}").unwrap();
        fs::write(
            dir.join("index.html"),
            "<head><link href=/icon.svg rel=icon><link href=/a-1.css integrity=sha384-x \
             rel=stylesheet><link href=/b-2.css integrity=sha384-y rel=stylesheet>\
             <link href=/areas/x-3.css rel=stylesheet><link href=/areas/z-4.css rel=stylesheet>\
             <link rel=preload href=/studio.json as=fetch></head>",
        )
        .unwrap();
        let areas: Vec<_> = area_rules(&dir)
            .unwrap()
            .into_iter()
            .map(|r| (r.index, r.text))
            .collect();
        join(&dir).unwrap();
        let html = fs::read_to_string(dir.join("index.html")).unwrap();
        let name = html
            .split("href=/")
            .find_map(|s| s.split_once(".css>").map(|(n, _)| format!("{n}.css")))
            .unwrap();
        let css = fs::read_to_string(dir.join(&name)).unwrap();
        let left: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        fs::remove_dir_all(&dir).unwrap();
        assert!(name.starts_with("styles-"), "{name}");
        assert_eq!(css, "a{color:red}\nb{color:blue}\n");
        assert_eq!(
            html,
            format!(
                "<head><link href=/icon.svg rel=icon><link rel=stylesheet href=/{name}>\
                 <link rel=preload href=/studio.json as=fetch></head>"
            )
        );
        assert!(!left.iter().any(|f| f == "a-1.css" || f == "b-2.css"));
        assert!(left.iter().any(|f| f == "other.css"), "unlinked files stay");
        assert!(!left.iter().any(|f| f == "areas"), "{left:?}");
        let expected = [
            ".x{gap:0}",
            "@media (width<=9px){.y{gap:1px}}",
            ".z{gap:2px}",
        ];
        assert_eq!(
            areas,
            expected
                .map(|t| t.to_owned())
                .into_iter()
                .enumerate()
                .collect::<Vec<_>>()
        );
    }
}
