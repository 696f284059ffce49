//! # contract-allowlist: a session key may call only listed contracts
//!
//! An ERC-6900 v0.8 permission module (IValidationHookModule and
//! IExecutionHookModule) for Modular Account V2 and compatible accounts.
//!
//! ## Install data
//! `abi.encode(uint32 entityId, address[] targets)`. Targets must be
//! non-zero and distinct. Uninstall data is `abi.encode(uint32 entityId)`.
//!
//! ## Rule
//! Every call the account will make must go to a listed target. The hooks
//! decode the account call (`execute`, every call of `executeBatch`, and
//! the `executeUserOp` forms around either) and refuse any other call form
//! with `UnsupportedCallForm`. A call to the **account itself** is refused
//! unless the account is explicitly listed; listing it lets the key reach
//! every account function its validation's selectors allow, so don't.
//! Value and calldata are not restricted here: combine with
//! selector-allowlist and spending-limit.
//!
//! ## Hooks
//! - `preUserOpValidationHook`: checks `userOp.callData`, returns 0.
//! - `preRuntimeValidationHook` and `preExecutionHook`: check the account's
//!   calldata (on the user-operation path, the ABI-encoded `executeUserOp`).
//! - `preSignatureValidationHook`: an ERC-1271 signature makes no call;
//!   it only requires the module to be installed.
//! - `postExecutionHook` is a no-op.
//!
//! ## Admin and views
//! - `addTarget(uint32 entityId, address target)` and
//!   `removeTarget(uint32 entityId, address target)` change the calling
//!   account's list.
//! - `isTargetAllowed(address account, uint32 entityId, address target)
//!   returns (bool)` and `getTargets(address account, uint32 entityId)
//!   returns (address[])`.
//!
//! ## Events
//! `TargetAdded(address indexed account, uint32 indexed entityId, address
//! indexed target)`, `TargetRemoved(...)` with the same arguments, plus
//! `ModuleInstalled` and `ModuleUninstalled`.
//!
//! ## Errors
//! `TargetNotAllowed(address target)`, `InvalidTarget(address target)`
//! (zero), `DuplicateTarget(address target)`, `TargetNotFound(address
//! target)`, plus the shared errors of `module_kit::errors`.
//!
//! The Solidity interface is `interface/IContractAllowlistModule.sol`.
//!
//! # A key that reaches these admin functions
//!
//! The account is the admin of its own state here, so a session key that
//! may make the account call `addTarget` or `removeTarget` on this module
//! can widen the contracts it may call, up to everything the account can
//! reach. Never name this module (or a wildcard rule for its functions) in
//! a key's grant: the SDK refuses both.
#![cfg_attr(not(test), no_std)]

extern crate alloc;

mod module;
mod rule;
#[cfg(test)]
mod tests;

pub use module::*;
pub use rule::TargetList;

// The standalone program; a policy that composes the rule builds without it.
#[cfg(feature = "module")]
module_kit::entrypoint!(crate::ContractAllowlist);
