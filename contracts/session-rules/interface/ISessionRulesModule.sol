// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.20;

/// @title session-rules permission hook (Stylus Session Keys)
/// @notice One ERC-6900 v0.8 validation and execution hook for the rules of a
/// session key that do not fit beside session-policy's in one program:
/// usage limits, the paymaster guard and parameter rules. A periodic count is made during user-operation validation,
/// in the period of the timestamp in the hook's signature segment
/// (`abi.encode(uint48)`, or the recorded period when empty); the returned
/// validation data confines the operation to that period.
/// @dev Install data: `abi.encode(uint32 entityId, uint8 flags, bytes[] rules)`
/// with exactly three entries, usage-limit's, paymaster-guard's and
/// param-rules' install data (each may be empty). Flag 1 counts in the execution hook instead;
/// the paymaster is checked in validation either way.
interface ISessionRulesModule {
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

    // usage-limit.
    error UsageLimitExceeded(uint256 used, uint256 limit);
    error InvalidUsageLimit(uint8 unit, uint32 lifetimeLimit, uint32 periodLimit, uint32 period);
    error StalePeriodHint(uint256 hinted, uint256 recorded);
    error RecordedPeriodNotStarted(uint256 recorded, uint256 clock);
    event UsageLimitSet(
        address indexed account,
        uint32 indexed entityId,
        uint8 unit,
        uint32 lifetimeLimit,
        uint32 periodLimit,
        uint32 period
    );

    // paymaster-guard.
    error PaymasterNotAllowed(address paymaster);
    error InvalidPaymaster(address paymaster);
    error EmptyPaymasterGuard();
    event PaymasterGuardSet(address indexed account, uint32 indexed entityId, bool allowSelfPaid, address[] paymasters);

    // param-rules.
    struct Condition {
        address target;
        bytes4 selector;
        uint16 arg;
        uint8 op;
        uint16 bits;
        bytes32 value;
        bytes32 path;
    }
    struct Total {
        address target;
        bytes4 selector;
        uint16 arg;
        uint16 bits;
        uint256 limit;
        uint32 period;
        bytes32 path;
    }
    error ParamNotAllowed(address target, bytes4 selector, uint16 arg, bytes32 value);
    error DirtyParam(uint16 arg, bytes32 word);
    error MissingParam(uint16 arg);
    error ParamTotalExceeded(address target, bytes4 selector, uint16 arg, uint256 total, uint256 limit);
    error InvalidParamRule(uint256 index, uint8 reason);
    event ParamRulesSet(address indexed account, uint32 indexed entityId, uint256 conditions, uint256 totals);

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
    function getPaymasterGuard(address account, uint32 entityId)
        external
        view
        returns (bool installed, bool allowSelfPaid, address[] memory paymasters);
    function isPaymasterAllowed(address account, uint32 entityId, address paymaster) external view returns (bool);
    function getParamTotal(address account, uint32 entityId, address target, bytes4 selector, uint16 arg)
        external
        view
        returns (bool installed, uint256 total, uint256 limit, uint32 period);
    /// @notice Every rule of the key as installed (a list as one condition per
    /// value), and each total's sum in the period the clock falls in.
    function getParamRules(address account, uint32 entityId)
        external
        view
        returns (bool installed, Condition[] memory conditions, Total[] memory totals, uint256[] memory spent);
}
