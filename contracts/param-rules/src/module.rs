//! The standalone ERC-6900 module around [`ParamRules`].

use alloc::vec::Vec;
use module_kit::errors::OrRevert;
use module_kit::policy::{period_hint, EMPTY_VALIDITY_WINDOW, INVALID_PERIOD_HINT};
use module_kit::router::{
    check_account_calls, check_user_op_calls, CallArgs, Ctx, PermissionModule,
};
use module_kit::scope::Scope;
use module_kit::{Host, Output};
use permission_core::abi::AbiReader;
use permission_core::calls::Call;
use permission_core::params::ParamRulesInstall;
use permission_core::period::{RECORDED_PERIOD_NOT_STARTED, STALE_PERIOD_HINT};
use permission_core::user_op::PackedUserOpReader;
use permission_core::{ValidationData, U256};

use crate::store::{check_install, ChargeTime};
use crate::{
    ParamRules, DIRTY_PARAM, GET_PARAM_RULES, GET_PARAM_TOTAL, INVALID_PARAM_RULE, MISSING_PARAM,
    PARAM_NOT_ALLOWED, PARAM_RULES_SET, PARAM_TOTAL_EXCEEDED,
};

/// `moduleId()`.
pub const MODULE_ID: &str = "stylus-session-keys.param-rules.0.1.0";
/// The module's own functions, besides the common ones.
pub const ADMIN_FUNCTIONS: [[u8; 4]; 2] = [GET_PARAM_TOTAL, GET_PARAM_RULES];
/// The module's own errors, besides the common ones.
pub const MODULE_ERRORS: [[u8; 4]; 9] = [
    PARAM_NOT_ALLOWED,
    DIRTY_PARAM,
    MISSING_PARAM,
    PARAM_TOTAL_EXCEEDED,
    INVALID_PARAM_RULE,
    INVALID_PERIOD_HINT,
    STALE_PERIOD_HINT,
    RECORDED_PERIOD_NOT_STARTED,
    EMPTY_VALIDITY_WINDOW,
];
/// The module's own events, besides the common ones.
pub const MODULE_EVENTS: [[u8; 32]; 1] = [PARAM_RULES_SET];

/// The standalone module keeps the rules at tags 1..=6.
const BASE: u8 = 1;

/// The param-rules module.
pub struct ParamRulesModule;

impl ParamRulesModule {
    /// Judges every call `for_each` yields and charges the totals at
    /// `time`; returns the validity window the charged periods leave.
    fn check<H: Host>(
        scope: &Scope<'_, H>,
        time: ChargeTime,
        for_each: impl FnOnce(&mut dyn FnMut(&Call<'_>) -> Result<(), Vec<u8>>) -> Result<(), Vec<u8>>,
    ) -> Result<ValidationData, Vec<u8>> {
        scope.require_installed()?;
        ParamRules::<_, true>::new(scope, BASE).check_calls(
            Some(time),
            ValidationData::default(),
            for_each,
        )
    }

    fn check_account<H: Host>(ctx: &Ctx<'_, H>, args: &CallArgs<'_>) -> Result<(), Vec<u8>> {
        let now = ctx.host.block_timestamp();
        Self::check(&ctx.scope(args.entity_id), ChargeTime::At(now), |check| {
            check_account_calls(args.data, check)
        })
        .map(|_| ())
    }
}

impl PermissionModule for ParamRulesModule {
    const MODULE_ID: &'static str = MODULE_ID;
    /// The segment may hint the period that periodic totals charge.
    const READS_USER_OP_SEGMENT: bool = true;

    fn on_install<H: Host>(ctx: &Ctx<'_, H>, data: &[u8]) -> Result<u32, Vec<u8>> {
        let install = ParamRulesInstall::decode(data).or_revert()?;
        // Every entry is checked before the first write.
        check_install::<true>(&install)?;
        let mut scope = ctx.scope(install.entity_id);
        scope.install()?;
        ParamRules::<_, true>::new(&scope, BASE).install(&install, ctx.host.block_timestamp())?;
        Ok(install.entity_id)
    }

    fn pre_user_op_validation<H: Host>(
        ctx: &Ctx<'_, H>,
        entity_id: u32,
        user_op: &PackedUserOpReader<'_>,
    ) -> Result<U256, Vec<u8>> {
        let hint = period_hint(user_op.signature().or_revert()?)?;
        let bounds = Self::check(&ctx.scope(entity_id), ChargeTime::Hinted(hint), |check| {
            check_user_op_calls(user_op, check)
        })?;
        Ok(bounds.pack())
    }

    fn pre_runtime_validation<H: Host>(
        ctx: &Ctx<'_, H>,
        args: &CallArgs<'_>,
    ) -> Result<(), Vec<u8>> {
        Self::check_account(ctx, args)
    }

    fn pre_execution<H: Host>(ctx: &Ctx<'_, H>, args: &CallArgs<'_>) -> Result<(), Vec<u8>> {
        Self::check_account(ctx, args)
    }

    fn call_admin<H: Host>(
        ctx: &Ctx<'_, H>,
        selector: [u8; 4],
        args: &AbiReader<'_>,
    ) -> Option<Output> {
        ADMIN_FUNCTIONS.contains(&selector).then(|| {
            let scope = ctx.view_scope(args)?;
            let now = ctx.host.block_timestamp();
            let rules = ParamRules::<_, true>::new(&scope, BASE);
            match selector {
                GET_PARAM_TOTAL => rules.view_total(scope.is_installed(), args, now),
                _ => Ok(rules.view_rules(scope.is_installed(), now)),
            }
        })
    }
}
