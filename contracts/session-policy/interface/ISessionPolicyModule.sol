// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.20;

/// @title session-policy permission hook (Stylus Session Keys)
/// @notice One ERC-6900 v0.8 validation and execution hook that enforces a
/// session key's whole policy: a time window, a contract allowlist, a
/// (target, selector) allowlist and spending limits (ERC-20 amounts, native
/// value and the operation's gas). Spending limits are charged during
/// user-operation validation, in the period of the timestamp in the hook's
/// signature segment (`abi.encode(uint48)`, or the recorded period when
/// empty); the returned validation data confines the operation to that
/// period and to the key's window.
/// @dev Install data: `abi.encode(uint32 entityId, uint8 flags, bytes[] rules)`
/// with exactly four entries, each the standalone module's install data or
/// empty: time-window, contract-allowlist, selector-allowlist,
/// spending-limit. Flag 1 charges calls in the execution hook instead.
interface ISessionPolicyModule {
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

    // Shared by every module.
    error MalformedCalldata(uint8 reason);
    error UnsupportedCallForm(bytes4 selector);
    error UnsupportedFunction(bytes4 selector);
    error UnexpectedDataPassed();
    error NotInstalled(address account, uint32 entityId);
    error AlreadyInstalled(address account, uint32 entityId);
    error ValueNotAccepted();

    event ModuleInstalled(address indexed account, uint32 indexed entityId);
    event ModuleUninstalled(address indexed account, uint32 indexed entityId);

    // The policy's own.
    error EntityIdMismatch(uint32 expected, uint32 found);
    error RuleCountMismatch(uint256 expected, uint256 found);
    error UnknownPolicyFlags(uint8 flags);
    error PolicyCalled(address target);
    error InvalidPeriodHint(uint256 word);
    error EmptyValidityWindow(uint48 validAfter, uint48 validUntil);

    // The time-window rule.
    error InvalidTimeWindow(uint48 validAfter, uint48 validUntil);
    error OutsideTimeWindow(uint48 validAfter, uint48 validUntil, uint256 timestamp);
    event TimeWindowSet(address indexed account, uint32 indexed entityId, uint48 validAfter, uint48 validUntil);

    // The contract-allowlist rule.
    error TargetNotAllowed(address target);
    error InvalidTarget(address target);
    error DuplicateTarget(address target);
    event TargetAdded(address indexed account, uint32 indexed entityId, address indexed target);

    // The selector-allowlist rule.
    error SelectorNotAllowed(address target, bytes4 selector);
    error PrivilegedSelector(address target, bytes4 selector);
    error DuplicateRule(address target, bytes4 selector);
    event RuleAdded(address indexed account, uint32 indexed entityId, address indexed target, bytes4 selector);

    // The spending-limit rule.
    error SpendLimitExceeded(address token, uint256 requested, uint256 remaining);
    error TokenCallNotAllowed(address token, bytes4 selector);
    error GasBudgetExceeded(uint256 requested, uint256 remaining);
    error DuplicateToken(address token);
    error StalePeriodHint(uint256 hintedPeriod, uint256 recordedPeriod);
    error RecordedPeriodNotStarted(uint256 recordedPeriod, uint256 clockPeriod);
    event SpendLimitSet(
        address indexed account, uint32 indexed entityId, address indexed token, uint256 limit, uint48 period
    );
    event Spent(address indexed account, uint32 indexed entityId, address indexed token, uint256 amount);
    event GasBudgetSet(address indexed account, uint32 indexed entityId, bool enabled, uint256 limit);
    event GasCharged(address indexed account, uint32 indexed entityId, uint256 amount, uint256 remaining);

    function supportsInterface(bytes4 interfaceId) external view returns (bool);
    function onInstall(bytes calldata data) external;
    function onUninstall(bytes calldata data) external;
    function moduleId() external view returns (string memory);

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

    function preExecutionHook(uint32 entityId, address sender, uint256 value, bytes calldata data)
        external
        returns (bytes memory);
    function postExecutionHook(uint32 entityId, bytes calldata preExecHookData) external;

    function getTimeWindow(address account, uint32 entityId)
        external
        view
        returns (bool installed, uint48 validAfter, uint48 validUntil);
    function isTargetAllowed(address account, uint32 entityId, address target) external view returns (bool);
    function getTargets(address account, uint32 entityId) external view returns (address[] memory);
    function hasRule(address account, uint32 entityId, address target, bytes4 selector) external view returns (bool);
    function isCallAllowed(address account, uint32 entityId, address target, bytes calldata data)
        external
        view
        returns (bool);
    function getRules(address account, uint32 entityId) external view returns (SelectorRule[] memory);
    function getSpendLimit(address account, uint32 entityId, address token)
        external
        view
        returns (bool limited, uint256 limit, uint48 period, uint256 spent, uint256 remaining);
    function getLimitedTokens(address account, uint32 entityId) external view returns (address[] memory);
    function getSponsors(address account, uint32 entityId) external view returns (address[] memory);
    function getGasBudget(address account, uint32 entityId)
        external
        view
        returns (bool enabled, uint256 limit, uint256 spent, uint256 remaining);
}
