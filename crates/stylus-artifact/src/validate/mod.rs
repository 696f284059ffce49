//! Nitro's activation rules, applied to the wasm that will be deployed, and
//! the figures activation computes from it.
//!
//! The rules come from `crates/prover/src/binary.rs` (`parse`,
//! `WasmBinary::parse_user`, `instrument`), `crates/prover/src/programs/*.rs`
//! (start mover, meters, depth checker, heap bound, `memory_info`) and
//! `crates/prover/src/machine.rs` (`Module::from_binary`: imports, data and
//! element segments) in OffchainLabs/nitro. On top of Nitro's rules this
//! crate refuses float *types* as well as float instructions.
//!
//! Validation runs in three passes: wasmparser with every proposal enabled
//! (is it wasm at all?), a scan that names each broken rule, and wasmparser
//! with Nitro's own feature set (reference types, multi-value, SIMD, threads,
//! tail calls and exceptions off) as a backstop, so that nothing Nitro's
//! parser would refuse is accepted here.

mod checks;
mod sections;

use std::collections::HashSet;

use wasmparser::{Validator, WasmFeatures};

use crate::activation::ActivationInputs;
use crate::cost::{CostInputs, Costs};
use crate::violation::{Rule, Violation};
use sections::Scan;

/// The export Nitro calls.
pub const ENTRYPOINT: &str = "user_entrypoint";
/// The export name the memory must have.
pub const MEMORY_EXPORT: &str = "memory";
/// The host function a growable memory must import.
pub const PAY_FOR_MEMORY_GROW: &str = "pay_for_memory_grow";

/// What activation learns about a valid program.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleInfo {
    /// The inputs of the activation cost formulas (see [`crate::cost`]).
    pub cost_inputs: CostInputs,
    /// The inputs of Nitro's activation charges (see [`crate::activation`]).
    pub activation: ActivationInputs,
    /// The `vm_hooks` functions the program imports, in import order.
    pub host_imports: Vec<String>,
    /// Globals the module defines (instrumentation adds 4 more).
    pub own_globals: u64,
    /// Number of data segments.
    pub data_segments: u64,
    /// Number of element segments.
    pub element_segments: u64,
    /// The memory's maximum, in pages, if it has one.
    pub max_pages: Option<u64>,
    /// The most declared locals in one function.
    pub largest_locals: u64,
    /// The most operators in one function after Nitro's instrumentation.
    pub largest_body_ops: u64,
}

impl ModuleInfo {
    /// Locally defined functions, as Nitro counts them.
    pub fn funcs(&self) -> u64 {
        self.cost_inputs.funcs
    }

    /// Initial memory, in pages.
    pub fn footprint(&self) -> u64 {
        self.cost_inputs.footprint
    }

    /// Activation cost figures and entry gas.
    pub fn costs(&self) -> Costs {
        self.cost_inputs.costs()
    }
}

/// Checks `wasm`, the exact module to deploy, against Nitro's activation
/// rules of ArbOS 60 (multi-value rejected), which hold on every version.
///
/// Returns every broken rule, not only the first one.
pub fn validate(wasm: &[u8]) -> Result<ModuleInfo, Vec<Violation>> {
    validate_with(wasm, false)
}

/// [`validate`], with multi-value functions and blocks allowed when
/// `multi_value` is set: the rule of ArbOS versions before 60
/// (`parse_with_version` in `crates/prover/src/binary.rs`).
pub fn validate_with(wasm: &[u8], multi_value: bool) -> Result<ModuleInfo, Vec<Violation>> {
    if let Err(err) = Validator::new_with_features(WasmFeatures::all()).validate_all(wasm) {
        return Err(vec![Violation::new(
            Rule::Malformed,
            format!("not a valid wasm module: {err}"),
        )]);
    }

    let mut scan = Scan::new(wasm);
    if let Err(err) = scan.run() {
        return Err(vec![Violation::new(
            Rule::Malformed,
            format!("cannot read the wasm module: {err}"),
        )]);
    }
    let (info, mut violations) = scan.finish();
    if multi_value {
        violations.retain(|v| v.rule != Rule::MultiValue);
    }

    if violations.is_empty() {
        if let Err(err) =
            Validator::new_with_features(nitro_features_with(multi_value)).validate_all(wasm)
        {
            violations.push(Violation::new(
                Rule::Malformed,
                format!(
                    "Nitro's wasm parser (reference types, multi-value, SIMD, threads, tail \
                     calls and exceptions off) rejects the module: {err}"
                ),
            ));
        }
    }

    let mut seen = HashSet::new();
    violations.retain(|v| seen.insert(v.message.clone()));
    if violations.is_empty() {
        Ok(info)
    } else {
        Err(violations)
    }
}

/// The wasmparser features Nitro enables for user programs from ArbOS 60
/// (`parse_with_version` in `crates/prover/src/binary.rs`).
pub fn nitro_features() -> WasmFeatures {
    WasmFeatures::MUTABLE_GLOBAL
        | WasmFeatures::SATURATING_FLOAT_TO_INT
        | WasmFeatures::SIGN_EXTENSION
        | WasmFeatures::BULK_MEMORY
        | WasmFeatures::FLOATS
        | WasmFeatures::GC_TYPES
}

/// [`nitro_features`], plus multi-value when `multi_value` is set (the
/// feature set before ArbOS 60).
pub fn nitro_features_with(multi_value: bool) -> WasmFeatures {
    if multi_value {
        nitro_features() | WasmFeatures::MULTI_VALUE
    } else {
        nitro_features()
    }
}
