//! The single walk over a module's sections: per-section rules (imports,
//! types, tables, memories, globals, segments, function bodies) and the
//! counts the whole-module checks and the cost formulas need.

use std::collections::HashSet;

use wasmparser::{
    Data, DataKind, Element, ElementItems, ElementKind, Encoding, Export, ExternalKind, FuncType,
    FunctionBody, Global, Import, MemoryType, Operator, Parser, Payload, RefType, Table, TableInit,
    TableType, TypeRef, TypeSectionReader, ValType, WasmFeatures,
};

use crate::body::{scan_body, value_type_rule, BodyContext};
use crate::hostio::{format_signature, host_function, HostType, HOST_MODULE};
use crate::limits::{MAX_BODY_OPCODES, MAX_LOCALS, PAGE_SIZE};
use crate::violation::{Rule, Violation};

/// State gathered while walking the module's sections once.
pub(super) struct Scan<'a> {
    pub(super) wasm: &'a [u8],
    pub(super) out: Vec<Violation>,
    /// Function types by type index; `None` for non-function (GC) types.
    pub(super) types: Vec<Option<FuncType>>,
    /// Type index of every imported function.
    pub(super) func_imports: Vec<u32>,
    pub(super) import_names: HashSet<String>,
    pub(super) imports: u64,
    pub(super) host_imports: Vec<String>,
    /// Type index of every locally defined function.
    pub(super) local_funcs: Vec<u32>,
    pub(super) tables: Vec<TableType>,
    pub(super) memories: Vec<MemoryType>,
    pub(super) own_globals: u64,
    pub(super) exports: Vec<(String, ExternalKind, u32)>,
    pub(super) data_segments: u64,
    pub(super) element_segments: u64,
    /// Encoded bytes of data plus element segments (Nitro's `data`).
    pub(super) segment_bytes: u64,
    /// Encoded bytes of element segments alone.
    pub(super) element_bytes: u64,
    /// Payload bytes of data segments alone.
    pub(super) data_payload: u64,
    /// Operators of all bodies after Nitro's instrumentation.
    pub(super) instrumented_ops: u64,
    pub(super) bodies_seen: u32,
    pub(super) largest_locals: u64,
    pub(super) largest_body_ops: u64,
}

impl<'a> Scan<'a> {
    pub(super) fn new(wasm: &'a [u8]) -> Self {
        Scan {
            wasm,
            out: Vec::new(),
            types: Vec::new(),
            func_imports: Vec::new(),
            import_names: HashSet::new(),
            imports: 0,
            host_imports: Vec::new(),
            local_funcs: Vec::new(),
            tables: Vec::new(),
            memories: Vec::new(),
            own_globals: 0,
            exports: Vec::new(),
            data_segments: 0,
            element_segments: 0,
            segment_bytes: 0,
            element_bytes: 0,
            data_payload: 0,
            instrumented_ops: 0,
            bodies_seen: 0,
            largest_locals: 0,
            largest_body_ops: 0,
        }
    }

    pub(super) fn violation(&mut self, rule: Rule, message: String) {
        self.out.push(Violation::new(rule, message));
    }

    pub(super) fn run(&mut self) -> wasmparser::Result<()> {
        let mut parser = Parser::new(0);
        parser.set_features(WasmFeatures::all());
        for payload in parser.parse_all(self.wasm) {
            match payload? {
                Payload::Version { encoding, .. } => {
                    if encoding != Encoding::Module {
                        self.violation(
                            Rule::Malformed,
                            "the bytes are a wasm component, not a core module".into(),
                        );
                        return Ok(());
                    }
                }
                Payload::TypeSection(reader) => self.types_section(reader),
                Payload::ImportSection(reader) => {
                    for import in reader.into_imports() {
                        self.import(import?);
                    }
                }
                Payload::FunctionSection(reader) => {
                    for ty in reader {
                        self.local_funcs.push(ty?);
                    }
                }
                Payload::TableSection(reader) => {
                    for table in reader {
                        self.table(table?);
                    }
                }
                Payload::MemorySection(reader) => {
                    for memory in reader {
                        self.memory(memory?);
                    }
                }
                Payload::TagSection(_) => self.violation(
                    Rule::Exceptions,
                    "module declares exception tags; Stylus does not allow exception handling"
                        .into(),
                ),
                Payload::GlobalSection(reader) => {
                    for global in reader {
                        self.global(global?)?;
                    }
                }
                Payload::ExportSection(reader) => {
                    for export in reader {
                        let Export { name, kind, index } = export?;
                        self.exports.push((name.to_string(), kind, index));
                    }
                }
                Payload::StartSection { func, .. } => self.violation(
                    Rule::StartFunction,
                    format!("module has a start function (function {func}); Stylus forbids start functions"),
                ),
                Payload::ElementSection(reader) => {
                    for element in reader {
                        self.element(element?)?;
                    }
                }
                Payload::DataSection(reader) => {
                    for data in reader {
                        self.data(data?)?;
                    }
                }
                Payload::CodeSectionEntry(body) => self.body(&body)?,
                Payload::DataCountSection { .. }
                | Payload::CodeSectionStart { .. }
                | Payload::CustomSection(_)
                | Payload::End(_) => {}
                other => {
                    let what = match other {
                        Payload::UnknownSection { id, .. } => format!("unknown section {id}"),
                        _ => "a section that is not part of a core module".to_string(),
                    };
                    self.violation(Rule::Malformed, format!("module contains {what}"));
                }
            }
        }
        Ok(())
    }

    fn types_section(&mut self, reader: TypeSectionReader<'_>) {
        for ty in reader.into_iter_err_on_gc_types() {
            let Ok(ty) = ty else {
                self.violation(
                    Rule::UnsupportedProposal,
                    "the type section declares GC (struct/array) types".into(),
                );
                self.types.push(None);
                return;
            };
            let index = self.types.len();
            let signature = format_signature(ty.params(), ty.results());
            let mut bad: Vec<(Rule, String)> = ty
                .params()
                .iter()
                .chain(ty.results())
                .filter_map(|t| value_type_rule(*t))
                .collect();
            bad.dedup();
            for (rule, name) in bad {
                self.violation(
                    rule,
                    format!("type {index} {signature} uses {name}, which Stylus does not allow"),
                );
            }
            if ty.results().len() > 1 {
                self.violation(
                    Rule::MultiValue,
                    format!(
                        "type {index} {signature} returns {} values; Stylus rejects multi-value from ArbOS 60",
                        ty.results().len()
                    ),
                );
            }
            self.types.push(Some(ty));
        }
    }

    pub(super) fn func_type(&self, type_index: u32) -> Option<&FuncType> {
        self.types.get(type_index as usize).and_then(Option::as_ref)
    }

    /// The type of wasm function `index` (imports first, then local ones).
    pub(super) fn type_of_function(&self, index: u32) -> Option<&FuncType> {
        let index = index as usize;
        let type_index = match self.func_imports.get(index) {
            Some(t) => *t,
            None => *self.local_funcs.get(index - self.func_imports.len())?,
        };
        self.func_type(type_index)
    }

    fn import(&mut self, import: Import<'_>) {
        let Import { module, name, ty } = import;
        let qualified = format!("{module}.{name}");
        self.imports += 1;
        self.import_names.insert(name.to_string());
        let type_index = match ty {
            TypeRef::Func(t) | TypeRef::FuncExact(t) => t,
            TypeRef::Memory(memory) => {
                self.memories.push(memory);
                self.violation(
                    Rule::Import,
                    format!("import {qualified} is a memory; a Stylus program must define its own memory and import only vm_hooks functions"),
                );
                return;
            }
            TypeRef::Table(_) | TypeRef::Global(_) | TypeRef::Tag(_) => {
                let kind = match ty {
                    TypeRef::Table(_) => "table",
                    TypeRef::Global(_) => "global",
                    _ => "tag",
                };
                self.violation(
                    Rule::Import,
                    format!("import {qualified} is a {kind}; Stylus allows only vm_hooks function imports"),
                );
                return;
            }
        };
        self.func_imports.push(type_index);

        let hook = if module == HOST_MODULE {
            host_function(name)
        } else {
            None
        };
        let Some(hook) = hook else {
            self.violation(
                Rule::Import,
                format!("import {qualified} is not a vm_hooks host function"),
            );
            return;
        };
        let matches = self.func_type(type_index).is_some_and(|ty| {
            same_types(ty.params(), hook.params) && same_types(ty.results(), hook.results)
        });
        if !matches {
            let have = self
                .func_type(type_index)
                .map(|ty| format_signature(ty.params(), ty.results()))
                .unwrap_or_else(|| format!("type {type_index}"));
            self.violation(
                Rule::Import,
                format!(
                    "import {qualified} has type {have}, but Nitro's {name} is {}",
                    hook.signature()
                ),
            );
            return;
        }
        self.host_imports.push(name.to_string());
    }

    fn table(&mut self, table: Table<'_>) {
        let index = self.tables.len();
        let ty = table.ty;
        if ty.element_type != RefType::FUNCREF {
            self.violation(
                Rule::ReferenceTypes,
                format!(
                    "table {index} holds {}; Stylus allows only a funcref table",
                    ty.element_type
                ),
            );
        }
        if ty.table64 || ty.shared {
            self.violation(
                Rule::UnsupportedProposal,
                format!("table {index} is a 64-bit or shared table"),
            );
        }
        if let TableInit::Expr(_) = table.init {
            self.violation(
                Rule::ReferenceTypes,
                format!("table {index} has an initializer expression (reference types)"),
            );
        }
        if index == 1 {
            self.violation(
                Rule::ReferenceTypes,
                "module has more than one table; Stylus allows a single funcref table".into(),
            );
        }
        self.tables.push(ty);
    }

    fn memory(&mut self, memory: MemoryType) {
        let index = self.memories.len();
        if memory.memory64 {
            self.violation(Rule::Memory, format!("memory {index} is a 64-bit memory"));
        }
        if memory.shared {
            self.violation(
                Rule::Atomics,
                format!("memory {index} is shared; Stylus does not allow threads or atomics"),
            );
        }
        self.memories.push(memory);
    }

    fn global(&mut self, global: Global<'_>) -> wasmparser::Result<()> {
        let index = self.own_globals;
        self.own_globals += 1;
        let ty = global.ty;
        if let Some((rule, name)) = value_type_rule(ty.content_type) {
            self.violation(
                rule,
                format!("global {index} has type {name}, which Stylus does not allow"),
            );
        }
        if ty.shared {
            self.violation(Rule::Atomics, format!("global {index} is shared"));
        }
        let mut ops = global.init_expr.get_operators_reader();
        let first = ops.read()?;
        let constant = matches!(
            first,
            Operator::I32Const { .. }
                | Operator::I64Const { .. }
                | Operator::F32Const { .. }
                | Operator::F64Const { .. }
        ) && matches!(ops.read(), Ok(Operator::End))
            && ops.eof();
        if !constant {
            self.violation(
                Rule::Segment,
                format!("global {index} is not initialised by a single constant; Nitro accepts only i32.const or i64.const"),
            );
        }
        Ok(())
    }

    fn element(&mut self, element: Element<'_>) -> wasmparser::Result<()> {
        let index = self.element_segments;
        self.element_segments += 1;
        let bytes = element.range.end - element.range.start;
        self.segment_bytes = self.segment_bytes.saturating_add(bytes);
        self.element_bytes = self.element_bytes.saturating_add(bytes);

        let count = match element.items {
            ElementItems::Functions(reader) => u64::from(reader.count()),
            ElementItems::Expressions(..) => {
                self.violation(
                    Rule::ReferenceTypes,
                    format!("element segment {index} lists expressions, not function indices (reference types)"),
                );
                return Ok(());
            }
        };
        let ElementKind::Active {
            table_index,
            offset_expr,
        } = element.kind
        else {
            return Ok(()); // Nitro ignores passive and declared segments
        };
        let table = table_index.unwrap_or(0);
        let Some(offset) = const_i32(offset_expr.get_operators_reader())? else {
            self.violation(
                Rule::Segment,
                format!(
                    "element segment {index} has a non-constant offset; Nitro needs an i32.const"
                ),
            );
            return Ok(());
        };
        let size = self.tables.get(table as usize).map_or(0, |t| t.initial);
        if u64::from(offset).saturating_add(count) > size {
            self.violation(
                Rule::Segment,
                format!("element segment {index} fills slots {offset}..{} of table {table}, which has {size} slots", u64::from(offset) + count),
            );
        }
        Ok(())
    }

    fn data(&mut self, data: Data<'_>) -> wasmparser::Result<()> {
        let index = self.data_segments;
        self.data_segments += 1;
        self.segment_bytes = self
            .segment_bytes
            .saturating_add(data.range.end - data.range.start);
        self.data_payload = self.data_payload.saturating_add(data.data.len() as u64);
        let DataKind::Active {
            memory_index,
            offset_expr,
        } = data.kind
        else {
            return Ok(()); // passive: Nitro leaves it alone (memory.init is refused)
        };
        if memory_index != 0 {
            self.violation(
                Rule::Memory,
                format!("data segment {index} targets memory {memory_index}"),
            );
            return Ok(());
        }
        let Some(offset) = const_i32(offset_expr.get_operators_reader())? else {
            self.violation(
                Rule::Segment,
                format!("data segment {index} has a non-constant offset; Nitro needs an i32.const"),
            );
            return Ok(());
        };
        let end = u64::from(offset).saturating_add(data.data.len() as u64);
        let pages = self.memories.first().map_or(0, |m| m.initial);
        if end > pages.saturating_mul(PAGE_SIZE) {
            self.violation(
                Rule::Memory,
                format!("data segment {index} (bytes {offset}..{end}) lies outside the initial memory of {pages} pages"),
            );
        }
        Ok(())
    }

    fn body(&mut self, body: &FunctionBody<'_>) -> wasmparser::Result<()> {
        let func = self.func_imports.len() as u32 + self.bodies_seen;
        self.bodies_seen += 1;
        let ctx = BodyContext {
            wasm: self.wasm,
            growable_memory: self.memories.first().is_some_and(is_growable),
        };
        let stats = scan_body(body, func, &ctx, &mut self.out)?;
        if stats.locals > MAX_LOCALS {
            self.violation(
                Rule::Limit,
                format!(
                    "function {func} declares {} locals; Nitro allows at most {MAX_LOCALS}",
                    stats.locals
                ),
            );
        }
        if stats.instrumented_ops > MAX_BODY_OPCODES {
            self.violation(
                Rule::Limit,
                format!(
                    "function {func} has {} operators after Nitro's instrumentation ({} as written); Nitro allows at most {MAX_BODY_OPCODES}",
                    stats.instrumented_ops, stats.ops
                ),
            );
        }
        self.largest_locals = self.largest_locals.max(stats.locals);
        self.largest_body_ops = self.largest_body_ops.max(stats.instrumented_ops);
        self.instrumented_ops = self.instrumented_ops.saturating_add(stats.instrumented_ops);
        Ok(())
    }
}

/// Whether Nitro treats the memory as growable (its maximum is not its
/// initial size; `HeapBound::update_module` in `programs/heap.rs`).
pub(super) fn is_growable(memory: &MemoryType) -> bool {
    memory.maximum != Some(memory.initial)
}

fn same_types(have: &[ValType], want: &[HostType]) -> bool {
    have.len() == want.len()
        && have.iter().zip(want).all(|(h, w)| {
            matches!(
                (h, w),
                (ValType::I32, HostType::I32) | (ValType::I64, HostType::I64)
            )
        })
}

/// The value of a constant expression that is exactly `i32.const N; end`, as
/// an unsigned offset.
fn const_i32(mut ops: wasmparser::OperatorsReader<'_>) -> wasmparser::Result<Option<u32>> {
    let first = ops.read()?;
    let Operator::I32Const { value } = first else {
        return Ok(None);
    };
    let end = matches!(ops.read()?, Operator::End) && ops.eof();
    Ok(end.then_some(value as u32))
}

pub(super) fn kind_name(kind: ExternalKind) -> &'static str {
    match kind {
        ExternalKind::Func | ExternalKind::FuncExact => "function",
        ExternalKind::Table => "table",
        ExternalKind::Memory => "memory",
        ExternalKind::Global => "global",
        ExternalKind::Tag => "tag",
    }
}
