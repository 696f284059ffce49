//! Function selectors, event topics and ERC-165 interface ids.
//!
//! Every value is computed from its Solidity signature at compile time, so a
//! typo in a hex literal cannot creep in; the tests recompute them with alloy
//! and compare them with the table in `shared/design/erc6900-mav2.md`.

use keccak_const::Keccak256;

/// The keccak256 hash of `signature`, computed at compile time.
pub const fn keccak(signature: &str) -> [u8; 32] {
    Keccak256::new().update(signature.as_bytes()).finalize()
}

/// The 4-byte selector of a function or error `signature`.
pub const fn selector(signature: &str) -> [u8; 4] {
    let hash = keccak(signature);
    [hash[0], hash[1], hash[2], hash[3]]
}

/// XOR of selectors: how Solidity computes `type(I).interfaceId`.
pub const fn interface_id(selectors: &[[u8; 4]]) -> [u8; 4] {
    let mut id = [0u8; 4];
    let mut i = 0;
    while i < selectors.len() {
        let mut b = 0;
        while b < 4 {
            id[b] ^= selectors[i][b];
            b += 1;
        }
        i += 1;
    }
    id
}

/// The ABI type of `PackedUserOperation` (EntryPoint v0.7) in a signature.
macro_rules! packed_user_op {
    () => {
        "(address,uint256,bytes,bytes,bytes32,uint256,bytes32,bytes,bytes)"
    };
}

// ---- IERC165 and IModule ----
/// `supportsInterface(bytes4)`.
pub const SUPPORTS_INTERFACE: [u8; 4] = selector("supportsInterface(bytes4)");
/// `onInstall(bytes)`.
pub const ON_INSTALL: [u8; 4] = selector("onInstall(bytes)");
/// `onUninstall(bytes)`.
pub const ON_UNINSTALL: [u8; 4] = selector("onUninstall(bytes)");
/// `moduleId()`.
pub const MODULE_ID: [u8; 4] = selector("moduleId()");

// ---- IValidationHookModule ----
/// `preUserOpValidationHook(uint32,PackedUserOperation,bytes32)`.
pub const PRE_USER_OP_VALIDATION_HOOK: [u8; 4] = selector(concat!(
    "preUserOpValidationHook(uint32,",
    packed_user_op!(),
    ",bytes32)"
));
/// `preRuntimeValidationHook(uint32,address,uint256,bytes,bytes)`.
pub const PRE_RUNTIME_VALIDATION_HOOK: [u8; 4] =
    selector("preRuntimeValidationHook(uint32,address,uint256,bytes,bytes)");
/// `preSignatureValidationHook(uint32,address,bytes32,bytes)`.
pub const PRE_SIGNATURE_VALIDATION_HOOK: [u8; 4] =
    selector("preSignatureValidationHook(uint32,address,bytes32,bytes)");

// ---- IExecutionHookModule ----
/// `preExecutionHook(uint32,address,uint256,bytes)`.
pub const PRE_EXECUTION_HOOK: [u8; 4] = selector("preExecutionHook(uint32,address,uint256,bytes)");
/// `postExecutionHook(uint32,bytes)`.
pub const POST_EXECUTION_HOOK: [u8; 4] = selector("postExecutionHook(uint32,bytes)");

// ---- IValidationModule ----
/// `validateUserOp(uint32,PackedUserOperation,bytes32)`.
pub const VALIDATE_USER_OP: [u8; 4] = selector(concat!(
    "validateUserOp(uint32,",
    packed_user_op!(),
    ",bytes32)"
));
/// `validateRuntime(address,uint32,address,uint256,bytes,bytes)`.
pub const VALIDATE_RUNTIME: [u8; 4] =
    selector("validateRuntime(address,uint32,address,uint256,bytes,bytes)");
/// `validateSignature(address,uint32,address,bytes32,bytes)`.
pub const VALIDATE_SIGNATURE: [u8; 4] =
    selector("validateSignature(address,uint32,address,bytes32,bytes)");

// ---- ERC-165 interface ids ----
/// `type(IERC165).interfaceId`.
pub const IERC165_ID: [u8; 4] = interface_id(&[SUPPORTS_INTERFACE]);
/// `type(IModule).interfaceId`.
pub const IMODULE_ID: [u8; 4] = interface_id(&[ON_INSTALL, ON_UNINSTALL, MODULE_ID]);
/// `type(IValidationHookModule).interfaceId`.
pub const IVALIDATION_HOOK_MODULE_ID: [u8; 4] = interface_id(&[
    PRE_USER_OP_VALIDATION_HOOK,
    PRE_RUNTIME_VALIDATION_HOOK,
    PRE_SIGNATURE_VALIDATION_HOOK,
]);
/// `type(IValidationModule).interfaceId`.
pub const IVALIDATION_MODULE_ID: [u8; 4] =
    interface_id(&[VALIDATE_USER_OP, VALIDATE_RUNTIME, VALIDATE_SIGNATURE]);
/// `type(IExecutionHookModule).interfaceId`.
pub const IEXECUTION_HOOK_MODULE_ID: [u8; 4] =
    interface_id(&[PRE_EXECUTION_HOOK, POST_EXECUTION_HOOK]);

// ---- Account functions (MAv2) ----
/// `execute(address,uint256,bytes)`.
pub const EXECUTE: [u8; 4] = selector("execute(address,uint256,bytes)");
/// `executeBatch((address,uint256,bytes)[])`.
pub const EXECUTE_BATCH: [u8; 4] = selector("executeBatch((address,uint256,bytes)[])");
/// `executeUserOp(PackedUserOperation,bytes32)`.
pub const EXECUTE_USER_OP: [u8; 4] =
    selector(concat!("executeUserOp(", packed_user_op!(), ",bytes32)"));
/// `executeWithRuntimeValidation(bytes,bytes)`.
pub const EXECUTE_WITH_RUNTIME_VALIDATION: [u8; 4] =
    selector("executeWithRuntimeValidation(bytes,bytes)");
/// `installValidation(bytes25,bytes4[],bytes,bytes[])`.
pub const INSTALL_VALIDATION: [u8; 4] =
    selector("installValidation(bytes25,bytes4[],bytes,bytes[])");
/// `uninstallValidation(bytes24,bytes,bytes[])`.
pub const UNINSTALL_VALIDATION: [u8; 4] = selector("uninstallValidation(bytes24,bytes,bytes[])");
/// `installExecution(address,ExecutionManifest,bytes)`.
pub const INSTALL_EXECUTION: [u8; 4] = selector(
    "installExecution(address,((bytes4,bool,bool)[],(bytes4,uint32,bool,bool)[],bytes4[]),bytes)",
);
/// `uninstallExecution(address,ExecutionManifest,bytes)`.
pub const UNINSTALL_EXECUTION: [u8; 4] = selector(
    "uninstallExecution(address,((bytes4,bool,bool)[],(bytes4,uint32,bool,bool)[],bytes4[]),bytes)",
);
/// `performCreate(uint256,bytes,bool,bytes32)`.
pub const PERFORM_CREATE: [u8; 4] = selector("performCreate(uint256,bytes,bool,bytes32)");
/// `upgradeToAndCall(address,bytes)`.
pub const UPGRADE_TO_AND_CALL: [u8; 4] = selector("upgradeToAndCall(address,bytes)");

/// Account functions a session key must never reach through a permission:
/// they change the account's validations, code or execution routing, or run
/// calls that would escape the hooks' view.
pub const PRIVILEGED_ACCOUNT_SELECTORS: [[u8; 4]; 10] = [
    EXECUTE,
    EXECUTE_BATCH,
    EXECUTE_USER_OP,
    EXECUTE_WITH_RUNTIME_VALIDATION,
    INSTALL_VALIDATION,
    UNINSTALL_VALIDATION,
    INSTALL_EXECUTION,
    UNINSTALL_EXECUTION,
    PERFORM_CREATE,
    UPGRADE_TO_AND_CALL,
];

/// Whether `selector` is one of [`PRIVILEGED_ACCOUNT_SELECTORS`].
pub fn is_privileged_account_selector(selector: [u8; 4]) -> bool {
    PRIVILEGED_ACCOUNT_SELECTORS.contains(&selector)
}

/// Functions that change a key's own restrictions or move the account's
/// EntryPoint deposit when the account calls them: `onInstall` and
/// `onUninstall` of any module, the admin functions of this project's
/// modules (each takes its caller, the account, as the admin of the key's
/// state), the EntryPoint's withdrawals, and its deposits (`depositTo` and
/// `addStake` move the account's coin into a deposit or stake the key could
/// name as its own). A rule for *any contract* must
/// never allow them (selector-allowlist refuses it); naming a module or the
/// EntryPoint as a target is refused by the SDK, which knows their
/// addresses.
pub const SELF_ADMIN_SIGNATURES: [&str; 18] = [
    "onInstall(bytes)",
    "onUninstall(bytes)",
    "addTarget(uint32,address)",
    "removeTarget(uint32,address)",
    "addRule(uint32,address,bytes4)",
    "removeRule(uint32,address,bytes4)",
    "setTimeWindow(uint32,uint48,uint48)",
    "setSpendLimit(uint32,address,uint256,uint48)",
    "removeSpendLimit(uint32,address)",
    "setGasBudget(uint32,bool,uint256)",
    "setUsageLimit(uint32,uint8,uint32,uint32,uint32)",
    "transferSigner(uint32,address)",
    "setPasskey(uint32,uint256,uint256)",
    "withdrawTo(address,uint256)",
    "withdrawStake(address)",
    "unlockStake()",
    "depositTo(address)",
    "addStake(uint32)",
];

/// The selectors of [`SELF_ADMIN_SIGNATURES`], in the same order (a
/// separate array, so contracts carry 72 bytes and no strings).
pub const SELF_ADMIN_SELECTORS: [[u8; 4]; 18] = {
    let mut out = [[0u8; 4]; 18];
    let mut i = 0;
    while i < out.len() {
        out[i] = selector(SELF_ADMIN_SIGNATURES[i]);
        i += 1;
    }
    out
};

/// Whether `selector` is one of [`SELF_ADMIN_SELECTORS`].
pub fn is_self_admin_selector(selector: [u8; 4]) -> bool {
    SELF_ADMIN_SELECTORS.contains(&selector)
}

// ---- ERC-1271 ----
/// `isValidSignature(bytes32,bytes)`, also its "valid" magic value.
pub const IS_VALID_SIGNATURE: [u8; 4] = selector("isValidSignature(bytes32,bytes)");
/// ERC-1271's "invalid" answer.
pub const ERC1271_INVALID: [u8; 4] = [0xFF; 4];

// ---- ERC-20 ----
/// `transfer(address,uint256)`.
pub const ERC20_TRANSFER: [u8; 4] = selector("transfer(address,uint256)");
/// `approve(address,uint256)`.
pub const ERC20_APPROVE: [u8; 4] = selector("approve(address,uint256)");
/// `increaseAllowance(address,uint256)` (OpenZeppelin 4.x extension).
pub const ERC20_INCREASE_ALLOWANCE: [u8; 4] = selector("increaseAllowance(address,uint256)");
