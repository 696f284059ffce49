//! The standalone ERC-6900 module around [`ParamRules`].

use alloc::vec::Vec;
use module_kit::errors::OrRevert;
use module_kit::router::{
    check_account_calls, check_user_op_calls, CallArgs, Ctx, PermissionModule,
};
use module_kit::scope::Scope;
use module_kit::{Host, Output};
use permission_core::abi::AbiReader;
use permission_core::calls::Call;
use permission_core::params::ParamRulesInstall;
use permission_core::user_op::PackedUserOpReader;
use permission_core::U256;

use crate::{
    ParamRules, DIRTY_PARAM, GET_PARAM_TOTAL, INVALID_PARAM_RULE, MISSING_PARAM, PARAM_NOT_ALLOWED,
    PARAM_RULES_SET, PARAM_TOTAL_EXCEEDED,
};

/// `moduleId()`.
pub const MODULE_ID: &str = "stylus-session-keys.param-rules.0.1.0";
/// The module's own functions, besides the common ones.
pub const ADMIN_FUNCTIONS: [[u8; 4]; 1] = [GET_PARAM_TOTAL];
/// The module's own errors, besides the common ones.
pub const MODULE_ERRORS: [[u8; 4]; 5] = [
    PARAM_NOT_ALLOWED,
    DIRTY_PARAM,
    MISSING_PARAM,
    PARAM_TOTAL_EXCEEDED,
    INVALID_PARAM_RULE,
];
/// The module's own events, besides the common ones.
pub const MODULE_EVENTS: [[u8; 32]; 1] = [PARAM_RULES_SET];

/// The standalone module keeps the rules at tags 1..5.
const BASE: u8 = 1;

/// The param-rules module.
pub struct ParamRulesModule;

impl ParamRulesModule {
    /// Judges every call `for_each` yields, then writes the totals.
    fn check<H: Host>(
        scope: &Scope<'_, H>,
        for_each: impl FnOnce(&mut dyn FnMut(&Call<'_>) -> Result<(), Vec<u8>>) -> Result<(), Vec<u8>>,
    ) -> Result<(), Vec<u8>> {
        scope.require_installed()?;
        let rules = ParamRules::new(scope, BASE);
        let mut pending = Vec::new();
        for_each(&mut |call| rules.check_call(call, &mut pending))?;
        rules.commit(&pending);
        Ok(())
    }

    fn check_account<H: Host>(ctx: &Ctx<'_, H>, args: &CallArgs<'_>) -> Result<(), Vec<u8>> {
        Self::check(&ctx.scope(args.entity_id), |check| {
            check_account_calls(args.data, check)
        })
    }
}

impl PermissionModule for ParamRulesModule {
    const MODULE_ID: &'static str = MODULE_ID;

    fn on_install<H: Host>(ctx: &Ctx<'_, H>, data: &[u8]) -> Result<u32, Vec<u8>> {
        let install = ParamRulesInstall::decode(data).or_revert()?;
        // Every entry is checked before the first write.
        crate::store::check_install(&install)?;
        let mut scope = ctx.scope(install.entity_id);
        scope.install()?;
        ParamRules::new(&scope, BASE).install(&install)?;
        Ok(install.entity_id)
    }

    fn pre_user_op_validation<H: Host>(
        ctx: &Ctx<'_, H>,
        entity_id: u32,
        user_op: &PackedUserOpReader<'_>,
    ) -> Result<U256, Vec<u8>> {
        Self::check(&ctx.scope(entity_id), |check| {
            check_user_op_calls(user_op, check)
        })?;
        Ok(U256::ZERO)
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
        (selector == GET_PARAM_TOTAL).then(|| {
            let scope = ctx.view_scope(args)?;
            let target = args.address(2).or_revert()?;
            let function = args.bytes4(3).or_revert()?;
            let arg = args.uint(4, 16).or_revert()? as u16;
            Ok(ParamRules::new(&scope, BASE).view_total(
                scope.is_installed(),
                target,
                function,
                arg,
            ))
        })
    }
}
