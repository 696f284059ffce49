//! The usage-limit module: its selectors, errors and events, its hooks and
//! its admin functions, over [`crate::store`].

use alloc::vec::Vec;
use module_kit::errors::OrRevert;
use module_kit::policy::period_hint;
use module_kit::router::{CallArgs, Ctx, PermissionModule};
use module_kit::scope::{Scope, PAYLOAD_LEN};
use module_kit::{Host, Output};
use permission_core::abi::AbiReader;
use permission_core::calls::{decode_account_call_data, decode_user_op_call_data};
use permission_core::install::UsageLimitInstall;
use permission_core::selectors::{keccak, selector};
use permission_core::user_op::PackedUserOpReader;
use permission_core::{ValidationData, U256};

use crate::store::{decode, UsageStore};

/// `moduleId()`.
pub const MODULE_ID: &str = "stylus-session-keys.usage-limit.0.1.0";

/// `setUsageLimit(uint32,uint8,uint32,uint32,uint32)`.
pub const SET_USAGE_LIMIT: [u8; 4] = selector("setUsageLimit(uint32,uint8,uint32,uint32,uint32)");
/// `getUsageLimit(address,uint32)`.
pub const GET_USAGE_LIMIT: [u8; 4] = selector("getUsageLimit(address,uint32)");
/// The module's own functions, besides the common ones.
pub const ADMIN_FUNCTIONS: [[u8; 4]; 2] = [SET_USAGE_LIMIT, GET_USAGE_LIMIT];

/// `UsageLimitExceeded(uint256 used, uint256 limit)`: the operation would
/// take the count past a limit (`used` so far, of `limit`).
pub const USAGE_LIMIT_EXCEEDED: [u8; 4] = selector("UsageLimitExceeded(uint256,uint256)");
/// `InvalidUsageLimit(uint8 unit, uint32 lifetimeLimit, uint32 periodLimit,
/// uint32 period)`: an unknown unit, no limit at all, or a periodic limit
/// without a period (or a period without one).
pub const INVALID_USAGE_LIMIT: [u8; 4] = selector("InvalidUsageLimit(uint8,uint32,uint32,uint32)");
pub use module_kit::policy::INVALID_PERIOD_HINT;
pub use permission_core::period::{RECORDED_PERIOD_NOT_STARTED, STALE_PERIOD_HINT};
/// The module's own errors, besides the common ones.
pub const MODULE_ERRORS: [[u8; 4]; 5] = [
    USAGE_LIMIT_EXCEEDED,
    INVALID_USAGE_LIMIT,
    INVALID_PERIOD_HINT,
    STALE_PERIOD_HINT,
    RECORDED_PERIOD_NOT_STARTED,
];

/// Topic of `UsageLimitSet(address,uint32,uint8,uint32,uint32,uint32)`.
pub const USAGE_LIMIT_SET: [u8; 32] =
    keccak("UsageLimitSet(address,uint32,uint8,uint32,uint32,uint32)");
/// The module's own events, besides the common ones.
pub const MODULE_EVENTS: [[u8; 32]; 1] = [USAGE_LIMIT_SET];

/// The standalone module's usage word tag.
const TAG: u8 = 1;

/// The standalone module keeps the unit in payload byte 0.
fn store<'s, 'h, H: Host>(scope: &'s Scope<'h, H>) -> UsageStore<'s, 'h, H> {
    UsageStore::new(scope, TAG, scope.payload()[0])
}

fn unit_payload(install: &UsageLimitInstall) -> [u8; PAYLOAD_LEN] {
    let mut payload = [0u8; PAYLOAD_LEN];
    payload[0] = install.unit;
    payload
}

/// The usage-limit module.
pub struct UsageLimit;

impl UsageLimit {
    /// Counts an account call (`execute`, `executeBatch` or the
    /// `executeUserOp` forms) of the key `entity_id` at the clock.
    fn count_call_at_clock<H: Host>(ctx: &Ctx<'_, H>, args: &CallArgs<'_>) -> Result<(), Vec<u8>> {
        let scope = ctx.scope(args.entity_id);
        scope.require_installed()?;
        let store = store(&scope);
        let calls = decode_account_call_data(args.data)
            .or_revert()?
            .collect_all()
            .or_revert()?;
        store.count_at(store.uses(&calls), ctx.host.block_timestamp())
    }
}

impl PermissionModule for UsageLimit {
    const MODULE_ID: &'static str = MODULE_ID;
    /// The segment may name the period a periodic limit counts in.
    const READS_USER_OP_SEGMENT: bool = true;

    fn on_install<H: Host>(ctx: &Ctx<'_, H>, data: &[u8]) -> Result<u32, Vec<u8>> {
        let install = decode(data)?;
        let mut scope = ctx.scope(install.entity_id);
        scope.install()?;
        scope.set_payload(unit_payload(&install));
        store(&scope).set(&install, ctx.host.block_timestamp());
        Ok(install.entity_id)
    }

    /// Counts the operation without the clock (ERC-7562): a periodic limit
    /// in the period of the timestamp in the hook's signature segment
    /// (`abi.encode(uint48)`; empty: the recorded period), and the returned
    /// validation data confines the operation to that period.
    fn pre_user_op_validation<H: Host>(
        ctx: &Ctx<'_, H>,
        entity_id: u32,
        user_op: &PackedUserOpReader<'_>,
    ) -> Result<U256, Vec<u8>> {
        let scope = ctx.scope(entity_id);
        scope.require_installed()?;
        let store = store(&scope);
        let hint = period_hint(user_op.signature().or_revert()?)?;
        let calls = decode_user_op_call_data(user_op.call_data().or_revert()?)
            .or_revert()?
            .collect_all()
            .or_revert()?;
        let mut bounds = ValidationData::default();
        store.count_in_validation(store.uses(&calls), hint, &mut bounds)?;
        Ok(bounds.pack())
    }

    fn pre_runtime_validation<H: Host>(
        ctx: &Ctx<'_, H>,
        args: &CallArgs<'_>,
    ) -> Result<(), Vec<u8>> {
        Self::count_call_at_clock(ctx, args)
    }

    fn pre_execution<H: Host>(ctx: &Ctx<'_, H>, args: &CallArgs<'_>) -> Result<(), Vec<u8>> {
        Self::count_call_at_clock(ctx, args)
    }

    fn call_admin<H: Host>(
        ctx: &Ctx<'_, H>,
        selector: [u8; 4],
        args: &AbiReader<'_>,
    ) -> Option<Output> {
        Some(match selector {
            SET_USAGE_LIMIT => (|| {
                let install = decode(args.bytes())?;
                let mut scope = ctx.scope(install.entity_id);
                scope.require_installed()?;
                scope.set_payload(unit_payload(&install));
                store(&scope).set(&install, ctx.host.block_timestamp());
                Ok(Vec::new())
            })(),
            GET_USAGE_LIMIT => (|| {
                let scope = ctx.view_scope(args)?;
                Ok(store(&scope).view(scope.is_installed(), ctx.host.block_timestamp()))
            })(),
            _ => return None,
        })
    }
}
