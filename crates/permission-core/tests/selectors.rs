//! Every selector and interface id of `permission_core::selectors`, checked
//! twice: recomputed by alloy's `sol!` from the ERC-6900 v0.8 / MAv2
//! interfaces, and compared with the literal hex of the design note
//! (`shared/design/erc6900-mav2.md`).

use alloy_primitives::keccak256;
use alloy_sol_types::{sol, SolCall};
use permission_core::selectors::{self as s, interface_id, is_privileged_account_selector};

sol! {
    struct PackedUserOperation {
        address sender;
        uint256 nonce;
        bytes initCode;
        bytes callData;
        bytes32 accountGasLimits;
        uint256 preVerificationGas;
        bytes32 gasFees;
        bytes paymasterAndData;
        bytes signature;
    }

    struct Call {
        address target;
        uint256 value;
        bytes data;
    }

    struct ManifestExecutionFunction {
        bytes4 executionSelector;
        bool skipRuntimeValidation;
        bool allowGlobalValidation;
    }

    struct ManifestExecutionHook {
        bytes4 executionSelector;
        uint32 entityId;
        bool isPreHook;
        bool isPostHook;
    }

    struct ExecutionManifest {
        ManifestExecutionFunction[] executionFunctions;
        ManifestExecutionHook[] executionHooks;
        bytes4[] interfaceIds;
    }

    interface IERC165 {
        function supportsInterface(bytes4 interfaceId) external view returns (bool);
    }

    interface IModule {
        function onInstall(bytes calldata data) external;
        function onUninstall(bytes calldata data) external;
        function moduleId() external view returns (string memory);
    }

    interface IValidationHookModule {
        function preUserOpValidationHook(uint32 entityId, PackedUserOperation calldata userOp, bytes32 userOpHash)
            external returns (uint256);
        function preRuntimeValidationHook(
            uint32 entityId,
            address sender,
            uint256 value,
            bytes calldata data,
            bytes calldata authorization
        ) external;
        function preSignatureValidationHook(uint32 entityId, address sender, bytes32 hash, bytes calldata signature)
            external view;
    }

    interface IExecutionHookModule {
        function preExecutionHook(uint32 entityId, address sender, uint256 value, bytes calldata data)
            external returns (bytes memory);
        function postExecutionHook(uint32 entityId, bytes calldata preExecHookData) external;
    }

    interface IValidationModule {
        function validateUserOp(uint32 entityId, PackedUserOperation calldata userOp, bytes32 userOpHash)
            external returns (uint256);
        function validateRuntime(
            address account,
            uint32 entityId,
            address sender,
            uint256 value,
            bytes calldata data,
            bytes calldata authorization
        ) external;
        function validateSignature(address account, uint32 entityId, address sender, bytes32 hash, bytes calldata signature)
            external view returns (bytes4);
    }

    interface IModularAccount {
        function execute(address target, uint256 value, bytes calldata data) external payable returns (bytes memory);
        function executeBatch(Call[] calldata calls) external payable returns (bytes[] memory);
        function executeWithRuntimeValidation(bytes calldata data, bytes calldata authorization)
            external payable returns (bytes memory);
        function installExecution(address module, ExecutionManifest calldata manifest, bytes calldata installData)
            external;
        function uninstallExecution(address module, ExecutionManifest calldata manifest, bytes calldata uninstallData)
            external;
        function installValidation(
            bytes25 validationConfig,
            bytes4[] calldata selectors,
            bytes calldata installData,
            bytes[] calldata hooks
        ) external;
        function uninstallValidation(bytes24 validationFunction, bytes calldata uninstallData, bytes[] calldata hookUninstallData)
            external;
    }

    interface IAccountExecute {
        function executeUserOp(PackedUserOperation calldata userOp, bytes32 userOpHash) external;
    }

    interface IModularAccountBase {
        function performCreate(uint256 value, bytes calldata initCode, bool isCreate2, bytes32 salt)
            external payable returns (address createdAddr);
    }

    interface IERC1822Upgrade {
        function upgradeToAndCall(address newImplementation, bytes calldata data) external payable;
    }

    interface IERC20 {
        function transfer(address to, uint256 amount) external returns (bool);
        function approve(address spender, uint256 amount) external returns (bool);
        function transferFrom(address from, address to, uint256 amount) external returns (bool);
        function increaseAllowance(address spender, uint256 addedValue) external returns (bool);
    }
}

/// Parses a `0x`-prefixed 4-byte hex literal copied from the design note.
fn hex4(s: &str) -> [u8; 4] {
    let v = hex::decode(s.strip_prefix("0x").expect("0x prefix")).expect("hex");
    v.try_into().expect("4 bytes")
}

/// XOR of alloy's selectors: Solidity's `type(I).interfaceId`.
fn xor_all(selectors: &[[u8; 4]]) -> [u8; 4] {
    selectors.iter().fold([0u8; 4], |mut acc, sel| {
        for (a, b) in acc.iter_mut().zip(sel) {
            *a ^= b;
        }
        acc
    })
}

/// One row: the crate's value, alloy's, and the design note's literal.
fn check(name: &str, ours: [u8; 4], alloy: [u8; 4], note: &str) {
    assert_eq!(ours, alloy, "{name}: crate vs alloy");
    assert_eq!(alloy, hex4(note), "{name}: alloy vs design note {note}");
}

#[test]
fn ierc165_and_imodule_selectors() {
    check(
        "supportsInterface",
        s::SUPPORTS_INTERFACE,
        IERC165::supportsInterfaceCall::SELECTOR,
        "0x01ffc9a7",
    );
    check(
        "onInstall",
        s::ON_INSTALL,
        IModule::onInstallCall::SELECTOR,
        "0x6d61fe70",
    );
    check(
        "onUninstall",
        s::ON_UNINSTALL,
        IModule::onUninstallCall::SELECTOR,
        "0x8a91b0e3",
    );
    check(
        "moduleId",
        s::MODULE_ID,
        IModule::moduleIdCall::SELECTOR,
        "0xa1308f27",
    );
}

#[test]
fn validation_hook_selectors() {
    check(
        "preUserOpValidationHook",
        s::PRE_USER_OP_VALIDATION_HOOK,
        IValidationHookModule::preUserOpValidationHookCall::SELECTOR,
        "0x2a3d428c",
    );
    check(
        "preRuntimeValidationHook",
        s::PRE_RUNTIME_VALIDATION_HOOK,
        IValidationHookModule::preRuntimeValidationHookCall::SELECTOR,
        "0x3d6bda32",
    );
    check(
        "preSignatureValidationHook",
        s::PRE_SIGNATURE_VALIDATION_HOOK,
        IValidationHookModule::preSignatureValidationHookCall::SELECTOR,
        "0x3f41826e",
    );
}

#[test]
fn execution_hook_selectors() {
    check(
        "preExecutionHook",
        s::PRE_EXECUTION_HOOK,
        IExecutionHookModule::preExecutionHookCall::SELECTOR,
        "0xed6dfb13",
    );
    check(
        "postExecutionHook",
        s::POST_EXECUTION_HOOK,
        IExecutionHookModule::postExecutionHookCall::SELECTOR,
        "0x5d413a81",
    );
}

#[test]
fn interface_ids_are_xor_of_alloy_selectors() {
    check(
        "IERC165",
        s::IERC165_ID,
        xor_all(IERC165::IERC165Calls::SELECTORS),
        "0x01ffc9a7",
    );
    check(
        "IModule",
        s::IMODULE_ID,
        xor_all(IModule::IModuleCalls::SELECTORS),
        "0x46c0c1b4",
    );
    check(
        "IValidationHookModule",
        s::IVALIDATION_HOOK_MODULE_ID,
        xor_all(IValidationHookModule::IValidationHookModuleCalls::SELECTORS),
        "0x28171ad0",
    );
    check(
        "IExecutionHookModule",
        s::IEXECUTION_HOOK_MODULE_ID,
        xor_all(IExecutionHookModule::IExecutionHookModuleCalls::SELECTORS),
        "0xb02cc192",
    );
}

#[test]
fn interface_ids_have_the_expected_number_of_functions() {
    // Guards the XOR above: a missing function in a `sol!` interface would
    // silently change the id.
    assert_eq!(IERC165::IERC165Calls::SELECTORS.len(), 1);
    assert_eq!(IModule::IModuleCalls::SELECTORS.len(), 3);
    assert_eq!(
        IValidationHookModule::IValidationHookModuleCalls::SELECTORS.len(),
        3
    );
    assert_eq!(
        IExecutionHookModule::IExecutionHookModuleCalls::SELECTORS.len(),
        2
    );
    assert_eq!(
        IValidationModule::IValidationModuleCalls::SELECTORS.len(),
        3
    );
}

/// IValidationModule is not in the crate (permission modules are hooks, not
/// validations), but the design note lists it: check the note against alloy.
#[test]
fn design_note_ivalidation_module_matches_alloy() {
    assert_eq!(
        IValidationModule::validateUserOpCall::SELECTOR,
        hex4("0x0ab8785f")
    );
    assert_eq!(
        IValidationModule::validateRuntimeCall::SELECTOR,
        hex4("0x465d33e0")
    );
    assert_eq!(
        IValidationModule::validateSignatureCall::SELECTOR,
        hex4("0xe7db7f7e")
    );
    assert_eq!(
        xor_all(IValidationModule::IValidationModuleCalls::SELECTORS),
        hex4("0xab3e34c1")
    );
}

#[test]
fn account_function_selectors() {
    check(
        "execute",
        s::EXECUTE,
        IModularAccount::executeCall::SELECTOR,
        "0xb61d27f6",
    );
    check(
        "executeBatch",
        s::EXECUTE_BATCH,
        IModularAccount::executeBatchCall::SELECTOR,
        "0x34fcd5be",
    );
    check(
        "executeUserOp",
        s::EXECUTE_USER_OP,
        IAccountExecute::executeUserOpCall::SELECTOR,
        "0x8dd7712f",
    );
    check(
        "executeWithRuntimeValidation",
        s::EXECUTE_WITH_RUNTIME_VALIDATION,
        IModularAccount::executeWithRuntimeValidationCall::SELECTOR,
        "0xf2680c0f",
    );
    check(
        "installValidation",
        s::INSTALL_VALIDATION,
        IModularAccount::installValidationCall::SELECTOR,
        "0x1bbf564c",
    );
    check(
        "installExecution",
        s::INSTALL_EXECUTION,
        IModularAccount::installExecutionCall::SELECTOR,
        "0x001a63e9",
    );
    check(
        "uninstallExecution",
        s::UNINSTALL_EXECUTION,
        IModularAccount::uninstallExecutionCall::SELECTOR,
        "0x93b1dc61",
    );
    check(
        "performCreate",
        s::PERFORM_CREATE,
        IModularAccountBase::performCreateCall::SELECTOR,
        "0x5998db5c",
    );
    check(
        "upgradeToAndCall",
        s::UPGRADE_TO_AND_CALL,
        IERC1822Upgrade::upgradeToAndCallCall::SELECTOR,
        "0x4f1ef286",
    );
}

/// ERC-6900 v0.8: `uninstallValidation(ModuleEntity, bytes, bytes[])` where
/// `type ModuleEntity is bytes24` (only `ValidationConfig`/`HookConfig` are
/// bytes25). The design note's hex (0xb6b1ccfe) is that signature's selector;
/// its text (`bytes25`) is a typo that the crate copied.
#[test]
fn design_note_uninstall_validation_hex_is_the_bytes24_signature() {
    assert_eq!(
        IModularAccount::uninstallValidationCall::SELECTOR,
        hex4("0xb6b1ccfe")
    );
    assert_eq!(
        s::selector("uninstallValidation(bytes24,bytes,bytes[])"),
        hex4("0xb6b1ccfe")
    );
    // What the bytes25 text of the note would give instead.
    assert_eq!(
        s::selector("uninstallValidation(bytes25,bytes,bytes[])"),
        hex4("0x7b2c4168")
    );
}

#[test]
fn uninstall_validation_selector() {
    check(
        "uninstallValidation",
        s::UNINSTALL_VALIDATION,
        IModularAccount::uninstallValidationCall::SELECTOR,
        "0xb6b1ccfe",
    );
}

#[test]
fn uninstall_validation_is_privileged() {
    assert!(is_privileged_account_selector(
        IModularAccount::uninstallValidationCall::SELECTOR
    ));
    assert!(s::PRIVILEGED_ACCOUNT_SELECTORS.contains(&hex4("0xb6b1ccfe")));
}

/// The design note has no ERC-20 table; these are the well-known values.
#[test]
fn erc20_selectors() {
    check(
        "transfer",
        s::ERC20_TRANSFER,
        IERC20::transferCall::SELECTOR,
        "0xa9059cbb",
    );
    check(
        "approve",
        s::ERC20_APPROVE,
        IERC20::approveCall::SELECTOR,
        "0x095ea7b3",
    );
    check(
        "increaseAllowance",
        s::ERC20_INCREASE_ALLOWANCE,
        IERC20::increaseAllowanceCall::SELECTOR,
        "0x39509351",
    );
    // Not exported by the crate, but must not collide with the ones it is.
    assert_eq!(IERC20::transferFromCall::SELECTOR, hex4("0x23b872dd"));
}

#[test]
fn const_keccak_and_selector_match_alloy() {
    for sig in [
        "",
        "transfer(address,uint256)",
        "executeUserOp((address,uint256,bytes,bytes,bytes32,uint256,bytes32,bytes,bytes),bytes32)",
        "a signature longer than one keccak rate block of 136 bytes ..........................................................................................",
    ] {
        assert_eq!(s::keccak(sig), keccak256(sig.as_bytes()).0, "{sig:?}");
        assert_eq!(s::selector(sig), keccak256(sig.as_bytes())[..4], "{sig:?}");
    }
}

#[test]
fn interface_id_helper() {
    assert_eq!(interface_id(&[]), [0; 4]);
    let a = hex4("0x12345678");
    let b = hex4("0xff00ff00");
    assert_eq!(interface_id(&[a]), a);
    assert_eq!(interface_id(&[a, b]), hex4("0xed34a978"));
    assert_eq!(interface_id(&[a, b, a]), b);
}

#[test]
fn privileged_selectors_are_exactly_the_account_functions() {
    let mut ours = s::PRIVILEGED_ACCOUNT_SELECTORS.to_vec();
    let mut theirs = privileged_from_alloy().to_vec();
    ours.sort();
    theirs.sort();
    assert_eq!(ours, theirs);
}

fn privileged_from_alloy() -> [[u8; 4]; 10] {
    [
        IModularAccount::executeCall::SELECTOR,
        IModularAccount::executeBatchCall::SELECTOR,
        IAccountExecute::executeUserOpCall::SELECTOR,
        IModularAccount::executeWithRuntimeValidationCall::SELECTOR,
        IModularAccount::installValidationCall::SELECTOR,
        IModularAccount::uninstallValidationCall::SELECTOR,
        IModularAccount::installExecutionCall::SELECTOR,
        IModularAccount::uninstallExecutionCall::SELECTOR,
        IModularAccountBase::performCreateCall::SELECTOR,
        IERC1822Upgrade::upgradeToAndCallCall::SELECTOR,
    ]
}

#[test]
fn privileged_selectors_cover_the_other_account_functions() {
    assert_eq!(s::PRIVILEGED_ACCOUNT_SELECTORS.len(), 10);
    for sel in privileged_from_alloy() {
        if sel == IModularAccount::uninstallValidationCall::SELECTOR {
            continue; // see `uninstall_validation_is_privileged`
        }
        assert!(is_privileged_account_selector(sel), "{sel:02x?}");
        assert!(s::PRIVILEGED_ACCOUNT_SELECTORS.contains(&sel), "{sel:02x?}");
    }
    for sel in [
        IERC20::transferCall::SELECTOR,
        IERC20::approveCall::SELECTOR,
        IERC20::transferFromCall::SELECTOR,
        IModule::onInstallCall::SELECTOR,
        [0; 4],
        [0xff; 4],
    ] {
        assert!(!is_privileged_account_selector(sel), "{sel:02x?}");
    }
}

#[test]
fn all_selectors_are_distinct() {
    let all = [
        s::SUPPORTS_INTERFACE,
        s::ON_INSTALL,
        s::ON_UNINSTALL,
        s::MODULE_ID,
        s::PRE_USER_OP_VALIDATION_HOOK,
        s::PRE_RUNTIME_VALIDATION_HOOK,
        s::PRE_SIGNATURE_VALIDATION_HOOK,
        s::PRE_EXECUTION_HOOK,
        s::POST_EXECUTION_HOOK,
        s::EXECUTE,
        s::EXECUTE_BATCH,
        s::EXECUTE_USER_OP,
        s::EXECUTE_WITH_RUNTIME_VALIDATION,
        s::INSTALL_VALIDATION,
        s::UNINSTALL_VALIDATION,
        s::INSTALL_EXECUTION,
        s::UNINSTALL_EXECUTION,
        s::PERFORM_CREATE,
        s::UPGRADE_TO_AND_CALL,
        s::ERC20_TRANSFER,
        s::ERC20_APPROVE,
        s::ERC20_INCREASE_ALLOWANCE,
    ];
    let mut sorted = all.to_vec();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), all.len());
}

#[test]
fn validation_module_selectors_match_the_design_table() {
    use permission_core::selectors as s;
    assert_eq!(s::VALIDATE_USER_OP, hex4("0x0ab8785f"));
    assert_eq!(s::VALIDATE_RUNTIME, hex4("0x465d33e0"));
    assert_eq!(s::VALIDATE_SIGNATURE, hex4("0xe7db7f7e"));
    assert_eq!(s::IVALIDATION_MODULE_ID, hex4("0xab3e34c1"));
    assert_eq!(s::IS_VALID_SIGNATURE, hex4("0x1626ba7e"));
}
