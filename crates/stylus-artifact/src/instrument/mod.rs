//! Nitro's metering instrumentation, applied to a wasm module so that any
//! wasm engine (wasmi in this project) charges ink and bounds the stack
//! exactly as Arbitrum does.
//!
//! Nitro rewrites each function body through a chain of middlewares, in this
//! order (`WasmBinary::instrument` in `crates/prover/src/binary.rs`; the
//! same order for native code in `CompileConfig::engine_type`,
//! `crates/prover/src/programs/config.rs`). Each stage sees the previous
//! one's output:
//!
//! 1. start mover (`programs/start.rs`): refuses a start function and drops
//!    every export but `user_entrypoint` and `memory`;
//! 2. `meter`: an ink charge in front of every basic block;
//! 3. `dynamic`: a per-byte charge before `memory.fill` and `memory.copy`;
//! 4. `depth`: frame sizes taken from and given back to a stack budget;
//! 5. `heap`: a call to `pay_for_memory_grow` before `memory.grow`.
//!
//! Globals are added after the module's own (`output`); `encode` writes
//! the module. Prices and bounds are Stylus versions 1 to 3 (`config`,
//! `pricing`). Every fact is written down in the file that implements it,
//! with the Nitro path it was read from (OffchainLabs/nitro, 2026-04). No
//! Nitro code is used.
//!
//! # Deviations from Nitro
//!
//! - **Input.** [`instrument`] first runs [`crate::validate()`], so it only
//!   takes programs that activate. That is stricter than Nitro's own
//!   instrumentation step, which runs before some of its checks; the
//!   depth checker here therefore knows only the integer operators Stylus
//!   allows (Nitro's also classifies float operators, which activation
//!   rejects anyway).
//! - **Output.** Nitro compiles the rewritten body to machine code or WAVM;
//!   here it is a wasm module whose instrumentation globals are exported
//!   under Nitro's names, as Nitro exports them to its own runtime.
//! - **Exports.** With [`InstrumentConfig::keep_other_exports`] the exports
//!   Nitro would drop are kept, for tests that call other functions.
//! - **Not done:** the operator counter (`programs/counter.rs`), which Nitro
//!   adds only in debug mode with `count_ops`; custom sections are dropped.
//! - **Messages** name functions by their wasm index (imports first), not
//!   by Nitro's local index.
//!
//! A runtime sets `stylus_ink_left`, `stylus_ink_status` (0) and
//! `stylus_stack_left` before each call; see [`Instrumented`].

mod config;
mod depth;
mod dynamic;
mod encode;
mod error;
mod facts;
mod heap;
mod meter;
mod output;
mod pricing;

pub use config::{
    InstrumentConfig, OpcodePricer, INK_HEADER_COST, MAX_FRAME_CONTENTION, MAX_FRAME_SIZE,
    MEMORY_BYTE_INK, STACK_DEPTH_ARBOS_50, STACK_DEPTH_BEFORE_ARBOS_50,
};
pub use error::Error;
pub use output::{
    GlobalType, Instrumented, MeterGlobal, MeterGlobals, STYLUS_INK_LEFT, STYLUS_INK_STATUS,
    STYLUS_SCRATCH_GLOBAL, STYLUS_STACK_LEFT,
};
pub use pricing::pricing_v1;

use wasm_encoder::reencode::Reencode;
use wasmparser::{Parser, Validator};

use crate::limits::MAX_BODY_OPCODES;
use crate::validate::nitro_features_with;
use depth::DepthChecker;
use dynamic::DynamicMeter;
use encode::Rewriter;
use facts::ModuleFacts;
use heap::HeapBound;
use meter::InkMeter;

/// Instruments `wasm`, a program that passes [`crate::validate()`], the way
/// Nitro does when it activates it.
pub fn instrument(wasm: &[u8], config: &InstrumentConfig) -> Result<Instrumented, Error> {
    crate::validate::validate_with(wasm, config.multi_value).map_err(Error::Rejected)?;
    let mut facts = ModuleFacts::read(wasm)?;
    let bodies = std::mem::take(&mut facts.bodies);
    let globals = MeterGlobals::after(facts.globals);

    let meter = InkMeter {
        ink_left: globals.ink_left.index,
        ink_status: globals.ink_status.index,
        header_cost: config.ink_header_cost,
        prices: config.opcode_costs,
        types: &facts.types,
    };
    let dynamic = DynamicMeter {
        ink_left: globals.ink_left.index,
        ink_status: globals.ink_status.index,
        scratch: globals.scratch.index,
        fill_ink: config.memory_fill_ink,
        copy_ink: config.memory_copy_ink,
    };
    let depth = DepthChecker {
        stack_left: globals.stack_left.index,
        facts: &facts,
        max_frame_size: config.max_frame_size,
        max_contention: config.max_frame_contention,
    };
    let heap = HeapBound {
        scratch: globals.scratch.index,
        pay_for_memory_grow: facts.pay_for_memory_grow,
    };

    let mut rewritten = Vec::with_capacity(bodies.len());
    let mut frame_sizes = Vec::with_capacity(bodies.len());
    let mut body_ops = Vec::with_capacity(bodies.len());
    for (local, body) in bodies.into_iter().enumerate() {
        let func = facts.imported_funcs + local as u32;
        let ops = dynamic.apply(meter.apply(body.ops));
        let frame = depth.frame_size(func, &ops, body.locals)?;
        let ops = heap.apply(depth.apply(ops, frame));
        let count = ops.len() as u64;
        if count > MAX_BODY_OPCODES {
            return Err(Error::BodyTooLong {
                func,
                ops: count,
                limit: MAX_BODY_OPCODES,
            });
        }
        rewritten.push(ops);
        frame_sizes.push(frame);
        body_ops.push(count);
    }

    let mut rewriter = Rewriter {
        bodies: rewritten.into_iter(),
        globals,
        keep_other_exports: config.keep_other_exports,
        wrote_globals: false,
        wrote_exports: false,
    };
    let mut module = wasm_encoder::Module::new();
    rewriter
        .parse_core_module(&mut module, Parser::new(0), wasm)
        .map_err(|e| Error::Reencode(e.to_string()))?;
    let out = module.finish();

    Validator::new_with_features(nitro_features_with(config.multi_value))
        .validate_all(&out)
        .map_err(|e| Error::Reencode(format!("the instrumented module does not validate: {e}")))?;

    Ok(Instrumented {
        wasm: out,
        globals,
        frame_sizes,
        body_ops,
        pay_for_memory_grow: facts.pay_for_memory_grow,
    })
}
