//! The module router: decodes the ERC-6900 functions every module exposes
//! and hands each hook its arguments.
//!
//! A module implements [`PermissionModule`]; [`route`] does the rest:
//! - refuses native value (`ValueNotAccepted`);
//! - answers `supportsInterface` and `moduleId`;
//! - decodes the `onInstall`/`onUninstall` payloads and the hook arguments,
//!   failing with `MalformedCalldata` on any bad encoding;
//! - rejects a non-empty per-hook segment (`userOp.signature`, the runtime
//!   `authorization`, the ERC-1271 `signature`) with `UnexpectedDataPassed`,
//!   as MAv2's permission hooks do;
//! - runs `onUninstall` generically: the generation bump of [`Scope`]. An
//!   `onUninstall` for an (account, entityId) with nothing installed succeeds
//!   and changes nothing: MAv2 v2.0.x stops calling `onUninstall` after the
//!   first one that fails, so a module in two roles of one validation (its
//!   second entry finds nothing left) must not fail the rest;
//! - sends anything else to [`PermissionModule::call_admin`], and answers
//!   `UnsupportedFunction(bytes4)` for unknown selectors.

use alloc::vec::Vec;
use permission_core::abi::{padded_selector, split_selector, AbiReader, AbiWriter};
use permission_core::calls::{decode_account_call_data, decode_user_op_call_data, Call, Calls};
use permission_core::install::decode_entity_id;
use permission_core::selectors::*;
use permission_core::user_op::{hook_user_op, PackedUserOpReader};
use permission_core::{Address, B256, U256};
use stylus_sdk::stylus_core::Host;

use crate::errors::{self, OrRevert};
use crate::events::{emit_account_event, MODULE_INSTALLED, MODULE_UNINSTALLED};
use crate::scope::Scope;
use crate::Output;

/// The interfaces every permission module implements.
pub const MODULE_INTERFACES: [[u8; 4]; 4] = [
    IERC165_ID,
    IMODULE_ID,
    IVALIDATION_HOOK_MODULE_ID,
    IEXECUTION_HOOK_MODULE_ID,
];

/// The functions [`route`] answers for every module (IERC165, IModule,
/// IValidationHookModule and IExecutionHookModule).
pub const COMMON_FUNCTIONS: [[u8; 4]; 9] = [
    SUPPORTS_INTERFACE,
    MODULE_ID,
    ON_INSTALL,
    ON_UNINSTALL,
    PRE_USER_OP_VALIDATION_HOOK,
    PRE_RUNTIME_VALIDATION_HOOK,
    PRE_SIGNATURE_VALIDATION_HOOK,
    PRE_EXECUTION_HOOK,
    POST_EXECUTION_HOOK,
];

/// A call's context: the host and the calling account (`msg.sender`).
pub struct Ctx<'h, H: Host> {
    /// The host.
    pub host: &'h H,
    /// `msg.sender`: the account whose state the call reads and writes.
    pub account: Address,
}

impl<'h, H: Host> Ctx<'h, H> {
    /// The account's scope for `entity_id`.
    pub fn scope(&self, entity_id: u32) -> Scope<'h, H> {
        Scope::load(self.host, self.account, entity_id)
    }

    /// The caller's scope for the `uint32 entityId` an admin call takes
    /// first; `NotInstalled` unless installed.
    pub fn installed_scope(&self, args: &AbiReader<'_>) -> Result<Scope<'h, H>, Vec<u8>> {
        let scope = self.scope(args.u32(0).or_revert()?);
        scope.require_installed()?;
        Ok(scope)
    }

    /// The scope a view names with its `(address account, uint32 entityId)`
    /// arguments, whoever asks.
    pub fn view_scope(&self, args: &AbiReader<'_>) -> Result<Scope<'h, H>, Vec<u8>> {
        Ok(Scope::load(
            self.host,
            args.address(0).or_revert()?,
            args.u32(1).or_revert()?,
        ))
    }
}

/// The arguments of `preRuntimeValidationHook` and `preExecutionHook`.
pub struct CallArgs<'a> {
    /// The hook's entityId.
    pub entity_id: u32,
    /// The account's caller.
    pub sender: Address,
    /// Value sent to the account.
    pub value: U256,
    /// The account's calldata (see `permission_core::calls`).
    pub data: &'a [u8],
}

/// What a permission module implements; [`route`] calls it.
pub trait PermissionModule: 'static {
    /// `moduleId()`: `stylus-session-keys.<module>.<semver>`.
    const MODULE_ID: &'static str;

    /// `onInstall(bytes)`: decode, validate everything, then write; returns
    /// the entityId installed. Must call [`Scope::install`] so that a second
    /// install fails. The router then emits `ModuleInstalled`.
    fn on_install<H: Host>(ctx: &Ctx<'_, H>, data: &[u8]) -> Result<u32, Vec<u8>>;

    /// Whether `preUserOpValidationHook` reads its signature segment
    /// (`userOp.signature`); when false the router refuses a non-empty one
    /// with `UnexpectedDataPassed`.
    const READS_USER_OP_SEGMENT: bool = false;

    /// `preUserOpValidationHook`: returns packed validation data.
    fn pre_user_op_validation<H: Host>(
        ctx: &Ctx<'_, H>,
        entity_id: u32,
        user_op: &PackedUserOpReader<'_>,
    ) -> Result<U256, Vec<u8>>;

    /// `preRuntimeValidationHook`.
    fn pre_runtime_validation<H: Host>(
        ctx: &Ctx<'_, H>,
        args: &CallArgs<'_>,
    ) -> Result<(), Vec<u8>>;

    /// `preSignatureValidationHook` (ERC-1271 path). An ERC-1271 signature
    /// makes no call, so by default it only requires the module to be
    /// installed.
    fn pre_signature_validation<H: Host>(
        ctx: &Ctx<'_, H>,
        entity_id: u32,
        _hash: B256,
    ) -> Result<(), Vec<u8>> {
        ctx.scope(entity_id).require_installed()
    }

    /// `preExecutionHook`; returns nothing for the post hook.
    fn pre_execution<H: Host>(ctx: &Ctx<'_, H>, args: &CallArgs<'_>) -> Result<(), Vec<u8>>;

    /// The module's own admin functions and views; `None` for an unknown
    /// selector.
    fn call_admin<H: Host>(
        ctx: &Ctx<'_, H>,
        selector: [u8; 4],
        args: &AbiReader<'_>,
    ) -> Option<Output>;
}

/// The module-independent start of every call: refuses native value,
/// splits off the selector, and reads the caller.
#[inline(always)]
pub fn begin<'a, 'h, H: Host>(
    host: &'h H,
    input: &'a [u8],
) -> Result<(Ctx<'h, H>, [u8; 4], AbiReader<'a>), Vec<u8>> {
    if !host.msg_value().is_zero() {
        return Err(errors::value_not_accepted());
    }
    let (selector, args) =
        split_selector(input).map_err(|_| errors::unsupported_function(padded_selector(input)))?;
    let ctx = Ctx {
        host,
        account: host.msg_sender(),
    };
    Ok((ctx, selector, AbiReader::new(args)))
}

/// What every ERC-6900 module answers alike: `supportsInterface` for
/// `interfaces`, `moduleId`, `onInstall` through `on_install` (then
/// `ModuleInstalled`), and `onUninstall` (the generation bump, then
/// `ModuleUninstalled`). `None` for any other selector.
#[inline(always)]
pub fn route_module_common<H: Host>(
    ctx: &Ctx<'_, H>,
    selector: [u8; 4],
    args: &AbiReader<'_>,
    interfaces: &[[u8; 4]],
    module_id: &str,
    on_install: impl FnOnce(&Ctx<'_, H>, &[u8]) -> Result<u32, Vec<u8>>,
) -> Option<Output> {
    let result = match selector {
        SUPPORTS_INTERFACE => args
            .bytes4(0)
            .or_revert()
            .map(|id| ret_bool(interfaces.contains(&id))),
        MODULE_ID => Ok(ret_string(module_id)),
        ON_INSTALL => install(ctx, args, on_install),
        ON_UNINSTALL => uninstall(ctx, args),
        _ => return None,
    };
    Some(result)
}

#[inline(always)]
fn install<H: Host>(
    ctx: &Ctx<'_, H>,
    args: &AbiReader<'_>,
    on_install: impl FnOnce(&Ctx<'_, H>, &[u8]) -> Result<u32, Vec<u8>>,
) -> Output {
    let entity_id = on_install(ctx, args.dyn_bytes(0).or_revert()?)?;
    emit_account_event(ctx.host, MODULE_INSTALLED, ctx.account, entity_id, &[]);
    Ok(Vec::new())
}

#[inline(always)]
fn uninstall<H: Host>(ctx: &Ctx<'_, H>, args: &AbiReader<'_>) -> Output {
    let entity_id = decode_entity_id(args.dyn_bytes(0).or_revert()?).or_revert()?;
    let mut scope = ctx.scope(entity_id);
    if !scope.is_installed() {
        // Nothing left to uninstall: a success that writes and logs nothing.
        return Ok(Vec::new());
    }
    scope.uninstall()?;
    emit_account_event(ctx.host, MODULE_UNINSTALLED, ctx.account, entity_id, &[]);
    Ok(Vec::new())
}

/// Routes one call to module `M`.
pub fn route<H: Host, M: PermissionModule>(host: &H, input: &[u8]) -> Output {
    let (ctx, selector, args) = begin(host, input)?;
    if let Some(result) = route_module_common(
        &ctx,
        selector,
        &args,
        &MODULE_INTERFACES,
        M::MODULE_ID,
        M::on_install,
    ) {
        return result;
    }
    match selector {
        PRE_USER_OP_VALIDATION_HOOK => {
            let entity_id = args.u32(0).or_revert()?;
            let user_op = hook_user_op(&args).or_revert()?;
            args.b256(2).or_revert()?;
            if !M::READS_USER_OP_SEGMENT {
                require_empty(user_op.signature().or_revert()?)?;
            }
            let validation_data = M::pre_user_op_validation(&ctx, entity_id, &user_op)?;
            Ok(validation_data.to_be_bytes::<32>().to_vec())
        }
        PRE_RUNTIME_VALIDATION_HOOK => {
            let call = decode_call_args(&args)?;
            require_empty(args.dyn_bytes(4).or_revert()?)?;
            M::pre_runtime_validation(&ctx, &call)?;
            Ok(Vec::new())
        }
        PRE_SIGNATURE_VALIDATION_HOOK => {
            let entity_id = args.u32(0).or_revert()?;
            args.address(1).or_revert()?;
            let hash = args.b256(2).or_revert()?;
            require_empty(args.dyn_bytes(3).or_revert()?)?;
            M::pre_signature_validation(&ctx, entity_id, hash)?;
            Ok(Vec::new())
        }
        PRE_EXECUTION_HOOK => {
            let call = decode_call_args(&args)?;
            M::pre_execution(&ctx, &call)?;
            // `returns (bytes)`: empty context for the post hook.
            Ok(AbiWriter::new(1).dyn_bytes(&[]).finish())
        }
        POST_EXECUTION_HOOK => {
            // No module keeps work for after execution: a post hook is a
            // checked no-op, so that a HookConfig with hasPost still works.
            args.u32(0).or_revert()?;
            args.dyn_bytes(1).or_revert()?;
            Ok(Vec::new())
        }
        other => M::call_admin(&ctx, other, &args)
            .unwrap_or_else(|| Err(errors::unsupported_function(other))),
    }
}

/// Decodes `(uint32 entityId, address sender, uint256 value, bytes data, ...)`.
fn decode_call_args<'a>(args: &AbiReader<'a>) -> Result<CallArgs<'a>, Vec<u8>> {
    Ok(CallArgs {
        entity_id: args.u32(0).or_revert()?,
        sender: args.address(1).or_revert()?,
        value: args.u256(2).or_revert()?,
        data: args.dyn_bytes(3).or_revert()?,
    })
}

/// A permission that judges each call the account will make on its own,
/// like the allowlists: every hook path reduces to [`CallRule::check_call`].
pub trait CallRule {
    /// Checks one call for the installed `scope` (its account and entityId).
    fn check_call<H: Host>(scope: &Scope<'_, H>, call: &Call<'_>) -> Result<(), Vec<u8>>;

    /// `preUserOpValidationHook`: every call of `userOp.callData`.
    fn check_user_op<H: Host>(
        ctx: &Ctx<'_, H>,
        entity_id: u32,
        user_op: &PackedUserOpReader<'_>,
    ) -> Result<U256, Vec<u8>> {
        let scope = ctx.scope(entity_id);
        scope.require_installed()?;
        check_user_op_calls(user_op, |call| Self::check_call(&scope, call))?;
        Ok(U256::ZERO)
    }

    /// `preRuntimeValidationHook` and `preExecutionHook`: every call of the
    /// account's calldata.
    fn check_account<H: Host>(ctx: &Ctx<'_, H>, args: &CallArgs<'_>) -> Result<(), Vec<u8>> {
        let scope = ctx.scope(args.entity_id);
        scope.require_installed()?;
        check_account_calls(args.data, |call| Self::check_call(&scope, call))
    }
}

/// Runs `check` on every call of a user operation's `callData`
/// (`execute`, `executeBatch`, or the `executeUserOp` prefix around either).
pub fn check_user_op_calls(
    user_op: &PackedUserOpReader<'_>,
    check: impl FnMut(&Call<'_>) -> Result<(), Vec<u8>>,
) -> Result<(), Vec<u8>> {
    let calls = decode_user_op_call_data(user_op.call_data().or_revert()?).or_revert()?;
    check_each(calls, check)
}

/// Runs `check` on every call of the account's `msg.data` (`execute`,
/// `executeBatch`, or the ABI-encoded `executeUserOp`).
pub fn check_account_calls(
    msg_data: &[u8],
    check: impl FnMut(&Call<'_>) -> Result<(), Vec<u8>>,
) -> Result<(), Vec<u8>> {
    check_each(decode_account_call_data(msg_data).or_revert()?, check)
}

fn check_each(
    calls: Calls<'_>,
    mut check: impl FnMut(&Call<'_>) -> Result<(), Vec<u8>>,
) -> Result<(), Vec<u8>> {
    for call in calls {
        check(&call.or_revert()?)?;
    }
    Ok(())
}

/// Fails with `UnexpectedDataPassed` unless `segment` is empty.
pub fn require_empty(segment: &[u8]) -> Result<(), Vec<u8>> {
    if segment.is_empty() {
        Ok(())
    } else {
        Err(errors::unexpected_data_passed())
    }
}

/// ABI-encodes a `bool` return value.
pub fn ret_bool(value: bool) -> Vec<u8> {
    AbiWriter::new(1).bool(value).finish()
}

/// ABI-encodes a `string` return value.
pub fn ret_string(value: &str) -> Vec<u8> {
    AbiWriter::new(1).dyn_bytes(value.as_bytes()).finish()
}
