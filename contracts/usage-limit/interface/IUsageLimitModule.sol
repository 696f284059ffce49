// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.20;

/// @title usage-limit permission module (Stylus Session Keys)
/// @notice An ERC-6900 v0.8 validation and execution hook that limits how
/// many operations (unit 0) or calls (unit 1) a session key may make: over
/// its life, per period, or both. Install with `abi.encode(uint32 entityId,
/// uint8 unit, uint32 lifetimeLimit, uint32 periodLimit, uint32 period)`
/// (0 leaves a limit out; `period` is given exactly with `periodLimit`).
/// Uninstall with `abi.encode(uint32 entityId)`. State is keyed by
/// (msg.sender, entityId). Hand-written; a test checks it against the
/// contract's Rust ABI.
interface IUsageLimitModule {
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
    /// @notice The operation would take a count past its limit: `used` so far
    /// (in the period, for the periodic limit) of `limit`.
    error UsageLimitExceeded(uint256 used, uint256 limit);
    /// @notice An unknown unit, no limit at all, or a periodic limit without a
    /// period (or a period without one).
    error InvalidUsageLimit(uint8 unit, uint32 lifetimeLimit, uint32 periodLimit, uint32 period);
    /// @notice The validation hook's segment is neither empty nor one uint48.
    error InvalidPeriodHint(uint256 word);
    /// @notice The hinted period is before the recorded one.
    error StalePeriodHint(uint256 hinted, uint256 recorded);
    /// @notice A validation counted a later period than the clock's.
    error RecordedPeriodNotStarted(uint256 recorded, uint256 clock);

    event UsageLimitSet(
        address indexed account,
        uint32 indexed entityId,
        uint8 unit,
        uint32 lifetimeLimit,
        uint32 periodLimit,
        uint32 period
    );

    // ---- IERC165, IModule ----
    function supportsInterface(bytes4 interfaceId) external view returns (bool);
    function onInstall(bytes calldata data) external;
    function onUninstall(bytes calldata data) external;
    function moduleId() external view returns (string memory);

    // ---- IValidationHookModule ----
    /// @return validationData the counted period's first and last second (0 for a lifetime count).
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
    /// @notice Replaces the caller's limits for `entityId` (must be installed),
    /// with nothing used and a new period from now.
    function setUsageLimit(uint32 entityId, uint8 unit, uint32 lifetimeLimit, uint32 periodLimit, uint32 period)
        external;
    /// @return periodUsed uses in the period of block.timestamp.
    function getUsageLimit(address account, uint32 entityId)
        external
        view
        returns (
            bool installed,
            uint8 unit,
            uint32 lifetimeLimit,
            uint32 lifetimeUsed,
            uint32 periodLimit,
            uint32 period,
            uint32 periodUsed
        );
}
