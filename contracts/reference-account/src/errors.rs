//! The account's errors, with MAv2's names and selectors.

use alloc::vec::Vec;
use permission_core::abi::AbiWriter;
use permission_core::selectors::selector;
use permission_core::Address;

/// `NotEntryPoint()`.
pub const NOT_ENTRY_POINT: [u8; 4] = selector("NotEntryPoint()");
/// `AlreadyInitialized()`.
pub const ALREADY_INITIALIZED: [u8; 4] = selector("AlreadyInitialized()");
/// `UnrecognizedFunction(bytes4)`.
pub const UNRECOGNIZED_FUNCTION: [u8; 4] = selector("UnrecognizedFunction(bytes4)");
/// `ValidationFunctionMissing(bytes4)`.
pub const VALIDATION_FUNCTION_MISSING: [u8; 4] = selector("ValidationFunctionMissing(bytes4)");
/// `SelfCallRecursionDepthExceeded()`.
pub const SELF_CALL_RECURSION: [u8; 4] = selector("SelfCallRecursionDepthExceeded()");
/// `RequireUserOperationContext()`.
pub const REQUIRE_USER_OP_CONTEXT: [u8; 4] = selector("RequireUserOperationContext()");
/// `SegmentOutOfOrder()`.
pub const SEGMENT_OUT_OF_ORDER: [u8; 4] = selector("SegmentOutOfOrder()");
/// `NonCanonicalEncoding()`.
pub const NON_CANONICAL_ENCODING: [u8; 4] = selector("NonCanonicalEncoding()");
/// `ValidationSignatureSegmentMissing()`.
pub const SIGNATURE_SEGMENT_MISSING: [u8; 4] = selector("ValidationSignatureSegmentMissing()");
/// `SignatureSegmentOutOfBounds()` (MAv2 reverts with empty data here).
pub const SIGNATURE_SEGMENT_OUT_OF_BOUNDS: [u8; 4] = selector("SignatureSegmentOutOfBounds()");
/// `UnsupportedValidationOptions(uint8)`: direct-call or deferred-action
/// validations, which this account does not implement.
pub const UNSUPPORTED_OPTIONS: [u8; 4] = selector("UnsupportedValidationOptions(uint8)");
/// `UserOpValidationInvalid(bytes24)`.
pub const USER_OP_VALIDATION_INVALID: [u8; 4] = selector("UserOpValidationInvalid(bytes24)");
/// `UnexpectedAggregator(bytes24,address)`.
pub const UNEXPECTED_AGGREGATOR: [u8; 4] = selector("UnexpectedAggregator(bytes24,address)");
/// `PreUserOpValidationHookReverted(bytes24,bytes)`.
pub const PRE_USER_OP_HOOK_REVERTED: [u8; 4] =
    selector("PreUserOpValidationHookReverted(bytes24,bytes)");
/// `UserOpValidationFunctionReverted(bytes24,bytes)`.
pub const USER_OP_VALIDATION_REVERTED: [u8; 4] =
    selector("UserOpValidationFunctionReverted(bytes24,bytes)");
/// `PreExecHookReverted(bytes24,bytes)`.
pub const PRE_EXEC_HOOK_REVERTED: [u8; 4] = selector("PreExecHookReverted(bytes24,bytes)");
/// `PostExecHookReverted(bytes24,bytes)`.
pub const POST_EXEC_HOOK_REVERTED: [u8; 4] = selector("PostExecHookReverted(bytes24,bytes)");
/// `ValidationEntityIdInUse()`.
pub const VALIDATION_ENTITY_ID_IN_USE: [u8; 4] = selector("ValidationEntityIdInUse()");
/// `ValidationAlreadySet(bytes4,bytes24)`.
pub const VALIDATION_ALREADY_SET: [u8; 4] = selector("ValidationAlreadySet(bytes4,bytes24)");
/// `ValidationAssocHookLimitExceeded()`.
pub const HOOK_LIMIT_EXCEEDED: [u8; 4] = selector("ValidationAssocHookLimitExceeded()");
/// `SelectorLimitExceeded()`: a validation already lists `2^32 - 1`
/// selectors (this account's; MAv2's selector sets have no limit).
pub const SELECTOR_LIMIT_EXCEEDED: [u8; 4] = selector("SelectorLimitExceeded()");
/// `PreValidationHookDuplicate()`.
pub const PRE_VALIDATION_HOOK_DUPLICATE: [u8; 4] = selector("PreValidationHookDuplicate()");
/// `ExecutionHookAlreadySet(bytes25)`.
pub const EXECUTION_HOOK_ALREADY_SET: [u8; 4] = selector("ExecutionHookAlreadySet(bytes25)");
/// `ModuleCodeMissing(address)`: `onUninstall` or `validateRuntime` for a
/// module with no code. MAv2 reverts in both places too (Solidity's
/// code-size check before a `try` call is not caught; its runtime call
/// buffer checks the code size itself), but with empty revert data.
pub const MODULE_CODE_MISSING: [u8; 4] = selector("ModuleCodeMissing(address)");
/// `ArrayLengthMismatch()`.
pub const ARRAY_LENGTH_MISMATCH: [u8; 4] = selector("ArrayLengthMismatch()");
/// `PreRuntimeValidationHookReverted(bytes24,bytes)`.
pub const PRE_RUNTIME_HOOK_REVERTED: [u8; 4] =
    selector("PreRuntimeValidationHookReverted(bytes24,bytes)");
/// `RuntimeValidationFunctionReverted(bytes24,bytes)`.
pub const RUNTIME_VALIDATION_REVERTED: [u8; 4] =
    selector("RuntimeValidationFunctionReverted(bytes24,bytes)");
/// `SignatureValidationInvalid(bytes24)`.
pub const SIGNATURE_VALIDATION_INVALID: [u8; 4] = selector("SignatureValidationInvalid(bytes24)");
/// `PreSignatureValidationHookReverted(bytes24,bytes)`.
pub const PRE_SIGNATURE_HOOK_REVERTED: [u8; 4] =
    selector("PreSignatureValidationHookReverted(bytes24,bytes)");
/// `SignatureValidationFunctionReverted(bytes24,bytes)`.
pub const SIGNATURE_VALIDATION_REVERTED: [u8; 4] =
    selector("SignatureValidationFunctionReverted(bytes24,bytes)");
/// `InterfaceNotSupported(address)`.
pub const INTERFACE_NOT_SUPPORTED: [u8; 4] = selector("InterfaceNotSupported(address)");
/// `ModuleInstallCallbackFailed(address,bytes)`.
pub const MODULE_INSTALL_CALLBACK_FAILED: [u8; 4] =
    selector("ModuleInstallCallbackFailed(address,bytes)");

/// An error with one `bytes4` argument.
pub fn with_selector(error: [u8; 4], selector: [u8; 4]) -> Vec<u8> {
    AbiWriter::new(1)
        .bytes4(selector)
        .finish_with_selector(error)
}

/// An error wrapping a module's revert data: `(bytes24 moduleEntity, bytes reason)`.
pub fn wrapped(error: [u8; 4], module_entity: [u8; 24], reason: &[u8]) -> Vec<u8> {
    let mut word = [0u8; 32];
    word[..24].copy_from_slice(&module_entity);
    AbiWriter::new(2)
        .word(word)
        .dyn_bytes(reason)
        .finish_with_selector(error)
}

/// An error with one `bytes24` argument.
pub fn with_entity(error: [u8; 4], module_entity: [u8; 24]) -> Vec<u8> {
    let mut word = [0u8; 32];
    word[..24].copy_from_slice(&module_entity);
    AbiWriter::new(1).word(word).finish_with_selector(error)
}

/// An error with one `address` argument.
pub fn with_address(error: [u8; 4], address: Address) -> Vec<u8> {
    AbiWriter::new(1)
        .address(address)
        .finish_with_selector(error)
}

/// `module ‖ entityId`.
pub fn module_entity(module: Address, entity_id: u32) -> [u8; 24] {
    let mut out = [0u8; 24];
    out[..20].copy_from_slice(module.as_slice());
    out[20..].copy_from_slice(&entity_id.to_be_bytes());
    out
}
