//! Shared core of Stylus Session Keys.
//!
//! This `no_std` crate is linked into every permission module and into the
//! off-chain tools, so that both sides read and write exactly the same bytes:
//!
//! - [`selectors`]: ERC-6900 v0.8, ERC-4337 v0.7 and ERC-20 selectors and
//!   ERC-165 interface ids, computed from their signatures at compile time;
//! - [`abi`]: a bounds-checked reader and a small writer for the ABI words
//!   the modules need, without a general-purpose ABI library in the contract;
//! - [`calls`]: the calldata walker, which turns an account call
//!   (`execute`, `executeBatch` or the `executeUserOp` forms) into the calls
//!   it will make, rejecting everything else;
//! - [`user_op`]: the fields of a `PackedUserOperation` a hook needs;
//! - [`validation_data`]: ERC-4337 validation-data packing and intersection;
//! - [`erc20`]: decoding of `transfer`, `approve` and `increaseAllowance`;
//! - [`install`]: the install data of each permission module, encoded and
//!   decoded;
//! - [`window`]: the time-window rule, shared by time-window and
//!   session-signer;
//! - [`period`]: the arithmetic of a periodic allowance, shared by
//!   spending-limit (amounts) and usage-limit (operations);
//! - [`params`]: parameter rules (conditions on a call's ABI arguments and
//!   running totals), their install data and their comparison;
//! - [`path`]: ABI paths to a word inside a call's dynamic arguments,
//!   followed as Solidity's decoder follows them.
//!
//! Nothing here panics on untrusted input: every decoder returns a
//! [`CalldataError`] instead.
#![no_std]
#![warn(missing_docs)]

extern crate alloc;

pub mod abi;
pub mod calls;
pub mod erc20;
pub mod install;
pub mod params;
pub mod path;
pub mod period;
pub mod selectors;
pub mod user_op;
pub mod validation_data;
pub mod window;

pub use abi::{AbiReader, AbiWriter, CalldataError};
pub use alloy_primitives::{Address, B256, U256};
pub use calls::{Call, Calls};
pub use validation_data::ValidationData;
pub use window::Window;
