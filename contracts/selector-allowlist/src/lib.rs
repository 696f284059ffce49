//! # selector-allowlist: a session key may call only listed functions
//!
//! An ERC-6900 v0.8 permission module (IValidationHookModule and
//! IExecutionHookModule) for Modular Account V2 and compatible accounts.
//!
//! ## Install data
//! `abi.encode(uint32 entityId, (address target, bytes4 selector)[] rules)`.
//! Rules must be distinct. Uninstall data is `abi.encode(uint32 entityId)`.
//!
//! ## Rule
//! Every call the account will make (`execute`, every call of
//! `executeBatch`, and the `executeUserOp` forms around either; any other
//! call form is refused with `UnsupportedCallForm`) must match a rule:
//! - `(target, selector)` allows that function on that contract;
//! - `(address(0), selector)` allows that function on any contract **except
//!   the account itself**: a call to the account needs a rule naming the
//!   account, so a wildcard can never reach account functions;
//! - a plain value transfer (empty calldata) is allowed only by a rule with
//!   the selector `0x00000000` (`VALUE_TRANSFER_SELECTOR`). A call whose
//!   calldata really starts with `0x00000000` is always refused, so the rule
//!   cannot be read as a function;
//! - calldata of 1 to 3 bytes is refused (`MalformedCalldata(1)`).
//!
//! Rules for the account's privileged functions (`execute`, `executeBatch`,
//! `executeUserOp`, `executeWithRuntimeValidation`, install/uninstall of
//! validations and executions, `performCreate`, `upgradeToAndCall`) on the
//! account itself or on any target are refused at install
//! (`PrivilegedSelector`), and so are rules for *any* contract that allow a
//! module's `onInstall`/`onUninstall`, this project's module admin functions
//! or the EntryPoint's withdrawals
//! (`permission_core::selectors::SELF_ADMIN_SELECTORS`): a wildcard would
//! let the key call its own permission modules as the account. Value is not
//! restricted here: use spending-limit.
//!
//! ## Hooks
//! - `preUserOpValidationHook`: checks `userOp.callData`, returns 0.
//! - `preRuntimeValidationHook` and `preExecutionHook`: check the account's
//!   calldata (on the user-operation path, the ABI-encoded `executeUserOp`).
//! - `preSignatureValidationHook`: an ERC-1271 signature makes no call; it
//!   only requires the module to be installed.
//! - `postExecutionHook` is a no-op.
//!
//! ## Admin and views
//! - `addRule(uint32 entityId, address target, bytes4 selector)` and
//!   `removeRule(uint32 entityId, address target, bytes4 selector)`.
//! - `hasRule(address account, uint32 entityId, address target, bytes4
//!   selector) returns (bool)`: whether that exact rule exists.
//! - `isCallAllowed(address account, uint32 entityId, address target, bytes
//!   data) returns (bool)`: whether the hook would let that call through.
//! - `getRules(address account, uint32 entityId) returns ((address,bytes4)[])`.
//!
//! ## Events
//! `RuleAdded(address indexed account, uint32 indexed entityId, address
//! indexed target, bytes4 selector)`, `RuleRemoved(...)` with the same
//! arguments, plus `ModuleInstalled` and `ModuleUninstalled`.
//!
//! ## Errors
//! `SelectorNotAllowed(address target, bytes4 selector)`,
//! `PrivilegedSelector(address target, bytes4 selector)`,
//! `DuplicateRule(address target, bytes4 selector)`, `RuleNotFound(address
//! target, bytes4 selector)`, plus the shared errors of `module_kit::errors`.
//!
//! The Solidity interface is `interface/ISelectorAllowlistModule.sol`.
//!
//! # A key that reaches these admin functions
//!
//! The account is the admin of its own state here, so a session key that
//! may make the account call `addRule` or `removeRule` on this module can
//! grant itself any function on any contract except the account's
//! privileged ones. Wildcard rules for these functions are refused at
//! install; naming this module as a target is refused by the SDK.
#![cfg_attr(not(test), no_std)]

extern crate alloc;

mod module;
mod rule;
#[cfg(test)]
mod tests;

pub use module::*;
pub use rule::SelectorRules;

// The standalone program; a policy that composes the rule builds without it.
#[cfg(feature = "module")]
module_kit::entrypoint!(crate::SelectorAllowlist);
