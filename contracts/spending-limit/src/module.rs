//! The spending-limit module: storage, hooks and admin functions.

use alloc::vec::Vec;
use module_kit::errors::OrRevert;
use module_kit::events::emit_account_event_keyed;
use module_kit::router::{require_empty, CallArgs, Ctx, PermissionModule};
use module_kit::scope::{address_key, Scope};
use module_kit::{Host, Output};
use permission_core::abi::AbiReader;
use permission_core::calls::decode_account_call_data;
use permission_core::install::{GasBudget, SpendLimit, SpendingLimitInstall, NATIVE_TOKEN};
use permission_core::selectors::{keccak, selector};
use permission_core::user_op::PackedUserOpReader;
use permission_core::{ValidationData, U256};

use crate::store::{token_error, Known, SpendStore, TOKENS};

/// `moduleId()`.
pub const MODULE_ID: &str = "stylus-session-keys.spending-limit.0.1.0";

/// `setSpendLimit(uint32,address,uint256,uint48)`.
pub const SET_SPEND_LIMIT: [u8; 4] = selector("setSpendLimit(uint32,address,uint256,uint48)");
/// `removeSpendLimit(uint32,address)`.
pub const REMOVE_SPEND_LIMIT: [u8; 4] = selector("removeSpendLimit(uint32,address)");
/// `setGasBudget(uint32,bool,uint256)`.
pub const SET_GAS_BUDGET: [u8; 4] = selector("setGasBudget(uint32,bool,uint256)");
/// `getSpendLimit(address,uint32,address)`.
pub const GET_SPEND_LIMIT: [u8; 4] = selector("getSpendLimit(address,uint32,address)");
/// `getLimitedTokens(address,uint32)`.
pub const GET_LIMITED_TOKENS: [u8; 4] = selector("getLimitedTokens(address,uint32)");
/// `getGasBudget(address,uint32)`.
pub const GET_GAS_BUDGET: [u8; 4] = selector("getGasBudget(address,uint32)");
/// `getSponsors(address,uint32)`.
pub const GET_SPONSORS: [u8; 4] = selector("getSponsors(address,uint32)");
/// The module's own functions, besides the common ones.
pub const ADMIN_FUNCTIONS: [[u8; 4]; 7] = [
    SET_SPEND_LIMIT,
    REMOVE_SPEND_LIMIT,
    SET_GAS_BUDGET,
    GET_SPEND_LIMIT,
    GET_LIMITED_TOKENS,
    GET_GAS_BUDGET,
    GET_SPONSORS,
];

/// `SpendLimitExceeded(address,uint256,uint256)`.
pub const SPEND_LIMIT_EXCEEDED: [u8; 4] = selector("SpendLimitExceeded(address,uint256,uint256)");
/// `TokenCallNotAllowed(address,bytes4)`.
pub const TOKEN_CALL_NOT_ALLOWED: [u8; 4] = selector("TokenCallNotAllowed(address,bytes4)");
/// `GasBudgetExceeded(uint256,uint256)`.
pub const GAS_BUDGET_EXCEEDED: [u8; 4] = selector("GasBudgetExceeded(uint256,uint256)");
/// `DuplicateToken(address)`.
pub const DUPLICATE_TOKEN: [u8; 4] = selector("DuplicateToken(address)");
/// `TokenNotLimited(address)`.
pub const TOKEN_NOT_LIMITED: [u8; 4] = selector("TokenNotLimited(address)");
pub use module_kit::policy::INVALID_PERIOD_HINT;
pub use permission_core::period::{RECORDED_PERIOD_NOT_STARTED, STALE_PERIOD_HINT};
/// The module's own errors, besides the common ones.
pub const MODULE_ERRORS: [[u8; 4]; 8] = [
    SPEND_LIMIT_EXCEEDED,
    TOKEN_CALL_NOT_ALLOWED,
    GAS_BUDGET_EXCEEDED,
    DUPLICATE_TOKEN,
    TOKEN_NOT_LIMITED,
    INVALID_PERIOD_HINT,
    STALE_PERIOD_HINT,
    RECORDED_PERIOD_NOT_STARTED,
];

/// Topic of `SpendLimitSet(address,uint32,address,uint256,uint48)`.
pub const SPEND_LIMIT_SET: [u8; 32] =
    keccak("SpendLimitSet(address,uint32,address,uint256,uint48)");
/// Topic of `SpendLimitRemoved(address,uint32,address)`.
pub const SPEND_LIMIT_REMOVED: [u8; 32] = keccak("SpendLimitRemoved(address,uint32,address)");
/// Topic of `Spent(address,uint32,address,uint256)`: the spend history,
/// filterable by account, key and token. What remains is not in it (the
/// `getSpendLimit` view has it): each charge's log costs 256 gas less.
pub const SPENT: [u8; 32] = keccak("Spent(address,uint32,address,uint256)");
/// Topic of `GasBudgetSet(address,uint32,bool,uint256)`.
pub const GAS_BUDGET_SET: [u8; 32] = keccak("GasBudgetSet(address,uint32,bool,uint256)");
/// Topic of `GasCharged(address,uint32,uint256,uint256)`.
pub const GAS_CHARGED: [u8; 32] = keccak("GasCharged(address,uint32,uint256,uint256)");
/// The module's own events, besides the common ones.
pub const MODULE_EVENTS: [[u8; 32]; 5] = [
    SPEND_LIMIT_SET,
    SPEND_LIMIT_REMOVED,
    SPENT,
    GAS_BUDGET_SET,
    GAS_CHARGED,
];

/// The standalone module's store: tags from 1, nothing known ahead.
fn store<'s, 'h, H: Host>(scope: &'s Scope<'h, H>) -> SpendStore<'s, 'h, H> {
    SpendStore::new(scope, 1, Known::default())
}

/// The spending-limit module.
pub struct SpendingLimit;

impl SpendingLimit {
    fn set_spend_limit_call<H: Host>(ctx: &Ctx<'_, H>, args: &AbiReader<'_>) -> Output {
        let scope = ctx.installed_scope(args)?;
        let limit = SpendLimit {
            token: args.address(1).or_revert()?,
            limit: args.u256(2).or_revert()?,
            period: args.uint(3, 48).or_revert()?,
        };
        store(&scope).set_limit(&limit, ctx.host.block_timestamp());
        Ok(Vec::new())
    }

    fn remove_spend_limit_call<H: Host>(ctx: &Ctx<'_, H>, args: &AbiReader<'_>) -> Output {
        let scope = ctx.installed_scope(args)?;
        let token = args.address(1).or_revert()?;
        let store = store(&scope);
        if !store.set(TOKENS).remove(&address_key(token)) {
            return Err(token_error(TOKEN_NOT_LIMITED, token));
        }
        store.clear_ledger(token);
        emit_account_event_keyed(
            ctx.host,
            SPEND_LIMIT_REMOVED,
            scope.account,
            scope.entity_id,
            address_key(token),
            &[],
        );
        Ok(Vec::new())
    }

    fn set_gas_budget_call<H: Host>(ctx: &Ctx<'_, H>, args: &AbiReader<'_>) -> Output {
        let scope = ctx.installed_scope(args)?;
        let gas = GasBudget {
            enabled: args.bool(1).or_revert()?,
            limit: args.u256(2).or_revert()?,
        };
        store(&scope).set_gas_budget(&gas);
        Ok(Vec::new())
    }
}

impl PermissionModule for SpendingLimit {
    const MODULE_ID: &'static str = MODULE_ID;
    /// The segment may name the period a periodic native limit charges.
    const READS_USER_OP_SEGMENT: bool = true;

    fn on_install<H: Host>(ctx: &Ctx<'_, H>, data: &[u8]) -> Result<u32, Vec<u8>> {
        let install = SpendingLimitInstall::decode(data).or_revert()?;
        // Validate everything before the first write.
        let validated = SpendStore::<H>::validate(&install)?;
        let mut scope = ctx.scope(install.entity_id);
        scope.install()?;
        store(&scope).install(&validated, ctx.host.block_timestamp());
        Ok(install.entity_id)
    }

    /// Charges the operation's maximum cost (the EntryPoint's prefund) to
    /// the gas budget and to the native limit, unless a sponsoring
    /// paymaster pays: a key that bundles its own operation and is paid as
    /// the beneficiary can take no more than these allow. A periodic native
    /// limit is charged without the clock (ERC-7562): in the period of the
    /// timestamp in the hook's signature segment (`abi.encode(uint48)`), or
    /// in the recorded one when the segment is empty, and the returned
    /// validation data confines the operation to that period.
    fn pre_user_op_validation<H: Host>(
        ctx: &Ctx<'_, H>,
        entity_id: u32,
        user_op: &PackedUserOpReader<'_>,
    ) -> Result<U256, Vec<u8>> {
        let scope = ctx.scope(entity_id);
        scope.require_installed()?;
        let store = store(&scope);
        let segment = user_op.signature().or_revert()?;
        if !store.is_limited(NATIVE_TOKEN) {
            // Only a native limit reads the segment.
            require_empty(segment)?;
        }
        let Some(gas) = store.gas_cost(user_op)? else {
            return Ok(U256::ZERO);
        };
        let hint = SpendStore::<H>::hint(segment)?;
        let mut bounds = ValidationData::default();
        store.charge_in_validation(Vec::new(), Some(gas), hint, &mut bounds)?;
        Ok(bounds.pack())
    }

    fn pre_runtime_validation<H: Host>(
        ctx: &Ctx<'_, H>,
        args: &CallArgs<'_>,
    ) -> Result<(), Vec<u8>> {
        ctx.scope(args.entity_id).require_installed()
    }

    fn pre_execution<H: Host>(ctx: &Ctx<'_, H>, args: &CallArgs<'_>) -> Result<(), Vec<u8>> {
        let scope = ctx.scope(args.entity_id);
        scope.require_installed()?;
        let store = store(&scope);
        let now = ctx.host.block_timestamp();
        let calls = decode_account_call_data(args.data).or_revert()?;
        let charges = store.charges(calls, Some(now))?;
        store.charge_at(&charges, now)
    }

    fn call_admin<H: Host>(
        ctx: &Ctx<'_, H>,
        selector: [u8; 4],
        args: &AbiReader<'_>,
    ) -> Option<Output> {
        Some(match selector {
            SET_SPEND_LIMIT => Self::set_spend_limit_call(ctx, args),
            REMOVE_SPEND_LIMIT => Self::remove_spend_limit_call(ctx, args),
            SET_GAS_BUDGET => Self::set_gas_budget_call(ctx, args),
            GET_SPEND_LIMIT | GET_LIMITED_TOKENS | GET_GAS_BUDGET | GET_SPONSORS => {
                match ctx.view_scope(args) {
                    Ok(scope) => store(&scope).view(selector, args, scope.is_installed())?,
                    Err(err) => Err(err),
                }
            }
            _ => return None,
        })
    }
}
