//! One wasm module per page, made of the chunks wasm-split-cli gives it.
//!
//! wasm-split-cli gives each set of pages that share code a chunk of its own (some 1,400), and
//! a page needs up to 320 of them. Each chunk is a module that imports the main module's memory
//! and function table, and reaches a function of another chunk only through the table
//! (`call_indirect` of a constant slot, by a small shim of its own: 118,000 shims in the pages'
//! files, 11 % of their code). Merged into one module, wasm-opt sees the page whole: a shim
//! whose slot this module fills becomes a direct call (`directize`, told that the slots the
//! module's own segments fill keep those functions), and it inlines and folds across chunks.
//! The Compute instances page's file: 62,691 bytes brotli as 261 modules, 56,419 as one.
//!
//! A chunk that two pages share is then instantiated once per page opened, not once: its
//! segments are written again. Its table slots get the same function again (another page's
//! copy of it), and its read-only data (`.rodata*`, by the linker's names) the same bytes. Its
//! writable data (a `static`'s first value: some 20 segments of 1 to 96 bytes) must not be
//! written again, so it leaves the pages: zeros need no writing (memory starts zeroed), and
//! the rest is written by the main module when it starts ([`with_initial_data`]), as the
//! studio's module did before it was split.

use crate::{slim, Result};
use std::collections::HashMap;
use wasm_encoder::reencode::{self, Reencode, RoundtripReencoder};
use wasmparser::{
    Data, Element, FuncType, FunctionBody, KnownCustom, Name, Parser, Payload, TypeRef,
};

/// The module the chunks import their memory, table and globals from.
const SHARED: &str = "__wasm_split";

/// One chunk as read: what the merge needs of it.
#[derive(Default)]
struct Chunk<'a> {
    types: Vec<FuncType>,
    globals: Vec<String>,
    functions: Vec<u32>,
    bodies: Vec<FunctionBody<'a>>,
    elements: Vec<Element<'a>>,
    data: Vec<Data<'a>>,
    /// Whether each data segment stays in the page (read-only data) or leaves it.
    kept: Vec<bool>,
}

/// Writable data of a chunk that the main module writes when it starts: the address and the
/// bytes.
pub type Initial = (u32, Vec<u8>);

/// The chunks `chunks` as one module: their memory, table and globals imported once, their
/// functions, element and read-only data segments in order, every index renumbered. Their
/// writable data that is not zeros is added to `initial` (once).
pub fn merged(chunks: &[impl AsRef<[u8]>], initial: &mut Vec<Initial>) -> Result<Vec<u8>> {
    let mut memory = None;
    let mut table = None;
    let mut globals: Vec<(String, wasmparser::GlobalType)> = Vec::new();
    let mut read = Vec::new();
    for (at, bytes) in chunks.iter().enumerate() {
        let bytes = bytes.as_ref();
        wasmparser::validate(bytes).map_err(|e| format!("chunk {at} is not valid: {e}"))?;
        let chunk = read_chunk(bytes, &mut memory, &mut table, &mut globals, initial)
            .map_err(|e| format!("chunk {at}: {e}"))?;
        read.push(chunk);
    }
    let mut types: Vec<FuncType> = Vec::new();
    let mut imports = wasm_encoder::ImportSection::new();
    if let Some(memory) = memory {
        imports.import(
            SHARED,
            "memory",
            RoundtripReencoder.entity_type(TypeRef::Memory(memory))?,
        );
    }
    if let Some(table) = table {
        imports.import(
            SHARED,
            "__indirect_function_table",
            RoundtripReencoder.entity_type(TypeRef::Table(table))?,
        );
    }
    for (name, ty) in &globals {
        imports.import(
            SHARED,
            name,
            RoundtripReencoder.entity_type(TypeRef::Global(*ty))?,
        );
    }
    let mut functions = wasm_encoder::FunctionSection::new();
    let mut elements = wasm_encoder::ElementSection::new();
    let mut code = wasm_encoder::CodeSection::new();
    let mut data = wasm_encoder::DataSection::new();
    let mut remap = Remap::default();
    for chunk in read {
        remap.types = chunk
            .types
            .iter()
            .map(|ty| index_of(&mut types, ty))
            .collect();
        remap.globals = chunk
            .globals
            .iter()
            .map(|name| globals.iter().position(|(n, _)| n == name).unwrap_or(0) as u32)
            .collect();
        // Each kept data segment's merged index, before the code that may name one.
        remap.data.clear();
        let mut next = data.len();
        for kept in &chunk.kept {
            remap.data.push(kept.then_some(next));
            next += u32::from(*kept);
        }
        for ty in &chunk.functions {
            functions.function(remap.types[*ty as usize]);
        }
        for element in chunk.elements {
            remap
                .parse_element(&mut elements, element)
                .map_err(|e| e.to_string())?;
        }
        for body in chunk.bodies {
            remap
                .parse_function_body(&mut code, body)
                .map_err(|e| e.to_string())?;
        }
        for (datum, kept) in chunk.data.into_iter().zip(chunk.kept) {
            if kept {
                remap
                    .parse_data(&mut data, datum)
                    .map_err(|e| e.to_string())?;
            }
        }
        remap.functions += chunk.functions.len() as u32;
        remap.elements = elements.len();
    }
    let mut type_section = wasm_encoder::TypeSection::new();
    for ty in &types {
        let params = ty.params().iter().map(|t| RoundtripReencoder.val_type(*t));
        let params = params.collect::<std::result::Result<Vec<_>, _>>()?;
        let results = ty.results().iter().map(|t| RoundtripReencoder.val_type(*t));
        let results = results.collect::<std::result::Result<Vec<_>, _>>()?;
        type_section.ty().function(params, results);
    }
    let mut module = wasm_encoder::Module::new();
    module.section(&type_section);
    module.section(&imports);
    module.section(&functions);
    module.section(&elements);
    module.section(&wasm_encoder::DataCountSection { count: data.len() });
    module.section(&code);
    module.section(&data);
    let module = module.finish();
    wasmparser::validate(&module).map_err(|e| format!("the merged page is not valid: {e}"))?;
    Ok(module)
}

/// Refuses a function that changes the function table: a page's module would then no longer
/// hold, in the slots its segments fill, the functions it put there (which `directize` relies
/// on, see `xtask/wasm_opt.mjs`).
fn refuse_table_writes(body: &FunctionBody) -> Result {
    for op in body.get_operators_reader()? {
        if let wasmparser::Operator::TableSet { .. }
        | wasmparser::Operator::TableGrow { .. }
        | wasmparser::Operator::TableFill { .. }
        | wasmparser::Operator::TableCopy { .. }
        | wasmparser::Operator::TableInit { .. }
        | wasmparser::Operator::ElemDrop { .. } = op?
        {
            return Err("a function of it changes the function table".into());
        }
    }
    Ok(())
}

/// Which chunk fills each slot of the function table, over every page's chunks: a page's module
/// counts on the slots its segments fill holding those functions (or another page's copy of
/// them), so no two chunks may fill one slot.
#[derive(Default)]
pub struct SlotOwners(HashMap<u32, String>);

impl SlotOwners {
    /// Notes the slots the chunk `name` (`bytes`) fills; refused when another chunk fills one.
    pub fn claim(&mut self, name: &str, bytes: &[u8]) -> Result {
        for payload in Parser::new(0).parse_all(bytes) {
            let Payload::ElementSection(reader) = payload? else {
                continue;
            };
            for element in reader {
                let element = element?;
                let wasmparser::ElementKind::Active { offset_expr, .. } = &element.kind else {
                    continue;
                };
                let mut ops = offset_expr.get_operators_reader();
                let wasmparser::Operator::I32Const { value } = ops.read()? else {
                    return Err(format!("{name} fills table slots at no constant offset").into());
                };
                let count = match &element.items {
                    wasmparser::ElementItems::Functions(items) => items.count(),
                    wasmparser::ElementItems::Expressions(_, items) => items.count(),
                };
                for slot in value as u32..value as u32 + count {
                    match self.0.get(&slot) {
                        Some(owner) if owner != name => {
                            return Err(
                                format!("{name} and {owner} both fill table slot {slot}").into()
                            )
                        }
                        Some(_) => {}
                        None => {
                            self.0.insert(slot, name.to_owned());
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

/// The address of an active data segment in memory 0 at an `i32.const`.
fn constant_address(datum: &Data) -> Option<u32> {
    let wasmparser::DataKind::Active {
        memory_index: 0,
        offset_expr,
    } = &datum.kind
    else {
        return None;
    };
    let mut ops = offset_expr.get_operators_reader();
    match (ops.read().ok()?, ops.read().ok()?) {
        (wasmparser::Operator::I32Const { value }, wasmparser::Operator::End) => {
            u32::try_from(value).ok()
        }
        _ => None,
    }
}

/// The main module `module` with the data segments `initial` added, so it writes them when it
/// starts.
pub fn with_initial_data(module: &[u8], initial: &[Initial]) -> Result<Vec<u8>> {
    let added = u32::try_from(initial.len())?;
    let mut written = initial.is_empty();
    let module = slim::rewritten(module, |payload, out| match payload {
        Payload::DataCountSection { count, .. } => {
            out.section(&wasm_encoder::DataCountSection {
                count: count + added,
            });
            Ok(true)
        }
        Payload::DataSection(reader) => {
            let mut data = wasm_encoder::DataSection::new();
            RoundtripReencoder.parse_data_section(&mut data, reader.clone())?;
            for (at, bytes) in initial {
                let at = wasm_encoder::ConstExpr::i32_const(i32::try_from(*at)?);
                data.active(0, &at, bytes.iter().copied());
            }
            out.section(&data);
            written = true;
            Ok(true)
        }
        _ => Ok(false),
    })?;
    match written {
        true => Ok(module),
        false => Err("the main module has no data section to add the chunks' data to".into()),
    }
}

/// The position of `ty` in `types`, added at the end when it is not there yet.
fn index_of(types: &mut Vec<FuncType>, ty: &FuncType) -> u32 {
    let at = types.iter().position(|t| t == ty).unwrap_or_else(|| {
        types.push(ty.clone());
        types.len() - 1
    });
    at as u32
}

/// Reads one chunk, checking that it is what wasm-split-cli makes: imports of the shared
/// memory, table and globals only, no exports or start; its writable data goes to `initial`.
fn read_chunk<'a>(
    bytes: &'a [u8],
    memory: &mut Option<wasmparser::MemoryType>,
    table: &mut Option<wasmparser::TableType>,
    globals: &mut Vec<(String, wasmparser::GlobalType)>,
    initial: &mut Vec<Initial>,
) -> Result<Chunk<'a>> {
    let mut chunk = Chunk::default();
    let mut data_names: HashMap<u32, String> = HashMap::new();
    for payload in Parser::new(0).parse_all(bytes) {
        match payload? {
            Payload::TypeSection(reader) => {
                for ty in reader.into_iter_err_on_gc_types() {
                    chunk.types.push(ty?);
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader {
                    let import = import?;
                    if import.module != SHARED {
                        return Err(format!("it imports from {}", import.module).into());
                    }
                    match import.ty {
                        TypeRef::Memory(m)
                            if import.name == "memory" && memory.is_none_or(|known| known == m) =>
                        {
                            *memory = Some(m)
                        }
                        TypeRef::Table(t)
                            if import.name == "__indirect_function_table"
                                && table.is_none_or(|known| known == t) =>
                        {
                            *table = Some(t)
                        }
                        TypeRef::Global(g) => {
                            match globals.iter().find(|(n, _)| n == import.name) {
                                Some((_, known)) if *known != g => {
                                    return Err(format!("its global {} differs", import.name).into())
                                }
                                Some(_) => {}
                                None => globals.push((import.name.to_owned(), g)),
                            }
                            chunk.globals.push(import.name.to_owned());
                        }
                        _ => {
                            return Err(
                                format!("it imports {} unlike the others", import.name).into()
                            )
                        }
                    }
                }
            }
            Payload::FunctionSection(reader) => {
                for ty in reader {
                    chunk.functions.push(ty?);
                }
            }
            Payload::ElementSection(reader) => {
                for element in reader {
                    chunk.elements.push(element?);
                }
            }
            Payload::CodeSectionEntry(body) => {
                refuse_table_writes(&body)?;
                chunk.bodies.push(body)
            }
            Payload::DataSection(reader) => {
                for datum in reader {
                    chunk.data.push(datum?);
                }
            }
            Payload::ExportSection(reader) if reader.count() > 0 => {
                return Err("it exports something".into())
            }
            Payload::CustomSection(section) => {
                if let KnownCustom::Name(names) = section.as_known() {
                    for name in names {
                        if let Name::Data(map) = name? {
                            for naming in map {
                                let naming = naming?;
                                data_names.insert(naming.index, naming.name.to_owned());
                            }
                        }
                    }
                }
            }
            Payload::StartSection { .. }
            | Payload::TableSection(_)
            | Payload::MemorySection(_)
            | Payload::GlobalSection(_)
            | Payload::TagSection(_) => {
                return Err("it defines what only the main module may".into())
            }
            _ => {}
        }
    }
    if data_names.is_empty() && chunk.data.iter().any(|d| !d.data.is_empty()) {
        // Without the linker's names, read-only data cannot be told from writable data.
        return Err("its data segments have no names (was the name section stripped?)".into());
    }
    for (index, datum) in chunk.data.iter().enumerate() {
        let name = data_names.get(&(index as u32)).map_or("", String::as_str);
        let read_only = name.starts_with(".rodata");
        chunk.kept.push(read_only);
        if read_only || datum.data.iter().all(|b| *b == 0) {
            continue;
        }
        let at = constant_address(datum).ok_or(format!(
            "its data segment {index} ({name:?}) has no constant address"
        ))?;
        match initial.iter().find(|(known, _)| *known == at) {
            Some((_, bytes)) if bytes != datum.data => {
                return Err(format!("two chunks write different data at {at}").into())
            }
            Some(_) => {}
            None => initial.push((at, datum.data.to_vec())),
        }
    }
    Ok(chunk)
}

/// A chunk's indices in the merged module.
#[derive(Default)]
struct Remap {
    /// Each of the chunk's types, by its index in the chunk.
    types: Vec<u32>,
    /// Each of the chunk's imported globals.
    globals: Vec<u32>,
    /// The merged index of the chunk's first function (chunks import no functions).
    functions: u32,
    /// The merged index of the chunk's first element segment.
    elements: u32,
    /// Each of the chunk's data segments' merged index (`None`: it went to the main module).
    data: Vec<Option<u32>>,
}

/// An index the merged module has no place for.
type Unplaced = reencode::Error<String>;

impl Reencode for Remap {
    type Error = String;

    fn type_index(&mut self, ty: u32) -> std::result::Result<u32, Unplaced> {
        Ok(self.types[ty as usize])
    }

    fn function_index(&mut self, func: u32) -> std::result::Result<u32, Unplaced> {
        Ok(self.functions + func)
    }

    fn global_index(&mut self, global: u32) -> std::result::Result<u32, Unplaced> {
        Ok(self.globals[global as usize])
    }

    fn element_index(&mut self, element: u32) -> std::result::Result<u32, Unplaced> {
        Ok(self.elements + element)
    }

    fn data_index(&mut self, data: u32) -> std::result::Result<u32, Unplaced> {
        self.data[data as usize].ok_or_else(|| {
            reencode::Error::UserError(format!(
                "`memory.init` or `data.drop` of the writable data segment {data}, which the \
                 main module writes"
            ))
        })
    }
}

/// A chunk as wasm-split-cli makes them, for tests: a function `(i32) -> i32` in table slot
/// `slot` that returns its argument, or calls slot `calls` with it; `extra_type` puts a type
/// before it, so its index differs; `data` are named segments at their addresses.
#[cfg(test)]
pub(crate) fn test_chunk(
    slot: u32,
    calls: Option<u32>,
    extra_type: bool,
    data: &[(&str, u32, &[u8])],
) -> Vec<u8> {
    use wasm_encoder::{
        ConstExpr, DataSection, ElementSection, Elements, EntityType, Function, GlobalType,
        Instruction, NameMap, NameSection, ValType,
    };
    let mut types = wasm_encoder::TypeSection::new();
    if extra_type {
        types.ty().function([], []);
    }
    let ty = u32::from(extra_type);
    types.ty().function([ValType::I32], [ValType::I32]);
    let mut imports = wasm_encoder::ImportSection::new();
    imports.import(SHARED, "memory", EntityType::Memory(test_memory()));
    imports.import(
        SHARED,
        "__indirect_function_table",
        EntityType::Table(test_table()),
    );
    let global = GlobalType {
        val_type: ValType::I32,
        mutable: true,
        shared: false,
    };
    imports.import(SHARED, "__wasm_split_shared0", EntityType::Global(global));
    let mut functions = wasm_encoder::FunctionSection::new();
    functions.function(ty);
    let mut elements = ElementSection::new();
    elements.active(
        None,
        &ConstExpr::i32_const(slot as i32),
        Elements::Functions([0].as_slice().into()),
    );
    let mut body = Function::new([]);
    body.instruction(&Instruction::LocalGet(0));
    if let Some(callee) = calls {
        body.instruction(&Instruction::I32Const(callee as i32));
        body.instruction(&Instruction::CallIndirect {
            type_index: ty,
            table_index: 0,
        });
    }
    body.instruction(&Instruction::End);
    let mut code = wasm_encoder::CodeSection::new();
    code.function(&body);
    let mut segments = DataSection::new();
    let mut data_names = NameMap::new();
    for (index, (name, at, bytes)) in data.iter().enumerate() {
        segments.active(0, &ConstExpr::i32_const(*at as i32), bytes.iter().copied());
        data_names.append(index as u32, name);
    }
    let mut names = NameSection::new();
    names.data(&data_names);
    let mut module = wasm_encoder::Module::new();
    module.section(&types);
    module.section(&imports);
    module.section(&functions);
    module.section(&elements);
    module.section(&wasm_encoder::DataCountSection {
        count: data.len() as u32,
    });
    module.section(&code);
    module.section(&segments);
    module.section(&names);
    module.finish()
}

/// The memory chunks import, for tests.
#[cfg(test)]
fn test_memory() -> wasm_encoder::MemoryType {
    wasm_encoder::MemoryType {
        minimum: 1,
        maximum: None,
        memory64: false,
        shared: false,
        page_size_log2: None,
    }
}

/// The function table chunks import, for tests.
#[cfg(test)]
fn test_table() -> wasm_encoder::TableType {
    wasm_encoder::TableType {
        element_type: wasm_encoder::RefType::FUNCREF,
        minimum: 16,
        maximum: None,
        table64: false,
        shared: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasmparser::{ElementItems, ElementKind, Operator};

    /// Each element segment's offset and the functions it holds, and every `call_indirect`'s
    /// slot, of a module.
    fn segments_and_calls(module: &[u8]) -> (Vec<(i32, Vec<u32>)>, Vec<i32>) {
        let mut segments = Vec::new();
        let mut calls = Vec::new();
        for payload in Parser::new(0).parse_all(module) {
            match payload.unwrap() {
                Payload::ElementSection(reader) => {
                    for element in reader {
                        let element = element.unwrap();
                        let ElementKind::Active { offset_expr, .. } = element.kind else {
                            panic!("a passive segment");
                        };
                        let Some(Ok(Operator::I32Const { value })) =
                            offset_expr.get_operators_reader().into_iter().next()
                        else {
                            panic!("a segment at no constant");
                        };
                        let ElementItems::Functions(items) = element.items else {
                            panic!("a segment of expressions");
                        };
                        segments.push((value, items.into_iter().map(|f| f.unwrap()).collect()));
                    }
                }
                Payload::CodeSectionEntry(body) => {
                    let mut last = 0;
                    for op in body.get_operators_reader().unwrap() {
                        match op.unwrap() {
                            Operator::I32Const { value } => last = value,
                            Operator::CallIndirect { .. } => calls.push(last),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        (segments, calls)
    }

    #[test]
    fn merges_chunks_with_every_index_renumbered() {
        let first = test_chunk(
            3,
            None,
            false,
            &[(".rodata", 64, b"abc"), (".data", 80, b"")],
        );
        let second = test_chunk(4, Some(3), true, &[(".rodata.1", 96, b"de")]);
        let mut initial = Vec::new();
        let module = merged(&[first, second], &mut initial).unwrap();
        assert!(initial.is_empty());
        let mut imports = Vec::new();
        let mut types = 0;
        let mut data = Vec::new();
        for payload in Parser::new(0).parse_all(&module) {
            match payload.unwrap() {
                Payload::ImportSection(reader) => {
                    imports.extend(reader.into_iter().map(|i| i.unwrap().name.to_owned()))
                }
                Payload::TypeSection(reader) => types = reader.count(),
                Payload::DataSection(reader) => {
                    data.extend(reader.into_iter().map(|d| d.unwrap().data.to_vec()))
                }
                _ => {}
            }
        }
        assert_eq!(
            imports,
            [
                "memory",
                "__indirect_function_table",
                "__wasm_split_shared0"
            ],
            "the shared imports once"
        );
        assert_eq!(types, 2, "the same type once");
        assert_eq!(
            data,
            [b"abc".to_vec(), b"de".to_vec()],
            "read-only data only"
        );
        let (segments, calls) = segments_and_calls(&module);
        assert_eq!(
            segments,
            [(3, vec![0]), (4, vec![1])],
            "each slot its own function"
        );
        assert_eq!(calls, [3], "a call through the table stays one");
    }

    #[test]
    fn writable_data_goes_to_the_main_module_once_and_zeros_nowhere() {
        let counter = test_chunk(
            3,
            None,
            false,
            &[(".data", 80, b"\x05\0\0\0"), (".rodata", 64, b"r")],
        );
        let zeros = test_chunk(4, None, false, &[(".bss", 96, b"\0\0\0\0")]);
        let mut initial = Vec::new();
        let page = merged(&[counter.clone(), zeros], &mut initial).unwrap();
        let other = merged(&[counter], &mut initial).unwrap();
        assert_eq!(
            initial,
            [(80, b"\x05\0\0\0".to_vec())],
            "once, though two pages share it"
        );
        for module in [&page, &other] {
            let data: Vec<Vec<u8>> = Parser::new(0)
                .parse_all(module)
                .filter_map(|p| match p.unwrap() {
                    Payload::DataSection(r) => {
                        Some(r.into_iter().map(|d| d.unwrap().data.to_vec()))
                    }
                    _ => None,
                })
                .flatten()
                .collect();
            assert_eq!(data, [b"r".to_vec()], "a page writes only read-only data");
        }
        let main = test_chunk(1, None, false, &[(".rodata", 16, b"main")]);
        let main = with_initial_data(&main, &initial).unwrap();
        wasmparser::validate(&main).unwrap();
        let written: Vec<(u32, Vec<u8>)> = Parser::new(0)
            .parse_all(&main)
            .filter_map(|p| match p.unwrap() {
                Payload::DataSection(r) => Some(
                    r.into_iter()
                        .map(|d| d.unwrap())
                        .map(|d| (constant_address(&d).unwrap(), d.data.to_vec())),
                ),
                _ => None,
            })
            .flatten()
            .collect();
        assert_eq!(
            written,
            [(16, b"main".to_vec()), (80, b"\x05\0\0\0".to_vec())]
        );

        let clash = test_chunk(5, None, false, &[(".data", 80, b"\x06\0\0\0")]);
        let refused = merged(&[clash], &mut initial).err().map(|e| e.to_string());
        assert!(refused.unwrap_or_default().contains("different data at 80"));
    }

    #[test]
    fn refuses_a_chunk_that_imports_from_elsewhere() {
        let mut chunk = test_chunk(3, None, false, &[]);
        let at = chunk
            .windows(SHARED.len())
            .position(|w| w == SHARED.as_bytes());
        chunk[at.unwrap() + 2..][..5].copy_from_slice(b"other");
        let refused = merged(&[chunk], &mut Vec::new())
            .err()
            .map(|e| e.to_string());
        let refused = refused.unwrap_or_default();
        assert!(refused.contains("imports from __othersplit"), "{refused}");
    }

    #[test]
    fn refuses_data_it_cannot_tell_read_only_from_writable() {
        let named = test_chunk(3, None, false, &[(".rodata", 64, b"abc")]);
        let unnamed = slim::rewritten(&named, |payload, _| {
            Ok(matches!(payload, Payload::CustomSection(c) if c.name() == "name"))
        })
        .unwrap();
        let refused = merged(&[unnamed], &mut Vec::new())
            .err()
            .map(|e| e.to_string());
        assert!(refused.unwrap_or_default().contains("have no names"));
    }

    #[test]
    fn refuses_a_chunk_that_changes_the_table() {
        use wasm_encoder::{EntityType, Function, Instruction};
        let mut types = wasm_encoder::TypeSection::new();
        types.ty().function([], []);
        let mut imports = wasm_encoder::ImportSection::new();
        imports.import(
            SHARED,
            "__indirect_function_table",
            EntityType::Table(test_table()),
        );
        let mut functions = wasm_encoder::FunctionSection::new();
        functions.function(0);
        let mut body = Function::new([]);
        body.instruction(&Instruction::I32Const(3));
        body.instruction(&Instruction::RefNull(wasm_encoder::HeapType::FUNC));
        body.instruction(&Instruction::TableSet(0));
        body.instruction(&Instruction::End);
        let mut code = wasm_encoder::CodeSection::new();
        code.function(&body);
        let mut module = wasm_encoder::Module::new();
        module.section(&types);
        module.section(&imports);
        module.section(&functions);
        module.section(&code);
        let refused = merged(&[module.finish()], &mut Vec::new())
            .err()
            .map(|e| e.to_string());
        assert!(refused
            .unwrap_or_default()
            .contains("changes the function table"));
    }

    #[test]
    fn memory_init_names_the_segment_where_it_lands() {
        use wasm_encoder::{ConstExpr, EntityType, Function, Instruction};
        let first = test_chunk(
            3,
            None,
            false,
            &[(".rodata", 64, b"a"), (".rodata.1", 65, b"b")],
        );
        let mut types = wasm_encoder::TypeSection::new();
        types.ty().function([], []);
        let mut imports = wasm_encoder::ImportSection::new();
        imports.import(SHARED, "memory", EntityType::Memory(test_memory()));
        let mut functions = wasm_encoder::FunctionSection::new();
        functions.function(0);
        let mut body = Function::new([]);
        for op in [
            Instruction::I32Const(0),
            Instruction::I32Const(0),
            Instruction::I32Const(1),
        ] {
            body.instruction(&op);
        }
        body.instruction(&Instruction::MemoryInit {
            mem: 0,
            data_index: 1,
        });
        body.instruction(&Instruction::End);
        let mut code = wasm_encoder::CodeSection::new();
        code.function(&body);
        let mut segments = wasm_encoder::DataSection::new();
        segments.active(0, &ConstExpr::i32_const(80), *b"\x09");
        segments.active(0, &ConstExpr::i32_const(96), *b"c");
        let mut data_names = wasm_encoder::NameMap::new();
        data_names.append(0, ".data");
        data_names.append(1, ".rodata");
        let mut names = wasm_encoder::NameSection::new();
        names.data(&data_names);
        let mut second = wasm_encoder::Module::new();
        second.section(&types);
        second.section(&imports);
        second.section(&functions);
        second.section(&wasm_encoder::DataCountSection { count: 2 });
        second.section(&code);
        second.section(&segments);
        second.section(&names);
        let module = merged(&[first, second.finish()], &mut Vec::new()).unwrap();
        let mut inits = Vec::new();
        for payload in Parser::new(0).parse_all(&module) {
            if let Payload::CodeSectionEntry(body) = payload.unwrap() {
                for op in body.get_operators_reader().unwrap() {
                    if let Operator::MemoryInit { data_index, .. } = op.unwrap() {
                        inits.push(data_index);
                    }
                }
            }
        }
        assert_eq!(
            inits,
            [2],
            "after the first chunk's two, its own writable one gone"
        );
    }

    #[test]
    fn no_two_chunks_fill_one_slot() {
        let mut owners = SlotOwners::default();
        let first = test_chunk(3, None, false, &[]);
        owners.claim("chunk_1.wasm", &first).unwrap();
        owners.claim("chunk_1.wasm", &first).unwrap();
        owners
            .claim("chunk_2.wasm", &test_chunk(4, None, false, &[]))
            .unwrap();
        let refused = owners.claim("chunk_3.wasm", &test_chunk(3, None, false, &[]));
        let refused = refused.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            refused.contains("chunk_3.wasm and chunk_1.wasm both fill table slot 3"),
            "{refused}"
        );
    }
}
