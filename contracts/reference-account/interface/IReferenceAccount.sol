// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.20;

/// @title Reference ERC-6900 v0.8 account (Stylus Session Keys)
/// @notice A Stylus account that follows Modular Account V2's conventions
/// (validation locator in the nonce, per-hook signature segments, hooks run
/// in install order, the executeUserOp prefix), so tests on it predict
/// behaviour on MAv2. For tests and demos; not a production wallet.
/// The EntryPoint is v0.7 at 0x0000000071727De22E5E9d8BAf0edAc6f37da032.
interface IReferenceAccount {
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

    /// @notice ERC-6900 v0.8 IModularAccountView's view of a function selector.
    struct ExecutionDataView {
        address module;
        bool skipRuntimeValidation;
        bool allowGlobalValidation;
        bytes25[] executionHooks;
    }

    /// @notice ERC-6900 v0.8 IModularAccountView's view of a validation. Hooks are HookConfigs
    /// (module(20) ‖ entityId(4) ‖ flags(1)); hooks and selectors are in install order.
    /// validationFlags: 4 = isGlobal, 2 = isSignatureValidation, 1 = isUserOpValidation (ERC-6900
    /// v0.8.0 final and MAv2 v2.0.x).
    struct ValidationDataView {
        uint8 validationFlags;
        bytes25[] validationHooks;
        bytes25[] executionHooks;
        bytes4[] selectors;
    }

    error NotEntryPoint();
    error AlreadyInitialized();
    error UnrecognizedFunction(bytes4 selector);
    error ValidationFunctionMissing(bytes4 selector);
    error SelfCallRecursionDepthExceeded();
    error RequireUserOperationContext();
    error SegmentOutOfOrder();
    error NonCanonicalEncoding();
    error ValidationSignatureSegmentMissing();
    error UnexpectedAggregator(bytes24 moduleEntity, address aggregator);
    error PreUserOpValidationHookReverted(bytes24 moduleEntity, bytes revertReason);
    error UserOpValidationFunctionReverted(bytes24 moduleEntity, bytes revertReason);
    error PreExecHookReverted(bytes24 moduleEntity, bytes revertReason);
    error ValidationEntityIdInUse();
    error InterfaceNotSupported(address module);
    error ModuleInstallCallbackFailed(address module, bytes revertReason);
    error PostExecHookReverted(bytes24 moduleEntity, bytes revertReason);
    error UserOpValidationInvalid(bytes24 moduleEntity);
    error ValidationAlreadySet(bytes4 selector, bytes24 moduleEntity);
    error ValidationAssocHookLimitExceeded();
    error PreValidationHookDuplicate();
    error ExecutionHookAlreadySet(bytes25 hookConfig);
    /// @notice A signature segment's length runs past the signature (MAv2 reverts with empty data).
    error SignatureSegmentOutOfBounds();
    /// @notice The nonce asks for a direct-call (0x04) or deferred-action (0x02) validation,
    /// which this account does not implement.
    error UnsupportedValidationOptions(uint8 options);
    /// @notice Malformed calldata (1 too short, 2 offset or 3 length out of bounds, 4 non-canonical).
    error MalformedCalldata(uint8 reason);
    /// @notice The validation already lists 2^32 - 1 selectors (this account's limit).
    error SelectorLimitExceeded();

    error ArrayLengthMismatch();
    error ModuleCodeMissing(address module);
    error ValueNotAccepted();
    error SignatureValidationInvalid(bytes24 moduleEntity);
    error PreSignatureValidationHookReverted(bytes24 moduleEntity, bytes revertReason);
    error SignatureValidationFunctionReverted(bytes24 moduleEntity, bytes revertReason);
    error PreRuntimeValidationHookReverted(bytes24 moduleEntity, bytes revertReason);
    error RuntimeValidationFunctionReverted(bytes24 moduleEntity, bytes revertReason);

    event ValidationInstalled(address indexed module, uint32 indexed entityId);
    event ValidationUninstalled(address indexed module, uint32 indexed entityId, bool onUninstallSucceeded);

    /// @notice One-time setup: installs the first validation (the owner's).
    function initialize(bytes25 validationConfig, bytes4[] calldata selectors, bytes calldata installData, bytes[] calldata hooks) external;
    function installValidation(bytes25 validationConfig, bytes4[] calldata selectors, bytes calldata installData, bytes[] calldata hooks) external;

    /// @notice hookUninstallData: empty, or one entry per hook, validation hooks first, in install order.
    function uninstallValidation(bytes24 moduleEntity, bytes calldata uninstallData, bytes[] calldata hookUninstallData)
        external;
    /// @notice authorization = options(1) ‖ entityId(4) ‖ hook segments ‖ 0xFF ‖ validation authorization.
    function executeWithRuntimeValidation(bytes calldata data, bytes calldata authorization)
        external
        payable
        returns (bytes memory);

    function validateUserOp(PackedUserOperation calldata userOp, bytes32 userOpHash, uint256 missingAccountFunds)
        external
        returns (uint256 validationData);
    function executeUserOp(PackedUserOperation calldata userOp, bytes32 userOpHash) external;
    function execute(address target, uint256 value, bytes calldata data) external payable returns (bytes memory);
    function executeBatch(Call[] calldata calls) external payable returns (bytes[] memory);

    /// @notice Plain value transfers fund the account (its EntryPoint prefund).
    receive() external payable;

    /// @notice ERC-1271. signature = options(1) ‖ entityId(4) ‖ hook segments ‖ 0xFF ‖ validation signature.
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4);
    /// @notice ERC-6900 IModularAccountView, as MAv2: the validation is found by the entityId alone
    /// (the module half is not checked); one not installed gives the empty view.
    function getValidationData(bytes24 validationFunction) external view returns (ValidationDataView memory);
    function entryPoint() external view returns (address);
    function accountId() external view returns (string memory);
    /// @notice ERC-6900 IModularAccountView, as MAv2 v2.0.x: a native function's module is the
    /// account; those a global validation may call have allowGlobalValidation, the other native
    /// functions skipRuntimeValidation; any other selector gives the zero view.
    function getExecutionData(bytes4 selector) external view returns (ExecutionDataView memory);
    /// @notice As MAv2 v2.0.x: true for IERC165, IERC721Receiver and IERC1155Receiver only.
    function supportsInterface(bytes4 interfaceId) external view returns (bool);

    /// @notice Token callbacks, as MAv2's TokenReceiver: every token is accepted.
    function onERC721Received(address operator, address from, uint256 tokenId, bytes calldata data)
        external
        pure
        returns (bytes4);
    function onERC1155Received(address operator, address from, uint256 id, uint256 value, bytes calldata data)
        external
        pure
        returns (bytes4);
    function onERC1155BatchReceived(
        address operator,
        address from,
        uint256[] calldata ids,
        uint256[] calldata values,
        bytes calldata data
    ) external pure returns (bytes4);
}
