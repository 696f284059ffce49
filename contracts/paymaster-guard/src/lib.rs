//! # paymaster-guard: which paymasters may pay for a session key
//!
//! An ERC-6900 v0.8 permission module (IValidationHookModule and
//! IExecutionHookModule) for Modular Account V2 and compatible accounts:
//! the key's user operations must name one of the listed paymasters in
//! `paymasterAndData`, or none (the account pays) if that is allowed. MAv2
//! ships a paymaster guard module too; this one also lists several
//! paymasters and says whether the account may pay itself.
//!
//! ## Install data
//! `abi.encode(uint32 entityId, bool allowSelfPaid, address[] paymasters)`.
//! The paymasters are distinct and non-zero (`InvalidPaymaster(address)`);
//! an empty list without `allowSelfPaid` would refuse every operation and
//! is refused (`EmptyPaymasterGuard()`). Uninstall data is
//! `abi.encode(uint32 entityId)`.
//!
//! ## Hooks
//! - `preUserOpValidationHook` refuses an operation whose paymaster is not
//!   listed, or that has none where the account may not pay, with
//!   `PaymasterNotAllowed(paymaster)` (`address(0)` for none). A
//!   `paymasterAndData` shorter than its 52-byte static part is malformed
//!   (`MalformedCalldata`), as the EntryPoint refuses it (AA93). It reads
//!   only the account's associated storage and no clock (ERC-7562), and
//!   returns validation data 0.
//! - The runtime, signature and execution hooks only require the module to
//!   be installed: a runtime call's caller pays its own gas, and an
//!   operation's paymaster was checked in validation.
//!
//! Install it as a validation hook: only validation sees the paymaster.
//!
//! ## Views
//! - `getPaymasterGuard(address account, uint32 entityId) returns (bool
//!   installed, bool allowSelfPaid, address[] paymasters)`.
//! - `isPaymasterAllowed(address account, uint32 entityId, address
//!   paymaster) returns (bool)`, `address(0)` asking about the account
//!   paying.
//!
//! There are no admin functions: the guard changes by uninstalling and
//! installing it, through the account's owner, so a key that reaches the
//! module cannot widen it.
//!
//! ## Events
//! `PaymasterGuardSet(address indexed account, uint32 indexed entityId,
//! bool allowSelfPaid, address[] paymasters)`, plus `ModuleInstalled` and
//! `ModuleUninstalled`.
//!
//! ## Errors
//! `PaymasterNotAllowed(address)`, `InvalidPaymaster(address)`,
//! `EmptyPaymasterGuard()`, plus the shared errors of `module_kit::errors`.
//!
//! The Solidity interface is `interface/IPaymasterGuardModule.sol`.
//!
//! # Gas accounting
//! The guard says who may pay; spending-limit's sponsors say whose
//! payment is not charged to the key's gas budget and native limit. The
//! SDK requires every sponsor to be an allowed paymaster, so a key cannot
//! have an operation sponsored by a paymaster the guard refuses.
#![cfg_attr(not(test), no_std)]

extern crate alloc;

mod module;
mod rule;
#[cfg(test)]
mod tests;

pub use module::*;
pub use rule::PaymasterRule;

// The standalone program; a policy that composes the rule builds without it.
#[cfg(feature = "module")]
module_kit::entrypoint!(crate::PaymasterGuard);
