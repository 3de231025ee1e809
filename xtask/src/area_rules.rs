//! Each area's stylesheet rules travel with the modules that use them. The core stylesheets
//! (tokens, base, shell, pages) stay linked from `index.html`; the area stylesheets
//! (`style/areas/`, which trunk writes to `dist/areas/`) are cut into rules, and a rule goes with
//! each module whose strings name one of its classes, unless the main module (or the page a
//! page's part loads after) brings it: the main module's rules are written into the split
//! loader, a page's into a custom section of its module. The loader keeps one constructed
//! stylesheet, after the linked ones, and inserts each rule at its place among all area rules, so
//! whatever subset is loaded cascades as the whole did. (Every page carried all 5.2 KB brotli of
//! area rules before; the entry now carries 0.4 KB and a page up to 2.4 KB, most far less.)
//!
//! A class is found in a module's data segments (the strings its code writes into the DOM); one
//! built at run time with `format!("state-badge--{}", ...)` is found by its BEM prefix, the text
//! up to its last `--` or `__`. So the code writes a class whole, or as such a prefix and a
//! modifier; every e2e test ends by checking that each class on its page has its rules
//! (`tests/e2e/helpers.ts`). Too many rules in a file costs bytes; too few would leave a page
//! unstyled, so every doubtful case counts as needed.

use crate::Result;
use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::path::Path;

/// The name of the custom section that carries a page's rules.
const SECTION: &str = "azimuth.rules";

/// One rule of the area stylesheets: its place among them all, its text (a `@media` block's
/// rules each wrapped in the block) and the selectors that say which strings call for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// Its place among all area rules, in the order `index.html` links the stylesheets.
    pub index: usize,
    /// The rule as CSS, on one line.
    pub text: String,
    selectors: String,
}

/// The rules of a minified stylesheet, numbered from `first`. At-rules other than `@media` stay
/// whole and count as always needed; a statement at-rule (`@import`) is refused.
pub fn rules(css: &str, first: usize) -> Result<Vec<Rule>> {
    let mut rules = Vec::new();
    for (prelude, body) in blocks(css)? {
        if prelude.contains(';') {
            return Err(format!("an area stylesheet has a statement at-rule: {prelude}").into());
        }
        if let Some(condition) = prelude.strip_prefix("@media") {
            for (selectors, inner) in blocks(body)? {
                rules.push(Rule {
                    index: first + rules.len(),
                    text: format!("@media{condition}{{{selectors}{{{inner}}}}}"),
                    selectors: selectors.to_owned(),
                });
            }
        } else {
            let always = prelude.starts_with('@');
            rules.push(Rule {
                index: first + rules.len(),
                text: format!("{prelude}{{{body}}}"),
                selectors: if always {
                    String::new()
                } else {
                    prelude.to_owned()
                },
            });
        }
    }
    // The loader reads one rule per line.
    if let Some(rule) = rules.iter().find(|r| r.text.contains('\n')) {
        return Err(format!("an area rule spans lines: {}", rule.text).into());
    }
    Ok(rules)
}

/// The top-level `prelude{body}` blocks of CSS, skipping quoted text and escaped characters
/// when matching braces.
fn blocks(css: &str) -> Result<Vec<(&str, &str)>> {
    let mut found = Vec::new();
    let bytes = css.as_bytes();
    let (mut depth, mut start, mut open) = (0usize, 0usize, 0usize);
    let mut quote = None;
    let mut at = 0;
    while at < bytes.len() {
        let byte = bytes[at];
        match (quote, byte) {
            (_, b'\\') => at += 1,
            (Some(q), _) if q == byte => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(byte),
            (None, b'{') => {
                if depth == 0 {
                    open = at;
                }
                depth += 1;
            }
            (None, b'}') => {
                depth = depth.checked_sub(1).ok_or_else(|| {
                    format!("an area stylesheet closes a block it never opened, at byte {at}")
                })?;
                if depth == 0 {
                    found.push((css[start..open].trim(), &css[open + 1..at]));
                    start = at + 1;
                }
            }
            (None, _) => {}
        }
        at += 1;
    }
    if depth != 0 || quote.is_some() || !css[start..].trim().is_empty() {
        return Err("an area stylesheet ends inside a block or a quote".into());
    }
    Ok(found)
}

impl Rule {
    /// The rule's selectors that can match in this build, each as the classes it requires
    /// (`.name` outside parentheses: `:not(.x)` and `:is(.a,.b)` require none): those whose
    /// classes are all in `anywhere`, the strings of every module. An empty set is a selector
    /// without classes; a rule that is not a style rule (`@font-face`) has one.
    fn matchable(&self, anywhere: &str) -> Vec<BTreeSet<&str>> {
        if self.selectors.is_empty() {
            return vec![BTreeSet::new()];
        }
        selector_list(&self.selectors)
            .into_iter()
            .map(required_classes)
            .filter(|classes| classes.iter().all(|c| found(c, anywhere)))
            .collect()
    }
}

/// Whether a module whose strings are `here` may show an element a rule styles, given the rule's
/// matchable selectors: one has no class, or one of its classes in `here`. One class is enough:
/// an element of this module may sit in another's (a wizard in its list, a dialog in a page), so
/// `.list .wizard__step` is needed by the list's module and by the wizard's.
fn needed(matchable: &[BTreeSet<&str>], here: &str) -> bool {
    matchable
        .iter()
        .any(|classes| classes.is_empty() || classes.iter().any(|c| found(c, here)))
}

/// The selectors of a selector list: `list` cut at each comma outside parentheses and brackets.
fn selector_list(list: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (at, byte) in list.bytes().enumerate() {
        match byte {
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth = depth.saturating_sub(1),
            b',' if depth == 0 => {
                parts.push(&list[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    parts.push(&list[start..]);
    parts
}

/// The classes a selector requires (`.name` outside parentheses and brackets).
fn required_classes(selector: &str) -> BTreeSet<&str> {
    let bytes = selector.as_bytes();
    let mut classes = BTreeSet::new();
    let mut depth = 0usize;
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth = depth.saturating_sub(1),
            b'.' if depth == 0 => {
                let end = bytes[at + 1..]
                    .iter()
                    .position(|b| !(b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_'))
                    .map_or(bytes.len(), |n| at + 1 + n);
                if end > at + 1 {
                    classes.insert(&selector[at + 1..end]);
                }
                at = end;
                continue;
            }
            _ => {}
        }
        at += 1;
    }
    classes
}

/// Whether `class`, or its BEM prefix (up to its last `--` or `__`, for a class built at run
/// time), is in `text`.
fn found(class: &str, text: &str) -> bool {
    let prefix = [class.rfind("--"), class.rfind("__")]
        .into_iter()
        .flatten()
        .max()
        .filter(|&n| n > 0)
        .map(|n| &class[..n + 2]);
    [Some(class), prefix]
        .into_iter()
        .flatten()
        .any(|needle| text.contains(needle))
}

/// A module's data segments, one after another, as text (bytes that are not UTF-8 replaced).
fn data_text(module: &[u8]) -> Result<String> {
    let mut text = String::new();
    for payload in wasmparser::Parser::new(0).parse_all(module) {
        if let wasmparser::Payload::DataSection(reader) = payload? {
            for data in reader {
                text.push_str(&String::from_utf8_lossy(data?.data));
                text.push('\0');
            }
        }
    }
    Ok(text)
}

/// Places the rules: each page module in `out` (`pages`: lazy function and file) gets, as a
/// custom section, those whose classes its strings name (see [`needed`]) and that neither the
/// main module nor its parent page brings; the split loader `loader` gets [`ADOPT_RULES`] and
/// the main module's rules.
pub fn place(
    rules: &[Rule],
    out: &Path,
    main: &str,
    loader: &str,
    pages: &[(String, String)],
) -> Result {
    let main_text = data_text(&fs::read(out.join(main))?)?;
    let mut texts: HashMap<&str, String> = HashMap::new();
    for (_, file) in pages {
        texts.insert(file, data_text(&fs::read(out.join(file))?)?);
    }
    let anywhere: String = [&main_text]
        .into_iter()
        .chain(texts.values())
        .map(String::as_str)
        .collect();
    let matchable: Vec<_> = rules.iter().map(|r| r.matchable(&anywhere)).collect();
    let needed_by = |here: &str| -> BTreeSet<usize> {
        rules
            .iter()
            .zip(&matchable)
            .filter(|(_, m)| needed(m, here))
            .map(|(r, _)| r.index)
            .collect()
    };
    let entry = needed_by(&main_text);
    let by_file: HashMap<&str, BTreeSet<usize>> = texts
        .iter()
        .map(|(file, text)| (*file, needed_by(text)))
        .collect();
    let files: HashMap<&str, &str> = pages
        .iter()
        .map(|(f, file)| (f.as_str(), file.as_str()))
        .collect();
    for (function, file) in pages {
        let mut brought = entry.clone();
        if let Some(page) = crate::bundles::parent_page(function) {
            let parent = files
                .get(page)
                .ok_or(format!("{function}: no page {page}"))?;
            brought.extend(&by_file[parent]);
        }
        let own: Vec<&Rule> = rules
            .iter()
            .filter(|r| by_file[file.as_str()].contains(&r.index) && !brought.contains(&r.index))
            .collect();
        if !own.is_empty() {
            let path = out.join(file);
            fs::write(&path, with_rules(&fs::read(&path)?, &own))?;
        }
    }
    let main_rules = lines(rules.iter().filter(|r| entry.contains(&r.index)));
    let script = fs::read_to_string(out.join(loader))?;
    let adopt = format!(
        "{ADOPT_RULES}adoptRules({});\n",
        serde_json::to_string(&main_rules)?
    );
    fs::write(out.join(loader), script + &adopt)?;
    Ok(())
}

/// The rules as the loader reads them: one per line, its index, a space and its text.
fn lines<'a>(rules: impl IntoIterator<Item = &'a Rule>) -> String {
    rules
        .into_iter()
        .map(|r| format!("{} {}\n", r.index, r.text))
        .collect()
}

/// `module` with the rules as a custom section ([`SECTION`]) at its end.
fn with_rules(module: &[u8], rules: &[&Rule]) -> Vec<u8> {
    use wasm_encoder::Section;
    let mut out = module.to_vec();
    let lines = lines(rules.iter().copied());
    wasm_encoder::CustomSection {
        name: SECTION.into(),
        data: lines.as_bytes().into(),
    }
    .append_to(&mut out);
    out
}

/// The split loader's part that keeps the area rules: one constructed stylesheet after the
/// linked ones, each rule inserted at its place among those loaded. (A browser that cannot
/// construct one, older than Chrome 73, Firefox 101 or Safari 16.4, gets a `<style>` element,
/// which a Content-Security-Policy without `'unsafe-inline'` styles blocks.) A rule the browser
/// cannot parse is skipped, as a stylesheet would. `compilePage` hands each compiled page to
/// `adoptRulesOf`.
const ADOPT_RULES: &str = r#"const areaRules = (() => {
    try {
        const sheet = new CSSStyleSheet();
        document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
        return sheet;
    } catch {
        return document.head.appendChild(document.createElement("style")).sheet;
    }
})();
const adoptedRules = [];
function adoptRules(lines) {
    for (const line of lines.split("\n")) {
        const space = line.indexOf(" ");
        if (space < 0) continue;
        const index = Number(line.slice(0, space));
        let at = 0;
        while (at < adoptedRules.length && adoptedRules[at] < index) at++;
        if (adoptedRules[at] === index) continue;
        try {
            areaRules.insertRule(line.slice(space + 1), at);
            adoptedRules.splice(at, 0, index);
        } catch {}
    }
}
function adoptRulesOf(module) {
    for (const section of WebAssembly.Module.customSections(module, "azimuth.rules")) {
        adoptRules(new TextDecoder().decode(section));
    }
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    const CSS: &str = ".tabs{display:flex}.tabs__tab:hover,.x .y{color:red}\
        @media (width<=900px){.grid{display:block}.z:not(.open){gap:0}}\
        .state-badge--running{content:\"}{\"}a[href]{color:blue}";

    #[test]
    fn cuts_rules_and_media_blocks_in_order() {
        let rules = rules(CSS, 10).unwrap();
        let texts: Vec<_> = rules.iter().map(|r| (r.index, r.text.as_str())).collect();
        assert_eq!(
            texts,
            [
                (10, ".tabs{display:flex}"),
                (11, ".tabs__tab:hover,.x .y{color:red}"),
                (12, "@media (width<=900px){.grid{display:block}}"),
                (13, "@media (width<=900px){.z:not(.open){gap:0}}"),
                (14, ".state-badge--running{content:\"}{\"}"),
                (15, "a[href]{color:blue}"),
            ]
        );
    }

    #[test]
    fn a_rule_is_needed_where_one_of_its_classes_is_named() {
        let rules = rules(CSS, 0).unwrap();
        let needed_by = |here: &str, anywhere: &str| -> Vec<usize> {
            rules
                .iter()
                .filter(|r| needed(&r.matchable(anywhere), here))
                .map(|r| r.index)
                .collect()
        };
        let build = "\"tabs__tab\" x y z grid state-badge state-badge--";
        // No class named: only the rule without classes.
        assert_eq!(needed_by("nothing here", build), [5]);
        // `tabs__tab` names `tabs` too.
        assert_eq!(needed_by("\"tabs__tab\"", build), [0, 1, 5]);
        // `x` here and `y` elsewhere: an element of this module may sit in another's.
        assert_eq!(needed_by("x", build), [1, 5]);
        assert_eq!(needed_by("x", "x"), [5]);
        // `:not(.open)` requires no `open`; a badge built at run time is found by its prefix.
        assert_eq!(needed_by("grid", build), [2, 5]);
        assert_eq!(needed_by("z", build), [3, 5]);
        assert_eq!(needed_by("state-badge--", build), [4, 5]);
    }

    #[test]
    fn the_loader_reads_the_section_the_build_writes() {
        assert!(ADOPT_RULES.contains(&format!("\"{SECTION}\"")));
    }

    #[test]
    fn broken_stylesheets_are_refused() {
        assert!(rules(".a{color:red", 0).is_err());
        assert!(rules(".a{color:red}}", 0).is_err());
        assert!(rules(".a{content:\"}", 0).is_err());
        assert!(rules(".a{color:red} .b", 0).is_err());
        assert!(rules("@import url(x.css);.a{color:red}", 0).is_err());
        let escaped = rules(".a\\{b{color:red}", 0).unwrap();
        assert_eq!(escaped[0].text, ".a\\{b{color:red}");
    }

    #[test]
    fn rules_travel_in_a_custom_section() {
        let module = wat_free_module();
        let rules = rules(".a{color:red}.b{color:blue}", 3).unwrap();
        let with = with_rules(&module, &rules.iter().collect::<Vec<_>>());
        wasmparser::validate(&with).unwrap();
        let section = wasmparser::Parser::new(0)
            .parse_all(&with)
            .find_map(|p| match p.unwrap() {
                wasmparser::Payload::CustomSection(c) if c.name() == SECTION => {
                    Some(String::from_utf8(c.data().to_vec()).unwrap())
                }
                _ => None,
            })
            .unwrap();
        assert_eq!(section, "3 .a{color:red}\n4 .b{color:blue}\n");
        assert_eq!(data_text(&with).unwrap(), "tabs\0");
    }

    /// A module with one memory and one data segment holding `tabs`.
    fn wat_free_module() -> Vec<u8> {
        let mut module = wasm_encoder::Module::new();
        let mut memories = wasm_encoder::MemorySection::new();
        memories.memory(wasm_encoder::MemoryType {
            minimum: 1,
            maximum: None,
            memory64: false,
            shared: false,
            page_size_log2: None,
        });
        module.section(&memories);
        let mut data = wasm_encoder::DataSection::new();
        data.active(
            0,
            &wasm_encoder::ConstExpr::i32_const(8),
            b"tabs".iter().copied(),
        );
        module.section(&data);
        module.finish()
    }
}
