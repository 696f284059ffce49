//! One read of the module before rewriting it: the types of its functions,
//! how many globals it has (the new ones go after them), whether its memory
//! can grow and which import pays for growth, and every body as a list of
//! operators with its count of declared locals.

use wasmparser::{FuncType, Operator, Parser, Payload, TypeRef};

use super::error::Error;
use crate::hostio::HOST_MODULE;
use crate::validate::PAY_FOR_MEMORY_GROW;

/// One function body, ready for the instrumentation stages.
pub(super) struct Body<'a> {
    /// Declared locals, parameters not included (what Nitro's depth checker
    /// is given: `code.locals` in `WasmBinary::instrument`).
    pub locals: u32,
    pub ops: Vec<Operator<'a>>,
}

/// What the stages need to know about the module.
#[derive(Default)]
pub(super) struct ModuleFacts<'a> {
    /// Function types by type index.
    pub types: Vec<FuncType>,
    /// Type index of every function, imported ones first.
    pub func_types: Vec<u32>,
    /// Number of imported functions.
    pub imported_funcs: u32,
    /// Globals the module has (imported and defined); new ones follow.
    pub globals: u32,
    /// The function index of `vm_hooks.pay_for_memory_grow`, when the
    /// memory can grow (its maximum is not its initial size).
    pub pay_for_memory_grow: Option<u32>,
    /// Every locally defined body, in order.
    pub bodies: Vec<Body<'a>>,
}

impl<'a> ModuleFacts<'a> {
    /// Reads `wasm`, which must already be valid.
    pub fn read(wasm: &'a [u8]) -> Result<Self, Error> {
        let mut facts = ModuleFacts::default();
        let mut pay_import = None;
        let mut growable = false;
        for payload in Parser::new(0).parse_all(wasm) {
            match payload? {
                Payload::TypeSection(reader) => {
                    for ty in reader.into_iter_err_on_gc_types() {
                        facts.types.push(ty?);
                    }
                }
                Payload::ImportSection(reader) => {
                    for import in reader.into_imports() {
                        let import = import?;
                        match import.ty {
                            TypeRef::Func(ty) | TypeRef::FuncExact(ty) => {
                                if import.module == HOST_MODULE
                                    && import.name == PAY_FOR_MEMORY_GROW
                                {
                                    pay_import = Some(facts.imported_funcs);
                                }
                                facts.func_types.push(ty);
                                facts.imported_funcs += 1;
                            }
                            TypeRef::Global(_) => facts.globals += 1,
                            _ => {}
                        }
                    }
                }
                Payload::FunctionSection(reader) => {
                    for ty in reader {
                        facts.func_types.push(ty?);
                    }
                }
                Payload::MemorySection(reader) => {
                    for memory in reader {
                        let memory = memory?;
                        growable |= memory.maximum != Some(memory.initial);
                    }
                }
                Payload::GlobalSection(reader) => facts.globals += reader.count(),
                Payload::CodeSectionEntry(body) => {
                    let mut locals = 0u32;
                    for decl in body.get_locals_reader()? {
                        locals = locals.saturating_add(decl?.0);
                    }
                    let mut ops = Vec::new();
                    let mut reader = body.get_operators_reader()?;
                    while !reader.eof() {
                        ops.push(reader.read()?);
                    }
                    facts.bodies.push(Body { locals, ops });
                }
                _ => {}
            }
        }
        if growable {
            facts.pay_for_memory_grow = pay_import;
        }
        Ok(facts)
    }

    /// The type of function `index` (imports first).
    pub fn func_type(&self, index: u32) -> Option<&FuncType> {
        let ty = *self.func_types.get(index as usize)?;
        self.types.get(ty as usize)
    }
}
