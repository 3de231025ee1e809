//! One stylesheet for the studio. The sources stay one file per area (`style/*.css`, each
//! minified and named by its hash by trunk); the build joins what `index.html` links, in its
//! order, into one file. A cold runs page of 2,000 runs to its first row, 25 loads each way in
//! one sitting: median 360 ms with the 11 stylesheets, 319 ms with one (each stylesheet is a
//! request of its own, checked against its `integrity` hash, and parsed and applied in a task
//! of its own before the studio's script may run).

use crate::build::Fnv;
use crate::Result;
use std::fs;
use std::path::Path;

/// Joins the stylesheets `dist/index.html` links into one `styles-<hash>.css`, links that one
/// in place of the first and drops the others (and their files).
pub fn join(dist: &Path) -> Result {
    let index = dist.join("index.html");
    let html = fs::read_to_string(&index)?;
    let links = stylesheet_links(&html);
    if links.len() < 2 {
        return Ok(());
    }
    let mut joined = String::new();
    for link in &links {
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
    Ok(())
}

/// A `<link rel=stylesheet href=/x.css ...>` of the page: where its tag is, and its file.
struct Link {
    start: usize,
    end: usize,
    file: String,
}

/// The page's links to stylesheets of its own folder, in order (trunk writes them as
/// `<link href=/x-<hash>.css integrity=... rel=stylesheet>`, attributes in any order).
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
            .filter(|f| f.ends_with(".css") && !f.contains('/'));
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
    fn joins_the_linked_stylesheets_in_their_order() {
        let dir = std::env::temp_dir().join(format!("azimuth-styles-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("a-1.css"), "a{color:red}\n").unwrap();
        fs::write(dir.join("b-2.css"), "b{color:blue}").unwrap();
        fs::write(dir.join("other.css"), "c{}").unwrap();
        fs::write(
            dir.join("index.html"),
            "<head><link href=/icon.svg rel=icon><link href=/a-1.css integrity=sha384-x \
             rel=stylesheet><link href=/b-2.css integrity=sha384-y rel=stylesheet>\
             <link rel=preload href=/studio.json as=fetch></head>",
        )
        .unwrap();
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
    }
}
