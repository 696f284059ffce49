//! An in-process Arbitrum-like test chain that runs Stylus programs.
//!
//! [`Localnet`] is revm 43 (Osaka rules, chain id 412346) wrapped in
//! [`StylusEvm`], which runs every call frame whose code starts with
//! `EF F0 00` as a Stylus program in [`stylus_runtime`], with Nitro's
//! costs around it:
//!
//! - **Activation** through `ArbWasm` at 0x71 (`activateProgram(address)`),
//!   which runs Nitro's activation rules and charges as Nitro does: the
//!   fixed 1,659,168 gas, `Module::activate`'s charges, ArbOS's storage
//!   reads and writes, and a data fee in wei from ArbOS's data pricer
//!   ([`data_pricer`]), paid from the value sent; a failed activation
//!   burns all its gas. Activations expire after a year unless kept alive
//!   (`codehashKeepalive`). A call into an unactivated or expired
//!   program fails as Nitro's does: no gas kept, no return data (its reason
//!   is in [`TxOutcome::failures`]). See [`precompiles`].
//! - **Entry cost**: memory for the program's footprint under the
//!   transaction-wide memory model ([`memory`]), `352 + cached_init_cost`,
//!   and, unless the program is cached through `ArbWasmCache` at 0x72 (or
//!   [`Localnet::set_cached`]), `8,832 + init_cost`.
//! - **Calls from programs**: Nitro's base cost and 63/64 rule ([`calls`]).
//! - **Reentrancy** (`msg_reentrant`): as Nitro counts it, more than one open
//!   non-delegate frame of the program's account.
//!
//! - **Exits**: a revert keeps the gas left, a failure (trap) reverts with
//!   empty data keeping the gas left (its reason is in
//!   [`TxOutcome::failures`]), running out of ink consumes all gas, running
//!   out of stack halts with a stack overflow; return data costs at least
//!   its EVM memory cost (ArbOS 31).
//!
//! - **ArbOS version** ([`arbos`]): 51 by default; at 60 a program entered
//!   earlier in the same block pays the cached entry cost (each
//!   transaction is its own block here), and activation refuses
//!   multi-value, which 51 accepts.
//!
//! - **Creations from programs**: a `create1`/`create2` that Nitro refuses
//!   (in a static call, or without the gas for its base cost) fails the
//!   program, as on Nitro.
//!
//! What differs from Arbitrum: the module hash is the wasm's keccak, not
//! the WAVM module's; there are no cache managers (the chain owner may
//! cache, see [`precompiles`]); `NUMBER`
//! and the `block_number` host function give this chain's block number,
//! not an L1 estimate; there are no L1 data fees or other ArbOS
//! precompiles; fragmented programs (`EF F0 01`/`02`) are not supported.
//! As on Nitro by default, EIP-7623's calldata floor is off.
//!
//! ```no_run
//! use localnet::{Localnet, contract_code_path};
//! use alloy_primitives::{Address, U256};
//!
//! let mut net = Localnet::new();
//! let module = net.deploy_stylus_file(contract_code_path("time-window"));
//! let user = Address::repeat_byte(0x11);
//! net.fund(user, U256::from(10u64).pow(U256::from(18)));
//! let outcome = net.call(user, module, vec![0x01, 0xff, 0xc9, 0xa7]);
//! println!("{outcome}");
//! ```

pub mod abi;
pub mod arbos;
pub mod calls;
pub mod data_pricer;
pub mod entry_point;
pub mod evm;
mod localnet;
pub mod memory;
pub mod precompiles;
pub mod user_operation;
pub mod world;

/// The revm this chain is built on, for callers that build [`revm::context::TxEnv`]s.
pub use revm;

pub use arbos::ArbOs;
pub use entry_point::{user_op_hash, PackedUserOperation, ENTRY_POINT};
pub use evm::{ProgramEntry, ProgramFailure, StylusEvm};
pub use localnet::{
    contract_code_path, deployer_init_code, stale_contract_build, CallOutcome, Ctx, Db, Localnet,
    LocalnetError, TxOutcome, BASEFEE, BLOCK_GAS_LIMIT, CHAIN_ID, COINBASE, DEPLOYER,
    DEPLOYER_FUNDS, GENESIS_NUMBER, GENESIS_TIMESTAMP, TX_GAS_LIMIT,
};
pub use precompiles::{ProgramRecord, ARBWASM, ARBWASM_CACHE, P256VERIFY};
pub use stylus_runtime::ActivationInfo;
