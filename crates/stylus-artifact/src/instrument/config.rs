//! What the instrumentation is parameterised by, with Nitro's values for
//! Stylus versions 1 to 3 as defaults (`CompileConfig::version` in
//! `crates/prover/src/programs/config.rs`), and the runtime values a host
//! writes into the instrumentation globals before each call.

use wasmparser::{FuncType, Operator};

use super::pricing::pricing_v1;

/// Prices one operator in ink. The second argument holds the module's
/// function types by type index, for `call_indirect`.
pub type OpcodePricer = fn(&Operator<'_>, &[FuncType]) -> u64;

/// Ink every basic block pays on top of its operators
/// (`ink_header_cost: 2450`).
pub const INK_HEADER_COST: u64 = 2_450;
/// Ink per byte of `memory.fill` and of `memory.copy` (`800 / 8`).
pub const MEMORY_BYTE_INK: u64 = 100;
/// Largest frame, in words, a function may have (`max_frame_size: 10 * 1024`).
pub const MAX_FRAME_SIZE: u32 = 10 * 1024;
/// Most values the depth checker may count on the operand stack at once
/// (`max_frame_contention: 4096`).
pub const MAX_FRAME_CONTENTION: u32 = 4_096;

/// The stack budget in words a host gives every call from ArbOS 50 on:
/// `StylusParams.MaxStackDepth`, capped to `arbOS50MaxWasmSize = 22000` by
/// the ArbOS 50 upgrade (`arbos/programs/params.go`).
pub const STACK_DEPTH_ARBOS_50: u32 = 22_000;
/// The stack budget before ArbOS 50: `initialStackDepth = 4 * 65536`.
pub const STACK_DEPTH_BEFORE_ARBOS_50: u32 = 4 * 65_536;

/// How [`instrument`](super::instrument) rewrites a module.
///
/// The stack budget is not part of it: the instrumented module starts with
/// `stylus_stack_left = 0`, and the host writes the budget (see
/// [`STACK_DEPTH_ARBOS_50`]) into that global before every call, as it
/// writes the ink left (`NativeInstance::run_main` in
/// `crates/stylus/src/run.rs` calls `set_ink` and `set_stack`).
#[derive(Clone, Copy, Debug)]
pub struct InstrumentConfig {
    /// Ink per operator; pricing v1 by default.
    pub opcode_costs: OpcodePricer,
    /// Ink added to every basic block's charge.
    pub ink_header_cost: u64,
    /// Ink per byte written by `memory.fill`.
    pub memory_fill_ink: u64,
    /// Ink per byte copied by `memory.copy`.
    pub memory_copy_ink: u64,
    /// Largest frame size, in words; a larger one fails instrumentation.
    pub max_frame_size: u32,
    /// Most values counted on the operand stack at once; more fails.
    pub max_frame_contention: u32,
    /// Keep every export of the input. Nitro drops all exports except
    /// `user_entrypoint` and `memory` before adding its globals
    /// (`StartMover` in `programs/start.rs`); tests that call other
    /// functions set this.
    pub keep_other_exports: bool,
    /// Accept multi-value functions and blocks, as activation before
    /// ArbOS 60 does (off: ArbOS 60's rule).
    pub multi_value: bool,
}

impl Default for InstrumentConfig {
    fn default() -> Self {
        InstrumentConfig {
            opcode_costs: pricing_v1,
            ink_header_cost: INK_HEADER_COST,
            memory_fill_ink: MEMORY_BYTE_INK,
            memory_copy_ink: MEMORY_BYTE_INK,
            max_frame_size: MAX_FRAME_SIZE,
            max_frame_contention: MAX_FRAME_CONTENTION,
            keep_other_exports: false,
            multi_value: false,
        }
    }
}
