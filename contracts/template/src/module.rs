//! The standalone ERC-6900 module around [`ValueCap`].

use alloc::vec::Vec;
use module_kit::errors::OrRevert;
use module_kit::router::{CallArgs, CallRule, Ctx, PermissionModule};
use module_kit::scope::Scope;
use module_kit::{Host, Output};
use permission_core::abi::AbiReader;
use permission_core::calls::Call;
use permission_core::install::decode_entity_id;
use permission_core::user_op::PackedUserOpReader;
use permission_core::U256;

use crate::{ValueCap, GET_VALUE_CAP, VALUE_ABOVE_CAP, VALUE_CAP_SET};

/// `moduleId()`.
pub const MODULE_ID: &str = "stylus-session-keys.template-value-cap.0.1.0";
/// The module's own functions, besides the common ones.
pub const ADMIN_FUNCTIONS: [[u8; 4]; 1] = [GET_VALUE_CAP];
/// The module's own errors, besides the common ones.
pub const MODULE_ERRORS: [[u8; 4]; 1] = [VALUE_ABOVE_CAP];
/// The module's own events, besides the common ones.
pub const MODULE_EVENTS: [[u8; 32]; 1] = [VALUE_CAP_SET];

/// The standalone module keeps the cap at tag 1.
const TAG: u8 = 1;

/// The value-cap module.
pub struct ValueCapModule;

/// The cap judges each call on its own, so every hook path reduces to
/// [`CallRule::check_call`]: the router's helpers decode the calls.
impl CallRule for ValueCapModule {
    fn check_call<H: Host>(scope: &Scope<'_, H>, call: &Call<'_>) -> Result<(), Vec<u8>> {
        ValueCap::new(scope, TAG).check_calls(core::slice::from_ref(call))
    }
}

impl PermissionModule for ValueCapModule {
    const MODULE_ID: &'static str = MODULE_ID;

    fn on_install<H: Host>(ctx: &Ctx<'_, H>, data: &[u8]) -> Result<u32, Vec<u8>> {
        // Decode everything before the first write.
        let entity_id = decode_entity_id(data).or_revert()?;
        let cap = ValueCap::<H>::decode(data)?;
        let mut scope = ctx.scope(entity_id);
        scope.install()?;
        ValueCap::new(&scope, TAG).install(cap);
        Ok(entity_id)
    }

    fn pre_user_op_validation<H: Host>(
        ctx: &Ctx<'_, H>,
        entity_id: u32,
        user_op: &PackedUserOpReader<'_>,
    ) -> Result<U256, Vec<u8>> {
        Self::check_user_op(ctx, entity_id, user_op)
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
        (selector == GET_VALUE_CAP).then(|| {
            let scope = ctx.view_scope(args)?;
            Ok(ValueCap::new(&scope, TAG).view(scope.is_installed()))
        })
    }
}
