//! The router of a validation module (IValidationModule): the function that
//! decides whether a signer authorized a user operation, a runtime call or
//! an ERC-1271 signature.
//!
//! [`route_validation`] shares [`crate::router::begin`] and
//! [`crate::router::route_module_common`] with the hook modules, decodes the
//! three validation functions and answers them through a
//! [`ValidationModule`]:
//! - `validateUserOp` returns packed validation data: `0` (valid) or `1`
//!   (signature failure) in the authorizer bits, and the signer's window;
//! - `validateRuntime` returns nothing, or reverts;
//! - `validateSignature` returns `0x1626ba7e` (valid) or `0xffffffff`.

use alloc::vec::Vec;
use permission_core::abi::{AbiReader, AbiWriter};
use permission_core::selectors::*;
use permission_core::user_op::{hook_user_op, PackedUserOpReader};
use permission_core::{Address, ValidationData, B256};
use stylus_sdk::stylus_core::Host;

use crate::errors::{self, OrRevert};
use crate::router::{begin, route_module_common, Ctx};
use crate::Output;

/// The interfaces a validation module implements.
pub const VALIDATION_MODULE_INTERFACES: [[u8; 4]; 3] =
    [IERC165_ID, IMODULE_ID, IVALIDATION_MODULE_ID];

/// The functions [`route_validation`] answers for every validation module.
pub const VALIDATION_FUNCTIONS: [[u8; 4]; 7] = [
    SUPPORTS_INTERFACE,
    MODULE_ID,
    ON_INSTALL,
    ON_UNINSTALL,
    VALIDATE_USER_OP,
    VALIDATE_RUNTIME,
    VALIDATE_SIGNATURE,
];

/// The arguments of `validateRuntime` a validation needs.
pub struct RuntimeArgs {
    /// The account the call is for.
    pub account: Address,
    /// The validation's entityId.
    pub entity_id: u32,
    /// Who called the account.
    pub sender: Address,
}

/// What a validation module implements; [`route_validation`] calls it.
pub trait ValidationModule: 'static {
    /// `moduleId()`.
    const MODULE_ID: &'static str;

    /// `onInstall(bytes)`: returns the entityId installed.
    fn on_install<H: Host>(ctx: &Ctx<'_, H>, data: &[u8]) -> Result<u32, Vec<u8>>;

    /// `validateUserOp`: whether the signature authorizes the operation
    /// (authorizer 0, or 1 for a signature failure), and when.
    fn validate_user_op<H: Host>(
        ctx: &Ctx<'_, H>,
        entity_id: u32,
        user_op: &PackedUserOpReader<'_>,
        user_op_hash: B256,
    ) -> Result<ValidationData, Vec<u8>>;

    /// `validateRuntime`: reverts unless the call is authorized.
    fn validate_runtime<H: Host>(ctx: &Ctx<'_, H>, args: &RuntimeArgs) -> Result<(), Vec<u8>>;

    /// `validateSignature` (ERC-1271): whether `signature` is valid for
    /// `hash` on behalf of `account`.
    fn validate_signature<H: Host>(
        ctx: &Ctx<'_, H>,
        account: Address,
        entity_id: u32,
        hash: B256,
        signature: &[u8],
    ) -> Result<bool, Vec<u8>>;

    /// The module's own admin functions and views; `None` for an unknown
    /// selector.
    fn call_admin<H: Host>(
        ctx: &Ctx<'_, H>,
        selector: [u8; 4],
        args: &AbiReader<'_>,
    ) -> Option<Output>;
}

/// Routes one call to validation module `M`.
pub fn route_validation<H: Host, M: ValidationModule>(host: &H, input: &[u8]) -> Output {
    let (ctx, selector, args) = begin(host, input)?;
    if let Some(result) = route_module_common(
        &ctx,
        selector,
        &args,
        &VALIDATION_MODULE_INTERFACES,
        M::MODULE_ID,
        M::on_install,
    ) {
        return result;
    }
    match selector {
        VALIDATE_USER_OP => {
            let entity_id = args.u32(0).or_revert()?;
            let user_op = hook_user_op(&args).or_revert()?;
            let hash = args.b256(2).or_revert()?;
            let data = M::validate_user_op(&ctx, entity_id, &user_op, hash)?;
            Ok(AbiWriter::new(1).u256(data.pack()).finish())
        }
        VALIDATE_RUNTIME => {
            let runtime = RuntimeArgs {
                account: args.address(0).or_revert()?,
                entity_id: args.u32(1).or_revert()?,
                sender: args.address(2).or_revert()?,
            };
            args.u256(3).or_revert()?;
            args.dyn_bytes(4).or_revert()?;
            args.dyn_bytes(5).or_revert()?;
            M::validate_runtime(&ctx, &runtime)?;
            Ok(Vec::new())
        }
        VALIDATE_SIGNATURE => {
            let account = args.address(0).or_revert()?;
            let entity_id = args.u32(1).or_revert()?;
            args.address(2).or_revert()?;
            let hash = args.b256(3).or_revert()?;
            let signature = args.dyn_bytes(4).or_revert()?;
            let valid = M::validate_signature(&ctx, account, entity_id, hash, signature)?;
            let answer = if valid {
                IS_VALID_SIGNATURE
            } else {
                ERC1271_INVALID
            };
            Ok(AbiWriter::new(1).bytes4(answer).finish())
        }
        other => M::call_admin(&ctx, other, &args)
            .unwrap_or_else(|| Err(errors::unsupported_function(other))),
    }
}
