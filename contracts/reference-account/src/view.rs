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
