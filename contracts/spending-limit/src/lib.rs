//! # spending-limit: how much a session key may spend
//!
//! An ERC-6900 v0.8 permission module: an IExecutionHookModule that enforces
//! per-token limits, and an IValidationHookModule for the optional gas
//! budget, for Modular Account V2 and compatible accounts.
//!
//! ## Install data
//! `abi.encode(uint32 entityId, (address token, uint256 limit, uint48
//! period)[] limits, (bool enabled, uint256 limit) gasBudget, address[]
//! sponsors)`.
//! - `token` 0 is the native coin; tokens must be distinct.
//! - `period` 0 means one allowance for the key's lifetime; otherwise the
//!   allowance resets every `period` seconds, at boundaries counted from the
//!   moment the limit was set (recurring payments).
//! - The gas budget is a lifetime budget in wei (see below).
//! - `sponsors` are paymasters that pay the key's gas themselves: their
//!   operations are charged neither to the gas budget nor to the native
//!   limit. Any other paymaster is charged like none.
//!
//! Uninstall data is `abi.encode(uint32 entityId)`.
//!
//! ## Execution hook: token limits
//! `preExecutionHook` decodes the account's calldata: `execute`,
//! `executeBatch` (every call), or the ABI-encoded `executeUserOp` on the
//! user-operation path; any other call form is refused with
//! `UnsupportedCallForm`. Over the whole operation it sums:
//! - the native value of every call, charged to token 0 if it is limited;
//! - for every call **to a limited token**: `transfer(to, amount)`,
//!   `approve(spender, amount)` charged in full, and
//!   `increaseAllowance(spender, added)`. Any other call to a limited token
//!   (including `transferFrom` and a plain value transfer) is refused with
//!   `TokenCallNotAllowed(token, selector)`, and one with too short
//!   arguments with `MalformedCalldata`.
//!
//! A total that overflows `uint256` is refused as `SpendLimitExceeded` with
//! `type(uint256).max` requested. It then checks each token's total against what remains in the current
//! period, refusing with `SpendLimitExceeded(token, requested, remaining)`,
//! and only when every token fits does it record the spend (`Spent`
//! events). If the execution reverts, the record reverts with it: nothing is
//! charged for a call that did not happen. Tokens without a limit are not
//! restricted. Tokens moved by a third party through an allowance the
//! account granted earlier, or by a contract the key may call, are not
//! seen: pair the limit with an allowlist.
//!
//! The token limits are enforced only by the execution hook: install the
//! module with `hasPre` as an execution hook of the session key's
//! validation. Its validation hook cannot check them, since ERC-7562 bans
//! the clock that periods need.
//!
//! ## Validation hook: the gas a key's operation may cost
//! A key that bundles its own operation sets its own fees and is paid them
//! as the beneficiary, so gas is a native spend. Unless a sponsoring
//! paymaster pays, `preUserOpValidationHook` charges the operation's
//! maximum cost, the EntryPoint's prefund `(verificationGasLimit +
//! callGasLimit + paymasterVerificationGasLimit + paymasterPostOpGasLimit +
//! preVerificationGas) * maxFeePerGas`, to:
//! - the gas budget, when enabled, refusing with `GasBudgetExceeded(requested,
//!   remaining)` past it;
//! - the native limit (token 0), when set, refusing with
//!   `SpendLimitExceeded`, so gas and call value share one allowance (as in
//!   MAv2's NativeTokenLimitModule). A lifetime limit returns validation
//!   data 0. A periodic one cannot read the clock (ERC-7562), so it is
//!   charged in the period of the timestamp in the hook's signature segment
//!   (`abi.encode(uint48 timestamp)`; empty: the recorded period), and the
//!   hook returns that period's first and last second as validation data:
//!   the EntryPoint refuses the operation outside it (AA22). A segment that
//!   is not one such word reverts `InvalidPeriodHint(word)`, and one naming
//!   a period before the recorded one `StalePeriodHint(hinted, recorded)`.
//!   Once a validation has charged a later period than the clock's, a
//!   spend in the execution hook before that period starts reverts
//!   `RecordedPeriodNotStarted(recorded, clock)`: it would draw on the
//!   next period's allowance within the current one.
//!
//! The charge is not refunded when the operation uses less. Without a
//! native limit the hook refuses a non-empty segment
//! (`UnexpectedDataPassed`). It writes only storage associated with the
//! account (ERC-7562). The runtime and signature hooks only require the
//! module to be installed.
//!
//! ## Admin and views
//! - `setSpendLimit(uint32 entityId, address token, uint256 limit, uint48
//!   period)`: adds or replaces a limit and starts a new period from now
//!   with nothing spent.
//! - `removeSpendLimit(uint32 entityId, address token)`: lifts the limit.
//! - `setGasBudget(uint32 entityId, bool enabled, uint256 limit)`: replaces
//!   the gas budget, with nothing spent.
//! - `getSpendLimit(address account, uint32 entityId, address token) returns
//!   (bool limited, uint256 limit, uint48 period, uint256 spent, uint256
//!   remaining)`, for the current period.
//! - `getLimitedTokens(address account, uint32 entityId) returns (address[])`.
//! - `getGasBudget(address account, uint32 entityId) returns (bool enabled,
//!   uint256 limit, uint256 spent, uint256 remaining)`.
//! - `getSponsors(address account, uint32 entityId) returns (address[])`.
//!
//! ## Events
//! `SpendLimitSet(address indexed account, uint32 indexed entityId, address
//! indexed token, uint256 limit, uint48 period)`,
//! `SpendLimitRemoved(address indexed account, uint32 indexed entityId,
//! address indexed token)`, `Spent(address indexed account, uint32 indexed
//! entityId, address indexed token, uint256 amount)`,
//! `GasBudgetSet(address indexed account, uint32 indexed entityId, bool
//! enabled, uint256 limit)`, `GasCharged(address indexed account, uint32
//! indexed entityId, uint256 amount, uint256 remaining)`, plus
//! `ModuleInstalled` and `ModuleUninstalled`.
//!
//! ## Errors
//! `SpendLimitExceeded(address token, uint256 requested, uint256
//! remaining)`, `TokenCallNotAllowed(address token, bytes4 selector)`
//! (`0x00000000` for empty calldata), `GasBudgetExceeded(uint256 requested,
//! uint256 remaining)`, `DuplicateToken(address token)`,
//! `TokenNotLimited(address token)`, `InvalidPeriodHint(uint256 word)`,
//! `StalePeriodHint(uint256 hinted, uint256 recorded)`,
//! `RecordedPeriodNotStarted(uint256 recorded, uint256 clock)`, plus the
//! shared errors of `module_kit::errors`.
//!
//! The Solidity interface is `interface/ISpendingLimitModule.sol`.
//!
//! # A key that reaches these admin functions
//!
//! The account is the admin of its own state here, so a session key that
//! may make the account call `setSpendLimit`, `removeSpendLimit` or
//! `setGasBudget` on this module can lift every limit it has, gas included,
//! and then drain what the account holds. Never name this module (or a
//! wildcard rule for its functions) in a key's grant: the SDK refuses both.
#![cfg_attr(not(test), no_std)]

extern crate alloc;

mod module;
mod rule;
mod store;
#[cfg(test)]
mod tests;

pub use module::*;
pub use rule::SpendRule;
pub use store::{Known, SpendStore};

// The standalone program; a policy that composes the rule builds without it.
#[cfg(feature = "module")]
module_kit::entrypoint!(crate::SpendingLimit);
