//! # session-policy: a session key's whole policy in one program
//!
//! An ERC-6900 v0.8 permission hook (IValidationHookModule and
//! IExecutionHookModule) that enforces every permission of one session key
//! in one call per phase: a time window, a contract allowlist, a
//! (target, selector) allowlist and spending limits (ERC-20 amounts, native
//! value and gas). It is composed at compile time
//! ([`module_kit::policy`]) from the rules of the four permission crates,
//! the same code their standalone modules run; its `Cargo.toml` lists them.
//!
//! ## Install data
//! `abi.encode(uint32 entityId, uint8 flags, bytes[4] rules)` (a dynamic
//! `bytes[]` of exactly four entries), in this order:
//! 1. time-window's install data, `(entityId, validAfter, validUntil)`;
//! 2. contract-allowlist's, `(entityId, address[] targets)`;
//! 3. selector-allowlist's, `(entityId, (address, bytes4)[] rules)`;
//! 4. spending-limit's, `(entityId, limits, gas budget, sponsors)`.
//!
//! An empty entry leaves that rule out. Flag 1 (`CALLS_IN_EXECUTION`) is
//! the execution-phase variant: calls are checked and charged in the
//! execution hook, at the clock, and validation only charges the gas and
//! returns the window. Uninstall data is `abi.encode(uint32 entityId)`.
//!
//! ## Phases
//! - `preUserOpValidationHook`: checks the calls, charges spending limits
//!   (and the gas) in the period of the timestamp the hook's signature
//!   segment hints (`abi.encode(uint48)`, or empty for the recorded period),
//!   and returns the key's window narrowed to that period. It reads no
//!   clock and only the account's associated storage (ERC-7562).
//! - `preRuntimeValidationHook`, `preSignatureValidationHook`: the same
//!   checks at the clock's time.
//! - `preExecutionHook` (installed only for the execution-phase variant):
//!   checks and charges the calls at the clock.
//!
//! A charge made in validation stays when the execution reverts, as MAv2's
//! gas accounting does: the operation was paid for and ran.
//!
//! ## Views
//! Each rule's standalone views, with the same ABI: `getTimeWindow`,
//! `isTargetAllowed`, `getTargets`, `hasRule`, `isCallAllowed`, `getRules`,
//! `getSpendLimit`, `getLimitedTokens`, `getGasBudget`, `getSponsors`.
//! There are no admin functions: a key's policy changes by uninstalling
//! and installing it, through the account's owner.
//!
//! The Solidity interface is `interface/ISessionPolicyModule.sol`.
//!
//! # Bundlers
//! Alchemy's Rundler refuses any user operation whose validation touches
//! Stylus code (its issue #906), so with this hook in validation a key's
//! operations need a bundler that accepts Stylus validation, such as
//! `session-keys node`'s.
#![cfg_attr(not(test), no_std)]

extern crate alloc;

use module_kit::policy::{Policy, PolicyDef, POLICY_ERRORS};

/// `moduleId()`.
pub const MODULE_ID: &str = "stylus-session-keys.session-policy.0.1.0";

/// The composition: the rules in install-data order.
pub struct SessionPolicyDef;

impl PolicyDef for SessionPolicyDef {
    const MODULE_ID: &'static str = MODULE_ID;
    type Rules = (
        time_window::TimeWindowRule,
        contract_allowlist::TargetList,
        selector_allowlist::SelectorRules,
        spending_limit::SpendRule,
    );
}

/// The session-policy module.
pub type SessionPolicy = Policy<SessionPolicyDef>;

/// The views the policy answers, besides the common functions.
pub const VIEW_FUNCTIONS: [[u8; 4]; 10] = [
    time_window::GET_TIME_WINDOW,
    contract_allowlist::IS_TARGET_ALLOWED,
    contract_allowlist::GET_TARGETS,
    selector_allowlist::HAS_RULE,
    selector_allowlist::IS_CALL_ALLOWED,
    selector_allowlist::GET_RULES,
    spending_limit::GET_SPEND_LIMIT,
    spending_limit::GET_LIMITED_TOKENS,
    spending_limit::GET_GAS_BUDGET,
    spending_limit::GET_SPONSORS,
];

/// The errors the policy raises, besides the common ones: the policy's
/// own, then each rule's.
pub const MODULE_ERRORS: [[u8; 4]; 20] = [
    POLICY_ERRORS[0],
    POLICY_ERRORS[1],
    POLICY_ERRORS[2],
    POLICY_ERRORS[3],
    POLICY_ERRORS[4],
    POLICY_ERRORS[5],
    time_window::INVALID_TIME_WINDOW,
    time_window::OUTSIDE_TIME_WINDOW,
    contract_allowlist::TARGET_NOT_ALLOWED,
    contract_allowlist::INVALID_TARGET,
    contract_allowlist::DUPLICATE_TARGET,
    selector_allowlist::SELECTOR_NOT_ALLOWED,
    selector_allowlist::PRIVILEGED_SELECTOR,
    selector_allowlist::DUPLICATE_RULE,
    spending_limit::SPEND_LIMIT_EXCEEDED,
    spending_limit::TOKEN_CALL_NOT_ALLOWED,
    spending_limit::GAS_BUDGET_EXCEEDED,
    spending_limit::DUPLICATE_TOKEN,
    spending_limit::STALE_PERIOD_HINT,
    spending_limit::RECORDED_PERIOD_NOT_STARTED,
];

/// The events the policy emits, besides the common ones.
pub const MODULE_EVENTS: [[u8; 32]; 7] = [
    time_window::TIME_WINDOW_SET,
    contract_allowlist::TARGET_ADDED,
    selector_allowlist::RULE_ADDED,
    spending_limit::SPEND_LIMIT_SET,
    spending_limit::SPENT,
    spending_limit::GAS_BUDGET_SET,
    spending_limit::GAS_CHARGED,
];

#[cfg(test)]
mod tests;

// The program.
#[cfg(feature = "module")]
module_kit::entrypoint!(crate::SessionPolicy);
