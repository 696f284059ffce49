//! # usage-limit: how many operations (or calls) a session key may make
//!
//! An ERC-6900 v0.8 permission module (IValidationHookModule and
//! IExecutionHookModule) for Modular Account V2 and compatible accounts: a
//! lifetime count, a count per period, or both.
//!
//! ## Install data
//! `abi.encode(uint32 entityId, uint8 unit, uint32 lifetimeLimit, uint32
//! periodLimit, uint32 period)`.
//! - `unit` 0 counts operations (one per user operation or runtime call);
//!   1 counts calls (a batch of three counts three).
//! - `lifetimeLimit` 0 means no lifetime limit; `periodLimit` 0 means no
//!   periodic limit, and then `period` must be 0. At least one is set.
//! - The count resets every `period` seconds, at boundaries counted from
//!   the install.
//!
//! Anything else reverts `InvalidUsageLimit(unit, lifetimeLimit,
//! periodLimit, period)`. Uninstall data is `abi.encode(uint32 entityId)`.
//!
//! ## Hooks
//! Every hook the module is called as counts, except the signature hook
//! (a signature makes no call). Install it in one role: in both, each
//! operation counts twice, which only makes the limit stricter.
//! - `preUserOpValidationHook` counts without the clock (ERC-7562): a
//!   periodic limit in the period of the timestamp in the hook's signature
//!   segment (`abi.encode(uint48 timestamp)`; empty: the recorded period),
//!   and returns that period's first and last second as validation data,
//!   which the EntryPoint enforces (AA22). A period before the recorded one
//!   reverts `StalePeriodHint(hinted, recorded)`, a segment that is not one
//!   such word `InvalidPeriodHint(word)`. It reads and writes only the
//!   account's associated storage. A count made here stays when the
//!   execution reverts: the operation ran and was paid for.
//! - `preRuntimeValidationHook` and `preExecutionHook` count at the clock.
//!   Once a validation has counted a later period than the clock's, they
//!   revert `RecordedPeriodNotStarted(recorded, clock)`.
//!
//! An operation past a limit reverts `UsageLimitExceeded(used, limit)`:
//! what was used so far (in the period, for the periodic limit) and the
//! limit. In unit 1 the calls are decoded with the strict walker of
//! `permission_core::calls`: `execute`, `executeBatch`, or either behind the
//! `executeUserOp` prefix; anything else reverts `UnsupportedCallForm`.
//!
//! ## Admin and views
//! - `setUsageLimit(uint32 entityId, uint8 unit, uint32 lifetimeLimit,
//!   uint32 periodLimit, uint32 period)`: replaces the limits, with nothing
//!   used and a new period from now.
//! - `getUsageLimit(address account, uint32 entityId) returns (bool
//!   installed, uint8 unit, uint32 lifetimeLimit, uint32 lifetimeUsed,
//!   uint32 periodLimit, uint32 period, uint32 periodUsed)`, `periodUsed`
//!   in the period of `block.timestamp`.
//!
//! ## Events
//! `UsageLimitSet(address indexed account, uint32 indexed entityId, uint8
//! unit, uint32 lifetimeLimit, uint32 periodLimit, uint32 period)`, plus
//! `ModuleInstalled` and `ModuleUninstalled`. A use emits nothing (the
//! view tells the counts), which keeps a counted operation to one storage
//! read and one write.
//!
//! ## Errors
//! `UsageLimitExceeded(uint256 used, uint256 limit)`,
//! `InvalidUsageLimit(uint8, uint32, uint32, uint32)`,
//! `InvalidPeriodHint(uint256)`, `StalePeriodHint(uint256, uint256)`,
//! `RecordedPeriodNotStarted(uint256, uint256)`, plus the shared errors of
//! `module_kit::errors`.
//!
//! The Solidity interface is `interface/IUsageLimitModule.sol`.
//!
//! # A key that reaches these admin functions
//!
//! The account is the admin of its own state here, so a session key that
//! may make the account call `setUsageLimit` on this module can reset its
//! own counts. Never name this module (or a wildcard rule for its
//! functions) in a key's grant: the SDK refuses both.
#![cfg_attr(not(test), no_std)]

extern crate alloc;

mod module;
mod rule;
mod store;
#[cfg(test)]
mod tests;

pub use module::*;
pub use rule::UsageRule;
pub use store::{Usage, UsageStore};

// The standalone program; a policy that composes the rule builds without it.
#[cfg(feature = "module")]
module_kit::entrypoint!(crate::UsageLimit);
