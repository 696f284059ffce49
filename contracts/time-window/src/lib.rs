//! # time-window: a session key valid only inside a time window
//!
//! An ERC-6900 v0.8 permission module (IValidationHookModule and
//! IExecutionHookModule) for Modular Account V2 and compatible accounts.
//!
//! ## Install data
//! `abi.encode(uint32 entityId, uint48 validAfter, uint48 validUntil)`.
//! Both bounds are inclusive. `validUntil` 0 means no expiry; otherwise it
//! must be greater than `validAfter`. (MAv2's TimeRangeModule takes
//! `(entityId, validUntil, validAfter)`: note the order.) Uninstall data is
//! `abi.encode(uint32 entityId)`.
//!
//! ## Hooks
//! - `preUserOpValidationHook` returns the window packed in validation data
//!   (`validUntil` in bits 160–207, `validAfter` in bits 208–255) and never
//!   reads the clock, which ERC-7562 bans during validation; the EntryPoint
//!   enforces it (AA22).
//! - `preRuntimeValidationHook`, `preSignatureValidationHook` (ERC-1271,
//!   which MAv2's TimeRangeModule leaves unchecked) and `preExecutionHook`
//!   revert with `OutsideTimeWindow` when `block.timestamp` is outside the
//!   window.
//! - `postExecutionHook` is a no-op.
//!
//! A window limits *when* a key acts, not *what* it calls, so these hooks
//! accept every account call form: they do not decode the calldata. Pair the
//! window with an allowlist for what may be called.
//!
//! ## Admin and views
//! - `setTimeWindow(uint32 entityId, uint48 validAfter, uint48 validUntil)`:
//!   replaces the calling account's window (must be installed).
//! - `getTimeWindow(address account, uint32 entityId) returns (bool
//!   installed, uint48 validAfter, uint48 validUntil)`.
//!
//! ## Events
//! `TimeWindowSet(address indexed account, uint32 indexed entityId, uint48
//! validAfter, uint48 validUntil)`, plus `ModuleInstalled` and
//! `ModuleUninstalled` (see `module_kit::events`).
//!
//! ## Errors
//! `InvalidTimeWindow(uint48 validAfter, uint48 validUntil)`,
//! `OutsideTimeWindow(uint48 validAfter, uint48 validUntil, uint256
//! timestamp)`, plus the shared errors of `module_kit::errors`.
//!
//! The Solidity interface is `interface/ITimeWindowModule.sol`.
//!
//! # A key that reaches these admin functions
//!
//! The account is the admin of its own state here, so a session key that
//! may make the account call `setTimeWindow` on this module can remove its
//! own expiry from this hook. The session signer's own copy of the window
//! (which the SDK always installs) still holds. Never name this module (or
//! a wildcard rule for its functions) in a key's grant: the SDK refuses
//! both.
#![cfg_attr(not(test), no_std)]

extern crate alloc;

mod module;
mod rule;
#[cfg(test)]
mod tests;

pub use module::*;
pub use rule::TimeWindowRule;

// The standalone program; a policy that composes the rule builds without it.
#[cfg(feature = "module")]
module_kit::entrypoint!(crate::TimeWindow);
