//! ERC-1271 `isValidSignature(bytes32 hash, bytes signature)`, routed to a
//! validation as MAv2 routes it: `signature = options(1) ‖ entityId(4) ‖
//! hook segments ‖ 0xFF ‖ validation signature`. The pre-signature hooks run
//! in install order (static calls), the validation must have the signature
//! flag, and its module judges the **raw** hash (it applies its own
//! replay-safe wrapper). Returns `0x1626ba7e` only when the module does.

use alloc::vec::Vec;
use module_kit::errors::OrRevert;
use module_kit::Host;
use permission_core::abi::{AbiReader, AbiWriter};
use permission_core::selectors::{
    ERC1271_INVALID, IS_VALID_SIGNATURE, PRE_SIGNATURE_VALIDATION_HOOK, VALIDATE_SIGNATURE,
};
use permission_core::CalldataError;

use crate::calls::{static_call, ALL_GAS};
use crate::errors::*;
use crate::storage::{load_hook, load_validation, FLAG_SIGNATURE};
use crate::user_op::split_segments;

/// `isValidSignature(hash, signature) returns (bytes4)`.
pub fn is_valid_signature<H: Host>(host: &H, args: &AbiReader<'_>) -> Result<Vec<u8>, Vec<u8>> {
    let hash = args.b256(0).or_revert()?;
    let signature = args.dyn_bytes(1).or_revert()?;
    let [options, e0, e1, e2, e3, segments @ ..] = signature else {
        return Err(module_kit::errors::calldata(CalldataError::TooShort));
    };
    if options & 0x04 != 0 {
        return Err(AbiWriter::new(1)
            .uint((*options).into())
            .finish_with_selector(UNSUPPORTED_OPTIONS));
    }
    let entity_id = u32::from_be_bytes([*e0, *e1, *e2, *e3]);
    let validation = load_validation(host, entity_id);
    let sender = host.msg_sender();
    let (hook_segments, validation_signature) =
        split_segments(segments, validation.validation_hooks.into())?;
    for (i, segment) in hook_segments.iter().enumerate() {
        let hook = load_hook(host, true, entity_id, i as u8);
        let call_data = AbiWriter::new(4)
            .uint(hook.entity_id().into())
            .address(sender)
            .word(hash.0)
            .dyn_bytes(segment)
            .finish_with_selector(PRE_SIGNATURE_VALIDATION_HOOK);
        static_call(host, hook.module(), &call_data, ALL_GAS).map_err(|reason| {
            wrapped(PRE_SIGNATURE_HOOK_REVERTED, hook.module_entity(), &reason)
        })?;
    }
    let entity = module_entity(validation.module, entity_id);
    if validation.flags & FLAG_SIGNATURE == 0 {
        return Err(with_entity(SIGNATURE_VALIDATION_INVALID, entity));
    }
    let call_data = AbiWriter::new(5)
        .address(host.contract_address())
        .uint(entity_id.into())
        .address(sender)
        .word(hash.0)
        .dyn_bytes(validation_signature)
        .finish_with_selector(VALIDATE_SIGNATURE);
    let output = static_call(host, validation.module, &call_data, ALL_GAS)
        .map_err(|reason| wrapped(SIGNATURE_VALIDATION_REVERTED, entity, &reason))?;
    let valid = output.get(..4) == Some(&IS_VALID_SIGNATURE[..]);
    let answer = if valid {
        IS_VALID_SIGNATURE
    } else {
        ERC1271_INVALID
    };
    Ok(AbiWriter::new(1).bytes4(answer).finish())
}
