//! Activation: from a program's WASM to a compiled, instrumented module.

use std::fmt;
use std::sync::Arc;

use stylus_artifact::instrument::{instrument, InstrumentConfig};
use stylus_artifact::validate::validate_with;
use stylus_artifact::{HostType, Violation, HOST_FUNCTIONS, HOST_MODULE};
use wasmi::{Config, Engine, FuncType, Linker, Module, ValType};

use crate::execution::HostTrap;

/// Nitro's activation figures for a program (`binary.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActivationInfo {
    /// Charged on an uncached call, on top of 8,832 gas.
    pub init_cost: u16,
    /// Charged on every call, on top of 352 gas.
    pub cached_init_cost: u16,
    /// Initial memory pages.
    pub footprint: u16,
    /// Length of the (uninstrumented) WASM.
    pub wasm_len: usize,
    /// Locally defined functions.
    pub funcs: u32,
    /// Gas `Module::activate` charges on top of `ArbWasm`'s fixed price
    /// (see [`stylus_artifact::activation`]).
    pub activation_gas: u64,
    /// Nitro's predicted machine-code size, in bytes, that the data fee
    /// is priced on.
    pub asm_estimate: u32,
}

/// Why a program cannot be activated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActivationError {
    /// The WASM breaks Nitro's activation rules.
    Rejected(Vec<String>),
    /// An init cost does not fit Nitro's 16-bit field.
    CostOverflow,
    /// Instrumentation or compilation failed.
    Compile(String),
}

impl fmt::Display for ActivationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Rejected(reasons) => write!(f, "activation rejected: {}", reasons.join("; ")),
            Self::CostOverflow => f.write_str("activation rejected: init cost exceeds 65,535"),
            Self::Compile(e) => write!(f, "activation failed: {e}"),
        }
    }
}

impl std::error::Error for ActivationError {}

/// An activated program: instrumented and compiled once, run many times.
#[derive(Clone)]
pub struct Program {
    /// Activation figures.
    pub info: ActivationInfo,
    pub(crate) module: Module,
    pub(crate) runtime: Runtime,
}

impl fmt::Debug for Program {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Program").field("info", &self.info).finish()
    }
}

/// The WASM engine and the `vm_hooks` imports every program links against.
#[derive(Clone)]
pub struct Runtime {
    pub(crate) engine: Engine,
    pub(crate) linker: Arc<Linker<()>>,
}

impl Default for Runtime {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Runtime")
    }
}

/// WASM call frames wasmi may nest. Nitro's stack budget (22,000 words)
/// runs out long before this, so the budget decides, as on Arbitrum.
const MAX_RECURSION_DEPTH: usize = 1 << 20;

impl Runtime {
    /// An engine with Nitro's WASM feature set and the 42 host imports.
    pub fn new() -> Self {
        let mut config = Config::default();
        config
            .set_max_recursion_depth(MAX_RECURSION_DEPTH)
            .floats(false)
            .wasm_reference_types(false)
            .wasm_tail_call(false)
            // Multi-value is allowed by activation before ArbOS 60 and
            // refused from 60 (`activate_with`); the engine runs either.
            .wasm_multi_value(true);
        let engine = Engine::new(&config);
        let mut linker = Linker::new(&engine);
        for (index, host) in HOST_FUNCTIONS.iter().enumerate() {
            let ty = FuncType::new(
                host.params.iter().map(val_type),
                host.results.iter().map(val_type),
            );
            // Every import traps into the driver loop, which serves it with
            // access to both the program's memory and the world.
            linker
                .func_new(
                    HOST_MODULE,
                    host.name,
                    ty,
                    move |_caller, params, _results| {
                        Err(wasmi::Error::host(HostTrap::new(index, params)))
                    },
                )
                .expect("each host function is defined once");
        }
        Self {
            engine,
            linker: Arc::new(linker),
        }
    }

    /// Activates `wasm` (decompressed, uninstrumented): Nitro's validation,
    /// the init costs, instrumentation and compilation, with ArbOS 60's
    /// rules.
    pub fn activate(&self, wasm: &[u8]) -> Result<Program, ActivationError> {
        self.activate_with(wasm, false)
    }

    /// [`Runtime::activate`], accepting multi-value functions and blocks
    /// when `multi_value` is set (activation before ArbOS 60).
    pub fn activate_with(
        &self,
        wasm: &[u8],
        multi_value: bool,
    ) -> Result<Program, ActivationError> {
        let module_info = validate_with(wasm, multi_value).map_err(|violations| {
            ActivationError::Rejected(violations.iter().map(Violation::to_string).collect())
        })?;
        let costs = module_info.costs();
        let to_u16 = |v: u64| u16::try_from(v).map_err(|_| ActivationError::CostOverflow);
        let info = ActivationInfo {
            init_cost: to_u16(costs.init_cost)?,
            cached_init_cost: to_u16(costs.cached_init_cost)?,
            footprint: to_u16(module_info.footprint())?,
            wasm_len: wasm.len(),
            funcs: u32::try_from(module_info.funcs()).map_err(|_| ActivationError::CostOverflow)?,
            activation_gas: module_info.activation.compute_gas(),
            // Within u32: validation caps the wasm at 128 KiB and 4,096
            // functions, which bounds the estimate near 5 MB.
            asm_estimate: u32::try_from(module_info.activation.asm_estimate()).unwrap_or(u32::MAX),
        };
        let config = InstrumentConfig {
            multi_value,
            ..InstrumentConfig::default()
        };
        let instrumented =
            instrument(wasm, &config).map_err(|e| ActivationError::Compile(e.to_string()))?;
        let module = Module::new(&self.engine, &instrumented.wasm[..])
            .map_err(|e| ActivationError::Compile(e.to_string()))?;
        Ok(Program {
            info,
            module,
            runtime: self.clone(),
        })
    }
}

fn val_type(ty: &HostType) -> ValType {
    match ty {
        HostType::I32 => ValType::I32,
        HostType::I64 => ValType::I64,
    }
}
