//! # session-rules: a session key's further rules in one program
//!
//! An ERC-6900 v0.8 permission hook (IValidationHookModule and
//! IExecutionHookModule) composed at compile time ([`module_kit::policy`])
//! from rules that do not fit beside the four of `session-policy` in one
//! 24 KiB program: the usage limit (`usage-limit`'s `UsageRule`), the
//! paymaster guard (`paymaster-guard`'s `PaymasterRule`) and the parameter
//! rules (`param-rules`' `ParamRule`), the same code their standalone
//! modules run. A key that uses none of them
//! does not install it; one that does pays one more program entry per
//! phase (see `docs/session-policy.md`).
//!
//! ## Install data
//! `abi.encode(uint32 entityId, uint8 flags, bytes[3] rules)` (a dynamic
//! `bytes[]` of exactly three entries, each empty or the module's install
//! data): usage-limit's `(entityId, unit, lifetimeLimit, periodLimit,
//! period)`, paymaster-guard's `(entityId, allowSelfPaid, address[]
//! paymasters)`, then param-rules' `(entityId, Condition[], Total[])`.
//! Flag 1 (`CALLS_IN_EXECUTION`) counts, judges the arguments and charges
//! the totals in the execution hook, at the clock, for bundlers that refuse
//! Stylus code in validation; the paymaster is checked in validation either
//! way. Uninstall data is
//! `abi.encode(uint32 entityId)`.
//!
//! ## Phases
//! - `preUserOpValidationHook`: counts the operation (or its calls) and
//!   charges the parameter totals in the period of the timestamp the hook's
//!   signature segment hints (`abi.encode(uint48)`, or empty for the
//!   recorded period), and returns that period as the validity window;
//!   refuses a paymaster the guard does not allow, and a call whose
//!   arguments a parameter rule refuses. It reads no clock and only the account's associated
//!   storage (ERC-7562).
//! - `preRuntimeValidationHook`: the same at the clock.
//! - `preExecutionHook` (installed only for the execution-phase variant):
//!   counts at the clock.
//!
//! A call to this program itself is refused (`PolicyCalled`), whatever the
//! rules say.
//!
//! ## Views
//! `getUsageLimit`, `getPaymasterGuard`, `isPaymasterAllowed`,
//! `getParamTotal` and `getParamRules`, with the modules' ABI. There are no admin functions.
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
    type Rules = (
        usage_limit::UsageRule,
        paymaster_guard::PaymasterRule,
        param_rules::ParamRule<false>,
    );
}

/// The session-rules module.
pub type SessionRules = Policy<SessionRulesDef>;

/// The views the program answers, besides the common functions.
pub const VIEW_FUNCTIONS: [[u8; 4]; 5] = [
    usage_limit::GET_USAGE_LIMIT,
    paymaster_guard::GET_PAYMASTER_GUARD,
    paymaster_guard::IS_PAYMASTER_ALLOWED,
    param_rules::GET_PARAM_TOTAL,
    param_rules::GET_PARAM_RULES,
];

/// The errors it raises, besides the common ones: the policy's own, then
/// each rule's.
pub const MODULE_ERRORS: [[u8; 4]; 18] = [
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
    param_rules::PARAM_NOT_ALLOWED,
    param_rules::DIRTY_PARAM,
    param_rules::MISSING_PARAM,
    param_rules::PARAM_TOTAL_EXCEEDED,
    param_rules::INVALID_PARAM_RULE,
];

/// The events it emits, besides the common ones.
pub const MODULE_EVENTS: [[u8; 32]; 3] = [
    usage_limit::USAGE_LIMIT_SET,
    paymaster_guard::PAYMASTER_GUARD_SET,
    param_rules::PARAM_RULES_SET,
];

#[cfg(test)]
mod tests;

// The program.
#[cfg(feature = "module")]
module_kit::entrypoint!(crate::SessionRules);
