// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.20;

/// @title contract-allowlist permission module (Stylus Session Keys)
/// @notice An ERC-6900 v0.8 validation and execution hook: every call the
/// account makes (execute, each call of executeBatch, and the executeUserOp
/// forms) must go to a listed target; the account itself only if listed.
/// Install with `abi.encode(uint32 entityId, address[] targets)` (non-zero,
/// distinct); uninstall with `abi.encode(uint32 entityId)`. State is keyed
/// by (msg.sender, entityId).
/// Hand-written; a test checks it against the contract's Rust ABI.
interface IContractAllowlistModule {
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
    /// @notice A call goes to a target that is not listed.
    error TargetNotAllowed(address target);
    /// @notice The zero address cannot be listed.
    error InvalidTarget(address target);
    /// @notice The target is already listed.
    error DuplicateTarget(address target);
    /// @notice removeTarget of a target that is not listed.
    error TargetNotFound(address target);

    event TargetAdded(address indexed account, uint32 indexed entityId, address indexed target);
    event TargetRemoved(address indexed account, uint32 indexed entityId, address indexed target);

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
    function addTarget(uint32 entityId, address target) external;
    function removeTarget(uint32 entityId, address target) external;
    function isTargetAllowed(address account, uint32 entityId, address target) external view returns (bool);
    function getTargets(address account, uint32 entityId) external view returns (address[] memory);
}
