//! `execute`, `executeBatch` and `executeUserOp`.
//!
//! `execute` and `executeBatch` run for the EntryPoint and for the account
//! itself (which is how `executeUserOp` and, later, runtime validation reach
//! them); this account has no direct-call validations, so anyone else gets
//! `ValidationFunctionMissing`. `executeUserOp` runs the validation's
//! execution hooks with the account's whole `msg.data`, then
//! `userOp.callData[4:]`, then the post hooks in reverse. MAv2 runs that
//! inner call as a call to itself; for `execute` and `executeBatch`, what
//! session keys send, this account runs their calls in the same frame,
//! which is the same effect (the calls are made by the account, a revert
//! bubbles the same data) without a second entry into its program. Any
//! other inner function is still a self-call.

use alloc::vec::Vec;
use module_kit::errors::OrRevert;
use module_kit::Host;
use permission_core::abi::{encode_array, encode_bytes_body, AbiReader, AbiWriter};
use permission_core::calls::decode_execute_call;
use permission_core::selectors::{EXECUTE, EXECUTE_BATCH, POST_EXECUTION_HOOK, PRE_EXECUTION_HOOK};
use permission_core::user_op::PackedUserOpReader;
use permission_core::{Address, U256};

use crate::calls::{call, ALL_GAS};
use crate::errors::*;
use crate::storage::{load_hook, load_validation, HookConfig};
use crate::user_op::Locator;

/// Refuses callers other than the EntryPoint and the account itself.
pub fn require_native_caller<H: Host>(
    host: &H,
    entry_point: Address,
    selector: [u8; 4],
) -> Result<(), Vec<u8>> {
    let sender = host.msg_sender();
    if sender == entry_point || sender == host.contract_address() {
        Ok(())
    } else {
        Err(with_selector(VALIDATION_FUNCTION_MISSING, selector))
    }
}

/// Runs the calls of an `execute` or `executeBatch` call (`data` with its
/// selector), bubbling the first revert; returns each call's output.
pub fn run_calls<H: Host>(host: &H, data: &[u8]) -> Result<Vec<Vec<u8>>, Vec<u8>> {
    let mut outputs = Vec::new();
    for c in decode_execute_call(data).or_revert()? {
        let c = c.or_revert()?;
        outputs.push(call(host, c.target, c.value, c.data, ALL_GAS)?);
    }
    Ok(outputs)
}

/// `execute(target, value, data) returns (bytes)`.
pub fn execute<H: Host>(
    host: &H,
    entry_point: Address,
    input: &[u8],
    selector: [u8; 4],
) -> Result<Vec<u8>, Vec<u8>> {
    require_native_caller(host, entry_point, selector)?;
    let mut outputs = run_calls(host, input)?;
    if host.msg_sender() == entry_point {
        return Ok(Vec::new());
    }
    Ok(AbiWriter::new(1)
        .dyn_bytes(&outputs.pop().unwrap_or_default())
        .finish())
}

/// `executeBatch(calls) returns (bytes[])`.
pub fn execute_batch<H: Host>(
    host: &H,
    entry_point: Address,
    input: &[u8],
    selector: [u8; 4],
) -> Result<Vec<u8>, Vec<u8>> {
    require_native_caller(host, entry_point, selector)?;
    let outputs = run_calls(host, input)?;
    if host.msg_sender() == entry_point {
        return Ok(Vec::new());
    }
    let elements: Vec<Vec<u8>> = outputs.iter().map(|o| encode_bytes_body(o)).collect();
    Ok(AbiWriter::new(1)
        .dyn_encoded(&encode_array(&elements, true))
        .finish())
}

/// `executeUserOp(userOp, userOpHash)`.
pub fn execute_user_op<H: Host>(
    host: &H,
    entry_point: Address,
    input: &[u8],
    args: &AbiReader<'_>,
) -> Result<Vec<u8>, Vec<u8>> {
    if host.msg_sender() != entry_point {
        return Err(NOT_ENTRY_POINT.to_vec());
    }
    let user_op = PackedUserOpReader::new(args.offset(0).or_revert()?);
    let locator = Locator::from_nonce(user_op.nonce().or_revert()?);
    let validation = load_validation(host, locator.entity_id);

    let post = run_pre_execution_hooks(
        host,
        locator.entity_id,
        validation.execution_hooks,
        entry_point,
        U256::ZERO,
        input,
    )?;

    let call_data = user_op.call_data().or_revert()?;
    let inner = call_data.get(4..).unwrap_or_default();
    match inner.first_chunk::<4>() {
        Some(&EXECUTE) | Some(&EXECUTE_BATCH) => {
            run_calls(host, inner)?;
        }
        _ => {
            call(host, host.contract_address(), U256::ZERO, inner, ALL_GAS)?;
        }
    }

    run_post_execution_hooks(host, &post)?;
    Ok(Vec::new())
}

/// The pre execution hooks of validation `entity_id`, in install order;
/// returns each hook with the context its post hook gets.
pub fn run_pre_execution_hooks<H: Host>(
    host: &H,
    entity_id: u32,
    count: u8,
    sender: Address,
    value: U256,
    data: &[u8],
) -> Result<Vec<(HookConfig, Vec<u8>)>, Vec<u8>> {
    let mut post = Vec::with_capacity(count.into());
    for i in 0..count {
        let hook = load_hook(host, false, entity_id, i);
        let mut context = Vec::new();
        if hook.has_pre() {
            let call_data = AbiWriter::new(4)
                .uint(hook.entity_id().into())
                .address(sender)
                .u256(value)
                .dyn_bytes(data)
                .finish_with_selector(PRE_EXECUTION_HOOK);
            let output = call(host, hook.module(), U256::ZERO, &call_data, ALL_GAS)
                .map_err(|reason| wrapped(PRE_EXEC_HOOK_REVERTED, hook.module_entity(), &reason))?;
            context = strict_bytes(&output)
                .ok_or_else(|| wrapped(PRE_EXEC_HOOK_REVERTED, hook.module_entity(), &output))?
                .to_vec();
        }
        post.push((hook, context));
    }
    Ok(post)
}

/// A pre execution hook's `bytes` return value, read as MAv2 v2.0.x reads
/// it (`ExecutionLib.invokePreExecHook`): at least two words, the offset
/// exactly `0x20`, and a length that fits in what follows. Anything else
/// (another offset, a short answer, a length past the end) is `None`.
fn strict_bytes(output: &[u8]) -> Option<&[u8]> {
    let (offset, rest) = output.split_first_chunk::<32>()?;
    let (length, body) = rest.split_first_chunk::<32>()?;
    if U256::from_be_bytes(*offset) != U256::from(0x20) {
        return None;
    }
    let length = usize::try_from(U256::from_be_bytes(*length)).ok()?;
    body.get(..length)
}

/// The post execution hooks, in reverse order of the pre hooks.
pub fn run_post_execution_hooks<H: Host>(
    host: &H,
    post: &[(HookConfig, Vec<u8>)],
) -> Result<(), Vec<u8>> {
    for (hook, context) in post.iter().rev() {
        if hook.has_post() {
            let data = AbiWriter::new(2)
                .uint(hook.entity_id().into())
                .dyn_bytes(context)
                .finish_with_selector(POST_EXECUTION_HOOK);
            call(host, hook.module(), U256::ZERO, &data, ALL_GAS).map_err(|reason| {
                wrapped(POST_EXEC_HOOK_REVERTED, hook.module_entity(), &reason)
            })?;
        }
    }
    Ok(())
}
