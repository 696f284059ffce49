//! # param-rules: conditions on a call's arguments, and running totals
//!
//! An ERC-6900 v0.8 validation and execution hook that bounds **what a
//! session key passes to a function**, per (target, selector): each
//! condition compares one ABI argument (a static one, or a word inside a
//! dynamic one by its ABI path, `permission_core::path`) with a value
//! (`==`, `!=`, `<`, `<=`, `>`, `>=`, or one of a list; on every element
//! of an array, each), and a running total caps the
//! sum of one argument over the key's life or per period ("at most 1,000
//! USDC through `transfer` per week"). The rule and its install data are
//! `permission_core::params`, and a period's arithmetic
//! `permission_core::period`, written once for every program. The same
//! rule runs composed in session-rules ([`ParamRule`]), there without ABI
//! paths (`ParamRule<false>`: the path code does not fit beside the other
//! rules), so its install refuses a rule with one.
//!
//! A call to a function with no rule here passes: which functions a key
//! may call at all is the allowlists' job. A rule on a function the key
//! may not call restricts nothing.
//!
//! ## Install data
//! `abi.encode(uint32 entityId, Condition[] conditions, Total[] totals)`
//! (see `permission_core::params`). Every entry is checked before the first
//! write: a bad one reverts `InvalidParamRule(uint256 index, uint8
//! reason)` (`index` counts conditions, then totals; reasons are
//! `permission_core::params::RuleFault`). Uninstall data is
//! `abi.encode(uint32 entityId)`.
//!
//! ## Hooks
//! `preUserOpValidationHook`, `preRuntimeValidationHook` and
//! `preExecutionHook` decode the account call with `permission_core`'s
//! strict walker (`execute`, `executeBatch`, either behind the
//! `executeUserOp` prefix) and judge every call:
//! - `ParamNotAllowed(address target, bytes4 selector, uint16 arg, bytes32
//!   value)`: a condition fails (for a list, none of its values matches);
//! - `DirtyParam(uint16 arg, bytes32 word)`: the argument has bits set
//!   above its width (an address with a dirty high word);
//! - `MissingParam(uint16 arg)`: the calldata ends before the argument, or
//!   its path leaves the calldata (or the `bytes` it entered), meets an
//!   offset or length of 2^64 or more, or an index past an array's length;
//! - `ParamTotalExceeded(address target, bytes4 selector, uint16 arg,
//!   uint256 total, uint256 limit)`: the call would take the total over
//!   its limit.
//!
//! A total is charged where the hook runs (in validation, or in execution
//! as an execution hook), and a refused operation charges nothing. A
//! periodic total's periods start at the install. `preUserOpValidationHook`
//! reads no clock and only the account's associated storage (ERC-7562): it
//! charges the period of the timestamp its signature segment hints
//! (`abi.encode(uint48)`; empty: each total's recorded period) and returns
//! that period as the validity window, which the EntryPoint enforces. A
//! hint before the recorded period reverts `StalePeriodHint(hinted,
//! recorded)`, and periods that leave no common second
//! `EmptyValidityWindow(validAfter, validUntil)`. The other hooks charge the
//! clock's period, and refuse a record of a later period (a validation
//! charged a hinted future one) with `RecordedPeriodNotStarted(recorded,
//! clock)`.
//!
//! ## Views, events
//! `getParamTotal(address account, uint32 entityId, address target,
//! bytes4 selector, uint16 arg) returns (bool installed, uint256 total,
//! uint256 limit, uint32 period)` (the sum in the clock's period);
//! `getParamRules(address account, uint32 entityId) returns (bool
//! installed, Condition[] conditions, Total[] totals, uint256[] spent)`
//! (every rule as installed, and each total's sum in the clock's period); `ParamRulesSet(address indexed account, uint32 indexed
//! entityId, uint256 conditions, uint256 totals)`. There are no admin
//! functions: a key that could reach them through the account could lift
//! its own rules.
#![cfg_attr(not(test), no_std)]

extern crate alloc;

pub mod module;
pub mod rule;
pub mod store;
#[cfg(test)]
mod tests;

use permission_core::selectors::{keccak, selector};

pub use rule::ParamRule;
pub use store::ParamRules;

/// `ParamNotAllowed(address,bytes4,uint16,bytes32)`.
pub const PARAM_NOT_ALLOWED: [u8; 4] = selector("ParamNotAllowed(address,bytes4,uint16,bytes32)");
/// `DirtyParam(uint16,bytes32)`.
pub const DIRTY_PARAM: [u8; 4] = selector("DirtyParam(uint16,bytes32)");
/// `MissingParam(uint16)`.
pub const MISSING_PARAM: [u8; 4] = selector("MissingParam(uint16)");
/// `ParamTotalExceeded(address,bytes4,uint16,uint256,uint256)`.
pub const PARAM_TOTAL_EXCEEDED: [u8; 4] =
    selector("ParamTotalExceeded(address,bytes4,uint16,uint256,uint256)");
/// `InvalidParamRule(uint256,uint8)`.
pub const INVALID_PARAM_RULE: [u8; 4] = selector("InvalidParamRule(uint256,uint8)");
/// Topic of `ParamRulesSet(address,uint32,uint256,uint256)`.
pub const PARAM_RULES_SET: [u8; 32] = keccak("ParamRulesSet(address,uint32,uint256,uint256)");
/// `getParamTotal(address,uint32,address,bytes4,uint16)`.
pub const GET_PARAM_TOTAL: [u8; 4] =
    selector("getParamTotal(address,uint32,address,bytes4,uint16)");
/// `getParamRules(address,uint32)`.
pub const GET_PARAM_RULES: [u8; 4] = selector("getParamRules(address,uint32)");

// The standalone program; a policy that composes the rule builds without it.
#[cfg(feature = "module")]
module_kit::entrypoint!(crate::module::ParamRulesModule);
