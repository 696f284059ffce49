//! ERC-6900 v0.8 `IModularAccountView.getValidationData(bytes24
//! validationFunction) returns (ValidationDataView)`, an unguarded view.
//!
//! `ValidationDataView` is, in ERC-6900 v0.8.0 final and in MAv2 v2.0.x
//! (`src/account/ModularAccountView.sol` sets `data.validationFlags`):
//! `(uint8 validationFlags, bytes25[] validationHooks, bytes25[]
//! executionHooks, bytes4[] selectors)`, the flags being 4 = isGlobal,
//! 2 = isSignatureValidation, 1 = isUserOpValidation and the hooks
//! `HookConfig`s. (MAv2's pre-release source and ERC-6900's release
//! candidates had three bools instead of the flags byte.)
//!
//! As MAv2 answers it:
//! - the validation is found by the entityId alone (MAv2's lookup key); the
//!   module half of `validationFunction` is not compared with the installed
//!   module;
//! - hooks and selectors are listed in install order;
//! - a validation that is not installed (or was uninstalled) gives the
//!   empty view: flags 0 and three empty arrays.

use alloc::vec::Vec;
use module_kit::errors::OrRevert;
use module_kit::Host;
use permission_core::abi::{AbiReader, AbiWriter};

use crate::storage::*;

/// `list` as an ABI array of static words: its length, then each entry's
/// stored word (already its ABI encoding).
fn encode_list<H: Host>(host: &H, entity_id: u32, v: &Validation, list: List) -> Vec<u8> {
    let len = list.len(v);
    let mut out = AbiWriter::new(1);
    out.uint(len.into());
    for i in 0..len {
        out.word(load_list_word(host, entity_id, v, list, i).0);
    }
    out.finish()
}

/// `getValidationData(bytes24 validationFunction)`.
pub fn get_validation_data<H: Host>(host: &H, args: &AbiReader<'_>) -> Result<Vec<u8>, Vec<u8>> {
    let entity = args.head(0).or_revert()?;
    let entity_id = u32::from_be_bytes([entity[20], entity[21], entity[22], entity[23]]);
    let v = load_validation(host, entity_id);
    let view = AbiWriter::new(4)
        .uint(u64::from(
            v.flags & (FLAG_GLOBAL | FLAG_SIGNATURE | FLAG_USER_OP),
        ))
        .dyn_encoded(&encode_list(host, entity_id, &v, List::ValidationHooks))
        .dyn_encoded(&encode_list(host, entity_id, &v, List::ExecutionHooks))
        .dyn_encoded(&encode_list(host, entity_id, &v, List::Selectors))
        .finish();
    // The return value is a one-element tuple holding the (dynamic) struct.
    Ok(AbiWriter::new(1).dyn_encoded(&view).finish())
}

/// How MAv2 v2.0.x describes a native function in `getExecutionData`
/// (`src/account/ModularAccountView.sol`): `(skipRuntimeValidation,
/// allowGlobalValidation)`. The functions a global validation may call are
/// `(false, true)`; the other native functions (views, callbacks, and the
/// EntryPoint's `validateUserOp`) are `(true, false)`. `None` for a selector
/// this account does not implement (MAv2 answers those from its execution
/// storage, which this account has none of: the zero view).
fn native_function(function: [u8; 4]) -> Option<(bool, bool)> {
    use permission_core::selectors::{
        EXECUTE, EXECUTE_BATCH, EXECUTE_USER_OP, EXECUTE_WITH_RUNTIME_VALIDATION,
        INSTALL_VALIDATION, IS_VALID_SIGNATURE, SUPPORTS_INTERFACE, UNINSTALL_VALIDATION,
    };
    if crate::permissions::GLOBALLY_ALLOWED.contains(&function) {
        // installExecution, uninstallExecution, performCreate and
        // upgradeToAndCall are in that list but not implemented here.
        let implemented = [
            EXECUTE,
            EXECUTE_BATCH,
            INSTALL_VALIDATION,
            UNINSTALL_VALIDATION,
            EXECUTE_USER_OP,
            EXECUTE_WITH_RUNTIME_VALIDATION,
        ];
        return implemented.contains(&function).then_some((false, true));
    }
    let other_native = [
        crate::ENTRY_POINT_FN,
        crate::VALIDATE_USER_OP_ACCOUNT,
        crate::tokens::ON_ERC721_RECEIVED,
        crate::tokens::ON_ERC1155_RECEIVED,
        crate::tokens::ON_ERC1155_BATCH_RECEIVED,
        IS_VALID_SIGNATURE,
        SUPPORTS_INTERFACE,
        crate::ACCOUNT_ID_FN,
        crate::GET_EXECUTION_DATA,
        crate::GET_VALIDATION_DATA,
    ];
    other_native.contains(&function).then_some((true, false))
}

/// `getExecutionData(bytes4 selector) returns (ExecutionDataView)`:
/// `(address module, bool skipRuntimeValidation, bool
/// allowGlobalValidation, bytes25[] executionHooks)`. A native function's
/// module is the account itself; this account has no execution modules
/// and no selector-associated hooks, so the hooks are always empty.
pub fn get_execution_data<H: Host>(host: &H, args: &AbiReader<'_>) -> Result<Vec<u8>, Vec<u8>> {
    let selector = args.bytes4(0).or_revert()?;
    let (module, skip, global) = match native_function(selector) {
        Some((skip, global)) => (host.contract_address(), skip, global),
        None => (permission_core::Address::ZERO, false, false),
    };
    let no_hooks = AbiWriter::new(1).uint(0).finish();
    let view = AbiWriter::new(4)
        .address(module)
        .bool(skip)
        .bool(global)
        .dyn_encoded(&no_hooks)
        .finish();
    Ok(AbiWriter::new(1).dyn_encoded(&view).finish())
}
