//! Runs activated Stylus programs the way Arbitrum Nitro does, in wasmi.
//!
//! - [`Runtime::activate`] validates a program's WASM with Nitro's activation
//!   rules, computes its init costs, instruments it (ink meter, dynamic
//!   meter, stack budget, memory-grow hook; see `stylus_artifact::instrument`)
//!   and compiles it once.
//! - [`Execution`] runs one call of a [`Program`]: it sets the ink meter from
//!   the gas it is given, serves every `vm_hooks` host function with Nitro's
//!   ink prices ([`pricing`]), keeps the per-call storage cache, and yields a
//!   [`Step`] whenever the program makes a nested call or creation, or ends.
//! - The chain supplies state through the [`World`] trait and runs nested
//!   calls as ordinary frames.
//!
//! Every host import traps into the driver loop (a wasmi resumable call), so
//! the host functions run with safe access to both the program's memory and
//! the world, and a nested call can leave the program suspended while the
//! chain runs the child.

mod execution;
mod hostio;
pub mod pricing;
mod program;
mod storage_cache;
pub mod world;

pub use execution::{Execution, StateTrace};
pub use program::{ActivationError, ActivationInfo, Program, Runtime};
pub use world::{
    BlockInfo, CallInfo, CallKind, Outcome, SstoreCost, Step, SubCall, SubCreate, SubResult,
    TxInfo, World, WorldError,
};
