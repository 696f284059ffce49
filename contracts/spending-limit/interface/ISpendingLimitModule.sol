// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.20;

/// @title spending-limit permission module (Stylus Session Keys)
/// @notice An ERC-6900 v0.8 execution hook that enforces per-token spending
/// limits (token 0 = native coin) with optional periods, and a validation
/// hook that charges each user operation's maximum cost (the EntryPoint's
/// prefund) to an optional lifetime gas budget and to the native limit,
/// unless a sponsoring paymaster pays. A periodic native limit is charged
/// in the period of the timestamp in the hook's signature segment
/// (`abi.encode(uint48)`, or the recorded period when empty), and the
/// returned validation data confines the operation to that period.
/// Install with `abi.encode(uint32 entityId, SpendLimit[] limits,
/// GasBudget gasBudget, address[] sponsors)`; uninstall with
/// `abi.encode(uint32 entityId)`. State is keyed by (msg.sender, entityId).
/// The account is the admin of its state: a session key that may call this
/// module's admin functions through the account can lift its own limits.
/// Hand-written; a test checks it against the contract's Rust ABI.
interface ISpendingLimitModule {
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

    /// @notice At most `limit` of `token` per `period` seconds (0 = lifetime).
    struct SpendLimit {
        address token;
        uint256 limit;
        uint48 period;
    }

    /// @notice At most `limit` wei of maximum gas cost over the key's lifetime.
    struct GasBudget {
        bool enabled;
        uint256 limit;
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
    /// @notice The operation would spend more of `token` than remains in this period.
    error SpendLimitExceeded(address token, uint256 requested, uint256 remaining);
    /// @notice A call to a limited token that is not transfer, approve or
    /// increaseAllowance (0x00000000 = empty calldata).
    error TokenCallNotAllowed(address token, bytes4 selector);
    /// @notice The operation's maximum gas cost exceeds the remaining gas budget.
    error GasBudgetExceeded(uint256 requested, uint256 remaining);
    /// @notice The install data lists a token twice.
    error DuplicateToken(address token);
    /// @notice removeSpendLimit of a token without a limit.
    error TokenNotLimited(address token);
    /// @notice A validation hook segment that is not `abi.encode(uint48 timestamp)`.
    error InvalidPeriodHint(uint256 word);
    /// @notice A validation hook segment naming a period before the recorded one.
    error StalePeriodHint(uint256 hintedPeriod, uint256 recordedPeriod);
    /// @notice A spend at a time before the period a validation already charged.
    error RecordedPeriodNotStarted(uint256 recordedPeriod, uint256 clockPeriod);

    event SpendLimitSet(
        address indexed account, uint32 indexed entityId, address indexed token, uint256 limit, uint48 period
    );
    event SpendLimitRemoved(address indexed account, uint32 indexed entityId, address indexed token);
    event Spent(address indexed account, uint32 indexed entityId, address indexed token, uint256 amount);
    event GasBudgetSet(address indexed account, uint32 indexed entityId, bool enabled, uint256 limit);
    event GasCharged(address indexed account, uint32 indexed entityId, uint256 amount, uint256 remaining);

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
    /// @notice Adds or replaces a limit; a new period starts now with nothing spent.
    function setSpendLimit(uint32 entityId, address token, uint256 limit, uint48 period) external;
    function removeSpendLimit(uint32 entityId, address token) external;
    /// @notice Replaces the gas budget, with nothing spent.
    function setGasBudget(uint32 entityId, bool enabled, uint256 limit) external;
    function getSpendLimit(address account, uint32 entityId, address token)
        external
        view
        returns (bool limited, uint256 limit, uint48 period, uint256 spent, uint256 remaining);
    function getLimitedTokens(address account, uint32 entityId) external view returns (address[] memory);
    /// @notice The paymasters whose operations are not charged (they pay the gas).
    function getSponsors(address account, uint32 entityId) external view returns (address[] memory);
    function getGasBudget(address account, uint32 entityId)
        external
        view
        returns (bool enabled, uint256 limit, uint256 spent, uint256 remaining);
}
