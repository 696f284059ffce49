//! # session-rules: a session key's further rules in one program
//!
//! An ERC-6900 v0.8 permission hook (IValidationHookModule and
//! IExecutionHookModule) composed at compile time ([`module_kit::policy`])
//! from rules that do not fit beside the four of `session-policy` in one
//! 24 KiB program: the usage limit (`usage-limit`'s `UsageRule`) and the
//! paymaster guard (`paymaster-guard`'s `PaymasterRule`), the same code
//! their standalone modules run. A key that uses none of them
//! does not install it; one that does pays one more program entry per
//! phase (see `docs/session-policy.md`).
//!
//! ## Install data
//! `abi.encode(uint32 entityId, uint8 flags, bytes[2] rules)` (a dynamic
//! `bytes[]` of exactly two entries, each empty or the module's install
//! data): usage-limit's `(entityId, unit, lifetimeLimit, periodLimit,
//! period)`, then paymaster-guard's `(entityId, allowSelfPaid, address[]
//! paymasters)`. Flag 1 (`CALLS_IN_EXECUTION`) counts in the execution
//! hook, at the clock, for bundlers that refuse Stylus code in validation;
//! the paymaster is checked in validation either way. Uninstall data is
//! `abi.encode(uint32 entityId)`.
//!
//! ## Phases
//! - `preUserOpValidationHook`: counts the operation (or its calls) in the
//!   period of the timestamp the hook's signature segment hints
//!   (`abi.encode(uint48)`, or empty for the recorded period), and returns
//!   that period as the validity window, and refuses a paymaster the guard
//!   does not allow. It reads no clock and only the account's associated
//!   storage (ERC-7562).
//! - `preRuntimeValidationHook`: the same at the clock.
//! - `preExecutionHook` (installed only for the execution-phase variant):
//!   counts at the clock.
//!
//! A call to this program itself is refused (`PolicyCalled`), whatever the
//! rules say.
//!
//! ## Views
//! `getUsageLimit`, `getPaymasterGuard` and `isPaymasterAllowed`, with the
//! modules' ABI. There are no admin functions.
//!
//! The Solidity interface is `interface/ISessionRulesModule.sol`.
//!
//! # Bundlers
//! Alchemy's Rundler refuses any user operation whose validation touches
//! Stylus code (its issue #906), so with this hook in validation a key's
//! operations need a bundler that accepts Stylus validation, such as
//! `session-keys node`'s. Execution-phase Stylus code is not traced.
#![cfg_attr(not(test), no_std)]

extern crate alloc;

use module_kit::policy::{Policy, PolicyDef, POLICY_ERRORS};

/// `moduleId()`.
pub const MODULE_ID: &str = "stylus-session-keys.session-rules.0.1.0";

/// The composition: the rules in install-data order.
pub struct SessionRulesDef;

impl PolicyDef for SessionRulesDef {
    const MODULE_ID: &'static str = MODULE_ID;
    type Rules = (usage_limit::UsageRule, paymaster_guard::PaymasterRule);
}

/// The session-rules module.
pub type SessionRules = Policy<SessionRulesDef>;

/// The views the program answers, besides the common functions.
pub const VIEW_FUNCTIONS: [[u8; 4]; 3] = [
    usage_limit::GET_USAGE_LIMIT,
    paymaster_guard::GET_PAYMASTER_GUARD,
    paymaster_guard::IS_PAYMASTER_ALLOWED,
];

/// The errors it raises, besides the common ones: the policy's own, then
/// each rule's.
pub const MODULE_ERRORS: [[u8; 4]; 13] = [
    POLICY_ERRORS[0],
    POLICY_ERRORS[1],
    POLICY_ERRORS[2],
    POLICY_ERRORS[3],
    POLICY_ERRORS[4],
    POLICY_ERRORS[5],
    usage_limit::USAGE_LIMIT_EXCEEDED,
    usage_limit::INVALID_USAGE_LIMIT,
    usage_limit::STALE_PERIOD_HINT,
    usage_limit::RECORDED_PERIOD_NOT_STARTED,
    paymaster_guard::PAYMASTER_NOT_ALLOWED,
    paymaster_guard::INVALID_PAYMASTER,
    paymaster_guard::EMPTY_PAYMASTER_GUARD,
];

/// The events it emits, besides the common ones.
pub const MODULE_EVENTS: [[u8; 32]; 2] = [
    usage_limit::USAGE_LIMIT_SET,
    paymaster_guard::PAYMASTER_GUARD_SET,
];

#[cfg(test)]
mod tests;

// The program.
#[cfg(feature = "module")]
module_kit::entrypoint!(crate::SessionRules);
