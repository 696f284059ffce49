//! `executeWithRuntimeValidation(bytes data, bytes authorization)`: a call
//! authorized by a validation without the EntryPoint (e.g. the owner's EOA
//! calling its account directly).
//!
//! `authorization = options(1) ‖ entityId(4) ‖ segments`, the segments laid
//! out as in a user operation's signature (the last one, after `0xFF`, goes
//! to the validation module). The call must be one the validation may make
//! (global if `options & 0x01`; the deferred-action bit 0x02 is ignored, as
//! MAv2 ignores it here); then the pre-runtime validation hooks run in
//! install order, `validateRuntime` (refused for a module without code),
//! the execution hooks, the account calls itself with `data` and
//! `msg.value`, and the post hooks run.

use alloc::vec::Vec;
use module_kit::errors::OrRevert;
use module_kit::Host;
use permission_core::abi::{padded_selector, AbiReader, AbiWriter};
use permission_core::selectors::{PRE_RUNTIME_VALIDATION_HOOK, VALIDATE_RUNTIME};
use permission_core::{CalldataError, U256};

use crate::calls::{call, ALL_GAS};
use crate::errors::*;
use crate::execution::{run_post_execution_hooks, run_pre_execution_hooks};
use crate::permissions::check_applies;
use crate::storage::{load_hook, load_validation};
use crate::user_op::split_segments;

/// `executeWithRuntimeValidation(data, authorization) returns (bytes)`.
pub fn execute_with_runtime_validation<H: Host>(
    host: &H,
    args: &AbiReader<'_>,
) -> Result<Vec<u8>, Vec<u8>> {
    let data = args.dyn_bytes(0).or_revert()?;
    let authorization = args.dyn_bytes(1).or_revert()?;
    let [options, e0, e1, e2, e3, segments @ ..] = authorization else {
        return Err(module_kit::errors::calldata(CalldataError::TooShort));
    };
    // As MAv2's `ValidationLocatorLib.loadFromSignature`: only the global
    // bit (0x01) and the direct-call tag (0x04) mean anything here; the
    // deferred-action bit (0x02) and the unused bits are ignored. Direct-call
    // validations are not supported by this account.
    if options & 0x04 != 0 {
        return Err(AbiWriter::new(1)
            .uint((*options).into())
            .finish_with_selector(UNSUPPORTED_OPTIONS));
    }
    let entity_id = u32::from_be_bytes([*e0, *e1, *e2, *e3]);
    let account = host.contract_address();
    let sender = host.msg_sender();
    let value = host.msg_value();
    let validation = load_validation(host, entity_id);
    let first_hook = check_applies(
        host,
        account,
        entity_id,
        &validation,
        options & 0x01 != 0,
        data,
    )?;

    let (hook_segments, validation_authorization) =
        split_segments(segments, validation.validation_hooks.into())?;
    for (i, segment) in hook_segments.iter().enumerate() {
        let hook = match first_hook {
            Some(hook) if i == 0 => hook,
            _ => load_hook(host, true, entity_id, i as u8),
        };
        let call_data = AbiWriter::new(5)
            .uint(hook.entity_id().into())
            .address(sender)
            .u256(value)
            .dyn_bytes(data)
            .dyn_bytes(segment)
            .finish_with_selector(PRE_RUNTIME_VALIDATION_HOOK);
        call(host, hook.module(), U256::ZERO, &call_data, ALL_GAS)
            .map_err(|reason| wrapped(PRE_RUNTIME_HOOK_REVERTED, hook.module_entity(), &reason))?;
    }
    let module_entity = module_entity(validation.module, entity_id);
    if validation.module.is_zero() {
        return Err(with_selector(
            VALIDATION_FUNCTION_MISSING,
            padded_selector(data),
        ));
    }
    // As MAv2 (`ExecutionLib.invokeRuntimeCallBufferValidation`):
    // `validateRuntime` returns nothing, so a module without code would
    // authorize every call; it is refused (MAv2 reverts with empty data).
    if host.code_size(validation.module) == 0 {
        return Err(with_address(MODULE_CODE_MISSING, validation.module));
    }
    let call_data = AbiWriter::new(6)
        .address(account)
        .uint(entity_id.into())
        .address(sender)
        .u256(value)
        .dyn_bytes(data)
        .dyn_bytes(validation_authorization)
        .finish_with_selector(VALIDATE_RUNTIME);
    call(host, validation.module, U256::ZERO, &call_data, ALL_GAS)
        .map_err(|reason| wrapped(RUNTIME_VALIDATION_REVERTED, module_entity, &reason))?;

    let post = run_pre_execution_hooks(
        host,
        entity_id,
        validation.execution_hooks,
        sender,
        value,
        data,
    )?;
    let output = call(host, account, value, data, ALL_GAS)?;
    run_post_execution_hooks(host, &post)?;
    Ok(AbiWriter::new(1).dyn_bytes(&output).finish())
}
