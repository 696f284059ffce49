//! Turns the wasm that rustc writes for a Stylus contract into the exact
//! artifact that is deployed, and checks it the way Nitro checks a program
//! when `ArbWasm.activateProgram` is called.
//!
//! The pipeline is:
//!
//! 1. [`canonicalize`]: parse and re-encode the module, so that every
//!    `call_indirect` uses the MVP one-byte table index and all custom
//!    sections (names, producers, target features) are gone.
//! 2. [`validate()`]: apply Nitro's activation rules (host imports, forbidden
//!    proposals, memory, entrypoint, limits) and measure the inputs of Nitro's
//!    activation cost formulas ([`ModuleInfo`], [`CostInputs`]).
//! 3. [`onchain_code`]: `EF F0 00`, dictionary byte 0, then the brotli stream.
//!
//! [`build_artifact`] runs the three steps, and [`Budget`] holds the project's
//! own stricter limits (code size, initial memory, entry gas).
//!
//! The facts this crate implements are summarised in each module's docs with
//! the Nitro source paths they were read from. No Nitro code is used.

pub mod activation;
pub mod artifact;
pub mod canonical;
pub mod cost;
pub mod error;
pub mod hostio;
pub mod instrument;
pub mod limits;
pub mod names;
pub mod onchain;
mod operators;
pub mod validate;
pub mod violation;

mod body;

pub use activation::ActivationInputs;
pub use artifact::{build_artifact, Artifact, ArtifactError, Budget, Overrun};
pub use canonical::canonicalize;
pub use cost::{cached_entry_gas, memory_gas, uncached_entry_gas, CostInputs, Costs};
pub use error::Error;
pub use hostio::{host_function, HostFunction, HostType, HOST_FUNCTIONS, HOST_MODULE};
pub use instrument::{
    instrument, Error as InstrumentError, InstrumentConfig, Instrumented, MeterGlobal, MeterGlobals,
};
pub use names::function_names;
pub use onchain::{compress, decompress_onchain_code, is_stylus_code, onchain_code};
pub use validate::{validate, ModuleInfo};
pub use violation::{Rule, Violation};
