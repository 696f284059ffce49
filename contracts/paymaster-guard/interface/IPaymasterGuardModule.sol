// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.20;

/// @title paymaster-guard permission module (Stylus Session Keys)
/// @notice An ERC-6900 v0.8 validation hook: a session key's user operations
/// must name one of the listed paymasters, or none when `allowSelfPaid`.
/// Install with `abi.encode(uint32 entityId, bool allowSelfPaid, address[]
/// paymasters)`. Uninstall with `abi.encode(uint32 entityId)`. State is keyed
/// by (msg.sender, entityId). Hand-written; a test checks it against the
/// contract's Rust ABI.
interface IPaymasterGuardModule {
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
    /// @notice The operation names another paymaster, or none (address(0))
    /// where the account may not pay.
    error PaymasterNotAllowed(address paymaster);
    /// @notice The zero address, or a paymaster listed twice.
    error InvalidPaymaster(address paymaster);
    /// @notice No paymaster listed and the account may not pay.
    error EmptyPaymasterGuard();

    event PaymasterGuardSet(address indexed account, uint32 indexed entityId, bool allowSelfPaid, address[] paymasters);

    // ---- IERC165, IModule ----
    function supportsInterface(bytes4 interfaceId) external view returns (bool);
    function onInstall(bytes calldata data) external;
    function onUninstall(bytes calldata data) external;
    function moduleId() external view returns (string memory);

    // ---- IValidationHookModule ----
    /// @return validationData 0: the guard bounds no time.
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

    // ---- views ----
    function getPaymasterGuard(address account, uint32 entityId)
        external
        view
        returns (bool installed, bool allowSelfPaid, address[] memory paymasters);
    /// @param paymaster address(0) asks whether the account may pay.
    function isPaymasterAllowed(address account, uint32 entityId, address paymaster) external view returns (bool);
}
