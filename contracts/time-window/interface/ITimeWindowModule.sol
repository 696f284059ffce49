// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.20;

/// @title time-window permission module (Stylus Session Keys)
/// @notice An ERC-6900 v0.8 validation and execution hook that limits a
/// session key to a time window. Install with
/// `abi.encode(uint32 entityId, uint48 validAfter, uint48 validUntil)`, both
/// bounds inclusive, `validUntil` 0 = no expiry. Uninstall with
/// `abi.encode(uint32 entityId)`. State is keyed by (msg.sender, entityId).
/// Hand-written; a test checks it against the contract's Rust ABI.
interface ITimeWindowModule {
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
    /// @notice validUntil is neither 0 nor greater than validAfter.
    error InvalidTimeWindow(uint48 validAfter, uint48 validUntil);
    /// @notice block.timestamp is outside [validAfter, validUntil].
    error OutsideTimeWindow(uint48 validAfter, uint48 validUntil, uint256 timestamp);

    event TimeWindowSet(address indexed account, uint32 indexed entityId, uint48 validAfter, uint48 validUntil);

    // ---- IERC165, IModule ----
    function supportsInterface(bytes4 interfaceId) external view returns (bool);
    function onInstall(bytes calldata data) external;
    function onUninstall(bytes calldata data) external;
    function moduleId() external view returns (string memory);

    // ---- IValidationHookModule ----
    /// @return validationData the window: validUntil in bits 160-207, validAfter in bits 208-255.
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
    /// @notice Replaces the caller's window for `entityId` (must be installed).
    function setTimeWindow(uint32 entityId, uint48 validAfter, uint48 validUntil) external;
    function getTimeWindow(address account, uint32 entityId)
        external
        view
        returns (bool installed, uint48 validAfter, uint48 validUntil);
}
