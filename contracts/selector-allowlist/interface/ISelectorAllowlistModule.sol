// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.20;

/// @title selector-allowlist permission module (Stylus Session Keys)
/// @notice An ERC-6900 v0.8 validation and execution hook: every call the
/// account makes (execute, each call of executeBatch, and the executeUserOp
/// forms) must match a (target, selector) rule. Target 0 means any target
/// except the account itself. Selector 0x00000000 means a plain value
/// transfer (empty calldata); calldata starting with 0x00000000 is always
/// refused. Install with `abi.encode(uint32 entityId, (address,bytes4)[] rules)`;
/// uninstall with `abi.encode(uint32 entityId)`. State is keyed by
/// (msg.sender, entityId).
/// Hand-written; a test checks it against the contract's Rust ABI.
interface ISelectorAllowlistModule {
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

    struct SelectorRule {
        address target;
        bytes4 selector;
    }

    // ---- shared by every module ----
    error MalformedCalldata(uint8 reason);
    error UnsupportedCallForm(bytes4 selector);
    error UnsupportedFunction(bytes4 selector);
    error UnexpectedDataPassed();
    error NotInstalled(address account, uint32 entityId);
    error AlreadyInstalled(address account, uint32 entityId);
    error ValueNotAccepted();

    event ModuleInstalled(address indexed account, uint32 indexed entityId);
    event ModuleUninstalled(address indexed account, uint32 indexed entityId);

    // ---- this module ----
    /// @notice No rule allows this (target, selector); 0x00000000 = value transfer.
    error SelectorNotAllowed(address target, bytes4 selector);
    /// @notice A rule would let the key reach the account's privileged functions.
    error PrivilegedSelector(address target, bytes4 selector);
    /// @notice The rule already exists.
    error DuplicateRule(address target, bytes4 selector);
    /// @notice removeRule of a rule that does not exist.
    error RuleNotFound(address target, bytes4 selector);

    event RuleAdded(address indexed account, uint32 indexed entityId, address indexed target, bytes4 selector);
    event RuleRemoved(address indexed account, uint32 indexed entityId, address indexed target, bytes4 selector);

    // ---- IERC165, IModule ----
    function supportsInterface(bytes4 interfaceId) external view returns (bool);
    function onInstall(bytes calldata data) external;
    function onUninstall(bytes calldata data) external;
    function moduleId() external view returns (string memory);

    // ---- IValidationHookModule ----
    function preUserOpValidationHook(uint32 entityId, PackedUserOperation calldata userOp, bytes32 userOpHash)
        external
        returns (uint256 validationData);
    function preRuntimeValidationHook(
        uint32 entityId,
        address sender,
        uint256 value,
        bytes calldata data,
        bytes calldata authorization
    ) external;
    function preSignatureValidationHook(uint32 entityId, address sender, bytes32 hash, bytes calldata signature)
        external
        view;

    // ---- IExecutionHookModule ----
    function preExecutionHook(uint32 entityId, address sender, uint256 value, bytes calldata data)
        external
        returns (bytes memory);
    function postExecutionHook(uint32 entityId, bytes calldata preExecHookData) external;

    // ---- admin and views ----
    function addRule(uint32 entityId, address target, bytes4 selector) external;
    function removeRule(uint32 entityId, address target, bytes4 selector) external;
    function hasRule(address account, uint32 entityId, address target, bytes4 selector) external view returns (bool);
    /// @notice Whether the hooks would let the account call `target` with `data`.
    function isCallAllowed(address account, uint32 entityId, address target, bytes calldata data)
        external
        view
        returns (bool);
    function getRules(address account, uint32 entityId) external view returns (SelectorRule[] memory);
}
