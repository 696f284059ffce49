//! What instrumentation hands to a runtime: the new module and where its
//! four instrumentation globals are.
//!
//! Nitro adds the globals in this order, after the module's own, each
//! mutable, initialised to 0 and exported under its name
//! (`ModuleMod::add_global` in `crates/prover/src/programs/mod.rs`):
//! `stylus_ink_left` (i64, `programs/meter.rs`), `stylus_ink_status` (i32,
//! `programs/meter.rs`), `stylus_scratch_global` (i32,
//! `programs/dynamic.rs`) and `stylus_stack_left` (i32, `programs/depth.rs`).

/// Export name of the ink left (i64).
pub const STYLUS_INK_LEFT: &str = "stylus_ink_left";
/// Export name of the ink status (i32): 0 while ink lasts, 1 once a charge
/// could not be paid.
pub const STYLUS_INK_STATUS: &str = "stylus_ink_status";
/// Export name of the scratch global (i32) the dynamic meter and the
/// memory-growth hook park a value in.
pub const STYLUS_SCRATCH_GLOBAL: &str = "stylus_scratch_global";
/// Export name of the stack budget left, in words (i32, read unsigned).
/// The depth check sets it to 0 when it traps.
pub const STYLUS_STACK_LEFT: &str = "stylus_stack_left";

/// The value type of an instrumentation global.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GlobalType {
    I32,
    I64,
}

/// One instrumentation global: its export name, index and type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MeterGlobal {
    pub name: &'static str,
    pub index: u32,
    pub ty: GlobalType,
}

/// The four globals instrumentation adds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MeterGlobals {
    pub ink_left: MeterGlobal,
    pub ink_status: MeterGlobal,
    pub scratch: MeterGlobal,
    pub stack_left: MeterGlobal,
}

impl MeterGlobals {
    /// The globals added after `existing` globals.
    pub(super) fn after(existing: u32) -> Self {
        let global = |offset: u32, name, ty| MeterGlobal {
            name,
            index: existing + offset,
            ty,
        };
        MeterGlobals {
            ink_left: global(0, STYLUS_INK_LEFT, GlobalType::I64),
            ink_status: global(1, STYLUS_INK_STATUS, GlobalType::I32),
            scratch: global(2, STYLUS_SCRATCH_GLOBAL, GlobalType::I32),
            stack_left: global(3, STYLUS_STACK_LEFT, GlobalType::I32),
        }
    }

    /// All four, in the order they are added.
    pub fn all(&self) -> [MeterGlobal; 4] {
        [
            self.ink_left,
            self.ink_status,
            self.scratch,
            self.stack_left,
        ]
    }
}

/// An instrumented module.
///
/// Before calling it, a runtime sets `stylus_ink_left` to the ink the call
/// may use (gas × ink price), `stylus_ink_status` to 0 and
/// `stylus_stack_left` to the stack budget. After a trap it tells the cause
/// as Nitro does (`run_main` in `crates/stylus/src/run.rs`): stack left 0
/// means out of stack, else ink status non-zero means out of ink, else the
/// program failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instrumented {
    /// The instrumented module.
    pub wasm: Vec<u8>,
    /// Where the instrumentation globals are.
    pub globals: MeterGlobals,
    /// The frame size, in words, each locally defined function subtracts
    /// from the stack budget (index 0 is the first function after imports).
    pub frame_sizes: Vec<u32>,
    /// Operators in each locally defined body after instrumentation.
    pub body_ops: Vec<u64>,
    /// The function called before every `memory.grow`, if the memory can
    /// grow: the existing import `vm_hooks.pay_for_memory_grow`.
    pub pay_for_memory_grow: Option<u32>,
}
