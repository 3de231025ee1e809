//! Two cuts in the main module that wasm-opt does not make, after terser and before the
//! files are hashed.
//!
//! - **Short import names.** wasm-bindgen names each import after the JavaScript it calls and a
//!   hash (`__wbg_location_7320782274fc691b`), and the module itself `./azimuth-studio_bg.js`.
//!   The main module and the glue each carry all of them (some 350), and the hashes do not
//!   compress. They become `a`, `b`, … `ba`, … in both files. An import whose name the glue
//!   does not hold exactly once, as an object key, keeps its name. (Measured: 8.1 KB brotli of
//!   the entry, its module and glue 211,513 → 203,409 bytes.)
//! - **No table segments of nulls.** wasm-split-cli reserves the function table's slots of the
//!   split chunks with element segments of `ref.null` (some 1,080 segments, 8,000 slots), and
//!   leaves some 320 empty ones. A new table's slots are null already, so they only cost bytes
//!   (3.6 KB brotli). They go when they overlap no other segment and no instruction names a
//!   segment by its index.
//! - **One import of the split loader.** wasm-bindgen's glue imports `__wasm_split.js` once
//!   for each of the main module's imports from it (`import*as n from"./__wasm_split.js"`, 52
//!   of them) and gives its imports object the same key as often. One of each is kept.
//!   (Measured: the glue 5,208 → 5,016 bytes brotli.)

use crate::Result;
use std::collections::HashMap;
use std::fs;
use std::ops::Range;
use std::path::Path;
use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasmparser::{ElementItems, ElementKind, Operator, Parser, Payload};

/// The cuts on the module `wasm` and its glue `glue`, in place; `loader` is the split loader's
/// file name.
pub fn main_module(wasm: &Path, glue: &Path, loader: &str) -> Result {
    let module = without_null_segments(&fs::read(wasm)?)?;
    let script = one_loader_import(&fs::read_to_string(glue)?, loader)?;
    let (module, script) = shortened(&module, &script)?;
    fs::write(wasm, module)?;
    fs::write(glue, script)?;
    Ok(())
}

/// The module with each section as it was, except those `rewrite` writes itself (it says so by
/// returning true).
pub(crate) fn rewritten(
    module: &[u8],
    mut rewrite: impl FnMut(&Payload, &mut wasm_encoder::Module) -> Result<bool>,
) -> Result<Vec<u8>> {
    let mut out = wasm_encoder::Module::new();
    for payload in Parser::new(0).parse_all(module) {
        let payload = payload?;
        if rewrite(&payload, &mut out)? {
            continue;
        }
        if let Some((id, range)) = payload.as_section() {
            out.section(&wasm_encoder::RawSection {
                id,
                data: &module[range],
            });
        }
    }
    Ok(out.finish())
}

/// The module and the glue with the glue's imports renamed: each name once, so a name the
/// module imports twice gets one short name, and the glue one edit.
fn shortened(module: &[u8], glue: &str) -> Result<(Vec<u8>, String)> {
    let mut names = ShortNames::default();
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let mut keys: HashMap<String, String> = HashMap::new();
    let mut short: HashMap<String, String> = HashMap::new();
    let module = rewritten(module, |payload, out| {
        let Payload::ImportSection(reader) = payload else {
            return Ok(false);
        };
        let mut section = wasm_encoder::ImportSection::new();
        for import in reader.clone() {
            let import = import?;
            let ty = RoundtripReencoder.entity_type(import.ty)?;
            let mut from = import.module.to_owned();
            let mut name = import.name.to_owned();
            if import.module.ends_with("_bg.js") {
                from = match keys.get(import.module) {
                    Some(key) => key.clone(),
                    None => {
                        let key = module_key(glue, import.module, &mut edits);
                        keys.insert(import.module.to_owned(), key.clone());
                        key
                    }
                };
                if let Some(known) = short.get(import.name) {
                    name = known.clone();
                } else if let Some(at) = only_key(glue, import.name) {
                    name = names.next_name();
                    edits.push((at, import.name.len(), name.clone()));
                    short.insert(import.name.to_owned(), name.clone());
                }
            }
            section.import(&from, &name, ty);
        }
        out.section(&section);
        Ok(true)
    })?;
    edits.sort_by_key(|e| e.0);
    let mut script = String::with_capacity(glue.len());
    let mut done = 0;
    for (at, len, with) in edits {
        script.push_str(&glue[done..at]);
        script.push_str(&with);
        done = at + len;
    }
    script.push_str(&glue[done..]);
    Ok((module, script))
}

/// The glue (minified) with one namespace import of `loader` and one key for it in the imports
/// object, where wasm-bindgen wrote one of each per import. Every import names the same module,
/// so the others only cost bytes.
fn one_loader_import(glue: &str, loader: &str) -> Result<String> {
    let head = "import*as ";
    let tail = format!(" from\"./{loader}\";");
    let mut names = Vec::new();
    let mut script = String::with_capacity(glue.len());
    let mut rest = glue;
    while let Some(at) = rest.find(head) {
        let after = &rest[at + head.len()..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '$'))
            .unwrap_or(after.len());
        let (name, after_name) = after.split_at(name_len);
        let Some(next) = after_name.strip_prefix(tail.as_str()) else {
            script.push_str(&rest[..at + head.len()]);
            rest = after;
            continue;
        };
        script.push_str(&rest[..at]);
        if names.is_empty() {
            script.push_str(&rest[at..at + head.len() + name_len + tail.len()]);
        }
        names.push(name.to_owned());
        rest = next;
    }
    script.push_str(rest);
    let Some((kept, others)) = names.split_first() else {
        return Ok(glue.to_owned());
    };
    for name in others {
        let key = format!(",\"./{loader}\":{name}");
        let found: Vec<usize> = script
            .match_indices(&key)
            .map(|(at, _)| at)
            .filter(|at| matches!(script.as_bytes().get(at + key.len()), Some(b',' | b'}')))
            .collect();
        let [at] = found[..] else {
            return Err(format!(
                "the glue names its import {name} of {loader} {} times in its imports object, not once",
                found.len()
            )
            .into());
        };
        script.replace_range(at..at + key.len(), "");
    }
    let kept_key = format!("\"./{loader}\":{kept}");
    if !script.contains(&kept_key) {
        return Err(format!("the glue's imports object has no {kept_key}").into());
    }
    Ok(script)
}

/// The module without its active element segments that hold only nulls, when no instruction
/// names a segment by its index (`table.init`, `elem.drop`: the others' indices would move)
/// and each such segment overlaps no other.
fn without_null_segments(module: &[u8]) -> Result<Vec<u8>> {
    let mut segments: Vec<(Writes, bool)> = Vec::new();
    let mut indexed = false;
    for payload in Parser::new(0).parse_all(module) {
        match payload? {
            Payload::ElementSection(reader) => {
                for element in reader {
                    let element = element?;
                    segments.push((writes(&element), only_nulls(&element)?));
                }
            }
            Payload::CodeSectionEntry(body) => {
                let mut operators = body.get_operators_reader()?;
                while !operators.eof() {
                    if let Operator::TableInit { .. } | Operator::ElemDrop { .. } =
                        operators.read()?
                    {
                        indexed = true;
                    }
                }
            }
            _ => {}
        }
    }
    let overlaps = |i: usize, r: &Range<u64>| {
        segments.iter().enumerate().any(|(j, (other, _))| {
            j != i
                && match other {
                    Writes::Nothing => false,
                    Writes::Slots(o) => o.start < r.end && r.start < o.end,
                    Writes::Unknown => true,
                }
        })
    };
    let drop: Vec<bool> = (0..segments.len())
        .map(|i| match &segments[i] {
            (Writes::Slots(r), true) => !indexed && !overlaps(i, r),
            _ => false,
        })
        .collect();
    if !drop.contains(&true) {
        return Ok(module.to_vec());
    }
    rewritten(module, |payload, out| {
        let Payload::ElementSection(reader) = payload else {
            return Ok(false);
        };
        let mut section = wasm_encoder::ElementSection::new();
        for (element, drop) in reader.clone().into_iter().zip(&drop) {
            if !drop {
                RoundtripReencoder.parse_element(&mut section, element?)?;
            }
        }
        out.section(&section);
        Ok(true)
    })
}

/// What a segment writes into the tables when the module is instantiated.
enum Writes {
    /// Nothing: it is passive or declared.
    Nothing,
    /// These slots of table 0.
    Slots(Range<u64>),
    /// Slots that are not known before it runs (another table, an offset that is not constant).
    Unknown,
}

/// What `element` writes.
fn writes(element: &wasmparser::Element) -> Writes {
    let ElementKind::Active {
        table_index,
        offset_expr,
    } = &element.kind
    else {
        return Writes::Nothing;
    };
    let count = match &element.items {
        ElementItems::Functions(items) => items.count(),
        ElementItems::Expressions(_, items) => items.count(),
    };
    let mut offset = offset_expr.get_operators_reader();
    match (table_index.unwrap_or(0), offset.read(), offset.read()) {
        (0, Ok(Operator::I32Const { value }), Ok(Operator::End)) => match u32::try_from(value) {
            Ok(start) => Writes::Slots(u64::from(start)..u64::from(start) + u64::from(count)),
            Err(_) => Writes::Unknown,
        },
        _ => Writes::Unknown,
    }
}

/// Whether an active segment writes only nulls: every item is `ref.null`, or it has none.
fn only_nulls(element: &wasmparser::Element) -> Result<bool> {
    if !matches!(element.kind, ElementKind::Active { .. }) {
        return Ok(false);
    }
    let items = match &element.items {
        ElementItems::Functions(items) => return Ok(items.count() == 0),
        ElementItems::Expressions(_, items) => items,
    };
    for item in items.clone() {
        let mut item = item?.get_operators_reader();
        if !matches!(
            (item.read()?, item.read()?),
            (Operator::RefNull { .. }, Operator::End)
        ) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The module's short name, `a`, with the one place the glue names it (`"./x_bg.js":`) noted
/// in `edits`; its own name when the glue does not name it exactly once.
fn module_key(glue: &str, module: &str, edits: &mut Vec<(usize, usize, String)>) -> String {
    let quoted = format!("\"{module}\":");
    match glue
        .match_indices(&quoted)
        .map(|(at, _)| at)
        .collect::<Vec<_>>()[..]
    {
        [at] => {
            edits.push((at, quoted.len() - 1, "a".into()));
            "a".into()
        }
        _ => module.to_owned(),
    }
}

/// Where the glue holds `name` as an object key (`name:`), when that is the only place it
/// holds it as a whole identifier.
fn only_key(glue: &str, name: &str) -> Option<usize> {
    let ident =
        |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    let mut found = glue.match_indices(name).map(|(at, _)| at).filter(|&at| {
        !ident(glue[..at].chars().next_back()) && !ident(glue[at + name.len()..].chars().next())
    });
    let at = found.next()?;
    let key = glue[at + name.len()..].starts_with(':');
    (key && found.next().is_none()).then_some(at)
}

/// `a` … `z`, then `ba` … `zz`, `baa` …, all different. A keyword among them (`do`, `if`) is
/// still a valid key of an object literal.
#[derive(Default)]
struct ShortNames(usize);

impl ShortNames {
    fn next_name(&mut self) -> String {
        let mut n = self.0;
        self.0 += 1;
        let mut name = vec![b'a' + (n % 26) as u8];
        n /= 26;
        while n > 0 {
            name.push(b'a' + (n % 26) as u8);
            n /= 26;
        }
        name.reverse();
        String::from_utf8(name).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_glue_imports_the_split_loader_once() {
        let glue = "import*as n from\"./l.js\";import*as _ from\"./l.js\";import*as nn from\"./l.js\";\
                    import*as x from\"./other.js\";function Q(){const n=1;return{__proto__:null,a:Q,\
                    \"./l.js\":n,\"./l.js\":_,\"./l.js\":nn}}";
        assert_eq!(
            one_loader_import(glue, "l.js").unwrap(),
            "import*as n from\"./l.js\";import*as x from\"./other.js\";function Q(){const n=1;\
             return{__proto__:null,a:Q,\"./l.js\":n}}"
        );
        let missing = "import*as n from\"./l.js\";import*as _ from\"./l.js\";return{\"./l.js\":n}";
        assert!(one_loader_import(missing, "l.js").is_err());
        assert_eq!(one_loader_import("let a=1", "l.js").unwrap(), "let a=1");
    }
    use wasm_encoder::{
        CodeSection, ConstExpr, ElementSection, Elements, EntityType, Function, FunctionSection,
        HeapType, ImportSection, Instruction, Module, RefType, TableSection, TableType,
        TypeSection,
    };

    fn module_importing(imports: &[(&str, &str)]) -> Vec<u8> {
        let mut types = TypeSection::new();
        types.ty().function([], []);
        let mut section = ImportSection::new();
        for (module, name) in imports {
            section.import(module, name, EntityType::Function(0));
        }
        let mut module = Module::new();
        module.section(&types).section(&section);
        module.finish()
    }

    fn imports_of(module: &[u8]) -> Vec<(String, String)> {
        let mut found = Vec::new();
        for payload in Parser::new(0).parse_all(module) {
            if let Ok(Payload::ImportSection(reader)) = payload {
                for import in reader.into_iter().flatten() {
                    found.push((import.module.to_owned(), import.name.to_owned()));
                }
            }
        }
        found
    }

    #[test]
    fn renames_the_glues_imports_in_both_files() {
        let module = module_importing(&[
            ("./app_bg.js", "__wbg_log_ff86bbb34c295e21"),
            ("./__wasm_split.js", "__wasm_split_load_home"),
            ("./app_bg.js", "__wbg_now_463ac581d2fc7ea3"),
            // Imported twice: one short name for both.
            ("./app_bg.js", "__wbg_log_ff86bbb34c295e21"),
            // Named twice in the glue: kept.
            ("./app_bg.js", "__wbindgen_malloc"),
        ]);
        let glue = "const Q={__wbg_log_ff86bbb34c295e21:function(n){console.log(n)},\
                    __wbg_now_463ac581d2fc7ea3:function(){return Date.now()},\
                    __wbindgen_malloc:function(){}};x.__wbindgen_malloc(1);\
                    return{\"./app_bg.js\":Q,\"./__wasm_split.js\":n}";
        let (module, script) = shortened(&module, glue).unwrap();
        wasmparser::Validator::new().validate_all(&module).unwrap();
        let pairs = |p: &[(&str, &str)]| -> Vec<(String, String)> {
            p.iter()
                .map(|(m, n)| (m.to_string(), n.to_string()))
                .collect()
        };
        assert_eq!(
            imports_of(&module),
            pairs(&[
                ("a", "a"),
                ("./__wasm_split.js", "__wasm_split_load_home"),
                ("a", "b"),
                ("a", "a"),
                ("a", "__wbindgen_malloc"),
            ])
        );
        assert_eq!(
            script,
            "const Q={a:function(n){console.log(n)},b:function(){return Date.now()},\
             __wbindgen_malloc:function(){}};x.__wbindgen_malloc(1);\
             return{a:Q,\"./__wasm_split.js\":n}"
        );
    }

    /// A module of one function (`body`) and a table of 10 with `segments` (each an offset, and
    /// for each slot the function or a null), an empty segment and a declared segment.
    fn module_with_segments(segments: &[(i32, Vec<bool>)], body: &[Instruction]) -> Vec<u8> {
        let mut types = TypeSection::new();
        types.ty().function([], []);
        let mut functions = FunctionSection::new();
        functions.function(0);
        let mut tables = TableSection::new();
        tables.table(TableType {
            element_type: RefType::FUNCREF,
            table64: false,
            minimum: 10,
            maximum: Some(10),
            shared: false,
        });
        let mut elements = ElementSection::new();
        for (offset, items) in segments {
            let items: Vec<ConstExpr> = items
                .iter()
                .map(|&f| match f {
                    true => ConstExpr::ref_func(0),
                    false => ConstExpr::ref_null(HeapType::FUNC),
                })
                .collect();
            elements.active(
                None,
                &ConstExpr::i32_const(*offset),
                Elements::Expressions(RefType::FUNCREF, items.into()),
            );
        }
        // An empty segment of function indices writes nothing either.
        elements.active(
            None,
            &ConstExpr::i32_const(9),
            Elements::Functions(Vec::new().into()),
        );
        // A declared segment writes nothing, so it overlaps nothing.
        elements.declared(Elements::Functions(vec![0].into()));
        let mut code = CodeSection::new();
        let mut f = Function::new([]);
        for instruction in body {
            f.instruction(instruction);
        }
        f.instruction(&Instruction::End);
        code.function(&f);
        let mut module = Module::new();
        module
            .section(&types)
            .section(&functions)
            .section(&tables)
            .section(&elements)
            .section(&code);
        module.finish()
    }

    fn segment_count(module: &[u8]) -> u32 {
        Parser::new(0)
            .parse_all(module)
            .find_map(|p| match p {
                Ok(Payload::ElementSection(reader)) => Some(reader.count()),
                _ => None,
            })
            .unwrap_or(0)
    }

    #[test]
    fn drops_the_segments_of_nulls_that_change_nothing() {
        let module = module_with_segments(
            &[
                (0, vec![true, true]),
                // Nulls over a slot the first segment filled: they clear it, so they stay.
                (1, vec![false]),
                (4, vec![false, false, false]),
                (7, vec![true, false]),
            ],
            &[],
        );
        let slim = without_null_segments(&module).unwrap();
        wasmparser::Validator::new().validate_all(&slim).unwrap();
        assert_eq!(segment_count(&slim), 4, "of 6");
    }

    #[test]
    fn keeps_every_segment_when_code_names_one() {
        let module = module_with_segments(
            &[(0, vec![true]), (4, vec![false, false])],
            &[Instruction::ElemDrop(0)],
        );
        let slim = without_null_segments(&module).unwrap();
        assert_eq!(segment_count(&slim), 4);
    }

    #[test]
    fn a_name_that_is_only_part_of_another_is_not_a_key() {
        assert_eq!(only_key("{__wbg_x_1b:f,y:__wbg_x_1}", "__wbg_x_1"), None);
        assert_eq!(
            only_key("{__wbg_x_1b:f,__wbg_x_1:g}", "__wbg_x_1"),
            Some(14)
        );
    }

    #[test]
    fn short_names_run_through_the_alphabet_then_grow() {
        let mut names = ShortNames::default();
        let all: Vec<String> = (0..700).map(|_| names.next_name()).collect();
        assert_eq!(&all[..2], ["a", "b"]);
        assert_eq!(all[25], "z");
        assert_eq!(all[26], "ba");
        assert_eq!(all[27], "bb");
        let unique: std::collections::BTreeSet<&String> = all.iter().collect();
        assert_eq!(unique.len(), all.len());
    }
}
